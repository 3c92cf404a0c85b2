/*
 * The stub: the first program of every guest address space.
 *
 * vmlinux execs it (from a memfd) in a fresh host process traced by the
 * kernel.  It names itself, drops everything it inherited that could reach
 * the host (file descriptors, privileges), stops with int3 to say it is
 * ready, and then never runs on its own again: the kernel maps the guest
 * program around it and points the registers at the guest's entry.
 *
 * What remains of it in each guest process is the syscall gadget at
 * STUB_BASE, which the kernel uses to run host syscalls there, a
 * compare-and-exchange gadget for atomic updates of guest words, the
 * scratch page, and one host fd: a unix socket on which the kernel sends
 * the page-cache memfds it maps into the guest.  The guest cannot use it:
 * every guest syscall naming an fd is served by the kernel.  Freestanding:
 * no libc, raw syscalls only.
 */
#include <asm/unistd.h>
#include <linux/prctl.h>

#include "stub.h"

__asm__(".section .text.gadget,\"ax\",@progbits\n"
	".globl stub_gadget\n"
	"stub_gadget:\n"
	"	syscall\n"
	"	int3\n"
	"	.balign 16\n"
	"stub_cmpxchg_gadget:\n"
	"	lock cmpxchgl %esi, (%rdi)\n"
	"	int3\n"
	".text\n");

char stub_scratch[4096] __attribute__((section(".bss.scratch"), aligned(4096)));

static long
stub_syscall(long nr, long a0, long a1, long a2)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

void
_start(void)
{
	static const char name[] = "umk-stub";

	stub_syscall(__NR_prctl, PR_SET_NAME, (long)name, 0);
	stub_syscall(__NR_prctl, PR_SET_PDEATHSIG, 9 /* SIGKILL */, 0);
	stub_syscall(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0);
	/* Keep only STUB_SOCK_FD: the kernel passes mapped files through it. */
	stub_syscall(__NR_close_range, 0, STUB_SOCK_FD - 1, 0);
	stub_syscall(__NR_close_range, STUB_SOCK_FD + 1, ~0U, 0);
	for (;;)
		__asm__ volatile("int3");
}
