/*
 * AF_UNIX names: bind, listen, connect and accept on a filesystem path
 * and on an abstract name, datagrams between named sockets, autobind,
 * getsockname/getpeername, and the errors (ECONNREFUSED, EADDRINUSE,
 * ENOENT, EACCES, EINVAL, ENOTCONN, EPROTOTYPE, EISCONN, EAGAIN on a
 * full backlog).  Paths are relative to a fresh directory.
 */
#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "guest.h"

static char what[128];
#define WHAT(...) (snprintf(what, sizeof(what), __VA_ARGS__), what)

/*
 * Abstract names are global on the host: each run's get a prefix with
 * its pid, which addr_str leaves out.
 */
static char prefix[32];

/* A sockaddr_un for name; abstract when name starts with '@'. */
static socklen_t
addr_of(struct sockaddr_un *sa, const char *name)
{
	size_t n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (name[0] == '@') {
		n = (size_t)snprintf(sa->sun_path, sizeof(sa->sun_path),
				     "@%s%s", prefix, name + 1);
		sa->sun_path[0] = '\0';
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	}
	n = strlen(name);
	memcpy(sa->sun_path, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
}

static int
bound(int type, const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = addr_of(&sa, name);
	int fd = OK(socket(AF_UNIX, type, 0));

	OK(bind(fd, (struct sockaddr *)&sa, len));
	return fd;
}

static int
try_connect(int fd, const char *name)
{
	struct sockaddr_un sa;
	socklen_t len = addr_of(&sa, name);

	return connect(fd, (struct sockaddr *)&sa, len);
}

static int
connected(int type, const char *name)
{
	int fd = OK(socket(AF_UNIX, type, 0));

	OK(try_connect(fd, name));
	return fd;
}

/* Print an address the same way on every system. */
static const char *
addr_str(const struct sockaddr_un *sa, socklen_t len)
{
	static char buf[160];
	size_t off = offsetof(struct sockaddr_un, sun_path);

	if (len <= off)
		snprintf(buf, sizeof(buf), "unnamed (len %u)", len);
	else if (sa->sun_path[0] == '\0' &&
		 strncmp(sa->sun_path + 1, prefix, strlen(prefix)) == 0)
		snprintf(buf, sizeof(buf), "@%.*s (len %u - prefix)",
			 (int)(len - off - 1 - strlen(prefix)),
			 sa->sun_path + 1 + strlen(prefix),
			 len - (socklen_t)strlen(prefix));
	else if (sa->sun_path[0] == '\0')
		snprintf(buf, sizeof(buf), "abstract (len %u)", len);
	else
		snprintf(buf, sizeof(buf), "%s (len %u)", sa->sun_path, len);
	return buf;
}

static const char *
name_of(int fd, bool peer)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);

	if (peer)
		OK(getpeername(fd, (struct sockaddr *)&sa, &len));
	else
		OK(getsockname(fd, (struct sockaddr *)&sa, &len));
	return addr_str(&sa, len);
}

