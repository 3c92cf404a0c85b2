/*
 * Readiness and blocking on AF_UNIX sockets: poll and epoll masks
 * (POLLIN, POLLOUT, POLLHUP, POLLRDHUP) through a connection's life,
 * a listener's POLLIN, a full socket's EAGAIN and POLLOUT, O_NONBLOCK by
 * fcntl, SO_RCVTIMEO, SO_SNDBUF, a blocked read woken by the peer, and a
 * blocked read interrupted by a signal (EINTR without SA_RESTART,
 * restarted with it).
 */
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include "guest.h"

static int
mask(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	OK(poll(&p, 1, 0));
	return p.revents;
}

#define ALL (POLLIN | POLLOUT | POLLRDHUP | POLLPRI)

static void
poll_masks(int type, const char *name)
{
	int sv[2];
	char c;

	OK(socketpair(AF_UNIX, type, 0, sv));
	printf("%s: idle 0x%x\n", name, mask(sv[0], ALL));
	OK(write(sv[1], "x", 1));
	printf("%s: data 0x%x\n", name, mask(sv[0], ALL));
	OK(read(sv[0], &c, 1));
	OK(shutdown(sv[1], SHUT_WR));
	printf("%s: peer SHUT_WR 0x%x, peer 0x%x\n", name, mask(sv[0], ALL),
	       mask(sv[1], ALL));
	OK(shutdown(sv[0], SHUT_WR));
	printf("%s: both SHUT_WR 0x%x\n", name, mask(sv[0], ALL));
	OK(close(sv[1]));
	printf("%s: peer closed 0x%x\n", name, mask(sv[0], ALL));
	OK(close(sv[0]));
	OK(socketpair(AF_UNIX, type, 0, sv));
	OK(close(sv[1]));
	printf("%s: peer closed at once 0x%x\n", name, mask(sv[0], ALL));
	OK(close(sv[0]));
}

static void
listener_and_unconnected(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int srv = OK(socket(AF_UNIX, SOCK_STREAM, 0)), cl, d;

	printf("unconnected stream 0x%x\n", mask(srv, ALL));
	d = OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	printf("unconnected dgram 0x%x\n", mask(d, ALL));
	strcpy(sa.sun_path, "poll.sock");
	OK(bind(srv, (struct sockaddr *)&sa, sizeof(sa)));
	OK(listen(srv, 5));
	printf("idle listener 0x%x\n", mask(srv, ALL));
	cl = OK(socket(AF_UNIX, SOCK_STREAM, 0));
	OK(connect(cl, (struct sockaddr *)&sa, sizeof(sa)));
	printf("listener with a connection 0x%x\n", mask(srv, ALL));
	printf("connected client 0x%x\n", mask(cl, ALL));
	OK(close(cl));
	OK(close(d));
	OK(close(srv));
}

static void
epoll_hup(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET };
	int sv[2], ep = OK(epoll_create1(0)), n;

	OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	OK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev));
	CHECK(OK(epoll_wait(ep, &ev, 1, 0)) == 0, "epoll: an idle socket is not ready");
	OK(write(sv[1], "ab", 2));
	n = OK(epoll_wait(ep, &ev, 1, 1000));
	CHECK(n == 1 && ev.events == EPOLLIN, "epoll: EPOLLIN after a write");
	CHECK(OK(epoll_wait(ep, &ev, 1, 0)) == 0, "epoll: edge-triggered, once");
	OK(close(sv[1]));
	n = OK(epoll_wait(ep, &ev, 1, 1000));
	CHECK(n == 1 && ev.events == (EPOLLIN | EPOLLRDHUP | EPOLLHUP),
	      "epoll: peer closed: EPOLLIN|EPOLLRDHUP|EPOLLHUP (0x%x)", ev.events);
	OK(close(sv[0]));
	OK(close(ep));
}

static void
fill_up(void)
{
	int sv[2], sz = 8192, got;
	socklen_t len = sizeof(got);
	char buf[1024] = { 0 };
	long n = 0, r;

	OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)));
	OK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &got, &len));
	CHECK(got == 2 * sz, "SO_SNDBUF 8192 reads back doubled");
	OK(fcntl(sv[0], F_SETFL, O_NONBLOCK));
	while ((r = write(sv[0], buf, sizeof(buf))) > 0)
		n += r;
	CHECK(r < 0 && errno == EAGAIN, "a full socket: EAGAIN");
	CHECK(n >= 1024 && n < 1024 * 1024, "it took a bounded amount");
	CHECK(!(mask(sv[0], POLLOUT) & POLLOUT), "a full socket is not POLLOUT");
	while (n > 0)
		n -= OK(read(sv[1], buf, sizeof(buf)));
	CHECK(mask(sv[0], POLLOUT) & POLLOUT, "drained: POLLOUT again");
	OK(close(sv[0]));
	OK(close(sv[1]));

	OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv));
	for (n = 0; n < 10000; n++)
		if (send(sv[0], buf, 100, 0) < 0)
			break;
	CHECK(errno == EAGAIN && n < 10000, "dgram: a full socket: EAGAIN");
	OK(close(sv[0]));
	OK(close(sv[1]));
}

