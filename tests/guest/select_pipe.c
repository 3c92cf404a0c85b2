/* select(2) on a pipe: timeout, readability, the timeout is updated. */
#include <sys/select.h>

#include "guest.h"

int
main(void)
{
	struct timeval tv;
	fd_set r, w;
	int p[2];

	OK(pipe(p));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 0, 20000 };
	CHECK(OK(select(p[0] + 1, &r, NULL, NULL, &tv)) == 0,
	      "an empty pipe times out");
	CHECK(!FD_ISSET(p[0], &r), "and its bit is cleared");
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0, "the timeout was used up");

	FD_ZERO(&w);
	FD_SET(p[1], &w);
	CHECK(OK(select(p[1] + 1, NULL, &w, NULL, NULL)) == 1 && FD_ISSET(p[1], &w),
	      "the write end is writable");
	OK(write(p[1], "x", 1));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ 5, 0 };
	CHECK(OK(select(p[0] + 1, &r, NULL, NULL, &tv)) == 1 && FD_ISSET(p[0], &r),
	      "the read end is readable after a write");
	CHECK(tv.tv_sec <= 5 && tv.tv_sec >= 4, "most of the timeout is left");

	OK(close(p[1]));
	FD_ZERO(&w);
	FD_SET(p[1], &w);
	FAILS(select(p[1] + 1, NULL, &w, NULL, NULL), EBADF, "select on a closed fd");
	tv = (struct timeval){ 0, -1 };
	FAILS(select(0, NULL, NULL, NULL, &tv), EINVAL, "select with a negative timeout");
	return 0;
}
