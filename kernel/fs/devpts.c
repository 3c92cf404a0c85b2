/*
 * devpts: the /dev/pts filesystem.
 *
 * The pty driver (drivers/pty.c) owns the pseudo-terminals; this file
 * only gives their slaves names.  One instance exists, made at boot and
 * shown by every "devpts" mount (Linux's single-instance mode, without
 * newinstance): "ptmx" (5,2, mode 0000, like Linux's default ptmxmode)
 * and one character node "N" per live pty, added by devpts_add() when
 * /dev/ptmx is opened and removed when its master is closed.
 *
 * The names change behind the path walk's back, so the super block sets
 * no_dcache and every lookup asks here.  The nodes are ordinary device
 * inodes (init_special_inode): opening one goes through the character
 * device registry to the pty driver.  chmod and chown work on them
 * (grantpt), nothing else changes the tree.  Mount options (gid=, mode=,
 * ptmxmode=) are accepted and ignored: nodes are made 0620, group tty.
 *
 * Inode numbers: 1 the root, 2 ptmx, 3 + N for pts N.
 */
#include <stdio.h>
#include <string.h>

#include "fs/devpts.h"
#include "fs/vfs.h"

#define DEVPTS_SUPER_MAGIC 0x1cd1
#define DEVPTS_MAX 1024
#define DEVPTS_ROOT_INO 1
#define DEVPTS_PTMX_INO 2
#define DEVPTS_FIRST_INO 3

static struct super_block *devpts_sb;
static struct inode *devpts_ptmx;
/* The node of each live pty, with the reference this table holds. */
static struct inode *devpts_nodes[DEVPTS_MAX];

