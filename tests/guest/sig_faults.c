/*
 * Faults as a handler sees them: SIGSEGV (SEGV_MAPERR on an unmapped page,
 * SEGV_ACCERR writing a read-only one or running a non-executable one,
 * SI_KERNEL for a non-canonical address), SIGBUS past the end of a file
 * mapping (BUS_ADRERR), SIGFPE for an integer division by zero
 * (FPE_INTDIV), SIGILL for ud2 (ILL_ILLOPN) and SIGTRAP for int3
 * (SI_KERNEL): each si_code, si_addr and the saved instruction pointer.
 * A fault whose signal is blocked or ignored kills the process.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "guest.h"

extern char fpe_insn[], ud2_insn[], int3_insn[];
void do_div0(void);
void do_ud2(void);
void do_int3(void);

__asm__(".text\n"
	".globl do_div0, do_ud2, do_int3, fpe_insn, ud2_insn, int3_insn\n"
	"do_div0:\n"
	"	xorl %ecx, %ecx\n"
	"	movl $1, %eax\n"
	"	cltd\n"
	"fpe_insn:\n"
	"	idivl %ecx\n"
	"	ret\n"
	"do_ud2:\n"
	"ud2_insn:\n"
	"	ud2\n"
	"	ret\n"
	"do_int3:\n"
	"int3_insn:\n"
	"	int3\n"
	"	ret\n");

static sigjmp_buf env;
static siginfo_t got;
static uintptr_t got_rip;
static volatile int jump_back;

static void
handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	got = *si;
	got_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	if (jump_back)
		siglongjmp(env, 1);
}

static const char *
code_str(int sig, int code)
{
	if (code == SI_KERNEL)
		return "SI_KERNEL";
	switch (sig) {
	case SIGSEGV:
		return code == SEGV_MAPERR ? "SEGV_MAPERR"
		       : code == SEGV_ACCERR ? "SEGV_ACCERR"
					     : "another SIGSEGV code";
	case SIGBUS:
		return code == BUS_ADRERR ? "BUS_ADRERR" : "another SIGBUS code";
	case SIGFPE:
		return code == FPE_INTDIV ? "FPE_INTDIV" : "another SIGFPE code";
	case SIGILL:
		return code == ILL_ILLOPN ? "ILL_ILLOPN" : "another SIGILL code";
	case SIGTRAP:
		return code == TRAP_BRKPT ? "TRAP_BRKPT" : "another SIGTRAP code";
	}
	return "?";
}

/* Describe got against the address and instruction we expect. */
static void
report(const char *what, const void *addr, const void *ip)
{
	printf("%s: %s %s, si_addr %s, ip %s\n", what,
	       sigabbrev_np(got.si_signo), code_str(got.si_signo, got.si_code),
	       got.si_addr == addr ? "as expected"
	       : got.si_addr == NULL ? "NULL"
				     : "elsewhere",
	       got_rip == (uintptr_t)ip ? "as expected" : "elsewhere");
}

static void
install(void)
{
	struct sigaction sa = { .sa_sigaction = handler,
				.sa_flags = SA_SIGINFO | SA_NODEFER };
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		OK(sigaction(sigs[i], &sa, NULL));
}

#define FAULT(what, stmt, addr, ip)                                            \
	do {                                                                   \
		memset(&got, 0, sizeof(got));                                  \
		jump_back = 1;                                                 \
		if (sigsetjmp(env, 1) == 0) {                                  \
			stmt;                                                  \
			errx(1, "%s: no fault", what);                         \
		}                                                              \
		report(what, addr, ip);                                        \
	} while (0)

static void
memory_faults(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *volatile p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile char *v;
	int fd;

	if (p == MAP_FAILED)
		err(1, "mmap");
	OK(munmap(p + page, page));
	OK(mprotect(p + 2 * page, page, PROT_READ));
	v = p;
	FAULT("read of an unmapped page", (void)v[page + 5], p + page + 5,
	      (void *)got_rip);
	FAULT("write to a read-only page", v[2 * page + 9] = 1,
	      p + 2 * page + 9, (void *)got_rip);
	p[0] = (char)0xc3; /* ret */
	FAULT("call into a non-executable page", ((void (*)(void))p)(), p, p);
	FAULT("read of a non-canonical address",
	      (void)*(volatile char *)0x8000000000000000ULL, NULL,
	      (void *)got_rip);

	fd = OK(open("file", O_RDWR | O_CREAT | O_TRUNC, 0644));
	OK(write(fd, "data", 4));
	p = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		err(1, "mmap file");
	v = p;
	CHECK(v[0] == 'd' && v[4] == 0 && v[page - 1] == 0,
	      "the file's page reads as data then zeros");
	FAULT("read past the end of a file mapping", (void)v[page + 1],
	      p + page + 1, (void *)got_rip);
	OK(munmap(p, 2 * page));
	OK(close(fd));
}

static void
instruction_faults(void)
{
	FAULT("integer division by zero", do_div0(), fpe_insn, fpe_insn);
	FAULT("ud2", do_ud2(), ud2_insn, ud2_insn);
	memset(&got, 0, sizeof(got));
	jump_back = 0;
	do_int3();
	report("int3 (the handler returns)", NULL, int3_insn + 1);
}

/* The fault's signal is blocked, or ignored: the process dies of it. */
static volatile int *volatile bad = (int *)8;

static int
blocked_segv(void)
{
	sigset_t set;

	install();
	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigprocmask(SIG_BLOCK, &set, NULL);
	*bad = 1;
	return 0;
}

static int
ignored_fpe(void)
{
	signal(SIGFPE, SIG_IGN);
	do_div0();
	return 0;
}

int
main(void)
{
	tmpdir_enter();
	install();
	memory_faults();
	instruction_faults();
	printf("a fault with SIGSEGV blocked: %s\n",
	       wstatus_str(run_child(blocked_segv)));
	printf("a fault with SIGFPE ignored: %s\n",
	       wstatus_str(run_child(ignored_fpe)));
	return 0;
}
