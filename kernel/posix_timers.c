/*
 * POSIX per-process timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun and timer_delete.
 *
 * A process's timers are on its posix_timers list with ids counted from 0
 * per process, never reused (as in Linux, an id is used up even when
 * timer_create fails after choosing it).  A timer's expiry is kept as a
 * CLOCK_MONOTONIC deadline; absolute CLOCK_REALTIME/BOOTTIME/TAI values
 * are converted with the clocks' offset when set.  The CPU-time clocks are
 * approximated as in time.c: a process's CPU time is taken to be the time
 * since it started, so its CPU-time timers run on elapsed time.
 *
 * Expiry (SIGEV_SIGNAL, SIGEV_THREAD_ID, or SIGEV_THREAD, which the kernel
 * treats as SIGEV_SIGNAL) queues a signal with si_code SI_TIMER, the timer
 * id and value.  As in Linux, a periodic timer whose signal is pending
 * queues no more: when the signal is delivered, signal_dequeue calls
 * posix_timer_dequeued, which adds the expirations since to its
 * si_overrun (what timer_getoverrun then reports) and restarts the timer.
 * (A signal discarded while pending, by setting its action to ignore,
 * leaves the timer stopped until it is set again, much as Linux parks
 * timers whose signal is ignored.)  A timer's signal is queued even when
 * the same standard signal is already pending, as in Linux.
 * A pending signal of a timer that is re-set or deleted is withdrawn,
 * since Linux drops such signals at delivery.  SIGEV_NONE timers arm no
 * kernel timer: their state is computed when read.  Timers are deleted at
 * exit and execve.
 */
#include <stdlib.h>

#include "errno.h"
#include "host/host.h"
#include "signal.h"
#include "syscalls.h"
#include "task.h"
#include "time.h"
#include "uaccess.h"

#define CLOCK_REALTIME_K 0
#define CLOCK_MONOTONIC_K 1
#define CLOCK_PROCESS_CPUTIME_ID_K 2
#define CLOCK_THREAD_CPUTIME_ID_K 3
#define CLOCK_BOOTTIME_K 7
#define CLOCK_REALTIME_ALARM_K 8
#define CLOCK_BOOTTIME_ALARM_K 9
#define CLOCK_TAI_K 11

#define SIGEV_SIGNAL_K 0
#define SIGEV_NONE_K 1
#define SIGEV_THREAD_K 2
#define SIGEV_THREAD_ID_K 4

#define TIMER_ABSTIME_K 1
#define K_SIGALRM 14
#define DELAYTIMER_MAX_K 0x7fffffff
/* How often a periodic timer whose signal is ignored tries again. */
#define PTIMER_IGNORED_CHECK_NS (1000 * 1000000LL)

struct sigevent_k {
	uint64_t value;
	int32_t signo;
	int32_t notify;
	int32_t tid; /* SIGEV_THREAD_ID: the target thread */
	int32_t pad[11];
};

_Static_assert(sizeof(struct sigevent_k) == 64, "sigevent is 64 bytes");

struct timespec_u {
	int64_t sec, nsec;
};

struct itimerspec_u {
	struct timespec_u interval, value;
};

struct ptimer {
	struct list link; /* proc->posix_timers */
	int id;
	struct process *proc;
	int clockid;
	int notify;	  /* SIGEV_* */
	int signo;
	int tid;	  /* SIGEV_THREAD_ID */
	uint64_t value;	  /* sigev_value */
	struct timer tm;
	bool armed;	  /* an expiry is due at next */
	int64_t next;	  /* CLOCK_MONOTONIC ns */
	int64_t interval; /* ns; 0: one-shot */
	int overrun_last; /* si_overrun of the last signal delivered */
	bool queued;	  /* our signal may still be pending */
	int queued_overrun;
};

static struct ptimer *ptimer_find(struct process *p, int id);

static int64_t
ts_ns(const struct timespec_u *ts)
{
	return ktime_from(ts->sec, ts->nsec);
}

