/*
 * tmpfs: a read-write filesystem in memory.
 *
 * Every mount is a new instance (super_block) with its own inode numbers.
 * The tree lives in tmpfs's own structures; the VFS dentry cache sits on
 * top of it as on any other filesystem.  devtmpfs.c builds /dev on one
 * instance; pipes and FIFOs are in pipe.c, device files in drivers/.
 *
 * Inode life cycle.  A directory entry (struct tmpfs_dirent) holds one
 * reference on the inode it names, so an inode that has links never
 * reaches refcount zero.  Removing the last link drops that reference; the
 * inode is evicted (tmpfs_evict_inode frees its data and memfd) once the
 * dentry cache and open files have dropped theirs too.  The root inode is
 * held by the root dentry.  Per-instance accounting (struct tmpfs_info)
 * outlives put_super until the last inode is evicted, because open files
 * may keep inodes alive after an unmount.
 *
 * Directories keep their entries in a list in creation order.  Each entry
 * gets a cookie from a per-directory counter that only grows; readdir
 * positions are cookies (0 and 1 are "." and ".."), so a reader resumes
 * after the last entry it saw even when entries come and go in between.
 * Directories also know their parent (no reference), for rename's loop
 * check and for tearing a tree down without recursion.
 *
 * Regular file data lives in a host memfd created on the first write (or
 * when the page cache asks for it to map the file); reads of a file that
 * has none see zeros.  Symlink targets are kept in memory.  Device nodes,
 * FIFOs and sockets are plain inodes set up by init_special_inode().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/simple_xattr.h"
#include "fs/tmpfs.h"
#include "fs/vfs.h"
#include "host/host.h"
#include "mm/mm.h"
#include "printk.h"
#include "task.h"

/* Guest ABI values, unless the VFS headers define them. */
#ifndef K_RENAME_NOREPLACE
#define K_RENAME_NOREPLACE 1
#define K_RENAME_EXCHANGE 2
#endif
#ifndef K_O_APPEND
#define K_O_APPEND 02000
#endif
#ifndef K_SEEK_SET
#define K_SEEK_SET 0
#define K_SEEK_CUR 1
#define K_SEEK_END 2
#define K_SEEK_DATA 3
#define K_SEEK_HOLE 4
#endif

#define TMPFS_BLOCK 4096
#define TMPFS_BOGO_DIRENT 20	      /* st_size of a directory, per entry */
#define TMPFS_MAX_SIZE INT64_MAX      /* largest file */
#define TMPFS_CHUNK (64 * 1024)	      /* read/write bounce buffer */
#define TMPFS_FIRST_COOKIE 2	      /* after "." and ".." */

/* One instance: sb->priv.  Freed with the last inode after put_super. */
struct tmpfs_info {
	uint64_t max_pages;  /* size=; 0: unlimited */
	uint64_t max_inodes; /* nr_inodes=; 0: unlimited */
	uint64_t pages;	     /* charged to regular files and symlinks */
	uint64_t inodes;     /* alive */
	uint32_t mode, uid, gid; /* of the root */
	bool dead;	     /* put_super ran */
	char opts[96];	     /* for /proc/mounts */
};

/* A name in a directory; holds a reference on inode. */
struct tmpfs_dirent {
	struct list link; /* tmpfs_inode.entries, in cookie order */
	uint64_t cookie;
	struct inode *inode;
	size_t len;
	char name[];
};

/* inode->priv */
struct tmpfs_inode {
	struct tmpfs_info *fs;
	uint64_t charged;     /* pages counted in fs->pages */
	/* directories */
	struct list entries;
	uint64_t next_cookie;
	uint64_t gen;	      /* bumped whenever an entry is freed */
	struct inode *parent; /* no reference; NULL for the root */
	/* regular files */
	int memfd;	      /* -1: no data yet */
	unsigned int seals;   /* F_SEAL_*: memfd_create's files may change them */
	/* symlinks */
	char *target;
	struct simple_xattrs xattrs;
};

static const struct inode_ops tmpfs_dir_iops, tmpfs_file_iops,
	tmpfs_symlink_iops, tmpfs_special_iops;
static const struct file_ops tmpfs_dir_fops, tmpfs_file_fops;

static inline struct tmpfs_inode *
TI(struct inode *inode)
{
	return inode->priv;
}

static void
tmpfs_touch(struct inode *inode, bool modified)
{
	struct timespec_k now = current_time();

	inode->ctime = now;
	if (modified)
		inode->mtime = now;
}

/* Reading with relatime rules: atime moves if older than m/ctime. */
static void
tmpfs_read_atime(struct inode *inode)
{
	const struct timespec_k *a = &inode->atime;

	if (a->sec < inode->mtime.sec || a->sec < inode->ctime.sec ||
	    (a->sec == inode->mtime.sec && a->nsec <= inode->mtime.nsec) ||
	    (a->sec == inode->ctime.sec && a->nsec <= inode->ctime.nsec))
		inode->atime = current_time();
}

static uint64_t
pages_for(uint64_t bytes)
{
	return bytes / TMPFS_BLOCK + (bytes % TMPFS_BLOCK != 0);
}

/*
 * Account for inode's data growing or shrinking to bytes: 0, or -ENOSPC
 * past the size= limit (nothing changes then).
 */
/* Shorter symlink targets live in the inode and take no blocks (Linux). */
#define TMPFS_SHORT_SYMLINK 128

