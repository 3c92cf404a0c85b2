/* utimensat with nanoseconds, UTIME_NOW and UTIME_OMIT; futimens; utimes. */
#include <sys/stat.h>
#include <sys/time.h>

#include "guest.h"

int
main(void)
{
	struct timespec ts[2] = { { 1000000000, 123456789 },
				  { 1200000000, 987654321 } };
	struct timeval tv[2] = { { 1300000000, 250000 }, { 1400000000, 500000 } };
	struct stat st;
	int fd;

	tmpdir_enter();
	fd = OK(open("f", O_CREAT | O_RDWR, 0644));
	OK(utimensat(AT_FDCWD, "f", ts, 0));
	OK(stat("f", &st));
	CHECK(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789,
	      "atime set to the nanosecond");
	CHECK(st.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_nsec == 987654321,
	      "mtime set to the nanosecond");
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1] = (struct timespec){ 5, 6 };
	OK(futimens(fd, ts));
	OK(fstat(fd, &st));
	CHECK(st.st_atim.tv_sec == 1000000000, "UTIME_OMIT keeps atime");
	CHECK(st.st_mtim.tv_sec == 5 && st.st_mtim.tv_nsec == 6,
	      "futimens sets mtime");
	ts[1].tv_nsec = UTIME_NOW;
	OK(utimensat(AT_FDCWD, "f", ts, 0));
	OK(stat("f", &st));
	CHECK(st.st_mtim.tv_sec > 1600000000, "UTIME_NOW stamps the present");
	OK(utimes("f", tv));
	OK(stat("f", &st));
	CHECK(st.st_mtim.tv_sec == 1400000000 && st.st_mtim.tv_nsec == 500000000,
	      "utimes takes microseconds");
	ts[0].tv_nsec = 1000000000;
	FAILS(utimensat(AT_FDCWD, "f", ts, 0), EINVAL, "nanoseconds out of range");
	FAILS(utimensat(AT_FDCWD, "missing", NULL, 0), ENOENT, "a missing file");
	FAILS(syscall(SYS_utimensat, AT_FDCWD, "f", 1L, 0), EFAULT, "a bad pointer");
	return 0;
}