static void
stream_server(int type, const char *name)
{
	int srv = bound(type, name), cl, acc, cl2, on = 0;
	socklen_t len;
	char buf[16];
	struct stat st;

	printf("%s: bound to %s\n", name, name_of(srv, false));
	if (name[0] != '@') {
		OK(stat(name, &st));
		CHECK(S_ISSOCK(st.st_mode), "%s: bind made a socket node", name);
	}
	cl = OK(socket(AF_UNIX, type, 0));
	FAILS(try_connect(cl, name), ECONNREFUSED, WHAT("%s: connect before listen", name));
	OK(listen(srv, 4));
	len = sizeof(on);
	OK(getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &on, &len));
	CHECK(on == 1, "%s: SO_ACCEPTCONN says listening", name);
	OK(try_connect(cl, name));
	FAILS(try_connect(cl, name), EISCONN, WHAT("%s: connect twice", name));
	OK(write(cl, "early", 5)); /* before accept */
	acc = OK(accept4(srv, NULL, NULL, SOCK_CLOEXEC));
	CHECK(OK(fcntl(acc, F_GETFD)) == FD_CLOEXEC, "%s: accept4 SOCK_CLOEXEC", name);
	printf("%s: accepted end is %s\n", name, name_of(acc, false));
	printf("%s: its peer is %s\n", name, name_of(acc, true));
	printf("%s: the client's peer is %s\n", name, name_of(cl, true));
	printf("%s: the client is %s\n", name, name_of(cl, false));
	CHECK(OK(read(acc, buf, sizeof(buf))) == 5, "%s: data sent before accept arrives", name);
	FAILS(accept(cl, NULL, NULL), EINVAL, WHAT("%s: accept on a connected socket", name));
	FAILS(listen(cl, 1), EINVAL, WHAT("%s: listen on a connected socket", name));
	cl2 = connected(type, name);
	OK(close(srv));
	FAILS(read(cl2, buf, 1), ECONNRESET,
	      WHAT("%s: the listener closed before accepting", name));
	cl = OK(socket(AF_UNIX, type, 0));
	FAILS(try_connect(cl, name), ECONNREFUSED, WHAT("%s: connect after close", name));
	if (name[0] != '@') {
		OK(access(name, F_OK));
		printf("%s: the node stays after close\n", name);
		OK(unlink(name));
		FAILS(try_connect(cl, name), ENOENT, WHAT("%s: connect after unlink", name));
	}
	OK(close(cl));
	OK(close(cl2));
	OK(close(acc));
}

static void
backlog(void)
{
	int srv = bound(SOCK_STREAM, "@backlog"), fds[8], i, n = 0;

	OK(listen(srv, 1));
	for (i = 0; i < 8; i++) {
		fds[i] = OK(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
		if (try_connect(fds[i], "@backlog") < 0) {
			CHECK(errno == EAGAIN, "a connect beyond the backlog: EAGAIN");
			break;
		}
		n++;
	}
	printf("backlog 1 took %d connections\n", n);
	OK(close(OK(accept(srv, NULL, NULL))));
	CHECK(try_connect(fds[i], "@backlog") == 0, "after an accept there is room");
	for (; i >= 0; i--)
		OK(close(fds[i]));
	OK(close(srv));
}

static void
datagrams(void)
{
	int a = bound(SOCK_DGRAM, "dg_a"), b = bound(SOCK_DGRAM, "dg_b");
	int c = OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	struct sockaddr_un sa, from;
	socklen_t len, flen;
	char buf[16];

	len = addr_of(&sa, "dg_b");
	CHECK(OK(sendto(a, "hi", 2, 0, (struct sockaddr *)&sa, len)) == 2,
	      "dgram: sendto a path");
	flen = sizeof(from);
	CHECK(OK(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			  &flen)) == 2,
	      "dgram: recvfrom");
	printf("dgram: from %s\n", addr_str(&from, flen));
	OK(sendto(c, "anon", 4, 0, (struct sockaddr *)&sa, len));
	flen = sizeof(from);
	OK(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen));
	printf("dgram: an unbound sender's address has length %u\n", flen);
	FAILS(send(c, "x", 1, 0), ENOTCONN, "dgram: send without a peer");
	OK(try_connect(c, "dg_a"));
	OK(send(c, "to a", 4, 0));
	CHECK(OK(recv(a, buf, sizeof(buf), 0)) == 4, "dgram: connect set the default peer");
	printf("dgram: peer is %s\n", name_of(c, true));
	OK(try_connect(a, "dg_b"));
	FAILS(send(c, "x", 1, 0), EPERM, "dgram: send to a socket connected elsewhere");
	len = addr_of(&sa, "nonexistent");
	FAILS(sendto(b, "x", 1, 0, (struct sockaddr *)&sa, len), ENOENT,
	      "dgram: sendto a missing path");
	len = addr_of(&sa, "@nobody-here");
	FAILS(sendto(b, "x", 1, 0, (struct sockaddr *)&sa, len), ECONNREFUSED,
	      "dgram: sendto an unbound abstract name");
	sa.sun_family = AF_UNSPEC;
	OK(connect(c, (struct sockaddr *)&sa, sizeof(sa.sun_family)));
	FAILS(send(c, "x", 1, 0), ENOTCONN, "dgram: AF_UNSPEC disconnects");
	OK(close(a));
	OK(close(b));
	OK(close(c));
}

