/*
 * The scheduler: run queue, kernel stacks, sleeping and timers.
 *
 * The scheduler loop runs on the host's main stack.  It switches to the
 * first runnable task's kernel stack; that task runs until it calls
 * schedule() (to sleep, or after returning to guest mode), which switches
 * back here.  With nothing runnable, the loop idles in the host (host_idle)
 * until a trap, a watched fd or the next timer wakes something.
 *
 * A dead task's stack is freed by the loop, after the task has switched
 * away for the last time.
 */
#include <stdlib.h>

#include "errno.h"
#include "host/host.h"
#include "printk.h"
#include "sched.h"
#include "signal.h"
#include "task.h"

#define KSTACK_SIZE (256 * 1024)

#ifdef __SANITIZE_ADDRESS__
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom,
				    size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save,
				     const void **bottom_old, size_t *size_old);
#else
static inline void
__asan_unpoison_memory_region(void const volatile *addr, size_t size)
{
	(void)addr, (void)size;
}

static inline void
__sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom,
			       size_t size)
{
	(void)fake_stack_save, (void)bottom, (void)size;
}

static inline void
__sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
				size_t *size_old)
{
	(void)fake_stack_save, (void)bottom_old, (void)size_old;
}
#endif

void kstack_switch(void **save_sp, void *new_sp);
void kstack_trampoline(void);

struct task *current;

static struct list run_queue = LIST_INIT(run_queue);
static struct list timers = LIST_INIT(timers);
static void *sched_sp;			/* the loop's saved stack pointer */
static const void *sched_stack_bottom;	/* for the sanitizer */
static size_t sched_stack_size;
static struct task *dead_task;		/* to free after switching away */

int64_t
ktime_now(void)
{
	return host_clock(1 /* CLOCK_MONOTONIC */);
}

/* Switch from the current task back to the scheduler loop. */
static void
switch_to_sched(void)
{
	struct task *t = current;
	void *fake = NULL;

	__sanitizer_start_switch_fiber(t->state == TASK_DEAD ? NULL : &fake,
				       sched_stack_bottom, sched_stack_size);
	kstack_switch(&t->ksp, sched_sp);
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
}

void
schedule(void)
{
	enum task_state s = current->state;

	/* A voluntary context switch, in getrusage's terms. */
	if (s == TASK_INTERRUPTIBLE || s == TASK_UNINTERRUPTIBLE ||
	    s == TASK_STOPPED)
		current->ru.nvcsw++;
	switch_to_sched();
}

static void
run_task(struct task *t)
{
	void *fake = NULL;

	current = t;
	__sanitizer_start_switch_fiber(&fake, t->kstack, KSTACK_SIZE);
	kstack_switch(&sched_sp, t->ksp);
	__sanitizer_finish_switch_fiber(fake, &sched_stack_bottom,
					&sched_stack_size);
	current = NULL;
	if (dead_task) {
		sched_free_stack(dead_task);
		task_free(dead_task);
		dead_task = NULL;
	}
}

void
wake_up_task(struct task *t)
{
	if (t->state != TASK_INTERRUPTIBLE && t->state != TASK_UNINTERRUPTIBLE)
		return;
	t->state = TASK_RUNNING;
	list_add_tail(&t->run_link, &run_queue);
}

void
waiter_add(struct wait_queue *wq, struct waiter *w, struct task *t)
{
	w->task = t;
	w->func = NULL;
	list_add_tail(&w->link, &wq->waiters);
}

void
waiter_add_func(struct wait_queue *wq, struct waiter *w,
		void (*func)(struct waiter *w, unsigned int key))
{
	w->task = NULL;
	w->func = func;
	list_add_tail(&w->link, &wq->waiters);
}

void
waiter_del(struct waiter *w)
{
	list_del(&w->link);
}

void
wake_up_poll(struct wait_queue *wq, unsigned int key)
{
	struct waiter *w, *tmp;

	list_for_each_entry_safe(w, tmp, &wq->waiters, link) {
		if (w->func)
			w->func(w, key);
		else
			wake_up_task(w->task);
	}
}

void
wake_up(struct wait_queue *wq)
{
	wake_up_poll(wq, 0);
}

void
wake_up_pollfree(struct wait_queue *wq)
{
	wake_up(wq);
	while (!list_empty(&wq->waiters))
		list_del(wq->waiters.next);
}

static void
sleep_timeout(struct timer *tm)
{
	struct task *t = container_of(tm, struct task, sleep_timer);

	t->timed_out = true;
	wake_up_task(t);
}

