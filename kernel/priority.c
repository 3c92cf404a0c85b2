/*
 * Scheduling priorities and policies: getpriority/setpriority, the
 * sched_* policy calls and CPU affinity.
 *
 * The kernel runs one task at a time and does not weigh them by nice
 * value or policy yet, but both are kept per process, inherited at fork
 * (SCHED_RESET_ON_FORK as Linux) and reported back, with Linux's rules:
 * only root may lower the nice value or choose a real-time policy (the
 * RLIMIT_RTPRIO of every process is 0), and getpriority answers 20 - nice.
 * The guest has one CPU, CPU 0: affinity masks must include it.
 */
#include "errno.h"
#include "uaccess.h"
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

/* Policies */

#define SCHED_OTHER_K 0
#define SCHED_FIFO_K 1
#define SCHED_RR_K 2
#define SCHED_BATCH_K 3
#define SCHED_IDLE_K 5
#define SCHED_DEADLINE_K 6
#define SCHED_RESET_ON_FORK_K 0x40000000
#define SCHED_FLAG_RESET_ON_FORK_K 0x01
#define SCHED_FLAG_KEEP_POLICY_K 0x08
#define SCHED_FLAG_KEEP_PARAMS_K 0x10
#define SCHED_ATTR_SIZE_VER0 48
#define SCHED_ATTR_SIZE_VER1 56
#define RR_TIMESLICE_NS 100000000

static bool
policy_is_rt(int policy)
{
	return policy == SCHED_FIFO_K || policy == SCHED_RR_K;
}

void
sched_fork(struct process *child, const struct process *parent)
{
	child->sched_policy = parent->sched_policy;
	child->sched_priority = parent->sched_priority;
	if (parent->sched_reset_on_fork) {
		if (policy_is_rt(child->sched_policy)) {
			child->sched_policy = SCHED_OTHER_K;
			child->sched_priority = 0;
		}
		if (child->nice < 0)
			child->nice = 0;
	}
}

/* The process of thread tid (0: t's own), or NULL. */
static struct process *
sched_target(struct task *t, int tid)
{
	struct process *p = tid == 0 ? t->proc : tid > 0 ? process_of_id(tid) : NULL;

	return p && p->state == PROC_ALIVE ? p : NULL;
}

static bool
may_change(struct task *t, struct process *p)
{
	return cred_is_root(&t->cred) || t->cred.euid == proc_uid(p);
}

/* Set p's policy and priority after Linux's checks. */
static int
sched_set(struct task *t, struct process *p, int policy, int prio,
	  bool reset_on_fork)
{
	if (policy != SCHED_OTHER_K && !policy_is_rt(policy) &&
	    policy != SCHED_BATCH_K && policy != SCHED_IDLE_K)
		return -EINVAL;
	if (policy_is_rt(policy) ? prio < 1 || prio > 99 : prio != 0)
		return -EINVAL;
	if (!may_change(t, p))
		return -EPERM;
	/* Unprivileged (RLIMIT_RTPRIO and RLIMIT_NICE are 0): no raising
	 * a real-time priority, no leaving SCHED_IDLE, no dropping
	 * reset-on-fork. */
	if (!cred_is_root(&t->cred) &&
	    ((policy_is_rt(policy) && prio > p->sched_priority) ||
	     (p->sched_policy == SCHED_IDLE_K && policy != SCHED_IDLE_K) ||
	     (p->sched_reset_on_fork && !reset_on_fork)))
		return -EPERM;
	p->sched_policy = policy;
	p->sched_priority = prio;
	p->sched_reset_on_fork = reset_on_fork;
	return 0;
}

static long
set_scheduler(struct task *t, int tid, int policy, uaddr_t uparam)
{
	struct process *p;
	int prio;

	if (tid < 0 || uaddr_is_null(uparam))
		return -EINVAL;
	if (copy_from_user(t, &prio, uparam, sizeof(prio)) < 0)
		return -EFAULT;
	if ((p = sched_target(t, tid)) == NULL)
		return -ESRCH;
	if (policy < 0) /* sched_setparam: keep the policy */
		return sched_set(t, p, p->sched_policy, prio, p->sched_reset_on_fork);
	return sched_set(t, p, policy & ~SCHED_RESET_ON_FORK_K, prio,
			 policy & SCHED_RESET_ON_FORK_K);
}

long
sys_sched_setscheduler(struct task *t, const uint64_t a[6])
{
	if ((int)a[1] < 0)
		return -EINVAL;
	return set_scheduler(t, (int)a[0], (int)a[1], UADDR(a[2]));
}

long
sys_sched_setparam(struct task *t, const uint64_t a[6])
{
	return set_scheduler(t, (int)a[0], -1, UADDR(a[1]));
}

long
sys_sched_getscheduler(struct task *t, const uint64_t a[6])
{
	struct process *p;

	if ((int)a[0] < 0)
		return -EINVAL;
	if ((p = sched_target(t, (int)a[0])) == NULL)
		return -ESRCH;
	return p->sched_policy | (p->sched_reset_on_fork ? SCHED_RESET_ON_FORK_K : 0);
}

long
sys_sched_getparam(struct task *t, const uint64_t a[6])
{
	struct process *p;

	if ((int)a[0] < 0 || uaddr_is_null(UADDR(a[1])))
		return -EINVAL;
	if ((p = sched_target(t, (int)a[0])) == NULL)
		return -ESRCH;
	return copy_to_user(t, UADDR(a[1]), &p->sched_priority, sizeof(int)) < 0
		       ? -EFAULT : 0;
}

