/*
 * Futexes: the kernel half of userspace locks.
 *
 * A waiter is queued under a key naming the futex word: the address space
 * and address for private memory, or the shared object (file inode or
 * shared anonymous region) and offset for MAP_SHARED memory, so processes
 * sharing a mapping at different addresses meet on one key.  The value
 * check and the queueing happen together in the one-threaded kernel, and
 * every wake is a syscall served by the same thread, so no wakeup can slip
 * between them.
 *
 * Also here: clearing and waking a thread's clear_child_tid word, and
 * walking its robust list when it exits (FUTEX_OWNER_DIED).
 */
#include <stdlib.h>

#include "errno.h"
#include "fs/vfs.h"
#include "host/host.h"
#include "mm/mm.h"
#include "printk.h"
#include "syscalls.h"
#include "time.h"
#include "task.h"
#include "uaccess.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_FD 2
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_ANY 0xffffffffu

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu
#define ROBUST_LIST_LIMIT 2048

struct futex_key {
	const void *object; /* mm, inode or shared region */
	uint64_t offset;
};

struct futex_waiter {
	struct list link;
	struct futex_key key;
	uint32_t bitset;
	struct task *task;
	bool woken;
	bool pi;      /* waits for ownership (LOCK_PI), not for a wakeup */
	bool granted; /* PI: the unlocker made this waiter the owner */
};

static struct list waiters = LIST_INIT(waiters);

static int
futex_key(struct task *t, uint64_t uaddr, struct futex_key *key)
{
	struct vma *v;

	if (uaddr & 3)
		return -EINVAL;
	v = vma_find(t->mm, uaddr);
	if (v && (v->flags & K_MAP_SHARED)) {
		key->object = v->file ? (const void *)v->file->inode
				      : (const void *)(uintptr_t)v->shared_id;
		key->offset = uaddr - v->start + v->offset;
	} else {
		key->object = t->mm;
		key->offset = uaddr;
	}
	return 0;
}

static bool
key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->object == b->object && a->offset == b->offset;
}

/* Atomic compare-and-exchange of a guest futex word. */
static int
futex_cmpxchg(struct task *t, uint64_t uaddr, uint32_t expected, uint32_t new,
	      uint32_t *old)
{
	return host_task_cmpxchg32(t->host, uaddr, expected, new, old);
}

/* Atomically apply fn to the word; *oldp gets the value it replaced. */
static int
futex_update(struct task *t, uint64_t uaddr,
	     uint32_t (*fn)(uint32_t old, uint32_t arg), uint32_t arg,
	     uint32_t *oldp)
{
	uint32_t old, seen;
	int r, tries;

	if (copy_from_user(t, &old, UADDR(uaddr), sizeof(old)) < 0)
		return -EFAULT;
	for (tries = 0; tries < 1000; tries++) {
		if ((r = futex_cmpxchg(t, uaddr, old, fn(old, arg), &seen)) < 0)
			return r;
		if (seen == old) {
			*oldp = old;
			return 0;
		}
		old = seen;
	}
	return -EAGAIN;
}

/* Wake up to n waiters on key whose bitset matches; returns how many. */
static int
futex_wake_key(const struct futex_key *key, int n, uint32_t bitset)
{
	struct futex_waiter *w;
	int woken = 0;

	list_for_each_entry(w, &waiters, link) {
		if (woken >= n)
			break;
		if (w->woken || w->pi || !key_eq(&w->key, key) ||
		    !(w->bitset & bitset))
			continue;
		w->woken = true;
		wake_up_task(w->task);
		woken++;
	}
	return woken;
}

/* May sleep. */
static long
futex_wait(struct task *t, uint64_t uaddr, uint32_t val, int64_t deadline,
	   uint32_t bitset)
{
	struct futex_waiter w = { .bitset = bitset, .task = t };
	uint32_t cur;
	int r = 0;

	if (bitset == 0)
		return -EINVAL;
	if ((r = futex_key(t, uaddr, &w.key)) < 0)
		return r;
	if (copy_from_user(t, &cur, UADDR(uaddr), sizeof(cur)) < 0)
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	list_add_tail(&w.link, &waiters);
	while (!w.woken && r == 0)
		r = sleep_on(NULL, deadline, "futex");
	list_del(&w.link);
	if (w.woken)
		return 0;
	if (r == -ETIMEDOUT)
		return r;
	/* As Linux: a timed wait a handler interrupts is EINTR even under
	 * SA_RESTART; an untimed one restarts. */
	return deadline >= 0 ? -ERESTARTNOHAND : -ERESTARTSYS;
}

