/*
 * setfsuid(2) and setfsgid(2): they return the old id and never fail; an
 * unprivileged process may pick its real, effective, saved or current fs
 * id; every change of the effective id resets the fs id; files are created
 * with the fs ids and checked against them.
 */
#include <grp.h>
#include <sys/fsuid.h>

#include "guest.h"

static void
show_owner(const char *name)
{
	struct stat st;

	OK(stat(name, &st));
	printf("%s is owned by %u:%u\n", name, st.st_uid, st.st_gid);
}

static int
fsids(void)
{
	int fd;

	CHECK(setfsuid(1000) == 0, "setfsuid(1000) as root returns the old 0");
	CHECK(setfsgid(100) == 0, "setfsgid(100) as root returns the old 0");
	CHECK(setfsuid(-1) == 1000, "setfsuid(-1) reports 1000 and keeps it");
	CHECK(setfsgid(-1) == 100, "setfsgid(-1) reports 100 and keeps it");
	fd = OK(open("byfs", O_CREAT | O_WRONLY, 0600));
	OK(close(fd));
	show_owner("byfs");
	FAILS(open("rootonly", O_RDONLY), EACCES,
	      "a 0600 root file with fsuid 1000");
	CHECK(geteuid() == 0, "the effective uid is still 0");
	OK(seteuid(0));
	CHECK(setfsuid(-1) == 0, "seteuid resets the fs uid to the euid");
	OK(setegid(0));
	CHECK(setfsgid(-1) == 0, "setegid resets the fs gid to the egid");
	fd = OK(open("rootonly", O_RDONLY));
	OK(close(fd));
	CHECK(1, "readable again with fsuid 0");
	return 0;
}

static int
unprivileged(void)
{
	OK(setresgid(100, 200, 300));
	OK(setresuid(1000, 2000, 3000));
	CHECK(setfsuid(3000) == 2000, "setfsuid to the saved uid returns 2000");
	CHECK(setfsuid(4000) == 3000, "setfsuid to a foreign uid returns 3000");
	CHECK(setfsuid(-1) == 3000, "and did not change it");
	CHECK(setfsuid(1000) == 3000, "setfsuid to the real uid");
	CHECK(setfsuid(0) == 1000, "setfsuid(0) without root");
	CHECK(setfsuid(-1) == 1000, "and did not change it");
	CHECK(setfsgid(300) == 200, "setfsgid to the saved gid returns 200");
	CHECK(setfsgid(0) == 300, "setfsgid(0) without root");
	CHECK(setfsgid(-1) == 300, "and did not change it");
	OK(setresuid(-1, 3000, -1));
	CHECK(setfsuid(-1) == 3000, "setresuid moved the fs uid to the euid");
	OK(setregid(-1, 100));
	CHECK(setfsgid(-1) == 100, "setregid moved the fs gid to the egid");
	return 0;
}

/* setresuid that changes nothing keeps the fs uid; setreuid resets it. */
static int
no_change(void)
{
	OK(setresuid(1000, 2000, 3000));
	CHECK(setfsuid(3000) == 2000, "fs uid 3000 from the saved uid");
	OK(setresuid(-1, -1, -1));
	CHECK(setfsuid(-1) == 3000, "setresuid(-1, -1, -1) kept the fs uid");
	OK(setresuid(1000, -1, 3000));
	CHECK(setfsuid(-1) == 3000, "setresuid to the same ids kept it");
	OK(setreuid(-1, -1));
	CHECK(setfsuid(-1) == 2000, "setreuid(-1, -1) reset it to the euid");
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
	OK(chmod(".", 0777));
	put_file("rootonly", "secret\n");
	OK(chmod("rootonly", 0600));
	run("fsids", fsids);
	run("unprivileged", unprivileged);
	run("no_change", no_change);
	return 0;
}
