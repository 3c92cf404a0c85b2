/* An unlinked file stays readable through an open fd; rename(2) moves it. */
#include "guest.h"

int
main(void)
{
	struct stat st;
	char buf[8];
	int fd;

	tmpdir_enter();
	put_file("a", "data");
	OK(rename("a", "b"));
	FAILS(access("a", F_OK), ENOENT, "the old name is gone after rename");
	fd = OK(open("b", O_RDONLY));
	OK(unlink("b"));
	FAILS(stat("b", &st), ENOENT, "stat after unlink");
	OK(fstat(fd, &st));
	CHECK(st.st_nlink == 0, "the open file has no links left");
	memset(buf, 0, sizeof(buf));
	CHECK(OK(read(fd, buf, sizeof(buf))) == 4, "read through the fd still works");
	CHECK(strcmp(buf, "data") == 0, "and returns the data");
	FAILS(unlink("b"), ENOENT, "unlink of a missing name");
	FAILS(rename("missing", "c"), ENOENT, "rename of a missing name");
	return 0;
}
