/*
 * ext4 file writes: ext4_write(), ext4_truncate() and ext4_fallocate(),
 * over the block map changes of extents_write.c and indirect.c.
 *
 * File data never passes through the block cache: a run of blocks that
 * already holds data is overwritten in place; a run that is new (a hole
 * just allocated) or unwritten is written whole, the parts of its first
 * and last blocks outside the write zeroed, and unwritten extents are
 * then marked written.  So every byte of a block that a reader can see is
 * either data or zero, and the bytes past i_size in the last block stay
 * zero (truncate zeroes them when it shrinks or grows a file), which is
 * what lets a later extension read zeros there.
 *
 * Writes go in steps of at most WRITE_STEP blocks; between steps the
 * inode (size and block count) is consistent and stored, and the
 * transaction may restart.  A truncation or hole punch that spans
 * transactions keeps the inode on the orphan list meanwhile.  Inline
 * files first move to blocks (inline.c).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define WRITE_STEP 2048		/* blocks per allocation step */
#define EXT4_MAP_NEW 0x100	/* ext4_map_alloc(): just allocated */

static bool
has_extents(const struct ext4_inode *inode)
{
	return (inode->flags & EXT4_EXTENTS_FL) != 0;
}

/* The largest file size the inode's block map can reach. */
static uint64_t
max_file_size(struct ext4_fs *fs, const struct ext4_inode *inode)
{
	uint64_t p = fs->block_size / 4;

	if (has_extents(inode))
		return (EXT4_EXT_LBLK_LIMIT - 1) << fs->log_block_size;
	return (EXT4_NDIR_BLOCKS + p + p * p + p * p * p)
	       << fs->log_block_size;
}

/* Where a new block for lblk should go: after the block before it. */
static uint64_t
alloc_goal(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk)
{
	struct ext4_map m;

	if (lblk > 0 && ext4_map_blocks(fs, inode, lblk - 1, 1, &m) == 0 &&
	    (m.flags & (EXT4_MAP_MAPPED | EXT4_MAP_UNWRITTEN)))
		return m.pblk + 1;
	return ext4_inode_goal(fs, inode);
}

int
ext4_map_alloc(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
	       uint64_t max_len, unsigned int flags, struct ext4_map *map)
{
	bool unwritten = flags & EXT4_ALLOC_UNWRITTEN;
	uint64_t start, count, limit;
	int err;

	if (!has_extents(inode)) {
		if (unwritten)
			return -EOPNOTSUPP;
		if ((err = ext4_ind_map(fs, inode, lblk, max_len, map)) < 0 ||
		    (map->flags & EXT4_MAP_MAPPED))
			return err;
		if ((err = ext4_ind_alloc(fs, inode, lblk, max_len, map)) == 0)
			map->flags |= EXT4_MAP_NEW;
		return err;
	}
	if ((err = ext4_ext_map(fs, inode, lblk, max_len, map)) < 0 ||
	    map->flags != 0)
		return err;
	if (lblk >= EXT4_EXT_LBLK_LIMIT)
		return -EFBIG;
	limit = unwritten ? EXT4_EXT_INIT_MAX_LEN - 1 : EXT4_EXT_INIT_MAX_LEN;
	count = map->len < limit ? map->len : limit;
	if ((err = ext4_alloc_blocks(fs, alloc_goal(fs, inode, lblk), &start,
				     &count)) < 0)
		return err;
	err = ext4_ext_insert(fs, inode, lblk, start, (uint32_t)count,
			      unwritten);
	if (err < 0) {
		ext4_free_blocks(fs, start, count, false);
		return err;
	}
	inode->blocks += ext4_sectors(fs, count);
	map->pblk = start;
	map->len = count;
	map->flags = (unwritten ? EXT4_MAP_UNWRITTEN : EXT4_MAP_MAPPED) |
		     EXT4_MAP_NEW;
	return 0;
}

int
ext4_unmap(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t start,
	   uint64_t end)
{
	if (start >= end)
		return 0;
	if (has_extents(inode))
		return ext4_ext_remove(fs, inode, start, end);
	return ext4_ind_free(fs, inode, start, end);
}

/* Free every block from logical block from on. */
int
ext4_truncate_blocks(struct ext4_fs *fs, struct ext4_inode *inode,
		     uint64_t from)
{
	return ext4_unmap(fs, inode, from, EXT4_EXT_LBLK_LIMIT);
}

static int
write_bytes(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t pos,
	    const void *buf, size_t len)
{
	int err = bdev_write(fs->bd, pos, buf, len);

	if (err < 0)
		pr_err("ext4: %s: inode %u: write error at byte %llu: %d",
		       fs->bd->name, inode->ino, (unsigned long long)pos, err);
	return err;
}

/*
 * Write len bytes at offset in (within its first block) of the fresh run
 * at pblk, zeroing what the write leaves of its first and last blocks.
 */
