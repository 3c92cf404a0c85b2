/*
 * Asking about files: the stat family, statx, readlink and statfs.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define AT_SYMLINK_NOFOLLOW_K 0x100
#define AT_NO_AUTOMOUNT_K 0x800
#define AT_EMPTY_PATH_K 0x1000
#define AT_STATX_SYNC_MASK 0x6000

struct stat_k {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime, atime_nsec, mtime, mtime_nsec, ctime, ctime_nsec;
	int64_t unused[3];
};

_Static_assert(sizeof(struct stat_k) == 144, "x86_64 struct stat");

static uint64_t
encode_dev_old(uint64_t dev)
{
	/* The new_encode_dev layout the stat ABI uses. */
	unsigned int major = k_major(dev), minor = k_minor(dev);

	return (minor & 0xff) | ((uint64_t)major << 8) |
	       ((uint64_t)(minor & ~0xffu) << 12);
}

static void
fill_stat(struct inode *inode, struct stat_k *st)
{
	if (inode->i_op && inode->i_op->getattr)
		inode->i_op->getattr(inode);
	memset(st, 0, sizeof(*st));
	st->dev = encode_dev_old(inode->sb->dev);
	st->ino = inode->ino;
	st->nlink = inode->nlink;
	st->mode = inode->mode;
	st->uid = inode->uid;
	st->gid = inode->gid;
	st->rdev = encode_dev_old(inode->rdev);
	st->size = (int64_t)inode->size;
	st->blksize = inode->blksize ? inode->blksize : 4096;
	st->blocks = (int64_t)inode->blocks;
	st->atime = inode->atime.sec;
	st->atime_nsec = inode->atime.nsec;
	st->mtime = inode->mtime.sec;
	st->mtime_nsec = inode->mtime.nsec;
	st->ctime = inode->ctime.sec;
	st->ctime_nsec = inode->ctime.nsec;
}

/*
 * The inode a stat call names: a path, or, with AT_EMPTY_PATH and "", the
 * fd itself, which may have no path at all (a pipe).  A new reference.
 */
static int
stat_inode(struct task *t, int dirfd, uaddr_t upath, int flags,
	   struct inode **out)
{
	struct file *f;
	struct path p;
	char *name;
	int err = 0, r;

	if (flags & AT_EMPTY_PATH_K) {
		if ((name = getname_empty_ok(t, upath, &err)) == NULL)
			return err;
		r = name[0] == 0;
		putname(name);
		if (r && dirfd != AT_FDCWD_K) {
			if ((f = fd_get(t, dirfd)) == NULL)
				return -EBADF;
			r = f->inode ? 0 : -EBADF;
			if (f->inode)
				*out = inode_get(f->inode);
			file_put(f);
			return r;
		}
	}
	if ((r = user_path_at(t, dirfd, upath, flags, &p)) < 0)
		return r;
	*out = inode_get(p.dentry->inode);
	path_put(&p);
	return 0;
}

static long
stat_at(struct task *t, int dirfd, uaddr_t upath, uaddr_t ubuf, int flags)
{
	struct inode *inode;
	struct stat_k st;
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW_K | AT_NO_AUTOMOUNT_K |
		      AT_EMPTY_PATH_K))
		return -EINVAL;
	if ((r = stat_inode(t, dirfd, upath, flags, &inode)) < 0)
		return r;
	fill_stat(inode, &st);
	inode_put(inode);
	return copy_to_user(t, ubuf, &st, sizeof(st));
}

long
sys_stat(struct task *t, const uint64_t a[6])
{
	return stat_at(t, AT_FDCWD_K, UADDR(a[0]), UADDR(a[1]), 0);
}

long
sys_lstat(struct task *t, const uint64_t a[6])
{
	return stat_at(t, AT_FDCWD_K, UADDR(a[0]), UADDR(a[1]),
		       AT_SYMLINK_NOFOLLOW_K);
}

long
sys_newfstatat(struct task *t, const uint64_t a[6])
{
	return stat_at(t, (int)a[0], UADDR(a[1]), UADDR(a[2]), (int)a[3]);
}

long
sys_fstat(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, (int)a[0]);
	struct stat_k st;

	if (!f)
		return -EBADF;
	if (!f->inode) {
		file_put(f);
		return -EBADF;
	}
	fill_stat(f->inode, &st);
	file_put(f);
	return copy_to_user(t, UADDR(a[1]), &st, sizeof(st));
}

struct statx_ts {
	int64_t sec;
	uint32_t nsec;
	int32_t pad;
};

struct statx_k {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad1;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t spare[12];
};

_Static_assert(sizeof(struct statx_k) == 256, "struct statx");

#define STATX_BASIC_STATS 0x7ff
#define STATX_BTIME 0x800

