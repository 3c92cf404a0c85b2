/*
 * A core signal's default action when no core file can be written
 * (RLIMIT_CORE of 1 stops file and pipe dumps alike on Linux; the
 * differential harness's hard limit of 0 stops file dumps): the
 * process is killed, and neither the wait status (WCOREDUMP) nor waitid
 * (CLD_DUMPED) claims a dump.
 */
#include <signal.h>
#include <sys/resource.h>

#include "guest.h"

static int sig;

static int
die(void)
{
	struct rlimit rl = { 1, 1 }, none = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) < 0) /* a hard limit of 0 already */
		OK(setrlimit(RLIMIT_CORE, &none));
	raise(sig);
	return 0;
}

int
main(void)
{
	static const int sigs[] = { SIGQUIT, SIGABRT, SIGSEGV, SIGFPE, SIGXFSZ };
	siginfo_t si;
	size_t i;
	pid_t pid;
	int st;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sig = sigs[i];
		st = run_child(die);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sig && !WCOREDUMP(st),
		      "SIG%s: %s, no core dump reported", sigabbrev_np(sig), wstatus_str(st));
		fflush(stdout);
		pid = OK(fork());
		if (pid == 0)
			_exit(die());
		OK(waitid(P_PID, (id_t)pid, &si, WEXITED));
		CHECK(si.si_code == CLD_KILLED && si.si_status == sig,
		      "SIG%s: waitid says CLD_KILLED", sigabbrev_np(sig));
	}
	return 0;
}