static int
write_fresh(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t pblk,
	    size_t in, const uint8_t *buf, size_t len)
{
	size_t bs = fs->block_size, head = bs - in < len ? bs - in : len;
	uint64_t pos = pblk << fs->log_block_size;
	uint8_t *tmp;
	size_t mid, tail;
	int err;

	if (in != 0 || head < bs) {
		if ((tmp = calloc(1, bs)) == NULL)
			return -ENOMEM;
		memcpy(tmp + in, buf, head);
		err = write_bytes(fs, inode, pos, tmp, bs);
		free(tmp);
		if (err < 0)
			return err;
		buf += head;
		len -= head;
		pos += bs;
	}
	mid = len & ~(bs - 1);
	tail = len - mid;
	if (mid != 0 && (err = write_bytes(fs, inode, pos, buf, mid)) < 0)
		return err;
	if (tail == 0)
		return 0;
	if ((tmp = calloc(1, bs)) == NULL)
		return -ENOMEM;
	memcpy(tmp, buf + mid, tail);
	err = write_bytes(fs, inode, pos + mid, tmp, bs);
	free(tmp);
	return err;
}

/* One run of a write: at most len bytes at off; returns bytes written. */
static ssize_t
write_run(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t off,
	  const uint8_t *buf, size_t len)
{
	uint64_t lblk = off >> fs->log_block_size;
	size_t in = off & (fs->block_size - 1);
	uint64_t nblk = (in + len + fs->block_size - 1) >> fs->log_block_size;
	struct ext4_map map;
	uint64_t n;
	int err;

	if (nblk > WRITE_STEP)
		nblk = WRITE_STEP;
	if ((err = ext4_map_alloc(fs, inode, lblk, nblk, 0, &map)) < 0)
		return err;
	n = (map.len << fs->log_block_size) - in;
	if (n > len)
		n = len;
	if ((map.flags & EXT4_MAP_MAPPED) && !(map.flags & EXT4_MAP_NEW))
		err = write_bytes(fs, inode, (map.pblk << fs->log_block_size) +
						     in, buf, n);
	else
		err = write_fresh(fs, inode, map.pblk, in, buf, n);
	if (err < 0)
		return err;
	if (map.flags & EXT4_MAP_UNWRITTEN)
		err = ext4_ext_mark_written(fs, inode, lblk,
					    (in + n + fs->block_size - 1) >>
						    fs->log_block_size);
	return err < 0 ? err : (ssize_t)n;
}

static int
check_regular(struct ext4_fs *fs, const struct ext4_inode *inode)
{
	if (fs->read_only)
		return -EROFS;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	if (inode->freed)
		return -ESTALE;
	return 0;
}

/* A size past 2 GiB needs the large_file feature: turn it on. */
static void
note_size(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t size)
{
	inode->size = size;
	if (size > 0x7fffffff &&
	    !ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_LARGE_FILE)) {
		fs->ro_compat |= EXT4_FEATURE_RO_COMPAT_LARGE_FILE;
		fs->sb.s_feature_ro_compat = htole32(fs->ro_compat);
		fs->sb_dirty = true;
	}
}

ssize_t
ext4_write(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t off,
	   const void *buf, size_t len)
{
	uint64_t max = max_file_size(fs, inode);
	size_t done = 0;
	ssize_t n = 0;
	int err;

	if ((err = check_regular(fs, inode)) < 0)
		return err;
	if (off >= max)
		return len ? -EFBIG : 0;
	if (len > max - off)
		len = max - off;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	if ((err = ext4_inline_convert(fs, inode)) < 0)
		return ext4_trans_end(fs, err);
	while (done < len) {
		n = write_run(fs, inode, off + done,
			      (const uint8_t *)buf + done, len - done);
		if (n < 0)
			break;
		done += (size_t)n;
		if (off + done > inode->size)
			note_size(fs, inode, off + done);
		if (ext4_trans_should_restart(fs) &&
		    ((err = ext4_inode_store(fs, inode)) < 0 ||
		     (err = ext4_trans_restart(fs)) < 0)) {
			n = err;
			break;
		}
	}
	err = ext4_trans_end(fs, ext4_inode_store(fs, inode));
	if (done > 0)
		return (ssize_t)done;
	return n < 0 ? n : err;
}

/*
 * Zero the bytes [off, off + len) of the file on the disk where they are
 * written blocks (holes and unwritten blocks read as zeros already).
 */
int
ext4_zero_block_range(struct ext4_fs *fs, struct ext4_inode *inode,
		      uint64_t off, uint64_t len)
{
	uint64_t lblk, in, n;
	struct ext4_map map;
	uint8_t *zero;
	int err = 0;

	if (len == 0)
		return 0;
	if ((zero = calloc(1, fs->block_size)) == NULL)
		return -ENOMEM;
	while (len > 0 && err == 0) {
		lblk = off >> fs->log_block_size;
		in = off & (fs->block_size - 1);
		n = fs->block_size - in < len ? fs->block_size - in : len;
		err = ext4_map_blocks(fs, inode, lblk, 1, &map);
		if (err == 0 && (map.flags & EXT4_MAP_MAPPED))
			err = write_bytes(fs, inode,
					  (map.pblk << fs->log_block_size) + in,
					  zero, n);
		off += n;
		len -= n;
	}
	free(zero);
	return err;
}