/* Move up to n waiters from key a to key b. */
static int
futex_requeue_key(const struct futex_key *a, const struct futex_key *b, int n)
{
	struct futex_waiter *w;
	int moved = 0;

	list_for_each_entry(w, &waiters, link) {
		if (moved >= n)
			break;
		if (w->woken || !key_eq(&w->key, a))
			continue;
		w->key = *b;
		moved++;
	}
	return moved;
}

static long
futex_requeue(struct task *t, uint64_t uaddr, int nwake, int nmove,
	      uint64_t uaddr2, bool cmp, uint32_t val3)
{
	struct futex_key a, b;
	uint32_t cur;
	int r, woken;

	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	if ((r = futex_key(t, uaddr, &a)) < 0 ||
	    (r = futex_key(t, uaddr2, &b)) < 0)
		return r;
	if (cmp) {
		if (copy_from_user(t, &cur, UADDR(uaddr), sizeof(cur)) < 0)
			return -EFAULT;
		if (cur != val3)
			return -EAGAIN;
	}
	woken = futex_wake_key(&a, nwake, FUTEX_BITSET_ANY);
	return woken + futex_requeue_key(&a, &b, nmove);
}

static unsigned int wake_op_code;

static uint32_t
wake_op_apply(uint32_t old, uint32_t oparg)
{
	switch (wake_op_code) {
	case 0: return oparg;
	case 1: return old + oparg;
	case 2: return old | oparg;
	case 3: return old & ~oparg;
	default: return old ^ oparg;
	}
}

/* FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, oparg); wake uaddr; maybe uaddr2. */
static long
futex_wake_op(struct task *t, uint64_t uaddr, int n, uint64_t uaddr2, int n2,
	      uint32_t op)
{
	uint32_t oparg = (op >> 12) & 0xfff, cmparg = op & 0xfff, old;
	unsigned int code = (op >> 28) & 7, cmp = (op >> 24) & 15;
	struct futex_key a, b;
	bool hit;
	int r, woken;

	if (op & (8u << 28))
		oparg = oparg < 32 ? 1u << oparg : 0;
	if (code > 4 || cmp > 5)
		return -ENOSYS;
	if ((r = futex_key(t, uaddr, &a)) < 0 ||
	    (r = futex_key(t, uaddr2, &b)) < 0)
		return r;
	wake_op_code = code;
	if ((r = futex_update(t, uaddr2, wake_op_apply, oparg, &old)) < 0)
		return r;
	switch (cmp) {
	case 0: hit = old == cmparg; break;
	case 1: hit = old != cmparg; break;
	case 2: hit = (int32_t)old < (int32_t)cmparg; break;
	case 3: hit = (int32_t)old <= (int32_t)cmparg; break;
	case 4: hit = (int32_t)old > (int32_t)cmparg; break;
	default: hit = (int32_t)old >= (int32_t)cmparg; break;
	}
	woken = futex_wake_key(&a, n, FUTEX_BITSET_ANY);
	if (hit)
		woken += futex_wake_key(&b, n2, FUTEX_BITSET_ANY);
	return woken;
}

/*
 * Priority-inheritance futexes: the word holds the owner's guest tid
 * (FUTEX_WAITERS set while anyone sleeps for it), and the kernel hands
 * the lock over to a waiter at unlock.  There are no priorities to
 * inherit here, so "PI" is only the ownership protocol.
 */
static uint32_t
set_bits(uint32_t old, uint32_t bits)
{
	return old | bits;
}

static struct futex_waiter *
first_pi_waiter(const struct futex_key *key, struct futex_waiter *skip)
{
	struct futex_waiter *w;

	list_for_each_entry(w, &waiters, link)
		if (w != skip && w->pi && !w->woken && key_eq(&w->key, key))
			return w;
	return NULL;
}

