/*
 * ext4 block allocation over the block bitmaps.
 *
 * Each group has a bitmap block, one bit per block of the group (set:
 * used), with the bits past the group's last block set as padding.  A
 * group flagged BLOCK_UNINIT has no bitmap on the disk yet: its bitmap is
 * what the group's own metadata uses (superblock and descriptor copies,
 * and any group's bitmaps or inode table that flex_bg placed here), built
 * on first use, when the flag is cleared.  Every change updates the
 * bitmap checksum, the group's free count (descriptor) and the total in
 * the superblock, so statfs and e2fsck see exact figures at all times.
 *
 * Allocation takes a goal (the block after the previous one of the file,
 * or the start of the inode's group) and a wanted length.  It takes the
 * free run at the goal if there is one; else it looks for a run of a
 * decent length from the goal on, group by group, and only then for any
 * free block.  Blocks freed since the last checkpoint are passed over
 * (journal.c pins them) unless nothing else is left.
 */
#include <string.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define BALLOC_GOOD_RUN 64	/* a run worth looking further for */

static uint32_t
block_group(const struct ext4_fs *fs, uint64_t blk)
{
	return (uint32_t)((blk - fs->first_data_block) / fs->blocks_per_group);
}

static void
mark_range(uint8_t *map, uint64_t first, uint64_t gstart, uint32_t gblocks,
	   uint64_t start, uint64_t len)
{
	uint64_t b;

	for (b = start; b < start + len; b++)
		if (b >= gstart && b < gstart + gblocks)
			ext4_set_bit(map, (uint32_t)(b - first));
}

/* The bitmap of a BLOCK_UNINIT group: its metadata and the padding. */
static void
balloc_init_bitmap(struct ext4_fs *fs, uint32_t g, uint8_t *map)
{
	uint64_t first = ext4_group_first_block(fs, g);
	uint32_t n = ext4_group_blocks(fs, g), i, h;
	const struct ext4_disk_group *gd;
	uint32_t meta;

	memset(map, 0, fs->block_size);
	/* Superblock and descriptor copies start the group. */
	meta = ext4_group_has_super(fs, g) + ext4_group_desc_blocks(fs, g);
	mark_range(map, first, first, n, first, meta);
	for (h = 0; h < fs->groups_count; h++) {
		gd = ext4_group_desc(fs, h);
		mark_range(map, first, first, n, ext4_gd_block_bitmap(fs, gd),
			   1);
		mark_range(map, first, first, n, ext4_gd_inode_bitmap(fs, gd),
			   1);
		mark_range(map, first, first, n,
			   ext4_group_inode_table(fs, gd), fs->itb_per_group);
	}
	for (i = n; i < fs->block_size * 8; i++)
		ext4_set_bit(map, i);
}

static int
balloc_uninit_group(struct ext4_fs *fs, uint32_t g, struct ext4_buf **out)
{
	struct ext4_disk_group *gd = ext4_group_desc_rw(fs, g);
	int err;

	err = ext4_bget(fs, ext4_gd_block_bitmap(fs, gd), out);
	if (err < 0)
		return err;
	balloc_init_bitmap(fs, g, (*out)->data);
	(*out)->verified = EXT4_VERIFIED_BITMAP;
	ext4_bitmap_set_csum(fs, g, false, (*out)->data);
	ext4_bdirty(fs, *out);
	gd->bg_flags &= htole16(~EXT4_BG_BLOCK_UNINIT);
	return ext4_group_dirty(fs, g);
}

/*
 * Group g's block bitmap, held; built if the group is BLOCK_UNINIT (which
 * needs a read-write mount).  Checked against its checksum once.
 */
int
ext4_read_block_bitmap(struct ext4_fs *fs, uint32_t g, struct ext4_buf **out)
{
	const struct ext4_disk_group *gd = ext4_group_desc(fs, g);
	int err;

	if (gd == NULL)
		return -EFSCORRUPTED;
	if (le16toh(gd->bg_flags) & EXT4_BG_BLOCK_UNINIT)
		return balloc_uninit_group(fs, g, out);
	if ((err = ext4_bread(fs, ext4_gd_block_bitmap(fs, gd), out)) < 0)
		return err;
	if ((*out)->verified == EXT4_VERIFIED_BITMAP)
		return 0;
	if (!ext4_bitmap_csum_ok(fs, g, false, (*out)->data)) {
		pr_err("ext4: %s: group %u: block bitmap checksum mismatch",
		       fs->bd->name, g);
		ext4_brelse(fs, *out);
		return -EFSCORRUPTED;
	}
	(*out)->verified = EXT4_VERIFIED_BITMAP;
	return 0;
}

