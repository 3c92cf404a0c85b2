/*
 * Extended attributes: the *xattr system calls (get, set, list, remove,
 * each on a path, a path without following a symlink, or an fd).  Names
 * must be in a namespace Linux knows; the filesystem's inode_ops store
 * them.  Access rules: user.* follows the file's read/write permission
 * and exists only on regular files and directories; trusted.* and writing
 * security.* need root.
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

#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536
#define XATTR_LIST_MAX 65536
#define XATTR_CREATE_K 1
#define XATTR_REPLACE_K 2

/* The place the call names: a path (following links or not) or an fd. */
struct xattr_target {
	struct path path;
	struct file *file;
	struct inode *inode;
};

static int
target_get(struct task *t, int how, const uint64_t a0, struct xattr_target *x)
{
	int r;

	memset(x, 0, sizeof(*x));
	if (how == 2) {
		if ((x->file = fd_get(t, (int)a0)) == NULL)
			return -EBADF;
		if (!x->file->inode) {
			file_put(x->file);
			return -EBADF;
		}
		x->inode = x->file->inode;
		return 0;
	}
	if ((r = user_path_at(t, AT_FDCWD_K, UADDR(a0), how ? 0x100 : 0,
			      &x->path)) < 0)
		return r;
	x->inode = x->path.dentry->inode;
	return 0;
}

static void
target_put(struct xattr_target *x)
{
	if (x->file)
		file_put(x->file);
	else
		path_put(&x->path);
}

static bool
target_readonly(const struct xattr_target *x)
{
	const struct path *p = x->file ? &x->file->path : &x->path;

	return p->mnt && path_readonly(p);
}

static int
get_name(struct task *t, uaddr_t uname, char *name)
{
	long n = strncpy_from_user(t, name, uname, XATTR_NAME_MAX + 1);

	if (n == -ENAMETOOLONG)
		return -ERANGE;
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ERANGE;
	if (strncmp(name, "user.", 5) && strncmp(name, "trusted.", 8) &&
	    strncmp(name, "security.", 9) && strncmp(name, "system.", 7))
		return -EOPNOTSUPP;
	return 0;
}

/* May t read (mask MAY_READ) or write (MAY_WRITE) attribute name? */
static int
xattr_permission(struct task *t, struct inode *inode, const char *name,
		 int mask)
{
	if (strncmp(name, "trusted.", 8) == 0)
		return cred_is_root(&t->cred) ? 0 : -EPERM;
	if (strncmp(name, "security.", 9) == 0)
		return (mask & MAY_WRITE) && !cred_is_root(&t->cred) ? -EPERM
								     : 0;
	if (strncmp(name, "user.", 5) == 0) {
		if (!K_ISREG(inode->mode) && !K_ISDIR(inode->mode))
			return mask & MAY_WRITE ? -EPERM : -ENODATA;
		return inode_permission(t, inode, mask);
	}
	return 0;
}

