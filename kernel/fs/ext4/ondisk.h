/*
 * The ext2/ext3/ext4 on-disk format: superblock, group descriptors, inodes,
 * extent tree nodes, directory entries, htree nodes and in-inode extended
 * attributes, as packed little-endian structures, plus the feature and flag
 * bits.  Only layout lives here; the code that decodes and checks these
 * structures is in super.c, inode.c, extents.c, indirect.c, dir.c and
 * inline.c.  Every multi-byte field is little-endian on disk: read it through
 * le16toh/le32toh/le64toh.
 */
#ifndef FS_EXT4_ONDISK_H
#define FS_EXT4_ONDISK_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>

#define EXT4_SUPER_OFFSET 1024 /* byte offset of the primary superblock */
#define EXT4_SUPER_SIZE 1024
#define EXT4_SUPER_MAGIC 0xEF53
#define EXT4_MIN_LOG_BLOCK 10 /* 1 KiB */
#define EXT4_MAX_LOG_BLOCK 16 /* 64 KiB */
#define EXT4_GOOD_OLD_REV 0
#define EXT4_GOOD_OLD_INODE_SIZE 128
#define EXT4_GOOD_OLD_FIRST_INO 11
#define EXT4_MIN_DESC_SIZE 32
#define EXT4_MIN_DESC_SIZE_64BIT 64
#define EXT4_MAX_DESC_SIZE 1024
#define EXT4_CRC32C_CHKSUM 1 /* s_checksum_type */

/* s_feature_compat: never stop a mount. */
#define EXT4_FEATURE_COMPAT_DIR_PREALLOC 0x0001
#define EXT4_FEATURE_COMPAT_IMAGIC_INODES 0x0002
#define EXT4_FEATURE_COMPAT_HAS_JOURNAL 0x0004
#define EXT4_FEATURE_COMPAT_EXT_ATTR 0x0008
#define EXT4_FEATURE_COMPAT_RESIZE_INODE 0x0010
#define EXT4_FEATURE_COMPAT_DIR_INDEX 0x0020
#define EXT4_FEATURE_COMPAT_SPARSE_SUPER2 0x0200
#define EXT4_FEATURE_COMPAT_FAST_COMMIT 0x0400
#define EXT4_FEATURE_COMPAT_STABLE_INODES 0x0800
#define EXT4_FEATURE_COMPAT_ORPHAN_FILE 0x1000

/* s_feature_ro_compat: unknown ones allow a read-only mount only. */
#define EXT4_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT4_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT4_FEATURE_RO_COMPAT_BTREE_DIR 0x0004
#define EXT4_FEATURE_RO_COMPAT_HUGE_FILE 0x0008
#define EXT4_FEATURE_RO_COMPAT_GDT_CSUM 0x0010
#define EXT4_FEATURE_RO_COMPAT_DIR_NLINK 0x0020
#define EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE 0x0040
#define EXT4_FEATURE_RO_COMPAT_HAS_SNAPSHOT 0x0080
#define EXT4_FEATURE_RO_COMPAT_QUOTA 0x0100
#define EXT4_FEATURE_RO_COMPAT_BIGALLOC 0x0200
#define EXT4_FEATURE_RO_COMPAT_METADATA_CSUM 0x0400
#define EXT4_FEATURE_RO_COMPAT_REPLICA 0x0800
#define EXT4_FEATURE_RO_COMPAT_READONLY 0x1000
#define EXT4_FEATURE_RO_COMPAT_PROJECT 0x2000
#define EXT4_FEATURE_RO_COMPAT_SHARED_BLOCKS 0x4000
#define EXT4_FEATURE_RO_COMPAT_VERITY 0x8000
#define EXT4_FEATURE_RO_COMPAT_ORPHAN_PRESENT 0x10000

