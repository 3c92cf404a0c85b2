/*
 * /proc/self/maps describes the address space exactly: a file mapped
 * in three parts with different protections shows three lines with the
 * right permissions, offsets, lengths and name; an anonymous mapping and
 * a mprotect'ed hole split as Linux splits them; mremap and munmap show;
 * the heap, stack and vDSO are named.  Addresses differ from run to run,
 * so each line is printed as its length, permissions, offset and name.
 */
#include <sys/mman.h>

#include "guest.h"

#define PAGE 4096UL

/* Print the maps lines that overlap [lo, hi), addresses made relative. */
static void
show(const char *what, const void *lo_p, size_t len)
{
	unsigned long lo = (unsigned long)lo_p, hi = lo + len, a, b, off;
	char line[512], perms[8], name[256];
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		err(1, "/proc/self/maps");
	printf("%s:\n", what);
	while (fgets(line, sizeof(line), f)) {
		name[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %255[^\n]", &a, &b, perms,
			   &off, name) < 4)
			errx(1, "bad maps line: %s", line);
		if (b <= lo || a >= hi)
			continue;
		printf("  +%lu pages, %lu pages: %s offset %lu %s\n",
		       (a - lo) / PAGE, (b - a) / PAGE, perms, off / PAGE,
		       strrchr(name, '/') ? strrchr(name, '/') + 1 : name);
	}
	fclose(f);
}

static int
named_present(const char *name)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, name) != NULL;
	if (f)
		fclose(f);
	return found;
}

int
main(void)
{
	char *file, *anon, *grown, buf[PAGE];
	int fd;

	tmpdir_enter();
	memset(buf, 'x', sizeof(buf));
	fd = OK(open("mapped-file", O_RDWR | O_CREAT, 0644));
	for (int i = 0; i < 8; i++)
		OK(write(fd, buf, sizeof(buf)));

	/* Reserve 8 pages, then map the file over them in three parts. */
	file = mmap(NULL, 8 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (file == MAP_FAILED)
		err(1, "mmap reserve");
	if (mmap(file, 2 * PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED ||
	    mmap(file + 2 * PAGE, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, 2 * PAGE) == MAP_FAILED ||
	    mmap(file + 5 * PAGE, 3 * PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED,
		 fd, 5 * PAGE) == MAP_FAILED)
		err(1, "mmap file parts");
	show("a file mapped in three parts", file, 8 * PAGE);

	OK(munmap(file + 3 * PAGE, PAGE));
	show("one page unmapped from the middle", file, 8 * PAGE);

	anon = mmap(NULL, 6 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		err(1, "mmap anon");
	OK(mprotect(anon + 2 * PAGE, 2 * PAGE, PROT_READ));
	show("anonymous memory with a read-only hole", anon, 6 * PAGE);
	OK(mprotect(anon + 2 * PAGE, 2 * PAGE, PROT_READ | PROT_WRITE));
	show("the hole made writable again merges", anon, 6 * PAGE);

	grown = mremap(anon, 6 * PAGE, 12 * PAGE, MREMAP_MAYMOVE);
	if (grown == MAP_FAILED)
		err(1, "mremap");
	show("grown by mremap", grown, 12 * PAGE);

	CHECK(named_present("[heap]") || sbrk(0) == NULL, "[heap] named once the heap exists");
	CHECK(named_present("[stack]"), "[stack] named");
	CHECK(named_present("[vdso]"), "[vdso] named");
	close(fd);
	return 0;
}
