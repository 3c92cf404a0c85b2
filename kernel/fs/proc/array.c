/*
 * The process status files: /proc/PID/stat, status and statm, and the
 * same for each thread under task/TID.  Formats are Linux's (proc(5)),
 * field for field, because ps, top and friends parse them by position.
 * Usage counters (times, faults, context switches) are getrusage's
 * (rusage.c); resident sizes are the host's for the guest's host process.
 */
#include <stdio.h>
#include <string.h>

#include "drivers/tty.h"
#include "fs/fdtable.h"
#include "fs/proc/proc_int.h"
#include "mm/mm.h"
#include "printk.h"
#include "task.h"

#define PF_USER_PROCESS 0x00400000 /* what Linux shows for user tasks */

char
proc_state_letter(const struct proc_target *tg)
{
	if (!tg->t || tg->p->state == PROC_ZOMBIE)
		return 'Z';
	if (tg->p->stopped)
		return 'T';
	switch (tg->t->state) {
	case TASK_INTERRUPTIBLE:
		return 'S';
	case TASK_UNINTERRUPTIBLE:
		return 'D';
	case TASK_STOPPED:
		return 'T';
	case TASK_DEAD:
		return 'X';
	default:
		return 'R';
	}
}

const char *
proc_state_word(char letter)
{
	switch (letter) {
	case 'S':
		return "sleeping";
	case 'D':
		return "disk sleep";
	case 'T':
		return "stopped";
	case 'Z':
		return "zombie";
	case 'X':
		return "dead";
	default:
		return "running";
	}
}

/* A terminal's device number, from the names the drivers use. */
static unsigned int
proc_tty_nr(const struct tty *tty)
{
	unsigned int n;
	char c;

	if (!tty || !tty->name)
		return 0;
	if (strcmp(tty->name, "console") == 0)
		return (5 << 8) | 1;
	if (sscanf(tty->name, "pts/%u%c", &n, &c) == 1)
		return (unsigned int)k_makedev(136 + n / 256, n % 256);
	if (sscanf(tty->name, "ttyS%u%c", &n, &c) == 1)
		return (unsigned int)k_makedev(4, 64 + n);
	if (sscanf(tty->name, "tty%u%c", &n, &c) == 1)
		return (unsigned int)k_makedev(4, n);
	return 0;
}

/* Signals a process catches and ignores. */
static void
proc_sig_actions(const struct process *p, ksigset_t *ign, ksigset_t *cgt)
{
	int i;

	*ign = *cgt = 0;
	if (!p->sighand)
		return;
	for (i = 0; i < KNSIG; i++) {
		uint64_t h = p->sighand->action[i].handler;

		if (h == K_SIG_IGN)
			*ign |= 1ULL << i;
		else if (h != K_SIG_DFL)
			*cgt |= 1ULL << i;
	}
}

/* The thread's own usage, or the whole process's. */
static void
proc_target_usage(const struct proc_target *tg, bool thread,
		  struct rusage_acct *ru)
{
	if (thread && tg->t)
		task_rusage(tg->t, ru);
	else
		process_rusage(tg->p, ru);
}

/*
 * The memory figures of tg's address space (its VMAs), with the resident
 * sizes the host counts for its host process; *hwm is the resident peak
 * (without the host's figures, the VMAs' upper bound for both).
 */
static void
proc_target_vm(const struct proc_target *tg, struct proc_vm_stats *vm,
	       uint64_t *hwm)
{
	struct host_usage u;

	memset(vm, 0, sizeof(*vm));
	*hwm = 0;
	if (!tg->t || !tg->t->mm)
		return;
	proc_vm_stats(tg->t->mm, vm);
	*hwm = vm->rss;
	if (!tg->t->host || host_task_usage(tg->t->host, &u) < 0)
		return;
	vm->rss = u.rss_kib * 1024;
	vm->shared = u.rss_kib > u.anon_kib ? (u.rss_kib - u.anon_kib) * 1024
					     : 0;
	*hwm = u.hwm_kib * 1024;
}

