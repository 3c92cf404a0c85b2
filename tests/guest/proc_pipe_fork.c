/* A pipe between parent and child: data, EOF, EPIPE with no reader. */
#include <signal.h>

#include "guest.h"

int
main(void)
{
	char buf[64];
	int p[2], st, n, total;
	pid_t pid;

	OK(pipe(p));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		close(p[0]);
		for (n = 0; n < 100; n++)
			if (write(p[1], "0123456789", 10) != 10)
				_exit(1);
		_exit(0);
	}
	OK(close(p[1]));
	total = 0;
	while ((n = OK(read(p[0], buf, sizeof(buf)))) > 0)
		total += n;
	CHECK(total == 1000, "read 1000 bytes from the child");
	CHECK(n == 0, "read returns 0 (EOF) once the writer is gone");
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the writer %s", wstatus_str(st));
	OK(close(p[0]));

	OK(pipe(p));
	OK(close(p[0]));
	signal(SIGPIPE, SIG_IGN);
	FAILS(write(p[1], "x", 1), EPIPE, "write with no reader, SIGPIPE ignored");
	signal(SIGPIPE, SIG_DFL);
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE,
	      "write with no reader, SIGPIPE default: %s", wstatus_str(st));
	FAILS(syscall(SYS_pipe, (int *)1), EFAULT, "pipe into a bad pointer");
	return 0;
}
