/*
 * A read blocked on an empty pipe is interrupted by a signal: EINTR
 * without SA_RESTART, restarted (and then gets data) with SA_RESTART.
 */
#include <signal.h>
#include <sys/time.h>

#include "guest.h"

static volatile sig_atomic_t hits;

static void
handler(int sig)
{
	(void)sig;
	hits++;
}

static void
arm(int restart)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 0 }, { 0, 200000 } };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = restart ? SA_RESTART : 0;
	OK(sigaction(SIGALRM, &sa, NULL));
	OK(setitimer(ITIMER_REAL, &it, NULL));
}

int
main(void)
{
	int p[2], st;
	pid_t pid;
	char c;

	OK(pipe(p));
	arm(0);
	FAILS(read(p[0], &c, 1), EINTR, "read interrupted without SA_RESTART");
	CHECK(hits == 1, "the handler ran");

	/* A child writes once our read has been restarted. */
	arm(1);
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		usleep(500000);
		write(p[1], "z", 1);
		_exit(0);
	}
	CHECK(OK(read(p[0], &c, 1)) == 1 && c == 'z',
	      "read restarted after SA_RESTART and got the data");
	CHECK(hits == 2, "the handler ran during the restarted read");
	OK(waitpid(pid, &st, 0));
	return 0;
}
