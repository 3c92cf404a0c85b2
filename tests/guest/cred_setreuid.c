/*
 * setreuid(2) and setregid(2): who may set which id, and the rule that the
 * saved id becomes the new effective id when the real id is set or the
 * effective id is set to something other than the old real id.
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
root_setreuid(void)
{
	OK(setreuid(-1, -1));
	show_ids("setreuid(-1, -1) changes nothing");
	OK(setreuid(-1, 1000));
	show_ids("root setreuid(-1, 1000): saved follows");
	OK(setreuid(-1, 0));
	show_ids("setreuid(-1, 0) back through the real uid");
	OK(setreuid(1000, 2000));
	show_ids("root setreuid(1000, 2000)");
	return 0;
}

static int
unprivileged_setreuid(void)
{
	OK(setresuid(1000, 2000, 3000));
	FAILS(setreuid(4000, -1), EPERM, "real uid to a foreign uid");
	FAILS(setreuid(3000, -1), EPERM, "real uid to the saved uid");
	FAILS(setreuid(-1, 4000), EPERM, "effective uid to a foreign uid");
	OK(setreuid(-1, 3000));
	show_ids("setreuid(-1, 3000): effective to the saved uid");
	OK(setreuid(-1, 1000));
	show_ids("setreuid(-1, 1000): effective to the real uid, saved kept");
	OK(setreuid(-1, 3000));
	OK(setreuid(3000, 1000));
	show_ids("setreuid(3000, 1000): swap real and effective");
	OK(setreuid(1000, 3000));
	show_ids("setreuid(1000, 3000): swap back");
	return 0;
}

static int
swap_with_root(void)
{
	/* The classic: swap real and effective uid to run as the user. */
	OK(setresuid(1000, 0, 0));
	OK(setreuid(0, 1000));
	show_ids("setreuid(0, 1000) from 1000/0/0");
	OK(setreuid(1000, 0));
	show_ids("setreuid(1000, 0) back");
	return 0;
}

static int
regid(void)
{
	OK(setregid(-1, 200));
	show_ids("root setregid(-1, 200)");
	OK(setregid(100, -1));
	show_ids("root setregid(100, -1)");
	OK(setresgid(100, 200, 300));
	OK(setuid(1000));
	FAILS(setregid(300, -1), EPERM, "real gid to the saved gid");
	FAILS(setregid(-1, 400), EPERM, "effective gid to a foreign gid");
	OK(setregid(-1, 300));
	show_ids("setregid(-1, 300)");
	OK(setregid(300, 100));
	show_ids("setregid(300, 100)");
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
	run("root_setreuid", root_setreuid);
	run("unprivileged_setreuid", unprivileged_setreuid);
	run("swap_with_root", swap_with_root);
	run("regid", regid);
	return 0;
}
