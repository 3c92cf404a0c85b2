/*
 * ext4 extended attributes: in the inode body and in an xattr block.
 *
 * Two places hold an inode's attributes.  The inode body past
 * i_extra_isize starts with a magic number, then entries (name index,
 * name, value offset and size, hash), ended by four zero bytes; values
 * sit at the end of the body, at offsets counted from the first entry.
 * An xattr block (i_file_acl) has a 32-byte header (magic, reference
 * count, block count, hash of its entries, checksum), entries from
 * offset 32 sorted by (index, name length, name), and values at the end
 * of the block at offsets from its start.  Several inodes may share a
 * block (refcount > 1), in which case it is copied before it changes.
 * Names are stored as an index naming a prefix ("user.", "trusted.",
 * "security.", ...) and the rest.  Each entry carries a hash of its name
 * and value, and the block a hash of its entries' hashes, as e2fsck
 * checks.
 *
 * Changes load both sets into memory, change them and write both back:
 * a new value goes into the inode body if it fits, else into the block.
 * Entries this code does not understand (values in an EA inode, the
 * inline data of "system.data") are carried over untouched.
 */
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define XATTR_HDR_SIZE 32
#define XATTR_NAME_HASH_SHIFT 5
#define XATTR_VALUE_HASH_SHIFT 16
#define XATTR_BLOCK_HASH_SHIFT 16

#define XATTR_INDEX_USER 1
#define XATTR_INDEX_ACL_ACCESS 2
#define XATTR_INDEX_ACL_DEFAULT 3
#define XATTR_INDEX_TRUSTED 4
#define XATTR_INDEX_SECURITY 6

struct xattr_hdr {
	uint32_t h_magic;
	uint32_t h_refcount;
	uint32_t h_blocks;
	uint32_t h_hash;
	uint32_t h_checksum;
	uint32_t h_reserved[3];
} __attribute__((packed));

_Static_assert(sizeof(struct xattr_hdr) == XATTR_HDR_SIZE, "xattr header");

static const struct {
	uint8_t index;
	const char *prefix;
	bool whole;		/* the prefix is the whole name */
} xattr_prefixes[] = {
	{ XATTR_INDEX_USER, "user.", false },
	{ XATTR_INDEX_ACL_ACCESS, "system.posix_acl_access", true },
	{ XATTR_INDEX_ACL_DEFAULT, "system.posix_acl_default", true },
	{ XATTR_INDEX_TRUSTED, "trusted.", false },
	{ XATTR_INDEX_SECURITY, "security.", false },
};

#define NPREFIXES (sizeof(xattr_prefixes) / sizeof(xattr_prefixes[0]))

struct xattr {
	uint8_t index;
	uint8_t name_len;
	char name[EXT4_NAME_LEN];
	uint32_t value_inum;	/* value in an EA inode: kept as is */
	uint32_t value_size;
	uint32_t hash;		/* kept for EA inode entries */
	uint8_t *value;		/* value_size bytes (none with inum) */
};

struct xattr_set {
	struct xattr *v;
	size_t n;
};

static void
set_free(struct xattr_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].value);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int
xattr_bad(struct ext4_fs *fs, const struct ext4_inode *inode,
	  const char *what)
{
	pr_err("ext4: %s: inode %u: bad extended attributes: %s",
	       fs->bd->name, inode->ino, what);
	return -EFSCORRUPTED;
}

/* Split a full name into index and suffix; -EOPNOTSUPP if unknown. */
static int
name_split(const char *full, uint8_t *index, const char **rest,
	   size_t *len)
{
	size_t i, pl;

	for (i = 0; i < NPREFIXES; i++) {
		pl = strlen(xattr_prefixes[i].prefix);
		if (strncmp(full, xattr_prefixes[i].prefix, pl) != 0)
			continue;
		if (xattr_prefixes[i].whole && full[pl] != '\0')
			continue;
		*index = xattr_prefixes[i].index;
		*rest = full + pl;
		*len = strlen(*rest);
		if (!xattr_prefixes[i].whole && *len == 0)
			return -EINVAL;
		return *len > EXT4_NAME_LEN ? -ERANGE : 0;
	}
	return -EOPNOTSUPP;
}

