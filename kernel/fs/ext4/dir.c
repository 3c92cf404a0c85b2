/*
 * ext4 directories: reading entries, lookup by name.
 *
 * A directory is a file of blocks, each tiled by variable-length entries
 * (inode, rec_len, name_len, file_type, name).  An entry with inode 0 is
 * unused space.  With metadata_csum every leaf block ends in a 12-byte fake
 * entry holding a crc32c of the block.  Hash-indexed (dir_index) directories
 * have the same leaves; their index nodes hide behind fake entries: block 0
 * is "." and a ".." whose rec_len covers the index root, and interior index
 * blocks are one empty entry spanning the block.  So a linear walk sees
 * every name exactly once and skips the index without knowing about it;
 * only the checksum differs (an index node has its own tail).
 *
 * Entries are walked one block at a time and each record is checked before
 * use: rec_len at least 12, a multiple of 4, large enough for the name,
 * inside the block; the inode number in range.  A walk is driven by a
 * position, lblk * block_size + offset, which readdir hands back to its
 * caller.  Resuming re-walks the block from its start, so a position that
 * does not fall on a record boundary still resumes at the next record.
 *
 * Lookups in indexed directories go through the hash tree (htree.c), which
 * uses the block and leaf helpers here.
 *
 * Inline directories (inline.c holds the bytes) have no "." and ".." records:
 * the first four bytes of i_block are the parent's inode number and the
 * records follow, in i_block and then in the "system.data" value.  Their
 * positions are 0 for ".", 1 for "..", then byte offsets into i_block and
 * the value laid end to end.
 */
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

/* d_type values of getdents64, indexed by on-disk file_type. */
static const uint8_t dir_dtype[EXT4_FT_MAX] = {
	[EXT4_FT_UNKNOWN] = 0,	/* DT_UNKNOWN */
	[EXT4_FT_REG_FILE] = 8,	/* DT_REG */
	[EXT4_FT_DIR] = 4,	/* DT_DIR */
	[EXT4_FT_CHRDEV] = 2,	/* DT_CHR */
	[EXT4_FT_BLKDEV] = 6,	/* DT_BLK */
	[EXT4_FT_FIFO] = 1,	/* DT_FIFO */
	[EXT4_FT_SOCK] = 12,	/* DT_SOCK */
	[EXT4_FT_SYMLINK] = 10,	/* DT_LNK */
};

#define DIR_DT_DIR 4
#define DIR_INLINE_POS_DOT 0
#define DIR_INLINE_POS_DOTDOT 1

/*
 * Called for each live entry at position pos.  Nonzero stops the walk and
 * is returned by dir_iterate() (with *pos left at this entry).
 */
typedef int (*dir_visit_t)(void *arg, const struct ext4_dir_rec *d);

static int
dir_bad(struct ext4_fs *fs, const struct ext4_inode *dir, uint64_t lblk,
	size_t off, const char *what)
{
	pr_err("ext4: %s: directory inode %u, block %llu, offset %zu: %s",
	       fs->bd->name, dir->ino, (unsigned long long)lblk, off, what);
	return -EFSCORRUPTED;
}

/* 64 KiB blocks need 65536, which rec_len stores as 0 or 65535. */
uint16_t
ext4_dir_rec_len_disk(const struct ext4_fs *fs, size_t len)
{
	if (fs->block_size < 65536)
		return htole16((uint16_t)len);
	if (len == 65536)
		return htole16(EXT4_MAX_REC_LEN);
	return htole16((uint16_t)((len & 65532) | ((len >> 16) & 3)));
}


size_t
ext4_dir_rec_len(const struct ext4_fs *fs, uint16_t disk)
{
	if (fs->block_size < 65536)
		return disk;
	if (disk == EXT4_MAX_REC_LEN || disk == 0)
		return 65536;
	return (disk & 65532) | ((size_t)(disk & 3) << 16);
}

/* Check the record at off in a region of size bytes, fill d. */
int
ext4_dir_parse(struct ext4_fs *fs, const struct ext4_inode *dir,
	  const uint8_t *base, size_t size, size_t off, uint64_t lblk,
	  struct ext4_dir_rec *d)
{
	const struct ext4_dirent *de = (const void *)(base + off);
	unsigned int ft;

