/*
 * timerfd: timers whose expirations are read from a file
 * (timerfd_create, timerfd_settime, timerfd_gettime).
 *
 * A timerfd keeps its next expiry as a CLOCK_MONOTONIC deadline, since
 * that is what kernel timers run on: CLOCK_REALTIME and CLOCK_BOOTTIME
 * values are converted with the clocks' offset when the timer is set (the
 * guest cannot set the clock, so the offset holds).  Expirations are
 * counted lazily from the time elapsed (timerfd_update), at the kernel
 * timer, at read, poll and gettime, so a periodic timer whose readers lag
 * counts every interval that passed, as Linux's hrtimer_forward does.
 * The kernel timer only wakes readers and pollers; after it fires it
 * waits for a read to be started again.
 */
#include <stdlib.h>

#include "fs/anon_inode.h"
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "host/host.h"
#include "syscalls.h"
#include "task.h"
#include "time.h"
#include "uaccess.h"

#define CLOCK_REALTIME_K 0
#define CLOCK_MONOTONIC_K 1
#define CLOCK_BOOTTIME_K 7
#define CLOCK_REALTIME_ALARM_K 8
#define CLOCK_BOOTTIME_ALARM_K 9

#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
#define TFD_CREATE_FLAGS (K_O_NONBLOCK_ANON | K_O_CLOEXEC_ANON)
#define TFD_SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)


struct timespec_u {
	int64_t sec, nsec;
};

struct itimerspec_u {
	struct timespec_u interval, value;
};

struct timerfd_ctx {
	int clockid;	  /* the host clock its values are on */
	bool armed;	  /* an expiry is due at next */
	int64_t next;	  /* next expiry, CLOCK_MONOTONIC ns */
	int64_t interval; /* ns; 0: one-shot */
	uint64_t ticks;	  /* expirations not read yet */
	struct timer tm;
	struct wait_queue wq;
};

static const struct file_ops timerfd_fops;

/* Count the expirations due by now. */
static void
timerfd_update(struct timerfd_ctx *ctx, int64_t now)
{
	int64_t n;

	if (!ctx->armed || now < ctx->next)
		return;
	if (ctx->interval == 0) {
		ctx->ticks++;
		ctx->armed = false;
		return;
	}
	n = 1 + (now - ctx->next) / ctx->interval;
	ctx->ticks += (uint64_t)n;
	ctx->next += n * ctx->interval;
}

/*
 * The kernel timer: runs on the scheduler's stack, must not sleep.  Like
 * Linux's, it is not restarted while expirations wait to be read: they
 * are counted from the time elapsed, and the read restarts it.
 */
static void
timerfd_fire(struct timer *tm)
{
	struct timerfd_ctx *ctx = container_of(tm, struct timerfd_ctx, tm);

	timerfd_update(ctx, ktime_now());
	wake_up_poll(&ctx->wq, K_POLLIN | K_POLLRDNORM);
}

/* May sleep. */
static ssize_t
timerfd_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct timerfd_ctx *ctx = f->priv;
	uint64_t ticks;
	int r;

	if (uio_left(u) < sizeof(ticks))
		return -EINVAL;
	timerfd_update(ctx, ktime_now());
	if (ctx->ticks == 0 && (f->flags & K_O_NONBLOCK_ANON))
		return -EAGAIN;
	r = wait_event(&ctx->wq,
		       (timerfd_update(ctx, ktime_now()), ctx->ticks > 0),
		       "timerfd");
	if (r < 0)
		return r;
	ticks = ctx->ticks;
	ctx->ticks = 0;
	if (ctx->armed && !ctx->tm.armed)
		timer_add(&ctx->tm, ctx->next);
	if (uio_out(u, &ticks, sizeof(ticks)) < 0)
		return -EFAULT;
	return sizeof(ticks);
}

static unsigned int
timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd_ctx *ctx = f->priv;

	poll_wait(pt, &ctx->wq);
	timerfd_update(ctx, ktime_now());
	return ctx->ticks ? K_POLLIN | K_POLLRDNORM : 0;
}

static void
timerfd_release(struct file *f)
{
	struct timerfd_ctx *ctx = f->priv;

	timer_del(&ctx->tm);
	wake_up_pollfree(&ctx->wq);
	free(ctx);
}

