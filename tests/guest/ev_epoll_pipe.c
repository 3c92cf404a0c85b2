/*
 * epoll on pipes, level-triggered: readiness, data, maxevents, timeouts,
 * a wait woken by another process, what closing a watched file does (the
 * item goes with the file's last reference, not with the fd, and does
 * not keep the file open), epoll_pwait's mask, epoll_pwait2, and the
 * epoll_create/epoll_ctl/epoll_wait errors.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <time.h>

#include "guest.h"

static void
add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
}

static int
wait1(int ep, int timeout, struct epoll_event *ev)
{
	return (int)OK(epoll_wait(ep, ev, 1, timeout));
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	OK(clock_gettime(CLOCK_MONOTONIC, &ts));
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
level(void)
{
	int ep = OK(epoll_create1(0)), p[2];
	struct epoll_event ev[4];
	int64_t t0;
	char c;
	int n;

	OK(pipe(p));
	add(ep, p[0], EPOLLIN, 11);
	CHECK(wait1(ep, 0, ev) == 0, "an empty pipe is not ready");
	t0 = now_ms();
	CHECK(wait1(ep, 50, ev) == 0 && now_ms() - t0 >= 50,
	      "a 50 ms wait times out after 50 ms");
	OK(write(p[1], "ab", 2));
	CHECK(wait1(ep, -1, ev) == 1 && ev[0].events == EPOLLIN &&
		      ev[0].data.u64 == 11,
	      "after a write: EPOLLIN with our data");
	CHECK(wait1(ep, 0, ev) == 1, "level-triggered: reported again");
	add(ep, p[1], EPOLLOUT, 22);
	n = (int)OK(epoll_wait(ep, ev, 4, 0));
	CHECK(n == 2 && ev[0].data.u64 + ev[1].data.u64 == 33,
	      "both ends are reported");
	CHECK(wait1(ep, 0, ev) == 1, "maxevents 1 returns one of them");
	OK(read(p[0], &c, 1));
	OK(read(p[0], &c, 1));
	n = (int)OK(epoll_wait(ep, ev, 4, 0));
	CHECK(n == 1 && ev[0].data.u64 == 22 && ev[0].events == EPOLLOUT,
	      "once drained only the write end is ready");
	OK(close(p[1]));
	n = (int)OK(epoll_wait(ep, ev, 4, 0));
	CHECK(n == 1 && ev[0].data.u64 == 11 && ev[0].events == EPOLLHUP,
	      "closing the writer: EPOLLHUP on the reader, the writer's item "
	      "is gone");
	OK(close(p[0]));
	CHECK(OK(epoll_wait(ep, ev, 4, 0)) == 0, "closing the reader removes it");
	OK(close(ep));
}

/* Items belong to open files, not to fds. */
static void
closing(void)
{
	int ep = OK(epoll_create(1)), p[2], dupfd;
	struct epoll_event ev;
	char c;

	OK(pipe(p));
	add(ep, p[0], EPOLLIN, 5);
	dupfd = OK(dup(p[0]));
	OK(close(p[0]));
	OK(write(p[1], "x", 1));
	CHECK(wait1(ep, 0, &ev) == 1 && ev.data.u64 == 5,
	      "closing one fd of a file that stays open keeps the item");
	FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, dupfd, NULL), ENOENT,
	      "the item is not under the other fd");
	OK(close(dupfd));
	CHECK(wait1(ep, 0, &ev) == 0, "closing the last fd removes it");

	OK(pipe(p));
	add(ep, p[1], EPOLLOUT, 6);
	OK(close(p[1]));
	CHECK(OK(read(p[0], &c, 1)) == 0,
	      "a watched writer closed for good: the reader sees EOF");
	OK(close(p[0]));
	OK(close(ep));
}

/* A waiter sleeps until another process writes. */
static void
blocking(void)
{
	int ep = OK(epoll_create1(EPOLL_CLOEXEC)), p[2], st;
	struct epoll_event ev;
	pid_t pid;

	CHECK(OK(fcntl(ep, F_GETFD)) == FD_CLOEXEC,
	      "EPOLL_CLOEXEC sets FD_CLOEXEC");
	CHECK(strcmp(fd_link(ep), "anon_inode:[eventpoll]") == 0,
	      "/proc/self/fd shows anon_inode:[eventpoll]");
	OK(pipe(p));
	add(ep, p[0], EPOLLIN, 7);
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		usleep(100000);
		write(p[1], "y", 1);
		_exit(0);
	}
	CHECK(wait1(ep, 5000, &ev) == 1 && ev.data.u64 == 7,
	      "a blocked wait is woken by a child's write");
	OK(waitpid(pid, &st, 0));
	OK(close(p[0]));
	OK(close(p[1]));
	OK(close(ep));
}

static volatile sig_atomic_t got;

static void
on_usr1(int sig)
{
	(void)sig;
	got++;
}

