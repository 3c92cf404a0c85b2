/* Priority-inheritance and robust mutexes between threads. */
#include <pthread.h>

#include "guest.h"

static pthread_mutex_t pi, robust;
static long counter;

static void *
worker(void *arg)
{
	int i;

	for (i = 0; i < 20000; i++) {
		pthread_mutex_lock(&pi);
		counter++;
		pthread_mutex_unlock(&pi);
	}
	return arg;
}

static void *
die_holding(void *arg)
{
	pthread_mutex_lock(&robust);
	return arg; /* exits with the robust mutex held */
}

int
main(void)
{
	pthread_mutexattr_t a;
	pthread_t th[4];
	int i, r;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&pi, &a);
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	CHECK(counter == 80000, "a PI mutex kept all 80000 increments");
	CHECK(pthread_mutex_trylock(&pi) == 0, "trylock on a free PI mutex");
	pthread_mutex_unlock(&pi);

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	pthread_create(&th[0], NULL, die_holding, NULL);
	pthread_join(th[0], NULL);
	r = pthread_mutex_lock(&robust);
	CHECK(r == EOWNERDEAD, "the robust mutex reports its owner's death");
	pthread_mutex_consistent(&robust);
	pthread_mutex_unlock(&robust);
	CHECK(pthread_mutex_lock(&robust) == 0, "and works again after");
	return 0;
}
