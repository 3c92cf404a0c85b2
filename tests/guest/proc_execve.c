/*
 * execve(2) of another test program with chosen argv and envp; a failed
 * execve returns; close-on-exec fds are closed in the new image.
 */
#include "guest.h"

int
main(int argc, char **argv)
{
	char path[4200], fdarg[16];
	char *args[] = { "proc_args", "one", "two words", "", NULL };
	char *env[] = { "A=1", "B=two words", NULL };
	char *noenv[] = { NULL };
	pid_t pid;
	int st, fd;

	(void)argc;
	snprintf(path, sizeof(path), "%s/proc_args", self_dir(argv[0]));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		execve(path, args, env);
		err(127, "execve %s", path);
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "proc_args %s", wstatus_str(st));

	FAILS(execve("/nonexistent/prog", args, env), ENOENT, "execve of a missing file");
	FAILS(execve("/", args, env), EACCES, "execve of a directory");

	/* The child checks that the O_CLOEXEC fd is gone after exec. */
	fd = OK(open("/", O_RDONLY | O_CLOEXEC));
	snprintf(path, sizeof(path), "%s/proc_fdcheck", self_dir(argv[0]));
	snprintf(fdarg, sizeof(fdarg), "%d", fd);
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		char *a[] = { "proc_fdcheck", fdarg, NULL };

		execve(path, a, noenv);
		err(127, "execve %s", path);
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "proc_fdcheck %s", wstatus_str(st));
	return 0;
}