static const struct file_ops timerfd_fops = {
	.release = timerfd_release,
	.read = timerfd_read,
	.llseek = anon_noop_llseek,
	.poll = timerfd_poll,
};

long
sys_timerfd_create(struct task *t, const uint64_t a[6])
{
	int clockid = (int)a[0], fd;
	unsigned int flags = (unsigned int)a[1];
	struct timerfd_ctx *ctx;

	if ((flags & ~TFD_CREATE_FLAGS) ||
	    (clockid != CLOCK_REALTIME_K && clockid != CLOCK_MONOTONIC_K &&
	     clockid != CLOCK_BOOTTIME_K && clockid != CLOCK_REALTIME_ALARM_K &&
	     clockid != CLOCK_BOOTTIME_ALARM_K))
		return -EINVAL;
	if (clockid >= CLOCK_REALTIME_ALARM_K && !cred_is_root(&t->cred))
		return -EPERM; /* CAP_WAKE_ALARM */
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return -ENOMEM;
	ctx->clockid = clockid == CLOCK_REALTIME_ALARM_K   ? CLOCK_REALTIME_K
		       : clockid == CLOCK_BOOTTIME_ALARM_K ? CLOCK_BOOTTIME_K
							   : clockid;
	ctx->tm.fn = timerfd_fire;
	wait_queue_init(&ctx->wq);
	fd = anon_inode_fd(t, "timerfd", &timerfd_fops, ctx,
			   K_O_RDWR_ANON | flags);
	if (fd == -ENOMEM)
		free(ctx);
	return fd;
}

/* The timerfd at fd with a new reference: -EBADF, or -EINVAL if another
 * kind of file. */
static int
timerfd_fget(struct task *t, int fd, struct file **out)
{
	struct file *f = fd_get(t, fd);

	if (!f)
		return -EBADF;
	if (!anon_file_is(f, &timerfd_fops)) {
		file_put(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

static struct timespec_u
ns_to_ts(int64_t ns)
{
	return (struct timespec_u){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
}

static void
timerfd_get(struct timerfd_ctx *ctx, struct itimerspec_u *out)
{
	int64_t now = ktime_now();

	timerfd_update(ctx, now);
	out->interval = ns_to_ts(ctx->interval);
	out->value = ns_to_ts(ctx->armed ? ctx->next - now : 0);
}

static bool
ts_valid(const struct timespec_u *ts)
{
	return ts->sec >= 0 && ts->nsec >= 0 && ts->nsec < NSEC_PER_SEC;
}

/* Program ctx with nv (validated); absolute values are on its clock. */
static void
timerfd_set(struct timerfd_ctx *ctx, const struct itimerspec_u *nv,
	    int flags)
{
	int64_t now = ktime_now();
	int64_t value = ktime_from(nv->value.sec, nv->value.nsec);

	timer_del(&ctx->tm);
	ctx->ticks = 0;
	ctx->interval = ktime_from(nv->interval.sec, nv->interval.nsec);
	ctx->armed = value != 0;
	if (!ctx->armed)
		return;
	if (flags & TFD_TIMER_ABSTIME)
		ctx->next = value - (host_clock(ctx->clockid) - now);
	else
		ctx->next = ktime_after(value);
	timer_add(&ctx->tm, ctx->next);
}

long
sys_timerfd_settime(struct task *t, const uint64_t a[6])
{
	int fd = (int)a[0], flags = (int)a[1];
	struct itimerspec_u nv, old;
	struct file *f;
	int r;

	if (copy_from_user(t, &nv, UADDR(a[2]), sizeof(nv)) < 0)
		return -EFAULT;
	if ((flags & ~TFD_SETTIME_FLAGS) || !ts_valid(&nv.value) ||
	    !ts_valid(&nv.interval))
		return -EINVAL;
	if ((r = timerfd_fget(t, fd, &f)) < 0)
		return r;
	timerfd_get(f->priv, &old);
	timerfd_set(f->priv, &nv, flags);
	file_put(f);
	if (a[3] && copy_to_user(t, UADDR(a[3]), &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long
sys_timerfd_gettime(struct task *t, const uint64_t a[6])
{
	struct itimerspec_u cur;
	struct file *f;
	int r;

	if ((r = timerfd_fget(t, (int)a[0], &f)) < 0)
		return r;
	timerfd_get(f->priv, &cur);
	file_put(f);
	return copy_to_user(t, UADDR(a[1]), &cur, sizeof(cur));
}
