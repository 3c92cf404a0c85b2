/*
 * /proc/PID and /proc/PID/task/TID: the per-process directories, how an
 * inode finds its process again (proc_target_get), who may look at a
 * process's private files, and the small per-process files: comm, wchan,
 * cmdline, environ, auxv, the exe/cwd/root magic links and a few
 * constant ones.  The status files are in array.c, maps in maps.c, fd/
 * and fdinfo/ in fd.c, mounts in mounts.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/fdtable.h"
#include "fs/mount.h"
#include "fs/namei.h"
#include "fs/proc/proc_int.h"
#include "mm/mm.h"
#include "task.h"
#include "uaccess.h"

/* Finding the process again */

struct task *
proc_leader(struct process *p)
{
	struct task *t = task_find(p->pid);

	if (t && t->proc == p)
		return t;
	if (list_empty(&p->threads))
		return NULL;
	return list_first_entry(&p->threads, struct task, thread_link);
}

int
proc_target_get(const struct proc_inode *pi, struct proc_target *tg)
{
	struct process *p = process_find(pi->pid);

	if (!p || p->start_time != pi->start_time)
		return -ESRCH;
	tg->p = p;
	if (pi->tid) {
		tg->t = task_find(pi->tid);
		if (!tg->t || tg->t->proc != p)
			return -ESRCH;
	} else {
		tg->t = proc_leader(p);
	}
	return 0;
}

void
proc_pid_ids(struct process *p, struct proc_inode *ids)
{
	memset(ids, 0, sizeof(*ids));
	ids->pid = p->pid;
	ids->start_time = p->start_time;
}

/*
 * Linux's ptrace access rule with filesystem credentials: root, the
 * process itself, or a reader whose fsuid and fsgid match all of the
 * target's user and group ids (so not a set-id program's).
 */
bool
proc_may_access(struct task *reader, const struct proc_target *tg)
{
	const struct cred *r, *c;

	if (!reader || cred_is_root(&reader->cred) || reader->proc == tg->p)
		return true;
	if (!tg->t)
		return reader->cred.fsuid == tg->p->exit_uid;
	r = &reader->cred;
	c = &tg->t->cred;
	return r->fsuid == c->uid && r->fsuid == c->euid &&
	       r->fsuid == c->suid && r->fsgid == c->gid &&
	       r->fsgid == c->egid && r->fsgid == c->sgid;
}

const char *
proc_comm(const struct proc_target *tg, char buf[16])
{
	const char *src = tg->t ? tg->t->comm : tg->p->exit_comm;
	size_t n = strnlen(src, 15);

	memcpy(buf, src, n);
	buf[n] = 0;
	return buf;
}

const struct path *
proc_reader_root(void)
{
	if (!current || !current->fs)
		return NULL;
	return &current->fs->root;
}

long
proc_path_text(const struct path *p, char *buf, size_t len)
{
	const struct path *root = proc_reader_root();
	struct path global;
	char *tmp;
	long n;

	if ((tmp = malloc(PATH_MAX_K)) == NULL)
		return -ENOMEM;
	if (root) {
		n = path_name(p, root, tmp, PATH_MAX_K);
	} else {
		mount_root_path(&global);
		n = path_name(p, &global, tmp, PATH_MAX_K);
		path_put(&global);
	}
	if (n >= 0) {
		if ((size_t)n > len)
			n = (long)len;
		memcpy(buf, tmp, (size_t)n);
	}
	free(tmp);
	return n;
}

/* Magic links: exe, cwd, root */

enum proc_place { PROC_EXE, PROC_CWD, PROC_ROOT };