long
sys_statx(struct task *t, const uint64_t a[6])
{
	int flags = (int)a[2];
	struct statx_k sx;
	struct inode *inode;
	int r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW_K | AT_NO_AUTOMOUNT_K |
		      AT_EMPTY_PATH_K | AT_STATX_SYNC_MASK))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_MASK) == AT_STATX_SYNC_MASK)
		return -EINVAL;
	if ((uint32_t)a[3] & 0x80000000u)
		return -EINVAL;
	if ((r = stat_inode(t, (int)a[0], UADDR(a[1]),
			    flags & (AT_SYMLINK_NOFOLLOW_K | AT_EMPTY_PATH_K),
			    &inode)) < 0)
		return r;
	if (inode->i_op && inode->i_op->getattr)
		inode->i_op->getattr(inode);
	memset(&sx, 0, sizeof(sx));
	sx.mask = STATX_BASIC_STATS | STATX_BTIME;
	sx.blksize = inode->blksize ? inode->blksize : 4096;
	sx.nlink = inode->nlink;
	sx.uid = inode->uid;
	sx.gid = inode->gid;
	sx.mode = (uint16_t)inode->mode;
	sx.ino = inode->ino;
	sx.size = inode->size;
	sx.blocks = inode->blocks;
	sx.atime = (struct statx_ts){ inode->atime.sec, (uint32_t)inode->atime.nsec, 0 };
	sx.btime = (struct statx_ts){ inode->btime.sec, (uint32_t)inode->btime.nsec, 0 };
	sx.ctime = (struct statx_ts){ inode->ctime.sec, (uint32_t)inode->ctime.nsec, 0 };
	sx.mtime = (struct statx_ts){ inode->mtime.sec, (uint32_t)inode->mtime.nsec, 0 };
	sx.rdev_major = k_major(inode->rdev);
	sx.rdev_minor = k_minor(inode->rdev);
	sx.dev_major = k_major(inode->sb->dev);
	sx.dev_minor = k_minor(inode->sb->dev);
	inode_put(inode);
	return copy_to_user(t, UADDR(a[4]), &sx, sizeof(sx));
}

static long
readlink_at(struct task *t, int dirfd, uaddr_t upath, uaddr_t ubuf,
	    int64_t size)
{
	struct inode *inode;
	struct path p;
	char *buf;
	ssize_t n;
	int r;

	if (size <= 0)
		return -EINVAL;
	if ((r = user_path_at(t, dirfd, upath,
			      AT_SYMLINK_NOFOLLOW_K | AT_EMPTY_PATH_K, &p)) < 0)
		return r;
	inode = p.dentry->inode;
	if (!K_ISLNK(inode->mode) || !inode->i_op || !inode->i_op->readlink) {
		path_put(&p);
		return -EINVAL;
	}
	if ((buf = malloc(PATH_MAX_K)) == NULL) {
		path_put(&p);
		return -ENOMEM;
	}
	n = inode->i_op->readlink(inode, buf, PATH_MAX_K);
	path_put(&p);
	if (n > size)
		n = size;
	if (n > 0 && copy_to_user(t, ubuf, buf, (size_t)n) < 0)
		n = -EFAULT;
	free(buf);
	return n;
}

long
sys_readlink(struct task *t, const uint64_t a[6])
{
	return readlink_at(t, AT_FDCWD_K, UADDR(a[0]), UADDR(a[1]),
			   (int64_t)a[2]);
}

long
sys_readlinkat(struct task *t, const uint64_t a[6])
{
	return readlink_at(t, (int)a[0], UADDR(a[1]), UADDR(a[2]),
			   (int64_t)a[3]);
}

struct statfs_k {
	int64_t type, bsize;
	uint64_t blocks, bfree, bavail, files, ffree;
	int32_t fsid[2];
	int64_t namelen, frsize, flags, spare[4];
};

_Static_assert(sizeof(struct statfs_k) == 120, "x86_64 struct statfs");

static long
statfs_path(struct task *t, struct path *p, uaddr_t ubuf)
{
	struct super_block *sb = p->mnt->sb;
	struct kstatfs ks = { 0 };
	struct statfs_k st;
	int r = 0;

	if (sb->ops && sb->ops->statfs)
		r = sb->ops->statfs(sb, &ks);
	if (r < 0)
		return r;
	memset(&st, 0, sizeof(st));
	st.type = ks.type;
	st.bsize = ks.bsize ? ks.bsize : 4096;
	st.blocks = ks.blocks;
	st.bfree = ks.bfree;
	st.bavail = ks.bavail;
	st.files = ks.files;
	st.ffree = ks.ffree;
	st.fsid[0] = (int32_t)k_major(sb->dev);
	st.fsid[1] = (int32_t)k_minor(sb->dev);
	st.namelen = ks.namelen ? ks.namelen : NAME_MAX_K;
	st.frsize = ks.frsize ? ks.frsize : st.bsize;
	st.flags = (int64_t)(p->mnt->flags | 0x20 /* ST_VALID */);
	return copy_to_user(t, ubuf, &st, sizeof(st));
}

long
sys_statfs(struct task *t, const uint64_t a[6])
{
	struct path p;
	int r;

	if ((r = user_path_at(t, AT_FDCWD_K, UADDR(a[0]), 0, &p)) < 0)
		return r;
	r = (int)statfs_path(t, &p, UADDR(a[1]));
	path_put(&p);
	return r;
}

long
sys_fstatfs(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, (int)a[0]);
	long r;

	if (!f)
		return -EBADF;
	r = f->path.mnt ? statfs_path(t, &f->path, UADDR(a[1])) : -EINVAL;
	file_put(f);
	return r;
}
