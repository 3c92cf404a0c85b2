/*
 * ext4 internals shared by the files of kernel/fs/ext4/: the mount
 * structure, the metadata block cache, block mapping, allocation, the
 * journal and the checksum helpers.  Nothing outside this directory
 * includes it; the public interface is ext4.h and the on-disk layout is
 * ondisk.h and jbd2.h.
 */
#ifndef FS_EXT4_EXT4_INT_H
#define FS_EXT4_EXT4_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errno.h"
#include "fs/bdev.h"
#include "fs/ext4/ext4.h"
#include "fs/ext4/jbd2.h"
#include "fs/ext4/ondisk.h"

/* crc.c: raw CRC updates, no pre- or post-inversion. */
uint32_t ext4_crc32c(uint32_t crc, const void *buf, size_t len);
uint16_t ext4_crc16(uint16_t crc, const void *buf, size_t len);

/*
 * Whether a checksum stored on the disk matches the one computed.  The
 * fuzzer's second build (tests/fuzz/, -DEXT4_FUZZ_IGNORE_CSUM) takes every
 * checksum as good, so that mutated metadata reaches the checks behind it.
 */
static inline bool
ext4_csum_matches(uint32_t computed, uint32_t stored)
{
#ifdef EXT4_FUZZ_IGNORE_CSUM
	(void)computed;
	(void)stored;
	return true;
#else
	return computed == stored;
#endif
}

/*
 * cache.c: metadata blocks, keyed by physical block number.  A buffer is
 * held from ext4_bread() to ext4_brelse(); held buffers are never evicted.
 * verified remembers which checksum (EXT4_VERIFIED_*) the contents passed,
 * so a block is checked once per read from the device.
 *
 * A changed buffer is marked with ext4_bdirty() while it is held.  Without
 * a journal a dirty buffer is written home when it is evicted or at
 * writeback.  With one, it joins the running transaction (in_trans) and
 * stays in memory until the transaction commits; after that it is still
 * dirty (its home copy is stale) until a checkpoint writes it home.
 */
enum ext4_verified {
	EXT4_VERIFIED_NONE,
	EXT4_VERIFIED_EXTENT,
	EXT4_VERIFIED_DIR,
	EXT4_VERIFIED_BITMAP,
	EXT4_VERIFIED_XATTR,
};

struct ext4_buf {
	uint64_t blk;
	unsigned int refs;
	enum ext4_verified verified;
	bool dirty;		/* the home block on disk is stale */
	bool in_trans;		/* changed in the running transaction */
	struct ext4_buf *hash_next;
	struct ext4_buf *lru_prev, *lru_next; /* most recent at lru.next */
	uint8_t *data;
};

struct ext4_cache {
	struct ext4_buf **hash;
	unsigned int hash_size;	/* a power of two */
	struct ext4_buf lru;	/* list head */
	unsigned int count, max;
	unsigned int ndirty;
};

int ext4_cache_init(struct ext4_fs *fs);
void ext4_cache_destroy(struct ext4_fs *fs);
int ext4_bread(struct ext4_fs *fs, uint64_t blk, struct ext4_buf **out);
int ext4_bget(struct ext4_fs *fs, uint64_t blk, struct ext4_buf **out);
void ext4_brelse(struct ext4_fs *fs, struct ext4_buf *buf);
void ext4_bdirty(struct ext4_fs *fs, struct ext4_buf *buf);
void ext4_bforget(struct ext4_fs *fs, uint64_t blk);
int ext4_cache_writeback(struct ext4_fs *fs);
void ext4_cache_drop_clean(struct ext4_fs *fs);

/*
 * Blocks freed since the last checkpoint (pin.c): the allocator does not
 * hand them out again before then, so that the state on the disk without
 * replay and the state after replay both stay consistent.
 */
struct ext4_pin {
	uint64_t start, len;
	uint32_t tid;		/* the transaction that freed them */
};

struct ext4_pinned {
	struct ext4_pin *v;
	size_t n, cap;
	uint64_t blocks;	/* pinned in all */
};

/*
 * An open journal (journal.c): where it lives, the format it is written
 * in, where the log is, and the running transaction: the buffers changed
 * in it and the metadata blocks it freed (revoked).
 */