/* The place a link names, borrowed from the process. */
static int
proc_place(const struct proc_inode *pi, enum proc_place which,
	   const struct path **out)
{
	struct proc_target tg;
	int r;

	if ((r = proc_target_get(pi, &tg)) < 0)
		return -ENOENT;
	if (!tg.t)
		return -ENOENT;
	switch (which) {
	case PROC_EXE:
		if (!tg.t->mm || !tg.t->mm->exe_file ||
		    !tg.t->mm->exe_file->path.mnt)
			return -ENOENT;
		*out = &tg.t->mm->exe_file->path;
		return 0;
	case PROC_CWD:
	case PROC_ROOT:
		if (!tg.t->fs)
			return -ENOENT;
		*out = which == PROC_CWD ? &tg.t->fs->cwd : &tg.t->fs->root;
		return 0;
	}
	return -ENOENT;
}

static long
proc_place_text(const struct proc_inode *pi, enum proc_place which,
		char *buf, size_t len)
{
	const struct path *p;
	int r;

	if ((r = proc_place(pi, which, &p)) < 0)
		return r;
	return proc_path_text(p, buf, len);
}

static int
proc_place_path(const struct proc_inode *pi, enum proc_place which,
		struct path *out)
{
	const struct path *p;
	int r;

	if ((r = proc_place(pi, which, &p)) < 0)
		return r;
	*out = *p;
	path_get(out);
	return 0;
}

static long
proc_exe_text(const struct proc_inode *pi, char *buf, size_t len)
{
	return proc_place_text(pi, PROC_EXE, buf, len);
}

static int
proc_exe_path(const struct proc_inode *pi, struct path *out)
{
	return proc_place_path(pi, PROC_EXE, out);
}

static long
proc_cwd_text(const struct proc_inode *pi, char *buf, size_t len)
{
	return proc_place_text(pi, PROC_CWD, buf, len);
}

static int
proc_cwd_path(const struct proc_inode *pi, struct path *out)
{
	return proc_place_path(pi, PROC_CWD, out);
}

static long
proc_root_text(const struct proc_inode *pi, char *buf, size_t len)
{
	return proc_place_text(pi, PROC_ROOT, buf, len);
}

static int
proc_root_path(const struct proc_inode *pi, struct path *out)
{
	return proc_place_path(pi, PROC_ROOT, out);
}

/* Small files */

static int
proc_show_comm(const struct proc_inode *pi, struct pbuf *b)
{
	struct proc_target tg;
	char comm[16];
	int r;

	if ((r = proc_target_get(pi, &tg)) < 0)
		return r;
	pbuf_printf(b, "%s\n", proc_comm(&tg, comm));
	return 0;
}

/* Only a process may rename its own threads, as in Linux. */
static int
proc_store_comm(const struct proc_inode *pi, const char *buf, size_t len)
{
	struct proc_target tg;
	int r;

	if ((r = proc_target_get(pi, &tg)) < 0)
		return r;
	if (!tg.t || !current || current->proc != tg.p)
		return -EINVAL;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > sizeof(tg.t->comm) - 1)
		len = sizeof(tg.t->comm) - 1;
	memset(tg.t->comm, 0, sizeof(tg.t->comm));
	memcpy(tg.t->comm, buf, len);
	return 0;
}

static int
proc_show_wchan(const struct proc_inode *pi, struct pbuf *b)
{
	struct proc_target tg;
	int r;

	if ((r = proc_target_get(pi, &tg)) < 0)
		return r;
	if (tg.t && tg.t->wchan &&
	    (tg.t->state == TASK_INTERRUPTIBLE ||
	     tg.t->state == TASK_UNINTERRUPTIBLE))
		pbuf_puts(b, tg.t->wchan);
	else
		pbuf_putc(b, '0');
	return 0;
}

/*
 * Copy [start, end) of the process's memory into b, a page at a time;
 * stops quietly at the first unreadable page.  Nothing for a zombie.
 */
static void
proc_copy_guest(const struct proc_target *tg, uint64_t start, uint64_t end,
		struct pbuf *b)
{
	char *page;

