/* mremap grows, shrinks and moves mappings keeping their contents; mincore. */
#include <sys/mman.h>

#include "guest.h"

#define PG 4096

static void
fill(char *p, size_t n, char c)
{
	memset(p, c, n);
}

int
main(void)
{
	char *a, *b, *blocker, *spot, vec[8];
	size_t i;

	a = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		err(1, "mmap");
	fill(a, 2 * PG, 'a');
	b = mremap(a, 2 * PG, 8 * PG, MREMAP_MAYMOVE);
	CHECK(b != MAP_FAILED, "growing with MREMAP_MAYMOVE works");
	for (i = 0; i < 2 * PG && b[i] == 'a'; i++)
		;
	CHECK(i == 2 * PG, "the old contents came along");
	fill(b + 2 * PG, 6 * PG, 'b');
	CHECK(b[8 * PG - 1] == 'b', "the new part is usable");
	CHECK(mremap(b, 8 * PG, 3 * PG, 0) == b, "shrinking stays in place");

	blocker = mmap(b + 3 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(blocker == b + 3 * PG, "a page right after the mapping");
	FAILS((long)mremap(b, 3 * PG, 4 * PG, 0), ENOMEM,
	      "growing into it without MREMAP_MAYMOVE");

	spot = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	OK(munmap(spot, 4 * PG));
	CHECK(mremap(b, 3 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, spot) ==
		      spot,
	      "MREMAP_FIXED moves to the given address");
	CHECK(spot[0] == 'a' && spot[2 * PG] == 'b', "and keeps the contents");
	FAILS(mincore(b, PG, (unsigned char *)vec), ENOMEM,
	      "the old place is no longer mapped (mincore)");
	OK(mincore(spot, 4 * PG, (unsigned char *)vec));
	CHECK(vec[0] & 1, "mincore says a touched page is resident");
	FAILS((long)mremap(spot + 1, PG, 2 * PG, MREMAP_MAYMOVE), EINVAL,
	      "an unaligned address");
	FAILS((long)mremap(spot, PG, 2 * PG, MREMAP_FIXED, spot + 64 * PG),
	      EINVAL, "MREMAP_FIXED without MREMAP_MAYMOVE");
	return 0;
}
