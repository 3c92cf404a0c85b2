/*
 * sigprocmask: a blocked signal stays pending, is delivered on unblock,
 * and a standard signal sent twice while blocked is delivered once.
 */
#include <signal.h>

#include "guest.h"

static volatile sig_atomic_t hits;

static void
handler(int sig)
{
	(void)sig;
	hits++;
}

int
main(void)
{
	sigset_t set, old, pend;

	signal(SIGUSR1, handler);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	OK(sigprocmask(SIG_BLOCK, &set, &old));
	CHECK(!sigismember(&old, SIGUSR1), "SIGUSR1 was not blocked before");
	OK(kill(getpid(), SIGUSR1));
	OK(kill(getpid(), SIGUSR1));
	CHECK(hits == 0, "the blocked signal was not delivered");
	OK(sigpending(&pend));
	CHECK(sigismember(&pend, SIGUSR1), "sigpending shows SIGUSR1");
	OK(sigprocmask(SIG_SETMASK, &old, NULL));
	CHECK(hits == 1, "unblocking delivered it exactly once");
	OK(sigpending(&pend));
	CHECK(!sigismember(&pend, SIGUSR1), "nothing is pending after delivery");

	sigemptyset(&set);
	sigaddset(&set, SIGKILL);
	sigaddset(&set, SIGSTOP);
	OK(sigprocmask(SIG_BLOCK, &set, NULL));
	OK(sigprocmask(SIG_BLOCK, NULL, &old));
	CHECK(!sigismember(&old, SIGKILL) && !sigismember(&old, SIGSTOP),
	      "SIGKILL and SIGSTOP cannot be blocked");
	FAILS(sigprocmask(42, &set, NULL), EINVAL, "sigprocmask with a bad how");
	return 0;
}
