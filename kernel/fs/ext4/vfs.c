/*
 * The ext4 driver seen through the VFS: super_ops, inode_ops and file_ops
 * on top of the driver's library interface (ext4.h).  A VFS inode's priv
 * is the driver's struct ext4_inode; the VFS inode cache keeps one object
 * per inode number, and after every change the driver made, the VFS
 * inode's fields are copied again from it (ext4_sync_vfs).
 *
 * File data goes through the page cache (mm/pagecache.c), which writes
 * through to ext4_write; O_DIRECT reads and writes go straight to
 * ext4_read and ext4_write, and a direct write then updates the pages the
 * cache holds, so both views stay one.  A timer commits the journal
 * every few seconds, as Linux's commit interval does, and every 30 s
 * writes back what guests stored through shared mappings.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/ext4/ext4.h"
#include "fs/ext4/ext4_vfs.h"
#include "fs/vfs.h"
#include "mm/pagecache.h"
#include "task.h"
#include "printk.h"

#define EXT4_SUPER_MAGIC 0xEF53
#define EXT4_DIRECT_CHUNK (256 * 1024) /* bytes per O_DIRECT step */

static const struct inode_ops ext4_dir_iops, ext4_file_iops,
	ext4_symlink_iops;
static const struct file_ops ext4_dir_fops, ext4_file_fops;

/* A mounted ext4: the driver's mount and its commit timer. */
struct ext4_vfs_sb {
	struct ext4_fs *fs;
	struct super_block *sb;
	struct timer commit;
	unsigned int ticks; /* commits so far, for mapped write-back */
};

static struct ext4_fs *
sb_fs(struct super_block *sb)
{
	return ((struct ext4_vfs_sb *)sb->priv)->fs;
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

/* Copy the driver's view of an inode into the VFS inode after a change. */
static void
ext4_sync_vfs(struct inode *inode)
{
	const struct ext4_inode *ei = inode->priv;

	inode->mode = ei->mode;
	inode->uid = ei->uid;
	inode->gid = ei->gid;
	inode->nlink = ei->links;
	inode->size = ei->size;
	inode->blocks = ei->blocks;
	inode->atime = (struct timespec_k){ ei->atime.sec, ei->atime.nsec };
	inode->mtime = (struct timespec_k){ ei->mtime.sec, ei->mtime.nsec };
	inode->ctime = (struct timespec_k){ ei->ctime.sec, ei->ctime.nsec };
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

/* Write-through from the page cache: the data goes to the file's blocks. */
static int
ext4_store(struct inode *inode, uint64_t off, const void *buf, size_t len)
{
	ssize_t n = ext4_write(sb_fs(inode->sb), inode->priv, off, buf, len);

	if (n < 0)
		return (int)n;
	return n == (ssize_t)len ? 0 : -ENOSPC;
}

static const struct page_cache_ops ext4_pc_ops = {
	.fill = ext4_fill,
	.writeback = ext4_store,
};

static struct page_cache *
ext4_pagecache(struct inode *inode)
{
	if (!inode->pcache)
		inode->pcache = pagecache_alloc(inode, &ext4_pc_ops);
	return inode->pcache;
}

/*
 * An O_DIRECT read: from the disk, once what shared mappings changed is
 * written back (as Linux writes dirty pages of the range first).
 */
static ssize_t
ext4_read_direct(struct inode *inode, struct uio *u, uint64_t *pos)
{
	size_t want = uio_left(u), done = 0;
	char *buf;
	ssize_t r;

	if ((r = pagecache_sync(inode->pcache)) < 0)
		return r;
	if (*pos >= inode->size)
		return 0;
	if (want > inode->size - *pos)
		want = (size_t)(inode->size - *pos);
	if ((buf = malloc(EXT4_DIRECT_CHUNK)) == NULL)
		return -ENOMEM;
	while (done < want) {
		size_t chunk = want - done < EXT4_DIRECT_CHUNK
				       ? want - done : EXT4_DIRECT_CHUNK;

		r = ext4_read(sb_fs(inode->sb), inode->priv, *pos, buf, chunk);
		if (r <= 0)
			break;
		if (uio_out(u, buf, (size_t)r) < 0) {
			r = -EFAULT;
			break;
		}
		*pos += (uint64_t)r;
		done += (size_t)r;
	}
	free(buf);
	return done ? (ssize_t)done : r;
}

static ssize_t
ext4_file_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct page_cache *pc = ext4_pagecache(f->inode);

	if (f->flags & O_DIRECT)
		return ext4_read_direct(f->inode, u, pos);
	return pc ? pagecache_read(pc, u, pos) : -ENOMEM;
}

/*
 * An O_DIRECT write: to the disk, then into the pages the cache already
 * holds.  Durable as much as a buffered write here (both reach the image
 * at once); metadata waits for the commit unless O_SYNC says otherwise.
 */
static ssize_t
ext4_write_direct(struct inode *inode, struct uio *u, uint64_t *pos)
{
	size_t want = uio_left(u), done = 0;
	char *buf;
	ssize_t r, n;

	if ((r = pagecache_sync(inode->pcache)) < 0)
		return r;
	if ((buf = malloc(EXT4_DIRECT_CHUNK)) == NULL)
		return -ENOMEM;
	while (done < want) {
		size_t chunk = want - done < EXT4_DIRECT_CHUNK
				       ? want - done : EXT4_DIRECT_CHUNK;

		if ((r = uio_in(u, buf, chunk)) < 0)
			break;
		n = ext4_write(sb_fs(inode->sb), inode->priv, *pos, buf, chunk);
		if ((r = n == 0 ? -ENOSPC : n) < 0 ||
		    (r = pagecache_update(inode->pcache, *pos, buf, (size_t)n)) < 0)
			break;
		*pos += (uint64_t)n;
		done += (size_t)n;
		if ((size_t)n < chunk)
			break;
	}
	free(buf);
	return done ? (ssize_t)done : r;
}

/* Stamp mtime and ctime (and write the inode) after a data change. */
static int
ext4_touch(struct inode *inode)
{
	struct ext4_inode *ei = inode->priv;
	struct ext4_fs *fs = sb_fs(inode->sb);

	ext4_now(fs, &ei->mtime);
	ei->ctime = ei->mtime;
	return ext4_write_inode(fs, ei);
}

static ssize_t
ext4_file_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct page_cache *pc = ext4_pagecache(f->inode);
	ssize_t r;

	if (!pc)
		return -ENOMEM;
	r = (f->flags & O_DIRECT) ? ext4_write_direct(f->inode, u, pos)
				  : pagecache_write(pc, u, pos);
	if (r > 0) {
		int e = ext4_touch(f->inode);

		ext4_sync_vfs(f->inode);
		if (e < 0)
			return e;
	}
	return r;
}

