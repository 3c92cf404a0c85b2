/*
 * ext4 inline data: small files and directories stored inside the inode.
 *
 * With the inline_data feature, an inode flagged EXT4_INLINE_DATA_FL has no
 * blocks.  Its first 60 bytes live in i_block; the rest, if any, is the
 * value of the extended attribute "system.data" in the inode body, after
 * i_extra_isize.  That in-inode xattr area starts with a magic number and
 * is a list of entries ended by four zero bytes; values sit after the list,
 * at offsets counted from the first entry.  Everything is bounded by the
 * inode size, and checked as such.
 *
 * ext4_inline_get() assembles i_block and the value into one buffer; data.c
 * reads files from it and dir.c parses inline directories.
 *
 * Writing: the first change to an inline inode moves its contents to
 * blocks (ext4_inline_convert()), after which it is an ordinary file or
 * directory: a file's bytes are written back through the block map, a
 * directory's entries are added to a fresh first block.  Inline data is
 * never created.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

static int
inline_bad(struct ext4_fs *fs, const struct ext4_inode *inode,
	   const char *what)
{
	pr_err("ext4: %s: inode %u: bad inline data: %s", fs->bd->name,
	       inode->ino, what);
	return -EFSCORRUPTED;
}

/*
 * Find "system.data" among the in-inode xattrs.  *val and *vlen are its value
 * (empty if the inode has no xattr area or no such entry).
 */
static int
inline_find_value(struct ext4_fs *fs, const struct ext4_inode *inode,
		  const uint8_t **val, size_t *vlen)
{
	size_t start = EXT4_GOOD_OLD_INODE_SIZE + inode->extra_isize;
	size_t end = inode->raw_size, first, off, esize;
	const struct ext4_xattr_entry *e;
	uint32_t magic;

	*val = NULL;
	*vlen = 0;
	if (start + sizeof(magic) > end)
		return 0;
	memcpy(&magic, inode->raw + start, sizeof(magic));
	if (le32toh(magic) != EXT4_XATTR_MAGIC)
		return 0;
	first = off = start + sizeof(magic);
	for (;;) {
		if (off + sizeof(uint32_t) > end)
			return inline_bad(fs, inode, "xattr list overruns");
		if (memcmp(inode->raw + off, "\0\0\0\0", 4) == 0)
			return 0;
		e = (const void *)(inode->raw + off);
		if (off + sizeof(*e) > end)
			return inline_bad(fs, inode, "xattr entry overruns");
		esize = EXT4_XATTR_ENTRY_SIZE(e->e_name_len);
		if (off + esize > end)
			return inline_bad(fs, inode, "xattr name overruns");
		if (e->e_name_index == EXT4_XATTR_INDEX_SYSTEM &&
		    e->e_name_len == 4 && memcmp(e->e_name, "data", 4) == 0)
			break;
		off += esize;
	}
	if (e->e_value_inum != 0)
		return inline_bad(fs, inode, "value in an xattr inode");
	if ((size_t)le16toh(e->e_value_offs) + le32toh(e->e_value_size) >
	    end - first)
		return inline_bad(fs, inode, "value overruns the inode");
	*val = inode->raw + first + le16toh(e->e_value_offs);
	*vlen = le32toh(e->e_value_size);
	return 0;
}

int
ext4_inline_get(struct ext4_fs *fs, struct ext4_inode *inode, uint8_t **data,
		size_t *len)
{
	const uint8_t *val;
	size_t vlen;
	int err;

	if (!(inode->flags & EXT4_INLINE_DATA_FL))
		return -EINVAL;
	if ((err = inline_find_value(fs, inode, &val, &vlen)) < 0)
		return err;
	*len = EXT4_INLINE_DATA_SIZE + vlen;
	if (!ext4_inode_is_dir(inode) && inode->size > *len)
		return inline_bad(fs, inode, "size exceeds inline space");
	if ((*data = malloc(*len)) == NULL)
		return -ENOMEM;
	memcpy(*data, ext4_inode_iblock(inode), EXT4_INLINE_DATA_SIZE);
	if (vlen != 0)
		memcpy(*data + EXT4_INLINE_DATA_SIZE, val, vlen);
	return 0;
}

