/* Other pointer arguments: EFAULT from the syscalls, never a crash. */
#include <signal.h>
#include <time.h>

#include "guest.h"

int
main(void)
{
	struct sigaction sa;
	sigset_t set;
	pid_t pid;

	FAILS(syscall(SYS_pipe, (int *)1), EFAULT, "pipe into (int *)1");
	FAILS(syscall(SYS_pipe2, (int *)1, 0), EFAULT, "pipe2 into (int *)1");
	FAILS(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)1), EFAULT,
	      "clock_gettime into a bad buffer");
	FAILS(syscall(SYS_gettimeofday, (void *)1, NULL), EFAULT,
	      "gettimeofday into a bad buffer");
	FAILS(syscall(SYS_rt_sigaction, SIGUSR1, (void *)1, NULL, 8), EFAULT,
	      "rt_sigaction from a bad pointer");
	FAILS(syscall(SYS_rt_sigaction, SIGUSR1, NULL, (void *)1, 8), EFAULT,
	      "rt_sigaction into a bad pointer");
	FAILS(syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)1, NULL, 8), EFAULT,
	      "rt_sigprocmask from a bad pointer");
	fflush(stdout);
	if ((pid = OK(fork())) == 0)
		_exit(3);
	FAILS(syscall(SYS_wait4, pid, (void *)1, 0, NULL), EFAULT,
	      "wait4 with a bad status pointer");
	FAILS(waitpid(pid, NULL, 0), ECHILD, "the child was reaped all the same");
	FAILS(syscall(SYS_nanosleep, (void *)1, NULL), EFAULT, "nanosleep of a bad timespec");
	FAILS(syscall(SYS_sysinfo, (void *)1), EFAULT, "sysinfo into a bad buffer");
	memset(&sa, 0, sizeof(sa));
	OK(sigaction(SIGUSR1, NULL, &sa));
	CHECK(sa.sa_handler == SIG_DFL, "the failed calls left SIGUSR1 at SIG_DFL");
	OK(sigprocmask(SIG_BLOCK, NULL, &set));
	CHECK(!sigismember(&set, SIGUSR1), "nothing was blocked");
	return 0;
}
