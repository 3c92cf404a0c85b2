/*
 * epoll: epoll_create, epoll_ctl and the epoll_wait family.
 *
 * An epoll file (struct eventpoll) holds an interest list of items, one
 * per (file, fd) pair added with EPOLL_CTL_ADD, and a ready list.  The
 * design is Linux's:
 *
 *  - At EPOLL_CTL_ADD the item polls its file once with a poll_table whose
 *    qproc puts a callback waiter (struct ep_entry) on every wait queue
 *    the file's poll op names.  The entries stay there as long as the item
 *    lives.  When the file wakes one of those queues, ep_item_wake() puts
 *    the item on the ready list (unless the wakeup's key says the events
 *    it changed are not wanted) and wakes the epoll's own queue, on which
 *    epoll_wait sleeps and through which an epoll watching this one (or
 *    poll/select on the epoll fd) hears about it.
 *  - epoll_wait takes the ready list, polls each item again (without
 *    registering) and reports those that are ready for the events asked.
 *    A level-triggered item goes back to the end of the ready list, so it
 *    is reported again while it stays ready; an edge-triggered one comes
 *    back only with the next wakeup; an EPOLLONESHOT one is disabled until
 *    EPOLL_CTL_MOD arms it again.
 *
 * Lifetimes.  An item does not hold a reference to its file: closing the
 * last descriptor of a file must really close it (a pipe's writer gone
 * means EOF for the reader), as in Linux.  Instead every file lists the
 * items watching it (file->ep_links) and file_put calls
 * eventpoll_release_file() at the last reference, before the file's
 * release op frees its wait queues; that removes the items and their
 * queue entries.  Wait queues that outlive no file but die with a process
 * (signalfd's, pidfd's) unlink their waiters with wake_up_pollfree().  An
 * epoll file's own release removes its whole interest list.
 *
 * Nesting: an epoll may watch another, but not itself (EINVAL), not one
 * that watches it directly or indirectly (ELOOP), and not so that a chain
 * gets deeper than EP_MAX_NESTS (ELOOP).
 */
#include <stdlib.h>

#include "fs/anon_inode.h"
#include "fs/epoll.h"
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "host/host.h"
#include "signal.h"
#include "syscalls.h"
#include "task.h"
#include "time.h"
#include "uaccess.h"

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

#define EPOLLIN 0x001
#define EPOLLOUT 0x004
#define EPOLLERR 0x008
#define EPOLLHUP 0x010
#define EPOLLRDNORM 0x040
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)

/* Flags that say how to report, not what. */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLEXCLUSIVE_OK_BITS                                                 \
	(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET |     \
	 EPOLLEXCLUSIVE)

#define EP_MAX_NESTS 4
#define EP_MAX_EVENTS (INT32_MAX / 12)

/* The guest's struct epoll_event: packed on x86_64. */
struct epoll_event_k {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct epitem;

/* One callback waiter of an item on one of its file's wait queues. */
struct ep_entry {
	struct waiter w;
	struct epitem *epi;
	struct ep_entry *next;
};

struct epitem {
	struct list ep_link;   /* ep->items */
	struct list rd_link;   /* ep->ready; points to itself when not on it */
	struct list file_link; /* file->ep_links */
	struct eventpoll *ep;
	struct file *file;     /* not referenced: see "Lifetimes" */
	int fd;
	uint32_t events;       /* EPOLLIN … | EP_PRIVATE_BITS */
	uint64_t data;
	struct ep_entry *entries;
	bool nomem;	       /* a queue entry could not be made */
};

struct eventpoll {
	struct list items;
	struct list ready;
	struct wait_queue wq; /* epoll_wait sleepers and pollers of the epfd */
	struct file *file;    /* the epoll's own file */
};

/* The poll_table an item registers with. */
struct ep_ptable {
	struct poll_table pt;
	struct epitem *epi;
};

static const struct file_ops eventpoll_fops;

static bool
is_file_epoll(const struct file *f)
{
	return anon_file_is(f, &eventpoll_fops);
}

static bool
epi_ready_linked(struct epitem *epi)
{
	return !list_empty(&epi->rd_link);
}

/* A wakeup on one of the item's queues: maybe ready now.  Must not sleep. */
static void
ep_item_wake(struct waiter *w, unsigned int key)
{
	struct epitem *epi = container_of(w, struct ep_entry, w)->epi;
	struct eventpoll *ep = epi->ep;

	if (!(epi->events & ~EP_PRIVATE_BITS))
		return; /* disarmed by EPOLLONESHOT */
	if (key && !(key & epi->events))
		return;
	if (!epi_ready_linked(epi))
		list_add_tail(&epi->rd_link, &ep->ready);
	wake_up(&ep->wq);
}

static void
ep_ptable_queue(struct poll_table *pt, struct wait_queue *wq)
{
	struct epitem *epi = container_of(pt, struct ep_ptable, pt)->epi;
	struct ep_entry *e = malloc(sizeof(*e));

	if (!e) {
		epi->nomem = true;
		return;
	}
	e->epi = epi;
	waiter_add_func(wq, &e->w, ep_item_wake);
	e->next = epi->entries;
	epi->entries = e;
}

/* What the item's file is ready for, among the events it watches. */
static unsigned int
ep_item_poll(struct epitem *epi, struct poll_table *pt)
{
	return vfs_poll(epi->file, pt) & epi->events;
}

static void
ep_remove(struct epitem *epi)
{
	while (epi->entries) {
		struct ep_entry *e = epi->entries;

		epi->entries = e->next;
		waiter_del(&e->w);
		free(e);
	}
	list_del(&epi->file_link);
	list_del(&epi->ep_link);
	list_del(&epi->rd_link);
	free(epi);
}

void
eventpoll_release_file(struct file *f)
{
	if (!f->ep_links.next)
		return; /* never watched */
	while (!list_empty(&f->ep_links))
		ep_remove(list_first_entry(&f->ep_links, struct epitem,
					   file_link));
}

static struct epitem *
ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	struct epitem *epi;

