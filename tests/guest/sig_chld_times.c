/*
 * SIGCHLD's siginfo carries the child's CPU time in clock ticks: a child
 * that burned about 300 ms shows a plausible si_utime + si_stime, one
 * that slept next to none.  And a wait that the SIGCHLD handler
 * interrupts still returns the child that just exited (run_child's
 * waitpid has no SA_RESTART here).
 */
#include <signal.h>
#include <time.h>

#include "guest.h"

static volatile long got_utime = -1, got_stime = -1;

static void
on_chld(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	got_utime = si->si_utime;
	got_stime = si->si_stime;
}

static int
burn(void)
{
	struct timespec ts;
	volatile unsigned long x = 0;

	do {
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	} while (ts.tv_sec * 1000 + ts.tv_nsec / 1000000 < 300);
	return 0;
}

static int
nap(void)
{
	usleep(100000);
	return 0;
}

static void
child_times(int (*fn)(void), long *utime, long *stime)
{
	sigset_t none;

	sigemptyset(&none);
	got_utime = got_stime = -1;
	run_child(fn);
	while (got_utime < 0)
		sigsuspend(&none);
	*utime = got_utime;
	*stime = got_stime;
}

int
main(void)
{
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO };
	long ut, st;

	OK(sigaction(SIGCHLD, &sa, NULL));
	child_times(burn, &ut, &st);
	CHECK(ut + st >= 10 && ut + st <= 100,
	      "a child that burned 300 ms: si_utime + si_stime in 10..100 ticks");
	child_times(nap, &ut, &st);
	CHECK(ut + st <= 5, "a child that slept: at most 5 ticks");
	return 0;
}
