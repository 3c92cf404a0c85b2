/*
 * ext4 mount: the superblock, the feature sets, the group descriptors and
 * statfs.
 *
 * ext4_mount() trusts nothing it reads: the superblock's geometry is checked
 * against itself and the device size before anything is derived from it, and
 * each group descriptor is checked (checksum, bitmap and inode table
 * locations) as it is loaded.  A descriptor that fails is remembered as bad:
 * its inodes become unreadable (-EFSCORRUPTED) but the rest of the
 * filesystem stays usable, which is what a read-only mount of a damaged disk
 * wants.  The descriptors stay in memory for the life of the mount.
 * Inodes are in inode.c, the block cache in cache.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

struct feature_name {
	uint32_t mask;
	const char *name;
};

static const struct feature_name incompat_names[] = {
	{ EXT4_FEATURE_INCOMPAT_COMPRESSION, "compression" },
	{ EXT4_FEATURE_INCOMPAT_FILETYPE, "filetype" },
	{ EXT4_FEATURE_INCOMPAT_RECOVER, "needs_recovery" },
	{ EXT4_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev" },
	{ EXT4_FEATURE_INCOMPAT_META_BG, "meta_bg" },
	{ EXT4_FEATURE_INCOMPAT_EXTENTS, "extent" },
	{ EXT4_FEATURE_INCOMPAT_64BIT, "64bit" },
	{ EXT4_FEATURE_INCOMPAT_MMP, "mmp" },
	{ EXT4_FEATURE_INCOMPAT_FLEX_BG, "flex_bg" },
	{ EXT4_FEATURE_INCOMPAT_EA_INODE, "ea_inode" },
	{ EXT4_FEATURE_INCOMPAT_DIRDATA, "dirdata" },
	{ EXT4_FEATURE_INCOMPAT_CSUM_SEED, "metadata_csum_seed" },
	{ EXT4_FEATURE_INCOMPAT_LARGEDIR, "large_dir" },
	{ EXT4_FEATURE_INCOMPAT_INLINE_DATA, "inline_data" },
	{ EXT4_FEATURE_INCOMPAT_ENCRYPT, "encrypt" },
	{ EXT4_FEATURE_INCOMPAT_CASEFOLD, "casefold" },
	{ 0, NULL },
};

static const struct feature_name ro_compat_names[] = {
	{ EXT4_FEATURE_RO_COMPAT_SPARSE_SUPER, "sparse_super" },
	{ EXT4_FEATURE_RO_COMPAT_LARGE_FILE, "large_file" },
	{ EXT4_FEATURE_RO_COMPAT_BTREE_DIR, "btree_dir" },
	{ EXT4_FEATURE_RO_COMPAT_HUGE_FILE, "huge_file" },
	{ EXT4_FEATURE_RO_COMPAT_GDT_CSUM, "uninit_bg" },
	{ EXT4_FEATURE_RO_COMPAT_DIR_NLINK, "dir_nlink" },
	{ EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE, "extra_isize" },
	{ EXT4_FEATURE_RO_COMPAT_HAS_SNAPSHOT, "snapshot" },
	{ EXT4_FEATURE_RO_COMPAT_QUOTA, "quota" },
	{ EXT4_FEATURE_RO_COMPAT_BIGALLOC, "bigalloc" },
	{ EXT4_FEATURE_RO_COMPAT_METADATA_CSUM, "metadata_csum" },
	{ EXT4_FEATURE_RO_COMPAT_REPLICA, "replica" },
	{ EXT4_FEATURE_RO_COMPAT_READONLY, "read-only" },
	{ EXT4_FEATURE_RO_COMPAT_PROJECT, "project" },
	{ EXT4_FEATURE_RO_COMPAT_SHARED_BLOCKS, "shared_blocks" },
	{ EXT4_FEATURE_RO_COMPAT_VERITY, "verity" },
	{ EXT4_FEATURE_RO_COMPAT_ORPHAN_PRESENT, "orphan_present" },
	{ 0, NULL },
};

/* Incompat features this driver reads correctly. */
#define EXT4_INCOMPAT_SUPP                                                     \
	(EXT4_FEATURE_INCOMPAT_FILETYPE | EXT4_FEATURE_INCOMPAT_RECOVER |     \
	 EXT4_FEATURE_INCOMPAT_META_BG | EXT4_FEATURE_INCOMPAT_EXTENTS |      \
	 EXT4_FEATURE_INCOMPAT_64BIT | EXT4_FEATURE_INCOMPAT_MMP |            \
	 EXT4_FEATURE_INCOMPAT_FLEX_BG | EXT4_FEATURE_INCOMPAT_EA_INODE |     \
	 EXT4_FEATURE_INCOMPAT_CSUM_SEED | EXT4_FEATURE_INCOMPAT_LARGEDIR |   \
	 EXT4_FEATURE_INCOMPAT_INLINE_DATA)

