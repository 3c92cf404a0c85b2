/* A SIGSEGV handler sees the faulting address and can siglongjmp out. */
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

static sigjmp_buf env;
static void *volatile fault_addr;
static volatile int fault_code;

static void
handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(env, 1);
}

int
main(void)
{
	struct sigaction sa;
	char *p;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	OK(sigaction(SIGSEGV, &sa, NULL));

	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		err(1, "mmap");
	if (sigsetjmp(env, 1) == 0) {
		p[100] = 1;
		errx(1, "a store to a read-only page did not fault");
	}
	CHECK(fault_addr == p + 100, "si_addr is the faulting address");
	CHECK(fault_code == SEGV_ACCERR, "si_code is SEGV_ACCERR");

	OK(munmap(p, 4096));
	if (sigsetjmp(env, 1) == 0) {
		(void)*(volatile char *)(p + 8);
		errx(1, "a load from an unmapped page did not fault");
	}
	CHECK(fault_addr == p + 8, "si_addr is the unmapped address");
	CHECK(fault_code == SEGV_MAPERR, "si_code is SEGV_MAPERR");
	if (sigsetjmp(env, 1) == 0)
		(void)*(volatile char *)(p + 8);
	CHECK(1, "the handler runs again after siglongjmp");
	return 0;
}
