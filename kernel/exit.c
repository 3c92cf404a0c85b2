/*
 * Exits: a thread's (do_exit), a process's (do_group_exit), and what follows
 * -- the zombie, SIGCHLD to the parent, orphans reparented to init, and
 * the end of the kernel when init dies.
 */
#include <stdio.h>
#include <string.h>

#include "errno.h"
#include "drivers/tty.h"
#include "fs/fdtable.h"
#include "mm/mm.h"
#include "printk.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

void kernel_halt(int status);

static bool
parent_ignores_children(struct process *parent)
{
	const struct k_sigaction *ka = &parent->sighand->action[17 - 1];

	return ka->handler == K_SIG_IGN || (ka->flags & K_SA_NOCLDWAIT);
}

void
process_notify_parent(struct process *p, int code, int sig)
{
	struct process *parent = p->parent;
	const struct k_sigaction *ka;
	struct ksiginfo info = { .signo = 17, .code = code };
	struct rusage_acct ru;
	struct task *leader;

	if (!parent)
		return;
	wake_up(&parent->child_wait);
	ka = &parent->sighand->action[17 - 1];
	if (code != K_CLD_EXITED && code != K_CLD_KILLED &&
	    code != K_CLD_DUMPED && (ka->flags & K_SA_NOCLDSTOP))
		return;
	if (code == K_CLD_EXITED && p->exit_signal != 17) {
		if (p->exit_signal == 0)
			return;
		info.signo = p->exit_signal;
	}
	info.chld.pid = p->pid;
	leader = list_empty(&p->threads) ? NULL
		 : list_first_entry(&p->threads, struct task, thread_link);
	info.chld.uid = leader ? leader->cred.uid : p->exit_uid;
	info.chld.status = sig;
	process_rusage(p, &ru); /* CPU time so far, in ticks, as Linux */
	info.chld.utime = ns_to_clock_t(ru.utime_ns);
	info.chld.stime = ns_to_clock_t(ru.stime_ns);
	send_signal_process(parent, info.signo, &info);
}

/* Children of a dying process go to init; zombies among them are reaped. */
static void
reparent_children(struct process *p)
{
	struct process *c, *tmp;

	list_for_each_entry_safe(c, tmp, &p->children, sibling) {
		list_del(&c->sibling);
		c->parent = init_process;
		c->exit_signal = 17; /* so init's plain wait reaps it */
		list_add_tail(&c->sibling, &init_process->children);
		if (c->state == PROC_ZOMBIE)
			process_notify_parent(c, K_CLD_EXITED, 0);
	}
}

static int
chld_code(int status, int *sig)
{
	if ((status & 0x7f) == 0) {
		*sig = (status >> 8) & 0xff;
		return K_CLD_EXITED;
	}
	*sig = status & 0x7f;
	return (status & 0x80) ? K_CLD_DUMPED : K_CLD_KILLED;
}

/* The kernel's end: init is gone. */
static void
init_died(int status)
{
	int code = (status & 0x7f) ? 128 + (status & 0x7f)
				   : (status >> 8) & 0xff;

	printk(LOGLEVEL_EMERG,
	       "Kernel panic - not syncing: Attempted to kill init! "
	       "exitcode=0x%08x",
	       status);
	kernel_halt(code);
}

static bool
pgrp_has_stopped(int pgid)
{
	struct process *q;

	list_for_each_entry(q, &all_processes, all_link)
		if (q->pgid == pgid && q->state == PROC_ALIVE && q->stopped)
			return true;
	return false;
}

/*
 * POSIX: a process group that the exit orphans and that has stopped
 * members gets SIGHUP and SIGCONT, or its jobs would stay stopped forever
 * with no shell left to continue them.  q is a member of the group; the
 * group was kept alive by link, a member whose parent was outside it.
 */
static void
hangup_if_orphaned(struct process *q, struct process *link)
{
	if (link->pgid == q->pgid || link->sid != q->sid)
		return;
	if (process_pgrp_orphaned(q) && pgrp_has_stopped(q->pgid)) {
		kill_pgrp(q->pgid, 1 /* SIGHUP */, NULL);
		kill_pgrp(q->pgid, 18 /* SIGCONT */, NULL);
	}
}

static void
kill_orphaned_pgrps(struct process *p)
{
	struct process *c;

	if (p->parent)
		hangup_if_orphaned(p, p->parent);
	list_for_each_entry(c, &p->children, sibling)
		if (c->state == PROC_ALIVE)
			hangup_if_orphaned(c, p);
}

static void
process_exit(struct process *p)
{
	int code, sig;

	p->state = PROC_ZOMBIE;
	itimers_stop(p);
	posix_timers_exit(p);
	wake_up(&p->pidfd_wait);
	if (p == init_process)
		init_died(p->exit_status);
	if (p->pid == p->sid)
		tty_disassociate(p, true);
	kill_orphaned_pgrps(p);
	reparent_children(p);
	if (!p->vfork_done) {
		p->vfork_done = true;
		wake_up(&p->vfork_wait);
	}
	code = chld_code(p->exit_status, &sig);
	if (p->exit_signal == 17 && parent_ignores_children(p->parent)) {
		/* SA_NOCLDWAIT reaps at once but still sends SIGCHLD. */
		if (p->parent->sighand->action[17 - 1].handler != K_SIG_IGN)
			process_notify_parent(p, code, sig);
		wake_up(&p->parent->child_wait);
		if (p->vfork_parent_waiting)
			p->reap_when_vfork_done = true;
		else
			process_release(p);
		return;
	}
	process_notify_parent(p, code, sig);
}

/* Wake the other threads of a dying process so they exit too. */
static void
kill_other_threads(struct task *t)
{
	struct task *o;

	list_for_each_entry(o, &t->proc->threads, thread_link)
		if (o != t)
			send_signal_task(o, 9, NULL);
}

void
do_exit(struct task *t, int status)
{
	struct process *p = t->proc;

	futex_exit_robust_list(t);
	if (t->mm->refcount > 1)
		futex_clear_child_tid(t); /* someone may wait in pthread_join */
	if (p->nr_threads == 1 && !p->group_exiting)
		p->exit_status = status;
	task_rusage_settle(t);
	rusage_add(&p->ru_exited, &t->ru);
	if (p->nr_threads > 1)
		host_task_exit_thread(t->host);
	else
		host_task_kill(t->host);
	t->host = NULL;
	mm_put(t->mm);
	files_put(t->files);
	fs_info_put(t->fs);
	t->mm = NULL;
	t->files = NULL;
	t->fs = NULL;
	list_del(&t->thread_link);
	task_unregister(t);
	pid_free(t->tid);
	wake_up(&p->thread_exit_wait);
	signal_group_stop_check(p);
	if (--p->nr_threads == 0) {
		p->exit_uid = t->cred.uid;
		memcpy(p->exit_comm, t->comm, sizeof(p->exit_comm));
		process_exit(p);
	}
	sched_exit_current();
}

void
do_group_exit(struct task *t, int status)
{
	struct process *p = t->proc;

	if (!p->group_exiting) {
		p->group_exiting = true;
		p->exit_status = status;
		kill_other_threads(t);
	}
	do_exit(t, p->exit_status);
}

long
sys_exit(struct task *t, const uint64_t a[6])
{
	do_exit(t, (int)(a[0] & 0xff) << 8);
}

long
sys_exit_group(struct task *t, const uint64_t a[6])
{
	do_group_exit(t, (int)(a[0] & 0xff) << 8);
}
