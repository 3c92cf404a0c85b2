/*
 * Pseudo-terminals: /dev/ptmx (5,2) and the slaves /dev/pts/N (136,N).
 *
 * Opening /dev/ptmx makes a pair.  The slave is an ordinary tty (tty.c)
 * whose "device" is the master: what the slave's line discipline outputs
 * (writes after OPOST, and echo) lands in a ring here that master reads
 * drain, and master writes are the slave's received bytes (tty_input).
 * The master file is not a tty of its own; its termios and window size
 * ioctls act on the slave, as in BSD and close enough to Linux for
 * isatty(), script, ssh and tmux.
 *
 * Flow control both ways: the slave's writers sleep while the ring has
 * less room than one chunk of output (write_room), and master readers
 * wake them; master writers sleep while the slave refuses input (its
 * line discipline is full) until the slave's unthrottle op.  Echo that
 * does not fit is dropped, as a real terminal would lose it.
 *
 * Lifetime: a pty lives while its master is open or any slave file is.
 * Closing the master hangs the slave up (SIGHUP to its session, reads
 * return 0, writes -EIO), removes /dev/pts/N and refuses new slave opens.
 * Once the slave was opened and all its files are closed, master reads
 * return -EIO after the ring is drained, as on Linux.  The devpts name
 * (kernel/fs/devpts.c) appears on the ptmx open; unlockpt (TIOCSPTLCK 0)
 * is needed before the slave can be opened.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/tty.h"
#include "fs/devpts.h"
#include "fs/devtmpfs.h"
#include "fs/poll.h"
#include "fs/vfs.h"
#include "printk.h"
#include "sched.h"
#include "task.h"
#include "uaccess.h"

#define PTMX_MAJOR 5
#define PTMX_MINOR 2
#define PTS_MAJOR 136
#define PTY_MAX 1024
#define PTY_BUF_SIZE 16384
#define TTY_GID 5

/* Master ioctls (Linux's numbers). */
#define K_TIOCPKT 0x5420
#define K_TIOCGPTN 0x80045430
#define K_TIOCSPTLCK 0x40045431
#define K_TIOCGPKT 0x80045438
#define K_TIOCGPTLCK 0x80045439

struct pty {
	unsigned int index;
	char name[16]; /* "pts/N", the slave tty's name */
	struct tty slave;

	/* The slave's output, waiting for master reads. */
	char obuf[PTY_BUF_SIZE];
	size_t ohead, olen;

	bool master_open;
	bool slave_opened; /* ever: master reads say -EIO once it closed */
	bool locked;	   /* TIOCSPTLCK: slave opens fail with -EIO */
	struct wait_queue master_wait; /* master readers and writers */
};

static struct pty *ptys[PTY_MAX];

static struct pty *
tty_to_pty(struct tty *tty)
{
	return tty->driver_priv;
}

/* The slave's driver side. */

/* Slave output (and echo) into the ring; what does not fit is dropped. */
static ssize_t
pty_slave_write(struct tty *tty, const char *buf, size_t len)
{
	struct pty *pty = tty_to_pty(tty);
	size_t i, n = PTY_BUF_SIZE - pty->olen;

	if (!pty->master_open)
		return -EIO;
	if (n > len)
		n = len;
	for (i = 0; i < n; i++)
		pty->obuf[(pty->ohead + pty->olen + i) % PTY_BUF_SIZE] = buf[i];
	pty->olen += n;
	if (n > 0)
		wake_up(&pty->master_wait);
	return (ssize_t)len;
}

static size_t
pty_slave_write_room(struct tty *tty)
{
	struct pty *pty = tty_to_pty(tty);

	if (!pty->master_open)
		return PTY_BUF_SIZE; /* writes fail at once, never wait */
	return PTY_BUF_SIZE - pty->olen;
}

/* The slave's line discipline has room again: master writers go on. */
static void
pty_slave_unthrottle(struct tty *tty)
{
	wake_up(&tty_to_pty(tty)->master_wait);
}

static void
pty_free(struct pty *pty)
{
	tty_forget(&pty->slave);
	ptys[pty->index] = NULL;
	free(pty);
}

/* The last slave file was closed. */
static void
pty_slave_close(struct tty *tty)
{
	struct pty *pty = tty_to_pty(tty);

	if (!pty->master_open) {
		pty_free(pty);
		return;
	}
	wake_up(&pty->master_wait);
}