static void
errors(void)
{
	struct sockaddr_un sa;
	socklen_t len;
	int s = OK(socket(AF_UNIX, SOCK_STREAM, 0)), d, st;

	FAILS(bind(s, (struct sockaddr *)&sa, 1), EINVAL, "bind with length 1");
	len = addr_of(&sa, "x");
	sa.sun_family = AF_INET;
	FAILS(bind(s, (struct sockaddr *)&sa, len), EINVAL, "bind with family AF_INET");
	FAILS(bind(s, (struct sockaddr *)&sa, sizeof(sa) + 1), EINVAL,
	      "bind with a length past sockaddr_un");
	FAILS(listen(s, 1), EINVAL, "listen on an unbound socket");
	FAILS(getpeername(s, (struct sockaddr *)&sa, &len), ENOTCONN,
	      "getpeername unconnected");
	FAILS(send(s, "x", 1, 0), ENOTCONN, "send on an unconnected stream");
	FAILS(recv(s, &sa, 1, 0), EINVAL, "recv on an unconnected stream");
	FAILS(try_connect(s, "missing/dir"), ENOENT, "connect to a missing path");
	put_file("plain", "not a socket\n");
	FAILS(try_connect(s, "plain"), ECONNREFUSED, "connect to a regular file");
	OK(close(bound(SOCK_STREAM, "taken")));
	FAILS(bind(s, (struct sockaddr *)&sa, addr_of(&sa, "taken")), EADDRINUSE,
	      "bind to an existing path");
	d = bound(SOCK_STREAM, "@taken");
	FAILS(bind(s, (struct sockaddr *)&sa, addr_of(&sa, "@taken")), EADDRINUSE,
	      "bind to a used abstract name");
	OK(bind(s, (struct sockaddr *)&sa, addr_of(&sa, "mine")));
	FAILS(bind(s, (struct sockaddr *)&sa, addr_of(&sa, "again")), EINVAL,
	      "bind a bound socket again");
	OK(close(d));
	d = bound(SOCK_DGRAM, "dgram_node");
	FAILS(try_connect(s, "dgram_node"), EPROTOTYPE, "stream connect to a dgram socket");
	FAILS(listen(d, 1), EOPNOTSUPP, "listen on a dgram socket");
	FAILS(accept(d, NULL, NULL), EOPNOTSUPP, "accept on a dgram socket");
	OK(listen(s, 1));
	OK(chmod("mine", 0755));
	fflush(stdout);
	if (OK(fork()) == 0) {
		int c = OK(socket(AF_UNIX, SOCK_STREAM, 0));

		OK(setgid(65534));
		OK(setuid(65534));
		FAILS(try_connect(c, "mine"), EACCES,
		      "connect without write permission on the node");
		_exit(0);
	}
	OK(wait(&st));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the unprivileged child passed");
	OK(close(d));
	OK(close(s));
}

static void
autobind(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(sa);
	int s = OK(socket(AF_UNIX, SOCK_DGRAM, 0));

	printf("unbound: %s\n", name_of(s, false));
	len = 1;
	sa.sun_family = 0x7777;
	OK(getsockname(s, (struct sockaddr *)&sa, &len));
	CHECK(len == 2 && sa.sun_family == (0x7700 | AF_UNIX),
	      "getsockname into 1 byte: 1 byte copied, the full length told");
	len = sizeof(sa);
	sa.sun_family = AF_UNIX;
	OK(bind(s, (struct sockaddr *)&sa, sizeof(sa_family_t)));
	OK(getsockname(s, (struct sockaddr *)&sa, &len));
	CHECK(len == 8 && sa.sun_path[0] == '\0',
	      "autobind gives an abstract name of 5 characters");
	OK(close(s));
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	snprintf(prefix, sizeof(prefix), "umk-%d-", (int)getpid());
	tmpdir_enter();
	stream_server(SOCK_STREAM, "srv.sock");
	stream_server(SOCK_STREAM, "@umk-test-abstract");
	stream_server(SOCK_SEQPACKET, "seq.sock");
	backlog();
	datagrams();
	errors();
	autobind();
	return 0;
}
