/*
 * pidfds: pidfd_open, pidfd_send_signal, poll on a pidfd and the lookup
 * waitid(P_PIDFD) needs (wait.c); pidfd_getfd is not supported (ENOSYS
 * from the syscall table).
 *
 * A pidfd names one process for as long as the file lives, even after the
 * process is reaped and its pid number is reused.  The kernel has no
 * reference-counted pid objects, so a pidfd keeps the pid number and the
 * process's start time (monotonic ns, never equal for two processes that
 * held the same number in turn) and looks the process up each time: no
 * match means the process was reaped.
 *
 * Poll: POLLIN once the process is a zombie, POLLIN | POLLHUP once it is
 * reaped.  Pollers wait on the process's pidfd_wait queue, which
 * process_exit (exit.c) wakes and process_free empties (wake_up_pollfree).
 */
#include <stdlib.h>

#include "fs/anon_inode.h"
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "pidfd.h"
#include "signal.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define PIDFD_NONBLOCK K_O_NONBLOCK_ANON

#define PIDFD_SIGNAL_THREAD 1
#define PIDFD_SIGNAL_THREAD_GROUP 2
#define PIDFD_SIGNAL_PROCESS_GROUP 4
#define PIDFD_SELF_THREAD (-10000)
#define PIDFD_SELF_THREAD_GROUP (-10001)
#define PIDFD_SIGNAL_FLAGS                                                     \
	(PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP |                     \
	 PIDFD_SIGNAL_PROCESS_GROUP)

struct pidfd_ctx {
	int pid;
	int64_t start_time;
};

static const struct file_ops pidfd_fops;

/* The process a pidfd names, or NULL once it has been reaped. */
static struct process *
pidfd_process(const struct pidfd_ctx *ctx)
{
	struct process *p = process_find(ctx->pid);

	return p && p->start_time == ctx->start_time ? p : NULL;
}

static unsigned int
pidfd_poll(struct file *f, struct poll_table *pt)
{
	struct process *p = pidfd_process(f->priv);

	if (!p)
		return K_POLLIN | K_POLLRDNORM | K_POLLHUP;
	poll_wait(pt, &p->pidfd_wait);
	return p->state == PROC_ZOMBIE ? K_POLLIN | K_POLLRDNORM : 0;
}

static void
pidfd_release(struct file *f)
{
	free(f->priv);
}

static int64_t
pidfd_llseek(struct file *f, int64_t off, int whence)
{
	return -ESPIPE;
}

static const struct file_ops pidfd_fops = {
	.release = pidfd_release,
	.llseek = pidfd_llseek,
	.poll = pidfd_poll,
};

int
pidfd_install(struct task *t, struct process *p, unsigned int flags)
{
	struct pidfd_ctx *ctx = malloc(sizeof(*ctx));
	int fd;

	if (!ctx)
		return -ENOMEM;
	ctx->pid = p->pid;
	ctx->start_time = p->start_time;
	fd = anon_inode_fd(t, "pidfd", &pidfd_fops, ctx,
			   K_O_RDWR_ANON | K_O_CLOEXEC_ANON |
				   (flags & PIDFD_NONBLOCK));
	if (fd == -ENOMEM)
		free(ctx);
	return fd;
}

/* pidfd_open(pid, flags); PIDFD_THREAD is not supported (EINVAL). */
long
sys_pidfd_open(struct task *t, const uint64_t a[6])
{
	int pid = (int)a[0];
	unsigned int flags = (unsigned int)a[1];
	struct process *p;

	if (flags & ~PIDFD_NONBLOCK)
		return -EINVAL;
	if (pid <= 0)
		return -EINVAL;
	if ((p = process_find(pid)) == NULL)
		return task_find(pid) ? -EINVAL : -ESRCH; /* not a leader */
	return pidfd_install(t, p, flags);
}

/* The pidfd at fd with a new reference, or NULL (-EBADF). */
static struct file *
pidfd_fget(struct task *t, int fd)
{
	struct file *f = fd_get(t, fd);

	if (f && !anon_file_is(f, &pidfd_fops)) {
		file_put(f);
		return NULL;
	}
	return f;
}

int
pidfd_wait_target(struct task *t, int fd, int *pid, bool *nonblock)
{
	struct file *f = pidfd_fget(t, fd);
	struct process *p;

	if (!f)
		return -EBADF;
	p = pidfd_process(f->priv);
	*pid = p ? p->pid : 0;
	*nonblock = f->flags & K_O_NONBLOCK_ANON;
	file_put(f);
	return p ? 0 : -ECHILD;
}

