/*
 * Control messages on AF_UNIX sockets: SCM_RIGHTS passes a pipe and a
 * file across fork (the files stay open in flight after the sender closes
 * them), MSG_CTRUNC and MSG_CMSG_CLOEXEC, SCM_CREDENTIALS with
 * SO_PASSCRED, and SO_PEERCRED of socketpair and connected sockets.
 */
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "guest.h"

/* Send one byte with nfds fds attached. */
static void
send_fds(int sock, const int *fds, int nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)] = { 0 };
	struct iovec iov = { "F", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = CMSG_SPACE(sizeof(int) * nfds) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	if (OK(sendmsg(sock, &mh, 0)) != 1)
		errx(1, "sendmsg sent a wrong length");
}

/* Receive one byte and up to max fds into fds: how many came. */
static int
recv_fds(int sock, int *fds, int max, int flags, int *msgflags)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)] = { 0 }, b;
	struct iovec iov = { &b, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = max ? CMSG_LEN(sizeof(int) * max)
						   : 0 };
	struct cmsghdr *c;
	int n = 0;

	if (OK(recvmsg(sock, &mh, flags)) != 1)
		errx(1, "recvmsg: no byte");
	*msgflags = mh.msg_flags;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			errx(1, "unexpected control message %d", c->cmsg_type);
		n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fds, CMSG_DATA(c), sizeof(int) * n);
	}
	return n;
}

static int
child_sends(int sock)
{
	int p[2], file, fds[2];

	OK(pipe(p));
	put_file("passed.txt", "contents of the file\n");
	file = OK(open("passed.txt", O_RDONLY));
	fds[0] = p[0];
	fds[1] = file;
	send_fds(sock, fds, 2);
	OK(close(p[0]));
	OK(close(file));
	OK(unlink("passed.txt"));
	/* The pipe's read end lives only in flight now. */
	OK(write(p[1], "through the passed pipe", 23));
	OK(close(p[1]));
	return 0;
}

static void
rights_across_fork(void)
{
	int sv[2], fds[4], n, flags, st;
	char buf[64] = { 0 };
	struct stat sta, stb;

	OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	fflush(stdout);
	if (OK(fork()) == 0)
		_exit(child_sends(sv[1]));
	OK(wait(&st));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the sender exited");
	n = recv_fds(sv[0], fds, 4, 0, &flags);
	CHECK(n == 2 && !(flags & MSG_CTRUNC), "received 2 fds");
	OK(fstat(fds[0], &sta));
	OK(fstat(fds[1], &stb));
	CHECK(S_ISFIFO(sta.st_mode) && S_ISREG(stb.st_mode) && stb.st_nlink == 0,
	      "a pipe and an unlinked regular file");
	CHECK(OK(read(fds[0], buf, sizeof(buf))) == 23 &&
		      strcmp(buf, "through the passed pipe") == 0,
	      "the pipe carries what the sender wrote after closing its fd");
	CHECK(OK(read(fds[0], buf, 1)) == 0, "and ends when the sender exits");
	memset(buf, 0, sizeof(buf));
	CHECK(OK(read(fds[1], buf, sizeof(buf))) == 21 &&
		      strcmp(buf, "contents of the file\n") == 0,
	      "the file reads its contents");
	CHECK(!(OK(fcntl(fds[0], F_GETFD)) & FD_CLOEXEC), "no close-on-exec by default");
	OK(close(fds[0]));
	OK(close(fds[1]));
	OK(close(sv[0]));
	OK(close(sv[1]));
}

static void
truncation(void)
{
	int sv[2], p[2], fds[4], n, flags, three[3];
	char b;

	OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	OK(pipe(p));
	three[0] = p[0];
	three[1] = p[1];
	three[2] = p[0];
	send_fds(sv[0], three, 3);
	n = recv_fds(sv[1], fds, 1, MSG_CMSG_CLOEXEC, &flags);
	CHECK(n == 1 && (flags & MSG_CTRUNC), "room for 1 of 3 fds: MSG_CTRUNC");
	CHECK(OK(fcntl(fds[0], F_GETFD)) & FD_CLOEXEC, "MSG_CMSG_CLOEXEC");
	OK(close(fds[0]));
	send_fds(sv[0], three, 1);
	n = recv_fds(sv[1], fds, 0, 0, &flags);
	CHECK(n == 0 && (flags & MSG_CTRUNC), "no control buffer: MSG_CTRUNC");
	send_fds(sv[0], three, 1);
	n = recv_fds(sv[1], fds, 1, MSG_PEEK, &flags);
	CHECK(n == 1, "MSG_PEEK gives the fds too");
	OK(close(fds[0]));
	n = recv_fds(sv[1], fds, 1, 0, &flags);
	CHECK(n == 1, "and a real read gives them again");
	OK(close(fds[0]));
	{
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
		struct iovec iov = { &b, 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		int bad = 999;

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &bad, sizeof(int));
		FAILS(sendmsg(sv[0], &mh, 0), EBADF, "SCM_RIGHTS with a closed fd");
		c->cmsg_len = sizeof(cbuf) + 8;
		FAILS(sendmsg(sv[0], &mh, 0), EINVAL, "a cmsg longer than the buffer");
		c->cmsg_type = 77;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		FAILS(sendmsg(sv[0], &mh, 0), EINVAL, "an unknown SOL_SOCKET cmsg type");
		mh.msg_control = (void *)8;
		FAILS(sendmsg(sv[0], &mh, 0), EFAULT, "control data at a bad address");
		mh.msg_control = cbuf;
		mh.msg_iov = (void *)8;
		FAILS(sendmsg(sv[0], &mh, 0), EFAULT, "an iovec array at a bad address");
		FAILS(sendmsg(sv[0], (void *)8, 0), EFAULT, "a msghdr at a bad address");
		FAILS(recvmsg(sv[0], (void *)8, 0), EFAULT, "recvmsg of a bad msghdr");
	}
	OK(close(p[0]));
	OK(close(p[1]));
	OK(close(sv[0]));
	OK(close(sv[1]));
}

