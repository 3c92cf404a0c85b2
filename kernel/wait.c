/*
 * Waiting for children: wait4 and waitid, and reaping zombies.
 *
 * A parent's waits sleep on its child_wait queue, which every change in a
 * child (exit, stop, continue) wakes.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "pidfd.h"
#include "printk.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define WNOHANG_K 1
#define WUNTRACED_K 2
#define WEXITED_K 4
#define WCONTINUED_K 8
#define WNOWAIT_K 0x01000000
#define WNOTHREAD_K 0x20000000
#define WALL_K 0x40000000
#define WCLONE_K 0x80000000

#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3

void
process_release(struct process *p)
{
	list_del(&p->sibling);
	process_unregister(p);
	pid_free(p->pgid);
	pid_free(p->sid);
	pid_free(p->pid);
	sighand_put(p->sighand);
	process_free(p);
}

struct wait_result {
	int pid;
	int status;  /* wait4 status word */
	int code;    /* CLD_* for waitid */
	int si_status;
	uint32_t uid;
	struct rusage_acct ru; /* the child's usage and its children's */
};

/*
 * Is c one the wait is for?  A "clone" child (exit signal other than
 * SIGCHLD) only for __WCLONE, the others only without it; __WALL: both.
 */
static bool
wait_matches(struct process *c, int idtype, int id, int options,
	     struct process *self)
{
	if (!(options & WALL_K) &&
	    (c->exit_signal != 17) != !!(options & WCLONE_K))
		return false;
	switch (idtype) {
	case P_PID:
		return c->pid == id;
	case P_PGID:
		return c->pgid == (id ? id : self->pgid);
	default:
		return true;
	}
}

/* The child's usage and its reaped children's, as wait4 reports them. */
static void
wait_rusage(const struct process *c, struct wait_result *res)
{
	process_rusage(c, &res->ru);
	rusage_add(&res->ru, &c->ru_children);
}

/* Collect c's state if it has something to report under options. */
static bool
wait_collect(struct process *c, int options, struct wait_result *res)
{
	res->pid = c->pid;
	res->uid = c->exit_uid;
	if (c->state == PROC_ZOMBIE && (options & WEXITED_K)) {
		wait_rusage(c, res);
		res->status = c->exit_status;
		if ((c->exit_status & 0x7f) == 0) {
			res->code = K_CLD_EXITED;
			res->si_status = (c->exit_status >> 8) & 0xff;
		} else {
			res->code = (c->exit_status & 0x80) ? K_CLD_DUMPED
							     : K_CLD_KILLED;
			res->si_status = c->exit_status & 0x7f;
		}
		if (!(options & WNOWAIT_K)) {
			/* As in Linux, only a waited-for child counts
			 * for the parent, not one reaped automatically. */
			rusage_add(&c->parent->ru_children, &res->ru);
			process_release(c);
		}
		return true;
	}
	if (c->state != PROC_ALIVE)
		return false;
	if (c->wait_report == WAIT_REPORT_STOPPED && (options & WUNTRACED_K)) {
		res->status = (c->stop_sig << 8) | 0x7f;
		res->code = K_CLD_STOPPED;
		res->si_status = c->stop_sig;
	} else if (c->wait_report == WAIT_REPORT_CONTINUED &&
		   (options & WCONTINUED_K)) {
		res->status = 0xffff;
		res->code = K_CLD_CONTINUED;
		res->si_status = 18;
	} else {
		return false;
	}
	if (!(options & WNOWAIT_K))
		c->wait_report = WAIT_REPORT_NONE;
	wait_rusage(c, res);
	return true;
}

/* May sleep.  0 with *res filled, 0 with res->pid = 0 (WNOHANG), -errno. */
static int
do_wait(struct task *t, int idtype, int id, int options,
	struct wait_result *res)
{
	struct process *self = t->proc;
	bool interrupted = false;

	/* As Linux, a signal ends the wait only after a last look at the
	 * children: the SIGCHLD of a child that just exited must not hide it. */
	for (;;) {
		struct process *c, *tmp;
		bool any = false;

		list_for_each_entry_safe(c, tmp, &self->children, sibling) {
			if (!wait_matches(c, idtype, id, options, self))
				continue;
			any = true;
			if (wait_collect(c, options, res))
				return 0;
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG_K) {
			res->pid = 0;
			return 0;
		}
		if (interrupted)
			return -ERESTARTSYS;
		interrupted = sleep_on(&self->child_wait, -1, "do_wait") ==
			      -ERESTARTSYS;
	}
}

long
sys_wait4(struct task *t, const uint64_t a[6])
{
	int pid = (int)a[0], options = (int)a[2];
	uaddr_t status = UADDR(a[1]), rusage = UADDR(a[3]);
	struct wait_result res = { 0 };
	int idtype = P_PID, id = pid, r;

	if (options & ~(WNOHANG_K | WUNTRACED_K | WCONTINUED_K | WNOTHREAD_K |
			WALL_K | WCLONE_K))
		return -EINVAL;
	if (pid == -1) {
		idtype = P_ALL;
	} else if (pid <= 0) {
		idtype = P_PGID;
		id = -pid;
	}
	if (pid == INT32_MIN)
		return -ESRCH;
	r = do_wait(t, idtype, id, options | WEXITED_K, &res);
	if (r < 0)
		return r;
	if (res.pid > 0 && !uaddr_is_null(status) &&
	    copy_to_user(t, status, &res.status, sizeof(int)) < 0)
		return -EFAULT;
	if (res.pid > 0 && !uaddr_is_null(rusage) &&
	    rusage_to_user(t, rusage, &res.ru) < 0)
		return -EFAULT;
	return res.pid;
}

long
sys_waitid(struct task *t, const uint64_t a[6])
{
	int idtype = (int)a[0], id = (int)a[1], options = (int)a[3];
	uaddr_t infop = UADDR(a[2]), rusage = UADDR(a[4]);
	struct wait_result res = { 0 };
	struct ksiginfo info;
	bool nonblock = false;
	int r;

	if (options & ~(WNOHANG_K | WEXITED_K | WUNTRACED_K | WCONTINUED_K |
			WNOWAIT_K | WNOTHREAD_K | WALL_K | WCLONE_K))
		return -EINVAL;
	if (!(options & (WEXITED_K | WUNTRACED_K | WCONTINUED_K)))
		return -EINVAL;
	if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID &&
	    idtype != P_PIDFD)
		return -EINVAL;
	if ((idtype == P_PID && id <= 0) || id < 0)
		return -EINVAL;
	if (idtype == P_PIDFD) {
		if ((r = pidfd_wait_target(t, id, &id, &nonblock)) < 0)
			return r;
		idtype = P_PID;
	}
	r = do_wait(t, idtype, id, options | (nonblock ? WNOHANG_K : 0), &res);
	if (r < 0)
		return r;
	/* A non-blocking pidfd's child still running: EAGAIN, not 0. */
	if (nonblock && res.pid == 0 && !(options & WNOHANG_K))
		return -EAGAIN;
	memset(&info, 0, sizeof(info));
	if (res.pid > 0) {
		info.signo = 17;
		info.code = res.code;
		info.chld.pid = res.pid;
		info.chld.uid = res.uid;
		info.chld.status = res.si_status;
	}
	if (!uaddr_is_null(infop) &&
	    copy_to_user(t, infop, &info, sizeof(info)) < 0)
		return -EFAULT;
	if (res.pid > 0 && !uaddr_is_null(rusage) &&
	    rusage_to_user(t, rusage, &res.ru) < 0)
		return -EFAULT;
	return 0;
}
