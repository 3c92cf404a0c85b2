/*
 * Syscall dispatch: the table generated from arch/x86_64/syscalls.def,
 * the once-per-name log of missing syscalls, and the one place where
 * results reach the guest's registers and restart codes are resolved.
 */
#include <stdint.h>

#include "errno.h"
#include "printk.h"
#include "syscall.h"
#include "syscalls.h"
#include "task.h"

typedef long (*syscall_fn)(struct task *t, const uint64_t a[6]);

#define SYS(nr, name, note) [nr] = sys_##name,
#define PART(nr, name, note) SYS(nr, name, note)
#define NOSYS(nr, name, note)
static const syscall_fn syscall_table[] = {
#include "x86_64/syscalls.def"
};
#undef SYS
#undef PART
#undef NOSYS

#define SYS(nr, name, note) [nr] = #name,
#define PART(nr, name, note) SYS(nr, name, note)
#define NOSYS(nr, name, note) SYS(nr, name, note)
static const char *const syscall_names[] = {
#include "x86_64/syscalls.def"
};
#undef SYS
#undef PART
#undef NOSYS

#define NR_SYSCALLS_TABLE (sizeof(syscall_names) / sizeof(syscall_names[0]))
#define NR_RESTART_SYSCALL 219

static unsigned char logged[NR_SYSCALLS_TABLE + 1];

const char *
syscall_name(long nr)
{
	if (nr < 0 || (size_t)nr >= NR_SYSCALLS_TABLE || !syscall_names[nr])
		return "?";
	return syscall_names[nr];
}

static long
syscall_missing(struct task *t, long nr)
{
	size_t slot = (nr >= 0 && (size_t)nr < NR_SYSCALLS_TABLE)
			      ? (size_t)nr
			      : NR_SYSCALLS_TABLE;

	if (!logged[slot]) {
		logged[slot] = 1;
		pr_warn("%s (pid %d) needed syscall %s (%ld): not implemented",
			t->comm, t->proc->pid, syscall_name(nr), nr);
	}
	return -ENOSYS;
}

void
syscall_enter(struct task *t, struct syscall_state *sc)
{
	struct pt_regs *r = host_task_regs(t->host);
	uint64_t a[6];
	long nr = regs_syscall_nr(r);

	regs_syscall_args(r, a);
	sc->nr = nr;
	sc->active = true;
	if (nr < 0 || (size_t)nr >= NR_SYSCALLS_TABLE || !syscall_table[nr])
		sc->ret = syscall_missing(t, nr);
	else
		sc->ret = syscall_table[nr](t, a);
	if (console_loglevel > LOGLEVEL_DEBUG)
		pr_debug("%s[%d] %s(%#lx, %#lx, %#lx) = %ld", t->comm, t->tid,
			 syscall_name(nr), (long)a[0], (long)a[1], (long)a[2],
			 sc->ret);
}

void
syscall_no_result(struct task *t)
{
	t->no_syscall_result = true;
}

static bool
should_restart(long ret, const struct k_sigaction *ka)
{
	switch (ret) {
	case -ERESTARTNOINTR:
		return true;
	case -ERESTARTSYS:
		return !ka || (ka->flags & K_SA_RESTART);
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		return !ka;
	}
	return false;
}

void
syscall_set_result(struct task *t, struct syscall_state *sc,
		   const struct k_sigaction *ka)
{
	struct pt_regs *r = host_task_regs(t->host);
	long ret = sc->ret;

	if (!sc->active)
		return;
	sc->active = false;
	if (t->no_syscall_result) {
		t->no_syscall_result = false;
		return;
	}
	if (ret >= -ERESTART_RESTARTBLOCK && ret <= -ERESTARTSYS) {
		if (should_restart(ret, ka)) {
			r->rip -= SYSCALL_INSN_LEN;
			r->rax = ret == -ERESTART_RESTARTBLOCK
					 ? NR_RESTART_SYSCALL
					 : (uint64_t)sc->nr;
			return;
		}
		ret = -EINTR;
	}
	regs_set_return(r, ret);
}
