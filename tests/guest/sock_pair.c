/*
 * socketpair(AF_UNIX): stream, datagram and seqpacket pairs; message
 * boundaries, MSG_PEEK, MSG_TRUNC, MSG_DONTWAIT, readv/writev, shutdown,
 * EPIPE with SIGPIPE blocked, ECONNRESET, fstat and the basic options,
 * sendmmsg and recvmmsg.
 */
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "guest.h"

static char what[128];
#define WHAT(...) (snprintf(what, sizeof(what), __VA_ARGS__), what)

static int
getopt_int(int fd, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	OK(getsockopt(fd, SOL_SOCKET, name, &v, &len));
	if (len != sizeof(v))
		errx(1, "option %d: length %u", name, len);
	return v;
}

static void
stream_pair(void)
{
	char buf[64] = { 0 };
	struct stat st;
	int sv[2], n;

	OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	OK(fstat(sv[0], &st));
	CHECK(S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0777,
	      "stream: fstat says a socket, mode 0777");
	CHECK(getopt_int(sv[0], SO_TYPE) == SOCK_STREAM &&
		      getopt_int(sv[0], SO_DOMAIN) == AF_UNIX &&
		      getopt_int(sv[0], SO_PROTOCOL) == 0 &&
		      getopt_int(sv[0], SO_ACCEPTCONN) == 0,
	      "stream: SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN");
	OK(write(sv[0], "abc", 3));
	OK(write(sv[0], "defg", 4));
	OK(ioctl(sv[1], FIONREAD, &n));
	CHECK(n == 7, "stream: FIONREAD counts 7 bytes");
	CHECK(OK(recv(sv[1], buf, sizeof(buf), MSG_PEEK)) == 7 &&
		      memcmp(buf, "abcdefg", 7) == 0,
	      "stream: MSG_PEEK sees both writes joined");
	CHECK(OK(read(sv[1], buf, 2)) == 2 && memcmp(buf, "ab", 2) == 0,
	      "stream: a short read takes 2 bytes");
	CHECK(OK(read(sv[1], buf, sizeof(buf))) == 5 &&
		      memcmp(buf, "cdefg", 5) == 0,
	      "stream: the rest comes in one read");
	FAILS(recv(sv[1], buf, 1, MSG_DONTWAIT), EAGAIN,
	      "stream: MSG_DONTWAIT on an empty socket");
	OK(shutdown(sv[0], SHUT_WR));
	CHECK(OK(read(sv[1], buf, 1)) == 0, "stream: EOF after SHUT_WR");
	FAILS(write(sv[0], "x", 1), EPIPE, "stream: write after SHUT_WR");
	OK(write(sv[1], "back", 4));
	CHECK(OK(read(sv[0], buf, sizeof(buf))) == 4,
	      "stream: the other direction still works");
	OK(close(sv[1]));
	FAILS(write(sv[0], "x", 1), EPIPE, "stream: write to a closed peer");
	CHECK(OK(read(sv[0], buf, 1)) == 0, "stream: read from a closed peer: 0");
	OK(close(sv[0]));

	OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	OK(write(sv[0], "unread", 6));
	OK(close(sv[1]));
	FAILS(read(sv[0], buf, 1), ECONNRESET,
	      "stream: the peer closed with unread data");
	CHECK(OK(read(sv[0], buf, 1)) == 0, "stream: then end of file");
	OK(close(sv[0]));
}

