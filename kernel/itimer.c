/*
 * Interval timers: setitimer, getitimer and alarm.
 *
 * Each process has three (ITIMER_REAL, _VIRTUAL, _PROF), kernel timers
 * that send SIGALRM, SIGVTALRM or SIGPROF and rearm themselves with their
 * interval.  Guest CPU time is not measured yet, so the virtual and
 * profiling timers count elapsed time, an overestimate of CPU time.
 */
#include "errno.h"
#include "syscalls.h"
#include "time.h"
#include "task.h"
#include "uaccess.h"


static const int itimer_signal[3] = { 14 /* SIGALRM */, 26 /* SIGVTALRM */,
				      27 /* SIGPROF */ };

struct timeval_k {
	int64_t sec, usec;
};

struct itimerval_k {
	struct timeval_k interval, value;
};

static void
itimer_fire(struct timer *tm)
{
	struct itimer *it = container_of(tm, struct itimer, timer);

	send_signal_process(it->proc, itimer_signal[it->which], NULL);
	if (it->interval_ns)
		timer_add(&it->timer, tm->expires + it->interval_ns);
}

static int64_t
tv_to_ns(const struct timeval_k *tv)
{
	return ktime_from(tv->sec, tv->usec * 1000);
}

static struct timeval_k
ns_to_tv(int64_t ns)
{
	/* Round up, so a pending timer never reads as disarmed. */
	int64_t us = (ns + 999) / 1000;

	return (struct timeval_k){ us / 1000000, us % 1000000 };
}

static void
itimer_get(struct process *p, int which, struct itimerval_k *out)
{
	struct itimer *it = &p->itimers[which];
	int64_t left = it->timer.armed ? it->timer.expires - ktime_now() : 0;

	out->interval = ns_to_tv(it->interval_ns);
	out->value = ns_to_tv(left > 0 ? left : (it->timer.armed ? 1 : 0));
}

static void
itimer_set(struct process *p, int which, const struct itimerval_k *nv)
{
	struct itimer *it = &p->itimers[which];
	int64_t value = tv_to_ns(&nv->value);

	it->proc = p;
	it->which = which;
	it->timer.fn = itimer_fire;
	it->interval_ns = tv_to_ns(&nv->interval);
	timer_del(&it->timer);
	if (value > 0)
		timer_add(&it->timer, ktime_now() + value);
}

static bool
tv_valid(const struct timeval_k *tv)
{
	return tv->sec >= 0 && tv->usec >= 0 && tv->usec < 1000000;
}

long
sys_getitimer(struct task *t, const uint64_t a[6])
{
	struct itimerval_k v;
	int which = (int)a[0];

	if (which < 0 || which > 2)
		return -EINVAL;
	itimer_get(t->proc, which, &v);
	return copy_to_user(t, UADDR(a[1]), &v, sizeof(v));
}

long
sys_setitimer(struct task *t, const uint64_t a[6])
{
	struct itimerval_k nv = { 0 }, old;
	int which = (int)a[0];

	if (which < 0 || which > 2)
		return -EINVAL;
	if (a[1] && copy_from_user(t, &nv, UADDR(a[1]), sizeof(nv)) < 0)
		return -EFAULT;
	if (!tv_valid(&nv.value) || !tv_valid(&nv.interval))
		return -EINVAL;
	itimer_get(t->proc, which, &old);
	if (a[2] && copy_to_user(t, UADDR(a[2]), &old, sizeof(old)) < 0)
		return -EFAULT;
	itimer_set(t->proc, which, &nv);
	return 0;
}

long
sys_alarm(struct task *t, const uint64_t a[6])
{
	struct itimerval_k nv = { { 0, 0 }, { (int64_t)(uint32_t)a[0], 0 } };
	struct itimerval_k old;

	itimer_get(t->proc, 0, &old);
	itimer_set(t->proc, 0, &nv);
	return old.value.sec + (old.value.usec >= 500000 ||
				(old.value.sec == 0 && old.value.usec > 0));
}

/* A process's timers stop when it exits. */
void
itimers_stop(struct process *p)
{
	int i;

	for (i = 0; i < 3; i++)
		timer_del(&p->itimers[i].timer);
}
