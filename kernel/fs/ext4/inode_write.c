/*
 * ext4 inodes, the write side: encoding the decoded fields back into the
 * raw inode, storing it in the inode table, making new inodes and
 * deleting them.
 *
 * The decoded fields of struct ext4_inode are the truth while an inode is
 * in use; ext4_inode_store() encodes them into raw (every field the driver
 * decodes, so nothing else in raw changes), recomputes the checksum and
 * copies raw into its inode table block, which becomes dirty (and so is
 * journaled).  Timestamps keep nanoseconds and the epoch bits in the
 * extra fields when the inode has room for them.
 *
 * Deleting an inode releases its blocks (extent or indirect maps, the
 * xattr block), then its number.  With a journal, a deletion that spans
 * transactions keeps the inode on the orphan list until it is done, so a
 * crash in the middle is finished by the next mount (or by e2fsck).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define EXT4_GOOD_EXTRA_ISIZE 32 /* what Linux gives new inodes */

static struct ext4_disk_inode *
inode_disk_rw(struct ext4_inode *inode)
{
	return (struct ext4_disk_inode *)inode->raw;
}

static uint32_t
time_extra(struct ext4_time t)
{
	uint32_t epoch = (uint32_t)((t.sec - (int64_t)(int32_t)t.sec) >> 32);

	return htole32((epoch & EXT4_EPOCH_MASK) | t.nsec << EXT4_EPOCH_BITS);
}

static void
inode_encode_times(struct ext4_inode *inode)
{
	struct ext4_disk_inode *di = inode_disk_rw(inode);
	uint16_t x = inode->extra_isize;

	di->i_atime = htole32((uint32_t)inode->atime.sec);
	di->i_mtime = htole32((uint32_t)inode->mtime.sec);
	di->i_ctime = htole32((uint32_t)inode->ctime.sec);
	if (inode->raw_size <= EXT4_GOOD_OLD_INODE_SIZE)
		return;
	if (EXT4_INODE_HAS(x, i_atime_extra))
		di->i_atime_extra = time_extra(inode->atime);
	if (EXT4_INODE_HAS(x, i_mtime_extra))
		di->i_mtime_extra = time_extra(inode->mtime);
	if (EXT4_INODE_HAS(x, i_ctime_extra))
		di->i_ctime_extra = time_extra(inode->ctime);
	if (inode->has_crtime && EXT4_INODE_HAS(x, i_crtime)) {
		di->i_crtime = htole32((uint32_t)inode->crtime.sec);
		if (EXT4_INODE_HAS(x, i_crtime_extra))
			di->i_crtime_extra = time_extra(inode->crtime);
	}
}

/* i_blocks: 48 bits with huge_file (in fs blocks with HUGE_FILE_FL). */
static int
inode_encode_blocks(struct ext4_fs *fs, struct ext4_inode *inode)
{
	struct ext4_disk_inode *di = inode_disk_rw(inode);
	uint64_t v = inode->blocks;

	if (ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_HUGE_FILE)) {
		if (inode->flags & EXT4_HUGE_FILE_FL)
			v >>= fs->log_block_size - 9;
		if (v >> 48)
			return -EFBIG;
		di->i_blocks_high = htole16((uint16_t)(v >> 32));
	} else if (v >> 32) {
		return -EFBIG;
	}
	di->i_blocks_lo = htole32((uint32_t)v);
	return 0;
}

static int
inode_encode(struct ext4_fs *fs, struct ext4_inode *inode)
{
	struct ext4_disk_inode *di = inode_disk_rw(inode);

	di->i_mode = htole16(inode->mode);
	di->i_uid = htole16((uint16_t)inode->uid);
	di->i_uid_high = htole16((uint16_t)(inode->uid >> 16));
	di->i_gid = htole16((uint16_t)inode->gid);
	di->i_gid_high = htole16((uint16_t)(inode->gid >> 16));
	di->i_links_count = htole16(inode->links);
	di->i_size_lo = htole32((uint32_t)inode->size);
	di->i_size_high = htole32((uint32_t)(inode->size >> 32));
	di->i_flags = htole32(inode->flags);
	di->i_dtime = htole32(inode->dtime);
	di->i_file_acl_lo = htole32((uint32_t)inode->file_acl);
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_64BIT))
		di->i_file_acl_high =
			htole16((uint16_t)(inode->file_acl >> 32));
	inode_encode_times(inode);
	return inode_encode_blocks(fs, inode);
}

/*
 * Encode inode and copy it into its inode table block (dirty).  0 or
 * -errno: -EFBIG if i_blocks cannot be stored, or reading the table.
 */
