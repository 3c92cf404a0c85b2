/*
 * The scheduler, kernel stacks, wait queues and timers.
 *
 * The kernel runs on one host thread, like a uniprocessor kernel, so the
 * core needs no locks: a task's kernel code runs until it sleeps, returns to
 * guest mode, or exits.  Each task owns a kernel stack; schedule() saves the
 * current one and switches to the scheduler loop, which picks the next
 * runnable task or idles in the host until something happens.
 *
 * Sleeping follows Plan 9's rule: wait_event() re-checks its condition after
 * every wakeup, so a wakeup can never be lost and spurious ones are harmless.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "list.h"

struct task;

struct wait_queue {
	struct list waiters;
};

#define WAIT_QUEUE_INIT(name) { LIST_INIT((name).waiters) }

/*
 * One task's place on one wait queue.  A waiter with a func is a callback
 * instead (epoll's interest in a file): wake_up calls it on the waker's
 * stack, so it must not sleep.  key is the wakeup's K_POLL* events, or 0
 * when the waker does not say (any change).
 */
struct waiter {
	struct list link;
	struct task *task;
	void (*func)(struct waiter *w, unsigned int key);
};

struct timer {
	struct list link;
	int64_t expires; /* CLOCK_MONOTONIC ns */
	void (*fn)(struct timer *tm);
	bool armed;
};

extern struct task *current;

static inline void
wait_queue_init(struct wait_queue *wq)
{
	list_init(&wq->waiters);
}

/* Give up the CPU.  The caller has set current->state; may sleep. */
void schedule(void);

/* Make a sleeping task runnable again; no effect on others. */
void wake_up_task(struct task *t);
/* Wake every task waiting on wq. */
void wake_up(struct wait_queue *wq);
/*
 * The same, saying which poll events (K_POLL*) may have become ready, so
 * that callbacks watching only others can ignore it.  Tasks always wake.
 */
void wake_up_poll(struct wait_queue *wq, unsigned int key);

void waiter_add(struct wait_queue *wq, struct waiter *w, struct task *t);
/* Add a callback waiter: wake_up(wq) calls func(w, key). */
void waiter_add_func(struct wait_queue *wq, struct waiter *w,
		     void (*func)(struct waiter *w, unsigned int key));
void waiter_del(struct waiter *w);
/*
 * wq is about to be freed with its owner: wake every waiter and unlink it,
 * so that a later waiter_del of it is harmless (Linux's POLLFREE).
 */
void wake_up_pollfree(struct wait_queue *wq);

/*
 * Sleep once on wq, interruptibly, until woken, a signal arrives, or the
 * absolute monotonic deadline passes (deadline < 0: none).  Returns 0 when
 * woken, -ETIMEDOUT at the deadline, -ERESTARTSYS if a signal is pending.
 * May sleep.
 */
int sleep_on(struct wait_queue *wq, int64_t deadline, const char *wchan);

/*
 * Sleep once on wq until woken; only a fatal signal (SIGKILL, a group exit)
 * ends it early, with -ERESTARTSYS.  Other signals wait until it is over
 * (vfork's parent).  May sleep.
 */
int sleep_on_killable(struct wait_queue *wq, const char *wchan);

/*
 * Sleep until cond holds.  0, or -ERESTARTSYS when a signal is pending, or
 * -ETIMEDOUT (wait_event_deadline).  May sleep.
 */
#define wait_event_deadline(wq, cond, deadline, wchan)                        \
	({                                                                     \
		int __r = 0;                                                   \
		while (!(cond)) {                                              \
			__r = sleep_on((wq), (deadline), (wchan));             \
			if (__r < 0)                                           \
				break;                                         \
		}                                                              \
		__r;                                                           \
	})
#define wait_event(wq, cond, wchan) wait_event_deadline(wq, cond, -1, wchan)

/* Timers run on the scheduler's stack: they must not sleep. */
void timer_add(struct timer *tm, int64_t expires);
void timer_del(struct timer *tm);

/* Give t a kernel stack whose first run calls entry(t); runnable. */
int sched_start_task(struct task *t, void (*entry)(struct task *));
/* The current task has exited: switch away for good. */
_Noreturn void sched_exit_current(void);
/* Free t's kernel stack; t must not be current. */
void sched_free_stack(struct task *t);

/* The scheduler loop: runs tasks and idles until kernel_halt(). */
void sched_loop(void);

/* CLOCK_MONOTONIC now, in ns. */
int64_t ktime_now(void);

#endif
