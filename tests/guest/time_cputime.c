/*
 * CPU time is counted: a busy loop shows up in getrusage, times and
 * /proc/self/stat, a busy thread in RUSAGE_THREAD, and a reaped busy
 * child in RUSAGE_CHILDREN and in wait4's rusage.  Loops end at a CPU-time goal (or after 10 s
 * of wall time, which fails), so the output does not depend on speed.
 */
#include <pthread.h>
#include <sys/resource.h>
#include <sys/times.h>

#include "guest.h"

static long
ms(struct timeval tv)
{
	return (long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static long
user_ms(int who)
{
	struct rusage ru;

	OK(getrusage(who, &ru));
	return ms(ru.ru_utime);
}

/* Spin until who's user time grew by goal ms: did it? */
static int
spin(int who, long goal)
{
	long start = user_ms(who);
	time_t give_up = time(NULL) + 10;
	volatile unsigned long x = 0;

	while (user_ms(who) - start < goal && time(NULL) < give_up)
		for (int i = 0; i < 1000000; i++)
			x += (unsigned long)i;
	return user_ms(who) - start >= goal;
}

static void *
busy_thread(void *arg)
{
	*(int *)arg = spin(RUSAGE_THREAD, 100);
	return NULL;
}

static int
busy_child(void)
{
	return spin(RUSAGE_SELF, 150) ? 0 : 1;
}

static long
stat_utime_ticks(void)
{
	char buf[1024], *p;
	long ut = -1;
	FILE *f = fopen("/proc/self/stat", "r");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) != NULL)
		sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld",
		       &ut);
	fclose(f);
	return ut;
}

int
main(void)
{
	struct tms tms;
	struct rusage ru;
	pthread_t th;
	pid_t pid;
	int thread_ok = 0, st;

	CHECK(spin(RUSAGE_SELF, 200), "200 ms of busy loop show as user time");
	times(&tms);
	CHECK(tms.tms_utime >= 15, "times counts them too");
	CHECK(stat_utime_ticks() >= 15, "and /proc/self/stat");
	OK(pthread_create(&th, NULL, busy_thread, &thread_ok));
	OK(pthread_join(th, NULL));
	CHECK(thread_ok, "a busy thread's RUSAGE_THREAD grows");
	CHECK(user_ms(RUSAGE_CHILDREN) < 50, "no children's time yet");
	st = run_child(busy_child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a child's busy loop counts for the child");
	CHECK(user_ms(RUSAGE_CHILDREN) >= 140,
	      "and for the parent's RUSAGE_CHILDREN once reaped");
	fflush(stdout);
	if ((pid = OK(fork())) == 0)
		_exit(busy_child());
	OK(wait4(pid, &st, 0, &ru));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && ms(ru.ru_utime) >= 140,
	      "wait4 reports the child's user time");
	return 0;
}
