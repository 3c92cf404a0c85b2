/*
 * What execve keeps of signal state: caught signals go back to SIG_DFL,
 * ignored ones stay ignored, the mask and pending signals (with their
 * siginfo) survive, the alternate stack is gone; and a forked child
 * inherits handlers and mask but nothing pending.
 */
#include <signal.h>

#include "guest.h"

static void
handler(int sig)
{
}

static const char *
disposition(int sig)
{
	struct sigaction sa;

	OK(sigaction(sig, NULL, &sa));
	if (sa.sa_handler == SIG_DFL)
		return "SIG_DFL";
	if (sa.sa_handler == SIG_IGN)
		return "SIG_IGN";
	return "a handler";
}

static const char *
flags(int sig)
{
	struct sigaction sa;

	OK(sigaction(sig, NULL, &sa));
	return (sa.sa_flags & (SA_RESTART | SA_ONSTACK)) ? "kept" : "cleared";
}

static void
report(const char *who)
{
	struct timespec zero = { 0, 0 };
	sigset_t mask, pend, set;
	siginfo_t si;
	stack_t ss;

	printf("%s: SIGUSR1 %s, SIGUSR2 %s, SIGCHLD %s\n", who,
	       disposition(SIGUSR1), disposition(SIGUSR2),
	       disposition(SIGCHLD));
	printf("%s: SIGUSR1's flags %s\n", who, flags(SIGUSR1));
	OK(sigprocmask(SIG_BLOCK, NULL, &mask));
	OK(sigpending(&pend));
	printf("%s: SIGTERM %s and %s, SIGRTMIN %s and %s\n", who,
	       sigismember(&mask, SIGTERM) ? "blocked" : "not blocked",
	       sigismember(&pend, SIGTERM) ? "pending" : "not pending",
	       sigismember(&mask, SIGRTMIN) ? "blocked" : "not blocked",
	       sigismember(&pend, SIGRTMIN) ? "pending" : "not pending");
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	if (sigtimedwait(&set, &si, &zero) == SIGRTMIN)
		printf("%s: SIGRTMIN carries %d\n", who, si.si_value.sival_int);
	OK(sigaltstack(NULL, &ss));
	printf("%s: alternate stack %s\n", who,
	       ss.ss_size == 0 ? "none" : "still there");
}

static int
forked(void)
{
	report("forked child");
	return 0;
}

int
main(int argc, char **argv)
{
	static char alt[64 * 1024];
	struct sigaction sa = { .sa_handler = handler,
				.sa_flags = SA_RESTART | SA_ONSTACK };
	union sigval v = { .sival_int = 31 };
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	sigset_t set;

	if (argc > 1) {
		report("after execve");
		return 0;
	}
	sigemptyset(&sa.sa_mask);
	OK(sigaction(SIGUSR1, &sa, NULL));
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGRTMIN);
	OK(sigprocmask(SIG_BLOCK, &set, NULL));
	OK(sigaltstack(&ss, NULL));
	OK(raise(SIGTERM));
	OK(sigqueue(getpid(), SIGRTMIN, v));
	OK(sigqueue(getpid(), SIGRTMIN, v));

	(void)!WEXITSTATUS(run_child(forked));
	signal(SIGCHLD, SIG_IGN); /* after the fork: run_child waits */
	fflush(stdout);
	execl(argv[0], argv[0], "again", (char *)NULL);
	err(1, "execl %s", argv[0]);
}
