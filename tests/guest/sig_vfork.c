/*
 * Signals and vfork: a signal sent to the parent while its vfork child
 * runs waits until the child exits (the handler runs once, after vfork
 * returns); SIGKILL ends the waiting parent at once.  Also the generation
 * rules between stop signals and SIGCONT: a blocked SIGCONT stays pending
 * across a stop and continue, a stop signal discards a pending SIGCONT
 * and SIGCONT a pending stop signal.
 */
#include <signal.h>

#include "guest.h"

static volatile int hits;

static void
handler(int sig)
{
	hits++;
}

static int
vfork_signals_parent(void)
{
	volatile int seen = -1;
	pid_t pid;

	signal(SIGUSR1, handler);
	pid = vfork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		seen = hits; /* shared with the parent until _exit */
		_exit(0);
	}
	printf("the parent's handler ran %d times while the child ran, %d "
	       "after\n",
	       seen, hits);
	OK(waitpid(pid, NULL, 0));
	return 0;
}

static int
vfork_kills_parent(void)
{
	pid_t pid = vfork();

	if (pid == 0) {
		kill(getppid(), SIGKILL);
		_exit(0);
	}
	return 3; /* not reached: SIGKILL */
}

static int
pending_status(int sig)
{
	sigset_t pend;

	sigpending(&pend);
	return sigismember(&pend, sig);
}

static void
block(int a, int b)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, a);
	if (b)
		sigaddset(&set, b);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static int
cont_across_stop(void)
{
	block(SIGCONT, 0);
	raise(SIGSTOP);
	return pending_status(SIGCONT);
}

static int
stop_discards_cont(void)
{
	int before;

	block(SIGCONT, SIGTSTP);
	raise(SIGCONT);
	before = pending_status(SIGCONT);
	raise(SIGTSTP);
	return before * 10 + pending_status(SIGCONT);
}

static int
cont_discards_stop(void)
{
	block(SIGCONT, SIGTSTP);
	raise(SIGTSTP);
	raise(SIGCONT);
	return pending_status(SIGTSTP) * 10 + pending_status(SIGCONT);
}

int
main(void)
{
	pid_t pid;
	int st;

	run_child(vfork_signals_parent);
	printf("a vfork child sends its parent SIGKILL: %s\n",
	       wstatus_str(run_child(vfork_kills_parent)));

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(cont_across_stop());
	OK(waitpid(pid, &st, WUNTRACED));
	OK(kill(pid, SIGCONT));
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1,
	      "a blocked SIGCONT that continued the child is still pending");
	CHECK(WEXITSTATUS(run_child(stop_discards_cont)) == 10,
	      "a pending SIGCONT is discarded by SIGTSTP");
	CHECK(WEXITSTATUS(run_child(cont_discards_stop)) == 1,
	      "a pending SIGTSTP is discarded by SIGCONT, which stays pending");
	return 0;
}
