/*
 * Stops and continues as wait4 and waitid report them: WUNTRACED,
 * WCONTINUED, WNOHANG, WNOWAIT (the state stays waitable), each reported
 * once; SIGTSTP stopping by default but not with a handler, nor in an
 * orphaned process group; SIGCONT resuming a stopped child and running its
 * handler, even when blocked; and __WCLONE/__WALL for a child whose exit
 * signal is not SIGCHLD.
 */
#include <sched.h>
#include <signal.h>

#include "guest.h"

static int pipefd[2];

static void
say(const char *msg)
{
	if (write(pipefd[1], msg, strlen(msg)) < 0)
		_exit(99);
}

static void
on_cont(int sig)
{
	say("C");
}

static void
on_tstp(int sig)
{
	say("T");
}

/* A child that reports its handlers' runs (and "alive" pings) on the pipe. */
static pid_t
spawn(void (*setup)(void))
{
	pid_t pid;
	char c;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		close(pipefd[0]);
		if (setup)
			setup();
		say("R");
		for (;;)
			pause();
	}
	if (read(pipefd[0], &c, 1) != 1 || c != 'R')
		errx(1, "the child did not start");
	return pid;
}

static const char *
heard(void)
{
	static char buf[16];
	ssize_t n;

	n = read(pipefd[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? buf : "nothing";
}

static const char *
waitid_str(const siginfo_t *si)
{
	static char buf[64];

	if (si->si_pid == 0)
		return "nothing";
	snprintf(buf, sizeof(buf), "%s %s",
		 si->si_code == CLD_STOPPED	? "CLD_STOPPED"
		 : si->si_code == CLD_CONTINUED ? "CLD_CONTINUED"
		 : si->si_code == CLD_EXITED	? "CLD_EXITED"
		 : si->si_code == CLD_KILLED	? "CLD_KILLED"
						: "another code",
		 si->si_code == CLD_EXITED ? "status"
					   : sigabbrev_np(si->si_status));
	return buf;
}

static void
wait4_reports(void)
{
	pid_t pid = spawn(NULL);
	siginfo_t si;
	int st;

	OK(kill(pid, SIGSTOP));
	CHECK(OK(waitpid(pid, &st, WUNTRACED)) == pid && WIFSTOPPED(st) &&
		      WSTOPSIG(st) == SIGSTOP,
	      "wait4 WUNTRACED: stopped by SIGSTOP");
	CHECK(OK(waitpid(pid, &st, WUNTRACED | WNOHANG)) == 0,
	      "reported once: WNOHANG then returns 0");
	CHECK(OK(waitpid(pid, &st, WCONTINUED | WNOHANG)) == 0,
	      "nothing for WCONTINUED while stopped");
	OK(kill(pid, SIGSTOP));
	CHECK(OK(waitpid(pid, &st, WUNTRACED | WNOHANG)) == 0,
	      "a second SIGSTOP while stopped reports nothing");
	OK(kill(pid, SIGCONT));
	CHECK(OK(waitpid(pid, &st, WCONTINUED)) == pid && WIFCONTINUED(st),
	      "wait4 WCONTINUED: continued");
	CHECK(OK(waitpid(pid, &st, WCONTINUED | WNOHANG)) == 0,
	      "reported once");
	OK(kill(pid, SIGCONT));
	CHECK(OK(waitpid(pid, &st, WCONTINUED | WNOHANG)) == 0,
	      "SIGCONT to a running child reports nothing");
	OK(kill(pid, SIGSTOP));
	OK(waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT));
	OK(kill(pid, SIGCONT));
	CHECK(OK(waitpid(pid, &st, WUNTRACED | WNOHANG)) == 0,
	      "a stop already continued is not reported as a stop");
	CHECK(OK(waitpid(pid, &st, WCONTINUED)) == pid && WIFCONTINUED(st),
	      "but as continued");
	OK(kill(pid, SIGKILL));
	OK(waitpid(pid, &st, 0));
	printf("then: %s\n", wstatus_str(st));
}

static void
waitid_reports(void)
{
	pid_t pid = spawn(NULL);
	siginfo_t si;

	OK(kill(pid, SIGSTOP));
	memset(&si, 0, sizeof(si));
	OK(waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT));
	printf("waitid WSTOPPED|WNOWAIT: %s\n", waitid_str(&si));
	memset(&si, 0, sizeof(si));
	OK(waitid(P_PID, pid, &si, WSTOPPED | WNOHANG));
	printf("again without WNOWAIT: %s\n", waitid_str(&si));
	memset(&si, 0xff, sizeof(si));
	OK(waitid(P_PID, pid, &si, WSTOPPED | WNOHANG));
	printf("once more: %s\n", waitid_str(&si));
	CHECK(si.si_signo == 0, "WNOHANG with nothing zeroes si_signo");
	OK(kill(pid, SIGCONT));
	memset(&si, 0, sizeof(si));
	OK(waitid(P_PID, pid, &si, WCONTINUED));
	printf("waitid WCONTINUED: %s\n", waitid_str(&si));
	FAILS(waitid(P_PID, pid, &si, WNOHANG), EINVAL,
	      "waitid with no WEXITED, WSTOPPED or WCONTINUED");
	FAILS(waitpid(pid, NULL, WNOWAIT), EINVAL, "wait4 with WNOWAIT");
	OK(kill(pid, SIGTERM));
	memset(&si, 0, sizeof(si));
	OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	printf("waitid WEXITED|WNOWAIT: %s\n", waitid_str(&si));
	memset(&si, 0, sizeof(si));
	OK(waitid(P_PID, pid, &si, WEXITED));
	printf("then WEXITED: %s\n", waitid_str(&si));
	FAILS(waitid(P_PID, pid, &si, WEXITED), ECHILD, "then it is gone");
}

