/*
 * Signals: generation, delivery and the signal syscalls.
 *
 * Generation (send_signal_*) records a signal as pending on a thread or a
 * process and pokes a thread that can take it: a sleeping one is woken
 * (its wait returns -ERESTARTSYS), one running guest code is kicked so it
 * traps.  Delivery (signal_deliver) runs on the task's own kernel stack
 * just before it returns to the guest: default actions, job-control stops
 * and handler frames (arch/x86_64/sigframe.c) happen there.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "printk.h"
#include "signal.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"
#include "x86_64/sigframe.h"

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGWINCH 28
#define SIGSYS 31

#define STOP_SIGNALS                                                           \
	(SIGMASK(SIGSTOP) | SIGMASK(SIGTSTP) | SIGMASK(SIGTTIN) |             \
	 SIGMASK(SIGTTOU))
#define IGNORED_BY_DEFAULT                                                     \
	(SIGMASK(SIGCHLD) | SIGMASK(SIGCONT) | SIGMASK(SIGURG) |              \
	 SIGMASK(SIGWINCH))
#define SYNC_SIGNALS                                                           \
	(SIGMASK(SIGSEGV) | SIGMASK(SIGBUS) | SIGMASK(SIGILL) |               \
	 SIGMASK(SIGTRAP) | SIGMASK(SIGFPE) | SIGMASK(SIGSYS))

void
sigpending_init(struct sigpending *p)
{
	p->set = 0;
	list_init(&p->queue);
}

void
sigpending_flush(struct sigpending *p)
{
	struct sigqueue *q, *tmp;

	list_for_each_entry_safe(q, tmp, &p->queue, link) {
		list_del(&q->link);
		free(q);
	}
	p->set = 0;
}

static void
sigpending_remove(struct sigpending *p, ksigset_t mask)
{
	struct sigqueue *q, *tmp;

	list_for_each_entry_safe(q, tmp, &p->queue, link) {
		if (SIGMASK(q->info.signo) & mask) {
			list_del(&q->link);
			free(q);
		}
	}
	p->set &= ~mask;
}

struct sighand *
sighand_alloc(void)
{
	struct sighand *sh = calloc(1, sizeof(*sh));

	if (sh)
		sh->refcount = 1;
	return sh;
}

struct sighand *
sighand_copy(const struct sighand *src)
{
	struct sighand *sh = malloc(sizeof(*sh));

	if (sh) {
		*sh = *src;
		sh->refcount = 1;
	}
	return sh;
}

void
sighand_put(struct sighand *sh)
{
	if (sh && --sh->refcount == 0)
		free(sh);
}

void
sighand_exec(struct sighand *sh)
{
	int i;

	for (i = 0; i < KNSIG; i++) {
		struct k_sigaction *ka = &sh->action[i];

		if (ka->handler != K_SIG_IGN)
			ka->handler = K_SIG_DFL;
		ka->flags = 0;
		ka->restorer = 0;
		ka->mask = 0;
	}
}

bool
signal_ignored(struct process *p, int sig)
{
	const struct k_sigaction *ka = &p->sighand->action[sig - 1];

	if (ka->handler == K_SIG_IGN)
		return true;
	return ka->handler == K_SIG_DFL && (SIGMASK(sig) & IGNORED_BY_DEFAULT);
}

void
signal_discard(struct process *p, int sig)
{
	struct task *t;

	sigpending_remove(&p->shared_pending, SIGMASK(sig));
	list_for_each_entry(t, &p->threads, thread_link)
		sigpending_remove(&t->pending, SIGMASK(sig));
}

/* Make t notice a signal it can take. */
static void
signal_wake(struct task *t, bool fatal)
{
	switch (t->state) {
	case TASK_INTERRUPTIBLE:
		if (fatal || !t->killable_only)
			wake_up_task(t);
		break;
	case TASK_GUEST:
		host_task_kick(t->host);
		break;
	case TASK_STOPPED:
		if (fatal) {
			t->state = TASK_INTERRUPTIBLE;
			wake_up_task(t);
		}
		break;
	default:
		break;
	}
}

/* End another thread of t's process for execve: it exits quietly. */
void
signal_zap_thread(struct task *t)
{
	t->zapped = true;
	signal_wake(t, true);
}

static bool
task_blocks(const struct task *t, int sig)
{
	return (t->blocked & SIGMASK(sig)) && !(SIGMASK(sig) & SIG_KERNEL_ONLY);
}

