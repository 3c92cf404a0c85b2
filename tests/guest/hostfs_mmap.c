/*
 * File mappings read the same bytes as read(2), and shared stores reach
 * the file: hostfs_mmap [-w] [FILE].
 *
 *   hostfs_mmap FILE      map FILE privately, check that read(2) gives the
 *                         same bytes, print its size and a checksum
 *   hostfs_mmap -w FILE   store a line at the start of FILE through a
 *                         MAP_SHARED mapping, check read(2) sees it and
 *                         the mapping sees a write(2), then unmap without
 *                         msync: the store must still reach the file
 *   hostfs_mmap           both, on a file it makes under /tmp
 *
 * tests/hostfs.bats runs it on hostfs files in the guest and on the same
 * files natively; the lines must match.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "guest.h"

#define STORED "stored through a shared mapping\n"
#define WRITTEN "written by write(2)\n"

/* FNV-1a, 64 bits. */
static uint64_t
fnv(const unsigned char *p, size_t n, uint64_t h)
{
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ULL

static uint64_t
read_sum(int fd, off_t *total)
{
	static unsigned char buf[65536];
	uint64_t h = FNV_INIT;
	ssize_t n;

	*total = 0;
	while ((n = OK(read(fd, buf, sizeof(buf)))) > 0) {
		h = fnv(buf, (size_t)n, h);
		*total += n;
	}
	return h;
}

static void
checksum(const char *path)
{
	uint64_t hmap = FNV_INIT, hread;
	struct stat st;
	off_t total;
	void *p;
	int fd;

	fd = OK(open(path, O_RDONLY));
	OK(fstat(fd, &st));
	if (st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
			 0);
		if (p == MAP_FAILED)
			err(1, "mmap %s", path);
		hmap = fnv(p, (size_t)st.st_size, FNV_INIT);
		OK(munmap(p, (size_t)st.st_size));
	}
	hread = read_sum(fd, &total);
	CHECK(total == st.st_size, "read(2) reads st_size bytes");
	CHECK(hmap == hread, "the mapping holds the bytes read(2) reads");
	printf("size %lld fnv %016llx\n", (long long)st.st_size,
	       (unsigned long long)hmap);
	OK(close(fd));
}

static void
store_shared(const char *path)
{
	size_t slen = strlen(STORED), wlen = strlen(WRITTEN);
	char buf[64] = { 0 };
	struct stat st;
	char *p;
	int fd;

	fd = OK(open(path, O_RDWR));
	OK(fstat(fd, &st));
	CHECK((size_t)st.st_size >= slen + wlen, "the file is long enough");
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED)
		err(1, "mmap MAP_SHARED %s", path);
	memcpy(p, STORED, slen);
	OK(pread(fd, buf, slen, 0));
	CHECK(memcmp(buf, STORED, slen) == 0,
	      "read(2) sees a store through MAP_SHARED");
	OK(pwrite(fd, WRITTEN, wlen, (off_t)slen));
	CHECK(memcmp(p + slen, WRITTEN, wlen) == 0,
	      "MAP_SHARED sees a write(2)");
	OK(munmap(p, (size_t)st.st_size));
	OK(close(fd));
}

/* A file of size bytes whose contents depend on the offset. */
static void
make_file(const char *name, size_t size)
{
	unsigned char *buf = malloc(size);
	size_t i;
	int fd;

	if (buf == NULL)
		err(1, "malloc");
	for (i = 0; i < size; i++)
		buf[i] = (unsigned char)(i * 7 % 251);
	fd = OK(open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	if ((size_t)OK(write(fd, buf, size)) != size)
		errx(1, "short write");
	OK(close(fd));
	free(buf);
}

int
main(int argc, char **argv)
{
	char line[64] = { 0 };
	int fd;

	if (argc == 3 && strcmp(argv[1], "-w") == 0) {
		store_shared(argv[2]);
		return 0;
	}
	if (argc == 2) {
		checksum(argv[1]);
		return 0;
	}
	tmpdir_enter();
	make_file("f", 3 * 4096 + 100);
	checksum("f");
	store_shared("f");
	fd = OK(open("f", O_RDONLY));
	OK(read(fd, line, strlen(STORED)));
	CHECK(strcmp(line, STORED) == 0, "the store is in the file after munmap");
	OK(close(fd));
	checksum("f");
	return 0;
}