/* Ro-compat features the write path understands. */
#define EXT4_RO_COMPAT_SUPP                                                    \
	(EXT4_FEATURE_RO_COMPAT_SPARSE_SUPER |                                 \
	 EXT4_FEATURE_RO_COMPAT_LARGE_FILE |                                   \
	 EXT4_FEATURE_RO_COMPAT_HUGE_FILE |                                    \
	 EXT4_FEATURE_RO_COMPAT_GDT_CSUM | EXT4_FEATURE_RO_COMPAT_DIR_NLINK |  \
	 EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE |                                  \
	 EXT4_FEATURE_RO_COMPAT_METADATA_CSUM |                                \
	 EXT4_FEATURE_RO_COMPAT_PROJECT)

/* Incompat features that are readable but that the write path is not. */
#define EXT4_INCOMPAT_RO_ONLY                                                  \
	(EXT4_FEATURE_INCOMPAT_MMP | EXT4_FEATURE_INCOMPAT_EA_INODE)

/* Write "name name 0x..." for the bits of mask into buf. */
static void
feature_list(char *buf, size_t size, const struct feature_name *names,
	     uint32_t mask)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; names[i].name != NULL && n < size; i++) {
		if (mask & names[i].mask) {
			n += snprintf(buf + n, size - n, "%s%s", n ? " " : "",
				      names[i].name);
			mask &= ~names[i].mask;
		}
	}
	if (mask != 0 && n < size)
		snprintf(buf + n, size - n, "%s0x%x", n ? " " : "", mask);
}

static int
super_check_features(struct ext4_fs *fs, bool read_only)
{
	char list[256];
	uint32_t bad;

	bad = fs->incompat & ~EXT4_INCOMPAT_SUPP;
	if (bad != 0) {
		feature_list(list, sizeof(list), incompat_names, bad);
		pr_err("ext4: %s: unsupported incompat features: %s",
		       fs->bd->name, list);
		return -EINVAL;
	}
	if (read_only)
		return 0;
	bad = fs->ro_compat & ~EXT4_RO_COMPAT_SUPP;
	if (bad != 0) {
		feature_list(list, sizeof(list), ro_compat_names, bad);
		pr_err("ext4: %s: cannot mount read-write, unsupported "
		       "ro_compat features: %s", fs->bd->name, list);
		return -EROFS;
	}
	bad = fs->incompat & EXT4_INCOMPAT_RO_ONLY;
	if (bad != 0) {
		feature_list(list, sizeof(list), incompat_names, bad);
		pr_err("ext4: %s: cannot mount read-write, features read "
		       "only here: %s", fs->bd->name, list);
		return -EROFS;
	}
	return 0;
}

static bool
is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

