/*
 * The path walk: names to places in the tree.
 *
 * A walk keeps its position as a path (mount, dentry) with references
 * held.  Each component is looked up in the dentry cache, then in the
 * filesystem (lookup_one); the result steps onto whatever is mounted there
 * (follow_mounts).  ".." never climbs above the task's root and crosses
 * back out of a mount at a mount's root.  Symlinks are followed by walking
 * their text from the directory that holds them (or from the root, for
 * absolute ones); magic links (procfs) give a place directly.  At most
 * SYMLOOP_MAX_K links are followed in one walk (ELOOP).
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "fs/mount.h"
#include "fs/namei.h"
#include "task.h"

struct nameidata {
	struct task *t;
	struct path path; /* where the walk is (a reference) */
	struct path root; /* the task's root (borrowed) */
	int links;	  /* symlinks followed so far */
	unsigned int flags;
	struct path start; /* LOOKUP_BENEATH boundary (borrowed) */
};

static void
set_path(struct path *dst, struct mount *mnt, struct dentry *d)
{
	struct path n = { mnt, d };

	path_get(&n);
	path_put(dst);
	*dst = n;
}

void
follow_mounts(struct path *p)
{
	struct mount *m;

	while (p->dentry->mounted && (m = mount_lookup(p->mnt, p->dentry)))
		set_path(p, m, m->root);
}

int
lookup_one(struct path *dir, const char *name, size_t len, struct dentry **out)
{
	struct dentry *d, *parent = dir->dentry;
	struct inode *inode;
	int r;

	if (!parent->sb->no_dcache) {
		list_for_each_entry(d, &parent->children, sibling) {
			if (d->len == len && memcmp(d->name, name, len) == 0) {
				*out = dentry_get(d);
				return 0;
			}
		}
	}
	if (!parent->inode->i_op || !parent->inode->i_op->lookup)
		return -ENOTDIR;
	if ((r = parent->inode->i_op->lookup(parent->inode, name, len,
					     &inode)) < 0)
		return r;
	if ((d = dentry_add(parent, name, len, inode)) == NULL)
		return -ENOMEM;
	*out = d;
	return 0;
}

static bool
path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

static int
step_dotdot(struct nameidata *nd)
{
	if ((nd->flags & LOOKUP_BENEATH) && path_equal(&nd->path, &nd->start))
		return -EXDEV;
	for (;;) {
		if (path_equal(&nd->path, &nd->root))
			return 0;
		if (nd->path.dentry != nd->path.mnt->root)
			break;
		if (nd->path.mnt->parent == nd->path.mnt)
			return 0; /* the global root */
		set_path(&nd->path, nd->path.mnt->parent,
			 nd->path.mnt->mountpoint);
	}
	set_path(&nd->path, nd->path.mnt, nd->path.dentry->parent);
	follow_mounts(&nd->path);
	return 0;
}

static int walk(struct nameidata *nd, const char *name, bool follow_last);

/* nd->path is the directory holding the link; link is the link's place. */
static int
follow_symlink(struct nameidata *nd, struct path *link)
{
	struct inode *inode = link->dentry->inode;
	char *target;
	ssize_t n;
	int r;

	if (++nd->links > SYMLOOP_MAX_K)
		return -ELOOP;
	if (inode->i_op && inode->i_op->follow_link) {
		struct path p;

		if ((r = inode->i_op->follow_link(inode, &p)) < 0)
			return r;
		path_put(&nd->path);
		nd->path = p;
		return 0;
	}
	if (!inode->i_op || !inode->i_op->readlink)
		return -EINVAL;
	if ((target = malloc(PATH_MAX_K)) == NULL)
		return -ENOMEM;
	n = inode->i_op->readlink(inode, target, PATH_MAX_K - 1);
	if (n < 0) {
		free(target);
		return (int)n;
	}
	target[n] = 0;
	r = n == 0 ? -ENOENT : walk(nd, target, true);
	free(target);
	return r;
}

/* Walk one component; nd->path must be a directory. */
static int
step(struct nameidata *nd, const char *name, size_t len, bool follow)
{
	struct inode *dir = nd->path.dentry->inode;
	struct path next;
	struct dentry *d;
	int r;

	if (!K_ISDIR(dir->mode))
		return -ENOTDIR;
	if ((r = inode_permission(nd->t, dir, MAY_EXEC)) < 0)
		return r;
	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return step_dotdot(nd);
	if (len > NAME_MAX_K)
		return -ENAMETOOLONG;
	if ((r = lookup_one(&nd->path, name, len, &d)) < 0)
		return r;
	next.mnt = nd->path.mnt;
	next.dentry = d;
	next.mnt->refcount++;
	follow_mounts(&next);
	if (K_ISLNK(next.dentry->inode->mode) && follow) {
		r = follow_symlink(nd, &next);
		path_put(&next);
		return r;
	}
	path_put(&nd->path);
	nd->path = next;
	return 0;
}

