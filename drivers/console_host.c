/*
 * The console's host side: the host's stdin and stdout, and the host
 * terminal behind them.  console.c, in the core, calls these; nothing
 * else in drivers/ touches the host.
 *
 * When stdin is a terminal (and we are in its foreground), it goes into
 * raw mode for as long as the guest runs: no echo, no canonical editing,
 * no signals (^C arrives as a byte for the guest's line discipline), no
 * output processing (the guest's ONLCR already made "\r\n").  The saved
 * settings come back on every way out:
 *
 *   host_exit() and exit()   hooks (halt, panic, boot errors)
 *   fatal signals            a handler restores, then dies of the signal
 *   SIGTSTP                  restore, stop; SIGCONT goes raw again
 *
 * Only SIGKILL can leave the terminal raw ("reset" repairs it).  Handlers
 * are installed only over default dispositions, so a debugger's or a
 * sanitizer's stay in charge.
 *
 * SIGWINCH reaches the kernel through a self-pipe that the idle loop
 * watches: the handler only writes a byte, the kernel acts later.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "drivers/tty.h"
#include "host/host.h"

#define CON_IN 0
#define CON_OUT 1

static struct termios saved_termios, raw_termios;
static volatile sig_atomic_t want_raw;	 /* raw mode is set up */
static volatile sig_atomic_t raw_active; /* the terminal is raw now */
static bool out_is_pipe;		 /* stdout can raise SIGPIPE */

/* Where fatal-signal handlers run if the kernel's stack overflowed. */
static char altstack[65536];

static int winch_pipe[2] = { -1, -1 };
static void (*winch_cb)(void *arg);
static void *winch_arg;

/* Terminal modes; everything here is async-signal-safe. */

static void
term_restore(void)
{
	if (raw_active) {
		tcsetattr(CON_IN, TCSANOW, &saved_termios);
		raw_active = 0;
	}
}

static void
term_make_raw(void)
{
	if (want_raw && !raw_active && tcgetpgrp(CON_IN) == getpgrp() &&
	    tcsetattr(CON_IN, TCSANOW, &raw_termios) == 0)
		raw_active = 1;
}

/* The exit hook: wait for queued output, then restore. */
static void
console_host_restore(void)
{
	if (raw_active) {
		tcsetattr(CON_IN, TCSADRAIN, &saved_termios);
		raw_active = 0;
	}
	want_raw = 0;
}

/*
 * A fatal signal: SA_RESETHAND made its action the default again, and
 * SA_NODEFER lets raise() deliver it at once.
 */
static void
fatal_handler(int sig)
{
	term_restore();
	raise(sig);
}

static void
tstp_handler(int sig)
{
	int saved = errno;

	term_restore();
	raise(SIGSTOP);
	errno = saved; /* continued: SIGCONT made it raw again */
}

static void
cont_handler(int sig)
{
	int saved = errno;

	term_make_raw();
	errno = saved;
}

static void
winch_handler(int sig)
{
	int saved = errno;
	char c = 0;

	if (write(winch_pipe[1], &c, 1) < 0) {
		/* The pipe is full: a notification is pending anyway. */
	}
	errno = saved;
}

/* Install fn for sig unless someone else already handles or ignores it. */
static void
catch_signal(int sig, void (*fn)(int), int flags)
{
	struct sigaction old, sa;

	if (sigaction(sig, NULL, &old) < 0 || old.sa_handler != SIG_DFL ||
	    (old.sa_flags & SA_SIGINFO))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* An alternate signal stack for this thread, unless it has one. */
static void
use_altstack(void)
{
	stack_t old, ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };

	if (sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE))
		sigaltstack(&ss, NULL);
}

static void
catch_exit_signals(void)
{
	static const int fatal[] = { SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,
				     SIGILL,  SIGABRT, SIGBUS,	SIGFPE,
				     SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS };
	size_t i;

	use_altstack();
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		catch_signal(fatal[i], fatal_handler,
			     SA_RESETHAND | SA_NODEFER | SA_ONSTACK);
	catch_signal(SIGTSTP, tstp_handler, SA_RESTART);
	catch_signal(SIGCONT, cont_handler, SA_RESTART);
}