static void
proc_stat_ids(struct pbuf *b, const struct proc_target *tg, int id)
{
	const struct process *p = tg->p;
	char st = proc_state_letter(tg), comm[16];

	pbuf_printf(b, "%d (%s) %c %d %d %d %u %d %u ", id, proc_comm(tg, comm),
		    st, p->parent ? p->parent->pid : 0, p->pgid, p->sid,
		    proc_tty_nr(p->tty), p->tty && p->tty->pgrp ? p->tty->pgrp
								 : -1,
		    PF_USER_PROCESS);
}

static void
proc_stat_times(struct pbuf *b, const struct proc_target *tg, bool thread)
{
	const struct process *p = tg->p;
	const struct rusage_acct *c = &p->ru_children;
	struct rusage_acct ru;
	long long start = p->start_time - boot_time_ns;

	proc_target_usage(tg, thread, &ru);
	/* minflt cminflt majflt cmajflt utime stime cutime cstime */
	pbuf_printf(b, "%llu %llu %llu %llu ", (unsigned long long)ru.minflt,
		    (unsigned long long)c->minflt,
		    (unsigned long long)ru.majflt,
		    (unsigned long long)c->majflt);
	pbuf_printf(b, "%lld %lld %lld %lld ", (long long)ns_to_clock_t(ru.utime_ns),
		    (long long)ns_to_clock_t(ru.stime_ns),
		    (long long)ns_to_clock_t(c->utime_ns),
		    (long long)ns_to_clock_t(c->stime_ns));
	/* priority nice num_threads itrealvalue starttime */
	pbuf_printf(b, "20 0 %d 0 %lld ", p->nr_threads ? p->nr_threads : 1,
		    (long long)ns_to_clock_t(start));
}

static void
proc_stat_mm(struct pbuf *b, const struct proc_target *tg,
	     const struct mm *mm)
{
	struct proc_vm_stats vm;
	struct mm empty = { 0 };
	uint64_t hwm;

	proc_target_vm(tg, &vm, &hwm);
	if (!mm)
		mm = &empty;
	/* vsize rss rsslim startcode endcode startstack kstkesp kstkeip */
	pbuf_printf(b, "%llu %llu %llu %llu %llu %llu 0 0 ",
		    (unsigned long long)vm.size,
		    (unsigned long long)(vm.rss / PAGE_SIZE),
		    (unsigned long long)UINT64_MAX,
		    (unsigned long long)mm->start_code,
		    (unsigned long long)mm->end_code,
		    (unsigned long long)mm->start_stack);
}

static void
proc_stat_signals(struct pbuf *b, const struct proc_target *tg)
{
	const struct process *p = tg->p;
	ksigset_t pend = p->shared_pending.set, ign, cgt;

	if (tg->t)
		pend |= tg->t->pending.set;
	proc_sig_actions(p, &ign, &cgt);
	/* signal blocked sigignore sigcatch wchan nswap cnswap */
	pbuf_printf(b, "%llu %llu %llu %llu 0 0 0 ", (unsigned long long)pend,
		    (unsigned long long)(tg->t ? tg->t->blocked : 0),
		    (unsigned long long)ign, (unsigned long long)cgt);
	/* exit_signal processor rt_priority policy blkio guest cguest */
	pbuf_printf(b, "%d 0 0 0 0 0 0 ", p->exit_signal);
}

static void
proc_stat_tail(struct pbuf *b, const struct proc_target *tg,
	       const struct mm *mm)
{
	struct mm empty = { 0 };

	if (!mm)
		mm = &empty;
	/* start_data end_data start_brk arg_start arg_end env_start env_end */
	pbuf_printf(b, "%llu %llu %llu %llu %llu %llu %llu ",
		    (unsigned long long)mm->start_data,
		    (unsigned long long)mm->end_data,
		    (unsigned long long)mm->start_brk,
		    (unsigned long long)mm->arg_start,
		    (unsigned long long)mm->arg_end,
		    (unsigned long long)mm->env_start,
		    (unsigned long long)mm->env_end);
	/* exit_code */
	pbuf_printf(b, "%d\n",
		    tg->p->state == PROC_ZOMBIE ? tg->p->exit_status : 0);
}

