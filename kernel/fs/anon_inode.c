/*
 * Anonymous files: the shared home of eventfd, timerfd, signalfd, epoll
 * and pidfd files (their code is in eventfd.c, timerfd.c, signalfd.c,
 * epoll.c and pidfd.c).
 *
 * Linux gives all of them one inode on its anon_inodefs and names each
 * file by the kind passed at creation.  Here /proc/PID/fd (proc/fd.c)
 * names an anonymous file after its inode's filesystem type, so each kind
 * gets its own tiny internal filesystem, made on first use, with one
 * shared inode: fstat shows the same device and inode for every file of
 * one kind, mode 0600 and no file type, owned by root, as in Linux.
 * Pipes keep their own pipefs (pipe.c), since each pipe has its inode.
 */
#include <string.h>

#include "fs/anon_inode.h"
#include "fs/fdtable.h"
#include "task.h"

#define ANON_KINDS 8
#define ANON_INODEFS_MAGIC 0x09041934

struct anon_kind {
	struct fs_type type;
	struct super_block *sb;
	struct inode *inode; /* shared by every file of the kind */
};

static struct anon_kind kinds[ANON_KINDS];

static int
anon_statfs(struct super_block *sb, struct kstatfs *st)
{
	memset(st, 0, sizeof(*st));
	st->type = ANON_INODEFS_MAGIC;
	st->bsize = st->frsize = 4096;
	st->namelen = NAME_MAX_K;
	return 0;
}

static const struct super_ops anon_super_ops = {
	.statfs = anon_statfs,
};

/* The kind called name, made on first use; NULL when out of memory. */
static struct anon_kind *
anon_kind_get(const char *name)
{
	struct anon_kind *k;
	int i;

	for (i = 0; i < ANON_KINDS; i++) {
		k = &kinds[i];
		if (k->type.name && strcmp(k->type.name, name) == 0)
			return k;
		if (!k->type.name)
			break;
	}
	if (i == ANON_KINDS)
		return NULL;
	k->type.name = name;
	k->type.nodev = true;
	if ((k->sb = sb_alloc(&k->type, &anon_super_ops)) == NULL)
		goto fail;
	k->sb->dev = sb_anon_dev();
	k->sb->active = 1; /* never unmounted */
	if ((k->inode = inode_alloc(k->sb)) == NULL) {
		sb_free(k->sb);
		goto fail;
	}
	k->inode->ino = k->sb->next_ino++;
	k->inode->mode = 0600;
	k->inode->blksize = 4096;
	return k;
fail:
	memset(k, 0, sizeof(*k));
	return NULL;
}

struct file *
anon_inode_file(const char *name, const struct file_ops *ops, void *priv,
		unsigned int flags)
{
	struct anon_kind *k = anon_kind_get(name);
	struct file *f;

	if (!k || (f = file_alloc(k->inode, ops, flags)) == NULL)
		return NULL;
	f->priv = priv;
	return f;
}

int
anon_inode_fd(struct task *t, const char *name, const struct file_ops *ops,
	      void *priv, unsigned int flags)
{
	unsigned int fdflags = (flags & K_O_CLOEXEC_ANON) ? FD_CLOEXEC_K : 0;
	struct file *f;

	f = anon_inode_file(name, ops, priv, flags & ~K_O_CLOEXEC_ANON);
	if (!f)
		return -ENOMEM;
	return fd_install(t, f, fdflags, 0);
}

int64_t
anon_noop_llseek(struct file *f, int64_t off, int whence)
{
	return (int64_t)f->pos;
}
