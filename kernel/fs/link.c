/*
 * Names in directories: mkdir, mknod, symlink, link, unlink, rmdir and
 * rename, with the checks POSIX asks for (write+search on the directory,
 * the sticky bit, read-only mounts, cross-device renames) before the
 * filesystem's inode_ops do the work and the dentry cache is updated.
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

#define AT_REMOVEDIR_K 0x200
#define RENAME_NOREPLACE_K 1
#define RENAME_EXCHANGE_K 2
#define RENAME_WHITEOUT_K 4

/* A resolved parent directory and the last name in it. */
struct target {
	char *buf;
	struct path dir;
	const char *name;
	size_t len;
	bool slash;
};

static void
target_put(struct target *tg)
{
	path_put(&tg->dir);
	putname(tg->buf);
}

static int
get_target(struct task *t, int dirfd, uaddr_t upath, struct target *tg)
{
	int err = 0, r;

	if ((tg->buf = getname(t, upath, &err)) == NULL)
		return err;
	r = path_parent(t, dirfd, tg->buf, &tg->dir, &tg->name, &tg->len,
			&tg->slash);
	if (r < 0)
		putname(tg->buf);
	return r;
}

static bool
is_dot_or_dotdot(const struct target *tg)
{
	return tg->len == 0 || (tg->len == 1 && tg->name[0] == '.') ||
	       (tg->len == 2 && tg->name[0] == '.' && tg->name[1] == '.');
}

static int
may_create(struct task *t, struct target *tg)
{
	struct dentry *d;
	int r;

	if (is_dot_or_dotdot(tg))
		return -EEXIST;
	if (tg->len > NAME_MAX_K)
		return -ENAMETOOLONG;
	if ((r = inode_permission(t, tg->dir.dentry->inode, MAY_EXEC)) < 0)
		return r;
	r = lookup_one(&tg->dir, tg->name, tg->len, &d);
	if (r == 0) {
		dentry_put(d);
		return -EEXIST;
	}
	if (r != -ENOENT)
		return r;
	if (path_readonly(&tg->dir))
		return -EROFS;
	return inode_permission(t, tg->dir.dentry->inode, MAY_WRITE | MAY_EXEC);
}

/* Enter a new inode in the dentry cache under tg; *out (if not NULL) gets
 * a reference to its dentry. */
static int
add_name(struct task *t, struct target *tg, struct inode *inode,
	 struct dentry **out)
{
	struct dentry *d;

	inode->uid = t->cred.fsuid;
	if (!(tg->dir.dentry->inode->mode & K_S_ISGID))
		inode->gid = t->cred.fsgid;
	else if (K_ISDIR(inode->mode))
		inode->mode |= K_S_ISGID;
	if ((d = dentry_add(tg->dir.dentry, tg->name, tg->len, inode)) == NULL)
		return -ENOMEM;
	if (out)
		*out = d;
	else
		dentry_put(d);
	return 0;
}

/* Make the node tg names; *out (if not NULL) gets its dentry. */
static int
make_node_at(struct task *t, struct target *tg, uint32_t mode, uint64_t rdev,
	     const char *linktarget, struct dentry **out)
{
	struct inode *dir, *inode;
	const struct inode_ops *op;
	int r;

	if ((r = may_create(t, tg)) < 0)
		return r;
	dir = tg->dir.dentry->inode;
	op = dir->i_op;
	if (tg->slash && !K_ISDIR(mode))
		return -ENOENT;
	if (K_ISDIR(mode))
		r = op->mkdir ? op->mkdir(dir, tg->name, tg->len, mode, &inode)
			      : -EPERM;
	else if (K_ISLNK(mode))
		r = op->symlink ? op->symlink(dir, tg->name, tg->len,
					      linktarget, &inode)
				: -EPERM;
	else if (K_ISREG(mode))
		r = op->create ? op->create(dir, tg->name, tg->len, mode,
					    &inode)
			       : -EPERM;
	else
		r = op->mknod ? op->mknod(dir, tg->name, tg->len, mode, rdev,
					  &inode)
			      : -EPERM;
	if (r == 0)
		r = add_name(t, tg, inode, out);
	return r;
}

static int
make_node(struct task *t, int dirfd, uaddr_t upath, uint32_t mode,
	  uint64_t rdev, const char *linktarget)
{
	struct target tg;
	int r;

	if ((r = get_target(t, dirfd, upath, &tg)) < 0)
		return r;
	r = make_node_at(t, &tg, mode, rdev, linktarget, NULL);
	target_put(&tg);
	return r;
}

