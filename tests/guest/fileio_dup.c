/* dup/dup2/dup3: shared offsets, close-on-exec, the edge cases. */
#include "guest.h"

int
main(void)
{
	char c;
	int fd, d, target;

	tmpdir_enter();
	fd = OK(open("f", O_RDWR | O_CREAT, 0644));
	OK(write(fd, "abc", 3));
	OK(lseek(fd, 0, SEEK_SET));

	d = OK(dup(fd));
	CHECK(d != fd, "dup returned a new fd");
	OK(read(d, &c, 1));
	CHECK(OK(lseek(fd, 0, SEEK_CUR)) == 1, "dup shares the file offset");
	CHECK(OK(fcntl(d, F_GETFD)) == 0, "dup clears close-on-exec");

	target = d + 10;
	CHECK(OK(dup2(fd, target)) == target, "dup2 returns the target fd");
	OK(read(target, &c, 1));
	CHECK(c == 'b', "dup2 copy reads at the shared offset");
	CHECK(OK(dup2(fd, fd)) == fd, "dup2 onto itself returns the fd");
	OK(fcntl(target, F_SETFD, FD_CLOEXEC));
	CHECK(OK(dup2(fd, target)) == target, "dup2 onto an open fd replaces it");
	CHECK(OK(fcntl(target, F_GETFD)) == 0, "dup2 cleared close-on-exec");

	CHECK(OK(dup3(fd, target, O_CLOEXEC)) == target, "dup3 returns the target");
	CHECK(OK(fcntl(target, F_GETFD)) == FD_CLOEXEC, "dup3 O_CLOEXEC sets FD_CLOEXEC");
	FAILS(dup3(fd, fd, 0), EINVAL, "dup3 onto itself");
	FAILS(dup3(fd, target, O_APPEND), EINVAL, "dup3 with a bad flag");
	FAILS(dup(target + 100), EBADF, "dup of a bad fd");
	FAILS(dup2(target + 100, target), EBADF, "dup2 of a bad fd");
	FAILS(dup2(fd, -1), EBADF, "dup2 to a negative fd");

	OK(close(fd));
	OK(read(d, &c, 1));
	CHECK(c == 'c', "a dup still works after the original is closed");
	return 0;
}