/* First clear bit in [from, end), or end. */
static uint32_t
find_zero(const uint8_t *map, uint32_t from, uint32_t end)
{
	while (from < end) {
		if ((from & 7) == 0 && from + 8 <= end &&
		    map[from >> 3] == 0xff)
			from += 8;
		else if (ext4_test_bit(map, from))
			from++;
		else
			return from;
	}
	return end;
}

/* First set bit in [from, end), or end. */
static uint32_t
find_one(const uint8_t *map, uint32_t from, uint32_t end)
{
	while (from < end) {
		if ((from & 7) == 0 && from + 8 <= end && map[from >> 3] == 0)
			from += 8;
		else if (!ext4_test_bit(map, from))
			from++;
		else
			return from;
	}
	return end;
}

struct alloc_req {
	uint64_t want;		/* blocks wanted */
	uint64_t minlen;	/* shortest run acceptable in this pass */
	bool all_pins;		/* skip all pins, not just new ones */
	uint64_t start, len;	/* the result */
};

/*
 * In bitmap map of group g, the first free run from bit from on that is
 * at least r->minlen long (or reaches r->want) and avoids pinned blocks.
 */
static bool
group_find_run(struct ext4_fs *fs, uint32_t g, const uint8_t *map,
	       uint32_t from, struct alloc_req *r)
{
	uint32_t n = ext4_group_blocks(fs, g), s, e;
	uint64_t first = ext4_group_first_block(fs, g), pin, pin_end;

	for (s = find_zero(map, from, n); s < n; s = find_zero(map, e, n)) {
		e = find_one(map, s, n);
		if (e - s > r->want)
			e = s + (uint32_t)r->want;
		if (ext4_pin_overlaps(fs, first + s, e - s, r->all_pins,
				      &pin, &pin_end)) {
			if (pin > first + s) {
				e = (uint32_t)(pin - first);
			} else {	/* starts pinned: go on past the pin */
				e = pin_end - first < n ? (uint32_t)(pin_end - first)
							: n;
				continue;
			}
		}
		if (e - s >= r->minlen || e - s == r->want) {
			r->start = first + s;
			r->len = e - s;
			return true;
		}
	}
	return false;
}

/* Take [r->start, +r->len) in group g's bitmap and counts. */
static int
group_take(struct ext4_fs *fs, uint32_t g, struct ext4_buf *b,
	   const struct alloc_req *r)
{
	struct ext4_disk_group *gd = ext4_group_desc_rw(fs, g);
	uint32_t s = (uint32_t)(r->start - ext4_group_first_block(fs, g));
	uint64_t i;

	for (i = 0; i < r->len; i++)
		ext4_set_bit(b->data, s + (uint32_t)i);
	ext4_bitmap_set_csum(fs, g, false, b->data);
	ext4_bdirty(fs, b);
	ext4_gd_set_free_blocks(fs, gd, ext4_gd_free_blocks(fs, gd) -
						(uint32_t)r->len);
	fs->free_blocks -= r->len;
	fs->sb_dirty = true;
	return ext4_group_dirty(fs, g);
}

/* Try group g from bit from; 1 if allocated, 0 if not, or -errno. */
static int
alloc_in_group(struct ext4_fs *fs, uint32_t g, uint32_t from,
	       struct alloc_req *r)
{
	const struct ext4_disk_group *gd = ext4_group_desc(fs, g);
	struct ext4_buf *b;
	int err;

	if (gd == NULL || ext4_gd_free_blocks(fs, gd) < r->minlen)
		return 0;
	if ((err = ext4_read_block_bitmap(fs, g, &b)) < 0)
		return err;
	err = 0;
	if (group_find_run(fs, g, b->data, from, r))
		err = group_take(fs, g, b, r) < 0 ? -EIO : 1;
	ext4_brelse(fs, b);
	return err;
}

/* One pass over the groups from the goal's on, and the goal's again. */
static int
alloc_pass(struct ext4_fs *fs, uint64_t goal, struct alloc_req *r)
{
	uint32_t g0 = block_group(fs, goal), i, g;
	uint32_t from = (uint32_t)(goal - ext4_group_first_block(fs, g0));
	int err;

	for (i = 0; i <= fs->groups_count; i++) {
		g = (g0 + i) % fs->groups_count;
		err = alloc_in_group(fs, g, i == 0 ? from : 0, r);
		if (err != 0)
			return err;
	}
	return 0;
}

