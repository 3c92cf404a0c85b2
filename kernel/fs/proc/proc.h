/*
 * procfs: the "proc" filesystem (kernel/fs/proc/).
 *
 * Everything under /proc is made up on demand from kernel state: one
 * directory per process, text files that describe the system, and the
 * /proc/sys knobs.  proc_int.h is the design essay and the interface
 * between the files of the directory; this header is what the rest of
 * the kernel needs.
 */
#ifndef FS_PROC_PROC_H
#define FS_PROC_PROC_H

/* Register the "proc" filesystem type.  Call once at boot. */
void proc_init(void);

#endif