/* Put the terminal on stdin into raw mode, if we own it. */
static int
term_setup(void)
{
	if (tcgetattr(CON_IN, &saved_termios) < 0)
		return -errno;
	raw_termios = saved_termios;
	cfmakeraw(&raw_termios);
	raw_termios.c_cc[VMIN] = 1;
	raw_termios.c_cc[VTIME] = 0;
	host_atexit(console_host_restore);
	atexit(console_host_restore);
	catch_exit_signals();
	want_raw = 1;
	term_make_raw(); /* in the background: at SIGCONT, if ever */
	return 0;
}

static int
winch_setup(void)
{
	if (pipe2(winch_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return -errno;
	catch_signal(SIGWINCH, winch_handler, SA_RESTART);
	return 0;
}

int
console_host_init(void)
{
	struct stat st;
	int r = 0;

	if (fstat(CON_OUT, &st) == 0)
		out_is_pipe = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
	if (isatty(CON_IN))
		r = term_setup();
	if (isatty(CON_IN) || isatty(CON_OUT))
		winch_setup();
	return r;
}

/* Input. */

ssize_t
console_host_read(char *buf, size_t len)
{
	struct pollfd pfd = { .fd = CON_IN, .events = POLLIN };
	ssize_t n;
	int r;

	do
		r = poll(&pfd, 1, 0);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return -EAGAIN;
	do
		n = read(CON_IN, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

int
console_host_watch_input(void (*cb)(void *arg), void *arg)
{
	return host_watch_fd(CON_IN, cb, arg);
}

void
console_host_unwatch_input(void)
{
	host_unwatch_fd(CON_IN);
}

/* Output. */

static void
wait_writable(void)
{
	struct pollfd pfd = { .fd = CON_OUT, .events = POLLOUT };

	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
}

/* Write everything, through EINTR, short writes and a non-blocking fd. */
static int
write_all(const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(CON_OUT, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			wait_writable();
			continue;
		}
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * A pipe whose reader is gone must not kill the kernel with SIGPIPE:
 * block it around the write and take back the one EPIPE raised.
 */
static int
write_all_nosigpipe(const char *buf, size_t len)
{
	static const struct timespec zero;
	sigset_t pipe_set, old;
	int r;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	r = write_all(buf, len);
	if (r == -EPIPE && !sigismember(&old, SIGPIPE))
		sigtimedwait(&pipe_set, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

ssize_t
console_host_write(const char *buf, size_t len)
{
	int r = out_is_pipe ? write_all_nosigpipe(buf, len)
			    : write_all(buf, len);

	return r < 0 ? -EIO : (ssize_t)len;
}

/* Window size. */

int
console_host_winsize(struct tty_winsize *ws)
{
	struct winsize w;

	if (ioctl(CON_OUT, TIOCGWINSZ, &w) < 0 &&
	    ioctl(CON_IN, TIOCGWINSZ, &w) < 0)
		return -ENOTTY;
	if (w.ws_row == 0 && w.ws_col == 0)
		return -ENOTTY;
	ws->ws_row = w.ws_row;
	ws->ws_col = w.ws_col;
	ws->ws_xpixel = w.ws_xpixel;
	ws->ws_ypixel = w.ws_ypixel;
	return 0;
}

static void
winch_ready(void *arg)
{
	char buf[64];

	while (read(winch_pipe[0], buf, sizeof(buf)) > 0)
		;
	if (winch_cb)
		winch_cb(winch_arg);
}

int
console_host_watch_winch(void (*cb)(void *arg), void *arg)
{
	if (winch_pipe[0] < 0)
		return -ENOTTY;
	winch_cb = cb;
	winch_arg = arg;
	return host_watch_fd(winch_pipe[0], winch_ready, NULL);
}
