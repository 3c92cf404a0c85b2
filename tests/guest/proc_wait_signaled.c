/* Children killed by signals: WIFSIGNALED and WTERMSIG for several signals. */
#include <signal.h>

#include "guest.h"

static int
self_kill(void)
{
	kill(getpid(), SIGKILL);
	return 100;
}

static int
self_term(void)
{
	raise(SIGTERM);
	return 100;
}

static int
self_abort(void)
{
	abort();
}

static int
segv(void)
{
	volatile int *p = NULL;

	*p = 1;
	return 100;
}

int
main(void)
{
	int st;

	st = run_child(self_kill);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "kill(self, SIGKILL): %s",
	      wstatus_str(st));
	st = run_child(self_term);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "raise(SIGTERM): %s",
	      wstatus_str(st));
	st = run_child(self_abort);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "abort(): %s",
	      wstatus_str(st));
	st = run_child(segv);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "NULL store: %s",
	      wstatus_str(st));
	CHECK(!WIFEXITED(st), "a signalled child did not exit normally");
	return 0;
}
