/* sigqueue carries a value; real-time signals queue, standard ones do not. */
#include <signal.h>

#include "guest.h"

static volatile int got_value, rt_count, std_count;

static void
on_rt(int sig, siginfo_t *si, void *uc)
{
	got_value = si->si_value.sival_int;
	if (si->si_code == SI_QUEUE)
		rt_count++;
}

static void
on_std(int sig)
{
	std_count++;
}

int
main(void)
{
	struct sigaction sa = { 0 };
	union sigval v = { .sival_int = 4242 };
	sigset_t set, old;
	int i;

	sa.sa_sigaction = on_rt;
	sa.sa_flags = SA_SIGINFO;
	OK(sigaction(SIGRTMIN + 1, &sa, NULL));
	signal(SIGUSR1, on_std);
	OK(sigqueue(getpid(), SIGRTMIN + 1, v));
	CHECK(got_value == 4242 && rt_count == 1,
	      "sigqueue delivers its value with SI_QUEUE");

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	sigaddset(&set, SIGUSR1);
	OK(sigprocmask(SIG_BLOCK, &set, &old));
	for (i = 0; i < 3; i++) {
		OK(sigqueue(getpid(), SIGRTMIN + 1, v));
		OK(kill(getpid(), SIGUSR1));
	}
	OK(sigprocmask(SIG_SETMASK, &old, NULL));
	CHECK(rt_count == 4, "three blocked real-time signals all arrive");
	CHECK(std_count == 1, "three blocked SIGUSR1 arrive once");
	FAILS(sigqueue(getpid(), 99, v), EINVAL, "sigqueue of signal 99");
	return 0;
}