static const char *
index_prefix(uint8_t index)
{
	size_t i;

	for (i = 0; i < NPREFIXES; i++)
		if (xattr_prefixes[i].index == index)
			return xattr_prefixes[i].prefix;
	return NULL;
}

static uint32_t
entry_hash(const struct xattr *x)
{
	uint32_t hash = 0, w;
	size_t i;

	for (i = 0; i < x->name_len; i++)
		hash = (hash << XATTR_NAME_HASH_SHIFT) ^
		       (hash >> (32 - XATTR_NAME_HASH_SHIFT)) ^
		       (uint32_t)(int32_t)(signed char)x->name[i];
	if (x->value_inum != 0)
		return x->hash;
	for (i = 0; i < x->value_size; i += 4) {
		w = 0;
		memcpy(&w, x->value + i,
		       x->value_size - i < 4 ? x->value_size - i : 4);
		hash = (hash << XATTR_VALUE_HASH_SHIFT) ^
		       (hash >> (32 - XATTR_VALUE_HASH_SHIFT)) ^ le32toh(w);
	}
	return hash;
}

static size_t
value_room(uint32_t size)
{
	return (size + EXT4_XATTR_ROUND - 1) & ~(size_t)(EXT4_XATTR_ROUND - 1);
}

/* Append an entry parsed from e (values relative to vbase) to s. */
static int
set_add_disk(struct ext4_fs *fs, const struct ext4_inode *inode,
	     struct xattr_set *s, const struct ext4_xattr_entry *e,
	     const uint8_t *vbase, size_t vroom)
{
	struct xattr *v = realloc(s->v, (s->n + 1) * sizeof(*v)), *x;
	size_t offs = le16toh(e->e_value_offs), size = le32toh(e->e_value_size);

	if (v == NULL)
		return -ENOMEM;
	s->v = v;
	x = &v[s->n];
	memset(x, 0, sizeof(*x));
	x->index = e->e_name_index;
	x->name_len = e->e_name_len;
	memcpy(x->name, e->e_name, e->e_name_len);
	x->value_inum = le32toh(e->e_value_inum);
	x->value_size = (uint32_t)size;
	x->hash = le32toh(e->e_hash);
	if (x->value_inum == 0 && size != 0) {
		if (offs > vroom || size > vroom - offs)
			return xattr_bad(fs, inode, "value out of bounds");
		if ((x->value = malloc(size)) == NULL)
			return -ENOMEM;
		memcpy(x->value, vbase + offs, size);
	}
	s->n++;
	return 0;
}

/*
 * Parse the entries at base + off (up to end), values relative to
 * vbase (which spans vroom bytes).
 */
static int
parse_entries(struct ext4_fs *fs, const struct ext4_inode *inode,
	      const uint8_t *base, size_t off, size_t end,
	      const uint8_t *vbase, size_t vroom, struct xattr_set *s)
{
	const struct ext4_xattr_entry *e;
	int err;

	for (;;) {
		if (off + sizeof(uint32_t) > end)
			return xattr_bad(fs, inode, "entries overrun");
		if (memcmp(base + off, "\0\0\0\0", 4) == 0)
			return 0;
		e = (const void *)(base + off);
		if (off + sizeof(*e) > end ||
		    off + EXT4_XATTR_ENTRY_SIZE(e->e_name_len) > end)
			return xattr_bad(fs, inode, "entry overruns");
		if ((err = set_add_disk(fs, inode, s, e, vbase, vroom)) < 0)
			return err;
		off += EXT4_XATTR_ENTRY_SIZE(e->e_name_len);
	}
}

/* The body area: [*start, inode_size), or false if there is none. */
static bool
ibody_area(struct ext4_fs *fs, const struct ext4_inode *inode, size_t *start)
{
	*start = EXT4_GOOD_OLD_INODE_SIZE + inode->extra_isize;
	return fs->inode_size > EXT4_GOOD_OLD_INODE_SIZE &&
	       *start + 2 * sizeof(uint32_t) <= fs->inode_size;
}

static int
ibody_load(struct ext4_fs *fs, const struct ext4_inode *inode,
	   struct xattr_set *s)
{
	size_t start, first;
	uint32_t magic;

