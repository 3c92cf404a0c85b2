/* clock_gettime: CLOCK_MONOTONIC never goes back; the other clocks are sane. */
#include <time.h>

#include "guest.h"

int
main(void)
{
	struct timespec a, b, res;
	int i, back = 0, moved = 0;

	OK(clock_gettime(CLOCK_MONOTONIC, &a));
	for (i = 0; i < 1000; i++) {
		OK(clock_gettime(CLOCK_MONOTONIC, &b));
		if (b.tv_sec < a.tv_sec ||
		    (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec))
			back = 1;
		if (b.tv_sec != a.tv_sec || b.tv_nsec != a.tv_nsec)
			moved = 1;
		a = b;
	}
	CHECK(!back, "CLOCK_MONOTONIC never went backwards in 1000 reads");
	OK(clock_gettime(CLOCK_MONOTONIC, &b));
	usleep(10000);
	OK(clock_gettime(CLOCK_MONOTONIC, &a));
	CHECK(moved || a.tv_sec > b.tv_sec || a.tv_nsec > b.tv_nsec,
	      "CLOCK_MONOTONIC advances");
	CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000, "tv_nsec is in range");
	OK(clock_gettime(CLOCK_REALTIME, &a));
	CHECK(a.tv_sec > 1577836800, "CLOCK_REALTIME is after 2020");
	OK(clock_gettime(CLOCK_BOOTTIME, &a));
	CHECK(a.tv_sec >= 0, "CLOCK_BOOTTIME works");
	OK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a));
	CHECK(a.tv_sec >= 0, "CLOCK_PROCESS_CPUTIME_ID works");
	OK(clock_getres(CLOCK_MONOTONIC, &res));
	CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000,
	      "CLOCK_MONOTONIC resolution is at most 10 ms");
	FAILS(syscall(SYS_clock_gettime, 12345, &a), EINVAL,
	      "clock_gettime of an unknown clock");
	return 0;
}
