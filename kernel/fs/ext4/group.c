/*
 * ext4 block groups: the fields of a group descriptor, its checksum, and
 * the checksums of the two bitmaps it describes.
 *
 * The descriptors live in memory (fs->gdt, loaded by super.c) for the
 * whole mount.  A change is made there and then copied into the
 * descriptor's block through the cache by ext4_group_dirty(), which
 * recomputes the descriptor checksum first: the block is journaled or
 * written back like any metadata.  Backup copies of the table in other
 * groups are left alone, as Linux leaves them.
 *
 * Fields split in lo and hi halves have a hi half only in descriptors of
 * 64 bytes or more (the 64bit feature).  The bitmap checksums are crc32c
 * of the bitmap's meaningful bytes (blocks or inodes per group, in bits),
 * seeded with the filesystem seed, 16 or 32 bits kept.
 */
#include <string.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

/* Where each checksum's hi half ends: it exists if the descriptor does. */
#define BG_BLOCK_BITMAP_CSUM_HI_END 0x3A
#define BG_INODE_BITMAP_CSUM_HI_END 0x3C

static bool
desc_is64(const struct ext4_fs *fs)
{
	return fs->desc_size >= EXT4_MIN_DESC_SIZE_64BIT;
}

/*
 * Read a split field: the hi half only exists (and may only be read) in
 * descriptors of 64 bytes or more.
 */
