/*
 * Small host services for the core: clocks, randomness, memfds, the log
 * stream, backtraces and the way out (host_exit).  Thin wrappers that
 * return -errno and retry EINTR.
 */
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "host/host_internal.h"

int64_t
host_clock(int clockid)
{
	struct timespec ts;

	clock_gettime(clockid, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
host_random(void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n <= 0)
			continue;
		p += n;
		len -= (size_t)n;
	}
}

long
host_page_size(void)
{
	return 4096;
}

int
host_memfd_create(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

ssize_t
host_pread(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	do
		n = pread(fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

ssize_t
host_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	do
		n = pwrite(fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int
host_ftruncate(int fd, uint64_t len)
{
	return ftruncate(fd, (off_t)len) < 0 ? -errno : 0;
}

int
host_punch_hole(int fd, uint64_t off, uint64_t len)
{
	return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 (off_t)off, (off_t)len) < 0 ? -errno : 0;
}

void
host_close(int fd)
{
	close(fd);
}

void *
host_stack_alloc(size_t size)
{
	char *p = mmap(NULL, size + 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	mprotect(p, 4096, PROT_NONE);
	return p + 4096;
}

void
host_stack_free(void *stack, size_t size)
{
	munmap((char *)stack - 4096, size + 4096);
}

void
host_log_write(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(2, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

void
host_backtrace(void)
{
	void *frames[64];
	int n = backtrace(frames, 64);

	backtrace_symbols_fd(frames, n, 2);
}

#define MAX_EXIT_HOOKS 16
static void (*exit_hooks[MAX_EXIT_HOOKS])(void);
static int nr_exit_hooks;

void
host_atexit(void (*fn)(void))
{
	if (nr_exit_hooks < MAX_EXIT_HOOKS)
		exit_hooks[nr_exit_hooks++] = fn;
}

/*
 * Guests would die with vmlinux anyway (PTRACE_O_EXITKILL), but killing and
 * reaping them first makes sure none is left when our parent sees us exit.
 */
noreturn void
host_exit(int status)
{
	trace_shutdown();
	while (nr_exit_hooks > 0)
		exit_hooks[--nr_exit_hooks]();
	_exit(status);
}
