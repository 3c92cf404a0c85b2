/*
 * Interrupted sleeps: a handled signal ends a blocking read on a pipe with
 * EINTR, or restarts it under SA_RESTART; nanosleep, poll and pause end
 * with EINTR either way (nanosleep with the time left); wait4 restarts;
 * an ignored signal, or one whose default is to ignore, interrupts nothing;
 * a stop and continue is invisible to a blocking read.
 *
 * The sender is a child that waits until the parent sleeps (its state in
 * /proc/PID/stat is S) before it signals, so nothing depends on timing.
 */
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>

#include "guest.h"

static int data[2];
static void (*wake)(void); /* what the handler does besides its write */

static void
handler(int sig)
{
	/* Give the interrupted read something to find when it restarts. */
	if (write(data[1], "x", 1) != 1)
		_exit(98);
	if (wake)
		wake();
}

static char
proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* A child that signals us with each of sigs once we sleep, then exits. */
static pid_t
sender(const int *sigs)
{
	pid_t parent = getpid(), pid;

	fflush(stdout);
	pid = OK(fork());
	if (pid != 0)
		return pid;
	for (; *sigs; sigs++) {
		while (proc_state(parent) != 'S')
			usleep(1000);
		if (*sigs == SIGSTOP) {
			kill(parent, SIGSTOP);
			while (proc_state(parent) != 'T')
				usleep(1000);
			kill(parent, SIGCONT);
			continue;
		}
		kill(parent, *sigs);
		usleep(1000);
	}
	_exit(0);
}

static void
reap(pid_t pid)
{
	int st;

	OK(waitpid(pid, &st, 0));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		errx(1, "the sender failed: %s", wstatus_str(st));
}

static void
install(int sig, void (*h)(int), int flags)
{
	struct sigaction sa = { .sa_handler = h, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	OK(sigaction(sig, &sa, NULL));
}

/* Read whatever fd holds now. */
static void
drain(int fd)
{
	char buf[4096];

	while (poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 0) == 1)
		OK(read(fd, buf, sizeof(buf)));
}

/* A blocking read on the data pipe while the sender sends sigs. */
static void
pipe_read(const char *what, const int *sigs)
{
	pid_t pid = sender(sigs);
	ssize_t n;
	char c;

	n = read(data[0], &c, 1);
	if (n == 1)
		printf("%s: read returned the byte\n", what);
	else
		printf("%s: read failed: %s\n", what,
		       strerrorname_np(errno));
	reap(pid);
	drain(data[0]);
}

static void
sleeps(void)
{
	static const int usr1[] = { SIGUSR1, 0 };
	struct timespec req = { 100, 0 }, rem = { 0, 0 };
	struct pollfd p = { .fd = data[0], .events = POLLIN };
	pid_t pid;
	int st;

	install(SIGUSR1, handler, SA_RESTART);
	pid = sender(usr1);
	FAILS(nanosleep(&req, &rem), EINTR, "nanosleep under SA_RESTART");
	CHECK(rem.tv_sec > 0 && rem.tv_sec <= 100,
	      "with the time left in rem");
	reap(pid);
	pipe_read("after nanosleep's handler", (const int[]){ 0 });

	pid = sender(usr1);
	FAILS(poll(&p, 1, 100000), EINTR, "poll under SA_RESTART");
	reap(pid);
	pipe_read("after poll's handler", (const int[]){ 0 });

	pid = sender(usr1);
	FAILS(pause(), EINTR, "pause under SA_RESTART");
	reap(pid);
	pipe_read("after pause's handler", (const int[]){ 0 });

	/* wait4 for the sender itself: restarted until it exits. */
	pid = sender(usr1);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st),
	      "wait4 under SA_RESTART restarts and reaps the sender");
	pipe_read("after wait4's handler", (const int[]){ 0 });
	install(SIGUSR1, handler, 0);
	pid = sender(usr1);
	FAILS(waitpid(pid, &st, 0), EINTR, "wait4 without SA_RESTART");
	reap(pid);
	pipe_read("after that handler", (const int[]){ 0 });
}

/* Blocking calls that the handler's wake() lets finish if restarted. */
static int full[2], sock[2]; /* a pipe to fill, one to make readable */
static uint32_t futex_word;

static void
drain_full(void)
{
	char buf[4096];

	(void)!read(full[0], buf, sizeof(buf)); /* makes room for a write */
}

static void
send_byte(void)
{
	(void)!write(sock[1], "s", 1);
}

