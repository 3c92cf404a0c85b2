/*
 * The siginfo of signals the kernel raises: SIGALRM from alarm and
 * ITIMER_REAL, SIGVTALRM from ITIMER_VIRTUAL (SI_KERNEL); SIGPIPE from a
 * write to a pipe with no reader (SI_USER from the writer itself); raise
 * (SI_TKILL); and from a terminal: SIGINT for ^C, SIGQUIT for ^\, SIGWINCH
 * for a new window size (SI_KERNEL).
 */
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <termios.h>

#include "guest.h"

static volatile sig_atomic_t got;
static siginfo_t last;

static void
handler(int sig, siginfo_t *si, void *ctx)
{
	last = *si;
	got = sig;
}

static void
install(int sig)
{
	struct sigaction sa = { .sa_sigaction = handler,
				.sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	OK(sigaction(sig, &sa, NULL));
}

static const char *
code_str(int code)
{
	switch (code) {
	case SI_USER:
		return "SI_USER";
	case SI_KERNEL:
		return "SI_KERNEL";
	case SI_TKILL:
		return "SI_TKILL";
	case SI_QUEUE:
		return "SI_QUEUE";
	}
	return "another code";
}

/* Wait until sig has been handled, then describe its siginfo. */
static void
show(const char *what, int sig)
{
	sigset_t none;

	sigemptyset(&none);
	while (got != sig)
		sigsuspend(&none);
	got = 0;
	printf("%s: %s %s, si_pid %s, si_uid %s\n", what,
	       sigabbrev_np(last.si_signo), code_str(last.si_code),
	       last.si_pid == getpid() ? "ours"
	       : last.si_pid == 0	? "0"
					: "another",
	       last.si_code == SI_KERNEL ? (last.si_uid == 0 ? "0" : "not 0")
	       : last.si_uid == getuid() ? "ours"
					 : "another");
}

static void
timers(void)
{
	struct itimerval it = { .it_value = { 0, 20 * 1000 } };
	int p[2];

	install(SIGALRM);
	install(SIGVTALRM);
	install(SIGPIPE);
	install(SIGUSR1);
	alarm(1);
	show("alarm", SIGALRM);
	OK(setitimer(ITIMER_REAL, &it, NULL));
	show("ITIMER_REAL", SIGALRM);
	OK(setitimer(ITIMER_VIRTUAL, &it, NULL));
	while (got != SIGVTALRM)
		; /* use CPU time */
	show("ITIMER_VIRTUAL", SIGVTALRM);
	OK(pipe(p));
	close(p[0]);
	FAILS(write(p[1], "x", 1), EPIPE, "a write with no reader");
	show("SIGPIPE", SIGPIPE);
	close(p[1]);
	OK(raise(SIGUSR1));
	show("raise", SIGUSR1);
}

/* A session leader on a pty: the terminal's signals reach it. */
static void
terminal(void)
{
	int m = OK(posix_openpt(O_RDWR | O_NOCTTY)), ready[2];
	struct winsize ws = { .ws_row = 30, .ws_col = 100 };
	pid_t pid;
	char c;

	OK(grantpt(m));
	OK(unlockpt(m));
	OK(pipe(ready));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		int s;

		setsid();
		s = OK(open(ptsname(m), O_RDWR));
		install(SIGINT);
		install(SIGQUIT);
		install(SIGWINCH);
		OK(write(ready[1], "r", 1));
		show("^C", SIGINT);
		OK(write(ready[1], "r", 1));
		show("^\\", SIGQUIT);
		OK(write(ready[1], "r", 1));
		show("TIOCSWINSZ", SIGWINCH);
		close(s);
		_exit(0);
	}
	OK(read(ready[0], &c, 1));
	OK(write(m, "\003", 1));
	OK(read(ready[0], &c, 1));
	OK(write(m, "\034", 1));
	OK(read(ready[0], &c, 1));
	OK(ioctl(m, TIOCSWINSZ, &ws));
	OK(waitpid(pid, NULL, 0));
	close(m);
}

int
main(void)
{
	timers();
	terminal();
	return 0;
}
