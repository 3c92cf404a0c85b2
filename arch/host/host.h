/*
 * THE host boundary.  This is the only host interface the core includes;
 * everything that touches the host kernel (ptrace, process_vm_*, epoll,
 * memfds, the clock) lives behind it in arch/host/, or in the *_host.c files
 * of drivers that own a host resource (console, ubd, hostfs).
 *
 * A guest thread runs as a host thread; its host side is a struct host_task,
 * opaque to the core.  An interception backend (ptrace today; the interface
 * admits seccomp user notification too) reports each time the guest thread
 * stops for the kernel (a "trap") through the host_trap_arrived() upcall,
 * which the core implements.  While stopped, its registers can be read and
 * changed and host syscalls can be run inside its process.
 *
 * Conventions: functions return >= 0 or a negative errno; none of them
 * blocks for long except host_idle().
 */
#ifndef HOST_HOST_H
#define HOST_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#include "x86_64/regs.h"

struct host_task;

/*
 * Boot: choose and start an interception backend ("auto", "ptrace").
 * Unless all_cpus, vmlinux and every guest run on the host CPU vmlinux
 * started on: a guest's trap then wakes the kernel without a cross-CPU
 * wakeup, which costs more than the syscall itself.
 */
int host_init(const char *mode, bool all_cpus);
const char *host_backend_name(void);

/*
 * Why a guest thread stopped.  SYSCALL: it made a syscall (number and
 * arguments are in its registers; the host has not run it).  FAULT: the CPU
 * raised a synchronous signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP)
 * described by signo/code/addr.  KICK: host_task_kick() asked it to stop.
 * EXIT: the host thread is gone (killed from outside the kernel).
 */
enum host_trap_kind {
	HOST_TRAP_SYSCALL,
	HOST_TRAP_FAULT,
	HOST_TRAP_KICK,
	HOST_TRAP_EXIT,
};

struct host_trap {
	enum host_trap_kind kind;
	int signo;     /* FAULT: the signal */
	int code;      /* FAULT: si_code */
	uint64_t addr; /* FAULT: si_addr */
	int status;    /* EXIT: wait status */
};

/* Upcall, implemented by the core: t stopped for the reason in *trap. */
void host_trap_arrived(void *owner, const struct host_trap *trap);

/* Upcall: vmlinux itself was sent a termination signal (SIGTERM …). */
void host_shutdown_signal(int sig);

/*
 * Start a fresh, empty guest address space: a new stub process, stopped.
 * Its registers hold the stub's; the caller maps the program and sets them.
 */
int host_task_spawn(void *owner, struct host_task **out);

/*
 * Clone the stopped task's host process (fork: flags 0) or add a thread to
 * it (HOST_CLONE_THREAD, new stack in child_sp).  The child is stopped with
 * the parent's registers; the caller sets its own.
 */
#define HOST_CLONE_THREAD 1
#define HOST_CLONE_VM 2
int host_task_clone(struct host_task *parent, unsigned int flags,
		    uint64_t child_sp, void *owner, struct host_task **out);

/* Kill the host thread's whole process and reap this thread. */
void host_task_kill(struct host_task *ht);
/* End just this thread of a multithreaded process (reaped later). */
void host_task_exit_thread(struct host_task *ht);
/* Forget a task whose exit was already reported by HOST_TRAP_EXIT. */
void host_task_release(struct host_task *ht);

/* The host's id of the thread: for logs and debugging only. */
int host_task_tid(const struct host_task *ht);
/* What the host has counted for a thread so far. */
struct host_usage {
	int64_t utime_ns, stime_ns; /* CPU time, clock-tick resolution */
	uint64_t minflt, majflt;    /* page faults */
	uint64_t nivcsw;	    /* times the host preempted it */
	uint64_t rss_kib, hwm_kib;  /* its address space: resident, peak */
	uint64_t anon_kib;	    /* resident anonymous memory */
};
/* Read from the host's /proc.  0, or -errno with *u all zero. */
int host_task_usage(const struct host_task *ht, struct host_usage *u);

