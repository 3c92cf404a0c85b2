/*
 * timerfd: one-shot and periodic timers on the monotonic, realtime and
 * boottime clocks, absolute times (also in the past), expiration counts,
 * blocking and non-blocking reads, poll, gettime/settime old values, and
 * the errors (bad clocks and flags, bad pointers, other kinds of file).
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>

#include "guest.h"

#define MS 1000000L

static uint64_t
ticks(int fd)
{
	uint64_t v;

	if (OK(read(fd, &v, sizeof(v))) != sizeof(v))
		errx(1, "short timerfd read");
	return v;
}

static int64_t
now_ns(clockid_t c)
{
	struct timespec ts;

	OK(clock_gettime(c, &ts));
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct itimerspec
its(long value_ns, long interval_ns)
{
	struct itimerspec v = {
		{ interval_ns / 1000000000, interval_ns % 1000000000 },
		{ value_ns / 1000000000, value_ns % 1000000000 },
	};
	return v;
}

static long
ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000L + ts->tv_nsec;
}

/* What /proc/self/fd/N says fd is. */
static const char *
fd_link(int fd)
{
	static char buf[64];
	char path[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = OK(readlink(path, buf, sizeof(buf) - 1));
	buf[n] = '\0';
	return buf;
}

static void
one_shot(void)
{
	int fd = OK(timerfd_create(CLOCK_MONOTONIC, 0));
	struct itimerspec v = its(50 * MS, 0), cur;
	int64_t start = now_ns(CLOCK_MONOTONIC);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	OK(timerfd_gettime(fd, &cur));
	CHECK(ts_ns(&cur.it_value) == 0 && ts_ns(&cur.it_interval) == 0,
	      "a new timerfd is disarmed");
	OK(timerfd_settime(fd, 0, &v, NULL));
	OK(timerfd_gettime(fd, &cur));
	CHECK(ts_ns(&cur.it_value) > 0 && ts_ns(&cur.it_value) <= 50 * MS,
	      "gettime shows the time left, at most 50 ms");
	CHECK(OK(poll(&p, 1, 0)) == 0, "not readable before it expires");
	CHECK(ticks(fd) == 1, "a blocking read returns 1 expiration");
	CHECK(now_ns(CLOCK_MONOTONIC) - start >= 50 * MS,
	      "after at least 50 ms");
	OK(timerfd_gettime(fd, &cur));
	CHECK(ts_ns(&cur.it_value) == 0, "an expired one-shot timer is disarmed");
	OK(close(fd));
}

static void
periodic(void)
{
	int fd = OK(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
	struct itimerspec v = its(20 * MS, 20 * MS), cur;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t n, dummy;

	OK(timerfd_settime(fd, 0, &v, NULL));
	FAILS(read(fd, &dummy, 8), EAGAIN, "non-blocking read before expiry");
	usleep(110000);
	CHECK(OK(poll(&p, 1, 0)) == 1 && p.revents == POLLIN,
	      "readable after expiring");
	n = ticks(fd);
	CHECK(n >= 4 && n <= 6, "about 5 expirations counted in 110 ms");
	FAILS(read(fd, &dummy, 8), EAGAIN, "the count was reset by the read");
	OK(timerfd_gettime(fd, &cur));
	CHECK(ts_ns(&cur.it_interval) == 20 * MS &&
		      ts_ns(&cur.it_value) <= 20 * MS,
	      "gettime shows the interval and the time to the next tick");
	v = its(0, 1000 * MS);
	OK(timerfd_settime(fd, 0, &v, &cur));
	CHECK(ts_ns(&cur.it_interval) == 20 * MS, "settime returns the old value");
	OK(timerfd_gettime(fd, &cur));
	CHECK(ts_ns(&cur.it_value) == 0 && ts_ns(&cur.it_interval) == 1000 * MS,
	      "a zero value disarms but keeps the interval");
	OK(close(fd));
}

static void
absolute(void)
{
	int fd = OK(timerfd_create(CLOCK_REALTIME, 0));
	int64_t when = now_ns(CLOCK_REALTIME) + 30 * MS;
	struct itimerspec v = its(when, 0);
	uint64_t n;

	OK(timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &v,
			   NULL));
	CHECK(ticks(fd) == 1 && now_ns(CLOCK_REALTIME) >= when,
	      "an absolute CLOCK_REALTIME timer expires at its time");
	OK(close(fd));

	fd = OK(timerfd_create(CLOCK_MONOTONIC, 0));
	v = its(now_ns(CLOCK_MONOTONIC) - 1000 * MS, 100 * MS);
	OK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &v, NULL));
	n = ticks(fd);
	CHECK(n >= 10 && n <= 12,
	      "a periodic timer set 1 s in the past counts about 11 ticks");
	OK(close(fd));

	fd = OK(timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC));
	CHECK(OK(fcntl(fd, F_GETFD)) == FD_CLOEXEC, "TFD_CLOEXEC sets FD_CLOEXEC");
	CHECK(strcmp(fd_link(fd), "anon_inode:[timerfd]") == 0,
	      "/proc/self/fd shows anon_inode:[timerfd]");
	v = its(10 * MS, 0);
	OK(timerfd_settime(fd, 0, &v, NULL));
	CHECK(ticks(fd) == 1, "a CLOCK_BOOTTIME timer expires");
	OK(close(fd));
}