/* s_feature_incompat: unknown ones stop every mount. */
#define EXT4_FEATURE_INCOMPAT_COMPRESSION 0x0001
#define EXT4_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT4_FEATURE_INCOMPAT_RECOVER 0x0004
#define EXT4_FEATURE_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT4_FEATURE_INCOMPAT_META_BG 0x0010
#define EXT4_FEATURE_INCOMPAT_EXTENTS 0x0040
#define EXT4_FEATURE_INCOMPAT_64BIT 0x0080
#define EXT4_FEATURE_INCOMPAT_MMP 0x0100
#define EXT4_FEATURE_INCOMPAT_FLEX_BG 0x0200
#define EXT4_FEATURE_INCOMPAT_EA_INODE 0x0400
#define EXT4_FEATURE_INCOMPAT_DIRDATA 0x1000
#define EXT4_FEATURE_INCOMPAT_CSUM_SEED 0x2000
#define EXT4_FEATURE_INCOMPAT_LARGEDIR 0x4000
#define EXT4_FEATURE_INCOMPAT_INLINE_DATA 0x8000
#define EXT4_FEATURE_INCOMPAT_ENCRYPT 0x10000
#define EXT4_FEATURE_INCOMPAT_CASEFOLD 0x20000

/* s_state */
#define EXT4_VALID_FS 0x0001
#define EXT4_ERROR_FS 0x0002

struct ext4_disk_super {
	uint32_t s_inodes_count;	/* 0x000 */
	uint32_t s_blocks_count_lo;
	uint32_t s_r_blocks_count_lo;
	uint32_t s_free_blocks_count_lo;
	uint32_t s_free_inodes_count;	/* 0x010 */
	uint32_t s_first_data_block;
	uint32_t s_log_block_size;
	uint32_t s_log_cluster_size;
	uint32_t s_blocks_per_group;	/* 0x020 */
	uint32_t s_clusters_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;		/* 0x030 */
	uint16_t s_mnt_count;
	uint16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;		/* 0x040 */
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;		/* 0x050 */
	uint16_t s_def_resgid;
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;	/* 0x060 */
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];		/* 0x068 */
	char s_volume_name[16];		/* 0x078 */
	char s_last_mounted[64];	/* 0x088 */
	uint32_t s_algorithm_usage_bitmap; /* 0x0c8 */
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	uint8_t s_journal_uuid[16];	/* 0x0d0 */
	uint32_t s_journal_inum;	/* 0x0e0 */
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];	/* 0x0ec */
	uint8_t s_def_hash_version;	/* 0x0fc */
	uint8_t s_jnl_backup_type;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts;	/* 0x100 */
	uint32_t s_first_meta_bg;
	uint32_t s_mkfs_time;
	uint32_t s_jnl_blocks[17];
	uint32_t s_blocks_count_hi;	/* 0x150 */
	uint32_t s_r_blocks_count_hi;
	uint32_t s_free_blocks_count_hi;
	uint16_t s_min_extra_isize;
	uint16_t s_want_extra_isize;
	uint32_t s_flags;		/* 0x160 */
	uint16_t s_raid_stride;
	uint16_t s_mmp_interval;
	uint64_t s_mmp_block;
	uint32_t s_raid_stripe_width;	/* 0x170 */
	uint8_t s_log_groups_per_flex;
	uint8_t s_checksum_type;
	uint8_t s_encryption_level;
	uint8_t s_reserved_pad;
	uint64_t s_kbytes_written;	/* 0x178 */
	uint32_t s_snapshot_inum;	/* 0x180 */
	uint32_t s_snapshot_id;
	uint64_t s_snapshot_r_blocks_count;
	uint32_t s_snapshot_list;	/* 0x190 */
	uint32_t s_error_count;
	uint32_t s_first_error_time;
	uint32_t s_first_error_ino;
	uint64_t s_first_error_block;	/* 0x1a0 */
	uint8_t s_first_error_func[32];
	uint32_t s_first_error_line;	/* 0x1c8 */
	uint32_t s_last_error_time;
	uint32_t s_last_error_ino;	/* 0x1d0 */
	uint32_t s_last_error_line;
	uint64_t s_last_error_block;
	uint8_t s_last_error_func[32];	/* 0x1e0 */
	uint8_t s_mount_opts[64];	/* 0x200 */
	uint32_t s_usr_quota_inum;	/* 0x240 */
	uint32_t s_grp_quota_inum;
	uint32_t s_overhead_clusters;
	uint32_t s_backup_bgs[2];
	uint8_t s_encrypt_algos[4];
	uint8_t s_encrypt_pw_salt[16];	/* 0x258 */
	uint32_t s_lpf_ino;		/* 0x268 */
	uint32_t s_prj_quota_inum;
	uint32_t s_checksum_seed;	/* 0x270 */
	uint8_t s_wtime_hi;
	uint8_t s_mtime_hi;
	uint8_t s_mkfs_time_hi;
	uint8_t s_lastcheck_hi;
	uint8_t s_first_error_time_hi;
	uint8_t s_last_error_time_hi;
	uint8_t s_first_error_errcode;
	uint8_t s_last_error_errcode;
	uint16_t s_encoding;		/* 0x27c */
	uint16_t s_encoding_flags;
	uint32_t s_orphan_file_inum;	/* 0x280 */
	uint32_t s_reserved[94];
	uint32_t s_checksum;		/* 0x3fc */
} __attribute__((packed));

