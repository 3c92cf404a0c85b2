/*
 * Signal frames: what a guest signal handler finds on its stack, and how
 * rt_sigreturn puts everything back.
 *
 * The layout is Linux's rt_sigframe: the restorer's address (the handler's
 * return address), a ucontext (flags, link, the alternate stack, the
 * sigcontext with every general register, the saved mask) and the
 * siginfo; the extended FPU state (XSAVE layout, as the host's ptrace
 * gives it) sits above, 64-byte aligned, pointed to by sigcontext.fpstate.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "host/host.h"
#include "sigframe.h"
#include "task.h"
#include "uaccess.h"

struct k_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct k_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct k_stack uc_stack;
	struct k_sigcontext uc_mcontext;
	ksigset_t uc_sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct k_ucontext uc;
	struct ksiginfo info;
};

_Static_assert(sizeof(struct k_sigcontext) == 256, "sigcontext layout");

#define UC_FP_XSTATE 1
#define UC_SIGCONTEXT_SS 2
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define REDZONE 128
/* The flags a guest may change through sigreturn (AC OF DF TF SF ZF AF PF CF RF). */
#define EFLAGS_USER 0x50dd5
#define FP_XSTATE_MAGIC2 0x46505845U

static bool
on_altstack(const struct task *t, uint64_t sp)
{
	return t->altstack.size && sp > t->altstack.sp &&
	       sp - t->altstack.sp <= t->altstack.size;
}

static void
regs_to_sigcontext(const struct pt_regs *r, struct k_sigcontext *sc)
{
	sc->r8 = r->r8, sc->r9 = r->r9, sc->r10 = r->r10, sc->r11 = r->r11;
	sc->r12 = r->r12, sc->r13 = r->r13, sc->r14 = r->r14;
	sc->r15 = r->r15, sc->rdi = r->rdi, sc->rsi = r->rsi;
	sc->rbp = r->rbp, sc->rbx = r->rbx, sc->rdx = r->rdx;
	sc->rax = r->rax, sc->rcx = r->rcx, sc->rsp = r->rsp;
	sc->rip = r->rip, sc->eflags = r->eflags;
	sc->cs = (uint16_t)r->cs, sc->ss = (uint16_t)r->ss;
}

static void
sigcontext_to_regs(const struct k_sigcontext *sc, struct pt_regs *r)
{
	r->r8 = sc->r8, r->r9 = sc->r9, r->r10 = sc->r10, r->r11 = sc->r11;
	r->r12 = sc->r12, r->r13 = sc->r13, r->r14 = sc->r14;
	r->r15 = sc->r15, r->rdi = sc->rdi, r->rsi = sc->rsi;
	r->rbp = sc->rbp, r->rbx = sc->rbx, r->rdx = sc->rdx;
	r->rax = sc->rax, r->rcx = sc->rcx, r->rsp = sc->rsp;
	r->rip = sc->rip;
	r->eflags = (r->eflags & ~(uint64_t)EFLAGS_USER) |
		    (sc->eflags & EFLAGS_USER);
}

/* Save the extended state below sp; returns its guest address or 0. */
static uint64_t
save_xstate(struct task *t, uint64_t *sp)
{
	size_t len = host_xstate_size();
	uint32_t magic2 = FP_XSTATE_MAGIC2;
	void *buf = calloc(1, len);
	uint64_t at;
	int r;

	if (!buf)
		return 0;
	r = host_task_get_xstate(t->host, buf, &len);
	at = (*sp - len - sizeof(magic2)) & ~63ULL;
	if (r == 0 && copy_to_user(t, UADDR(at), buf, len) == 0 &&
	    copy_to_user(t, UADDR(at + len), &magic2, sizeof(magic2)) == 0)
		*sp = at;
	else
		at = 0;
	free(buf);
	return at;
}

int
sigframe_setup(struct task *t, int sig, const struct ksiginfo *info,
	       const struct k_sigaction *ka, ksigset_t saved_mask)
{
	struct pt_regs *r = host_task_regs(t->host);
	struct rt_sigframe f;
	uint64_t sp = r->rsp - REDZONE, fpstate;

	if ((ka->flags & K_SA_ONSTACK) && t->altstack.size &&
	    !on_altstack(t, r->rsp))
		sp = t->altstack.sp + t->altstack.size;
	if ((fpstate = save_xstate(t, &sp)) == 0)
		return -EFAULT;
	sp = ((sp - sizeof(f)) & ~15ULL) - 8;

	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS;
	f.uc.uc_stack.ss_sp = t->altstack.sp;
	f.uc.uc_stack.ss_size = t->altstack.size;
	f.uc.uc_stack.ss_flags = on_altstack(t, r->rsp) ? SS_ONSTACK
			       : t->altstack.size      ? 0
						       : SS_DISABLE;
	regs_to_sigcontext(r, &f.uc.uc_mcontext);
	f.uc.uc_mcontext.fpstate = fpstate;
	f.uc.uc_mcontext.oldmask = saved_mask;
	if (info->signo == 11 || info->signo == 7)
		f.uc.uc_mcontext.cr2 = info->fault.addr;
	f.uc.uc_sigmask = saved_mask;
	f.info = *info;
	if (copy_to_user(t, UADDR(sp), &f, sizeof(f)) < 0)
		return -EFAULT;

	r->rsp = sp;
	r->rip = ka->handler;
	r->rdi = (uint64_t)sig;
	r->rsi = sp + offsetof(struct rt_sigframe, info);
	r->rdx = sp + offsetof(struct rt_sigframe, uc);
	r->rax = 0;
	r->eflags &= ~(uint64_t)0x400; /* DF clear, as the ABI requires */
	return 0;
}

static int
restore_xstate(struct task *t, uint64_t at)
{
	size_t len = host_xstate_size();
	void *buf;
	int r = -EFAULT;

	if (at == 0 || (at & 63))
		return -EFAULT;
	if ((buf = malloc(len)) == NULL)
		return -ENOMEM;
	if (copy_from_user(t, buf, UADDR(at), len) == 0)
		r = host_task_set_xstate(t->host, buf, len) < 0 ? -EFAULT : 0;
	free(buf);
	return r;
}

int
sigframe_restore(struct task *t)
{
	struct pt_regs *r = host_task_regs(t->host);
	uint64_t at = r->rsp - 8;
	struct rt_sigframe f;

	if (copy_from_user(t, &f, UADDR(at), sizeof(f)) < 0)
		return -EFAULT;
	if (restore_xstate(t, f.uc.uc_mcontext.fpstate) < 0)
		return -EFAULT;
	sigcontext_to_regs(&f.uc.uc_mcontext, r);
	t->blocked = f.uc.uc_sigmask & ~SIG_KERNEL_ONLY;
	if (!(f.uc.uc_stack.ss_flags & SS_DISABLE) && !on_altstack(t, r->rsp)) {
		t->altstack.sp = f.uc.uc_stack.ss_sp;
		t->altstack.size = f.uc.uc_stack.ss_size;
	}
	return 0;
}