	if (!tg->t || !tg->t->mm || !tg->t->host || end <= start)
		return;
	if (end - start > PBUF_MAX)
		end = start + PBUF_MAX;
	if ((page = malloc(PAGE_SIZE)) == NULL)
		return;
	while (start < end && !b->overflow) {
		size_t n = PAGE_SIZE - (start & (PAGE_SIZE - 1));

		if (n > end - start)
			n = (size_t)(end - start);
		if (copy_from_user(tg->t, page, UADDR(start), n) < 0)
			break;
		pbuf_write(b, page, n);
		start += n;
	}
	free(page);
}

enum proc_mem_area { PROC_ARGS, PROC_ENV, PROC_AUXV };

static int
proc_show_area(const struct proc_inode *pi, struct pbuf *b,
	       enum proc_mem_area area)
{
	struct proc_target tg;
	struct mm *mm;
	int r;

	if ((r = proc_target_get(pi, &tg)) < 0)
		return r;
	if (!tg.t || (mm = tg.t->mm) == NULL)
		return 0;
	if (area == PROC_ARGS)
		proc_copy_guest(&tg, mm->arg_start, mm->arg_end, b);
	else if (area == PROC_ENV)
		proc_copy_guest(&tg, mm->env_start, mm->env_end, b);
	else
		proc_copy_guest(&tg, mm->auxv_start,
				mm->auxv_start + mm->auxv_len, b);
	return 0;
}

static int
proc_show_cmdline_pid(const struct proc_inode *pi, struct pbuf *b)
{
	return proc_show_area(pi, b, PROC_ARGS);
}

static int
proc_show_environ(const struct proc_inode *pi, struct pbuf *b)
{
	return proc_show_area(pi, b, PROC_ENV);
}

static int
proc_show_auxv(const struct proc_inode *pi, struct pbuf *b)
{
	return proc_show_area(pi, b, PROC_AUXV);
}

static int
proc_show_loginuid(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_puts(b, "4294967295");
	return 0;
}

static int
proc_show_zero(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_puts(b, "0\n");
	return 0;
}

/* oom_score_adj: accepted in range and forgotten; there is no OOM killer. */
static int
proc_store_oom_adj(const struct proc_inode *pi, const char *buf, size_t len)
{
	char *end;
	long v = strtol(buf, &end, 10);

	while (*end == '\n' || *end == ' ')
		end++;
	if (end == buf || *end || v < -1000 || v > 1000)
		return -EINVAL;
	return 0;
}

static int
proc_show_cgroup(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_puts(b, "0::/\n");
	return 0;
}

/* task/: one directory per thread, at position 2 + tid */

/* The thread of p with the smallest tid >= from, or NULL. */
static struct task *
proc_next_thread(struct process *p, long from)
{
	struct task *t, *best = NULL;

	list_for_each_entry(t, &p->threads, thread_link)
		if (t->tid >= from && (!best || t->tid < best->tid))
			best = t;
	return best;
}

static int
proc_task_lookup(struct inode *dir, const char *name, size_t len,
		 struct inode **out)
{
	struct proc_inode ids = *PI(dir);
	struct proc_target tg;
	struct task *t;
	long tid;

	if (proc_target_get(&ids, &tg) < 0 ||
	    (tid = proc_name_to_num(name, len)) <= 0 ||
	    (t = task_find((int)tid)) == NULL || t->proc != tg.p)
		return -ENOENT;
	ids.tid = t->tid;
	*out = proc_inode_new(dir->sb, &proc_tid_entry, &ids,
			      proc_pid_ino(ids.pid, PROC_KIND_TASK,
					   (uint64_t)t->tid << 12));
	return *out ? 0 : -ENOMEM;
}

static int
proc_task_iterate(struct file *f, struct dir_context *ctx)
{
	const struct proc_inode *pi = PI(f->inode);
	struct proc_target tg;
	struct task *t;
	char name[16];

	if (proc_target_get(pi, &tg) < 0 || !dir_emit_dots(f, ctx) ||
	    ctx->pos > PROC_POS_MAX)
		return 0;
	while ((t = proc_next_thread(tg.p, (long)ctx->pos - 2)) != NULL) {
		int n = snprintf(name, sizeof(name), "%d", t->tid);

		ctx->pos = 2 + (uint64_t)t->tid;
		if (ctx->emit(ctx, name, (size_t)n,
			      proc_pid_ino(pi->pid, PROC_KIND_TASK,
					   (uint64_t)t->tid << 12),
			      K_DT_DIR))
			return 0;
		ctx->pos++;
	}
	return 0;
}

