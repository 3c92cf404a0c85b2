/*
 * Running off the end of the stack: a SIGSEGV handler on an alternate
 * stack catches it (SEGV_MAPERR or SEGV_ACCERR, si_addr just below the
 * stack); without one the handler cannot run and the process dies of
 * SIGSEGV.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>

#include "guest.h"

static sigjmp_buf env;
static volatile uintptr_t fault_addr, low_sp;
static volatile int fault_code;

static void
on_segv(int sig, siginfo_t *si, void *ctx)
{
	char here;
	stack_t ss;

	fault_addr = (uintptr_t)si->si_addr;
	fault_code = si->si_code;
	sigaltstack(NULL, &ss);
	if (ss.ss_flags != SS_ONSTACK || (uintptr_t)&here < (uintptr_t)ss.ss_sp)
		_exit(3);
	siglongjmp(env, 1);
}

static volatile int forever = 1;

static int
recurse(int n)
{
	volatile char pad[4096];

	pad[0] = (char)n;
	low_sp = (uintptr_t)pad;
	return forever ? recurse(n + 1) + pad[0] : 0;
}

static void
limit_stack(void)
{
	struct rlimit rl = { 1 << 20, 1 << 20 };

	OK(setrlimit(RLIMIT_STACK, &rl));
}

static int
with_altstack(void)
{
	static char alt[64 * 1024];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO | SA_ONSTACK };

	limit_stack();
	OK(sigaltstack(&ss, NULL));
	OK(sigaction(SIGSEGV, &sa, NULL));
	if (sigsetjmp(env, 1) == 0) {
		recurse(0);
		return 1;
	}
	printf("caught on the alternate stack: %s, si_addr %s\n",
	       fault_code == SEGV_MAPERR   ? "SEGV_MAPERR"
	       : fault_code == SEGV_ACCERR ? "SEGV_ACCERR"
					   : "another code",
	       fault_addr < low_sp && low_sp - fault_addr < 64 * 1024
		       ? "just below the deepest frame"
		       : "elsewhere");
	return 0;
}

static int
without_altstack(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO };

	limit_stack();
	OK(sigaction(SIGSEGV, &sa, NULL));
	recurse(0);
	return 1;
}

int
main(void)
{
	int st;

	st = run_child(with_altstack);
	printf("with an alternate stack: %s\n", wstatus_str(st));
	st = run_child(without_altstack);
	printf("with a handler but no alternate stack: %s\n", wstatus_str(st));
	return 0;
}
