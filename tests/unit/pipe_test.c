/*
 * Unit test of pipes and FIFOs (kernel/fs/pipe.c) on the host.  The core
 * is replaced by small stand-ins; sleeping runs a per-test hook that plays
 * the other task (or a signal), so blocking paths run single-threaded.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "kernel/fs/pipe.c"

/* Stand-ins for the core. */

static struct task task0;
struct task *current = &task0;
static int sigpipes, sleeps;
static int (*sleep_hook)(void); /* NULL: a signal interrupts the sleep */

struct timespec_k
current_time(void)
{
	return (struct timespec_k){ 1, 0 };
}

struct super_block *
sb_alloc(const struct fs_type *type, const struct super_ops *ops)
{
	struct super_block *sb = calloc(1, sizeof(*sb));

	sb->type = type;
	sb->ops = ops;
	list_init(&sb->inodes);
	return sb;
}

uint64_t
sb_anon_dev(void)
{
	return 7;
}

struct inode *
inode_alloc(struct super_block *sb)
{
	struct inode *inode = calloc(1, sizeof(*inode));

	inode->sb = sb;
	inode->refcount = 1;
	return inode;
}

void
inode_put(struct inode *inode)
{
	if (--inode->refcount > 0)
		return;
	inode->sb->ops->evict_inode(inode);
	free(inode);
}

struct inode *
inode_get(struct inode *inode)
{
	inode->refcount++;
	return inode;
}

/* Pipes get a place on pipefs: a dentry only they refer to. */
struct dentry *
dentry_alloc(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d = calloc(1, sizeof(*d));

	d->refcount = 1;
	return d;
}

static void
dentry_drop(struct dentry *d)
{
	if (d && --d->refcount == 0) {
		if (d->inode)
			inode_put(d->inode);
		free(d);
	}
}

struct file *
file_alloc(struct inode *inode, const struct file_ops *ops, unsigned int flags)
{
	struct file *f = calloc(1, sizeof(*f));

	f->refcount = 1;
	f->inode = inode;
	inode->refcount++;
	f->ops = ops;
	f->flags = flags;
	return f;
}

void
file_put(struct file *f)
{
	if (--f->refcount > 0)
		return;
	if (f->ops && f->ops->release)
		f->ops->release(f);
	dentry_drop(f->path.dentry);
	inode_put(f->inode);
	free(f);
}

void
wake_up(struct wait_queue *wq)
{
}

int
sleep_on(struct wait_queue *wq, int64_t deadline, const char *wchan)
{
	if (++sleeps > 1000)
		abort();
	return sleep_hook ? sleep_hook() : -ERESTARTSYS;
}

void
poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
}

int
send_signal_self(struct task *t, int sig)
{
	if (sig == K_SIGPIPE)
		sigpipes++;
	return 0;
}

static struct file *fdt[8];
static unsigned int fdt_flags[8];

int
fd_install(struct task *t, struct file *f, unsigned int fdflags, int minfd)
{
	int fd;

	for (fd = minfd; fd < 8; fd++) {
		if (!fdt[fd]) {
			fdt[fd] = f;
			fdt_flags[fd] = fdflags;
			return fd;
		}
	}
	file_put(f);
	return -EMFILE;
}

int
fd_close(struct task *t, int fd)
{
	file_put(fdt[fd]);
	fdt[fd] = NULL;
	return 0;
}

int
copy_to_user(struct task *t, uaddr_t dst, const void *src, size_t n)
{
	if (dst.addr < 4096)
		return -EFAULT;
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
	memcpy(dst, (char *)(uintptr_t)u->base + u->done, n);
	u->done += n;
	return 0;
}

/* Helpers */

static ssize_t
rd(struct file *f, void *buf, size_t len)
{
	struct uio u = uio_kernel(buf, len);

	return f->ops->read(f, &u, &f->pos);
}

static ssize_t
wr(struct file *f, const void *buf, size_t len)
{
	struct uio u = uio_kernel((void *)buf, len);

	return f->ops->write(f, &u, &f->pos);
}

static unsigned int
pl(struct file *f)
{
	return f->ops->poll(f, NULL);
}

/* Tests */

