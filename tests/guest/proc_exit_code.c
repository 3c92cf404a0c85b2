/* Exit with the status given as argv[1] (0 without one). */
#include "guest.h"

int
main(int argc, char **argv)
{
	int code = argc > 1 ? atoi(argv[1]) : 0;

	printf("exiting with %d\n", code);
	return code;
}
