/*
 * SIGCHLD and the parent's choices: the CLD_* codes it gets for a child's
 * stop, continue and exit; SA_NOCLDSTOP (no SIGCHLD for stops and
 * continues, though wait still reports them); SA_NOCLDWAIT and SIG_IGN
 * (children reaped at once, wait ends with ECHILD; SIGCHLD still comes
 * with SA_NOCLDWAIT and a handler); zombies otherwise.
 */
#include <signal.h>
#include <stdbool.h>
#include <time.h>

#include "guest.h"

static const char *
cld_str(int code)
{
	switch (code) {
	case CLD_EXITED:
		return "CLD_EXITED";
	case CLD_KILLED:
		return "CLD_KILLED";
	case CLD_DUMPED:
		return "CLD_DUMPED";
	case CLD_STOPPED:
		return "CLD_STOPPED";
	case CLD_CONTINUED:
		return "CLD_CONTINUED";
	}
	return "another code";
}

static void
on_chld(int sig)
{
}

static void
set_chld(void (*h)(int), int flags)
{
	struct sigaction sa = { .sa_handler = h, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	OK(sigaction(SIGCHLD, &sa, NULL));
}

/*
 * A pending SIGCHLD (it is blocked) from pid (0: any): its code, or "none".
 * If one should come, wait for it: a stopped or continued child may send
 * it after wait has already seen the change.
 */
static const char *
take_chld(pid_t pid, bool expect)
{
	struct timespec wait = { expect ? 10 : 0, 0 };
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigtimedwait(&set, &si, &wait) < 0)
		return "none";
	if (pid && si.si_pid != pid)
		return "SIGCHLD from someone else";
	return cld_str(si.si_code);
}

static pid_t
spawn_pauser(void)
{
	pid_t pid;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* Stop, continue and kill a child, saying what SIGCHLD and wait report. */
static void
stop_cont_kill(const char *what, bool nocldstop)
{
	pid_t pid = spawn_pauser();
	int st;

	OK(kill(pid, SIGSTOP));
	OK(waitpid(pid, &st, WUNTRACED));
	printf("%s: stop: wait says %s, SIGCHLD %s\n", what, wstatus_str(st),
	       take_chld(pid, !nocldstop));
	OK(kill(pid, SIGCONT));
	OK(waitpid(pid, &st, WCONTINUED));
	printf("%s: continue: wait says %s, SIGCHLD %s\n", what,
	       WIFCONTINUED(st) ? "continued" : wstatus_str(st),
	       take_chld(pid, !nocldstop));
	OK(kill(pid, SIGTERM));
	OK(waitpid(pid, &st, 0));
	printf("%s: kill: wait says %s, SIGCHLD %s\n", what, wstatus_str(st),
	       take_chld(pid, true));
}

/* Three children that exit at once; wait must end with ECHILD. */
static void
no_zombies(const char *what, bool sigchld)
{
	pid_t first = 0, pid;
	int i, st;

	fflush(stdout);
	for (i = 0; i < 3; i++) {
		pid = OK(fork());
		if (pid == 0)
			_exit(7);
		if (!first)
			first = pid;
	}
	FAILS(waitpid(-1, &st, 0), ECHILD, what);
	printf("%s: SIGCHLD %s\n", what, take_chld(0, sigchld));
	FAILS(kill(first, 0), ESRCH, "the first child is gone, not a zombie");
	take_chld(0, false); /* none left: standard signals do not queue */
}

static void
zombie(void)
{
	pid_t pid;
	siginfo_t si;
	int st;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(3);
	memset(&si, 0, sizeof(si));
	OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	printf("default: the exited child is a zombie: kill 0 %s, SIGCHLD "
	       "%s\n",
	       kill(pid, 0) == 0 ? "succeeds" : "fails", take_chld(pid, true));
	OK(waitpid(pid, &st, 0));
	printf("default: then wait says %s\n", wstatus_str(st));
}

int
main(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	OK(sigprocmask(SIG_BLOCK, &set, NULL));

	set_chld(on_chld, 0);
	stop_cont_kill("handler", false);
	set_chld(on_chld, SA_NOCLDSTOP);
	stop_cont_kill("SA_NOCLDSTOP", true);
	set_chld(SIG_DFL, 0);
	zombie();

	set_chld(on_chld, SA_NOCLDWAIT);
	no_zombies("SA_NOCLDWAIT with a handler", true);
	set_chld(SIG_DFL, SA_NOCLDWAIT);
	no_zombies("SA_NOCLDWAIT with SIG_DFL", true);
	set_chld(SIG_IGN, 0);
	no_zombies("SIG_IGN", false);
	return 0;
}
