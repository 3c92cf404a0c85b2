/*
 * ext4 extent trees: mapping a file's logical blocks to physical ones.
 *
 * An extent-mapped inode holds the root node of a B-tree in i_block: a
 * header and up to four 12-byte entries.  Interior nodes hold index
 * entries (first logical block of a subtree, physical block of its node);
 * leaves hold extents (first logical block, length, first physical block).
 * An extent longer than 32768 blocks encodes an unwritten extent of
 * (length - 32768) blocks: allocated, but reading as zeros.  Non-root nodes
 * fill a block, followed (with metadata_csum) by a crc32c of the node seeded
 * with the inode's checksum seed.
 *
 * The walk trusts nothing: each node's magic, capacity, entry count and
 * depth are checked (the depth must drop by one per level and the root's is
 * at most EXT4_EXT_MAX_DEPTH, so a walk always ends), entries must be sorted
 * and inside the filesystem.  A lookup also yields the length of the run
 * (mapped, unwritten or hole) that starts at the block asked for, bounded
 * by the next index entry, so callers can move in runs.
 * The ext2/3 block map is in indirect.c; data.c picks one of the two.
 * Changing trees is in extents_write.c.
 */
#include <string.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

struct ext_node {
	const struct ext4_extent_header *eh;
	uint64_t blk;		/* 0 for the root in the inode */
	int depth;		/* expected; -1 for the root */
};

static int
ext_bad(struct ext4_fs *fs, const struct ext4_inode *inode,
	const struct ext_node *n, const char *what)
{
	pr_err("ext4: %s: inode %u: bad extent %s (%s %llu)", fs->bd->name,
	       inode->ino, what, n->blk ? "block" : "root",
	       (unsigned long long)n->blk);
	return -EFSCORRUPTED;
}

static unsigned int
ext_node_capacity(struct ext4_fs *fs, const struct ext_node *n)
{
	if (n->blk == 0)
		return (EXT4_INLINE_DATA_SIZE -
			sizeof(struct ext4_extent_header)) /
		       sizeof(struct ext4_extent);
	return (fs->block_size - sizeof(struct ext4_extent_header)) /
	       sizeof(struct ext4_extent);
}

static uint64_t
ext_pblk(const struct ext4_extent *ex)
{
	return le32toh(ex->ee_start_lo) |
	       (uint64_t)le16toh(ex->ee_start_hi) << 32;
}

static uint32_t
ext_len(const struct ext4_extent *ex)
{
	uint32_t len = le16toh(ex->ee_len);

	return len > EXT4_EXT_INIT_MAX_LEN ? len - EXT4_EXT_INIT_MAX_LEN : len;
}

static uint64_t
ext_idx_pblk(const struct ext4_extent_idx *ix)
{
	return le32toh(ix->ei_leaf_lo) |
	       (uint64_t)le16toh(ix->ei_leaf_hi) << 32;
}

/* Magic, capacity, count, depth: enough to know where the entries are. */
static int
ext_check_header(struct ext4_fs *fs, const struct ext4_inode *inode,
		 const struct ext_node *n)
{
	const struct ext4_extent_header *eh = n->eh;
	unsigned int max = le16toh(eh->eh_max);
	unsigned int cap = ext_node_capacity(fs, n);

	if (le16toh(eh->eh_magic) != EXT4_EXT_MAGIC)
		return ext_bad(fs, inode, n, "magic");
	if (max == 0 || max > cap)
		return ext_bad(fs, inode, n, "capacity");
	if (le16toh(eh->eh_entries) > max)
		return ext_bad(fs, inode, n, "entry count");
	if (n->depth < 0 ? le16toh(eh->eh_depth) > EXT4_EXT_MAX_DEPTH
			 : le16toh(eh->eh_depth) != n->depth)
		return ext_bad(fs, inode, n, "depth");
	return 0;
}