static int
ext4_file_fsync(struct file *f, bool datasync)
{
	int r = pagecache_sync(f->inode->pcache);

	if (r == 0)
		r = ext4_sync(sb_fs(f->inode->sb));
	return r;
}

/*
 * fallocate: preallocation and hole punching are the driver's; a zeroed
 * range is a punched one preallocated again.  What shared mappings
 * changed is written back first, and the cache drops what the disk did.
 */
static int
ext4_file_fallocate(struct file *f, int mode, uint64_t off, uint64_t len)
{
	struct inode *inode = f->inode;
	struct ext4_fs *fs = sb_fs(inode->sb);
	int keep = (mode & K_FALLOC_FL_KEEP_SIZE) ? EXT4_FALLOC_KEEP_SIZE : 0;
	uint64_t old_size = inode->size;
	int r;

	if (mode & ~(K_FALLOC_FL_KEEP_SIZE | K_FALLOC_FL_PUNCH_HOLE |
		     K_FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if ((r = pagecache_sync(inode->pcache)) < 0)
		return r;
	if (mode & (K_FALLOC_FL_PUNCH_HOLE | K_FALLOC_FL_ZERO_RANGE)) {
		r = ext4_fallocate(fs, inode->priv, EXT4_FALLOC_PUNCH_HOLE |
				   EXT4_FALLOC_KEEP_SIZE, off, len);
		if (r == 0)
			r = pagecache_punch(inode->pcache, off, len);
	}
	if (r == 0 && !(mode & K_FALLOC_FL_PUNCH_HOLE))
		r = ext4_fallocate(fs, inode->priv, keep, off, len);
	ext4_sync_vfs(inode);
	if (inode->size != old_size && inode->pcache)
		pagecache_resize(inode->pcache, inode->size);
	if (r == 0 && ((mode & ~K_FALLOC_FL_KEEP_SIZE) || inode->size != old_size)) {
		r = ext4_touch(inode);
		ext4_sync_vfs(inode);
	}
	return r;
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
ext4_vfs_setattr(struct inode *inode, const struct iattr *ia)
{
	struct ext4_fs *fs = sb_fs(inode->sb);
	struct ext4_inode *ei = inode->priv;
	int r;

	if (ia->valid & ATTR_SIZE) {
		if (!K_ISREG(ei->mode))
			return -EINVAL;
		if ((r = pagecache_sync(inode->pcache)) < 0 ||
		    (r = ext4_truncate(fs, ei, ia->size)) < 0)
			return r;
		if (inode->pcache &&
		    (r = pagecache_resize(inode->pcache, ia->size)) < 0)
			return r;
		ext4_now(fs, &ei->mtime);
	}
	if (ia->valid & ATTR_MODE)
		ei->mode = (uint16_t)((ei->mode & K_S_IFMT) |
				      (ia->mode & ~K_S_IFMT));
	if (ia->valid & ATTR_UID)
		ei->uid = ia->uid;
	if (ia->valid & ATTR_GID)
		ei->gid = ia->gid;
	if (ia->valid & ATTR_ATIME)
		ei->atime = (struct ext4_time){ ia->atime.sec,
						(uint32_t)ia->atime.nsec };
	if (ia->valid & ATTR_MTIME)
		ei->mtime = (struct ext4_time){ ia->mtime.sec,
						(uint32_t)ia->mtime.nsec };
	ext4_now(fs, &ei->ctime);
	r = ext4_write_inode(fs, ei);
	ext4_sync_vfs(inode);
	return r;
}

/* The owner of a new inode: the caller, with the group of a setgid dir. */
static void
new_owner(struct inode *dir, uint16_t *mode, uint32_t *uid, uint32_t *gid)
{
	*uid = current->cred.fsuid;
	*gid = current->cred.fsgid;
	if (dir->mode & K_S_ISGID) {
		*gid = dir->gid;
		if (K_ISDIR(*mode))
			*mode |= K_S_ISGID;
	}
}

/* Wrap a new driver inode in a VFS inode; the dir's fields changed too. */
static int
ext4_new_vfs_inode(struct inode *dir, struct ext4_inode *ei,
		   struct inode **out)
{
	struct inode *inode = inode_alloc(dir->sb);

	ext4_sync_vfs(dir);
	if (!inode) {
		ext4_iput(ei);
		return -ENOMEM;
	}
	inode->priv = ei;
	fill_inode(inode, ei);
	*out = inode;
	return 0;
}

static int
ext4_vfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
		struct inode **out)
{
	uint16_t m = (uint16_t)mode;
	struct ext4_inode *ei;
	uint32_t uid, gid;
	int r;

	new_owner(dir, &m, &uid, &gid);
	if ((r = ext4_create(sb_fs(dir->sb), dir->priv, name, len, m, uid, gid,
			     &ei)) < 0)
		return r;
	return ext4_new_vfs_inode(dir, ei, out);
}

static int
ext4_vfs_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode,
	       struct inode **out)
{
	uint16_t m = (uint16_t)mode;
	struct ext4_inode *ei;
	uint32_t uid, gid;
	int r;

	new_owner(dir, &m, &uid, &gid);
	if ((r = ext4_mkdir(sb_fs(dir->sb), dir->priv, name, len, m, uid, gid,
			    &ei)) < 0)
		return r;
	return ext4_new_vfs_inode(dir, ei, out);
}

static int
ext4_vfs_mknod(struct inode *dir, const char *name, size_t len, uint32_t mode,
	       uint64_t rdev, struct inode **out)
{
	uint16_t m = (uint16_t)mode;
	struct ext4_inode *ei;
	uint32_t uid, gid;
	int r;

	new_owner(dir, &m, &uid, &gid);
	if ((r = ext4_mknod(sb_fs(dir->sb), dir->priv, name, len, m,
			    k_major(rdev), k_minor(rdev), uid, gid, &ei)) < 0)
		return r;
	return ext4_new_vfs_inode(dir, ei, out);
}

static int
ext4_vfs_symlink(struct inode *dir, const char *name, size_t len,
		 const char *target, struct inode **out)
{
	uint16_t m = K_S_IFLNK | 0777;
	struct ext4_inode *ei;
	uint32_t uid, gid;
	int r;

	new_owner(dir, &m, &uid, &gid);
	if ((r = ext4_symlink(sb_fs(dir->sb), dir->priv, name, len, target,
			      strlen(target), uid, gid, &ei)) < 0)
		return r;
	return ext4_new_vfs_inode(dir, ei, out);
}

static int
ext4_vfs_link(struct inode *old, struct inode *dir, const char *name,
	      size_t len)
{
	int r = ext4_link(sb_fs(dir->sb), old->priv, dir->priv, name, len);

	ext4_sync_vfs(old);
	ext4_sync_vfs(dir);
	return r;
}

/*
 * Is the inode used beyond the name being removed?  The name's dentry
 * holds one reference; any other (an open file, another cached name)
 * makes the driver keep the inode on the orphan list until evict.
 */
static bool
still_used(struct inode *victim)
{
	return victim->refcount > 1;
}

static int
ext4_vfs_unlink(struct inode *dir, const char *name, size_t len,
		struct inode *victim)
{
	int r = ext4_unlink(sb_fs(dir->sb), dir->priv, name, len,
			    still_used(victim));

	ext4_sync_vfs(dir);
	ext4_sync_vfs(victim);
	return r;
}

static int
ext4_vfs_rmdir(struct inode *dir, const char *name, size_t len,
	       struct inode *victim)
{
	int r = ext4_rmdir(sb_fs(dir->sb), dir->priv, name, len,
			   still_used(victim));

	ext4_sync_vfs(dir);
	ext4_sync_vfs(victim);
	return r;
}

static int
ext4_vfs_rename(struct inode *odir, const char *oname, size_t olen,
		struct inode *ndir, const char *nname, size_t nlen,
		unsigned int flags)
{
	struct ext4_fs *fs = sb_fs(odir->sb);
	struct inode *target = NULL;
	unsigned int f = 0;
	uint32_t ino;
	int r;

	if (flags & 1)
		f |= EXT4_RENAME_NOREPLACE;
	if (flags & 2)
		f |= EXT4_RENAME_EXCHANGE;
	/* A replaced target in use is orphaned instead of freed. */
	if (ext4_lookup(fs, ndir->priv, nname, nlen, &ino) == 0 &&
	    (target = inode_find(odir->sb, ino)) != NULL &&
	    target->refcount > 2)
		f |= EXT4_RENAME_TARGET_OPEN;
	r = ext4_rename(fs, odir->priv, oname, olen, ndir->priv, nname, nlen,
			f);
	ext4_sync_vfs(odir);
	ext4_sync_vfs(ndir);
	if (target) {
		ext4_sync_vfs(target);
		inode_put(target);
	}
	return r;
}

static ssize_t
ext4_vfs_getxattr(struct inode *inode, const char *name, void *buf,
		  size_t size)
{
	return ext4_getxattr(sb_fs(inode->sb), inode->priv, name, buf, size);
}

static ssize_t
ext4_vfs_listxattr(struct inode *inode, char *buf, size_t size)
{
	return ext4_listxattr(sb_fs(inode->sb), inode->priv, buf, size);
}

static int
ext4_vfs_setxattr(struct inode *inode, const char *name, const void *value,
		  size_t size, int flags)
{
	int r = ext4_setxattr(sb_fs(inode->sb), inode->priv, name, value, size,
			      (flags & 1 ? EXT4_XATTR_CREATE : 0) |
				      (flags & 2 ? EXT4_XATTR_REPLACE : 0));

	ext4_sync_vfs(inode);
	return r;
}

static int
ext4_vfs_removexattr(struct inode *inode, const char *name)
{
	int r = ext4_removexattr(sb_fs(inode->sb), inode->priv, name);

	ext4_sync_vfs(inode);
	return r;
}

#define EXT4_XATTR_OPS                                                         \
	.getxattr = ext4_vfs_getxattr, .setxattr = ext4_vfs_setxattr,         \
	.listxattr = ext4_vfs_listxattr, .removexattr = ext4_vfs_removexattr

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

/* The last reference: an unlinked inode is deleted now. */
static void
ext4_vfs_evict(struct inode *inode)
{
	struct ext4_fs *fs = sb_fs(inode->sb);

	if (!(inode->sb->flags & K_MS_RDONLY))
		ext4_evict(fs, inode->priv);
	ext4_iput(inode->priv);
}

/* The journal commit interval, like Linux's default of 5 seconds. */
#define EXT4_COMMIT_NS (5 * 1000000000LL)
/*
 * Stores through shared mappings reach the disk every sixth commit (30 s),
 * as Linux's flusher writes dirty pages back once they are 30 s old.
 */
#define EXT4_MAP_WRITEBACK_TICKS 6

static void
ext4_commit_tick(struct timer *tm)
{
	struct ext4_vfs_sb *vs = container_of(tm, struct ext4_vfs_sb, commit);

	if (++vs->ticks % EXT4_MAP_WRITEBACK_TICKS == 0)
		pagecache_sync_sb(vs->sb);
	ext4_commit(vs->fs);
	timer_add(tm, ktime_now() + EXT4_COMMIT_NS);
}

static int
ext4_vfs_sync_fs(struct super_block *sb)
{
	if (sb->flags & K_MS_RDONLY)
		return 0;
	return ext4_sync(sb_fs(sb));
}

static int
ext4_vfs_remount(struct super_block *sb, unsigned long flags, const char *data)
{
	struct ext4_vfs_sb *vs = sb->priv;
	bool ro = flags & K_MS_RDONLY;
	int r;

	if ((r = ext4_remount(vs->fs, ro)) < 0)
		return r;
	if (ro)
		timer_del(&vs->commit);
	else if (!vs->commit.armed)
		timer_add(&vs->commit, ktime_now() + EXT4_COMMIT_NS);
	return 0;
}

static void
ext4_vfs_put_super(struct super_block *sb)
{
	struct ext4_vfs_sb *vs = sb->priv;

	timer_del(&vs->commit);
	ext4_unmount(sb_fs(sb));
	free(vs);
}

static const struct super_ops ext4_sops = {
	.put_super = ext4_vfs_put_super,
	.statfs = ext4_vfs_statfs,
	.sync_fs = ext4_vfs_sync_fs,
	.remount = ext4_vfs_remount,
	.evict_inode = ext4_vfs_evict,
};

static const struct inode_ops ext4_dir_iops = {
	.lookup = ext4_vfs_lookup,
	.create = ext4_vfs_create,
	.mkdir = ext4_vfs_mkdir,
	.mknod = ext4_vfs_mknod,
	.symlink = ext4_vfs_symlink,
	.link = ext4_vfs_link,
	.unlink = ext4_vfs_unlink,
	.rmdir = ext4_vfs_rmdir,
	.rename = ext4_vfs_rename,
	.setattr = ext4_vfs_setattr,
	EXT4_XATTR_OPS,
};

static const struct inode_ops ext4_file_iops = {
	.setattr = ext4_vfs_setattr,
	EXT4_XATTR_OPS,
};

static const struct inode_ops ext4_symlink_iops = {
	.readlink = ext4_vfs_readlink,
	.setattr = ext4_vfs_setattr,
	EXT4_XATTR_OPS,
};

static int
ext4_dir_fsync(struct file *f, bool datasync)
{
	return ext4_sync(sb_fs(f->inode->sb));
}

static const struct file_ops ext4_dir_fops = {
	.iterate = ext4_vfs_iterate,
	.fsync = ext4_dir_fsync,
};

static const struct file_ops ext4_file_fops = {
	.read = ext4_file_read,
	.write = ext4_file_write,
	.fsync = ext4_file_fsync,
	.fallocate = ext4_file_fallocate,
	.mmap_fd = ext4_file_mmap_fd,
	.direct_io = true,
};

static int
ext4_vfs_mount(const struct fs_type *type, struct bdev *bd, const char *source,
	       unsigned long flags, const char *data, struct super_block **out)
{
	struct ext4_vfs_sb *vs = calloc(1, sizeof(*vs));
	struct super_block *sb;
	struct ext4_fs *fs;
	struct inode *root;
	int r;

	if (!vs)
		return -ENOMEM;
	if ((r = ext4_mount(bd, flags & K_MS_RDONLY, &fs)) < 0) {
		free(vs);
		return r;
	}
	if ((sb = sb_alloc(type, &ext4_sops)) == NULL) {
		ext4_unmount(fs);
		free(vs);
		return -ENOMEM;
	}
	vs->fs = fs;
	vs->sb = sb;
	vs->commit.fn = ext4_commit_tick;
	sb->priv = vs;
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
		free(vs);
		return r;
	}
	if (!(flags & K_MS_RDONLY))
		timer_add(&vs->commit, ktime_now() + EXT4_COMMIT_NS);
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
