/*
 * Advisory file locks: flock(2), POSIX record locks (fcntl F_SETLK,
 * F_SETLKW, F_GETLK) and open-file-description locks (F_OFD_*), with
 * Linux's semantics.
 *
 * Every lock in the system is on one list, naming its inode, its byte
 * range (end inclusive; LOCK_EOF for "to the end, however far") and its
 * owner:
 *
 *   POSIX record locks belong to the fd table (struct files) that set
 *   them, as Linux's fl_owner: threads share them, fork does not inherit
 *   them, and closing any fd of the inode through that table drops them
 *   all.  F_GETLK reports the setter's pid.
 *   OFD record locks and flock locks belong to the open file description
 *   (struct file) and go with its last reference.
 *
 * Record locks (POSIX and OFD) conflict with each other; flock locks only
 * with flock locks.  An owner's new record lock replaces, splits or merges
 * with its own locks of the range, as Linux does.
 *
 * Waiters sleep on one queue and look again after any unlock.  A POSIX
 * owner about to wait for an owner that (through a chain of waits) waits
 * for it gets EDEADLK instead.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "fs/locks.h"
#include "fs/vfs.h"
#include "list.h"
#include "sched.h"
#include "task.h"
#include "uaccess.h"

/* Guest ABI values. */
#define K_F_GETLK 5
#define K_F_SETLK 6
#define K_F_SETLKW 7
#define K_F_OFD_GETLK 36
#define K_F_OFD_SETLK 37
#define K_F_OFD_SETLKW 38
#define K_F_RDLCK 0
#define K_F_WRLCK 1
#define K_F_UNLCK 2
#define K_LOCK_SH 1
#define K_LOCK_EX 2
#define K_LOCK_NB 4
#define K_LOCK_UN 8
#define K_OFFSET_MAX INT64_MAX

#define LOCK_EOF UINT64_MAX

enum lock_kind { LOCK_POSIX, LOCK_OFD, LOCK_FLOCK };

struct file_lock {
	struct list link; /* all_locks */
	enum lock_kind kind;
	int type;	  /* K_F_RDLCK or K_F_WRLCK */
	const void *owner; /* struct files (POSIX) or struct file */
	const struct inode *inode;
	uint64_t start, end;
	int pid;	  /* POSIX: the setter's pid */
};

/* An owner asleep for a lock: what it waits for, for deadlock checks. */
struct lock_wait {
	struct list link; /* waiting */
	const void *owner, *blocker;
};

/* struct flock, x86_64 layout. */
struct flock_k {
	int16_t type, whence;
	int64_t start, len;
	int32_t pid;
	int32_t pad;
};

static struct list all_locks = LIST_INIT(all_locks);
static struct list waiting = LIST_INIT(waiting);
static struct wait_queue lock_wq = WAIT_QUEUE_INIT(lock_wq);

static bool
is_record(const struct file_lock *l)
{
	return l->kind != LOCK_FLOCK;
}

static bool
overlaps(const struct file_lock *l, uint64_t start, uint64_t end)
{
	return l->start <= end && start <= l->end;
}

/* The first lock that keeps want from being taken, or NULL. */
static struct file_lock *
find_conflict(const struct file_lock *want)
{
	struct file_lock *l;

	list_for_each_entry(l, &all_locks, link) {
		if (l->inode != want->inode || l->owner == want->owner ||
		    is_record(l) != is_record(want) ||
		    !overlaps(l, want->start, want->end))
			continue;
		if (l->type == K_F_WRLCK || want->type == K_F_WRLCK)
			return l;
	}
	return NULL;
}

static struct file_lock *
lock_new(const struct file_lock *proto, uint64_t start, uint64_t end)
{
	struct file_lock *l = malloc(sizeof(*l));

	if (!l)
		return NULL;
	*l = *proto;
	l->start = start;
	l->end = end;
	list_add_tail(&l->link, &all_locks);
	return l;
}

static void
lock_free(struct file_lock *l)
{
	list_del(&l->link);
	free(l);
}

