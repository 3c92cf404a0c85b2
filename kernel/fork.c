/*
 * fork, vfork and clone.
 *
 * The host does the copying: the parent's host process is cloned (COW for
 * a new process, a new host thread for CLONE_THREAD) and the child task
 * gets the kernel-side state -- a copy or a share of the mm's VMA list,
 * the fd table, cwd/root and signal handlers, as the clone flags say --
 * and a guest id of its own.  The child starts on its own kernel stack in
 * task_main() and returns to the guest with rax = 0.
 */
#include <string.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "mm/mm.h"
#include "pidfd.h"
#include "printk.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000
#define CSIGNAL 0xff
#define RLIMIT_NPROC_K 6

struct clone_args_k {
	uint64_t flags;
	uint64_t pidfd, child_tid, parent_tid;
	uint64_t exit_signal, stack, stack_size, tls;
};

static int
check_flags(uint64_t flags)
{
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if (flags & (CLONE_NEWNS | 0x7e000000ULL /* other namespaces */))
		return -EPERM;
	if ((flags & CLONE_VM) && !(flags & CLONE_THREAD) &&
	    !(flags & CLONE_VFORK))
		return -EINVAL; /* shared-VM processes: not supported yet */
	if ((flags & CLONE_PIDFD) && (flags & (CLONE_THREAD | CLONE_DETACHED)))
		return -EINVAL; /* no thread pidfds (PIDFD_THREAD) yet */
	return 0;
}

/* The new process's own state: ids, family, signals. */
static int
new_process(struct task *t, struct task *child, uint64_t flags,
	    int exit_signal)
{
	struct process *parent = t->proc, *p = process_alloc();

	if (!p)
		return -ENOMEM;
	child->proc = p;
	p->pid = child->tid;
	pid_get(p->pid);
	if (flags & CLONE_PARENT)
		parent = t->proc->parent ? t->proc->parent : t->proc;
	p->parent = parent;
	p->pgid = t->proc->pgid;
	p->sid = t->proc->sid;
	pid_get(p->pgid);
	pid_get(p->sid);
	p->tty = t->proc->tty;
	p->nice = t->proc->nice;
	sched_fork(p, t->proc);
	p->exit_signal = exit_signal;
	memcpy(p->limits, t->proc->limits, sizeof(p->limits));
	p->limits_set = t->proc->limits_set;
	p->rlim_nofile = t->proc->rlim_nofile;
	if (flags & CLONE_SIGHAND) {
		p->sighand = t->proc->sighand;
		p->sighand->refcount++;
	} else if ((p->sighand = sighand_copy(t->proc->sighand)) == NULL) {
		return -ENOMEM;
	}
	list_add_tail(&p->sibling, &parent->children);
	return 0;
}

static int
share_resources(struct task *t, struct task *child, uint64_t flags)
{
	if (flags & CLONE_VM) {
		child->mm = t->mm;
		child->mm->refcount++;
	} else if ((child->mm = mm_copy(t->mm)) == NULL) {
		return -ENOMEM;
	}
	if (flags & CLONE_FILES) {
		child->files = t->files;
		child->files->refcount++;
	} else if ((child->files = files_copy(t->files)) == NULL) {
		return -ENOMEM;
	}
	if (flags & CLONE_FS) {
		child->fs = t->fs;
		child->fs->refcount++;
	} else if ((child->fs = fs_info_copy(t->fs)) == NULL) {
		return -ENOMEM;
	}
	return cred_copy(&child->cred, &t->cred);
}

/* Undo a half-made child; its host side, if any, is killed. */
static void
abandon_child(struct task *child, bool own_process)
{
	if (child->host)
		host_task_kill(child->host);
	if (child->mm)
		mm_put(child->mm);
	if (child->files)
		files_put(child->files);
	if (child->fs)
		fs_info_put(child->fs);
	if (own_process && child->proc) {
		list_del(&child->proc->sibling);
		pid_free(child->proc->pgid);
		pid_free(child->proc->sid);
		pid_free(child->proc->pid);
		sighand_put(child->proc->sighand);
		process_free(child->proc);
	}
	pid_free(child->tid);
	task_free(child);
}

static void
set_child_regs(struct task *t, struct task *child, uint64_t flags,
	       uint64_t newsp, uint64_t tls)
{
	struct pt_regs *r = host_task_regs(child->host);

	*r = *host_task_regs(t->host);
	r->rax = 0;
	if (newsp)
		r->rsp = newsp;
	if (flags & CLONE_SETTLS)
		r->fs_base = tls;
}

/*
 * RLIMIT_NPROC: the tasks (threads, and zombies not yet reaped) of the
 * caller's real uid may not reach the soft limit, unless that uid is root
 * or the caller has privilege (euid 0 stands for CAP_SYS_RESOURCE).
 */
static int
check_nproc(struct task *t)
{
	uint64_t limit = process_rlimit(t->proc, RLIMIT_NPROC_K), n = 0;
	uint32_t uid = t->cred.uid;
	struct process *p;
	struct task *o;

	if (uid == 0 || t->cred.euid == 0)
		return 0;
	list_for_each_entry(p, &all_processes, all_link) {
		if (p->state == PROC_ZOMBIE) {
			n += p->exit_uid == uid;
			continue;
		}
		list_for_each_entry(o, &p->threads, thread_link)
			n += o->cred.uid == uid;
	}
	return n >= limit ? -EAGAIN : 0;
}

