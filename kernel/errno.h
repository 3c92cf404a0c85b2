/*
 * Error numbers.  The host's <errno.h> values are Linux's x86_64 ABI, which is
 * also the guest's.  The kernel-internal restart codes below never reach a
 * guest: the syscall dispatcher turns them into a restart or into EINTR.
 */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#include <errno.h>

#define ERESTARTSYS 512		  /* restart if SA_RESTART, else EINTR */
#define ERESTARTNOINTR 513	  /* always restart */
#define ERESTARTNOHAND 514	  /* restart if no handler ran */
#define ERESTART_RESTARTBLOCK 516 /* restart through restart_syscall */

#ifndef EUCLEAN
#define EUCLEAN 117
#endif
#define EFSCORRUPTED EUCLEAN

/* Largest errno a syscall returns; -4095..-1 are errors in the ABI. */
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)

#endif
