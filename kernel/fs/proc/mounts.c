/*
 * /proc/PID/mounts and /proc/PID/mountinfo (/proc/mounts is a link to
 * self/mounts): the mount table (fs/mount.c) as the process sees it.
 *
 * Mount points are printed relative to the process's root, and mounts
 * outside that root are left out, as in Linux.  Fields are escaped the
 * way getmntent(3) expects: space, tab, newline and backslash as \ooo.
 * Mount ids are positions in the mount table, counted from 1.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/fdtable.h"
#include "fs/mount.h"
#include "fs/namei.h"
#include "fs/proc/proc_int.h"
#include "task.h"

void
proc_mangle(struct pbuf *b, const char *s)
{
	pbuf_puts_escaped(b, s, " \t\n\\");
}

struct mount_id_ctx {
	const struct mount *want;
	int n, id;
};

static void
mount_id_one(struct mount *m, void *arg)
{
	struct mount_id_ctx *c = arg;

	c->n++;
	if (m == c->want)
		c->id = c->n;
}

int
proc_mount_id(const struct mount *m)
{
	struct mount_id_ctx c = { m, 0, 0 };

	for_each_mount(mount_id_one, &c);
	return c.id;
}

/* Is the root of m at or below root? */
static bool
proc_mount_visible(const struct mount *m, const struct path *root)
{
	const struct mount *mnt = m;
	const struct dentry *d = m->root;

	for (;;) {
		if (mnt == root->mnt && d == root->dentry)
			return true;
		if (d == mnt->root) {
			if (mnt->parent == mnt)
				return false;
			d = mnt->mountpoint;
			mnt = mnt->parent;
			continue;
		}
		if (d->parent == d)
			return false;
		d = d->parent;
	}
}

struct mounts_ctx {
	struct pbuf *b;
	const struct path *root;
	char *buf; /* PATH_MAX_K bytes */
	bool info; /* mountinfo format */
};

static void
proc_mount_flags(struct pbuf *b, const struct mount *m)
{
	bool ro = ((m->flags | m->sb->flags) & K_MS_RDONLY) != 0;

	pbuf_puts(b, ro ? "ro" : "rw");
	if (m->flags & K_MS_NOSUID)
		pbuf_puts(b, ",nosuid");
	if (m->flags & K_MS_NODEV)
		pbuf_puts(b, ",nodev");
	if (m->flags & K_MS_NOEXEC)
		pbuf_puts(b, ",noexec");
}

static void
proc_sb_options(struct pbuf *b, struct super_block *sb)
{
	const char *opts = sb->ops && sb->ops->show_options
				   ? sb->ops->show_options(sb)
				   : NULL;

	if (opts && *opts) {
		pbuf_putc(b, ',');
		pbuf_puts(b, opts);
	}
}

/* The path of d inside its own filesystem ("/" for the root). */
static void
proc_dentry_text(struct pbuf *b, const struct dentry *d)
{
	const struct dentry *names[64];
	int n = 0;

	while (d->parent != d && n < 64) {
		names[n++] = d;
		d = d->parent;
	}
	if (n == 0)
		pbuf_putc(b, '/');
	while (n-- > 0) {
		pbuf_putc(b, '/');
		proc_mangle(b, names[n]->name);
	}
}

static void
proc_mountinfo_head(struct mounts_ctx *c, struct mount *m)
{
	struct pbuf *b = c->b;

	pbuf_printf(b, "%d %d %u:%u ", proc_mount_id(m),
		    proc_mount_id(m->parent), k_major(m->sb->dev),
		    k_minor(m->sb->dev));
	proc_dentry_text(b, m->root);
	pbuf_putc(b, ' ');
}

static void
proc_mount_one(struct mount *m, void *arg)
{
	struct mounts_ctx *c = arg;
	struct path top = { m, m->root };
	const char *src = m->sb->source ? m->sb->source : "none";
	long n;

	if (!proc_mount_visible(m, c->root))
		return;
	if ((n = path_name(&top, c->root, c->buf, PATH_MAX_K)) < 0)
		return;
	if (c->info) {
		proc_mountinfo_head(c, m);
		proc_mangle(c->b, c->buf);
		pbuf_putc(c->b, ' ');
		proc_mount_flags(c->b, m);
		pbuf_printf(c->b, " - %s ", m->sb->type->name);
		proc_mangle(c->b, src);
		pbuf_puts(c->b, (m->sb->flags & K_MS_RDONLY) ? " ro" : " rw");
		proc_sb_options(c->b, m->sb);
		pbuf_putc(c->b, '\n');
		return;
	}
	proc_mangle(c->b, src);
	pbuf_putc(c->b, ' ');
	proc_mangle(c->b, c->buf);
	pbuf_printf(c->b, " %s ", m->sb->type->name);
	proc_mount_flags(c->b, m);
	proc_sb_options(c->b, m->sb);
	pbuf_puts(c->b, " 0 0\n");
}

static int
proc_show_mount_table(const struct proc_inode *pi, struct pbuf *b, bool info)
{
	struct mounts_ctx c = { .b = b, .info = info };
	struct proc_target tg;
	int r;

	if ((r = proc_target_get(pi, &tg)) < 0)
		return r;
	if (!tg.t || !tg.t->fs)
		return 0;
	c.root = &tg.t->fs->root;
	if ((c.buf = malloc(PATH_MAX_K)) == NULL)
		return -ENOMEM;
	for_each_mount(proc_mount_one, &c);
	free(c.buf);
	return 0;
}

int
proc_show_mounts(const struct proc_inode *pi, struct pbuf *b)
{
	return proc_show_mount_table(pi, b, false);
}

int
proc_show_mountinfo(const struct proc_inode *pi, struct pbuf *b)
{
	return proc_show_mount_table(pi, b, true);
}
