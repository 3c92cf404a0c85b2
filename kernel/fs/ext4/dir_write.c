/*
 * ext4 directories, the write side: finding an entry's place, adding and
 * removing entries, new directories and their "..".
 *
 * A leaf block is tiled by records; with metadata_csum its last 12 bytes
 * are the checksum tail, which no record may cover.  Adding a name takes
 * the first record with enough slack: an unused record big enough, or a
 * live one whose rec_len exceeds what its name needs (it is cut down to
 * its size and the new record takes the rest).  Removing merges the
 * record into the one before it in the block, or, first in its block,
 * marks it unused.  Every change recomputes the block's checksum.
 *
 * Hash-indexed directories add through the index (dx_write.c), which
 * keeps leaves in hash order and splits them; if the index cannot be
 * kept (damaged, or full), it is dropped and the directory becomes a
 * plain one, which is always valid.  A plain directory whose only block
 * fills up becomes indexed when the filesystem has dir_index, as Linux
 * does; otherwise a directory grows by whole blocks at its end.  Removal
 * and lookups for removal find the leaf through the index too.  An
 * inline directory moves to blocks at its first change (inline.c).
 */
#include <string.h>
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define DIR_TAIL_SIZE sizeof(struct ext4_dirent_tail)

unsigned int
ext4_file_type(const struct ext4_fs *fs, uint16_t mode)
{
	if (!ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_FILETYPE))
		return EXT4_FT_UNKNOWN;
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT4_FT_REG_FILE;
	case S_IFDIR:
		return EXT4_FT_DIR;
	case S_IFCHR:
		return EXT4_FT_CHRDEV;
	case S_IFBLK:
		return EXT4_FT_BLKDEV;
	case S_IFIFO:
		return EXT4_FT_FIFO;
	case S_IFSOCK:
		return EXT4_FT_SOCK;
	case S_IFLNK:
		return EXT4_FT_SYMLINK;
	}
	return EXT4_FT_UNKNOWN;
}

/* The bytes of a leaf block that records tile. */
static size_t
leaf_space(const struct ext4_fs *fs)
{
	return fs->block_size - (fs->csum ? DIR_TAIL_SIZE : 0);
}

static struct ext4_dirent *
dirent_at(uint8_t *data, size_t off)
{
	return (struct ext4_dirent *)(data + off);
}

void
ext4_dir_leaf_csum(struct ext4_fs *fs, const struct ext4_inode *dir,
		   uint8_t *data)
{
	struct ext4_dirent_tail *t;

	if (!fs->csum)
		return;
	t = (void *)(data + fs->block_size - DIR_TAIL_SIZE);
	t->det_checksum = htole32(ext4_crc32c(dir->csum_seed, data,
					      fs->block_size - DIR_TAIL_SIZE));
}

static void
leaf_set_tail(struct ext4_fs *fs, uint8_t *data)
{
	struct ext4_dirent_tail *t;

	if (!fs->csum)
		return;
	t = (void *)(data + fs->block_size - DIR_TAIL_SIZE);
	memset(t, 0, sizeof(*t));
	t->det_rec_len = htole16(DIR_TAIL_SIZE);
	t->det_reserved_ft = EXT4_FT_DIR_CSUM;
}

/* An empty leaf: one unused record over the whole space, and the tail. */
void
ext4_dir_init_leaf(struct ext4_fs *fs, uint8_t *data)
{
	memset(data, 0, fs->block_size);
	dirent_at(data, 0)->rec_len = ext4_dir_rec_len_disk(fs,
							    leaf_space(fs));
	leaf_set_tail(fs, data);
}

static void
dirent_fill(struct ext4_dirent *de, const char *name, size_t len,
	    uint32_t ino, unsigned int file_type)
{
	de->inode = htole32(ino);
	de->name_len = (uint8_t)len;
	de->file_type = (uint8_t)file_type;
	memcpy(de->name, name, len);
}

/*
 * Put the entry into the leaf at data if it has room: 0, or -ENOSPC.
 * -EFSCORRUPTED if the records do not tile the block.
 */