_Static_assert(sizeof(struct ext4_disk_super) == EXT4_SUPER_SIZE,
	       "superblock layout");
_Static_assert(offsetof(struct ext4_disk_super, s_desc_size) == 0xfe,
	       "superblock layout");
_Static_assert(offsetof(struct ext4_disk_super, s_log_groups_per_flex) ==
		       0x174, "superblock layout");
_Static_assert(offsetof(struct ext4_disk_super, s_overhead_clusters) ==
		       0x248, "superblock layout");
_Static_assert(offsetof(struct ext4_disk_super, s_checksum_seed) == 0x270,
	       "superblock layout");

/* Group descriptor: 32 bytes, or s_desc_size (>= 64) with 64bit. */
#define EXT4_BG_INODE_UNINIT 0x0001
#define EXT4_BG_BLOCK_UNINIT 0x0002
#define EXT4_BG_INODE_ZEROED 0x0004

struct ext4_disk_group {
	uint32_t bg_block_bitmap_lo;
	uint32_t bg_inode_bitmap_lo;
	uint32_t bg_inode_table_lo;
	uint16_t bg_free_blocks_count_lo;
	uint16_t bg_free_inodes_count_lo;
	uint16_t bg_used_dirs_count_lo;
	uint16_t bg_flags;
	uint32_t bg_exclude_bitmap_lo;
	uint16_t bg_block_bitmap_csum_lo;
	uint16_t bg_inode_bitmap_csum_lo;
	uint16_t bg_itable_unused_lo;
	uint16_t bg_checksum;		/* 0x1e */
	/* Present when the descriptor is at least 64 bytes. */
	uint32_t bg_block_bitmap_hi;	/* 0x20 */
	uint32_t bg_inode_bitmap_hi;
	uint32_t bg_inode_table_hi;
	uint16_t bg_free_blocks_count_hi;
	uint16_t bg_free_inodes_count_hi;
	uint16_t bg_used_dirs_count_hi;	/* 0x30 */
	uint16_t bg_itable_unused_hi;
	uint32_t bg_exclude_bitmap_hi;
	uint16_t bg_block_bitmap_csum_hi;
	uint16_t bg_inode_bitmap_csum_hi;
	uint32_t bg_reserved;
} __attribute__((packed));

_Static_assert(offsetof(struct ext4_disk_group, bg_checksum) == 0x1e,
	       "group descriptor layout");
_Static_assert(sizeof(struct ext4_disk_group) == 64, "group descriptor");

