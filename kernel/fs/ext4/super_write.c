/*
 * ext4 read-write mounts: the superblock on the disk, the mount state
 * bits, sync, commit and unmount.
 *
 * While a filesystem is mounted read-write its superblock says so, as
 * Linux's does: with a journal the needs_recovery feature is set (a crash
 * leaves it set, and the next mount replays the journal); without one,
 * EXT4_VALID_FS is cleared (a crash leaves it clear, which tells e2fsck to
 * look).  Either goes to the disk directly, outside any transaction, at
 * mount; unmount writes everything back, empties the journal and then
 * restores the state found at mount.
 *
 * In between, the superblock's counters (free blocks and inodes) and the
 * orphan list head change with the metadata: fs->sb is changed in memory
 * and fs->sb_dirty set, and ext4_super_store() copies it into the cached
 * block holding it before a commit or a write-back, so the superblock is
 * journaled along with the blocks it summarises.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

static void
clock_realtime(struct ext4_time *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	t->sec = ts.tv_sec;
	t->nsec = (uint32_t)ts.tv_nsec;
}

void
ext4_set_clock(struct ext4_fs *fs, void (*now)(struct ext4_time *t))
{
	fs->clock = now;
}

void
ext4_now(struct ext4_fs *fs, struct ext4_time *t)
{
	(fs->clock != NULL ? fs->clock : clock_realtime)(t);
}

/* The block holding the primary superblock, and the offset in it. */
static uint64_t
super_block_nr(const struct ext4_fs *fs, size_t *off)
{
	*off = EXT4_SUPER_OFFSET & (fs->block_size - 1);
	return EXT4_SUPER_OFFSET >> fs->log_block_size;
}

/* Counters and write time into fs->sb, then its checksum. */
void
ext4_super_encode(struct ext4_fs *fs)
{
	struct ext4_disk_super *sb = &fs->sb;
	struct ext4_time now;

	ext4_now(fs, &now);
	sb->s_free_blocks_count_lo = htole32((uint32_t)fs->free_blocks);
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_64BIT))
		sb->s_free_blocks_count_hi =
			htole32((uint32_t)(fs->free_blocks >> 32));
	sb->s_free_inodes_count = htole32((uint32_t)fs->free_inodes);
	sb->s_wtime = htole32((uint32_t)now.sec);
	sb->s_wtime_hi = (uint8_t)(now.sec >> 32);
	if (fs->csum)
		sb->s_checksum = htole32(ext4_crc32c(
			~0u, sb, offsetof(struct ext4_disk_super, s_checksum)));
}

/* Copy fs->sb into its cached block, which becomes dirty. */
int
ext4_super_store(struct ext4_fs *fs)
{
	struct ext4_buf *b;
	size_t off;
	int err;

	if ((err = ext4_bread(fs, super_block_nr(fs, &off), &b)) < 0)
		return err;
	ext4_super_encode(fs);
	memcpy(b->data + off, &fs->sb, sizeof(fs->sb));
	ext4_bdirty(fs, b);
	ext4_brelse(fs, b);
	fs->sb_dirty = false;
	return 0;
}

/*
 * Write fs->sb to the disk now, bypassing the journal, and flush.  Only
 * while no transaction holds the superblock's block (mount, unmount).
 */
int
ext4_super_write_direct(struct ext4_fs *fs)
{
	struct ext4_buf *b;
	size_t off;
	int err;

	if ((err = ext4_bread(fs, super_block_nr(fs, &off), &b)) < 0)
		return err;
	BUG_ON(b->in_trans);
	ext4_super_encode(fs);
	memcpy(b->data + off, &fs->sb, sizeof(fs->sb));
	err = bdev_write(fs->bd, EXT4_SUPER_OFFSET, &fs->sb, sizeof(fs->sb));
	ext4_brelse(fs, b);
	if (err < 0) {
		pr_err("ext4: %s: cannot write the superblock: %d",
		       fs->bd->name, err);
		return err;
	}
	fs->sb_dirty = false;
	return bdev_flush(fs->bd);
}

