/*
 * setresuid(2) and setresgid(2): root sets any ids, others may set each of
 * the three to any of their current real, effective or saved ids; -1 keeps
 * one; a failed call changes nothing.
 */
#include <grp.h>
#include <sys/fsuid.h>

#include "guest.h"

static void
show_ids(const char *when)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	OK(getresuid(&r, &e, &s));
	OK(getresgid(&gr, &ge, &gs));
	printf("%s: uids %u %u %u fs %d, gids %u %u %u fs %d\n", when, r, e, s,
	       setfsuid(-1), gr, ge, gs, setfsgid(-1));
}

static int
resuid(void)
{
	OK(setresuid(-1, -1, -1));
	show_ids("setresuid(-1, -1, -1)");
	OK(setresuid(1000, -1, 3000));
	show_ids("root setresuid(1000, -1, 3000)");
	OK(setresuid(-1, 2000, -1));
	show_ids("root setresuid(-1, 2000, -1)");
	FAILS(setresuid(-1, 0, -1), EPERM, "effective uid 0 once no id is 0");
	FAILS(setresuid(1000, 4000, 3000), EPERM,
	      "one foreign uid among known ones");
	show_ids("the failed calls changed nothing");
	OK(setresuid(3000, 1000, 2000));
	show_ids("permute the three");
	OK(setresuid(2000, 2000, 2000));
	show_ids("all to one");
	FAILS(setresuid(1000, -1, -1), EPERM, "back to a dropped uid");
	return 0;
}

static int
resuid_saved_root(void)
{
	OK(setresuid(1000, 1000, 0));
	OK(setresuid(-1, 0, -1));
	show_ids("effective 0 through the saved uid");
	OK(setresuid(5000, 6000, 7000));
	show_ids("then anything");
	return 0;
}

static int
resgid(void)
{
	OK(setresgid(100, 200, 300));
	show_ids("root setresgid(100, 200, 300)");
	OK(setresgid(0, 0, 0));
	show_ids("root setresgid(0, 0, 0): euid 0 may");
	OK(setresgid(100, 200, 300));
	OK(setresuid(1000, 1000, 1000));
	FAILS(setresgid(0, -1, -1), EPERM, "real gid 0 without root");
	OK(setresgid(300, 100, 200));
	show_ids("permute the gids");
	OK(setresgid(-1, 300, -1));
	show_ids("setresgid(-1, 300, -1)");
	return 0;
}

static int
efault(void)
{
	uid_t u;

	FAILS(syscall(SYS_getresuid, (uid_t *)8, &u, &u), EFAULT,
	      "getresuid with a bad pointer");
	FAILS(syscall(SYS_getresgid, &u, &u, (gid_t *)8), EFAULT,
	      "getresgid with a bad pointer");
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
	run("resuid", resuid);
	run("resuid_saved_root", resuid_saved_root);
	run("resgid", resgid);
	run("efault", efault);
	return 0;
}