static void
wake_stopped_threads(struct process *p)
{
	struct task *t;

	list_for_each_entry(t, &p->threads, thread_link) {
		if (t->state == TASK_STOPPED) {
			t->state = TASK_INTERRUPTIBLE;
			wake_up_task(t);
		}
	}
}

/* SIGCONT and stop signals cancel each other at generation. */
static void
prepare_signal(struct process *p, int sig)
{
	struct task *t;

	if (sig == SIGCONT || sig == SIGKILL) {
		sigpending_remove(&p->shared_pending, STOP_SIGNALS);
		list_for_each_entry(t, &p->threads, thread_link)
			sigpending_remove(&t->pending, STOP_SIGNALS);
		if (p->stopped) {
			p->stopped = false;
			/* A stop the parent never saw: nothing to continue. */
			if (p->stop_notified) {
				p->wait_report = WAIT_REPORT_CONTINUED;
				process_notify_parent(p, K_CLD_CONTINUED,
						      SIGCONT);
			}
			wake_stopped_threads(p);
		}
	} else if (SIGMASK(sig) & STOP_SIGNALS) {
		sigpending_remove(&p->shared_pending, SIGMASK(SIGCONT));
		list_for_each_entry(t, &p->threads, thread_link)
			sigpending_remove(&t->pending, SIGMASK(SIGCONT));
	}
}

static int
enqueue(struct sigpending *pend, int sig, const struct ksiginfo *info)
{
	struct sigqueue *q;

	if (sig < 32 && (pend->set & SIGMASK(sig)))
		return 0;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return -EAGAIN;
	if (info)
		q->info = *info;
	else
		q->info.code = K_SI_KERNEL;
	q->info.signo = sig;
	list_add_tail(&q->link, &pend->queue);
	pend->set |= SIGMASK(sig);
	return 0;
}

static bool
is_init_protected(struct process *p, int sig)
{
	return p == init_process &&
	       p->sighand->action[sig - 1].handler == K_SIG_DFL;
}

/*
 * May the signal be dropped at once?  Ignored signals are, and signals
 * with no handler sent to init, unless the receiver blocks the signal or
 * waits for it (sigtimedwait): the handler may change before it looks.
 */
static bool
signal_droppable(struct task *t, int sig)
{
	struct process *p = t->proc;

	if (task_blocks(t, sig) || (t->waiting_for & SIGMASK(sig)))
		return false;
	return is_init_protected(p, sig) || signal_ignored(p, sig);
}

int
send_signal_task(struct task *t, int sig, const struct ksiginfo *info)
{
	struct process *p = t->proc;
	int r;

	if (sig < 1 || sig > KNSIG || p->state != PROC_ALIVE)
		return sig == 0 ? 0 : -EINVAL;
	prepare_signal(p, sig);
	if (signal_droppable(t, sig))
		return 0;
	if ((r = enqueue(&t->pending, sig, info)) < 0)
		return r;
	wake_up(&p->signalfd_wait);
	if (!task_blocks(t, sig))
		signal_wake(t, sig == SIGKILL);
	return 0;
}

int
send_signal_process(struct process *p, int sig, const struct ksiginfo *info)
{
	struct task *t;
	int r;

	if (sig < 1 || sig > KNSIG || p->state != PROC_ALIVE)
		return sig == 0 ? 0 : -EINVAL;
	prepare_signal(p, sig);
	if (list_empty(&p->threads) ||
	    signal_droppable(list_first_entry(&p->threads, struct task,
					      thread_link),
			     sig))
		return 0;
	if ((r = enqueue(&p->shared_pending, sig, info)) < 0)
		return r;
	wake_up(&p->signalfd_wait);
	list_for_each_entry(t, &p->threads, thread_link) {
		if (sig == SIGKILL) {
			signal_wake(t, true);
		} else if (!task_blocks(t, sig)) {
			signal_wake(t, false);
			break;
		}
	}
	return 0;
}

void
siginfo_from(struct task *sender, struct ksiginfo *info, int sig, int code)
{
	*info = (struct ksiginfo){ .signo = sig, .code = code };
	info->kill.pid = sender->proc->pid;
	info->kill.uid = sender->cred.uid;
}

int
send_signal_self(struct task *t, int sig)
{
	struct ksiginfo info;

	siginfo_from(t, &info, sig, K_SI_USER);
	return send_signal_task(t, sig, &info);
}

int
kill_pgrp(int pgid, int sig, const struct ksiginfo *info)
{
	struct process *p;
	int found = 0;

	list_for_each_entry(p, &all_processes, all_link) {
		if (p->pgid == pgid && p->state == PROC_ALIVE) {
			send_signal_process(p, sig, info);
			found = 1;
		}
	}
	return found ? 0 : -ESRCH;
}

