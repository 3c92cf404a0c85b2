/*
 * forkexec: fork, exec a program, wait for it.
 *
 *	forkexec PROG MAXITER MAXMS REPS [LABEL]
 *
 * Each of REPS samples runs PROG (no arguments, stdout untouched) with
 * fork + execv + waitpid until MAXITER runs or MAXMS milliseconds, and
 * prints "RESULT LABEL <ns per run>" (LABEL defaults to forkexec).  PROG
 * must exit 0 every time.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int
main(int argc, char **argv)
{
	long maxiter, maxms, reps, iters;
	long long t0, t1, limit;
	const char *label = "forkexec";
	char *prog;
	int status;
	pid_t pid;

	if (argc != 5 && argc != 6)
		bench_fail(label,
			   "usage: forkexec PROG MAXITER MAXMS REPS [LABEL]");
	if (argc == 6)
		label = argv[5];
	prog = argv[1];
	maxiter = bench_arg(label, argv[2]);
	maxms = bench_arg(label, argv[3]);
	reps = bench_arg(label, argv[4]);
	for (; reps > 0; reps--) {
		iters = 0;
		t0 = now_ns();
		limit = t0 + maxms * 1000000LL;
		t1 = t0;
		while (iters < maxiter && t1 < limit) {
			pid = fork();
			if (pid < 0)
				bench_fail(label, "fork: %s", strerror(errno));
			if (pid == 0) {
				char *args[] = { prog, NULL };

				execv(prog, args);
				_exit(127);
			}
			if (waitpid(pid, &status, 0) != pid)
				bench_fail(label, "waitpid: %s", strerror(errno));
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
				bench_fail(label, "%s: wait status %#x", prog,
					   status);
			iters++;
			t1 = now_ns();
		}
		printf("RESULT %s %.0f\n", label, (double)(t1 - t0) / iters);
	}
	return 0;
}