static int
tmpfs_charge(struct inode *inode, uint64_t bytes)
{
	struct tmpfs_inode *ti = TI(inode);
	struct tmpfs_info *fs = ti->fs;
	uint64_t want = pages_for(bytes);

	if (want > ti->charged && fs->max_pages &&
	    want - ti->charged > fs->max_pages - fs->pages)
		return -ENOSPC;
	fs->pages = fs->pages - ti->charged + want;
	ti->charged = want;
	inode->blocks = want * (TMPFS_BLOCK / 512);
	return 0;
}

/* Credentials of new inodes: the current task's, root's at boot. */
static void
tmpfs_owner(uint32_t *uid, uint32_t *gid)
{
	*uid = current ? current->cred.fsuid : 0;
	*gid = current ? current->cred.fsgid : 0;
}

static bool
tmpfs_in_group(uint32_t gid)
{
	int i;

	if (!current || current->cred.fsgid == gid)
		return true;
	for (i = 0; i < current->cred.ngroups; i++)
		if (current->cred.groups[i] == gid)
			return true;
	return false;
}

/* Owner, group and set-group-id inheritance for a new inode in dir. */
static void
tmpfs_init_owner(struct inode *inode, struct inode *dir)
{
	tmpfs_owner(&inode->uid, &inode->gid);
	if (dir && (dir->mode & K_S_ISGID)) {
		inode->gid = dir->gid;
		if (K_ISDIR(inode->mode))
			inode->mode |= K_S_ISGID;
	}
	if (!K_ISDIR(inode->mode) && (inode->mode & K_S_ISGID) &&
	    (inode->mode & 010) && !tmpfs_in_group(inode->gid) &&
	    !cred_is_root(&current->cred))
		inode->mode &= ~(uint32_t)K_S_ISGID;
}

static void
tmpfs_set_ops(struct inode *inode, uint64_t rdev)
{
	switch (inode->mode & K_S_IFMT) {
	case K_S_IFDIR:
		inode->i_op = &tmpfs_dir_iops;
		inode->f_op = &tmpfs_dir_fops;
		inode->nlink = 2;
		inode->size = 2 * TMPFS_BOGO_DIRENT;
		break;
	case K_S_IFREG:
		inode->i_op = &tmpfs_file_iops;
		inode->f_op = &tmpfs_file_fops;
		break;
	case K_S_IFLNK:
		inode->i_op = &tmpfs_symlink_iops;
		break;
	default:
		inode->i_op = &tmpfs_special_iops;
		inode->rdev = rdev;
		init_special_inode(inode, inode->mode, rdev);
		break;
	}
}

/*
 * A new inode of the given mode (type and permission bits) for dir (NULL
 * for the root).  Returns it with one reference, or NULL with *err set.
 */
static struct inode *
tmpfs_new_inode(struct super_block *sb, struct inode *dir, uint32_t mode,
		uint64_t rdev, int *err)
{
	struct tmpfs_info *fs = sb->priv;
	struct tmpfs_inode *ti;
	struct inode *inode;

	*err = -ENOSPC;
	if (fs->max_inodes && fs->inodes >= fs->max_inodes)
		return NULL;
	*err = -ENOMEM;
	if ((ti = calloc(1, sizeof(*ti))) == NULL)
		return NULL;
	if ((inode = inode_alloc(sb)) == NULL) {
		free(ti);
		return NULL;
	}
	ti->fs = fs;
	ti->memfd = -1;
	ti->seals = K_F_SEAL_SEAL;
	simple_xattrs_init(&ti->xattrs);
	ti->next_cookie = TMPFS_FIRST_COOKIE;
	ti->parent = dir;
	list_init(&ti->entries);
	fs->inodes++;

	inode->priv = ti;
	inode->ino = sb->next_ino++;
	inode->mode = mode;
	inode->nlink = 1;
	inode->blksize = TMPFS_BLOCK;
	inode->atime = inode->mtime = inode->ctime = inode->btime =
		current_time();
	tmpfs_init_owner(inode, dir);
	tmpfs_set_ops(inode, rdev);
	*err = 0;
	return inode;
}

/* Directory entries. */

static struct tmpfs_dirent *
tmpfs_find(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent *d;

	list_for_each_entry(d, &TI(dir)->entries, link)
		if (d->len == len && memcmp(d->name, name, len) == 0)
			return d;
	return NULL;
}

/* Add name -> inode to dir, taking over the caller's inode reference. */
static int
tmpfs_add_entry(struct inode *dir, const char *name, size_t len,
		struct inode *inode)
{
	struct tmpfs_inode *ti = TI(dir);
	struct tmpfs_dirent *d;

	if ((d = malloc(sizeof(*d) + len + 1)) == NULL)
		return -ENOMEM;
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	d->len = len;
	d->inode = inode;
	d->cookie = ti->next_cookie++;
	list_add_tail(&d->link, &ti->entries);
	dir->size += TMPFS_BOGO_DIRENT;
	tmpfs_touch(dir, true);
	return 0;
}

/* Remove and free an entry; returns its inode reference to the caller. */
static struct inode *
tmpfs_del_entry(struct inode *dir, struct tmpfs_dirent *d)
{
	struct inode *inode = d->inode;

	list_del(&d->link);
	free(d);
	TI(dir)->gen++;
	dir->size -= TMPFS_BOGO_DIRENT;
	tmpfs_touch(dir, true);
	return inode;
}

/* Drop one link of inode, removed from dir; puts the entry's reference. */
static void
tmpfs_drop_link(struct inode *dir, struct inode *inode)
{
	if (K_ISDIR(inode->mode)) {
		inode->nlink = 0;
		dir->nlink--;
	} else {
		inode->nlink--;
	}
	tmpfs_touch(inode, false);
	inode_put(inode);
}