int
proc_show_stat(const struct proc_inode *pi, struct pbuf *b)
{
	struct proc_target tg;
	const struct mm *mm;
	int r;

	if ((r = proc_target_get(pi, &tg)) < 0)
		return r;
	mm = tg.t ? tg.t->mm : NULL;
	proc_stat_ids(b, &tg, pi->tid ? pi->tid : tg.p->pid);
	proc_stat_times(b, &tg, pi->tid != 0);
	proc_stat_mm(b, &tg, mm);
	proc_stat_signals(b, &tg);
	proc_stat_tail(b, &tg, mm);
	return 0;
}

int
proc_show_statm(const struct proc_inode *pi, struct pbuf *b)
{
	struct proc_vm_stats vm;
	struct proc_target tg;
	uint64_t hwm;
	int r;

	if ((r = proc_target_get(pi, &tg)) < 0)
		return r;
	proc_target_vm(&tg, &vm, &hwm);
	pbuf_printf(b, "%llu %llu %llu %llu 0 %llu 0\n",
		    (unsigned long long)(vm.size / PAGE_SIZE),
		    (unsigned long long)(vm.rss / PAGE_SIZE),
		    (unsigned long long)(vm.shared / PAGE_SIZE),
		    (unsigned long long)(vm.text / PAGE_SIZE),
		    (unsigned long long)((vm.data + vm.stack) / PAGE_SIZE));
	return 0;
}

/* status */

static void
proc_status_ids(struct pbuf *b, const struct proc_target *tg, int id)
{
	const struct process *p = tg->p;
	char st = proc_state_letter(tg), comm[16];
	int ppid = p->parent ? p->parent->pid : 0;

	pbuf_puts(b, "Name:\t");
	pbuf_puts_escaped(b, proc_comm(tg, comm), "\n\\");
	if (tg->t && tg->t->fs)
		pbuf_printf(b, "\nUmask:\t%04o", tg->t->fs->umask & 0777);
	pbuf_printf(b, "\nState:\t%c (%s)\n", st, proc_state_word(st));
	pbuf_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
		       "TracerPid:\t0\n",
		    p->pid, id, ppid);
}

static void
proc_status_creds(struct pbuf *b, const struct proc_target *tg)
{
	const struct cred *c;
	int i;

	if (!tg->t) {
		pbuf_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t0\t0\t0\t0\n",
			    tg->p->exit_uid, tg->p->exit_uid, tg->p->exit_uid,
			    tg->p->exit_uid);
		pbuf_puts(b, "FDSize:\t0\nGroups:\t \n");
		return;
	}
	c = &tg->t->cred;
	pbuf_printf(b, "Uid:\t%u\t%u\t%u\t%u\n", c->uid, c->euid, c->suid,
		    c->fsuid);
	pbuf_printf(b, "Gid:\t%u\t%u\t%u\t%u\n", c->gid, c->egid, c->sgid,
		    c->fsgid);
	pbuf_printf(b, "FDSize:\t%d\nGroups:\t",
		    tg->t->files ? tg->t->files->size : 0);
	for (i = 0; i < c->ngroups && c->groups; i++)
		pbuf_printf(b, "%s%u", i ? " " : "", c->groups[i]);
	pbuf_puts(b, " \n");
}

static void
proc_status_ns(struct pbuf *b, const struct proc_target *tg, int id)
{
	pbuf_printf(b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		    tg->p->pid, id, tg->p->pgid, tg->p->sid);
}

static void
proc_status_kb(struct pbuf *b, const char *name, uint64_t bytes)
{
	pbuf_printf(b, "%s:\t%8llu kB\n", name,
		    (unsigned long long)(bytes / 1024));
}

