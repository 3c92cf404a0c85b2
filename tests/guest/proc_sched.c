/*
 * Scheduling policies and affinity: the sched_* calls' answers and
 * argument checks, what root may set (real-time policies, reset-on-fork
 * and its effect on a child) and what an unprivileged process may not
 * (real-time priorities, leaving SCHED_IDLE, another user's process),
 * sched_setattr/getattr, and affinity masks, which must name a real CPU.
 */
#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>

#include "guest.h"

struct attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
};

static const char *
policy_name(int p)
{
	static char buf[48];
	const char *n = (p & ~SCHED_RESET_ON_FORK) == SCHED_OTHER ? "OTHER"
		      : (p & ~SCHED_RESET_ON_FORK) == SCHED_FIFO  ? "FIFO"
		      : (p & ~SCHED_RESET_ON_FORK) == SCHED_RR	  ? "RR"
		      : (p & ~SCHED_RESET_ON_FORK) == SCHED_BATCH ? "BATCH"
		      : (p & ~SCHED_RESET_ON_FORK) == SCHED_IDLE  ? "IDLE"
								  : "?";

	snprintf(buf, sizeof(buf), "%s%s", n,
		 (p & SCHED_RESET_ON_FORK) ? "|RESET_ON_FORK" : "");
	return buf;
}

static int
set(int policy, int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	return sched_setscheduler(0, policy, &sp);
}

static void
check_queries(void)
{
	struct sched_param sp = { 0 };
	pid_t gone;
	int st;

	CHECK(sched_getscheduler(0) == SCHED_OTHER, "a process starts SCHED_OTHER");
	OK(sched_getparam(0, &sp));
	CHECK(sp.sched_priority == 0, "with priority 0");
	printf("FIFO %d-%d, RR %d-%d, OTHER %d-%d, BATCH %d-%d, IDLE %d-%d\n",
	       sched_get_priority_min(SCHED_FIFO), sched_get_priority_max(SCHED_FIFO),
	       sched_get_priority_min(SCHED_RR), sched_get_priority_max(SCHED_RR),
	       sched_get_priority_min(SCHED_OTHER), sched_get_priority_max(SCHED_OTHER),
	       sched_get_priority_min(SCHED_BATCH), sched_get_priority_max(SCHED_BATCH),
	       sched_get_priority_min(SCHED_IDLE), sched_get_priority_max(SCHED_IDLE));
	FAILS(sched_get_priority_max(77), EINVAL, "priority range of an unknown policy");
	FAILS(set(SCHED_OTHER, 1), EINVAL, "SCHED_OTHER with priority 1");
	FAILS(set(SCHED_FIFO, 0), EINVAL, "SCHED_FIFO with priority 0");
	FAILS(set(SCHED_FIFO, 100), EINVAL, "SCHED_FIFO with priority 100");
	FAILS(set(4, 0), EINVAL, "policy 4");
	FAILS(sched_setscheduler(0, SCHED_OTHER, NULL), EINVAL, "no parameters");
	FAILS(sched_getscheduler(-1), EINVAL, "a negative pid");
	fflush(stdout);
	gone = OK(fork());
	if (gone == 0)
		_exit(0);
	OK(waitpid(gone, &st, 0));
	FAILS(sched_getscheduler(gone), ESRCH, "a reaped pid");
}

static int
child_sees_reset(void)
{
	printf("child after reset-on-fork: %s, nice %d\n",
	       policy_name(sched_getscheduler(0)), getpriority(PRIO_PROCESS, 0));
	return 0;
}

/* As root, in a child so the host's own policy is never touched for long. */
static int
root_policies(void)
{
	struct sched_param sp = { 0 };
	struct timespec ts;

	CHECK(set(SCHED_FIFO, 10) == 0, "root: SCHED_FIFO 10");
	OK(sched_getparam(0, &sp));
	printf("now %s, priority %d\n", policy_name(sched_getscheduler(0)), sp.sched_priority);
	OK(sched_rr_get_interval(0, &ts));
	CHECK(ts.tv_sec == 0 && ts.tv_nsec == 0, "FIFO has no time slice");
	OK(setpriority(PRIO_PROCESS, 0, -5));
	CHECK(set(SCHED_RR | SCHED_RESET_ON_FORK, 5) == 0, "root: SCHED_RR 5 with reset-on-fork");
	printf("now %s\n", policy_name(sched_getscheduler(0)));
	OK(sched_rr_get_interval(0, &ts));
	CHECK(ts.tv_sec == 0 && ts.tv_nsec > 0, "RR has a time slice");
	run_child(child_sees_reset);
	CHECK(set(SCHED_OTHER, 0) == 0, "root: back to SCHED_OTHER");
	return 0;
}

