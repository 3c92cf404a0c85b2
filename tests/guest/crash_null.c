/*
 * Dereference NULL: the process dies of SIGSEGV (a shell reports 139).
 * Not a check that passes: tests use it as a crashing program and as an
 * init that dies of a signal.
 */
#include "guest.h"

int
main(void)
{
	volatile int *p = NULL;

	printf("dereferencing NULL\n");
	fflush(stdout);
	return *p;
}
