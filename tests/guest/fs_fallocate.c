/*
 * fallocate(2) on ext4: preallocation that grows the size or keeps it,
 * holes punched whole and in part (read back as zeros, blocks freed, seen
 * by a shared read-only mapping at once), zeroed ranges, and the argument checks in
 * Linux's order.  The files live in an ext4 directory (guest.h).
 */
#include <stdint.h>
#include <sys/mman.h>

#include "guest.h"

#define KIB 1024L

static struct stat
st_of(int fd)
{
	struct stat st;

	OK(fstat(fd, &st));
	return st;
}

/* Whether [off, off+len) of fd reads as bytes c. */
static int
reads_as(int fd, off_t off, size_t len, char c)
{
	char buf[8192];
	size_t i;

	if (len > sizeof(buf) || pread(fd, buf, len, off) != (ssize_t)len)
		return 0;
	for (i = 0; i < len; i++)
		if (buf[i] != c)
			return 0;
	return 1;
}

static void
check_preallocate(void)
{
	int fd = OK(open("prealloc", O_RDWR | O_CREAT, 0644));
	struct stat st;

	OK(fallocate(fd, 0, 0, 1024 * KIB));
	st = st_of(fd);
	CHECK(st.st_size == 1024 * KIB && st.st_blocks >= 2048,
	      "mode 0: the size grows to 1 MiB, with its blocks");
	CHECK(reads_as(fd, 512 * KIB, 4096, 0), "preallocated blocks read as zeros");
	OK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 1024 * KIB, 1024 * KIB));
	st = st_of(fd);
	CHECK(st.st_size == 1024 * KIB && st.st_blocks >= 4096,
	      "KEEP_SIZE past the end: blocks without a size change");
	OK(ftruncate(fd, 0));
	CHECK(st_of(fd).st_blocks == 0, "truncate frees the preallocated blocks too");
	close(fd);
}

static void
check_punch(void)
{
	static char data[64 * KIB];
	int fd = OK(open("punch", O_RDWR | O_CREAT, 0644)), ro;
	struct stat before, after;
	char *map;

	memset(data, 'x', sizeof(data));
	OK(write(fd, data, sizeof(data)));
	OK(fsync(fd));
	ro = OK(open("punch", O_RDONLY));
	map = mmap(NULL, sizeof(data), PROT_READ, MAP_SHARED, ro, 0);
	if (map == MAP_FAILED)
		err(1, "mmap");
	before = st_of(fd);
	OK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 8 * KIB, 16 * KIB));
	after = st_of(fd);
	CHECK(reads_as(fd, 8 * KIB, 8192, 0) && reads_as(fd, 16 * KIB, 8192, 0),
	      "a punched hole reads as zeros");
	CHECK(reads_as(fd, 0, 8192, 'x') && reads_as(fd, 24 * KIB, 8192, 'x'),
	      "the bytes around it stay");
	CHECK(after.st_size == before.st_size, "punching keeps the size");
	CHECK(after.st_blocks == before.st_blocks - 32, "16 KiB of blocks were freed");
	CHECK(map[8 * KIB] == 0 && map[24 * KIB - 1] == 0 && map[24 * KIB] == 'x',
	      "a shared mapping sees the hole at once");

	OK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 200));
	CHECK(reads_as(fd, 100, 200, 0) && reads_as(fd, 0, 100, 'x') &&
		      reads_as(fd, 300, 100, 'x'),
	      "a punch inside one block zeroes just its bytes");
	CHECK(st_of(fd).st_blocks == after.st_blocks, "and frees nothing");

	OK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 60 * KIB, 100 * KIB));
	CHECK(st_of(fd).st_size == 64 * KIB && reads_as(fd, 60 * KIB, 4096, 0),
	      "a punch past the end stops at it");

	OK(fallocate(fd, FALLOC_FL_ZERO_RANGE, 32 * KIB, 4 * KIB));
	CHECK(reads_as(fd, 32 * KIB, 4096, 0) && reads_as(fd, 36 * KIB, 4096, 'x'),
	      "ZERO_RANGE zeroes the range");
	OK(fallocate(fd, FALLOC_FL_ZERO_RANGE, 64 * KIB, 8 * KIB));
	CHECK(st_of(fd).st_size == 72 * KIB, "ZERO_RANGE past the end grows the size");
	munmap(map, sizeof(data));
	close(ro);
	close(fd);
}

static void
check_errors(void)
{
	int fd = OK(open("errors", O_RDWR | O_CREAT, 0644));
	int ro = OK(open("errors", O_RDONLY)), p[2];

	OK(pipe(p));
	FAILS(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 4096), EOPNOTSUPP, "PUNCH_HOLE without KEEP_SIZE");
	FAILS(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0, 4096),
	      EOPNOTSUPP, "PUNCH_HOLE with ZERO_RANGE");
	FAILS(fallocate(fd, 0x80, 0, 4096), EOPNOTSUPP, "an unknown mode bit");
	FAILS(fallocate(fd, 0, 0, 0), EINVAL, "a zero length");
	FAILS(fallocate(fd, 0, -1, 4096), EINVAL, "a negative offset");
	FAILS(fallocate(fd, 0, INT64_MAX - 10, 4096), EFBIG, "past the largest offset");
	FAILS(fallocate(ro, 0, 0, 4096), EBADF, "a read-only fd");
	FAILS(fallocate(p[1], 0, 0, 4096), ESPIPE, "a pipe");
	FAILS(fallocate(99, 0, 0, 4096), EBADF, "a closed fd");
	close(fd);
	close(ro);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	tmpdir_enter_ext4();
	check_preallocate();
	check_punch();
	check_errors();
	return 0;
}
