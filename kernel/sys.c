/*
 * Miscellaneous system calls: identity (uname, ids), process groups and
 * sessions, resource limits, system information, randomness, reboot and
 * a few per-thread settings (arch_prctl, set_tid_address, prctl).
 */
#include <string.h>

#include "errno.h"
#include "host/host.h"
#include "mm/mm.h"
#include "mm/pagecache.h"
#include "printk.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

void kernel_halt(int status);

char utsname_nodename[65] = "(none)";
char utsname_domainname[65] = "(none)";

struct utsname_k {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
		domainname[65];
};

long
sys_uname(struct task *t, const uint64_t a[6])
{
	struct utsname_k u;

	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, "Linux");
	strcpy(u.nodename, utsname_nodename);
	strcpy(u.release, "6.1.0-umk");
	strcpy(u.version, "#1 umk");
	strcpy(u.machine, "x86_64");
	strcpy(u.domainname, utsname_domainname);
	return copy_to_user(t, UADDR(a[0]), &u, sizeof(u));
}

static long
set_name(struct task *t, char *dst, uaddr_t src, uint64_t len)
{
	char buf[65];

	if (!cred_is_root(&t->cred))
		return -EPERM;
	if (len > 64)
		return -EINVAL;
	if (copy_from_user(t, buf, src, len) < 0)
		return -EFAULT;
	buf[len] = 0;
	strcpy(dst, buf);
	return 0;
}

long
sys_sethostname(struct task *t, const uint64_t a[6])
{
	return set_name(t, utsname_nodename, UADDR(a[0]), a[1]);
}

long
sys_setdomainname(struct task *t, const uint64_t a[6])
{
	return set_name(t, utsname_domainname, UADDR(a[0]), a[1]);
}

long
sys_getpid(struct task *t, const uint64_t a[6])
{
	return t->proc->pid;
}

long
sys_gettid(struct task *t, const uint64_t a[6])
{
	return t->tid;
}

long
sys_getppid(struct task *t, const uint64_t a[6])
{
	return t->proc->parent ? t->proc->parent->pid : 0;
}

long
sys_getuid(struct task *t, const uint64_t a[6])
{
	return t->cred.uid;
}

long
sys_geteuid(struct task *t, const uint64_t a[6])
{
	return t->cred.euid;
}

long
sys_getgid(struct task *t, const uint64_t a[6])
{
	return t->cred.gid;
}

long
sys_getegid(struct task *t, const uint64_t a[6])
{
	return t->cred.egid;
}

long
sys_getgroups(struct task *t, const uint64_t a[6])
{
	int size = (int)a[0];

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return t->cred.ngroups;
	if (size < t->cred.ngroups)
		return -EINVAL;
	if (copy_to_user(t, UADDR(a[1]), t->cred.groups,
			 sizeof(uint32_t) * (size_t)t->cred.ngroups) < 0)
		return -EFAULT;
	return t->cred.ngroups;
}

long
sys_getresuid(struct task *t, const uint64_t a[6])
{
	if (copy_to_user(t, UADDR(a[0]), &t->cred.uid, 4) < 0 ||
	    copy_to_user(t, UADDR(a[1]), &t->cred.euid, 4) < 0 ||
	    copy_to_user(t, UADDR(a[2]), &t->cred.suid, 4) < 0)
		return -EFAULT;
	return 0;
}

long
sys_getresgid(struct task *t, const uint64_t a[6])
{
	if (copy_to_user(t, UADDR(a[0]), &t->cred.gid, 4) < 0 ||
	    copy_to_user(t, UADDR(a[1]), &t->cred.egid, 4) < 0 ||
	    copy_to_user(t, UADDR(a[2]), &t->cred.sgid, 4) < 0)
		return -EFAULT;
	return 0;
}

long
sys_set_tid_address(struct task *t, const uint64_t a[6])
{
	t->clear_child_tid = a[0];
	return t->tid;
}

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

