/*
 * rt_sigtimedwait: a zero timeout polls, a short one ends with EAGAIN, the
 * siginfo of what it takes (SI_QUEUE with the value, SI_USER with the
 * sender's pid and uid), the order (lowest standard signal first, real-time
 * ones queued in arrival order), standard signals that do not queue, a
 * handled signal outside the set interrupting it with EINTR, and the
 * argument checks.
 */
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "guest.h"

static const struct timespec zero = { 0, 0 };

static void
on_alarm(int sig)
{
}

static int
take(int sig, siginfo_t *si)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigtimedwait(&set, si, &zero);
}

static void
check_timeouts(void)
{
	struct timespec ten_ms = { 0, 10 * 1000 * 1000 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	FAILS(sigtimedwait(&set, NULL, &zero), EAGAIN,
	      "a zero timeout with nothing pending");
	FAILS(sigtimedwait(&set, NULL, &ten_ms), EAGAIN,
	      "10 ms with nothing pending");
	ten_ms.tv_nsec = 1000 * 1000 * 1000;
	FAILS(sigtimedwait(&set, NULL, &ten_ms), EINVAL, "tv_nsec of 1e9");
	ten_ms.tv_sec = -1;
	ten_ms.tv_nsec = 0;
	FAILS(sigtimedwait(&set, NULL, &ten_ms), EINVAL, "a negative tv_sec");
	FAILS(syscall(SYS_rt_sigtimedwait, &set, NULL, &zero, 4), EINVAL,
	      "a sigset size of 4");
	FAILS(syscall(SYS_rt_sigtimedwait, NULL, NULL, &zero, 8), EFAULT,
	      "a NULL set");
}

static void
check_info(void)
{
	union sigval v = { .sival_int = 4242 };
	siginfo_t si;
	int sig;

	OK(sigqueue(getpid(), SIGUSR1, v));
	memset(&si, 0, sizeof(si));
	sig = OK(take(SIGUSR1, &si));
	CHECK(sig == SIGUSR1 && si.si_signo == SIGUSR1,
	      "sigqueue'd SIGUSR1 is taken");
	CHECK(si.si_code == SI_QUEUE && si.si_value.sival_int == 4242,
	      "with SI_QUEUE and its value");
	CHECK(si.si_pid == getpid() && si.si_uid == getuid(),
	      "and our pid and uid");
	FAILS(take(SIGUSR1, &si), EAGAIN, "then it is gone");

	OK(kill(getpid(), SIGUSR2));
	OK(kill(getpid(), SIGUSR2));
	sig = OK(take(SIGUSR2, &si));
	CHECK(si.si_code == SI_USER && si.si_pid == getpid(),
	      "kill gives SI_USER and our pid");
	FAILS(take(SIGUSR2, &si), EAGAIN, "a standard signal sent twice is "
					  "taken once");
}

/* A child sends; the parent's siginfo names the child. */
static void
check_other_sender(void)
{
	pid_t pid;
	siginfo_t si;
	sigset_t set;
	int st;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		union sigval v = { .sival_int = 7 };

		kill(getppid(), SIGUSR1);
		sigqueue(getppid(), SIGRTMIN, v);
		_exit(0);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	OK(sigwaitinfo(&set, &si));
	CHECK(si.si_pid == pid && si.si_uid == getuid() &&
		      si.si_code == SI_USER,
	      "kill from a child: its pid, SI_USER");
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	OK(sigwaitinfo(&set, &si));
	CHECK(si.si_pid == pid && si.si_code == SI_QUEUE &&
		      si.si_value.sival_int == 7,
	      "sigqueue from a child: its pid, SI_QUEUE, the value");
	OK(waitpid(pid, &st, 0));
}

static void
check_order(void)
{
	union sigval v;
	siginfo_t si;
	sigset_t set;
	int i, sig;

	for (i = 1; i <= 3; i++) {
		v.sival_int = i;
		OK(sigqueue(getpid(), SIGRTMIN + 1, v));
	}
	OK(kill(getpid(), SIGUSR2));
	OK(kill(getpid(), SIGUSR1));
	v.sival_int = 9;
	OK(sigqueue(getpid(), SIGRTMIN, v));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	printf("taken in order:");
	while ((sig = sigtimedwait(&set, &si, &zero)) > 0) {
		if (sig >= SIGRTMIN)
			printf(" SIGRTMIN+%d(%d)", sig - SIGRTMIN,
			       si.si_value.sival_int);
		else
			printf(" %s", sigabbrev_np(sig));
	}
	printf("\n");
	CHECK(errno == EAGAIN, "then EAGAIN");
}

static void
check_eintr(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { 0, 50 * 1000 } };
	struct timespec ten_s = { 10, 0 };
	sigset_t set;

	OK(sigaction(SIGALRM, &sa, NULL));
	OK(setitimer(ITIMER_REAL, &it, NULL));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	FAILS(sigtimedwait(&set, NULL, &ten_s), EINTR,
	      "a handled SIGALRM outside the set");
	/* Ignored signals and SIGKILL/SIGSTOP in the set change nothing. */
	sigaddset(&set, SIGKILL);
	sigaddset(&set, SIGSTOP);
	FAILS(sigtimedwait(&set, NULL, &zero), EAGAIN,
	      "SIGKILL and SIGSTOP in the set");
}

/* A signal ignored with SIG_IGN but blocked is still taken. */
static void
check_ignored(void)
{
	siginfo_t si;

	signal(SIGUSR1, SIG_IGN);
	OK(raise(SIGUSR1));
	CHECK(take(SIGUSR1, &si) == SIGUSR1,
	      "a blocked SIGUSR1 with SIG_IGN is still taken");
	signal(SIGUSR1, SIG_DFL);
}

/*
 * Setting SIG_IGN discards pending signals even while blocked, queued
 * real-time ones included: the next one carries its own siginfo.
 */
static void
check_discard(void)
{
	union sigval v = { .sival_int = 1 };
	struct sigaction sa = { .sa_handler = on_alarm }, ign = {
		.sa_handler = SIG_IGN };
	siginfo_t si;

	OK(sigqueue(getpid(), SIGUSR1, v));
	OK(sigqueue(getpid(), SIGRTMIN, v));
	OK(sigqueue(getpid(), SIGRTMIN, v));
	OK(sigaction(SIGUSR1, &ign, NULL));
	OK(sigaction(SIGRTMIN, &ign, NULL));
	OK(sigaction(SIGUSR1, &sa, NULL));
	OK(sigaction(SIGRTMIN, &sa, NULL));
	FAILS(take(SIGUSR1, &si), EAGAIN, "SIG_IGN discarded a pending SIGUSR1");
	FAILS(take(SIGRTMIN, &si), EAGAIN, "and two queued SIGRTMIN");
	v.sival_int = 2;
	OK(sigqueue(getpid(), SIGUSR1, v));
	OK(sigqueue(getpid(), SIGRTMIN, v));
	CHECK(take(SIGUSR1, &si) == SIGUSR1 && si.si_value.sival_int == 2,
	      "a new SIGUSR1 brings its own value");
	CHECK(take(SIGRTMIN, &si) == SIGRTMIN && si.si_value.sival_int == 2,
	      "so does a new SIGRTMIN");
	FAILS(take(SIGRTMIN, &si), EAGAIN, "and it was the only one");
}

int
main(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	OK(sigprocmask(SIG_BLOCK, &set, NULL));

	check_timeouts();
	check_info();
	check_other_sender();
	check_order();
	check_eintr();
	check_ignored();
	check_discard();
	return 0;
}
