/*
 * Tasks and processes.
 *
 * A struct task is one guest thread: its guest registers live in its host
 * task (arch/host), its kernel context on its own kernel stack.  A struct
 * process is a thread group: the pid, the parent and children, process
 * group and session, signal handlers and shared pending signals, and the
 * exit status a parent collects with wait4.  Tasks share an address space
 * (mm), fd table (files) and cwd/root (fs_info) as clone flags say; those
 * are reference counted and owned by their subsystems.
 *
 * Guest ids are the kernel's own (pid_alloc), never host ids.
 *
 * Life cycle: a task is created by fork/clone (fork.c) or at boot (init),
 * runs task_main() on its kernel stack -- wait for a trap, serve it, deliver
 * signals, return to the guest -- and ends in task_exit() (exit.c), which
 * never returns.  A process whose last thread exits becomes a zombie until
 * its parent reaps it (wait.c) or, if the parent ignores SIGCHLD, at once.
 */
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "host/host.h"
#include "list.h"
#include "sched.h"
#include "signal.h"
#include "uaccess.h"

struct mm;
struct files;
struct fs_info;
struct tty;

enum task_state {
	TASK_RUNNING,	      /* runnable or running kernel code */
	TASK_INTERRUPTIBLE,   /* sleeping; a signal wakes it */
	TASK_UNINTERRUPTIBLE, /* sleeping; only its wakeup wakes it */
	TASK_GUEST,	      /* running guest code until the next trap */
	TASK_STOPPED,	      /* job-control stop */
	TASK_DEAD,	      /* exited; stack freed after the switch away */
};

#define NGROUPS_MAX_GUEST 65536

struct cred {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	int ngroups;
	uint32_t *groups;
};

/*
 * What restart_syscall carries on with after a stop interrupted a call
 * that returned -ERESTART_RESTARTBLOCK (a relative nanosleep).
 */
struct restart_block {
	long (*fn)(struct task *t); /* NULL: nothing to carry on, EINTR */
	int64_t deadline;	    /* monotonic ns */
	uaddr_t urem;		    /* where the time left goes */
};

/*
 * Resource usage as struct rusage counts it (rusage.c).  nvcsw is the
 * kernel's count of sleeps; the rest comes from the host's figures for the
 * guest's host threads.
 */
struct rusage_acct {
	int64_t utime_ns, stime_ns;
	uint64_t minflt, majflt; /* page faults without and with I/O */
	uint64_t nvcsw, nivcsw;	 /* context switches: slept, preempted */
	uint64_t maxrss_kib;	 /* peak resident set: a maximum */
};

struct task {
	int tid;
	struct process *proc;
	enum task_state state;
	const char *wchan;	  /* what it sleeps on, for /proc and dumps */
	struct list run_link;	  /* the run queue */
	struct list thread_link;  /* proc->threads */
	struct waiter waiter;	  /* its place on a wait queue (sleep_on) */
	struct timer sleep_timer; /* sleep_on's deadline */
	bool timed_out;
	bool killable_only; /* sleep_on_killable: only fatal signals wake it */

	void *ksp;    /* saved kernel stack pointer while switched out */
	void *kstack; /* the stack's allocation */
	void (*kentry)(struct task *t); /* first function on that stack */

	struct host_task *host;
	struct host_trap trap; /* why it last stopped in guest mode */
	bool trap_pending;     /* a trap (host exit) came while in the kernel */
	bool no_syscall_result; /* the syscall set all registers itself */
	bool zapped;	       /* another thread's execve ends this one */

	struct mm *mm;
	struct files *files;
	struct fs_info *fs;
	struct cred cred;

	ksigset_t blocked;
	ksigset_t saved_blocked; /* restored after sigsuspend-like waits */
	ksigset_t waiting_for;	 /* sigtimedwait's set while it sleeps */
	bool restore_blocked;
	struct sigpending pending;
	struct sigaltstack_k altstack;
	struct restart_block restart;

	uint64_t clear_child_tid; /* CLONE_CHILD_CLEARTID / set_tid_address */
	int pdeath_signal;
	uint64_t robust_list;	  /* set_robust_list head */
	bool no_new_privs;
	char comm[16];
	struct rusage_acct ru; /* what the kernel counts, and the figures of
				* host tasks it left (exec) */
};

/* An interval timer (itimer.c). */
struct itimer {
	struct timer timer;
	int64_t interval_ns;
	struct process *proc;
	int which;
};

enum wait_report {
	WAIT_REPORT_NONE,
	WAIT_REPORT_STOPPED,   /* for WUNTRACED */
	WAIT_REPORT_CONTINUED, /* for WCONTINUED */
};

enum process_state {
	PROC_ALIVE,
	PROC_ZOMBIE, /* every thread gone; waiting to be reaped */
};

struct process {
	int pid;
	int pgid, sid;
	enum process_state state;
	struct process *parent;
	struct list children; /* processes whose parent is this one */
	struct list sibling;  /* in parent->children */
	struct list all_link; /* in the list of every process */
	struct list threads;
	int nr_threads;

	struct sighand *sighand;
	struct sigpending shared_pending;
	bool group_exiting;   /* exit_group or a fatal signal is in progress */
	int exit_status;      /* wait status once a zombie */
	int exit_signal;      /* signal to the parent at exit (SIGCHLD) */
	bool stopped;	      /* job-control stop in effect */
	bool stop_notified;   /* every thread stopped; the parent was told */
	int stop_sig;
	enum wait_report wait_report; /* a stop/continue the parent may see */
	bool vfork_done;      /* released the parent of vfork */
	bool vfork_parent_waiting; /* so the parent may still look at it */
	bool reap_when_vfork_done; /* auto-reap deferred for that reason */
	struct wait_queue vfork_wait;
	struct wait_queue child_wait; /* parent's wait4 sleeps here */
	struct wait_queue thread_exit_wait; /* execve waits for the others */
	struct wait_queue signalfd_wait; /* a signal became pending (signalfd) */
	struct wait_queue pidfd_wait;	 /* it became a zombie (pidfd poll) */

