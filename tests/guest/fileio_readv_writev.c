/* readv(2)/writev(2) gather and scatter across several buffers in order. */
#include <sys/uio.h>

#include "guest.h"

int
main(void)
{
	char a[4], b[1], c[16];
	struct iovec w[3] = {
		{ "one ", 4 }, { "", 0 }, { "two three\n", 10 },
	};
	struct iovec r[3] = { { a, 4 }, { b, 1 }, { c, sizeof(c) } };
	int fd;

	tmpdir_enter();
	fd = OK(open("f", O_RDWR | O_CREAT, 0644));
	CHECK(OK(writev(fd, w, 3)) == 14, "writev wrote 14 bytes");
	OK(lseek(fd, 0, SEEK_SET));
	memset(c, 0, sizeof(c));
	CHECK(OK(readv(fd, r, 3)) == 14, "readv read 14 bytes");
	CHECK(memcmp(a, "one ", 4) == 0, "first buffer: \"one \"");
	CHECK(b[0] == 't', "second buffer: \"t\"");
	CHECK(strcmp(c, "wo three\n") == 0, "third buffer: the rest");
	CHECK(OK(readv(fd, r, 3)) == 0, "readv at end of file returns 0");
	FAILS(syscall(SYS_writev, fd, w, -1), EINVAL, "writev with a negative count");
	OK(close(fd));
	return 0;
}