/* May t signal p?  Root, or a real or effective uid matching p's. */
static bool
pidfd_may_signal(struct task *t, struct process *p, int sig)
{
	struct task *target;

	if (cred_is_root(&t->cred))
		return true;
	if (sig == 18 /* SIGCONT */ && p->sid == t->proc->sid)
		return true;
	if (list_empty(&p->threads))
		return true; /* a zombie: nothing left to protect */
	target = list_first_entry(&p->threads, struct task, thread_link);
	return t->cred.euid == target->cred.suid ||
	       t->cred.euid == target->cred.uid ||
	       t->cred.uid == target->cred.suid ||
	       t->cred.uid == target->cred.uid;
}

/*
 * The siginfo to send: the caller's (checked) or the kernel's own.  self:
 * the target is the calling thread.
 */
static int
pidfd_siginfo(struct task *t, bool self, int sig, uaddr_t uinfo,
	      unsigned int scope, struct ksiginfo *info)
{
	if (uaddr_is_null(uinfo)) {
		*info = (struct ksiginfo){ .signo = sig };
		info->code = scope == PIDFD_SIGNAL_THREAD ? K_SI_TKILL
							  : K_SI_USER;
		info->kill.pid = t->proc->pid;
		info->kill.uid = t->cred.uid;
		return 0;
	}
	if (copy_from_user(t, info, uinfo, sizeof(*info)) < 0)
		return -EFAULT;
	if (info->signo != sig)
		return -EINVAL;
	/* Only to oneself may one forge kernel or kill() codes. */
	if ((!self || scope == PIDFD_SIGNAL_PROCESS_GROUP) &&
	    (info->code >= 0 || info->code == K_SI_TKILL))
		return -EPERM;
	return 0;
}

static int
pidfd_deliver(struct process *p, int sig, unsigned int scope,
	      const struct ksiginfo *info)
{
	if (sig == 0 || p->state != PROC_ALIVE)
		return 0; /* a zombie takes signals and ignores them */
	if (scope == PIDFD_SIGNAL_PROCESS_GROUP)
		return kill_pgrp(p->pgid, sig, info);
	if (scope == PIDFD_SIGNAL_THREAD) {
		struct task *leader = task_find(p->pid);

		return leader ? send_signal_task(leader, sig, info) : 0;
	}
	return send_signal_process(p, sig, info);
}

/*
 * The target of pidfd_send_signal: the pidfd's process (NULL once
 * reaped), or the caller's own for PIDFD_SELF_THREAD(_GROUP), which also
 * set the default scope.  0 or -EBADF.
 */
static int
pidfd_signal_target(struct task *t, int fd, unsigned int *scope,
		    int *pid, struct process **out)
{
	struct file *f;

	if (fd == PIDFD_SELF_THREAD || fd == PIDFD_SELF_THREAD_GROUP) {
		if (*scope == 0 && fd == PIDFD_SELF_THREAD)
			*scope = PIDFD_SIGNAL_THREAD;
		*pid = fd == PIDFD_SELF_THREAD ? t->tid : t->proc->pid;
		*out = t->proc;
		return 0;
	}
	if ((f = pidfd_fget(t, fd)) == NULL)
		return -EBADF;
	*pid = ((struct pidfd_ctx *)f->priv)->pid;
	*out = pidfd_process(f->priv);
	file_put(f);
	return 0;
}

long
sys_pidfd_send_signal(struct task *t, const uint64_t a[6])
{
	int sig = (int)a[1], pid;
	unsigned int scope = (unsigned int)a[3];
	struct ksiginfo info;
	struct process *p;
	long r;

	if ((scope & ~PIDFD_SIGNAL_FLAGS) || __builtin_popcount(scope) > 1)
		return -EINVAL;
	if ((r = pidfd_signal_target(t, (int)a[0], &scope, &pid, &p)) < 0)
		return r;
	r = pidfd_siginfo(t, pid == t->tid, sig, UADDR(a[2]), scope, &info);
	if (r < 0)
		return r;
	if (!p)
		return -ESRCH;
	if (sig < 0 || sig > KNSIG)
		return -EINVAL;
	if (!pidfd_may_signal(t, p, sig))
		return -EPERM;
	if (scope == PIDFD_SIGNAL_THREAD && pid == t->tid && pid != p->pid)
		return sig ? send_signal_task(t, sig, &info) : 0;
	return pidfd_deliver(p, sig, scope, &info);
}