static int
ext_check_leaf(struct ext4_fs *fs, const struct ext4_inode *inode,
	       const struct ext_node *n)
{
	const struct ext4_extent *ex = (const void *)(n->eh + 1);
	unsigned int i, count = le16toh(n->eh->eh_entries);
	uint64_t next = 0, start, len;

	for (i = 0; i < count; i++) {
		start = le32toh(ex[i].ee_block);
		len = ext_len(&ex[i]);
		if (len == 0)
			return ext_bad(fs, inode, n, "of length 0");
		if (start < next || start + len > EXT4_EXT_LBLK_LIMIT)
			return ext_bad(fs, inode, n, "order");
		if (!ext4_data_range_ok(fs, ext_pblk(&ex[i]), len))
			return ext_bad(fs, inode, n, "outside the filesystem");
		next = start + len;
	}
	return 0;
}

static int
ext_check_index(struct ext4_fs *fs, const struct ext4_inode *inode,
		const struct ext_node *n)
{
	const struct ext4_extent_idx *ix = (const void *)(n->eh + 1);
	unsigned int i, count = le16toh(n->eh->eh_entries);
	uint64_t pblk;

	for (i = 0; i < count; i++) {
		if (i > 0 && le32toh(ix[i].ei_block) <=
				     le32toh(ix[i - 1].ei_block))
			return ext_bad(fs, inode, n, "index order");
		pblk = ext_idx_pblk(&ix[i]);
		if (pblk <= fs->first_data_block || pblk >= fs->blocks_count)
			return ext_bad(fs, inode, n,
				       "index outside the filesystem");
	}
	return 0;
}

static int
ext_check_node(struct ext4_fs *fs, const struct ext4_inode *inode,
	       const struct ext_node *n)
{
	int err;

	if ((err = ext_check_header(fs, inode, n)) < 0)
		return err;
	if (le16toh(n->eh->eh_depth) == 0)
		return ext_check_leaf(fs, inode, n);
	return ext_check_index(fs, inode, n);
}

/* Called by ext4_iget() for extent-mapped inodes. */
int
ext4_ext_check_root(struct ext4_fs *fs, struct ext4_inode *inode)
{
	struct ext_node root = {
		.eh = (const void *)ext4_inode_iblock(inode),
		.blk = 0,
		.depth = -1,
	};

	return ext_check_node(fs, inode, &root);
}

static int
ext_check_csum(struct ext4_fs *fs, const struct ext4_inode *inode,
	       struct ext4_buf *b, const struct ext_node *n)
{
	size_t off = sizeof(struct ext4_extent_header) +
		     sizeof(struct ext4_extent) * le16toh(n->eh->eh_max);
	const struct ext4_extent_tail *t;

	if (!fs->csum || b->verified == EXT4_VERIFIED_EXTENT)
		return 0;
	if (off + sizeof(*t) > fs->block_size)
		return ext_bad(fs, inode, n, "node has no checksum room");
	t = (const void *)(b->data + off);
	if (!ext4_csum_matches(ext4_crc32c(inode->csum_seed, b->data, off),
			       le32toh(t->et_checksum)))
		return ext_bad(fs, inode, n, "checksum mismatch");
	b->verified = EXT4_VERIFIED_EXTENT;
	return 0;
}

/* Read and check the child node at blk, which must have depth depth. */
static int
ext_read_node(struct ext4_fs *fs, const struct ext4_inode *inode,
	      uint64_t blk, int depth, struct ext4_buf **out,
	      struct ext_node *n)
{
	int err;

	if ((err = ext4_bread(fs, blk, out)) < 0)
		return err;
	n->eh = (const void *)(*out)->data;
	n->blk = blk;
	n->depth = depth;
	if ((err = ext_check_header(fs, inode, n)) < 0 ||
	    (err = ext_check_csum(fs, inode, *out, n)) < 0 ||
	    (err = ext_check_node(fs, inode, n)) < 0) {
		ext4_brelse(fs, *out);
		*out = NULL;
	}
	return err;
}

