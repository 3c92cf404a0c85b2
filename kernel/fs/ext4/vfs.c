/*
 * The ext4 driver seen through the VFS: super_ops, inode_ops and file_ops
 * on top of the driver's library interface (ext4.h).  A VFS inode's priv
 * is the driver's struct ext4_inode; the VFS inode cache keeps one object
 * per inode number.  Read-only for now: the write path is a later piece.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/ext4/ext4.h"
#include "fs/ext4/ext4_vfs.h"
#include "fs/vfs.h"
#include "mm/pagecache.h"
#include "printk.h"

#define EXT4_SUPER_MAGIC 0xEF53

static const struct inode_ops ext4_dir_iops, ext4_file_iops,
	ext4_symlink_iops;
static const struct file_ops ext4_dir_fops, ext4_file_fops;

static struct ext4_fs *
sb_fs(struct super_block *sb)
{
	return sb->priv;
}

static void
fill_inode(struct inode *inode, const struct ext4_inode *ei)
{
	inode->ino = ei->ino;
	inode->mode = ei->mode;
	inode->uid = ei->uid;
	inode->gid = ei->gid;
	inode->nlink = ei->links;
	inode->size = ei->size;
	inode->blocks = ei->blocks;
	inode->atime = (struct timespec_k){ ei->atime.sec, ei->atime.nsec };
	inode->mtime = (struct timespec_k){ ei->mtime.sec, ei->mtime.nsec };
	inode->ctime = (struct timespec_k){ ei->ctime.sec, ei->ctime.nsec };
	if (ei->has_crtime)
		inode->btime =
			(struct timespec_k){ ei->crtime.sec, ei->crtime.nsec };
	switch (ei->mode & K_S_IFMT) {
	case K_S_IFDIR:
		inode->i_op = &ext4_dir_iops;
		inode->f_op = &ext4_dir_fops;
		break;
	case K_S_IFREG:
		inode->i_op = &ext4_file_iops;
		inode->f_op = &ext4_file_fops;
		break;
	case K_S_IFLNK:
		inode->i_op = &ext4_symlink_iops;
		break;
	default:
		init_special_inode(inode, ei->mode,
				   k_makedev(ei->rdev_major, ei->rdev_minor));
		inode->i_op = &ext4_file_iops;
	}
}

/* The VFS inode for ino: from the cache, or read from the disk. */
static int
ext4_vfs_iget(struct super_block *sb, uint32_t ino, struct inode **out)
{
	struct ext4_inode *ei;
	struct inode *inode;
	int r;

	if ((*out = inode_find(sb, ino)) != NULL)
		return 0;
	if ((r = ext4_iget(sb_fs(sb), ino, &ei)) < 0)
		return r == -ESTALE ? -EFSCORRUPTED : r;
	if ((inode = inode_alloc(sb)) == NULL) {
		ext4_iput(ei);
		return -ENOMEM;
	}
	inode->priv = ei;
	fill_inode(inode, ei);
	*out = inode;
	return 0;
}

static int
ext4_vfs_lookup(struct inode *dir, const char *name, size_t len,
		struct inode **out)
{
	uint32_t ino;
	int r;

	if ((r = ext4_lookup(sb_fs(dir->sb), dir->priv, name, len, &ino)) < 0)
		return r;
	return ext4_vfs_iget(dir->sb, ino, out);
}

static ssize_t
ext4_vfs_readlink(struct inode *inode, char *buf, size_t len)
{
	return ext4_readlink(sb_fs(inode->sb), inode->priv, buf, len);
}

/* The page cache's backing store: the file's blocks on the disk. */
static int
ext4_fill(struct inode *inode, uint64_t off, void *buf, size_t len)
{
	ssize_t n = ext4_read(sb_fs(inode->sb), inode->priv, off, buf, len);

	if (n < 0)
		return (int)n;
	memset((char *)buf + n, 0, len - (size_t)n);
	return 0;
}

static const struct page_cache_ops ext4_pc_ops = {
	.fill = ext4_fill,
};

static struct page_cache *
ext4_pagecache(struct inode *inode)
{
	if (!inode->pcache)
		inode->pcache = pagecache_alloc(inode, &ext4_pc_ops);
	return inode->pcache;
}