static long
priority_bound(int policy, bool max)
{
	switch (policy) {
	case SCHED_FIFO_K:
	case SCHED_RR_K:
		return max ? 99 : 1;
	case SCHED_OTHER_K:
	case SCHED_BATCH_K:
	case SCHED_IDLE_K:
	case SCHED_DEADLINE_K:
		return 0;
	default:
		return -EINVAL;
	}
}

long
sys_sched_get_priority_max(struct task *t, const uint64_t a[6])
{
	return priority_bound((int)a[0], true);
}

long
sys_sched_get_priority_min(struct task *t, const uint64_t a[6])
{
	return priority_bound((int)a[0], false);
}

/* The time slice: RR's round, none for FIFO, one tick for the others. */
long
sys_sched_rr_get_interval(struct task *t, const uint64_t a[6])
{
	struct process *p;
	int64_t ts[2] = { 0, 0 };

	if ((int)a[0] < 0)
		return -EINVAL;
	if ((p = sched_target(t, (int)a[0])) == NULL)
		return -ESRCH;
	if (p->sched_policy == SCHED_RR_K)
		ts[1] = RR_TIMESLICE_NS;
	else if (p->sched_policy != SCHED_FIFO_K)
		ts[1] = 4000000;
	return copy_to_user(t, UADDR(a[1]), ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

/* struct sched_attr, up to SCHED_ATTR_SIZE_VER1. */
struct sched_attr_k {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
};

long
sys_sched_getattr(struct task *t, const uint64_t a[6])
{
	struct sched_attr_k at = { 0 };
	uint32_t size = (uint32_t)a[2];
	struct process *p;

	if ((int)a[0] < 0 || uaddr_is_null(UADDR(a[1])) || (unsigned int)a[3] ||
	    size < SCHED_ATTR_SIZE_VER0 || size > 4096)
		return -EINVAL;
	if ((p = sched_target(t, (int)a[0])) == NULL)
		return -ESRCH;
	at.size = size < sizeof(at) ? size : sizeof(at);
	at.policy = (uint32_t)p->sched_policy;
	at.flags = p->sched_reset_on_fork ? SCHED_FLAG_RESET_ON_FORK_K : 0;
	at.nice = p->nice;
	at.priority = (uint32_t)p->sched_priority;
	return copy_to_user(t, UADDR(a[1]), &at, at.size) < 0 ? -EFAULT : 0;
}

/* sched_setattr: the policy calls in one; SCHED_DEADLINE is not offered. */
long
sys_sched_setattr(struct task *t, const uint64_t a[6])
{
	uint64_t known = SCHED_FLAG_RESET_ON_FORK_K | SCHED_FLAG_KEEP_POLICY_K |
			 SCHED_FLAG_KEEP_PARAMS_K;
	struct sched_attr_k at = { 0 };
	struct process *p;
	uint32_t size;
	int policy, r;

	if ((int)a[0] < 0 || uaddr_is_null(UADDR(a[1])) || (unsigned int)a[2])
		return -EINVAL;
	if (copy_from_user(t, &size, UADDR(a[1]), sizeof(size)) < 0)
		return -EFAULT;
	if (size == 0)
		size = SCHED_ATTR_SIZE_VER0;
	if (size < SCHED_ATTR_SIZE_VER0 || size > 4096) {
		size = sizeof(at);
		copy_to_user(t, UADDR(a[1]), &size, sizeof(size));
		return -E2BIG;
	}
	if (copy_from_user(t, &at, UADDR(a[1]),
			   size < sizeof(at) ? size : sizeof(at)) < 0)
		return -EFAULT;
	if ((at.flags & ~known) || at.nice < -20 || at.nice > 19)
		return -EINVAL;
	if ((p = sched_target(t, (int)a[0])) == NULL)
		return -ESRCH;
	policy = (at.flags & SCHED_FLAG_KEEP_POLICY_K) ? p->sched_policy
						       : (int)at.policy;
	if (policy == SCHED_DEADLINE_K)
		return cred_is_root(&t->cred) ? -EINVAL : -EPERM;
	if (!(at.flags & SCHED_FLAG_KEEP_PARAMS_K) && !policy_is_rt(policy) &&
	    at.nice < p->nice && !cred_is_root(&t->cred))
		return -EPERM;
	if ((r = sched_set(t, p, policy, (int)at.priority,
			   at.flags & SCHED_FLAG_RESET_ON_FORK_K)) < 0)
		return r;
	if (!policy_is_rt(policy))
		p->nice = at.nice;
	return 0;
}

/* Affinity: one CPU. */

#define CPUMASK_BYTES 8

long
sys_sched_getaffinity(struct task *t, const uint64_t a[6])
{
	uint64_t mask = 1;

	if (a[1] < CPUMASK_BYTES || (a[1] & (sizeof(long) - 1)))
		return -EINVAL;
	if (!sched_target(t, (int)a[0]))
		return -ESRCH;
	if (copy_to_user(t, UADDR(a[2]), &mask, sizeof(mask)) < 0)
		return -EFAULT;
	return CPUMASK_BYTES;
}

long
sys_sched_setaffinity(struct task *t, const uint64_t a[6])
{
	uint8_t first = 0;
	struct process *p;

	if (a[1] > 0 && copy_from_user(t, &first, UADDR(a[2]), 1) < 0)
		return -EFAULT;
	if ((p = sched_target(t, (int)a[0])) == NULL)
		return -ESRCH;
	if (!may_change(t, p))
		return -EPERM;
	return (first & 1) ? 0 : -EINVAL;
}
