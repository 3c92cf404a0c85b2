/*
 * sigaltstack and SA_ONSTACK: a handler runs on the alternate stack only
 * when asked, sees SS_ONSTACK there and may not change the stack; the
 * argument checks; SS_DISABLE; SS_AUTODISARM; and a frame that would not
 * fit in what is left of the alternate stack kills with SIGSEGV instead of
 * writing below it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "guest.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif
#define AUTODISARM ((int)SS_AUTODISARM)

#define ALT_SIZE (64 * 1024)

static char *region; /* three alternate stacks' worth, the middle one used */
static char *alt;
static volatile uintptr_t handler_sp;
static volatile int handler_flags, handler_eperm, frame_flags;
static volatile uintptr_t frame_sp;
static volatile size_t frame_size;

static void
handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	stack_t now, other = { .ss_sp = region, .ss_size = ALT_SIZE };
	char local;

	handler_sp = (uintptr_t)&local;
	sigaltstack(NULL, &now);
	handler_flags = now.ss_flags;
	handler_eperm = sigaltstack(&other, NULL) == -1 && errno == EPERM;
	frame_flags = uc->uc_stack.ss_flags;
	frame_sp = (uintptr_t)uc->uc_stack.ss_sp;
	frame_size = uc->uc_stack.ss_size;
}

static bool
on_alt(uintptr_t sp)
{
	return sp > (uintptr_t)alt && sp <= (uintptr_t)alt + ALT_SIZE;
}

static void
install(int flags)
{
	struct sigaction sa = { .sa_sigaction = handler,
				.sa_flags = SA_SIGINFO | flags };

	OK(sigaction(SIGUSR1, &sa, NULL));
}

static void
run_and_report(const char *what)
{
	stack_t after;

	handler_sp = 0;
	OK(raise(SIGUSR1));
	printf("%s: handler %s the alternate stack, sigaltstack there says "
	       "%s, changing it %s\n",
	       what, on_alt(handler_sp) ? "ran on" : "did not run on",
	       handler_flags == SS_ONSTACK	? "SS_ONSTACK"
	       : handler_flags == SS_DISABLE ? "SS_DISABLE"
	       : handler_flags == 0	     ? "0"
					     : "something else",
	       handler_eperm ? "fails with EPERM" : "does not fail with EPERM");
	OK(sigaltstack(NULL, &after));
	printf("%s: the frame's uc_stack has flags %#x, size %zu\n", what,
	       frame_flags, frame_size);
	printf("%s: after sigreturn the stack is %s\n", what,
	       after.ss_flags == SS_DISABLE ? "disabled"
	       : after.ss_sp == alt	    ? "the alternate stack"
					    : "another one");
}

static void
check_args(void)
{
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE }, old;

	ss.ss_size = 2047; /* the kernel's MINSIGSTKSZ is 2048 */
	FAILS(sigaltstack(&ss, NULL), ENOMEM, "a stack below 2048 bytes");
	ss.ss_size = ALT_SIZE;
	ss.ss_flags = 4;
	FAILS(sigaltstack(&ss, NULL), EINVAL, "an unknown flag");
	ss.ss_flags = SS_ONSTACK;
	CHECK(sigaltstack(&ss, NULL) == 0, "SS_ONSTACK as the new flag is taken as 0");
	OK(sigaltstack(NULL, &old));
	CHECK(old.ss_flags == 0 && old.ss_sp == alt && old.ss_size == ALT_SIZE,
	      "and reads back as the stack with flags 0");
	FAILS(syscall(SYS_sigaltstack, (void *)8, NULL), EFAULT,
	      "a bad new stack pointer");
}

