/*
 * POSIX timers: timer_create with SIGEV_SIGNAL, SIGEV_NONE,
 * SIGEV_THREAD_ID and glibc's SIGEV_THREAD; SI_TIMER siginfo with the
 * timer id, value and overrun count; timer_gettime/settime/getoverrun/
 * delete; ids per process; timers gone in a forked child and after
 * execve; and the errors.
 */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "guest.h"

#define MS 1000000L

static long
ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000L + ts->tv_nsec;
}

static struct itimerspec
its(long value_ns, long interval_ns)
{
	struct itimerspec v = {
		{ interval_ns / 1000000000, interval_ns % 1000000000 },
		{ value_ns / 1000000000, value_ns % 1000000000 },
	};
	return v;
}

/* The kernel's timer id: glibc hands it out as timer_t for SIGEV_SIGNAL. */
static int
kid(timer_t t)
{
	return (int)(intptr_t)t;
}

static timer_t
make(clockid_t clock, int notify, int signo, int value)
{
	struct sigevent sev;
	timer_t t;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = notify;
	sev.sigev_signo = signo;
	sev.sigev_value.sival_int = value;
	if (notify == SIGEV_THREAD_ID)
		sev._sigev_un._tid = gettid();
	OK(timer_create(clock, &sev, &t));
	return t;
}

static void
one_shot(sigset_t *usr1)
{
	timer_t t = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 55);
	struct itimerspec v = its(20 * MS, 0), cur;
	siginfo_t si;

	CHECK(kid(t) == 0, "the first timer of a process has id 0");
	OK(timer_gettime(t, &cur));
	CHECK(ts_ns(&cur.it_value) == 0, "a new timer is disarmed");
	OK(timer_settime(t, 0, &v, NULL));
	OK(timer_gettime(t, &cur));
	CHECK(ts_ns(&cur.it_value) > 0 && ts_ns(&cur.it_value) <= 20 * MS,
	      "armed: up to 20 ms left");
	CHECK(OK(sigwaitinfo(usr1, &si)) == SIGUSR1 && si.si_code == SI_TIMER,
	      "it expires with SIGUSR1, si_code SI_TIMER");
	CHECK(si.si_value.sival_int == 55 && si.si_overrun == 0 &&
		      si.si_timerid == kid(t),
	      "si_value 55, si_overrun 0, si_timerid is the id");
	OK(timer_gettime(t, &cur));
	CHECK(ts_ns(&cur.it_value) == 0, "then it is disarmed");
	OK(timer_delete(t));
}

static void
periodic(sigset_t *usr1)
{
	timer_t t = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 1);
	struct itimerspec v = its(10 * MS, 10 * MS), old;
	siginfo_t si;

	CHECK(kid(t) == 1, "the next timer gets id 1");
	OK(timer_settime(t, 0, &v, NULL));
	usleep(100000);
	OK(sigwaitinfo(usr1, &si));
	CHECK(si.si_overrun >= 4 && si.si_overrun <= 12,
	      "expirations while the signal was pending count as overruns");
	CHECK(timer_getoverrun(t) == si.si_overrun,
	      "timer_getoverrun reports the delivered signal's overrun");
	v = its(0, 0);
	OK(timer_settime(t, 0, &v, &old));
	CHECK(ts_ns(&old.it_interval) == 10 * MS,
	      "settime returns the old interval");
	OK(timer_gettime(t, &old));
	CHECK(ts_ns(&old.it_value) == 0 && ts_ns(&old.it_interval) == 0,
	      "a zero value disarms it and clears the interval");
	CHECK(timer_getoverrun(t) == 0, "and resets the overrun count");
	OK(timer_delete(t));
}

static void
kinds(sigset_t *usr1)
{
	timer_t t = make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0);
	struct itimerspec v = its(1000 * MS, 0), cur;
	struct timespec now;
	siginfo_t si;

	OK(timer_settime(t, 0, &v, NULL));
	OK(timer_gettime(t, &cur));
	CHECK(ts_ns(&cur.it_value) > 900 * MS, "SIGEV_NONE: it just runs");
	OK(timer_delete(t));

	t = make(CLOCK_REALTIME, SIGEV_THREAD_ID, SIGUSR1, 9);
	OK(clock_gettime(CLOCK_REALTIME, &now));
	v = its(ts_ns(&now) + 20 * MS, 0);
	OK(timer_settime(t, TIMER_ABSTIME, &v, NULL));
	CHECK(OK(sigwaitinfo(usr1, &si)) == SIGUSR1 && si.si_value.sival_int == 9,
	      "an absolute CLOCK_REALTIME timer signals our thread");
	OK(timer_delete(t));

	t = make(CLOCK_BOOTTIME, SIGEV_SIGNAL, SIGUSR1, 10);
	v = its(5 * MS, 0);
	OK(timer_settime(t, 0, &v, NULL));
	CHECK(OK(sigwaitinfo(usr1, &si)) == SIGUSR1 && si.si_value.sival_int == 10,
	      "a CLOCK_BOOTTIME timer");
	OK(timer_delete(t));

	t = make(CLOCK_PROCESS_CPUTIME_ID, SIGEV_NONE, 0, 0);
	OK(timer_settime(t, 0, &v, NULL));
	CHECK(1, "a CLOCK_PROCESS_CPUTIME_ID timer can be set");
	OK(timer_delete(t));
	t = make(CLOCK_THREAD_CPUTIME_ID, SIGEV_NONE, 0, 0);
	OK(timer_settime(t, 0, &v, NULL));
	CHECK(1, "so can a CLOCK_THREAD_CPUTIME_ID one");
	OK(timer_delete(t));
}

