/* open(2) with O_CREAT/O_EXCL/O_TRUNC, write(2) then read(2) the data back. */
#include "guest.h"

int
main(void)
{
	char buf[64];
	int fd;

	tmpdir_enter();
	fd = OK(open("f", O_RDWR | O_CREAT | O_EXCL, 0644));
	CHECK(OK(write(fd, "hello, world\n", 13)) == 13, "write returned 13");
	OK(close(fd));
	FAILS(open("f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST,
	      "O_CREAT|O_EXCL on an existing file");
	FAILS(open("missing", O_RDONLY), ENOENT, "open of a missing file");
	FAILS(open("f/x", O_RDONLY), ENOTDIR, "open through a regular file");

	fd = OK(open("f", O_RDONLY));
	memset(buf, 0, sizeof(buf));
	CHECK(OK(read(fd, buf, sizeof(buf))) == 13, "read returned 13");
	CHECK(strcmp(buf, "hello, world\n") == 0, "read back what was written");
	CHECK(OK(read(fd, buf, sizeof(buf))) == 0, "read at end of file returned 0");
	FAILS(write(fd, "x", 1), EBADF, "write to an O_RDONLY fd");
	OK(close(fd));
	FAILS(close(fd), EBADF, "close of a closed fd");

	fd = OK(open("f", O_WRONLY | O_TRUNC));
	OK(close(fd));
	fd = OK(open("f", O_RDONLY));
	CHECK(OK(read(fd, buf, sizeof(buf))) == 0, "O_TRUNC emptied the file");
	FAILS(read(fd + 100, buf, 1), EBADF, "read from a bad fd");
	OK(close(fd));
	return 0;
}