	if (off + EXT4_DIRENT_HEAD > size)
		return dir_bad(fs, dir, lblk, off, "record overruns block");
	d->ino = le32toh(de->inode);
	d->rec_len = ext4_dir_rec_len(fs, le16toh(de->rec_len));
	d->name_len = de->name_len;
	d->name = de->name;
	if (d->rec_len < EXT4_DIR_REC_LEN(1) || d->rec_len % EXT4_DIR_ROUND)
		return dir_bad(fs, dir, lblk, off, "bad rec_len");
	if (d->rec_len < EXT4_DIR_REC_LEN(d->name_len))
		return dir_bad(fs, dir, lblk, off, "rec_len too small");
	if (d->rec_len > size - off)
		return dir_bad(fs, dir, lblk, off, "rec_len overruns block");
	if (d->ino > fs->inodes_count)
		return dir_bad(fs, dir, lblk, off, "inode number out of range");
	if (d->ino != 0 && d->name_len == 0)
		return dir_bad(fs, dir, lblk, off, "empty name");
	ft = de->file_type;
	d->d_type = 0;
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_FILETYPE) &&
	    ft < EXT4_FT_MAX)
		d->d_type = dir_dtype[ft];
	return 0;
}

/*
 * Walk the records of one region (a block, or a piece of an inline dir)
 * whose first byte is position pos_base, visiting those at or after *pos.
 */
static int
dir_walk_region(struct ext4_fs *fs, const struct ext4_inode *dir,
		const uint8_t *base, size_t size, uint64_t lblk,
		uint64_t pos_base, uint64_t *pos, dir_visit_t visit, void *arg)
{
	struct ext4_dir_rec d;
	size_t off;
	int err;

	for (off = 0; off < size; off += d.rec_len) {
		err = ext4_dir_parse(fs, dir, base, size, off, lblk, &d);
		if (err < 0)
			return err;
		if (pos_base + off < *pos || d.ino == 0)
			continue;
		*pos = pos_base + off;
		if ((err = visit(arg, &d)) != 0)
			return err;
		*pos = pos_base + off + d.rec_len;
	}
	return 0;
}

/* The leaf checksum, in the fake entry at the end of the block. */
static const struct ext4_dirent_tail *
dir_leaf_tail(struct ext4_fs *fs, const uint8_t *data)
{
	const struct ext4_dirent_tail *t =
		(const void *)(data + fs->block_size - sizeof(*t));

	if (fs->block_size < sizeof(*t) || t->det_reserved_zero1 != 0 ||
	    le16toh(t->det_rec_len) != sizeof(*t) ||
	    t->det_reserved_zero2 != 0 ||
	    t->det_reserved_ft != EXT4_FT_DIR_CSUM)
		return NULL;
	return t;
}

bool
ext4_dir_has_tail(const struct ext4_fs *fs, const uint8_t *data)
{
	return dir_leaf_tail((struct ext4_fs *)fs, data) != NULL;
}

/* Where an index node's count/limit sits, or 0 if data is not one. */
size_t
ext4_dx_count_offset(struct ext4_fs *fs, const uint8_t *data)
{
	const struct ext4_dirent *dot = (const void *)data;
	const struct ext4_dirent *dotdot = (const void *)(data + 12);
	const struct ext4_dx_root_info *info =
		(const void *)(data + EXT4_DX_ROOT_INFO_OFF);

	if (ext4_dir_rec_len(fs, le16toh(dot->rec_len)) == fs->block_size)
		return EXT4_DX_NODE_COUNT_OFF;
	if (ext4_dir_rec_len(fs, le16toh(dot->rec_len)) != 12 ||
	    ext4_dir_rec_len(fs, le16toh(dotdot->rec_len)) !=
		    fs->block_size - 12 ||
	    info->reserved_zero != 0 ||
	    info->info_length != sizeof(*info))
		return 0;
	return EXT4_DX_ROOT_INFO_OFF + sizeof(*info);
}

static int
dir_dx_csum_ok(struct ext4_fs *fs, const struct ext4_inode *dir,
	       const uint8_t *data, size_t coff)
{
	const struct ext4_dx_countlimit *cl = (const void *)(data + coff);
	size_t limit = le16toh(cl->limit), count = le16toh(cl->count);
	const struct ext4_dx_tail *t;
	uint32_t zero = 0, crc;

	if (count > limit || coff + limit * sizeof(struct ext4_dx_entry) +
					 sizeof(*t) > fs->block_size)
		return false;
	t = (const void *)(data + coff + limit * sizeof(struct ext4_dx_entry));
	crc = ext4_crc32c(dir->csum_seed, data,
			  coff + count * sizeof(struct ext4_dx_entry));
	crc = ext4_crc32c(crc, t, offsetof(struct ext4_dx_tail, dt_checksum));
	crc = ext4_crc32c(crc, &zero, sizeof(zero));
	return ext4_csum_matches(crc, le32toh(t->dt_checksum));
}

static int
dir_verify_block(struct ext4_fs *fs, const struct ext4_inode *dir,
		 struct ext4_buf *b, uint64_t lblk)
{
	const struct ext4_dirent_tail *t;
	size_t coff;

