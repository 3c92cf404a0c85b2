/*
 * The order handlers run in when several signals become deliverable at
 * once (one sigprocmask unblocking SIGHUP, SIGUSR1, SIGUSR2, SIGSEGV sent
 * with kill, and SIGRTMIN): with handlers that block nothing, frames nest
 * and the last one set up runs first; with handlers that block all the
 * others, each runs to its end before the next is taken.
 */
#include <signal.h>
#include <stdbool.h>

#include "guest.h"

static char order[16];
static int n;

static void
handler(int sig)
{
	order[n++] = sig == SIGUSR1   ? '1'
		     : sig == SIGUSR2 ? '2'
		     : sig == SIGHUP  ? 'H'
		     : sig == SIGSEGV ? 'S'
				      : 'R';
}

#define NSIGS 5
static int sigs[NSIGS] = { 0 /* SIGRTMIN */, SIGUSR2, SIGUSR1, SIGHUP,
			  SIGSEGV };

static void
run(const char *what, bool block_others)
{
	struct sigaction sa = { .sa_handler = handler };
	sigset_t all;
	int i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; block_others && i < NSIGS; i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < NSIGS; i++)
		OK(sigaction(sigs[i], &sa, NULL));
	sigfillset(&all);
	OK(sigprocmask(SIG_BLOCK, &all, NULL));
	for (i = 0; i < NSIGS; i++)
		OK(kill(getpid(), sigs[i]));
	n = 0;
	memset(order, 0, sizeof(order));
	OK(sigprocmask(SIG_UNBLOCK, &all, NULL));
	printf("%s: handlers ran in the order %s\n", what, order);
}

int
main(void)
{
	sigs[0] = SIGRTMIN;
	run("handlers blocking nothing", false);
	run("handlers blocking each other", true);
	return 0;
}