	if (!ibody_area(fs, inode, &start))
		return 0;
	memcpy(&magic, inode->raw + start, sizeof(magic));
	if (le32toh(magic) != EXT4_XATTR_MAGIC)
		return 0;
	first = start + sizeof(magic);
	return parse_entries(fs, inode, inode->raw, first, fs->inode_size,
			     inode->raw + first, fs->inode_size - first, s);
}

static bool
block_csum_ok(struct ext4_fs *fs, uint64_t blk, const uint8_t *data,
	      uint32_t *csum)
{
	uint64_t le_blk = htole64(blk);
	uint32_t zero = 0, crc;
	size_t off = offsetof(struct xattr_hdr, h_checksum);

	crc = ext4_crc32c(fs->csum_seed, &le_blk, sizeof(le_blk));
	crc = ext4_crc32c(crc, data, off);
	crc = ext4_crc32c(crc, &zero, sizeof(zero));
	crc = ext4_crc32c(crc, data + off + 4, fs->block_size - off - 4);
	*csum = crc;
	return ext4_csum_matches(crc, le32toh(((const struct xattr_hdr *)data)
					     ->h_checksum));
}

static int
block_read(struct ext4_fs *fs, const struct ext4_inode *inode,
	   struct ext4_buf **out)
{
	const struct xattr_hdr *h;
	uint32_t crc;
	int err;

	if (!ext4_data_range_ok(fs, inode->file_acl, 1))
		return xattr_bad(fs, inode, "block out of range");
	if ((err = ext4_bread(fs, inode->file_acl, out)) < 0)
		return err;
	h = (const void *)(*out)->data;
	if ((*out)->verified == EXT4_VERIFIED_XATTR)
		return 0;
	if (le32toh(h->h_magic) != EXT4_XATTR_MAGIC ||
	    le32toh(h->h_blocks) != 1)
		err = xattr_bad(fs, inode, "bad block header");
	else if (fs->csum && !block_csum_ok(fs, inode->file_acl,
					    (*out)->data, &crc))
		err = xattr_bad(fs, inode, "block checksum mismatch");
	if (err < 0) {
		ext4_brelse(fs, *out);
		return err;
	}
	(*out)->verified = EXT4_VERIFIED_XATTR;
	return 0;
}

static int
block_load(struct ext4_fs *fs, const struct ext4_inode *inode,
	   struct xattr_set *s, uint32_t *refcount)
{
	struct ext4_buf *b;
	int err;

	*refcount = 0;
	if (inode->file_acl == 0)
		return 0;
	if ((err = block_read(fs, inode, &b)) < 0)
		return err;
	*refcount = le32toh(((const struct xattr_hdr *)b->data)->h_refcount);
	err = parse_entries(fs, inode, b->data, XATTR_HDR_SIZE,
			    fs->block_size, b->data, fs->block_size, s);
	ext4_brelse(fs, b);
	return err;
}

/* Lay s out: entries from off, values down from end (offsets - vbase). */
static int
serialize(const struct xattr_set *s, uint8_t *base, size_t off, size_t end,
	  size_t vbase)
{
	struct ext4_xattr_entry *e;
	size_t i, vend = end;
	const struct xattr *x;

	for (i = 0; i < s->n; i++) {
		x = &s->v[i];
		if (x->value_inum == 0)
			vend -= value_room(x->value_size);
		if (vend > end ||
		    off + EXT4_XATTR_ENTRY_SIZE(x->name_len) + 4 > vend)
			return -ENOSPC;
		e = (void *)(base + off);
		memset(e, 0, EXT4_XATTR_ENTRY_SIZE(x->name_len));
		e->e_name_len = x->name_len;
		e->e_name_index = x->index;
		memcpy(e->e_name, x->name, x->name_len);
		e->e_value_inum = htole32(x->value_inum);
		e->e_value_size = htole32(x->value_size);
		e->e_hash = htole32(entry_hash(x));
		if (x->value_inum == 0 && x->value_size != 0) {
			e->e_value_offs = htole16((uint16_t)(vend - vbase));
			memcpy(base + vend, x->value, x->value_size);
		}
		off += EXT4_XATTR_ENTRY_SIZE(x->name_len);
	}
	return 0;
}

