/*
 * Resource usage: times and getrusage (wait4 and waitid zero-fill their
 * rusage argument, wait.c).
 *
 * What is honest to report: guest CPU time is not measured yet.  The
 * accounting fields exist -- each task's utime_ns/stime_ns, a process's
 * utime_total/stime_total for exited threads, cutime_ns/cstime_ns for
 * reaped children (wait.c) -- and are summed here, but they stay 0 until
 * the host layer measures the guest's threads, so user and system times
 * read as 0, the truth as far as the kernel knows.  Nothing else in
 * struct rusage (max RSS, faults, context switches …) is counted either,
 * and reads as 0.  times() returns clock ticks of the monotonic clock, an
 * arbitrary but steadily increasing origin as POSIX allows.
 */
#include "errno.h"
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

/* A process's own CPU time: its live threads' and its exited ones'. */
static void
process_cputime(struct process *p, int64_t *user, int64_t *sys)
{
	struct task *t;

	*user = p->utime_total;
	*sys = p->stime_total;
	list_for_each_entry(t, &p->threads, thread_link) {
		*user += t->utime_ns;
		*sys += t->stime_ns;
	}
}

static struct timeval_u
ns_to_tv(int64_t ns)
{
	return (struct timeval_u){ ns / 1000000000, ns % 1000000000 / 1000 };
}

long
sys_getrusage(struct task *t, const uint64_t a[6])
{
	struct rusage_k ru = { 0 };
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
		user = t->utime_ns;
		sys = t->stime_ns;
		break;
	default:
		return -EINVAL;
	}
	ru.utime = ns_to_tv(user);
	ru.stime = ns_to_tv(sys);
	return copy_to_user(t, UADDR(a[1]), &ru, sizeof(ru));
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
