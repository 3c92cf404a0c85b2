/* File mappings: MAP_SHARED is coherent with read/write, MAP_PRIVATE is not. */
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	char buf[16], *s, *p;
	int fd;

	tmpdir_enter();
	fd = OK(open("f", O_RDWR | O_CREAT, 0644));
	OK(ftruncate(fd, 8192));
	OK(pwrite(fd, "hello", 5, 4096));

	s = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (s == MAP_FAILED || p == MAP_FAILED)
		err(1, "mmap");
	CHECK(memcmp(s + 4096, "hello", 5) == 0, "MAP_SHARED sees the file data");
	CHECK(memcmp(p + 4096, "hello", 5) == 0, "MAP_PRIVATE sees the file data");

	memcpy(s, "shared", 6);
	memset(buf, 0, sizeof(buf));
	OK(pread(fd, buf, 6, 0));
	CHECK(strcmp(buf, "shared") == 0, "a store to MAP_SHARED shows in read");
	OK(pwrite(fd, "WRITE", 5, 100));
	CHECK(memcmp(s + 100, "WRITE", 5) == 0, "a write shows in MAP_SHARED");

	memcpy(p + 4096, "priv!", 5);
	OK(pread(fd, buf, 5, 4096));
	CHECK(memcmp(buf, "hello", 5) == 0, "a store to MAP_PRIVATE stays private");
	CHECK(memcmp(s + 4096, "hello", 5) == 0, "and MAP_SHARED does not see it");
	OK(msync(s, 8192, MS_SYNC));
	OK(munmap(s, 8192));
	OK(munmap(p, 8192));
	OK(close(fd));

	fd = OK(open("f", O_RDONLY));
	OK(pread(fd, buf, 6, 0));
	CHECK(memcmp(buf, "shared", 6) == 0, "the file keeps the shared store after munmap");
	FAILS(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
		      MAP_FAILED ? -1 : 0, EACCES,
	      "a writable MAP_SHARED of an O_RDONLY fd");
	FAILS(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 1) == MAP_FAILED ?
		      -1 : 0, EINVAL, "mmap at an unaligned offset");
	return 0;
}