	struct tty *tty;       /* controlling terminal, if any */
	struct itimer itimers[3]; /* ITIMER_REAL, _VIRTUAL, _PROF */
	struct list posix_timers; /* timer_create's (posix_timers.c) */
	int next_timer_id;	  /* the id the next one gets */
	int64_t start_time;    /* monotonic ns */
	struct rusage_acct ru_exited;	  /* of exited threads */
	struct rusage_acct ru_children;	  /* of reaped children, theirs too */
	uint32_t exit_uid;		  /* for SIGCHLD/waitid after exit */
	int nice;			  /* -20 … 19, inherited at fork */
	int sched_policy;		  /* SCHED_OTHER … (priority.c) */
	int sched_priority;		  /* 1-99 for FIFO and RR, else 0 */
	bool sched_reset_on_fork;
	char exit_comm[16];		  /* last thread's comm, for /proc */
	uint64_t rlim_nofile;		  /* RLIMIT_NOFILE soft limit; 0: default */
	uint64_t limits[16][2];		  /* rlimits (cur, max), once set */
	bool limits_set;
	bool did_exec;			  /* setpgid by the parent: EACCES */
};

extern struct process *init_process;
extern struct list all_processes;

/* Guest id allocation: the kernel's own pid space. */
int pid_alloc(void);
void pid_free(int pid);
/* A child's scheduling policy at fork (priority.c). */
void sched_fork(struct process *child, const struct process *parent);
struct task *task_find(int tid);
struct process *process_find(int pid);
/* The process of pid, or of the thread with that id (kill, getsid...). */
struct process *process_of_id(int id);
void task_register(struct task *t);
void task_unregister(struct task *t);

/* New task and process structures, zeroed, not yet running. */
struct task *task_alloc(void);
struct process *process_alloc(void);
void task_free(struct task *t);
void process_free(struct process *p);

/* The kernel side of every task: wait for a trap, serve it, go back. */
void task_main(struct task *t);
/* Return t to guest mode and sleep until its next trap. */
void task_return_to_guest(struct task *t);

/*
 * Exits (exit.c).  Statuses are wait statuses: code << 8 for exit(code),
 * the signal number (| 0x80 for a core dump) for a death by signal.
 * do_exit ends one thread, do_group_exit the whole process; neither returns.
 */
_Noreturn void do_exit(struct task *t, int status);
_Noreturn void do_group_exit(struct task *t, int status);
#define task_exit_killed(t, sig) do_group_exit((t), (sig))

void pid_get(int pid);
/* Free a reaped zombie: ids, family links, the struct. */
void process_release(struct process *p);

/* Exit-time futex duties (futex.c). */
void futex_clear_child_tid(struct task *t);
void futex_exit_robust_list(struct task *t);

/* Disarm a process's interval timers (exit). */
void itimers_stop(struct process *p);
/* Delete a process's POSIX timers (exit, execve). */
void posix_timers_exit(struct process *p);
/* The soft limit of resource res (RLIMIT_*) of p (sys.c). */
uint64_t process_rlimit(struct process *p, unsigned int res);
/* Resource usage (rusage.c): a thread's, a process's own (live and
 * exited threads).  Settle before t->host goes, to keep what it used. */
void task_rusage(const struct task *t, struct rusage_acct *ru);
void process_rusage(const struct process *p, struct rusage_acct *ru);
/* ns as a clock_t: ticks of USER_HZ, as times(), siginfo and /proc count;
 * 0 for negative spans. */
#define USER_HZ 100
static inline int64_t
ns_to_clock_t(int64_t ns)
{
	return ns > 0 ? ns / (1000000000LL / USER_HZ) : 0;
}
void task_rusage_settle(struct task *t);
/* dst += src; maxrss_kib is a maximum, not a sum. */
void rusage_add(struct rusage_acct *dst, const struct rusage_acct *src);
/* Write ru to dst as a struct rusage.  0 or -EFAULT. */
int rusage_to_user(struct task *t, uaddr_t dst, const struct rusage_acct *ru);
/* signal_dequeue took an SI_TIMER signal for t: count its overruns. */
void posix_timer_dequeued(struct task *t, struct ksiginfo *info);

/* Tell the parent about a change (CLD_* code): SIGCHLD and wait4 wakeup. */
void process_notify_parent(struct process *p, int code, int sig);
/* POSIX orphaned process group: no member has a parent outside the group
 * but inside the session. */
bool process_pgrp_orphaned(struct process *p);
void process_unregister(struct process *p);

/* The kernel's own execve (for init): 0 or -errno before any change. */
int kernel_execve(struct task *t, const char *path, char *const argv[],
		  char *const envp[]);

/* Credentials: copies share nothing. */
int cred_copy(struct cred *dst, const struct cred *src);
void cred_release(struct cred *c);
bool cred_in_group(const struct cred *c, uint32_t gid);
static inline bool
cred_is_root(const struct cred *c)
{
	return c->euid == 0;
}

/* Credentials (cred.c). */
struct inode;
/* execve past the point of no return: apply file's set-id bits unless
 * nosuid (the mount) or no_new_privs; returns AT_SECURE. */
bool cred_exec(struct task *t, const struct inode *inode, bool nosuid);
/* The capability sets they amount to (bit n: capability n). */
uint64_t cred_cap_effective(const struct cred *c);
uint64_t cred_cap_permitted(const struct cred *c);

#endif