/* Clear the inline state: no flag, no "system.data", an empty map. */
static int
inline_clear(struct ext4_fs *fs, struct ext4_inode *inode)
{
	int err;

	if ((err = ext4_xattr_drop_system_data(fs, inode)) < 0)
		return err;
	inode->flags &= ~EXT4_INLINE_DATA_FL;
	memset(ext4_inode_iblock_rw(inode), 0, EXT4_INLINE_DATA_SIZE);
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_EXTENTS)) {
		inode->flags |= EXT4_EXTENTS_FL;
		ext4_ext_init_root(inode);
	}
	inode->size = 0;
	return 0;
}

static int
inline_convert_file(struct ext4_fs *fs, struct ext4_inode *inode)
{
	uint64_t size = inode->size;
	uint8_t *data;
	size_t len;
	ssize_t n;
	int err;

	if ((err = ext4_inline_get(fs, inode, &data, &len)) < 0)
		return err;
	if (size > len)
		size = len;
	if ((err = inline_clear(fs, inode)) == 0 && size > 0) {
		n = ext4_write(fs, inode, 0, data, (size_t)size);
		err = n == (ssize_t)size ? 0 : (n < 0 ? (int)n : -ENOSPC);
	}
	free(data);
	if (err == 0)
		err = ext4_inode_store(fs, inode);
	return err;
}

/* The entries of an inline directory, gathered by readdir. */
struct inline_ents {
	struct inline_ent {
		uint32_t ino;
		uint8_t type;
		uint8_t len;
		char name[EXT4_NAME_LEN];
	} *v;
	size_t n;
	uint32_t parent;
};

/* getdents64 d_type back to the on-disk file type. */
static uint8_t
inline_ft(unsigned int d_type)
{
	static const uint8_t ft[16] = {
		[1] = EXT4_FT_FIFO, [2] = EXT4_FT_CHRDEV, [4] = EXT4_FT_DIR,
		[6] = EXT4_FT_BLKDEV, [8] = EXT4_FT_REG_FILE,
		[10] = EXT4_FT_SYMLINK, [12] = EXT4_FT_SOCK,
	};

	return d_type < 16 ? ft[d_type] : EXT4_FT_UNKNOWN;
}

static int
inline_gather(void *ctx, const char *name, size_t len, uint32_t ino,
	      unsigned int type)
{
	struct inline_ents *e = ctx;
	struct inline_ent *v;

	if (len == 2 && name[0] == '.' && name[1] == '.')
		e->parent = ino;
	if (name[0] == '.' && (len == 1 || len == 2))
		return 0;
	if ((v = realloc(e->v, (e->n + 1) * sizeof(*v))) == NULL)
		return -ENOMEM;
	e->v = v;
	v[e->n].ino = ino;
	v[e->n].type = inline_ft(type);
	v[e->n].len = (uint8_t)len;
	memcpy(v[e->n].name, name, len);
	e->n++;
	return 0;
}

static int
inline_convert_dir(struct ext4_fs *fs, struct ext4_inode *dir)
{
	struct inline_ents e = { NULL, 0, 0 };
	uint64_t pos = 0;
	size_t i;
	int err;

	err = ext4_readdir(fs, dir, &pos, inline_gather, &e);
	if (err == 0 && e.parent == 0)
		err = -EFSCORRUPTED;
	if (err == 0)
		err = inline_clear(fs, dir);
	if (err == 0)
		err = ext4_dir_init(fs, dir, e.parent);
	for (i = 0; err == 0 && i < e.n; i++)
		err = ext4_dir_add(fs, dir, e.v[i].name, e.v[i].len,
				   e.v[i].ino, e.v[i].type);
	free(e.v);
	if (err == 0)
		err = ext4_inode_store(fs, dir);
	return err < 0 ? err : 0;
}

/*
 * Move an inline inode's contents to blocks; nothing for other inodes.
 * Runs inside the caller's transaction.
 */
int
ext4_inline_convert(struct ext4_fs *fs, struct ext4_inode *inode)
{
	if (!(inode->flags & EXT4_INLINE_DATA_FL))
		return 0;
	if (S_ISDIR(inode->mode))
		return inline_convert_dir(fs, inode);
	if (S_ISREG(inode->mode))
		return inline_convert_file(fs, inode);
	return -EOPNOTSUPP;
}
