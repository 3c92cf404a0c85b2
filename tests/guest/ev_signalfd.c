/*
 * signalfd: reading blocked signals as struct signalfd_siginfo (kill,
 * tgkill, real-time queueing, SIGCHLD), mask updates on an existing fd,
 * poll readiness, a blocked read woken by another process, the reader's
 * view after fork, and the errors.
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

#include "guest.h"

static sigset_t
set_of(int a, int b)
{
	sigset_t s;

	sigemptyset(&s);
	if (a)
		sigaddset(&s, a);
	if (b)
		sigaddset(&s, b);
	return s;
}

static short
readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	OK(poll(&p, 1, 0));
	return p.revents;
}

static struct signalfd_siginfo
one(int fd)
{
	struct signalfd_siginfo si;

	if (OK(read(fd, &si, sizeof(si))) != sizeof(si))
		errx(1, "short signalfd read");
	return si;
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
basics(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	int fd = OK(signalfd(-1, &m, SFD_NONBLOCK | SFD_CLOEXEC));
	struct signalfd_siginfo si;

	CHECK(OK(fcntl(fd, F_GETFD)) == FD_CLOEXEC, "SFD_CLOEXEC sets FD_CLOEXEC");
	CHECK(strcmp(fd_link(fd), "anon_inode:[signalfd]") == 0,
	      "/proc/self/fd shows anon_inode:[signalfd]");
	FAILS(read(fd, &si, sizeof(si)), EAGAIN, "read with nothing pending");
	CHECK(readable(fd) == 0, "and poll shows nothing");
	OK(kill(getpid(), SIGUSR1));
	CHECK(readable(fd) == POLLIN, "a pending SIGUSR1 makes it readable");
	si = one(fd);
	CHECK(si.ssi_signo == SIGUSR1 && si.ssi_code == SI_USER,
	      "read returns SIGUSR1 from kill (SI_USER)");
	CHECK(si.ssi_pid == (uint32_t)getpid() && si.ssi_uid == getuid(),
	      "with the sender's pid and uid");
	CHECK(readable(fd) == 0, "and consumes it");

	OK(kill(getpid(), SIGUSR2));
	CHECK(readable(fd) == 0, "SIGUSR2 is not in the mask");
	m = set_of(SIGUSR2, 0);
	CHECK(OK(signalfd(fd, &m, 0)) == fd, "updating the mask returns the fd");
	CHECK(readable(fd) == POLLIN, "now the pending SIGUSR2 is readable");
	CHECK(one(fd).ssi_signo == SIGUSR2, "and read");

	OK(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2));
	si = one(fd);
	CHECK(si.ssi_signo == SIGUSR2 && si.ssi_code == SI_TKILL,
	      "a tgkill reads as SI_TKILL");
	OK(close(fd));
}

static void
realtime(void)
{
	sigset_t m = set_of(SIGRTMIN, SIGUSR1);
	int fd = OK(signalfd(-1, &m, SFD_NONBLOCK));
	struct signalfd_siginfo si[4];

	OK(kill(getpid(), SIGRTMIN));
	OK(kill(getpid(), SIGRTMIN));
	OK(kill(getpid(), SIGUSR1));
	OK(kill(getpid(), SIGUSR1));
	CHECK(OK(read(fd, si, sizeof(si))) == 3 * sizeof(si[0]),
	      "one read returns three: real-time signals queue, SIGUSR1 not");
	CHECK(si[0].ssi_signo == SIGUSR1 && si[1].ssi_signo == (uint32_t)SIGRTMIN &&
		      si[2].ssi_signo == (uint32_t)SIGRTMIN,
	      "lowest signal number first");
	OK(close(fd));
}

static void
child_exit(void)
{
	sigset_t m = set_of(SIGCHLD, 0);
	int fd = OK(signalfd(-1, &m, 0)), st;
	struct signalfd_siginfo si;
	pid_t pid;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(3);
	si = one(fd);
	CHECK(si.ssi_signo == SIGCHLD && si.ssi_code == CLD_EXITED &&
		      si.ssi_status == 3,
	      "SIGCHLD reads with CLD_EXITED and status 3");
	CHECK(si.ssi_pid == (uint32_t)pid, "and the child's pid");
	OK(waitpid(pid, &st, 0));
	OK(close(fd));
}

/* A blocked read is woken when another process signals us. */
static void
blocking(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	int fd = OK(signalfd(-1, &m, 0)), st;
	pid_t pid, parent = getpid();

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		usleep(100000);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	CHECK(one(fd).ssi_signo == SIGUSR1,
	      "a blocked read is woken by a signal from a child");
	OK(waitpid(pid, &st, 0));

	/* After fork the child reads its own signals, not ours. */
	OK(kill(getpid(), SIGUSR1));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		struct signalfd_siginfo si;

		if (readable(fd) != 0)
			_exit(1);
		kill(getpid(), SIGUSR1);
		si = one(fd);
		_exit(si.ssi_pid == (uint32_t)getpid() ? 0 : 2);
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a child reading the inherited fd sees only its own signals");
	CHECK(one(fd).ssi_pid == (uint32_t)getpid(), "ours stayed pending");
	OK(close(fd));
}

static void
errors(void)
{
	sigset_t m = set_of(SIGUSR1, 0);
	int fd = OK(signalfd(-1, &m, SFD_NONBLOCK));
	int efd = OK(eventfd(0, 0));
	char small[64];

	FAILS(syscall(SYS_signalfd4, -1, &m, 4, 0), EINVAL,
	      "signalfd4 with a 4-byte mask size");
	FAILS(syscall(SYS_signalfd4, -1, (void *)1, 8, 0), EFAULT,
	      "signalfd4 with a bad mask pointer");
	FAILS(syscall(SYS_signalfd4, -1, &m, 8, 1), EINVAL,
	      "signalfd4 with an unknown flag");
	FAILS(signalfd(efd, &m, 0), EINVAL, "signalfd on an eventfd");
	FAILS(signalfd(1000, &m, 0), EBADF, "signalfd on a closed fd");
	FAILS(read(fd, small, sizeof(small)), EINVAL,
	      "read with a 64-byte buffer");
	OK(kill(getpid(), SIGUSR1));
	FAILS(syscall(SYS_read, fd, (void *)1, 128), EFAULT,
	      "read into a bad pointer");
	CHECK(readable(fd) == 0, "the signal read into a bad pointer is gone");
	CHECK(OK(lseek(fd, 9, SEEK_SET)) == 0, "lseek on a signalfd stays at 0");
	OK(close(efd));
	OK(close(fd));
}

int
main(void)
{
	sigset_t all = set_of(SIGUSR1, SIGUSR2);

	sigaddset(&all, SIGRTMIN);
	sigaddset(&all, SIGCHLD);
	OK(sigprocmask(SIG_BLOCK, &all, NULL));
	basics();
	realtime();
	child_exit();
	blocking();
	errors();
	return 0;
}
