/*
 * Unit test of the line discipline (drivers/tty.c) on the host.
 *
 * The tty code is included whole; the few core services it calls are
 * stood in for here: signals are recorded instead of sent, guest memory is
 * host memory, and sleep_on() never sleeps: it runs a test hook (which may
 * feed input, as the idle loop would) and then reports a wakeup, a timeout
 * (when the caller gave a deadline) or a signal.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "drivers/tty.c"

/* Stand-ins for the core. */

struct task *current;
struct list all_processes = LIST_INIT(all_processes);

static struct sighand test_sighand;
static struct task test_task;
static struct process proc_fg, proc_bg, proc_other;

static struct {
	int pgid, sig;
} sent[32];
static int nr_sent;
static bool pgrp_orphaned;

static void (*sleep_hook)(void);
static int64_t last_deadline, fake_now = 1000000000;

int
kill_pgrp(int pgid, int sig, const struct ksiginfo *info)
{
	if (nr_sent < 32) {
		sent[nr_sent].pgid = pgid;
		sent[nr_sent].sig = sig;
		nr_sent++;
	}
	return 0;
}

int
send_signal_process(struct process *p, int sig, const struct ksiginfo *info)
{
	return kill_pgrp(-p->pid, sig, info);
}

struct process *
process_find(int pid)
{
	struct process *p;

	list_for_each_entry(p, &all_processes, all_link) {
		if (p->pid == pid)
			return p;
	}
	return NULL;
}

bool
process_pgrp_orphaned(struct process *p)
{
	return pgrp_orphaned;
}

void
wake_up(struct wait_queue *wq)
{
}

void
poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
}

int64_t
ktime_now(void)
{
	return fake_now;
}

int
sleep_on(struct wait_queue *wq, int64_t deadline, const char *wchan)
{
	last_deadline = deadline;
	if (sleep_hook) {
		void (*hook)(void) = sleep_hook;

		sleep_hook = NULL;
		hook();
		return 0;
	}
	if (deadline >= 0) {
		fake_now = deadline;
		return -ETIMEDOUT;
	}
	return -ERESTARTSYS;
}

int
copy_from_user(struct task *t, void *dst, uaddr_t src, size_t n)
{
	memcpy(dst, (void *)(uintptr_t)src.addr, n);
	return 0;
}

int
copy_to_user(struct task *t, uaddr_t dst, const void *src, size_t n)
{
	memcpy((void *)(uintptr_t)dst.addr, src, n);
	return 0;
}

int
uio_out(struct uio *u, const void *src, size_t n)
{
	memcpy((char *)(uintptr_t)u->base + u->done, src, n);
	u->done += n;
	return 0;
}

int
uio_in(struct uio *u, void *dst, size_t n)
{
	memcpy(dst, (const char *)(uintptr_t)u->base + u->done, n);
	u->done += n;
	return 0;
}

/* A device that records what the tty sends it. */

static char dev_out[8192];
static size_t dev_len;
static int nr_unthrottle;

static ssize_t
dev_write(struct tty *tty, const char *buf, size_t len)
{
	if (dev_len + len <= sizeof(dev_out)) {
		memcpy(dev_out + dev_len, buf, len);
		dev_len += len;
	}
	return (ssize_t)len;
}

static void
dev_unthrottle(struct tty *tty)
{
	nr_unthrottle++;
}

static const struct tty_driver_ops dev_ops = {
	.write = dev_write,
	.unthrottle = dev_unthrottle,
};

static struct tty tty;
static struct file tty_file;

static void
add_process(struct process *p, int pid, int pgid, int sid)
{
	p->pid = pid;
	p->pgid = pgid;
	p->sid = sid;
	p->state = PROC_ALIVE;
	p->sighand = &test_sighand;
	list_add_tail(&p->all_link, &all_processes);
}