static uint32_t
proc_task_nlink(const struct proc_inode *pi)
{
	struct proc_target tg;

	if (proc_target_get(pi, &tg) < 0)
		return 2;
	return 2 + (uint32_t)tg.p->nr_threads;
}

static const struct proc_dir_ops proc_task_dir_ops = {
	.lookup = proc_task_lookup,
	.iterate = proc_task_iterate,
	.nlink = proc_task_nlink,
};

/* The tables */

#define PROC_LINK(n, txt, pth)                                                 \
	{ .name = (n), .mode = K_S_IFLNK | 0777, .flags = PE_PRIVATE,          \
	  .link_text = (txt), .link_path = (pth) }
#define PROC_RO(n, fn) { .name = (n), .mode = K_S_IFREG | 0444, .show = (fn) }
#define PROC_PRIV(n, m, fn)                                                    \
	{ .name = (n), .mode = K_S_IFREG | (m), .flags = PE_PRIVATE,           \
	  .show = (fn) }

static struct proc_entry proc_pid_table[] = {
	{ .name = "fd", .mode = K_S_IFDIR | 0500, .dir = &proc_fd_dir_ops },
	{ .name = "fdinfo", .mode = K_S_IFDIR | 0500,
	  .dir = &proc_fdinfo_dir_ops },
	{ .name = "task", .mode = K_S_IFDIR | 0555, .dir = &proc_task_dir_ops },
	PROC_PRIV("auxv", 0400, proc_show_auxv),
	PROC_RO("cgroup", proc_show_cgroup),
	PROC_RO("cmdline", proc_show_cmdline_pid),
	{ .name = "comm", .mode = K_S_IFREG | 0644, .show = proc_show_comm,
	  .store = proc_store_comm },
	PROC_LINK("cwd", proc_cwd_text, proc_cwd_path),
	PROC_PRIV("environ", 0400, proc_show_environ),
	PROC_LINK("exe", proc_exe_text, proc_exe_path),
	PROC_RO("loginuid", proc_show_loginuid),
	PROC_PRIV("maps", 0444, proc_show_maps),
	PROC_RO("mountinfo", proc_show_mountinfo),
	PROC_RO("mounts", proc_show_mounts),
	PROC_RO("oom_score", proc_show_zero),
	{ .name = "oom_score_adj", .mode = K_S_IFREG | 0644,
	  .show = proc_show_zero, .store = proc_store_oom_adj },
	PROC_LINK("root", proc_root_text, proc_root_path),
	PROC_RO("stat", proc_show_stat),
	PROC_RO("statm", proc_show_statm),
	PROC_RO("status", proc_show_status),
	PROC_RO("wchan", proc_show_wchan),
};

static struct proc_entry proc_tid_table[] = {
	PROC_RO("cmdline", proc_show_cmdline_pid),
	{ .name = "comm", .mode = K_S_IFREG | 0644, .show = proc_show_comm,
	  .store = proc_store_comm },
	PROC_PRIV("environ", 0400, proc_show_environ),
	PROC_PRIV("maps", 0444, proc_show_maps),
	PROC_RO("stat", proc_show_stat),
	PROC_RO("statm", proc_show_statm),
	PROC_RO("status", proc_show_status),
	PROC_RO("wchan", proc_show_wchan),
};

struct proc_entry proc_pid_entry = {
	.name = "PID",
	.mode = K_S_IFDIR | 0555,
	.children = PROC_TABLE(proc_pid_table),
};

struct proc_entry proc_tid_entry = {
	.name = "TID",
	.mode = K_S_IFDIR | 0555,
	.children = PROC_TABLE(proc_tid_table),
};
