/*
 * ext4 inodes: finding an inode in its group's inode table, checking it and
 * decoding it into struct ext4_inode (ext4.h).
 *
 * The decoded inode keeps a copy of the raw on-disk bytes: the block maps
 * (extents.c, indirect.c), inline data (inline.c) and the write path
 * (inode_write.c) work on those, so nothing is lost in decoding.  Inodes
 * in use are cached here, one object per inode number, so that every
 * holder sees the changes of the others.
 *
 * Checks, in order: the inode number's range, its group descriptor, the
 * i_extra_isize field (it decides what the checksum covers), the checksum
 * (metadata_csum), then the decoded fields: file type, deleted state, size,
 * flags against features, and the extent tree root.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define EXT4_OS_LINUX 0

bool
ext4_inode_is_dir(const struct ext4_inode *inode)
{
	return S_ISDIR(inode->mode);
}

bool
ext4_inode_is_symlink(const struct ext4_inode *inode)
{
	return S_ISLNK(inode->mode);
}

static int
inode_bad(struct ext4_fs *fs, uint32_t ino, const char *what)
{
	pr_err("ext4: %s: inode %u: %s", fs->bd->name, ino, what);
	return -EFSCORRUPTED;
}

static const struct ext4_disk_inode *
inode_disk(const struct ext4_inode *inode)
{
	return (const struct ext4_disk_inode *)inode->raw;
}

/* Copy the raw inode out of the inode table. */
static int
inode_read_raw(struct ext4_fs *fs, uint32_t ino, uint8_t *raw)
{
	const struct ext4_disk_group *gd;
	struct ext4_buf *b;
	uint32_t group = (ino - 1) / fs->inodes_per_group;
	uint64_t off = (uint64_t)((ino - 1) % fs->inodes_per_group) *
		       fs->inode_size;
	int err;

	if ((gd = ext4_group_desc(fs, group)) == NULL)
		return -EFSCORRUPTED;
	err = ext4_bread(fs, ext4_group_inode_table(fs, gd) +
				     (off >> fs->log_block_size), &b);
	if (err < 0)
		return err;
	memcpy(raw, b->data + (off & (fs->block_size - 1)), fs->inode_size);
	ext4_brelse(fs, b);
	return 0;
}

/* Never-used inodes are all zeros (and have no valid checksum). */
static bool
inode_is_unused(const struct ext4_inode *inode)
{
	size_t i;

	for (i = 0; i < inode->raw_size; i++)
		if (inode->raw[i] != 0)
			return false;
	return true;
}

/* i_extra_isize must fit the inode and be 4-byte aligned. */
static int
inode_check_extra(struct ext4_fs *fs, struct ext4_inode *inode)
{
	if (fs->inode_size == EXT4_GOOD_OLD_INODE_SIZE) {
		inode->extra_isize = 0;
		return 0;
	}
	inode->extra_isize = le16toh(inode_disk(inode)->i_extra_isize);
	if (EXT4_GOOD_OLD_INODE_SIZE + (uint32_t)inode->extra_isize >
		    fs->inode_size ||
	    (inode->extra_isize & 3) != 0)
		return inode_bad(fs, inode->ino, "bad i_extra_isize");
	return 0;
}

/*
 * The checksum covers the seed, the inode number and generation, and the
 * whole inode with its checksum fields taken as zero.  Small inodes (or
 * ones whose extra space does not reach i_checksum_hi) keep 16 bits.
 */
static uint32_t
inode_csum(struct ext4_fs *fs, const struct ext4_inode *inode, bool *has_hi)
{
	size_t lo = offsetof(struct ext4_disk_inode, i_checksum_lo);
	size_t hi = offsetof(struct ext4_disk_inode, i_checksum_hi);
	uint16_t zero = 0;
	uint32_t crc;

	*has_hi = fs->inode_size > EXT4_GOOD_OLD_INODE_SIZE &&
		  EXT4_INODE_HAS(inode->extra_isize, i_checksum_hi);
	crc = ext4_crc32c(inode->csum_seed, inode->raw, lo);
	crc = ext4_crc32c(crc, &zero, sizeof(zero));
	if (!*has_hi)
		return ext4_crc32c(crc, inode->raw + lo + 2,
				   fs->inode_size - lo - 2) & 0xffff;
	crc = ext4_crc32c(crc, inode->raw + lo + 2, hi - lo - 2);
	crc = ext4_crc32c(crc, &zero, sizeof(zero));
	return ext4_crc32c(crc, inode->raw + hi + 2, fs->inode_size - hi - 2);
}

