/*
 * timeit: run a command N times and time each run.
 *
 *	timeit [-n N] [-l LABEL] [-1 FIRSTLABEL] [-q] [-d FD] -- CMD [ARG...]
 *
 * Each run is fork + execvp + waitpid, timed with CLOCK_MONOTONIC from
 * before the fork to after the wait, and prints "RESULT LABEL <ns>" (the
 * first run says FIRSTLABEL instead, when -1 is given).  -q sends the
 * command's stdout to /dev/null; -d FD writes the RESULT lines to file
 * descriptor FD (which the command does not inherit) instead of stdout.
 * A run that does not exit 0 prints "FAIL LABEL: ..." and ends timeit
 * with status 1.  Used on the host around a whole kernel (boot time) and
 * inside guests around shell commands.
 */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int
main(int argc, char **argv)
{
	const char *label = "timeit", *first = NULL;
	long n = 1, i;
	int opt, quiet = 0, devnull = -1, status;
	long long t0, t1;
	FILE *out = stdout;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+n:l:1:qd:")) != -1) {
		switch (opt) {
		case 'n':
			n = bench_arg("timeit", optarg);
			break;
		case 'l':
			label = optarg;
			break;
		case '1':
			first = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'd':
			out = fdopen((int)bench_arg("timeit", optarg), "w");
			if (!out)
				bench_fail("timeit", "-d %s: %s", optarg,
					   strerror(errno));
			setvbuf(out, NULL, _IOLBF, 0);
			fcntl(fileno(out), F_SETFD, FD_CLOEXEC);
			break;
		default:
			bench_fail("timeit", "usage: timeit [-n N] [-l LABEL] "
				   "[-1 FIRSTLABEL] [-q] [-d FD] -- CMD [ARG...]");
		}
	}
	if (optind >= argc)
		bench_fail("timeit", "no command");
	if (quiet) {
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (devnull < 0)
			bench_fail(first ? first : label, "/dev/null: %s",
				   strerror(errno));
	}
	for (i = 0; i < n; i++) {
		const char *l = (i == 0 && first) ? first : label;

		t0 = now_ns();
		pid = fork();
		if (pid < 0)
			bench_fail(l, "fork: %s", strerror(errno));
		if (pid == 0) {
			if (devnull >= 0 && dup2(devnull, 1) < 0)
				_exit(126);
			execvp(argv[optind], argv + optind);
			fprintf(stderr, "timeit: %s: %s\n", argv[optind],
				strerror(errno));
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid)
			bench_fail(l, "waitpid: %s", strerror(errno));
		t1 = now_ns();
		if (WIFSIGNALED(status))
			bench_fail(l, "%s: killed by signal %d", argv[optind],
				   WTERMSIG(status));
		if (WEXITSTATUS(status) != 0)
			bench_fail(l, "%s: exit status %d", argv[optind],
				   WEXITSTATUS(status));
		fprintf(out, "RESULT %s %lld\n", l, t1 - t0);
	}
	return 0;
}