/*
 * Empty the tree below top, depth first but without recursion (a guest
 * can make deep trees): descend into the first entry while it is a
 * non-empty directory, free it otherwise, climb when a directory is empty.
 */
static void
tmpfs_tree_clear(struct inode *top)
{
	struct inode *dir = top, *child;
	struct tmpfs_dirent *d;

	for (;;) {
		if (list_empty(&TI(dir)->entries)) {
			if (dir == top)
				return;
			dir = TI(dir)->parent;
			continue;
		}
		d = list_first_entry(&TI(dir)->entries, struct tmpfs_dirent,
				     link);
		child = d->inode;
		if (K_ISDIR(child->mode) && !list_empty(&TI(child)->entries)) {
			dir = child;
			continue;
		}
		tmpfs_drop_link(dir, tmpfs_del_entry(dir, d));
	}
}

/* Checks before adding name to dir: 0, -ENAMETOOLONG, -ENOENT, -EEXIST. */
static int
tmpfs_may_add(struct inode *dir, const char *name, size_t len)
{
	if (len == 0)
		return -ENOENT;
	if (len > NAME_MAX_K)
		return -ENAMETOOLONG;
	if (dir->nlink == 0)
		return -ENOENT; /* removed directory */
	if (tmpfs_find(dir, name, len))
		return -EEXIST;
	return 0;
}

/*
 * Make a new inode of mode under name in dir (a symlink to target if
 * given).  *out gets a new reference.
 */
static int
tmpfs_make(struct inode *dir, const char *name, size_t len, uint32_t mode,
	   uint64_t rdev, const char *target, struct inode **out)
{
	struct inode *inode;
	int err;

	if ((err = tmpfs_may_add(dir, name, len)) < 0)
		return err;
	if ((inode = tmpfs_new_inode(dir->sb, dir, mode, rdev, &err)) == NULL)
		return err;
	if (target) {
		inode->size = strlen(target);
		if ((TI(inode)->target = strdup(target)) == NULL)
			err = -ENOMEM;
		else if (inode->size >= TMPFS_SHORT_SYMLINK)
			err = tmpfs_charge(inode, inode->size);
	}
	if (err == 0)
		err = tmpfs_add_entry(dir, name, len, inode);
	if (err < 0) {
		inode->nlink = 0;
		inode_put(inode);
		return err;
	}
	if (K_ISDIR(mode))
		dir->nlink++;
	*out = inode_get(inode);
	return 0;
}

/* inode_ops */

static int
tmpfs_lookup(struct inode *dir, const char *name, size_t len,
	     struct inode **out)
{
	struct tmpfs_dirent *d;

	if (len > NAME_MAX_K)
		return -ENAMETOOLONG;
	if ((d = tmpfs_find(dir, name, len)) == NULL)
		return -ENOENT;
	*out = inode_get(d->inode);
	return 0;
}

static int
tmpfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
	     struct inode **out)
{
	return tmpfs_make(dir, name, len, K_S_IFREG | (mode & 07777), 0, NULL,
			  out);
}

static int
tmpfs_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode,
	    struct inode **out)
{
	return tmpfs_make(dir, name, len, K_S_IFDIR | (mode & 07777), 0, NULL,
			  out);
}

static int
tmpfs_mknod(struct inode *dir, const char *name, size_t len, uint32_t mode,
	    uint64_t rdev, struct inode **out)
{
	switch (mode & K_S_IFMT) {
	case 0:
		mode |= K_S_IFREG;
		break;
	case K_S_IFREG:
	case K_S_IFCHR:
	case K_S_IFBLK:
	case K_S_IFIFO:
	case K_S_IFSOCK:
		break;
	default:
		return -EINVAL;
	}
	if (!K_ISCHR(mode) && !K_ISBLK(mode))
		rdev = 0;
	return tmpfs_make(dir, name, len, mode & (K_S_IFMT | 07777), rdev,
			  NULL, out);
}

static int
tmpfs_symlink(struct inode *dir, const char *name, size_t len,
	      const char *target, struct inode **out)
{
	size_t tlen = strnlen(target, PATH_MAX_K);

	if (tlen == 0)
		return -ENOENT;
	if (tlen >= PATH_MAX_K)
		return -ENAMETOOLONG;
	return tmpfs_make(dir, name, len, K_S_IFLNK | 0777, 0, target, out);
}

static int
tmpfs_link(struct inode *old, struct inode *dir, const char *name, size_t len)
{
	int err;

	if (K_ISDIR(old->mode))
		return -EPERM;
	if (old->sb != dir->sb)
		return -EXDEV;
	if (old->nlink == 0)
		return -ENOENT;
	if ((err = tmpfs_may_add(dir, name, len)) < 0)
		return err;
	if ((err = tmpfs_add_entry(dir, name, len, inode_get(old))) < 0) {
		inode_put(old);
		return err;
	}
	old->nlink++;
	tmpfs_touch(old, false);
	return 0;
}

static int
tmpfs_unlink(struct inode *dir, const char *name, size_t len,
	     struct inode *victim)
{
	struct tmpfs_dirent *d;

	if ((d = tmpfs_find(dir, name, len)) == NULL)
		return -ENOENT;
	if (K_ISDIR(d->inode->mode))
		return -EISDIR;
	tmpfs_drop_link(dir, tmpfs_del_entry(dir, d));
	return 0;
}

