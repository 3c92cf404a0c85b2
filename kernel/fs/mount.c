/*
 * Mounts: grafting filesystems into the tree, and the mount syscalls.
 *
 * The table is a list in mount order; a mountpoint dentry counts the
 * mounts on it, so the path walk only searches the table at real
 * mountpoints.  Unmounting needs the mount to be unused: no open files,
 * cwds or child mounts (EBUSY otherwise), unless MNT_DETACH.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/bdev.h"
#include "fs/fdtable.h"
#include "fs/mount.h"
#include "fs/namei.h"
#include "printk.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define MNT_FORCE 1
#define MNT_DETACH 2
#define UMOUNT_NOFOLLOW 8

static struct list mounts = LIST_INIT(mounts);
static struct mount *root_mount;

struct mount *
mount_lookup(struct mount *parent, struct dentry *mountpoint)
{
	struct mount *m, *found = NULL;

	list_for_each_entry(m, &mounts, link)
		if (m->parent == parent && m->mountpoint == mountpoint)
			found = m;
	return found;
}

void
mount_root_path(struct path *out)
{
	out->mnt = root_mount;
	out->dentry = root_mount->root;
	path_get(out);
}

void
for_each_mount(void (*fn)(struct mount *m, void *arg), void *arg)
{
	struct mount *m;

	list_for_each_entry(m, &mounts, link)
		fn(m, arg);
}

/* Resolve a mount source naming a block device. */
static int
source_bdev(struct task *t, const char *source, struct bdev **out)
{
	struct path p;
	struct inode *inode;
	int r;

	if (!source || !*source)
		return -ENOTBLK;
	if ((r = path_lookup(t, AT_FDCWD_K, source, LOOKUP_FOLLOW, &p)) < 0)
		return r;
	inode = p.dentry->inode;
	if (!K_ISBLK(inode->mode))
		r = -ENOTBLK;
	else if (p.mnt->flags & K_MS_NODEV)
		r = -EACCES;
	else if ((*out = blkdev_find(inode->rdev)) == NULL)
		r = -ENXIO;
	path_put(&p);
	return r;
}

static struct super_block *
find_sb_on(struct bdev *bd)
{
	struct mount *m;

	list_for_each_entry(m, &mounts, link)
		if (m->sb->bdev == bd)
			return m->sb;
	return NULL;
}

static int
make_sb(struct task *t, const char *source, const char *fstype,
	unsigned long flags, const char *data, struct super_block **out)
{
	const struct fs_type *type = find_filesystem(fstype);
	struct bdev *bd = NULL;
	int r;

	if (!type)
		return -ENODEV;
	if (!type->nodev) {
		if (t)
			r = source_bdev(t, source, &bd);
		else
			r = (bd = blkdev_find_name(source)) ? 0 : -ENXIO;
		if (r < 0)
			return r;
		if ((*out = find_sb_on(bd)) != NULL) {
			(*out)->active++;
			return 0;
		}
		if (bd->read_only)
			flags |= K_MS_RDONLY;
	}
	if ((r = type->mount(type, bd, source, flags, data, out)) < 0)
		return r;
	(*out)->bdev = bd;
	(*out)->flags = flags & (K_MS_RDONLY | K_MS_NOSUID | K_MS_NODEV |
				 K_MS_NOEXEC);
	if (!(*out)->source)
		(*out)->source = strdup(source ? source : "none");
	(*out)->active = 1;
	return 0;
}

static int
graft(struct super_block *sb, const struct path *target, unsigned long flags)
{
	struct mount *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->sb = sb;
	m->root = dentry_get(sb->root);
	m->flags = flags & (K_MS_RDONLY | K_MS_NOSUID | K_MS_NODEV |
			    K_MS_NOEXEC);
	if (target) {
		m->parent = target->mnt;
		m->mountpoint = dentry_get(target->dentry);
		m->mountpoint->mounted++;
		m->parent->refcount++;
	} else {
		m->parent = m;
		root_mount = m;
	}
	list_add_tail(&m->link, &mounts);
	return 0;
}

int
do_mount(struct task *t, const char *source, const struct path *target,
	 const char *fstype, unsigned long flags, const char *data)
{
	struct super_block *sb;
	int r;

	if (target && !K_ISDIR(target->dentry->inode->mode))
		return -ENOTDIR;
	if ((r = make_sb(t, source, fstype, flags, data, &sb)) < 0)
		return r;
	if ((r = graft(sb, target, flags)) < 0)
		sb_release(sb);
	return r;
}

void
sb_release(struct super_block *sb)
{
	if (--sb->active > 0)
		return;
	sync_filesystem(sb);
	if (sb->ops && sb->ops->put_super)
		sb->ops->put_super(sb);
}