/* CLONE_PIDFD: a pidfd for the child, its number stored at where. */
static int
clone_pidfd(struct task *t, struct task *child, uint64_t where)
{
	int fd = pidfd_install(t, child->proc, 0);

	if (fd < 0)
		return fd;
	if (copy_to_user(t, UADDR(where), &fd, sizeof(fd)) < 0) {
		fd_close(t, fd);
		return -EFAULT;
	}
	return 0;
}

/* May sleep (vfork).  Returns the child's tid in the parent. */
static long
do_clone(struct task *t, const struct clone_args_k *ca)
{
	uint64_t flags = ca->flags;
	bool thread = flags & CLONE_THREAD;
	struct task *child;
	unsigned int hflags = 0;
	int tid, r;

	if ((r = check_flags(flags)) < 0 || (r = check_nproc(t)) < 0)
		return r;
	if ((child = task_alloc()) == NULL)
		return -ENOMEM;
	if ((tid = pid_alloc()) < 0) {
		task_free(child);
		return tid;
	}
	child->tid = tid;
	memcpy(child->comm, t->comm, sizeof(child->comm));
	child->blocked = t->blocked;
	/* A new thread (CLONE_VM without CLONE_VFORK) starts without one. */
	if ((flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM)
		altstack_reset(child);
	else
		child->altstack = t->altstack;
	if (thread) {
		child->proc = t->proc;
		hflags = HOST_CLONE_THREAD;
	} else if (flags & CLONE_VM) {
		hflags = HOST_CLONE_VM; /* vfork: truly shared until exec */
	}
	if (!thread && (r = new_process(t, child, flags, (int)ca->exit_signal)) < 0) {
		abandon_child(child, true);
		return r;
	}
	if ((r = share_resources(t, child, flags)) < 0 ||
	    (r = host_task_clone(t->host, hflags, ca->stack, child,
				 &child->host)) < 0) {
		abandon_child(child, !thread);
		return r;
	}
	set_child_regs(t, child, flags, ca->stack, ca->tls);
	if ((flags & CLONE_PARENT_SETTID) &&
	    copy_to_user(t, UADDR(ca->parent_tid), &tid, sizeof(tid)) < 0) {
		abandon_child(child, !thread);
		return -EFAULT;
	}
	if ((flags & CLONE_PIDFD) &&
	    (r = clone_pidfd(t, child, ca->pidfd)) < 0) {
		abandon_child(child, !thread);
		return r;
	}
	if (flags & CLONE_CHILD_SETTID)
		copy_to_user(child, UADDR(ca->child_tid), &tid, sizeof(tid));
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = ca->child_tid;
	list_add_tail(&child->thread_link, &child->proc->threads);
	child->proc->nr_threads++;
	task_register(child);
	if ((r = sched_start_task(child, task_main)) < 0)
		panic("no kernel stack for a new task");
	if (flags & CLONE_VFORK) {
		struct process *cp = child->proc;

		cp->vfork_parent_waiting = true;
		/* Other signals wait: an interruptible sleep would spin. */
		while (!cp->vfork_done)
			if (sleep_on_killable(&cp->vfork_wait, "vfork") < 0)
				break;
		cp->vfork_parent_waiting = false;
		if (cp->state == PROC_ZOMBIE && cp->reap_when_vfork_done)
			process_release(cp);
	}
	return tid;
}

long
sys_fork(struct task *t, const uint64_t a[6])
{
	struct clone_args_k ca = { .exit_signal = 17 };

	return do_clone(t, &ca);
}

long
sys_vfork(struct task *t, const uint64_t a[6])
{
	struct clone_args_k ca = { .flags = CLONE_VFORK | CLONE_VM,
				   .exit_signal = 17 };

	return do_clone(t, &ca);
}

/* clone(flags, stack, parent_tid, child_tid, tls): x86_64 argument order. */
long
sys_clone(struct task *t, const uint64_t a[6])
{
	struct clone_args_k ca = {
		.flags = a[0] & ~(uint64_t)CSIGNAL,
		.exit_signal = a[0] & CSIGNAL,
		.stack = a[1],
		.pidfd = a[2], /* CLONE_PIDFD stores the pidfd there */
		.parent_tid = a[2],
		.child_tid = a[3],
		.tls = a[4],
	};

	if (ca.exit_signal > 64)
		return -EINVAL;
	if ((ca.flags & CLONE_PIDFD) && (ca.flags & CLONE_PARENT_SETTID))
		return -EINVAL; /* they would share the word */
	return do_clone(t, &ca);
}

long
sys_clone3(struct task *t, const uint64_t a[6])
{
	struct clone_args_k ca = { 0 };
	size_t size = a[1];

	if (size < 64 || size > 4096)
		return -EINVAL;
	if (copy_from_user(t, &ca, UADDR(a[0]), sizeof(ca)) < 0)
		return -EFAULT;
	if (ca.exit_signal > 64 || (ca.flags & CSIGNAL))
		return -EINVAL;
	if ((ca.flags & CLONE_PIDFD) && (ca.flags & CLONE_PARENT_SETTID) &&
	    ca.pidfd == ca.parent_tid)
		return -EINVAL;
	if (ca.stack)
		ca.stack += ca.stack_size;
	return do_clone(t, &ca);
}
