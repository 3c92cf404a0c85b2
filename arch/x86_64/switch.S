/*
 * Kernel stack switch.  Every guest task has its own kernel stack, so a
 * syscall handler can sleep in the middle of its work; this is the one place
 * where the CPU moves from one kernel stack to another.
 *
 * void kstack_switch(void **save_sp, void *new_sp)
 *
 * Pushes the callee-saved registers on the current stack, stores the stack
 * pointer in *save_sp, loads new_sp and pops the registers saved there.
 * A new stack is prepared by kstack_init() (kernel/sched.c) so that the
 * first switch to it "returns" into kstack_trampoline with the entry function
 * in rbx and its argument in r12.
 */
	.text
	.globl kstack_switch
	.type kstack_switch, @function
kstack_switch:
	.cfi_startproc
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.cfi_endproc
	.size kstack_switch, .-kstack_switch

	.globl kstack_trampoline
	.type kstack_trampoline, @function
kstack_trampoline:
	.cfi_startproc
	.cfi_undefined rip
	xorl %ebp, %ebp
	movq %r12, %rdi
	call *%rbx
	ud2
	.cfi_endproc
	.size kstack_trampoline, .-kstack_trampoline

	.section .note.GNU-stack,"",@progbits
