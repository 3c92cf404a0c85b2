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
 */
#include <stdlib.h>
#include <string.h>

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
