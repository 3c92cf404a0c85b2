/* brk(2): grow the heap, use it, shrink it; a failed brk returns the old break. */
#include "guest.h"

int
main(void)
{
	char *start, *cur;
	long i, bad;

	start = (char *)syscall(SYS_brk, 0);
	cur = (char *)syscall(SYS_brk, start + 256 * 1024);
	CHECK(cur == start + 256 * 1024, "brk grew the heap by 256 KiB");
	bad = 0;
	for (i = 0; i < 256 * 1024; i++)
		bad |= start[i];
	CHECK(bad == 0, "all of it reads as zero");
	for (i = 0; i < 256 * 1024; i++)
		start[i] = (char)i;
	bad = 0;
	for (i = 0; i < 256 * 1024; i++)
		bad |= start[i] != (char)i;
	CHECK(bad == 0, "writes to the heap read back");
	cur = (char *)syscall(SYS_brk, start + 4096);
	CHECK(cur == start + 4096, "brk shrank the heap");
	CHECK(start[100] == 100, "the kept page keeps its data");
	cur = (char *)syscall(SYS_brk, start + 8192);
	CHECK(cur == start + 8192 && start[4096] == 0,
	      "memory given back and taken again is zero");
	cur = (char *)syscall(SYS_brk, (char *)0x10000);
	CHECK(cur == start + 8192, "a brk below the start fails with the old break");
	cur = (char *)syscall(SYS_brk, start);
	CHECK(cur == start, "brk back to the start");
	return 0;
}
