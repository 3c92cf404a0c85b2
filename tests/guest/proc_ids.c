/*
 * Process ids as the guest sees them: fork's return is the child's getpid,
 * the child's getppid is the parent, a single-threaded process's tid is its
 * pid, and a new process group and session are named after their leader.
 */
#include "guest.h"

int
main(void)
{
	pid_t self = getpid(), child, got;
	int p[2], st;
	pid_t ids[4];

	CHECK(self > 0, "getpid is positive");
	CHECK(syscall(SYS_gettid) == self, "gettid equals getpid with one thread");
	CHECK(getppid() > 0 && getppid() != self, "getppid is another process");
	OK(pipe(p));
	fflush(stdout);
	child = OK(fork());
	if (child == 0) {
		ids[0] = getpid();
		ids[1] = getppid();
		ids[2] = setsid();
		ids[3] = getpgrp();
		write(p[1], ids, sizeof(ids));
		_exit(0);
	}
	CHECK(OK(read(p[0], ids, sizeof(ids))) == sizeof(ids), "the child reported");
	got = OK(waitpid(child, &st, 0));
	CHECK(ids[0] == child, "fork returned the child's getpid");
	CHECK(ids[1] == self, "the child's getppid is the parent");
	CHECK(ids[2] == child, "setsid returned the child's pid");
	CHECK(ids[3] == child, "the new process group is the child's pid");
	CHECK(got == child, "waitpid returned the same pid");
	FAILS(setpgid(-1, 0), EINVAL, "setpgid with a negative pid");
	FAILS(kill(child, 0), ESRCH, "the reaped child is gone");
	return 0;
}