static int
unprivileged_policies(void)
{
	struct attr at = { 0 };

	OK(setuid(65534));
	CHECK(set(SCHED_BATCH, 0) == 0, "user: SCHED_BATCH");
	FAILS(set(SCHED_FIFO, 1), EPERM, "user: SCHED_FIFO 1");
	CHECK(set(SCHED_IDLE, 0) == 0, "user: SCHED_IDLE");
	FAILS(set(SCHED_OTHER, 0), EPERM, "user: leaving SCHED_IDLE");
	at.size = sizeof(at);
	at.policy = SCHED_IDLE;
	FAILS(syscall(SYS_sched_setattr, 1, &at, 0), EPERM, "user: sched_setattr on root's init");
	return 0;
}

static void
check_attr(void)
{
	struct attr at = { 0 };

	OK(syscall(SYS_sched_getattr, 0, &at, sizeof(at), 0));
	printf("getattr: size %u policy %s nice %d priority %u\n", at.size,
	       policy_name((int)at.policy), at.nice, at.priority);
	FAILS(syscall(SYS_sched_getattr, 0, &at, 8, 0), EINVAL, "getattr with a small size");
	FAILS(syscall(SYS_sched_getattr, 0, &at, sizeof(at), 1), EINVAL, "getattr with flags");
	at = (struct attr){ .size = sizeof(at), .policy = SCHED_BATCH, .nice = 3 };
	OK(syscall(SYS_sched_setattr, 0, &at, 0));
	printf("after setattr BATCH nice 3: %s, getpriority %d\n",
	       policy_name(sched_getscheduler(0)), getpriority(PRIO_PROCESS, 0));
	at = (struct attr){ .size = 4 };
	FAILS(syscall(SYS_sched_setattr, 0, &at, 0), E2BIG, "setattr with size 4");
	printf("setattr wrote back size %u\n", at.size);
	at = (struct attr){ .size = sizeof(at), .policy = SCHED_OTHER, .flags = 1u << 20 };
	FAILS(syscall(SYS_sched_setattr, 0, &at, 0), EINVAL, "setattr with an unknown flag");
	at = (struct attr){ .size = sizeof(at), .policy = SCHED_OTHER };
	OK(syscall(SYS_sched_setattr, 0, &at, 0));
}

static void
check_affinity(void)
{
	cpu_set_t set, none;

	CHECK(syscall(SYS_sched_getaffinity, 0, sizeof(set), &set) > 0,
	      "getaffinity returns the mask's size");
	CHECK(CPU_ISSET(0, &set), "CPU 0 is allowed");
	CHECK(sched_setaffinity(0, sizeof(set), &set) == 0, "setting the same mask");
	CPU_ZERO(&none);
	FAILS(sched_setaffinity(0, sizeof(none), &none), EINVAL, "an empty mask");
	CPU_SET(1000, &none);
	FAILS(sched_setaffinity(0, sizeof(none), &none), EINVAL, "a mask of a CPU that does not exist");
	FAILS(syscall(SYS_sched_getaffinity, 0, 4, &set), EINVAL, "getaffinity with 4 bytes");
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	CHECK(sched_setaffinity(0, sizeof(set), &set) == 0, "pinning to CPU 0");
}

int
main(void)
{
	int st;

	if (getuid() != 0)
		errx(1, "run me as root");
	check_queries();
	st = run_child(root_policies);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "root policies: %s", wstatus_str(st));
	st = run_child(unprivileged_policies);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "user policies: %s", wstatus_str(st));
	check_attr();
	check_affinity();
	return 0;
}