static void
on_alarm(int sig)
{
	(void)sig;
}

static void
errors(void)
{
	int fd = OK(timerfd_create(CLOCK_MONOTONIC, 0));
	int efd = OK(eventfd(0, 0));
	struct itimerspec v = its(10 * MS, 0), bad = its(0, 0);
	struct sigaction sa = { .sa_handler = on_alarm };
	uint64_t n;

	FAILS(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL,
	      "timerfd_create on a CPU-time clock");
	FAILS(timerfd_create(99, 0), EINVAL, "timerfd_create on clock 99");
	FAILS(timerfd_create(CLOCK_MONOTONIC, 1), EINVAL,
	      "timerfd_create with an unknown flag");
	FAILS(timerfd_settime(fd, 4, &v, NULL), EINVAL,
	      "settime with an unknown flag");
	bad.it_value.tv_nsec = 1000000000;
	FAILS(timerfd_settime(fd, 0, &bad, NULL), EINVAL,
	      "settime with tv_nsec 1e9");
	bad = its(0, 0);
	bad.it_interval.tv_sec = -1;
	FAILS(timerfd_settime(fd, 0, &bad, NULL), EINVAL,
	      "settime with a negative interval");
	FAILS(syscall(SYS_timerfd_settime, fd, 0, (void *)1, NULL), EFAULT,
	      "settime from a bad pointer");
	FAILS(syscall(SYS_timerfd_gettime, fd, (void *)1), EFAULT,
	      "gettime into a bad pointer");
	FAILS(timerfd_settime(efd, 0, &v, NULL), EINVAL,
	      "settime on an eventfd");
	FAILS(timerfd_gettime(efd, &v), EINVAL, "gettime on an eventfd");
	FAILS(timerfd_gettime(-1, &v), EBADF, "gettime on fd -1");
	FAILS(read(fd, &n, 4), EINVAL, "read with a 4-byte buffer");
	FAILS(write(fd, &n, 8), EINVAL, "write to a timerfd");
	FAILS(syscall(SYS_timerfd_settime, fd, 0, &v, (void *)1), EFAULT,
	      "settime with a bad pointer for the old value");
	CHECK(ticks(fd) == 1, "but the new value was set and expires");
	OK(sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	FAILS(read(fd, &n, 8), EINTR, "a read of a disarmed timer waits until "
				      "a signal");
	OK(close(efd));
	OK(close(fd));
}

int
main(void)
{
	one_shot();
	periodic();
	absolute();
	errors();
	return 0;
}