	list_for_each_entry(epi, &ep->items, ep_link)
		if (epi->file == f && epi->fd == fd)
			return epi;
	return NULL;
}

/* Move every entry of from to the front of to, keeping their order. */
static void
list_splice_front(struct list *from, struct list *to)
{
	while (!list_empty(from)) {
		struct list *last = from->prev;

		list_del(last);
		list_add(last, to);
	}
}

/* The epoll file is ready when some item on its ready list really is. */
static bool
ep_has_ready(struct eventpoll *ep)
{
	struct epitem *epi, *tmp;

	list_for_each_entry_safe(epi, tmp, &ep->ready, rd_link) {
		if (ep_item_poll(epi, NULL))
			return true;
		list_del(&epi->rd_link); /* a wakeup that changed nothing */
	}
	return false;
}

static unsigned int
ep_fop_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->priv;

	poll_wait(pt, &ep->wq);
	return ep_has_ready(ep) ? EPOLLIN | EPOLLRDNORM : 0;
}

static void
ep_fop_release(struct file *f)
{
	struct eventpoll *ep = f->priv;

	while (!list_empty(&ep->items))
		ep_remove(list_first_entry(&ep->items, struct epitem, ep_link));
	wake_up_pollfree(&ep->wq);
	free(ep);
}

static const struct file_ops eventpoll_fops = {
	.release = ep_fop_release,
	.llseek = anon_noop_llseek,
	.poll = ep_fop_poll,
};

/* Nesting checks */

/* How deep the epolls watched from ep go, or EP_MAX_NESTS + 1 when they
 * reach target (a loop) or go too deep. */
static int
ep_depth_below(struct eventpoll *ep, struct eventpoll *target, int depth)
{
	struct epitem *epi;
	int max = 0, d;

	if (ep == target || depth > EP_MAX_NESTS)
		return EP_MAX_NESTS + 1;
	list_for_each_entry(epi, &ep->items, ep_link) {
		if (!is_file_epoll(epi->file))
			continue;
		d = 1 + ep_depth_below(epi->file->priv, target, depth + 1);
		if (d > max)
			max = d;
	}
	return max;
}

/* How many epolls watch ep from above, at most. */
static int
ep_depth_above(struct eventpoll *ep, int depth)
{
	struct file *f = ep->file;
	struct epitem *epi;
	int max = 0, d;

	if (depth > EP_MAX_NESTS || !f->ep_links.next)
		return depth > EP_MAX_NESTS ? EP_MAX_NESTS + 1 : 0;
	list_for_each_entry(epi, &f->ep_links, file_link) {
		d = 1 + ep_depth_above(epi->ep, depth + 1);
		if (d > max)
			max = d;
	}
	return max;
}

/* May the epoll file tf be added to ep? */
static int
ep_loop_check(struct eventpoll *ep, struct file *tf)
{
	int below = ep_depth_below(tf->priv, ep, 0);

	if (below > EP_MAX_NESTS)
		return -ELOOP;
	if (below + 1 + ep_depth_above(ep, 0) > EP_MAX_NESTS)
		return -ELOOP;
	return 0;
}

/* epoll_ctl */