/* Write s into the inode body (in raw); -ENOSPC if it does not fit. */
static int
ibody_store(struct ext4_fs *fs, struct ext4_inode *inode,
	    const struct xattr_set *s)
{
	size_t start, first;
	uint8_t *area;
	uint32_t magic = htole32(EXT4_XATTR_MAGIC);
	int err;

	if (!ibody_area(fs, inode, &start))
		return s->n == 0 ? 0 : -ENOSPC;
	if ((area = calloc(1, fs->inode_size)) == NULL)
		return -ENOMEM;
	first = start + sizeof(magic);
	err = s->n == 0 ? 0 : serialize(s, area, first, fs->inode_size, first);
	if (err == 0) {
		if (s->n != 0)
			memcpy(area + start, &magic, sizeof(magic));
		memcpy(inode->raw + start, area + start,
		       fs->inode_size - start);
	}
	free(area);
	return err;
}

static int
xattr_cmp(const void *a, const void *b)
{
	const struct xattr *x = a, *y = b;

	if (x->index != y->index)
		return x->index - y->index;
	if (x->name_len != y->name_len)
		return x->name_len - y->name_len;
	return memcmp(x->name, y->name, x->name_len);
}

/* The block image of s, sorted, hashed and checksummed for block blk. */
static int
block_image(struct ext4_fs *fs, struct xattr_set *s, uint64_t blk,
	    uint8_t *data)
{
	struct xattr_hdr *h = (void *)data;
	const struct ext4_xattr_entry *e;
	uint32_t hash = 0, crc;
	size_t i, off = XATTR_HDR_SIZE;
	int err;

	qsort(s->v, s->n, sizeof(*s->v), xattr_cmp);
	memset(data, 0, fs->block_size);
	if ((err = serialize(s, data, XATTR_HDR_SIZE, fs->block_size, 0)) < 0)
		return err;
	for (i = 0; i < s->n; i++) {
		e = (const void *)(data + off);
		if (e->e_hash == 0) {
			hash = 0;
			break;
		}
		hash = (hash << XATTR_BLOCK_HASH_SHIFT) ^
		       (hash >> (32 - XATTR_BLOCK_HASH_SHIFT)) ^
		       le32toh(e->e_hash);
		off += EXT4_XATTR_ENTRY_SIZE(e->e_name_len);
	}
	h->h_magic = htole32(EXT4_XATTR_MAGIC);
	h->h_refcount = htole32(1);
	h->h_blocks = htole32(1);
	h->h_hash = htole32(hash);
	if (fs->csum) {
		block_csum_ok(fs, blk, data, &crc);
		h->h_checksum = htole32(crc);
	}
	return 0;
}

/* One reference less to the (shared) block of inode. */
static int
block_unref(struct ext4_fs *fs, struct ext4_inode *inode, uint32_t refcount)
{
	struct ext4_buf *b;
	struct xattr_hdr *h;
	uint32_t crc;
	int err;

	if (refcount <= 1) {
		err = ext4_free_meta_block(fs, inode, inode->file_acl);
	} else {
		if ((err = block_read(fs, inode, &b)) < 0)
			return err;
		h = (void *)b->data;
		h->h_refcount = htole32(refcount - 1);
		if (fs->csum) {
			block_csum_ok(fs, inode->file_acl, b->data, &crc);
			h->h_checksum = htole32(crc);
		}
		ext4_bdirty(fs, b);
		ext4_brelse(fs, b);
		inode->blocks -= ext4_sectors(fs, 1);
	}
	inode->file_acl = 0;
	return err;
}

/* Write s as inode's block: in place if it owns it, else a new one. */
static int
block_store(struct ext4_fs *fs, struct ext4_inode *inode,
	    struct xattr_set *s, uint32_t refcount)
{
	struct ext4_buf *b;
	uint64_t blk = inode->file_acl;
	int err;

