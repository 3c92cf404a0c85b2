/*
 * Threads: pthread_create/join with results, a mutex-protected counter
 * shared by four threads, distinct tids in one process.
 */
#include <pthread.h>

#include "guest.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static pid_t tids[4];

static void *
worker(void *arg)
{
	long i, n = (long)arg;

	tids[n] = (pid_t)syscall(SYS_gettid);
	for (i = 0; i < 10000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return (void *)(n * 10);
}

int
main(void)
{
	pthread_t t[4];
	void *ret;
	long i, sum = 0;
	int distinct = 1, j;

	for (i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
			errx(1, "pthread_create failed");
	for (i = 0; i < 4; i++) {
		if (pthread_join(t[i], &ret) != 0)
			errx(1, "pthread_join failed");
		sum += (long)ret;
	}
	CHECK(sum == 60, "the threads returned 0, 10, 20 and 30");
	CHECK(counter == 40000, "the mutex kept all 40000 increments");
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			if (i != j && tids[i] == tids[j])
				distinct = 0;
	CHECK(distinct, "each thread had its own tid");
	for (i = 0; i < 4; i++)
		if (tids[i] == getpid())
			distinct = 0;
	CHECK(distinct, "no thread's tid is the process's pid");
	return 0;
}