static int
ep_insert(struct eventpoll *ep, const struct epoll_event_k *ev,
	  struct file *tf, int fd)
{
	struct epitem *epi = calloc(1, sizeof(*epi));
	struct ep_ptable ept = { { ep_ptable_queue }, epi };

	if (!epi)
		return -ENOMEM;
	list_init(&epi->rd_link);
	epi->ep = ep;
	epi->file = tf;
	epi->fd = fd;
	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	epi->data = ev->data;
	if (!tf->ep_links.next)
		list_init(&tf->ep_links);
	list_add_tail(&epi->file_link, &tf->ep_links);
	list_add_tail(&epi->ep_link, &ep->items);
	if (ep_item_poll(epi, &ept.pt) && !epi_ready_linked(epi)) {
		list_add_tail(&epi->rd_link, &ep->ready);
		wake_up(&ep->wq);
	}
	if (epi->nomem) {
		ep_remove(epi);
		return -ENOMEM;
	}
	return 0;
}

static int
ep_modify(struct eventpoll *ep, struct epitem *epi,
	  const struct epoll_event_k *ev)
{
	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	epi->data = ev->data;
	if (ep_item_poll(epi, NULL) && !epi_ready_linked(epi)) {
		list_add_tail(&epi->rd_link, &ep->ready);
		wake_up(&ep->wq);
	}
	return 0;
}

/* The checks Linux makes before looking at the interest list. */
static int
ep_ctl_check(struct file *f, struct file *tf, int op, uint32_t events)
{
	if (!tf->ops || !tf->ops->poll)
		return -EPERM;
	if (f == tf || !is_file_epoll(f))
		return -EINVAL;
	if (op != EPOLL_CTL_DEL && (events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD &&
		    (is_file_epoll(tf) || (events & ~EPOLLEXCLUSIVE_OK_BITS)))
			return -EINVAL;
	}
	return 0;
}

static int
ep_ctl(struct eventpoll *ep, int op, struct file *tf, int fd,
       struct epoll_event_k *ev)
{
	struct epitem *epi;
	int r;