/* A fresh tty, opened by the session leader proc_fg (its ctty). */
static void
setup(void)
{
	static bool once;

	if (!once) {
		add_process(&proc_fg, 100, 100, 100);
		add_process(&proc_bg, 200, 200, 100);
		add_process(&proc_other, 300, 300, 300);
		once = true;
	}
	memset(&test_sighand, 0, sizeof(test_sighand));
	memset(&test_task, 0, sizeof(test_task));
	test_task.proc = &proc_fg;
	current = &test_task;
	proc_fg.tty = proc_bg.tty = proc_other.tty = NULL;
	tty_init(&tty, "ttyT", &dev_ops, NULL);
	memset(&tty_file, 0, sizeof(tty_file));
	tty_file.flags = O_RDWR;
	CHECK_EQ(tty_open(&tty, &tty_file, false), 0);
	proc_bg.tty = proc_fg.tty;
	dev_len = 0;
	nr_sent = 0;
	nr_unthrottle = 0;
	pgrp_orphaned = false;
	sleep_hook = NULL;
}

static void
feed(const char *s)
{
	size_t n = strlen(s);

	CHECK_EQ(tty_input(&tty, s, n), n);
}

static ssize_t
rd(char *buf, size_t len, bool nonblock)
{
	struct uio u = uio_kernel(buf, len);

	tty_file.flags = O_RDWR | (nonblock ? O_NONBLOCK : 0);
	memset(buf, 0, len);
	return tty_file.ops->read(&tty_file, &u, &tty_file.pos);
}

static ssize_t
wr(const char *s)
{
	struct uio u = uio_kernel((void *)s, strlen(s));

	tty_file.flags = O_RDWR;
	return tty_file.ops->write(&tty_file, &u, &tty_file.pos);
}

static long
ioc(unsigned int cmd, void *arg)
{
	return tty_file.ops->ioctl(&tty_file, cmd, (uint64_t)(uintptr_t)arg);
}

/* Did the device get exactly s since the last check? */
static bool
dev_is(const char *s)
{
	bool ok = dev_len == strlen(s) && memcmp(dev_out, s, dev_len) == 0;

	if (!ok)
		fprintf(stderr, "device got \"%.*s\", wanted \"%s\"\n",
			(int)dev_len, dev_out, s);
	dev_len = 0;
	return ok;
}

static void
set_lflag(uint32_t set, uint32_t clear)
{
	struct ktermios t;

	CHECK_EQ(ioc(K_TCGETS, &t), 0);
	t.c_lflag = (t.c_lflag | set) & ~clear;
	CHECK_EQ(ioc(K_TCSETS, &t), 0);
}

static void
set_raw(uint8_t min, uint8_t time)
{
	struct ktermios t;

	CHECK_EQ(ioc(K_TCGETS, &t), 0);
	t.c_lflag &= ~(uint32_t)(K_ICANON | K_ECHO);
	t.c_cc[K_VMIN] = min;
	t.c_cc[K_VTIME] = time;
	CHECK_EQ(ioc(K_TCSETS, &t), 0);
}

/* The tests. */

static void
test_canon_line(void)
{
	char buf[64];

	setup();
	CHECK(proc_fg.tty == &tty);
	CHECK_EQ(tty.session, 100);
	CHECK_EQ(tty.pgrp, 100);
	feed("hel");
	CHECK_EQ(rd(buf, sizeof(buf), true), -EAGAIN);
	feed("lo\nnext\n");
	CHECK(dev_is("hello\r\nnext\r\n"));
	CHECK_EQ(rd(buf, sizeof(buf), false), 6);
	CHECK(strcmp(buf, "hello\n") == 0);
	CHECK_EQ(rd(buf, 2, false), 2);
	CHECK(memcmp(buf, "ne", 2) == 0);
	CHECK_EQ(rd(buf, sizeof(buf), false), 3);
	CHECK(strcmp(buf, "xt\n") == 0);
	CHECK_EQ(rd(buf, sizeof(buf), false), -ERESTARTSYS);
}