struct ext4_journal {
	uint64_t *map;		/* journal block -> filesystem block */
	uint32_t maxlen, first;	/* the log is [first, maxlen) */
	uint32_t incompat;	/* JBD2_FEATURE_INCOMPAT_* in use */
	uint32_t csum_seed;
	struct jbd2_super jsb;	/* as on disk */
	uint32_t head;		/* where the next transaction goes */
	uint32_t tail;		/* oldest block still needed; 0: empty */
	uint32_t tid;		/* the running transaction */
	uint32_t max_trans;	/* commit a transaction this big */
	struct ext4_buf **bufs;
	size_t nbufs, capbufs;
	uint64_t *revokes;
	size_t nrevokes, caprevokes;
};

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
	uint32_t itb_per_group;	/* inode table blocks per group */
	unsigned int cluster_bits; /* bigalloc: log2(blocks per cluster) */
	uint64_t overhead;		/* metadata blocks, for statfs */

	uint32_t groups_count;
	uint32_t desc_size;
	uint32_t desc_per_block;
	uint32_t gdt_blocks;		/* blocks holding descriptors */
	uint8_t *gdt;		/* groups_count * desc_size bytes */
	bool *group_bad;		/* descriptor failed its checks */
	uint64_t free_blocks, free_inodes; /* summed from the descriptors */

	uint32_t compat, incompat, ro_compat;
	bool csum;			/* metadata_csum */
	uint32_t csum_seed;

	struct ext4_cache cache;

	/* The write path. */
	bool sb_dirty;		/* counts or fields changed in sb */
	uint16_t mount_state;		/* s_state when mounted */
	struct ext4_inode **icache;	/* inodes in use, hashed by number */
	unsigned int icache_size;
	void (*clock)(struct ext4_time *now);
	uint32_t generation;		/* for new inodes */
	uint32_t last_dir_group;	/* where the last directory went */
	struct ext4_journal *jnl;	/* NULL: no journal, or read-only */
	struct ext4_pinned pinned;
	unsigned int trans_nest;	/* ext4_trans_begin() depth */
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

static inline uint8_t *
ext4_inode_iblock_rw(struct ext4_inode *inode)
{
	return inode->raw + offsetof(struct ext4_disk_inode, i_block);
}

/* 512-byte sectors per block, the unit of i_blocks. */
static inline uint64_t
ext4_sectors(const struct ext4_fs *fs, uint64_t nblocks)
{
	return nblocks << (fs->log_block_size - 9);
}

/* super.c */
const struct ext4_disk_group *ext4_group_desc(struct ext4_fs *fs,
					      uint32_t group);
uint64_t ext4_group_inode_table(struct ext4_fs *fs,
				const struct ext4_disk_group *gd);
bool ext4_group_has_super(const struct ext4_fs *fs, uint32_t g);
uint32_t ext4_group_desc_blocks(const struct ext4_fs *fs, uint32_t g);
uint64_t ext4_desc_block_location(struct ext4_fs *fs, uint32_t i);
void ext4_now(struct ext4_fs *fs, struct ext4_time *t);

/*
 * group.c: descriptor fields, checksums and write-out.  A changed
 * descriptor is written into its descriptor block (and so the journal) by
 * ext4_group_dirty(), which also recomputes its checksum.
 */
struct ext4_disk_group *ext4_group_desc_rw(struct ext4_fs *fs, uint32_t g);
uint64_t ext4_gd_block_bitmap(const struct ext4_fs *fs,
			      const struct ext4_disk_group *gd);
uint64_t ext4_gd_inode_bitmap(const struct ext4_fs *fs,
			      const struct ext4_disk_group *gd);
uint32_t ext4_gd_free_blocks(const struct ext4_fs *fs,
			     const struct ext4_disk_group *gd);
uint32_t ext4_gd_free_inodes(const struct ext4_fs *fs,
			     const struct ext4_disk_group *gd);
uint32_t ext4_gd_used_dirs(const struct ext4_fs *fs,
			   const struct ext4_disk_group *gd);
uint32_t ext4_gd_itable_unused(const struct ext4_fs *fs,
			       const struct ext4_disk_group *gd);
void ext4_gd_set_free_blocks(const struct ext4_fs *fs,
			     struct ext4_disk_group *gd, uint32_t n);
void ext4_gd_set_free_inodes(const struct ext4_fs *fs,
			     struct ext4_disk_group *gd, uint32_t n);
void ext4_gd_set_used_dirs(const struct ext4_fs *fs,
			   struct ext4_disk_group *gd, uint32_t n);
void ext4_gd_set_itable_unused(const struct ext4_fs *fs,
			       struct ext4_disk_group *gd, uint32_t n);
