/* fstat and AT_EMPTY_PATH on fds without a path: pipes, the console. */
#include <sys/stat.h>

#include "guest.h"

int
main(void)
{
	struct stat st;
	struct statx sx;
	int p[2];

	OK(pipe(p));
	OK(fstat(p[0], &st));
	CHECK(S_ISFIFO(st.st_mode), "fstat on a pipe says FIFO");
	OK(fstatat(p[1], "", &st, AT_EMPTY_PATH));
	CHECK(S_ISFIFO(st.st_mode), "fstatat(AT_EMPTY_PATH) on a pipe says FIFO");
	OK(statx(p[0], "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx));
	CHECK(S_ISFIFO(sx.stx_mode), "statx(AT_EMPTY_PATH) on a pipe says FIFO");
	OK(fstat(0, &st));
	CHECK(S_ISCHR(st.st_mode), "stdin is a character device");
	FAILS(fstat(99, &st), EBADF, "fstat on a closed fd");
	FAILS(fstatat(99, "", &st, AT_EMPTY_PATH), EBADF,
	      "fstatat(AT_EMPTY_PATH) on a closed fd");
	FAILS(fstatat(p[0], "", &st, 0), ENOENT, "an empty path without the flag");
	return 0;
}
