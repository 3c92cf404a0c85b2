/*
 * ext4 inode allocation over the inode bitmaps.
 *
 * Each group has an inode bitmap block (one bit per inode of its table,
 * the rest of the block set as padding).  A group flagged INODE_UNINIT has
 * no bitmap on the disk yet: all its inodes are free, and the bitmap is
 * made (zeroed) on first use.  With group checksums, bg_itable_unused
 * counts the inodes at the end of the table that were never used, which
 * e2fsck then skips: allocating past that mark moves it, zeroing any
 * inode slots it uncovers unless the table is known to be zeroed.
 *
 * Placement: a file goes to its directory's group; a directory goes to a
 * group with more free inodes and blocks than average, searched from its
 * parent's group (top-level directories from after the last one placed),
 * which spreads directory trees over the disk.  Either falls back to any
 * group with a free inode.
 */
#include <string.h>
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

static bool
ialloc_has_gdt_csum(const struct ext4_fs *fs)
{
	return fs->csum ||
	       ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_GDT_CSUM);
}

static int
ialloc_uninit_group(struct ext4_fs *fs, uint32_t g, struct ext4_buf **out)
{
	struct ext4_disk_group *gd = ext4_group_desc_rw(fs, g);
	uint32_t i;
	int err;

	if ((err = ext4_bget(fs, ext4_gd_inode_bitmap(fs, gd), out)) < 0)
		return err;
	for (i = fs->inodes_per_group; i < fs->block_size * 8; i++)
		ext4_set_bit((*out)->data, i);
	(*out)->verified = EXT4_VERIFIED_BITMAP;
	ext4_bitmap_set_csum(fs, g, true, (*out)->data);
	ext4_bdirty(fs, *out);
	gd->bg_flags &= htole16(~EXT4_BG_INODE_UNINIT);
	return ext4_group_dirty(fs, g);
}

static int
ialloc_read_bitmap(struct ext4_fs *fs, uint32_t g, struct ext4_buf **out)
{
	const struct ext4_disk_group *gd = ext4_group_desc(fs, g);
	int err;

	if (gd == NULL)
		return -EFSCORRUPTED;
	if (le16toh(gd->bg_flags) & EXT4_BG_INODE_UNINIT)
		return ialloc_uninit_group(fs, g, out);
	if ((err = ext4_bread(fs, ext4_gd_inode_bitmap(fs, gd), out)) < 0)
		return err;
	if ((*out)->verified == EXT4_VERIFIED_BITMAP)
		return 0;
	if (!ext4_bitmap_csum_ok(fs, g, true, (*out)->data)) {
		pr_err("ext4: %s: group %u: inode bitmap checksum mismatch",
		       fs->bd->name, g);
		ext4_brelse(fs, *out);
		return -EFSCORRUPTED;
	}
	(*out)->verified = EXT4_VERIFIED_BITMAP;
	return 0;
}

static uint32_t
group_free_inodes(struct ext4_fs *fs, uint32_t g)
{
	const struct ext4_disk_group *gd = ext4_group_desc(fs, g);

	return gd != NULL ? ext4_gd_free_inodes(fs, gd) : 0;
}

static uint32_t
group_free_blocks(struct ext4_fs *fs, uint32_t g)
{
	const struct ext4_disk_group *gd = ext4_group_desc(fs, g);

	return gd != NULL ? ext4_gd_free_blocks(fs, gd) : 0;
}

/* A group for a new directory, searched from group start. */
static uint32_t
ialloc_dir_group(struct ext4_fs *fs, uint32_t start)
{
	uint64_t avg_i = fs->free_inodes / fs->groups_count;
	uint64_t avg_b = fs->free_blocks / fs->groups_count;
	uint32_t i, g;

	for (i = 0; i < fs->groups_count; i++) {
		g = (start + i) % fs->groups_count;
		if (group_free_inodes(fs, g) > 0 &&
		    group_free_inodes(fs, g) >= avg_i &&
		    group_free_blocks(fs, g) >= avg_b)
			return g;
	}
	return start;
}

/* Zero the never-used inode slots [from, to) of group g's table. */
static int
ialloc_zero_slots(struct ext4_fs *fs, uint32_t g, uint32_t from, uint32_t to)
{
	const struct ext4_disk_group *gd = ext4_group_desc(fs, g);
	uint64_t table = ext4_group_inode_table(fs, gd), off;
	struct ext4_buf *b;
	int err;

	for (; from < to; from++) {
		off = (uint64_t)from * fs->inode_size;
		err = ext4_bread(fs, table + (off >> fs->log_block_size), &b);
		if (err < 0)
			return err;
		memset(b->data + (off & (fs->block_size - 1)), 0,
		       fs->inode_size);
		ext4_bdirty(fs, b);
		ext4_brelse(fs, b);
	}
	return 0;
}

