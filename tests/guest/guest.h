/*
 * Helpers shared by the guest test programs (tests/guest/NAME.c).
 *
 * Each program checks one behaviour, prints one deterministic line per
 * check and exits 0; on the first failed check it exits 1 through errx with
 * a sentence saying what went wrong.  The same binary runs natively on the
 * host and inside umk (tests/differential.bats), and the two outputs must be
 * identical, so nothing printed may depend on pids, addresses, times, fd
 * numbers, uids or the working directory.
 *
 * stdout is line buffered everywhere (a pipe on the host, the console in the
 * guest), so a fork never duplicates half-written output.
 */
#ifndef TESTS_GUEST_H
#define TESTS_GUEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((constructor)) static void
guest_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* If cond holds, print the statement; else fail with it. */
#define CHECK(cond, ...) check_((cond), __LINE__, __VA_ARGS__)

__attribute__((format(printf, 3, 4))) static inline void
check_(int ok, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (ok) {
		vprintf(fmt, ap);
		putchar('\n');
		va_end(ap);
		return;
	}
	fflush(stdout);
	fprintf(stderr, "line %d: not true: ", line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* A call that must succeed: returns its result or fails the program. */
#define OK(call) ok_((long)(call), __LINE__, #call)

static inline long
ok_(long ret, int line, const char *what)
{
	if (ret == -1)
		err(1, "line %d: %s", line, what);
	return ret;
}

/*
 * A call that must fail with errno err: prints "what: ENAME" and returns,
 * or exits saying what happened instead.
 */
#define FAILS(call, err, what) fails_((long)(call), (err), __LINE__, (what))

static inline void
fails_(long ret, int want, int line, const char *what)
{
	int e = errno;

	if (ret != -1)
		errx(1, "line %d: %s: succeeded (returned %ld), want %s", line,
		     what, ret, strerrorname_np(want));
	if (e != want)
		errx(1, "line %d: %s: failed with %s, want %s", line, what,
		     strerrorname_np(e), strerrorname_np(want));
	printf("%s: %s\n", what, strerrorname_np(want));
}

/* Describe a wait status the same way everywhere. */
static inline const char *
wstatus_str(int st)
{
	static char buf[64];

	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by %s",
			 sigabbrev_np(WTERMSIG(st)));
	else if (WIFSTOPPED(st))
		snprintf(buf, sizeof(buf), "stopped by %s",
			 sigabbrev_np(WSTOPSIG(st)));
	else
		snprintf(buf, sizeof(buf), "status 0x%x", st);
	return buf;
}

/* Fork, run fn in the child (which exits with its return), wait for it. */
static inline int
run_child(int (*fn)(void))
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(fn());
	if (OK(waitpid(pid, &st, 0)) != pid)
		errx(1, "waitpid returned another child");
	return st;
}

static char guest_tmpdir[64];
static pid_t guest_tmpdir_owner;

static inline int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static inline void
tmpdir_remove(void)
{
	if (getpid() != guest_tmpdir_owner || guest_tmpdir[0] == '\0')
		return;
	if (chdir("/") == 0)
		nftw(guest_tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Make a fresh directory under parent, chdir into it and remove it at
 * exit.  The path is never printed: it differs from run to run.
 */
static inline void
tmpdir_enter_in(const char *parent)
{
	snprintf(guest_tmpdir, sizeof(guest_tmpdir), "%s/umk-guest.XXXXXX",
		 strcmp(parent, "/") == 0 ? "" : parent);
	if (mkdtemp(guest_tmpdir) == NULL)
		err(1, "mkdtemp in %s", parent);
	guest_tmpdir_owner = getpid();
	atexit(tmpdir_remove);
	OK(chdir(guest_tmpdir));
}

/* The same under /tmp. */
static inline void
tmpdir_enter(void)
{
	tmpdir_enter_in("/tmp");
}

/*
 * The same in the first of /tmp, /var/tmp and / that is a writable ext4
 * (the guest's /tmp is a tmpfs), for tests of what only disk filesystems
 * do.
 */
static inline void
tmpdir_enter_ext4(void)
{
	static const char *const parents[] = { "/tmp", "/var/tmp", "/" };
	struct statfs sf;
	size_t i;

	for (i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
		if (statfs(parents[i], &sf) == 0 && sf.f_type == 0xEF53 &&
		    access(parents[i], W_OK) == 0) {
			tmpdir_enter_in(parents[i]);
			return;
		}
	}
	errx(1, "no writable ext4 directory among /tmp, /var/tmp and /");
}

/* Write all of buf to a new file called name (mode 0644). */
static inline void
put_file(const char *name, const char *buf)
{
	int fd = OK(open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	size_t n = strlen(buf);

	if (OK(write(fd, buf, n)) != (long)n)
		errx(1, "short write to %s", name);
	OK(close(fd));
}

/* The directory part of argv[0], to find the other test programs. */
static inline const char *
self_dir(const char *argv0)
{
	static char dir[4096];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", argv0);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return ".";
	*slash = '\0';
	return dir[0] ? dir : "/";
}

#endif
