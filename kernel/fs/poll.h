/*
 * poll/select/epoll plumbing (poll.c).  A file's poll op returns its ready
 * mask and, when pt is not NULL, registers the caller on the wait queues
 * that will be woken when that may change.
 *
 * A poll_table is the caller's: poll/select (poll.c) queue the sleeping
 * task, epoll (epoll.c) queues a callback that marks its item ready.  A
 * poll op registers on every queue that may signal any change, whatever
 * the caller wants now (epoll's interest can change later); wakers may
 * tell callbacks which events changed with wake_up_poll().
 */
#ifndef FS_POLL_H
#define FS_POLL_H

#include "fs/vfs.h"

#define K_POLLIN 0x001
#define K_POLLPRI 0x002
#define K_POLLOUT 0x004
#define K_POLLERR 0x008
#define K_POLLHUP 0x010
#define K_POLLNVAL 0x020
#define K_POLLRDNORM 0x040
#define K_POLLRDBAND 0x080
#define K_POLLWRNORM 0x100
#define K_POLLWRBAND 0x200
#define K_POLLRDHUP 0x2000

struct poll_table {
	/* Called by poll_wait for each queue; NULL: register nothing. */
	void (*qproc)(struct poll_table *pt, struct wait_queue *wq);
};

/* Register the polling task on wq (no-op when pt is NULL). */
void poll_wait(struct poll_table *pt, struct wait_queue *wq);

/* The readiness of f, without waiting; files without a poll op are ready. */
unsigned int vfs_poll(struct file *f, struct poll_table *pt);

#endif
