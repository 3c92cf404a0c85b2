/*
 * A stop is a group stop: SIGSTOP (even sent with tgkill to one thread)
 * stops every thread of the process -- one spinning in guest code, one
 * asleep in read -- and wait reports it; SIGCONT resumes them all and the
 * sleeping read carries on; SIGKILL ends a stopped process.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#include "guest.h"

struct shared {
	volatile uint64_t spins;
	volatile pid_t spinner_tid;
};

static struct shared *sh;
static int to_reader[2], from_reader[2];

static void *
spinner(void *arg)
{
	sh->spinner_tid = gettid();
	for (;;)
		sh->spins++;
	return NULL;
}

static void *
reader(void *arg)
{
	char c;

	if (read(to_reader[0], &c, 1) == 1)
		(void)!write(from_reader[1], &c, 1);
	return NULL;
}

static int
child(void)
{
	pthread_t a, b;

	if (pthread_create(&a, NULL, spinner, NULL) != 0 ||
	    pthread_create(&b, NULL, reader, NULL) != 0)
		return 1;
	for (;;)
		pause();
}

/* Does the spin count move within about 100 ms? */
static bool
spinning(void)
{
	uint64_t before = sh->spins;
	struct timespec ms = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 100; i++) {
		nanosleep(&ms, NULL);
		if (sh->spins != before)
			return true;
	}
	return false;
}

/* Wait (up to 10 s) until the count moves. */
static bool
spins_again(void)
{
	int i;

	for (i = 0; i < 100; i++)
		if (spinning())
			return true;
	return false;
}

static void
stop_and_continue(pid_t pid, const char *how)
{
	int st;

	CHECK(OK(waitpid(pid, &st, WUNTRACED)) == pid && WIFSTOPPED(st) &&
		      WSTOPSIG(st) == SIGSTOP,
	      "%s: wait reports the process stopped by SIGSTOP", how);
	CHECK(!spinning(), "%s: the spinning thread stopped too", how);
	OK(kill(pid, SIGCONT));
	CHECK(OK(waitpid(pid, &st, WCONTINUED)) == pid && WIFCONTINUED(st),
	      "%s: SIGCONT: wait reports it continued", how);
	CHECK(spins_again(), "%s: the spinning thread runs again", how);
}

int
main(void)
{
	pid_t pid;
	int st;
	char c;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		err(1, "mmap");
	OK(pipe(to_reader));
	OK(pipe(from_reader));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(child());
	CHECK(spins_again(), "the child's spinning thread runs");

	OK(kill(pid, SIGSTOP));
	stop_and_continue(pid, "kill");
	OK(syscall(SYS_tgkill, pid, sh->spinner_tid, SIGSTOP));
	stop_and_continue(pid, "tgkill to the spinning thread");

	OK(write(to_reader[1], "x", 1));
	CHECK(read(from_reader[0], &c, 1) == 1 && c == 'x',
	      "the thread asleep in read through both stops got its byte");

	OK(kill(pid, SIGSTOP));
	OK(waitpid(pid, &st, WUNTRACED));
	OK(kill(pid, SIGKILL));
	OK(waitpid(pid, &st, 0));
	printf("SIGKILL while stopped: %s\n", wstatus_str(st));
	return 0;
}
