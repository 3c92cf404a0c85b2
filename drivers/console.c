/*
 * The console: one tty on the host's stdin and stdout, as UML's
 * con=fd:0,fd:1, and the character devices that reach it.
 *
 *   console  5,1  the console tty; never becomes a controlling terminal
 *                 on open (as in Linux), but TIOCSCTTY works on it
 *   tty0     4,0  the console tty as an ordinary terminal: opening it
 *                 makes it the controlling terminal of a session leader
 *   tty      5,0  the caller's controlling terminal (-ENXIO if none)
 *
 * The host side (console_host.c) owns the host terminal: raw mode, its
 * restoration on every exit path, and the SIGWINCH notifications.  This
 * file moves bytes between it and the line discipline (tty.c).
 *
 * Input is pulled from the host only while the tty has room for it:
 * bytes the tty refuses are held here, stdin is no longer watched, and
 * the tty's unthrottle op resumes the flow once a reader made room.  A
 * stdin the idle loop cannot watch (a regular file, /dev/null) is always
 * readable, so it is read in bounded bursts from a timer instead.  At the
 * host's end of file, readers see end of file once they drained the rest.
 */
#include <fcntl.h>

#include "drivers/tty.h"
#include "fs/devtmpfs.h"
#include "fs/vfs.h"
#include "printk.h"
#include "sched.h"
#include "task.h"

#define TTYAUX_MAJOR 5
#define TTY_MAJOR 4

/* Reads of an unwatchable stdin per timer run: bounds a /dev/zero. */
#define CONSOLE_BURST 16

static ssize_t console_write(struct tty *tty, const char *buf, size_t len);
static void console_unthrottle(struct tty *tty);

static const struct tty_driver_ops console_driver_ops = {
	.write = console_write,
	.unthrottle = console_unthrottle,
};

static struct tty console_tty;

/* Host input on its way to the tty. */
static struct {
	char buf[512];
	size_t off, len;    /* buf[off, len) waits for room in the tty */
	bool watched;	    /* stdin is registered with the idle loop */
	bool pollable;	    /* it can be (a terminal, a pipe) */
	bool eof;	    /* the host said end of file */
	struct timer timer; /* bursts for an unwatchable stdin */
} cin;

static ssize_t
console_write(struct tty *tty, const char *buf, size_t len)
{
	return console_host_write(buf, len);
}

static void console_input_ready(void *arg);

static void
console_watch(bool on)
{
	if (on == cin.watched || !cin.pollable)
		return;
	if (!on) {
		console_host_unwatch_input();
		cin.watched = false;
	} else if (console_host_watch_input(console_input_ready, NULL) == 0) {
		cin.watched = true;
	}
}

/* Offer the held bytes to the tty: true if it took them all. */
static bool
console_push(void)
{
	cin.off += tty_input(&console_tty, cin.buf + cin.off,
			     cin.len - cin.off);
	return cin.off == cin.len;
}

static void
console_eof(void)
{
	cin.eof = true;
	console_watch(false);
	tty_input_eof(&console_tty);
}

/*
 * Read one chunk from the host and hand it on.  False when there is no
 * point reading more now: the tty is full, stdin is empty, or at its end.
 */
static bool
console_pull_one(void)
{
	ssize_t n;

	if (cin.eof)
		return false;
	if (cin.off < cin.len && !console_push()) {
		console_watch(false); /* throttled: wait for unthrottle */
		return false;
	}
	n = console_host_read(cin.buf, sizeof(cin.buf));
	if (n == -EAGAIN)
		return false;
	if (n <= 0) {
		if (n < 0)
			pr_warn("console: host stdin: error %zd, treated as "
				"end of file", n);
		console_eof();
		return false;
	}
	cin.off = 0;
	cin.len = (size_t)n;
	if (!console_push()) {
		console_watch(false);
		return false;
	}
	return true;
}