int
ext4_dir_block_insert(struct ext4_fs *fs, struct ext4_inode *dir,
		      uint8_t *data, const char *name, size_t len,
		      uint32_t ino, unsigned int file_type)
{
	size_t space = leaf_space(fs), need = EXT4_DIR_REC_LEN(len), used;
	struct ext4_dir_rec d;
	size_t off;
	int err;

	for (off = 0; off < space; off += d.rec_len) {
		err = ext4_dir_parse(fs, dir, data, space, off, 0, &d);
		if (err < 0)
			return err;
		used = d.ino != 0 ? EXT4_DIR_REC_LEN(d.name_len) : 0;
		if (d.rec_len < used + need)
			continue;
		if (used != 0) {
			dirent_at(data, off)->rec_len =
				ext4_dir_rec_len_disk(fs, used);
			dirent_at(data, off + used)->rec_len =
				ext4_dir_rec_len_disk(fs, d.rec_len - used);
			off += used;
		}
		dirent_fill(dirent_at(data, off), name, len, ino, file_type);
		return 0;
	}
	return -ENOSPC;
}

/*
 * Search one block for name.  1 and *slot filled if found, 0 if not, or
 * -errno.
 */
static int
block_find(struct ext4_fs *fs, struct ext4_inode *dir,
	   const struct ext4_buf *b, uint64_t lblk, const char *name,
	   size_t len, struct ext4_dir_slot *slot)
{
	struct ext4_dir_rec d;
	long prev = -1;
	size_t off;
	int err;

	for (off = 0; off < fs->block_size; off += d.rec_len) {
		err = ext4_dir_parse(fs, dir, b->data, fs->block_size, off,
				     lblk, &d);
		if (err < 0)
			return err;
		if (d.ino != 0 && d.name_len == len &&
		    memcmp(d.name, name, len) == 0) {
			slot->lblk = lblk;
			slot->off = off;
			slot->prev = prev;
			slot->ino = d.ino;
			slot->file_type = dirent_at(b->data, off)->file_type;
			return 1;
		}
		prev = (long)off;
	}
	return 0;
}

static int
find_in_block(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t lblk,
	      const char *name, size_t len, struct ext4_dir_slot *slot)
{
	struct ext4_buf *b;
	int err;

	if ((err = ext4_dir_get(fs, dir, lblk, &b)) < 0 || b == NULL)
		return err;
	err = block_find(fs, dir, b, lblk, name, len, slot);
	ext4_brelse(fs, b);
	return err;
}

/*
 * Find name in dir for a change: 0 and *slot, -ENOENT, or -errno.  An
 * inline directory moves to blocks first.
 */
int
ext4_dir_find(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	      size_t len, struct ext4_dir_slot *slot)
{
	uint64_t nblocks, lblk;
	struct ext4_buf *b;
	int err;

	if ((err = ext4_inline_convert(fs, dir)) < 0)
		return err;
	nblocks = dir->size >> fs->log_block_size;
	/* The index knows the one leaf, unless a hash run spans leaves. */
	if (ext4_dir_is_indexed(fs, dir) &&
	    ext4_dx_find_leaf(fs, dir, name, len, &lblk) == 0) {
		err = find_in_block(fs, dir, lblk, name, len, slot);
		if (err != 0)
			return err < 0 ? err : 0;
		return -ENOENT;
	}
	for (lblk = 0; lblk < nblocks; lblk++) {
		if ((err = ext4_dir_next(fs, dir, &lblk, &b)) < 0)
			return err;
		if (b == NULL)
			break;
		err = block_find(fs, dir, b, lblk, name, len, slot);
		ext4_brelse(fs, b);
		if (err != 0)
			return err < 0 ? err : 0;
	}
	return -ENOENT;
}

/* Read slot's block for changing; the record is checked. */
static int
slot_block(struct ext4_fs *fs, struct ext4_inode *dir,
	   const struct ext4_dir_slot *slot, struct ext4_buf **out)
{
	int err;

	if ((err = ext4_dir_get(fs, dir, slot->lblk, out)) < 0)
		return err;
	if (*out == NULL || slot->off + EXT4_DIRENT_HEAD > fs->block_size)
		return -EFSCORRUPTED;
	return 0;
}