/* A decimal name without sign or leading zeros: its value, or -1. */
static long
devpts_name_index(const char *name, size_t len)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 6 || (len > 1 && name[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

static int
devpts_lookup(struct inode *dir, const char *name, size_t len,
	      struct inode **out)
{
	long idx;

	if (len == 4 && memcmp(name, "ptmx", 4) == 0) {
		*out = inode_get(devpts_ptmx);
		return 0;
	}
	idx = devpts_name_index(name, len);
	if (idx < 0 || idx >= DEVPTS_MAX || devpts_nodes[idx] == NULL)
		return -ENOENT;
	*out = inode_get(devpts_nodes[idx]);
	return 0;
}

/* Positions: 0 and 1 the dots, 2 ptmx, 3 + N pts N. */
static int
devpts_iterate(struct file *f, struct dir_context *ctx)
{
	char name[16];
	uint64_t i;
	int n;

	if (!dir_emit_dots(f, ctx))
		return 0;
	if (ctx->pos == 2) {
		if (ctx->emit(ctx, "ptmx", 4, DEVPTS_PTMX_INO, K_DT_CHR))
			return 0;
		ctx->pos = 3;
	}
	for (i = ctx->pos - 3; i < DEVPTS_MAX; i++) {
		if (devpts_nodes[i] == NULL)
			continue;
		n = snprintf(name, sizeof(name), "%u", (unsigned int)i);
		if (ctx->emit(ctx, name, (size_t)n, devpts_nodes[i]->ino,
			      K_DT_CHR)) {
			ctx->pos = 3 + i;
			return 0;
		}
	}
	ctx->pos = 3 + DEVPTS_MAX;
	return 0;
}

/* chmod and chown of the nodes (grantpt); the caller checked rights. */
static int
devpts_setattr(struct inode *inode, const struct iattr *ia)
{
	if (ia->valid & ATTR_SIZE)
		return -EINVAL;
	if (ia->valid & ATTR_MODE)
		inode->mode = (inode->mode & K_S_IFMT) | (ia->mode & 07777);
	if (ia->valid & ATTR_UID)
		inode->uid = ia->uid;
	if (ia->valid & ATTR_GID)
		inode->gid = ia->gid;
	if (ia->valid & ATTR_ATIME)
		inode->atime = ia->atime;
	if (ia->valid & ATTR_MTIME)
		inode->mtime = ia->mtime;
	if (ia->valid & ATTR_CTIME)
		inode->ctime = current_time();
	return 0;
}

static const struct inode_ops devpts_dir_iops = {
	.lookup = devpts_lookup,
	.setattr = devpts_setattr,
};

static const struct file_ops devpts_dir_fops = {
	.iterate = devpts_iterate,
};

static const struct inode_ops devpts_node_iops = {
	.setattr = devpts_setattr,
};

static struct inode *
devpts_new_inode(uint64_t ino, uint32_t mode, uint64_t rdev)
{
	struct inode *inode = inode_alloc(devpts_sb);

	if (inode == NULL)
		return NULL;
	inode->ino = ino;
	inode->i_op = &devpts_node_iops;
	init_special_inode(inode, mode, rdev);
	return inode;
}

int
devpts_add(unsigned int index, uint64_t rdev, uint32_t uid, uint32_t gid)
{
	struct inode *inode;

	if (devpts_sb == NULL)
		return -ENODEV;
	if (index >= DEVPTS_MAX)
		return -ENOSPC;
	if (devpts_nodes[index] != NULL)
		return -EEXIST;
	inode = devpts_new_inode(DEVPTS_FIRST_INO + index, K_S_IFCHR | 0620,
				 rdev);
	if (inode == NULL)
		return -ENOMEM;
	inode->uid = uid;
	inode->gid = gid;
	devpts_nodes[index] = inode;
	return 0;
}

void
devpts_remove(unsigned int index)
{
	if (index >= DEVPTS_MAX || devpts_nodes[index] == NULL)
		return;
	devpts_nodes[index]->nlink = 0;
	inode_put(devpts_nodes[index]);
	devpts_nodes[index] = NULL;
}

/* The last mount went away: the instance stays for the next one. */
static void
devpts_put_super(struct super_block *sb)
{
}

static int
devpts_statfs(struct super_block *sb, struct kstatfs *st)
{
	memset(st, 0, sizeof(*st));
	st->type = DEVPTS_SUPER_MAGIC;
	st->bsize = 4096;
	st->frsize = 4096;
	st->namelen = NAME_MAX_K;
	return 0;
}

static const char *
devpts_show_options(struct super_block *sb)
{
	return "gid=5,mode=620,ptmxmode=000";
}

static const struct super_ops devpts_super_ops = {
	.put_super = devpts_put_super,
	.statfs = devpts_statfs,
	.show_options = devpts_show_options,
};

static int
devpts_mount(const struct fs_type *type, struct bdev *bd, const char *source,
	     unsigned long flags, const char *data, struct super_block **out)
{
	if (devpts_sb == NULL)
		return -ENODEV;
	*out = devpts_sb;
	return 0;
}

static struct fs_type devpts_fs_type = {
	.name = "devpts",
	.nodev = true,
	.mount = devpts_mount,
};

int
devpts_init(void)
{
	struct inode *root;

	if ((devpts_sb = sb_alloc(&devpts_fs_type, &devpts_super_ops)) == NULL)
		return -ENOMEM;
	devpts_sb->dev = sb_anon_dev();
	devpts_sb->no_dcache = true;
	devpts_sb->active++; /* the kernel's own hold: never freed */
	if ((root = inode_alloc(devpts_sb)) == NULL)
		return -ENOMEM;
	root->ino = DEVPTS_ROOT_INO;
	root->mode = K_S_IFDIR | 0755;
	root->nlink = 2;
	root->i_op = &devpts_dir_iops;
	root->f_op = &devpts_dir_fops;
	if ((devpts_sb->root = dentry_make_root(devpts_sb, root)) == NULL)
		return -ENOMEM;
	devpts_ptmx = devpts_new_inode(DEVPTS_PTMX_INO, K_S_IFCHR,
				       k_makedev(5, 2));
	if (devpts_ptmx == NULL)
		return -ENOMEM;
	register_filesystem(&devpts_fs_type);
	return 0;
}
