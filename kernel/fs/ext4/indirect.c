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
 */
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
