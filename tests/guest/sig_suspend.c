/*
 * rt_sigsuspend: the given mask is in force while it waits and, with the
 * handler's own additions, while the handler runs; the old mask is back
 * when it returns EINTR; a signal the temporary mask blocks stays pending;
 * the argument checks.
 */
#include <signal.h>

#include "guest.h"

static sigset_t in_handler;
static volatile int ran, runs;

static void
handler(int sig)
{
	ran = sig;
	runs++;
	sigprocmask(SIG_BLOCK, NULL, &in_handler);
}

static const char *
names(const sigset_t *s)
{
	static char buf[128];
	static const int sigs[] = { SIGUSR1, SIGUSR2, SIGHUP, SIGTERM };
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigismember(s, sigs[i])) {
			strcat(buf, " ");
			strcat(buf, sigabbrev_np(sigs[i]));
		}
	}
	return buf[0] ? buf : " none";
}

int
main(void)
{
	struct sigaction sa = { .sa_handler = handler };
	sigset_t block, wait_mask, now, pend;

	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGHUP);
	OK(sigaction(SIGUSR1, &sa, NULL));
	OK(sigaction(SIGUSR2, &sa, NULL));
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGTERM);
	OK(sigprocmask(SIG_BLOCK, &block, NULL));

	OK(raise(SIGUSR2));
	OK(raise(SIGUSR1));
	/* Wait with only SIGUSR2 and SIGTERM blocked: SIGUSR1 is taken. */
	sigemptyset(&wait_mask);
	sigaddset(&wait_mask, SIGUSR2);
	sigaddset(&wait_mask, SIGTERM);
	FAILS(sigsuspend(&wait_mask), EINTR, "sigsuspend with SIGUSR1 pending");
	CHECK(ran == SIGUSR1, "the SIGUSR1 handler ran");
	printf("blocked in the handler:%s\n", names(&in_handler));
	OK(sigprocmask(SIG_BLOCK, NULL, &now));
	printf("blocked after sigsuspend:%s\n", names(&now));
	OK(sigpending(&pend));
	printf("pending after sigsuspend:%s\n", names(&pend));

	/* Now let SIGUSR2 in. */
	ran = 0;
	sigemptyset(&wait_mask);
	FAILS(sigsuspend(&wait_mask), EINTR, "sigsuspend with SIGUSR2 pending");
	CHECK(ran == SIGUSR2, "the SIGUSR2 handler ran");
	printf("blocked in the handler:%s\n", names(&in_handler));
	OK(sigprocmask(SIG_BLOCK, NULL, &now));
	printf("blocked after sigsuspend:%s\n", names(&now));

	/* Two pending signals the wait unblocks: both handlers run. */
	OK(raise(SIGUSR1));
	OK(raise(SIGUSR2));
	runs = 0;
	FAILS(sigsuspend(&wait_mask), EINTR, "sigsuspend with both pending");
	CHECK(runs == 2, "both handlers ran before it returned");
	OK(sigprocmask(SIG_BLOCK, NULL, &now));
	printf("blocked after sigsuspend:%s\n", names(&now));

	/* SIGKILL and SIGSTOP in the mask are ignored: nothing to test
	 * without dying; the argument checks instead. */
	FAILS(syscall(SYS_rt_sigsuspend, &wait_mask, 4), EINVAL,
	      "a sigset size of 4");
	FAILS(syscall(SYS_rt_sigsuspend, NULL, 8), EFAULT, "a NULL mask");
	OK(sigprocmask(SIG_BLOCK, NULL, &now));
	printf("blocked after the failed calls:%s\n", names(&now));

	/* A signal sent by a child while we wait. */
	fflush(stdout);
	ran = 0;
	if (OK(fork()) == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	FAILS(sigsuspend(&wait_mask), EINTR, "sigsuspend until a child "
					     "sends SIGUSR1");
	CHECK(ran == SIGUSR1, "its handler ran");
	OK(wait(NULL));
	return 0;
}