static void
print_creds(const char *what, const struct ucred *uc, pid_t pid)
{
	CHECK(uc->pid == pid && uc->uid == getuid() && uc->gid == getgid(),
	      "%s: pid, uid and gid are %s's", what,
	      pid == getpid() ? "this process" : "the child");
}

static int
child_sends_plain(int sock)
{
	OK(write(sock, "c", 1));
	return 0;
}

static void
credentials(void)
{
	char cbuf[CMSG_SPACE(sizeof(struct ucred))], b;
	struct iovec iov = { &b, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct ucred uc;
	socklen_t len = sizeof(uc);
	int sv[2], on = 1, st;
	struct cmsghdr *c;
	pid_t pid;

	OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	OK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len));
	CHECK(len == sizeof(uc), "SO_PEERCRED has the size of a ucred");
	print_creds("socketpair SO_PEERCRED", &uc, getpid());
	OK(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(child_sends_plain(sv[1]));
	OK(waitpid(pid, &st, 0));
	OK(recvmsg(sv[0], &mh, 0));
	c = CMSG_FIRSTHDR(&mh);
	CHECK(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		      c->cmsg_len == CMSG_LEN(sizeof(uc)),
	      "SO_PASSCRED: an SCM_CREDENTIALS message came");
	memcpy(&uc, CMSG_DATA(c), sizeof(uc));
	print_creds("SCM_CREDENTIALS", &uc, pid);
	len = sizeof(on);
	OK(getsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, &len));
	CHECK(on == 1, "SO_PASSCRED reads back 1");
	OK(close(sv[0]));
	OK(close(sv[1]));

	OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	c = CMSG_FIRSTHDR(&mh);
	mh.msg_controllen = sizeof(cbuf);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(uc));
	uc = (struct ucred){ getpid(), getuid(), getgid() };
	memcpy(CMSG_DATA(c), &uc, sizeof(uc));
	OK(sendmsg(sv[0], &mh, 0));
	on = 1;
	OK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
	memset(cbuf, 0, sizeof(cbuf));
	OK(recvmsg(sv[1], &mh, 0));
	c = CMSG_FIRSTHDR(&mh);
	CHECK(c && c->cmsg_type == SCM_CREDENTIALS, "explicit SCM_CREDENTIALS arrive");
	memcpy(&uc, CMSG_DATA(c), sizeof(uc));
	print_creds("explicit SCM_CREDENTIALS", &uc, getpid());
	OK(close(sv[0]));
	OK(close(sv[1]));
}

static void
peercred_connected(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred uc;
	socklen_t len = sizeof(uc);
	int srv = OK(socket(AF_UNIX, SOCK_STREAM, 0)), cl, acc, st;
	pid_t pid;

	strcpy(sa.sun_path, "cred.sock");
	OK(bind(srv, (struct sockaddr *)&sa, sizeof(sa)));
	OK(listen(srv, 1));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		cl = OK(socket(AF_UNIX, SOCK_STREAM, 0));
		OK(connect(cl, (struct sockaddr *)&sa, sizeof(sa)));
		OK(getsockopt(cl, SOL_SOCKET, SO_PEERCRED, &uc, &len));
		_exit(uc.pid == getppid() ? 0 : 1);
	}
	acc = OK(accept(srv, NULL, NULL));
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the client's SO_PEERCRED names the listener's process");
	OK(getsockopt(acc, SOL_SOCKET, SO_PEERCRED, &uc, &len));
	print_creds("accepted SO_PEERCRED", &uc, pid);
	OK(getsockopt(srv, SOL_SOCKET, SO_PEERCRED, &uc, &len));
	print_creds("listener SO_PEERCRED", &uc, getpid());
	cl = OK(socket(AF_UNIX, SOCK_STREAM, 0));
	OK(getsockopt(cl, SOL_SOCKET, SO_PEERCRED, &uc, &len));
	CHECK(uc.pid == 0 && uc.uid == (uid_t)-1 && uc.gid == (gid_t)-1,
	      "unconnected SO_PEERCRED: pid 0, uid and gid -1");
	OK(close(cl));
	OK(close(acc));
	OK(close(srv));
}

int
main(void)
{
	tmpdir_enter();
	rights_across_fork();
	truncation();
	credentials();
	peercred_connected();
	return 0;
}
