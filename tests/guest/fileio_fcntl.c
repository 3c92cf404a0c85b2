/* fcntl(2): F_GETFD/F_SETFD, F_GETFL/F_SETFL (O_APPEND), F_DUPFD minimum. */
#include "guest.h"

int
main(void)
{
	char buf[16];
	int fd, d, fl;

	tmpdir_enter();
	fd = OK(open("f", O_RDWR | O_CREAT, 0644));
	OK(write(fd, "abc", 3));
	CHECK(OK(fcntl(fd, F_GETFD)) == 0, "new fd has no FD_CLOEXEC");
	OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
	CHECK(OK(fcntl(fd, F_GETFD)) == FD_CLOEXEC, "F_SETFD sets FD_CLOEXEC");

	fl = OK(fcntl(fd, F_GETFL));
	CHECK((fl & O_ACCMODE) == O_RDWR, "F_GETFL shows O_RDWR");
	CHECK(!(fl & O_APPEND), "F_GETFL shows no O_APPEND");
	OK(fcntl(fd, F_SETFL, fl | O_APPEND));
	CHECK(OK(fcntl(fd, F_GETFL)) & O_APPEND, "F_SETFL set O_APPEND");
	OK(lseek(fd, 0, SEEK_SET));
	OK(write(fd, "d", 1));
	CHECK(OK(lseek(fd, 0, SEEK_CUR)) == 4, "O_APPEND write went to the end");
	memset(buf, 0, sizeof(buf));
	OK(pread(fd, buf, sizeof(buf), 0));
	CHECK(strcmp(buf, "abcd") == 0, "file holds abcd");

	d = OK(fcntl(fd, F_DUPFD, 100));
	CHECK(d >= 100, "F_DUPFD returned an fd >= 100");
	CHECK(OK(fcntl(d, F_GETFD)) == 0, "F_DUPFD clears FD_CLOEXEC");
	d = OK(fcntl(fd, F_DUPFD_CLOEXEC, 100));
	CHECK(d >= 100, "F_DUPFD_CLOEXEC returned an fd >= 100");
	CHECK(OK(fcntl(d, F_GETFD)) == FD_CLOEXEC, "F_DUPFD_CLOEXEC sets FD_CLOEXEC");
	FAILS(fcntl(fd, F_DUPFD, -1), EINVAL, "F_DUPFD with a negative minimum");
	FAILS(fcntl(fd, 0x7fff), EINVAL, "an unknown fcntl command");
	FAILS(fcntl(d + 100, F_GETFD), EBADF, "F_GETFD on a bad fd");
	return 0;
}