static bool
inode_has_csum(struct ext4_fs *fs)
{
	return fs->csum && le32toh(fs->sb.s_creator_os) == EXT4_OS_LINUX;
}

static int
inode_check_csum(struct ext4_fs *fs, struct ext4_inode *inode)
{
	const struct ext4_disk_inode *di = inode_disk(inode);
	uint32_t crc, want;
	bool has_hi;

	if (!inode_has_csum(fs))
		return 0;
	crc = inode_csum(fs, inode, &has_hi);
	want = le16toh(di->i_checksum_lo);
	if (has_hi)
		want |= (uint32_t)le16toh(di->i_checksum_hi) << 16;
	if (!ext4_csum_matches(crc, want))
		return inode_bad(fs, inode->ino, "checksum mismatch");
	return 0;
}

/* Store the checksum of the raw inode (inode_write.c). */
void
ext4_inode_csum_set(struct ext4_fs *fs, struct ext4_inode *inode)
{
	struct ext4_disk_inode *di = (struct ext4_disk_inode *)inode->raw;
	uint32_t crc;
	bool has_hi;

	if (!inode_has_csum(fs))
		return;
	crc = inode_csum(fs, inode, &has_hi);
	di->i_checksum_lo = htole16((uint16_t)crc);
	if (has_hi)
		di->i_checksum_hi = htole16((uint16_t)(crc >> 16));
}

void
ext4_inode_set_seed(struct ext4_fs *fs, struct ext4_inode *inode)
{
	uint32_t le_ino = htole32(inode->ino);
	uint32_t le_gen = inode_disk(inode)->i_generation;

	if (!fs->csum)
		return;
	inode->csum_seed = ext4_crc32c(fs->csum_seed, &le_ino, sizeof(le_ino));
	inode->csum_seed = ext4_crc32c(inode->csum_seed, &le_gen,
				       sizeof(le_gen));
}

/* Seconds are signed 32-bit; the extra word adds epoch bits and ns. */
static struct ext4_time
inode_time(uint32_t base, uint32_t extra)
{
	struct ext4_time t;

	t.sec = (int32_t)base;
	t.sec += (int64_t)(extra & EXT4_EPOCH_MASK) << 32;
	t.nsec = extra >> EXT4_EPOCH_BITS;
	if (t.nsec > 999999999)
		t.nsec = 999999999;
	return t;
}

static void
inode_decode_times(struct ext4_inode *inode)
{
	const struct ext4_disk_inode *di = inode_disk(inode);
	uint16_t x = inode->extra_isize;

	inode->atime = inode_time(le32toh(di->i_atime),
		EXT4_INODE_HAS(x, i_atime_extra) ? le32toh(di->i_atime_extra)
						 : 0);
	inode->mtime = inode_time(le32toh(di->i_mtime),
		EXT4_INODE_HAS(x, i_mtime_extra) ? le32toh(di->i_mtime_extra)
						 : 0);
	inode->ctime = inode_time(le32toh(di->i_ctime),
		EXT4_INODE_HAS(x, i_ctime_extra) ? le32toh(di->i_ctime_extra)
						 : 0);
	inode->has_crtime = EXT4_INODE_HAS(x, i_crtime);
	if (inode->has_crtime)
		inode->crtime = inode_time(le32toh(di->i_crtime),
			EXT4_INODE_HAS(x, i_crtime_extra) ?
				le32toh(di->i_crtime_extra) : 0);
}

/* Device numbers: old 8:8 in i_block[0], or new 12:20 in i_block[1]. */
static void
inode_decode_rdev(struct ext4_inode *inode)
{
	const struct ext4_disk_inode *di = inode_disk(inode);
	uint32_t old = le32toh(di->i_block[0]), new = le32toh(di->i_block[1]);

	if (!S_ISCHR(inode->mode) && !S_ISBLK(inode->mode))
		return;
	if (old != 0) {
		inode->rdev_major = (old >> 8) & 0xff;
		inode->rdev_minor = old & 0xff;
	} else {
		inode->rdev_major = (new & 0xfff00) >> 8;
		inode->rdev_minor = (new & 0xff) | ((new >> 12) & 0xfff00);
	}
}

