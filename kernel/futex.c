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

/* Wake up to n waiters on key whose bitset matches; returns how many. */
static int
futex_wake_key(const struct futex_key *key, int n, uint32_t bitset)
{
	struct futex_waiter *w;
	int woken = 0;

	list_for_each_entry(w, &waiters, link) {
		if (woken >= n)
			break;
		if (w->woken || !key_eq(&w->key, key) || !(w->bitset & bitset))
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
	return r == -ETIMEDOUT ? -ETIMEDOUT : -ERESTARTSYS;
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

/* FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, oparg); wake uaddr; maybe uaddr2. */
static long
futex_wake_op(struct task *t, uint64_t uaddr, int n, uint64_t uaddr2, int n2,
	      uint32_t op)
{
	uint32_t oparg = (op >> 12) & 0xfff, cmparg = op & 0xfff, old, new;
	unsigned int code = (op >> 28) & 7, cmp = (op >> 24) & 15;
	struct futex_key a, b;
	bool hit;
	int r, woken;

	if (op & (8u << 28))
		oparg = oparg < 32 ? 1u << oparg : 0;
	if ((r = futex_key(t, uaddr, &a)) < 0 ||
	    (r = futex_key(t, uaddr2, &b)) < 0)
		return r;
	if (copy_from_user(t, &old, UADDR(uaddr2), sizeof(old)) < 0)
		return -EFAULT;
	switch (code) {
	case 0: new = oparg; break;
	case 1: new = old + oparg; break;
	case 2: new = old | oparg; break;
	case 3: new = old & ~oparg; break;
	case 4: new = old ^ oparg; break;
	default: return -ENOSYS;
	}
	if (copy_to_user(t, UADDR(uaddr2), &new, sizeof(new)) < 0)
		return -EFAULT;
	switch (cmp) {
	case 0: hit = old == cmparg; break;
	case 1: hit = old != cmparg; break;
	case 2: hit = (int32_t)old < (int32_t)cmparg; break;
	case 3: hit = (int32_t)old <= (int32_t)cmparg; break;
	case 4: hit = (int32_t)old > (int32_t)cmparg; break;
	case 5: hit = (int32_t)old >= (int32_t)cmparg; break;
	default: return -ENOSYS;
	}
	woken = futex_wake_key(&a, n, FUTEX_BITSET_ANY);
	if (hit)
		woken += futex_wake_key(&b, n2, FUTEX_BITSET_ANY);
	return woken;
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
	ns = ts.sec * 1000000000 + ts.nsec;
	if (cmd == FUTEX_WAIT)
		*deadline = ktime_now() + ns;
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

/* Mark one robust futex whose owner is t as owner-died and wake a waiter. */
static int
robust_release(struct task *t, uint64_t word_addr)
{
	uint32_t word, new;

	if (copy_from_user(t, &word, UADDR(word_addr), 4) < 0)
		return -EFAULT;
	if ((word & FUTEX_TID_MASK) != (uint32_t)t->tid)
		return 0;
	new = (word & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (copy_to_user(t, UADDR(word_addr), &new, 4) < 0)
		return -EFAULT;
	if (word & FUTEX_WAITERS)
		futex_wake_addr(t, word_addr);
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