/* Registers of a stopped task, as the guest sees them. */
struct pt_regs *host_task_regs(struct host_task *ht);
/* Extended (x87/SSE/AVX) state, XSAVE layout; len in/out.  0 or -errno. */
int host_task_get_xstate(struct host_task *ht, void *buf, size_t *len);
int host_task_set_xstate(struct host_task *ht, const void *buf, size_t len);
size_t host_xstate_size(void);

/* Resume a stopped task in guest mode with its (possibly changed) regs. */
int host_task_resume(struct host_task *ht);

/* Make a task running guest code stop with HOST_TRAP_KICK soon. */
void host_task_kick(struct host_task *ht);

/*
 * Run host syscall nr inside the stopped task's process.  Pointer arguments
 * must point into that process (host_task_scratch() is a page there that
 * the caller may fill first).  Returns the host's result (-errno on error).
 */
long host_task_syscall(struct host_task *ht, long nr, uint64_t a0, uint64_t a1,
		       uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
uint64_t host_task_scratch(const struct host_task *ht);

/*
 * Atomically replace the guest word at addr with new if it holds expected
 * (the guest process runs the instruction, so its other threads see an
 * atomic update).  *old gets the value found.  0 or -EFAULT.
 */
int host_task_cmpxchg32(struct host_task *ht, uint64_t addr, uint32_t expected,
			uint32_t new, uint32_t *old);

/*
 * Map the kernel's host fd (a page-cache memfd) into the stopped task's
 * process at addr (MAP_FIXED is implied).  The result of the host mmap.
 */
long host_task_mmap_fd(struct host_task *ht, uint64_t addr, uint64_t len,
		       int prot, int flags, int fd, uint64_t off);
#define HOST_SCRATCH_SIZE 4096

/*
 * Guest memory of the task's address space.  0 or -EFAULT; never crashes
 * on a bad address.  host_strncpy_from reads a NUL-terminated string of at
 * most n bytes (including the NUL): its length, -ENAMETOOLONG or -EFAULT.
 */
int host_copy_from(struct host_task *ht, void *dst, uint64_t src, size_t n);
int host_copy_to(struct host_task *ht, uint64_t dst, const void *src, size_t n);
long host_strncpy_from(struct host_task *ht, char *dst, uint64_t src, size_t n);

/* The guest address-space limit: the stub lives above it. */
uint64_t host_task_size(void);
/* Where the host's vDSO sits in every stub process, and its size. */
uint64_t host_vdso_base(void);
size_t host_vdso_size(void);

/*
 * The idle loop.  Blocks until a trap, a watched fd or the deadline (an
 * absolute CLOCK_MONOTONIC time in ns; <0 for none), and dispatches what
 * arrived: host_trap_arrived() for traps, the callbacks for fds.
 */
void host_idle(int64_t deadline_ns);
/* Call cb(arg) from host_idle() whenever fd is readable. */
int host_watch_fd(int fd, void (*cb)(void *arg), void *arg);
void host_unwatch_fd(int fd);

/* Clocks in ns: CLOCK_REALTIME, CLOCK_MONOTONIC, … */
int64_t host_clock(int clockid);
void host_random(void *buf, size_t len);
long host_page_size(void);

/* Host memfds: the page cache and tmpfs store file data in them. */
int host_memfd_create(const char *name);
ssize_t host_pread(int fd, void *buf, size_t len, uint64_t off);
ssize_t host_pwrite(int fd, const void *buf, size_t len, uint64_t off);
int host_ftruncate(int fd, uint64_t len);
/* Free [off, off+len) of a memfd: it reads as zeros again. */
int host_punch_hole(int fd, uint64_t off, uint64_t len);
void host_close(int fd);

/* Kernel stacks: size bytes with a guard page below; NULL on failure. */
void *host_stack_alloc(size_t size);
void host_stack_free(void *stack, size_t size);

/* Write to the host's stderr (printk's console). */
void host_log_write(const char *buf, size_t len);
/* Print the kernel's own backtrace to stderr. */
void host_backtrace(void);

/* Functions run at host_exit (terminal restore, image release …). */
void host_atexit(void (*fn)(void));
/* Kill every guest host process, run the atexit hooks, exit. */
noreturn void host_exit(int status);

#endif