/*
 * A datagram sender waiting in epoll hears when its receiver makes room,
 * even in a queue that others filled.
 */
static void
dgram_epollout(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLOUT };
	int srv = OK(socket(AF_UNIX, SOCK_DGRAM, 0)), ep = OK(epoll_create1(0));
	int c = OK(socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0)), n = 0;
	int d = OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	char b;

	strcpy(sa.sun_path, "dgram_ep.sock");
	OK(bind(srv, (struct sockaddr *)&sa, sizeof(sa)));
	OK(connect(c, (struct sockaddr *)&sa, sizeof(sa)));
	OK(epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev));
	CHECK(OK(epoll_wait(ep, &ev, 1, 0)) == 1, "dgram: EPOLLOUT while there is room");
	/* Another sender fills the queue: c's own sends are not what wakes
	 * it. */
	while (sendto(d, "m", 1, MSG_DONTWAIT, (struct sockaddr *)&sa,
		      sizeof(sa)) == 1)
		n++;
	CHECK(errno == EAGAIN, "dgram: the receiver's queue is full after %d", n);
	FAILS(send(c, "m", 1, 0), EAGAIN, "dgram: so is c's send");
	CHECK(OK(epoll_wait(ep, &ev, 1, 0)) == 0, "dgram: no EPOLLOUT while it is full");
	OK(recv(srv, &b, 1, 0));
	CHECK(OK(epoll_wait(ep, &ev, 1, 2000)) == 1 && ev.events == EPOLLOUT,
	      "dgram: EPOLLOUT once the receiver reads");
	OK(close(c));
	OK(close(d));
	OK(close(srv));
	OK(close(ep));
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/* accept, a datagram recv and a blocked write, each hit by SIGALRM. */
static void
interrupted_waits(struct itimerval *it)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	static char buf[65536];
	int srv = OK(socket(AF_UNIX, SOCK_STREAM, 0)), sv[2];

	OK(sigaction(SIGALRM, &sa, NULL)); /* no SA_RESTART */
	strcpy(addr.sun_path, "intr.sock");
	OK(bind(srv, (struct sockaddr *)&addr, sizeof(addr)));
	OK(listen(srv, 1));
	OK(setitimer(ITIMER_REAL, it, NULL));
	FAILS(accept(srv, NULL, NULL), EINTR, "a blocked accept and a signal");
	OK(close(srv));
	OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	OK(setitimer(ITIMER_REAL, it, NULL));
	FAILS(recv(sv[0], buf, 1, 0), EINTR, "a blocked datagram recv and a signal");
	OK(close(sv[0]));
	OK(close(sv[1]));
	OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
	while (write(sv[0], buf, sizeof(buf)) > 0)
		;
	OK(fcntl(sv[0], F_SETFL, 0));
	OK(setitimer(ITIMER_REAL, it, NULL));
	FAILS(write(sv[0], buf, 1), EINTR, "a write blocked on a full socket and a signal");
	OK(close(sv[0]));
	OK(close(sv[1]));
}

static void
timeouts_and_signals(void)
{
	struct timeval tv = { 0, 100000 }, got;
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	struct sigaction sa = { .sa_handler = on_alarm };
	socklen_t len = sizeof(got);
	int sv[2], st;
	char c;

	OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	OK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &len));
	CHECK(len == sizeof(got) && got.tv_sec == 0 && got.tv_usec == 100000,
	      "SO_RCVTIMEO reads back 100 ms");
	FAILS(read(sv[0], &c, 1), EAGAIN, "a read past SO_RCVTIMEO");
	tv.tv_usec = 1000000;
	FAILS(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), EDOM,
	      "SO_RCVTIMEO with 1000000 usec");
	tv.tv_usec = 0;
	OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));

	OK(sigaction(SIGALRM, &sa, NULL));
	OK(setitimer(ITIMER_REAL, &it, NULL));
	FAILS(read(sv[0], &c, 1), EINTR, "a blocked read and a signal without SA_RESTART");
	sa.sa_flags = SA_RESTART;
	OK(sigaction(SIGALRM, &sa, NULL));
	fflush(stdout);
	if (OK(fork()) == 0) {
		usleep(200000);
		OK(write(sv[1], "r", 1));
		_exit(0);
	}
	OK(setitimer(ITIMER_REAL, &it, NULL));
	CHECK(OK(read(sv[0], &c, 1)) == 1 && c == 'r',
	      "with SA_RESTART the read restarts and gets the peer's byte");
	OK(wait(&st));
	OK(close(sv[0]));
	OK(close(sv[1]));
	interrupted_waits(&it);
}

