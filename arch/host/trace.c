/*
 * The ptrace interception backend.
 *
 * Every guest thread is a host thread traced by the kernel's CPU thread
 * (the main thread of vmlinux; only it may make ptrace calls).  A guest
 * runs under PTRACE_SYSEMU, so each syscall stops it before the host runs
 * anything; the kernel serves the call and resumes it with the result in
 * rax.  Faults arrive as signal-delivery stops and are reported, never
 * delivered by the host: guest signals are the kernel's business.
 *
 * Host syscalls are run inside a guest's process by pointing its registers
 * at the stub's "syscall; int3" gadget and continuing until the int3.
 *
 * A new address space is a stub process (stub.c) started with vfork and
 * execveat from a memfd holding the embedded stub, with ASLR off so that the
 * host's vDSO sits at the same place in every guest.  Children made by
 * clone are attached automatically (PTRACE_O_TRACECLONE and friends), and
 * PTRACE_O_EXITKILL guarantees no guest outlives the kernel.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/host.h"
#include "host/host_internal.h"
#include "host/stub.h"

/* The host signal that interrupts a guest thread for the kernel. */
#define KICK_SIGNAL SIGUSR1

struct host_task {
	pid_t tid;
	pid_t tgid;
	void *owner;
	struct pt_regs regs;   /* the guest's view, valid while stopped */
	struct pt_regs loaded; /* what the host has, to skip needless writes */
	bool host_regs_stale;  /* host regs clobbered by an injected syscall */
	bool dead;
	struct host_task *hash_next;
};

static int stub_fd = -1;
/* Socket pair for passing memfds: [0] is ours, [1] every stub's fd 3. */
static int fd_sock[2] = { -1, -1 };
static uint64_t vdso_base, vdso_end;

/* tid -> host_task, for the wait loop. */
#define TASK_HASH_SIZE 1024
static struct host_task *task_hash[TASK_HASH_SIZE];

static void
hash_add(struct host_task *ht)
{
	struct host_task **b = &task_hash[ht->tid % TASK_HASH_SIZE];

	ht->hash_next = *b;
	*b = ht;
}

static void
hash_del(struct host_task *ht)
{
	struct host_task **p = &task_hash[ht->tid % TASK_HASH_SIZE];

	while (*p && *p != ht)
		p = &(*p)->hash_next;
	if (*p)
		*p = ht->hash_next;
}

static struct host_task *
hash_find(pid_t tid)
{
	struct host_task *ht = task_hash[tid % TASK_HASH_SIZE];

	while (ht && ht->tid != tid)
		ht = ht->hash_next;
	return ht;
}

static long
xptrace(int req, pid_t tid, void *addr, void *data)
{
	long r = ptrace(req, tid, addr, data);

	return r < 0 ? -errno : r;
}

static int
load_regs(struct host_task *ht)
{
	int r = (int)xptrace(PTRACE_GETREGS, ht->tid, NULL, &ht->regs);

	if (r == 0) {
		ht->loaded = ht->regs;
		ht->host_regs_stale = false;
	}
	return r;
}

/* Write back the registers the host does not have yet. */
static int
store_regs(struct host_task *ht)
{
	ht->regs.orig_rax = (uint64_t)-1;
	if (!ht->host_regs_stale) {
		struct pt_regs probe = ht->loaded;

		probe.rax = ht->regs.rax;
		probe.orig_rax = ht->regs.orig_rax;
		if (memcmp(&probe, &ht->regs, sizeof(probe)) == 0) {
			if (ht->regs.rax == ht->loaded.rax)
				return 0;
			return (int)xptrace(PTRACE_POKEUSER, ht->tid,
					    (void *)offsetof(struct pt_regs, rax),
					    (void *)ht->regs.rax);
		}
	}
	ht->loaded = ht->regs;
	ht->host_regs_stale = false;
	return (int)xptrace(PTRACE_SETREGS, ht->tid, NULL, &ht->regs);
}

