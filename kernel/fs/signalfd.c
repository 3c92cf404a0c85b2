/*
 * signalfd: reading pending signals from a file (signalfd, signalfd4).
 *
 * A signalfd holds only a mask.  Reading it dequeues, with signal_dequeue,
 * signals in the mask that are pending for the reading thread or its
 * process, and returns each as a 128-byte struct signalfd_siginfo; the
 * signals are consumed, so their handlers do not run.  Like Linux, what a
 * signalfd sees depends on who reads or polls it, not on who made it.
 *
 * Readers and pollers wait on their process's signalfd_wait queue, which
 * signal generation (signal.c) wakes whenever a signal becomes pending;
 * the queue dies with the process (wake_up_pollfree in process_free).
 */
#include <stdlib.h>
#include <string.h>

#include "fs/anon_inode.h"
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "signal.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define SFD_FLAGS (K_O_NONBLOCK_ANON | K_O_CLOEXEC_ANON)

#define K_SIGILL 4
#define K_SIGTRAP 5
#define K_SIGBUS 7
#define K_SIGFPE 8
#define K_SIGSEGV 11
#define K_SIGCHLD 17
#define K_SIGPOLL 29
#define K_SIGSYS 31

struct signalfd_siginfo_k {
	uint32_t signo;
	int32_t errno_;
	int32_t code;
	uint32_t pid;
	uint32_t uid;
	int32_t fd;
	uint32_t tid;
	uint32_t band;
	uint32_t overrun;
	uint32_t trapno;
	int32_t status;
	int32_t int_;
	uint64_t ptr;
	uint64_t utime;
	uint64_t stime;
	uint64_t addr;
	uint16_t addr_lsb;
	uint16_t pad2;
	int32_t syscall;
	uint64_t call_addr;
	uint32_t arch;
	uint8_t pad[28];
};

_Static_assert(sizeof(struct signalfd_siginfo_k) == 128,
	       "signalfd_siginfo is 128 bytes");

struct signalfd_ctx {
	ksigset_t mask;
};

/* Which part of the siginfo union is meaningful (Linux's siginfo_layout). */
enum si_layout { SIL_KILL, SIL_TIMER, SIL_POLL, SIL_FAULT, SIL_CHLD, SIL_RT,
		 SIL_SYS };

static enum si_layout
si_layout(int sig, int code)
{
	if (code > K_SI_USER && code < K_SI_KERNEL) {
		switch (sig) {
		case K_SIGILL:
		case K_SIGFPE:
		case K_SIGSEGV:
		case K_SIGBUS:
		case K_SIGTRAP:
			return SIL_FAULT;
		case K_SIGCHLD:
			return SIL_CHLD;
		case K_SIGSYS:
			return SIL_SYS;
		default:
			return SIL_POLL;
		}
	}
	if (code == K_SI_TIMER)
		return SIL_TIMER;
	if (code == -5 /* SI_SIGIO */)
		return SIL_POLL;
	return code < 0 ? SIL_RT : SIL_KILL;
}

static void
signalfd_convert(const struct ksiginfo *in, struct signalfd_siginfo_k *out)
{
	memset(out, 0, sizeof(*out));
	out->signo = (uint32_t)in->signo;
	out->errno_ = in->errno_;
	out->code = in->code;
	switch (si_layout(in->signo, in->code)) {
	case SIL_KILL:
		out->pid = (uint32_t)in->kill.pid;
		out->uid = in->kill.uid;
		break;
	case SIL_TIMER:
		out->tid = (uint32_t)in->timer.tid;
		out->overrun = (uint32_t)in->timer.overrun;
		out->ptr = in->timer.value;
		out->int_ = (int32_t)in->timer.value;
		break;
	case SIL_POLL: /* si_band is a long at the union's start, then si_fd */
		memcpy(&out->band, in->pad, sizeof(out->band));
		memcpy(&out->fd, in->pad + 8, sizeof(out->fd));
		break;
	case SIL_FAULT:
		out->addr = in->fault.addr;
		break;
	case SIL_CHLD:
		out->pid = (uint32_t)in->chld.pid;
		out->uid = in->chld.uid;
		out->status = in->chld.status;
		out->utime = (uint64_t)in->chld.utime;
		out->stime = (uint64_t)in->chld.stime;
		break;
	case SIL_RT:
		out->pid = (uint32_t)in->rt.pid;
		out->uid = in->rt.uid;
		out->ptr = in->rt.value;
		out->int_ = (int32_t)in->rt.value;
		break;
	case SIL_SYS: /* si_call_addr, si_syscall, si_arch */
		memcpy(&out->call_addr, in->pad, sizeof(out->call_addr));
		memcpy(&out->syscall, in->pad + 8, sizeof(out->syscall));
		memcpy(&out->arch, in->pad + 12, sizeof(out->arch));
		break;
	}
}

