/*
 * ext4 file data: block mapping dispatch, file reads and symlink targets.
 *
 * ext4_map_blocks() sends a lookup to the extent tree (extents.c) or to the
 * ext2/3 indirect map (indirect.c) according to the inode's flags.  Reads
 * go by runs: a mapped run is read from the device straight into the
 * caller's buffer (file data does not pass through the block cache, but
 * directory blocks do); holes and unwritten extents are zero-filled.
 * Inline-data inodes are read from the inode itself (inline.c).
 *
 * Symlinks are fast (target in i_block, no blocks), inline, or slow (target
 * in data blocks, extent- or indirect-mapped like a file).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define EXT4_SYMLINK_MAX 4096 /* PATH_MAX, the largest target ext4 writes */

static bool
data_readable(const struct ext4_inode *inode)
{
	return S_ISREG(inode->mode) || S_ISDIR(inode->mode) ||
	       S_ISLNK(inode->mode);
}

/*
 * -EINVAL for inodes without a block map: inline data, fast symlinks,
 * device nodes, FIFOs and sockets.
 */
int
ext4_map_blocks(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
		uint64_t max_len, struct ext4_map *map)
{
	if (!data_readable(inode) || (inode->flags & EXT4_INLINE_DATA_FL) ||
	    ext4_inode_is_fast_symlink(fs, inode))
		return -EINVAL;
	if (max_len == 0)
		max_len = 1;
	if (inode->flags & EXT4_EXTENTS_FL)
		return ext4_ext_map(fs, inode, lblk, max_len, map);
	return ext4_ind_map(fs, inode, lblk, max_len, map);
}

int
ext4_bmap(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
	  uint64_t *phys)
{
	struct ext4_map map;
	int err;

	if ((err = ext4_map_blocks(fs, inode, lblk, 1, &map)) < 0)
		return err;
	*phys = (map.flags & EXT4_MAP_MAPPED) ? map.pblk : 0;
	return 0;
}

static ssize_t
data_read_inline(struct ext4_fs *fs, struct ext4_inode *inode,
		 uint64_t offset, void *buf, size_t len)
{
	uint8_t *data;
	size_t dlen;
	int err;

	if ((err = ext4_inline_get(fs, inode, &data, &dlen)) < 0)
		return err;
	if (offset >= dlen)
		len = 0;
	else if (len > dlen - offset)
		len = dlen - offset;
	memcpy(buf, data + offset, len);
	free(data);
	return (ssize_t)len;
}

/* The target is in i_block; offset + len is within the size. */
static ssize_t
data_read_fast_symlink(struct ext4_fs *fs, struct ext4_inode *inode,
		       uint64_t offset, void *buf, size_t len)
{
	if (inode->size >= EXT4_INLINE_DATA_SIZE) {
		pr_err("ext4: %s: inode %u: fast symlink of %llu bytes",
		       fs->bd->name, inode->ino,
		       (unsigned long long)inode->size);
		return -EFSCORRUPTED;
	}
	memcpy(buf, ext4_inode_iblock(inode) + offset, len);
	return (ssize_t)len;
}

/*
 * Directory blocks are metadata: the cache may hold newer contents than
 * the disk, so they are read through it, a block at a time.
 */
static ssize_t
data_read_cached(struct ext4_fs *fs, uint64_t pblk, uint64_t in_blk,
		 uint8_t *buf, uint64_t len)
{
	struct ext4_buf *b;
	uint64_t n;
	int err;

	if ((err = ext4_bread(fs, pblk, &b)) < 0)
		return err;
	n = fs->block_size - in_blk < len ? fs->block_size - in_blk : len;
	memcpy(buf, b->data + in_blk, n);
	ext4_brelse(fs, b);
	return (ssize_t)n;
}

/* Read one run at offset: at most len bytes, at least one. */
static ssize_t
data_read_run(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t offset,
	      uint8_t *buf, size_t len)
{
	uint64_t lblk = offset >> fs->log_block_size;
	uint64_t in_blk = offset & (fs->block_size - 1);
	uint64_t nblk = (in_blk + len + fs->block_size - 1) >>
			fs->log_block_size;
	struct ext4_map map;
	uint64_t n;
	int err;

	if ((err = ext4_map_blocks(fs, inode, lblk, nblk, &map)) < 0)
		return err;
	n = (map.len << fs->log_block_size) - in_blk;
	if (n > len)
		n = len;
	if (!(map.flags & EXT4_MAP_MAPPED)) {
		memset(buf, 0, n);
		return (ssize_t)n;
	}
	if (ext4_inode_is_dir(inode))
		return data_read_cached(fs, map.pblk, in_blk, buf, n);
	err = bdev_read(fs->bd, (map.pblk << fs->log_block_size) + in_blk, buf,
			n);
	if (err < 0) {
		pr_err("ext4: %s: inode %u: read error at block %llu: %d",
		       fs->bd->name, inode->ino, (unsigned long long)map.pblk,
		       err);
		return err;
	}
	return (ssize_t)n;
}

ssize_t
ext4_read(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t offset,
	  void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	if (!data_readable(inode))
		return -EINVAL;
	if (offset >= inode->size)
		return 0;
	if (len > inode->size - offset)
		len = inode->size - offset;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (inode->flags & EXT4_INLINE_DATA_FL)
		return data_read_inline(fs, inode, offset, buf, len);
	if (ext4_inode_is_fast_symlink(fs, inode))
		return data_read_fast_symlink(fs, inode, offset, buf, len);
	while (done < len) {
		n = data_read_run(fs, inode, offset + done,
				  (uint8_t *)buf + done, len - done);
		if (n < 0)
			return done > 0 ? (ssize_t)done : n;
		done += n;
	}
	return (ssize_t)done;
}

ssize_t
ext4_readlink(struct ext4_fs *fs, struct ext4_inode *inode, char *buf,
	      size_t bufsize)
{
	size_t n = bufsize;
	ssize_t got;

	if (!ext4_inode_is_symlink(inode))
		return -EINVAL;
	if (inode->size == 0 || inode->size > EXT4_SYMLINK_MAX) {
		pr_err("ext4: %s: inode %u: symlink of %llu bytes",
		       fs->bd->name, inode->ino,
		       (unsigned long long)inode->size);
		return -EFSCORRUPTED;
	}
	if (n > inode->size)
		n = inode->size;
	got = ext4_read(fs, inode, 0, buf, n);
	if (got >= 0 && (size_t)got != n) {
		pr_err("ext4: %s: inode %u: short symlink", fs->bd->name,
		       inode->ino);
		return -EFSCORRUPTED;
	}
	return got;
}
