/* getpriority and setpriority: nice values, inheritance, permission. */
#include <sys/resource.h>
#include <sys/wait.h>

#include "guest.h"

int
main(void)
{
	int status;
	pid_t pid;

	errno = 0;
	CHECK(getpriority(PRIO_PROCESS, 0) == 0 && errno == 0,
	      "a new process has nice 0");
	OK(setpriority(PRIO_PROCESS, 0, 5));
	CHECK(getpriority(PRIO_PROCESS, 0) == 5, "nice 5 reads back");
	pid = OK(fork());
	if (pid == 0)
		_exit(getpriority(PRIO_PROCESS, 0) == 5 ? 0 : 1);
	OK(waitpid(pid, &status, 0));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a child inherits it");
	OK(setpriority(PRIO_PROCESS, 0, 100));
	CHECK(getpriority(PRIO_PROCESS, 0) == 19, "nice is capped at 19");
	FAILS(setpriority(PRIO_PROCESS, 999999, 1), ESRCH, "no such process");
	FAILS(setpriority(42, 0, 1), EINVAL, "a bad 'which'");
	OK(setpriority(PRIO_PROCESS, 0, 0));
	return 0;
}
