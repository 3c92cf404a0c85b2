/*
 * Print argc, argv and the environment, one entry a line in <>, so a test
 * can see exactly what a program (often init) was given.  argv[0] is
 * printed without its directory, which differs between host and guest.
 */
#include "guest.h"

extern char **environ;

int
main(int argc, char **argv)
{
	char **e;
	int i;

	printf("argc=%d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv[%d]=<%s>\n", i, i == 0 ? basename(argv[0]) : argv[i]);
	for (e = environ; *e; e++)
		printf("env=<%s>\n", *e);
	return 0;
}
