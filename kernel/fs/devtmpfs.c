/*
 * devtmpfs: the /dev tree.
 *
 * One tmpfs instance (tmpfs.c), made at boot and shown by every
 * "devtmpfs" mount, so nodes that drivers add (drivers/mem.c, the tty and
 * ubd drivers) appear wherever /dev is mounted.  Drivers call
 * devtmpfs_create_node(); the guest may also add, remove and rename
 * entries like on any tmpfs.  The instance is never freed.
 */
#include <string.h>

#include "fs/devtmpfs.h"
#include "fs/namei.h"
#include "fs/tmpfs.h"
#include "fs/vfs.h"
#include "printk.h"

static struct super_block *devtmpfs_sb;

/* The last mount went away: the instance stays for the next one. */
static void
devtmpfs_put_super(struct super_block *sb)
{
}

static const struct super_ops devtmpfs_super_ops = {
	.put_super = devtmpfs_put_super,
	.statfs = tmpfs_statfs,
	.evict_inode = tmpfs_evict_inode,
	.show_options = tmpfs_show_options,
};

static int
devtmpfs_mount(const struct fs_type *type, struct bdev *bd,
	       const char *source, unsigned long flags, const char *data,
	       struct super_block **out)
{
	if (!devtmpfs_sb)
		return -ENODEV;
	*out = devtmpfs_sb;
	return 0;
}

static struct fs_type devtmpfs_fs_type = {
	.name = "devtmpfs",
	.nodev = true,
	.mount = devtmpfs_mount,
};

struct super_block *
devtmpfs_super(void)
{
	return devtmpfs_sb;
}

/*
 * The kernel's own view of devtmpfs, mounted nowhere: files the kernel
 * opens before /dev is mounted (init's console) still have a place.
 */
static struct mount devtmpfs_internal;

int
devtmpfs_path(const char *name, struct path *out)
{
	struct dentry *root = devtmpfs_sb ? devtmpfs_sb->root : NULL;
	struct path dir;
	int r;

	if (!root)
		return -ENODEV;
	if (!devtmpfs_internal.sb) {
		devtmpfs_internal.sb = devtmpfs_sb;
		devtmpfs_internal.root = root;
		devtmpfs_internal.parent = &devtmpfs_internal;
		devtmpfs_internal.refcount = 1;
		list_init(&devtmpfs_internal.link);
	}
	dir.mnt = &devtmpfs_internal;
	dir.dentry = root;
	if ((r = lookup_one(&dir, name, strlen(name), &out->dentry)) < 0)
		return r;
	out->mnt = &devtmpfs_internal;
	devtmpfs_internal.refcount++;
	return 0;
}

/* Nodes the kernel makes belong to root, whoever is running. */
static void
devtmpfs_own(struct inode *inode)
{
	inode->uid = 0;
	inode->gid = 0;
}

/* The directory name[0..len) in dir, made if missing: a new reference. */
static int
devtmpfs_subdir(struct inode *dir, const char *name, size_t len,
		struct inode **out)
{
	int err = dir->i_op->lookup(dir, name, len, out);

	if (err == -ENOENT) {
		err = dir->i_op->mkdir(dir, name, len, 0755, out);
		if (err == 0)
			devtmpfs_own(*out);
	} else if (err == 0 && !K_ISDIR((*out)->mode)) {
		inode_put(*out);
		err = -ENOTDIR;
	}
	return err;
}

static bool
devtmpfs_bad_name(const char *name, size_t len)
{
	return len == 0 || (name[0] == '.' && (len == 1 ||
					       (len == 2 && name[1] == '.')));
}

/*
 * Walk path under /dev, making directories, and call make() in the last
 * directory with the last name.  make() returns a new inode reference.
 */
static int
devtmpfs_walk(const char *path, int (*make)(struct inode *dir,
					    const char *name, size_t len,
					    void *arg, struct inode **out),
	      void *arg)
{
	struct inode *dir, *next;
	const char *slash;
	int err;

	if (!devtmpfs_sb)
		return -ENODEV;
	dir = inode_get(devtmpfs_sb->root->inode);
	while (*path == '/')
		path++;
	while ((slash = strchr(path, '/')) != NULL) {
		err = devtmpfs_bad_name(path, (size_t)(slash - path)) ?
			      -EINVAL :
			      devtmpfs_subdir(dir, path,
					      (size_t)(slash - path), &next);
		inode_put(dir);
		if (err < 0)
			return err;
		dir = next;
		for (path = slash; *path == '/'; path++)
			;
	}
	err = devtmpfs_bad_name(path, strlen(path)) ?
		      -EINVAL :
		      make(dir, path, strlen(path), arg, &next);
	inode_put(dir);
	if (err == 0) {
		devtmpfs_own(next);
		inode_put(next);
	}
	return err;
}

struct devtmpfs_node {
	uint32_t mode;
	uint64_t rdev;
};

static int
devtmpfs_make_node(struct inode *dir, const char *name, size_t len,
		   void *arg, struct inode **out)
{
	struct devtmpfs_node *n = arg;

	return dir->i_op->mknod(dir, name, len, n->mode, n->rdev, out);
}

static int
devtmpfs_make_symlink(struct inode *dir, const char *name, size_t len,
		      void *arg, struct inode **out)
{
	return dir->i_op->symlink(dir, name, len, arg, out);
}

static int
devtmpfs_make_dir(struct inode *dir, const char *name, size_t len, void *arg,
		  struct inode **out)
{
	return dir->i_op->mkdir(dir, name, len, *(uint32_t *)arg, out);
}

int
devtmpfs_create_node(const char *name, uint32_t mode, uint64_t rdev)
{
	struct devtmpfs_node n = { mode, rdev };
	int err;

	if ((err = devtmpfs_walk(name, devtmpfs_make_node, &n)) < 0)
		pr_warn("devtmpfs: cannot create %s: error %d", name, -err);
	return err;
}

static const struct {
	const char *name, *target;
} devtmpfs_links[] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

static const struct {
	const char *name;
	uint32_t mode;
} devtmpfs_dirs[] = {
	{ "pts", 0755 },  /* where devpts is mounted */
	{ "shm", 01777 }, /* POSIX shared memory and semaphores */
};

int
devtmpfs_init(void)
{
	size_t i;
	int err;

	err = tmpfs_fill_super(&devtmpfs_fs_type, &devtmpfs_super_ops,
			       "mode=0755", &devtmpfs_sb);
	if (err < 0)
		return err;
	devtmpfs_sb->active++; /* the kernel's own hold */
	register_filesystem(&devtmpfs_fs_type);
	for (i = 0; i < sizeof(devtmpfs_links) / sizeof(devtmpfs_links[0]); i++)
		if ((err = devtmpfs_walk(devtmpfs_links[i].name,
					 devtmpfs_make_symlink,
					 (void *)devtmpfs_links[i].target)) < 0)
			return err;
	for (i = 0; i < sizeof(devtmpfs_dirs) / sizeof(devtmpfs_dirs[0]); i++)
		if ((err = devtmpfs_walk(devtmpfs_dirs[i].name,
					 devtmpfs_make_dir,
					 (void *)&devtmpfs_dirs[i].mode)) < 0)
			return err;
	return 0;
}