static int
super_check_groups_rw(struct ext4_fs *fs)
{
	uint32_t g;

	for (g = 0; g < fs->groups_count; g++) {
		if (fs->group_bad[g]) {
			pr_err("ext4: %s: group %u has a bad descriptor: "
			       "refusing to mount read-write, run e2fsck",
			       fs->bd->name, g);
			return -EFSCORRUPTED;
		}
	}
	return 0;
}

/*
 * Turn a checked read-only mount into a read-write one: open the journal,
 * mark the filesystem in use on the disk and finish deleting orphans.
 */
int
ext4_super_mount_rw(struct ext4_fs *fs)
{
	struct ext4_disk_super *sb = &fs->sb;
	struct ext4_time now;
	int err;

	if ((err = super_check_groups_rw(fs)) < 0)
		return err;
	if (fs->compat & EXT4_FEATURE_COMPAT_HAS_JOURNAL) {
		if ((err = ext4_journal_open(fs)) < 0)
			return err;
	}
	fs->mount_state = le16toh(sb->s_state);
	ext4_now(fs, &now);
	/* Generations of new inodes: distinct from those of past mounts. */
	fs->generation = (uint32_t)now.sec * 2654435761u ^ now.nsec;
	/* A journal keeps it consistent: then needs_recovery says "in use". */
	if (fs->jnl == NULL)
		sb->s_state = htole16(fs->mount_state & ~EXT4_VALID_FS);
	sb->s_mnt_count = htole16(le16toh(sb->s_mnt_count) + 1);
	sb->s_mtime = htole32((uint32_t)now.sec);
	sb->s_mtime_hi = (uint8_t)(now.sec >> 32);
	if (fs->jnl != NULL) {
		fs->incompat |= EXT4_FEATURE_INCOMPAT_RECOVER;
		sb->s_feature_incompat = htole32(fs->incompat);
	}
	if ((err = ext4_super_write_direct(fs)) < 0)
		return err;
	fs->read_only = false;
	return ext4_orphan_process(fs);
}

/*
 * Everything to the disk: commit (journal) or write back (no journal),
 * then flush the device.
 */
int
ext4_sync(struct ext4_fs *fs)
{
	int err;

	if (fs->read_only)
		return 0;
	/* The commit flushes only if it had metadata to log; data written
	 * in place since the last flush must reach the disk all the same. */
	if (fs->jnl != NULL)
		return (err = ext4_journal_commit(fs)) < 0 ? err
							   : bdev_flush(fs->bd);
	if (fs->sb_dirty && (err = ext4_super_store(fs)) < 0)
		return err;
	if ((err = ext4_cache_writeback(fs)) < 0)
		return err;
	return bdev_flush(fs->bd);
}

int
ext4_commit(struct ext4_fs *fs)
{
	return ext4_sync(fs);
}

/* Write everything home, empty the journal, restore the mount state. */
int
ext4_super_unmount_rw(struct ext4_fs *fs)
{
	struct ext4_disk_super *sb = &fs->sb;
	int err, e;

	err = ext4_sync(fs);
	if (fs->jnl != NULL && (e = ext4_journal_close(fs)) < 0 && err == 0)
		err = e;
	if ((e = ext4_cache_writeback(fs)) < 0 && err == 0)
		err = e;
	if ((e = bdev_flush(fs->bd)) < 0 && err == 0)
		err = e;
	if (err == 0) {
		sb->s_state = htole16(fs->mount_state);
		fs->incompat &= ~EXT4_FEATURE_INCOMPAT_RECOVER;
		sb->s_feature_incompat = htole32(fs->incompat);
	}
	if ((e = ext4_super_write_direct(fs)) < 0 && err == 0)
		err = e;
	fs->read_only = true;
	return err;
}