/* A writer blocked on a full socket is woken as the reader drains it. */
static void
big_transfer(void)
{
	static char buf[65536];
	unsigned long sum = 0, want = 0, got = 0;
	int sv[2], st, i;
	long n;

	for (i = 0; i < (int)sizeof(buf); i++)
		want += (unsigned char)(buf[i] = (char)(i * 7));
	want *= 16;
	OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	fflush(stdout);
	if (OK(fork()) == 0) {
		for (i = 0; i < 16; i++)
			if (OK(write(sv[1], buf, sizeof(buf))) != sizeof(buf))
				_exit(1);
		_exit(0);
	}
	OK(close(sv[1]));
	while ((n = OK(read(sv[0], buf, 1000 + got % 3000))) > 0) {
		for (i = 0; i < n; i++)
			sum += (unsigned char)buf[i];
		got += (unsigned long)n;
	}
	OK(wait(&st));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && got == 16 * sizeof(buf) &&
		      sum == want,
	      "1 MiB through a stream, the writer blocking, arrives intact");
	OK(close(sv[0]));

	OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	if (OK(fork()) == 0) {
		for (i = 0; i < 500; i++)
			if (OK(send(sv[1], buf, 1000, 0)) != 1000)
				_exit(1);
		_exit(0);
	}
	for (i = 0; i < 500; i++)
		if (OK(recv(sv[0], buf, sizeof(buf), 0)) != 1000)
			errx(1, "a datagram of a wrong size");
	OK(wait(&st));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "500 datagrams of 1000 bytes, the sender blocking, all arrive");
	OK(close(sv[0]));
	OK(close(sv[1]));
}

/* A connect to a full backlog waits for accept; SO_SNDTIMEO ends a wait. */
static void
blocking_connect_and_send(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { 0, 100000 };
	int srv = OK(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
	int c1, c2, st, sv[2];
	char buf[1024] = { 0 };

	strcpy(sa.sun_path, "wait.sock");
	OK(bind(srv, (struct sockaddr *)&sa, sizeof(sa)));
	OK(listen(srv, 0));
	FAILS(accept(srv, NULL, NULL), EAGAIN, "accept with nothing queued, O_NONBLOCK");
	c1 = OK(socket(AF_UNIX, SOCK_STREAM, 0));
	OK(connect(c1, (struct sockaddr *)&sa, sizeof(sa)));
	fflush(stdout);
	if (OK(fork()) == 0) {
		c2 = OK(socket(AF_UNIX, SOCK_STREAM, 0));
		OK(connect(c2, (struct sockaddr *)&sa, sizeof(sa)));
		OK(connect(OK(socket(AF_UNIX, SOCK_STREAM, 0)),
			   (struct sockaddr *)&sa, sizeof(sa)));
		_exit(0);
	}
	usleep(100000);
	OK(close(OK(accept(srv, NULL, NULL))));
	OK(fcntl(srv, F_SETFL, 0));
	OK(close(OK(accept(srv, NULL, NULL))));
	OK(close(OK(accept(srv, NULL, NULL))));
	OK(wait(&st));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "connects beyond the backlog waited for accept");
	OK(close(c1));
	OK(close(srv));

	OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
	while (write(sv[0], buf, sizeof(buf)) > 0)
		;
	OK(fcntl(sv[0], F_SETFL, 0));
	OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	FAILS(write(sv[0], buf, 1), EAGAIN, "a blocked write past SO_SNDTIMEO");
	OK(close(sv[0]));
	OK(close(sv[1]));
}

int
main(void)
{
	tmpdir_enter();
	poll_masks(SOCK_STREAM, "stream");
	poll_masks(SOCK_SEQPACKET, "seqpacket");
	poll_masks(SOCK_DGRAM, "dgram");
	listener_and_unconnected();
	epoll_hup();
	fill_up();
	dgram_epollout();
	timeouts_and_signals();
	big_transfer();
	blocking_connect_and_send();
	return 0;
}