int
sleep_on(struct wait_queue *wq, int64_t deadline, const char *wchan)
{
	struct task *t = current;

	if (signal_pending(t))
		return -ERESTARTSYS;
	t->timed_out = false;
	if (deadline >= 0) {
		if (deadline <= ktime_now())
			return -ETIMEDOUT;
		t->sleep_timer.fn = sleep_timeout;
		timer_add(&t->sleep_timer, deadline);
	}
	if (wq)
		waiter_add(wq, &t->waiter, t);
	t->state = TASK_INTERRUPTIBLE;
	t->wchan = wchan;
	schedule();
	t->wchan = NULL;
	if (wq)
		waiter_del(&t->waiter);
	if (deadline >= 0)
		timer_del(&t->sleep_timer);
	if (signal_pending(t))
		return -ERESTARTSYS;
	return t->timed_out ? -ETIMEDOUT : 0;
}

int
sleep_on_killable(struct wait_queue *wq, const char *wchan)
{
	struct task *t = current;

	if (fatal_signal_pending(t))
		return -ERESTARTSYS;
	waiter_add(wq, &t->waiter, t);
	t->killable_only = true;
	t->state = TASK_INTERRUPTIBLE;
	t->wchan = wchan;
	schedule();
	t->wchan = NULL;
	t->killable_only = false;
	waiter_del(&t->waiter);
	return fatal_signal_pending(t) ? -ERESTARTSYS : 0;
}

void
timer_add(struct timer *tm, int64_t expires)
{
	struct timer *pos;

	if (tm->armed)
		timer_del(tm);
	tm->expires = expires;
	tm->armed = true;
	list_for_each_entry(pos, &timers, link)
		if (pos->expires > expires)
			break;
	list_add_tail(&tm->link, &pos->link);
}

void
timer_del(struct timer *tm)
{
	if (!tm->armed)
		return;
	list_del(&tm->link);
	tm->armed = false;
}

static void
run_timers(void)
{
	int64_t now = ktime_now();

	while (!list_empty(&timers)) {
		struct timer *tm = list_first_entry(&timers, struct timer, link);

		if (tm->expires > now)
			break;
		timer_del(tm);
		tm->fn(tm);
	}
}

static int64_t
next_deadline(void)
{
	if (list_empty(&timers))
		return -1;
	return list_first_entry(&timers, struct timer, link)->expires;
}

/* The first code on a new kernel stack. */
static void
task_start(void *arg)
{
	struct task *t = arg;

	__sanitizer_finish_switch_fiber(NULL, &sched_stack_bottom,
					&sched_stack_size);
	t->kentry(t);
	panic("task entry returned");
}

int
sched_start_task(struct task *t, void (*entry)(struct task *))
{
	uint64_t *sp;

	if ((t->kstack = host_stack_alloc(KSTACK_SIZE)) == NULL)
		return -ENOMEM;
	/* A stack may reuse memory whose shadow still has old frames. */
	__asan_unpoison_memory_region(t->kstack, KSTACK_SIZE);
	t->kentry = entry;
	/*
	 * A frame for kstack_switch to pop: r15 r14 r13 r12 rbx rbp, then the
	 * return into the trampoline, which is left with a 16-byte aligned
	 * stack for its call, as the ABI wants.
	 */
	sp = (uint64_t *)((char *)t->kstack + KSTACK_SIZE) - 9;
	sp[0] = 0;			  /* r15 */
	sp[1] = 0;			  /* r14 */
	sp[2] = 0;			  /* r13 */
	sp[3] = (uint64_t)(uintptr_t)t;	  /* r12: the argument */
	sp[4] = (uint64_t)(uintptr_t)task_start; /* rbx: the function */
	sp[5] = 0;			  /* rbp */
	sp[6] = (uint64_t)(uintptr_t)kstack_trampoline;
	sp[7] = 0;
	sp[8] = 0;
	t->ksp = sp;
	t->state = TASK_RUNNING;
	list_add_tail(&t->run_link, &run_queue);
	return 0;
}

void
sched_free_stack(struct task *t)
{
	if (t->kstack)
		host_stack_free(t->kstack, KSTACK_SIZE);
	t->kstack = NULL;
}

/* Called by a task that has exited, instead of schedule(); never returns. */
void
sched_exit_current(void)
{
	current->state = TASK_DEAD;
	dead_task = current;
	switch_to_sched();
	panic("dead task scheduled");
}

void
sched_loop(void)
{
	for (;;) {
		run_timers();
		while (!list_empty(&run_queue)) {
			struct task *t = list_first_entry(&run_queue,
							  struct task, run_link);

			list_del(&t->run_link);
			run_task(t);
			run_timers();
		}
		host_idle(next_deadline());
	}
}

/*
 * Trap upcall from the host layer: the task stopped in guest mode.  It is
 * made runnable; task_main() takes it from there.
 */
void
host_trap_arrived(void *owner, const struct host_trap *trap)
{
	struct task *t = owner;

	t->trap = *trap;
	if (t->state == TASK_GUEST) {
		t->state = TASK_RUNNING;
		list_add_tail(&t->run_link, &run_queue);
	} else {
		t->trap_pending = true;
	}
}