/* Try to take a free PI lock: 1 taken, 0 busy, <0 error. */
static int
pi_try_take(struct task *t, uint64_t uaddr, uint32_t *word)
{
	uint32_t seen;
	int r;

	for (;;) {
		if ((*word & FUTEX_TID_MASK) != 0)
			return 0;
		r = futex_cmpxchg(t, uaddr, *word,
				  (uint32_t)t->tid | (*word & FUTEX_OWNER_DIED),
				  &seen);
		if (r < 0)
			return r;
		if (seen == *word)
			return 1;
		*word = seen;
	}
}

/* Sleep on a PI futex until the lock is handed over or must be retried. */
static int
pi_wait(struct futex_waiter *w, int64_t deadline)
{
	int r = 0;

	w->woken = w->granted = false;
	list_add_tail(&w->link, &waiters);
	while (!w->woken && r == 0)
		r = sleep_on(NULL, deadline, "futex_pi");
	list_del(&w->link);
	if (w->woken)
		return 0;
	return r == -ETIMEDOUT ? -ETIMEDOUT : -ERESTARTNOINTR;
}

/* May sleep. */
static long
futex_lock_pi(struct task *t, uint64_t uaddr, int64_t deadline, bool trylock)
{
	struct futex_waiter w = { .bitset = FUTEX_BITSET_ANY, .task = t,
				  .pi = true };
	uint32_t word, old;
	int r;

	if ((r = futex_key(t, uaddr, &w.key)) < 0)
		return r;
	for (;;) {
		if (copy_from_user(t, &word, UADDR(uaddr), sizeof(word)) < 0)
			return -EFAULT;
		if ((r = pi_try_take(t, uaddr, &word)) != 0)
			return r < 0 ? r : 0;
		if ((word & FUTEX_TID_MASK) == (uint32_t)t->tid)
			return -EDEADLK;
		if (trylock)
			return -EAGAIN;
		if (!task_find((int)(word & FUTEX_TID_MASK)))
			return -ESRCH; /* the owner is gone and not robust */
		if ((r = futex_update(t, uaddr, set_bits, FUTEX_WAITERS,
				      &old)) < 0)
			return r;
		if ((r = pi_wait(&w, deadline)) < 0)
			return r;
		if (w.granted)
			return 0;
	}
}

static long
futex_unlock_pi(struct task *t, uint64_t uaddr)
{
	struct futex_waiter *next;
	struct futex_key key;
	uint32_t word, seen, new;
	int r;

	if ((r = futex_key(t, uaddr, &key)) < 0)
		return r;
	if (copy_from_user(t, &word, UADDR(uaddr), sizeof(word)) < 0)
		return -EFAULT;
	for (;;) {
		if ((word & FUTEX_TID_MASK) != (uint32_t)t->tid)
			return -EPERM;
		next = first_pi_waiter(&key, NULL);
		new = 0;
		if (next)
			new = (uint32_t)next->task->tid |
			      (first_pi_waiter(&key, next) ? FUTEX_WAITERS : 0);
		if ((r = futex_cmpxchg(t, uaddr, word, new, &seen)) < 0)
			return r;
		if (seen == word)
			break;
		word = seen;
	}
	if (next) {
		next->woken = next->granted = true;
		wake_up_task(next->task);
	}
	return 0;
}