/* Does group g hold a superblock backup (and so descriptor copies)? */
bool
ext4_group_has_super(const struct ext4_fs *fs, uint32_t g)
{
	if (g == 0)
		return true;
	if (fs->compat & EXT4_FEATURE_COMPAT_SPARSE_SUPER2)
		return g == le32toh(fs->sb.s_backup_bgs[0]) ||
		       g == le32toh(fs->sb.s_backup_bgs[1]);
	if (g == 1 ||
	    !ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	if ((g & 1) == 0)
		return false;
	return is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

static int
super_bad(struct ext4_fs *fs, const char *what)
{
	pr_err("ext4: %s: bad superblock: %s", fs->bd->name, what);
	return -EFSCORRUPTED;
}

static int
super_check_csum(struct ext4_fs *fs)
{
	uint32_t crc;

	if (!fs->csum)
		return 0;
	if (fs->sb.s_checksum_type != EXT4_CRC32C_CHKSUM)
		return super_bad(fs, "unknown checksum type");
	crc = ext4_crc32c(~0u, &fs->sb, offsetof(struct ext4_disk_super,
						 s_checksum));
	if (!ext4_csum_matches(crc, le32toh(fs->sb.s_checksum)))
		return super_bad(fs, "checksum mismatch");
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_CSUM_SEED))
		fs->csum_seed = le32toh(fs->sb.s_checksum_seed);
	else
		fs->csum_seed = ext4_crc32c(~0u, fs->sb.s_uuid,
					    sizeof(fs->sb.s_uuid));
	return 0;
}

/*
 * Blocks per group, and with bigalloc the cluster size: allocation (and the
 * free counts) go by clusters of 2^cluster_bits blocks.
 */
static int
super_check_clusters(struct ext4_fs *fs)
{
	const struct ext4_disk_super *sb = &fs->sb;
	uint32_t lc = le32toh(sb->s_log_cluster_size) + EXT4_MIN_LOG_BLOCK;
	uint64_t cpg = fs->blocks_per_group;

	if (ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_BIGALLOC)) {
		if (lc < fs->log_block_size || lc - fs->log_block_size > 16)
			return super_bad(fs, "cluster size");
		fs->cluster_bits = lc - fs->log_block_size;
		cpg = le32toh(sb->s_clusters_per_group);
		if (cpg << fs->cluster_bits != fs->blocks_per_group)
			return super_bad(fs, "clusters per group");
	} else if (lc != fs->log_block_size) {
		return super_bad(fs, "cluster size differs from block size");
	}
	if (cpg < 8 || cpg > (uint64_t)fs->block_size * 8)
		return super_bad(fs, "blocks per group");
	return 0;
}

/* Block size, inode size and per-group counts. */
static int
super_check_sizes(struct ext4_fs *fs)
{
	const struct ext4_disk_super *sb = &fs->sb;
	uint32_t log = le32toh(sb->s_log_block_size);
	uint32_t ipb;
	int err;

	if (log > EXT4_MAX_LOG_BLOCK - EXT4_MIN_LOG_BLOCK)
		return super_bad(fs, "block size");
	fs->log_block_size = EXT4_MIN_LOG_BLOCK + log;
	fs->block_size = 1u << fs->log_block_size;
	if (le32toh(sb->s_rev_level) > 1)
		return super_bad(fs, "unknown revision");
	if (le32toh(sb->s_rev_level) == EXT4_GOOD_OLD_REV) {
		fs->inode_size = EXT4_GOOD_OLD_INODE_SIZE;
		fs->first_ino = EXT4_GOOD_OLD_FIRST_INO;
	} else {
		fs->inode_size = le16toh(sb->s_inode_size);
		fs->first_ino = le32toh(sb->s_first_ino);
	}
	if (fs->inode_size < EXT4_GOOD_OLD_INODE_SIZE ||
	    fs->inode_size > fs->block_size ||
	    (fs->inode_size & (fs->inode_size - 1)) != 0)
		return super_bad(fs, "inode size");
	fs->blocks_per_group = le32toh(sb->s_blocks_per_group);
	if ((err = super_check_clusters(fs)) < 0)
		return err;
	fs->inodes_per_group = le32toh(sb->s_inodes_per_group);
	fs->inodes_count = le32toh(sb->s_inodes_count);
	ipb = fs->block_size / fs->inode_size;
	if (fs->inodes_per_group < ipb ||
	    fs->inodes_per_group > fs->block_size * 8 ||
	    fs->inodes_per_group % ipb != 0)
		return super_bad(fs, "inodes per group");
	fs->itb_per_group = fs->inodes_per_group / ipb;
	if (fs->first_ino < EXT4_GOOD_OLD_FIRST_INO ||
	    fs->first_ino > fs->inodes_count)
		return super_bad(fs, "first inode");
	return 0;
}

