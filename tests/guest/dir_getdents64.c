/*
 * getdents64(2) on a directory this program fills: every name exactly once
 * with the right d_type, also when read with a small buffer.  The order is
 * the filesystem's, so the names are sorted before printing.
 */
#include <dirent.h>

#include "guest.h"

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static char names[64][32];
static int nnames;

static int
cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
list(size_t bufsize)
{
	char buf[4096];
	long n, off;
	int fd;

	nnames = 0;
	fd = OK(open("d", O_RDONLY | O_DIRECTORY));
	while ((n = OK(syscall(SYS_getdents64, fd, buf, bufsize))) > 0) {
		for (off = 0; off < n;) {
			struct linux_dirent64 *de = (void *)(buf + off);
			char t = de->d_type == DT_DIR ? 'd' :
				 de->d_type == DT_REG ? 'f' :
				 de->d_type == DT_LNK ? 'l' :
				 de->d_type == DT_FIFO ? 'p' : '?';

			if (nnames == 64)
				errx(1, "too many directory entries");
			snprintf(names[nnames++], 32, "%s %c", de->d_name, t);
			off += de->d_reclen;
		}
	}
	OK(close(fd));
	qsort(names, nnames, sizeof(names[0]), cmp);
}

int
main(void)
{
	char buf[64], copy[64][32];
	int i, fd, ncopy, same;

	tmpdir_enter();
	OK(mkdir("d", 0755));
	for (i = 0; i < 20; i++) {
		snprintf(buf, sizeof(buf), "d/file%02d", i);
		put_file(buf, "x");
	}
	OK(mkdir("d/sub", 0755));
	OK(symlink("file00", "d/link"));
	OK(mkfifo("d/fifo", 0644));

	list(sizeof(buf) * 64);
	memcpy(copy, names, sizeof(copy));
	ncopy = nnames;
	printf("%d entries:", nnames);
	for (i = 0; i < nnames; i++)
		printf(" [%s]", names[i]);
	printf("\n");
	list(64);
	same = nnames == ncopy;
	for (i = 0; same && i < nnames; i++)
		same = strcmp(copy[i], names[i]) == 0;
	CHECK(same,
	      "a 64-byte buffer lists the same entries");

	fd = OK(open("d", O_RDONLY | O_DIRECTORY));
	FAILS(syscall(SYS_getdents64, fd, buf, 8), EINVAL,
	      "getdents64 with a buffer too small for one entry");
	OK(close(fd));
	fd = OK(open("d/file00", O_RDONLY));
	FAILS(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR,
	      "getdents64 on a regular file");
	FAILS(open("d/file00", O_RDONLY | O_DIRECTORY), ENOTDIR,
	      "O_DIRECTORY on a regular file");
	return 0;
}