int
vfs_mknod_name(struct task *t, const char *name, uint32_t mode,
	       struct path *out)
{
	struct target tg = { 0 };
	int r;

	r = path_parent(t, AT_FDCWD_K, name, &tg.dir, &tg.name, &tg.len,
			&tg.slash);
	if (r < 0)
		return r;
	if ((r = make_node_at(t, &tg, mode, 0, NULL, &out->dentry)) == 0) {
		out->mnt = tg.dir.mnt;
		out->mnt->refcount++;
	}
	path_put(&tg.dir);
	return r;
}

long
sys_mkdirat(struct task *t, const uint64_t a[6])
{
	uint32_t mode = ((uint32_t)a[2] & 07777 & ~t->fs->umask) | K_S_IFDIR;

	return make_node(t, (int)a[0], UADDR(a[1]), mode, 0, NULL);
}

long
sys_mkdir(struct task *t, const uint64_t a[6])
{
	uint64_t b[6] = { (uint64_t)AT_FDCWD_K, a[0], a[1] };

	return sys_mkdirat(t, b);
}

long
sys_mknodat(struct task *t, const uint64_t a[6])
{
	uint32_t mode = (uint32_t)a[2];
	uint32_t perm = mode & 07777 & ~t->fs->umask;
	uint64_t dev = a[3];

	switch (mode & K_S_IFMT) {
	case 0:
		mode |= K_S_IFREG;
		break;
	case K_S_IFREG:
	case K_S_IFIFO:
	case K_S_IFSOCK:
		break;
	case K_S_IFCHR:
	case K_S_IFBLK:
		if (!cred_is_root(&t->cred))
			return -EPERM;
		break;
	case K_S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	dev = k_makedev((unsigned int)((dev >> 8) & 0xfff) |
				(unsigned int)((dev >> 32) & ~0xfffULL),
			(unsigned int)(dev & 0xff) |
				(unsigned int)((dev >> 12) & ~0xffULL));
	return make_node(t, (int)a[0], UADDR(a[1]), (mode & K_S_IFMT) | perm,
			 dev, NULL);
}

long
sys_mknod(struct task *t, const uint64_t a[6])
{
	uint64_t b[6] = { (uint64_t)AT_FDCWD_K, a[0], a[1], a[2] };

	return sys_mknodat(t, b);
}

long
sys_symlinkat(struct task *t, const uint64_t a[6])
{
	char *target;
	int err = 0, r;

	if ((target = getname(t, UADDR(a[0]), &err)) == NULL)
		return err;
	r = make_node(t, (int)a[1], UADDR(a[2]), K_S_IFLNK | 0777, 0, target);
	putname(target);
	return r;
}

long
sys_symlink(struct task *t, const uint64_t a[6])
{
	uint64_t b[6] = { a[0], (uint64_t)AT_FDCWD_K, a[1] };

	return sys_symlinkat(t, b);
}

/* The sticky bit: only the owner of the file or the directory may remove. */
static int
may_delete(struct task *t, struct path *dir, struct inode *victim)
{
	struct inode *d = dir->dentry->inode;
	int r;

	if (path_readonly(dir))
		return -EROFS;
	if ((r = inode_permission(t, d, MAY_WRITE | MAY_EXEC)) < 0)
		return r;
	if ((d->mode & K_S_ISVTX) && t->cred.fsuid != 0 &&
	    t->cred.fsuid != victim->uid && t->cred.fsuid != d->uid)
		return -EPERM;
	return 0;
}

static int
do_unlink(struct task *t, int dirfd, uaddr_t upath, bool rmdir)
{
	struct target tg;
	struct dentry *d = NULL;
	struct inode *dir;
	int r;

	if ((r = get_target(t, dirfd, upath, &tg)) < 0)
		return r;
	if (is_dot_or_dotdot(&tg)) {
		r = !rmdir ? -EISDIR
		    : (tg.len == 2) ? -ENOTEMPTY : tg.len == 0 ? -EBUSY : -EINVAL;
		goto out;
	}
	dir = tg.dir.dentry->inode;
	if ((r = inode_permission(t, dir, MAY_EXEC)) < 0 ||
	    (r = lookup_one(&tg.dir, tg.name, tg.len, &d)) < 0)
		goto out;
	if (rmdir && !K_ISDIR(d->inode->mode))
		r = -ENOTDIR;
	else if (!rmdir && K_ISDIR(d->inode->mode))
		r = -EISDIR;
	else if (!rmdir && tg.slash)
		r = -ENOTDIR;
	else if (d->mounted)
		r = -EBUSY;
	else if ((r = may_delete(t, &tg.dir, d->inode)) == 0)
		r = rmdir ? (dir->i_op->rmdir ? dir->i_op->rmdir(dir, tg.name,
								 tg.len,
								 d->inode)
					      : -EPERM)
			  : (dir->i_op->unlink ? dir->i_op->unlink(dir, tg.name,
								   tg.len,
								   d->inode)
					       : -EPERM);
	if (r == 0) {
		d->deleted = true;
		dentry_unhash(d);
	}
	dentry_put(d);
out:
	target_put(&tg);
	return r;
}

long
sys_unlink(struct task *t, const uint64_t a[6])
{
	return do_unlink(t, AT_FDCWD_K, UADDR(a[0]), false);
}

long
sys_rmdir(struct task *t, const uint64_t a[6])
{
	return do_unlink(t, AT_FDCWD_K, UADDR(a[0]), true);
}

long
sys_unlinkat(struct task *t, const uint64_t a[6])
{
	if (a[2] & ~(uint64_t)AT_REMOVEDIR_K)
		return -EINVAL;
	return do_unlink(t, (int)a[0], UADDR(a[1]), a[2] & AT_REMOVEDIR_K);
}

long
sys_linkat(struct task *t, const uint64_t a[6])
{
	int flags = (int)a[4], r;
	struct path old;
	struct target tg;
	struct inode *dir;

	if (flags & ~(0x400 /* AT_SYMLINK_FOLLOW */ | 0x1000))
		return -EINVAL;
	if ((r = user_path_at(t, (int)a[0], UADDR(a[1]),
			      (flags & 0x400) ? (flags & 0x1000)
					      : (0x100 | (flags & 0x1000)),
			      &old)) < 0)
		return r;
	if ((r = get_target(t, (int)a[2], UADDR(a[3]), &tg)) < 0)
		goto out_old;
	dir = tg.dir.dentry->inode;
	if (K_ISDIR(old.dentry->inode->mode))
		r = -EPERM;
	else if (old.mnt->sb != tg.dir.mnt->sb)
		r = -EXDEV;
	else if ((r = may_create(t, &tg)) == 0)
		r = dir->i_op->link ? dir->i_op->link(old.dentry->inode, dir,
						      tg.name, tg.len)
				    : -EPERM;
	if (r == 0)
		dentry_put(dentry_add(tg.dir.dentry, tg.name, tg.len,
				      inode_get(old.dentry->inode)));
	target_put(&tg);
out_old:
	path_put(&old);
	return r;
}

long
sys_link(struct task *t, const uint64_t a[6])
{
	uint64_t b[6] = { (uint64_t)AT_FDCWD_K, a[0], (uint64_t)AT_FDCWD_K,
			  a[1], 0 };

	return sys_linkat(t, b);
}

/* Is d an ancestor of (or equal to) e?  Renaming a dir under itself. */
static bool
is_ancestor(struct dentry *d, struct dentry *e)
{
	for (;;) {
		if (e == d)
			return true;
		if (e->parent == e)
			return false;
		e = e->parent;
	}
}

/* Move dentry d under parent as name (the cache follows the fs). */
static int
move_dentry(struct dentry *d, struct dentry *parent, const char *name,
	    size_t len)
{
	char *nn = malloc(len + 1);

	if (!nn)
		return -ENOMEM;
	memcpy(nn, name, len);
	nn[len] = 0;
	free(d->name);
	d->name = nn;
	d->len = len;
	list_del(&d->sibling);
	list_add(&d->sibling, &parent->children);
	dentry_get(parent);
	dentry_put(d->parent);
	d->parent = parent;
	return 0;
}

static int
rename_checks(struct task *t, struct target *o, struct target *n,
	      struct dentry *od, struct dentry *nd, unsigned int flags)
{
	int r;

	if (o->dir.mnt->sb != n->dir.mnt->sb)
		return -EXDEV;
	if ((r = may_delete(t, &o->dir, od->inode)) < 0)
		return r;
	if (nd && (r = may_delete(t, &n->dir, nd->inode)) < 0)
		return r;
	if (!nd && (r = inode_permission(t, n->dir.dentry->inode,
					 MAY_WRITE | MAY_EXEC)) < 0)
		return r;
	/* A directory changing parents rewrites its "..". */
	if (o->dir.dentry != n->dir.dentry &&
	    ((K_ISDIR(od->inode->mode) &&
	      (r = inode_permission(t, od->inode, MAY_WRITE)) < 0) ||
	     (nd && (flags & RENAME_EXCHANGE_K) && K_ISDIR(nd->inode->mode) &&
	      (r = inode_permission(t, nd->inode, MAY_WRITE)) < 0)))
		return r;
	if (od->mounted || (nd && nd->mounted))
		return -EBUSY;
	if (K_ISDIR(od->inode->mode) && is_ancestor(od, n->dir.dentry))
		return -EINVAL;
	if (nd && (flags & RENAME_EXCHANGE_K) && K_ISDIR(nd->inode->mode) &&
	    is_ancestor(nd, o->dir.dentry))
		return -EINVAL;
	if (nd && !(flags & RENAME_EXCHANGE_K)) {
		if (K_ISDIR(od->inode->mode) && !K_ISDIR(nd->inode->mode))
			return -ENOTDIR;
		if (!K_ISDIR(od->inode->mode) && K_ISDIR(nd->inode->mode))
			return -EISDIR;
	}
	if ((o->slash || n->slash) && !K_ISDIR(od->inode->mode))
		return -ENOTDIR;
	return 0;
}

static long
do_rename(struct task *t, int ofd, uaddr_t opath, int nfd, uaddr_t npath,
	  unsigned int flags)
{
	struct target o, n;
	struct dentry *od = NULL, *nd = NULL;
	struct inode *odir;
	int r;

	if (flags & ~(unsigned int)(RENAME_NOREPLACE_K | RENAME_EXCHANGE_K |
				    RENAME_WHITEOUT_K))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE_K) && (flags & RENAME_NOREPLACE_K))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT_K)
		return -EINVAL;
	if ((r = get_target(t, ofd, opath, &o)) < 0)
		return r;
	if ((r = get_target(t, nfd, npath, &n)) < 0)
		goto out_o;
	if (is_dot_or_dotdot(&o) || is_dot_or_dotdot(&n)) {
		r = is_dot_or_dotdot(&o) ? -EBUSY : -EBUSY;
		goto out;
	}
	if ((r = inode_permission(t, o.dir.dentry->inode, MAY_EXEC)) < 0 ||
	    (r = lookup_one(&o.dir, o.name, o.len, &od)) < 0)
		goto out;
	if (path_readonly(&n.dir)) {
		r = -EROFS;
		goto out;
	}
	r = lookup_one(&n.dir, n.name, n.len, &nd);
	if (r == -ENOENT) {
		nd = NULL;
		if (flags & RENAME_EXCHANGE_K)
			goto out;
	} else if (r < 0) {
		goto out;
	} else if (flags & RENAME_NOREPLACE_K) {
		r = -EEXIST;
		goto out;
	}
	if (nd && nd->inode == od->inode) {
		r = 0; /* same file: nothing to do */
		goto out;
	}
	if ((r = rename_checks(t, &o, &n, od, nd, flags)) < 0)
		goto out;
	odir = o.dir.dentry->inode;
	if (!odir->i_op->rename) {
		r = -EPERM;
		goto out;
	}
	r = odir->i_op->rename(odir, o.name, o.len, n.dir.dentry->inode,
			       n.name, n.len, flags);
	if (r < 0)
		goto out;
	if (flags & RENAME_EXCHANGE_K) {
		struct dentry *tmp_parent = od->parent;
		char *tmp = strndup(od->name, od->len);

		dentry_get(tmp_parent);
		move_dentry(od, nd->parent, nd->name, nd->len);
		if (tmp)
			move_dentry(nd, tmp_parent, tmp, strlen(tmp));
		dentry_put(tmp_parent);
		free(tmp);
	} else {
		if (nd) {
			nd->deleted = true;
			dentry_unhash(nd);
		}
		move_dentry(od, n.dir.dentry, n.name, n.len);
	}
out:
	if (od)
		dentry_put(od);
	if (nd)
		dentry_put(nd);
	target_put(&n);
out_o:
	target_put(&o);
	return r;
}

long
sys_rename(struct task *t, const uint64_t a[6])
{
	return do_rename(t, AT_FDCWD_K, UADDR(a[0]), AT_FDCWD_K, UADDR(a[1]),
			 0);
}

long
sys_renameat(struct task *t, const uint64_t a[6])
{
	return do_rename(t, (int)a[0], UADDR(a[1]), (int)a[2], UADDR(a[3]), 0);
}

long
sys_renameat2(struct task *t, const uint64_t a[6])
{
	return do_rename(t, (int)a[0], UADDR(a[1]), (int)a[2], UADDR(a[3]),
			 (unsigned int)a[4]);
}
