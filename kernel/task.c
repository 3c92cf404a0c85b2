/*
 * Tasks and processes: guest ids, allocation, and task_main(), the kernel
 * side of every guest thread.
 *
 * Guest ids: a pid number stays in use while anything refers to it -- a
 * thread, a process (until reaped), a process group or a session -- so a
 * number is never reused while some pgid or sid still names it.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "mm/mm.h"
#include "printk.h"
#include "syscall.h"
#include "task.h"

#define PID_MAX 32768

static unsigned short pid_refs[PID_MAX];
static struct task *tid_table[PID_MAX];
static struct process *pid_table[PID_MAX];
static int last_pid;

struct process *init_process;
struct list all_processes = LIST_INIT(all_processes);

int
pid_alloc(void)
{
	int i, pid;

	for (i = 1; i < PID_MAX; i++) {
		pid = (last_pid + i) % PID_MAX;
		if (pid == 0 || pid_refs[pid])
			continue;
		pid_refs[pid] = 1;
		last_pid = pid;
		return pid;
	}
	return -EAGAIN;
}

void
pid_get(int pid)
{
	if (pid > 0 && pid < PID_MAX)
		pid_refs[pid]++;
}

void
pid_free(int pid)
{
	if (pid > 0 && pid < PID_MAX && pid_refs[pid] > 0)
		pid_refs[pid]--;
}

struct task *
task_find(int tid)
{
	return tid > 0 && tid < PID_MAX ? tid_table[tid] : NULL;
}

struct process *
process_find(int pid)
{
	return pid > 0 && pid < PID_MAX ? pid_table[pid] : NULL;
}

struct process *
process_of_id(int id)
{
	struct process *p = process_find(id);
	struct task *t;

	if (!p && (t = task_find(id)) != NULL)
		p = t->proc;
	return p;
}

void
task_register(struct task *t)
{
	tid_table[t->tid] = t;
	if (t->proc->pid == t->tid && list_empty(&t->proc->all_link)) {
		pid_table[t->tid] = t->proc;
		list_add_tail(&t->proc->all_link, &all_processes);
	}
}

void
task_unregister(struct task *t)
{
	if (tid_table[t->tid] == t)
		tid_table[t->tid] = NULL;
}

void
process_unregister(struct process *p)
{
	if (pid_table[p->pid] == p)
		pid_table[p->pid] = NULL;
	list_del(&p->all_link);
}

struct task *
task_alloc(void)
{
	struct task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	list_init(&t->run_link);
	list_init(&t->thread_link);
	sigpending_init(&t->pending);
	return t;
}

void
task_free(struct task *t)
{
	sigpending_flush(&t->pending);
	cred_release(&t->cred);
	free(t);
}

struct process *
process_alloc(void)
{
	struct process *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->all_link);
	list_init(&p->threads);
	sigpending_init(&p->shared_pending);
	wait_queue_init(&p->child_wait);
	wait_queue_init(&p->vfork_wait);
	wait_queue_init(&p->thread_exit_wait);
	wait_queue_init(&p->signalfd_wait);
	wait_queue_init(&p->pidfd_wait);
	list_init(&p->posix_timers);
	p->exit_signal = 17; /* SIGCHLD */
	p->start_time = ktime_now();
	return p;
}

void
process_free(struct process *p)
{
	sigpending_flush(&p->shared_pending);
	/* Pollers (epoll items, poll) may still be queued on these. */
	wake_up_pollfree(&p->signalfd_wait);
	wake_up_pollfree(&p->pidfd_wait);
	free(p);
}

int
cred_copy(struct cred *dst, const struct cred *src)
{
	*dst = *src;
	dst->groups = NULL;
	if (src->ngroups > 0) {
		size_t sz = sizeof(uint32_t) * (size_t)src->ngroups;

		if ((dst->groups = malloc(sz)) == NULL)
			return -ENOMEM;
		memcpy(dst->groups, src->groups, sz);
	}
	return 0;
}

void
cred_release(struct cred *c)
{
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

/*
 * Resume the guest and sleep until it stops again.  If its host thread
 * vanished meanwhile, the task dies as if by SIGKILL.
 */
void
task_return_to_guest(struct task *t)
{
	if (t->trap_pending || host_task_resume(t->host) < 0) {
		t->trap_pending = false;
		task_exit_killed(t, 9);
	}
	t->state = TASK_GUEST;
	schedule();
}

static void
handle_fault(struct task *t)
{
	pr_debug("%s[%d]: signal %d code %d at %#llx ip %#llx", t->comm,
		 t->tid, t->trap.signo, t->trap.code,
		 (unsigned long long)t->trap.addr,
		 (unsigned long long)host_task_regs(t->host)->rip);
	force_signal(t, t->trap.signo, t->trap.code, t->trap.addr);
}

/*
 * The kernel side of a guest thread.  Before each return to the guest,
 * pending signals are delivered; then the guest runs until it traps.
 */
void
task_main(struct task *t)
{
	struct syscall_state sc = { 0 };

	for (;;) {
		signal_deliver(t, &sc);
		syscall_set_result(t, &sc, NULL);
		task_return_to_guest(t);
		switch (t->trap.kind) {
		case HOST_TRAP_SYSCALL:
			syscall_enter(t, &sc);
			break;
		case HOST_TRAP_FAULT:
			handle_fault(t);
			break;
		case HOST_TRAP_KICK:
			break;
		case HOST_TRAP_EXIT:
			task_exit_killed(t, 9);
		}
	}
}