static void
test_erase(void)
{
	char buf[64];

	setup();
	feed("abc\177\n");
	CHECK(dev_is("abc\b \b\r\n"));
	CHECK_EQ(rd(buf, sizeof(buf), true), 3);
	CHECK(strcmp(buf, "ab\n") == 0);

	/* ^H erases too while VERASE is ^?. */
	feed("xy\b\n");
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
	CHECK(strcmp(buf, "x\n") == 0);

	/* Erasing at the start of a line does nothing. */
	dev_len = 0;
	feed("\177\177q\n");
	CHECK(dev_is("q\r\n"));
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);

	/* An echoed control character takes two columns. */
	feed("\001\177\n");
	CHECK(dev_is("^A\b \b\b \b\r\n"));
	CHECK_EQ(rd(buf, sizeof(buf), true), 1);

	/* A tab erases back to where it began. */
	feed("a\tb\177\177\n");
	CHECK(dev_is("a\tb\b \b\b\b\b\b\b\b\b\r\n"));
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
	CHECK(strcmp(buf, "a\n") == 0);

	/* Without ECHOE the erase character is echoed instead. */
	set_lflag(0, K_ECHOE);
	feed("ab\177\n");
	CHECK(dev_is("ab^?\r\n"));
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
}

static void
test_kill_werase(void)
{
	char buf[64];

	setup();
	feed("abc\025def\n");
	CHECK(dev_is("abc\b \b\b \b\b \bdef\r\n"));
	CHECK_EQ(rd(buf, sizeof(buf), true), 4);
	CHECK(strcmp(buf, "def\n") == 0);

	feed("foo bar  \027baz\n");
	CHECK_EQ(rd(buf, sizeof(buf), true), 8);
	CHECK(strcmp(buf, "foo baz\n") == 0);

	/* ECHOK without ECHOKE: the kill character, then a newline. */
	set_lflag(0, K_ECHOKE);
	dev_len = 0;
	feed("xy\025z\n");
	CHECK(dev_is("xy^U\r\nz\r\n"));
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
	CHECK(strcmp(buf, "z\n") == 0);
}

static void
test_eof(void)
{
	char buf[64];

	setup();
	feed("\004");
	CHECK(dev_is(""));
	CHECK_EQ(rd(buf, sizeof(buf), true), 0);
	CHECK_EQ(rd(buf, sizeof(buf), true), -EAGAIN);

	/* Mid-line: the line so far, without the ^D. */
	feed("ab\004");
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
	CHECK(strcmp(buf, "ab") == 0);
	CHECK_EQ(rd(buf, sizeof(buf), true), -EAGAIN);

	/* A buffer the line fills exactly takes the ^D with it. */
	feed("cd\004");
	CHECK_EQ(rd(buf, 2, true), 2);
	CHECK_EQ(rd(buf, sizeof(buf), true), -EAGAIN);

	/* ...but not the ^D of the next, empty line. */
	feed("ef\n\004");
	CHECK_EQ(rd(buf, 3, true), 3);
	CHECK_EQ(rd(buf, sizeof(buf), true), 0);

	/* The device's end of file: the partial line, then 0 for good. */
	feed("gh");
	tty_input_eof(&tty);
	CHECK_EQ(rd(buf, sizeof(buf), false), 2);
	CHECK(strcmp(buf, "gh") == 0);
	CHECK_EQ(rd(buf, sizeof(buf), false), 0);
	CHECK_EQ(rd(buf, sizeof(buf), false), 0);
}

