/*
 * Pseudo-terminals: posix_openpt, grantpt, unlockpt, ptsname; canonical
 * input from the master, ONLCR output to it, echo, the window size, the
 * lock, and what each side sees when the other one closes.
 */
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>

#include "guest.h"

/* Read exactly len bytes from fd (blocking reads): the bytes, in buf. */
static void
read_full(int fd, char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, buf + done, len - done);
		if (n <= 0)
			err(1, "read %zu bytes: got %zd", len, n);
		done += (size_t)n;
	}
	buf[done] = '\0';
}

static int
readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return OK(poll(&p, 1, 0)) == 1 && (p.revents & POLLIN);
}

/* A new unlocked pair: the master, and the slave's fd in *slave. */
static int
open_pair(int *slave)
{
	int m = OK(posix_openpt(O_RDWR | O_NOCTTY));

	OK(grantpt(m));
	OK(unlockpt(m));
	*slave = OK(open(ptsname(m), O_RDWR | O_NOCTTY));
	return m;
}

static void
check_names(int m)
{
	const char *name = ptsname(m);
	struct stat st;
	unsigned int n;
	char want[32];

	CHECK(name != NULL && strncmp(name, "/dev/pts/", 9) == 0,
	      "ptsname is under /dev/pts");
	OK(ioctl(m, TIOCGPTN, &n));
	snprintf(want, sizeof(want), "/dev/pts/%u", n);
	CHECK(strcmp(name, want) == 0, "TIOCGPTN gives the same number");
	OK(stat(name, &st));
	CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == 136 + n / 256 &&
		      minor(st.st_rdev) == n % 256,
	      "the slave is character device 136,N");
	CHECK(st.st_uid == getuid(), "the slave belongs to the caller");
	/* 0620 with devpts's mode=620 (Debian), 0600 by default. */
	CHECK((st.st_mode & 0757) == 0600,
	      "the slave is for its owner, at most group-writable");
}

static void
check_lock(void)
{
	int m = OK(posix_openpt(O_RDWR | O_NOCTTY)), lock = 0;
	char name[64];

	snprintf(name, sizeof(name), "%s", ptsname(m));
	OK(ioctl(m, TIOCGPTLCK, &lock));
	CHECK(lock == 1, "a new pty is locked");
	FAILS(open(name, O_RDWR | O_NOCTTY), EIO, "opening a locked slave");
	OK(unlockpt(m));
	OK(ioctl(m, TIOCGPTLCK, &lock));
	CHECK(lock == 0, "unlockpt unlocks it");
	OK(close(m));
}

static void
check_io(int m, int s)
{
	struct termios t;
	char buf[64];

	CHECK(isatty(m) && isatty(s), "both sides are terminals");
	OK(write(m, "hi\n", 3));
	read_full(s, buf, 3);
	CHECK(strcmp(buf, "hi\n") == 0, "a line written on the master reads "
					"on the slave");
	read_full(m, buf, 4);
	CHECK(strcmp(buf, "hi\r\n") == 0, "the slave echoes it, with ONLCR");
	OK(tcgetattr(s, &t));
	t.c_lflag &= ~(tcflag_t)ECHO;
	OK(tcsetattr(s, TCSANOW, &t));
	OK(write(m, "abc", 3));
	usleep(20000);
	CHECK(!readable(s), "a partial line is not readable in canonical mode");
	OK(write(m, "\n", 1));
	read_full(s, buf, 4);
	CHECK(strcmp(buf, "abc\n") == 0, "it is once the newline comes");
	OK(write(s, "out\n", 4));
	read_full(m, buf, 5);
	CHECK(strcmp(buf, "out\r\n") == 0,
	      "slave output reads on the master with \\r\\n");
	OK(fcntl(m, F_SETFL, O_NONBLOCK));
	FAILS(read(m, buf, sizeof(buf)), EAGAIN,
	      "a nonblocking master read with nothing to read");
	OK(fcntl(m, F_SETFL, 0));
}

static void
check_winsize(int m, int s)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 101 }, got;

	OK(ioctl(m, TIOCSWINSZ, &ws));
	OK(ioctl(s, TIOCGWINSZ, &got));
	CHECK(got.ws_row == 33 && got.ws_col == 101,
	      "a window size set on the master shows on the slave");
}

static void
check_master_close(int m, int s)
{
	char c;
	ssize_t n;

	OK(close(m));
	n = read(s, &c, 1);
	CHECK(n == 0 || (n < 0 && errno == EIO),
	      "after the master closes, slave reads see end of file or EIO");
	FAILS(write(s, "x", 1), EIO, "slave write after the master closed");
	OK(close(s));
}

static void
check_slave_close(void)
{
	struct pollfd p;
	char buf[16];
	int m, s;

	m = open_pair(&s);
	OK(write(s, "bye\n", 4));
	OK(close(s));
	p = (struct pollfd){ .fd = m, .events = POLLIN };
	CHECK(OK(poll(&p, 1, 1000)) == 1 && (p.revents & POLLHUP),
	      "the master polls POLLHUP once the slave is closed");
	read_full(m, buf, 5);
	CHECK(strcmp(buf, "bye\r\n") == 0,
	      "what the slave wrote before closing is still read");
	FAILS(read(m, buf, sizeof(buf)), EIO,
	      "then master reads fail with EIO");
	OK(close(m));
}

int
main(void)
{
	int m, s;

	m = open_pair(&s);
	check_names(m);
	check_lock();
	check_io(m, s);
	check_winsize(m, s);
	check_master_close(m, s);
	check_slave_close();
	return 0;
}