static const struct tty_driver_ops pty_slave_ops = {
	.write = pty_slave_write,
	.unthrottle = pty_slave_unthrottle,
	.write_room = pty_slave_write_room,
	.close = pty_slave_close,
};

/* The master file. */

/* Master reads see end of input: the slave was open and is closed. */
static bool
pty_slave_gone(const struct pty *pty)
{
	return pty->slave_opened && pty->slave.count == 0;
}

static bool
pty_master_readable(const struct pty *pty)
{
	return pty->olen > 0 || pty_slave_gone(pty);
}

/* Move ring bytes to u without sleeping: bytes, or -EFAULT. */
static ssize_t
pty_copy_out(struct pty *pty, struct uio *u)
{
	size_t done = 0, n;

	while (pty->olen > 0 && uio_left(u) > 0) {
		n = PTY_BUF_SIZE - pty->ohead;
		if (n > pty->olen)
			n = pty->olen;
		if (n > uio_left(u))
			n = uio_left(u);
		if (uio_out(u, pty->obuf + pty->ohead, n) < 0)
			return done > 0 ? (ssize_t)done : -EFAULT;
		pty->ohead = (pty->ohead + n) % PTY_BUF_SIZE;
		pty->olen -= n;
		done += n;
	}
	if (pty->olen == 0)
		pty->ohead = 0;
	wake_up(&pty->slave.write_wait);
	return (ssize_t)done;
}

/* May sleep. */
static ssize_t
pty_master_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pty *pty = f->priv;
	int r;

	if (uio_left(u) == 0)
		return 0;
	for (;;) {
		if (pty->olen > 0)
			return pty_copy_out(pty, u);
		if (pty_slave_gone(pty))
			return -EIO;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		r = wait_event(&pty->master_wait, pty_master_readable(pty),
			       "ptmxrd");
		if (r < 0)
			return r;
	}
}

/*
 * Feed buf to the slave's line discipline, sleeping while it is full:
 * bytes taken (maybe fewer than len after a signal), or -errno if none.
 */
static ssize_t
pty_feed(struct pty *pty, const char *buf, size_t len, bool nonblock)
{
	size_t done = 0;
	int r;

	while (done < len) {
		done += tty_input(&pty->slave, buf + done, len - done);
		if (done == len)
			break;
		if (nonblock)
			return done > 0 ? (ssize_t)done : -EAGAIN;
		r = wait_event(&pty->master_wait, !pty->slave.throttled,
			       "ptmxwr");
		if (r < 0)
			return done > 0 ? (ssize_t)done : r;
	}
	return (ssize_t)done;
}

/* May sleep. */
static ssize_t
pty_master_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pty *pty = f->priv;
	char buf[512];
	size_t done = 0, n;
	ssize_t r;

	while (uio_left(u) > 0) {
		n = uio_left(u) < sizeof(buf) ? uio_left(u) : sizeof(buf);
		if (uio_in(u, buf, n) < 0)
			return done > 0 ? (ssize_t)done : -EFAULT;
		r = pty_feed(pty, buf, n, (f->flags & O_NONBLOCK) != 0);
		if (r < 0)
			return done > 0 ? (ssize_t)done : r;
		done += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	return (ssize_t)done;
}

static unsigned int
pty_master_poll(struct file *f, struct poll_table *pt)
{
	struct pty *pty = f->priv;
	unsigned int mask = 0;

	poll_wait(pt, &pty->master_wait);
	if (pty_master_readable(pty))
		mask |= K_POLLIN | K_POLLRDNORM;
	if (!pty->slave.throttled)
		mask |= K_POLLOUT | K_POLLWRNORM;
	if (pty_slave_gone(pty))
		mask |= K_POLLHUP;
	return mask;
}

static long
pty_put_int(uint64_t arg, int v)
{
	return copy_to_user(current, UADDR(arg), &v, sizeof(v)) < 0 ? -EFAULT
								     : 0;
}

static long
pty_get_int(uint64_t arg, int *v)
{
	return copy_from_user(current, v, UADDR(arg), sizeof(*v)) < 0
		       ? -EFAULT
		       : 0;
}