static sem_t fired;

static void
notify(union sigval v)
{
	if (v.sival_int == 77)
		sem_post(&fired);
}

static void
thread_notify(void)
{
	struct sigevent sev;
	struct itimerspec v = its(10 * MS, 0);
	timer_t t;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = notify;
	sev.sigev_value.sival_int = 77;
	OK(sem_init(&fired, 0, 0));
	OK(timer_create(CLOCK_MONOTONIC, &sev, &t));
	OK(timer_settime(t, 0, &v, NULL));
	OK(sem_wait(&fired));
	CHECK(1, "SIGEV_THREAD: the function ran in a new thread");
	OK(timer_delete(t));
}

static void
errors(void)
{
	struct sigevent sev;
	struct itimerspec v = its(10 * MS, 0);
	timer_t t;
	int id = -1;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	FAILS(timer_create(99, &sev, &t), EINVAL, "timer_create on clock 99");
	FAILS(timer_create(CLOCK_MONOTONIC_RAW, &sev, &t), EOPNOTSUPP,
	      "timer_create on CLOCK_MONOTONIC_RAW");
	FAILS(syscall(SYS_timer_create, CLOCK_MONOTONIC, (void *)1, &id), EFAULT,
	      "timer_create with a bad sigevent pointer");
	sev.sigev_notify = 99;
	FAILS(syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id), EINVAL,
	      "sigev_notify 99");
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = 0;
	FAILS(syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id), EINVAL,
	      "SIGEV_SIGNAL with signal 0");
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev._sigev_un._tid = 1;
	FAILS(syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id), EINVAL,
	      "SIGEV_THREAD_ID naming a thread of another process");
	sev.sigev_notify = SIGEV_SIGNAL;
	FAILS(syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, (void *)1),
	      EFAULT, "timer_create with a bad id pointer");
	OK(syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &id));
	CHECK(id == 11, "failed creations used up ids too: the next is 11");
	FAILS(syscall(SYS_timer_settime, id, 0, NULL, NULL), EINVAL,
	      "timer_settime without a value");
	FAILS(syscall(SYS_timer_settime, id, 0, (void *)1, NULL), EFAULT,
	      "timer_settime from a bad pointer");
	v.it_value.tv_nsec = 1000000000;
	FAILS(syscall(SYS_timer_settime, id, 0, &v, NULL), EINVAL,
	      "timer_settime with tv_nsec 1e9");
	v.it_value.tv_nsec = 0;
	FAILS(syscall(SYS_timer_settime, 1000, 0, &v, NULL), EINVAL,
	      "timer_settime of an unknown id");
	FAILS(syscall(SYS_timer_gettime, id, (void *)1), EFAULT,
	      "timer_gettime into a bad pointer");
	FAILS(syscall(SYS_timer_gettime, 1000, &v), EINVAL,
	      "timer_gettime of an unknown id");
	FAILS(syscall(SYS_timer_getoverrun, 1000), EINVAL,
	      "timer_getoverrun of an unknown id");
	OK(syscall(SYS_timer_delete, id));
	FAILS(syscall(SYS_timer_delete, id), EINVAL, "deleting a timer twice");
}

static int
child_has_no_timer(void)
{
	struct itimerspec v;

	return syscall(SYS_timer_gettime, 0, &v) == -1 && errno == EINVAL ? 0
									   : 1;
}

static void
inheritance(const char *argv0)
{
	char *args[] = { (char *)argv0, "check", NULL };
	struct itimerspec v = its(5000 * MS, 0);
	int id, st;
	pid_t pid;

	OK(syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &id));
	OK(syscall(SYS_timer_settime, id, 0, &v, NULL));
	st = run_child(child_has_no_timer);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a forked child has no timers");
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		OK(syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &id));
		execv(argv0, args);
		_exit(127);
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "execve deletes the timers");
	OK(syscall(SYS_timer_delete, id));
}

int
main(int argc, char **argv)
{
	sigset_t usr1;

	if (argc > 1)
		return child_has_no_timer();
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	OK(sigprocmask(SIG_BLOCK, &usr1, NULL));
	one_shot(&usr1);
	periodic(&usr1);
	kinds(&usr1);
	errors();
	thread_notify();
	inheritance(argv[0]);
	return 0;
}
