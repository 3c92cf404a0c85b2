/*
 * RLIMIT_NPROC: a non-root user whose processes reach the soft limit
 * cannot fork (EAGAIN); root is exempt; limits are inherited by fork;
 * raising the soft limit lets fork work again, raising the hard one needs
 * privilege.  Run as root (the harness does): the user part runs in a
 * child that drops to uid 65534.
 */
#include <sys/resource.h>

#include "guest.h"

static int
as_nobody(void)
{
	struct rlimit r;
	pid_t pid;
	int st;

	if (setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		err(1, "dropping to uid 65534");
	OK(getrlimit(RLIMIT_NPROC, &r));
	CHECK(r.rlim_cur == 1, "the limit of 1 was inherited");
	FAILS(fork(), EAGAIN, "uid 65534 at its limit cannot fork");
	r.rlim_cur = 1000;
	OK(setrlimit(RLIMIT_NPROC, &r));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(0);
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st), "with the soft limit raised to 1000 it can");
	r.rlim_max = r.rlim_max == RLIM_INFINITY ? RLIM_INFINITY : r.rlim_max + 1;
	if (r.rlim_max != RLIM_INFINITY)
		FAILS(setrlimit(RLIMIT_NPROC, &r), EPERM,
		      "raising the hard limit needs privilege");
	else
		CHECK(1, "raising the hard limit needs privilege: EPERM");
	r.rlim_cur = r.rlim_max = 0;
	OK(setrlimit(RLIMIT_NPROC, &r));
	r.rlim_max = 1;
	FAILS(setrlimit(RLIMIT_NPROC, &r), EPERM,
	      "once lowered, it cannot be raised again");
	return 0;
}

int
main(void)
{
	struct rlimit r, old;
	pid_t pid;
	int st;

	if (geteuid() != 0)
		errx(1, "run me as root");
	OK(getrlimit(RLIMIT_NPROC, &old));
	r = old;
	r.rlim_cur = 1;
	OK(setrlimit(RLIMIT_NPROC, &r));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(0);
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st), "root forks above RLIMIT_NPROC");
	st = run_child(as_nobody);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the uid 65534 part passed");
	r.rlim_cur = 11;
	r.rlim_max = 10;
	FAILS(setrlimit(RLIMIT_NPROC, &r), EINVAL,
	      "a soft limit above the hard one");
	OK(setrlimit(RLIMIT_NPROC, &old));
	return 0;
}
