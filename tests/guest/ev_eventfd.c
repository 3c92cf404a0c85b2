/*
 * eventfd: counter reads and writes, EFD_SEMAPHORE, EFD_NONBLOCK, the
 * overflow limit, poll, a blocked reader woken by a writer and by a
 * signal, and the errors (short buffers, bad pointers, bad flags).
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>

#include "guest.h"

static uint64_t
rd(int fd)
{
	uint64_t v;

	if (OK(read(fd, &v, sizeof(v))) != sizeof(v))
		errx(1, "short eventfd read");
	return v;
}

static void
wr(int fd, uint64_t v)
{
	if (OK(write(fd, &v, sizeof(v))) != sizeof(v))
		errx(1, "short eventfd write");
}

static short
revents(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	OK(poll(&p, 1, 0));
	return p.revents;
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
counter(void)
{
	int fd = OK(eventfd(5, 0));
	uint64_t v;
	char big[16];

	CHECK(rd(fd) == 5, "the first read returns the initial value 5");
	wr(fd, 3);
	wr(fd, 4);
	CHECK(rd(fd) == 7, "two writes add up: 7");
	wr(fd, 1);
	CHECK(OK(read(fd, big, sizeof(big))) == 8,
	      "a 16-byte read returns 8 bytes");
	FAILS(read(fd, &v, 4), EINVAL, "read with a 4-byte buffer");
	FAILS(write(fd, &v, 7), EINVAL, "write with a 7-byte buffer");
	v = UINT64_MAX;
	FAILS(write(fd, &v, 8), EINVAL, "writing 0xffffffffffffffff");
	FAILS(syscall(SYS_write, fd, (void *)1, 8), EFAULT, "write from a bad pointer");
	wr(fd, 0);
	CHECK(revents(fd, POLLIN | POLLOUT) == POLLOUT,
	      "a zero counter is writable, not readable");
	OK(close(fd));
}

static void
semaphore(void)
{
	int fd = OK(eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK));
	uint64_t v;

	CHECK(rd(fd) == 1 && rd(fd) == 1, "a semaphore read takes 1 at a time");
	FAILS(read(fd, &v, 8), EAGAIN, "non-blocking read of a zero semaphore");
	OK(close(fd));
}

static void
overflow(void)
{
	int fd = OK(eventfd(0, EFD_NONBLOCK));
	uint64_t v = 0xfffffffffffffffeULL;

	wr(fd, v);
	CHECK(revents(fd, POLLIN | POLLOUT) == POLLIN,
	      "at 0xfffffffffffffffe the counter is readable, not writable");
	v = 1;
	FAILS(write(fd, &v, 8), EAGAIN, "adding 1 more would overflow");
	CHECK(rd(fd) == 0xfffffffffffffffeULL, "the maximum reads back");
	OK(close(fd));
}

static void
flags(void)
{
	int fd = OK(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	struct stat st;

	CHECK(OK(fcntl(fd, F_GETFD)) == FD_CLOEXEC, "EFD_CLOEXEC sets FD_CLOEXEC");
	CHECK(strcmp(fd_link(fd), "anon_inode:[eventfd]") == 0,
	      "/proc/self/fd shows anon_inode:[eventfd]");
	CHECK(fstat(fd, &st) == 0 && st.st_mode == 0600 && st.st_nlink == 1,
	      "fstat: mode 0600 without a file type");
	CHECK((OK(fcntl(fd, F_GETFL)) & (O_ACCMODE | O_NONBLOCK)) ==
		      (O_RDWR | O_NONBLOCK),
	      "the file is O_RDWR | O_NONBLOCK");
	CHECK(OK(lseek(fd, 5, SEEK_SET)) == 0, "lseek on an eventfd moves nothing");
	OK(close(fd));
	FAILS(eventfd(0, 0x10), EINVAL, "eventfd with an unknown flag");
	FAILS(syscall(SYS_eventfd2, 0, O_RDONLY | 0100), EINVAL,
	      "eventfd2 with O_CREAT");
	fd = OK(syscall(SYS_eventfd, 9));
	CHECK(rd(fd) == 9, "the old eventfd syscall works too");
	OK(close(fd));
}

/* A reader blocks until another process writes. */
static void
blocking(void)
{
	int fd = OK(eventfd(0, 0)), st;
	pid_t pid;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		usleep(100000);
		wr(fd, 42);
		_exit(0);
	}
	CHECK(rd(fd) == 42, "a blocked read is woken by a writer in a child");
	OK(waitpid(pid, &st, 0));
	OK(close(fd));
}

static void
on_alarm(int sig)
{
	(void)sig;
}

/* A blocked read is interrupted by a signal; a lost value on EFAULT. */
static void
interrupted(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int fd = OK(eventfd(0, 0));
	uint64_t v;

	OK(sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	FAILS(read(fd, &v, 8), EINTR, "a blocked read interrupted by SIGALRM");
	wr(fd, 3);
	FAILS(syscall(SYS_read, fd, (void *)1, 8), EFAULT, "read into a bad pointer");
	OK(fcntl(fd, F_SETFL, O_NONBLOCK));
	FAILS(read(fd, &v, 8), EAGAIN,
	      "and the value is gone (it is taken before the copy)");
	OK(close(fd));
}

int
main(void)
{
	counter();
	semaphore();
	overflow();
	flags();
	blocking();
	interrupted();
	return 0;
}