static void
inode_decode(struct ext4_fs *fs, struct ext4_inode *inode)
{
	const struct ext4_disk_inode *di = inode_disk(inode);
	uint64_t blocks = le32toh(di->i_blocks_lo);

	inode->mode = le16toh(di->i_mode);
	inode->links = le16toh(di->i_links_count);
	inode->uid = le16toh(di->i_uid) |
		     (uint32_t)le16toh(di->i_uid_high) << 16;
	inode->gid = le16toh(di->i_gid) |
		     (uint32_t)le16toh(di->i_gid_high) << 16;
	inode->size = le32toh(di->i_size_lo) |
		      (uint64_t)le32toh(di->i_size_high) << 32;
	inode->flags = le32toh(di->i_flags);
	inode->generation = le32toh(di->i_generation);
	inode->dtime = le32toh(di->i_dtime);
	inode->file_acl = le32toh(di->i_file_acl_lo);
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_64BIT))
		inode->file_acl |= (uint64_t)le16toh(di->i_file_acl_high)
				   << 32;
	if (ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_HUGE_FILE)) {
		blocks |= (uint64_t)le16toh(di->i_blocks_high) << 32;
		if (inode->flags & EXT4_HUGE_FILE_FL)
			blocks <<= fs->log_block_size - 9;
	}
	inode->blocks = blocks;
	inode_decode_times(inode);
	inode_decode_rdev(inode);
}

/*
 * A fast symlink keeps its target in i_block: it owns no blocks other than
 * an extended attribute block.
 */
bool
ext4_inode_is_fast_symlink(struct ext4_fs *fs, const struct ext4_inode *inode)
{
	uint64_t ea = inode->file_acl ? fs->block_size >> 9 << fs->cluster_bits
				      : 0;

	return S_ISLNK(inode->mode) &&
	       !(inode->flags & EXT4_INLINE_DATA_FL) && inode->blocks == ea;
}

static int
inode_check_type(struct ext4_fs *fs, struct ext4_inode *inode)
{
	switch (inode->mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return 0;
	}
	return inode_bad(fs, inode->ino, "bad file type");
}

static int
inode_check_flags(struct ext4_fs *fs, struct ext4_inode *inode)
{
	uint32_t f = inode->flags;

	if ((f & EXT4_EXTENTS_FL) &&
	    !ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_EXTENTS))
		return inode_bad(fs, inode->ino, "extents without the feature");
	if ((f & EXT4_INLINE_DATA_FL) &&
	    !ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_INLINE_DATA))
		return inode_bad(fs, inode->ino,
				 "inline data without the feature");
	if ((f & EXT4_EXTENTS_FL) && (f & EXT4_INLINE_DATA_FL))
		return inode_bad(fs, inode->ino, "extents and inline data");
	if (f & (EXT4_ENCRYPT_FL | EXT4_COMPR_FL))
		return inode_bad(fs, inode->ino,
				 "encrypted or compressed inode");
	return 0;
}

static int
inode_check(struct ext4_fs *fs, struct ext4_inode *inode, bool orphan)
{
	int err;

	if (inode->links == 0 && (inode->mode == 0 || inode->dtime != 0) &&
	    !(orphan && inode->mode != 0)) {
		pr_err("ext4: %s: inode %u is deleted", fs->bd->name,
		       inode->ino);
		return -ESTALE;
	}
	if ((err = inode_check_type(fs, inode)) < 0)
		return err;
	if ((int64_t)inode->size < 0)
		return inode_bad(fs, inode->ino, "negative size");
	if ((err = inode_check_flags(fs, inode)) < 0)
		return err;
	if ((inode->flags & EXT4_EXTENTS_FL) &&
	    (S_ISREG(inode->mode) || S_ISDIR(inode->mode) ||
	     (S_ISLNK(inode->mode) && !ext4_inode_is_fast_symlink(fs, inode))))
		return ext4_ext_check_root(fs, inode);
	return 0;
}

/*
 * The inode cache: every inode with a reference is in fs->icache, so
 * ext4_iget() of it returns the same object.  A deleted inode leaves the
 * cache at once (its number may be reused) but lives on until its last
 * reference goes.
 */
#define EXT4_ICACHE_SIZE 1024

int
ext4_icache_init(struct ext4_fs *fs)
{
	fs->icache_size = EXT4_ICACHE_SIZE;
	fs->icache = calloc(fs->icache_size, sizeof(*fs->icache));
	return fs->icache != NULL ? 0 : -ENOMEM;
}