static struct timespec_u
ns_ts(int64_t ns)
{
	return (struct timespec_u){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
}

/* Expirations due by now; a one-shot timer is disarmed by its expiry. */
static int64_t
ptimer_update(struct ptimer *pt, int64_t now)
{
	int64_t n;

	if (!pt->armed || now < pt->next)
		return 0;
	if (pt->interval == 0) {
		pt->armed = false;
		return 1;
	}
	n = 1 + (now - pt->next) / pt->interval;
	pt->next += n * pt->interval;
	return n;
}

/*
 * Where our signal is queued: the target thread's or the process's
 * pending set (and that thread in *thread), or NULL if it cannot be.
 */
static struct sigpending *
ptimer_pending(struct ptimer *pt, struct task **thread)
{
	struct task *t = NULL;

	if (pt->notify == SIGEV_NONE_K)
		return NULL; /* never signals */
	if (pt->notify == SIGEV_THREAD_ID_K) {
		t = task_find(pt->tid);
		if (!t || t->proc != pt->proc)
			return NULL;
	}
	if (thread)
		*thread = t;
	return t ? &t->pending : &pt->proc->shared_pending;
}

/* Our signal if it is still pending, else NULL. */
static struct sigqueue *
ptimer_queued(struct ptimer *pt)
{
	struct sigpending *pend = ptimer_pending(pt, NULL);
	struct sigqueue *q;

	if (!pend || !(pend->set & SIGMASK(pt->signo)))
		return NULL;
	list_for_each_entry(q, &pend->queue, link)
		if (q->info.signo == pt->signo && q->info.code == K_SI_TIMER &&
		    q->info.timer.tid == pt->id)
			return q;
	return NULL;
}

/* Has the signal we queued been delivered since?  Then note its overrun. */
static void
ptimer_sync(struct ptimer *pt)
{
	if (pt->queued && !ptimer_queued(pt)) {
		pt->queued = false;
		pt->overrun_last = pt->queued_overrun;
	}
}

/* Withdraw our pending signal (the timer was re-set or deleted). */
static void
ptimer_withdraw(struct ptimer *pt)
{
	struct sigpending *pend = ptimer_pending(pt, NULL);
	struct sigqueue *q = ptimer_queued(pt);

	pt->queued = false;
	if (!q)
		return;
	list_del(&q->link);
	free(q);
	pend->set &= ~SIGMASK(pt->signo);
	list_for_each_entry(q, &pend->queue, link)
		if (q->info.signo == pt->signo)
			pend->set |= SIGMASK(pt->signo);
}

static int
overrun_add(int a, int64_t b)
{
	return (int64_t)a + b > DELAYTIMER_MAX_K ? DELAYTIMER_MAX_K
						  : (int)(a + b);
}

/*
 * Our signal was merged with the same standard signal already pending
 * (enqueue keeps one of those).  Linux queues a timer's signal whatever
 * else is pending: add ours behind it.
 */
static void
ptimer_queue_anyway(struct ptimer *pt, const struct ksiginfo *info)
{
	struct sigpending *pend = ptimer_pending(pt, NULL);
	struct sigqueue *q;

	if (!pend || !(pend->set & SIGMASK(pt->signo)) || ptimer_queued(pt))
		return; /* queued, or dropped (ignored) */
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return;
	q->info = *info;
	list_add_tail(&q->link, &pend->queue);
}

/* n expirations happened: signal them, or count them as overruns. */
static void
ptimer_signal(struct ptimer *pt, int64_t n)
{
	struct ksiginfo info = { .signo = pt->signo, .code = K_SI_TIMER };
	struct sigqueue *q;
	struct task *t;

	ptimer_sync(pt);
	if (pt->queued && (q = ptimer_queued(pt)) != NULL) {
		q->info.timer.overrun = overrun_add(q->info.timer.overrun, n);
		pt->queued_overrun = q->info.timer.overrun;
		return;
	}
	if (!ptimer_pending(pt, &t))
		return; /* the target thread is gone */
	info.timer.tid = pt->id;
	info.timer.overrun = overrun_add(0, n - 1);
	info.timer.value = pt->value;
	if (t)
		send_signal_task(t, pt->signo, &info);
	else
		send_signal_process(pt->proc, pt->signo, &info);
	ptimer_queue_anyway(pt, &info);
	pt->queued = ptimer_queued(pt) != NULL;
	pt->queued_overrun = info.timer.overrun;
}

/*
 * Start the kernel timer for the next expiry, as Linux does: not while
 * our signal is pending (its delivery, posix_timer_dequeued, restarts the
 * timer and counts what passed meanwhile as overruns), and only slowly
 * after a signal was dropped as ignored.
 */
static void
ptimer_arm(struct ptimer *pt, int64_t now, bool dropped)
{
	int64_t at = pt->next;

	if (pt->notify == SIGEV_NONE_K || !pt->armed || pt->queued)
		return;
	if (dropped && at < now + PTIMER_IGNORED_CHECK_NS)
		at = now + PTIMER_IGNORED_CHECK_NS;
	timer_add(&pt->tm, at);
}

/* The kernel timer: runs on the scheduler's stack, must not sleep. */
static void
ptimer_fire(struct timer *tm)
{
	struct ptimer *pt = container_of(tm, struct ptimer, tm);
	int64_t now = ktime_now(), n = ptimer_update(pt, now);

	if (n > 0)
		ptimer_signal(pt, n);
	ptimer_arm(pt, now, n > 0);
}

void
posix_timer_dequeued(struct task *t, struct ksiginfo *info)
{
	struct ptimer *pt = ptimer_find(t->proc, info->timer.tid);
	int64_t now = ktime_now();

	if (!pt || !pt->queued || pt->signo != info->signo)
		return; /* not one of ours: a forged SI_TIMER */
	info->timer.overrun =
		overrun_add(info->timer.overrun, ptimer_update(pt, now));
	pt->overrun_last = info->timer.overrun;
	pt->queued = false;
	timer_del(&pt->tm);
	ptimer_arm(pt, now, false);
}

static void
ptimer_free(struct ptimer *pt)
{
	timer_del(&pt->tm);
	ptimer_withdraw(pt);
	list_del(&pt->link);
	free(pt);
}

void
posix_timers_exit(struct process *p)
{
	while (!list_empty(&p->posix_timers))
		ptimer_free(list_first_entry(&p->posix_timers, struct ptimer,
					     link));
}

static struct ptimer *
ptimer_find(struct process *p, int id)
{
	struct ptimer *pt;

	list_for_each_entry(pt, &p->posix_timers, link)
		if (pt->id == id)
			return pt;
	return NULL;
}

/* timer_create */

/*
 * A CPU-time clock named by pid (glibc names its own process's and
 * thread's that way: pid 0): CLOCK_PROCESS_CPUTIME_ID_K or
 * CLOCK_THREAD_CPUTIME_ID_K, or -EINVAL.  Only the caller's own process
 * and threads are supported.
 */
static int
ptimer_cpu_clock(struct task *t, int id)
{
	int pid = ~(id >> 3), which = id & 3;
	bool thread = id & 4;
	struct task *o;

	if (which == 3)
		return -EINVAL; /* CPUCLOCK_MAX: an fd clock */
	if (thread) {
		if (pid != 0 && (!(o = task_find(pid)) || o->proc != t->proc))
			return -EINVAL;
		return CLOCK_THREAD_CPUTIME_ID_K;
	}
	if (pid != 0 && pid != t->proc->pid)
		return -EINVAL;
	return CLOCK_PROCESS_CPUTIME_ID_K;
}

/*
 * Can a timer run on clock id?  The clock timers use (CPU-time clocks
 * named by pid become the plain ids), -EINVAL or -EOPNOTSUPP.
 */
static int
ptimer_clock_check(struct task *t, int id)
{
	if (id < 0)
		return ptimer_cpu_clock(t, id);
	switch (id) {
	case CLOCK_REALTIME_K:
	case CLOCK_MONOTONIC_K:
	case CLOCK_PROCESS_CPUTIME_ID_K:
	case CLOCK_THREAD_CPUTIME_ID_K:
	case CLOCK_BOOTTIME_K:
	case CLOCK_REALTIME_ALARM_K:
	case CLOCK_BOOTTIME_ALARM_K:
	case CLOCK_TAI_K:
		return id;
	case 4: /* MONOTONIC_RAW */
	case 5: /* REALTIME_COARSE */
	case 6: /* MONOTONIC_COARSE */
		return -EOPNOTSUPP;
	}
	return -EINVAL;
}

/* Linux's good_sigevent: may the timer signal as ev says? */
static bool
sigevent_valid(struct task *t, const struct sigevent_k *ev)
{
	struct task *target;

	switch (ev->notify) {
	case SIGEV_SIGNAL_K | SIGEV_THREAD_ID_K:
		target = task_find(ev->tid);
		if (!target || target->proc != t->proc)
			return false;
		/* fall through */
	case SIGEV_SIGNAL_K:
	case SIGEV_THREAD_K:
		return ev->signo > 0 && ev->signo <= KNSIG;
	case SIGEV_NONE_K:
		return true;
	}
	return false;
}

static struct ptimer *
ptimer_alloc(struct task *t, int clockid)
{
	struct process *p = t->proc;
	struct ptimer *pt = calloc(1, sizeof(*pt));

	if (!pt)
		return NULL;
	pt->id = p->next_timer_id;
	p->next_timer_id = p->next_timer_id == INT32_MAX ? 0
							 : p->next_timer_id + 1;
	pt->proc = p;
	pt->clockid = clockid;
	pt->tm.fn = ptimer_fire;
	list_init(&pt->link);
	return pt;
}

static void
ptimer_set_event(struct ptimer *pt, const struct sigevent_k *ev)
{
	if (!ev) {
		pt->notify = SIGEV_SIGNAL_K;
		pt->signo = K_SIGALRM;
		pt->value = (uint64_t)pt->id;
		return;
	}
	pt->notify = ev->notify;
	pt->signo = ev->signo;
	pt->tid = ev->tid;
	pt->value = ev->value;
}

long
sys_timer_create(struct task *t, const uint64_t a[6])
{
	int clockid = (int)a[0], r;
	struct sigevent_k ev, *evp = NULL;
	struct ptimer *pt;

	if (a[1]) {
		if (copy_from_user(t, &ev, UADDR(a[1]), sizeof(ev)) < 0)
			return -EFAULT;
		evp = &ev;
	}
	if ((r = ptimer_clock_check(t, clockid)) < 0)
		return r;
	clockid = r;
	r = 0;
	if ((pt = ptimer_alloc(t, clockid)) == NULL)
		return -EAGAIN;
	if (evp && !sigevent_valid(t, evp))
		r = -EINVAL;
	else if (copy_to_user(t, UADDR(a[2]), &pt->id, sizeof(pt->id)) < 0)
		r = -EFAULT;
	else if (clockid == CLOCK_REALTIME_ALARM_K ||
		 clockid == CLOCK_BOOTTIME_ALARM_K)
		r = cred_is_root(&t->cred) ? 0 : -EPERM; /* CAP_WAKE_ALARM */
	if (r < 0) {
		free(pt);
		return r;
	}
	ptimer_set_event(pt, evp);
	list_add_tail(&pt->link, &t->proc->posix_timers);
	return 0;
}

/* timer_settime, timer_gettime */

/* Now on the timer's clock minus now on the monotonic one. */
static int64_t
ptimer_clock_offset(struct ptimer *pt, int64_t now)
{
	switch (pt->clockid) {
	case CLOCK_PROCESS_CPUTIME_ID_K:
	case CLOCK_THREAD_CPUTIME_ID_K:
		return -pt->proc->start_time;
	case CLOCK_REALTIME_ALARM_K:
		return host_clock(CLOCK_REALTIME_K) - now;
	case CLOCK_BOOTTIME_ALARM_K:
		return host_clock(CLOCK_BOOTTIME_K) - now;
	case CLOCK_MONOTONIC_K:
		return 0;
	default:
		return host_clock(pt->clockid) - now;
	}
}

static void
ptimer_get(struct ptimer *pt, struct itimerspec_u *out)
{
	int64_t now = ktime_now(), n;

	if (pt->notify == SIGEV_NONE_K && (n = ptimer_update(pt, now)) > 0)
		pt->overrun_last = overrun_add(0, n - 1);
	out->interval = ns_ts(pt->armed ? pt->interval : 0);
	out->value = ns_ts(pt->armed && pt->next > now ? pt->next - now : 0);
}

static void
ptimer_set(struct ptimer *pt, int flags, const struct itimerspec_u *nv)
{
	int64_t now = ktime_now(), value = ts_ns(&nv->value);

	timer_del(&pt->tm);
	ptimer_withdraw(pt);
	pt->overrun_last = 0;
	pt->armed = value != 0;
	pt->interval = pt->armed ? ts_ns(&nv->interval) : 0;
	if (!pt->armed)
		return;
	if (flags & TIMER_ABSTIME_K)
		pt->next = value - ptimer_clock_offset(pt, now);
	else
		pt->next = ktime_after(value);
	if (pt->notify != SIGEV_NONE_K)
		timer_add(&pt->tm, pt->next);
}

static bool
ts_valid(const struct timespec_u *ts)
{
	return ts->sec >= 0 && ts->nsec >= 0 && ts->nsec < NSEC_PER_SEC;
}

long
sys_timer_settime(struct task *t, const uint64_t a[6])
{
	struct itimerspec_u nv, old = { { 0, 0 }, { 0, 0 } };
	struct ptimer *pt;

	if (!a[2])
		return -EINVAL;
	if (copy_from_user(t, &nv, UADDR(a[2]), sizeof(nv)) < 0)
		return -EFAULT;
	if (!ts_valid(&nv.interval) || !ts_valid(&nv.value))
		return -EINVAL;
	if ((pt = ptimer_find(t->proc, (int)a[0])) == NULL)
		return -EINVAL;
	ptimer_get(pt, &old);
	ptimer_set(pt, (int)a[1], &nv);
	if (a[3] && copy_to_user(t, UADDR(a[3]), &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long
sys_timer_gettime(struct task *t, const uint64_t a[6])
{
	struct itimerspec_u cur;
	struct ptimer *pt;

	if ((pt = ptimer_find(t->proc, (int)a[0])) == NULL)
		return -EINVAL;
	ptimer_get(pt, &cur);
	return copy_to_user(t, UADDR(a[1]), &cur, sizeof(cur));
}

long
sys_timer_getoverrun(struct task *t, const uint64_t a[6])
{
	struct ptimer *pt;

	if ((pt = ptimer_find(t->proc, (int)a[0])) == NULL)
		return -EINVAL;
	ptimer_sync(pt);
	return pt->overrun_last;
}

long
sys_timer_delete(struct task *t, const uint64_t a[6])
{
	struct ptimer *pt;

	if ((pt = ptimer_find(t->proc, (int)a[0])) == NULL)
		return -EINVAL;
	ptimer_free(pt);
	return 0;
}