/* Wait for tid's next stop or exit; retries EINTR. */
static int
wait_tid(pid_t tid, int *status)
{
	pid_t r;

	do
		r = waitpid(tid, status, __WALL);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static struct host_task *
task_new(pid_t tid, pid_t tgid, void *owner)
{
	struct host_task *ht = calloc(1, sizeof(*ht));

	if (!ht)
		return NULL;
	ht->tid = tid;
	ht->tgid = tgid;
	ht->owner = owner;
	hash_add(ht);
	return ht;
}

static int
stub_load(void)
{
	extern const char stub_blob[], stub_blob_end[];
	size_t len = (size_t)(stub_blob_end - stub_blob);
	int fd = memfd_create("umk-stub", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (write(fd, stub_blob, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	stub_fd = fd;
	return 0;
}

/* Find the host vDSO in a stub process; it is the guest's vDSO too. */
static void
find_vdso(pid_t pid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (strstr(line, "[vdso]") &&
		    sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
			vdso_base = lo;
			vdso_end = hi;
		}
	}
	fclose(f);
}

/* In the vfork child: become traced, make the layout fixed, exec the stub. */
static void
stub_child(void)
{
	static char *const argv[] = { "umk-stub", NULL };
	static char *const envp[] = { NULL };
	struct rlimit stack = { 8 << 20, 8 << 20 };
	sigset_t none;

	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* until PTRACE_O_EXITKILL is set */
	dup2(fd_sock[1], STUB_SOCK_FD); /* dup2 clears close-on-exec */
	personality(ADDR_NO_RANDOMIZE);
	setrlimit(RLIMIT_STACK, &stack);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	syscall(SYS_execveat, stub_fd, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

#define TRACE_OPTIONS                                                          \
	(PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE |     \
	 PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK)

/* Continue tid until it stops with signal sig; others are suppressed. */
static int
run_until_signal(pid_t tid, int sig)
{
	int status, r;

	for (;;) {
		if ((r = wait_tid(tid, &status)) < 0)
			return r;
		if (!WIFSTOPPED(status))
			return -ESRCH;
		if (WSTOPSIG(status) == sig && (status >> 16) == 0)
			return 0;
		if ((r = (int)xptrace(PTRACE_CONT, tid, NULL, NULL)) < 0)
			return r;
	}
}

int
host_task_spawn(void *owner, struct host_task **out)
{
	struct host_task *ht;
	pid_t pid;
	int r;

	if (stub_fd < 0 && (r = stub_load()) < 0)
		return r;
	pid = vfork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		stub_child();
	/* The exec stop (plain SIGTRAP), then the stub's "ready" int3. */
	if ((r = run_until_signal(pid, SIGTRAP)) < 0)
		goto fail;
	if ((r = (int)xptrace(PTRACE_SETOPTIONS, pid, NULL,
			      (void *)(long)TRACE_OPTIONS)) < 0)
		goto fail;
	if ((r = (int)xptrace(PTRACE_CONT, pid, NULL, NULL)) < 0 ||
	    (r = run_until_signal(pid, SIGTRAP)) < 0)
		goto fail;
	if (vdso_base == 0)
		find_vdso(pid);
	if ((ht = task_new(pid, pid, owner)) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = load_regs(ht)) < 0) {
		host_task_kill(ht);
		return r;
	}
	*out = ht;
	return 0;
fail:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, __WALL);
	return r;
}

/*
 * Run one host syscall in ht's process.  Stops other than the gadget's int3
 * (a stray kick, the clone events) are passed over.
 */
long
host_task_syscall(struct host_task *ht, long nr, uint64_t a0, uint64_t a1,
		  uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct pt_regs r = ht->regs;
	long ret;

	r.rip = STUB_SYSCALL_GADGET;
	r.rax = (uint64_t)nr;
	r.orig_rax = (uint64_t)-1;
	r.rdi = a0;
	r.rsi = a1;
	r.rdx = a2;
	r.r10 = a3;
	r.r8 = a4;
	r.r9 = a5;
	ht->host_regs_stale = true;
	if ((ret = xptrace(PTRACE_SETREGS, ht->tid, NULL, &r)) < 0 ||
	    (ret = xptrace(PTRACE_CONT, ht->tid, NULL, NULL)) < 0)
		return ret;
	if ((ret = run_until_signal(ht->tid, SIGTRAP)) < 0) {
		ht->dead = true;
		return ret;
	}
	if ((ret = xptrace(PTRACE_GETREGS, ht->tid, NULL, &r)) < 0)
		return ret;
	return (long)r.rax;
}

/*
 * Compare-and-exchange a 32-bit guest word, run by the guest process
 * itself so it is atomic against the guest's other threads.  *old gets the
 * value found.  0, or -EFAULT if the word is not writable memory.
 */
int
host_task_cmpxchg32(struct host_task *ht, uint64_t addr, uint32_t expected,
		    uint32_t new, uint32_t *old)
{
	struct pt_regs r = ht->regs;
	int status, sig;
	long e;

	r.rip = STUB_CMPXCHG_GADGET;
	r.rax = expected;
	r.rsi = new;
	r.rdi = addr;
	r.orig_rax = (uint64_t)-1;
	ht->host_regs_stale = true;
	if ((e = xptrace(PTRACE_SETREGS, ht->tid, NULL, &r)) < 0 ||
	    (e = xptrace(PTRACE_CONT, ht->tid, NULL, NULL)) < 0)
		return (int)e;
	for (;;) {
		if ((e = wait_tid(ht->tid, &status)) < 0)
			return (int)e;
		if (!WIFSTOPPED(status)) {
			ht->dead = true;
			return -ESRCH;
		}
		sig = WSTOPSIG(status);
		if ((status >> 16) == 0 && sig == SIGTRAP)
			break;
		if ((status >> 16) == 0 && (sig == SIGSEGV || sig == SIGBUS))
			return -EFAULT; /* suppressed when the task resumes */
		if ((e = xptrace(PTRACE_CONT, ht->tid, NULL, NULL)) < 0)
			return (int)e;
	}
	if ((e = xptrace(PTRACE_GETREGS, ht->tid, NULL, &r)) < 0)
		return (int)e;
	*old = (uint32_t)r.rax;
	return 0;
}

uint64_t
host_task_scratch(const struct host_task *ht)
{
	return STUB_SCRATCH;
}

int
host_task_clone(struct host_task *parent, unsigned int flags,
		uint64_t child_sp, void *owner, struct host_task **out)
{
	unsigned long cf = CLONE_PARENT | SIGCHLD;
	struct host_task *ht;
	int status, r;
	long child;

	if (flags & HOST_CLONE_THREAD)
		cf = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		     CLONE_THREAD | CLONE_SYSVSEM;
	else if (flags & HOST_CLONE_VM)
		cf |= CLONE_VM;
	child = host_task_syscall(parent, SYS_clone, cf, child_sp, 0, 0, 0, 0);
	if (child < 0)
		return (int)child;
	/* The new thread was attached for us; it stops before running. */
	if ((r = wait_tid((pid_t)child, &status)) < 0)
		return r;
	ht = task_new((pid_t)child,
		      (flags & HOST_CLONE_THREAD) ? parent->tgid : (pid_t)child,
		      owner);
	if (!ht) {
		kill((pid_t)child, SIGKILL);
		waitpid((pid_t)child, NULL, __WALL);
		return -ENOMEM;
	}
	if ((r = load_regs(ht)) < 0) {
		host_task_kill(ht);
		return r;
	}
	*out = ht;
	return 0;
}

void
host_task_release(struct host_task *ht)
{
	hash_del(ht);
	free(ht);
}

static void report(struct host_task *ht, int status);

/*
 * Kill ht's host thread group and reap ht.  Waiting for one thread of a
 * group may pass other threads' exits (and other guests' stops) first:
 * those go to their owners as usual, so no event is lost.
 */
void
host_task_kill(struct host_task *ht)
{
	struct host_task *other;
	int status;
	pid_t tid;

	if (ht->dead) {
		host_task_release(ht);
		return;
	}
	ht->owner = NULL;
	syscall(SYS_tgkill, ht->tgid, ht->tid, SIGKILL);
	for (;;) {
		do
			tid = waitpid(-1, &status, __WALL);
		while (tid < 0 && errno == EINTR);
		if (tid < 0)
			break;
		if ((other = hash_find(tid)) == ht) {
			if (!WIFSTOPPED(status))
				break;
			ptrace(PTRACE_CONT, tid, NULL, NULL);
		} else if (other) {
			report(other, status);
		}
	}
	host_task_release(ht);
}

/*
 * End one thread of a group: it runs the host's exit(2), and its exit is
 * reaped later by trace_poll() (a group leader's only when the others are
 * gone).  ht must not be used afterwards.
 */
void
host_task_exit_thread(struct host_task *ht)
{
	struct pt_regs r = ht->regs;

	if (ht->dead) {
		host_task_release(ht);
		return;
	}
	ht->owner = NULL;
	r.rip = STUB_SYSCALL_GADGET;
	r.rax = SYS_exit;
	r.orig_rax = (uint64_t)-1;
	r.rdi = 0;
	if (xptrace(PTRACE_SETREGS, ht->tid, NULL, &r) < 0 ||
	    xptrace(PTRACE_CONT, ht->tid, NULL, NULL) < 0)
		host_task_kill(ht);
}

int
host_task_tid(const struct host_task *ht)
{
	return ht->tid;
}

/* Read the host thread's /proc/TID/task/TID/NAME into buf.  0 or -errno. */
static int
read_task_proc(const struct host_task *ht, const char *name, char *buf,
	       size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", ht->tid, ht->tid,
		 name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	return 0;
}

/* The number after "key:" in a status file, or 0 without that line. */
static uint64_t
status_value(const char *buf, const char *key)
{
	size_t len = strlen(key);
	const char *p = buf;

	while (p) {
		if (strncmp(p, key, len) == 0 && p[len] == ':')
			return strtoull(p + len + 1, NULL, 10);
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return 0;
}

/* From the thread's own stat (not its group's): faults and CPU time. */
static int
read_task_stat(const struct host_task *ht, struct host_usage *u)
{
	char buf[1024], *p;
	unsigned long long minflt, majflt, ut, st;
	long hz = sysconf(_SC_CLK_TCK);
	int r;

	if (hz <= 0)
		return -EIO;
	if ((r = read_task_proc(ht, "stat", buf, sizeof(buf))) < 0)
		return r;
	/* After the ")" that ends the name: state and six fields, minflt,
	 * cminflt, majflt, cmajflt, utime and stime (clock ticks). */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %llu %*u %llu %*u %llu %llu",
		   &minflt, &majflt, &ut, &st) != 4)
		return -EIO;
	u->minflt = minflt;
	u->majflt = majflt;
	u->utime_ns = (int64_t)(ut * (1000000000ULL / (unsigned long)hz));
	u->stime_ns = (int64_t)(st * (1000000000ULL / (unsigned long)hz));
	return 0;
}

/* From its status: preemptions and its address space's resident sizes. */
static int
read_task_status(const struct host_task *ht, struct host_usage *u)
{
	char buf[4096];
	int r;

	if ((r = read_task_proc(ht, "status", buf, sizeof(buf))) < 0)
		return r;
	u->nivcsw = status_value(buf, "nonvoluntary_ctxt_switches");
	u->rss_kib = status_value(buf, "VmRSS");
	u->hwm_kib = status_value(buf, "VmHWM");
	u->anon_kib = status_value(buf, "RssAnon");
	return 0;
}

int
host_task_usage(const struct host_task *ht, struct host_usage *u)
{
	int r;

	memset(u, 0, sizeof(*u));
	if ((r = read_task_stat(ht, u)) < 0 ||
	    (r = read_task_status(ht, u)) < 0)
		memset(u, 0, sizeof(*u));
	return r;
}

struct pt_regs *
host_task_regs(struct host_task *ht)
{
	return &ht->regs;
}

int
host_task_resume(struct host_task *ht)
{
	long r = store_regs(ht);

	if (r == 0)
		r = xptrace(PTRACE_SYSEMU, ht->tid, NULL, NULL);
	return (int)r;
}

void
host_task_kick(struct host_task *ht)
{
	syscall(SYS_tgkill, ht->tgid, ht->tid, KICK_SIGNAL);
}

size_t
host_xstate_size(void)
{
	unsigned int eax, ebx, ecx, edx;

	__asm__("cpuid"
		: "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
		: "a"(0xd), "c"(0));
	return ebx;
}

int
host_task_get_xstate(struct host_task *ht, void *buf, size_t *len)
{
	struct iovec iov = { buf, *len };
	long r = xptrace(PTRACE_GETREGSET, ht->tid, (void *)NT_X86_XSTATE,
			 &iov);

	if (r == 0)
		*len = iov.iov_len;
	return (int)r;
}

int
host_task_set_xstate(struct host_task *ht, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };

	return (int)xptrace(PTRACE_SETREGSET, ht->tid, (void *)NT_X86_XSTATE,
			    &iov);
}

uint64_t
host_task_size(void)
{
	return STUB_BASE;
}

uint64_t
host_vdso_base(void)
{
	return vdso_base;
}

size_t
host_vdso_size(void)
{
	return vdso_end - vdso_base;
}

/* Turn a wait status of a known task into a trap for the core. */
static void
report(struct host_task *ht, int status)
{
	struct host_trap trap = { 0 };
	siginfo_t si;
	int sig;

	if (!ht->owner) {
		/* Detached (exiting): reap it, or let it run to its exit. */
		if (WIFSTOPPED(status))
			ptrace(PTRACE_CONT, ht->tid, NULL, NULL);
		else
			host_task_release(ht);
		return;
	}
	if (!WIFSTOPPED(status)) {
		ht->dead = true;
		trap.kind = HOST_TRAP_EXIT;
		trap.status = status;
		host_trap_arrived(ht->owner, &trap);
		return;
	}
	if (load_regs(ht) < 0)
		return;
	sig = WSTOPSIG(status);
	if (sig == (SIGTRAP | 0x80)) {
		trap.kind = HOST_TRAP_SYSCALL;
	} else if ((status >> 16) == 0 &&
		   (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE ||
		    sig == SIGILL || sig == SIGTRAP)) {
		trap.kind = HOST_TRAP_FAULT;
		trap.signo = sig;
		if (xptrace(PTRACE_GETSIGINFO, ht->tid, NULL, &si) == 0) {
			trap.code = si.si_code;
			trap.addr = (uint64_t)si.si_addr;
		}
	} else {
		/* A kick, or a host signal the guest must not see. */
		trap.kind = HOST_TRAP_KICK;
	}
	host_trap_arrived(ht->owner, &trap);
}

/* Collect every pending stop without blocking.  Returns how many. */
int
trace_poll(void)
{
	struct host_task *ht;
	int status, n = 0;
	pid_t tid;

	while ((tid = waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
		n++;
		if ((ht = hash_find(tid)) != NULL)
			report(ht, status);
		else if (WIFSTOPPED(status))
			ptrace(PTRACE_CONT, tid, NULL, NULL);
	}
	return n;
}

int
trace_init(void)
{
	int r = stub_load();

	if (r < 0)
		return r;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fd_sock) < 0)
		return -errno;
	return 0;
}

