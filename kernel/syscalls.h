/*
 * Prototypes of every syscall handler, generated from the master table.
 * A handler decodes its arguments, validates, makes one call into its
 * subsystem and returns the result or a negative errno.
 */
#ifndef KERNEL_SYSCALLS_H
#define KERNEL_SYSCALLS_H

#include <stdint.h>

struct task;

#define SYS(nr, name, note) long sys_##name(struct task *t, const uint64_t a[6]);
#define PART(nr, name, note) SYS(nr, name, note)
#define NOSYS(nr, name, note)
#include "x86_64/syscalls.def"
#undef SYS
#undef PART
#undef NOSYS

#endif
