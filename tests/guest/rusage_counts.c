/*
 * struct rusage beyond CPU time: the peak resident set (ru_maxrss) and the
 * minor faults of touched memory for the process, a thread, a waited-for
 * child (RUSAGE_CHILDREN and wait4) and across exec; voluntary context
 * switches across a sleep and a blocking read; and the same figures in
 * /proc/self/stat and status.  Checks use thresholds below what touching
 * the memory must give (one fault per 4 KiB page), so the output does not
 * depend on the machine.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "guest.h"

#define MIB (1024L * 1024)
#define KIB(bytes) ((bytes) / 1024)
#define FAULTS(bytes) ((bytes) / 4096 * 95 / 100)

static struct rusage
usage(int who)
{
	struct rusage ru;

	OK(getrusage(who, &ru));
	return ru;
}

/* Map and touch len bytes of fresh anonymous memory, in small pages. */
static void
touch(long len)
{
	char *p = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		err(1, "mmap");
	madvise(p, (size_t)len, MADV_NOHUGEPAGE);
	for (long i = 0; i < len; i += 4096)
		p[i] = 1;
}

static int
touch_32m(void)
{
	touch(32 * MIB);
	return 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000 };

	nanosleep(&ts, NULL);
}

/* The program again, after a child touched memory and exec'd it. */
static int
after_exec(void)
{
	struct rusage ru = usage(RUSAGE_SELF);

	CHECK(ru.ru_maxrss >= KIB(32 * MIB),
	      "maxrss survives exec (the old program's peak)");
	CHECK(ru.ru_minflt >= FAULTS(32 * MIB), "and so do the faults");
	return 0;
}

static void
children(void)
{
	struct rusage ru = usage(RUSAGE_CHILDREN);
	pid_t pid;
	int st;

	CHECK(ru.ru_maxrss == 0 && ru.ru_minflt == 0, "no children yet");
	CHECK(run_child(touch_32m) == 0, "a child touched 32 MiB");
	ru = usage(RUSAGE_CHILDREN);
	CHECK(ru.ru_maxrss >= KIB(32 * MIB),
	      "RUSAGE_CHILDREN: its maxrss once waited for");
	CHECK(ru.ru_minflt >= FAULTS(32 * MIB), "and its faults");
	fflush(stdout);
	if ((pid = OK(fork())) == 0)
		_exit(touch_32m());
	OK(wait4(pid, &st, 0, &ru));
	CHECK(ru.ru_maxrss >= KIB(32 * MIB) &&
		      ru.ru_minflt >= FAULTS(32 * MIB),
	      "wait4: the child's maxrss and faults");
	CHECK(usage(RUSAGE_CHILDREN).ru_minflt >= 2 * FAULTS(32 * MIB),
	      "RUSAGE_CHILDREN adds up faults");
	if ((pid = OK(fork())) == 0) {
		touch(32 * MIB);
		execl("/proc/self/exe", "rusage_counts", "after-exec", NULL);
		_exit(127);
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the exec'd child: %s",
	      wstatus_str(st));
}

static void
self(void)
{
	struct rusage a = usage(RUSAGE_SELF), b;

	touch(64 * MIB);
	b = usage(RUSAGE_SELF);
	CHECK(b.ru_maxrss >= KIB(64 * MIB), "after touching 64 MiB: maxrss");
	CHECK(b.ru_minflt - a.ru_minflt >= FAULTS(64 * MIB), "and minflt");
	CHECK(usage(RUSAGE_THREAD).ru_maxrss >= KIB(64 * MIB),
	      "RUSAGE_THREAD's maxrss is the process's");
}

/* Field n (1-based, after the name) of /proc/self/stat. */
static long
stat_field(const char *buf, int n)
{
	const char *p = strrchr(buf, ')') + 2;

	for (int i = 3; i < n; i++)
		p = strchr(p, ' ') + 1;
	return atol(p);
}

