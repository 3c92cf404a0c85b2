/*
 * The /proc directory itself: the fixed entries (system files, self,
 * thread-self, mounts, sys/, tty/, net/) and one directory per process.
 *
 * readdir lists the fixed entries at positions 2 .. 2 + n - 1, then the
 * processes in increasing pid order at position PROC_ROOT_PID_POS + pid,
 * so a reader that resumes continues after the last pid it saw, whatever
 * exited or was created in between.  Zombies are listed, as in Linux;
 * threads other than leaders are reached through PID/task/.
 */
#include <stdio.h>

#include "fs/proc/proc_int.h"
#include "net/net.h"
#include "task.h"

#define PROC_NFIXED (sizeof(proc_root_table) / sizeof(proc_root_table[0]))
#define PROC_ROOT_PID_POS (2 + PROC_NFIXED)

static long
proc_self_text(const struct proc_inode *pi, char *buf, size_t len)
{
	if (!current || !current->proc)
		return -ENOENT;
	return proc_link_printf(buf, len, "%d", current->proc->pid);
}

static long
proc_thread_self_text(const struct proc_inode *pi, char *buf, size_t len)
{
	if (!current || !current->proc)
		return -ENOENT;
	return proc_link_printf(buf, len, "%d/task/%d", current->proc->pid,
				current->tid);
}

static long
proc_mounts_text(const struct proc_inode *pi, char *buf, size_t len)
{
	return proc_link_printf(buf, len, "self/mounts");
}

static int
proc_show_net_unix(const struct proc_inode *pi, struct pbuf *b)
{
	unix_show_proc(b);
	return 0;
}

static struct proc_entry proc_net_table[] = {
	{ .name = "unix", .mode = K_S_IFREG | 0444,
	  .show = proc_show_net_unix },
};

static struct proc_entry proc_tty_table[] = {
	{ .name = "drivers", .mode = K_S_IFREG | 0444,
	  .show = proc_show_tty_drivers },
};

static struct proc_entry proc_root_table[] = {
	{ .name = "self", .mode = K_S_IFLNK | 0777,
	  .link_text = proc_self_text },
	{ .name = "thread-self", .mode = K_S_IFLNK | 0777,
	  .link_text = proc_thread_self_text },
	{ .name = "mounts", .mode = K_S_IFLNK | 0777,
	  .link_text = proc_mounts_text },
	{ .name = "cmdline", .mode = K_S_IFREG | 0444,
	  .show = proc_show_cmdline },
	{ .name = "cpuinfo", .mode = K_S_IFREG | 0444,
	  .show = proc_show_cpuinfo },
	{ .name = "filesystems", .mode = K_S_IFREG | 0444,
	  .show = proc_show_filesystems },
	{ .name = "loadavg", .mode = K_S_IFREG | 0444,
	  .show = proc_show_loadavg },
	{ .name = "meminfo", .mode = K_S_IFREG | 0444,
	  .show = proc_show_meminfo },
	{ .name = "partitions", .mode = K_S_IFREG | 0444,
	  .show = proc_show_partitions },
	{ .name = "stat", .mode = K_S_IFREG | 0444, .show = proc_show_kstat },
	{ .name = "uptime", .mode = K_S_IFREG | 0444,
	  .show = proc_show_uptime },
	{ .name = "version", .mode = K_S_IFREG | 0444,
	  .show = proc_show_version },
	{ .name = "sys", .mode = K_S_IFDIR | 0555,
	  .children = proc_sys_table, .nchildren = PROC_SYS_NENTRIES },
	{ .name = "tty", .mode = K_S_IFDIR | 0555,
	  .children = PROC_TABLE(proc_tty_table) },
	{ .name = "net", .mode = K_S_IFDIR | 0555,
	  .children = PROC_TABLE(proc_net_table) },
};

/* The first process with pid >= from, or NULL. */
static struct process *
proc_next_process(long from)
{
	struct process *p, *best = NULL;

	list_for_each_entry(p, &all_processes, all_link)
		if (p->pid >= from && (!best || p->pid < best->pid))
			best = p;
	return best;
}

static int
proc_root_lookup(struct inode *dir, const char *name, size_t len,
		 struct inode **out)
{
	struct proc_inode ids = { 0 };
	struct process *p;
	struct task *t = NULL;
	long pid;
	int r;

	r = proc_table_lookup(dir, proc_root_table, PROC_NFIXED, name, len,
			      out);
	if (r != -ENOENT)
		return r;
	if ((pid = proc_name_to_num(name, len)) <= 0)
		return -ENOENT;
	/* A thread's id names a directory too, of its own view, which
	 * readdir does not list (as Linux). */
	if ((p = process_find((int)pid)) == NULL &&
	    ((t = task_find((int)pid)) == NULL || (p = t->proc) == NULL))
		return -ENOENT;
	proc_pid_ids(p, &ids);
	if (t)
		ids.tid = t->tid;
	*out = proc_inode_new(dir->sb, &proc_pid_entry, &ids,
			      proc_pid_ino(p->pid, PROC_KIND_BASE,
					   t ? (uint64_t)t->tid << 12 : 0));
	return *out ? 0 : -ENOMEM;
}

static int
proc_root_iterate(struct file *f, struct dir_context *ctx)
{
	struct process *p;
	char name[16];

	if (!dir_emit_dots(f, ctx) ||
	    !proc_table_emit(f, ctx, proc_root_table, PROC_NFIXED, 2))
		return 0;
	if (ctx->pos < PROC_ROOT_PID_POS)
		ctx->pos = PROC_ROOT_PID_POS;
	if (ctx->pos > PROC_POS_MAX)
		return 0;
	while ((p = proc_next_process((long)(ctx->pos - PROC_ROOT_PID_POS))) !=
	       NULL) {
		int n = snprintf(name, sizeof(name), "%d", p->pid);

		ctx->pos = PROC_ROOT_PID_POS + (uint64_t)p->pid;
		if (ctx->emit(ctx, name, (size_t)n,
			      proc_pid_ino(p->pid, PROC_KIND_BASE, 0),
			      K_DT_DIR))
			return 0;
		ctx->pos++;
	}
	return 0;
}

static uint32_t
proc_root_nlink(const struct proc_inode *pi)
{
	struct process *p;
	uint32_t n = 2;
	size_t i;

	for (i = 0; i < PROC_NFIXED; i++)
		if (K_ISDIR(proc_root_table[i].mode))
			n++;
	list_for_each_entry(p, &all_processes, all_link)
		n++;
	return n;
}

static const struct proc_dir_ops proc_root_dir_ops = {
	.lookup = proc_root_lookup,
	.iterate = proc_root_iterate,
	.nlink = proc_root_nlink,
};

struct proc_entry proc_root_entry = {
	.name = "/",
	.mode = K_S_IFDIR | 0555,
	.children = PROC_TABLE(proc_root_table),
	.dir = &proc_root_dir_ops,
};