static int
tmpfs_rmdir(struct inode *dir, const char *name, size_t len,
	    struct inode *victim)
{
	struct tmpfs_dirent *d;

	if ((d = tmpfs_find(dir, name, len)) == NULL)
		return -ENOENT;
	if (!K_ISDIR(d->inode->mode))
		return -ENOTDIR;
	if (!list_empty(&TI(d->inode)->entries))
		return -ENOTEMPTY;
	tmpfs_drop_link(dir, tmpfs_del_entry(dir, d));
	return 0;
}

/* Is dir inside (or equal to) the directory anc? */
static bool
tmpfs_is_within(struct inode *dir, struct inode *anc)
{
	for (; dir; dir = TI(dir)->parent)
		if (dir == anc)
			return true;
	return false;
}

/* May src replace victim in a rename?  0, -ENOTDIR, -EISDIR, -ENOTEMPTY. */
static int
tmpfs_may_replace(struct inode *src, struct inode *victim)
{
	if (K_ISDIR(src->mode)) {
		if (!K_ISDIR(victim->mode))
			return -ENOTDIR;
		if (!list_empty(&TI(victim)->entries))
			return -ENOTEMPTY;
	} else if (K_ISDIR(victim->mode)) {
		return -EISDIR;
	}
	return 0;
}

/* A directory changes parent: fix the link counts and its parent. */
static void
tmpfs_reparent(struct inode *inode, struct inode *from, struct inode *to)
{
	if (!K_ISDIR(inode->mode) || from == to)
		return;
	from->nlink--;
	to->nlink++;
	TI(inode)->parent = to;
}

/* rename without EXCHANGE; nd (may be NULL) is the entry to replace. */
static int
tmpfs_move(struct inode *odir, struct tmpfs_dirent *od, struct inode *ndir,
	   struct tmpfs_dirent *nd, const char *nname, size_t nlen)
{
	struct inode *src = od->inode, *victim;
	int err;

	if (nd) {
		victim = nd->inode;
		nd->inode = tmpfs_del_entry(odir, od);
		tmpfs_touch(ndir, true);
		tmpfs_drop_link(ndir, victim);
	} else {
		if ((err = tmpfs_add_entry(ndir, nname, nlen, src)) < 0)
			return err;
		tmpfs_del_entry(odir, od); /* its reference moved */
	}
	tmpfs_reparent(src, odir, ndir);
	tmpfs_touch(src, false);
	return 0;
}

static void
tmpfs_exchange(struct inode *odir, struct tmpfs_dirent *od, struct inode *ndir,
	       struct tmpfs_dirent *nd)
{
	struct inode *a = od->inode, *b = nd->inode;

	od->inode = b;
	nd->inode = a;
	tmpfs_reparent(a, odir, ndir);
	tmpfs_reparent(b, ndir, odir);
	tmpfs_touch(a, false);
	tmpfs_touch(b, false);
	tmpfs_touch(odir, true);
	tmpfs_touch(ndir, true);
}

/*
 * rename(2) within one instance.  flags: RENAME_NOREPLACE, RENAME_EXCHANGE.
 * Moving a directory under itself is -EINVAL.  Renaming a name onto another
 * link of the same inode does nothing, as POSIX says.
 */
static int
tmpfs_rename(struct inode *odir, const char *oname, size_t olen,
	     struct inode *ndir, const char *nname, size_t nlen,
	     unsigned int flags)
{
	struct tmpfs_dirent *od, *nd;
	struct inode *src;
	int err;

	if ((flags & ~(K_RENAME_NOREPLACE | K_RENAME_EXCHANGE)) ||
	    flags == (K_RENAME_NOREPLACE | K_RENAME_EXCHANGE))
		return -EINVAL;
	if (odir->sb != ndir->sb)
		return -EXDEV;
	if (nlen == 0 || nlen > NAME_MAX_K)
		return nlen ? -ENAMETOOLONG : -ENOENT;
	if ((od = tmpfs_find(odir, oname, olen)) == NULL || ndir->nlink == 0)
		return -ENOENT;
	src = od->inode;
	nd = tmpfs_find(ndir, nname, nlen);
	if (K_ISDIR(src->mode) && tmpfs_is_within(ndir, src))
		return -EINVAL;
	if (flags & K_RENAME_EXCHANGE) {
		if (!nd)
			return -ENOENT;
		if (K_ISDIR(nd->inode->mode) &&
		    tmpfs_is_within(odir, nd->inode))
			return -EINVAL;
		if (nd->inode != src)
			tmpfs_exchange(odir, od, ndir, nd);
		return 0;
	}
	if (nd) {
		if (flags & K_RENAME_NOREPLACE)
			return -EEXIST;
		if (nd->inode == src)
			return 0;
		if ((err = tmpfs_may_replace(src, nd->inode)) < 0)
			return err;
	}
	return tmpfs_move(odir, od, ndir, nd, nname, nlen);
}

static ssize_t
tmpfs_readlink(struct inode *inode, char *buf, size_t len)
{
	size_t n = inode->size < len ? inode->size : len;

	memcpy(buf, TI(inode)->target, n);
	return (ssize_t)n;
}

/* Change a regular file's size: charge, and resize the memfd if any. */
static int
tmpfs_truncate(struct inode *inode, uint64_t size)
{
	struct tmpfs_inode *ti = TI(inode);
	int err;

	if (size > TMPFS_MAX_SIZE)
		return -EFBIG;
	if ((size < inode->size && (ti->seals & K_F_SEAL_SHRINK)) ||
	    (size > inode->size && (ti->seals & K_F_SEAL_GROW)))
		return -EPERM;
	if ((err = tmpfs_charge(inode, size)) < 0)
		return err;
	if (ti->memfd >= 0 && (err = host_ftruncate(ti->memfd, size)) < 0) {
		tmpfs_charge(inode, inode->size);
		return err;
	}
	inode->size = size;
	return 0;
}

