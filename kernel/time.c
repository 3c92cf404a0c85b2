/*
 * Time: the guest's clocks are the host's (CLOCK_REALTIME and the
 * monotonic family), so the vDSO the guest uses agrees with these calls.
 * Sleeps are kernel timers: a sleeping task is woken by its deadline or by
 * a signal.
 */
#include "errno.h"
#include "host/host.h"
#include "syscalls.h"
#include "time.h"
#include "task.h"
#include "uaccess.h"

#define CLOCK_REALTIME_K 0
#define CLOCK_MONOTONIC_K 1
#define CLOCK_PROCESS_CPUTIME_ID_K 2
#define CLOCK_THREAD_CPUTIME_ID_K 3
#define CLOCK_MONOTONIC_RAW_K 4
#define CLOCK_REALTIME_COARSE_K 5
#define CLOCK_MONOTONIC_COARSE_K 6
#define CLOCK_BOOTTIME_K 7
#define TIMER_ABSTIME_K 1

struct timespec_u {
	int64_t sec, nsec;
};

static int
clock_valid(int id)
{
	return id >= 0 && id <= CLOCK_BOOTTIME_K;
}

/* Read a guest clock in ns; CPU-time clocks use the host's per-thread view
 * of the calling process's time, approximated by its run time. */
static int64_t
clock_read(struct task *t, int id)
{
	switch (id) {
	case CLOCK_PROCESS_CPUTIME_ID_K:
	case CLOCK_THREAD_CPUTIME_ID_K:
		return ktime_now() - t->proc->start_time;
	default:
		return host_clock(id);
	}
}

long
sys_clock_gettime(struct task *t, const uint64_t a[6])
{
	int id = (int)a[0];
	int64_t ns;
	struct timespec_u ts;

	if (!clock_valid(id))
		return -EINVAL;
	ns = clock_read(t, id);
	ts.sec = ns / 1000000000;
	ts.nsec = ns % 1000000000;
	return copy_to_user(t, UADDR(a[1]), &ts, sizeof(ts));
}

long
sys_clock_getres(struct task *t, const uint64_t a[6])
{
	struct timespec_u ts = { 0, 1 };
	int id = (int)a[0];

	if (!clock_valid(id))
		return -EINVAL;
	if (id == CLOCK_REALTIME_COARSE_K || id == CLOCK_MONOTONIC_COARSE_K)
		ts.nsec = 4000000;
	if (!a[1])
		return 0;
	return copy_to_user(t, UADDR(a[1]), &ts, sizeof(ts));
}

long
sys_gettimeofday(struct task *t, const uint64_t a[6])
{
	int64_t ns = host_clock(CLOCK_REALTIME_K);
	struct {
		int64_t sec, usec;
	} tv = { ns / 1000000000, ns % 1000000000 / 1000 };
	int32_t tz[2] = { 0, 0 };

	if (a[0] && copy_to_user(t, UADDR(a[0]), &tv, sizeof(tv)) < 0)
		return -EFAULT;
	if (a[1] && copy_to_user(t, UADDR(a[1]), tz, sizeof(tz)) < 0)
		return -EFAULT;
	return 0;
}

long
sys_time(struct task *t, const uint64_t a[6])
{
	int64_t now = host_clock(CLOCK_REALTIME_K) / 1000000000;

	if (a[0] && copy_to_user(t, UADDR(a[0]), &now, sizeof(now)) < 0)
		return -EFAULT;
	return now;
}

/*
 * Sleep until deadline (monotonic).  Interrupted, a relative sleep writes
 * the time left to urem and fails with -ERESTART_RESTARTBLOCK: a handler
 * makes that EINTR, a stop and continue carries on through
 * restart_syscall to the same deadline.  An absolute one (no urem) fails
 * with -ERESTARTNOHAND and restarts as it was.  May sleep.
 */
static long nanosleep_restart(struct task *t);

static long
sleep_until(struct task *t, int64_t mono, uaddr_t urem, bool relative)
{
	struct timespec_u rem;
	int64_t left;
	int r;

	do
		r = sleep_on(NULL, mono, "nanosleep");
	while (r == 0);
	if (r == -ETIMEDOUT)
		return 0;
	if (!relative)
		return -ERESTARTNOHAND;
	if (!uaddr_is_null(urem)) {
		left = mono - ktime_now();
		if (left < 0)
			left = 0;
		rem.sec = left / 1000000000;
		rem.nsec = left % 1000000000;
		if (copy_to_user(t, urem, &rem, sizeof(rem)) < 0)
			return -EFAULT;
	}
	t->restart = (struct restart_block){
		.fn = nanosleep_restart, .deadline = mono, .urem = urem };
	return -ERESTART_RESTARTBLOCK;
}

static long
nanosleep_restart(struct task *t)
{
	return sleep_until(t, t->restart.deadline, t->restart.urem, true);
}

/* Sleep until deadline on clock id (timers run on the monotonic clock). */
static long
do_sleep(struct task *t, int id, int64_t deadline, uaddr_t urem,
	 bool relative)
{
	return sleep_until(t, deadline - (host_clock(id) - ktime_now()), urem,
			   relative);
}

static int
read_ts(struct task *t, uaddr_t u, int64_t *ns)
{
	struct timespec_u ts;

	if (copy_from_user(t, &ts, u, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	*ns = ktime_from(ts.sec, ts.nsec);
	return 0;
}

long
sys_nanosleep(struct task *t, const uint64_t a[6])
{
	int64_t ns;
	int r;

	if ((r = read_ts(t, UADDR(a[0]), &ns)) < 0)
		return r;
	return do_sleep(t, CLOCK_MONOTONIC_K, ktime_after(ns), UADDR(a[1]),
			true);
}

long
sys_clock_nanosleep(struct task *t, const uint64_t a[6])
{
	int id = (int)a[0], flags = (int)a[1];
	int64_t ns;
	long r;

	if (id == CLOCK_THREAD_CPUTIME_ID_K)
		return -EINVAL;
	if (!clock_valid(id) || id == CLOCK_PROCESS_CPUTIME_ID_K)
		return -EINVAL;
	if ((r = read_ts(t, UADDR(a[2]), &ns)) < 0)
		return r;
	if (flags & TIMER_ABSTIME_K)
		return do_sleep(t, id, ns, UNULL, false);
	return do_sleep(t, id, ns >= KTIME_MAX ? KTIME_MAX : host_clock(id) + ns,
			UADDR(a[3]), true);
}