/* The timeout argument: relative for FUTEX_WAIT, absolute for the rest. */
static int
futex_deadline(struct task *t, uaddr_t uts, int cmd, bool realtime,
	       int64_t *deadline)
{
	struct {
		int64_t sec, nsec;
	} ts;
	int64_t ns;

	*deadline = -1;
	if (uaddr_is_null(uts))
		return 0;
	if (copy_from_user(t, &ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	ns = ktime_from(ts.sec, ts.nsec);
	if (cmd == FUTEX_WAIT)
		*deadline = ktime_after(ns);
	else if (realtime)
		*deadline = ns - (host_clock(0) - ktime_now());
	else
		*deadline = ns;
	return 0;
}

long
sys_futex(struct task *t, const uint64_t a[6])
{
	uint64_t uaddr = a[0], uaddr2 = a[4];
	int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;
	uint32_t val = (uint32_t)a[2], val3 = (uint32_t)a[5];
	struct futex_key key;
	int64_t deadline;
	int r;

	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if ((r = futex_deadline(t, UADDR(a[3]), cmd,
					op & FUTEX_CLOCK_REALTIME, &deadline)) < 0)
			return r;
		return futex_wait(t, uaddr, val, deadline,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_ANY : val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if ((r = futex_key(t, uaddr, &key)) < 0)
			return r;
		if (cmd == FUTEX_WAKE_BITSET && val3 == 0)
			return -EINVAL;
		return futex_wake_key(&key, (int)val,
				      cmd == FUTEX_WAKE ? FUTEX_BITSET_ANY : val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(t, uaddr, (int)val, (int)a[3], uaddr2,
				     cmd == FUTEX_CMP_REQUEUE, val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(t, uaddr, (int)val, uaddr2, (int)a[3], val3);
	case FUTEX_LOCK_PI:
	case FUTEX_TRYLOCK_PI:
		if ((r = futex_deadline(t, UADDR(a[3]), cmd, true,
					&deadline)) < 0)
			return r;
		return futex_lock_pi(t, uaddr, deadline,
				     cmd == FUTEX_TRYLOCK_PI);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(t, uaddr);
	}
	return -ENOSYS;
}

/* Wake one waiter on a futex word of t's (exit paths). */
static void
futex_wake_addr(struct task *t, uint64_t uaddr)
{
	struct futex_key key;

	if (futex_key(t, uaddr, &key) == 0)
		futex_wake_key(&key, 1, FUTEX_BITSET_ANY);
}

/* A thread leaves: CLONE_CHILD_CLEARTID, as pthread_join waits for. */
void
futex_clear_child_tid(struct task *t)
{
	uint32_t zero = 0;

	if (!t->clear_child_tid)
		return;
	if (copy_to_user(t, UADDR(t->clear_child_tid), &zero, 4) == 0)
		futex_wake_addr(t, t->clear_child_tid);
	t->clear_child_tid = 0;
}

/*
 * Mark one robust futex whose owner is t as owner-died (atomically: the
 * other threads are running) and wake a waiter.
 */
static int
robust_release(struct task *t, uint64_t word_addr)
{
	uint32_t word, seen;
	int r;

	if (copy_from_user(t, &word, UADDR(word_addr), 4) < 0)
		return -EFAULT;
	for (;;) {
		if ((word & FUTEX_TID_MASK) != (uint32_t)t->tid)
			return 0;
		r = futex_cmpxchg(t, word_addr, word,
				  (word & FUTEX_WAITERS) | FUTEX_OWNER_DIED,
				  &seen);
		if (r < 0)
			return r;
		if (seen == word)
			break;
		word = seen;
	}
	if (word & FUTEX_WAITERS) {
		struct futex_key key;
		struct futex_waiter *w;

		if (futex_key(t, word_addr, &key) < 0)
			return 0;
		if ((w = first_pi_waiter(&key, NULL)) != NULL) {
			/* A PI waiter retries the lock, now ownerless. */
			w->woken = true;
			wake_up_task(w->task);
		}
		futex_wake_addr(t, word_addr);
	}
	return 0;
}

/*
 * Walk t's robust list (set_robust_list): a list of held locks, each entry
 * pointing to the next, with the futex word at entry + futex_offset.
 */
void
futex_exit_robust_list(struct task *t)
{
	struct {
		uint64_t next;
		int64_t futex_offset;
		uint64_t pending;
	} head;
	uint64_t entry;
	int n;

	if (!t->robust_list ||
	    copy_from_user(t, &head, UADDR(t->robust_list), sizeof(head)) < 0)
		return;
	entry = head.next;
	for (n = 0; entry != t->robust_list && n < ROBUST_LIST_LIMIT; n++) {
		uint64_t next;

		if (copy_from_user(t, &next, UADDR(entry), 8) < 0)
			return;
		if (entry != head.pending)
			robust_release(t, entry + (uint64_t)head.futex_offset);
		entry = next;
	}
	if (head.pending)
		robust_release(t, head.pending + (uint64_t)head.futex_offset);
	t->robust_list = 0;
}
