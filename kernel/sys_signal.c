/*
 * Signal system calls: sigaction, masks, sending, sigreturn, altstacks and
 * waiting for signals.  Argument checking here; the mechanics in signal.c.
 */
#include "errno.h"
#include "signal.h"
#include "syscall.h"
#include "syscalls.h"
#include "time.h"
#include "task.h"
#include "uaccess.h"
#include "x86_64/sigframe.h"

#define SIG_BLOCK_K 0
#define SIG_UNBLOCK_K 1
#define SIG_SETMASK_K 2

long
sys_rt_sigaction(struct task *t, const uint64_t a[6])
{
	int sig = (int)a[0];
	uaddr_t act = UADDR(a[1]), oact = UADDR(a[2]);
	struct k_sigaction *slot, new;

	if (a[3] != sizeof(ksigset_t))
		return -EINVAL;
	if (sig < 1 || sig > KNSIG)
		return -EINVAL;
	slot = &t->proc->sighand->action[sig - 1];
	if (!uaddr_is_null(act)) {
		if (copy_from_user(t, &new, act, sizeof(new)) < 0)
			return -EFAULT;
		if (SIGMASK(sig) & SIG_KERNEL_ONLY)
			return -EINVAL;
	}
	if (!uaddr_is_null(oact) &&
	    copy_to_user(t, oact, slot, sizeof(*slot)) < 0)
		return -EFAULT;
	if (!uaddr_is_null(act)) {
		new.mask &= ~SIG_KERNEL_ONLY;
		new.flags &= K_SA_KNOWN;
		*slot = new;
		/* Setting SIG_IGN (or a default of ignore) drops pending ones. */
		if (signal_ignored(t->proc, sig))
			signal_discard(t->proc, sig);
	}
	return 0;
}

/* Changing the mask may make pending signals deliverable: nothing to do,
 * signal_deliver() runs before the return to the guest. */