static ssize_t
ext4_file_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct page_cache *pc = ext4_pagecache(f->inode);

	return pc ? pagecache_read(pc, u, pos) : -ENOMEM;
}

static int
ext4_file_mmap_fd(struct file *f, uint64_t off, uint64_t len)
{
	struct page_cache *pc = ext4_pagecache(f->inode);

	return pc ? pagecache_mmap_fd(pc, off, len) : -ENOMEM;
}

struct readdir_bridge {
	struct dir_context *ctx;
};

static int
bridge_emit(void *arg, const char *name, size_t len, uint32_t ino,
	    unsigned int type)
{
	struct readdir_bridge *b = arg;

	return b->ctx->emit(b->ctx, name, len, ino, type);
}

static int
ext4_vfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct readdir_bridge b = { ctx };
	uint64_t pos = ctx->pos;
	int r;

	/*
	 * The driver advances pos past each accepted entry; the VFS wants
	 * ctx->pos at the entry being emitted, so step one entry at a time.
	 */
	r = ext4_readdir(sb_fs(f->inode->sb), f->inode->priv, &pos,
			 bridge_emit, &b);
	ctx->pos = pos;
	return r < 0 ? r : 0;
}

static int
ext4_vfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ext4_statfs es;
	int r;

	if ((r = ext4_statfs(sb_fs(sb), &es)) < 0)
		return r;
	st->type = EXT4_SUPER_MAGIC;
	st->bsize = es.block_size;
	st->frsize = es.block_size;
	st->blocks = es.blocks;
	st->bfree = es.free;
	st->bavail = es.avail;
	st->files = es.files;
	st->ffree = es.ffree;
	st->namelen = es.namelen;
	return 0;
}

static void
ext4_vfs_evict(struct inode *inode)
{
	ext4_iput(inode->priv);
}

static void
ext4_vfs_put_super(struct super_block *sb)
{
	ext4_unmount(sb_fs(sb));
}

static const struct super_ops ext4_sops = {
	.put_super = ext4_vfs_put_super,
	.statfs = ext4_vfs_statfs,
	.evict_inode = ext4_vfs_evict,
};

static const struct inode_ops ext4_dir_iops = {
	.lookup = ext4_vfs_lookup,
};

static const struct inode_ops ext4_file_iops = { 0 };

static const struct inode_ops ext4_symlink_iops = {
	.readlink = ext4_vfs_readlink,
};

static const struct file_ops ext4_dir_fops = {
	.iterate = ext4_vfs_iterate,
};

static const struct file_ops ext4_file_fops = {
	.read = ext4_file_read,
	.mmap_fd = ext4_file_mmap_fd,
};

static int
ext4_vfs_mount(const struct fs_type *type, struct bdev *bd, const char *source,
	       unsigned long flags, const char *data, struct super_block **out)
{
	struct super_block *sb;
	struct ext4_fs *fs;
	struct inode *root;
	int r;

	if ((r = ext4_mount(bd, flags & K_MS_RDONLY, &fs)) < 0)
		return r;
	if ((sb = sb_alloc(type, &ext4_sops)) == NULL) {
		ext4_unmount(fs);
		return -ENOMEM;
	}
	sb->priv = fs;
	sb->dev = k_makedev(bd->major, bd->minor);
	sb->source = malloc(strlen(bd->name) + 6);
	if (sb->source)
		sprintf(sb->source, "/dev/%s", bd->name);
	if ((r = ext4_vfs_iget(sb, EXT4_ROOT_INO, &root)) < 0 ||
	    !K_ISDIR(root->mode) || !dentry_make_root(sb, root)) {
		if (r == 0)
			r = -EFSCORRUPTED;
		ext4_unmount(fs);
		sb_free(sb);
		return r;
	}
	*out = sb;
	return 0;
}

static struct fs_type ext4_type = { .name = "ext4", .mount = ext4_vfs_mount };
static struct fs_type ext3_type = { .name = "ext3", .mount = ext4_vfs_mount };
static struct fs_type ext2_type = { .name = "ext2", .mount = ext4_vfs_mount };

void
ext4_vfs_init(void)
{
	register_filesystem(&ext4_type);
	register_filesystem(&ext3_type);
	register_filesystem(&ext2_type);
}
