/*
 * Guest registers: the x86_64 Linux user register set, laid out exactly as
 * the host's struct user_regs_struct so the ptrace backend can fill it with
 * one PTRACE_GETREGS.  The syscall ABI (number in orig_rax, arguments in
 * rdi rsi rdx r10 r8 r9, result in rax) is spelled out here once.
 */
#ifndef X86_64_REGS_H
#define X86_64_REGS_H

#include <stdint.h>

struct pt_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10;
	uint64_t r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax;
	uint64_t rip, cs, eflags, rsp, ss;
	uint64_t fs_base, gs_base;
	uint64_t ds, es, fs, gs;
};

static inline void
regs_syscall_args(const struct pt_regs *r, uint64_t a[6])
{
	a[0] = r->rdi;
	a[1] = r->rsi;
	a[2] = r->rdx;
	a[3] = r->r10;
	a[4] = r->r8;
	a[5] = r->r9;
}

static inline long
regs_syscall_nr(const struct pt_regs *r)
{
	return (long)r->orig_rax;
}

static inline void
regs_set_return(struct pt_regs *r, long val)
{
	r->rax = (uint64_t)val;
}

/* Length of the syscall instruction: rewinding rip by this restarts it. */
#define SYSCALL_INSN_LEN 2

#endif
