/* A stopped job whose group is orphaned gets SIGHUP and SIGCONT. */
#include <signal.h>
#include <sys/wait.h>

#include "guest.h"

static void
on_hup(int sig)
{
	static const char msg[] = "the stopped child got SIGHUP\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(0);
}

int
main(void)
{
	pid_t mid = OK(fork());

	if (mid == 0) {
		OK(setpgid(0, 0));
		if (OK(fork()) == 0) {
			signal(SIGHUP, on_hup);
			raise(SIGSTOP);
			printf("continued without SIGHUP\n");
			_exit(1);
		}
		usleep(200000);
		_exit(0); /* leaves the stopped child's group orphaned */
	}
	OK(waitpid(mid, NULL, 0));
	sleep(1);
	printf("the middle process is gone\n");
	return 0;
}