#define GET_LOHI16(fs, gd, field)                                              \
	(le16toh((gd)->field##_lo) |                                           \
	 (desc_is64(fs) ? (uint32_t)le16toh((gd)->field##_hi) << 16 : 0))
#define GET_LOHI32(fs, gd, field)                                              \
	(le32toh((gd)->field##_lo) |                                           \
	 (desc_is64(fs) ? (uint64_t)le32toh((gd)->field##_hi) << 32 : 0))

uint64_t
ext4_gd_block_bitmap(const struct ext4_fs *fs, const struct ext4_disk_group *gd)
{
	return GET_LOHI32(fs, gd, bg_block_bitmap);
}

uint64_t
ext4_gd_inode_bitmap(const struct ext4_fs *fs, const struct ext4_disk_group *gd)
{
	return GET_LOHI32(fs, gd, bg_inode_bitmap);
}

uint64_t
ext4_group_inode_table(struct ext4_fs *fs, const struct ext4_disk_group *gd)
{
	return GET_LOHI32(fs, gd, bg_inode_table);
}

uint32_t
ext4_gd_free_blocks(const struct ext4_fs *fs, const struct ext4_disk_group *gd)
{
	return GET_LOHI16(fs, gd, bg_free_blocks_count);
}

uint32_t
ext4_gd_free_inodes(const struct ext4_fs *fs, const struct ext4_disk_group *gd)
{
	return GET_LOHI16(fs, gd, bg_free_inodes_count);
}

uint32_t
ext4_gd_used_dirs(const struct ext4_fs *fs, const struct ext4_disk_group *gd)
{
	return GET_LOHI16(fs, gd, bg_used_dirs_count);
}

uint32_t
ext4_gd_itable_unused(const struct ext4_fs *fs,
		      const struct ext4_disk_group *gd)
{
	return GET_LOHI16(fs, gd, bg_itable_unused);
}

/* Store n in the lo half at offset lo and, with 64-byte descriptors, hi. */
static void
set_lohi16(const struct ext4_fs *fs, struct ext4_disk_group *gd, size_t lo,
	   size_t hi, uint32_t n)
{
	uint16_t v = htole16((uint16_t)n);

	memcpy((uint8_t *)gd + lo, &v, sizeof(v));
	if (desc_is64(fs)) {
		v = htole16((uint16_t)(n >> 16));
		memcpy((uint8_t *)gd + hi, &v, sizeof(v));
	}
}

#define SET_LOHI16(fs, gd, field, n)                                           \
	set_lohi16(fs, gd, offsetof(struct ext4_disk_group, field##_lo),       \
		   offsetof(struct ext4_disk_group, field##_hi), n)

void
ext4_gd_set_free_blocks(const struct ext4_fs *fs, struct ext4_disk_group *gd,
			uint32_t n)
{
	SET_LOHI16(fs, gd, bg_free_blocks_count, n);
}

void
ext4_gd_set_free_inodes(const struct ext4_fs *fs, struct ext4_disk_group *gd,
			uint32_t n)
{
	SET_LOHI16(fs, gd, bg_free_inodes_count, n);
}

void
ext4_gd_set_used_dirs(const struct ext4_fs *fs, struct ext4_disk_group *gd,
		      uint32_t n)
{
	SET_LOHI16(fs, gd, bg_used_dirs_count, n);
}

void
ext4_gd_set_itable_unused(const struct ext4_fs *fs,
			  struct ext4_disk_group *gd, uint32_t n)
{
	SET_LOHI16(fs, gd, bg_itable_unused, n);
}

/* The descriptor of group g for changing; the group must be good. */
struct ext4_disk_group *
ext4_group_desc_rw(struct ext4_fs *fs, uint32_t g)
{
	BUG_ON(g >= fs->groups_count || fs->group_bad[g]);
	return (struct ext4_disk_group *)(fs->gdt + (size_t)g * fs->desc_size);
}

/*
 * metadata_csum: crc32c of the group number and the descriptor with its
 * checksum field zeroed, low 16 bits.  uninit_bg: crc16 of the uuid, the
 * group number and the descriptor without its checksum field.  0 when
 * the filesystem has neither.
 */
uint16_t
ext4_group_csum(struct ext4_fs *fs, uint32_t g, const uint8_t *d)
{
	uint32_t le_g = htole32(g);
	uint16_t zero = 0;
	size_t off = offsetof(struct ext4_disk_group, bg_checksum);
	size_t rest = fs->desc_size - off - sizeof(zero);
	uint32_t crc;

	if (fs->csum) {
		crc = ext4_crc32c(fs->csum_seed, &le_g, sizeof(le_g));
		crc = ext4_crc32c(crc, d, off);
		crc = ext4_crc32c(crc, &zero, sizeof(zero));
		crc = ext4_crc32c(crc, d + off + sizeof(zero), rest);
		return (uint16_t)crc;
	}
	if (!ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_GDT_CSUM))
		return 0;
	crc = ext4_crc16(0xffff, fs->sb.s_uuid, sizeof(fs->sb.s_uuid));
	crc = ext4_crc16(crc, &le_g, sizeof(le_g));
	crc = ext4_crc16(crc, d, off);
	crc = ext4_crc16(crc, d + off + sizeof(zero), rest);
	return (uint16_t)crc;
}

/*
 * Descriptor g changed: checksum it and copy it into its block, which
 * becomes dirty.  0 or -errno (reading the descriptor block).
 */
int
ext4_group_dirty(struct ext4_fs *fs, uint32_t g)
{
	struct ext4_disk_group *gd = ext4_group_desc_rw(fs, g);
	struct ext4_buf *b;
	uint32_t i = g / fs->desc_per_block;
	size_t off = (size_t)(g % fs->desc_per_block) * fs->desc_size;
	int err;

	gd->bg_checksum = htole16(ext4_group_csum(fs, g, (uint8_t *)gd));
	if ((err = ext4_bread(fs, ext4_desc_block_location(fs, i), &b)) < 0)
		return err;
	memcpy(b->data + off, gd, fs->desc_size);
	ext4_bdirty(fs, b);
	ext4_brelse(fs, b);
	return 0;
}

uint64_t
ext4_group_first_block(const struct ext4_fs *fs, uint32_t g)
{
	return fs->first_data_block + (uint64_t)g * fs->blocks_per_group;
}

/* Blocks in group g: blocks_per_group, fewer in the last group. */
uint32_t
ext4_group_blocks(const struct ext4_fs *fs, uint32_t g)
{
	uint64_t left = fs->blocks_count - ext4_group_first_block(fs, g);

	return left < fs->blocks_per_group ? (uint32_t)left
					   : fs->blocks_per_group;
}

static uint32_t
bitmap_csum(struct ext4_fs *fs, bool inode_map, const uint8_t *bitmap)
{
	size_t bytes = (inode_map ? fs->inodes_per_group
				  : fs->blocks_per_group >> fs->cluster_bits) /
		       8;

	return ext4_crc32c(fs->csum_seed, bitmap, bytes);
}

/* Record the checksum of group g's block or inode bitmap. */
void
ext4_bitmap_set_csum(struct ext4_fs *fs, uint32_t g, bool inode_map,
		     const uint8_t *bitmap)
{
	struct ext4_disk_group *gd = ext4_group_desc_rw(fs, g);
	uint32_t crc;

	if (!fs->csum)
		return;
	crc = bitmap_csum(fs, inode_map, bitmap);
	if (inode_map) {
		gd->bg_inode_bitmap_csum_lo = htole16((uint16_t)crc);
		if (fs->desc_size >= BG_INODE_BITMAP_CSUM_HI_END)
			gd->bg_inode_bitmap_csum_hi = htole16(crc >> 16);
	} else {
		gd->bg_block_bitmap_csum_lo = htole16((uint16_t)crc);
		if (fs->desc_size >= BG_BLOCK_BITMAP_CSUM_HI_END)
			gd->bg_block_bitmap_csum_hi = htole16(crc >> 16);
	}
}

bool
ext4_bitmap_csum_ok(struct ext4_fs *fs, uint32_t g, bool inode_map,
		    const uint8_t *bitmap)
{
	const struct ext4_disk_group *gd = ext4_group_desc(fs, g);
	uint32_t crc, want;
	bool hi;

	if (!fs->csum || gd == NULL)
		return gd != NULL;
	crc = bitmap_csum(fs, inode_map, bitmap);
	if (inode_map) {
		hi = fs->desc_size >= BG_INODE_BITMAP_CSUM_HI_END;
		want = le16toh(gd->bg_inode_bitmap_csum_lo) |
		       (hi ? (uint32_t)le16toh(gd->bg_inode_bitmap_csum_hi)
				     << 16
			   : 0);
	} else {
		hi = fs->desc_size >= BG_BLOCK_BITMAP_CSUM_HI_END;
		want = le16toh(gd->bg_block_bitmap_csum_lo) |
		       (hi ? (uint32_t)le16toh(gd->bg_block_bitmap_csum_hi)
				     << 16
			   : 0);
	}
	if (!hi)
		crc &= 0xffff;
	return ext4_csum_matches(crc, want);
}
