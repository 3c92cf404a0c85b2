/*
 * RLIMIT_FSIZE: a write stops at the limit, one starting at it fails with
 * EFBIG and raises SIGXFSZ (which kills by default); truncate, ftruncate
 * and fallocate past it fail the same way; pipes are not files.
 */
#include <signal.h>
#include <sys/resource.h>

#include "guest.h"

#define LIMIT 10000

static volatile sig_atomic_t xfsz;

static void
on_xfsz(int sig)
{
	(void)sig;
	xfsz++;
}

static void
set_limit(void)
{
	struct rlimit rl = { LIMIT, LIMIT };

	OK(setrlimit(RLIMIT_FSIZE, &rl));
}

static int
killed_by_default(void)
{
	int fd = OK(open("killed", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	static char buf[LIMIT + 10];

	set_limit();
	(void)!write(fd, buf, sizeof(buf)); /* stops at the limit */
	(void)!write(fd, buf, 1);	  /* at it: SIGXFSZ */
	return 0;
}

int
main(void)
{
	static char buf[8000];
	struct sigaction sa = { .sa_handler = on_xfsz };
	int fd, p[2], st;

	tmpdir_enter();
	st = run_child(killed_by_default);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ, "default action: %s", wstatus_str(st));

	OK(sigaction(SIGXFSZ, &sa, NULL));
	set_limit();
	fd = OK(open("file", O_RDWR | O_CREAT | O_TRUNC, 0644));
	CHECK(write(fd, buf, sizeof(buf)) == 8000, "8000 bytes under the limit");
	CHECK(write(fd, buf, 4000) == 2000 && xfsz == 0, "a write across it stops at it, no signal");
	FAILS(write(fd, buf, 1), EFBIG, "a write at the limit");
	CHECK(xfsz == 1, "and it raised SIGXFSZ");
	FAILS(pwrite(fd, buf, 1, 20000), EFBIG, "pwrite past the limit");
	FAILS(ftruncate(fd, LIMIT + 1), EFBIG, "ftruncate past the limit");
	FAILS(truncate("file", LIMIT + 1), EFBIG, "truncate past the limit");
	CHECK(ftruncate(fd, 5000) == 0 && ftruncate(fd, LIMIT) == 0, "truncating within it");
	FAILS(fallocate(fd, 0, 0, LIMIT + 1), EFBIG, "fallocate past the limit");
	CHECK(xfsz == 5, "each failure raised SIGXFSZ (%d)", (int)xfsz);
	OK(pipe(p));
	CHECK(write(p[1], buf, sizeof(buf)) == 8000, "a pipe is not held to it");
	return 0;
}