/* Send fd on our end of the socket; the stub side receives it. */
static int
send_fd(int fd)
{
	char byte = 0, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(cbuf, 0, sizeof(cbuf));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(fd_sock[0], &msg, 0) < 0 ? -errno : 0;
}

/* The guest-side recvmsg arguments, laid out in the stub's scratch page. */
struct recv_area {
	struct msghdr msg;
	struct iovec iov;
	char byte;
	char pad[7];
	char cbuf[CMSG_SPACE(sizeof(int))];
};

/* Receive the fd just sent into ht's process: its number there. */
static long
recv_fd_in(struct host_task *ht)
{
	uint64_t base = STUB_SCRATCH;
	struct recv_area a;
	struct cmsghdr *c;
	long r;
	int fd;

	memset(&a, 0, sizeof(a));
	a.iov.iov_base = (void *)(base + offsetof(struct recv_area, byte));
	a.iov.iov_len = 1;
	a.msg.msg_iov = (struct iovec *)(base + offsetof(struct recv_area, iov));
	a.msg.msg_iovlen = 1;
	a.msg.msg_control = (void *)(base + offsetof(struct recv_area, cbuf));
	a.msg.msg_controllen = sizeof(a.cbuf);
	if (process_vm_writev(ht->tid, &(struct iovec){ &a, sizeof(a) }, 1,
			      &(struct iovec){ (void *)base, sizeof(a) }, 1,
			      0) != (ssize_t)sizeof(a))
		return -EFAULT;
	r = host_task_syscall(ht, SYS_recvmsg, STUB_SOCK_FD, base, MSG_CMSG_CLOEXEC,
			      0, 0, 0);
	if (r < 0)
		return r;
	if (process_vm_readv(ht->tid, &(struct iovec){ &a, sizeof(a) }, 1,
			     &(struct iovec){ (void *)base, sizeof(a) }, 1,
			     0) != (ssize_t)sizeof(a))
		return -EFAULT;
	a.msg.msg_control = a.cbuf; /* CMSG macros read through it */
	c = CMSG_FIRSTHDR(&a.msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -EIO;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

/* A send the guest never received must not reach the next receiver. */
static void
drain_fd_sock(void)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };

	while (recvmsg(fd_sock[1], &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) >= 0) {
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		int fd;

		if (c && c->cmsg_type == SCM_RIGHTS) {
			memcpy(&fd, CMSG_DATA(c), sizeof(fd));
			close(fd);
		}
		msg.msg_controllen = sizeof(cbuf);
	}
}

long
host_task_mmap_fd(struct host_task *ht, uint64_t addr, uint64_t len,
		  int prot, int flags, int fd, uint64_t off)
{
	long gfd, r;

	if ((r = send_fd(fd)) < 0)
		return r;
	if ((gfd = recv_fd_in(ht)) < 0) {
		drain_fd_sock();
		return gfd;
	}
	r = host_task_syscall(ht, SYS_mmap, addr, len, (uint64_t)prot,
			      (uint64_t)flags | MAP_FIXED, (uint64_t)gfd, off);
	host_task_syscall(ht, SYS_close, (uint64_t)gfd, 0, 0, 0, 0, 0);
	return r;
}

/* Kill and reap every guest thread: the kernel is going away. */
void
trace_shutdown(void)
{
	int i;

	for (i = 0; i < TASK_HASH_SIZE; i++)
		while (task_hash[i])
			host_task_kill(task_hash[i]);
}