static int
do_remount(struct path *p, unsigned long flags, const char *data)
{
	struct super_block *sb = p->mnt->sb;
	int r = 0;

	if (p->dentry != p->mnt->root)
		return -EINVAL;
	if (!(flags & K_MS_RDONLY) && sb->bdev && sb->bdev->read_only)
		return -EROFS;
	if (sb->ops && sb->ops->remount)
		r = sb->ops->remount(sb, flags, data);
	else if (!(flags & K_MS_RDONLY) && (sb->flags & K_MS_RDONLY) &&
		 sb->bdev)
		r = -EROFS;
	if (r == 0) {
		sb->flags = (sb->flags & ~(unsigned long)K_MS_RDONLY) |
			    (flags & K_MS_RDONLY);
		p->mnt->flags = flags & (K_MS_RDONLY | K_MS_NOSUID |
					 K_MS_NODEV | K_MS_NOEXEC);
	}
	return r;
}

static int
do_bind(struct task *t, const char *source, const struct path *target)
{
	struct path src;
	struct mount *m;
	int r;

	if ((r = path_lookup(t, AT_FDCWD_K, source, LOOKUP_FOLLOW, &src)) < 0)
		return r;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		path_put(&src);
		return -ENOMEM;
	}
	m->sb = src.mnt->sb;
	m->sb->active++;
	m->root = dentry_get(src.dentry);
	m->flags = src.mnt->flags;
	m->parent = target->mnt;
	m->mountpoint = dentry_get(target->dentry);
	m->mountpoint->mounted++;
	m->parent->refcount++;
	list_add_tail(&m->link, &mounts);
	path_put(&src);
	return 0;
}

/* May sleep. */
long
sys_mount(struct task *t, const uint64_t a[6])
{
	char *source = NULL, *target, *fstype = NULL, *data = NULL;
	unsigned long flags = a[3];
	struct path p;
	int err = 0, r;

	if (!cred_is_root(&t->cred))
		return -EPERM;
	if ((target = getname(t, UADDR(a[1]), &err)) == NULL)
		return err;
	if (a[0] && (source = getname_empty_ok(t, UADDR(a[0]), &err)) == NULL)
		goto out;
	if (a[2] && (fstype = getname(t, UADDR(a[2]), &err)) == NULL)
		goto out;
	if (a[4] && (data = getname_empty_ok(t, UADDR(a[4]), &err)) == NULL)
		goto out;
	if ((r = path_lookup(t, AT_FDCWD_K, target, LOOKUP_FOLLOW, &p)) < 0) {
		err = r;
		goto out;
	}
	if (flags & K_MS_REMOUNT)
		err = do_remount(&p, flags, data);
	else if (flags & K_MS_BIND)
		err = source ? do_bind(t, source, &p) : -EINVAL;
	else if (!fstype)
		err = -EINVAL;
	else
		err = do_mount(t, source, &p, fstype, flags, data);
	path_put(&p);
out:
	putname(target);
	putname(source);
	putname(fstype);
	putname(data);
	return err;
}

static bool
has_children(struct mount *m)
{
	struct mount *c;

	list_for_each_entry(c, &mounts, link)
		if (c->parent == m && c != m)
			return true;
	return false;
}

static void
detach(struct mount *m)
{
	list_del(&m->link);
	m->mountpoint->mounted--;
	m->parent->refcount--;
	dentry_put(m->mountpoint);
	dentry_put(m->root);
	sb_release(m->sb);
	free(m);
}

/*
 * Umounting the mount p is on.  The walk that found it holds one
 * reference to it (p itself); anything more is a user.
 */
static int
do_umount(struct path *p, int flags)
{
	struct mount *m = p->mnt;

	if (p->dentry != m->root)
		return -EINVAL;
	if (m == root_mount)
		return -EBUSY;
	if (!(flags & MNT_DETACH) && (m->refcount > 1 || has_children(m)))
		return -EBUSY;
	path_put(p);
	detach(m);
	return 0;
}

long
sys_umount2(struct task *t, const uint64_t a[6])
{
	int flags = (int)a[1], err = 0, r;
	char *target;
	struct path p;

	if (flags & ~(MNT_FORCE | MNT_DETACH | UMOUNT_NOFOLLOW | 4))
		return -EINVAL;
	if (!cred_is_root(&t->cred))
		return -EPERM;
	if ((target = getname(t, UADDR(a[0]), &err)) == NULL)
		return err;
	r = path_lookup(t, AT_FDCWD_K, target,
			(flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &p);
	putname(target);
	if (r < 0)
		return r;
	if ((r = do_umount(&p, flags)) < 0)
		path_put(&p);
	return r;
}

void
sync_all(void)
{
	struct mount *m;

	list_for_each_entry(m, &mounts, link)
		sync_filesystem(m->sb);
}

void
umount_all(void)
{
	struct mount *m;

	while (!list_empty(&mounts)) {
		m = list_entry(mounts.prev, struct mount, link);
		if (m == root_mount) {
			list_del(&m->link);
			sb_release(m->sb);
			break;
		}
		detach(m);
	}
}