static void
test_isig(void)
{
	char buf[64];

	setup();
	feed("abc\003");
	CHECK(dev_is("abc^C"));
	CHECK_EQ(nr_sent, 1);
	CHECK_EQ(sent[0].pgid, 100);
	CHECK_EQ(sent[0].sig, SIGINT);
	feed("x\n");
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
	CHECK(strcmp(buf, "x\n") == 0);

	feed("\034\032");
	CHECK_EQ(nr_sent, 3);
	CHECK_EQ(sent[1].sig, SIGQUIT);
	CHECK_EQ(sent[2].sig, SIGTSTP);

	/* NOFLSH keeps the line. */
	set_lflag(K_NOFLSH, 0);
	feed("ab\003c\n");
	CHECK_EQ(rd(buf, sizeof(buf), true), 4);
	CHECK(strcmp(buf, "abc\n") == 0);

	/* ISIG off: ^C is data.  VLNEXT makes it literal with ISIG on. */
	set_lflag(0, K_ISIG);
	nr_sent = 0;
	feed("\003\n");
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
	CHECK_EQ(buf[0], 3);
	set_lflag(K_ISIG, 0);
	dev_len = 0;
	feed("\026\003\n");
	CHECK(dev_is("^\b^C\r\n"));
	CHECK_EQ(nr_sent, 0);
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
	CHECK_EQ(buf[0], 3);
}

static void
test_iflags(void)
{
	struct ktermios t;
	char buf[64];

	setup();
	feed("a\r");
	CHECK(dev_is("a\r\n"));
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
	CHECK(strcmp(buf, "a\n") == 0);

	CHECK_EQ(ioc(K_TCGETS, &t), 0);
	t.c_iflag = K_IGNCR | K_ISTRIP;
	CHECK_EQ(ioc(K_TCSETS, &t), 0);
	feed("b\r\xe3\n");
	CHECK_EQ(rd(buf, sizeof(buf), true), 3);
	CHECK(strcmp(buf, "bc\n") == 0);

	t.c_iflag = K_INLCR;
	t.c_lflag &= ~(uint32_t)K_ICANON;
	CHECK_EQ(ioc(K_TCSETS, &t), 0);
	feed("x\n");
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
	CHECK(strcmp(buf, "x\r") == 0);
}

static void
test_output(void)
{
	struct ktermios t;

	setup();
	CHECK_EQ(wr("a\nb"), 3);
	CHECK(dev_is("a\r\nb"));
	CHECK_EQ(ioc(K_TCGETS, &t), 0);
	t.c_oflag &= ~(uint32_t)K_OPOST;
	CHECK_EQ(ioc(K_TCSETS, &t), 0);
	CHECK_EQ(wr("a\nb"), 3);
	CHECK(dev_is("a\nb"));

	/* ^S stops output; a non-blocking writer is told to wait. */
	feed("\023");
	tty_file.flags = O_RDWR | O_NONBLOCK;
	{
		struct uio u = uio_kernel("z", 1);

		CHECK_EQ(tty_file.ops->write(&tty_file, &u, &tty_file.pos),
			 -EAGAIN);
	}
	feed("\021");
	CHECK_EQ(wr("z"), 1);
	CHECK(dev_is("z"));
}

static void
feed_one_byte(void)
{
	feed("2");
}

