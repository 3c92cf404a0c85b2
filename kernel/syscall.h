/*
 * System call entry and exit (syscall.c).
 *
 * A syscall is served in two steps: syscall_enter() dispatches it through
 * the table; later, before the task returns to the guest, its result is
 * written to the registers by syscall_set_result(), which also resolves
 * the kernel's restart codes -- here and nowhere else -- against the
 * signal handler about to run, if any.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdbool.h>

#include "signal.h"

struct task;

struct syscall_state {
	bool active; /* served; the result is not written yet */
	long nr;
	long ret;
};

void syscall_enter(struct task *t, struct syscall_state *sc);
/* ka: the handler about to run, or NULL. */
void syscall_set_result(struct task *t, struct syscall_state *sc,
			const struct k_sigaction *ka);
/* The name of syscall nr, for logs ("?" if unknown). */
const char *syscall_name(long nr);

/* A handler that restored all registers itself (rt_sigreturn, execve). */
void syscall_no_result(struct task *t);

#endif