long
sys_arch_prctl(struct task *t, const uint64_t a[6])
{
	struct pt_regs *r = host_task_regs(t->host);

	switch (a[0]) {
	case ARCH_SET_FS:
		if (a[1] >= host_task_size())
			return -EPERM;
		r->fs_base = a[1];
		return 0;
	case ARCH_SET_GS:
		if (a[1] >= host_task_size())
			return -EPERM;
		r->gs_base = a[1];
		return 0;
	case ARCH_GET_FS:
		return copy_to_user(t, UADDR(a[1]), &r->fs_base, 8);
	case ARCH_GET_GS:
		return copy_to_user(t, UADDR(a[1]), &r->gs_base, 8);
	}
	return -EINVAL;
}

/* Process groups and sessions. */
static bool
pgrp_in_session(int pgid, int sid)
{
	struct process *p;

	list_for_each_entry(p, &all_processes, all_link)
		if (p->pgid == pgid && p->sid == sid && p->state == PROC_ALIVE)
			return true;
	return false;
}

static void
set_pgid(struct process *p, int pgid)
{
	pid_get(pgid);
	pid_free(p->pgid);
	p->pgid = pgid;
}

long
sys_setpgid(struct task *t, const uint64_t a[6])
{
	int pid = (int)a[0], pgid = (int)a[1];
	struct process *p, *self = t->proc;

	if (pgid < 0 || pid < 0)
		return -EINVAL;
	p = pid ? process_find(pid) : self;
	if (!p || (p != self && p->parent != self))
		return -ESRCH;
	if (p->sid == p->pid)
		return -EPERM; /* a session leader */
	if (p->sid != self->sid)
		return -EPERM;
	if (p != self && p->did_exec)
		return -EACCES;
	if (pgid == 0)
		pgid = p->pid;
	if (pgid != p->pid && !pgrp_in_session(pgid, self->sid))
		return -EPERM;
	set_pgid(p, pgid);
	return 0;
}

long
sys_getpgid(struct task *t, const uint64_t a[6])
{
	struct process *p = a[0] ? process_of_id((int)a[0]) : t->proc;

	return p ? p->pgid : -ESRCH;
}

long
sys_getpgrp(struct task *t, const uint64_t a[6])
{
	return t->proc->pgid;
}

long
sys_getsid(struct task *t, const uint64_t a[6])
{
	struct process *p = a[0] ? process_of_id((int)a[0]) : t->proc;

	return p ? p->sid : -ESRCH;
}

long
sys_setsid(struct task *t, const uint64_t a[6])
{
	struct process *p = t->proc, *q;

	list_for_each_entry(q, &all_processes, all_link)
		if (q->pgid == p->pid && q->state == PROC_ALIVE)
			return -EPERM;
	set_pgid(p, p->pid);
	pid_get(p->pid);
	pid_free(p->sid);
	p->sid = p->pid;
	p->tty = NULL;
	return p->sid;
}

bool
process_pgrp_orphaned(struct process *p)
{
	struct process *q;

	list_for_each_entry(q, &all_processes, all_link) {
		if (q->pgid != p->pgid || q->state != PROC_ALIVE)
			continue;
		/* A dying or init parent does not keep the group joined. */
		if (q->parent && q->parent->state == PROC_ALIVE &&
		    q->parent != init_process && q->parent->pgid != p->pgid &&
		    q->parent->sid == p->sid)
			return false;
	}
	return true;
}

/* Resource limits: what the guest sets is remembered and reported;
 * RLIMIT_NOFILE (7) bounds the fd table. */
#define RLIM_NLIMITS 16
#define RLIMIT_NOFILE_K 7
#define RLIM_INFINITY_K (~0ULL)

struct rlimit_k {
	uint64_t cur, max;
};