static int
tmpfs_setattr(struct inode *inode, const struct iattr *attr)
{
	int err;

	if (attr->valid & ATTR_SIZE) {
		if (K_ISDIR(inode->mode))
			return -EISDIR;
		if (!K_ISREG(inode->mode))
			return -EINVAL;
		if ((err = tmpfs_truncate(inode, attr->size)) < 0)
			return err;
		inode->mtime = current_time();
	}
	if (attr->valid & ATTR_MODE)
		inode->mode = (inode->mode & K_S_IFMT) | (attr->mode & 07777);
	if (attr->valid & ATTR_UID)
		inode->uid = attr->uid;
	if (attr->valid & ATTR_GID)
		inode->gid = attr->gid;
	if (attr->valid & ATTR_ATIME)
		inode->atime = attr->atime;
	if (attr->valid & ATTR_MTIME)
		inode->mtime = attr->mtime;
	inode->ctime = current_time();
	return 0;
}

static ssize_t
tmpfs_getxattr(struct inode *inode, const char *name, void *buf, size_t size)
{
	return simple_xattr_get(&TI(inode)->xattrs, name, buf, size);
}

static int
tmpfs_setxattr(struct inode *inode, const char *name, const void *value,
	       size_t size, int flags)
{
	int r = simple_xattr_set(&TI(inode)->xattrs, name, value, size, flags);

	if (r == 0)
		inode->ctime = current_time();
	return r;
}

static ssize_t
tmpfs_listxattr(struct inode *inode, char *buf, size_t size)
{
	return simple_xattr_list(&TI(inode)->xattrs, buf, size);
}

static int
tmpfs_removexattr(struct inode *inode, const char *name)
{
	int r = simple_xattr_remove(&TI(inode)->xattrs, name);

	if (r == 0)
		inode->ctime = current_time();
	return r;
}

#define TMPFS_XATTR_OPS                                                        \
	.getxattr = tmpfs_getxattr, .setxattr = tmpfs_setxattr,               \
	.listxattr = tmpfs_listxattr, .removexattr = tmpfs_removexattr

static const struct inode_ops tmpfs_dir_iops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.mknod = tmpfs_mknod,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.setattr = tmpfs_setattr,
	TMPFS_XATTR_OPS,
};

static const struct inode_ops tmpfs_file_iops = {
	.setattr = tmpfs_setattr,
	TMPFS_XATTR_OPS,
};

static const struct inode_ops tmpfs_symlink_iops = {
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
	TMPFS_XATTR_OPS,
};

static const struct inode_ops tmpfs_special_iops = {
	.setattr = tmpfs_setattr,
	TMPFS_XATTR_OPS,
};

/* Directory files */

/* The first entry at or after position pos, or NULL. */
static struct tmpfs_dirent *
tmpfs_seek_entry(struct inode *dir, uint64_t pos)
{
	struct tmpfs_dirent *d;

	list_for_each_entry(d, &TI(dir)->entries, link)
		if (d->cookie >= pos)
			return d;
	return NULL;
}

/*
 * readdir: ".", "..", then entries from ctx->pos on.  emit() may sleep, so
 * if an entry was freed meanwhile the walk restarts from the position.
 */
static int
tmpfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	struct tmpfs_dirent *d;
	uint64_t gen;

	if (!dir_emit_dots(f, ctx))
		return 0;
	d = tmpfs_seek_entry(dir, ctx->pos);
	while (d) {
		gen = TI(dir)->gen;
		if (ctx->emit(ctx, d->name, d->len, d->inode->ino,
			      K_IFTODT(d->inode->mode)))
			break;
		ctx->pos = d->cookie + 1;
		if (TI(dir)->gen != gen)
			d = tmpfs_seek_entry(dir, ctx->pos);
		else if (d->link.next == &TI(dir)->entries)
			d = NULL;
		else
			d = list_entry(d->link.next, struct tmpfs_dirent, link);
	}
	tmpfs_read_atime(dir);
	return 0;
}

static int
tmpfs_fsync(struct file *f, bool datasync)
{
	return 0;
}

static const struct file_ops tmpfs_dir_fops = {
	.iterate = tmpfs_iterate,
	.llseek = cookie_dir_llseek,
	.fsync = tmpfs_fsync,
};

/* Regular files */

int
tmpfs_inode_memfd(struct inode *inode)
{
	struct tmpfs_inode *ti;
	int fd, err;

	if (inode->i_op != &tmpfs_file_iops)
		return -EINVAL;
	ti = TI(inode);
	if (ti->memfd >= 0)
		return ti->memfd;
	if ((fd = host_memfd_create("tmpfs")) < 0)
		return fd == -EMFILE || fd == -ENFILE ? -ENOSPC : fd;
	if (inode->size && (err = host_ftruncate(fd, inode->size)) < 0) {
		host_close(fd);
		return err;
	}
	ti->memfd = fd;
	return fd;
}

