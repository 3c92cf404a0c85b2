/*
 * setgroups(2) and getgroups(2): root sets the supplementary groups (kept
 * sorted), getgroups(0) counts them, a short buffer is EINVAL, more than
 * NGROUPS_MAX is EINVAL, bad pointers are EFAULT, and only root may set
 * them.  A supplementary group grants group access to files.
 */
#include <grp.h>
#include <limits.h>

#include "guest.h"

static void
show_groups(const char *when)
{
	gid_t g[16];
	int i, n = OK(getgroups(16, g));

	printf("%s: %d groups:", when, n);
	for (i = 0; i < n; i++)
		printf(" %u", g[i]);
	printf("\n");
}

static int
groups(void)
{
	gid_t set[] = { 300, 100, 200, 100 }, g[4];
	static gid_t big[NGROUPS_MAX + 1];

	OK(setgroups(4, set));
	show_groups("setgroups(300, 100, 200, 100)");
	CHECK(getgroups(0, NULL) == 4, "getgroups(0, NULL) counts 4");
	CHECK(getgroups(0, (gid_t *)8) == 4, "getgroups(0) ignores the pointer");
	FAILS(getgroups(3, g), EINVAL, "getgroups with room for 3 of 4");
	CHECK(getgroups(4, g) == 4, "getgroups with room for exactly 4");
	FAILS(syscall(SYS_getgroups, -1, g), EINVAL, "getgroups with a negative size");
	FAILS(syscall(SYS_getgroups, 4, (gid_t *)8), EFAULT, "getgroups to a bad pointer");
	FAILS(setgroups(2, (gid_t *)8), EFAULT, "setgroups from a bad pointer");
	FAILS(setgroups(NGROUPS_MAX + 1, big), EINVAL,
	      "setgroups of NGROUPS_MAX + 1 groups");
	FAILS(syscall(SYS_setgroups, -1, set), EINVAL,
	      "setgroups with a negative size");
	set[1] = (gid_t)-1;
	FAILS(setgroups(4, set), EINVAL, "setgroups with group -1");
	show_groups("the failed calls changed nothing");
	OK(setgroups(NGROUPS_MAX, big));
	CHECK(getgroups(0, NULL) == NGROUPS_MAX, "NGROUPS_MAX groups are fine");
	OK(setgroups(0, NULL));
	show_groups("setgroups(0, NULL) empties the list");
	return 0;
}

static int
group_access(void)
{
	gid_t set[] = { 100 };
	int fd;

	OK(setgroups(1, set));
	OK(setresgid(200, 200, 200));
	OK(setresuid(1000, 1000, 1000));
	fd = OK(open("grp100", O_RDONLY));
	OK(close(fd));
	CHECK(1, "a 0040 file of group 100 is readable through a supplementary group");
	FAILS(open("grp300", O_RDONLY), EACCES, "a 0040 file of another group");
	FAILS(setgroups(0, NULL), EPERM, "setgroups without root");
	FAILS(setgroups(1, set), EPERM, "setgroups of the same list without root");
	show_groups("unchanged");
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
	show_groups("start");
	tmpdir_enter();
	OK(chmod(".", 0755));
	put_file("grp100", "x\n");
	OK(chown("grp100", 0, 100));
	OK(chmod("grp100", 0040));
	put_file("grp300", "x\n");
	OK(chown("grp300", 0, 300));
	OK(chmod("grp300", 0040));
	run("groups", groups);
	run("group_access", group_access);
	return 0;
}
