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

struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct sigaltstack_k uc_stack;
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
#define REDZONE 128
/* The flags a guest may change through sigreturn (AC OF DF TF SF ZF AF PF CF RF). */
#define EFLAGS_USER 0x50dd5
#define FP_XSTATE_MAGIC2 0x46505845U

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

/* Where the extended state goes below sp: 64-byte aligned, magic after. */
static uint64_t
xstate_place(uint64_t sp)
{
	return (sp - host_xstate_size() - sizeof(uint32_t)) & ~63ULL;
}

/* Save the extended state at guest address at: 0 or -EFAULT. */
static int
save_xstate(struct task *t, uint64_t at)
{
	size_t len = host_xstate_size();
	uint32_t magic2 = FP_XSTATE_MAGIC2;
	void *buf = calloc(1, len);
	int r = -EFAULT;

	if (!buf)
		return -EFAULT;
	if (host_task_get_xstate(t->host, buf, &len) == 0 &&
	    copy_to_user(t, UADDR(at), buf, len) == 0 &&
	    copy_to_user(t, UADDR(at + len), &magic2, sizeof(magic2)) == 0)
		r = 0;
	free(buf);
	return r;
}

/*
 * Where the frame goes: below the red zone, or at the top of the alternate
 * stack for SA_ONSTACK.  A frame that starts on the alternate stack must
 * end on it too: 0 means it would not fit.
 */
static uint64_t
frame_top(struct task *t, const struct k_sigaction *ka, uint64_t sp,
	  bool *on_alt)
{
	*on_alt = altstack_on(t, sp);
	if ((ka->flags & K_SA_ONSTACK) && t->altstack.size && !*on_alt) {
		*on_alt = true;
		return t->altstack.sp + t->altstack.size;
	}
	return sp - REDZONE;
}

int
sigframe_setup(struct task *t, int sig, const struct ksiginfo *info,
	       const struct k_sigaction *ka, ksigset_t saved_mask)
{
	struct pt_regs *r = host_task_regs(t->host);
	struct rt_sigframe f;
	bool on_alt;
	uint64_t fpstate = xstate_place(frame_top(t, ka, r->rsp, &on_alt));
	uint64_t sp = ((fpstate - sizeof(f)) & ~15ULL) - 8;

	if (on_alt && (sp <= t->altstack.sp ||
		       sp - t->altstack.sp > t->altstack.size))
		return -EFAULT;
	if (save_xstate(t, fpstate) < 0)
		return -EFAULT;

	memset(&f, 0, sizeof(f));
	f.pretcode = ka->restorer;
	f.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS;
	f.uc.uc_stack = t->altstack;
	regs_to_sigcontext(r, &f.uc.uc_mcontext);
	f.uc.uc_mcontext.fpstate = fpstate;
	f.uc.uc_mcontext.oldmask = saved_mask;
	if (info->signo == 11 || info->signo == 7)
		f.uc.uc_mcontext.cr2 = info->fault.addr;
	f.uc.uc_sigmask = saved_mask;
	f.info = *info;
	if (copy_to_user(t, UADDR(sp), &f, sizeof(f)) < 0)
		return -EFAULT;
	if (t->altstack.flags & (int32_t)K_SS_AUTODISARM)
		altstack_reset(t);

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
	/* As Linux: a stack it may not set now (EPERM, ENOMEM) stays as is. */
	altstack_set(t, &f.uc.uc_stack, r->rsp);
	return 0;
}