uint16_t ext4_group_csum(struct ext4_fs *fs, uint32_t g, const uint8_t *d);
int ext4_group_dirty(struct ext4_fs *fs, uint32_t g);
uint32_t ext4_group_blocks(const struct ext4_fs *fs, uint32_t g);
uint64_t ext4_group_first_block(const struct ext4_fs *fs, uint32_t g);
void ext4_bitmap_set_csum(struct ext4_fs *fs, uint32_t g, bool inode_map,
			  const uint8_t *bitmap);
bool ext4_bitmap_csum_ok(struct ext4_fs *fs, uint32_t g, bool inode_map,
			 const uint8_t *bitmap);

/* Bitmap helpers (group.c). */
static inline bool
ext4_test_bit(const uint8_t *map, uint32_t i)
{
	return (map[i >> 3] >> (i & 7)) & 1;
}

static inline void
ext4_set_bit(uint8_t *map, uint32_t i)
{
	map[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static inline void
ext4_clear_bit(uint8_t *map, uint32_t i)
{
	map[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

/*
 * balloc.c: blocks.  ext4_alloc_blocks() finds up to *count free blocks
 * starting near goal, preferring a contiguous run: 0 with *start and
 * *count (>= 1) or -ENOSPC.  Frees go through ext4_free_blocks(); meta
 * says the blocks held metadata (cached and journaled), so they are
 * dropped from the cache and revoked in the journal.
 */
int ext4_alloc_blocks(struct ext4_fs *fs, uint64_t goal, uint64_t *start,
		      uint64_t *count);
int ext4_free_blocks(struct ext4_fs *fs, uint64_t start, uint64_t count,
		     bool meta);
int ext4_alloc_meta_block(struct ext4_fs *fs, struct ext4_inode *inode,
			  uint64_t goal, uint64_t *blk);
int ext4_free_meta_block(struct ext4_fs *fs, struct ext4_inode *inode,
			 uint64_t blk);
uint64_t ext4_inode_goal(struct ext4_fs *fs, const struct ext4_inode *inode);
int ext4_read_block_bitmap(struct ext4_fs *fs, uint32_t g,
			   struct ext4_buf **out);

/* ialloc.c: inodes. */
int ext4_alloc_inode(struct ext4_fs *fs, const struct ext4_inode *dir,
		     uint16_t mode, uint32_t *ino);
int ext4_free_inode(struct ext4_fs *fs, uint32_t ino, bool is_dir);

/* inode.c */
bool ext4_inode_is_dir(const struct ext4_inode *inode);
bool ext4_inode_is_symlink(const struct ext4_inode *inode);
bool ext4_inode_is_fast_symlink(struct ext4_fs *fs,
				const struct ext4_inode *inode);
int ext4_icache_init(struct ext4_fs *fs);
void ext4_icache_destroy(struct ext4_fs *fs);
int ext4_iget_orphan(struct ext4_fs *fs, uint32_t ino,
		     struct ext4_inode **out);
int ext4_inode_new(struct ext4_fs *fs, uint32_t ino, uint16_t mode,
		   struct ext4_inode **out);
void ext4_inode_csum_set(struct ext4_fs *fs, struct ext4_inode *inode);
void ext4_inode_set_seed(struct ext4_fs *fs, struct ext4_inode *inode);
void ext4_icache_insert(struct ext4_fs *fs, struct ext4_inode *inode);
void ext4_icache_remove(struct ext4_inode *inode);
int ext4_inode_store(struct ext4_fs *fs, struct ext4_inode *inode);
int ext4_delete_inode(struct ext4_fs *fs, struct ext4_inode *inode);

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
 * Changing block maps.  ext4_map_alloc() maps lblk, allocating a run of at
 * most max_len blocks into a hole (unwritten ones if EXT4_ALLOC_UNWRITTEN);
 * the map describes what is there afterwards.  ext4_unmap() frees every
 * block of [start, end).  Both update i_blocks but do not write the inode.
 */
#define EXT4_ALLOC_UNWRITTEN 0x1

int ext4_map_alloc(struct ext4_fs *fs, struct ext4_inode *inode,
		   uint64_t lblk, uint64_t max_len, unsigned int flags,
		   struct ext4_map *map);
int ext4_unmap(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t start,
	       uint64_t end);

/* extents_write.c */
#define EXT4_EXT_LBLK_LIMIT (1ull << 32)
void ext4_ext_init_root(struct ext4_inode *inode);
int ext4_ext_insert(struct ext4_fs *fs, struct ext4_inode *inode,
		    uint64_t lblk, uint64_t pblk, uint32_t len,
		    bool unwritten);
int ext4_ext_remove(struct ext4_fs *fs, struct ext4_inode *inode,
		    uint64_t start, uint64_t end);
int ext4_ext_mark_written(struct ext4_fs *fs, struct ext4_inode *inode,
			  uint64_t lblk, uint64_t len);

/* extents.c helpers shared with extents_write.c */
int ext4_ext_read_node(struct ext4_fs *fs, const struct ext4_inode *inode,
		       uint64_t blk, int depth, struct ext4_buf **out);
void ext4_ext_set_csum(struct ext4_fs *fs, const struct ext4_inode *inode,
		       uint8_t *data);

/* indirect.c */
int ext4_ind_alloc(struct ext4_fs *fs, struct ext4_inode *inode,
		   uint64_t lblk, uint64_t max_len, struct ext4_map *map);
int ext4_ind_free(struct ext4_fs *fs, struct ext4_inode *inode,
		  uint64_t start, uint64_t end);

/*
 * inline.c: inodes with EXT4_INLINE_DATA_FL.  ext4_inline_get() returns the
 * inline bytes (i_block followed by the "system.data" value) in a new
 * buffer of *len bytes that the caller frees.
 */
int ext4_inline_get(struct ext4_fs *fs, struct ext4_inode *inode,
		    uint8_t **data, size_t *len);
int ext4_inline_convert(struct ext4_fs *fs, struct ext4_inode *inode);

/* dir.c helpers for htree.c and dir_write.c */
struct ext4_dir_rec {
	uint32_t ino;
	size_t rec_len;
	size_t name_len;
	unsigned int d_type;
	const char *name;
};

int ext4_dir_bread(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t lblk,
		   struct ext4_buf **out);
int ext4_dir_get(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t lblk,
		 struct ext4_buf **out);
int ext4_dir_next(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t *lblk,
		  struct ext4_buf **out);
int ext4_dir_block_lookup(struct ext4_fs *fs, struct ext4_inode *dir,
			  const struct ext4_buf *b, uint64_t lblk,
			  const char *name, size_t len, uint32_t *ino);
size_t ext4_dx_count_offset(struct ext4_fs *fs, const uint8_t *data);
int ext4_dir_parse(struct ext4_fs *fs, const struct ext4_inode *dir,
		   const uint8_t *base, size_t size, size_t off,
		   uint64_t lblk, struct ext4_dir_rec *d);
size_t ext4_dir_rec_len(const struct ext4_fs *fs, uint16_t disk);
uint16_t ext4_dir_rec_len_disk(const struct ext4_fs *fs, size_t len);
bool ext4_dir_has_tail(const struct ext4_fs *fs, const uint8_t *data);

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
int ext4_dx_root_params(struct ext4_fs *fs, const uint8_t *data,
			unsigned int *version);
uint32_t ext4_dx_name_hash(struct ext4_fs *fs, unsigned int version,
			   const char *name, size_t len);

/*
 * dir_write.c and dx_write.c: changing directories.  A found entry is
 * located by its block and offset (and the offset of the record before
 * it in that block, or -1).
 */
struct ext4_dir_slot {
	uint64_t lblk;
	size_t off;
	long prev;
	uint32_t ino;
	unsigned int file_type;
};

int ext4_dir_find(struct ext4_fs *fs, struct ext4_inode *dir,
		  const char *name, size_t len, struct ext4_dir_slot *slot);
int ext4_dir_add(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
		 size_t len, uint32_t ino, unsigned int file_type);
int ext4_dir_remove(struct ext4_fs *fs, struct ext4_inode *dir,
		    const struct ext4_dir_slot *slot);
int ext4_dir_set(struct ext4_fs *fs, struct ext4_inode *dir,
		 const struct ext4_dir_slot *slot, uint32_t ino,
		 unsigned int file_type);
int ext4_dir_init(struct ext4_fs *fs, struct ext4_inode *dir,
		  uint32_t parent);
int ext4_dir_set_parent(struct ext4_fs *fs, struct ext4_inode *dir,
			uint32_t parent);
int ext4_dir_is_empty(struct ext4_fs *fs, struct ext4_inode *dir);
void ext4_dir_leaf_csum(struct ext4_fs *fs, const struct ext4_inode *dir,
			uint8_t *data);
void ext4_dir_init_leaf(struct ext4_fs *fs, uint8_t *data);
int ext4_dir_append_block(struct ext4_fs *fs, struct ext4_inode *dir,
			  struct ext4_buf **out, uint64_t *lblk);
int ext4_dir_block_insert(struct ext4_fs *fs, struct ext4_inode *dir,
			  uint8_t *data, const char *name, size_t len,
			  uint32_t ino, unsigned int file_type);
void ext4_dx_set_csum(struct ext4_fs *fs, const struct ext4_inode *dir,
		      uint8_t *data, size_t coff);
int ext4_dx_add(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
		size_t len, uint32_t ino, unsigned int file_type);
int ext4_dx_make_indexed(struct ext4_fs *fs, struct ext4_inode *dir);
int ext4_dx_drop_index(struct ext4_fs *fs, struct ext4_inode *dir);
unsigned int ext4_file_type(const struct ext4_fs *fs, uint16_t mode);
int ext4_dx_find_leaf(struct ext4_fs *fs, struct ext4_inode *dir,
		      const char *name, size_t len, uint64_t *lblk);

/* orphan.c */
int ext4_orphan_add(struct ext4_fs *fs, struct ext4_inode *inode);
int ext4_orphan_del(struct ext4_fs *fs, struct ext4_inode *inode);
int ext4_orphan_process(struct ext4_fs *fs);

/* write.c */
int ext4_truncate_blocks(struct ext4_fs *fs, struct ext4_inode *inode,
			 uint64_t from);
int ext4_inode_release_blocks(struct ext4_fs *fs, struct ext4_inode *inode);
int ext4_zero_block_range(struct ext4_fs *fs, struct ext4_inode *inode,
			  uint64_t off, uint64_t len);

/* xattr.c */
int ext4_xattr_release(struct ext4_fs *fs, struct ext4_inode *inode);
int ext4_xattr_drop_system_data(struct ext4_fs *fs,
				struct ext4_inode *inode);

/* super.c: the superblock on the disk. */
void ext4_super_encode(struct ext4_fs *fs);
int ext4_super_store(struct ext4_fs *fs);
int ext4_super_write_direct(struct ext4_fs *fs);
int ext4_super_mount_rw(struct ext4_fs *fs);
int ext4_super_unmount_rw(struct ext4_fs *fs);

/*
 * journal.c (commit, checkpoint) and recovery.c (replay).  Every changing
 * library call brackets its work with ext4_trans_begin()/ext4_trans_end();
 * a transaction commits only between such brackets.  Long operations call
 * ext4_trans_restart() at points where the filesystem is consistent.
 * Without a journal these only write back when the cache is too full.
 */
int ext4_trans_begin(struct ext4_fs *fs);
int ext4_trans_end(struct ext4_fs *fs, int err);
int ext4_trans_restart(struct ext4_fs *fs);
bool ext4_trans_should_restart(struct ext4_fs *fs);
void ext4_journal_add(struct ext4_fs *fs, struct ext4_buf *b);
void ext4_journal_forget(struct ext4_fs *fs, struct ext4_buf *b);
void ext4_journal_revoke(struct ext4_fs *fs, uint64_t blk);
void ext4_journal_unrevoke(struct ext4_fs *fs, uint64_t blk);
int ext4_journal_open(struct ext4_fs *fs);
int ext4_journal_close(struct ext4_fs *fs);
int ext4_journal_commit(struct ext4_fs *fs);
int ext4_journal_checkpoint(struct ext4_fs *fs);
int ext4_journal_recover(struct ext4_fs *fs);
bool ext4_journal_needs_recovery(struct ext4_fs *fs);
/* pin.c */
void ext4_pin_add(struct ext4_fs *fs, uint64_t start, uint64_t len);
bool ext4_pin_overlaps(struct ext4_fs *fs, uint64_t start, uint64_t len,
		       bool all, uint64_t *first, uint64_t *end);
void ext4_pin_clear(struct ext4_fs *fs);

/* Shared by journal.c and recovery.c. */
int ext4_jnl_load(struct ext4_fs *fs, struct ext4_journal *j);
void ext4_jnl_free(struct ext4_journal *j);
size_t ext4_jnl_tag_bytes(uint32_t incompat);
bool ext4_jnl_has_csum(uint32_t incompat);
uint32_t ext4_jnl_block_csum(const struct ext4_journal *j,
			     const uint8_t *data, size_t size);
int ext4_jnl_write_super(struct ext4_fs *fs, struct ext4_journal *j);
int ext4_jnl_read(struct ext4_fs *fs, const struct ext4_journal *j,
		  uint32_t pos, void *buf);
uint32_t ext4_jnl_next(const struct ext4_journal *j, uint32_t pos);

#endif
