/*
 * ext4 hash-tree directories (dir_index): the name hashes and lookup.
 *
 * An indexed directory (EXT4_INDEX_FL) keeps its entries in ordinary leaf
 * blocks, plus an index: block 0 holds the root, after "." and "..": a
 * header (hash version, number of index levels below the root) and sorted
 * (hash, block) pairs; the first pair's hash slot holds the count and limit
 * instead.  With one or two further levels, the pairs lead to index nodes
 * of the same shape (behind an empty entry spanning the block), and the
 * last level leads to leaves.  A leaf holds the names whose hashes fall
 * between its pair's hash and the next one.  If a run of equal hashes
 * spills into the next leaf, that leaf's hash has bit 0 set.
 *
 * Names hash with one of three functions (legacy, half-MD4, TEA), each with
 * a signed- and an unsigned-char variant chosen by the superblock flags,
 * seeded by s_hash_seed.  The lookup descends from the root to one leaf and
 * searches it (dir.c parses and checksums the blocks).  An index that does
 * not make sense, or a collision run crossing into the next leaf, answers
 * EXT4_HTREE_FALLBACK and dir.c searches linearly, which is always right.
 * readdir does not use the index at all.
 */
#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define DX_HASH_LEGACY 0
#define DX_HASH_HALF_MD4 1
#define DX_HASH_TEA 2
#define DX_HASH_UNSIGNED 3	/* added to the above for unsigned chars */
#define EXT4_FLAGS_UNSIGNED_HASH 0x0002 /* s_flags */
#define DX_MAX_LEVELS 2		/* below the root; 3 with large_dir */
#define DX_NO_HASH (1ull << 32)
#define DX_BLOCK_MASK 0x0fffffff

static const uint32_t dx_default_seed[4] = {
	0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
};

static int
dx_char(const char *name, size_t i, bool is_unsigned)
{
	return is_unsigned ? (int)(unsigned char)name[i]
			   : (int)(signed char)name[i];
}

static uint32_t
dx_legacy(const char *name, size_t len, bool is_unsigned)
{
	uint32_t h0 = 0x12a3fe2d, h1 = 0x37abe8f9, h;
	size_t i;

	for (i = 0; i < len; i++) {
		h = h1 + (h0 ^ (uint32_t)(dx_char(name, i, is_unsigned) *
					  7152373));
		if (h & 0x80000000)
			h -= 0x7fffffff;
		h1 = h0;
		h0 = h;
	}
	return h0 << 1;
}

/*
 * Pack up to num words of name (len bytes remain) big-end first, padded
 * with a word made of the remaining length.
 */
static void
dx_pack(const char *name, size_t len, uint32_t *buf, int num,
	bool is_unsigned)
{
	uint32_t pad = (uint32_t)len | (uint32_t)len << 8, val;
	size_t i;

	pad |= pad << 16;
	val = pad;
	if (len > (size_t)num * 4)
		len = (size_t)num * 4;
	for (i = 0; i < len; i++) {
		val = (uint32_t)dx_char(name, i, is_unsigned) + (val << 8);
		if (i % 4 == 3) {
			*buf++ = val;
			val = pad;
			num--;
		}
	}
	if (--num >= 0)
		*buf++ = val;
	while (--num >= 0)
		*buf++ = pad;
}

static uint32_t
rol32(uint32_t x, unsigned int s)
{
	return x << s | x >> (32 - s);
}

static uint32_t
md4_f(uint32_t x, uint32_t y, uint32_t z)
{
	return z ^ (x & (y ^ z));
}

static uint32_t
md4_g(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) + ((x ^ y) & z);
}

static uint32_t
md4_h(uint32_t x, uint32_t y, uint32_t z)
{
	return x ^ y ^ z;
}

/*
 * Three rounds of eight MD4 steps over in[8].  Step j of a round updates
 * register (4 - j) % 4 (a, d, c, b, ...) from the three that follow it.
 */
