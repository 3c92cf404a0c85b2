/* fork + wait4/waitpid: exit statuses, WNOHANG, ECHILD, the reaped pid. */
#include <signal.h>
#include <sys/resource.h>

#include "guest.h"

int
main(void)
{
	struct rusage ru;
	pid_t pid, a, b;
	int st, seen;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(7);
	CHECK(pid > 0, "fork returned a positive pid to the parent");
	CHECK(OK(wait4(pid, &st, 0, &ru)) == pid, "wait4 returned the child's pid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "the child %s", wstatus_str(st));
	FAILS(waitpid(-1, &st, 0), ECHILD, "waitpid with no children");
	FAILS(waitpid(-1, &st, WNOHANG), ECHILD, "WNOHANG with no children");

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		pause();
		_exit(0);
	}
	CHECK(OK(waitpid(pid, &st, WNOHANG)) == 0, "WNOHANG on a running child returns 0");
	OK(kill(pid, SIGKILL));
	CHECK(OK(waitpid(pid, &st, 0)) == pid, "waitpid reaped the killed child");
	CHECK(WIFSIGNALED(st), "the child %s", wstatus_str(st));

	fflush(stdout);
	a = OK(fork());
	if (a == 0)
		_exit(1);
	b = OK(fork());
	if (b == 0)
		_exit(2);
	seen = 0;
	while ((pid = waitpid(-1, &st, 0)) > 0)
		seen |= pid == a && WEXITSTATUS(st) == 1 ? 1 :
			pid == b && WEXITSTATUS(st) == 2 ? 2 : 4;
	CHECK(seen == 3, "waitpid(-1) reaped both children with their statuses");
	CHECK(errno == ECHILD, "then ECHILD");
	FAILS(waitpid(a, &st, 0), ECHILD, "waitpid of an already reaped child");
	FAILS(waitpid(-1, &st, 0x10000), EINVAL, "waitpid with bad options");
	return 0;
}