/* Inode. */
#define EXT4_N_BLOCKS 15	/* i_block words */
#define EXT4_NDIR_BLOCKS 12	/* direct pointers of an indirect map */
#define EXT4_IND_BLOCK 12
#define EXT4_DIND_BLOCK 13
#define EXT4_TIND_BLOCK 14

/* i_flags */
#define EXT4_COMPR_FL 0x00000004
#define EXT4_ENCRYPT_FL 0x00000800
#define EXT4_INDEX_FL 0x00001000
#define EXT4_HUGE_FILE_FL 0x00040000
#define EXT4_EXTENTS_FL 0x00080000
#define EXT4_VERITY_FL 0x00100000
#define EXT4_EA_INODE_FL 0x00200000
#define EXT4_INLINE_DATA_FL 0x10000000
#define EXT4_CASEFOLD_FL 0x40000000

struct ext4_disk_inode {
	uint16_t i_mode;		/* 0x00 */
	uint16_t i_uid;
	uint32_t i_size_lo;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;		/* 0x10 */
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks_lo;
	uint32_t i_flags;		/* 0x20 */
	uint32_t i_version_lo;
	uint32_t i_block[EXT4_N_BLOCKS]; /* 0x28 */
	uint32_t i_generation;		/* 0x64 */
	uint32_t i_file_acl_lo;
	uint32_t i_size_high;
	uint32_t i_obso_faddr;		/* 0x70 */
	uint16_t i_blocks_high;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint16_t i_checksum_lo;		/* 0x7c */
	uint16_t i_reserved;
	/* Large inodes: valid up to 128 + i_extra_isize. */
	uint16_t i_extra_isize;		/* 0x80 */
	uint16_t i_checksum_hi;
	uint32_t i_ctime_extra;
	uint32_t i_mtime_extra;
	uint32_t i_atime_extra;
	uint32_t i_crtime;		/* 0x90 */
	uint32_t i_crtime_extra;
	uint32_t i_version_hi;
	uint32_t i_projid;
} __attribute__((packed));

_Static_assert(offsetof(struct ext4_disk_inode, i_block) == 0x28, "inode");
_Static_assert(offsetof(struct ext4_disk_inode, i_checksum_lo) == 0x7c,
	       "inode layout");
_Static_assert(sizeof(struct ext4_disk_inode) == 0xa0, "inode layout");

/* Does an inode with this i_extra_isize hold the field? */
#define EXT4_INODE_HAS(extra_isize, field)                                     \
	(EXT4_GOOD_OLD_INODE_SIZE + (size_t)(extra_isize) >=                   \
	 offsetof(struct ext4_disk_inode, field) +                             \
		 sizeof(((struct ext4_disk_inode *)0)->field))

/* Timestamp extra word: low 2 bits extend the epoch, the rest are ns. */
#define EXT4_EPOCH_BITS 2
#define EXT4_EPOCH_MASK 0x3

/* Extent tree nodes: a header then entries, 12 bytes each. */
#define EXT4_EXT_MAGIC 0xF30A
#define EXT4_EXT_MAX_DEPTH 5
#define EXT4_EXT_INIT_MAX_LEN 32768 /* ee_len above this: unwritten */

struct ext4_extent_header {
	uint16_t eh_magic;
	uint16_t eh_entries;
	uint16_t eh_max;
	uint16_t eh_depth;
	uint32_t eh_generation;
} __attribute__((packed));

struct ext4_extent {
	uint32_t ee_block;	/* first logical block */
	uint16_t ee_len;
	uint16_t ee_start_hi;
	uint32_t ee_start_lo;
} __attribute__((packed));

struct ext4_extent_idx {
	uint32_t ei_block;	/* first logical block this subtree covers */
	uint32_t ei_leaf_lo;
	uint16_t ei_leaf_hi;
	uint16_t ei_unused;
} __attribute__((packed));