/* The idle loop saw stdin readable: one chunk (epoll will call again). */
static void
console_input_ready(void *arg)
{
	console_pull_one();
}

static void
console_burst(struct timer *tm)
{
	int i;

	for (i = 0; i < CONSOLE_BURST; i++)
		if (!console_pull_one())
			return;
	timer_add(&cin.timer, ktime_now() + 1000000);
}

/* Readers made room: go on with the held bytes, then with the host. */
static void
console_unthrottle(struct tty *tty)
{
	if (cin.off < cin.len && !console_push())
		return;
	if (cin.eof)
		return;
	if (cin.pollable)
		console_watch(true);
	else if (!cin.timer.armed)
		timer_add(&cin.timer, ktime_now());
}

static void
console_winch(void *arg)
{
	struct tty_winsize ws;

	if (console_host_winsize(&ws) == 0)
		tty_set_winsize(&console_tty, &ws);
}

/* Start taking input from the host's stdin. */
static void
console_start_input(void)
{
	int r = console_host_watch_input(console_input_ready, NULL);

	cin.timer.fn = console_burst;
	if (r == 0) {
		cin.pollable = cin.watched = true;
		return;
	}
	if (r == -EPERM) {
		timer_add(&cin.timer, ktime_now());
		return;
	}
	pr_warn("console: cannot watch the host's stdin (error %d)", r);
	console_eof();
}

/* Opens. */

static int
console_open(struct inode *inode, struct file *f)
{
	return tty_open(&console_tty, f, true);
}

static int
tty0_open(struct inode *inode, struct file *f)
{
	return tty_open(&console_tty, f, false);
}

/* /dev/tty: whatever controlling terminal the caller has. */
static int
devtty_open(struct inode *inode, struct file *f)
{
	struct process *p = current ? current->proc : NULL;

	if (p == NULL || p->tty == NULL)
		return -ENXIO;
	return tty_open(p->tty, f, true);
}

static const struct file_ops console_fops = { .open = console_open };
static const struct file_ops tty0_fops = { .open = tty0_open };
static const struct file_ops devtty_fops = { .open = devtty_open };

struct file *
console_open_initial(void)
{
	struct path node;
	struct file *f;

	/* The /dev/console node, so fstat, fchmod and /proc see a device. */
	if (devtmpfs_path("console", &node) < 0)
		return NULL;
	f = file_alloc(node.dentry->inode, &console_fops, O_RDWR);
	if (f == NULL) {
		path_put(&node);
		return NULL;
	}
	f->path = node;
	if (console_open(NULL, f) < 0) {
		file_put(f);
		return NULL;
	}
	return f;
}

/* One device: its number, its node, its ops. */
static int
console_add_dev(unsigned int major, unsigned int minor, const char *name,
		uint32_t perm, const struct file_ops *ops)
{
	int r;

	if ((r = chrdev_register(major, minor, 1, name, ops)) < 0)
		return r;
	r = devtmpfs_create_node(name, K_S_IFCHR | perm,
				 k_makedev(major, minor));
	return r == -EEXIST ? 0 : r;
}

int
console_init(void)
{
	struct tty_winsize ws;
	int r;

	tty_init(&console_tty, "console", &console_driver_ops, NULL);
	if ((r = console_host_init()) < 0)
		pr_warn("console: host terminal setup failed (error %d)", r);
	if (console_host_winsize(&ws) == 0)
		console_tty.winsize = ws;
	console_host_watch_winch(console_winch, NULL);
	console_start_input();
	if ((r = console_add_dev(TTYAUX_MAJOR, 1, "console", 0600,
				 &console_fops)) < 0 ||
	    (r = console_add_dev(TTYAUX_MAJOR, 0, "tty", 0666,
				 &devtty_fops)) < 0 ||
	    (r = console_add_dev(TTY_MAJOR, 0, "tty0", 0620, &tty0_fops)) < 0)
		pr_err("console: cannot register the devices (error %d)", r);
	return r;
}