static void
leaf_done(struct ext4_fs *fs, struct ext4_inode *dir, struct ext4_buf *b)
{
	size_t coff;

	/* Block 0 of an indexed directory, whose ".." changed. */
	if (fs->csum && (dir->flags & EXT4_INDEX_FL) &&
	    !ext4_dir_has_tail(fs, b->data) &&
	    (coff = ext4_dx_count_offset(fs, b->data)) != 0)
		ext4_dx_set_csum(fs, dir, b->data, coff);
	else
		ext4_dir_leaf_csum(fs, dir, b->data);
	ext4_bdirty(fs, b);
	ext4_brelse(fs, b);
}

int
ext4_dir_remove(struct ext4_fs *fs, struct ext4_inode *dir,
		const struct ext4_dir_slot *slot)
{
	struct ext4_dirent *de, *prev;
	struct ext4_buf *b;
	size_t rec;
	int err;

	if ((err = slot_block(fs, dir, slot, &b)) < 0)
		return err;
	de = dirent_at(b->data, slot->off);
	if (slot->prev >= 0) {
		prev = dirent_at(b->data, (size_t)slot->prev);
		rec = ext4_dir_rec_len(fs, le16toh(prev->rec_len)) +
		      ext4_dir_rec_len(fs, le16toh(de->rec_len));
		prev->rec_len = ext4_dir_rec_len_disk(fs, rec);
	} else {
		de->inode = 0;
	}
	leaf_done(fs, dir, b);
	return 0;
}

/* Point the entry at slot to another inode (rename over a target). */
int
ext4_dir_set(struct ext4_fs *fs, struct ext4_inode *dir,
	     const struct ext4_dir_slot *slot, uint32_t ino,
	     unsigned int file_type)
{
	struct ext4_dirent *de;
	struct ext4_buf *b;
	int err;

	if ((err = slot_block(fs, dir, slot, &b)) < 0)
		return err;
	de = dirent_at(b->data, slot->off);
	de->inode = htole32(ino);
	de->file_type = (uint8_t)file_type;
	leaf_done(fs, dir, b);
	return 0;
}

/*
 * Allocate the next block of dir, held in *out (zeroed) with its logical
 * number; the size grows to cover it.
 */
int
ext4_dir_append_block(struct ext4_fs *fs, struct ext4_inode *dir,
		      struct ext4_buf **out, uint64_t *lblk)
{
	struct ext4_map map;
	int err;

	*lblk = dir->size >> fs->log_block_size;
	if ((err = ext4_map_alloc(fs, dir, *lblk, 1, 0, &map)) < 0)
		return err;
	if (!(map.flags & EXT4_MAP_MAPPED) || map.lblk != *lblk) {
		pr_err("ext4: %s: directory inode %u: block %llu already "
		       "mapped", fs->bd->name, dir->ino,
		       (unsigned long long)*lblk);
		return -EFSCORRUPTED;
	}
	if ((err = ext4_bget(fs, map.pblk, out)) < 0)
		return err;
	(*out)->verified = EXT4_VERIFIED_DIR;
	dir->size += fs->block_size;
	return 0;
}

/* Add to a plain directory: the first block with room, or a new one. */
static int
linear_add(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	   size_t len, uint32_t ino, unsigned int ft)
{
	uint64_t nblocks = dir->size >> fs->log_block_size, lblk;
	struct ext4_buf *b;
	int err;

	for (lblk = 0; lblk < nblocks; lblk++) {
		if ((err = ext4_dir_next(fs, dir, &lblk, &b)) < 0)
			return err;
		if (b == NULL)
			break;
		err = ext4_dir_block_insert(fs, dir, b->data, name, len, ino,
					    ft);
		if (err == 0) {
			leaf_done(fs, dir, b);
			return 0;
		}
		ext4_brelse(fs, b);
		if (err != -ENOSPC)
			return err;
	}
	if (nblocks == 1 && (fs->compat & EXT4_FEATURE_COMPAT_DIR_INDEX))
		return 1;	/* make it indexed */
	if ((err = ext4_dir_append_block(fs, dir, &b, &lblk)) < 0)
		return err;
	ext4_dir_init_leaf(fs, b->data);
	err = ext4_dir_block_insert(fs, dir, b->data, name, len, ino, ft);
	leaf_done(fs, dir, b);
	return err;
}

