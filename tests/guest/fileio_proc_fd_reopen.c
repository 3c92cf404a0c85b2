/* A pipe reopened through /proc/self/fd, as /dev/stdin and <(…) do. */
#include "guest.h"

int
main(void)
{
	char path[64], link[64], buf[16];
	ssize_t n;
	int p[2], fd;

	OK(pipe(p));
	OK(write(p[1], "hello", 5));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	n = OK(readlink(path, link, sizeof(link) - 1));
	link[n] = 0;
	CHECK(strncmp(link, "pipe:[", 6) == 0, "the fd link names a pipe");
	fd = OK(open(path, O_RDONLY));
	CHECK(fd != p[0], "opening the link gives a new fd");
	n = OK(read(fd, buf, sizeof(buf)));
	CHECK(n == 5 && memcmp(buf, "hello", 5) == 0,
	      "it reads what was written to the pipe");
	OK(close(p[1]));
	CHECK(OK(read(fd, buf, sizeof(buf))) == 0,
	      "and sees end of file once the writer is gone");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0] + 100);
	FAILS(open(path, O_RDONLY), ENOENT, "a link for a closed fd");
	return 0;
}
