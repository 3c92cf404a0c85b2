/*
 * Pipes and FIFOs.
 *
 * A struct pipe is a 64 KiB ring buffer with counts of the open files
 * that read and write it.  Readers sleep on rd_wait until there is data or
 * no writer is left (end of file); writers sleep on wr_wait until there
 * is room or no reader is left (SIGPIPE and EPIPE).  Writes of at most
 * PIPE_BUF_K bytes go in whole or not at all; larger ones are split.
 * Every change of state wakes the queue of the side that may now proceed,
 * and pollers wait on the same queues.
 *
 * Anonymous pipes (pipe(2), pipe2(2)) are two files on one inode of the
 * internal pipefs super_block, made on first use.  FIFOs are nodes on
 * real filesystems: opening one attaches inode->pipe (made by the first
 * open, freed by the last close) and, unless O_NONBLOCK or O_RDWR, waits
 * for the other side to open too.  Open counters (r_counter, w_counter)
 * tell a waiting open that a partner came, even if it left again.
 *
 * A pipe is referenced by the files attached to it (files); every task
 * sleeping on its queues holds one of them, so it cannot vanish under a
 * sleeper.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/fdtable.h"
#include "fs/pipe.h"
#include "fs/poll.h"
#include "fs/vfs.h"
#include "sched.h"
#include "signal.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

/* Guest ABI values, unless the VFS headers define them. */
#ifndef K_O_NONBLOCK
#define K_O_ACCMODE 3
#define K_O_RDONLY 0
#define K_O_WRONLY 1
#define K_O_RDWR 2
#define K_O_NONBLOCK 04000
#define K_O_CLOEXEC 02000000
#endif
#define K_SIGPIPE 13
#define K_FIONREAD 0x541B

struct pipe {
	char *buf;
	size_t size;		/* of buf */
	size_t head;		/* next byte to read */
	size_t count;		/* bytes in the buffer */
	int readers, writers;	/* open files on each side */
	int files;		/* open files attached */
	unsigned int r_counter, w_counter; /* opens of each side so far */
	struct wait_queue rd_wait;	   /* readers: data, or no writers */
	struct wait_queue wr_wait;	   /* writers: room, or no readers */
};

static struct super_block *pipefs_sb;

static struct pipe *
pipe_alloc(void)
{
	struct pipe *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if ((p->buf = malloc(PIPE_SIZE_K)) == NULL) {
		free(p);
		return NULL;
	}
	p->size = PIPE_SIZE_K;
	wait_queue_init(&p->rd_wait);
	wait_queue_init(&p->wr_wait);
	return p;
}

static void
pipe_free(struct pipe *p)
{
	free(p->buf);
	free(p);
}

static size_t
pipe_room(const struct pipe *p)
{
	return p->size - p->count;
}

/* Move up to n buffered bytes to u.  Bytes moved, or -EFAULT. */
static ssize_t
pipe_copy_out(struct pipe *p, struct uio *u, size_t n)
{
	size_t first = p->size - p->head, moved;

	if (first > n)
		first = n;
	if (uio_out(u, p->buf + p->head, first) < 0)
		return -EFAULT;
	moved = first;
	if (n > first && uio_out(u, p->buf, n - first) == 0)
		moved = n;
	p->head = (p->head + moved) % p->size;
	p->count -= moved;
	if (p->count == 0)
		p->head = 0;
	wake_up(&p->wr_wait);
	return (ssize_t)moved;
}

/* Move n bytes from u into the buffer (n <= room).  Moved, or -EFAULT. */
static ssize_t
pipe_copy_in(struct pipe *p, struct uio *u, size_t n)
{
	size_t tail = (p->head + p->count) % p->size;
	size_t first = p->size - tail, moved;

	if (first > n)
		first = n;
	if (uio_in(u, p->buf + tail, first) < 0)
		return -EFAULT;
	moved = first;
	if (n > first && uio_in(u, p->buf, n - first) == 0)
		moved = n;
	p->count += moved;
	wake_up(&p->rd_wait);
	return (ssize_t)moved;
}

/*
 * Read what is buffered, at most the reader's length; wait while the pipe
 * is empty and has writers.  0 at end of file.  May sleep.
 */
