/*
 * The jbd2 journal format, as ext3/ext4 keep it in the journal inode.
 * Unlike the rest of ext4, every field is big-endian: read it through
 * be32toh/be64toh.
 *
 * The journal is a circular log of blocks [s_first, s_maxlen) after its
 * superblock (block 0).  A transaction is one or more descriptor blocks,
 * each followed by the blocks its tags describe (copies of filesystem
 * blocks, whose home block numbers are in the tags), revoke blocks
 * (filesystem blocks whose earlier copies must not be replayed), and a
 * commit block.  Every block of a transaction starts with a header
 * carrying the magic number and the transaction's sequence number.  The
 * superblock's s_start is the first block of the oldest transaction still
 * needed, or 0 when the journal is empty.
 */
#ifndef FS_EXT4_JBD2_H
#define FS_EXT4_JBD2_H

#include <endian.h>
#include <stdint.h>

#define JBD2_MAGIC 0xC03B3998u

/* h_blocktype */
#define JBD2_DESCRIPTOR_BLOCK 1
#define JBD2_COMMIT_BLOCK 2
#define JBD2_SUPERBLOCK_V1 3
#define JBD2_SUPERBLOCK_V2 4
#define JBD2_REVOKE_BLOCK 5

/* Tag flags. */
#define JBD2_FLAG_ESCAPE 1	/* the block began with the magic: zeroed */
#define JBD2_FLAG_SAME_UUID 2	/* no 16-byte UUID follows the tag */
#define JBD2_FLAG_DELETED 4
#define JBD2_FLAG_LAST_TAG 8

/* Features. */
#define JBD2_FEATURE_COMPAT_CHECKSUM 0x1
#define JBD2_FEATURE_INCOMPAT_REVOKE 0x1
#define JBD2_FEATURE_INCOMPAT_64BIT 0x2
#define JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT 0x4
#define JBD2_FEATURE_INCOMPAT_CSUM_V2 0x8
#define JBD2_FEATURE_INCOMPAT_CSUM_V3 0x10
#define JBD2_FEATURE_INCOMPAT_FAST_COMMIT 0x20

#define JBD2_CRC32C_CHKSUM 4	/* s_checksum_type */
#define JBD2_UUID_SIZE 16

struct jbd2_header {
	uint32_t h_magic;
	uint32_t h_blocktype;
	uint32_t h_sequence;
} __attribute__((packed));

struct jbd2_super {
	struct jbd2_header s_header;
	uint32_t s_blocksize;		/* 0x0c */
	uint32_t s_maxlen;
	uint32_t s_first;
	uint32_t s_sequence;		/* 0x18 */
	uint32_t s_start;
	uint32_t s_errno;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;	/* 0x28 */
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[JBD2_UUID_SIZE];	/* 0x30 */
	uint32_t s_nr_users;		/* 0x40 */
	uint32_t s_dynsuper;
	uint32_t s_max_transaction;
	uint32_t s_max_trans_data;
	uint8_t s_checksum_type;	/* 0x50 */
	uint8_t s_padding2[3];
	uint32_t s_num_fc_blks;
	uint32_t s_head;
	uint32_t s_padding[40];
	uint32_t s_checksum;		/* 0xfc */
	uint8_t s_users[16 * 48];	/* 0x100 */
} __attribute__((packed));

_Static_assert(sizeof(struct jbd2_super) == 1024, "journal superblock");
_Static_assert(offsetof(struct jbd2_super, s_checksum) == 0xfc,
	       "journal superblock layout");

/* A tag without csum_v3: 8 bytes, 12 with 64bit; +2 with csum_v2. */
struct jbd2_tag {
	uint32_t t_blocknr;
	uint16_t t_checksum;
	uint16_t t_flags;
	uint32_t t_blocknr_high;
} __attribute__((packed));

/* A csum_v3 tag: always 16 bytes. */
struct jbd2_tag3 {
	uint32_t t_blocknr;
	uint32_t t_flags;
	uint32_t t_blocknr_high;
	uint32_t t_checksum;
} __attribute__((packed));

/* The last 4 bytes of descriptor and revoke blocks with checksums. */
struct jbd2_tail {
	uint32_t t_checksum;
} __attribute__((packed));

struct jbd2_commit {
	struct jbd2_header h;
	uint8_t h_chksum_type;
	uint8_t h_chksum_size;
	uint8_t h_padding[2];
	uint32_t h_chksum[8];	/* [0]: crc32c of the block (v2/v3) */
	uint64_t h_commit_sec;
	uint32_t h_commit_nsec;
} __attribute__((packed));

/* Revoke block: the header, the bytes used, then 4- or 8-byte records. */
struct jbd2_revoke {
	struct jbd2_header h;
	uint32_t r_count;
} __attribute__((packed));

#endif
