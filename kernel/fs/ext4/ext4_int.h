/*
 * ext4 internals shared by the files of kernel/fs/ext4/: the mount
 * structure, the metadata block cache, block mapping and the checksum
 * helpers.  Nothing outside this directory includes it; the public interface
 * is ext4.h and the on-disk layout is ondisk.h.
 */
#ifndef FS_EXT4_EXT4_INT_H
#define FS_EXT4_EXT4_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errno.h"
#include "fs/bdev.h"
#include "fs/ext4/ext4.h"
#include "fs/ext4/ondisk.h"

/* crc.c: raw CRC updates, no pre- or post-inversion. */
uint32_t ext4_crc32c(uint32_t crc, const void *buf, size_t len);
uint16_t ext4_crc16(uint16_t crc, const void *buf, size_t len);

/*
 * cache.c: metadata blocks, keyed by physical block number.  A buffer is
 * held from ext4_bread() to ext4_brelse(); held buffers are never evicted.
 * verified remembers which checksum (EXT4_VERIFIED_*) the contents passed,
 * so a block is checked once per read from the device.
 */
enum ext4_verified {
	EXT4_VERIFIED_NONE,
	EXT4_VERIFIED_EXTENT,
	EXT4_VERIFIED_DIR,
};

struct ext4_buf {
	uint64_t blk;
	unsigned int refs;
	enum ext4_verified verified;
	struct ext4_buf *hash_next;
	struct ext4_buf *lru_prev, *lru_next; /* most recent at lru.next */
	uint8_t *data;
};

struct ext4_cache {
	struct ext4_buf **hash;
	unsigned int hash_size;	/* a power of two */
	struct ext4_buf lru;	/* list head */
	unsigned int count, max;
};

int ext4_cache_init(struct ext4_fs *fs);
void ext4_cache_destroy(struct ext4_fs *fs);
int ext4_bread(struct ext4_fs *fs, uint64_t blk, struct ext4_buf **out);
void ext4_brelse(struct ext4_fs *fs, struct ext4_buf *buf);

/* One mount.  Geometry is decoded from the superblock once, at mount. */
struct ext4_fs {
	struct bdev *bd;
	bool read_only;
	struct ext4_disk_super sb;	/* the primary superblock, raw */

	uint32_t block_size;
	unsigned int log_block_size;	/* log2(block_size) */
	uint64_t blocks_count;
	uint64_t r_blocks_count;
	uint32_t first_data_block;
	uint32_t blocks_per_group;
	uint32_t inodes_per_group;
	uint32_t inodes_count;
	uint32_t inode_size;
	uint32_t first_ino;
	uint32_t itb_per_group;		/* inode table blocks per group */
	unsigned int cluster_bits;	/* bigalloc: log2(blocks per cluster) */
	uint64_t overhead;		/* metadata blocks, for statfs */

	uint32_t groups_count;
	uint32_t desc_size;
	uint32_t desc_per_block;
	uint32_t gdt_blocks;		/* blocks holding descriptors */
	uint8_t *gdt;			/* groups_count * desc_size bytes */
	bool *group_bad;		/* descriptor failed its checks */
	uint64_t free_blocks, free_inodes; /* summed from the descriptors */

	uint32_t compat, incompat, ro_compat;
	bool csum;			/* metadata_csum */
	uint32_t csum_seed;

	struct ext4_cache cache;
};

static inline bool
ext4_has_incompat(const struct ext4_fs *fs, uint32_t mask)
{
	return (fs->incompat & mask) != 0;
}

static inline bool
ext4_has_ro_compat(const struct ext4_fs *fs, uint32_t mask)
{
	return (fs->ro_compat & mask) != 0;
}

/* Can a run of len file blocks start at physical block pblk? */
static inline bool
ext4_data_range_ok(const struct ext4_fs *fs, uint64_t pblk, uint64_t len)
{
	return pblk > fs->first_data_block && len <= fs->blocks_count &&
	       pblk <= fs->blocks_count - len;
}

/* i_block of the raw inode: block map, extent root or inline bytes. */
static inline const uint8_t *
ext4_inode_iblock(const struct ext4_inode *inode)
{
	return inode->raw + offsetof(struct ext4_disk_inode, i_block);
}

/* super.c */
const struct ext4_disk_group *ext4_group_desc(struct ext4_fs *fs,
					      uint32_t group);
uint64_t ext4_group_inode_table(struct ext4_fs *fs,
				const struct ext4_disk_group *gd);

/* inode.c */
bool ext4_inode_is_dir(const struct ext4_inode *inode);
bool ext4_inode_is_symlink(const struct ext4_inode *inode);
bool ext4_inode_is_fast_symlink(struct ext4_fs *fs,
				const struct ext4_inode *inode);

/*
 * Block mapping (extents.c, indirect.c, dispatched in data.c).  A map
 * describes the run of len >= 1 logical blocks starting at lblk: mapped to
 * pblk.., unwritten (allocated, reads as zeros) or a hole (neither flag).
 */
#define EXT4_MAP_MAPPED 0x1
#define EXT4_MAP_UNWRITTEN 0x2

struct ext4_map {
	uint64_t lblk;
	uint64_t pblk;
	uint64_t len;
	unsigned int flags;
};

int ext4_map_blocks(struct ext4_fs *fs, struct ext4_inode *inode,
		    uint64_t lblk, uint64_t max_len, struct ext4_map *map);
int ext4_ext_map(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
		 uint64_t max_len, struct ext4_map *map);
int ext4_ext_check_root(struct ext4_fs *fs, struct ext4_inode *inode);
int ext4_ind_map(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
		 uint64_t max_len, struct ext4_map *map);

/*
 * inline.c: inodes with EXT4_INLINE_DATA_FL.  ext4_inline_get() returns the
 * inline bytes (i_block followed by the "system.data" value) in a new
 * buffer of *len bytes that the caller frees.
 */
int ext4_inline_get(struct ext4_fs *fs, struct ext4_inode *inode,
		    uint8_t **data, size_t *len);

/* dir.c helpers for htree.c */
int ext4_dir_bread(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t lblk,
		   struct ext4_buf **out);
int ext4_dir_block_lookup(struct ext4_fs *fs, struct ext4_inode *dir,
			  const struct ext4_buf *b, uint64_t lblk,
			  const char *name, size_t len, uint32_t *ino);
size_t ext4_dx_count_offset(struct ext4_fs *fs, const uint8_t *data);

/*
 * htree.c: lookup through a directory's hash index.  0 and *ino, -ENOENT,
 * -errno, or EXT4_HTREE_FALLBACK when the index cannot answer (damaged, or
 * a hash collision crossing blocks) and a linear search must.
 */
#define EXT4_HTREE_FALLBACK 1

bool ext4_dir_is_indexed(const struct ext4_fs *fs,
			 const struct ext4_inode *dir);
uint32_t ext4_dx_hash(const char *name, size_t len, unsigned int version,
		      const uint32_t seed[4]);
int ext4_htree_lookup(struct ext4_fs *fs, struct ext4_inode *dir,
		      const char *name, size_t len, uint32_t *ino);

#endif