/* Zero the rest of the block holding byte pos (nothing at a boundary). */
static int
zero_tail(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t pos)
{
	uint64_t in = pos & (fs->block_size - 1);

	if (in == 0)
		return 0;
	return ext4_zero_block_range(fs, inode, pos, fs->block_size - in);
}

/* Free blocks from keep on, on the orphan list if that may take long. */
static int
shrink_blocks(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t keep,
	      uint64_t end)
{
	bool orphan = fs->jnl != NULL && !inode->orphan;
	int err;

	if (orphan && (err = ext4_orphan_add(fs, inode)) < 0)
		return err;
	if ((err = ext4_inode_store(fs, inode)) < 0)
		return err;
	err = ext4_unmap(fs, inode, keep, end);
	if (orphan && inode->links > 0) {
		if (err == 0)
			err = ext4_orphan_del(fs, inode);
		else
			ext4_orphan_del(fs, inode);
	}
	return err;
}

static int
truncate_locked(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t size)
{
	uint64_t keep = (size + fs->block_size - 1) >> fs->log_block_size;
	int err;

	if (size > inode->size) {
		if ((err = zero_tail(fs, inode, inode->size)) < 0)
			return err;
		note_size(fs, inode, size);
		return ext4_inode_store(fs, inode);
	}
	if ((err = zero_tail(fs, inode, size)) < 0)
		return err;
	inode->size = size;
	if ((err = shrink_blocks(fs, inode, keep, EXT4_EXT_LBLK_LIMIT)) < 0)
		return err;
	return ext4_inode_store(fs, inode);
}

int
ext4_truncate(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t size)
{
	int err;

	if ((err = check_regular(fs, inode)) < 0)
		return err;
	if (size > max_file_size(fs, inode))
		return -EFBIG;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	if ((err = ext4_inline_convert(fs, inode)) < 0)
		return ext4_trans_end(fs, err);
	return ext4_trans_end(fs, truncate_locked(fs, inode, size));
}

/* Free the whole blocks of [off, end), zero the partial ones. */
static int
punch_hole(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t off,
	   uint64_t end)
{
	uint64_t mask = fs->block_size - 1;
	uint64_t first = (off + mask) >> fs->log_block_size, last;
	int err;

	if (end > inode->size)
		end = inode->size;
	if (off >= end)
		return 0;
	last = end >> fs->log_block_size;
	if (first > last)	/* inside one block */
		return ext4_zero_block_range(fs, inode, off, end - off);
	if ((err = ext4_zero_block_range(fs, inode, off,
					 (first << fs->log_block_size) -
						 off)) < 0 ||
	    (err = ext4_zero_block_range(fs, inode,
					 last << fs->log_block_size,
					 end & mask)) < 0)
		return err;
	return ext4_unmap(fs, inode, first, last);
}

/* Preallocate the holes of [off, end) as unwritten extents. */
static int
prealloc(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t off,
	 uint64_t end, bool keep_size)
{
	uint64_t lblk = off >> fs->log_block_size;
	uint64_t last = (end + fs->block_size - 1) >> fs->log_block_size;
	struct ext4_map map;
	int err = 0;

	if (!has_extents(inode))
		return -EOPNOTSUPP;
	while (lblk < last) {
		err = ext4_map_alloc(fs, inode, lblk, last - lblk,
				     EXT4_ALLOC_UNWRITTEN, &map);
		if (err < 0)
			break;
		lblk += map.len;
		if (ext4_trans_should_restart(fs) &&
		    ((err = ext4_inode_store(fs, inode)) < 0 ||
		     (err = ext4_trans_restart(fs)) < 0))
			break;
	}
	if (err == 0 && !keep_size && end > inode->size)
		note_size(fs, inode, end);
	if (err == 0 || lblk > (off >> fs->log_block_size))
		return ext4_inode_store(fs, inode) < 0 ? -EIO : err;
	return err;
}

int
ext4_fallocate(struct ext4_fs *fs, struct ext4_inode *inode, int mode,
	       uint64_t off, uint64_t len)
{
	bool keep = mode & EXT4_FALLOC_KEEP_SIZE;
	int err;

	if (mode & ~(EXT4_FALLOC_KEEP_SIZE | EXT4_FALLOC_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if ((mode & EXT4_FALLOC_PUNCH_HOLE) && !keep)
		return -EOPNOTSUPP;
	if (len == 0)
		return -EINVAL;
	if ((err = check_regular(fs, inode)) < 0)
		return err;
	if (off + len < off || off + len > max_file_size(fs, inode))
		return -EFBIG;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	if ((err = ext4_inline_convert(fs, inode)) < 0)
		return ext4_trans_end(fs, err);
	if (mode & EXT4_FALLOC_PUNCH_HOLE)
		err = punch_hole(fs, inode, off, off + len);
	else
		err = prealloc(fs, inode, off, off + len, keep);
	if (err == 0 && (mode & EXT4_FALLOC_PUNCH_HOLE))
		err = ext4_inode_store(fs, inode);
	return ext4_trans_end(fs, err);
}
