/*
 * Resource usage: times, getrusage, and the struct rusage that wait4 and
 * waitid fill for the child they report (wait.c).
 *
 * A guest thread is a host thread and a guest address space a host
 * process, so most figures are the host's for them, read when asked: CPU
 * time (at clock-tick resolution; the time the kernel spends serving a
 * thread's syscalls is not charged to it), page faults, involuntary
 * context switches (the host preempted the guest's code), and the
 * resident set's peak (ru_maxrss).  Voluntary context switches are the
 * kernel's own count: each time a task sleeps in the kernel (schedule()
 * from a sleeping state), as Linux counts them; the host's count would add
 * every trap into the kernel.  A thread's host figures are settled into
 * its task before its host task goes (exec, exit), and into the process's
 * totals when it exits; a reaped child's, with its own children's, into
 * its parent's children totals, where maxrss is the largest.  Block I/O
 * (ru_inblock, ru_oublock) and the rest are not counted and read as 0.
 * times() returns clock ticks of the monotonic clock, an arbitrary but
 * steadily increasing origin as POSIX allows.
 */
#include <string.h>

#include "errno.h"
#include "host/host.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define RUSAGE_SELF_K 0
#define RUSAGE_CHILDREN_K (-1)
#define RUSAGE_THREAD_K 1

struct timeval_u {
	int64_t sec, usec;
};

/* struct rusage: two timevals and fourteen longs, 144 bytes. */
struct rusage_k {
	struct timeval_u utime, stime;
	int64_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap;
	int64_t inblock, oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};

_Static_assert(sizeof(struct rusage_k) == 144, "struct rusage is 144 bytes");

struct tms_k {
	int64_t utime, stime, cutime, cstime;
};

void
rusage_add(struct rusage_acct *dst, const struct rusage_acct *src)
{
	dst->utime_ns += src->utime_ns;
	dst->stime_ns += src->stime_ns;
	dst->minflt += src->minflt;
	dst->majflt += src->majflt;
	dst->nvcsw += src->nvcsw;
	dst->nivcsw += src->nivcsw;
	if (dst->maxrss_kib < src->maxrss_kib)
		dst->maxrss_kib = src->maxrss_kib;
}

/* What the host has counted for t's host thread so far. */
static void
host_rusage(const struct task *t, struct rusage_acct *ru)
{
	struct host_usage u;

	memset(ru, 0, sizeof(*ru));
	if (!t->host || host_task_usage(t->host, &u) < 0)
		return;
	ru->utime_ns = u.utime_ns;
	ru->stime_ns = u.stime_ns;
	ru->minflt = u.minflt;
	ru->majflt = u.majflt;
	ru->nivcsw = u.nivcsw;
	ru->maxrss_kib = u.hwm_kib;
}

void
task_rusage(const struct task *t, struct rusage_acct *ru)
{
	struct rusage_acct live;

	host_rusage(t, &live);
	*ru = t->ru;
	rusage_add(ru, &live);
}

void
task_rusage_settle(struct task *t)
{
	struct rusage_acct live;

	host_rusage(t, &live);
	rusage_add(&t->ru, &live);
}

void
process_rusage(const struct process *p, struct rusage_acct *ru)
{
	const struct task *t;
	struct rusage_acct one;

	*ru = p->ru_exited;
	list_for_each_entry(t, &p->threads, thread_link) {
		task_rusage(t, &one);
		rusage_add(ru, &one);
	}
}

static struct timeval_u
ns_to_tv(int64_t ns)
{
	return (struct timeval_u){ ns / 1000000000, ns % 1000000000 / 1000 };
}

int
rusage_to_user(struct task *t, uaddr_t dst, const struct rusage_acct *acct)
{
	struct rusage_k ru = { 0 };

	ru.utime = ns_to_tv(acct->utime_ns);
	ru.stime = ns_to_tv(acct->stime_ns);
	ru.maxrss = (int64_t)acct->maxrss_kib;
	ru.minflt = (int64_t)acct->minflt;
	ru.majflt = (int64_t)acct->majflt;
	ru.nvcsw = (int64_t)acct->nvcsw;
	ru.nivcsw = (int64_t)acct->nivcsw;
	return copy_to_user(t, dst, &ru, sizeof(ru)) < 0 ? -EFAULT : 0;
}

long
sys_getrusage(struct task *t, const uint64_t a[6])
{
	int who = (int)a[0];
	struct rusage_acct ru;

	switch (who) {
	case RUSAGE_SELF_K:
		process_rusage(t->proc, &ru);
		break;
	case RUSAGE_CHILDREN_K:
		ru = t->proc->ru_children;
		break;
	case RUSAGE_THREAD_K:
		task_rusage(t, &ru);
		/* The peak of the address spaces the process left, too. */
		if (ru.maxrss_kib < t->proc->ru_exited.maxrss_kib)
			ru.maxrss_kib = t->proc->ru_exited.maxrss_kib;
		break;
	default:
		return -EINVAL;
	}
	return rusage_to_user(t, UADDR(a[1]), &ru);
}

long
sys_times(struct task *t, const uint64_t a[6])
{
	const struct rusage_acct *c = &t->proc->ru_children;
	struct rusage_acct ru;
	struct tms_k tms;

	if (a[0]) {
		process_rusage(t->proc, &ru);
		tms.utime = ns_to_clock_t(ru.utime_ns);
		tms.stime = ns_to_clock_t(ru.stime_ns);
		tms.cutime = ns_to_clock_t(c->utime_ns);
		tms.cstime = ns_to_clock_t(c->stime_ns);
		if (copy_to_user(t, UADDR(a[0]), &tms, sizeof(tms)) < 0)
			return -EFAULT;
	}
	return ns_to_clock_t(ktime_now());
}