static void
check_autodisarm(void)
{
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE,
		       .ss_flags = SS_AUTODISARM }, old;

	OK(sigaltstack(&ss, NULL));
	OK(sigaltstack(NULL, &old));
	CHECK(old.ss_flags == AUTODISARM, "SS_AUTODISARM reads back");
	install(SA_ONSTACK);
	OK(raise(SIGUSR1));
	CHECK(on_alt(handler_sp), "with SS_AUTODISARM the handler runs on the alternate stack");
	CHECK(handler_flags == SS_DISABLE,
	      "and sigaltstack in it says SS_DISABLE");
	CHECK(!handler_eperm, "so it may set another stack there");
	CHECK(frame_flags == AUTODISARM && frame_sp == (uintptr_t)alt &&
		      frame_size == ALT_SIZE,
	      "the frame's uc_stack holds the disarmed stack");
	OK(sigaltstack(NULL, &old));
	CHECK(old.ss_sp == alt && old.ss_flags == AUTODISARM,
	      "sigreturn put the disarmed stack back");
	ss.ss_flags = 0;
	OK(sigaltstack(&ss, NULL));
}

static void *
thread_query(void *arg)
{
	stack_t *ss = arg;

	sigaltstack(NULL, ss);
	return NULL;
}

static int
fork_query(void)
{
	stack_t ss;

	OK(sigaltstack(NULL, &ss));
	return ss.ss_sp == alt && ss.ss_size == ALT_SIZE && ss.ss_flags == 0;
}

/* fork copies the alternate stack; a new thread starts without one. */
static void
check_inherit(void)
{
	pthread_t th;
	stack_t ss;
	int st;

	st = run_child(fork_query);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1,
	      "a forked child has the same alternate stack");
	ss.ss_flags = 0;
	if (pthread_create(&th, NULL, thread_query, &ss) != 0 ||
	    pthread_join(th, NULL) != 0)
		errx(1, "pthread");
	CHECK(ss.ss_flags == SS_DISABLE && ss.ss_size == 0,
	      "a new thread has none");
}

static volatile int depth;

static void
recurse(int sig)
{
	depth++;
	raise(sig);
}

/* Nested SA_NODEFER handlers on the alternate stack until it is full. */
static int
overflow_child(void)
{
	struct sigaction sa = { .sa_handler = recurse,
				.sa_flags = SA_ONSTACK | SA_NODEFER };
	stack_t ss = { .ss_sp = alt, .ss_size = 32 * 1024 };

	memset(region, 0x5a, 3 * ALT_SIZE);
	OK(sigaltstack(&ss, NULL));
	OK(sigaction(SIGUSR1, &sa, NULL));
	raise(SIGUSR1);
	return 0;
}

int
main(void)
{
	stack_t ss, old;
	int st;

	region = mmap(NULL, 3 * ALT_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		err(1, "mmap");
	alt = region + ALT_SIZE;

	OK(sigaltstack(NULL, &old));
	CHECK(old.ss_flags == SS_DISABLE, "no alternate stack at first: SS_DISABLE");
	install(SA_ONSTACK);
	run_and_report("SA_ONSTACK without a stack");

	check_args();
	ss = (stack_t){ .ss_sp = alt, .ss_size = ALT_SIZE };
	OK(sigaltstack(&ss, NULL));
	install(SA_ONSTACK);
	run_and_report("SA_ONSTACK");
	CHECK(frame_flags == 0 && frame_sp == (uintptr_t)alt &&
		      frame_size == ALT_SIZE,
	      "the frame's uc_stack is the alternate stack, flags 0");
	check_inherit();
	install(0);
	run_and_report("no SA_ONSTACK");

	ss.ss_flags = SS_DISABLE;
	OK(sigaltstack(&ss, NULL));
	OK(sigaltstack(NULL, &old));
	CHECK(old.ss_flags == SS_DISABLE, "SS_DISABLE reads back");
	install(SA_ONSTACK);
	run_and_report("SA_ONSTACK after SS_DISABLE");

	check_autodisarm();

	st = run_child(overflow_child);
	printf("nested handlers overflowing the alternate stack: %s\n",
	       wstatus_str(st));
	return 0;
}