static void
test_raw_vmin_vtime(void)
{
	char buf[64];

	setup();
	set_raw(0, 0);
	CHECK_EQ(rd(buf, sizeof(buf), false), 0);
	CHECK_EQ(rd(buf, sizeof(buf), true), 0);
	feed("ab");
	CHECK(dev_is(""));
	CHECK_EQ(rd(buf, sizeof(buf), false), 2);

	/* MIN 0, TIME 5: wait half a second for anything, then 0. */
	set_raw(0, 5);
	CHECK_EQ(rd(buf, sizeof(buf), false), 0);
	CHECK_EQ(last_deadline > 0, 1);
	sleep_hook = feed_one_byte;
	CHECK_EQ(rd(buf, sizeof(buf), false), 1);

	/* MIN 2, TIME 0: block for two bytes. */
	set_raw(2, 0);
	feed("1");
	sleep_hook = feed_one_byte;
	CHECK_EQ(rd(buf, sizeof(buf), false), 2);
	CHECK(strcmp(buf, "12") == 0);
	/* A signal ends the wait: what was read, or -ERESTARTSYS. */
	CHECK_EQ(rd(buf, sizeof(buf), false), -ERESTARTSYS);
	feed("1");
	CHECK_EQ(rd(buf, sizeof(buf), false), 1);
	feed("1");
	CHECK_EQ(rd(buf, sizeof(buf), true), 1);
	/* A buffer smaller than MIN is enough. */
	feed("xyz");
	CHECK_EQ(rd(buf, 1, false), 1);
	CHECK_EQ(rd(buf, sizeof(buf), false), 2);

	/* MIN 2, TIME 1: the inter-byte timer ends the read early. */
	set_raw(2, 1);
	feed("1");
	CHECK_EQ(rd(buf, sizeof(buf), false), 1);
	CHECK_EQ(last_deadline, fake_now);

	/* End of file from the device: data, then 0. */
	feed("q");
	tty_input_eof(&tty);
	CHECK_EQ(rd(buf, sizeof(buf), false), 1);
	CHECK_EQ(rd(buf, sizeof(buf), false), 0);
}

static void
test_throttle(void)
{
	static char big[TTY_BUF_SIZE + 100];
	char buf[64];

	setup();
	set_raw(1, 0);
	memset(big, 'x', sizeof(big));
	CHECK_EQ(tty_input(&tty, big, sizeof(big)), TTY_BUF_SIZE);
	CHECK(tty.throttled);
	CHECK_EQ(rd(buf, sizeof(buf), false), (ssize_t)sizeof(buf));
	CHECK_EQ(nr_unthrottle, 1);
	CHECK(!tty.throttled);

	/* Echo of a full canonical line does not block; it is dropped. */
	setup();
	memset(big, 'y', sizeof(big));
	CHECK_EQ(tty_input(&tty, big, sizeof(big)), sizeof(big));
	feed("\n");
	CHECK_EQ(tty.rcount, TTY_LINE_MAX + 1);
}

static void
test_job_control(void)
{
	char buf[8];
	int pgrp;

	setup();
	test_task.proc = &proc_bg;
	CHECK_EQ(rd(buf, sizeof(buf), true), -ERESTARTSYS);
	CHECK_EQ(nr_sent, 1);
	CHECK_EQ(sent[0].pgid, 200);
	CHECK_EQ(sent[0].sig, SIGTTIN);

	/* Writes go through unless TOSTOP. */
	CHECK_EQ(wr("w"), 1);

	/* Changing termios from the background stops the group. */
	CHECK_EQ(ioc(K_TCSETS, &tty.termios), -ERESTARTSYS);
	CHECK_EQ(nr_sent, 2);
	CHECK_EQ(sent[1].sig, SIGTTOU);
	test_task.proc = &proc_fg;
	set_lflag(K_TOSTOP, 0);
	test_task.proc = &proc_bg;
	nr_sent = 0;
	CHECK_EQ(wr("w"), -ERESTARTSYS);
	CHECK_EQ(sent[0].sig, SIGTTOU);

	test_task.blocked = SIGMASK(SIGTTIN);
	CHECK_EQ(rd(buf, sizeof(buf), true), -EIO);
	test_task.blocked = 0;
	pgrp_orphaned = true;
	CHECK_EQ(rd(buf, sizeof(buf), true), -EIO);
	pgrp_orphaned = false;

	/* The foreground group moves to proc_bg's. */
	test_task.proc = &proc_fg;
	pgrp = 200;
	CHECK_EQ(ioc(K_TIOCSPGRP, &pgrp), 0);
	CHECK_EQ(tty.pgrp, 200);
	pgrp = 0;
	CHECK_EQ(ioc(K_TIOCGPGRP, &pgrp), 0);
	CHECK_EQ(pgrp, 200);
	pgrp = 300;
	test_task.proc = &proc_bg;
	set_lflag(0, K_TOSTOP);
	CHECK_EQ(ioc(K_TIOCSPGRP, &pgrp), -EPERM);
	pgrp = 999;
	CHECK_EQ(ioc(K_TIOCSPGRP, &pgrp), -ESRCH);
	pgrp = -1;
	CHECK_EQ(ioc(K_TIOCSPGRP, &pgrp), -EINVAL);
	CHECK_EQ(ioc(K_TIOCGSID, &pgrp), 0);
	CHECK_EQ(pgrp, 100);
	test_task.proc = &proc_other;
	CHECK_EQ(ioc(K_TIOCGPGRP, &pgrp), -ENOTTY);
	CHECK_EQ(ioc(K_TIOCSPGRP, &pgrp), -ENOTTY);
	CHECK_EQ(ioc(K_TIOCSCTTY, NULL), -EPERM);

	/* The leader gives the tty up: SIGHUP and SIGCONT to the group. */
	test_task.proc = &proc_fg;
	nr_sent = 0;
	CHECK_EQ(ioc(K_TIOCNOTTY, NULL), 0);
	CHECK_EQ(nr_sent, 2);
	CHECK_EQ(sent[0].sig, SIGHUP);
	CHECK_EQ(sent[0].pgid, 200);
	CHECK_EQ(sent[1].sig, SIGCONT);
	CHECK(proc_fg.tty == NULL && proc_bg.tty == NULL);
	CHECK_EQ(tty.session, 0);

	/* Another session leader may now take it. */
	test_task.proc = &proc_other;
	CHECK_EQ(ioc(K_TIOCSCTTY, NULL), 0);
	CHECK_EQ(tty.session, 300);
	CHECK(proc_other.tty == &tty);
}

