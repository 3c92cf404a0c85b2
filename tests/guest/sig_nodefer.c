/*
 * What a handler runs with: its own signal blocked unless SA_NODEFER,
 * sa_mask added, the old mask back after it returns; SA_RESETHAND; and the
 * sa_flags bits rt_sigaction keeps (unknown ones are dropped, so a program
 * can tell what the kernel supports).
 */
#include <signal.h>

#include "guest.h"

static volatile int depth, max_depth, runs;
static sigset_t seen_mask;

static void
handler(int sig)
{
	runs++;
	if (++depth > max_depth)
		max_depth = depth;
	sigprocmask(SIG_BLOCK, NULL, &seen_mask);
	if (runs == 1)
		raise(sig); /* nested now with SA_NODEFER, after return without */
	depth--;
}

static void
install(int sig, int flags, int masked)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	OK(sigaction(sig, &sa, NULL));
}

static void
run(const char *what, int flags)
{
	sigset_t after;

	runs = depth = max_depth = 0;
	install(SIGUSR1, flags, SIGUSR2);
	OK(raise(SIGUSR1));
	OK(sigprocmask(SIG_BLOCK, NULL, &after));
	printf("%s: %d runs, %s; in the handler SIGUSR1 %s, SIGUSR2 %s; "
	       "after it neither is blocked: %s\n",
	       what, runs, max_depth > 1 ? "nested" : "one after the other",
	       sigismember(&seen_mask, SIGUSR1) ? "blocked" : "not blocked",
	       sigismember(&seen_mask, SIGUSR2) ? "blocked" : "not blocked",
	       !sigismember(&after, SIGUSR1) && !sigismember(&after, SIGUSR2)
		       ? "yes"
		       : "no");
}

struct k_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

#define K_SA_RESTORER 0x04000000UL
#define SA_UNSUPPORTED 0x00000400UL
#define SA_EXPOSE_TAGBITS 0x00000800UL

/* The raw flags rt_sigaction keeps of what we give it. */
static void
check_flags(void)
{
	struct k_sigaction ka = { .handler = SIG_IGN }, old;
	unsigned long every = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO |
			      SA_ONSTACK | SA_RESTART | SA_NODEFER |
			      SA_RESETHAND;

	ka.flags = every | SA_UNSUPPORTED | 0x00100000UL;
	OK(syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 8));
	OK(syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8));
	CHECK(old.flags == every, "every known flag reads back, unknown "
				  "ones (SA_UNSUPPORTED) are dropped");
	ka.flags = K_SA_RESTORER | SA_EXPOSE_TAGBITS;
	OK(syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 8));
	OK(syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8));
	printf("SA_RESTORER %s, SA_EXPOSE_TAGBITS %s\n",
	       old.flags & K_SA_RESTORER ? "kept" : "dropped",
	       old.flags & SA_EXPOSE_TAGBITS ? "kept" : "dropped");
	ka.mask = ~0UL;
	OK(syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 8));
	OK(syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8));
	CHECK(old.mask == (~0UL & ~((1UL << (SIGKILL - 1)) |
				    (1UL << (SIGSTOP - 1)))),
	      "sa_mask keeps every signal but SIGKILL and SIGSTOP");
	FAILS(syscall(SYS_rt_sigaction, SIGUSR2, &ka, NULL, 4), EINVAL,
	      "a sigset size of 4");
	signal(SIGUSR2, SIG_DFL);
}

static int
resethand_twice(void)
{
	runs = 1; /* no raise in the handler */
	install(SIGUSR1, SA_RESETHAND, 0);
	raise(SIGUSR1);
	printf("SA_RESETHAND: the handler ran once, with SIGUSR1 %s\n",
	       sigismember(&seen_mask, SIGUSR1) ? "blocked" : "not blocked");
	fflush(stdout);
	raise(SIGUSR1);
	return 0;
}

int
main(void)
{
	int st;

	run("no flags", 0);
	run("SA_NODEFER", SA_NODEFER);
	st = run_child(resethand_twice);
	printf("then: %s\n", wstatus_str(st));
	check_flags();
	return 0;
}
