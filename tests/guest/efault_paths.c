/* Path arguments at bad addresses fail with EFAULT. */
#include "guest.h"

#define BAD ((const char *)1)

int
main(void)
{
	char buf[64];
	struct stat st;

	FAILS(syscall(SYS_open, BAD, O_RDONLY), EFAULT, "open of path (char *)1");
	FAILS(syscall(SYS_openat, AT_FDCWD, BAD, O_RDONLY), EFAULT, "openat of a bad path");
	FAILS(syscall(SYS_stat, BAD, &st), EFAULT, "stat of a bad path");
	FAILS(syscall(SYS_lstat, BAD, &st), EFAULT, "lstat of a bad path");
	FAILS(syscall(SYS_newfstatat, AT_FDCWD, BAD, &st, 0), EFAULT,
	      "newfstatat of a bad path");
	FAILS(syscall(SYS_stat, "/", (void *)1), EFAULT, "stat into a bad buffer");
	FAILS(syscall(SYS_fstat, 0, (void *)1), EFAULT, "fstat into a bad buffer");
	FAILS(syscall(SYS_access, BAD, F_OK), EFAULT, "access of a bad path");
	FAILS(syscall(SYS_chdir, BAD), EFAULT, "chdir to a bad path");
	FAILS(syscall(SYS_mkdir, BAD, 0755), EFAULT, "mkdir of a bad path");
	FAILS(syscall(SYS_unlink, BAD), EFAULT, "unlink of a bad path");
	FAILS(syscall(SYS_readlink, BAD, buf, sizeof(buf)), EFAULT,
	      "readlink of a bad path");
	FAILS(syscall(SYS_execve, BAD, NULL, NULL), EFAULT, "execve of a bad path");
	FAILS(syscall(SYS_getcwd, (void *)1, 100), EFAULT, "getcwd into a bad buffer");
	FAILS(syscall(SYS_uname, (void *)1), EFAULT, "uname into a bad buffer");
	FAILS(syscall(SYS_open, (const char *)0xffffffffffff0000UL, O_RDONLY), EFAULT,
	      "open of a kernel-half path");
	return 0;
}