static ssize_t
pipe_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pipe *p = f->inode->pipe;
	size_t n = uio_left(u);
	int err;

	if (n == 0)
		return 0;
	for (;;) {
		if (p->count > 0)
			return pipe_copy_out(p, u, p->count < n ? p->count : n);
		if (p->writers == 0)
			return 0;
		if (f->flags & K_O_NONBLOCK)
			return -EAGAIN;
		err = wait_event(&p->rd_wait, p->count > 0 || p->writers == 0,
				 "piperd");
		if (err < 0)
			return err;
	}
}

/* No reader: SIGPIPE for the writer, and EPIPE unless some bytes went. */
static ssize_t
pipe_broken(size_t done)
{
	send_signal_self(current, K_SIGPIPE);
	return done ? (ssize_t)done : -EPIPE;
}

/*
 * Write everything, waiting for room; a write of at most PIPE_BUF_K bytes
 * waits until it fits whole.  Interrupted or non-blocking writes return
 * what went in so far, or -ERESTARTSYS / -EAGAIN if nothing did.
 * May sleep.
 */
static ssize_t
pipe_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pipe *p = f->inode->pipe;
	size_t total = uio_left(u), done = 0, need, n;
	ssize_t r;
	int err;

	if (total == 0)
		return 0;
	if (total > SIZE_MAX / 2)
		total = SIZE_MAX / 2;
	need = total <= PIPE_BUF_K ? total : 1;
	for (;;) {
		if (p->readers == 0)
			return pipe_broken(done);
		if (pipe_room(p) >= need) {
			n = total - done < pipe_room(p) ? total - done
							: pipe_room(p);
			if ((r = pipe_copy_in(p, u, n)) < 0)
				return done ? (ssize_t)done : r;
			done += (size_t)r;
			if (done == total || (size_t)r < n)
				return (ssize_t)done;
			continue;
		}
		if (f->flags & K_O_NONBLOCK)
			return done ? (ssize_t)done : -EAGAIN;
		err = wait_event(&p->wr_wait,
				 p->readers == 0 || pipe_room(p) >= need,
				 "pipewr");
		if (err < 0)
			return done ? (ssize_t)done : err;
	}
}

/*
 * f->priv of a reading file is w_counter when it was opened: a FIFO
 * reader that has never seen a writer does not get POLLHUP.
 */
static unsigned int
pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->inode->pipe;
	unsigned int mask = 0;

	if (FMODE_READ(f)) {
		poll_wait(pt, &p->rd_wait);
		if (p->count > 0)
			mask |= K_POLLIN | K_POLLRDNORM;
		if (p->writers == 0 &&
		    (uintptr_t)f->priv != (uintptr_t)p->w_counter)
			mask |= K_POLLHUP;
	}
	if (FMODE_WRITE(f)) {
		poll_wait(pt, &p->wr_wait);
		if (pipe_room(p) >= PIPE_BUF_K)
			mask |= K_POLLOUT | K_POLLWRNORM;
		if (p->readers == 0)
			mask |= K_POLLERR;
	}
	return mask;
}

/* FIONREAD: the bytes buffered. */
static long
pipe_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	int n;

	if (cmd != K_FIONREAD)
		return -ENOTTY;
	n = (int)f->inode->pipe->count;
	return copy_to_user(current, UADDR(arg), &n, sizeof(n));
}

static int64_t
pipe_llseek(struct file *f, int64_t off, int whence)
{
	return -ESPIPE;
}

/* Detach f from its pipe; the last file frees the pipe. */
static void
pipe_release(struct file *f)
{
	struct inode *inode = f->inode;
	struct pipe *p = inode->pipe;

	if (!p)
		return;
	if (FMODE_READ(f))
		p->readers--;
	if (FMODE_WRITE(f))
		p->writers--;
	wake_up(&p->rd_wait);
	wake_up(&p->wr_wait);
	if (--p->files == 0) {
		inode->pipe = NULL;
		pipe_free(p);
	}
}

const struct file_ops pipe_file_ops = {
	.release = pipe_release,
	.read = pipe_read,
	.write = pipe_write,
	.llseek = pipe_llseek,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
};

/* FIFOs */

