/*
 * The ext2/ext3 block map: direct and indirect blocks.
 *
 * i_block[0..11] point at the first twelve data blocks.  i_block[12] points
 * at a block of P = block_size / 4 pointers to data blocks, i_block[13] at a
 * block of pointers to such blocks (P^2 data blocks), and i_block[14] adds
 * a third level (P^3).  A zero pointer at any level is a hole covering its
 * whole subtree.  Indirect blocks carry no checksum; every pointer is
 * range-checked before it is followed or returned.  A lookup yields the run
 * of physically contiguous blocks (or of holes) that the last pointer array
 * holds from the block asked for.  Extent trees are in extents.c.
 *
 * Writing (ext4_ind_alloc) fills a hole: the missing indirect blocks on
 * the way down are allocated zeroed, then a run of data blocks, as long
 * as the hole and the pointer array allow, goes next to the previous
 * pointer.  Freeing (ext4_ind_free) clears the pointers of a range of
 * logical blocks and frees each indirect block left with no pointers.
 * Indirect blocks are metadata (cached, journaled); all blocks count in
 * i_blocks.
 */
#include <string.h>
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define EXT4_IND_LEVELS 3

static int
ind_bad(struct ext4_fs *fs, const struct ext4_inode *inode, uint64_t blk)
{
	pr_err("ext4: %s: inode %u: block pointer %llu out of range",
	       fs->bd->name, inode->ino, (unsigned long long)blk);
	return -EFSCORRUPTED;
}

/* The run at arr[i] among n little-endian pointers. */
static int
ind_run(struct ext4_fs *fs, const struct ext4_inode *inode,
	const uint32_t *arr, uint64_t n, uint64_t i, uint64_t max_len,
	struct ext4_map *map)
{
	uint64_t first = le32toh(arr[i]), k;

	if (n - i < max_len)
		max_len = n - i;
	if (first == 0) {
		for (k = 1; k < max_len && arr[i + k] == 0; k++)
			;
		map->len = k;
		return 0;
	}
	for (k = 1; k < max_len && le32toh(arr[i + k]) == first + k; k++)
		;
	if (!ext4_data_range_ok(fs, first, k))
		return ind_bad(fs, inode, first);
	map->pblk = first;
	map->len = k;
	map->flags = EXT4_MAP_MAPPED;
	return 0;
}

/*
 * Walk down levels of indirection from block blk to the data pointer for
 * offset off in that subtree (span = P^levels data blocks).
 */
static int
ind_walk(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t blk,
	 int levels, uint64_t off, uint64_t max_len, struct ext4_map *map)
{
	uint64_t p = fs->block_size / 4, span = 1;
	struct ext4_buf *b;
	uint64_t idx;
	int err, i;

	for (i = 0; i < levels; i++)
		span *= p;
	for (;;) {
		if (blk == 0) {
			map->len = span - off < max_len ? span - off : max_len;
			return 0;
		}
		if (blk <= fs->first_data_block || blk >= fs->blocks_count)
			return ind_bad(fs, inode, blk);
		if ((err = ext4_bread(fs, blk, &b)) < 0)
			return err;
		span /= p;
		idx = off / span;
		off %= span;
		if (span == 1) {
			err = ind_run(fs, inode, (const uint32_t *)b->data, p,
				      idx, max_len, map);
			ext4_brelse(fs, b);
			return err;
		}
		blk = le32toh(((const uint32_t *)b->data)[idx]);
		ext4_brelse(fs, b);
	}
}

int
ext4_ind_map(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
	     uint64_t max_len, struct ext4_map *map)
{
	const uint32_t *iblock = (const uint32_t *)ext4_inode_iblock(inode);
	uint64_t p = fs->block_size / 4, span = 1;
	int level;

	map->lblk = lblk;
	map->pblk = 0;
	map->flags = 0;
	map->len = max_len;
	if (lblk < EXT4_NDIR_BLOCKS)
		return ind_run(fs, inode, iblock, EXT4_NDIR_BLOCKS, lblk,
			       max_len, map);
	lblk -= EXT4_NDIR_BLOCKS;
	for (level = 1; level <= EXT4_IND_LEVELS; level++) {
		span *= p;
		if (lblk < span)
			return ind_walk(fs, inode,
					le32toh(iblock[EXT4_IND_BLOCK +
						       level - 1]),
					level, lblk, max_len, map);
		lblk -= span;
	}
	return 0;	/* beyond what the map can address: a hole */
}

/* ---- writing ---- */

