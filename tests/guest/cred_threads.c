/*
 * Credentials belong to threads: the raw setresuid system call changes
 * only the calling thread (file access follows), while the C library's
 * seteuid changes every thread of the process, as POSIX wants.
 */
#include <grp.h>
#include <pthread.h>
#include <semaphore.h>

#include "guest.h"

static sem_t go, done;
static int step;

static void
report(const char *who)
{
	int fd = open("secret", O_RDONLY);

	printf("  %s: euid %ld, secret %s\n", who, syscall(SYS_geteuid),
	       fd >= 0 ? "readable" : strerrorname_np(errno));
	if (fd >= 0)
		close(fd);
}

static void *
other(void *arg)
{
	(void)arg;
	for (;;) {
		sem_wait(&go);
		if (step < 0)
			return NULL;
		report("other thread");
		sem_post(&done);
	}
}

static void
both(const char *what)
{
	printf("%s\n", what);
	report("main thread");
	sem_post(&go);
	sem_wait(&done);
}

static int
threads(void)
{
	pthread_t th;

	OK(sem_init(&go, 0, 0));
	OK(sem_init(&done, 0, 0));
	if (pthread_create(&th, NULL, other, NULL) != 0)
		errx(1, "pthread_create");
	both("start");
	OK(syscall(SYS_setresuid, -1, 1000, -1));
	both("raw setresuid(-1, 1000, -1) in the main thread");
	OK(syscall(SYS_setresuid, -1, 0, -1));
	both("raw setresuid(-1, 0, -1) back");
	OK(seteuid(2000));
	both("seteuid(2000) from the C library");
	OK(seteuid(0));
	both("seteuid(0)");
	step = -1;
	sem_post(&go);
	if (pthread_join(th, NULL) != 0)
		errx(1, "pthread_join");
	return 0;
}

int
main(void)
{
	int st;

	if (getuid() != 0 || geteuid() != 0) {
		printf("not root: nothing checked\n");
		return 0;
	}
	OK(setgroups(0, NULL));
	tmpdir_enter();
	OK(chmod(".", 0755));
	put_file("secret", "x\n");
	OK(chmod("secret", 0600));
	st = run_child(threads);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "threads: %s",
	      wstatus_str(st));
	return 0;
}
