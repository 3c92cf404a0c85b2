/*
 * Sessions, process groups and the controlling terminal: setsid and its
 * EPERM, setpgid's rules (another session, a session leader, a child that
 * has exec'd, not a child), getsid/getpgid, /dev/tty with and without a
 * controlling terminal, TIOCSCTTY's rules, TIOCNOTTY, and what the
 * foreground group gets when the session leader lets go of the terminal
 * (TIOCNOTTY: SIGHUP and SIGCONT) or exits (SIGHUP), after which the
 * terminal is no one's.
 */
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>

#include "guest.h"

static int report[2];
static volatile sig_atomic_t got_hup, got_cont;

static void
on_hup(int sig)
{
	got_hup = 1;
}

static void
on_cont(int sig)
{
	got_cont = 1;
}

static void
catch_hup_cont(void)
{
	struct sigaction sa = { .sa_handler = on_hup };

	sigemptyset(&sa.sa_mask);
	OK(sigaction(SIGHUP, &sa, NULL));
	sa.sa_handler = on_cont;
	OK(sigaction(SIGCONT, &sa, NULL));
}

/* Open a new pty pair; the slave's name in name. */
static int
new_pty(char *name, size_t len)
{
	int m = OK(posix_openpt(O_RDWR | O_NOCTTY));

	OK(grantpt(m));
	OK(unlockpt(m));
	snprintf(name, len, "%s", ptsname(m));
	return m;
}

static void
basics(const char *argv0)
{
	pid_t pid;
	int st;

	FAILS(setpgid(0, -1), EINVAL, "setpgid to a negative group");
	FAILS(setpgid(getppid(), 0), ESRCH, "setpgid of our parent");
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		OK(setpgid(0, 0));
		FAILS(setsid(), EPERM, "setsid by a group leader");
		_exit(0);
	}
	OK(waitpid(pid, &st, 0));
	pid = OK(fork());
	if (pid == 0) {
		CHECK(setsid() == getpid() && getsid(0) == getpid() &&
			      getpgid(0) == getpid(),
		      "setsid: session and group are the pid");
		FAILS(open("/dev/tty", O_RDWR), ENXIO,
		      "/dev/tty without a controlling terminal");
		FAILS(setpgid(0, getpgid(getppid())), EPERM,
		      "setpgid into a group of another session");
		_exit(0);
	}
	OK(waitpid(pid, &st, 0));
	/* A child that has exec'd: its parent may no longer move it. */
	OK(pipe2(report, O_CLOEXEC));
	pid = OK(fork());
	if (pid == 0) {
		close(report[0]);
		execl(argv0, argv0, "sleeper", (char *)NULL);
		_exit(1);
	}
	close(report[1]);
	CHECK(read(report[0], &st, 1) == 0, "the child exec'd");
	CHECK(getsid(pid) == getsid(0), "getsid of a child: ours");
	FAILS(setpgid(pid, pid), EACCES, "setpgid of a child that has exec'd");
	OK(kill(pid, SIGKILL));
	OK(waitpid(pid, &st, 0));
	close(report[0]);
}

/* The foreground child: says what it got, and whether /dev/tty opens. */
static void
fg_child(int fd)
{
	char line[64];
	int tty;

	catch_hup_cont();
	OK(setpgid(0, 0));
	signal(SIGTTOU, SIG_IGN); /* to take the foreground from the background */
	OK(tcsetpgrp(fd, getpid()));
	(void)!write(report[1], "R", 1);
	while (!got_hup)
		pause();
	usleep(300 * 1000); /* a SIGCONT sent with the SIGHUP arrives too */
	tty = open("/dev/tty", O_RDWR);
	snprintf(line, sizeof(line), "SIGHUP%s, /dev/tty %s",
		 got_cont ? " and SIGCONT" : "",
		 tty >= 0 ? "still opens" : strerrorname_np(errno));
	(void)!write(report[1], line, strlen(line));
	_exit(0);
}

/* A session leader with a foreground child; how it lets go: TIOCNOTTY or exit. */
static int
leader(const char *name, bool notty)
{
	char m2name[64];
	int fd, m2, other;
	pid_t pid;
	char c;

	OK(setsid());
	fd = OK(open(name, O_RDWR));
	m2 = new_pty(m2name, sizeof(m2name));
	CHECK(ioctl(fd, TIOCSCTTY, 0) == 0,
	      "TIOCSCTTY on the terminal we already have: 0");
	other = OK(open(m2name, O_RDWR | O_NOCTTY));
	FAILS(ioctl(other, TIOCSCTTY, 0), EPERM,
	      "TIOCSCTTY on a second terminal");
	pid = OK(fork());
	if (pid == 0) {
		FAILS(ioctl(other, TIOCSCTTY, 0), EPERM,
		      "TIOCSCTTY by a process that is not a session leader");
		fg_child(fd);
	}
	if (read(report[0], &c, 1) != 1)
		errx(1, "the foreground child did not start");
	CHECK(tcgetpgrp(fd) == pid, "the child's group is in the foreground");
	close(other);
	close(m2);
	if (notty) {
		signal(SIGHUP, SIG_IGN);
		OK(ioctl(fd, TIOCNOTTY));
		FAILS(open("/dev/tty", O_RDWR), ENXIO,
		      "after TIOCNOTTY the leader has no /dev/tty");
		OK(waitpid(pid, NULL, 0));
	}
	return 0;
}

static void
let_go(const char *what, bool notty)
{
	char name[64], line[128];
	int m = new_pty(name, sizeof(name)), st;
	ssize_t n;
	pid_t pid;

	OK(pipe(report));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(leader(name, notty));
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: the leader is done",
	      what);
	close(report[1]);
	n = read(report[0], line, sizeof(line) - 1);
	if (n > 0 && line[0] == 'R')
		memmove(line, line + 1, (size_t)n--);
	line[n > 0 ? n : 0] = '\0';
	if (n == 0)
		n = read(report[0], line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	printf("%s: the foreground child got %s\n", what, line);
	close(report[0]);
	close(m);
}

int
main(int argc, char **argv)
{
	if (argc > 1) {
		for (;;)
			pause();
	}
	basics(argv[0]);
	let_go("TIOCNOTTY", true);
	let_go("the leader exits", false);
	return 0;
}