static struct rlimit_k default_limits[RLIM_NLIMITS] = {
	[0] = { RLIM_INFINITY_K, RLIM_INFINITY_K },  /* CPU */
	[1] = { RLIM_INFINITY_K, RLIM_INFINITY_K },  /* FSIZE */
	[2] = { RLIM_INFINITY_K, RLIM_INFINITY_K },  /* DATA */
	[3] = { 8 << 20, RLIM_INFINITY_K },	     /* STACK */
	[4] = { 0, RLIM_INFINITY_K },		     /* CORE */
	[5] = { RLIM_INFINITY_K, RLIM_INFINITY_K },  /* RSS */
	[6] = { 4096, 4096 },			     /* NPROC */
	[7] = { 1024, 1048576 },		     /* NOFILE */
	[8] = { 8 << 20, 8 << 20 },		     /* MEMLOCK */
	[9] = { RLIM_INFINITY_K, RLIM_INFINITY_K },  /* AS */
	[10] = { RLIM_INFINITY_K, RLIM_INFINITY_K }, /* LOCKS */
	[11] = { 4096, 4096 },			     /* SIGPENDING */
	[12] = { 819200, 819200 },		     /* MSGQUEUE */
	[13] = { 0, 0 },			     /* NICE */
	[14] = { 0, 0 },			     /* RTPRIO */
	[15] = { RLIM_INFINITY_K, RLIM_INFINITY_K }, /* RTTIME */
};

static struct rlimit_k *
proc_limits(struct process *p)
{
	if (!p->limits_set) {
		memcpy(p->limits, default_limits, sizeof(default_limits));
		p->limits_set = true;
	}
	return (struct rlimit_k *)p->limits;
}

uint64_t
process_rlimit(struct process *p, unsigned int res)
{
	return res < RLIM_NLIMITS ? proc_limits(p)[res].cur : RLIM_INFINITY_K;
}

static long
do_prlimit(struct task *t, int pid, unsigned int res, uaddr_t unew,
	   uaddr_t uold)
{
	struct process *p = pid ? process_of_id(pid) : t->proc;
	struct rlimit_k *lim, nl;

	if (!p)
		return -ESRCH;
	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	lim = proc_limits(p);
	if (!uaddr_is_null(unew)) {
		if (copy_from_user(t, &nl, unew, sizeof(nl)) < 0)
			return -EFAULT;
		if (nl.cur > nl.max)
			return -EINVAL;
		if (nl.max > lim[res].max && !cred_is_root(&t->cred))
			return -EPERM;
		if (res == RLIMIT_NOFILE_K && nl.max > 1048576)
			return -EPERM;
	}
	if (!uaddr_is_null(uold) &&
	    copy_to_user(t, uold, &lim[res], sizeof(lim[res])) < 0)
		return -EFAULT;
	if (!uaddr_is_null(unew)) {
		lim[res] = nl;
		if (res == RLIMIT_NOFILE_K)
			p->rlim_nofile = nl.cur;
	}
	return 0;
}

long
sys_prlimit64(struct task *t, const uint64_t a[6])
{
	return do_prlimit(t, (int)a[0], (unsigned int)a[1], UADDR(a[2]),
			  UADDR(a[3]));
}

long
sys_getrlimit(struct task *t, const uint64_t a[6])
{
	return do_prlimit(t, 0, (unsigned int)a[0], UNULL, UADDR(a[1]));
}

long
sys_setrlimit(struct task *t, const uint64_t a[6])
{
	return do_prlimit(t, 0, (unsigned int)a[0], UADDR(a[1]), UNULL);
}

