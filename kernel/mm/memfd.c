/*
 * memfd_create(2): anonymous files in memory.  They live on one internal
 * tmpfs instance, mounted nowhere, each under a name no lookup reaches,
 * so /proc shows "/memfd:NAME (deleted)".  Their seals (fcntl
 * F_ADD_SEALS, F_GET_SEALS) are tmpfs's.
 */
#include <stdio.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "fs/tmpfs.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define MFD_CLOEXEC_K 0x0001u
#define MFD_ALLOW_SEALING_K 0x0002u
#define MFD_NAME_MAX 249 /* NAME_MAX less "memfd:" */
#define K_O_RDWR_MEMFD 02

static struct super_block *memfd_sb;
static struct mount memfd_mnt;

static int
memfd_instance(void)
{
	int err;

	if (memfd_sb)
		return 0;
	if ((err = tmpfs_make_root(&memfd_sb)) < 0)
		return err;
	memfd_sb->active = 1; /* never unmounted */
	memfd_mnt.sb = memfd_sb;
	memfd_mnt.root = memfd_sb->root;
	memfd_mnt.parent = &memfd_mnt;
	memfd_mnt.refcount = 1;
	list_init(&memfd_mnt.link);
	return 0;
}

/* A new memfd called "memfd:name", open read-write in *out. */
static int
memfd_open(struct task *t, const char *name, bool sealable, struct file **out)
{
	char dname[NAME_MAX_K + 1];
	struct inode *inode;
	struct dentry *d;
	struct path p;
	int err, n;

	if ((err = memfd_instance()) < 0)
		return err;
	n = snprintf(dname, sizeof(dname), "memfd:%s", name);
	if ((inode = tmpfs_memfd_inode(memfd_sb, sealable, &err)) == NULL)
		return err;
	if ((d = dentry_alloc(memfd_sb->root, dname, (size_t)n)) == NULL) {
		inode_put(inode);
		return -ENOMEM;
	}
	d->inode = inode;
	d->deleted = true;
	dentry_unhash(d);
	p.mnt = &memfd_mnt;
	p.dentry = d;
	err = vfs_open_path(t, &p, K_O_RDWR_MEMFD, out);
	dentry_put(d);
	return err;
}

long
sys_memfd_create(struct task *t, const uint64_t a[6])
{
	unsigned int flags = (unsigned int)a[1];
	char name[MFD_NAME_MAX + 1];
	struct file *f;
	long n;
	int r;

	if (flags & ~(MFD_CLOEXEC_K | MFD_ALLOW_SEALING_K))
		return -EINVAL; /* MFD_HUGETLB too: there is no hugetlbfs */
	n = strncpy_from_user(t, name, UADDR(a[0]), sizeof(name));
	if (n == -ENAMETOOLONG)
		return -EINVAL;
	if (n < 0)
		return n;
	if ((r = memfd_open(t, name, flags & MFD_ALLOW_SEALING_K, &f)) < 0)
		return r;
	return fd_install(t, f, (flags & MFD_CLOEXEC_K) ? FD_CLOEXEC_K : 0, 0);
}
