/*
 * Resource usage: times, getrusage, and the struct rusage that wait4 and
 * waitid fill for the child they report (wait.c).
 *
 * Guest CPU time is what the host gave each guest thread (its host
 * thread's user and system time, at clock-tick resolution), read when
 * asked; a thread's time is settled into its task before its host task
 * goes (exec, exit), and into the process's totals when it exits.  The
 * time the kernel spends serving a thread's syscalls is not charged to
 * it.  Nothing else in struct rusage (max RSS, faults, context switches
 * …) is counted, and reads as 0.  times() returns clock ticks of the
 * monotonic clock, an arbitrary but steadily increasing origin as POSIX
 * allows.
 */
#include "errno.h"
#include "host/host.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define RUSAGE_SELF_K 0
#define RUSAGE_CHILDREN_K (-1)
#define RUSAGE_THREAD_K 1
#define USER_HZ 100
#define NSEC_PER_TICK (1000000000LL / USER_HZ)

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
task_cputime(const struct task *t, int64_t *user, int64_t *sys)
{
	int64_t hu = 0, hs = 0;

	if (t->host)
		host_task_cputime(t->host, &hu, &hs);
	*user = t->utime_ns + hu;
	*sys = t->stime_ns + hs;
}

void
task_cputime_settle(struct task *t)
{
	int64_t hu, hs;

	if (t->host && host_task_cputime(t->host, &hu, &hs) == 0) {
		t->utime_ns += hu;
		t->stime_ns += hs;
	}
}

void
process_cputime(const struct process *p, int64_t *user, int64_t *sys)
{
	const struct task *t;
	int64_t u, s;

	*user = p->utime_total;
	*sys = p->stime_total;
	list_for_each_entry(t, &p->threads, thread_link) {
		task_cputime(t, &u, &s);
		*user += u;
		*sys += s;
	}
}

static struct timeval_u
ns_to_tv(int64_t ns)
{
	return (struct timeval_u){ ns / 1000000000, ns % 1000000000 / 1000 };
}

int
rusage_to_user(struct task *t, uaddr_t dst, int64_t user_ns, int64_t sys_ns)
{
	struct rusage_k ru = { 0 };

	ru.utime = ns_to_tv(user_ns);
	ru.stime = ns_to_tv(sys_ns);
	return copy_to_user(t, dst, &ru, sizeof(ru)) < 0 ? -EFAULT : 0;
}

long
sys_getrusage(struct task *t, const uint64_t a[6])
{
	int who = (int)a[0];
	int64_t user, sys;

	switch (who) {
	case RUSAGE_SELF_K:
		process_cputime(t->proc, &user, &sys);
		break;
	case RUSAGE_CHILDREN_K:
		user = t->proc->cutime_ns;
		sys = t->proc->cstime_ns;
		break;
	case RUSAGE_THREAD_K:
		task_cputime(t, &user, &sys);
		break;
	default:
		return -EINVAL;
	}
	return rusage_to_user(t, UADDR(a[1]), user, sys);
}

long
sys_times(struct task *t, const uint64_t a[6])
{
	struct tms_k tms;
	int64_t user, sys;

	if (a[0]) {
		process_cputime(t->proc, &user, &sys);
		tms.utime = user / NSEC_PER_TICK;
		tms.stime = sys / NSEC_PER_TICK;
		tms.cutime = t->proc->cutime_ns / NSEC_PER_TICK;
		tms.cstime = t->proc->cstime_ns / NSEC_PER_TICK;
		if (copy_to_user(t, UADDR(a[0]), &tms, sizeof(tms)) < 0)
			return -EFAULT;
	}
	return ktime_now() / NSEC_PER_TICK;
}