static bool
signalfd_pending(struct task *t, ksigset_t mask)
{
	return ((t->pending.set | t->proc->shared_pending.set) & mask) != 0;
}

/*
 * Dequeue one signal in mask for t, waiting for one unless nonblock: the
 * signal number, -EAGAIN or -ERESTARTSYS.  May sleep.
 */
static int
signalfd_dequeue(struct task *t, ksigset_t mask, bool nonblock,
		 struct ksiginfo *info)
{
	int sig, r;

	for (;;) {
		if ((sig = signal_dequeue(t, mask, info)) > 0)
			return sig;
		if (nonblock)
			return -EAGAIN;
		r = sleep_on(&t->proc->signalfd_wait, -1, "signalfd");
		if (r == -ERESTARTSYS &&
		    (sig = signal_dequeue(t, mask, info)) == 0)
			return r;
	}
}

/* Read as many signals as fit, waiting only for the first.  May sleep. */
static ssize_t
signalfd_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct signalfd_ctx *ctx = f->priv;
	struct signalfd_siginfo_k out;
	struct ksiginfo info;
	size_t n = uio_left(u) / sizeof(out), done = 0;
	bool nonblock = f->flags & K_O_NONBLOCK_ANON;
	int sig;

	if (n == 0)
		return -EINVAL;
	for (; done < n; done++) {
		sig = signalfd_dequeue(current, ctx->mask, nonblock || done > 0,
				       &info);
		if (sig < 0)
			break;
		signalfd_convert(&info, &out);
		if (uio_out(u, &out, sizeof(out)) < 0) {
			sig = -EFAULT;
			break;
		}
	}
	return done ? (ssize_t)(done * sizeof(out)) : sig;
}

static unsigned int
signalfd_poll(struct file *f, struct poll_table *pt)
{
	struct signalfd_ctx *ctx = f->priv;

	poll_wait(pt, &current->proc->signalfd_wait);
	return signalfd_pending(current, ctx->mask) ? K_POLLIN | K_POLLRDNORM
						    : 0;
}

static void
signalfd_release(struct file *f)
{
	free(f->priv);
}

static const struct file_ops signalfd_fops = {
	.release = signalfd_release,
	.read = signalfd_read,
	.llseek = anon_noop_llseek,
	.poll = signalfd_poll,
};

/* A new mask for the signalfd at fd: fd, -EBADF, or -EINVAL. */
static long
signalfd_update(struct task *t, int fd, ksigset_t mask)
{
	struct file *f = fd_get(t, fd);

	if (!f)
		return -EBADF;
	if (!anon_file_is(f, &signalfd_fops)) {
		file_put(f);
		return -EINVAL;
	}
	((struct signalfd_ctx *)f->priv)->mask = mask;
	wake_up(&t->proc->signalfd_wait);
	file_put(f);
	return fd;
}

static long
do_signalfd4(struct task *t, int fd, uaddr_t umask, size_t size,
	     unsigned int flags)
{
	struct signalfd_ctx *ctx;
	ksigset_t mask;
	int r;

	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(t, &mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	if (flags & ~SFD_FLAGS)
		return -EINVAL;
	mask &= ~SIG_KERNEL_ONLY;
	if (fd != -1)
		return signalfd_update(t, fd, mask);
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return -ENOMEM;
	ctx->mask = mask;
	r = anon_inode_fd(t, "signalfd", &signalfd_fops, ctx,
			  K_O_RDWR_ANON | flags);
	if (r == -ENOMEM)
		free(ctx);
	return r;
}

long
sys_signalfd4(struct task *t, const uint64_t a[6])
{
	return do_signalfd4(t, (int)a[0], UADDR(a[1]), a[2],
			    (unsigned int)a[3]);
}

long
sys_signalfd(struct task *t, const uint64_t a[6])
{
	return do_signalfd4(t, (int)a[0], UADDR(a[1]), a[2], 0);
}
