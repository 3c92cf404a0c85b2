/*
 * getrusage, times and wait4's rusage: the calls, their struct layouts
 * (sane fields), and the errors.  CPU times differ from run to run;
 * time_cputime checks that they are counted.
 */
#include <stdint.h>
#include <sys/resource.h>
#include <sys/times.h>

#include "guest.h"

static int
sane(const struct rusage *ru)
{
	return ru->ru_utime.tv_sec >= 0 && ru->ru_utime.tv_usec >= 0 &&
	       ru->ru_utime.tv_usec < 1000000 && ru->ru_stime.tv_sec >= 0 &&
	       ru->ru_stime.tv_usec >= 0 && ru->ru_stime.tv_usec < 1000000;
}

static int
exit5(void)
{
	return 5;
}

int
main(void)
{
	struct rusage ru;
	struct tms tms;
	clock_t a, b;
	pid_t pid;
	int st;

	memset(&ru, 0xff, sizeof(ru));
	OK(getrusage(RUSAGE_SELF, &ru));
	CHECK(sane(&ru), "getrusage(RUSAGE_SELF) fills in sane times");
	memset(&ru, 0xff, sizeof(ru));
	OK(getrusage(RUSAGE_THREAD, &ru));
	CHECK(sane(&ru), "RUSAGE_THREAD works");
	st = run_child(exit5);
	CHECK(WEXITSTATUS(st) == 5, "a child ran");
	memset(&ru, 0xff, sizeof(ru));
	OK(getrusage(RUSAGE_CHILDREN, &ru));
	CHECK(sane(&ru), "RUSAGE_CHILDREN works");
	FAILS(getrusage(2, &ru), EINVAL, "getrusage(2)");
	FAILS(getrusage(-2, &ru), EINVAL, "getrusage(-2)");
	FAILS(syscall(SYS_getrusage, RUSAGE_SELF, (void *)1), EFAULT,
	      "getrusage into a bad pointer");
	FAILS(syscall(SYS_getrusage, 7, (void *)1), EINVAL,
	      "a bad who is checked before the pointer");

	a = times(&tms);
	CHECK(a != (clock_t)-1 && tms.tms_utime >= 0 && tms.tms_cutime >= 0,
	      "times fills struct tms");
	usleep(50000);
	b = times(NULL);
	CHECK(b - a >= 4 && b - a < 500, "its return value counts 1/100 s ticks");
	FAILS(syscall(SYS_times, (void *)1), EFAULT, "times into a bad pointer");

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(3);
	memset(&ru, 0xff, sizeof(ru));
	CHECK(OK(wait4(pid, &st, 0, &ru)) == pid && WEXITSTATUS(st) == 3 &&
		      sane(&ru),
	      "wait4 fills the child's rusage");
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(4);
	FAILS(syscall(SYS_wait4, pid, &st, 0, (void *)1), EFAULT,
	      "wait4 with a bad rusage pointer");
	FAILS(wait4(pid, &st, WNOHANG, NULL), ECHILD,
	      "the child was reaped all the same");
	return 0;
}