/* Detach every cached inode from the mount that is going away. */
void
ext4_icache_destroy(struct ext4_fs *fs)
{
	struct ext4_inode *in, *next;
	unsigned int i;

	if (fs->icache == NULL)
		return;
	for (i = 0; i < fs->icache_size; i++) {
		for (in = fs->icache[i]; in != NULL; in = next) {
			next = in->hash_next;
			in->fs = NULL;
			in->hash_next = NULL;
		}
	}
	free(fs->icache);
	fs->icache = NULL;
}

static struct ext4_inode **
icache_slot(struct ext4_fs *fs, uint32_t ino)
{
	return &fs->icache[(ino * 2654435761u) & (fs->icache_size - 1)];
}

static struct ext4_inode *
icache_find(struct ext4_fs *fs, uint32_t ino)
{
	struct ext4_inode *in;

	for (in = *icache_slot(fs, ino); in != NULL; in = in->hash_next)
		if (in->ino == ino)
			return in;
	return NULL;
}

void
ext4_icache_insert(struct ext4_fs *fs, struct ext4_inode *inode)
{
	struct ext4_inode **slot = icache_slot(fs, inode->ino);

	inode->fs = fs;
	inode->hash_next = *slot;
	*slot = inode;
}

/* Take inode out of the cache (deleted, or its last reference gone). */
void
ext4_icache_remove(struct ext4_inode *inode)
{
	struct ext4_inode **pp;

	if (inode->fs == NULL || inode->fs->icache == NULL)
		return;
	for (pp = icache_slot(inode->fs, inode->ino); *pp != NULL;
	     pp = &(*pp)->hash_next) {
		if (*pp == inode) {
			*pp = inode->hash_next;
			break;
		}
	}
	inode->hash_next = NULL;
}

static void
inode_free(struct ext4_inode *inode)
{
	free(inode->raw);
	free(inode);
}

static int
inode_load(struct ext4_fs *fs, uint32_t ino, bool orphan,
	   struct ext4_inode **out)
{
	struct ext4_inode *inode;
	int err;

	if ((inode = calloc(1, sizeof(*inode))) == NULL)
		return -ENOMEM;
	inode->ino = ino;
	inode->raw_size = fs->inode_size;
	inode->raw = malloc(fs->inode_size);
	if (inode->raw == NULL) {
		err = -ENOMEM;
		goto fail;
	}
	if ((err = inode_read_raw(fs, ino, inode->raw)) < 0)
		goto fail;
	if (inode_is_unused(inode)) {
		pr_err("ext4: %s: inode %u is not in use", fs->bd->name, ino);
		err = -ESTALE;
		goto fail;
	}
	if ((err = inode_check_extra(fs, inode)) < 0)
		goto fail;
	ext4_inode_set_seed(fs, inode);
	if ((err = inode_check_csum(fs, inode)) < 0)
		goto fail;
	inode_decode(fs, inode);
	if ((err = inode_check(fs, inode, orphan)) < 0)
		goto fail;
	*out = inode;
	return 0;
fail:
	inode_free(inode);
	return err;
}

static int
inode_get(struct ext4_fs *fs, uint32_t ino, bool orphan,
	  struct ext4_inode **out)
{
	struct ext4_inode *inode;
	int err;

	if (ino == 0 || ino > fs->inodes_count)
		return -EINVAL;
	if ((inode = icache_find(fs, ino)) == NULL) {
		if ((err = inode_load(fs, ino, orphan, &inode)) < 0)
			return err;
		ext4_icache_insert(fs, inode);
	}
	inode->refs++;
	*out = inode;
	return 0;
}

int
ext4_iget(struct ext4_fs *fs, uint32_t ino, struct ext4_inode **out)
{
	return inode_get(fs, ino, false, out);
}

/* ext4_iget() that also accepts an inode with no links (orphan.c). */
int
ext4_iget_orphan(struct ext4_fs *fs, uint32_t ino, struct ext4_inode **out)
{
	return inode_get(fs, ino, true, out);
}

void
ext4_iput(struct ext4_inode *inode)
{
	if (inode == NULL)
		return;
	BUG_ON(inode->refs == 0);
	if (--inode->refs > 0)
		return;
	ext4_icache_remove(inode);
	inode_free(inode);
}