/* Copy n bytes at off from the memfd to u, zeros past the memfd's end. */
static ssize_t
tmpfs_read_data(int fd, struct uio *u, uint64_t off, size_t n)
{
	size_t done = 0, want;
	ssize_t r = 0;
	char *buf;

	if ((buf = malloc(n < TMPFS_CHUNK ? n : TMPFS_CHUNK)) == NULL)
		return -ENOMEM;
	while (done < n) {
		want = n - done < TMPFS_CHUNK ? n - done : TMPFS_CHUNK;
		if ((r = host_pread(fd, buf, want, off + done)) < 0)
			break;
		memset(buf + r, 0, want - (size_t)r);
		if ((r = uio_out(u, buf, want)) < 0)
			break;
		done += want;
	}
	free(buf);
	return done ? (ssize_t)done : r;
}

static ssize_t
tmpfs_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct inode *inode = f->inode;
	int fd = TI(inode)->memfd;
	size_t n = uio_left(u);
	ssize_t r;

	if (*pos >= inode->size || n == 0)
		return 0;
	if (n > inode->size - *pos)
		n = (size_t)(inode->size - *pos);
	if (fd < 0)
		r = uio_zero(u, n) < 0 ? -EFAULT : (ssize_t)n;
	else
		r = tmpfs_read_data(fd, u, *pos, n);
	if (r > 0) {
		*pos += (uint64_t)r;
		tmpfs_read_atime(inode);
	}
	return r;
}

/* Copy n bytes from u to the memfd at off. */
static ssize_t
tmpfs_write_data(int fd, struct uio *u, uint64_t off, size_t n)
{
	size_t done = 0, want;
	ssize_t r = 0;
	char *buf;

	if ((buf = malloc(n < TMPFS_CHUNK ? n : TMPFS_CHUNK)) == NULL)
		return -ENOMEM;
	while (done < n) {
		want = n - done < TMPFS_CHUNK ? n - done : TMPFS_CHUNK;
		if ((r = uio_in(u, buf, want)) < 0)
			break;
		if ((r = host_pwrite(fd, buf, want, off + done)) <= 0) {
			u->done -= want;
			r = r ? r : -EIO;
			break;
		}
		u->done -= want - (size_t)r;
		done += (size_t)r;
	}
	free(buf);
	return done ? (ssize_t)done : r;
}

/* Writing clears set-user-id, and set-group-id of group executables. */
static void
tmpfs_remove_privs(struct inode *inode)
{
	if (current && cred_is_root(&current->cred))
		return;
	if (inode->mode & K_S_ISUID)
		inode->mode &= ~(uint32_t)K_S_ISUID;
	if ((inode->mode & K_S_ISGID) && (inode->mode & 010))
		inode->mode &= ~(uint32_t)K_S_ISGID;
}

/*
 * Clip a write of n bytes at off to the file size limit and the size=
 * limit: the bytes that may be written, or -EFBIG/-ENOSPC if none.
 */
static ssize_t
tmpfs_write_room(struct inode *inode, uint64_t off, size_t n)
{
	struct tmpfs_info *fs = TI(inode)->fs;
	uint64_t end, room;

	if (off >= TMPFS_MAX_SIZE)
		return -EFBIG;
	if (n > TMPFS_MAX_SIZE - off)
		n = (size_t)(TMPFS_MAX_SIZE - off);
	end = off + n;
	if (fs->max_pages && end > inode->size) {
		room = (TI(inode)->charged + fs->max_pages - fs->pages) *
		       TMPFS_BLOCK;
		if (off >= room)
			return -ENOSPC;
		if (end > room)
			n = (size_t)(room - off);
	}
	return (ssize_t)n;
}

/* O_APPEND writes at the end of the file, whatever *pos says. */
static ssize_t
tmpfs_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct inode *inode = f->inode;
	uint64_t off = (f->flags & K_O_APPEND) ? inode->size : *pos;
	ssize_t n, r;
	int fd;

	if (uio_left(u) == 0)
		return 0;
	if ((TI(inode)->seals & (K_F_SEAL_WRITE | K_F_SEAL_FUTURE_WRITE)) ||
	    ((TI(inode)->seals & K_F_SEAL_GROW) && off + uio_left(u) > inode->size))
		return -EPERM;
	if ((n = tmpfs_write_room(inode, off, uio_left(u))) < 0)
		return n;
	if ((fd = tmpfs_inode_memfd(inode)) < 0)
		return fd;
	if ((r = tmpfs_write_data(fd, u, off, (size_t)n)) <= 0)
		return r;
	if (off + (uint64_t)r > inode->size) {
		tmpfs_charge(inode, off + (uint64_t)r);
		inode->size = off + (uint64_t)r;
	}
	*pos = off + (uint64_t)r;
	tmpfs_touch(inode, true);
	tmpfs_remove_privs(inode);
	return r;
}

/* SEEK_DATA and SEEK_HOLE treat the whole file as data. */
static int64_t
tmpfs_file_llseek(struct file *f, int64_t off, int whence)
{
	uint64_t size = f->inode->size;

	switch (whence) {
	case K_SEEK_DATA:
	case K_SEEK_HOLE:
		if (off < 0 || (uint64_t)off >= size)
			return -ENXIO;
		f->pos = whence == K_SEEK_DATA ? (uint64_t)off : size;
		return (int64_t)f->pos;
	default:
		return generic_llseek(f, off, whence);
	}
}

/*
 * fallocate: memory is not reserved ahead (the memfd fills as written),
 * so preallocation only grows the size unless KEEP_SIZE; a punched range
 * is freed in the memfd and reads as zeros.
 */