static void
dx_half_md4(uint32_t buf[4], const uint32_t in[8])
{
	static uint32_t (*const fn[3])(uint32_t, uint32_t, uint32_t) = {
		md4_f, md4_g, md4_h,
	};
	static const uint32_t k[3] = { 0, 0x5A827999, 0x6ED9EBA1 };
	static const uint8_t word[3][8] = {
		{ 0, 1, 2, 3, 4, 5, 6, 7 },
		{ 1, 3, 5, 7, 0, 2, 4, 6 },
		{ 3, 7, 2, 6, 1, 5, 0, 4 },
	};
	static const uint8_t shift[3][4] = {
		{ 3, 7, 11, 19 }, { 3, 5, 9, 13 }, { 3, 9, 11, 15 },
	};
	uint32_t v[4] = { buf[0], buf[1], buf[2], buf[3] };
	uint32_t f;
	int r, j, t;

	for (r = 0; r < 3; r++) {
		for (j = 0; j < 8; j++) {
			t = (4 - j % 4) % 4;
			f = fn[r](v[(t + 1) % 4], v[(t + 2) % 4],
				  v[(t + 3) % 4]);
			v[t] = rol32(v[t] + f + in[word[r][j]] + k[r],
				     shift[r][j % 4]);
		}
	}
	for (j = 0; j < 4; j++)
		buf[j] += v[j];
}

static void
dx_tea(uint32_t buf[4], const uint32_t in[4])
{
	uint32_t sum = 0, b0 = buf[0], b1 = buf[1];
	int n;

	for (n = 0; n < 16; n++) {
		sum += 0x9E3779B9;
		b0 += ((b1 << 4) + in[0]) ^ (b1 + sum) ^ ((b1 >> 5) + in[1]);
		b1 += ((b0 << 4) + in[2]) ^ (b0 + sum) ^ ((b0 >> 5) + in[3]);
	}
	buf[0] += b0;
	buf[1] += b1;
}

/* Half-MD4 eats 32 bytes a round, TEA 16. */
static uint32_t
dx_block_hash(const char *name, size_t len, bool tea, bool is_unsigned,
	      const uint32_t seed[4])
{
	uint32_t buf[4], in[8];
	size_t chunk = tea ? 16 : 32;
	int i;

	for (i = 0; i < 4; i++)
		buf[i] = seed[i];
	for (;;) {
		dx_pack(name, len, in, (int)(chunk / 4), is_unsigned);
		if (tea)
			dx_tea(buf, in);
		else
			dx_half_md4(buf, in);
		if (len <= chunk)
			break;
		len -= chunk;
		name += chunk;
	}
	return tea ? buf[0] : buf[1];
}

/* The major hash of name; version includes DX_HASH_UNSIGNED. */
uint32_t
ext4_dx_hash(const char *name, size_t len, unsigned int version,
	     const uint32_t seed[4])
{
	bool is_unsigned = version >= DX_HASH_UNSIGNED;
	uint32_t h;

	if (seed[0] == 0 && seed[1] == 0 && seed[2] == 0 && seed[3] == 0)
		seed = dx_default_seed;
	switch (version % DX_HASH_UNSIGNED) {
	case DX_HASH_LEGACY:
		h = dx_legacy(name, len, is_unsigned);
		break;
	case DX_HASH_HALF_MD4:
		h = dx_block_hash(name, len, false, is_unsigned, seed);
		break;
	default:
		h = dx_block_hash(name, len, true, is_unsigned, seed);
		break;
	}
	h &= ~1u;
	if (h == 0xfffffffe)	/* reserved: end of directory */
		h = 0xfffffffc;
	return h;
}

bool
ext4_dir_is_indexed(const struct ext4_fs *fs, const struct ext4_inode *dir)
{
	return (fs->compat & EXT4_FEATURE_COMPAT_DIR_INDEX) &&
	       (dir->flags & EXT4_INDEX_FL) &&
	       !(dir->flags & EXT4_INLINE_DATA_FL);
}

static int
dx_fallback(struct ext4_fs *fs, const struct ext4_inode *dir,
	    const char *why)
{
	pr_warn("ext4: %s: directory inode %u: %s, searching it linearly",
		fs->bd->name, dir->ino, why);
	return EXT4_HTREE_FALLBACK;
}

/*
 * In the index node at data + coff: the entry whose range holds hash.
 * *next becomes the hash where the following entry starts, if any.
 * Returns the child's logical block, or -1 if the node is malformed.
 */
