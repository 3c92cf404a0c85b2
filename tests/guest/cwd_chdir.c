/* getcwd/chdir/fchdir, and getcwd's exact-size and too-small buffers. */
#include "guest.h"

int
main(void)
{
	char top[256], buf[256];
	size_t len;
	int fd;

	tmpdir_enter();
	CHECK(getcwd(top, sizeof(top)) != NULL, "getcwd works");
	CHECK(strcmp(top, guest_tmpdir) == 0, "getcwd is the directory entered");
	OK(mkdir("sub", 0755));
	OK(chdir("sub"));
	CHECK(getcwd(buf, sizeof(buf)) != NULL &&
	      strncmp(buf, top, strlen(top)) == 0 &&
	      strcmp(buf + strlen(top), "/sub") == 0, "chdir sub appends /sub");
	OK(chdir(".."));
	CHECK(getcwd(buf, sizeof(buf)) && strcmp(buf, top) == 0, "chdir .. goes back");
	fd = OK(open("sub", O_RDONLY | O_DIRECTORY));
	OK(fchdir(fd));
	CHECK(getcwd(buf, sizeof(buf)) && strcmp(buf + strlen(top), "/sub") == 0,
	      "fchdir enters the directory");

	len = strlen(buf);
	CHECK(getcwd(buf, len + 1) != NULL, "getcwd with exactly strlen+1 bytes works");
	FAILS(getcwd(buf, len) == NULL ? -1 : 0, ERANGE,
	      "getcwd with one byte too few");
	FAILS(syscall(SYS_getcwd, buf, 0), ERANGE, "getcwd with size 0");
	FAILS(chdir("missing"), ENOENT, "chdir to a missing directory");
	put_file("f", "x");
	FAILS(chdir("f"), ENOTDIR, "chdir to a regular file");
	FAILS(fchdir(-1), EBADF, "fchdir of a bad fd");
	OK(chdir("/"));
	CHECK(getcwd(buf, sizeof(buf)) && strcmp(buf, "/") == 0, "chdir / gives /");
	return 0;
}