long
sys_rt_sigprocmask(struct task *t, const uint64_t a[6])
{
	int how = (int)a[0];
	uaddr_t set = UADDR(a[1]), oset = UADDR(a[2]);
	ksigset_t new, old = t->blocked;

	if (a[3] != sizeof(ksigset_t))
		return -EINVAL;
	if (!uaddr_is_null(set)) {
		if (copy_from_user(t, &new, set, sizeof(new)) < 0)
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK_K:
			t->blocked |= new;
			break;
		case SIG_UNBLOCK_K:
			t->blocked &= ~new;
			break;
		case SIG_SETMASK_K:
			t->blocked = new;
			break;
		default:
			return -EINVAL;
		}
		t->blocked &= ~SIG_KERNEL_ONLY;
	}
	if (!uaddr_is_null(oset) &&
	    copy_to_user(t, oset, &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

long
sys_rt_sigpending(struct task *t, const uint64_t a[6])
{
	ksigset_t pend = (t->pending.set | t->proc->shared_pending.set) &
			 t->blocked;

	if (a[1] > sizeof(ksigset_t))
		return -EINVAL;
	if (copy_to_user(t, UADDR(a[0]), &pend, a[1]) < 0)
		return -EFAULT;
	return 0;
}

long
sys_rt_sigreturn(struct task *t, const uint64_t a[6])
{
	t->restart.fn = NULL; /* a handler ran: nothing to carry on */
	syscall_no_result(t);
	if (sigframe_restore(t) < 0)
		force_signal(t, 11, K_SI_KERNEL, 0);
	return 0;
}

/* May sleep. */
long
sys_rt_sigsuspend(struct task *t, const uint64_t a[6])
{
	int r;

	if (uaddr_is_null(UADDR(a[0])) && a[1] == sizeof(ksigset_t))
		return -EFAULT;
	if ((r = sigmask_set_temporary(t, UADDR(a[0]), a[1])) < 0)
		return r;
	while (sleep_on(NULL, -1, "sigsuspend") != -ERESTARTSYS)
		;
	return -ERESTARTNOHAND;
}

/*
 * Wait for a signal in set without running its handler.  The set is
 * unblocked while sleeping so its signals wake us; other signals that
 * arrive interrupt the wait.  May sleep.
 */
long
sys_rt_sigtimedwait(struct task *t, const uint64_t a[6])
{
	struct {
		int64_t sec, nsec;
	} ts;
	struct ksiginfo info;
	int64_t deadline = -1;
	ksigset_t set, saved = t->blocked;
	int sig, r = 0;

	if (a[3] != sizeof(ksigset_t))
		return -EINVAL;
	if (copy_from_user(t, &set, UADDR(a[0]), sizeof(set)) < 0)
		return -EFAULT;
	set &= ~SIG_KERNEL_ONLY;
	if (a[2]) {
		if (copy_from_user(t, &ts, UADDR(a[2]), sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -EINVAL;
		deadline = ktime_after(ktime_from(ts.sec, ts.nsec));
	}
	while ((sig = signal_dequeue(t, set, &info)) == 0 && r == 0) {
		if (deadline >= 0 && deadline <= ktime_now())
			return -EAGAIN;
		t->blocked &= ~set;
		t->waiting_for = set;
		r = sleep_on(NULL, deadline, "sigtimedwait");
		t->waiting_for = 0;
		t->blocked = saved;
	}
	if (sig == 0)
		return r == -ETIMEDOUT ? -EAGAIN : -EINTR;
	if (a[1] && copy_to_user(t, UADDR(a[1]), &info, sizeof(info)) < 0)
		return -EFAULT;
	return sig;
}

/* Carry on with a call a stop interrupted (see struct restart_block). */
long
sys_restart_syscall(struct task *t, const uint64_t a[6])
{
	long (*fn)(struct task *t) = t->restart.fn;

	t->restart.fn = NULL;
	return fn ? fn(t) : -EINTR;
}

/* May sleep. */
long
sys_pause(struct task *t, const uint64_t a[6])
{
	while (sleep_on(NULL, -1, "pause") != -ERESTARTSYS)
		;
	return -ERESTARTNOHAND;
}

long
sys_sigaltstack(struct task *t, const uint64_t a[6])
{
	uint64_t sp = host_task_regs(t->host)->rsp;
	struct sigaltstack_k ss, old;
	int r;

	altstack_get(t, sp, &old);
	if (a[0]) {
		if (copy_from_user(t, &ss, UADDR(a[0]), sizeof(ss)) < 0)
			return -EFAULT;
		if ((r = altstack_set(t, &ss, sp)) < 0)
			return r;
	}
	if (a[1] && copy_to_user(t, UADDR(a[1]), &old, sizeof(old)) < 0)
		return -EFAULT;
	return 0;
}

/* May the sender signal p?  Root, or a matching real/effective uid. */
static bool
may_signal(struct task *t, struct process *p, int sig)
{
	struct task *target;

	if (cred_is_root(&t->cred))
		return true;
	if (sig == 18 && p->sid == t->proc->sid)
		return true;
	if (list_empty(&p->threads))
		return false;
	target = list_first_entry(&p->threads, struct task, thread_link);
	return t->cred.euid == target->cred.suid ||
	       t->cred.euid == target->cred.uid ||
	       t->cred.uid == target->cred.suid ||
	       t->cred.uid == target->cred.uid;
}

static int
kill_one(struct task *t, struct process *p, int sig)
{
	struct ksiginfo info;

	if (p->state != PROC_ALIVE)
		return sig == 0 ? 0 : 0;
	if (!may_signal(t, p, sig))
		return -EPERM;
	if (sig == 0)
		return 0;
	siginfo_from(t, &info, sig, K_SI_USER);
	return send_signal_process(p, sig, &info);
}

long
sys_kill(struct task *t, const uint64_t a[6])
{
	int pid = (int)a[0], sig = (int)a[1];
	struct process *p;
	int found = 0, err = -ESRCH, r;

	if (sig < 0 || sig > KNSIG)
		return -EINVAL;
	if (pid > 0) {
		if ((p = process_of_id(pid)) == NULL)
			return -ESRCH;
		return kill_one(t, p, sig);
	}
	list_for_each_entry(p, &all_processes, all_link) {
		if (pid == 0 && p->pgid != t->proc->pgid)
			continue;
		if (pid < -1 && p->pgid != -pid)
			continue;
		if (pid == -1 && (p == init_process || p == t->proc))
			continue;
		if (p->state != PROC_ALIVE)
			continue;
		r = kill_one(t, p, sig);
		if (r == 0)
			found = 1;
		else
			err = r;
	}
	return found ? 0 : err;
}

static long
do_tkill(struct task *t, int tgid, int tid, int sig)
{
	struct task *target = task_find(tid);
	struct ksiginfo info;

	if (tid <= 0 || sig < 0 || sig > KNSIG)
		return -EINVAL;
	if (!target || (tgid > 0 && target->proc->pid != tgid))
		return -ESRCH;
	if (!may_signal(t, target->proc, sig))
		return -EPERM;
	if (sig == 0)
		return 0;
	siginfo_from(t, &info, sig, K_SI_TKILL);
	return send_signal_task(target, sig, &info);
}

long
sys_tkill(struct task *t, const uint64_t a[6])
{
	return do_tkill(t, -1, (int)a[0], (int)a[1]);
}

long
sys_tgkill(struct task *t, const uint64_t a[6])
{
	if ((int)a[0] <= 0)
		return -EINVAL;
	return do_tkill(t, (int)a[0], (int)a[1], (int)a[2]);
}

/*
 * rt_sigqueueinfo and rt_tgsigqueueinfo: the caller supplies the siginfo,
 * but may not pretend to be the kernel or kill(2) when signalling others.
 */
static int
user_queueinfo(struct task *t, uaddr_t uinfo, int sig, bool self,
	       struct ksiginfo *info)
{
	if (copy_from_user(t, info, uinfo, sizeof(*info)) < 0)
		return -EFAULT;
	if (!self && (info->code >= 0 || info->code == K_SI_TKILL))
		return -EPERM;
	info->signo = sig;
	return 0;
}

long
sys_rt_sigqueueinfo(struct task *t, const uint64_t a[6])
{
	struct process *p = process_of_id((int)a[0]);
	int sig = (int)a[1], r;
	struct ksiginfo info;

	if (sig < 0 || sig > KNSIG)
		return -EINVAL;
	if (!p)
		return -ESRCH;
	if ((r = user_queueinfo(t, UADDR(a[2]), sig, p == t->proc, &info)) < 0)
		return r;
	if (!may_signal(t, p, sig))
		return -EPERM;
	return sig ? send_signal_process(p, sig, &info) : 0;
}

long
sys_rt_tgsigqueueinfo(struct task *t, const uint64_t a[6])
{
	struct task *target = task_find((int)a[1]);
	int sig = (int)a[2], r;
	struct ksiginfo info;

	if (sig < 0 || sig > KNSIG || (int)a[0] <= 0 || (int)a[1] <= 0)
		return -EINVAL;
	if (!target || target->proc->pid != (int)a[0])
		return -ESRCH;
	if ((r = user_queueinfo(t, UADDR(a[3]), sig, target->proc == t->proc,
				&info)) < 0)
		return r;
	if (!may_signal(t, target->proc, sig))
		return -EPERM;
	return sig ? send_signal_task(target, sig, &info) : 0;
}