int
ext4_alloc_blocks(struct ext4_fs *fs, uint64_t goal, uint64_t *start,
		  uint64_t *count)
{
	struct alloc_req r = { .want = *count, .all_pins = true };
	int err;

	if (r.want == 0)
		r.want = 1;
	if (fs->free_blocks == 0)
		return -ENOSPC;
	if (goal <= fs->first_data_block || goal >= fs->blocks_count)
		goal = fs->first_data_block;
	/* A decent run from the goal on (the goal's own first), then any. */
	r.minlen = r.want < BALLOC_GOOD_RUN ? r.want : BALLOC_GOOD_RUN;
	if ((err = alloc_pass(fs, goal, &r)) != 0)
		goto out;
	r.minlen = 1;
	if ((err = alloc_pass(fs, goal, &r)) != 0)
		goto out;
	r.all_pins = false;
	err = alloc_pass(fs, goal, &r);
out:
	if (err < 0)
		return err;
	if (err == 0)
		return -ENOSPC;
	*start = r.start;
	*count = r.len;
	return 0;
}

/* Give [start, start + count) of group g back. */
static int
free_in_group(struct ext4_fs *fs, uint32_t g, uint64_t start, uint64_t count)
{
	struct ext4_disk_group *gd = ext4_group_desc_rw(fs, g);
	uint32_t s = (uint32_t)(start - ext4_group_first_block(fs, g));
	uint32_t i, freed = 0;
	struct ext4_buf *b;
	int err;

	if ((err = ext4_read_block_bitmap(fs, g, &b)) < 0)
		return err;
	for (i = 0; i < count; i++) {
		if (!ext4_test_bit(b->data, s + i)) {
			pr_err("ext4: %s: freeing free block %llu",
			       fs->bd->name, (unsigned long long)start + i);
			continue;
		}
		ext4_clear_bit(b->data, s + i);
		freed++;
	}
	ext4_bitmap_set_csum(fs, g, false, b->data);
	ext4_bdirty(fs, b);
	ext4_brelse(fs, b);
	ext4_gd_set_free_blocks(fs, gd, ext4_gd_free_blocks(fs, gd) + freed);
	fs->free_blocks += freed;
	fs->sb_dirty = true;
	return ext4_group_dirty(fs, g);
}

int
ext4_free_blocks(struct ext4_fs *fs, uint64_t start, uint64_t count,
		 bool meta)
{
	uint64_t i, n, end;
	uint32_t g;
	int err;

	if (count == 0)
		return 0;
	if (!ext4_data_range_ok(fs, start, count)) {
		pr_err("ext4: %s: freeing blocks %llu+%llu out of range",
		       fs->bd->name, (unsigned long long)start,
		       (unsigned long long)count);
		return -EFSCORRUPTED;
	}
	for (i = 0; i < count; i++) {
		ext4_bforget(fs, start + i);
		if (meta)
			ext4_journal_revoke(fs, start + i);
	}
	ext4_pin_add(fs, start, count);
	for (end = start + count; start < end; start += n) {
		g = block_group(fs, start);
		n = ext4_group_first_block(fs, g) + ext4_group_blocks(fs, g) -
		    start;
		if (n > end - start)
			n = end - start;
		if ((err = free_in_group(fs, g, start, n)) < 0)
			return err;
	}
	return 0;
}

/* The start of the inode's group: where its blocks go by default. */
uint64_t
ext4_inode_goal(struct ext4_fs *fs, const struct ext4_inode *inode)
{
	uint32_t g = (inode->ino - 1) / fs->inodes_per_group;

	return ext4_group_first_block(fs, g);
}

/* One block of metadata for inode (counted in its i_blocks). */
int
ext4_alloc_meta_block(struct ext4_fs *fs, struct ext4_inode *inode,
		      uint64_t goal, uint64_t *blk)
{
	uint64_t n = 1;
	int err;

	if (goal == 0 && inode != NULL)
		goal = ext4_inode_goal(fs, inode);
	if ((err = ext4_alloc_blocks(fs, goal, blk, &n)) < 0)
		return err;
	if (inode != NULL)
		inode->blocks += ext4_sectors(fs, 1);
	return 0;
}

int
ext4_free_meta_block(struct ext4_fs *fs, struct ext4_inode *inode,
		     uint64_t blk)
{
	if (inode != NULL)
		inode->blocks -= ext4_sectors(fs, 1);
	return ext4_free_blocks(fs, blk, 1, true);
}