/* Attach a file to the pipe, as reader, writer or both. */
static void
fifo_attach(struct pipe *p, struct file *f)
{
	p->files++;
	f->priv = (void *)(uintptr_t)p->w_counter;
	if (FMODE_READ(f)) {
		p->readers++;
		p->r_counter++;
		wake_up(&p->wr_wait);
	}
	if (FMODE_WRITE(f)) {
		p->writers++;
		p->w_counter++;
		wake_up(&p->rd_wait);
	}
}

/*
 * Open a FIFO.  A reader waits for a writer to open and a writer for a
 * reader, unless the other side is there or O_RDWR; with O_NONBLOCK a
 * reader does not wait and a writer fails with -ENXIO if there is no
 * reader.  On error nothing stays attached.  May sleep.
 */
static int
fifo_open(struct inode *inode, struct file *f)
{
	unsigned int acc = f->flags & K_O_ACCMODE, seen;
	struct pipe *p = inode->pipe;
	int err = 0;

	if (acc == K_O_ACCMODE)
		return -EINVAL;
	if (acc == K_O_WRONLY && (f->flags & K_O_NONBLOCK) &&
	    (!p || p->readers == 0))
		return -ENXIO;
	if (!p && (p = inode->pipe = pipe_alloc()) == NULL)
		return -ENOMEM;
	fifo_attach(p, f);
	if (inode->sb == pipefs_sb)
		return 0; /* a pipe reopened through /proc waits for no one */
	if (acc == K_O_RDONLY && p->writers == 0 &&
	    !(f->flags & K_O_NONBLOCK)) {
		seen = p->w_counter;
		err = wait_event(&p->rd_wait, p->w_counter != seen, "fifo_rd");
	} else if (acc == K_O_WRONLY && p->readers == 0) {
		seen = p->r_counter;
		err = wait_event(&p->wr_wait, p->r_counter != seen, "fifo_wr");
	}
	if (err < 0)
		pipe_release(f);
	return err;
}

const struct file_ops fifo_file_ops = {
	.open = fifo_open,
	.release = pipe_release,
	.read = pipe_read,
	.write = pipe_write,
	.llseek = pipe_llseek,
	.ioctl = pipe_ioctl,
	.poll = pipe_poll,
};

/* pipefs: the home of anonymous pipes' inodes */

static int
pipefs_statfs(struct super_block *sb, struct kstatfs *st)
{
	memset(st, 0, sizeof(*st));
	st->type = PIPEFS_MAGIC;
	st->bsize = st->frsize = PIPE_BUF_K;
	st->namelen = NAME_MAX_K;
	return 0;
}

static void
pipefs_evict_inode(struct inode *inode)
{
	if (inode->pipe) {
		pipe_free(inode->pipe);
		inode->pipe = NULL;
	}
}

static const struct super_ops pipefs_super_ops = {
	.statfs = pipefs_statfs,
	.evict_inode = pipefs_evict_inode,
};

static const struct fs_type pipefs_type = {
	.name = "pipefs",
	.nodev = true,
};

/* fchmod/fchown/futimens on a pipe. */
static int
pipefs_setattr(struct inode *inode, const struct iattr *attr)
{
	if (attr->valid & ATTR_SIZE)
		return -EINVAL;
	if (attr->valid & ATTR_MODE)
		inode->mode = (inode->mode & K_S_IFMT) | (attr->mode & 07777);
	if (attr->valid & ATTR_UID)
		inode->uid = attr->uid;
	if (attr->valid & ATTR_GID)
		inode->gid = attr->gid;
	if (attr->valid & ATTR_ATIME)
		inode->atime = attr->atime;
	if (attr->valid & ATTR_MTIME)
		inode->mtime = attr->mtime;
	inode->ctime = current_time();
	return 0;
}

static const struct inode_ops pipefs_iops = {
	.setattr = pipefs_setattr,
};

/*
 * pipefs is mounted internally (not in the mount table), so every pipe
 * file has a place: /proc/PID/fd/N of a pipe can be followed and opened
 * again, as /dev/stdin and bash's <(…) need.
 */
static struct mount pipefs_mnt;