/* Inode index i of group g is now used: descriptor counts and marks. */
static int
ialloc_account(struct ext4_fs *fs, uint32_t g, uint32_t i, bool is_dir)
{
	struct ext4_disk_group *gd = ext4_group_desc_rw(fs, g);
	uint32_t unused = ext4_gd_itable_unused(fs, gd);
	uint32_t used = fs->inodes_per_group - unused;
	int err;

	ext4_gd_set_free_inodes(fs, gd, ext4_gd_free_inodes(fs, gd) - 1);
	if (is_dir)
		ext4_gd_set_used_dirs(fs, gd, ext4_gd_used_dirs(fs, gd) + 1);
	if (ialloc_has_gdt_csum(fs) && i >= used) {
		if (!(le16toh(gd->bg_flags) & EXT4_BG_INODE_ZEROED) &&
		    (err = ialloc_zero_slots(fs, g, used, i)) < 0)
			return err;
		ext4_gd_set_itable_unused(fs, gd,
					  fs->inodes_per_group - i - 1);
	}
	fs->free_inodes--;
	fs->sb_dirty = true;
	return ext4_group_dirty(fs, g);
}

/* Take the first free inode of group g: 1 and *ino, 0 if full, -errno. */
static int
ialloc_in_group(struct ext4_fs *fs, uint32_t g, bool is_dir, uint32_t *ino)
{
	uint32_t i = 0, first;
	struct ext4_buf *b;
	int err;

	if (group_free_inodes(fs, g) == 0)
		return 0;
	if ((err = ialloc_read_bitmap(fs, g, &b)) < 0)
		return err;
	first = g == 0 ? fs->first_ino - 1 : 0;
	for (i = first; i < fs->inodes_per_group; i++)
		if (!ext4_test_bit(b->data, i))
			break;
	if (i == fs->inodes_per_group) {
		ext4_brelse(fs, b);
		pr_err("ext4: %s: group %u: inode bitmap full, free count "
		       "says otherwise", fs->bd->name, g);
		return 0;
	}
	ext4_set_bit(b->data, i);
	ext4_bitmap_set_csum(fs, g, true, b->data);
	ext4_bdirty(fs, b);
	ext4_brelse(fs, b);
	if ((err = ialloc_account(fs, g, i, is_dir)) < 0)
		return err;
	*ino = g * fs->inodes_per_group + i + 1;
	return 1;
}

/*
 * Allocate an inode number for a new inode of type mode in dir.  0 and
 * *ino, or -ENOSPC.
 */
int
ext4_alloc_inode(struct ext4_fs *fs, const struct ext4_inode *dir,
		 uint16_t mode, uint32_t *ino)
{
	uint32_t parent = (dir->ino - 1) / fs->inodes_per_group;
	uint32_t start = parent, i, g;
	bool is_dir = S_ISDIR(mode);
	int err;

	if (fs->free_inodes == 0)
		return -ENOSPC;
	if (is_dir) {
		if (dir->ino == EXT4_ROOT_INO)
			parent = (fs->last_dir_group + 1) % fs->groups_count;
		start = ialloc_dir_group(fs, parent);
		fs->last_dir_group = start;
	}
	for (i = 0; i < fs->groups_count; i++) {
		g = (start + i) % fs->groups_count;
		if ((err = ialloc_in_group(fs, g, is_dir, ino)) != 0)
			return err < 0 ? err : 0;
	}
	return -ENOSPC;
}

int
ext4_free_inode(struct ext4_fs *fs, uint32_t ino, bool is_dir)
{
	uint32_t g = (ino - 1) / fs->inodes_per_group;
	uint32_t i = (ino - 1) % fs->inodes_per_group;
	struct ext4_disk_group *gd;
	struct ext4_buf *b;
	int err;

	if ((err = ialloc_read_bitmap(fs, g, &b)) < 0)
		return err;
	if (!ext4_test_bit(b->data, i)) {
		pr_err("ext4: %s: freeing free inode %u", fs->bd->name, ino);
		ext4_brelse(fs, b);
		return 0;
	}
	ext4_clear_bit(b->data, i);
	ext4_bitmap_set_csum(fs, g, true, b->data);
	ext4_bdirty(fs, b);
	ext4_brelse(fs, b);
	gd = ext4_group_desc_rw(fs, g);
	ext4_gd_set_free_inodes(fs, gd, ext4_gd_free_inodes(fs, gd) + 1);
	if (is_dir)
		ext4_gd_set_used_dirs(fs, gd, ext4_gd_used_dirs(fs, gd) - 1);
	fs->free_inodes++;
	fs->sb_dirty = true;
	return ext4_group_dirty(fs, g);
}
