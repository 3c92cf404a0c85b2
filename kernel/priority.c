/*
 * Scheduling priorities: getpriority and setpriority.  The kernel runs one
 * task at a time and does not weigh them by nice value yet, but the value
 * is kept per process, inherited at fork and reported back, with Linux's
 * rules: only root may lower it, and getpriority answers 20 - nice.
 */
#include "errno.h"
#include "syscalls.h"
#include "task.h"

#define PRIO_PROCESS_K 0
#define PRIO_PGRP_K 1
#define PRIO_USER_K 2

static uint32_t
proc_uid(struct process *p)
{
	return list_empty(&p->threads)
		       ? p->exit_uid
		       : list_first_entry(&p->threads, struct task, thread_link)
				 ->cred.uid;
}

static bool
prio_matches(struct task *t, struct process *p, int which, int who)
{
	if (p->state != PROC_ALIVE)
		return false;
	switch (which) {
	case PRIO_PROCESS_K:
		return p->pid == (who ? who : t->proc->pid);
	case PRIO_PGRP_K:
		return p->pgid == (who ? who : t->proc->pgid);
	default:
		return proc_uid(p) == (who ? (uint32_t)who : t->cred.uid);
	}
}

long
sys_getpriority(struct task *t, const uint64_t a[6])
{
	int which = (int)a[0], who = (int)a[1], best = -1;
	struct process *p;

	if (which < PRIO_PROCESS_K || which > PRIO_USER_K)
		return -EINVAL;
	list_for_each_entry(p, &all_processes, all_link)
		if (prio_matches(t, p, which, who) && 20 - p->nice > best)
			best = 20 - p->nice;
	return best < 0 ? -ESRCH : best;
}

long
sys_setpriority(struct task *t, const uint64_t a[6])
{
	int which = (int)a[0], who = (int)a[1], nice = (int)a[2];
	struct process *p;
	bool found = false;
	int r = 0;

	if (which < PRIO_PROCESS_K || which > PRIO_USER_K)
		return -EINVAL;
	nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
	list_for_each_entry(p, &all_processes, all_link) {
		if (!prio_matches(t, p, which, who))
			continue;
		found = true;
		if (!cred_is_root(&t->cred) && t->cred.euid != proc_uid(p))
			r = -EPERM;
		else if (nice < p->nice && !cred_is_root(&t->cred))
			r = -EACCES;
		else
			p->nice = nice;
	}
	return found ? r : -ESRCH;
}