/* Block counts and group counts against each other and the device. */
static int
super_check_counts(struct ext4_fs *fs)
{
	const struct ext4_disk_super *sb = &fs->sb;
	bool is64 = ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_64BIT);
	uint64_t groups;

	fs->blocks_count = le32toh(sb->s_blocks_count_lo);
	fs->r_blocks_count = le32toh(sb->s_r_blocks_count_lo);
	if (is64) {
		fs->blocks_count |= (uint64_t)le32toh(sb->s_blocks_count_hi)
				    << 32;
		fs->r_blocks_count |=
			(uint64_t)le32toh(sb->s_r_blocks_count_hi) << 32;
	}
	fs->first_data_block = le32toh(sb->s_first_data_block);
	if (fs->first_data_block !=
	    (fs->block_size == 1024 &&
	     !ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_BIGALLOC)))
		return super_bad(fs, "first data block");
	if (fs->blocks_count <= fs->first_data_block ||
	    fs->blocks_count > fs->bd->size >> fs->log_block_size) {
		pr_err("ext4: %s: block count %llu exceeds the device (%llu "
		       "bytes)", fs->bd->name,
		       (unsigned long long)fs->blocks_count,
		       (unsigned long long)fs->bd->size);
		return -EFSCORRUPTED;
	}
	if (fs->r_blocks_count > fs->blocks_count)
		return super_bad(fs, "reserved block count");
	groups = (fs->blocks_count - fs->first_data_block +
		  fs->blocks_per_group - 1) / fs->blocks_per_group;
	if (groups * fs->inodes_per_group != fs->inodes_count)
		return super_bad(fs, "inode count does not match groups");
	fs->groups_count = (uint32_t)groups;
	return 0;
}

static int
super_check_desc(struct ext4_fs *fs)
{
	const struct ext4_disk_super *sb = &fs->sb;

	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_64BIT)) {
		fs->desc_size = le16toh(sb->s_desc_size);
		if (fs->desc_size < EXT4_MIN_DESC_SIZE_64BIT ||
		    fs->desc_size > EXT4_MAX_DESC_SIZE ||
		    (fs->desc_size & (fs->desc_size - 1)) != 0)
			return super_bad(fs, "descriptor size");
	} else {
		fs->desc_size = EXT4_MIN_DESC_SIZE;
	}
	fs->desc_per_block = fs->block_size / fs->desc_size;
	fs->gdt_blocks = (fs->groups_count + fs->desc_per_block - 1) /
			 fs->desc_per_block;
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_META_BG)) {
		if (le32toh(sb->s_first_meta_bg) > fs->gdt_blocks)
			return super_bad(fs, "first meta block group");
	} else if (fs->gdt_blocks >
		   fs->blocks_count - fs->first_data_block - 1) {
		return super_bad(fs, "descriptor table past the end");
	}
	return 0;
}

/* Where descriptor block i lives (see meta_bg). */
uint64_t
ext4_desc_block_location(struct ext4_fs *fs, uint32_t i)
{
	uint64_t g;

	if (!ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_META_BG) ||
	    i < le32toh(fs->sb.s_first_meta_bg))
		return (uint64_t)fs->first_data_block + 1 + i;
	g = (uint64_t)i * fs->desc_per_block;
	return fs->first_data_block + g * fs->blocks_per_group +
	       (ext4_group_has_super(fs, (uint32_t)g) ? 1 : 0);
}

static bool
super_has_group_csum(const struct ext4_fs *fs)
{
	return fs->csum ||
	       ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_GDT_CSUM);
}

