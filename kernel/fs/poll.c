/*
 * Waiting on many files: poll, ppoll, select and pselect6.
 *
 * On the first pass each file's poll op registers the task on the wait
 * queues that signal a change (poll_wait); the task then sleeps until any
 * of them wakes it, the deadline passes or a signal arrives, and scans
 * again (without registering twice).  The registrations are removed when
 * the call ends.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "syscalls.h"
#include "time.h"
#include "task.h"
#include "uaccess.h"

struct poll_entry {
	struct waiter w;
	struct poll_entry *next;
};

/* poll and select's table: the task and its places on wait queues. */
struct poll_list {
	struct poll_table pt;
	struct task *t;
	struct poll_entry *entries;
};

void
poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	if (pt && pt->qproc)
		pt->qproc(pt, wq);
}

static void
poll_queue_task(struct poll_table *pt, struct wait_queue *wq)
{
	struct poll_list *pl = container_of(pt, struct poll_list, pt);
	struct poll_entry *e;

	if ((e = malloc(sizeof(*e))) == NULL)
		return;
	waiter_add(wq, &e->w, pl->t);
	e->next = pl->entries;
	pl->entries = e;
}

static void
poll_list_free(struct poll_list *pl)
{
	while (pl->entries) {
		struct poll_entry *e = pl->entries;

		pl->entries = e->next;
		waiter_del(&e->w);
		free(e);
	}
}

unsigned int
vfs_poll(struct file *f, struct poll_table *pt)
{
	if (f->ops && f->ops->poll)
		return f->ops->poll(f, pt);
	return K_POLLIN | K_POLLOUT | K_POLLRDNORM | K_POLLWRNORM;
}

struct pollfd_k {
	int32_t fd;
	int16_t events, revents;
};

/* One scan; returns how many entries are ready. */
static int
poll_scan(struct task *t, struct pollfd_k *fds, size_t n,
	  struct poll_table *pt)
{
	int ready = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		struct file *f;
		unsigned int mask;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		if ((f = fd_get(t, fds[i].fd)) == NULL) {
			fds[i].revents = K_POLLNVAL;
			ready++;
			continue;
		}
		mask = vfs_poll(f, pt);
		file_put(f);
		mask &= (unsigned int)(uint16_t)fds[i].events | K_POLLERR |
			K_POLLHUP;
		fds[i].revents = (int16_t)mask;
		if (mask)
			ready++;
	}
	return ready;
}

/*
 * Scan until something is ready, the deadline (absolute monotonic ns, <0
 * for none; 0 for "don't wait") passes, or a signal arrives.
 */
static int
poll_wait_loop(struct task *t, int (*scan)(struct task *, void *,
					   struct poll_table *),
	       void *arg, int64_t deadline)
{
	struct poll_list pl = { { poll_queue_task }, t, NULL };
	int ready, r;

	ready = scan(t, arg, &pl.pt);
	while (ready == 0 && deadline != 0) {
		r = sleep_on(NULL, deadline, "poll");
		if (r == -ERESTARTSYS) {
			ready = -ERESTARTNOHAND;
			break;
		}
		ready = scan(t, arg, NULL);
		if (r == -ETIMEDOUT)
			break;
	}
	poll_list_free(&pl);
	return ready;
}

struct poll_args {
	struct pollfd_k *fds;
	size_t n;
};

static int
poll_scan_cb(struct task *t, void *arg, struct poll_table *pt)
{
	struct poll_args *pa = arg;

	return poll_scan(t, pa->fds, pa->n, pt);
}

static long
do_poll(struct task *t, uaddr_t ufds, uint64_t n, int64_t deadline)
{
	struct poll_args pa = { NULL, n };
	long r;

	if (n > (uint64_t)fd_limit(t) && n > 4096)
		return -EINVAL;
	if ((pa.fds = malloc(sizeof(*pa.fds) * (n ? n : 1))) == NULL)
		return -ENOMEM;
	if (copy_from_user(t, pa.fds, ufds, sizeof(*pa.fds) * n) < 0) {
		free(pa.fds);
		return -EFAULT;
	}
	r = poll_wait_loop(t, poll_scan_cb, &pa, deadline);
	if (r >= 0 && copy_to_user(t, ufds, pa.fds, sizeof(*pa.fds) * n) < 0)
		r = -EFAULT;
	free(pa.fds);
	return r;
}

static int64_t
deadline_after_ms(int ms)
{
	if (ms < 0)
		return -1;
	if (ms == 0)
		return 0;
	return ktime_now() + (int64_t)ms * 1000000;
}

struct timespec_u {
	int64_t sec, nsec;
};

