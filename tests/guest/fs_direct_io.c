/*
 * O_DIRECT, O_SYNC and O_DSYNC on ext4: which files take O_DIRECT at open
 * and at F_SETFL, the alignment rules (offset and length in 512-byte
 * sectors, the device's logical block), reads at and past the end, the
 * direct and the cached view of a file staying one (buffered writes,
 * direct writes, a shared mapping), what F_GETFL reports, and pwritev2's
 * sync flags.  Buffers are always aligned here: Linux 6.1 also wants the
 * memory aligned, later kernels do not.
 *
 * The files live in the first of /tmp, /var/tmp and / that is ext4 (the
 * guest's /tmp is a tmpfs, which has no O_DIRECT in Linux 6.1).
 *
 * Two extra modes for bats, never used by the differential run:
 *   fs_direct_io probe PATH       can PATH be created and opened O_DIRECT?
 *   fs_direct_io osync PATH TEXT  write TEXT to PATH with O_SYNC, print
 *                                 "written", then wait to be killed
 */
#include <sys/mman.h>
#include <sys/uio.h>

#include "guest.h"

#define KERNEL_O_LARGEFILE 0100000	/* libc's O_LARGEFILE is 0 here */
#define SHOWN_FLAGS                                                            \
	(O_ACCMODE | O_APPEND | O_DIRECT | O_SYNC | O_DSYNC | KERNEL_O_LARGEFILE)

static char *buf;	/* 64 KiB, page aligned */

static void
show_flags(const char *what, int fd)
{
	printf("%s: F_GETFL %#lo\n", what, OK(fcntl(fd, F_GETFL)) & SHOWN_FLAGS);
}

/* Files that refuse O_DIRECT at open, and at F_SETFL. */
static void
refusals(void)
{
	int fd, p[2];

	FAILS(open(".", O_RDONLY | O_DIRECT), EINVAL, "a directory");
	FAILS(open("/dev/null", O_RDWR | O_DIRECT), EINVAL, "/dev/null");
	FAILS(open("/proc/self/status", O_RDONLY | O_DIRECT), EINVAL,
	      "a proc file");
	OK(mkfifo("fifo", 0600));
	FAILS(open("fifo", O_RDWR | O_DIRECT), EINVAL, "a FIFO");

	fd = OK(open("/dev/null", O_RDWR));
	FAILS(fcntl(fd, F_SETFL, O_DIRECT), EINVAL, "F_SETFL O_DIRECT on /dev/null");
	show_flags("/dev/null after the refusal", fd);
	close(fd);
	OK(pipe(p));
	OK(fcntl(p[0], F_SETFL, O_DIRECT));
	show_flags("a pipe takes O_DIRECT (packet mode)", p[0]);
	close(p[0]);
	close(p[1]);
}

static void
alignment(void)
{
	int fd = OK(open("f", O_CREAT | O_RDWR | O_TRUNC | O_DIRECT, 0644));
	struct iovec iov[2];

	show_flags("opened O_RDWR|O_DIRECT", fd);
	memset(buf, 'a', 65536);
	FAILS(write(fd, buf, 100), EINVAL, "write of 100 bytes");
	FAILS(pwrite(fd, buf, 512, 100), EINVAL, "pwrite at offset 100");
	FAILS(pwrite(fd, buf, 4000, 0), EINVAL, "pwrite of 4000 bytes");
	printf("pwrite of 512 at 0: %zd\n", OK(pwrite(fd, buf, 512, 0)));
	printf("pwrite of 4096 at 512: %zd\n", OK(pwrite(fd, buf, 4096, 512)));
	printf("write of 1024 at the position: %zd\n", OK(write(fd, buf, 1024)));
	printf("position now %ld\n", (long)lseek(fd, 0, SEEK_CUR));

	iov[0] = (struct iovec){ buf, 512 };
	iov[1] = (struct iovec){ buf + 4096, 1024 };
	printf("pwritev of 512+1024 at 8192: %zd\n", OK(pwritev(fd, iov, 2, 8192)));
	FAILS(pwritev(fd, iov, 2, 8193), EINVAL, "pwritev at 8193");
	printf("size %ld\n", (long)lseek(fd, 0, SEEK_END));

	FAILS(pread(fd, buf, 100, 0), EINVAL, "pread of 100 bytes");
	FAILS(pread(fd, buf, 512, 7), EINVAL, "pread at offset 7");
	printf("pread at the end, misaligned: %zd\n", OK(pread(fd, buf, 100, 9728)));
	printf("pread past the end, misaligned: %zd\n",
	       OK(pread(fd, buf, 100, 100001)));
	printf("pread of 64 KiB at 8192 stops at the end: %zd\n",
	       OK(pread(fd, buf, 65536, 8192)));
	OK(ftruncate(fd, 1000));
	printf("pread of 4096 from a 1000-byte file: %zd\n",
	       OK(pread(fd, buf, 4096, 0)));
	FAILS(pread(fd, buf, 1000, 0), EINVAL, "pread of 1000 bytes");
	printf("zero-length, misaligned: %zd\n", OK(pwrite(fd, buf, 0, 3)));

	OK(ftruncate(fd, 0));
	OK(pwrite(fd, buf, 512, 0));
	OK(fcntl(fd, F_SETFL, O_DIRECT | O_APPEND));
	show_flags("after F_SETFL O_DIRECT|O_APPEND", fd);
	printf("aligned append: %zd\n", OK(write(fd, buf, 512)));
	OK(ftruncate(fd, 700));
	FAILS(write(fd, buf, 512), EINVAL, "append at the misaligned end");
	close(fd);
	OK(unlink("f"));
}