/* Check descriptor g; a bad one is marked and logged, never fatal. */
static void
desc_check(struct ext4_fs *fs, uint32_t g)
{
	const struct ext4_disk_group *gd =
		(const void *)(fs->gdt + (size_t)g * fs->desc_size);
	uint64_t bb = ext4_gd_block_bitmap(fs, gd);
	uint64_t ib = ext4_gd_inode_bitmap(fs, gd);
	uint64_t it = ext4_group_inode_table(fs, gd);
	const char *why = NULL;

	if (super_has_group_csum(fs) &&
	    !ext4_csum_matches(ext4_group_csum(fs, g, (const uint8_t *)gd),
			       le16toh(gd->bg_checksum)))
		why = "checksum mismatch";
	else if (bb <= fs->first_data_block || bb >= fs->blocks_count)
		why = "block bitmap out of range";
	else if (ib <= fs->first_data_block || ib >= fs->blocks_count)
		why = "inode bitmap out of range";
	else if (!ext4_data_range_ok(fs, it, fs->itb_per_group))
		why = "inode table out of range";
	if (why == NULL) {
		fs->free_blocks += ext4_gd_free_blocks(fs, gd);
		fs->free_inodes += ext4_gd_free_inodes(fs, gd);
		return;
	}
	fs->group_bad[g] = true;
	pr_err("ext4: %s: group %u descriptor: %s", fs->bd->name, g, why);
}

static int
super_load_groups(struct ext4_fs *fs)
{
	struct ext4_buf *b;
	uint32_t i, n;
	size_t bytes;
	int err;

	fs->gdt = calloc(fs->groups_count, fs->desc_size);
	fs->group_bad = calloc(fs->groups_count, sizeof(*fs->group_bad));
	if (fs->gdt == NULL || fs->group_bad == NULL)
		return -ENOMEM;
	for (i = 0; i < fs->gdt_blocks; i++) {
		err = ext4_bread(fs, ext4_desc_block_location(fs, i), &b);
		if (err < 0)
			return err;
		n = fs->groups_count - i * fs->desc_per_block;
		if (n > fs->desc_per_block)
			n = fs->desc_per_block;
		bytes = (size_t)n * fs->desc_size;
		memcpy(fs->gdt + (size_t)i * fs->desc_per_block * fs->desc_size,
		       b->data, bytes);
		ext4_brelse(fs, b);
	}
	for (i = 0; i < fs->groups_count; i++)
		desc_check(fs, i);
	return 0;
}

/* Descriptor of group g, or NULL (logged) if it failed its checks. */
const struct ext4_disk_group *
ext4_group_desc(struct ext4_fs *fs, uint32_t g)
{
	if (g >= fs->groups_count)
		return NULL;
	if (fs->group_bad[g]) {
		pr_err("ext4: %s: group %u has a bad descriptor", fs->bd->name,
		       g);
		return NULL;
	}
	return (const void *)(fs->gdt + (size_t)g * fs->desc_size);
}

/*
 * Descriptor blocks in group g: the table (and its reserved growth room)
 * after each superblock copy, or with meta_bg, one block in the first,
 * second and last group of each meta group past s_first_meta_bg.
 */
uint32_t
ext4_group_desc_blocks(const struct ext4_fs *fs, uint32_t g)
{
	uint32_t first = le32toh(fs->sb.s_first_meta_bg);
	uint32_t r = g % fs->desc_per_block;

	if (!ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_META_BG))
		return ext4_group_has_super(fs, g) ?
			       fs->gdt_blocks +
				       le16toh(fs->sb.s_reserved_gdt_blocks) :
			       0;
	if (g / fs->desc_per_block < first)
		return ext4_group_has_super(fs, g) ? first : 0;
	return r == 0 || r == 1 || r == fs->desc_per_block - 1;
}

/*
 * Metadata blocks, for statfs: s_overhead_clusters when mke2fs recorded it,
 * else counted like mke2fs does (superblock and descriptor copies, reserved
 * descriptor blocks, bitmaps, inode tables, the journal).
 */