static void
sigpipe_pending(void)
{
	sigset_t set, pending;
	siginfo_t si;
	int sv[2];

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	OK(sigprocmask(SIG_BLOCK, &set, NULL));
	OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	OK(close(sv[1]));
	FAILS(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE, "send MSG_NOSIGNAL");
	OK(sigpending(&pending));
	CHECK(!sigismember(&pending, SIGPIPE), "MSG_NOSIGNAL: no SIGPIPE");
	FAILS(send(sv[0], "x", 1, 0), EPIPE, "send to a closed peer");
	OK(sigpending(&pending));
	CHECK(sigismember(&pending, SIGPIPE), "and SIGPIPE is pending");
	OK(sigwaitinfo(&set, &si));
	CHECK(si.si_code == SI_USER && si.si_pid == getpid() &&
		      si.si_uid == getuid(),
	      "SIGPIPE is SI_USER from the writer itself");
	OK(close(sv[0]));
	OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	OK(shutdown(sv[0], SHUT_WR));
	FAILS(write(sv[0], "x", 1), EPIPE, "seqpacket: write after SHUT_WR");
	OK(close(sv[1]));
	FAILS(write(sv[0], "x", 1), EPIPE, "seqpacket: write to a closed peer");
	OK(close(sv[0]));
	OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	OK(shutdown(sv[1], SHUT_RD));
	FAILS(write(sv[0], "x", 1), EPIPE, "dgram: write to a peer after its SHUT_RD");
	OK(shutdown(sv[0], SHUT_WR));
	FAILS(write(sv[0], "x", 1), EPIPE, "dgram: write after SHUT_WR");
	OK(close(sv[0]));
	OK(close(sv[1]));
	OK(sigpending(&pending));
	CHECK(!sigismember(&pending, SIGPIPE),
	      "seqpacket and dgram EPIPE raise no SIGPIPE");
	OK(sigprocmask(SIG_UNBLOCK, &set, NULL));
	signal(SIGPIPE, SIG_IGN);
}

static void
message_pair(int type, const char *name)
{
	char buf[64] = { 0 }, a[3], b[4];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	int sv[2], n;

	OK(socketpair(AF_UNIX, type, 0, sv));
	CHECK(getopt_int(sv[0], SO_TYPE) == type, "%s: SO_TYPE", name);
	OK(write(sv[0], "one", 3));
	OK(write(sv[0], "second", 6));
	OK(send(sv[0], "", 0, 0));
	OK(ioctl(sv[1], FIONREAD, &n));
	CHECK(n == (type == SOCK_DGRAM ? 3 : 9),
	      "%s: FIONREAD says %d", name, n);
	CHECK(OK(read(sv[1], buf, sizeof(buf))) == 3, "%s: one message a read", name);
	CHECK(OK(recv(sv[1], buf, 2, MSG_PEEK | MSG_TRUNC)) == 6,
	      "%s: MSG_PEEK|MSG_TRUNC gives the real length", name);
	CHECK(OK(recvmsg(sv[1], &mh, 0)) == 6 && !(mh.msg_flags & MSG_TRUNC) &&
		      memcmp(a, "sec", 3) == 0 && memcmp(b, "ond", 3) == 0,
	      "%s: recvmsg scatters one message over two buffers", name);
	CHECK(OK(recv(sv[1], buf, sizeof(buf), 0)) == 0,
	      "%s: an empty message reads as 0", name);
	OK(write(sv[0], "truncated", 9));
	iov[0].iov_len = 2;
	mh.msg_iovlen = 1;
	CHECK(OK(recvmsg(sv[1], &mh, 0)) == 2 && (mh.msg_flags & MSG_TRUNC),
	      "%s: a short buffer truncates, MSG_TRUNC set", name);
	FAILS(recv(sv[1], buf, 1, MSG_DONTWAIT), EAGAIN,
	      WHAT("%s: the rest of a truncated message is gone", name));
	iov[0] = (struct iovec){ "ab", 2 };
	iov[1] = (struct iovec){ "cde", 3 };
	CHECK(OK(writev(sv[0], iov, 2)) == 5, "%s: writev of two pieces", name);
	OK(write(sv[0], "f", 1));
	CHECK(OK(read(sv[1], buf, sizeof(buf))) == 5 &&
		      memcmp(buf, "abcde", 5) == 0,
	      "%s: writev made one message", name);
	CHECK(OK(read(sv[1], buf, sizeof(buf))) == 1, "%s: then the next", name);
	OK(close(sv[1]));
	if (type == SOCK_SEQPACKET) {
		FAILS(write(sv[0], "x", 1), EPIPE, "seqpacket: write to a closed peer");
		CHECK(OK(read(sv[0], buf, 1)) == 0, "seqpacket: read: 0");
	} else {
		FAILS(write(sv[0], "x", 1), ECONNREFUSED,
		      "dgram: write to a closed peer");
		FAILS(write(sv[0], "x", 1), ENOTCONN, "dgram: then not connected");
	}
	OK(close(sv[0]));
}