/* Read and check the node at blk, which must have depth depth. */
int
ext4_ext_read_node(struct ext4_fs *fs, const struct ext4_inode *inode,
		   uint64_t blk, int depth, struct ext4_buf **out)
{
	struct ext_node n;

	return ext_read_node(fs, inode, blk, depth, out, &n);
}

/* Store the checksum of a non-root node (with metadata_csum). */
void
ext4_ext_set_csum(struct ext4_fs *fs, const struct ext4_inode *inode,
		  uint8_t *data)
{
	const struct ext4_extent_header *eh = (const void *)data;
	size_t off = sizeof(*eh) +
		     sizeof(struct ext4_extent) * le16toh(eh->eh_max);
	uint32_t crc;

	if (!fs->csum || off + sizeof(crc) > fs->block_size)
		return;
	crc = htole32(ext4_crc32c(inode->csum_seed, data, off));
	memcpy(data + off, &crc, sizeof(crc));
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * In index node n, pick the subtree holding lblk.  Returns its entry, or
 * NULL if lblk is before the first subtree (a hole up to *end).  *end is
 * lowered to where the next subtree starts.
 */
static const struct ext4_extent_idx *
ext_pick_index(const struct ext_node *n, uint64_t lblk, uint64_t *end)
{
	const struct ext4_extent_idx *ix = (const void *)(n->eh + 1);
	unsigned int i, count = le16toh(n->eh->eh_entries);

	for (i = 0; i < count && le32toh(ix[i].ei_block) <= lblk; i++)
		;
	if (i < count)
		*end = min_u64(*end, le32toh(ix[i].ei_block));
	return i == 0 ? NULL : &ix[i - 1];
}

/* In leaf n, describe the run at lblk, ending no later than end. */
static void
ext_map_leaf(const struct ext_node *n, uint64_t lblk, uint64_t end,
	     struct ext4_map *map)
{
	const struct ext4_extent *ex = (const void *)(n->eh + 1);
	unsigned int i, count = le16toh(n->eh->eh_entries);
	uint64_t start;

	for (i = 0; i < count; i++) {
		start = le32toh(ex[i].ee_block);
		if (lblk < start) {
			end = min_u64(end, start);
			break;
		}
		if (lblk < start + ext_len(&ex[i])) {
			map->pblk = ext_pblk(&ex[i]) + (lblk - start);
			map->len = start + ext_len(&ex[i]) - lblk;
			map->flags = le16toh(ex[i].ee_len) >
						     EXT4_EXT_INIT_MAX_LEN ?
					     EXT4_MAP_UNWRITTEN :
					     EXT4_MAP_MAPPED;
			return;
		}
	}
	map->len = end - lblk;
}

int
ext4_ext_map(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
	     uint64_t max_len, struct ext4_map *map)
{
	struct ext_node n = {
		.eh = (const void *)ext4_inode_iblock(inode),
		.blk = 0,
		.depth = -1,
	};
	const struct ext4_extent_idx *ix;
	struct ext4_buf *b = NULL, *child;
	uint64_t end = EXT4_EXT_LBLK_LIMIT;
	int depth, err;

	map->lblk = lblk;
	map->pblk = 0;
	map->flags = 0;
	map->len = max_len;
	if (lblk >= EXT4_EXT_LBLK_LIMIT)
		return 0;
	if ((err = ext_check_node(fs, inode, &n)) < 0)
		return err;
	for (depth = le16toh(n.eh->eh_depth); depth > 0; depth--) {
		if ((ix = ext_pick_index(&n, lblk, &end)) == NULL)
			goto hole;
		err = ext_read_node(fs, inode, ext_idx_pblk(ix), depth - 1,
				    &child, &n);
		ext4_brelse(fs, b);
		b = child;
		if (err < 0)
			return err;
	}
	ext_map_leaf(&n, lblk, end, map);
	goto out;
hole:
	map->len = end - lblk;
out:
	ext4_brelse(fs, b);
	if (map->len > max_len)
		map->len = max_len;
	return 0;
}
