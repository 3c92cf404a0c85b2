/*
 * execve's edges: the argument size limits (E2BIG for one string over
 * 128 KiB and for a total over a quarter of the stack limit, while a large
 * list under both runs), execveat (by fd with AT_EMPTY_PATH, relative to a
 * directory fd, ELOOP for a symlink with AT_SYMLINK_NOFOLLOW), fexecve,
 * ENOEXEC for a file that is neither ELF nor #!, and the auxiliary vector
 * the new image receives.
 */
#include <elf.h>
#include <libgen.h>
#include <sys/auxv.h>
#include <sys/resource.h>

#include "guest.h"

#define ONE_ARG_MAX (32 * 4096)

/* The exec'd image: argc and the length of the strings after argv[0]. */
static int
report_args(int argc, char **argv)
{
	size_t total = 0;
	int i;

	for (i = 1; i < argc; i++)
		total += strlen(argv[i]) + 1;
	printf("child: argc=%d, %zu bytes of arguments\n", argc, total);
	return 0;
}

static int
report_auxv(const char *path)
{
	const unsigned char *vdso = (const void *)getauxval(AT_SYSINFO_EHDR);
	const unsigned char *rnd = (const void *)getauxval(AT_RANDOM);
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const Elf64_Phdr *ph = (const void *)getauxval(AT_PHDR);
	unsigned long i, n = getauxval(AT_PHNUM), has_load = 0, zero = 0;

	CHECK(getauxval(AT_PAGESZ) == 4096, "auxv: AT_PAGESZ 4096");
	CHECK(getauxval(AT_PHENT) == sizeof(Elf64_Phdr), "auxv: AT_PHENT is an Elf64_Phdr");
	for (i = 0; ph && i < n; i++)
		has_load |= ph[i].p_type == PT_LOAD;
	CHECK(has_load, "auxv: AT_PHDR/AT_PHNUM point at our program headers");
	CHECK(getauxval(AT_ENTRY) != 0, "auxv: AT_ENTRY set");
	CHECK(getauxval(AT_CLKTCK) == 100, "auxv: AT_CLKTCK 100");
	CHECK(getauxval(AT_SECURE) == 0, "auxv: AT_SECURE 0 for a plain program");
	CHECK(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
		      getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid(),
	      "auxv: AT_UID, AT_EUID, AT_GID, AT_EGID match the credentials");
	CHECK(getauxval(AT_HWCAP) != 0, "auxv: AT_HWCAP set");
	for (i = 0; rnd && i < 16; i++)
		zero += rnd[i] == 0;
	CHECK(rnd && zero < 8, "auxv: AT_RANDOM points at 16 random bytes");
	CHECK(execfn && strcmp(execfn, path) == 0, "auxv: AT_EXECFN is the path given to execve");
	CHECK(vdso && memcmp(vdso, ELFMAG, SELFMAG) == 0, "auxv: AT_SYSINFO_EHDR is an ELF image");
	return 0;
}

static int
run_and_wait(const char *what, const char *path, char **argv, int flags, int dirfd)
{
	char *noenv[] = { NULL };
	pid_t pid;
	int st;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		if (dirfd == -2)
			fexecve(flags, argv, noenv);
		else if (dirfd != -1 || flags)
			syscall(SYS_execveat, dirfd, path, argv, noenv, flags);
		else
			execve(path, argv, noenv);
		printf("%s: %s\n", what, strerrorname_np(errno));
		_exit(0);
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s", what, wstatus_str(st));
	return 0;
}

static void
check_limits(const char *self)
{
	static char big[ONE_ARG_MAX + 100];
	char **argv = calloc(64, sizeof(*argv));
	struct rlimit stack;
	size_t chunk = 100 * 1024, quarter;
	int i, n;

	memset(big, 'a', sizeof(big) - 1);
	argv[0] = (char *)self;
	argv[1] = "args";
	argv[2] = big;
	run_and_wait("one string longer than 128 KiB", self, argv, 0, -1);

	big[ONE_ARG_MAX - 1] = '\0';
	run_and_wait("one string of 128 KiB less one byte", self, argv, 0, -1);

	OK(getrlimit(RLIMIT_STACK, &stack));
	quarter = stack.rlim_cur / 4;
	big[chunk] = '\0';
	n = (int)(quarter / chunk) + 2;
	for (i = 2; i < 2 + n && i < 63; i++)
		argv[i] = big;
	argv[i] = NULL;
	run_and_wait("strings over a quarter of the stack limit", self, argv, 0, -1);

	argv[8] = NULL;
	run_and_wait("six strings of 100 KiB", self, argv, 0, -1);
	free(argv);
}

static void
check_execveat(const char *self)
{
	char dir[4096], *base, *args[] = { "prog", "args", NULL };
	char *aux[] = { "prog", "auxv", (char *)self, NULL };
	int fd, dfd;

	snprintf(dir, sizeof(dir), "%s", self);
	base = basename(dir);
	fd = OK(open(self, O_RDONLY | O_CLOEXEC));
	run_and_wait("execveat(fd, \"\", AT_EMPTY_PATH)", "", args, AT_EMPTY_PATH, fd);
	run_and_wait("fexecve", NULL, args, fd, -2);
	snprintf(dir, sizeof(dir), "%s", self_dir(self));
	dfd = OK(open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	{
		char name[256];

		snprintf(name, sizeof(name), "%s", base);
		run_and_wait("execveat(dirfd, name)", name, args, 0, dfd);
	}
	close(dfd);
	close(fd);

	tmpdir_enter();
	OK(symlink(self, "link"));
	run_and_wait("execveat of a symlink with AT_SYMLINK_NOFOLLOW", "link", args,
		     AT_SYMLINK_NOFOLLOW, AT_FDCWD);
	run_and_wait("execveat of a symlink, followed", "link", args, 0, AT_FDCWD);
	put_file("text", "just some words\n");
	OK(chmod("text", 0755));
	run_and_wait("execve of a file that is neither ELF nor #!", "text", args, 0, -1);
	run_and_wait("execve with an empty path", "", args, 0, -1);
	run_and_wait("auxv of the new image", self, aux, 0, -1);
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "args") == 0)
		return report_args(argc, argv);
	if (argc == 3 && strcmp(argv[1], "auxv") == 0)
		return report_auxv(argv[2]);
	if (argv[0][0] != '/')
		errx(1, "run me by absolute path");
	check_limits(argv[0]);
	check_execveat(argv[0]);
	return 0;
}
