/*
 * Per-thread and per-process pending signals: tgkill to a thread that
 * blocks the signal leaves it pending there only (sigpending in each
 * thread); a process-directed signal goes to the thread that does not
 * block it; one every thread blocks is pending in all of them until one
 * takes it; a new thread and a forked child start with nothing pending.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include "guest.h"

static pid_t worker_tid;
static volatile pid_t handled_by;
static volatile int step, worker_step;
static sigset_t worker_pending;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

static void
handler(int sig)
{
	handled_by = gettid();
}

static void
wait_for(volatile int *theirs, int n)
{
	pthread_mutex_lock(&lock);
	while (*theirs < n)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
}

static void
done(volatile int *mine, int n)
{
	pthread_mutex_lock(&lock);
	*mine = n;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

/* Let the other side run to step n and wait until it has. */
static void
advance(volatile int *mine, int n, volatile int *theirs)
{
	done(mine, n);
	wait_for(theirs, n);
}

static void
set_mask(int how, int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(how, &set, NULL);
}

static void *
worker(void *arg)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	worker_tid = gettid();
	OK(sigpending(&worker_pending));
	done(&worker_step, 1);
	/* 2: the main thread sent SIGUSR1 to us: look, then unblock. */
	wait_for(&step, 2);
	OK(sigpending(&worker_pending));
	set_mask(SIG_UNBLOCK, SIGUSR1);
	done(&worker_step, 2);
	/* 3: SIGUSR2 is pending for the process; we do not block it. */
	wait_for(&step, 3);
	set_mask(SIG_UNBLOCK, SIGUSR2);
	done(&worker_step, 3);
	/* 4: SIGHUP, blocked everywhere, is pending for the process. */
	wait_for(&step, 4);
	OK(sigpending(&worker_pending));
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	CHECK(sigtimedwait(&set, NULL, &zero) == SIGHUP,
	      "the worker takes the process's SIGHUP");
	done(&worker_step, 4);
	/* 5: sleep with SIGUSR2 unblocked until the main thread is done. */
	wait_for(&step, 5);
	return NULL;
}

static int
fork_pending(void)
{
	sigset_t set;

	OK(sigpending(&set));
	return sigismember(&set, SIGTERM);
}

int
main(void)
{
	struct sigaction sa = { .sa_handler = handler };
	sigset_t set;
	pthread_t th;

	OK(sigaction(SIGUSR1, &sa, NULL));
	OK(sigaction(SIGUSR2, &sa, NULL));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	OK(sigprocmask(SIG_BLOCK, &set, NULL));

	/* SIGTERM pending for the main thread only. */
	OK(tgkill(getpid(), gettid(), SIGTERM));
	if (pthread_create(&th, NULL, worker, NULL) != 0)
		errx(1, "pthread_create");
	wait_for(&worker_step, 1);
	CHECK(!sigismember(&worker_pending, SIGTERM),
	      "a new thread does not see the main thread's pending SIGTERM");
	CHECK(!WEXITSTATUS(run_child(fork_pending)),
	      "nor does a forked child");
	OK(sigpending(&set));
	CHECK(sigismember(&set, SIGTERM), "the main thread still does");

	/* tgkill to the worker, which blocks SIGUSR1. */
	OK(tgkill(getpid(), worker_tid, SIGUSR1));
	OK(sigpending(&set));
	CHECK(!sigismember(&set, SIGUSR1),
	      "SIGUSR1 sent to the worker is not pending in the main thread");
	handled_by = 0;
	advance(&step, 2, &worker_step);
	CHECK(sigismember(&worker_pending, SIGUSR1),
	      "it is pending in the worker");
	CHECK(handled_by == worker_tid,
	      "the worker ran the handler when it unblocked it");

	/* Process-directed: only the worker does not block SIGUSR2 (soon). */
	handled_by = 0;
	OK(kill(getpid(), SIGUSR2));
	OK(sigpending(&set));
	CHECK(sigismember(&set, SIGUSR2),
	      "kill's SIGUSR2 is pending for the process while all block it");
	advance(&step, 3, &worker_step);
	CHECK(handled_by == worker_tid,
	      "the worker, unblocking it, ran the handler");
	OK(sigpending(&set));
	CHECK(!sigismember(&set, SIGUSR2), "and it is no longer pending");

	/* Blocked everywhere: pending in both, taken by one. */
	OK(kill(getpid(), SIGHUP));
	advance(&step, 4, &worker_step);
	CHECK(sigismember(&worker_pending, SIGHUP),
	      "the worker saw the process's SIGHUP pending");
	OK(sigpending(&set));
	CHECK(!sigismember(&set, SIGHUP), "once taken, the main thread does "
					  "not see it");

	/* The worker sleeps with SIGUSR2 open: a new kill wakes it there. */
	handled_by = 0;
	OK(kill(getpid(), SIGUSR2));
	while (handled_by == 0)
		sched_yield();
	CHECK(handled_by == worker_tid, "a process SIGUSR2 sent while the worker "
					"sleeps with it unblocked runs there");

	/* kill with the worker's thread id signals the whole process. */
	handled_by = 0;
	OK(kill(worker_tid, SIGUSR2));
	while (handled_by == 0)
		sched_yield();
	CHECK(handled_by == worker_tid, "kill with a thread id is taken by "
					"the thread that does not block it");
	CHECK(getpgid(worker_tid) == getpgrp() && getsid(worker_tid) == getsid(0),
	      "getpgid and getsid take a thread id");
	done(&step, 5);
	pthread_join(th, NULL);

	FAILS(tgkill(getppid(), gettid(), SIGUSR1), ESRCH,
	      "tgkill with another process's tgid");
	OK(sigpending(&set));
	CHECK(sigismember(&set, SIGTERM), "SIGTERM is still pending here");
	return 0;
}