/* Follows eh_max entries in a non-root node when metadata_csum is on. */
struct ext4_extent_tail {
	uint32_t et_checksum;
} __attribute__((packed));

/* Directory entries. */
#define EXT4_NAME_LEN 255
#define EXT4_DIRENT_HEAD 8	/* inode, rec_len, name_len, file_type */
#define EXT4_DIR_ROUND 4
#define EXT4_DIR_REC_LEN(name_len)                                             \
	(((name_len) + EXT4_DIRENT_HEAD + EXT4_DIR_ROUND - 1) &               \
	 ~(EXT4_DIR_ROUND - 1))
#define EXT4_MAX_REC_LEN 65535

/* file_type values */
#define EXT4_FT_UNKNOWN 0
#define EXT4_FT_REG_FILE 1
#define EXT4_FT_DIR 2
#define EXT4_FT_CHRDEV 3
#define EXT4_FT_BLKDEV 4
#define EXT4_FT_FIFO 5
#define EXT4_FT_SOCK 6
#define EXT4_FT_SYMLINK 7
#define EXT4_FT_MAX 8
#define EXT4_FT_DIR_CSUM 0xDE	/* the checksum tail's fake file_type */

struct ext4_dirent {
	uint32_t inode;		/* 0: unused entry */
	uint16_t rec_len;	/* encoded, see ext4_rec_len() */
	uint8_t name_len;
	uint8_t file_type;	/* with the filetype feature; else 0 */
	char name[];
} __attribute__((packed));

/* The fake entry that ends a leaf block when metadata_csum is on. */
struct ext4_dirent_tail {
	uint32_t det_reserved_zero1;
	uint16_t det_rec_len;	/* 12 */
	uint8_t det_reserved_zero2;
	uint8_t det_reserved_ft;	/* EXT4_FT_DIR_CSUM */
	uint32_t det_checksum;
} __attribute__((packed));

/* Hash-tree (dir_index) nodes hide behind fake directory entries. */
struct ext4_dx_root_info {
	uint32_t reserved_zero;
	uint8_t hash_version;
	uint8_t info_length;	/* 8 */
	uint8_t indirect_levels;
	uint8_t unused_flags;
} __attribute__((packed));

struct ext4_dx_countlimit {
	uint16_t limit;
	uint16_t count;
} __attribute__((packed));

struct ext4_dx_entry {
	uint32_t hash;
	uint32_t block;
} __attribute__((packed));

struct ext4_dx_tail {
	uint32_t dt_reserved;
	uint32_t dt_checksum;
} __attribute__((packed));

/* "." (12 bytes) + ".." header (12 bytes) + info: where dx_root's count is. */
#define EXT4_DX_ROOT_INFO_OFF 24
#define EXT4_DX_NODE_COUNT_OFF 8

/* Extended attributes stored in the inode body after i_extra_isize. */
#define EXT4_XATTR_MAGIC 0xEA020000
#define EXT4_XATTR_INDEX_SYSTEM 7
#define EXT4_XATTR_ROUND 4

struct ext4_xattr_entry {
	uint8_t e_name_len;
	uint8_t e_name_index;
	uint16_t e_value_offs;	/* from the first entry */
	uint32_t e_value_inum;
	uint32_t e_value_size;
	uint32_t e_hash;
	char e_name[];
} __attribute__((packed));

#define EXT4_XATTR_ENTRY_SIZE(name_len)                                        \
	((sizeof(struct ext4_xattr_entry) + (name_len) + EXT4_XATTR_ROUND -    \
	  1) & ~(size_t)(EXT4_XATTR_ROUND - 1))

/* Inline data: i_block holds the first 60 bytes, "system.data" the rest. */
#define EXT4_INLINE_DATA_SIZE (EXT4_N_BLOCKS * 4)
#define EXT4_INLINE_DOTDOT_SIZE 4 /* an inline dir's parent inode number */

#endif
