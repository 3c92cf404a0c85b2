/*
 * AF_UNIX fuzzer for the guest: children make a few sockets of every type
 * (pairs, a listener, bound datagrams), then call the socket syscalls and
 * read/write/poll/close on them with half-valid arguments: real fds and
 * sockaddrs mixed with bad pointers, odd lengths and flags, msghdrs whose
 * control data passes random fds (sockets in flight to themselves
 * included).  The kernel must survive; a child that blocks is killed by
 * its alarm.
 *
 * Runs only inside the guest (tests/robust.bats), like syscall_fuzz.
 */
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t rng;
static char scratch[8192];

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A pointer: mostly to scratch, sometimes bad. */
static uint64_t
ptr(void)
{
	static const uint64_t bad[] = { 0, 1, 8, 4095, 0x800000000000,
					(uint64_t)-1, 0xffff800000000000 };

	if (next() % 5 == 0)
		return bad[next() % (sizeof(bad) / sizeof(bad[0]))];
	return (uint64_t)(scratch + next() % (sizeof(scratch) - 512));
}

static uint64_t
len(void)
{
	static const uint64_t odd[] = { 0, 1, 2, 3, 8, 16, 100, 108, 110, 111,
					128, 4096, 65536, 0x7fffffff,
					(uint64_t)-1 };

	if (next() % 2)
		return next() % 256;
	return odd[next() % (sizeof(odd) / sizeof(odd[0]))];
}

static uint64_t
fd(void)
{
	return next() % 16;
}

/* Fill scratch with a plausible sockaddr_un, msghdr, iovecs and cmsgs. */
static void
shape_scratch(void)
{
	struct sockaddr_un *sa = (void *)scratch;
	struct msghdr *mh = (void *)(scratch + 256);
	struct iovec *iov = (void *)(scratch + 512);
	struct cmsghdr *c = (void *)(scratch + 1024);
	int i, n = (int)(next() % 6);

	sa->sun_family = next() % 4 ? AF_UNIX : (sa_family_t)next();
	snprintf(sa->sun_path, sizeof(sa->sun_path), "%sf%d",
		 next() % 2 ? "" : "@", (int)(next() % 4));
	if (sa->sun_path[0] == '@')
		sa->sun_path[0] = '\0';
	for (i = 0; i < 4; i++)
		iov[i] = (struct iovec){ (void *)ptr(), len() };
	*mh = (struct msghdr){ next() % 2 ? sa : NULL, (socklen_t)len(),
			       next() % 4 ? iov : (void *)ptr(), next() % 6,
			       next() % 3 ? c : (void *)ptr(), len(),
			       (int)next() };
	c->cmsg_len = next() % 4 ? CMSG_LEN(sizeof(int) * n) : len();
	c->cmsg_level = next() % 5 ? SOL_SOCKET : (int)next();
	c->cmsg_type = next() % 3 ? SCM_RIGHTS : (int)(next() % 4);
	for (i = 0; i < n; i++)
		((int *)CMSG_DATA(c))[i] = (int)fd();
}

static void
setup_sockets(void)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sv[2], i, s;

	for (i = 0; i < 3; i++)
		socketpair(AF_UNIX, types[i] | SOCK_NONBLOCK, 0, sv);
	for (i = 0; i < 3; i++) {
		s = socket(AF_UNIX, types[i], 0);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "f%d", i);
		if (next() % 2)
			sa.sun_path[0] = '\0';
		bind(s, (struct sockaddr *)&sa, sizeof(sa));
		if (types[i] != SOCK_DGRAM)
			listen(s, (int)(next() % 3));
	}
}

static void
one_call(void)
{
	struct pollfd p = { (int)fd(), (short)next(), 0 };
	int flags = (int)next() & (MSG_PEEK | MSG_TRUNC | MSG_WAITALL |
				   MSG_NOSIGNAL | MSG_CMSG_CLOEXEC | MSG_OOB);

	if (next() % 4)
		flags |= MSG_DONTWAIT;
	switch (next() % 16) {
	case 0: syscall(SYS_bind, fd(), ptr(), len()); break;
	case 1: syscall(SYS_connect, fd(), ptr(), len()); break;
	case 2: syscall(SYS_listen, fd(), (int)next() % 8 - 2); break;
	case 3: syscall(SYS_accept4, fd(), ptr(), ptr(), next() % 2 ? 0 : next()); break;
	case 4: syscall(SYS_sendto, fd(), ptr(), len(), flags, ptr(), len()); break;
	case 5: syscall(SYS_recvfrom, fd(), ptr(), len(), flags, ptr(), ptr()); break;
	case 6: syscall(SYS_sendmsg, fd(), scratch + 256, flags); break;
	case 7: syscall(SYS_recvmsg, fd(), next() % 4 ? (uint64_t)(scratch + 256) : ptr(), flags); break;
	case 8: syscall(SYS_shutdown, fd(), next() % 4); break;
	case 9: syscall(SYS_getsockname, fd(), ptr(), ptr()); break;
	case 10: syscall(SYS_getpeername, fd(), ptr(), ptr()); break;
	case 11: syscall(SYS_setsockopt, fd(), next() % 3 ? 1 : next(), next() % 70, ptr(), len()); break;
	case 12: syscall(SYS_getsockopt, fd(), next() % 3 ? 1 : next(), next() % 70, ptr(), ptr()); break;
	case 13: syscall(next() % 2 ? SYS_read : SYS_write, fd(), ptr(), len()); break;
	case 14: poll(&p, 1, 0); break;
	default:
		if (next() % 4 == 0)
			close((int)fd());
		else
			socketpair(AF_UNIX, (int)(next() % 6) | SOCK_NONBLOCK, 0, (int *)ptr());
	}
}

static void
child(unsigned int seed, int calls)
{
	int i;

	rng = seed * 2654435761u + 7;
	alarm(1);
	setup_sockets();
	for (i = 0; i < calls; i++) {
		if (i % 8 == 0)
			shape_scratch();
		one_call();
	}
	_exit(0);
}

static int
inside_umk(void)
{
	struct utsname u;

	return uname(&u) == 0 && strstr(u.release, "-umk") != NULL;
}

int
main(int argc, char **argv)
{
	int children = argc > 1 ? atoi(argv[1]) : 100;
	int calls = argc > 2 ? atoi(argv[2]) : 300;
	int i, status, exited = 0, killed = 0;

	if (!inside_umk()) {
		fprintf(stderr, "sock_fuzz: refusing to run outside umk\n");
		return 0;
	}
	for (i = 0; i < children; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			child((unsigned int)i + 1, calls);
		if (waitpid(pid, &status, 0) != pid) {
			perror("waitpid");
			return 1;
		}
		if (WIFEXITED(status))
			exited++;
		else if (WIFSIGNALED(status))
			killed++;
	}
	printf("sock_fuzz: %d children: %d exited, %d killed by signals\n",
	       children, exited, killed);
	printf("the kernel survived\n");
	return 0;
}
