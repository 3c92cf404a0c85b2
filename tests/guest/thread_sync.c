/*
 * Threads synchronising: a condition variable between a producer and
 * consumers, a barrier reused over rounds, thread-local storage with its
 * initial image, pthread_once, key destructors, a read-write lock, and
 * pthread_cancel (glibc's SIGCANCEL sent with tgkill) of a thread blocked
 * in a condition wait and of one blocked in read(2).
 */
#include <pthread.h>

#include "guest.h"

#define NCONSUMERS 3
#define NITEMS 3000
#define NROUNDS 50

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER;
static int queue[16], qhead, qlen, done;
static long consumed_sum, consumed_n;

static void *
consumer(void *arg)
{
	long mine = 0;

	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (qlen == 0 && !done)
			pthread_cond_wait(&nonempty, &lock);
		if (qlen == 0)
			break;
		consumed_sum += queue[qhead];
		qhead = (qhead + 1) % 16;
		qlen--;
		consumed_n++;
		mine++;
		pthread_cond_broadcast(&nonempty);
	}
	pthread_mutex_unlock(&lock);
	return (void *)mine;
}

static void
check_condvar(void)
{
	pthread_t t[NCONSUMERS];
	long i, total = 0;
	void *r;

	for (i = 0; i < NCONSUMERS; i++)
		pthread_create(&t[i], NULL, consumer, NULL);
	for (i = 1; i <= NITEMS; i++) {
		pthread_mutex_lock(&lock);
		while (qlen == 16)
			pthread_cond_wait(&nonempty, &lock);
		queue[(qhead + qlen) % 16] = (int)i;
		qlen++;
		pthread_cond_broadcast(&nonempty);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	done = 1;
	pthread_cond_broadcast(&nonempty);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < NCONSUMERS; i++) {
		pthread_join(t[i], &r);
		total += (long)r;
	}
	CHECK(consumed_n == NITEMS && total == NITEMS,
	      "condvar: %d items produced, all consumed once", NITEMS);
	CHECK(consumed_sum == (long)NITEMS * (NITEMS + 1) / 2,
	      "condvar: the consumed items sum right");
}

static pthread_barrier_t barrier;
static int round_seen[4][NROUNDS];
static int round_now;

static void *
barrier_worker(void *arg)
{
	long n = (long)arg;
	int i;

	for (i = 0; i < NROUNDS; i++) {
		round_seen[n][i] = __atomic_load_n(&round_now, __ATOMIC_SEQ_CST);
		if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&round_now, 1, __ATOMIC_SEQ_CST);
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

static void
check_barrier(void)
{
	pthread_t t[4];
	long i;
	int r, ok = 1;

	pthread_barrier_init(&barrier, NULL, 4);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, barrier_worker, (void *)i);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 4; i++)
		for (r = 0; r < NROUNDS; r++)
			ok &= round_seen[i][r] == r;
	CHECK(ok && round_now == NROUNDS,
	      "barrier: 4 threads stayed in step for %d rounds", NROUNDS);
}

static __thread int tls_counter = 42;
static __thread char tls_name[16] = "initial";
static int *tls_addrs[3];

static void *
tls_worker(void *arg)
{
	long n = (long)arg;
	char want[16];

	tls_addrs[n] = &tls_counter;
	if (tls_counter != 42 || strcmp(tls_name, "initial") != 0)
		return (void *)1;
	tls_counter += (int)n;
	snprintf(tls_name, sizeof(tls_name), "thread%ld", n);
	usleep(1000);
	snprintf(want, sizeof(want), "thread%ld", n);
	return (void *)(long)(tls_counter != 42 + n || strcmp(tls_name, want) != 0);
}

static void
check_tls(void)
{
	pthread_t t[2];
	void *r1, *r2;

	tls_counter = 7;
	tls_addrs[0] = &tls_counter;
	pthread_create(&t[0], NULL, tls_worker, (void *)1);
	pthread_create(&t[1], NULL, tls_worker, (void *)2);
	pthread_join(t[0], &r1);
	pthread_join(t[1], &r2);
	CHECK(!r1 && !r2, "TLS: each thread starts from the initial image");
	CHECK(tls_counter == 7 && strcmp(tls_name, "initial") == 0,
	      "TLS: the main thread's copy is its own");
	CHECK(tls_addrs[0] != tls_addrs[1] && tls_addrs[1] != tls_addrs[2] &&
		      tls_addrs[0] != tls_addrs[2],
	      "TLS: three threads, three addresses");
}

static int once_calls, destructor_calls;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t key;

static void
init_once(void)
{
	once_calls++;
}

static void
destructor(void *p)
{
	__atomic_add_fetch(&destructor_calls, (int)(long)p, __ATOMIC_SEQ_CST);
}

static void *
key_worker(void *arg)
{
	pthread_once(&once, init_once);
	pthread_setspecific(key, arg);
	return pthread_getspecific(key);
}

static void
check_once_and_keys(void)
{
	pthread_t t[4];
	long i, ok = 1;
	void *r;

	pthread_key_create(&key, destructor);
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, key_worker, (void *)(i + 1));
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		ok &= (long)r == i + 1;
	}
	CHECK(once_calls == 1, "pthread_once: ran once for 4 threads");
	CHECK(ok, "keys: each thread read back its own value");
	CHECK(destructor_calls == 1 + 2 + 3 + 4, "keys: each destructor ran at thread exit");
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_value;

static void *
rw_worker(void *arg)
{
	int i;
	long bad = 0;

	for (i = 0; i < 2000; i++) {
		if ((long)arg) {
			pthread_rwlock_wrlock(&rw);
			rw_value++;
			rw_value++;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			bad += rw_value & 1;
			pthread_rwlock_unlock(&rw);
		}
	}
	return (void *)bad;
}

static void
check_rwlock(void)
{
	pthread_t t[4];
	long i, bad = 0;
	void *r;

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, rw_worker, (void *)(i & 1));
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	CHECK(!bad && rw_value == 2 * 2 * 2000,
	      "rwlock: readers never saw a half-done write");
}

static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int pipe_fds[2];

static void
unlock(void *m)
{
	pthread_mutex_unlock(m);
}

static void *
wait_forever(void *arg)
{
	pthread_mutex_lock(&lock);
	pthread_cleanup_push(unlock, &lock);
	for (;;)
		pthread_cond_wait(&never, &lock);
	pthread_cleanup_pop(1);
	return arg;
}

static void *
read_forever(void *arg)
{
	char c;

	read(pipe_fds[0], &c, 1);
	return arg;
}

static void
check_cancel(void)
{
	pthread_t t;
	void *r;

	pthread_create(&t, NULL, wait_forever, NULL);
	usleep(20000);
	pthread_cancel(t);
	pthread_join(t, &r);
	CHECK(r == PTHREAD_CANCELED, "cancel: a thread in pthread_cond_wait was cancelled");
	CHECK(pthread_mutex_trylock(&lock) == 0, "cancel: its cleanup handler released the mutex");
	pthread_mutex_unlock(&lock);

	OK(pipe(pipe_fds));
	pthread_create(&t, NULL, read_forever, NULL);
	usleep(20000);
	pthread_cancel(t);
	pthread_join(t, &r);
	CHECK(r == PTHREAD_CANCELED, "cancel: a thread blocked in read(2) was cancelled");
}

int
main(void)
{
	check_condvar();
	check_barrier();
	check_tls();
	check_once_and_keys();
	check_rwlock();
	check_cancel();
	return 0;
}
