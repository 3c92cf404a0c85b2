/* After fork, each side's writes to private memory are its own. */
#include <sys/mman.h>

#include "guest.h"

static char heap_like[8192] = "parent";
static char *anon;

static int
child(void)
{
	if (strcmp(heap_like, "parent") != 0 || strcmp(anon, "anon") != 0)
		return 2;
	strcpy(heap_like, "child");
	strcpy(anon, "child");
	return strcmp(heap_like, "child") == 0 ? 0 : 3;
}

int
main(void)
{
	int st;
	char *shared;

	anon = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED || shared == MAP_FAILED)
		err(1, "mmap");
	strcpy(anon, "anon");
	st = run_child(child);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "the child saw the parent's data and wrote its own: %s", wstatus_str(st));
	CHECK(strcmp(heap_like, "parent") == 0, "the parent's data segment is unchanged");
	CHECK(strcmp(anon, "anon") == 0, "the parent's private mapping is unchanged");

	fflush(stdout);
	if (OK(fork()) == 0) {
		strcpy(shared, "from the child");
		_exit(0);
	}
	OK(wait(&st));
	CHECK(strcmp(shared, "from the child") == 0,
	      "a MAP_SHARED|MAP_ANONYMOUS store is seen by the parent");
	return 0;
}