static void
masks(void)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	int ep = OK(epoll_create1(0)), p[2];
	struct epoll_event ev;
	struct timespec ts = { 0, 20000000 };
	sigset_t block, none;

	OK(pipe(p));
	add(ep, p[0], EPOLLIN, 1);
	OK(sigaction(SIGUSR1, &sa, NULL));
	sigemptyset(&none);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	OK(sigprocmask(SIG_BLOCK, &block, NULL));
	OK(kill(getpid(), SIGUSR1));
	CHECK(OK(epoll_pwait(ep, &ev, 1, 0, &block)) == 0 && got == 0,
	      "epoll_pwait keeping SIGUSR1 blocked returns 0");
	FAILS(epoll_pwait(ep, &ev, 1, -1, &none), EINTR,
	      "epoll_pwait unblocking a pending SIGUSR1, though "
	      "SA_RESTART is set");
	CHECK(got == 1, "the handler ran");
	OK(sigprocmask(SIG_SETMASK, &none, &block));
	CHECK(sigismember(&block, SIGUSR1), "and the old mask is back");
	CHECK(OK(epoll_pwait2(ep, &ev, 1, &ts, NULL)) == 0,
	      "epoll_pwait2 with a 20 ms timespec times out");
	ts.tv_nsec = 1000000000;
	FAILS(epoll_pwait2(ep, &ev, 1, &ts, NULL), EINVAL,
	      "epoll_pwait2 with tv_nsec 1e9");
	FAILS(syscall(SYS_epoll_pwait2, ep, &ev, 1, (void *)1, NULL, 0), EFAULT,
	      "epoll_pwait2 with a bad timespec pointer");
	FAILS(syscall(SYS_epoll_pwait, ep, &ev, 1, 0, &none, 4), EINVAL,
	      "epoll_pwait with a 4-byte sigset size");
	FAILS(syscall(SYS_epoll_pwait, ep, &ev, 1, 0, (void *)1, 8), EFAULT,
	      "epoll_pwait with a bad sigset pointer");
	OK(close(p[0]));
	OK(close(p[1]));
	OK(close(ep));
}

static void
errors(void)
{
	int ep = OK(epoll_create1(0)), p[2], fd;
	struct epoll_event ev = { .events = EPOLLIN };

	FAILS(epoll_create(0), EINVAL, "epoll_create(0)");
	FAILS(epoll_create1(1), EINVAL, "epoll_create1 with an unknown flag");
	OK(pipe(p));
	fd = OK(open("/proc/self/exe", O_RDONLY));
	FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), EPERM,
	      "a regular file cannot be watched");
	OK(close(fd));
	fd = OK(open("/dev/null", O_RDONLY));
	FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), EPERM,
	      "nor /dev/null");
	OK(close(fd));
	FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL,
	      "an epoll cannot watch itself");
	FAILS(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev), EINVAL,
	      "epoll_ctl on a pipe instead of an epoll");
	FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, 1000, &ev), EBADF,
	      "epoll_ctl on a closed fd");
	FAILS(epoll_ctl(1000, EPOLL_CTL_ADD, p[0], &ev), EBADF,
	      "epoll_ctl with a closed epfd");
	FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT,
	      "EPOLL_CTL_MOD of an fd not added");
	FAILS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT,
	      "EPOLL_CTL_DEL of an fd not added");
	OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST,
	      "adding an fd twice");
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	FAILS(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), EINVAL,
	      "EPOLLEXCLUSIVE with EPOLL_CTL_MOD");
	FAILS(epoll_ctl(ep, 99, p[0], &ev), EINVAL, "an unknown op");
	FAILS(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_MOD, p[0], (void *)1), EFAULT,
	      "EPOLL_CTL_MOD with a bad event pointer");
	OK(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_DEL, p[0], (void *)1));
	CHECK(1, "EPOLL_CTL_DEL ignores the event pointer");
	FAILS(epoll_wait(ep, &ev, 0, 0), EINVAL, "epoll_wait with maxevents 0");
	FAILS(epoll_wait(p[0], &ev, 1, 0), EINVAL, "epoll_wait on a pipe");
	FAILS(epoll_wait(1000, &ev, 1, 0), EBADF, "epoll_wait on a closed fd");
	FAILS(syscall(SYS_epoll_wait, ep, (void *)0xffff800000000000UL, 1, 0),
	      EFAULT, "epoll_wait into a kernel address");
	CHECK(OK(syscall(SYS_epoll_wait, ep, (void *)8, 1, 0)) == 0,
	      "a bad buffer with nothing to report is not noticed");
	ev.events = EPOLLOUT;
	OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	FAILS(syscall(SYS_epoll_wait, ep, (void *)8, 1, 0), EFAULT,
	      "epoll_wait with a ready item and a bad buffer");
	CHECK(OK(epoll_wait(ep, &ev, 1, 0)) == 1,
	      "the item stayed ready for the next wait");
	OK(close(p[0]));
	OK(close(p[1]));
	OK(close(ep));
}

int
main(void)
{
	level();
	closing();
	blocking();
	masks();
	errors();
	return 0;
}