/* Where lblk's pointer is: the level (0 direct) and offsets down. */
static int
ind_path(struct ext4_fs *fs, uint64_t lblk, uint64_t off[EXT4_IND_LEVELS])
{
	uint64_t p = fs->block_size / 4, span = 1;
	int level, i;

	if (lblk < EXT4_NDIR_BLOCKS) {
		off[0] = lblk;
		return 0;
	}
	lblk -= EXT4_NDIR_BLOCKS;
	for (level = 1; level <= EXT4_IND_LEVELS; level++) {
		span *= p;
		if (lblk < span) {
			for (i = level - 1; i >= 0; i--) {
				off[i] = lblk % p;
				lblk /= p;
			}
			return level;
		}
		lblk -= span;
	}
	return -EFBIG;
}

/* A pointer array being changed: in the inode or in a held block. */
struct ind_arr {
	uint32_t *v;
	struct ext4_buf *b;	/* NULL: i_block */
};

static void
ind_arr_dirty(struct ext4_fs *fs, struct ind_arr *a)
{
	if (a->b != NULL)
		ext4_bdirty(fs, a->b);
}

/* Follow (or make) the indirect block at a->v[i]; a becomes it. */
static int
ind_descend(struct ext4_fs *fs, struct ext4_inode *inode, struct ind_arr *a,
	    uint64_t i)
{
	uint64_t blk = le32toh(a->v[i]), goal;
	struct ext4_buf *b;
	int err;

	if (blk != 0) {
		if (blk <= fs->first_data_block || blk >= fs->blocks_count)
			return ind_bad(fs, inode, blk);
		err = ext4_bread(fs, blk, &b);
	} else {
		goal = a->b != NULL ? a->b->blk + 1
				    : ext4_inode_goal(fs, inode);
		if ((err = ext4_alloc_meta_block(fs, inode, goal, &blk)) < 0)
			return err;
		if ((err = ext4_bget(fs, blk, &b)) < 0) {
			ext4_free_meta_block(fs, inode, blk);
			return err;
		}
		ext4_bdirty(fs, b);
		a->v[i] = htole32((uint32_t)blk);
		ind_arr_dirty(fs, a);
	}
	if (err < 0)
		return err;
	ext4_brelse(fs, a->b);
	a->b = b;
	a->v = (uint32_t *)b->data;
	return 0;
}

/* Allocate a run of data blocks into the zero pointers at a->v[i]... */
static int
ind_fill(struct ext4_fs *fs, struct ext4_inode *inode, struct ind_arr *a,
	 uint64_t i, uint64_t n, uint64_t lblk, struct ext4_map *map)
{
	uint64_t k, start, count, goal;
	int err;

	for (k = 1; k < n && a->v[i + k] == 0; k++)
		;
	count = k;
	if (i > 0 && a->v[i - 1] != 0)
		goal = le32toh(a->v[i - 1]) + 1;
	else
		goal = a->b != NULL ? a->b->blk + 1
				    : ext4_inode_goal(fs, inode);
	if ((err = ext4_alloc_blocks(fs, goal, &start, &count)) < 0)
		return err;
	for (k = 0; k < count; k++)
		a->v[i + k] = htole32((uint32_t)(start + k));
	ind_arr_dirty(fs, a);
	inode->blocks += ext4_sectors(fs, count);
	map->lblk = lblk;
	map->pblk = start;
	map->len = count;
	map->flags = EXT4_MAP_MAPPED;
	return 0;
}

/*
 * Map lblk, allocating data blocks (at most max_len) and any indirect
 * blocks on the way if it is a hole.
 */
int
ext4_ind_alloc(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
	       uint64_t max_len, struct ext4_map *map)
{
	uint64_t off[EXT4_IND_LEVELS], p = fs->block_size / 4, n;
	struct ind_arr a = {
		(uint32_t *)ext4_inode_iblock_rw(inode), NULL
	};
	int level, i, err;

	if ((err = ext4_ind_map(fs, inode, lblk, max_len, map)) < 0 ||
	    (map->flags & EXT4_MAP_MAPPED))
		return err;
	if (lblk + map->len > ((uint64_t)1 << 32))
		return -EFBIG;
	if ((level = ind_path(fs, lblk, off)) < 0)
		return level;
	if (level > 0 &&
	    (err = ind_descend(fs, inode, &a,
			       EXT4_IND_BLOCK + (uint64_t)level - 1)) < 0)
		return err;
	for (i = 0; i < level - 1; i++) {
		if ((err = ind_descend(fs, inode, &a, off[i])) < 0)
			goto out;
	}
	i = level > 0 ? level - 1 : 0;
	n = (level > 0 ? p : EXT4_NDIR_BLOCKS) - off[i];
	if (n > map->len)
		n = map->len;
	err = ind_fill(fs, inode, &a, off[i], n, lblk, map);
out:
	ext4_brelse(fs, a.b);
	return err;
}