	if (!fs->csum || b->verified == EXT4_VERIFIED_DIR)
		return 0;
	if ((t = dir_leaf_tail(fs, b->data)) != NULL) {
		if (!ext4_csum_matches(ext4_crc32c(dir->csum_seed, b->data,
					   fs->block_size - sizeof(*t)),
				       le32toh(t->det_checksum)))
			return dir_bad(fs, dir, lblk, 0, "checksum mismatch");
	} else if ((dir->flags & EXT4_INDEX_FL) &&
		   (coff = ext4_dx_count_offset(fs, b->data)) != 0) {
		if (!dir_dx_csum_ok(fs, dir, b->data, coff))
			return dir_bad(fs, dir, lblk, 0,
				       "index checksum mismatch");
	} else {
		return dir_bad(fs, dir, lblk, 0, "no checksum");
	}
	b->verified = EXT4_VERIFIED_DIR;
	return 0;
}

/*
 * Get directory block lblk (of nblocks).  A hole gives *out == NULL and
 * *skip, the number of blocks it spans.
 */
static int
dir_get_block(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t lblk,
	      uint64_t nblocks, struct ext4_buf **out, uint64_t *skip)
{
	struct ext4_map map;
	int err;

	*out = NULL;
	*skip = 0;
	err = ext4_map_blocks(fs, dir, lblk, nblocks - lblk, &map);
	if (err < 0)
		return err;
	if (!(map.flags & EXT4_MAP_MAPPED)) {
		*skip = map.len;
		return 0;
	}
	if ((err = ext4_bread(fs, map.pblk, out)) < 0)
		return err;
	if ((err = dir_verify_block(fs, dir, *out, lblk)) < 0) {
		ext4_brelse(fs, *out);
		*out = NULL;
	}
	return err;
}

/* Directory block lblk, checked; *out is NULL for a hole. */
int
ext4_dir_get(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t lblk,
	     struct ext4_buf **out)
{
	uint64_t nblocks = (dir->size + fs->block_size - 1) >>
			   fs->log_block_size;
	uint64_t skip;

	if (lblk >= nblocks)
		return dir_bad(fs, dir, lblk, 0, "block past the end");
	return dir_get_block(fs, dir, lblk, nblocks, out, &skip);
}

/*
 * The first block of dir at or after *lblk that is not a hole, in *out
 * with *lblk set to it; *out is NULL past the end.  A hole is stepped over
 * at once, however long a damaged size makes it.
 */
int
ext4_dir_next(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t *lblk,
	      struct ext4_buf **out)
{
	uint64_t nblocks = (dir->size + fs->block_size - 1) >>
			   fs->log_block_size;
	uint64_t skip;
	int err;

	*out = NULL;
	while (*lblk < nblocks) {
		err = dir_get_block(fs, dir, *lblk, nblocks, out, &skip);
		if (err < 0 || *out != NULL)
			return err;
		*lblk += skip ? skip : 1;
	}
	return 0;
}

/* Directory block lblk, which must not be a hole (htree lookups). */
int
ext4_dir_bread(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t lblk,
	       struct ext4_buf **out)
{
	uint64_t nblocks = (dir->size + fs->block_size - 1) >>
			   fs->log_block_size;
	uint64_t skip;
	int err;

	if (lblk >= nblocks)
		return dir_bad(fs, dir, lblk, 0, "block past the end");
	if ((err = dir_get_block(fs, dir, lblk, nblocks, out, &skip)) < 0)
		return err;
	if (*out == NULL)
		return dir_bad(fs, dir, lblk, 0, "hole in indexed directory");
	return 0;
}

static int
dir_iterate_blocks(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t *pos,
		   dir_visit_t visit, void *arg)
{
	uint64_t nblocks = (dir->size + fs->block_size - 1) >>
			   fs->log_block_size;
	uint64_t lblk = *pos >> fs->log_block_size, skip;
	struct ext4_buf *b;
	int err;

	while (lblk < nblocks) {
		err = dir_get_block(fs, dir, lblk, nblocks, &b, &skip);
		if (err < 0)
			return err;
		if (b == NULL) {
			lblk += skip;
		} else {
			err = dir_walk_region(fs, dir, b->data, fs->block_size,
					      lblk, lblk << fs->log_block_size,
					      pos, visit, arg);
			ext4_brelse(fs, b);
			if (err != 0)
				return err;
			lblk++;
		}
		*pos = lblk << fs->log_block_size;
	}
	return 0;
}

static int
dir_visit_dot(struct ext4_fs *fs, uint64_t *pos, uint64_t at,
	      const char *name, uint32_t ino, dir_visit_t visit, void *arg)
{
	struct ext4_dir_rec d = {
		.ino = ino,
		.name = name,
		.name_len = strlen(name),
		.d_type = DIR_DT_DIR,
	};
	int err;

	if (*pos > at)
		return 0;
	*pos = at;
	if ((err = visit(arg, &d)) != 0)
		return err;
	*pos = at + 1;
	return 0;
}

