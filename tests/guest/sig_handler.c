/* sigaction with SA_SIGINFO: the handler runs on kill(self) with siginfo. */
#include <signal.h>

#include "guest.h"

static volatile sig_atomic_t hits, signo, code, frompid_ok;

static void
handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	signo = si->si_signo == sig ? sig : -1;
	code = si->si_code;
	frompid_ok = si->si_pid == getpid();
}

int
main(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	OK(sigaction(SIGUSR1, &sa, NULL));
	OK(kill(getpid(), SIGUSR1));
	CHECK(hits == 1, "the handler ran once before kill returned");
	CHECK(signo == SIGUSR1, "si_signo is SIGUSR1");
	CHECK(code == SI_USER, "si_code is SI_USER");
	CHECK(frompid_ok, "si_pid is our own pid");
	OK(raise(SIGUSR1));
	CHECK(hits == 2, "raise ran it again");
	OK(sigaction(SIGUSR1, NULL, &old));
	CHECK(old.sa_sigaction == handler && (old.sa_flags & SA_SIGINFO),
	      "sigaction reads the handler back");

	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	OK(sigaction(SIGUSR2, &sa, NULL));
	OK(kill(getpid(), SIGUSR2));
	OK(sigaction(SIGUSR2, NULL, &old));
	CHECK(hits == 3 && old.sa_handler == SIG_DFL, "SA_RESETHAND restored SIG_DFL");
	FAILS(sigaction(SIGKILL, &sa, NULL), EINVAL, "a handler for SIGKILL");
	FAILS(sigaction(SIGSTOP, &sa, NULL), EINVAL, "a handler for SIGSTOP");
	FAILS(sigaction(0, &sa, NULL), EINVAL, "sigaction of signal 0");
	FAILS(sigaction(65, &sa, NULL), EINVAL, "sigaction of signal 65");
	FAILS(kill(getpid(), 65), EINVAL, "kill with signal 65");
	CHECK(kill(getpid(), 0) == 0, "kill with signal 0 checks the pid");
	return 0;
}
