/* Execute ud2: the process dies of SIGILL (a shell reports 132). */
#include "guest.h"

int
main(void)
{
	printf("executing ud2\n");
	fflush(stdout);
	__builtin_trap();
}