static long
do_getxattr(struct task *t, const uint64_t a[6], int how)
{
	struct xattr_target x;
	char name[XATTR_NAME_MAX + 1];
	size_t size = a[3] > XATTR_SIZE_MAX ? XATTR_SIZE_MAX : a[3];
	char *buf = NULL;
	long r;

	if ((r = get_name(t, UADDR(a[1]), name)) < 0)
		return r;
	if ((r = target_get(t, how, a[0], &x)) < 0)
		return r;
	if ((r = xattr_permission(t, x.inode, name, MAY_READ)) < 0)
		goto out;
	if (!x.inode->i_op || !x.inode->i_op->getxattr) {
		r = -EOPNOTSUPP;
		goto out;
	}
	if (size && (buf = malloc(size)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	r = x.inode->i_op->getxattr(x.inode, name, buf, size);
	if (r > 0 && size && copy_to_user(t, UADDR(a[2]), buf, (size_t)r) < 0)
		r = -EFAULT;
out:
	free(buf);
	target_put(&x);
	return r;
}

static long
do_setxattr(struct task *t, const uint64_t a[6], int how)
{
	struct xattr_target x;
	char name[XATTR_NAME_MAX + 1];
	size_t size = a[3];
	int flags = (int)a[4];
	char *buf = NULL;
	long r;

	if (flags & ~(XATTR_CREATE_K | XATTR_REPLACE_K))
		return -EINVAL;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	if ((r = get_name(t, UADDR(a[1]), name)) < 0)
		return r;
	if (size && (buf = malloc(size)) == NULL)
		return -ENOMEM;
	if (size && copy_from_user(t, buf, UADDR(a[2]), size) < 0) {
		free(buf);
		return -EFAULT;
	}
	if ((r = target_get(t, how, a[0], &x)) < 0) {
		free(buf);
		return r;
	}
	if (target_readonly(&x))
		r = -EROFS;
	else if ((r = xattr_permission(t, x.inode, name, MAY_WRITE)) < 0)
		;
	else if (!x.inode->i_op || !x.inode->i_op->setxattr)
		r = -EOPNOTSUPP;
	else
		r = x.inode->i_op->setxattr(x.inode, name, buf, size, flags);
	free(buf);
	target_put(&x);
	return r;
}

static long
do_listxattr(struct task *t, const uint64_t a[6], int how)
{
	struct xattr_target x;
	size_t size = a[2] > XATTR_LIST_MAX ? XATTR_LIST_MAX : a[2];
	char *buf = NULL;
	long r;

	if ((r = target_get(t, how, a[0], &x)) < 0)
		return r;
	if (!x.inode->i_op || !x.inode->i_op->listxattr) {
		r = 0; /* no attributes */
		goto out;
	}
	if (size && (buf = malloc(size)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	r = x.inode->i_op->listxattr(x.inode, buf, size);
	if (r > 0 && size && copy_to_user(t, UADDR(a[1]), buf, (size_t)r) < 0)
		r = -EFAULT;
out:
	free(buf);
	target_put(&x);
	return r;
}

static long
do_removexattr(struct task *t, const uint64_t a[6], int how)
{
	struct xattr_target x;
	char name[XATTR_NAME_MAX + 1];
	long r;

	if ((r = get_name(t, UADDR(a[1]), name)) < 0)
		return r;
	if ((r = target_get(t, how, a[0], &x)) < 0)
		return r;
	if (target_readonly(&x))
		r = -EROFS;
	else if ((r = xattr_permission(t, x.inode, name, MAY_WRITE)) < 0)
		;
	else if (!x.inode->i_op || !x.inode->i_op->removexattr)
		r = -EOPNOTSUPP;
	else
		r = x.inode->i_op->removexattr(x.inode, name);
	target_put(&x);
	return r;
}

long
sys_getxattr(struct task *t, const uint64_t a[6])
{
	return do_getxattr(t, a, 0);
}

long
sys_lgetxattr(struct task *t, const uint64_t a[6])
{
	return do_getxattr(t, a, 1);
}

long
sys_fgetxattr(struct task *t, const uint64_t a[6])
{
	return do_getxattr(t, a, 2);
}

long
sys_setxattr(struct task *t, const uint64_t a[6])
{
	return do_setxattr(t, a, 0);
}

long
sys_lsetxattr(struct task *t, const uint64_t a[6])
{
	return do_setxattr(t, a, 1);
}

long
sys_fsetxattr(struct task *t, const uint64_t a[6])
{
	return do_setxattr(t, a, 2);
}

long
sys_listxattr(struct task *t, const uint64_t a[6])
{
	return do_listxattr(t, a, 0);
}

long
sys_llistxattr(struct task *t, const uint64_t a[6])
{
	return do_listxattr(t, a, 1);
}

long
sys_flistxattr(struct task *t, const uint64_t a[6])
{
	return do_listxattr(t, a, 2);
}

long
sys_removexattr(struct task *t, const uint64_t a[6])
{
	return do_removexattr(t, a, 0);
}

long
sys_lremovexattr(struct task *t, const uint64_t a[6])
{
	return do_removexattr(t, a, 1);
}

long
sys_fremovexattr(struct task *t, const uint64_t a[6])
{
	return do_removexattr(t, a, 2);
}