static void
new_pgrp(void)
{
	setpgid(0, 0);
}

static void
tstp_handler(void)
{
	signal(SIGTSTP, on_tstp);
}

static void
orphaned(void)
{
	setsid(); /* a new session: its group has no parent in the session */
}

static void
cont_handler(void)
{
	signal(SIGCONT, on_cont);
}

static void
cont_blocked(void)
{
	sigset_t set;

	cont_handler();
	sigemptyset(&set);
	sigaddset(&set, SIGCONT);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static void
stop_by(const char *what, void (*setup)(void), int sig)
{
	pid_t pid = spawn(setup);
	int st;

	OK(kill(pid, sig));
	/* A stop shows up in wait; anything else shows up on the pipe. */
	if (OK(waitpid(pid, &st, WUNTRACED)) == pid && WIFSTOPPED(st)) {
		printf("%s: %s\n", what, wstatus_str(st));
		OK(kill(pid, SIGCONT));
	} else {
		printf("%s: %s\n", what, wstatus_str(st));
	}
	OK(kill(pid, SIGKILL));
	OK(waitpid(pid, &st, 0));
}

static void
tstp_cases(void)
{
	pid_t pid;
	int st;

	stop_by("SIGTSTP, default, own process group", new_pgrp, SIGTSTP);

	pid = spawn(tstp_handler);
	OK(kill(pid, SIGTSTP));
	printf("SIGTSTP with a handler: heard %s, ", heard());
	CHECK(OK(waitpid(pid, &st, WUNTRACED | WNOHANG)) == 0, "not stopped");
	OK(kill(pid, SIGKILL));
	OK(waitpid(pid, &st, 0));

	pid = spawn(orphaned);
	OK(kill(pid, SIGTSTP));
	OK(kill(pid, SIGTTIN));
	OK(kill(pid, SIGTTOU));
	OK(kill(pid, SIGUSR1)); /* the default action ends it */
	OK(waitpid(pid, &st, WUNTRACED));
	printf("SIGTSTP, SIGTTIN, SIGTTOU in an orphaned process group, then "
	       "SIGUSR1: %s\n",
	       wstatus_str(st));
	pid = spawn(orphaned);
	OK(kill(pid, SIGSTOP));
	OK(waitpid(pid, &st, WUNTRACED));
	printf("SIGSTOP in an orphaned process group: %s\n", wstatus_str(st));
	OK(kill(pid, SIGKILL));
	OK(waitpid(pid, &st, 0));
}

static void
cont_cases(void)
{
	pid_t pid;
	int st;

	pid = spawn(cont_handler);
	OK(kill(pid, SIGSTOP));
	OK(waitpid(pid, &st, WUNTRACED));
	OK(kill(pid, SIGCONT));
	printf("SIGCONT with a handler to a stopped child: heard %s\n", heard());
	OK(kill(pid, SIGCONT));
	printf("to a running one: heard %s\n", heard());
	OK(kill(pid, SIGKILL));
	OK(waitpid(pid, &st, 0));

	pid = spawn(cont_blocked);
	OK(kill(pid, SIGSTOP));
	OK(waitpid(pid, &st, WUNTRACED));
	OK(kill(pid, SIGCONT));
	CHECK(OK(waitpid(pid, &st, WCONTINUED)) == pid && WIFCONTINUED(st),
	      "a blocked SIGCONT still continues the child");
	OK(kill(pid, SIGKILL));
	OK(waitpid(pid, &st, 0));
}

static int
clone_child(void)
{
	_exit(5);
}

/* A child whose exit signal is SIGUSR1: only __WCLONE or __WALL see it. */
static void
clone_cases(void)
{
	siginfo_t si;
	sigset_t set;
	pid_t pid, forked;
	int st;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	OK(sigprocmask(SIG_BLOCK, &set, NULL));
	fflush(stdout);
	pid = OK(syscall(SYS_clone, SIGUSR1, NULL, NULL, NULL, NULL));
	if (pid == 0)
		clone_child();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	OK(sigwaitinfo(&set, &si));
	CHECK(si.si_signo == SIGUSR1 && si.si_code == CLD_EXITED &&
		      si.si_pid == pid && si.si_status == 5,
	      "its exit sends SIGUSR1 with CLD_EXITED and status 5");
	FAILS(waitpid(pid, &st, WNOHANG), ECHILD, "wait4 without __WCLONE");
	FAILS(waitpid(-1, &st, WNOHANG), ECHILD, "wait4 for any child");
	FAILS(waitid(P_ALL, 0, &si, WEXITED | WNOHANG), ECHILD,
	      "waitid without __WCLONE");
	forked = spawn(NULL);
	CHECK(OK(waitpid(-1, &st, WNOHANG | __WCLONE)) == pid,
	      "wait4 __WCLONE finds it (and not the forked child)");
	FAILS(waitpid(forked, &st, WNOHANG | __WCLONE), ECHILD,
	      "wait4 __WCLONE for the forked child");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "exited 5");
	pid = OK(syscall(SYS_clone, SIGUSR1, NULL, NULL, NULL, NULL));
	if (pid == 0)
		clone_child();
	OK(sigwaitinfo(&set, &si));
	memset(&si, 0, sizeof(si));
	OK(waitid(P_PID, pid, &si, WEXITED | __WALL));
	printf("waitid __WALL: %s\n", waitid_str(&si));
	OK(kill(forked, SIGKILL));
	CHECK(OK(waitpid(-1, &st, __WALL)) == forked, "wait4 __WALL finds the "
						      "forked child too");
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigwaitinfo(&set, &si);
}

int
main(void)
{
	OK(pipe(pipefd));
	wait4_reports();
	waitid_reports();
	tstp_cases();
	cont_cases();
	clone_cases();
	return 0;
}
