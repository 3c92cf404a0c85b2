/* Default actions: a parent's kill terminates a child; SIGCHLD is ignored. */
#include <signal.h>

#include "guest.h"

int
main(void)
{
	int p[2], st;
	pid_t pid;
	char c;

	OK(pipe(p));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		close(p[0]);
		write(p[1], "r", 1);
		for (;;)
			pause();
	}
	close(p[1]);
	OK(read(p[0], &c, 1));
	OK(kill(pid, SIGTERM));
	OK(waitpid(pid, &st, 0));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	      "SIGTERM from the parent: %s", wstatus_str(st));

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		kill(getpid(), SIGCHLD);
		kill(getpid(), SIGURG);
		kill(getpid(), SIGWINCH);
		_exit(5);
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5,
	      "SIGCHLD, SIGURG, SIGWINCH are ignored by default: %s", wstatus_str(st));

	FAILS(kill(pid, SIGTERM), ESRCH, "kill of a reaped child");
	return 0;
}