static int
tmpfs_fallocate(struct file *f, int mode, uint64_t off, uint64_t len)
{
	struct inode *inode = f->inode;
	int fd = TI(inode)->memfd, r = 0;

	if (mode & ~(K_FALLOC_FL_KEEP_SIZE | K_FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (mode & K_FALLOC_FL_PUNCH_HOLE) {
		if (TI(inode)->seals & (K_F_SEAL_WRITE | K_F_SEAL_FUTURE_WRITE))
			return -EPERM;
		if (fd >= 0 && off < inode->size)
			r = host_punch_hole(fd, off, len);
	} else if (!(mode & K_FALLOC_FL_KEEP_SIZE) && off + len > inode->size) {
		r = tmpfs_truncate(inode, off + len);
	} else {
		return 0;
	}
	if (r == 0)
		tmpfs_touch(inode, true);
	return r;
}

static int
tmpfs_mmap_fd(struct file *f, uint64_t off, uint64_t len)
{
	return tmpfs_inode_memfd(f->inode);
}

/* A write seal forbids shared writable mappings. */
static int
tmpfs_mmap_check(struct file *f, unsigned int prot, bool shared)
{
	if (shared && (prot & K_PROT_WRITE) &&
	    (TI(f->inode)->seals & (K_F_SEAL_WRITE | K_F_SEAL_FUTURE_WRITE)))
		return -EPERM;
	return 0;
}

static const struct file_ops tmpfs_file_fops = {
	.mmap_fd = tmpfs_mmap_fd,
	.read = tmpfs_read,
	.write = tmpfs_write,
	.llseek = tmpfs_file_llseek,
	.fsync = tmpfs_fsync,
	.fallocate = tmpfs_fallocate,
	.mmap_check = tmpfs_mmap_check,
};

/* The instance */

void
tmpfs_evict_inode(struct inode *inode)
{
	struct tmpfs_inode *ti = TI(inode);
	struct tmpfs_info *fs;

	if (!ti)
		return;
	fs = ti->fs;
	if (K_ISDIR(inode->mode))
		tmpfs_tree_clear(inode);
	if (ti->memfd >= 0)
		host_close(ti->memfd);
	fs->pages -= ti->charged;
	simple_xattrs_free(&ti->xattrs);
	free(ti->target);
	free(ti);
	inode->priv = NULL;
	if (--fs->inodes == 0 && fs->dead)
		free(fs);
}

/* The last mount is gone: free the tree; open files keep their inodes. */
void
tmpfs_put_super(struct super_block *sb)
{
	struct tmpfs_info *fs = sb->priv;

	if (sb->root && sb->root->inode)
		tmpfs_tree_clear(sb->root->inode);
	fs->dead = true;
	sb->priv = NULL;
	if (fs->inodes == 0)
		free(fs);
}

int
tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct tmpfs_info *fs = sb->priv;
	uint64_t blocks = fs->max_pages, files = fs->max_inodes;

	if (!blocks)
		blocks = mem_limit ? mem_limit / 2 / TMPFS_BLOCK : 1 << 20;
	if (blocks < fs->pages)
		blocks = fs->pages;
	if (!files)
		files = blocks;
	if (files < fs->inodes)
		files = fs->inodes;
	memset(st, 0, sizeof(*st));
	st->type = TMPFS_MAGIC;
	st->bsize = st->frsize = TMPFS_BLOCK;
	st->blocks = blocks;
	st->bfree = st->bavail = blocks - fs->pages;
	st->files = files;
	st->ffree = files - fs->inodes;
	st->namelen = NAME_MAX_K;
	st->flags = (int64_t)sb->flags;
	return 0;
}

const char *
tmpfs_show_options(struct super_block *sb)
{
	struct tmpfs_info *fs = sb->priv;

	return fs && fs->opts[0] ? fs->opts : NULL;
}

const struct super_ops tmpfs_super_ops = {
	.put_super = tmpfs_put_super,
	.statfs = tmpfs_statfs,
	.evict_inode = tmpfs_evict_inode,
	.show_options = tmpfs_show_options,
};

/* Options */

/* A number with an optional k/m/g/t suffix (or % of memory if pct). */
static int
tmpfs_parse_size(const char *s, bool pct_ok, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	case '%':
		if (!pct_ok || v > 100)
			return -EINVAL;
		end++;
		v = (unsigned long long)(mem_limit / 100 * v);
		break;
	}
	if (*end != '\0' || (shift && v > (UINT64_MAX >> shift)))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

static int
tmpfs_parse_u32(const char *s, int base, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end != '\0' || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int
tmpfs_parse_one(struct tmpfs_info *fs, const char *key, const char *val)
{
	uint64_t v;
	int err;

	if (strcmp(key, "size") == 0 || strcmp(key, "nr_blocks") == 0) {
		if ((err = tmpfs_parse_size(val, key[0] == 's', &v)) < 0)
			return err;
		fs->max_pages = key[0] == 's' ? pages_for(v) : v;
		return 0;
	}
	if (strcmp(key, "nr_inodes") == 0)
		return tmpfs_parse_size(val, false, &fs->max_inodes);
	if (strcmp(key, "mode") == 0) {
		if ((err = tmpfs_parse_u32(val, 8, &fs->mode)) < 0)
			return err;
		fs->mode &= 07777;
		return 0;
	}
	if (strcmp(key, "uid") == 0)
		return tmpfs_parse_u32(val, 10, &fs->uid);
	if (strcmp(key, "gid") == 0)
		return tmpfs_parse_u32(val, 10, &fs->gid);
	pr_debug("tmpfs: ignoring option %s", key);
	return 0;
}

/* Parse comma-separated key=value options; record them for show. */
static int
tmpfs_parse_options(struct tmpfs_info *fs, const char *data)
{
	char *copy, *opt, *save, *val;
	int err = 0;

	if (!data || !*data)
		return 0;
	if ((copy = strdup(data)) == NULL)
		return -ENOMEM;
	for (opt = strtok_r(copy, ",", &save); opt && err == 0;
	     opt = strtok_r(NULL, ",", &save)) {
		if ((val = strchr(opt, '=')) == NULL)
			continue; /* flags like "rw" or "inode64" */
		*val++ = '\0';
		err = tmpfs_parse_one(fs, opt, val);
	}
	free(copy);
	return err;
}

static void
tmpfs_format_options(struct tmpfs_info *fs, uint32_t def_mode)
{
	char *p = fs->opts, *end = fs->opts + sizeof(fs->opts);

	if (fs->max_pages)
		p += snprintf(p, (size_t)(end - p), ",size=%lluk",
			      (unsigned long long)fs->max_pages * 4);
	if (fs->max_inodes)
		p += snprintf(p, (size_t)(end - p), ",nr_inodes=%llu",
			      (unsigned long long)fs->max_inodes);
	if (fs->mode != def_mode)
		p += snprintf(p, (size_t)(end - p), ",mode=%o", fs->mode);
	if (fs->uid)
		p += snprintf(p, (size_t)(end - p), ",uid=%u", fs->uid);
	if (fs->gid)
		snprintf(p, (size_t)(end - p), ",gid=%u", fs->gid);
	memmove(fs->opts, fs->opts + (fs->opts[0] == ','),
		strlen(fs->opts) + 1);
}

/* An instance whose root has mode def_mode unless options say otherwise. */
static int
tmpfs_new_sb(const struct fs_type *type, const struct super_ops *ops,
	     const char *data, uint32_t def_mode, struct super_block **out)
{
	struct tmpfs_info *fs;
	struct super_block *sb;
	struct inode *root;
	int err;

	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return -ENOMEM;
	fs->mode = def_mode;
	tmpfs_owner(&fs->uid, &fs->gid);
	if ((err = tmpfs_parse_options(fs, data)) < 0 ||
	    (sb = sb_alloc(type, ops)) == NULL) {
		free(fs);
		return err < 0 ? err : -ENOMEM;
	}
	tmpfs_format_options(fs, def_mode);
	sb->priv = fs;
	if (!sb->dev)
		sb->dev = sb_anon_dev();
	sb->next_ino = 1;
	if ((root = tmpfs_new_inode(sb, NULL, K_S_IFDIR | fs->mode, 0,
				    &err)) == NULL)
		goto fail;
	root->uid = fs->uid;
	root->gid = fs->gid;
	if ((sb->root = dentry_make_root(sb, root)) == NULL) {
		err = -ENOMEM; /* it put root */
		goto fail;
	}
	*out = sb;
	return 0;
fail:
	sb->priv = NULL;
	sb_free(sb);
	if (fs->inodes == 0)
		free(fs);
	else
		fs->dead = true;
	return err;
}

int
tmpfs_fill_super(const struct fs_type *type, const struct super_ops *ops,
		 const char *data, struct super_block **out)
{
	return tmpfs_new_sb(type, ops, data, 01777, out);
}

int
tmpfs_make_root(struct super_block **out)
{
	return tmpfs_new_sb(&tmpfs_fs_type, &tmpfs_super_ops, NULL, 0755, out);
}

static int
tmpfs_mount(const struct fs_type *type, struct bdev *bd, const char *source,
	    unsigned long flags, const char *data, struct super_block **out)
{
	int err;

	if ((err = tmpfs_fill_super(type, &tmpfs_super_ops, data, out)) < 0)
		return err;
	(*out)->flags = flags;
	return 0;
}

struct fs_type tmpfs_fs_type = {
	.name = "tmpfs",
	.nodev = true,
	.mount = tmpfs_mount,
};

void
tmpfs_init(void)
{
	register_filesystem(&tmpfs_fs_type);
}

struct inode *
tmpfs_memfd_inode(struct super_block *sb, bool sealable, int *err)
{
	struct inode *inode = tmpfs_new_inode(sb, NULL, K_S_IFREG | 0777, 0, err);

	if (inode) {
		inode->nlink = 0;
		TI(inode)->seals = sealable ? 0 : K_F_SEAL_SEAL;
	}
	return inode;
}

int
tmpfs_get_seals(struct file *f)
{
	if (!f->inode || f->inode->f_op != &tmpfs_file_fops)
		return -EINVAL;
	return (int)TI(f->inode)->seals;
}

int
tmpfs_add_seals(struct file *f, unsigned int seals)
{
	struct tmpfs_inode *ti;

	if (!f->inode || f->inode->f_op != &tmpfs_file_fops)
		return -EINVAL;
	ti = TI(f->inode);
	if (seals & ~(unsigned int)(K_F_SEAL_SEAL | K_F_SEAL_SHRINK | K_F_SEAL_GROW |
				    K_F_SEAL_WRITE | K_F_SEAL_FUTURE_WRITE))
		return -EINVAL;
	if (!FMODE_WRITE(f))
		return -EPERM;
	if (ti->seals & K_F_SEAL_SEAL)
		return -EPERM;
	if ((seals & K_F_SEAL_WRITE) && !(ti->seals & K_F_SEAL_WRITE) &&
	    f->inode->writable_maps > 0)
		return -EBUSY;
	ti->seals |= seals;
	return 0;
}
