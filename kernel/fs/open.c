/*
 * Opening and closing files, and the syscalls about a file's place and
 * attributes: open/openat/creat, close, access, chdir/fchdir/chroot,
 * getcwd, umask, truncate, chmod, chown.  Mostly argument checking; the
 * walk is namei.c's, the objects the filesystems'.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

/* The guest's value: the host's <fcntl.h> makes O_LARGEFILE 0 on x86_64,
 * but musl passes it. */
#define K_O_LARGEFILE 0100000
#define OPEN_FLAGS_VALID                                                       \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |       \
	 O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT | K_O_LARGEFILE |          \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH | \
	 __O_TMPFILE)

bool
path_readonly(const struct path *p)
{
	return (p->mnt->flags & K_MS_RDONLY) ||
	       (p->mnt->sb->flags & K_MS_RDONLY);
}

/*
 * The mode without the set-id bits that chown, and a truncate by anyone
 * but root, take away (Linux's ATTR_KILL_SUID/SGID): set-user-id always,
 * set-group-id from a group executable or when the caller is outside the
 * file's group.  Directories keep theirs.
 */
static uint32_t
mode_without_privs(struct task *t, const struct inode *inode)
{
	uint32_t mode = inode->mode;

	if (K_ISDIR(mode))
		return mode;
	mode &= ~(uint32_t)K_S_ISUID;
	if ((mode & 010) ||
	    (t->cred.fsuid != 0 && !cred_in_group(&t->cred, inode->gid)))
		mode &= ~(uint32_t)K_S_ISGID;
	return mode;
}

int
vfs_setattr(struct task *t, const struct path *p, struct iattr *ia)
{
	struct inode *inode = p->dentry->inode;

	if (path_readonly(p))
		return -EROFS;
	if ((ia->valid & ATTR_SIZE) && !(ia->valid & ATTR_MODE) &&
	    t->cred.fsuid != 0 && K_ISREG(inode->mode) &&
	    mode_without_privs(t, inode) != inode->mode) {
		ia->valid |= ATTR_MODE;
		ia->mode = mode_without_privs(t, inode);
	}
	if (!inode->i_op || !inode->i_op->setattr)
		return -EPERM;
	ia->valid |= ATTR_CTIME;
	return inode->i_op->setattr(inode, ia);
}

static int
may_create_in(struct task *t, const struct path *dir)
{
	if (path_readonly(dir))
		return -EROFS;
	return inode_permission(t, dir->dentry->inode, MAY_WRITE | MAY_EXEC);
}

/* Create a regular file at last in parent; *out gets its place. */
static int
create_file(struct task *t, struct path *parent, const char *name, size_t len,
	    uint32_t mode, struct path *out)
{
	struct inode *dir = parent->dentry->inode, *inode;
	struct dentry *d;
	int r;

	if ((r = may_create_in(t, parent)) < 0)
		return r;
	if (!dir->i_op || !dir->i_op->create)
		return -EACCES;
	mode = (mode & 07777 & ~t->fs->umask) | K_S_IFREG;
	if ((r = dir->i_op->create(dir, name, len, mode, &inode)) < 0)
		return r;
	inode->uid = t->cred.fsuid;
	if (!(dir->mode & K_S_ISGID))
		inode->gid = t->cred.fsgid;
	if ((d = dentry_add(parent->dentry, name, len, inode)) == NULL)
		return -ENOMEM;
	out->mnt = parent->mnt;
	out->dentry = d;
	out->mnt->refcount++;
	return 0;
}