long
sys_getrandom(struct task *t, const uint64_t a[6])
{
	char buf[256];
	size_t len = a[1] > 33554431 ? 33554431 : a[1], done = 0;

	if (a[2] & ~7ULL)
		return -EINVAL;
	while (done < len) {
		size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);

		host_random(buf, n);
		if (copy_to_user(t, UADDR(a[0] + done), buf, n) < 0)
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

long
sys_sched_yield(struct task *t, const uint64_t a[6])
{
	return 0;
}

long
sys_getcpu(struct task *t, const uint64_t a[6])
{
	uint32_t zero = 0;

	if (a[0] && copy_to_user(t, UADDR(a[0]), &zero, 4) < 0)
		return -EFAULT;
	if (a[1] && copy_to_user(t, UADDR(a[1]), &zero, 4) < 0)
		return -EFAULT;
	return 0;
}

struct sysinfo_k {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[4];
};

long
sys_sysinfo(struct task *t, const uint64_t a[6])
{
	struct sysinfo_k si;
	struct process *p;

	memset(&si, 0, sizeof(si));
	si.uptime = (ktime_now() - boot_time_ns) / 1000000000;
	si.totalram = mem_limit;
	si.freeram = mem_free();
	list_for_each_entry(p, &all_processes, all_link)
		si.procs++;
	si.mem_unit = 1;
	return copy_to_user(t, UADDR(a[0]), &si, sizeof(si));
}

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39

long
sys_prctl(struct task *t, const uint64_t a[6])
{
	char name[16];
	int zero = 0;

	switch (a[0]) {
	case PR_SET_NAME:
		if (strncpy_from_user(t, name, UADDR(a[1]), sizeof(name)) ==
		    -EFAULT)
			return -EFAULT;
		name[15] = 0;
		memcpy(t->comm, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user(t, UADDR(a[1]), t->comm, sizeof(t->comm));
	case PR_SET_PDEATHSIG:
		if (a[1] > 64)
			return -EINVAL;
		t->pdeath_signal = (int)a[1];
		return 0;
	case PR_GET_PDEATHSIG:
		return copy_to_user(t, UADDR(a[1]), &t->pdeath_signal, 4);
	case PR_GET_DUMPABLE:
		return 1;
	case PR_SET_DUMPABLE:
		return a[1] > 1 ? -EINVAL : 0;
	case PR_SET_NO_NEW_PRIVS:
		t->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		return t->no_new_privs;
	}
	(void)zero;
	return -EINVAL;
}

#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_CMD_RESTART 0x01234567
#define LINUX_REBOOT_CMD_HALT 0xCDEF0123
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321FEDC
#define LINUX_REBOOT_CMD_CAD_ON 0x89ABCDEF
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000

long
sys_reboot(struct task *t, const uint64_t a[6])
{
	uint32_t magic2 = (uint32_t)a[1], cmd = (uint32_t)a[2];

	if (!cred_is_root(&t->cred))
		return -EPERM;
	if ((uint32_t)a[0] != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != 672274793 && magic2 != 85072278 &&
	     magic2 != 369367448 && magic2 != 537993216))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;
	case LINUX_REBOOT_CMD_RESTART:
		pr_notice("reboot: Restarting system");
		kernel_halt(0);
		break;
	case LINUX_REBOOT_CMD_HALT:
		pr_notice("reboot: System halted");
		kernel_halt(0);
		break;
	case LINUX_REBOOT_CMD_POWER_OFF:
		pr_notice("reboot: Power down");
		kernel_halt(0);
		break;
	}
	return -EINVAL;
}

/* The robust futex list head: recorded for exit-time cleanup by futex.c. */
long
sys_set_robust_list(struct task *t, const uint64_t a[6])
{
	if (a[1] != 24) /* sizeof(struct robust_list_head) */
		return -EINVAL;
	t->robust_list = a[0];
	return 0;
}

long
sys_get_robust_list(struct task *t, const uint64_t a[6])
{
	struct task *target = a[0] ? task_find((int)a[0]) : t;
	uint64_t len = 24;

	if (!target)
		return -ESRCH;
	if (copy_to_user(t, UADDR(a[1]), &target->robust_list, 8) < 0 ||
	    copy_to_user(t, UADDR(a[2]), &len, 8) < 0)
		return -EFAULT;
	return 0;
}

/*
 * Restartable sequences need the kernel to rewrite the guest's registers
 * on preemption; libc falls back without them, so say ENOSYS quietly.
 */
long
sys_rseq(struct task *t, const uint64_t a[6])
{
	return -ENOSYS;
}