static void
proc_status_vm(struct pbuf *b, const struct proc_target *tg)
{
	struct proc_vm_stats vm;
	uint64_t hwm;

	if (!tg->t || !tg->t->mm)
		return;
	proc_target_vm(tg, &vm, &hwm);
	proc_status_kb(b, "VmPeak", vm.size);
	proc_status_kb(b, "VmSize", vm.size);
	proc_status_kb(b, "VmLck", 0);
	proc_status_kb(b, "VmPin", 0);
	proc_status_kb(b, "VmHWM", hwm);
	proc_status_kb(b, "VmRSS", vm.rss);
	proc_status_kb(b, "RssAnon", vm.rss - vm.shared);
	proc_status_kb(b, "RssFile", vm.shared);
	proc_status_kb(b, "RssShmem", 0);
	proc_status_kb(b, "VmData", vm.data);
	proc_status_kb(b, "VmStk", vm.stack);
	proc_status_kb(b, "VmExe", vm.text);
	proc_status_kb(b, "VmLib", vm.lib);
	proc_status_kb(b, "VmPTE", 0);
	proc_status_kb(b, "VmSwap", 0);
}

static unsigned int
proc_queued(const struct sigpending *sp)
{
	const struct sigqueue *q;
	unsigned int n = 0;

	list_for_each_entry(q, &sp->queue, link)
		n++;
	return n;
}

static void
proc_status_signals(struct pbuf *b, const struct proc_target *tg)
{
	const struct process *p = tg->p;
	ksigset_t ign, cgt;
	unsigned int queued = proc_queued(&p->shared_pending);

	if (tg->t)
		queued += proc_queued(&tg->t->pending);
	proc_sig_actions(p, &ign, &cgt);
	pbuf_printf(b, "Threads:\t%d\n", p->nr_threads);
	pbuf_printf(b, "SigQ:\t%u/%u\n", queued, 7823u);
	pbuf_printf(b, "SigPnd:\t%016llx\n",
		    (unsigned long long)(tg->t ? tg->t->pending.set : 0));
	pbuf_printf(b, "ShdPnd:\t%016llx\n",
		    (unsigned long long)p->shared_pending.set);
	pbuf_printf(b, "SigBlk:\t%016llx\n",
		    (unsigned long long)(tg->t ? tg->t->blocked : 0));
	pbuf_printf(b, "SigIgn:\t%016llx\nSigCgt:\t%016llx\n",
		    (unsigned long long)ign, (unsigned long long)cgt);
}

#define CAP_FULL 0x000001ffffffffffULL

static void
proc_status_caps(struct pbuf *b, const struct proc_target *tg)
{
	bool root = tg->t && cred_is_root(&tg->t->cred);
	unsigned long long caps = root ? CAP_FULL : 0;

	pbuf_printf(b, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n",
		    0ULL, caps, caps);
	pbuf_printf(b, "CapBnd:\t%016llx\nCapAmb:\t%016llx\n", CAP_FULL, 0ULL);
	pbuf_printf(b, "NoNewPrivs:\t%d\nSeccomp:\t0\nSeccomp_filters:\t0\n",
		    tg->t && tg->t->no_new_privs);
	pbuf_puts(b, "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n"
		     "Mems_allowed:\t1\nMems_allowed_list:\t0\n");
}

/* The thread's own, as Linux shows them (the leader's for /proc/PID). */
static void
proc_status_ctxt(struct pbuf *b, const struct proc_target *tg)
{
	struct rusage_acct ru = { 0 };

	if (tg->t)
		task_rusage(tg->t, &ru);
	pbuf_printf(b, "voluntary_ctxt_switches:\t%llu\n"
		       "nonvoluntary_ctxt_switches:\t%llu\n",
		    (unsigned long long)ru.nvcsw,
		    (unsigned long long)ru.nivcsw);
}

int
proc_show_status(const struct proc_inode *pi, struct pbuf *b)
{
	struct proc_target tg;
	int r, id;

	if ((r = proc_target_get(pi, &tg)) < 0)
		return r;
	id = pi->tid ? pi->tid : tg.p->pid;
	proc_status_ids(b, &tg, id);
	proc_status_creds(b, &tg);
	proc_status_ns(b, &tg, id);
	pbuf_puts(b, "Kthread:\t0\n");
	proc_status_vm(b, &tg);
	pbuf_puts(b, "CoreDumping:\t0\nTHP_enabled:\t0\n");
	proc_status_signals(b, &tg);
	proc_status_caps(b, &tg);
	proc_status_ctxt(b, &tg);
	return 0;
}
