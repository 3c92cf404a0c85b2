/*
 * access(2) and faccessat(2) check with the real uid and gid, open(2) with
 * the effective (filesystem) ones; AT_EACCESS makes faccessat use the
 * effective ids too.
 */
#include <grp.h>

#include "guest.h"

/* Real uid 65534, effective 0: open works, access does not. */
static int
real_nobody(void)
{
	int fd;

	OK(setresgid(65534, 0, 0));
	OK(setresuid(65534, 0, 0));
	fd = OK(open("secret", O_RDONLY));
	OK(close(fd));
	CHECK(1, "open of a 0600 root file with euid 0");
	FAILS(access("secret", R_OK), EACCES, "access(R_OK) with real uid 65534");
	CHECK(access("secret", F_OK) == 0, "access(F_OK) only needs the path");
	CHECK(faccessat(AT_FDCWD, "secret", R_OK, AT_EACCESS) == 0,
	      "faccessat(AT_EACCESS) uses the euid");
	FAILS(access("closed/f", F_OK), EACCES,
	      "access(F_OK) through a 0700 root directory");
	CHECK(access("nobodys", R_OK | W_OK) == 0,
	      "access(R_OK|W_OK) of a 0600 file the real uid owns");
	fd = OK(open("nobodys", O_RDWR));
	OK(close(fd));
	CHECK(1, "open of it with euid 0");
	CHECK(access("grp", R_OK) == 0,
	      "access(R_OK) of a 0040 file of the real gid");
	CHECK(geteuid() == 0 && getegid() == 0, "access left the ids alone");
	return 0;
}

/* Real uid 0, effective 65534: the other way round. */
static int
real_root(void)
{
	OK(setresuid(0, 65534, 65534));
	FAILS(open("secret", O_RDONLY), EACCES, "open of a 0600 root file with euid 65534");
	CHECK(access("secret", R_OK | W_OK) == 0, "access as the real uid 0");
	FAILS(faccessat(AT_FDCWD, "secret", R_OK, AT_EACCESS), EACCES,
	      "faccessat(AT_EACCESS) as euid 65534");
	FAILS(access("secret", X_OK), EACCES, "access(X_OK) of a 0600 file as root");
	FAILS(access("secret", 8), EINVAL, "access with an invalid mode");
	return 0;
}

static void
run(const char *name, int (*fn)(void))
{
	int st = run_child(fn);

	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s", name,
	      wstatus_str(st));
}

int
main(void)
{
	if (getuid() != 0 || geteuid() != 0) {
		printf("not root: nothing checked\n");
		return 0;
	}
	OK(setgroups(0, NULL));
	tmpdir_enter();
	OK(chmod(".", 0755));
	put_file("secret", "x\n");
	OK(chmod("secret", 0600));
	put_file("nobodys", "x\n");
	OK(chown("nobodys", 65534, 0));
	OK(chmod("nobodys", 0600));
	put_file("grp", "x\n");
	OK(chown("grp", 0, 65534));
	OK(chmod("grp", 0040));
	OK(mkdir("closed", 0700));
	put_file("closed/f", "x\n");
	run("real_nobody", real_nobody);
	run("real_root", real_root);
	return 0;
}