	if (s->n == 0)
		return blk != 0 ? block_unref(fs, inode, refcount) : 0;
	if (blk == 0 || refcount > 1) {
		if ((err = ext4_alloc_meta_block(fs, inode, 0, &blk)) < 0)
			return err;
		if (inode->file_acl != 0 &&
		    (err = block_unref(fs, inode, refcount)) < 0)
			return err;
		inode->file_acl = blk;
	}
	if ((err = ext4_bget(fs, blk, &b)) < 0)
		return err;
	err = block_image(fs, s, blk, b->data);
	b->verified = EXT4_VERIFIED_XATTR;
	ext4_bdirty(fs, b);
	ext4_brelse(fs, b);
	return err;
}

static int
set_find(const struct xattr_set *s, uint8_t index, const char *name,
	 size_t len)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].index == index && s->v[i].name_len == len &&
		    memcmp(s->v[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static void
set_remove(struct xattr_set *s, int i)
{
	free(s->v[i].value);
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
}

static int
set_append(struct xattr_set *s, uint8_t index, const char *name, size_t len,
	   const void *value, size_t size)
{
	struct xattr *v = realloc(s->v, (s->n + 1) * sizeof(*v)), *x;

	if (v == NULL)
		return -ENOMEM;
	s->v = v;
	x = &v[s->n];
	memset(x, 0, sizeof(*x));
	x->index = index;
	x->name_len = (uint8_t)len;
	memcpy(x->name, name, len);
	x->value_size = (uint32_t)size;
	if (size != 0) {
		if ((x->value = malloc(size)) == NULL)
			return -ENOMEM;
		memcpy(x->value, value, size);
	}
	s->n++;
	return 0;
}

struct xattr_state {
	struct xattr_set body, block;
	uint32_t refcount;
};

static int
state_load(struct ext4_fs *fs, struct ext4_inode *inode,
	   struct xattr_state *st)
{
	int err;

	memset(st, 0, sizeof(*st));
	if (inode->freed)
		return -ESTALE;
	if ((err = ibody_load(fs, inode, &st->body)) < 0 ||
	    (err = block_load(fs, inode, &st->block, &st->refcount)) < 0) {
		set_free(&st->body);
		set_free(&st->block);
	}
	return err;
}

static void
state_free(struct xattr_state *st)
{
	set_free(&st->body);
	set_free(&st->block);
}

ssize_t
ext4_getxattr(struct ext4_fs *fs, struct ext4_inode *inode, const char *name,
	      void *buf, size_t size)
{
	struct xattr_state st;
	struct xattr_set *s;
	const char *rest;
	uint8_t index;
	size_t len;
	ssize_t ret;
	int i;

	if ((i = name_split(name, &index, &rest, &len)) < 0)
		return i;
	if ((ret = state_load(fs, inode, &st)) < 0)
		return ret;
	s = &st.body;
	if ((i = set_find(s, index, rest, len)) < 0) {
		s = &st.block;
		i = set_find(s, index, rest, len);
	}
	if (i < 0)
		ret = -ENODATA;
	else if (s->v[i].value_inum != 0)
		ret = -EOPNOTSUPP;
	else if (size != 0 && size < s->v[i].value_size)
		ret = -ERANGE;
	else
		ret = s->v[i].value_size;
	if (ret > 0 && size != 0)
		memcpy(buf, s->v[i].value, (size_t)ret);
	state_free(&st);
	return ret;
}

/* Append the listable names of s to buf (or count them). */
static ssize_t
list_set(const struct xattr_set *s, char *buf, size_t size, size_t used)
{
	const char *prefix;
	size_t i, pl, n;

	for (i = 0; i < s->n; i++) {
		if ((prefix = index_prefix(s->v[i].index)) == NULL)
			continue;
		pl = strlen(prefix);
		n = pl + s->v[i].name_len + 1;
		if (size != 0) {
			if (used + n > size)
				return -ERANGE;
			memcpy(buf + used, prefix, pl);
			memcpy(buf + used + pl, s->v[i].name, s->v[i].name_len);
			buf[used + n - 1] = '\0';
		}
		used += n;
	}
	return (ssize_t)used;
}

ssize_t
ext4_listxattr(struct ext4_fs *fs, struct ext4_inode *inode, char *buf,
	       size_t size)
{
	struct xattr_state st;
	ssize_t n;

	if ((n = state_load(fs, inode, &st)) < 0)
		return n;
	n = list_set(&st.body, buf, size, 0);
	if (n >= 0)
		n = list_set(&st.block, buf, size, (size_t)n);
	state_free(&st);
	return n;
}

/* Put the new value in: the body if it fits, else the block. */
static int
state_put(struct ext4_fs *fs, struct ext4_inode *inode,
	  struct xattr_state *st, uint8_t index, const char *name,
	  size_t len, const void *value, size_t size, bool *in_block)
{
	uint8_t *img;
	int err;

	if ((err = set_append(&st->body, index, name, len, value, size)) < 0)
		return err;
	if ((err = ibody_store(fs, inode, &st->body)) != -ENOSPC)
		return err;
	set_remove(&st->body, (int)st->body.n - 1);
	if ((err = ibody_store(fs, inode, &st->body)) < 0)
		return err;
	*in_block = true;
	if ((err = set_append(&st->block, index, name, len, value, size)) < 0)
		return err;
	/* Check that the block can take it before changing anything. */
	if ((img = malloc(fs->block_size)) == NULL)
		return -ENOMEM;
	err = block_image(fs, &st->block, 0, img);
	free(img);
	return err;
}

static int
xattr_change(struct ext4_fs *fs, struct ext4_inode *inode, const char *name,
	     const void *value, size_t size, int flags, bool remove)
{
	struct xattr_state st;
	bool in_block = false;
	const char *rest;
	uint8_t index;
	size_t len;
	int i, err;

	if ((err = name_split(name, &index, &rest, &len)) < 0)
		return err;
	if ((err = state_load(fs, inode, &st)) < 0)
		return err;
	if ((i = set_find(&st.body, index, rest, len)) < 0 &&
	    (i = set_find(&st.block, index, rest, len)) >= 0)
		in_block = true;
	if (i < 0 && (remove || (flags & EXT4_XATTR_REPLACE)))
		err = -ENODATA;
	else if (i >= 0 && (flags & EXT4_XATTR_CREATE))
		err = -EEXIST;
	if (err == 0 && i >= 0)
		set_remove(in_block ? &st.block : &st.body, i);
	if (err == 0 && !remove)
		err = state_put(fs, inode, &st, index, rest, len, value, size,
				&in_block);
	else if (err == 0)
		err = ibody_store(fs, inode, &st.body);
	if (err == 0 && in_block)
		err = block_store(fs, inode, &st.block, st.refcount);
	if (err == 0) {
		ext4_now(fs, &inode->ctime);
		err = ext4_inode_store(fs, inode);
	}
	state_free(&st);
	return err;
}

int
ext4_setxattr(struct ext4_fs *fs, struct ext4_inode *inode, const char *name,
	      const void *value, size_t size, int flags)
{
	int err;

	if (size > fs->block_size)
		return -ENOSPC;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	return ext4_trans_end(fs, xattr_change(fs, inode, name, value, size,
					       flags, false));
}

int
ext4_removexattr(struct ext4_fs *fs, struct ext4_inode *inode,
		 const char *name)
{
	int err;

	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	return ext4_trans_end(fs, xattr_change(fs, inode, name, NULL, 0, 0,
					       true));
}

/* The inode is being deleted: let go of its xattr block. */
int
ext4_xattr_release(struct ext4_fs *fs, struct ext4_inode *inode)
{
	struct ext4_buf *b;
	uint32_t refcount;
	int err;

	if (inode->file_acl == 0)
		return 0;
	if ((err = block_read(fs, inode, &b)) < 0)
		return err;
	refcount = le32toh(((const struct xattr_hdr *)b->data)->h_refcount);
	ext4_brelse(fs, b);
	return block_unref(fs, inode, refcount);
}

/*
 * Drop the "system.data" attribute (the tail of inline data) from the
 * inode body; inline.c calls this when the data moves to blocks.
 */
int
ext4_xattr_drop_system_data(struct ext4_fs *fs, struct ext4_inode *inode)
{
	struct xattr_set s = { NULL, 0 };
	int i, err;

	if ((err = ibody_load(fs, inode, &s)) == 0 &&
	    (i = set_find(&s, EXT4_XATTR_INDEX_SYSTEM, "data", 4)) >= 0) {
		set_remove(&s, i);
		err = ibody_store(fs, inode, &s);
	}
	set_free(&s);
	return err;
}
