/*
 * Between the files of arch/host/ only: the backend's hooks for the idle
 * loop.  The core never includes this.
 */
#ifndef HOST_INTERNAL_H
#define HOST_INTERNAL_H

/* ptrace backend (trace.c) */
int trace_init(void);
int trace_poll(void);
void trace_shutdown(void);

/* idle loop (idle.c) */
int idle_init(void);

#endif