static int
dir_iterate_inline(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t *pos,
		   dir_visit_t visit, void *arg)
{
	uint8_t *data;
	size_t len;
	uint32_t parent;
	int err;

	if ((err = ext4_inline_get(fs, dir, &data, &len)) < 0)
		return err;
	memcpy(&parent, data, sizeof(parent));
	parent = le32toh(parent);
	if (parent == 0 || parent > fs->inodes_count) {
		err = dir_bad(fs, dir, 0, 0, "inline parent out of range");
		goto out;
	}
	if ((err = dir_visit_dot(fs, pos, DIR_INLINE_POS_DOT, ".", dir->ino,
				 visit, arg)) != 0 ||
	    (err = dir_visit_dot(fs, pos, DIR_INLINE_POS_DOTDOT, "..", parent,
				 visit, arg)) != 0)
		goto out;
	err = dir_walk_region(fs, dir, data + EXT4_INLINE_DOTDOT_SIZE,
			      EXT4_INLINE_DATA_SIZE - EXT4_INLINE_DOTDOT_SIZE,
			      0, EXT4_INLINE_DOTDOT_SIZE, pos, visit, arg);
	if (err != 0)
		goto out;
	err = dir_walk_region(fs, dir, data + EXT4_INLINE_DATA_SIZE,
			      len - EXT4_INLINE_DATA_SIZE, 0,
			      EXT4_INLINE_DATA_SIZE, pos, visit, arg);
	if (err == 0)
		*pos = len;
out:
	free(data);
	return err;
}

/*
 * Visit every live entry from *pos on.  Returns 0 at the end (*pos past the
 * last entry), the visitor's nonzero value (*pos at its entry), or -errno.
 */
static int
dir_iterate(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t *pos,
	    dir_visit_t visit, void *arg)
{
	if (!ext4_inode_is_dir(dir))
		return -ENOTDIR;
	if (dir->flags & EXT4_INLINE_DATA_FL)
		return dir_iterate_inline(fs, dir, pos, visit, arg);
	return dir_iterate_blocks(fs, dir, pos, visit, arg);
}

struct readdir_ctx {
	ext4_filldir_t cb;
	void *ctx;
};

static int
readdir_visit(void *arg, const struct ext4_dir_rec *d)
{
	struct readdir_ctx *rc = arg;

	return rc->cb(rc->ctx, d->name, d->name_len, d->ino, d->d_type) ? 1
									 : 0;
}

int
ext4_readdir(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t *pos,
	     ext4_filldir_t cb, void *ctx)
{
	struct readdir_ctx rc = { .cb = cb, .ctx = ctx };

	return dir_iterate(fs, dir, pos, readdir_visit, &rc);
}

struct lookup_ctx {
	const char *name;
	size_t len;
	uint32_t ino;
};

static int
lookup_visit(void *arg, const struct ext4_dir_rec *d)
{
	struct lookup_ctx *lc = arg;

	if (d->name_len != lc->len || memcmp(d->name, lc->name, lc->len) != 0)
		return 0;
	lc->ino = d->ino;
	return 1;
}

static bool
dir_is_dot(const char *name, size_t len)
{
	return name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'));
}

/* Search one leaf block: 1 and *ino if found, 0 if not, or -errno. */
int
ext4_dir_block_lookup(struct ext4_fs *fs, struct ext4_inode *dir,
		      const struct ext4_buf *b, uint64_t lblk,
		      const char *name, size_t len, uint32_t *ino)
{
	struct lookup_ctx lc = { .name = name, .len = len };
	uint64_t pos = 0;
	int err;

	err = dir_walk_region(fs, dir, b->data, fs->block_size, lblk, 0, &pos,
			      lookup_visit, &lc);
	if (err == 1)
		*ino = lc.ino;
	return err;
}

int
ext4_lookup(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	    size_t namelen, uint32_t *ino)
{
	struct lookup_ctx lc = { .name = name, .len = namelen };
	uint64_t pos = 0;
	int err;

	if (namelen == 0 || namelen > EXT4_NAME_LEN)
		return namelen ? -ENAMETOOLONG : -ENOENT;
	if (!ext4_inode_is_dir(dir))
		return -ENOTDIR;
	/* "." and ".." are in block 0, outside the hash order. */
	if (ext4_dir_is_indexed(fs, dir) && !dir_is_dot(name, namelen)) {
		err = ext4_htree_lookup(fs, dir, name, namelen, ino);
		if (err != EXT4_HTREE_FALLBACK)
			return err;
	}
	if ((err = dir_iterate(fs, dir, &pos, lookup_visit, &lc)) < 0)
		return err;
	if (err == 0)
		return -ENOENT;
	*ino = lc.ino;
	return 0;
}
