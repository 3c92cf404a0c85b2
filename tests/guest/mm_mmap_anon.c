/* Anonymous mmap: zero fill, read/write, MAP_FIXED, munmap, bad arguments. */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

static char *victim;

static int
touch_unmapped(void)
{
	return *(volatile char *)victim;
}

int
main(void)
{
	size_t len = 1 << 20, i;
	char *p, *q;
	long bad;
	int st;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	CHECK(p != MAP_FAILED, "mmap of 1 MiB anonymous memory");
	CHECK(((unsigned long)p & 4095) == 0, "the address is page aligned");
	bad = 0;
	for (i = 0; i < len; i++)
		bad |= p[i];
	CHECK(bad == 0, "it reads as zero");
	for (i = 0; i < len; i++)
		p[i] = (char)(i * 7);
	bad = 0;
	for (i = 0; i < len; i++)
		bad |= p[i] != (char)(i * 7);
	CHECK(bad == 0, "writes read back");

	q = mmap(p + 4096, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p + 4096, "MAP_FIXED maps at the address asked");
	CHECK(q[0] == 0 && q[4095] == 0, "and replaces the old page with zeros");
	CHECK(p[4095] == (char)(4095 * 7) && p[8192] == (char)(8192 * 7),
	      "the neighbouring pages are untouched");

	OK(munmap(p + 65536, 65536));
	victim = p + 65536 + 10;
	st = run_child(touch_unmapped);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "touching an unmapped hole: %s", wstatus_str(st));
	CHECK(p[65535] == (char)(65535 * 7), "memory below the hole is intact");
	OK(munmap(p, len));

	FAILS(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
		      MAP_FAILED ? -1 : 0, EINVAL, "mmap of length 0");
	FAILS(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED ?
		      -1 : 0, EINVAL, "mmap with neither MAP_PRIVATE nor MAP_SHARED");
	FAILS(munmap(p + 1, 4096), EINVAL, "munmap of an unaligned address");
	FAILS(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 12345, 0) == MAP_FAILED ?
		      -1 : 0, EBADF, "mmap of a bad fd");
	return 0;
}