int
ext4_inode_store(struct ext4_fs *fs, struct ext4_inode *inode)
{
	const struct ext4_disk_group *gd;
	struct ext4_buf *b;
	uint32_t group = (inode->ino - 1) / fs->inodes_per_group;
	uint64_t off = (uint64_t)((inode->ino - 1) % fs->inodes_per_group) *
		       fs->inode_size;
	int err;

	if ((err = inode_encode(fs, inode)) < 0)
		return err;
	ext4_inode_csum_set(fs, inode);
	if ((gd = ext4_group_desc(fs, group)) == NULL)
		return -EFSCORRUPTED;
	err = ext4_bread(fs, ext4_group_inode_table(fs, gd) +
				     (off >> fs->log_block_size), &b);
	if (err < 0)
		return err;
	memcpy(b->data + (off & (fs->block_size - 1)), inode->raw,
	       fs->inode_size);
	ext4_bdirty(fs, b);
	ext4_brelse(fs, b);
	return 0;
}

int
ext4_write_inode(struct ext4_fs *fs, struct ext4_inode *inode)
{
	int err;

	if (inode->freed)
		return 0;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	return ext4_trans_end(fs, ext4_inode_store(fs, inode));
}

/* i_extra_isize of new inodes: what the superblock wants, or 32. */
static uint16_t
inode_new_extra(struct ext4_fs *fs)
{
	uint32_t want = le16toh(fs->sb.s_want_extra_isize);
	uint32_t room = fs->inode_size - EXT4_GOOD_OLD_INODE_SIZE;

	if (fs->inode_size <= EXT4_GOOD_OLD_INODE_SIZE)
		return 0;
	if (want < EXT4_GOOD_EXTRA_ISIZE)
		want = EXT4_GOOD_EXTRA_ISIZE;
	if (want > room)
		want = room;
	return (uint16_t)(want & ~3u);
}

/*
 * A new in-memory inode for the just-allocated number ino: zeroed raw
 * bytes, type and permissions from mode, a new generation, every time
 * now.  It is in the inode cache with one reference; nothing is written
 * (the caller sets the rest, then stores it).
 */
int
ext4_inode_new(struct ext4_fs *fs, uint32_t ino, uint16_t mode,
	       struct ext4_inode **out)
{
	struct ext4_inode *inode;
	struct ext4_time now;

	if ((inode = calloc(1, sizeof(*inode))) == NULL)
		return -ENOMEM;
	inode->raw_size = fs->inode_size;
	if ((inode->raw = calloc(1, fs->inode_size)) == NULL) {
		free(inode);
		return -ENOMEM;
	}
	inode->ino = ino;
	inode->mode = mode;
	inode->extra_isize = inode_new_extra(fs);
	if (inode->extra_isize != 0)
		inode_disk_rw(inode)->i_extra_isize =
			htole16(inode->extra_isize);
	inode->generation = fs->generation++;
	inode_disk_rw(inode)->i_generation = htole32(inode->generation);
	ext4_inode_set_seed(fs, inode);
	ext4_now(fs, &now);
	inode->atime = inode->mtime = inode->ctime = now;
	inode->has_crtime = EXT4_INODE_HAS(inode->extra_isize, i_crtime);
	inode->crtime = now;
	inode->refs = 1;
	ext4_icache_insert(fs, inode);
	*out = inode;
	return 0;
}

/* Does the inode own blocks through a block map? */
static bool
inode_has_map(struct ext4_fs *fs, const struct ext4_inode *inode)
{
	if (inode->flags & EXT4_INLINE_DATA_FL)
		return false;
	if (S_ISREG(inode->mode) || S_ISDIR(inode->mode))
		return true;
	return S_ISLNK(inode->mode) && !ext4_inode_is_fast_symlink(fs, inode);
}

/* Free every block the inode owns: its data, its maps, its xattr block. */
int
ext4_inode_release_blocks(struct ext4_fs *fs, struct ext4_inode *inode)
{
	int err;

	if (inode_has_map(fs, inode)) {
		if ((err = ext4_truncate_blocks(fs, inode, 0)) < 0)
			return err;
	}
	return ext4_xattr_release(fs, inode);
}

/*
 * Delete an inode whose last link is gone: release its blocks, then its
 * number.  The object stays valid (freed) for its holders.  Runs inside
 * the caller's transaction, restarting it as the blocks go.
 */
int
ext4_delete_inode(struct ext4_fs *fs, struct ext4_inode *inode)
{
	struct ext4_time now;
	int err;

	if (inode->freed)
		return 0;
	if (fs->jnl != NULL && !inode->orphan &&
	    (err = ext4_orphan_add(fs, inode)) < 0)
		return err;
	if ((err = ext4_inode_release_blocks(fs, inode)) < 0)
		return err;
	if (inode->orphan && (err = ext4_orphan_del(fs, inode)) < 0)
		return err;
	ext4_now(fs, &now);
	inode->links = 0;
	inode->size = 0;
	inode->dtime = (uint32_t)now.sec;
	if ((err = ext4_inode_store(fs, inode)) < 0)
		return err;
	if ((err = ext4_free_inode(fs, inode->ino, S_ISDIR(inode->mode))) < 0)
		return err;
	inode->freed = true;
	ext4_icache_remove(inode);
	return 0;
}
