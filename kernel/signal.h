/*
 * Signals: the guest's signal ABI and the kernel's pending/handler state.
 *
 * Standard signals (1-31) are pending at most once; real-time ones (32-64)
 * queue.  Each task has its own pending set and mask; the process has a
 * shared pending set and, through sighand, the handlers (shared between
 * threads and by CLONE_SIGHAND).  signal.c owns generation (send_signal),
 * delivery (signal_deliver, called before every return to the guest) and
 * the syscalls; frames on the guest stack are built by arch/x86_64.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "list.h"
#include "uaccess.h"

#define KNSIG 64
typedef uint64_t ksigset_t;

#define SIGMASK(sig) (1ULL << ((sig) - 1))
#define SIG_KERNEL_ONLY (SIGMASK(9) | SIGMASK(19)) /* SIGKILL, SIGSTOP */

/* Guest sigaction, kernel layout (rt_sigaction). */
struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	ksigset_t mask;
};

#define K_SIG_DFL 0
#define K_SIG_IGN 1

#define K_SA_NOCLDSTOP 0x00000001
#define K_SA_NOCLDWAIT 0x00000002
#define K_SA_SIGINFO 0x00000004
#define K_SA_RESTORER 0x04000000
#define K_SA_ONSTACK 0x08000000
#define K_SA_RESTART 0x10000000
#define K_SA_NODEFER 0x40000000
#define K_SA_RESETHAND 0x80000000
#define K_SA_EXPOSE_TAGBITS 0x00000800
/* What rt_sigaction keeps: other bits are dropped (SA_UNSUPPORTED probes). */
#define K_SA_KNOWN                                                             \
	(K_SA_NOCLDSTOP | K_SA_NOCLDWAIT | K_SA_SIGINFO | K_SA_RESTORER |     \
	 K_SA_ONSTACK | K_SA_RESTART | K_SA_NODEFER | K_SA_RESETHAND |        \
	 K_SA_EXPOSE_TAGBITS)

/* Guest siginfo_t: 128 bytes, the union laid out by signal kind. */
struct ksiginfo {
	int32_t signo;
	int32_t errno_;
	int32_t code;
	int32_t pad0;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
		} kill;
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status;
			int32_t pad;
			int64_t utime, stime;
		} chld;
		struct {
			uint64_t addr;
		} fault;
		struct {
			int32_t pid;
			uint32_t uid;
			uint64_t value;
		} rt;
		struct {
			int32_t tid;
			int32_t overrun;
			uint64_t value;
		} timer;
		uint8_t pad[112];
	};
};

_Static_assert(sizeof(struct ksiginfo) == 128, "siginfo is 128 bytes");

/* si_code values */
#define K_SI_USER 0
#define K_SI_KERNEL 0x80
#define K_SI_QUEUE (-1)
#define K_SI_TIMER (-2)
#define K_SI_TKILL (-6)
#define K_CLD_EXITED 1
#define K_CLD_KILLED 2
#define K_CLD_DUMPED 3
#define K_CLD_TRAPPED 4
#define K_CLD_STOPPED 5
#define K_CLD_CONTINUED 6

struct sigqueue {
	struct list link;
	struct ksiginfo info;
};

struct sigpending {
	ksigset_t set;
	struct list queue; /* struct sigqueue, in arrival order */
};

struct sighand {
	int refcount;
	struct k_sigaction action[KNSIG];
};

/* Guest stack_t: an alternate signal stack (sigaltstack, uc_stack). */
struct sigaltstack_k {
	uint64_t sp;
	int32_t flags; /* as last set: 0, SS_ONSTACK or SS_DISABLE, | SS_AUTODISARM */
	int32_t pad;
	uint64_t size;
};

#define K_SS_ONSTACK 1
#define K_SS_DISABLE 2
#define K_SS_AUTODISARM (1U << 31)

struct task;
struct process;

void sigpending_init(struct sigpending *p);
void sigpending_flush(struct sigpending *p);

/*
 * Send sig to a process (any thread that does not block it takes it) or to
 * one thread.  info may be NULL (SI_KERNEL).  0 or -errno.
 */
int send_signal_process(struct process *p, int sig, const struct ksiginfo *info);
int send_signal_task(struct task *t, int sig, const struct ksiginfo *info);
/* The siginfo of a signal sender sends itself or others (kill, tkill). */
void siginfo_from(struct task *sender, struct ksiginfo *info, int sig,
		  int code);
/*
 * A signal t brings on itself through a call (SIGPIPE, SIGXFSZ): SI_USER
 * from t, as Linux's send_sig does.
 */
int send_signal_self(struct task *t, int sig);
/* Send sig to every process in process group pgid: 0, or -ESRCH if none. */
int kill_pgrp(int pgid, int sig, const struct ksiginfo *info);
/* A fault: forced, unblocked, default action if it was ignored. */
void force_signal(struct task *t, int sig, int code, uint64_t addr);

/* Is sig ignored by p (SIG_IGN, or SIG_DFL whose default is to ignore)? */
bool signal_ignored(struct process *p, int sig);
/* Drop sig from every pending set of p, queued siginfo and all. */
void signal_discard(struct process *p, int sig);

/* Take a pending signal in allowed (0 if none), its siginfo to info. */
int signal_dequeue(struct task *t, ksigset_t allowed, struct ksiginfo *info);

/* Make another thread exit quietly (execve's de_thread). */
void signal_zap_thread(struct task *t);

/*
 * A thread of p left, or stopped: if every one left is now stopped, the
 * group stop is complete and the parent hears of it.
 */
void signal_group_stop_check(struct process *p);

/* Is t about to die: SIGKILL pending, a group exit, or zapped by execve? */
bool fatal_signal_pending(struct task *t);

/* Is an unblocked signal pending for t (or a group stop under way)? */
bool signal_pending(struct task *t);

/*
 * Before returning to the guest: act on pending signals (default actions,
 * stops, handler frames).  sc is the syscall just served, if any: its result
 * is written (restart codes resolved) before a handler frame saves the
 * registers.  May sleep (stopped); may not return (fatal signal).
 */
struct syscall_state;
void signal_deliver(struct task *t, struct syscall_state *sc);

/*
 * The temporary signal mask of rt_sigsuspend, ppoll, pselect6 and
 * epoll_pwait (umask NULL: none).  It stays in force after a wait a signal interrupted, for
 * signal_deliver to restore once the handler has run; otherwise
 * sigmask_end_temporary restores it at once.
 */
int sigmask_set_temporary(struct task *t, uaddr_t umask, size_t size);
void sigmask_end_temporary(struct task *t, bool interrupted);

/*
 * Alternate signal stacks.  altstack_get reports t's stack as seen from
 * the guest stack pointer sp; altstack_set installs ss unless t runs on its
 * current one (0, -EPERM, -EINVAL, -ENOMEM); altstack_on says whether sp
 * is on it (never while SS_AUTODISARM disarms it).  altstack_reset: none.
 */
void altstack_get(const struct task *t, uint64_t sp, struct sigaltstack_k *oss);
int altstack_set(struct task *t, const struct sigaltstack_k *ss, uint64_t sp);
bool altstack_on(const struct task *t, uint64_t sp);
void altstack_reset(struct task *t);

/* Handlers reset at exec: caught signals go back to SIG_DFL. */
void sighand_exec(struct sighand *sh);
struct sighand *sighand_alloc(void);
struct sighand *sighand_copy(const struct sighand *sh);
void sighand_put(struct sighand *sh);

#endif