/* ---- freeing ---- */

/* Data blocks to free, gathered into contiguous runs. */
struct ind_run {
	uint64_t start, len;
};

static int
run_flush(struct ext4_fs *fs, struct ext4_inode *inode, struct ind_run *r)
{
	int err = 0;

	if (r->len != 0) {
		inode->blocks -= ext4_sectors(fs, r->len);
		err = ext4_free_blocks(fs, r->start, r->len,
				       S_ISDIR(inode->mode));
	}
	r->len = 0;
	return err;
}

static int
run_add(struct ext4_fs *fs, struct ext4_inode *inode, struct ind_run *r,
	uint64_t blk)
{
	int err;

	if (!ext4_data_range_ok(fs, blk, 1))
		return ind_bad(fs, inode, blk);
	if (r->len != 0 && r->start + r->len == blk) {
		r->len++;
		return 0;
	}
	if ((err = run_flush(fs, inode, r)) < 0)
		return err;
	r->start = blk;
	r->len = 1;
	return 0;
}

static bool
arr_empty(const uint32_t *v, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (v[i] != 0)
			return false;
	return true;
}

static int ind_free_ptrs(struct ext4_fs *fs, struct ext4_inode *inode,
			 uint32_t *v, uint64_t n, int level, uint64_t base,
			 uint64_t start, uint64_t end, struct ind_run *r);

/*
 * Free what the indirect block at *ptr (covering level levels from base)
 * maps in [start, end), and the block itself if it is left empty.
 */
static int
ind_free_block(struct ext4_fs *fs, struct ext4_inode *inode, uint32_t *ptr,
	       int level, uint64_t base, uint64_t start, uint64_t end,
	       struct ind_run *r)
{
	uint64_t blk = le32toh(*ptr), p = fs->block_size / 4;
	struct ext4_buf *b;
	bool empty;
	int err;

	if (blk <= fs->first_data_block || blk >= fs->blocks_count)
		return ind_bad(fs, inode, blk);
	if ((err = ext4_bread(fs, blk, &b)) < 0)
		return err;
	err = ind_free_ptrs(fs, inode, (uint32_t *)b->data, p, level, base,
			    start, end, r);
	empty = err == 0 && arr_empty((uint32_t *)b->data, p);
	if (err == 0 && !empty)
		ext4_bdirty(fs, b);
	ext4_brelse(fs, b);
	if (err < 0 || !empty)
		return err;
	*ptr = 0;
	return ext4_free_meta_block(fs, inode, blk);
}

/*
 * The n pointers at v map level levels (0: data) from base, each child
 * spanning P^level blocks: free what lies in [start, end).
 */
static int
ind_free_ptrs(struct ext4_fs *fs, struct ext4_inode *inode, uint32_t *v,
	      uint64_t n, int level, uint64_t base, uint64_t start,
	      uint64_t end, struct ind_run *r)
{
	uint64_t p = fs->block_size / 4, span = 1, i, cb;
	int k, err;

	for (k = 0; k < level - 1; k++)
		span *= p;
	if (level == 0)
		span = 1;
	for (i = 0; i < n; i++) {
		cb = base + i * span;
		if (cb + span <= start || cb >= end || v[i] == 0)
			continue;
		if (level <= 1) {
			if ((err = run_add(fs, inode, r, le32toh(v[i]))) < 0)
				return err;
			v[i] = 0;
			continue;
		}
		err = ind_free_block(fs, inode, &v[i], level - 1, cb, start,
				     end, r);
		if (err < 0)
			return err;
	}
	return 0;
}

/* Free every block mapping [start, end) and the emptied maps. */
int
ext4_ind_free(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t start,
	      uint64_t end)
{
	uint32_t *iblock = (uint32_t *)ext4_inode_iblock_rw(inode);
	uint64_t p = fs->block_size / 4, span = 1, base = EXT4_NDIR_BLOCKS;
	struct ind_run r = { 0, 0 };
	int level, err;

	err = ind_free_ptrs(fs, inode, iblock, EXT4_NDIR_BLOCKS, 0, 0, start,
			    end, &r);
	for (level = 1; level <= EXT4_IND_LEVELS && err == 0; level++) {
		span *= p;
		if (base < end && base + span > start &&
		    iblock[EXT4_IND_BLOCK + level - 1] != 0)
			err = ind_free_block(fs, inode, &iblock[EXT4_IND_BLOCK +
								 level - 1],
					     level, base, start, end, &r);
		base += span;
	}
	if (err == 0)
		err = run_flush(fs, inode, &r);
	return err;
}
