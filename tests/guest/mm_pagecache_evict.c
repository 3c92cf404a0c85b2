/*
 * A mapped file keeps its contents while other reads push the page cache
 * past its budget: mm_pagecache_evict [MAPFILE BIGFILE...].
 *
 * MAPFILE (writable, at least two pages) is mapped MAP_SHARED and
 * MAP_PRIVATE; a store goes through each mapping (to different pages),
 * then every BIGFILE is read through once.  Both mappings and read(2)
 * must still show the file's bytes with the stores applied (the private
 * mapping's untouched pages follow the file, as on Linux), and after
 * munmap the shared store must be in the file.  It prints the checksums.
 *
 * Without arguments it does the same on a file of its own under /tmp and
 * reads nothing: the differential run.  tests/pagecache.bats runs it on
 * ext4 files with a big file several times mem=.
 *
 * mm_pagecache_evict -hold FILE stores through a MAP_SHARED mapping of
 * FILE, prints "held" and waits to be killed with the mapping in place:
 * only a write-back by the kernel (sync, shutdown) saves the store.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "guest.h"

#define SHARED_STORE "stored through MAP_SHARED\n"
#define PRIVATE_STORE "stored through MAP_PRIVATE\n"

/* FNV-1a, 64 bits. */
static uint64_t
fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* All of fd's size bytes, by pread. */
static unsigned char *
read_all(int fd, size_t size)
{
	unsigned char *buf = malloc(size);
	size_t done = 0;
	ssize_t n;

	if (!buf)
		errx(1, "out of memory");
	while (done < size) {
		n = OK(pread(fd, buf + done, size - done, (off_t)done));
		if (n == 0)
			errx(1, "file shorter than its size");
		done += (size_t)n;
	}
	return buf;
}

static void
read_through(const char *path)
{
	static unsigned char buf[1 << 16];
	int fd = OK(open(path, O_RDONLY));

	while (OK(read(fd, buf, sizeof(buf))) > 0)
		;
	OK(close(fd));
}

static void
make_file(const char *path, size_t size)
{
	unsigned char *buf = malloc(size);
	int fd;
	size_t i;

	if (!buf)
		errx(1, "out of memory");
	for (i = 0; i < size; i++)
		buf[i] = (unsigned char)(i * 7 + i / 4096);
	fd = OK(open(path, O_RDWR | O_CREAT | O_TRUNC, 0644));
	if (OK(write(fd, buf, size)) != (long)size)
		errx(1, "short write");
	OK(close(fd));
	free(buf);
}

static void
hold(const char *path)
{
	int fd = OK(open(path, O_RDWR));
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		err(1, "mmap %s", path);
	memcpy(p, SHARED_STORE, strlen(SHARED_STORE));
	printf("held\n");
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "map";
	unsigned char *want, *want_priv, *shared, *private, *now;
	size_t size, priv_off;
	struct stat st;
	int fd, i;

	if (argc == 3 && strcmp(argv[1], "-hold") == 0)
		hold(argv[2]);
	if (argc < 2) {
		tmpdir_enter();
		make_file(path, 64 * 4096 + 100);
	}
	fd = OK(open(path, O_RDWR));
	OK(fstat(fd, &st));
	size = (size_t)st.st_size;
	if (size < 2 * 4096)
		errx(1, "%s: want at least two pages", path);
	want = read_all(fd, size);
	shared = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	private = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (shared == MAP_FAILED || private == MAP_FAILED)
		err(1, "mmap %s", path);
	CHECK(memcmp(shared, want, size) == 0 &&
		      memcmp(private, want, size) == 0,
	      "both mappings hold the file's bytes");

	priv_off = (size / 4096 / 2) * 4096;
	memcpy(shared, SHARED_STORE, strlen(SHARED_STORE));
	memcpy(want, SHARED_STORE, strlen(SHARED_STORE));
	memcpy(private + priv_off, PRIVATE_STORE, strlen(PRIVATE_STORE));

	for (i = 2; i < argc; i++)
		read_through(argv[i]);

	CHECK(memcmp(shared, want, size) == 0,
	      "the shared mapping kept the file and its store");
	now = read_all(fd, size);
	CHECK(memcmp(now, want, size) == 0,
	      "read(2) sees the file and the shared store");
	want_priv = read_all(fd, size);
	memcpy(want_priv + priv_off, PRIVATE_STORE, strlen(PRIVATE_STORE));
	CHECK(memcmp(private, want_priv, size) == 0,
	      "the private mapping kept its store and follows the file");
	printf("size %zu private fnv %016llx\n", size,
	       (unsigned long long)fnv(private, size));
	OK(munmap(shared, size));
	OK(munmap(private, size));
	OK(close(fd));

	fd = OK(open(path, O_RDONLY));
	free(now);
	now = read_all(fd, size);
	CHECK(memcmp(now, want, size) == 0,
	      "after munmap the file has the shared store only");
	printf("file fnv %016llx\n", (unsigned long long)fnv(now, size));
	OK(close(fd));
	return 0;
}