static void
test_basic(void)
{
	struct file *r, *w;
	char buf[16];

	CHECK_EQ(pipe_create(current, 0, &r, &w), 0);
	CHECK_EQ(r->inode, w->inode);
	CHECK_EQ(r->inode->mode, K_S_IFIFO | 0600);
	CHECK_EQ(r->inode->refcount, 4); /* two files, two pipefs dentries */
	CHECK_EQ(pl(r), 0);
	CHECK_EQ(pl(w), K_POLLOUT | K_POLLWRNORM);
	CHECK_EQ(wr(w, "hello", 5), 5);
	CHECK_EQ(pl(r), K_POLLIN | K_POLLRDNORM);
	CHECK_EQ(rd(r, buf, 3), 3);
	CHECK(memcmp(buf, "hel", 3) == 0);
	CHECK_EQ(rd(r, buf, sizeof(buf)), 2);
	CHECK(memcmp(buf, "lo", 2) == 0);
	/* empty with a writer: blocks; a signal interrupts */
	CHECK_EQ(rd(r, buf, 1), -ERESTARTSYS);
	r->flags |= K_O_NONBLOCK;
	CHECK_EQ(rd(r, buf, 1), -EAGAIN);
	CHECK_EQ(wr(w, "x", 0), 0);
	file_put(w);
	CHECK_EQ(rd(r, buf, 1), 0);
	CHECK_EQ(pl(r), K_POLLHUP);
	file_put(r);

	CHECK_EQ(pipe_create(current, 0, &r, &w), 0);
	file_put(r);
	CHECK_EQ(pl(w), K_POLLOUT | K_POLLWRNORM | K_POLLERR);
	CHECK_EQ(wr(w, "x", 1), -EPIPE);
	CHECK_EQ(sigpipes, 1);
	file_put(w);
}

static void
test_full(void)
{
	static char big[PIPE_SIZE_K + 8192], out[PIPE_SIZE_K + 8192];
	struct file *r, *w;
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 251);
	CHECK_EQ(pipe_create(current, K_O_NONBLOCK, &r, &w), 0);
	CHECK_EQ(wr(w, big, 1000), 1000);
	CHECK_EQ(rd(r, out, 1000), 1000); /* the ring now wraps */
	CHECK_EQ(wr(w, big, PIPE_SIZE_K + 10), PIPE_SIZE_K);
	CHECK_EQ(wr(w, big, 1), -EAGAIN);
	CHECK_EQ(pl(w), 0);
	CHECK_EQ(rd(r, out, PIPE_BUF_K - 1), PIPE_BUF_K - 1);
	CHECK_EQ(pl(w), 0); /* room < PIPE_BUF */
	CHECK_EQ(wr(w, big, PIPE_BUF_K), -EAGAIN); /* atomic: all or nothing */
	CHECK_EQ(wr(w, big, PIPE_BUF_K + 1), PIPE_BUF_K - 1); /* split */
	CHECK_EQ(rd(r, out, 1), 1);
	CHECK_EQ(pl(w), 0);
	CHECK_EQ(rd(r, out, sizeof(out)), PIPE_SIZE_K - 1);
	CHECK(memcmp(out, big + PIPE_BUF_K, PIPE_SIZE_K - PIPE_BUF_K) == 0);
	CHECK(memcmp(out + PIPE_SIZE_K - PIPE_BUF_K, big, PIPE_BUF_K - 1) == 0);
	CHECK_EQ(pl(w), K_POLLOUT | K_POLLWRNORM);
	{
		int n = -1;

		wr(w, "abc", 3);
		CHECK_EQ(r->ops->ioctl(r, K_FIONREAD, (uint64_t)(uintptr_t)&n),
			 0);
		CHECK_EQ(n, 3);
	}
	file_put(r);
	file_put(w);
}

/* A blocking write larger than the pipe, drained by "another task". */
static struct file *drain_r;
static char drained[200000];
static size_t ndrained;

static int
drain(void)
{
	ssize_t n = rd(drain_r, drained + ndrained, sizeof(drained) - ndrained);

	if (n > 0)
		ndrained += (size_t)n;
	return 0;
}

static void
test_blocking_write(void)
{
	static char big[150000];
	struct file *r, *w;
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 253);
	CHECK_EQ(pipe_create(current, 0, &r, &w), 0);
	drain_r = r;
	sleep_hook = drain;
	CHECK_EQ(wr(w, big, sizeof(big)), (ssize_t)sizeof(big));
	drain();
	CHECK_EQ(ndrained, sizeof(big));
	CHECK(memcmp(drained, big, sizeof(big)) == 0);
	/* interrupted after some bytes went in: a short count */
	sleep_hook = NULL;
	CHECK_EQ(wr(w, big, PIPE_SIZE_K + 100), PIPE_SIZE_K);
	CHECK_EQ(wr(w, big, 10), -ERESTARTSYS);
	file_put(r);
	CHECK_EQ(wr(w, big, 10), -EPIPE);
	file_put(w);
}

