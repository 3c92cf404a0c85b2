/* poll(2) on a pipe: timeout, POLLIN, POLLOUT, POLLHUP, POLLNVAL. */
#include <poll.h>

#include "guest.h"

int
main(void)
{
	struct pollfd fds[2];
	int p[2];
	char c;

	OK(pipe(p));
	fds[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	CHECK(OK(poll(fds, 1, 0)) == 0, "an empty pipe is not readable (timeout 0)");
	CHECK(OK(poll(fds, 1, 30)) == 0, "nor after a 30 ms timeout");
	CHECK(OK(poll(&fds[1], 1, 0)) == 1 && fds[1].revents == POLLOUT,
	      "the write end is writable");
	OK(write(p[1], "x", 1));
	CHECK(OK(poll(fds, 2, -1)) == 2, "both ends are ready after a write");
	CHECK(fds[0].revents == POLLIN, "the read end shows POLLIN");
	OK(read(p[0], &c, 1));
	OK(close(p[1]));
	CHECK(OK(poll(fds, 1, -1)) == 1 && (fds[0].revents & POLLHUP),
	      "closing the writer gives POLLHUP");
	fds[0].fd = p[1];
	CHECK(OK(poll(fds, 1, 0)) == 1 && fds[0].revents == POLLNVAL,
	      "a closed fd gives POLLNVAL");
	fds[0].fd = -1;
	CHECK(OK(poll(fds, 1, 0)) == 0 && fds[0].revents == 0,
	      "a negative fd is skipped");
	FAILS(syscall(SYS_poll, (struct pollfd *)1, 1, 0), EFAULT, "poll with a bad pointer");
	return 0;
}