static uint64_t
super_overhead(struct ext4_fs *fs)
{
	uint64_t n = fs->first_data_block;
	struct ext4_inode *j;
	uint32_t g;

	if (fs->sb.s_overhead_clusters != 0)
		return (uint64_t)le32toh(fs->sb.s_overhead_clusters)
		       << fs->cluster_bits;
	for (g = 0; g < fs->groups_count; g++)
		n += ext4_group_has_super(fs, g) +
		     ext4_group_desc_blocks(fs, g) + 2 +
		     fs->itb_per_group;
	if ((fs->compat & EXT4_FEATURE_COMPAT_HAS_JOURNAL) &&
	    fs->sb.s_journal_inum != 0 &&
	    ext4_iget(fs, le32toh(fs->sb.s_journal_inum), &j) == 0) {
		n += j->size >> fs->log_block_size;
		ext4_iput(j);
	}
	return n < fs->blocks_count ? n : fs->blocks_count;
}

static int
super_read(struct ext4_fs *fs)
{
	int err;

	if (fs->bd->size < EXT4_SUPER_OFFSET + EXT4_SUPER_SIZE) {
		pr_err("ext4: %s: device too small", fs->bd->name);
		return -EINVAL;
	}
	err = bdev_read(fs->bd, EXT4_SUPER_OFFSET, &fs->sb, sizeof(fs->sb));
	if (err < 0) {
		pr_err("ext4: %s: cannot read the superblock: %d",
		       fs->bd->name, err);
		return err;
	}
	if (le16toh(fs->sb.s_magic) != EXT4_SUPER_MAGIC) {
		pr_err("ext4: %s: no ext2/3/4 filesystem (bad magic)",
		       fs->bd->name);
		return -EINVAL;
	}
	fs->compat = le32toh(fs->sb.s_feature_compat);
	fs->incompat = le32toh(fs->sb.s_feature_incompat);
	fs->ro_compat = le32toh(fs->sb.s_feature_ro_compat);
	fs->csum = ext4_has_ro_compat(fs,
				      EXT4_FEATURE_RO_COMPAT_METADATA_CSUM);
	return super_check_csum(fs);
}

static int
super_check(struct ext4_fs *fs, bool read_only)
{
	int err;

	if ((err = super_check_features(fs, read_only)) < 0)
		return err;
	if ((err = super_check_sizes(fs)) < 0)
		return err;
	if ((err = super_check_counts(fs)) < 0)
		return err;
	return super_check_desc(fs);
}

/* The root must be a readable directory. */
static int
super_check_root(struct ext4_fs *fs)
{
	struct ext4_inode *root;
	int err;

	if ((err = ext4_iget(fs, EXT4_ROOT_INO, &root)) < 0) {
		pr_err("ext4: %s: cannot read the root inode: %d",
		       fs->bd->name, err);
		return err;
	}
	if (!ext4_inode_is_dir(root)) {
		pr_err("ext4: %s: root inode is not a directory",
		       fs->bd->name);
		err = -EFSCORRUPTED;
	}
	ext4_iput(root);
	return err;
}

static void
super_warn_state(struct ext4_fs *fs)
{
	uint16_t state = le16toh(fs->sb.s_state);

	if (ext4_journal_needs_recovery(fs))
		pr_warn("ext4: %s: the journal needs recovery, which a "
			"read-only device does not allow: reading the "
			"filesystem as it is on disk, recent changes may be "
			"missing", fs->bd->name);
	else if (!(state & EXT4_VALID_FS))
		pr_warn("ext4: %s: not cleanly unmounted, run e2fsck",
			fs->bd->name);
	if (state & EXT4_ERROR_FS)
		pr_warn("ext4: %s: filesystem has errors, run e2fsck",
			fs->bd->name);
}

/* Everything a mount reads, checked; fs->bd is set. */
static int
super_load(struct ext4_fs *fs, bool read_only)
{
	int err;

	if ((err = super_read(fs)) < 0)
		return err;
	if (!read_only && fs->bd->read_only) {
		pr_err("ext4: %s: device is read-only", fs->bd->name);
		return -EROFS;
	}
	if ((err = super_check(fs, read_only)) < 0)
		return err;
	if ((err = ext4_cache_init(fs)) < 0)
		return err;
	if ((err = ext4_icache_init(fs)) < 0)
		return err;
	return super_load_groups(fs);
}

