/*
 * pidfds: pidfd_open, poll and epoll readiness when the process exits
 * and after it is reaped, waitid(P_PIDFD) (also non-blocking),
 * pidfd_send_signal with and without a siginfo, clone(CLONE_PIDFD), and
 * the errors.
 */
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

#include "guest.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif

static int
pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

static int
send_sig(int fd, int sig, siginfo_t *info, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
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

static short
revents(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	OK(poll(&p, 1, 0));
	return p.revents;
}

/* A child that waits for a byte on fd, then exits with the byte's value. */
static pid_t
spawn(int *wr)
{
	int p[2];
	pid_t pid;
	char c = 0;

	OK(pipe(p));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(99);
		_exit(c);
	}
	close(p[0]);
	*wr = p[1];
	return pid;
}

static void
exit_and_reap(void)
{
	int wr, fd, ep = OK(epoll_create1(0));
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 1 };
	pid_t pid = spawn(&wr);
	siginfo_t si;

	fd = OK(pidfd_open(pid, 0));
	CHECK(OK(fcntl(fd, F_GETFD)) == FD_CLOEXEC, "a pidfd is close-on-exec");
	CHECK(strcmp(fd_link(fd), "anon_inode:[pidfd]") == 0,
	      "/proc/self/fd shows anon_inode:[pidfd]");
	CHECK(revents(fd) == 0, "a running child's pidfd is not readable");
	OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	CHECK(OK(epoll_wait(ep, &ev, 1, 0)) == 0, "nor ready in epoll");
	OK(write(wr, "\7", 1));
	CHECK(OK(epoll_wait(ep, &ev, 1, 5000)) == 1 && ev.events == EPOLLIN,
	      "the child's exit wakes an epoll wait: EPOLLIN");
	CHECK(revents(fd) == POLLIN, "poll: POLLIN once it is a zombie");
	OK(send_sig(fd, 0, NULL, 0));
	CHECK(1, "signal 0 to a zombie succeeds");
	memset(&si, 0, sizeof(si));
	OK(waitid(P_PIDFD, fd, &si, WEXITED | WNOWAIT));
	CHECK(si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 7,
	      "waitid(P_PIDFD, WNOWAIT) sees exit status 7");
	OK(waitid(P_PIDFD, fd, &si, WEXITED));
	CHECK(si.si_pid == pid, "waitid(P_PIDFD) reaps it");
	CHECK(revents(fd) == (POLLIN | POLLHUP), "reaped: POLLIN | POLLHUP");
	FAILS(waitid(P_PIDFD, fd, &si, WEXITED), ECHILD, "waitid again");
	FAILS(send_sig(fd, SIGTERM, NULL, 0), ESRCH,
	      "pidfd_send_signal to a reaped process");
	OK(close(wr));
	OK(close(fd));
	OK(close(ep));
}

static void
signals(void)
{
	int wr, fd, st;
	pid_t pid = spawn(&wr);
	siginfo_t si;

	fd = OK(pidfd_open(pid, 0));
	OK(send_sig(fd, SIGTERM, NULL, 0));
	OK(waitpid(pid, &st, 0));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	      "pidfd_send_signal(SIGTERM) kills the child");
	OK(close(fd));
	OK(close(wr));

	pid = spawn(&wr);
	fd = OK(pidfd_open(pid, 0));
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGTERM;
	si.si_code = SI_QUEUE;
	FAILS(send_sig(fd, SIGKILL, &si, 0), EINVAL,
	      "a siginfo whose si_signo differs from the signal");
	si.si_code = SI_USER;
	FAILS(send_sig(fd, SIGTERM, &si, 0), EPERM,
	      "a forged SI_USER siginfo to another process");
	FAILS(send_sig(fd, SIGTERM, (siginfo_t *)1, 0), EFAULT,
	      "a bad siginfo pointer");
	FAILS(send_sig(fd, SIGTERM, NULL, 8), EINVAL, "an unknown flag");
	FAILS(send_sig(fd, SIGTERM, NULL, 3), EINVAL, "two scope flags");
	FAILS(send_sig(fd, 65, NULL, 0), EINVAL, "signal 65");
	si.si_code = SI_QUEUE;
	OK(send_sig(fd, SIGTERM, &si, 0));
	OK(waitpid(pid, &st, 0));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	      "an SI_QUEUE siginfo is allowed and kills");
	OK(close(fd));
	OK(close(wr));
}

