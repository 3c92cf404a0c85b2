/*
 * procfs directories: lookup and readdir for every directory entry.
 *
 * A directory is either a static table of entries (/proc/PID, /proc/sys
 * and below) handled here, or has its own proc_dir_ops (the root, task/,
 * fd/, fdinfo/) for names that come and go.  Table positions are 0 and 1
 * for "." and "..", then 2 + index.  A directory about a process that has
 * gone is empty and every name in it is -ENOENT.
 */
#include <string.h>

#include "fs/proc/proc_int.h"
#include "task.h"

long
proc_name_to_num(const char *name, size_t len)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 9 || (len > 1 && name[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

unsigned int
proc_dtype(uint32_t mode)
{
	return K_IFTODT(mode);
}

/* Is the process a per-process directory speaks about still there? */
static bool
proc_dir_alive(const struct proc_inode *pi)
{
	struct proc_target tg;

	return pi->pid == 0 || proc_target_get(pi, &tg) == 0;
}

int
proc_table_lookup(struct inode *dir, struct proc_entry *table, size_t n,
		  const char *name, size_t len, struct inode **out)
{
	const struct proc_inode *pi = PI(dir);
	size_t i;

	if (!proc_dir_alive(pi))
		return -ENOENT;
	for (i = 0; i < n; i++) {
		const struct proc_entry *e = &table[i];

		if (strlen(e->name) != len || memcmp(e->name, name, len) != 0)
			continue;
		*out = proc_inode_new(dir->sb, e, pi, proc_child_ino(pi, e));
		return *out ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

bool
proc_table_emit(struct file *f, struct dir_context *ctx,
		struct proc_entry *table, size_t n, uint64_t first)
{
	const struct proc_inode *pi = PI(f->inode);

	while (ctx->pos >= first && ctx->pos < first + n) {
		const struct proc_entry *e = &table[ctx->pos - first];

		if (ctx->emit(ctx, e->name, strlen(e->name),
			      proc_child_ino(pi, e), proc_dtype(e->mode)))
			return false;
		ctx->pos++;
	}
	return true;
}

static int
proc_dir_lookup(struct inode *dir, const char *name, size_t len,
		struct inode **out)
{
	const struct proc_entry *e = PI(dir)->e;

	if (e->dir)
		return e->dir->lookup(dir, name, len, out);
	return proc_table_lookup(dir, e->children, e->nchildren, name, len,
				 out);
}

static int
proc_dir_iterate(struct file *f, struct dir_context *ctx)
{
	const struct proc_inode *pi = PI(f->inode);

	if (pi->e->dir)
		return pi->e->dir->iterate(f, ctx);
	if (!proc_dir_alive(pi))
		return 0;
	if (!dir_emit_dots(f, ctx))
		return 0;
	proc_table_emit(f, ctx, pi->e->children, pi->e->nchildren, 2);
	return 0;
}

const struct inode_ops proc_dir_iops = {
	.lookup = proc_dir_lookup,
	.setattr = proc_setattr,
	.getattr = proc_getattr,
};

const struct file_ops proc_dir_fops = {
	.iterate = proc_dir_iterate,
};