static int
walk(struct nameidata *nd, const char *name, bool follow_last)
{
	int r;

	if (*name == '/') {
		if (nd->flags & LOOKUP_BENEATH)
			return -EXDEV;
		set_path(&nd->path, nd->root.mnt, nd->root.dentry);
	}
	for (;;) {
		const char *end;
		bool last, slash;

		while (*name == '/')
			name++;
		if (*name == 0)
			return 0;
		for (end = name; *end && *end != '/'; end++)
			;
		slash = *end == '/';
		last = true;
		for (const char *p = end; *p; p++)
			if (*p != '/')
				last = false;
		r = step(nd, name, (size_t)(end - name),
			 !last || slash || follow_last);
		if (r < 0)
			return r;
		if (last && slash && !K_ISDIR(nd->path.dentry->inode->mode))
			return -ENOTDIR;
		name = end;
	}
}

/* Where a walk for dirfd starts: a new reference in *start. */
static int
walk_start(struct task *t, int dirfd, const char *name, struct path *start)
{
	struct file *f;

	if (name[0] == '/' || dirfd == AT_FDCWD_K) {
		*start = name[0] == '/' ? t->fs->root : t->fs->cwd;
		path_get(start);
		return 0;
	}
	if ((f = fd_get(t, dirfd)) == NULL)
		return -EBADF;
	if (!f->path.mnt) {
		file_put(f);
		return -ENOTDIR;
	}
	*start = f->path;
	path_get(start);
	file_put(f);
	if (name[0] && !K_ISDIR(start->dentry->inode->mode)) {
		path_put(start);
		return -ENOTDIR;
	}
	return 0;
}

static int
nd_init(struct nameidata *nd, struct task *t, int dirfd, const char *name,
	unsigned int flags)
{
	int r;

	memset(nd, 0, sizeof(*nd));
	nd->t = t;
	nd->flags = flags;
	nd->root = t->fs->root;
	if ((r = walk_start(t, dirfd, name, &nd->path)) < 0)
		return r;
	nd->start = nd->path;
	return 0;
}

int
path_lookup(struct task *t, int dirfd, const char *name, unsigned int flags,
	    struct path *out)
{
	struct nameidata nd;
	int r;

	if (name[0] == 0 && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	if ((r = nd_init(&nd, t, dirfd, name, flags)) < 0)
		return r;
	nd.start.mnt->refcount++;
	dentry_get(nd.start.dentry);
	r = walk(&nd, name, flags & LOOKUP_FOLLOW);
	path_put(&nd.start);
	if (r == 0 && (flags & LOOKUP_DIRECTORY) &&
	    !K_ISDIR(nd.path.dentry->inode->mode))
		r = -ENOTDIR;
	if (r < 0) {
		path_put(&nd.path);
		return r;
	}
	*out = nd.path;
	return 0;
}

int
path_parent(struct task *t, int dirfd, const char *name, struct path *parent,
	    const char **last, size_t *lastlen, bool *trailing_slash)
{
	const char *end = name + strlen(name), *base;
	struct nameidata nd;
	char *dir;
	int r;

	if (name[0] == 0)
		return -ENOENT;
	*trailing_slash = false;
	while (end > name && end[-1] == '/') {
		end--;
		*trailing_slash = true;
	}
	for (base = end; base > name && base[-1] != '/'; base--)
		;
	*last = base;
	*lastlen = (size_t)(end - base);
	if ((dir = strndup(name, (size_t)(base - name))) == NULL)
		return -ENOMEM;
	if ((r = nd_init(&nd, t, dirfd, name, 0)) == 0) {
		nd.start.mnt->refcount++;
		dentry_get(nd.start.dentry);
		r = walk(&nd, dir, true);
		path_put(&nd.start);
		if (r == 0 && !K_ISDIR(nd.path.dentry->inode->mode))
			r = -ENOTDIR;
		if (r < 0)
			path_put(&nd.path);
		else
			*parent = nd.path;
	}
	free(dir);
	return r;
}

/* Prepend name to the string being built backwards at *pos in buf. */
static bool
prepend(char *buf, size_t *pos, const char *name, size_t len)
{
	if (*pos < len)
		return false;
	*pos -= len;
	memcpy(buf + *pos, name, len);
	return true;
}

long
path_name(const struct path *p, const struct path *root, char *buf, size_t len)
{
	struct mount *mnt = p->mnt;
	struct dentry *d = p->dentry;
	size_t pos = len;

	if (len == 0)
		return -ERANGE;
	buf[--pos] = 0;
	if (d->deleted && !prepend(buf, &pos, " (deleted)", 10))
		return -ENAMETOOLONG;
	for (;;) {
		if (mnt == root->mnt && d == root->dentry)
			break;
		if (d == mnt->root) {
			if (mnt->parent == mnt)
				break;
			d = mnt->mountpoint;
			mnt = mnt->parent;
			continue;
		}
		if (!prepend(buf, &pos, d->name, d->len) ||
		    !prepend(buf, &pos, "/", 1))
			return -ENAMETOOLONG;
		d = d->parent;
	}
	if (pos == len - 1 && !prepend(buf, &pos, "/", 1))
		return -ENAMETOOLONG;
	memmove(buf, buf + pos, len - pos);
	return (long)(len - pos - 1);
}
