/* SIG_IGN: ignored signals are discarded; SIGKILL cannot be ignored. */
#include <signal.h>

#include "guest.h"

static int
ignore_then_kill(void)
{
	signal(SIGTERM, SIG_IGN);
	kill(getpid(), SIGTERM);
	kill(getpid(), SIGKILL);
	return 100;
}

int
main(void)
{
	sigset_t pend;
	int st;

	CHECK(signal(SIGUSR1, SIG_IGN) == SIG_DFL, "SIGUSR1 started as SIG_DFL");
	OK(kill(getpid(), SIGUSR1));
	CHECK(1, "an ignored SIGUSR1 did not kill us");
	OK(sigpending(&pend));
	CHECK(!sigismember(&pend, SIGUSR1), "and is not left pending");
	CHECK(signal(SIGUSR1, SIG_DFL) == SIG_IGN, "signal returns the old SIG_IGN");
	FAILS(signal(SIGKILL, SIG_IGN) == SIG_ERR ? -1 : 0, EINVAL,
	      "SIG_IGN for SIGKILL");
	st = run_child(ignore_then_kill);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	      "SIGTERM ignored, SIGKILL still kills: %s", wstatus_str(st));
	return 0;
}