static int64_t
dx_pick(struct ext4_fs *fs, const uint8_t *data, size_t coff, uint32_t hash,
	uint64_t *next)
{
	const struct ext4_dx_countlimit *cl = (const void *)(data + coff);
	const struct ext4_dx_entry *e = (const void *)(data + coff);
	size_t limit = le16toh(cl->limit), count = le16toh(cl->count);
	size_t lo = 1, hi, mid;

	if (count == 0 || count > limit ||
	    coff + limit * sizeof(*e) > fs->block_size)
		return -1;
	hi = count;	/* find the last entry in [1, count) with hash <= */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (le32toh(e[mid].hash) <= hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < count)
		*next = le32toh(e[lo].hash);
	return le32toh(e[lo - 1].block) & DX_BLOCK_MASK;
}

/* Hash version and levels from the root; -1 if unusable. */
int
ext4_dx_root_params(struct ext4_fs *fs, const uint8_t *data,
		    unsigned int *version)
{
	const struct ext4_dx_root_info *info =
		(const void *)(data + EXT4_DX_ROOT_INFO_OFF);
	unsigned int max = ext4_has_incompat(fs,
					     EXT4_FEATURE_INCOMPAT_LARGEDIR) ?
				   DX_MAX_LEVELS + 1 : DX_MAX_LEVELS;

	if (ext4_dx_count_offset(fs, data) !=
	    EXT4_DX_ROOT_INFO_OFF + sizeof(*info))
		return -1;
	if (info->hash_version > DX_HASH_TEA || info->indirect_levels >= max)
		return -1;
	*version = info->hash_version;
	if (le32toh(fs->sb.s_flags) & EXT4_FLAGS_UNSIGNED_HASH)
		*version += DX_HASH_UNSIGNED;
	return info->indirect_levels;
}

/* The hash of name in this filesystem, for a root's version. */
uint32_t
ext4_dx_name_hash(struct ext4_fs *fs, unsigned int version, const char *name,
		  size_t len)
{
	uint32_t seed[4];
	int i;

	for (i = 0; i < 4; i++)
		seed[i] = le32toh(fs->sb.s_hash_seed[i]);
	return ext4_dx_hash(name, len, version, seed);
}

int
ext4_htree_lookup(struct ext4_fs *fs, struct ext4_inode *dir,
		  const char *name, size_t len, uint32_t *ino)
{
	uint32_t hash;
	uint64_t next = DX_NO_HASH;
	struct ext4_buf *b;
	unsigned int version;
	size_t coff = EXT4_DX_ROOT_INFO_OFF + sizeof(struct ext4_dx_root_info);
	int levels, level, err;
	int64_t lblk = 0;

	if ((err = ext4_dir_bread(fs, dir, 0, &b)) < 0)
		return err;
	if ((levels = ext4_dx_root_params(fs, b->data, &version)) < 0) {
		ext4_brelse(fs, b);
		return dx_fallback(fs, dir, "bad hash index root");
	}
	hash = ext4_dx_name_hash(fs, version, name, len);
	for (level = 0; level <= levels; level++) {
		lblk = dx_pick(fs, b->data, coff, hash, &next);
		ext4_brelse(fs, b);
		if (lblk <= 0)
			return dx_fallback(fs, dir, "bad hash index node");
		if ((err = ext4_dir_bread(fs, dir, (uint64_t)lblk, &b)) < 0)
			return err;
		coff = EXT4_DX_NODE_COUNT_OFF;
		if (level < levels &&
		    ext4_dx_count_offset(fs, b->data) != coff) {
			ext4_brelse(fs, b);
			return dx_fallback(fs, dir, "hash index node expected");
		}
	}
	err = ext4_dir_block_lookup(fs, dir, b, (uint64_t)lblk, name, len, ino);
	ext4_brelse(fs, b);
	if (err == 1)
		return 0;
	if (err < 0)
		return err;
	if (next != DX_NO_HASH && (next & 1) && (next & ~1ull) == hash)
		return EXT4_HTREE_FALLBACK;	/* the run goes on: rare */
	return -ENOENT;
}