/* The kB figure of a /proc/self/status line. */
static long
status_kb(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? atol(p + strlen(key) + 1) : -1;
}

static void
read_file(const char *path, char *buf, size_t size)
{
	int fd = OK(open(path, O_RDONLY));
	ssize_t n = OK(read(fd, buf, size - 1));

	buf[n] = 0;
	close(fd);
}

static void
proc_agrees(void)
{
	char stat[1024], status[4096];
	struct rusage a, b, c;
	long hwm, rss;

	a = usage(RUSAGE_SELF);
	read_file("/proc/self/stat", stat, sizeof(stat));
	read_file("/proc/self/status", status, sizeof(status));
	b = usage(RUSAGE_SELF);
	c = usage(RUSAGE_CHILDREN);
	CHECK(a.ru_minflt <= stat_field(stat, 10) &&
		      stat_field(stat, 10) <= b.ru_minflt,
	      "/proc/self/stat minflt is getrusage's");
	CHECK(stat_field(stat, 11) == c.ru_minflt,
	      "cminflt is RUSAGE_CHILDREN's");
	CHECK(a.ru_majflt <= stat_field(stat, 12) &&
		      stat_field(stat, 12) <= b.ru_majflt &&
		      stat_field(stat, 13) == c.ru_majflt,
	      "majflt and cmajflt too");
	hwm = status_kb(status, "VmHWM:");
	rss = status_kb(status, "VmRSS:");
	/* Linux sums its resident counters approximately: 1 MiB of slack. */
	CHECK(hwm > a.ru_maxrss - 1024 && hwm < b.ru_maxrss + 1024,
	      "/proc/self/status VmHWM is getrusage's maxrss");
	CHECK(rss >= KIB(64 * MIB) && rss <= hwm,
	      "VmRSS holds the touched memory, below VmHWM");
	CHECK(stat_field(stat, 24) * 4 >= KIB(64 * MIB),
	      "and so does stat's rss");
}

static void *
thread_main(void *arg)
{
	struct rusage a = usage(RUSAGE_THREAD), b;

	touch(16 * MIB);
	sleep_ms(10);
	b = usage(RUSAGE_THREAD);
	*(int *)arg = b.ru_minflt - a.ru_minflt >= FAULTS(16 * MIB) &&
		      b.ru_nvcsw > a.ru_nvcsw;
	return NULL;
}

static void
thread(void)
{
	struct rusage a = usage(RUSAGE_THREAD), s = usage(RUSAGE_SELF), b;
	pthread_t th;
	int ok = 0;

	OK(pthread_create(&th, NULL, thread_main, &ok));
	OK(pthread_join(th, NULL));
	CHECK(ok, "RUSAGE_THREAD: a thread's own faults and sleeps");
	b = usage(RUSAGE_THREAD);
	CHECK(b.ru_minflt - a.ru_minflt < FAULTS(16 * MIB),
	      "which are not the main thread's");
	CHECK(usage(RUSAGE_SELF).ru_minflt - s.ru_minflt >= FAULTS(16 * MIB),
	      "but stay the process's after the thread exits");
}

static void
switches(void)
{
	struct rusage a = usage(RUSAGE_SELF), b;
	int p[2];
	char c;

	sleep_ms(10);
	b = usage(RUSAGE_SELF);
	CHECK(b.ru_nvcsw > a.ru_nvcsw, "a sleep is a voluntary switch");
	OK(pipe(p));
	fflush(stdout);
	if (OK(fork()) == 0) {
		sleep_ms(50);
		_exit(write(p[1], "x", 1) != 1);
	}
	a = usage(RUSAGE_THREAD);
	OK(read(p[0], &c, 1));
	b = usage(RUSAGE_THREAD);
	CHECK(b.ru_nvcsw > a.ru_nvcsw, "so is a blocking read");
	OK(wait(NULL));
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "after-exec") == 0)
		return after_exec();
	children();
	self();
	proc_agrees();
	thread();
	switches();
	return 0;
}
