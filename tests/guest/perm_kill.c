/*
 * Permission to send a signal: the sender's real or effective uid must
 * match the target's real or saved uid (not its effective one), unless the
 * sender is root; SIGCONT may go to any process of the same session.
 */
#include <grp.h>
#include <signal.h>

#include "guest.h"

static pid_t target;
static uid_t sender[3];

/* A process with uids r/e/s that ignores SIGUSR1 and waits to be killed. */
static pid_t
spawn_target(uid_t r, uid_t e, uid_t s)
{
	int p[2];
	pid_t pid;
	char c;

	OK(pipe(p));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		signal(SIGUSR1, SIG_IGN);
		if (setpgid(0, 0) < 0 || setgroups(0, NULL) < 0 ||
		    setresgid(r, e, s) < 0 || setresuid(r, e, s) < 0)
			err(1, "target setup");
		write(p[1], "r", 1);
		for (;;)
			pause();
	}
	OK(close(p[1]));
	CHECK(OK(read(p[0], &c, 1)) == 1, "target %u %u %u is ready", r, e, s);
	OK(close(p[0]));
	return pid;
}

static int
try_kill(void)
{
	int r0, r1;

	if (setgroups(0, NULL) < 0 || setresuid(sender[0], sender[1], sender[2]) < 0)
		err(1, "sender setup");
	r0 = kill(target, 0) == 0 ? 0 : errno;
	r1 = kill(target, SIGUSR1) == 0 ? 0 : errno;
	if (r0 != r1)
		errx(1, "kill with signal 0 and SIGUSR1 disagree");
	printf("  sender %u %u %u: %s\n", sender[0], sender[1], sender[2],
	       r0 ? strerrorname_np(r0) : "allowed");
	if (kill(-target, SIGUSR1) == 0 ? r0 != 0 : errno != r0)
		errx(1, "killing the target's process group disagrees");
	if (kill(target, SIGCONT) < 0)
		err(1, "SIGCONT within the session");
	return 0;
}

static void
from(uid_t r, uid_t e, uid_t s)
{
	int st;

	sender[0] = r;
	sender[1] = e;
	sender[2] = s;
	st = run_child(try_kill);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "  %s", wstatus_str(st));
}

static void
reap(void)
{
	int st;

	OK(kill(target, SIGKILL));
	OK(waitpid(target, &st, 0));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "target %s",
	      wstatus_str(st));
}

int
main(void)
{
	if (getuid() != 0 || geteuid() != 0) {
		printf("not root: nothing checked\n");
		return 0;
	}
	target = spawn_target(1000, 1000, 1000);
	from(0, 0, 0);
	from(1000, 1000, 1000);
	from(2000, 2000, 2000);
	from(5000, 1000, 5000);
	from(1000, 5000, 5000);
	from(5000, 5000, 1000);
	reap();
	target = spawn_target(1000, 2000, 3000);
	from(2000, 2000, 2000);
	from(3000, 3000, 3000);
	from(4000, 3000, 4000);
	from(1000, 4000, 4000);
	reap();
	return 0;
}