void
force_signal(struct task *t, int sig, int code, uint64_t addr)
{
	struct k_sigaction *ka = &t->proc->sighand->action[sig - 1];
	struct ksiginfo info = { .signo = sig, .code = code };

	info.fault.addr = addr;
	if (ka->handler == K_SIG_IGN || task_blocks(t, sig)) {
		ka->handler = K_SIG_DFL;
		t->blocked &= ~SIGMASK(sig);
	}
	/* A fault the guest cannot handle kills even init. */
	if (t->proc == init_process && ka->handler == K_SIG_DFL)
		do_group_exit(t, sig);
	enqueue(&t->pending, sig, &info);
}

bool
signal_pending(struct task *t)
{
	ksigset_t pend = t->pending.set | t->proc->shared_pending.set;

	return (pend & ~t->blocked) || (pend & SIG_KERNEL_ONLY) ||
	       t->proc->group_exiting || t->zapped || t->proc->stopped;
}

/*
 * Take the next pending signal among those in allowed: synchronous ones
 * first, then the lowest number; the thread's own before the process's.
 */
int
signal_dequeue(struct task *t, ksigset_t allowed, struct ksiginfo *info)
{
	struct sigpending *sources[2] = { &t->pending, &t->proc->shared_pending };
	int i;

	for (i = 0; i < 2; i++) {
		struct sigpending *pend = sources[i];
		ksigset_t ready = pend->set & allowed;
		struct sigqueue *q;
		int sig;

		if (!ready)
			continue;
		if (ready & SYNC_SIGNALS)
			ready &= SYNC_SIGNALS;
		sig = __builtin_ctzll(ready) + 1;
		list_for_each_entry(q, &pend->queue, link) {
			if (q->info.signo != sig)
				continue;
			if (q->info.code == K_SI_TIMER)
				posix_timer_dequeued(t, &q->info);
			if (info)
				*info = q->info;
			list_del(&q->link);
			free(q);
			break;
		}
		pend->set &= ~SIGMASK(sig);
		list_for_each_entry(q, &pend->queue, link)
			if (q->info.signo == sig)
				pend->set |= SIGMASK(sig);
		return sig;
	}
	return 0;
}

static bool
sigkill_pending(const struct task *t)
{
	return (t->pending.set | t->proc->shared_pending.set) &
	       SIGMASK(SIGKILL);
}

bool
fatal_signal_pending(struct task *t)
{
	return sigkill_pending(t) || t->proc->group_exiting || t->zapped;
}

/*
 * Start a job-control stop of t's whole process: every thread takes part
 * (signal_pending is true for them until SIGCONT), the others are kicked
 * into signal_deliver, and the last one to stop tells the parent.
 */
static void
do_signal_stop(struct task *t, int sig)
{
	struct process *p = t->proc;
	struct task *o;

	if (p->stopped)
		return;
	p->stopped = true;
	p->stop_sig = sig;
	p->stop_notified = false;
	list_for_each_entry(o, &p->threads, thread_link)
		if (o != t)
			signal_wake(o, false);
}

void
signal_group_stop_check(struct process *p)
{
	struct task *o;

	if (!p->stopped || p->stop_notified || list_empty(&p->threads))
		return;
	list_for_each_entry(o, &p->threads, thread_link)
		if (o->state != TASK_STOPPED)
			return;
	p->stop_notified = true;
	p->wait_report = WAIT_REPORT_STOPPED;
	process_notify_parent(p, K_CLD_STOPPED, p->stop_sig);
}

/* Take part in the group stop until SIGCONT (or SIGKILL, or an exit). */
static void
group_stop_wait(struct task *t)
{
	struct process *p = t->proc;

	while (p->stopped && !p->group_exiting && !sigkill_pending(t)) {
		t->state = TASK_STOPPED;
		t->wchan = "do_signal_stop";
		signal_group_stop_check(p);
		schedule();
		t->wchan = NULL;
	}
}

static void
default_action(struct task *t, int sig)
{
	struct process *p = t->proc;

	if (SIGMASK(sig) & IGNORED_BY_DEFAULT)
		return;
	if (SIGMASK(sig) & STOP_SIGNALS) {
		if (sig == SIGSTOP || !process_pgrp_orphaned(p))
			do_signal_stop(t, sig);
		return;
	}
	/* Core signals terminate too: no core file is written, so the status
	 * never says one was, as on Linux when none can be. */
	do_group_exit(t, sig);
}