static void
super_unload(struct ext4_fs *fs)
{
	ext4_icache_destroy(fs);
	ext4_cache_destroy(fs);
	free(fs->gdt);
	free(fs->group_bad);
	fs->gdt = NULL;
	fs->group_bad = NULL;
	fs->free_blocks = fs->free_inodes = 0;
}

/*
 * Replay the journal if it needs it and the device can be written, even
 * for a read-only mount (as Linux does), then load everything again: the
 * replay may have rewritten any metadata block.
 */
static int
super_recover(struct ext4_fs *fs, bool read_only)
{
	int err;

	if (!ext4_journal_needs_recovery(fs) || fs->bd->read_only)
		return 0;
	if ((err = ext4_journal_recover(fs)) < 0)
		return err;
	super_unload(fs);
	return super_load(fs, read_only);
}

int
ext4_mount(struct bdev *bd, bool read_only, struct ext4_fs **out)
{
	struct ext4_fs *fs;
	int err;

	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return -ENOMEM;
	fs->bd = bd;
	fs->read_only = true;
	if ((err = super_load(fs, read_only)) < 0)
		goto fail;
	if ((err = super_recover(fs, read_only)) < 0)
		goto fail;
	if ((err = super_check_root(fs)) < 0)
		goto fail;
	fs->overhead = super_overhead(fs);
	super_warn_state(fs);
	if (!read_only && (err = ext4_super_mount_rw(fs)) < 0)
		goto fail;
	pr_info("ext4: %s: mounted %s, %u-byte blocks, %llu blocks, "
		"%u groups%s", bd->name, read_only ? "read-only" : "read-write",
		fs->block_size, (unsigned long long)fs->blocks_count,
		fs->groups_count, fs->jnl != NULL ? ", journaled" : "");
	*out = fs;
	return 0;
fail:
	ext4_unmount(fs);
	return err;
}

/*
 * Write everything back (read-write mounts) and free the mount.  Inodes
 * still referenced are detached: a later ext4_iput() only frees them.
 */
int
ext4_unmount(struct ext4_fs *fs)
{
	int err = 0;

	if (fs == NULL)
		return 0;
	if (!fs->read_only)
		err = ext4_super_unmount_rw(fs);
	if (fs->jnl != NULL)
		ext4_journal_close(fs);
	super_unload(fs);
	free(fs->pinned.v);
	free(fs);
	return err;
}

int
ext4_statfs(struct ext4_fs *fs, struct ext4_statfs *st)
{
	uint64_t free = fs->free_blocks << fs->cluster_bits;

	memset(st, 0, sizeof(*st));
	st->block_size = fs->block_size;
	st->blocks = fs->blocks_count - fs->overhead;
	st->free = free < st->blocks ? free : st->blocks;
	st->avail = st->free > fs->r_blocks_count ?
			    st->free - fs->r_blocks_count : 0;
	st->files = fs->inodes_count;
	st->ffree = fs->free_inodes < fs->inodes_count ? fs->free_inodes :
							 fs->inodes_count;
	st->namelen = EXT4_NAME_MAX;
	return 0;
}

/*
 * Switch between read-only and read-write (mount -o remount,rw): going
 * read-write checks the features as a read-write mount would, opens the
 * journal and marks the filesystem in use; going read-only writes
 * everything back and leaves the disk clean.
 */
int
ext4_remount(struct ext4_fs *fs, bool read_only)
{
	int err;

	if (read_only == fs->read_only)
		return 0;
	if (read_only)
		return ext4_super_unmount_rw(fs);
	if (fs->bd->read_only)
		return -EROFS;
	if ((err = super_check_features(fs, false)) < 0)
		return err;
	return ext4_super_mount_rw(fs);
}