static long
pty_master_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct pty *pty = f->priv;
	int v;

	switch (cmd) {
	case K_TIOCGPTN:
		return pty_put_int(arg, (int)pty->index);
	case K_TIOCSPTLCK:
		if (pty_get_int(arg, &v) < 0)
			return -EFAULT;
		pty->locked = v != 0;
		return 0;
	case K_TIOCGPTLCK:
		return pty_put_int(arg, pty->locked);
	case K_TIOCPKT:
		if (pty_get_int(arg, &v) < 0)
			return -EFAULT;
		return v == 0 ? 0 : -EINVAL; /* packet mode: not supported */
	case K_TIOCGPKT:
		return pty_put_int(arg, 0);
	case K_TIOCGPGRP:
		return pty_put_int(arg, pty->slave.pgrp);
	case K_TIOCGSID:
		if (pty->slave.session == 0)
			return -ENOTTY;
		return pty_put_int(arg, pty->slave.session);
	case K_FIONREAD:
		return pty_put_int(arg, (int)pty->olen);
	case K_TIOCOUTQ:
		return pty_put_int(arg, 0);
	case K_TIOCSCTTY:
	case K_TIOCNOTTY:
	case K_TIOCSPGRP:
		return -ENOTTY;
	default:
		/* termios, window size (SIGWINCH to the slave's group) … */
		return tty_ioctl(&pty->slave, f, cmd, arg);
	}
}

static void
pty_master_release(struct file *f)
{
	struct pty *pty = f->priv;

	pty->master_open = false;
	devpts_remove(pty->index);
	if (pty->slave.count == 0) {
		pty_free(pty);
		return;
	}
	tty_hangup(&pty->slave);
}

static int64_t
pty_master_llseek(struct file *f, int64_t off, int whence)
{
	return -ESPIPE;
}

static const struct file_ops pty_master_fops = {
	.release = pty_master_release,
	.read = pty_master_read,
	.write = pty_master_write,
	.llseek = pty_master_llseek,
	.ioctl = pty_master_ioctl,
	.poll = pty_master_poll,
};

/* Opens. */

/* A new pair with the lowest free number: 0 or -errno. */
static int
pty_alloc(struct pty **out)
{
	struct pty *pty;
	unsigned int i;
	int r;

	for (i = 0; i < PTY_MAX && ptys[i] != NULL; i++)
		;
	if (i == PTY_MAX)
		return -ENOSPC;
	if ((pty = calloc(1, sizeof(*pty))) == NULL)
		return -ENOMEM;
	pty->index = i;
	snprintf(pty->name, sizeof(pty->name), "pts/%u", i);
	tty_init(&pty->slave, pty->name, &pty_slave_ops, pty);
	wait_queue_init(&pty->master_wait);
	pty->master_open = true;
	pty->locked = true;
	r = devpts_add(i, k_makedev(PTS_MAJOR, i), current->cred.fsuid,
		       TTY_GID);
	if (r < 0) {
		free(pty);
		return r;
	}
	ptys[i] = pty;
	*out = pty;
	return 0;
}

static int
ptmx_open(struct inode *inode, struct file *f)
{
	struct pty *pty;
	int r;

	if ((r = pty_alloc(&pty)) < 0)
		return r;
	f->priv = pty;
	f->ops = &pty_master_fops;
	return 0;
}

static int
pts_open(struct inode *inode, struct file *f)
{
	unsigned int minor = k_minor(inode->rdev);
	struct pty *pty = minor < PTY_MAX ? ptys[minor] : NULL;

	if (pty == NULL || !pty->master_open || pty->locked)
		return -EIO;
	pty->slave_opened = true;
	return tty_open(&pty->slave, f, false);
}

static const struct file_ops ptmx_fops = { .open = ptmx_open };
static const struct file_ops pts_fops = { .open = pts_open };

int
pty_init(void)
{
	int r;

	if ((r = chrdev_register(PTMX_MAJOR, PTMX_MINOR, 1, "ptmx",
				 &ptmx_fops)) < 0 ||
	    (r = chrdev_register(PTS_MAJOR, 0, PTY_MAX, "pts", &pts_fops)) < 0)
		return r;
	r = devtmpfs_create_node("ptmx", K_S_IFCHR | 0666,
				 k_makedev(PTMX_MAJOR, PTMX_MINOR));
	return r == -EEXIST ? 0 : r;
}