static bool
same_owner(const struct file_lock *l, const struct file_lock *want)
{
	return l->inode == want->inode && l->owner == want->owner &&
	       l->kind == want->kind;
}

/*
 * Make want's range hold want's type for its owner (K_F_UNLCK: nothing):
 * the owner's locks of the same type that overlap or touch it merge into
 * it, others are cut back.  Allocation happens before anything changes.
 */
static int
apply_lock(struct file_lock *want)
{
	struct file_lock *l, *tmp, *left = NULL, *right = NULL;
	uint64_t start = want->start, end = want->end;
	bool touch;

	list_for_each_entry(l, &all_locks, link) {
		if (!same_owner(l, want) || !overlaps(l, start, end) ||
		    l->type == want->type)
			continue;
		if (l->start < start && !left &&
		    (left = lock_new(l, l->start, start - 1)) == NULL)
			goto nomem;
		if (l->end > end && !right &&
		    (right = lock_new(l, end + 1, l->end)) == NULL)
			goto nomem;
	}
	list_for_each_entry_safe(l, tmp, &all_locks, link) {
		if (!same_owner(l, want) || l == left || l == right)
			continue;
		touch = (end != LOCK_EOF && l->start == end + 1) ||
			(start && l->end == start - 1);
		if (!overlaps(l, start, end) && !(touch && l->type == want->type))
			continue;
		if (l->type == want->type) {
			want->start = l->start < want->start ? l->start : want->start;
			want->end = l->end > want->end ? l->end : want->end;
		}
		lock_free(l);
	}
	if (want->type != K_F_UNLCK && !lock_new(want, want->start, want->end))
		return -ENOLCK;
	wake_up(&lock_wq);
	return 0;
nomem:
	if (left)
		lock_free(left);
	return -ENOLCK;
}

/* Whether blocker waits, directly or through others, for owner. */
static bool
would_deadlock(const void *owner, const void *blocker)
{
	struct lock_wait *w;
	int depth;

	for (depth = 0; depth < 64; depth++) {
		bool found = false;

		list_for_each_entry(w, &waiting, link) {
			if (w->owner == blocker) {
				blocker = w->blocker;
				found = true;
				break;
			}
		}
		if (!found)
			return false;
		if (blocker == owner)
			return true;
	}
	return false;
}

/* Take want, sleeping while another owner holds a conflicting lock. */
static int
take_lock(struct file_lock *want, bool wait)
{
	struct lock_wait w = { .owner = want->owner };
	struct file_lock *c;
	int r = 0;

	while (want->type != K_F_UNLCK && (c = find_conflict(want)) != NULL) {
		if (!wait)
			return want->kind == LOCK_FLOCK ? -EWOULDBLOCK : -EAGAIN;
		if (want->kind == LOCK_POSIX && c->kind == LOCK_POSIX &&
		    would_deadlock(want->owner, c->owner))
			return -EDEADLK;
		w.blocker = c->owner;
		list_add_tail(&w.link, &waiting);
		r = sleep_on(&lock_wq, -1, "flock");
		list_del(&w.link);
		if (r == -ERESTARTSYS)
			return r;
	}
	return apply_lock(want);
}

/* flock(2) */

long
locks_flock(struct task *t, struct file *f, unsigned int op)
{
	struct file_lock want = {
		.kind = LOCK_FLOCK, .owner = f, .inode = f->inode,
		.start = 0, .end = LOCK_EOF,
	};

	switch (op & ~(unsigned int)K_LOCK_NB) {
	case K_LOCK_SH:
		want.type = K_F_RDLCK;
		break;
	case K_LOCK_EX:
		want.type = K_F_WRLCK;
		break;
	case K_LOCK_UN:
		want.type = K_F_UNLCK;
		break;
	default:
		return -EINVAL;
	}
	if (!f->inode)
		return -EINVAL;
	return take_lock(&want, !(op & K_LOCK_NB));
}

/* Record locks */

