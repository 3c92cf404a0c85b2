/*
 * How threads end and what exec does to them: execve from a non-main
 * thread leaves one thread with the process's pid; the main thread's
 * pthread_exit leaves the process running until its last thread exits;
 * exit_group from any thread ends every thread with that status; a fatal
 * signal in one thread kills the process; a thread may wait for a child
 * another thread forked.
 */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>

#include "guest.h"

static char *self;

static void *
sleep_forever(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static int
count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The exec'd image: argv[2] is the pid before the exec. */
static int
after_exec(const char *old_pid)
{
	CHECK(getpid() == atoi(old_pid), "after exec from a thread: the pid is the process's");
	CHECK(syscall(SYS_gettid) == getpid(), "after exec: the one thread's tid is the pid");
	CHECK(count_tasks() == 1, "after exec: /proc/self/task has one entry");
	return 0;
}

static void *
exec_self(void *arg)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", getpid());
	execl(self, self, "after-exec", pid, (char *)NULL);
	err(127, "execl");
	return arg;
}

static void
check_exec_from_thread(void)
{
	pthread_t t1, t2;
	pid_t pid;
	int st;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		pthread_create(&t1, NULL, sleep_forever, NULL);
		pthread_create(&t2, NULL, exec_self, NULL);
		for (;;)
			pause();
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec from a thread: %s", wstatus_str(st));
}

static int handoff[2];

static void *
outlive_main(void *arg)
{
	char c;

	read(handoff[0], &c, 1);
	usleep(10000);
	printf("the worker outlived the main thread\n");
	return arg;
}

static void
check_main_pthread_exit(void)
{
	pthread_t t;
	pid_t pid;
	int st;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		OK(pipe(handoff));
		pthread_create(&t, NULL, outlive_main, NULL);
		write(handoff[1], "x", 1);
		pthread_exit(NULL);
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "main thread's pthread_exit: the process ended when its last thread did: %s",
	      wstatus_str(st));
}

static void *
exit_group_now(void *arg)
{
	usleep(10000);
	exit(7);
	return arg;
}

static void *
crash(void *arg)
{
	usleep(10000);
	*(volatile int *)arg = 1;
	return arg;
}

static void
check_one_thread_ends_all(void *(*fn)(void *), const char *what, int sig, int code)
{
	pthread_t t[3];
	pid_t pid;
	int st, p[2];
	char c;

	OK(pipe(p));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		close(p[1]);
		pthread_create(&t[0], NULL, sleep_forever, NULL);
		pthread_create(&t[1], NULL, sleep_forever, NULL);
		pthread_create(&t[2], NULL, fn, NULL);
		read(p[0], &c, 1);
		_exit(99);
	}
	close(p[0]);
	OK(waitpid(pid, &st, 0));
	close(p[1]);
	if (sig)
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sig, "%s: %s", what, wstatus_str(st));
	else
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == code, "%s: %s", what, wstatus_str(st));
}

static pid_t forked;

static void *
fork_child(void *arg)
{
	fflush(stdout);
	forked = fork();
	if (forked == 0)
		_exit(5);
	return arg;
}

static void
check_wait_for_sibling_threads_child(void)
{
	pthread_t t;
	pid_t reaped;
	int st;

	pthread_create(&t, NULL, fork_child, NULL);
	pthread_join(t, NULL);
	reaped = OK(waitpid(forked, &st, 0));
	CHECK(reaped == forked && WIFEXITED(st) && WEXITSTATUS(st) == 5,
	      "the main thread reaped the child another thread forked: %s", wstatus_str(st));
}

int
main(int argc, char **argv)
{
	self = argv[0];
	if (argc == 3 && strcmp(argv[1], "after-exec") == 0)
		return after_exec(argv[2]);
	if (self[0] != '/')
		errx(1, "run me by absolute path");
	check_exec_from_thread();
	check_main_pthread_exit();
	check_one_thread_ends_all(exit_group_now, "exit from one of four threads", 0, 7);
	check_one_thread_ends_all(crash, "SIGSEGV in one of four threads", SIGSEGV, 0);
	check_wait_for_sibling_threads_child();
	return 0;
}
