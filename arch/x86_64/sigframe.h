/*
 * Signal frames on the guest stack (x86_64 Linux rt_sigframe ABI).
 */
#ifndef X86_64_SIGFRAME_H
#define X86_64_SIGFRAME_H

#include "signal.h"

struct task;

/*
 * Build the frame for a handler of sig on t's stack and point t's registers
 * at the handler.  saved_mask is the mask to restore at sigreturn.
 * 0, or -EFAULT if the stack is unusable (the caller kills with SIGSEGV).
 */
int sigframe_setup(struct task *t, int sig, const struct ksiginfo *info,
		   const struct k_sigaction *ka, ksigset_t saved_mask);

/*
 * rt_sigreturn: restore registers, extended state, the signal mask and the
 * alternate stack from the frame at the guest's stack.  0 or -EFAULT.
 */
int sigframe_restore(struct task *t);

#endif
