/*
 * pidfds (pidfd.c): files that name a process.
 */
#ifndef KERNEL_PIDFD_H
#define KERNEL_PIDFD_H

#include <stdbool.h>

struct process;
struct task;

/*
 * For waitid(P_PIDFD): the pid the pidfd at fd names and whether the file
 * is non-blocking.  -EBADF if fd is not a pidfd; -ECHILD if its process
 * has been reaped (no child can match it any more).
 */
int pidfd_wait_target(struct task *t, int fd, int *pid, bool *nonblock);

/*
 * A new pidfd for p in t's fd table (close-on-exec; flags may hold
 * O_NONBLOCK): the fd or -errno.
 */
int pidfd_install(struct task *t, struct process *p, unsigned int flags);

#endif