	if (op == EPOLL_CTL_ADD && is_file_epoll(tf) &&
	    (r = ep_loop_check(ep, tf)) < 0)
		return r;
	epi = ep_find(ep, tf, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		return epi ? -EEXIST : ep_insert(ep, ev, tf, fd);
	case EPOLL_CTL_DEL:
		if (!epi)
			return -ENOENT;
		ep_remove(epi);
		return 0;
	case EPOLL_CTL_MOD:
		if (!epi)
			return -ENOENT;
		if (epi->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		return ep_modify(ep, epi, ev);
	}
	return -EINVAL;
}

long
sys_epoll_ctl(struct task *t, const uint64_t a[6])
{
	int epfd = (int)a[0], op = (int)a[1], fd = (int)a[2];
	struct epoll_event_k ev = { 0, 0 };
	struct file *f, *tf = NULL;
	long r;

	if (op != EPOLL_CTL_DEL &&
	    copy_from_user(t, &ev, UADDR(a[3]), sizeof(ev)) < 0)
		return -EFAULT;
	if ((f = fd_get(t, epfd)) == NULL)
		return -EBADF;
	if ((tf = fd_get(t, fd)) == NULL)
		r = -EBADF;
	else if ((r = ep_ctl_check(f, tf, op, ev.events)) == 0)
		r = ep_ctl(f->priv, op, tf, fd, &ev);
	if (tf)
		file_put(tf);
	file_put(f);
	return r;
}

/* epoll_create */

static long
ep_create(struct task *t, unsigned int flags)
{
	struct eventpoll *ep = calloc(1, sizeof(*ep));
	int fd;

	if (!ep)
		return -ENOMEM;
	list_init(&ep->items);
	list_init(&ep->ready);
	wait_queue_init(&ep->wq);
	ep->file = anon_inode_file("eventpoll", &eventpoll_fops, ep,
				   K_O_RDWR_ANON);
	if (!ep->file) {
		free(ep);
		return -ENOMEM;
	}
	fd = fd_install(t, ep->file,
			(flags & K_O_CLOEXEC_ANON) ? FD_CLOEXEC_K : 0, 0);
	return fd;
}

long
sys_epoll_create1(struct task *t, const uint64_t a[6])
{
	unsigned int flags = (unsigned int)a[0];

	if (flags & ~K_O_CLOEXEC_ANON)
		return -EINVAL;
	return ep_create(t, flags);
}

long
sys_epoll_create(struct task *t, const uint64_t a[6])
{
	if ((int)a[0] <= 0)
		return -EINVAL;
	return ep_create(t, 0);
}

/* epoll_wait */

/* Report one event to the guest, or -EFAULT. */
static int
ep_put_event(struct task *t, uaddr_t uev, int n, unsigned int revents,
	     uint64_t data)
{
	struct epoll_event_k ev = { revents, data };

	return copy_to_user(t, uaddr_add(uev, (uint64_t)n * sizeof(ev)), &ev,
			    sizeof(ev));
}

/*
 * Report up to maxevents ready items: how many, or -EFAULT if the first
 * could not be written (it then stays ready).
 */
static int
ep_send_events(struct task *t, struct eventpoll *ep, uaddr_t uev,
	       int maxevents)
{
	struct list txlist = LIST_INIT(txlist);
	struct epitem *epi;
	unsigned int revents;
	int n = 0;

	list_splice_front(&ep->ready, &txlist);
	while (!list_empty(&txlist) && n < maxevents) {
		epi = list_first_entry(&txlist, struct epitem, rd_link);
		list_del(&epi->rd_link);
		if ((revents = ep_item_poll(epi, NULL)) == 0)
			continue;
		if (ep_put_event(t, uev, n, revents, epi->data) < 0) {
			list_add(&epi->rd_link, &txlist);
			if (n == 0)
				n = -EFAULT;
			break;
		}
		n++;
		if (epi->events & EPOLLONESHOT)
			epi->events &= EP_PRIVATE_BITS;
		else if (!(epi->events & EPOLLET))
			list_add_tail(&epi->rd_link, &ep->ready);
	}
	list_splice_front(&txlist, &ep->ready);
	return n;
}

/*
 * Wait until an item is ready, the deadline (absolute monotonic ns; < 0
 * none, 0 do not wait) passes or a signal comes: events reported, 0, or
 * -EINTR (never restarted, as in Linux).  May sleep.
 */
static long
ep_poll(struct task *t, struct eventpoll *ep, uaddr_t uev, int maxevents,
	int64_t deadline)
{
	int n, r;

	for (;;) {
		if (!list_empty(&ep->ready) &&
		    (n = ep_send_events(t, ep, uev, maxevents)) != 0)
			return n;
		if (deadline == 0)
			return 0;
		if (signal_pending(t))
			return -EINTR;
		r = sleep_on(&ep->wq, deadline, "ep_poll");
		if (r == -ETIMEDOUT)
			deadline = 0; /* one last look */
	}
}

static long
do_epoll_wait(struct task *t, int epfd, uaddr_t uev, int maxevents,
	      int64_t deadline)
{
	uint64_t size = (uint64_t)maxevents * sizeof(struct epoll_event_k);
	struct file *f;
	long r;

	if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
		return -EINVAL;
	if (uev.addr > host_task_size() || size > host_task_size() - uev.addr)
		return -EFAULT; /* Linux's access_ok: the range, not the pages */
	if ((f = fd_get(t, epfd)) == NULL)
		return -EBADF;
	if (!is_file_epoll(f))
		r = -EINVAL;
	else
		r = ep_poll(t, f->priv, uev, maxevents, deadline);
	file_put(f);
	return r;
}

static int64_t
ep_deadline_ms(int ms)
{
	if (ms < 0)
		return -1;
	return ms == 0 ? 0 : ktime_now() + (int64_t)ms * 1000000;
}

static long
do_epoll_pwait(struct task *t, const uint64_t a[6], int64_t deadline)
{
	long r;

	if ((r = sigmask_set_temporary(t, UADDR(a[4]), a[5])) < 0)
		return r;
	r = do_epoll_wait(t, (int)a[0], UADDR(a[1]), (int)a[2], deadline);
	sigmask_end_temporary(t, r == -EINTR);
	return r;
}

long
sys_epoll_wait(struct task *t, const uint64_t a[6])
{
	return do_epoll_wait(t, (int)a[0], UADDR(a[1]), (int)a[2],
			     ep_deadline_ms((int)a[3]));
}

long
sys_epoll_pwait(struct task *t, const uint64_t a[6])
{
	return do_epoll_pwait(t, a, ep_deadline_ms((int)a[3]));
}

/* epoll_pwait2: the timeout is a timespec, NULL for none. */
long
sys_epoll_pwait2(struct task *t, const uint64_t a[6])
{
	struct {
		int64_t sec, nsec;
	} ts;
	int64_t deadline = -1;

	if (a[3]) {
		if (copy_from_user(t, &ts, UADDR(a[3]), sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= NSEC_PER_SEC)
			return -EINVAL;
		deadline = (ts.sec || ts.nsec)
				   ? ktime_after(ktime_from(ts.sec, ts.nsec))
				   : 0;
	}
	return do_epoll_pwait(t, a, deadline);
}