/*
 * Add name -> ino to dir, which must not have it.  The directory inode is
 * stored (its size may grow).
 */
int
ext4_dir_add(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	     size_t len, uint32_t ino, unsigned int file_type)
{
	int err;

	if ((err = ext4_inline_convert(fs, dir)) < 0)
		return err;
	if (ext4_dir_is_indexed(fs, dir)) {
		err = ext4_dx_add(fs, dir, name, len, ino, file_type);
		if (err != EXT4_HTREE_FALLBACK)
			goto out;
		if ((err = ext4_dx_drop_index(fs, dir)) < 0)
			return err;
	}
	err = linear_add(fs, dir, name, len, ino, file_type);
	if (err == 1) {
		err = ext4_dx_make_indexed(fs, dir);
		if (err == 0)
			err = ext4_dx_add(fs, dir, name, len, ino, file_type);
		if (err == EXT4_HTREE_FALLBACK) {
			if ((err = ext4_dx_drop_index(fs, dir)) == 0)
				err = linear_add(fs, dir, name, len, ino,
						 file_type);
		}
	}
out:
	if (err < 0)
		return err;
	return ext4_inode_store(fs, dir);
}

/* The first block of a new directory: "." and "..". */
int
ext4_dir_init(struct ext4_fs *fs, struct ext4_inode *dir, uint32_t parent)
{
	struct ext4_dirent *de;
	struct ext4_buf *b;
	uint64_t lblk;
	int err;

	if ((err = ext4_dir_append_block(fs, dir, &b, &lblk)) < 0)
		return err;
	ext4_dir_init_leaf(fs, b->data);
	de = dirent_at(b->data, 0);
	dirent_fill(de, ".", 1, dir->ino, ext4_file_type(fs, S_IFDIR));
	de->rec_len = ext4_dir_rec_len_disk(fs, EXT4_DIR_REC_LEN(1));
	de = dirent_at(b->data, EXT4_DIR_REC_LEN(1));
	dirent_fill(de, "..", 2, parent, ext4_file_type(fs, S_IFDIR));
	de->rec_len = ext4_dir_rec_len_disk(fs, leaf_space(fs) -
						    EXT4_DIR_REC_LEN(1));
	leaf_done(fs, dir, b);
	return 0;
}

/* Point dir's ".." (second record of block 0) at parent. */
int
ext4_dir_set_parent(struct ext4_fs *fs, struct ext4_inode *dir,
		    uint32_t parent)
{
	struct ext4_dir_slot slot = { .lblk = 0, .prev = 0 };
	struct ext4_dir_rec d;
	struct ext4_buf *b;
	int err;

	if ((err = ext4_inline_convert(fs, dir)) < 0)
		return err;
	if ((err = ext4_dir_get(fs, dir, 0, &b)) < 0)
		return err;
	if (b == NULL)
		return -EFSCORRUPTED;
	err = ext4_dir_parse(fs, dir, b->data, fs->block_size, 0, 0, &d);
	if (err == 0) {
		slot.off = d.rec_len;
		err = ext4_dir_parse(fs, dir, b->data, fs->block_size,
				     slot.off, 0, &d);
	}
	if (err == 0 && (d.name_len != 2 || memcmp(d.name, "..", 2) != 0))
		err = -EFSCORRUPTED;
	ext4_brelse(fs, b);
	if (err < 0)
		return err;
	return ext4_dir_set(fs, dir, &slot, parent,
			    ext4_file_type(fs, S_IFDIR));
}

static int
empty_visit(void *arg, const char *name, size_t len, uint32_t ino,
	    unsigned int type)
{
	return !(name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')));
}

/* 1 if dir holds nothing but "." and "..", 0 if it does, or -errno. */
int
ext4_dir_is_empty(struct ext4_fs *fs, struct ext4_inode *dir)
{
	uint64_t pos = 0;
	int err;

	err = ext4_readdir(fs, dir, &pos, empty_visit, NULL);
	if (err < 0)
		return err;
	return err == 0;
}
