/*
 * Signals between users: who may signal whom (a matching real or saved
 * uid; SIGCONT within the session regardless), and the sender's real uid
 * in si_uid for kill, sigqueue and SIGCHLD (also through waitid).  Needs
 * root, as the other credential tests do.
 */
#include <signal.h>

#include "guest.h"

static int
as_user(uid_t ruid, uid_t euid, int (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		if (setresuid(ruid, euid, euid) < 0)
			_exit(100);
		_exit(fn());
	}
	OK(waitpid(pid, &st, 0));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 200;
}

static int
kill_parent(void)
{
	return kill(getppid(), SIGUSR1) == 0 ? 0 : errno;
}

static int
queue_parent(void)
{
	union sigval v = { .sival_int = 5 };

	return sigqueue(getppid(), SIGUSR2, v) == 0 ? 0 : errno;
}

static int
cont_parent(void)
{
	return kill(getppid(), SIGCONT) == 0 ? 0 : errno;
}

static const char *
result(int r)
{
	return r == 0 ? "allowed" : r < 100 ? strerrorname_np(r) : "setup failed";
}

static void
take(int sig, const char *what)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigtimedwait(&set, &si, &zero) != sig)
		errx(1, "%s: nothing pending", what);
	printf("%s: si_uid %u, si_pid %s\n", what, si.si_uid,
	       si.si_pid > 0 && si.si_pid != getpid() ? "the child's" : "wrong");
}

int
main(void)
{
	sigset_t set;
	siginfo_t si;
	pid_t pid;

	if (getuid() != 0 || geteuid() != 0) {
		printf("not root: nothing checked\n");
		return 0;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGCONT);
	OK(sigprocmask(SIG_BLOCK, &set, NULL));

	printf("uid 1000 kills root: %s\n",
	       result(as_user(1000, 1000, kill_parent)));
	printf("uid 1000 sigqueues to root: %s\n",
	       result(as_user(1000, 1000, queue_parent)));
	printf("uid 1000 sends SIGCONT to root in its session: %s\n",
	       result(as_user(1000, 1000, cont_parent)));
	take(SIGCONT, "that SIGCONT");
	take(SIGCHLD, "the first SIGCHLD of those children (others merged)");

	/* Our real uid 2000 (effective still 0): 2000 may signal us. */
	OK(setresuid(2000, 0, 0));
	printf("ruid 2000, euid 3000 kills ruid 2000: %s\n",
	       result(as_user(2000, 3000, kill_parent)));
	take(SIGUSR1, "its kill");
	take(SIGCHLD, "its SIGCHLD");
	printf("ruid 3000, euid 2000 sigqueues to ruid 2000: %s\n",
	       result(as_user(3000, 2000, queue_parent)));
	take(SIGUSR2, "its sigqueue");
	take(SIGCHLD, "its SIGCHLD");
	printf("ruid 3000, euid 3000 kills ruid 2000, suid 0: %s\n",
	       result(as_user(3000, 3000, kill_parent)));
	take(SIGCHLD, "its SIGCHLD");
	OK(setresuid(0, 0, 0));

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		if (setresuid(4000, 4000, 4000) < 0)
			_exit(100);
		_exit(0);
	}
	memset(&si, 0, sizeof(si));
	OK(waitid(P_PID, pid, &si, WEXITED));
	printf("waitid for a child of uid 4000: si_uid %u\n", si.si_uid);
	take(SIGCHLD, "its SIGCHLD");
	return 0;
}
