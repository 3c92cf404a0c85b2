/*
 * The default action of every signal, 1 to 64: a child in its own process
 * group (so stop signals stop it) raises the signal and the parent reports
 * what wait saw: killed, stopped, or nothing (ignored: it went on to exit
 * 0).  Also the same signals from another process with kill, and SIGKILL
 * and SIGSTOP, which no mask holds back.
 */
#include <signal.h>

#include "guest.h"

static int raised;

static int
raise_it(void)
{
	raise(raised);
	return 0;
}

static const char *
signame(int sig)
{
	static char buf[32];

	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		snprintf(buf, sizeof(buf), "SIGRTMIN+%d", sig - SIGRTMIN);
		return buf;
	}
	if (sig > 31) {
		snprintf(buf, sizeof(buf), "signal %d", sig);
		return buf;
	}
	snprintf(buf, sizeof(buf), "SIG%s", sigabbrev_np(sig));
	return buf;
}

static const char *
outcome(int st)
{
	static char buf[64];

	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return "ignored";
	if (WIFSIGNALED(st) && WTERMSIG(st) > 31) {
		snprintf(buf, sizeof(buf), "killed by %s", signame(WTERMSIG(st)));
		return buf;
	}
	return wstatus_str(st);
}

/* Run fn in a child in its own group; the wait status, stopped or not. */
static int
in_group(int (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		setpgid(0, 0);
		_exit(fn());
	}
	setpgid(pid, pid);
	OK(waitpid(pid, &st, WUNTRACED));
	if (WIFSTOPPED(st)) {
		OK(kill(pid, SIGKILL));
		OK(waitpid(pid, NULL, 0));
	}
	return st;
}

static int
blocked_kill(void)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	raise(raised);
	return 0;
}

int
main(void)
{
	int sig;

	for (sig = 1; sig <= 64; sig++) {
		if (sig == 32 || sig == 33)
			continue; /* glibc's own: not for programs */
		raised = sig;
		printf("%s: %s\n", signame(sig), outcome(in_group(raise_it)));
	}
	raised = SIGKILL;
	printf("SIGKILL with every signal blocked: %s\n",
	       outcome(in_group(blocked_kill)));
	raised = SIGSTOP;
	printf("SIGSTOP with every signal blocked: %s\n",
	       outcome(in_group(blocked_kill)));
	raised = SIGTERM;
	printf("SIGTERM with every signal blocked: %s\n",
	       outcome(in_group(blocked_kill)));
	return 0;
}
