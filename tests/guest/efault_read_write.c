/*
 * Bad user pointers make read/write-style calls fail with EFAULT instead
 * of crashing anything.  Raw syscalls, so libc cannot get in the way.
 */
#include <sys/uio.h>

#include "guest.h"

int
main(void)
{
	struct iovec iov = { (void *)1, 4 };
	int fd, p[2];

	tmpdir_enter();
	fd = OK(open("f", O_RDWR | O_CREAT, 0644));
	OK(write(fd, "abcd", 4));
	OK(lseek(fd, 0, SEEK_SET));
	FAILS(syscall(SYS_read, fd, (void *)1, 4), EFAULT, "read into (void *)1");
	FAILS(syscall(SYS_write, fd, (void *)1, 4), EFAULT, "write from (void *)1");
	FAILS(syscall(SYS_pread64, fd, (void *)1, 4, 0), EFAULT, "pread64 into (void *)1");
	FAILS(syscall(SYS_pwrite64, fd, (void *)1, 4, 0), EFAULT,
	      "pwrite64 from (void *)1");
	FAILS(syscall(SYS_readv, fd, &iov, 1), EFAULT, "readv into a bad iov_base");
	FAILS(syscall(SYS_readv, fd, (void *)1, 1), EFAULT, "readv with a bad iovec");
	FAILS(syscall(SYS_writev, fd, &iov, 1), EFAULT, "writev from a bad iov_base");
	FAILS(syscall(SYS_read, fd, (void *)0xffffffffffff0000UL, 4), EFAULT,
	      "read into a kernel-half address");
	CHECK(OK(lseek(fd, 0, SEEK_CUR)) == 0, "the failed calls did not move the offset");

	OK(pipe(p));
	OK(write(p[1], "xy", 2));
	FAILS(syscall(SYS_read, p[0], (void *)1, 2), EFAULT, "pipe read into (void *)1");
	FAILS(syscall(SYS_write, p[1], (void *)1, 2), EFAULT, "pipe write from (void *)1");
	FAILS(syscall(SYS_read, fd, NULL, 4), EFAULT, "read into NULL");
	CHECK(OK(syscall(SYS_read, fd, NULL, 0)) == 0, "a zero-length read into NULL is fine");
	return 0;
}
