/* pread(2)/pwrite(2) use their own offset and leave the file offset alone. */
#include "guest.h"

int
main(void)
{
	char buf[16];
	int fd, p[2];

	tmpdir_enter();
	fd = OK(open("f", O_RDWR | O_CREAT, 0644));
	OK(write(fd, "abcdefghij", 10));
	OK(lseek(fd, 3, SEEK_SET));
	CHECK(OK(pwrite(fd, "XY", 2, 5)) == 2, "pwrite of 2 bytes at 5");
	CHECK(OK(lseek(fd, 0, SEEK_CUR)) == 3, "pwrite left the offset at 3");
	memset(buf, 0, sizeof(buf));
	CHECK(OK(pread(fd, buf, 10, 0)) == 10, "pread of 10 bytes at 0");
	CHECK(strcmp(buf, "abcdeXYhij") == 0, "pread sees the pwrite");
	CHECK(OK(lseek(fd, 0, SEEK_CUR)) == 3, "pread left the offset at 3");
	CHECK(OK(pread(fd, buf, 10, 8)) == 2, "pread near the end is short");
	CHECK(OK(pread(fd, buf, 10, 50)) == 0, "pread past the end returns 0");
	FAILS(pread(fd, buf, 1, -1), EINVAL, "pread at a negative offset");
	OK(close(fd));

	OK(pipe(p));
	FAILS(pread(p[0], buf, 1, 0), ESPIPE, "pread on a pipe");
	FAILS(pwrite(p[1], "x", 1, 0), ESPIPE, "pwrite on a pipe");
	return 0;
}
