/*
 * epoll beyond level-triggered pipes: EPOLLET edges (a new write is a new
 * edge even while data is left), EPOLLONESHOT and re-arming with
 * EPOLL_CTL_MOD, EPOLLRDHUP on a pipe, epoll inside epoll (and the loop
 * check), poll() on an epoll fd, and watching eventfd, timerfd,
 * signalfd and terminal files.
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <termios.h>

#include "guest.h"

static void
add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
}

static int
ready(int ep, struct epoll_event *ev)
{
	return (int)OK(epoll_wait(ep, ev, 1, 0));
}

static void
edge(void)
{
	int ep = OK(epoll_create1(0)), p[2];
	struct epoll_event ev;
	char buf[8];

	OK(pipe(p));
	add(ep, p[0], EPOLLIN | EPOLLET, 1);
	CHECK(ready(ep, &ev) == 0, "edge-triggered: nothing before a write");
	OK(write(p[1], "a", 1));
	CHECK(ready(ep, &ev) == 1 && ev.events == EPOLLIN,
	      "a write is an edge: EPOLLIN");
	CHECK(ready(ep, &ev) == 0, "reported once, though still readable");
	OK(write(p[1], "b", 1));
	CHECK(ready(ep, &ev) == 1, "a second write is a new edge");
	CHECK(OK(read(p[0], buf, sizeof(buf))) == 2, "read both bytes");
	CHECK(ready(ep, &ev) == 0, "reading makes no edge");
	OK(close(p[1]));
	CHECK(ready(ep, &ev) == 1 && ev.events == EPOLLHUP,
	      "closing the writer is an edge: EPOLLHUP");
	CHECK(ready(ep, &ev) == 0, "reported once");
	OK(close(p[0]));
	OK(close(ep));
}

static void
oneshot(void)
{
	int ep = OK(epoll_create1(0)), p[2];
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT,
				  .data.u64 = 2 };

	OK(pipe(p));
	OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	OK(write(p[1], "a", 1));
	CHECK(ready(ep, &ev) == 1 && ev.data.u64 == 2,
	      "EPOLLONESHOT: reported once");
	CHECK(ready(ep, &ev) == 0, "then disarmed though readable");
	OK(write(p[1], "b", 1));
	CHECK(ready(ep, &ev) == 0, "even after another write");
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLONESHOT,
				   .data.u64 = 3 };
	OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	CHECK(ready(ep, &ev) == 1 && ev.data.u64 == 3,
	      "EPOLL_CTL_MOD re-arms it, with the new data");
	FAILS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST,
	      "a disarmed item is still there");
	OK(close(p[1]));
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLRDHUP, .data.u64 = 4 };
	OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	CHECK(ready(ep, &ev) == 1 && ev.events == (EPOLLIN | EPOLLHUP),
	      "a pipe with data and no writer: EPOLLIN | EPOLLHUP, no "
	      "EPOLLRDHUP");
	OK(close(p[0]));
	OK(close(ep));
}

static void
nested(void)
{
	int outer = OK(epoll_create1(0)), inner = OK(epoll_create1(0)), p[2];
	int third = OK(epoll_create1(0));
	struct epoll_event ev = { .events = EPOLLIN };
	struct pollfd pf = { .fd = inner, .events = POLLIN };

	OK(pipe(p));
	add(inner, p[0], EPOLLIN, 1);
	add(outer, inner, EPOLLIN, 9);
	CHECK(ready(outer, &ev) == 0, "an epoll in an epoll: not ready yet");
	CHECK(OK(poll(&pf, 1, 0)) == 0, "poll on the inner epoll: not ready");
	OK(write(p[1], "x", 1));
	CHECK(ready(outer, &ev) == 1 && ev.data.u64 == 9 && ev.events == EPOLLIN,
	      "the outer epoll reports the inner one readable");
	CHECK(OK(poll(&pf, 1, 0)) == 1 && pf.revents == POLLIN,
	      "poll on the inner epoll: POLLIN");
	FAILS(epoll_ctl(inner, EPOLL_CTL_ADD, outer, &ev), ELOOP,
	      "adding the outer epoll to the inner one would loop");
	add(third, outer, EPOLLIN, 3);
	FAILS(epoll_ctl(inner, EPOLL_CTL_ADD, third, &ev), ELOOP,
	      "so would a longer loop");
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	FAILS(epoll_ctl(third, EPOLL_CTL_ADD, inner, &ev), EINVAL,
	      "EPOLLEXCLUSIVE on an epoll file");
	OK(close(third));
	OK(close(inner));
	CHECK(ready(outer, &ev) == 0, "closing the inner epoll removes it");
	OK(close(p[0]));
	OK(close(p[1]));
	OK(close(outer));
}

static void
eventfds(void)
{
	int ep = OK(epoll_create1(0)), efd = OK(eventfd(2, EFD_SEMAPHORE));
	struct epoll_event ev;
	uint64_t v;

	add(ep, efd, EPOLLIN | EPOLLET, 5);
	CHECK(ready(ep, &ev) == 1 && ev.events == EPOLLIN,
	      "an eventfd with a count is readable at once");
	OK(read(efd, &v, 8));
	CHECK(ready(ep, &ev) == 0,
	      "a read that leaves a count is no EPOLLIN edge");
	v = 1;
	OK(write(efd, &v, 8));
	CHECK(ready(ep, &ev) == 1, "a write is");
	ev = (struct epoll_event){ .events = EPOLLOUT | EPOLLET, .data.u64 = 6 };
	OK(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev));
	CHECK(ready(ep, &ev) == 1 && ev.events == EPOLLOUT,
	      "modified to EPOLLOUT: writable");
	OK(read(efd, &v, 8));
	CHECK(ready(ep, &ev) == 1 && ev.data.u64 == 6,
	      "a read is an EPOLLOUT edge");
	OK(write(efd, &v, 8));
	CHECK(ready(ep, &ev) == 0, "a write is not");
	OK(close(efd));
	OK(close(ep));
}

static void
timers_and_signals(void)
{
	int ep = OK(epoll_create1(0));
	int tfd = OK(timerfd_create(CLOCK_MONOTONIC, 0));
	struct itimerspec its = { { 0, 0 }, { 0, 30000000 } };
	struct epoll_event ev;
	sigset_t m;
	int sfd;

	add(ep, tfd, EPOLLIN, 7);
	OK(timerfd_settime(tfd, 0, &its, NULL));
	CHECK(ready(ep, &ev) == 0, "a timerfd is not ready before it expires");
	CHECK(OK(epoll_wait(ep, &ev, 1, 5000)) == 1 && ev.data.u64 == 7,
	      "a wait ends when the timerfd expires");
	OK(close(tfd));

	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	OK(sigprocmask(SIG_BLOCK, &m, NULL));
	sfd = OK(signalfd(-1, &m, 0));
	add(ep, sfd, EPOLLIN, 8);
	CHECK(ready(ep, &ev) == 0, "a signalfd with nothing pending: not ready");
	OK(kill(getpid(), SIGUSR1));
	CHECK(ready(ep, &ev) == 1 && ev.data.u64 == 8,
	      "a blocked SIGUSR1 makes the signalfd ready");
	OK(close(sfd));
	OK(close(ep));
}

/* A terminal: a pty's master and slave. */
static void
terminal(void)
{
	int ep = OK(epoll_create1(0)), m = OK(posix_openpt(O_RDWR | O_NOCTTY));
	struct epoll_event ev;
	struct termios tio;
	char buf[16];
	int s;

	OK(grantpt(m));
	OK(unlockpt(m));
	s = OK(open(ptsname(m), O_RDWR | O_NOCTTY));
	OK(tcgetattr(s, &tio));
	tio.c_lflag &= ~(tcflag_t)ECHO;
	OK(tcsetattr(s, TCSANOW, &tio));
	add(ep, m, EPOLLIN, 10);
	add(ep, s, EPOLLIN | EPOLLET, 11);
	CHECK(ready(ep, &ev) == 0, "a quiet pty: nothing ready");
	OK(write(s, "hi", 2));
	CHECK(OK(epoll_wait(ep, &ev, 1, 5000)) == 1 && ev.data.u64 == 10 &&
		      ev.events == EPOLLIN,
	      "output on the slave makes the master readable");
	OK(read(m, buf, sizeof(buf)));
	OK(write(m, "x\n", 2));
	CHECK(OK(epoll_wait(ep, &ev, 1, 5000)) == 1 && ev.data.u64 == 11,
	      "a line typed on the master makes the slave readable");
	CHECK(ready(ep, &ev) == 0, "edge-triggered: once");
	OK(close(s));
	OK(close(m));
	OK(close(ep));
}

int
main(void)
{
	edge();
	oneshot();
	nested();
	eventfds();
	timers_and_signals();
	terminal();
	return 0;
}
