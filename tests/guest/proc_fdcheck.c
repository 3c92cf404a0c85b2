/* With an fd number argument, say whether that fd is closed (EBADF). */
#include "guest.h"

int
main(int argc, char **argv)
{
	int fd;

	if (argc < 2) {
		printf("usage: proc_fdcheck FD\n");
		return 0;
	}
	fd = atoi(argv[1]);
	FAILS(fcntl(fd, F_GETFD), EBADF, "the close-on-exec fd after execve");
	return 0;
}