/* Find or create the file for an O_CREAT open. */
static int
open_create(struct task *t, int dirfd, const char *name, int flags,
	    uint32_t mode, struct path *out, bool *created)
{
	struct path parent;
	struct dentry *d;
	const char *last;
	size_t len;
	bool slash;
	int r;

	if ((r = path_parent(t, dirfd, name, &parent, &last, &len, &slash)) < 0)
		return r;
	if (slash || len == 0 || (len == 1 && last[0] == '.') ||
	    (len == 2 && last[0] == '.' && last[1] == '.')) {
		path_put(&parent);
		return -EISDIR;
	}
	if ((r = inode_permission(t, parent.dentry->inode, MAY_EXEC)) == 0)
		r = lookup_one(&parent, last, len, &d);
	if (r == -ENOENT) {
		r = create_file(t, &parent, last, len, mode, out);
		*created = r == 0;
	} else if (r == 0) {
		dentry_put(d);
		if (flags & O_EXCL)
			r = -EEXIST;
		else
			r = path_lookup(t, dirfd, name,
					(flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW,
					out);
	}
	path_put(&parent);
	return r;
}

static int
may_open(struct task *t, struct path *p, int flags, bool created)
{
	struct inode *inode = p->dentry->inode;
	int acc = flags & O_ACCMODE, mask = 0, r;

	if (K_ISLNK(inode->mode))
		return -ELOOP;
	if (K_ISDIR(inode->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !K_ISDIR(inode->mode))
		return -ENOTDIR;
	if (created)
		return 0;
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= MAY_READ;
	if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
		mask |= MAY_WRITE;
	if ((r = inode_permission(t, inode, mask)) < 0)
		return r;
	if ((mask & MAY_WRITE) && path_readonly(p) &&
	    (K_ISREG(inode->mode) || K_ISDIR(inode->mode)))
		return -EROFS;
	return 0;
}

static int
truncate_on_open(struct task *t, struct path *p)
{
	struct iattr ia = { .valid = ATTR_SIZE | ATTR_MTIME, .size = 0 };

	if (!K_ISREG(p->dentry->inode->mode) || p->dentry->inode->size == 0)
		return 0;
	ia.mtime = current_time();
	return vfs_setattr(t, p, &ia);
}

/* May sleep.  Returns the new fd. */
long
do_sys_open(struct task *t, int dirfd, uaddr_t upath, int flags, uint32_t mode)
{
	struct path p;
	struct file *f;
	bool created = false;
	char *name;
	int err = 0, r;

	if (flags & ~OPEN_FLAGS_VALID)
		return -EINVAL;
	if ((flags & __O_TMPFILE) == __O_TMPFILE)
		return -EOPNOTSUPP;
	if ((name = getname(t, upath, &err)) == NULL)
		return err;
	flags |= K_O_LARGEFILE; /* as 64-bit Linux forces it */
	if (flags & O_PATH)
		flags &= O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW;
	if (flags & O_CREAT)
		r = open_create(t, dirfd, name, flags, mode, &p, &created);
	else
		r = path_lookup(t, dirfd, name,
				((flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
					((flags & O_DIRECTORY)
						 ? LOOKUP_DIRECTORY : 0),
				&p);
	putname(name);
	if (r < 0)
		return r;
	if (flags & O_PATH) {
		r = (flags & O_DIRECTORY) && !K_ISDIR(p.dentry->inode->mode)
			    ? -ENOTDIR
			    : 0;
		f = r ? NULL : file_alloc(p.dentry->inode, NULL, (unsigned)flags);
		if (f) {
			f->path = p;
			path_get(&p);
		} else if (!r) {
			r = -ENOMEM;
		}
	} else if ((r = may_open(t, &p, flags, created)) == 0 &&
		   (!(flags & O_TRUNC) || (r = truncate_on_open(t, &p)) == 0)) {
		r = vfs_open_path(t, &p, (unsigned)flags & ~(O_CLOEXEC | O_TRUNC |
							    O_CREAT | O_EXCL),
				  &f);
		/* After the open, as Linux: a created file stays. */
		if (r == 0 && (flags & O_DIRECT) && !file_can_direct(f)) {
			file_put(f);
			r = -EINVAL;
		}
	}
	path_put(&p);
	if (r < 0)
		return r;
	return fd_install(t, f, (flags & O_CLOEXEC) ? FD_CLOEXEC_K : 0, 0);
}

long
sys_open(struct task *t, const uint64_t a[6])
{
	return do_sys_open(t, AT_FDCWD_K, UADDR(a[0]), (int)a[1],
			   (uint32_t)a[2]);
}

long
sys_openat(struct task *t, const uint64_t a[6])
{
	return do_sys_open(t, (int)a[0], UADDR(a[1]), (int)a[2],
			   (uint32_t)a[3]);
}

long
sys_creat(struct task *t, const uint64_t a[6])
{
	return do_sys_open(t, AT_FDCWD_K, UADDR(a[0]),
			   O_CREAT | O_WRONLY | O_TRUNC, (uint32_t)a[1]);
}

long
sys_close(struct task *t, const uint64_t a[6])
{
	return fd_close(t, (int)a[0]);
}

long
sys_close_range(struct task *t, const uint64_t a[6])
{
	unsigned int lo = (unsigned int)a[0], hi = (unsigned int)a[1];
	unsigned int flags = (unsigned int)a[2], fd;

	if (lo > hi || (flags & ~6u))
		return -EINVAL;
	for (fd = lo; fd <= hi && (int)fd < t->files->size; fd++) {
		if (flags & 4 /* CLOSE_RANGE_CLOEXEC */)
			fd_set_flags(t, (int)fd, FD_CLOEXEC_K);
		else
			fd_close(t, (int)fd);
	}
	return 0;
}

/* access() checks with the real ids, as POSIX says. */
static long
do_faccessat(struct task *t, int dirfd, uaddr_t upath, int mode, int flags)
{
	struct cred saved = t->cred;
	struct path p;
	char *name;
	int err = 0, r;

	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(0x200 /* AT_EACCESS */ | 0x100 | 0x1000))
		return -EINVAL;
	if ((name = (flags & 0x1000) ? getname_empty_ok(t, upath, &err)
				     : getname(t, upath, &err)) == NULL)
		return err;
	if (!(flags & 0x200)) {
		t->cred.fsuid = t->cred.uid;
		t->cred.fsgid = t->cred.gid;
	}
	r = path_lookup(t, dirfd, name,
			((flags & 0x100) ? 0 : LOOKUP_FOLLOW) |
				((flags & 0x1000) ? LOOKUP_EMPTY : 0),
			&p);
	putname(name);
	if (r == 0) {
		if (mode)
			r = inode_permission(t, p.dentry->inode, mode);
		if (r == 0 && (mode & MAY_WRITE) && path_readonly(&p) &&
		    !K_ISCHR(p.dentry->inode->mode) &&
		    !K_ISBLK(p.dentry->inode->mode) &&
		    !K_ISFIFO(p.dentry->inode->mode))
			r = -EROFS;
		path_put(&p);
	}
	t->cred.fsuid = saved.fsuid;
	t->cred.fsgid = saved.fsgid;
	return r;
}

long
sys_access(struct task *t, const uint64_t a[6])
{
	return do_faccessat(t, AT_FDCWD_K, UADDR(a[0]), (int)a[1], 0);
}

long
sys_faccessat(struct task *t, const uint64_t a[6])
{
	return do_faccessat(t, (int)a[0], UADDR(a[1]), (int)a[2], 0);
}

long
sys_faccessat2(struct task *t, const uint64_t a[6])
{
	return do_faccessat(t, (int)a[0], UADDR(a[1]), (int)a[2], (int)a[3]);
}

static int
set_cwd(struct task *t, struct path *p)
{
	int r;

	if (!K_ISDIR(p->dentry->inode->mode))
		return -ENOTDIR;
	if ((r = inode_permission(t, p->dentry->inode, MAY_EXEC)) < 0)
		return r;
	path_put(&t->fs->cwd);
	t->fs->cwd = *p;
	path_get(p);
	return 0;
}

long
sys_chdir(struct task *t, const uint64_t a[6])
{
	struct path p;
	char *name;
	int err = 0, r;

	if ((name = getname(t, UADDR(a[0]), &err)) == NULL)
		return err;
	r = path_lookup(t, AT_FDCWD_K, name, LOOKUP_FOLLOW, &p);
	putname(name);
	if (r < 0)
		return r;
	r = set_cwd(t, &p);
	path_put(&p);
	return r;
}

long
sys_fchdir(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, (int)a[0]);
	int r;

	if (!f)
		return -EBADF;
	r = f->path.mnt ? set_cwd(t, &f->path) : -ENOTDIR;
	file_put(f);
	return r;
}

long
sys_chroot(struct task *t, const uint64_t a[6])
{
	struct path p;
	char *name;
	int err = 0, r;

	if (!cred_is_root(&t->cred))
		return -EPERM;
	if ((name = getname(t, UADDR(a[0]), &err)) == NULL)
		return err;
	r = path_lookup(t, AT_FDCWD_K, name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
			&p);
	putname(name);
	if (r < 0)
		return r;
	path_put(&t->fs->root);
	t->fs->root = p;
	return 0;
}

long
sys_getcwd(struct task *t, const uint64_t a[6])
{
	size_t size = a[1];
	char *buf = malloc(PATH_MAX_K);
	long len;

	if (!buf)
		return -ENOMEM;
	len = path_name(&t->fs->cwd, &t->fs->root, buf, PATH_MAX_K);
	if (len >= 0 && t->fs->cwd.dentry->deleted)
		len = -ENOENT;
	if (len >= 0 && (size_t)len + 1 > size)
		len = -ERANGE;
	if (len >= 0 && copy_to_user(t, UADDR(a[0]), buf, (size_t)len + 1) < 0)
		len = -EFAULT;
	free(buf);
	return len < 0 ? len : len + 1;
}

long
sys_umask(struct task *t, const uint64_t a[6])
{
	uint32_t old = t->fs->umask;

	t->fs->umask = (uint32_t)a[0] & 0777;
	return old;
}

static int
do_truncate(struct task *t, struct path *p, int64_t len)
{
	struct iattr ia = { .valid = ATTR_SIZE | ATTR_MTIME };
	struct inode *inode = p->dentry->inode;
	int r;

	if (len < 0)
		return -EINVAL;
	if (K_ISDIR(inode->mode))
		return -EISDIR;
	if (!K_ISREG(inode->mode))
		return -EINVAL;
	if ((r = inode_permission(t, inode, MAY_WRITE)) < 0 ||
	    (r = file_size_allowed(t, (uint64_t)len)) < 0)
		return r;
	ia.size = (uint64_t)len;
	ia.mtime = current_time();
	return vfs_setattr(t, p, &ia);
}

long
sys_truncate(struct task *t, const uint64_t a[6])
{
	struct path p;
	char *name;
	int err = 0, r;

	if ((name = getname(t, UADDR(a[0]), &err)) == NULL)
		return err;
	r = path_lookup(t, AT_FDCWD_K, name, LOOKUP_FOLLOW, &p);
	putname(name);
	if (r < 0)
		return r;
	r = do_truncate(t, &p, (int64_t)a[1]);
	path_put(&p);
	return r;
}

/* fallocate(2)'s checks, in Linux's order (vfs_fallocate). */
static int
fallocate_check(struct file *f, int mode, int64_t off, int64_t len)
{
	int all = K_FALLOC_FL_KEEP_SIZE | K_FALLOC_FL_PUNCH_HOLE |
		  K_FALLOC_FL_NO_HIDE_STALE | K_FALLOC_FL_COLLAPSE_RANGE |
		  K_FALLOC_FL_ZERO_RANGE | K_FALLOC_FL_INSERT_RANGE |
		  K_FALLOC_FL_UNSHARE_RANGE;
	int moves = K_FALLOC_FL_COLLAPSE_RANGE | K_FALLOC_FL_INSERT_RANGE;
	int64_t end;

	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~all)
		return -EOPNOTSUPP;
	if ((mode & K_FALLOC_FL_PUNCH_HOLE) && (mode & K_FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if ((mode & K_FALLOC_FL_PUNCH_HOLE) && !(mode & K_FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if ((mode & moves) && (mode & ~moves))
		return -EINVAL;
	if ((mode & K_FALLOC_FL_UNSHARE_RANGE) &&
	    (mode & ~(K_FALLOC_FL_UNSHARE_RANGE | K_FALLOC_FL_KEEP_SIZE)))
		return -EINVAL;
	if (!FMODE_WRITE(f) || (f->flags & O_PATH))
		return -EBADF;
	if (K_ISFIFO(f->inode->mode))
		return -ESPIPE;
	if (K_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!K_ISREG(f->inode->mode))
		return -ENODEV;
	if (__builtin_add_overflow(off, len, &end))
		return -EFBIG;
	return 0;
}

long
sys_fallocate(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, (int)a[0]);
	int mode = (int)a[1], r;

	if (!f)
		return -EBADF;
	r = fallocate_check(f, mode, (int64_t)a[2], (int64_t)a[3]);
	if (r == 0 && !(mode & K_FALLOC_FL_KEEP_SIZE))
		r = file_size_allowed(t, a[2] + a[3]);
	if (r == 0)
		r = f->ops && f->ops->fallocate
			    ? f->ops->fallocate(f, mode, a[2], a[3])
			    : -EOPNOTSUPP;
	file_put(f);
	return r;
}

long
sys_ftruncate(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, (int)a[0]);
	struct iattr ia = { .valid = ATTR_SIZE | ATTR_MTIME };
	int r;

	if (!f)
		return -EBADF;
	if (!f->path.mnt || !FMODE_WRITE(f) || (f->flags & O_PATH))
		r = -EINVAL;
	else if (!K_ISREG(f->inode->mode))
		r = -EINVAL;
	else if ((int64_t)a[1] < 0)
		r = -EINVAL;
	else if ((r = file_size_allowed(t, a[1])) < 0)
		;
	else {
		ia.size = a[1];
		ia.mtime = current_time();
		r = vfs_setattr(t, &f->path, &ia);
	}
	file_put(f);
	return r;
}

/* Only the owner or root may change the mode; setgid is dropped for
 * non-members. */
static int
chmod_path(struct task *t, struct path *p, uint32_t mode)
{
	struct inode *inode = p->dentry->inode;
	struct iattr ia = { .valid = ATTR_MODE };

	if (t->cred.fsuid != inode->uid && t->cred.fsuid != 0)
		return -EPERM;
	mode &= 07777;
	if (t->cred.fsuid != 0 && !cred_in_group(&t->cred, inode->gid))
		mode &= ~(uint32_t)K_S_ISGID;
	ia.mode = (inode->mode & K_S_IFMT) | mode;
	return vfs_setattr(t, p, &ia);
}

/*
 * Root may give a file to anyone; its owner may only "change" the owner to
 * itself and the group to one it is in.  Set-id bits go even for root.
 */
static int
chown_path(struct task *t, struct path *p, uint32_t uid, uint32_t gid)
{
	struct inode *inode = p->dentry->inode;
	const struct cred *c = &t->cred;
	bool root = c->fsuid == 0, owner = c->fsuid == inode->uid;
	struct iattr ia = { 0 };

	if (uid != (uint32_t)-1) {
		if (!root && (!owner || uid != inode->uid))
			return -EPERM;
		ia.valid |= ATTR_UID;
		ia.uid = uid;
	}
	if (gid != (uint32_t)-1) {
		if (!root && (!owner || (gid != inode->gid &&
					 !cred_in_group(c, gid))))
			return -EPERM;
		ia.valid |= ATTR_GID;
		ia.gid = gid;
	}
	if ((ia.mode = mode_without_privs(t, inode)) != inode->mode) {
		if (!root && !owner)
			return -EPERM;
		ia.valid |= ATTR_MODE;
	}
	return ia.valid ? vfs_setattr(t, p, &ia) : 0;
}

/* Resolve a path argument of the *at family (with AT_EMPTY_PATH support). */
int
user_path_at(struct task *t, int dirfd, uaddr_t upath, int atflags,
	     struct path *out)
{
	unsigned int lf = (atflags & 0x100) ? 0 : LOOKUP_FOLLOW;
	char *name;
	int err = 0, r;

	if (atflags & 0x1000)
		lf |= LOOKUP_EMPTY;
	name = (atflags & 0x1000) ? getname_empty_ok(t, upath, &err)
				  : getname(t, upath, &err);
	if (!name)
		return err;
	r = path_lookup(t, dirfd, name, lf, out);
	putname(name);
	return r;
}

static long
fd_path_op(struct task *t, int fd, int (*op)(struct task *, struct path *,
					    uint64_t, uint64_t),
	   uint64_t x, uint64_t y)
{
	struct file *f = fd_get(t, fd);
	int r;

	if (!f)
		return -EBADF;
	r = f->path.mnt ? op(t, &f->path, x, y) : -EBADF;
	file_put(f);
	return r;
}

static int
chmod_op(struct task *t, struct path *p, uint64_t mode, uint64_t unused)
{
	return chmod_path(t, p, (uint32_t)mode);
}

static int
chown_op(struct task *t, struct path *p, uint64_t uid, uint64_t gid)
{
	return chown_path(t, p, (uint32_t)uid, (uint32_t)gid);
}

static long
path_op_at(struct task *t, int dirfd, uaddr_t upath, int atflags,
	   int (*op)(struct task *, struct path *, uint64_t, uint64_t),
	   uint64_t x, uint64_t y)
{
	struct path p;
	int r;

	if ((r = user_path_at(t, dirfd, upath, atflags, &p)) < 0)
		return r;
	r = op(t, &p, x, y);
	path_put(&p);
	return r;
}

long
sys_chmod(struct task *t, const uint64_t a[6])
{
	return path_op_at(t, AT_FDCWD_K, UADDR(a[0]), 0, chmod_op, a[1], 0);
}

long
sys_fchmod(struct task *t, const uint64_t a[6])
{
	return fd_path_op(t, (int)a[0], chmod_op, a[1], 0);
}

long
sys_fchmodat(struct task *t, const uint64_t a[6])
{
	return path_op_at(t, (int)a[0], UADDR(a[1]), 0, chmod_op, a[2], 0);
}

long
sys_chown(struct task *t, const uint64_t a[6])
{
	return path_op_at(t, AT_FDCWD_K, UADDR(a[0]), 0, chown_op, a[1], a[2]);
}

long
sys_lchown(struct task *t, const uint64_t a[6])
{
	return path_op_at(t, AT_FDCWD_K, UADDR(a[0]), 0x100, chown_op, a[1],
			  a[2]);
}

long
sys_fchown(struct task *t, const uint64_t a[6])
{
	return fd_path_op(t, (int)a[0], chown_op, a[1], a[2]);
}

long
sys_fchownat(struct task *t, const uint64_t a[6])
{
	if ((int)a[4] & ~(0x100 | 0x1000))
		return -EINVAL;
	return path_op_at(t, (int)a[0], UADDR(a[1]), (int)a[4], chown_op, a[2],
			  a[3]);
}

/* utimensat and its elders: set atime and mtime, or stamp them now. */
#define UTIME_NOW_K ((1L << 30) - 1)
#define UTIME_OMIT_K ((1L << 30) - 2)

struct utime_req {
	struct timespec_k ts[2]; /* atime, mtime */
	bool omit[2], now[2];
};

static int
utime_apply(struct task *t, struct path *p, const struct utime_req *u)
{
	struct inode *inode = p->dentry->inode;
	struct iattr ia = { 0 };
	bool owner = t->cred.fsuid == inode->uid || t->cred.fsuid == 0;
	int i;

	if (u->omit[0] && u->omit[1])
		return 0;
	/* Stamping "now" needs write access; explicit times, ownership. */
	if ((!u->now[0] && !u->omit[0]) || (!u->now[1] && !u->omit[1])) {
		if (!owner)
			return -EPERM;
	} else if (!owner && inode_permission(t, inode, MAY_WRITE) < 0) {
		return -EACCES;
	}
	for (i = 0; i < 2; i++) {
		struct timespec_k ts = u->now[i] ? current_time() : u->ts[i];

		if (u->omit[i])
			continue;
		ia.valid |= i ? ATTR_MTIME : ATTR_ATIME;
		if (i)
			ia.mtime = ts;
		else
			ia.atime = ts;
	}
	return vfs_setattr(t, p, &ia);
}

static int
utime_from_timespecs(struct task *t, uaddr_t uts, struct utime_req *u)
{
	struct {
		int64_t sec, nsec;
	} ts[2];
	int i;

	memset(u, 0, sizeof(*u));
	if (uaddr_is_null(uts)) {
		u->now[0] = u->now[1] = true;
		return 0;
	}
	if (copy_from_user(t, ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	for (i = 0; i < 2; i++) {
		if (ts[i].nsec == UTIME_NOW_K)
			u->now[i] = true;
		else if (ts[i].nsec == UTIME_OMIT_K)
			u->omit[i] = true;
		else if (ts[i].nsec < 0 || ts[i].nsec >= 1000000000)
			return -EINVAL;
		u->ts[i] = (struct timespec_k){ ts[i].sec, ts[i].nsec };
	}
	return 0;
}

static int
utime_from_timevals(struct task *t, uaddr_t utv, struct utime_req *u)
{
	struct {
		int64_t sec, usec;
	} tv[2];
	int i;

	memset(u, 0, sizeof(*u));
	if (uaddr_is_null(utv)) {
		u->now[0] = u->now[1] = true;
		return 0;
	}
	if (copy_from_user(t, tv, utv, sizeof(tv)) < 0)
		return -EFAULT;
	for (i = 0; i < 2; i++) {
		if (tv[i].usec < 0 || tv[i].usec >= 1000000)
			return -EINVAL;
		u->ts[i] = (struct timespec_k){ tv[i].sec, tv[i].usec * 1000 };
	}
	return 0;
}

/* The place to stamp: a path at dirfd, or (path NULL) the fd itself. */
static long
utime_at(struct task *t, int dirfd, uaddr_t upath, int flags,
	 const struct utime_req *u)
{
	struct path p;
	struct file *f;
	int r;

	if (flags & ~(0x100 | 0x1000))
		return -EINVAL;
	if (uaddr_is_null(upath)) {
		if ((f = fd_get(t, dirfd)) == NULL)
			return -EBADF;
		r = f->path.mnt ? utime_apply(t, &f->path, u) : -EBADF;
		file_put(f);
		return r;
	}
	if ((r = user_path_at(t, dirfd, upath, flags, &p)) < 0)
		return r;
	r = utime_apply(t, &p, u);
	path_put(&p);
	return r;
}

long
sys_utimensat(struct task *t, const uint64_t a[6])
{
	struct utime_req u;
	int r;

	if ((r = utime_from_timespecs(t, UADDR(a[2]), &u)) < 0)
		return r;
	return utime_at(t, (int)a[0], UADDR(a[1]), (int)a[3], &u);
}

long
sys_futimesat(struct task *t, const uint64_t a[6])
{
	struct utime_req u;
	int r;

	if ((r = utime_from_timevals(t, UADDR(a[2]), &u)) < 0)
		return r;
	if (!a[1])
		return -EFAULT;
	return utime_at(t, (int)a[0], UADDR(a[1]), 0, &u);
}

long
sys_utimes(struct task *t, const uint64_t a[6])
{
	uint64_t b[6] = { (uint64_t)AT_FDCWD_K, a[0], a[1] };

	return sys_futimesat(t, b);
}

long
sys_utime(struct task *t, const uint64_t a[6])
{
	struct utime_req u;
	int64_t tb[2];

	memset(&u, 0, sizeof(u));
	if (!a[1]) {
		u.now[0] = u.now[1] = true;
	} else {
		if (copy_from_user(t, tb, UADDR(a[1]), sizeof(tb)) < 0)
			return -EFAULT;
		u.ts[0] = (struct timespec_k){ tb[0], 0 };
		u.ts[1] = (struct timespec_k){ tb[1], 0 };
	}
	if (!a[0])
		return -EFAULT;
	return utime_at(t, AT_FDCWD_K, UADDR(a[0]), 0, &u);
}
