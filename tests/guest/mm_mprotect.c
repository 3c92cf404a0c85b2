/* mprotect: read-only stores and PROT_NONE loads fault; RW again works. */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

static char *page;

static int
store(void)
{
	page[1] = 1;
	return 0;
}

static int
load(void)
{
	return *(volatile char *)page;
}

int
main(void)
{
	int st;

	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		err(1, "mmap");
	page[0] = 42;
	OK(mprotect(page, 4096, PROT_READ));
	CHECK(page[0] == 42, "a read-only page keeps its data");
	st = run_child(store);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "store to a PROT_READ page: %s", wstatus_str(st));
	page[4096] = 1;
	CHECK(page[4096] == 1, "the next page is still writable");

	OK(mprotect(page, 4096, PROT_NONE));
	st = run_child(load);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	      "load from a PROT_NONE page: %s", wstatus_str(st));

	OK(mprotect(page, 4096, PROT_READ | PROT_WRITE));
	page[1] = 7;
	CHECK(page[0] == 42 && page[1] == 7, "PROT_READ|PROT_WRITE works again");
	FAILS(mprotect(page + 1, 4096, PROT_READ), EINVAL,
	      "mprotect of an unaligned address");
	OK(munmap(page, 8192));
	FAILS(mprotect(page, 4096, PROT_READ), ENOMEM, "mprotect of unmapped memory");
	return 0;
}