/* The byte range a struct flock names, as [*start, *end]. */
static int
flock_range(struct file *f, const struct flock_k *fl, uint64_t *start,
	    uint64_t *end)
{
	int64_t base, s, last;

	switch (fl->whence) {
	case 0: /* SEEK_SET */
		base = 0;
		break;
	case 1: /* SEEK_CUR */
		base = (int64_t)f->pos;
		break;
	case 2: /* SEEK_END */
		base = (int64_t)f->inode->size;
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, fl->start, &s))
		return -EOVERFLOW;
	if (fl->len > 0) {
		if (__builtin_add_overflow(s, fl->len - 1, &last))
			return -EOVERFLOW;
	} else if (fl->len < 0) {
		last = s - 1;
		s += fl->len;
	} else {
		last = -1; /* to the end */
	}
	if (s < 0)
		return -EINVAL;
	*start = (uint64_t)s;
	*end = fl->len == 0 ? LOCK_EOF : (uint64_t)last;
	return 0;
}

static void
report_conflict(const struct file_lock *c, struct flock_k *fl)
{
	fl->type = (int16_t)c->type;
	fl->whence = 0;
	fl->start = (int64_t)c->start;
	fl->len = c->end == LOCK_EOF ? 0 : (int64_t)(c->end - c->start + 1);
	fl->pid = c->kind == LOCK_POSIX ? c->pid : -1;
}

long
locks_fcntl(struct task *t, struct file *f, int cmd, uint64_t uflock)
{
	bool ofd = cmd >= K_F_OFD_GETLK, getlk = cmd == K_F_GETLK ||
					      cmd == K_F_OFD_GETLK;
	struct file_lock want = { .inode = f->inode };
	struct file_lock *c;
	struct flock_k fl;
	int r;

	if (copy_from_user(t, &fl, UADDR(uflock), sizeof(fl)) < 0)
		return -EFAULT;
	if (!f->inode || (ofd && fl.pid != 0))
		return -EINVAL;
	if (fl.type != K_F_RDLCK && fl.type != K_F_WRLCK && fl.type != K_F_UNLCK)
		return -EINVAL;
	if ((r = flock_range(f, &fl, &want.start, &want.end)) < 0)
		return r;
	want.kind = ofd ? LOCK_OFD : LOCK_POSIX;
	want.owner = ofd ? (const void *)f : (const void *)t->files;
	want.pid = t->proc->pid;
	want.type = fl.type;
	if (getlk) {
		if (fl.type == K_F_UNLCK)
			return -EINVAL;
		if ((c = find_conflict(&want)) != NULL)
			report_conflict(c, &fl);
		else
			fl.type = K_F_UNLCK;
		return copy_to_user(t, UADDR(uflock), &fl, sizeof(fl)) < 0 ? -EFAULT : 0;
	}
	if ((fl.type == K_F_RDLCK && !FMODE_READ(f)) ||
	    (fl.type == K_F_WRLCK && !FMODE_WRITE(f)))
		return -EBADF;
	return take_lock(&want, cmd == K_F_SETLKW || cmd == K_F_OFD_SETLKW);
}

/* Release */

static void
remove_matching(enum lock_kind kind, const void *owner, const struct inode *inode)
{
	struct file_lock *l, *tmp;
	bool freed = false;

	list_for_each_entry_safe(l, tmp, &all_locks, link) {
		if (l->owner != owner || (inode && l->inode != inode) ||
		    (kind == LOCK_POSIX) != (l->kind == LOCK_POSIX))
			continue;
		lock_free(l);
		freed = true;
	}
	if (freed)
		wake_up(&lock_wq);
}

void
locks_remove_posix(struct files *owner, struct file *f)
{
	if (!list_empty(&all_locks) && f->inode)
		remove_matching(LOCK_POSIX, owner, f->inode);
}

void
locks_remove_file(struct file *f)
{
	if (!list_empty(&all_locks))
		remove_matching(LOCK_OFD, f, NULL);
}
