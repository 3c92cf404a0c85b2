/*
 * eventfd: a 64-bit counter behind a file (eventfd, eventfd2).
 *
 * write adds an 8-byte value to the counter, waiting while the sum would
 * pass 0xfffffffffffffffe; read takes the whole counter (or 1 of it with
 * EFD_SEMAPHORE), waiting while it is 0.  Buffers shorter than 8 bytes
 * are EINVAL.  As in Linux, a read takes the value before copying it out,
 * so a read into a bad buffer loses it (EFAULT).
 *
 * One wait queue serves readers, writers and pollers; wakeups say which
 * way the counter moved (wake_up_poll), so an edge-triggered epoll
 * watching only POLLIN does not hear reads.
 */
#include <stdlib.h>

#include "fs/anon_inode.h"
#include "fs/poll.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define EFD_SEMAPHORE 1
#define EFD_FLAGS (EFD_SEMAPHORE | K_O_NONBLOCK_ANON | K_O_CLOEXEC_ANON)
#define EVENTFD_MAX 0xfffffffffffffffeULL

struct eventfd_ctx {
	uint64_t count;
	bool semaphore;
	struct wait_queue wq;
};

/* May sleep. */
static ssize_t
eventfd_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct eventfd_ctx *ctx = f->priv;
	uint64_t val;
	int r;

	if (uio_left(u) < sizeof(val))
		return -EINVAL;
	if (ctx->count == 0 && (f->flags & K_O_NONBLOCK_ANON))
		return -EAGAIN;
	if ((r = wait_event(&ctx->wq, ctx->count > 0, "eventfd")) < 0)
		return r;
	val = ctx->semaphore ? 1 : ctx->count;
	ctx->count -= val;
	wake_up_poll(&ctx->wq, K_POLLOUT | K_POLLWRNORM);
	if (uio_out(u, &val, sizeof(val)) < 0)
		return -EFAULT;
	return sizeof(val);
}

/* May sleep. */
static ssize_t
eventfd_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct eventfd_ctx *ctx = f->priv;
	uint64_t val;
	int r;

	if (uio_left(u) < sizeof(val))
		return -EINVAL;
	if (uio_in(u, &val, sizeof(val)) < 0)
		return -EFAULT;
	if (val == ~0ULL)
		return -EINVAL;
	if (EVENTFD_MAX - ctx->count < val) {
		if (f->flags & K_O_NONBLOCK_ANON)
			return -EAGAIN;
		r = wait_event(&ctx->wq, EVENTFD_MAX - ctx->count >= val,
			       "eventfd");
		if (r < 0)
			return r;
	}
	ctx->count += val;
	wake_up_poll(&ctx->wq, K_POLLIN | K_POLLRDNORM);
	return sizeof(val);
}

static unsigned int
eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd_ctx *ctx = f->priv;
	unsigned int mask = 0;

	poll_wait(pt, &ctx->wq);
	if (ctx->count > 0)
		mask |= K_POLLIN | K_POLLRDNORM;
	if (ctx->count == ~0ULL)
		mask |= K_POLLERR;
	if (ctx->count < EVENTFD_MAX)
		mask |= K_POLLOUT | K_POLLWRNORM;
	return mask;
}

static void
eventfd_release(struct file *f)
{
	struct eventfd_ctx *ctx = f->priv;

	wake_up_pollfree(&ctx->wq);
	free(ctx);
}

static const struct file_ops eventfd_fops = {
	.release = eventfd_release,
	.read = eventfd_read,
	.write = eventfd_write,
	.llseek = anon_noop_llseek,
	.poll = eventfd_poll,
};

static long
do_eventfd(struct task *t, unsigned int count, unsigned int flags)
{
	struct eventfd_ctx *ctx;
	int fd;

	if (flags & ~EFD_FLAGS)
		return -EINVAL;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return -ENOMEM;
	ctx->count = count;
	ctx->semaphore = flags & EFD_SEMAPHORE;
	wait_queue_init(&ctx->wq);
	fd = anon_inode_fd(t, "eventfd", &eventfd_fops, ctx,
			   K_O_RDWR_ANON | (flags & (K_O_NONBLOCK_ANON |
						      K_O_CLOEXEC_ANON)));
	if (fd == -ENOMEM)
		free(ctx);
	return fd;
}

long
sys_eventfd2(struct task *t, const uint64_t a[6])
{
	return do_eventfd(t, (unsigned int)a[0], (unsigned int)a[1]);
}

long
sys_eventfd(struct task *t, const uint64_t a[6])
{
	return do_eventfd(t, (unsigned int)a[0], 0);
}
