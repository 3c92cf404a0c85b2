/*
 * The idle loop: where the CPU waits when no task is runnable.
 *
 * One epoll set holds a signalfd for SIGCHLD (every ptrace stop of a guest
 * thread raises one) and for the signals that ask vmlinux to stop (HUP,
 * INT, QUIT, TERM), and the fds drivers asked to watch (the console).  The
 * deadline of the earliest kernel timer bounds the wait.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "host/host_internal.h"

struct watch {
	int fd;
	void (*cb)(void *arg);
	void *arg;
	struct watch *next;
};

static int epoll_fd = -1, sigchld_fd = -1;
static struct watch *watches;

int
idle_init(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	if ((sigchld_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		return -errno;
	if ((epoll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0)
		return -errno;
	ev.data.ptr = NULL;
	if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, sigchld_fd, &ev) < 0)
		return -errno;
	return 0;
}

int
host_watch_fd(int fd, void (*cb)(void *arg), void *arg)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct watch *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	ev.data.ptr = w;
	if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(w);
		return -errno;
	}
	w->next = watches;
	watches = w;
	return 0;
}

void
host_unwatch_fd(int fd)
{
	struct watch **p = &watches, *w;

	while ((w = *p) != NULL && w->fd != fd)
		p = &w->next;
	if (!w)
		return;
	epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, NULL);
	*p = w->next;
	free(w);
}

/*
 * SIGCHLD only says some guest thread stopped; trace_poll() finds which.
 * A termination signal sent to vmlinux asks for an orderly shutdown.
 */
static void
drain_signals(void)
{
	struct signalfd_siginfo si[16];
	ssize_t n;
	int i;

	while ((n = read(sigchld_fd, si, sizeof(si))) > 0)
		for (i = 0; i < n / (ssize_t)sizeof(si[0]); i++)
			if (si[i].ssi_signo != SIGCHLD)
				host_shutdown_signal((int)si[i].ssi_signo);
}

void
host_idle(int64_t deadline_ns)
{
	struct epoll_event evs[16];
	struct timespec ts, *tp = NULL;
	int n, i;

	if (trace_poll() > 0)
		return;
	if (deadline_ns >= 0) {
		int64_t left = deadline_ns - host_clock(CLOCK_MONOTONIC);

		if (left < 0)
			left = 0;
		ts.tv_sec = left / 1000000000;
		ts.tv_nsec = left % 1000000000;
		tp = &ts;
	}
	n = epoll_pwait2(epoll_fd, evs, 16, tp, NULL);
	for (i = 0; i < n; i++) {
		struct watch *w = evs[i].data.ptr;

		if (w == NULL)
			drain_signals();
		else
			w->cb(w->arg);
	}
	trace_poll();
}