static void
run_handler(struct task *t, int sig, struct ksiginfo *info,
	    struct syscall_state *sc)
{
	struct k_sigaction *ka = &t->proc->sighand->action[sig - 1];
	struct k_sigaction act = *ka;
	ksigset_t saved = t->restore_blocked ? t->saved_blocked : t->blocked;

	syscall_set_result(t, sc, &act);
	t->restore_blocked = false;
	if (sigframe_setup(t, sig, info, &act, saved) < 0) {
		/* No frame for SIGSEGV's own handler either: die of it. */
		if (sig == SIGSEGV)
			ka->handler = K_SIG_DFL;
		force_signal(t, SIGSEGV, K_SI_KERNEL, 0);
		return;
	}
	t->blocked |= act.mask;
	if (!(act.flags & K_SA_NODEFER))
		t->blocked |= SIGMASK(sig);
	t->blocked &= ~SIG_KERNEL_ONLY;
	if (act.flags & K_SA_RESETHAND)
		ka->handler = K_SIG_DFL;
}

void
signal_deliver(struct task *t, struct syscall_state *sc)
{
	struct ksiginfo info;
	int sig;

	for (;;) {
		if (t->zapped)
			do_exit(t, 0);
		if (t->proc->group_exiting)
			do_exit(t, t->proc->exit_status);
		if (t->proc->stopped && !sigkill_pending(t)) {
			group_stop_wait(t);
			continue;
		}
		if ((sig = signal_dequeue(t, ~(t->blocked & ~SIG_KERNEL_ONLY),
					  &info)) == 0)
			break;
		const struct k_sigaction *ka =
			&t->proc->sighand->action[sig - 1];
		if (ka->handler == K_SIG_IGN)
			continue;
		if (ka->handler == K_SIG_DFL) {
			if (is_init_protected(t->proc, sig) && sig != SIGKILL)
				continue;
			default_action(t, sig);
			continue;
		}
		run_handler(t, sig, &info, sc);
	}
	if (t->restore_blocked) {
		t->blocked = t->saved_blocked;
		t->restore_blocked = false;
	}
}

/* Below this size sigaltstack says ENOMEM (Linux's MINSIGSTKSZ). */
#define ALTSTACK_MIN 2048

static bool
altstack_contains(const struct task *t, uint64_t sp)
{
	return sp > t->altstack.sp && sp - t->altstack.sp <= t->altstack.size;
}

bool
altstack_on(const struct task *t, uint64_t sp)
{
	return !(t->altstack.flags & K_SS_AUTODISARM) && altstack_contains(t, sp);
}

void
altstack_get(const struct task *t, uint64_t sp, struct sigaltstack_k *oss)
{
	*oss = (struct sigaltstack_k){ .sp = t->altstack.sp,
				       .size = t->altstack.size };
	if (t->altstack.size == 0)
		oss->flags = K_SS_DISABLE;
	else if (altstack_on(t, sp))
		oss->flags = K_SS_ONSTACK;
	oss->flags |= t->altstack.flags & (int32_t)K_SS_AUTODISARM;
}

int
altstack_set(struct task *t, const struct sigaltstack_k *ss, uint64_t sp)
{
	int mode = ss->flags & ~(int32_t)K_SS_AUTODISARM;

	if (altstack_on(t, sp))
		return -EPERM;
	if (mode != 0 && mode != K_SS_ONSTACK && mode != K_SS_DISABLE)
		return -EINVAL;
	if (mode == K_SS_DISABLE) {
		t->altstack = (struct sigaltstack_k){ .flags = ss->flags };
		return 0;
	}
	if (ss->size < ALTSTACK_MIN)
		return -ENOMEM;
	t->altstack = (struct sigaltstack_k){
		.sp = ss->sp, .size = ss->size, .flags = ss->flags };
	return 0;
}

void
altstack_reset(struct task *t)
{
	t->altstack = (struct sigaltstack_k){ .flags = K_SS_DISABLE };
}

int
sigmask_set_temporary(struct task *t, uaddr_t umask, size_t size)
{
	ksigset_t mask;

	if (uaddr_is_null(umask))
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(t, &mask, umask, sizeof(mask)) < 0)
		return -EFAULT;
	t->saved_blocked = t->blocked;
	t->restore_blocked = true;
	t->blocked = mask & ~SIG_KERNEL_ONLY;
	return 0;
}

void
sigmask_end_temporary(struct task *t, bool interrupted)
{
	if (t->restore_blocked && !interrupted) {
		t->blocked = t->saved_blocked;
		t->restore_blocked = false;
	}
}