/* A guest timespec as an absolute deadline; NULL means none. */
static int
deadline_from_ts(struct task *t, uaddr_t uts, int64_t *deadline)
{
	struct timespec_u ts;

	if (uaddr_is_null(uts)) {
		*deadline = -1;
		return 0;
	}
	if (copy_from_user(t, &ts, uts, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	if (ts.sec == 0 && ts.nsec == 0)
		*deadline = 0;
	else
		*deadline = ktime_after(ktime_from(ts.sec, ts.nsec));
	return 0;
}

/* pselect6 and ppoll report the time left in the caller's timespec. */
static void
write_back_timeout(struct task *t, uaddr_t uts, int64_t deadline)
{
	int64_t left = deadline - ktime_now();
	struct timespec_u ts;

	if (left < 0)
		left = 0;
	ts.sec = left / 1000000000;
	ts.nsec = left % 1000000000;
	copy_to_user(t, uts, &ts, sizeof(ts));
}

long
sys_poll(struct task *t, const uint64_t a[6])
{
	return do_poll(t, UADDR(a[0]), a[1], deadline_after_ms((int)a[2]));
}

long
sys_ppoll(struct task *t, const uint64_t a[6])
{
	int64_t deadline;
	long r;

	if ((r = deadline_from_ts(t, UADDR(a[2]), &deadline)) < 0 ||
	    (r = sigmask_set_temporary(t, UADDR(a[3]), a[4])) < 0)
		return r;
	r = do_poll(t, UADDR(a[0]), a[1], deadline);
	sigmask_end_temporary(t, r == -ERESTARTNOHAND);
	if (deadline > 0)
		write_back_timeout(t, UADDR(a[2]), deadline);
	return r;
}

/* select: three bitmaps of nfds bits. */
struct select_args {
	int nfds;
	uint64_t *in, *out; /* [3][words]: read, write, except */
	size_t words;
};

#define SEL_IN (K_POLLRDNORM | K_POLLRDBAND | K_POLLIN | K_POLLHUP | K_POLLERR)
#define SEL_OUT (K_POLLWRBAND | K_POLLWRNORM | K_POLLOUT | K_POLLERR)
#define SEL_EX (K_POLLPRI)

static int
select_scan(struct task *t, void *arg, struct poll_table *pt)
{
	struct select_args *sa = arg;
	int fd, ready = 0;

	memset(sa->out, 0, 3 * sa->words * 8);
	for (fd = 0; fd < sa->nfds; fd++) {
		uint64_t bit = 1ULL << (fd % 64);
		size_t w = (size_t)fd / 64;
		bool want_r = sa->in[w] & bit, want_w = sa->in[sa->words + w] & bit,
		     want_x = sa->in[2 * sa->words + w] & bit;
		struct file *f;
		unsigned int mask;

		if (!want_r && !want_w && !want_x)
			continue;
		if ((f = fd_get(t, fd)) == NULL)
			return -EBADF;
		mask = vfs_poll(f, pt);
		file_put(f);
		if (want_r && (mask & SEL_IN)) {
			sa->out[w] |= bit;
			ready++;
		}
		if (want_w && (mask & SEL_OUT)) {
			sa->out[sa->words + w] |= bit;
			ready++;
		}
		if (want_x && (mask & SEL_EX)) {
			sa->out[2 * sa->words + w] |= bit;
			ready++;
		}
	}
	return ready;
}

static long
do_select(struct task *t, int nfds, const uaddr_t sets[3], int64_t deadline)
{
	struct select_args sa;
	size_t bytes;
	long r = 0;
	int i;

	if (nfds < 0)
		return -EINVAL;
	if (nfds > fd_limit(t))
		nfds = fd_limit(t);
	sa.nfds = nfds;
	sa.words = ((size_t)nfds + 63) / 64;
	bytes = ((size_t)nfds + 7) / 8;
	sa.in = calloc(3 * (sa.words ? sa.words : 1), 8);
	sa.out = calloc(3 * (sa.words ? sa.words : 1), 8);
	if (!sa.in || !sa.out) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < 3; i++)
		if (!uaddr_is_null(sets[i]) &&
		    copy_from_user(t, sa.in + (size_t)i * sa.words, sets[i],
				   bytes) < 0) {
			r = -EFAULT;
			goto out;
		}
	r = poll_wait_loop(t, select_scan, &sa, deadline);
	for (i = 0; r >= 0 && i < 3; i++)
		if (!uaddr_is_null(sets[i]) &&
		    copy_to_user(t, sets[i], sa.out + (size_t)i * sa.words,
				 bytes) < 0)
			r = -EFAULT;
out:
	free(sa.in);
	free(sa.out);
	return r;
}

struct timeval_u {
	int64_t sec, usec;
};

long
sys_select(struct task *t, const uint64_t a[6])
{
	uaddr_t sets[3] = { UADDR(a[1]), UADDR(a[2]), UADDR(a[3]) };
	int64_t deadline = -1, start = ktime_now(), left;
	struct timeval_u tv;
	long r;

	if (a[4]) {
		if (copy_from_user(t, &tv, UADDR(a[4]), sizeof(tv)) < 0)
			return -EFAULT;
		if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
			return -EINVAL;
		deadline = (tv.sec || tv.usec)
				   ? start + ktime_from(tv.sec, tv.usec * 1000)
				   : 0;
	}
	r = do_select(t, (int)a[0], sets, deadline);
	if (a[4] && deadline > 0) {
		left = deadline - ktime_now();
		if (left < 0)
			left = 0;
		tv.sec = left / 1000000000;
		tv.usec = left % 1000000000 / 1000;
		copy_to_user(t, UADDR(a[4]), &tv, sizeof(tv));
	}
	return r;
}

long
sys_pselect6(struct task *t, const uint64_t a[6])
{
	uaddr_t sets[3] = { UADDR(a[1]), UADDR(a[2]), UADDR(a[3]) };
	struct {
		uint64_t mask;
		uint64_t size;
	} sig = { 0, 0 };
	int64_t deadline;
	long r;

	if ((r = deadline_from_ts(t, UADDR(a[4]), &deadline)) < 0)
		return r;
	if (a[5] && copy_from_user(t, &sig, UADDR(a[5]), sizeof(sig)) < 0)
		return -EFAULT;
	if ((r = sigmask_set_temporary(t, UADDR(sig.mask), sig.size)) < 0)
		return r;
	r = do_select(t, (int)a[0], sets, deadline);
	sigmask_end_temporary(t, r == -ERESTARTNOHAND);
	if (deadline > 0)
		write_back_timeout(t, UADDR(a[4]), deadline);
	return r;
}