static struct super_block *
pipefs_super(void)
{
	if (pipefs_sb)
		return pipefs_sb;
	if ((pipefs_sb = sb_alloc(&pipefs_type, &pipefs_super_ops)) == NULL)
		return NULL;
	if (!pipefs_sb->dev)
		pipefs_sb->dev = sb_anon_dev();
	pipefs_sb->next_ino = 1;
	pipefs_sb->active = 1; /* never unmounted */
	pipefs_mnt.sb = pipefs_sb;
	pipefs_mnt.parent = &pipefs_mnt;
	pipefs_mnt.refcount = 1;
	list_init(&pipefs_mnt.link);
	return pipefs_sb;
}

/* Give a new pipe file its place on pipefs. */
static int
pipefs_place(struct file *f, struct inode *inode)
{
	struct dentry *d = dentry_alloc(NULL, "pipe", 4);

	if (!d)
		return -ENOMEM;
	d->sb = pipefs_sb;
	d->inode = inode_get(inode);
	f->path.mnt = &pipefs_mnt;
	f->path.dentry = d;
	pipefs_mnt.refcount++;
	return 0;
}

/* A pipefs inode owned by t, carrying p. */
static struct inode *
pipefs_new_inode(struct task *t, struct pipe *p)
{
	struct super_block *sb = pipefs_super();
	struct inode *inode;

	if (!sb || (inode = inode_alloc(sb)) == NULL)
		return NULL;
	inode->ino = sb->next_ino++;
	inode->mode = K_S_IFIFO | 0600;
	inode->uid = t->cred.fsuid;
	inode->gid = t->cred.fsgid;
	inode->nlink = 1;
	inode->blksize = PIPE_BUF_K;
	inode->atime = inode->mtime = inode->ctime = inode->btime =
		current_time();
	inode->i_op = &pipefs_iops;
	inode->f_op = &fifo_file_ops; /* reopened through /proc like a FIFO */
	inode->pipe = p;
	return inode;
}

int
pipe_create(struct task *t, unsigned int flags, struct file **rd,
	    struct file **wr)
{
	unsigned int nb = flags & K_O_NONBLOCK;
	struct inode *inode;
	struct pipe *p;

	if ((p = pipe_alloc()) == NULL)
		return -ENOMEM;
	if ((inode = pipefs_new_inode(t, p)) == NULL) {
		pipe_free(p);
		return -ENOMEM;
	}
	*rd = file_alloc(inode, &pipe_file_ops, K_O_RDONLY | nb);
	if (*rd)
		fifo_attach(p, *rd); /* priv 0: HUP once writers are gone */
	*wr = *rd ? file_alloc(inode, &pipe_file_ops, K_O_WRONLY | nb) : NULL;
	if (*wr)
		fifo_attach(p, *wr);
	if (*wr && (pipefs_place(*rd, inode) < 0 ||
		    pipefs_place(*wr, inode) < 0)) {
		file_put(*wr);
		*wr = NULL;
	}
	inode_put(inode); /* the files hold their own */
	if (*wr)
		return 0;
	if (*rd)
		file_put(*rd); /* frees the pipe */
	return -ENOMEM;
}

/* pipe2(2): install both ends, then tell the guest where. */
static long
pipe_syscall(struct task *t, uaddr_t fds_addr, unsigned int flags)
{
	unsigned int fdflags = (flags & K_O_CLOEXEC) ? FD_CLOEXEC_K : 0;
	struct file *rd, *wr;
	int fds[2], err;

	if (flags & ~(K_O_CLOEXEC | K_O_NONBLOCK))
		return -EINVAL;
	if ((err = pipe_create(t, flags, &rd, &wr)) < 0)
		return err;
	if ((fds[0] = fd_install(t, rd, fdflags, 0)) < 0) {
		file_put(wr);
		return fds[0];
	}
	if ((fds[1] = fd_install(t, wr, fdflags, 0)) < 0) {
		fd_close(t, fds[0]);
		return fds[1];
	}
	if (copy_to_user(t, fds_addr, fds, sizeof(fds)) < 0) {
		fd_close(t, fds[0]);
		fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

long
sys_pipe(struct task *t, const uint64_t a[6])
{
	return pipe_syscall(t, UADDR(a[0]), 0);
}

long
sys_pipe2(struct task *t, const uint64_t a[6])
{
	return pipe_syscall(t, UADDR(a[0]), (unsigned int)a[1]);
}