static void
change_futex(void)
{
	futex_word = 1;
	syscall(SYS_futex, &futex_word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static long
call_write_full(void)
{
	return write(full[1], "w", 1);
}

static long
call_futex(void)
{
	futex_word = 0;
	return syscall(SYS_futex, &futex_word, FUTEX_WAIT, 0, NULL, NULL, 0);
}

static long
call_futex_timeout(void)
{
	struct timespec ts = { 100, 0 };

	futex_word = 0;
	return syscall(SYS_futex, &futex_word, FUTEX_WAIT, 0, &ts, NULL, 0);
}

static long
call_select(void)
{
	fd_set rd;

	FD_ZERO(&rd);
	FD_SET(sock[0], &rd);
	return select(sock[0] + 1, &rd, NULL, NULL, NULL);
}

static long
epoll_for(int ms)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(0);
	long r;

	epoll_ctl(ep, EPOLL_CTL_ADD, sock[0], &ev);
	r = epoll_wait(ep, &ev, 1, ms);
	close(ep);
	return r;
}

static long
call_epoll(void)
{
	return epoll_for(-1);
}

static long
call_epoll_2s(void)
{
	return epoll_for(2000);
}

static long
call_nanosleep_short(void)
{
	struct timespec ts = { 0, 500 * 1000 * 1000 };

	return nanosleep(&ts, NULL);
}

static long
call_abs_sleep(void)
{
	struct timespec ts;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 500 * 1000 * 1000;
	if (ts.tv_nsec >= 1000 * 1000 * 1000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000 * 1000 * 1000;
	}
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	errno = r;
	return r ? -1 : 0;
}

static long
call_sigwait(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	return sigwaitinfo(&set, NULL);
}

static long
call_clock_nanosleep(void)
{
	struct timespec ts = { 100, 0 };
	int r = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);

	errno = r;
	return r ? -1 : 0;
}

static void
fill_pipe(void)
{
	char buf[4096] = { 0 };
	int fl = OK(fcntl(full[1], F_GETFL));

	OK(fcntl(full[1], F_SETFL, fl | O_NONBLOCK));
	while (write(full[1], buf, sizeof(buf)) > 0)
		;
	while (write(full[1], buf, 1) > 0)
		;
	OK(fcntl(full[1], F_SETFL, fl));
}

static void
interrupted(const char *what, long (*call)(void), void (*w)(void))
{
	static const int usr1[] = { SIGUSR1, 0 };
	static const int flags[] = { 0, SA_RESTART };
	pid_t pid;
	long r;
	int i;

	for (i = 0; i < 2; i++) {
		fill_pipe();
		install(SIGUSR1, handler, flags[i]);
		wake = w;
		pid = sender(usr1);
		r = call();
		if (r < 0)
			printf("%s%s: %s\n", what, i ? ", SA_RESTART" : "",
			       strerrorname_np(errno));
		else
			printf("%s%s: returned %ld\n", what,
			       i ? ", SA_RESTART" : "", r);
		reap(pid);
		wake = NULL;
		drain(data[0]);
		drain(sock[0]);
		drain(full[0]);
	}
}

/* A call the sender stops and continues (no handler involved). */
static void
stopped(const char *what, long (*call)(void))
{
	static const int stop[] = { SIGSTOP, 0 };
	pid_t pid = sender(stop);
	long r = call();

	if (r < 0)
		printf("%s, stopped and continued: %s\n", what,
		       strerrorname_np(errno));
	else
		printf("%s, stopped and continued: returned %ld\n", what, r);
	reap(pid);
}

static void
calls(void)
{
	OK(pipe(full));
	OK(pipe(sock));
	interrupted("write to a full pipe", call_write_full, drain_full);
	interrupted("futex wait", call_futex, change_futex);
	interrupted("futex wait with a timeout", call_futex_timeout,
		    change_futex);
	interrupted("select", call_select, send_byte);
	interrupted("epoll_wait", call_epoll, send_byte);
	interrupted("sigwaitinfo", call_sigwait, NULL);
	interrupted("clock_nanosleep", call_clock_nanosleep, NULL);
	interrupted("clock_nanosleep TIMER_ABSTIME", call_abs_sleep, NULL);
	/* Linux resumes sleeps after a stop, but not epoll_wait. */
	stopped("nanosleep", call_nanosleep_short);
	stopped("clock_nanosleep TIMER_ABSTIME", call_abs_sleep);
	stopped("epoll_wait", call_epoll_2s);
}

int
main(void)
{
	OK(pipe(data));

	install(SIGUSR1, handler, 0);
	pipe_read("handler without SA_RESTART", (const int[]){ SIGUSR1, 0 });
	install(SIGUSR1, handler, SA_RESTART);
	pipe_read("handler with SA_RESTART", (const int[]){ SIGUSR1, 0 });

	/* These interrupt nothing; the handled SIGUSR1 after them ends it. */
	install(SIGUSR2, SIG_IGN, 0);
	install(SIGUSR1, handler, SA_RESTART);
	pipe_read("SIG_IGN SIGUSR2, SIGWINCH, SIGCHLD, then SIGUSR1",
		  (const int[]){ SIGUSR2, SIGWINCH, SIGCHLD, SIGUSR1, 0 });
	pipe_read("stopped and continued, then SIGUSR1",
		  (const int[]){ SIGSTOP, SIGUSR1, 0 });
	install(SIGUSR1, handler, 0);
	pipe_read("stopped and continued, then SIGUSR1 without SA_RESTART",
		  (const int[]){ SIGSTOP, SIGUSR1, 0 });

	sleeps();
	calls();
	return 0;
}
