/*
 * getppid: the cost of one trivial system call.
 *
 *	getppid MAXCALLS MAXMS REPS
 *
 * Each of REPS samples calls getppid(2) (the raw syscall, no libc caching)
 * in batches of 1000 until MAXCALLS calls or MAXMS milliseconds have gone
 * by, whichever comes first, and prints "RESULT getppid <ns per call>".
 * The clock is read once per batch, so it adds little to the figure.
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

int
main(int argc, char **argv)
{
	long maxcalls, maxms, reps, calls, i;
	long long t0, t1, limit;
	pid_t want;

	if (argc != 4)
		bench_fail("getppid", "usage: getppid MAXCALLS MAXMS REPS");
	maxcalls = bench_arg("getppid", argv[1]);
	maxms = bench_arg("getppid", argv[2]);
	reps = bench_arg("getppid", argv[3]);
	want = getppid();
	for (; reps > 0; reps--) {
		calls = 0;
		t0 = now_ns();
		limit = t0 + maxms * 1000000LL;
		t1 = t0;
		while (calls < maxcalls && t1 < limit) {
			for (i = 0; i < 1000; i++)
				if (syscall(SYS_getppid) != want)
					bench_fail("getppid", "getppid changed");
			calls += 1000;
			t1 = now_ns();
		}
		printf("RESULT getppid %.2f\n", (double)(t1 - t0) / calls);
	}
	return 0;
}
