/* nanosleep sleeps at least as long as asked; bad arguments fail. */
#include <time.h>

#include "guest.h"

static long
elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

int
main(void)
{
	struct timespec a, b, req = { 0, 50 * 1000000 };

	OK(clock_gettime(CLOCK_MONOTONIC, &a));
	OK(nanosleep(&req, NULL));
	OK(clock_gettime(CLOCK_MONOTONIC, &b));
	CHECK(elapsed_ms(&a, &b) >= 50, "nanosleep 50 ms slept at least 50 ms");
	CHECK(elapsed_ms(&a, &b) < 5000, "and less than 5 s");
	req = (struct timespec){ 0, 0 };
	OK(nanosleep(&req, NULL));
	CHECK(1, "nanosleep of 0 returns at once");
	req = (struct timespec){ 0, 1000000000 };
	FAILS(nanosleep(&req, NULL), EINVAL, "nanosleep with tv_nsec 1e9");
	req = (struct timespec){ -1, 0 };
	FAILS(nanosleep(&req, NULL), EINVAL, "nanosleep with a negative time");
	FAILS(syscall(SYS_nanosleep, (void *)1, NULL), EFAULT,
	      "nanosleep with a bad pointer");
	return 0;
}
