/* lseek(2): SEEK_SET/CUR/END, holes read as zeros, bad whence and offsets. */
#include "guest.h"

int
main(void)
{
	char buf[16];
	int fd, i, zeros;

	tmpdir_enter();
	fd = OK(open("f", O_RDWR | O_CREAT, 0644));
	OK(write(fd, "0123456789", 10));
	CHECK(OK(lseek(fd, 0, SEEK_CUR)) == 10, "offset after write is 10");
	CHECK(OK(lseek(fd, 2, SEEK_SET)) == 2, "SEEK_SET 2 returns 2");
	OK(read(fd, buf, 3));
	CHECK(memcmp(buf, "234", 3) == 0, "read at 2 gives 234");
	CHECK(OK(lseek(fd, -1, SEEK_CUR)) == 4, "SEEK_CUR -1 returns 4");
	CHECK(OK(lseek(fd, -3, SEEK_END)) == 7, "SEEK_END -3 returns 7");
	OK(read(fd, buf, 3));
	CHECK(memcmp(buf, "789", 3) == 0, "read at 7 gives 789");

	CHECK(OK(lseek(fd, 100, SEEK_SET)) == 100, "seek past the end");
	OK(write(fd, "Z", 1));
	CHECK(OK(lseek(fd, 0, SEEK_END)) == 101, "file grew to 101 bytes");
	OK(lseek(fd, 10, SEEK_SET));
	zeros = 0;
	for (i = 0; i < 9; i++) {
		OK(read(fd, buf, 10));
		zeros += memcmp(buf, "\0\0\0\0\0\0\0\0\0\0", 10) == 0;
	}
	CHECK(zeros == 9, "the hole reads as zeros");
	OK(read(fd, buf, 1));
	CHECK(buf[0] == 'Z', "the byte after the hole is there");

	FAILS(lseek(fd, -1, SEEK_SET), EINVAL, "seek to a negative offset");
	FAILS(lseek(fd, 0, 42), EINVAL, "seek with a bad whence");
	FAILS(lseek(fd + 100, 0, SEEK_SET), EBADF, "seek on a bad fd");
	OK(close(fd));
	return 0;
}
