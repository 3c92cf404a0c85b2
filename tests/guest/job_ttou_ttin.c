/*
 * Job control on a pseudo-terminal: a session leader takes the slave as its
 * controlling terminal; a background process group reading it gets SIGTTIN
 * (EIO if it ignores or blocks SIGTTIN), writing it with TOSTOP or changing
 * its settings or foreground group gets SIGTTOU (allowed if it ignores or
 * blocks SIGTTOU; EINTR with a handler); a background group that is
 * orphaned gets EIO instead of a stop; TIOCGPGRP/TIOCSPGRP and their
 * errors.
 */
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "guest.h"

static int slave;

static void
on_sig(int sig)
{
}

static void
set_sig(int sig, void (*h)(int))
{
	struct sigaction sa = { .sa_handler = h };

	sigemptyset(&sa.sa_mask);
	OK(sigaction(sig, &sa, NULL));
}

static void
block(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	OK(sigprocmask(SIG_BLOCK, &set, NULL));
}

static int
do_write(void)
{
	return write(slave, "bg\n", 3) == 3 ? 0 : errno;
}

static int
do_read(void)
{
	char buf[16];

	return read(slave, buf, sizeof(buf)) > 0 ? 0 : errno;
}

static int
do_tcsetattr(void)
{
	struct termios t;

	OK(tcgetattr(slave, &t));
	return tcsetattr(slave, TCSANOW, &t) == 0 ? 0 : errno;
}

static int
do_tcsetpgrp(void)
{
	return tcsetpgrp(slave, getpgrp()) == 0 ? 0 : errno;
}

enum disposition { DFL, IGN, BLOCKED, HANDLED };

/*
 * Run op in a child, in a new process group (background) or in ours, with
 * sig's disposition set; print what happened to it.
 */
static void
job(const char *what, int (*op)(void), int sig, enum disposition d,
    bool own_group)
{
	pid_t pid;
	int st, r;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		if (own_group)
			setpgid(0, 0);
		set_sig(SIGTTIN, SIG_DFL);
		set_sig(SIGTTOU, SIG_DFL);
		if (d == IGN)
			set_sig(sig, SIG_IGN);
		else if (d == BLOCKED)
			block(sig);
		else if (d == HANDLED)
			set_sig(sig, on_sig);
		r = op();
		_exit(r);
	}
	if (own_group)
		setpgid(pid, pid);
	OK(waitpid(pid, &st, WUNTRACED));
	if (WIFSTOPPED(st)) {
		printf("%s: %s\n", what, wstatus_str(st));
		OK(kill(pid, SIGKILL));
		OK(waitpid(pid, &st, 0));
	} else if (WIFEXITED(st) && WEXITSTATUS(st)) {
		printf("%s: %s\n", what, strerrorname_np(WEXITSTATUS(st)));
	} else {
		printf("%s: %s\n", what, WIFEXITED(st) ? "done" : wstatus_str(st));
	}
}

static void
set_tostop(bool on)
{
	struct termios t;

	OK(tcgetattr(slave, &t));
	if (on)
		t.c_lflag |= TOSTOP;
	else
		t.c_lflag &= ~TOSTOP;
	OK(tcsetattr(slave, TCSANOW, &t));
}

static void
background_jobs(void)
{
	job("background write without TOSTOP", do_write, SIGTTOU, DFL, true);
	set_tostop(true);
	job("background write with TOSTOP", do_write, SIGTTOU, DFL, true);
	job("the same, SIGTTOU ignored", do_write, SIGTTOU, IGN, true);
	job("the same, SIGTTOU blocked", do_write, SIGTTOU, BLOCKED, true);
	job("the same, SIGTTOU handled", do_write, SIGTTOU, HANDLED, true);
	job("foreground write with TOSTOP", do_write, SIGTTOU, DFL, false);
	set_tostop(false);
	job("background read", do_read, SIGTTIN, DFL, true);
	job("background read, SIGTTIN ignored", do_read, SIGTTIN, IGN, true);
	job("background read, SIGTTIN blocked", do_read, SIGTTIN, BLOCKED,
	    true);
	job("background read, SIGTTIN handled", do_read, SIGTTIN, HANDLED,
	    true);
	job("background tcsetattr", do_tcsetattr, SIGTTOU, DFL, true);
	job("background tcsetattr, SIGTTOU ignored", do_tcsetattr, SIGTTOU,
	    IGN, true);
	job("background tcsetpgrp", do_tcsetpgrp, SIGTTOU, DFL, true);
	job("background tcsetpgrp, SIGTTOU blocked", do_tcsetpgrp, SIGTTOU,
	    BLOCKED, true);
	CHECK(tcgetpgrp(slave) != getpgrp(),
	      "that made the child's group the foreground");
	OK(tcsetpgrp(slave, getpgrp())); /* SIGTTOU is ignored here */
}

/*
 * Our own group is orphaned: our parent is in another session.  With
 * another group in the foreground, our group's jobs get EIO.
 */
static void
orphaned_jobs(void)
{
	pid_t fg;

	fflush(stdout);
	fg = OK(fork());
	if (fg == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(fg, fg);
	OK(tcsetpgrp(slave, fg));
	set_tostop(true);
	job("orphaned background read", do_read, SIGTTIN, DFL, false);
	job("orphaned background write with TOSTOP", do_write, SIGTTOU, DFL,
	    false);
	job("the same, SIGTTOU ignored", do_write, SIGTTOU, IGN, false);
	job("orphaned background tcsetattr", do_tcsetattr, SIGTTOU, DFL,
	    false);
	set_tostop(false);
	OK(tcsetpgrp(slave, getpgrp()));
	OK(kill(fg, SIGKILL));
	OK(waitpid(fg, NULL, 0));
}

static int
leader(const char *name)
{
	pid_t other;
	int st;

	CHECK(setsid() == getpid(), "setsid makes a new session");
	slave = OK(open(name, O_RDWR));
	CHECK(tcgetsid(slave) == getpid(),
	      "opening the slave made it the controlling terminal");
	CHECK(tcgetpgrp(slave) == getpgrp(), "our group is its foreground");
	set_sig(SIGTTOU, SIG_IGN);

	background_jobs();
	orphaned_jobs();

	FAILS(tcsetpgrp(slave, 0x7ffffff0), ESRCH, "tcsetpgrp to no group");
	FAILS(tcsetpgrp(slave, getpgid(getppid())), EPERM,
	      "tcsetpgrp to a group in another session");
	FAILS(tcsetpgrp(slave, -1), EINVAL, "tcsetpgrp to -1");
	fflush(stdout);
	other = OK(fork());
	if (other == 0) {
		setsid();
		_exit(tcgetpgrp(slave) == -1 && errno == ENOTTY ? 0 : 1);
	}
	OK(waitpid(other, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a process of another session: TIOCGPGRP fails with ENOTTY");
	return 0;
}

int
main(void)
{
	int m = OK(posix_openpt(O_RDWR | O_NOCTTY)), st;
	char name[64];
	pid_t pid;

	OK(grantpt(m));
	OK(unlockpt(m));
	snprintf(name, sizeof(name), "%s", ptsname(m));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(leader(name));
	OK(waitpid(pid, &st, 0));
	printf("the session leader: %s\n", wstatus_str(st));
	slave = OK(open(name, O_RDWR | O_NOCTTY));
	FAILS(tcgetpgrp(slave), ENOTTY,
	      "TIOCGPGRP on a terminal that is not ours");
	return 0;
}