static void
mmsg(void)
{
	char bufs[5][16] = { { 0 } };
	struct iovec iov[5];
	struct mmsghdr mm[5];
	int sv[2], i;

	OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < 3; i++) {
		iov[i] = (struct iovec){ (char *)"abcdefgh" + i, (size_t)(8 - i) };
		mm[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	CHECK(OK(sendmmsg(sv[0], mm, 3, 0)) == 3 && mm[2].msg_len == 6,
	      "sendmmsg sends 3 datagrams and sets msg_len");
	for (i = 0; i < 5; i++) {
		iov[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
		mm[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	CHECK(OK(recvmmsg(sv[1], mm, 5, MSG_WAITFORONE, NULL)) == 3 &&
		      mm[0].msg_len == 8 && mm[1].msg_len == 7 &&
		      strcmp(bufs[2], "cdefgh") == 0,
	      "recvmmsg MSG_WAITFORONE takes the 3 there are");
	FAILS(recvmmsg(sv[1], mm, 5, MSG_DONTWAIT, NULL), EAGAIN,
	      "recvmmsg with nothing queued, MSG_DONTWAIT");
	OK(close(sv[0]));
	OK(close(sv[1]));
}

static void
bad_args(void)
{
	socklen_t len = sizeof(int);
	int sv[2];

	FAILS(socket(AF_UNIX, SOCK_STREAM, 2), EPROTONOSUPPORT,
	      "socket with protocol 2");
	FAILS(socket(AF_UNIX, 7, 0), ESOCKTNOSUPPORT, "socket of type 7");
	FAILS(socket(AF_UNIX, SOCK_STREAM | 0x100, 0), EINVAL,
	      "socket with unknown flags");
	FAILS(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, (int *)8), EFAULT,
	      "socketpair with a bad pointer");
	FAILS(getsockopt(0, SOL_SOCKET, SO_TYPE, sv, &len), ENOTSOCK,
	      "getsockopt on stdin");
	FAILS(shutdown(99, SHUT_RD), EBADF, "shutdown on a closed fd");
	OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
	CHECK((OK(fcntl(sv[0], F_GETFL)) & O_NONBLOCK) &&
		      (OK(fcntl(sv[1], F_GETFD)) & FD_CLOEXEC),
	      "SOCK_NONBLOCK and SOCK_CLOEXEC apply to both ends");
	FAILS(shutdown(sv[0], 3), EINVAL, "shutdown how=3");
	FAILS(syscall(SYS_sendto, sv[0], (void *)8, 10, 0, NULL, 0), EFAULT, "send from a bad buffer");
	FAILS(lseek(sv[0], 0, SEEK_SET), ESPIPE, "lseek on a socket");
	FAILS(pread(sv[0], sv, 1, 0), ESPIPE, "pread on a socket");
	OK(close(sv[0]));
	OK(close(sv[1]));
	OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	OK(shutdown(OK(socket(AF_UNIX, SOCK_STREAM, 0)), SHUT_RDWR));
	printf("shutdown of an unconnected socket succeeds\n");
	FAILS(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&len, 4), EISCONN,
	      "sendto with an address on a connected stream");
	FAILS(accept4(sv[0], NULL, NULL, 0x100), EINVAL, "accept4 with unknown flags");
	FAILS(getsockopt(sv[0], SOL_SOCKET, 9999, what, &len), ENOPROTOOPT,
	      "getsockopt of an unknown option");
	FAILS(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &len, 2), EINVAL,
	      "setsockopt with a 2-byte int");
	OK(write(sv[0], "xyz", 3));
	FAILS(syscall(SYS_read, sv[1], (void *)8, 3), EFAULT, "read into a bad buffer");
	CHECK(OK(read(sv[1], what, 3)) == 3,
	      "the data is still there after EFAULT");
	OK(close(sv[0]));
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	stream_pair();
	sigpipe_pending();
	message_pair(SOCK_DGRAM, "dgram");
	message_pair(SOCK_SEQPACKET, "seqpacket");
	mmsg();
	bad_args();
	return 0;
}
