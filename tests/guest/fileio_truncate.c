/* truncate/ftruncate grow a file with zeros and shrink it. */
#include "guest.h"

int
main(void)
{
	struct stat st;
	char buf[8];
	int fd;

	tmpdir_enter();
	fd = OK(open("f", O_RDWR | O_CREAT, 0644));
	OK(write(fd, "abcdef", 6));
	OK(ftruncate(fd, 3));
	OK(fstat(fd, &st));
	CHECK(st.st_size == 3, "ftruncate shrank the file to 3 bytes");
	OK(ftruncate(fd, 8192));
	OK(fstat(fd, &st));
	CHECK(st.st_size == 8192, "ftruncate grew the file to 8192 bytes");
	CHECK(OK(pread(fd, buf, 4, 0)) == 4 && memcmp(buf, "abc\0", 4) == 0,
	      "the old bytes stay and the new ones are zero");
	OK(truncate("f", 1));
	OK(stat("f", &st));
	CHECK(st.st_size == 1, "truncate by path cut the file to 1 byte");
	FAILS(ftruncate(fd, -1), EINVAL, "ftruncate to a negative length");
	FAILS(truncate("missing", 0), ENOENT, "truncate of a missing file");
	OK(close(fd));
	fd = OK(open("f", O_RDONLY));
	FAILS(ftruncate(fd, 0), EINVAL, "ftruncate of a read-only fd");
	return 0;
}