static void
test_syscalls(void)
{
	int fds[2] = { -1, -1 };
	uint64_t a[6] = { (uint64_t)(uintptr_t)fds, 0 };

	a[1] = 1; /* O_WRONLY is not a pipe2 flag */
	CHECK_EQ(sys_pipe2(current, a), -EINVAL);
	a[0] = 8;
	CHECK_EQ(sys_pipe(current, a), -EFAULT);
	CHECK(fdt[0] == NULL && fdt[1] == NULL);
	a[0] = (uint64_t)(uintptr_t)fds;
	a[1] = K_O_CLOEXEC | K_O_NONBLOCK;
	CHECK_EQ(sys_pipe2(current, a), 0);
	CHECK(fds[0] == 0 && fds[1] == 1);
	CHECK_EQ(fdt_flags[0], FD_CLOEXEC_K);
	CHECK_EQ(fdt[0]->flags, K_O_RDONLY | K_O_NONBLOCK);
	CHECK_EQ(fdt[1]->flags, K_O_WRONLY | K_O_NONBLOCK);
	fd_close(current, 0);
	fd_close(current, 1);
}

/* FIFOs: a node inode with fifo_file_ops. */
static struct inode fifo_inode = { .refcount = 1 };
static struct file *partner;

static struct file *
fifo_file(unsigned int flags)
{
	static const struct super_ops ops;
	static struct super_block sb = { .ops = &ops };

	fifo_inode.sb = &sb;
	return file_alloc(&fifo_inode, &fifo_file_ops, flags);
}

static int
open_writer(void)
{
	partner = fifo_file(K_O_WRONLY);
	CHECK_EQ(fifo_open(&fifo_inode, partner), 0);
	return 0;
}

static void
test_fifo(void)
{
	struct file *r, *w, *rw;

	w = fifo_file(K_O_WRONLY | K_O_NONBLOCK);
	CHECK_EQ(fifo_open(&fifo_inode, w), -ENXIO);
	CHECK(fifo_inode.pipe == NULL);
	w->ops = NULL;
	file_put(w);
	/* a non-blocking reader: no writer yet, but no POLLHUP either */
	r = fifo_file(K_O_RDONLY | K_O_NONBLOCK);
	CHECK_EQ(fifo_open(&fifo_inode, r), 0);
	CHECK_EQ(pl(r), 0);
	w = fifo_file(K_O_WRONLY | K_O_NONBLOCK);
	CHECK_EQ(fifo_open(&fifo_inode, w), 0);
	CHECK_EQ(wr(w, "fifo", 4), 4);
	file_put(w);
	CHECK_EQ(pl(r), K_POLLIN | K_POLLRDNORM | K_POLLHUP);
	file_put(r);
	CHECK(fifo_inode.pipe == NULL);
	/* a blocking reader waits for a writer; a signal undoes the open */
	r = fifo_file(K_O_RDONLY);
	CHECK_EQ(fifo_open(&fifo_inode, r), -ERESTARTSYS);
	CHECK(fifo_inode.pipe == NULL);
	r->ops = NULL;
	file_put(r);
	r = fifo_file(K_O_RDONLY);
	sleep_hook = open_writer;
	CHECK_EQ(fifo_open(&fifo_inode, r), 0);
	sleep_hook = NULL;
	CHECK_EQ(pl(r), 0);
	CHECK_EQ(fifo_inode.pipe->readers, 1);
	CHECK_EQ(fifo_inode.pipe->writers, 1);
	file_put(partner);
	CHECK_EQ(pl(r), K_POLLHUP);
	/* O_RDWR never waits */
	rw = fifo_file(K_O_RDWR);
	CHECK_EQ(fifo_open(&fifo_inode, rw), 0);
	CHECK_EQ(pl(r), 0);
	CHECK_EQ(fifo_inode.pipe->files, 2);
	file_put(rw);
	file_put(r);
	CHECK(fifo_inode.pipe == NULL);
	CHECK_EQ(fifo_inode.refcount, 1);
	rw = fifo_file(3);
	CHECK_EQ(fifo_open(&fifo_inode, rw), -EINVAL);
	rw->ops = NULL;
	file_put(rw);
}

int
main(void)
{
	test_basic();
	test_full();
	test_blocking_write();
	test_syscalls();
	test_fifo();
	CHECK_EQ(pipefs_sb->dev, 7);
	free(pipefs_sb);
	return unit_done("pipe");
}
