/*
 * procfs super blocks and inodes, and the registration of the "proc"
 * filesystem type.
 *
 * A mount makes a super block whose root is the root entry (root.c).
 * Inodes are made by lookups (dir.c, root.c, base.c, fd.c) through
 * proc_inode_new(), which gives them their ops by the entry's kind and
 * their owner by the process they describe; getattr keeps owner and link
 * count current, as a process may change its credentials or threads.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/proc/proc.h"
#include "fs/proc/proc_int.h"
#include "task.h"

void
proc_number_entries(struct proc_entry *table, size_t n, uint64_t *next)
{
	size_t i;

	for (i = 0; i < n; i++) {
		table[i].ino = (*next)++;
		if (table[i].children)
			proc_number_entries(table[i].children,
					    table[i].nchildren, next);
	}
}

uint64_t
proc_child_ino(const struct proc_inode *parent, const struct proc_entry *e)
{
	if (parent->pid == 0)
		return e->ino;
	if (parent->tid)
		return proc_pid_ino(parent->pid, PROC_KIND_TASK,
				    ((uint64_t)parent->tid << 12) | e->ino);
	return proc_pid_ino(parent->pid, PROC_KIND_BASE, e->ino);
}

static uint32_t
proc_table_nlink(const struct proc_entry *e)
{
	uint32_t n = 2;
	size_t i;

	for (i = 0; i < e->nchildren; i++)
		if (K_ISDIR(e->children[i].mode))
			n++;
	return n;
}

/* Owner of a per-process inode: the effective ids, as in Linux. */
static void
proc_refresh_owner(struct inode *inode)
{
	struct proc_inode *pi = PI(inode);
	struct proc_target tg;

	if (pi->pid == 0 || proc_target_get(pi, &tg) < 0)
		return;
	if (tg.t) {
		inode->uid = tg.t->cred.euid;
		inode->gid = tg.t->cred.egid;
	} else {
		inode->uid = tg.p->exit_uid;
		inode->gid = 0;
	}
}

void
proc_getattr(struct inode *inode)
{
	struct proc_inode *pi = PI(inode);

	proc_refresh_owner(inode);
	if (!K_ISDIR(inode->mode))
		return;
	if (pi->e->dir && pi->e->dir->nlink)
		inode->nlink = pi->e->dir->nlink(pi);
	else
		inode->nlink = proc_table_nlink(pi->e);
}

int
proc_setattr(struct inode *inode, const struct iattr *attr)
{
	return -EPERM;
}

static void
proc_set_ops(struct inode *inode, const struct proc_entry *e)
{
	if (K_ISDIR(e->mode)) {
		inode->i_op = &proc_dir_iops;
		inode->f_op = &proc_dir_fops;
	} else if (K_ISLNK(e->mode)) {
		inode->i_op = e->link_path ? &proc_magic_link_iops
					   : &proc_link_iops;
		inode->f_op = NULL;
	} else {
		inode->i_op = &proc_file_iops;
		inode->f_op = &proc_file_fops;
	}
}

struct inode *
proc_inode_new(struct super_block *sb, const struct proc_entry *e,
	       const struct proc_inode *ids, uint64_t ino)
{
	struct proc_inode *pi = malloc(sizeof(*pi));
	struct inode *inode;

	if (!pi)
		return NULL;
	if ((inode = inode_alloc(sb)) == NULL) {
		free(pi);
		return NULL;
	}
	*pi = *ids;
	pi->e = e;
	inode->priv = pi;
	inode->ino = ino;
	inode->mode = e->mode;
	inode->nlink = 1;
	proc_set_ops(inode, e);
	proc_getattr(inode);
	return inode;
}

static void
proc_evict_inode(struct inode *inode)
{
	free(inode->priv);
	inode->priv = NULL;
}

static int
proc_statfs(struct super_block *sb, struct kstatfs *st)
{
	memset(st, 0, sizeof(*st));
	st->type = PROC_SUPER_MAGIC;
	st->bsize = 4096;
	st->frsize = 4096;
	st->namelen = NAME_MAX_K;
	return 0;
}

static const char *
proc_show_options(struct super_block *sb)
{
	return NULL;
}

/*
 * Nothing to free at unmount: inodes own their proc_inode and may outlive
 * the mount in open files, so the super block (a few bytes) stays too.
 */
static void
proc_put_super(struct super_block *sb)
{
}

static const struct super_ops proc_super_ops = {
	.put_super = proc_put_super,
	.statfs = proc_statfs,
	.evict_inode = proc_evict_inode,
	.show_options = proc_show_options,
};

static int
proc_mount(const struct fs_type *type, struct bdev *bd, const char *source,
	   unsigned long flags, const char *data, struct super_block **out)
{
	struct proc_inode ids = { 0 };
	struct super_block *sb;
	struct inode *root;

	if ((sb = sb_alloc(type, &proc_super_ops)) == NULL)
		return -ENOMEM;
	sb->dev = sb_anon_dev();
	sb->no_dcache = true;
	sb->flags = flags;
	root = proc_inode_new(sb, &proc_root_entry, &ids, PROC_ROOT_INO);
	if (!root || (sb->root = dentry_make_root(sb, root)) == NULL) {
		sb_free(sb);
		return -ENOMEM;
	}
	*out = sb;
	return 0;
}

struct fs_type proc_fs_type = {
	.name = "proc",
	.nodev = true,
	.mount = proc_mount,
};

void
proc_init(void)
{
	uint64_t next = PROC_ROOT_INO + 1;

	proc_sys_init();
	proc_number_entries(proc_root_entry.children,
			    proc_root_entry.nchildren, &next);
	next = 1;
	proc_number_entries(proc_pid_entry.children, proc_pid_entry.nchildren,
			    &next);
	next = 1;
	proc_number_entries(proc_tid_entry.children, proc_tid_entry.nchildren,
			    &next);
	proc_cpuinfo_init();
	register_filesystem(&proc_fs_type);
}