/* To oneself, any code goes; a signalfd shows what arrived. */
static void
to_self(void)
{
	int fd = OK(pidfd_open(getpid(), 0)), sfd;
	struct signalfd_siginfo ssi;
	siginfo_t si;
	sigset_t m;

	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	OK(sigprocmask(SIG_BLOCK, &m, NULL));
	sfd = OK(signalfd(-1, &m, 0));
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = SI_USER;
	si.si_value.sival_int = 1234;
	OK(send_sig(fd, SIGUSR1, &si, 0));
	CHECK(OK(read(sfd, &ssi, sizeof(ssi))) == sizeof(ssi) &&
		      ssi.ssi_signo == SIGUSR1 && ssi.ssi_code == SI_USER,
	      "a forged SI_USER siginfo to oneself is delivered as given");
	OK(send_sig(fd, SIGUSR1, NULL, 0));
	CHECK(OK(read(sfd, &ssi, sizeof(ssi))) == sizeof(ssi) &&
		      ssi.ssi_code == SI_USER &&
		      ssi.ssi_pid == (uint32_t)getpid(),
	      "without a siginfo: SI_USER from our pid");
	FAILS(waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG), ECHILD,
	      "waitid(P_PIDFD) on oneself: not a child");
	OK(close(sfd));
	OK(close(fd));
}

static void
nonblocking(void)
{
	int wr, fd;
	pid_t pid = spawn(&wr);
	siginfo_t si;

	fd = OK(pidfd_open(pid, PIDFD_NONBLOCK));
	CHECK(OK(fcntl(fd, F_GETFL)) & O_NONBLOCK, "PIDFD_NONBLOCK sets O_NONBLOCK");
	FAILS(waitid(P_PIDFD, fd, &si, WEXITED), EAGAIN,
	      "waitid on a running child through a non-blocking pidfd");
	memset(&si, 0, sizeof(si));
	OK(waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG));
	CHECK(si.si_pid == 0, "with WNOHANG: 0 and no child");
	OK(write(wr, "\1", 1));
	OK(close(wr));
	while (revents(fd) == 0)
		usleep(10000);
	OK(waitid(P_PIDFD, fd, &si, WEXITED));
	CHECK(si.si_pid == pid && si.si_status == 1, "once it exits: reaped");
	OK(close(fd));
}

/* clone(CLONE_PIDFD) hands back a pidfd for the new child. */
static void
clone_pidfd(void)
{
	int fd = -1, st;
	siginfo_t si;
	long pid;

	fflush(stdout);
	pid = OK(syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &fd, 0, 0));
	if (pid == 0)
		_exit(6);
	CHECK(fd >= 0 && (OK(fcntl(fd, F_GETFD)) & FD_CLOEXEC),
	      "clone(CLONE_PIDFD) stores a close-on-exec pidfd");
	memset(&si, 0, sizeof(si));
	OK(waitid(P_PIDFD, fd, &si, WEXITED));
	CHECK(si.si_pid == pid && si.si_status == 6,
	      "that names the child: waitid(P_PIDFD) reaps it");
	OK(close(fd));
	FAILS(syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0,
		      &fd, 0, 0),
	      EINVAL, "clone with CLONE_PIDFD and CLONE_PARENT_SETTID");
	FAILS(syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, (void *)1, 0, 0),
	      EFAULT, "clone(CLONE_PIDFD) with a bad pointer");
	FAILS(wait(&st), ECHILD, "and no child was made");
}

static void
errors(void)
{
	int efd = OK(eventfd(0, 0)), fd = OK(pidfd_open(getpid(), 0));
	siginfo_t si;
	char c;

	FAILS(pidfd_open(getpid(), 1), EINVAL, "pidfd_open with an unknown flag");
	FAILS(pidfd_open(0, 0), EINVAL, "pidfd_open(0)");
	FAILS(pidfd_open(-1, 0), EINVAL, "pidfd_open(-1)");
	FAILS(pidfd_open(INT_MAX, 0), ESRCH, "pidfd_open of no process");
	FAILS(send_sig(efd, SIGTERM, NULL, 0), EBADF,
	      "pidfd_send_signal on an eventfd");
	FAILS(send_sig(1000, SIGTERM, NULL, 0), EBADF,
	      "pidfd_send_signal on a closed fd");
	FAILS(waitid(P_PIDFD, efd, &si, WEXITED), EBADF,
	      "waitid(P_PIDFD) on an eventfd");
	FAILS(waitid(P_PIDFD, -1, &si, WEXITED), EINVAL, "waitid(P_PIDFD, -1)");
	FAILS(read(fd, &c, 1), EINVAL, "read on a pidfd");
	FAILS(lseek(fd, 0, SEEK_SET), ESPIPE, "lseek on a pidfd");
	OK(close(efd));
	OK(close(fd));
}

int
main(void)
{
	exit_and_reap();
	signals();
	to_self();
	nonblocking();
	clone_pidfd();
	errors();
	return 0;
}