static void
test_open_ctty(void)
{
	struct file f2 = { .flags = O_RDWR };

	setup();
	CHECK_EQ(tty.count, 1);
	tty_disassociate(&proc_fg, true);
	CHECK_EQ(tty.session, 0);
	CHECK_EQ(tty_open(&tty, &f2, true), 0);
	CHECK(proc_fg.tty == NULL);
	f2.flags |= O_NOCTTY;
	CHECK_EQ(tty_open(&tty, &f2, false), 0);
	CHECK(proc_fg.tty == NULL);
	/* Not a session leader: no ctty. */
	test_task.proc = &proc_bg;
	proc_bg.tty = NULL;
	f2.flags = O_RDWR;
	CHECK_EQ(tty_open(&tty, &f2, false), 0);
	CHECK(proc_bg.tty == NULL);
	test_task.proc = &proc_fg;
	CHECK_EQ(tty_open(&tty, &f2, false), 0);
	CHECK(proc_fg.tty == &tty);
	CHECK_EQ(tty.count, 5);
}

static void
test_ioctls(void)
{
	struct ktermios t;
	struct tty_winsize ws = { 50, 132, 0, 0 };
	char buf[8];
	int n;

	setup();
	memset(&t, 0xff, sizeof(t));
	CHECK_EQ(ioc(K_TCGETS, &t), 0);
	CHECK_EQ(t.c_ispeed, 0xffffffffu); /* only 36 bytes written */
	CHECK_EQ(t.c_lflag, tty.termios.c_lflag);
	CHECK_EQ(t.c_cc[K_VINTR], 3);
	CHECK_EQ(ioc(K_TCGETS2, &t), 0);
	CHECK_EQ(t.c_ispeed, 38400);

	CHECK_EQ(ioc(K_TIOCSWINSZ, &ws), 0);
	CHECK_EQ(nr_sent, 1);
	CHECK_EQ(sent[0].sig, SIGWINCH);
	CHECK_EQ(ioc(K_TIOCSWINSZ, &ws), 0);
	CHECK_EQ(nr_sent, 1); /* unchanged: no signal */
	memset(&ws, 0, sizeof(ws));
	CHECK_EQ(ioc(K_TIOCGWINSZ, &ws), 0);
	CHECK_EQ(ws.ws_col, 132);

	feed("abc\n");
	CHECK_EQ(ioc(K_FIONREAD, &n), 0);
	CHECK_EQ(n, 4);
	CHECK_EQ(ioc(K_TCFLSH, (void *)K_TCIFLUSH), 0);
	CHECK_EQ(ioc(K_FIONREAD, &n), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(ioc(K_TCFLSH, (void *)7), -EINVAL);

	n = 1;
	CHECK_EQ(ioc(K_FIONBIO, &n), 0);
	CHECK(tty_file.flags & O_NONBLOCK);
	CHECK_EQ(ioc(K_TIOCOUTQ, &n), 0);
	CHECK_EQ(n, 0);
	CHECK_EQ(ioc(K_TCSBRK, (void *)1), 0);
	CHECK_EQ(ioc(0x5499, NULL), -ENOTTY);

	/* TCSETSF flushes input; raw mode keeps a half-typed line. */
	feed("zz");
	CHECK_EQ(ioc(K_TCGETS, &t), 0);
	t.c_lflag &= ~(uint32_t)K_ICANON;
	CHECK_EQ(ioc(K_TCSETS, &t), 0);
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
	feed("q");
	CHECK_EQ(ioc(K_TCSETSF, &t), 0);
	CHECK_EQ(rd(buf, sizeof(buf), true), -EAGAIN);

	/* Raw input typed before ICANON goes on reads as a line. */
	feed("raw");
	t.c_lflag |= K_ICANON;
	CHECK_EQ(ioc(K_TCSETS, &t), 0);
	CHECK_EQ(rd(buf, sizeof(buf), true), 3);
}

static void
test_echo_flags(void)
{
	char buf[8];

	setup();
	set_lflag(K_ECHONL, K_ECHO);
	feed("se\n");
	CHECK(dev_is("\r\n"));
	CHECK_EQ(rd(buf, sizeof(buf), true), 3);
	set_lflag(K_ECHO, K_ECHOCTL);
	feed("\001\n");
	CHECK(dev_is("\001\r\n"));
	CHECK_EQ(rd(buf, sizeof(buf), true), 2);
}

static unsigned int
poll_mask(void)
{
	return tty_file.ops->poll(&tty_file, NULL);
}

static void
test_poll_hangup(void)
{
	char buf[8];

	setup();
	CHECK_EQ(poll_mask(), K_POLLOUT | K_POLLWRNORM);
	feed("ab");
	CHECK_EQ(poll_mask() & K_POLLIN, 0);
	feed("\n");
	CHECK(poll_mask() & K_POLLIN);
	CHECK_EQ(rd(buf, sizeof(buf), true), 3);
	set_raw(2, 0);
	feed("x");
	CHECK_EQ(poll_mask() & K_POLLIN, 0);
	feed("y");
	CHECK(poll_mask() & K_POLLIN);

	nr_sent = 0;
	tty_hangup(&tty);
	CHECK(poll_mask() & K_POLLHUP);
	CHECK_EQ(nr_sent, 2);
	CHECK_EQ(sent[0].pgid, -100); /* the session leader */
	CHECK_EQ(sent[0].sig, SIGHUP);
	CHECK_EQ(sent[1].sig, SIGCONT);
	CHECK(proc_fg.tty == NULL);
	CHECK_EQ(wr("z"), -EIO);
	CHECK_EQ(rd(buf, sizeof(buf), false), 2);
	CHECK_EQ(rd(buf, sizeof(buf), false), 0);
}

int
main(void)
{
	test_canon_line();
	test_erase();
	test_kill_werase();
	test_eof();
	test_isig();
	test_iflags();
	test_output();
	test_raw_vmin_vtime();
	test_throttle();
	test_job_control();
	test_open_ctty();
	test_ioctls();
	test_echo_flags();
	test_poll_hangup();
	return unit_done("tty");
}