/* Sum a range read with pread through fd, to compare views cheaply. */
static unsigned
sum_of(int fd, off_t off, size_t len)
{
	unsigned s = 0;
	size_t i;

	if (OK(pread(fd, buf, len, off)) != (long)len)
		errx(1, "short read at %ld", (long)off);
	for (i = 0; i < len; i++)
		s = s * 31 + (unsigned char)buf[i];
	return s;
}

static void
fill(char c, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(c + i % 23);
}

static void
coherence(void)
{
	int cached = OK(open("g", O_CREAT | O_RDWR | O_TRUNC, 0644));
	int direct = OK(open("g", O_RDWR | O_DIRECT));
	unsigned want;
	char *map;

	fill('a', 16384);
	OK(pwrite(cached, buf, 16384, 0));
	want = sum_of(cached, 0, 16384);
	CHECK(sum_of(direct, 0, 16384) == want,
	      "a direct read sees a buffered write");

	fill('k', 8192);
	OK(pwrite(direct, buf, 8192, 4096));
	want = sum_of(direct, 0, 16384);
	CHECK(sum_of(cached, 0, 16384) == want,
	      "a buffered read sees a direct write over cached pages");
	fill('p', 4096);
	OK(pwrite(direct, buf, 4096, 16384));
	CHECK(sum_of(cached, 0, 20480) == sum_of(direct, 0, 20480),
	      "and one that grows the file");

	map = mmap(NULL, 20480, PROT_READ | PROT_WRITE, MAP_SHARED, cached, 0);
	if (map == MAP_FAILED)
		err(1, "mmap");
	fill('z', 512);
	OK(pwrite(direct, buf, 512, 1024));
	CHECK(memcmp(map + 1024, buf, 512) == 0,
	      "a shared mapping sees a direct write");
	memcpy(map + 8192, "stored through the mapping", 26);
	OK(pread(direct, buf, 512, 8192));
	CHECK(memcmp(buf, "stored through the mapping", 26) == 0,
	      "a direct read sees a store through a shared mapping");
	OK(munmap(map, 20480));
	close(direct);
	close(cached);
	OK(unlink("g"));
}

static void
sync_flags(void)
{
	int s = OK(open("h", O_CREAT | O_RDWR | O_SYNC, 0644));
	int d = OK(open("h", O_RDWR | O_DSYNC));
	struct iovec iov = { (void *)"synced\n", 7 };

	show_flags("O_SYNC", s);
	show_flags("O_DSYNC", d);
	OK(fcntl(s, F_SETFL, O_DIRECT));
	show_flags("O_SYNC after F_SETFL O_DIRECT", s);
	OK(fcntl(d, F_SETFL, 0));
	show_flags("O_DSYNC after F_SETFL 0 (it stays)", d);
	printf("O_DSYNC write: %zd\n", OK(write(d, "dsync\n", 6)));

	printf("pwritev2 RWF_SYNC: %zd\n", OK(pwritev2(d, &iov, 1, 0, RWF_SYNC)));
	printf("pwritev2 RWF_DSYNC at the position: %zd\n",
	       OK(pwritev2(d, &iov, 1, -1, RWF_DSYNC)));
	printf("position now %ld\n", (long)lseek(d, 0, SEEK_CUR));
	FAILS(pwritev2(d, &iov, 1, 0, 0x10000), EOPNOTSUPP,
	      "pwritev2 with an unknown flag");
	iov.iov_base = buf;
	printf("preadv2 at the position: %zd\n", OK(preadv2(d, &iov, 1, -1, 0)));
	OK(lseek(d, 0, SEEK_SET));
	printf("preadv2 of 64 bytes at the start: %zd\n",
	       OK(preadv2(d, &(struct iovec){ buf, 64 }, 1, -1, 0)));
	close(s);
	close(d);
	OK(unlink("h"));
}

static int
probe(const char *path)
{
	int fd = open(path, O_CREAT | O_RDWR | O_DIRECT, 0644);

	printf("%s: %s\n", path, fd >= 0 ? "O_DIRECT" : strerrorname_np(errno));
	return 0;
}

static __attribute__((noreturn)) int
osync(const char *path, const char *text)
{
	int fd = OK(open(path, O_CREAT | O_WRONLY | O_TRUNC | O_SYNC, 0644));

	OK(write(fd, text, strlen(text)));
	printf("written\n");
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "probe") == 0)
		return probe(argv[2]);
	if (argc == 4 && strcmp(argv[1], "osync") == 0)
		return osync(argv[2], argv[3]);
	if (posix_memalign((void **)&buf, 4096, 65536) != 0)
		errx(1, "posix_memalign");
	tmpdir_enter_ext4();
	refusals();
	alignment();
	coherence();
	sync_flags();
	return 0;
}
