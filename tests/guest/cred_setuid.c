/*
 * setuid(2) and setgid(2): root sets all of real, effective, saved and
 * filesystem ids; anyone else may only set the effective id to the real or
 * saved one.  Each scenario runs in a child that starts as root.  A
 * change of the effective id clears the parent-death signal.
 */
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
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

/* Root gives up every uid at once and cannot come back. */
static int
root_setuid(void)
{
	OK(setuid(1000));
	show_ids("root setuid(1000)");
	FAILS(setuid(0), EPERM, "setuid(0) after dropping every uid");
	FAILS(setuid(2000), EPERM, "setuid to a foreign uid");
	OK(setuid(1000));
	CHECK(1, "setuid to the own uid succeeds");
	return 0;
}

/* A saved uid of 0 lets an unprivileged process switch euid back and forth. */
static int
saved_setuid(void)
{
	OK(setresuid(1000, 1000, 0));
	show_ids("setresuid(1000, 1000, 0)");
	FAILS(setuid(2000), EPERM, "setuid to a uid that is neither real nor saved");
	OK(setuid(0));
	show_ids("setuid(0) through the saved uid");
	/* Privileged again: setuid now sets all four. */
	OK(setuid(1000));
	show_ids("setuid(1000) with euid 0");
	FAILS(setuid(0), EPERM, "setuid(0) once the saved uid is gone");
	return 0;
}

static int
unprivileged_setuid(void)
{
	OK(setresuid(1000, 2000, 3000));
	OK(setuid(3000));
	show_ids("setuid(3000) to the saved uid");
	OK(setuid(1000));
	show_ids("setuid(1000) to the real uid");
	FAILS(setuid(2000), EPERM, "setuid to the old effective uid");
	return 0;
}

static int
root_setgid(void)
{
	OK(setgid(100));
	show_ids("root setgid(100)");
	OK(setgid(0));
	show_ids("root setgid(0) again: euid 0 may");
	OK(setresgid(100, 200, 300));
	OK(setuid(1000));
	FAILS(setgid(0), EPERM, "setgid(0) without root");
	OK(setgid(300));
	show_ids("setgid(300) to the saved gid");
	OK(setgid(100));
	show_ids("setgid(100) to the real gid");
	FAILS(setgid(200), EPERM, "setgid to the old effective gid");
	return 0;
}

static int
invalid_ids(void)
{
	FAILS(setuid(-1), EINVAL, "setuid(-1)");
	FAILS(setgid(-1), EINVAL, "setgid(-1)");
	show_ids("nothing changed");
	return 0;
}

static int
pdeathsig(void)
{
	int sig;

	OK(prctl(PR_SET_PDEATHSIG, SIGUSR1));
	OK(setuid(0));
	OK(prctl(PR_GET_PDEATHSIG, &sig));
	CHECK(sig == SIGUSR1, "setuid(0) as root keeps the parent-death signal");
	OK(setresuid(-1, 1000, -1));
	OK(prctl(PR_GET_PDEATHSIG, &sig));
	CHECK(sig == 0, "a new euid cleared it");
	OK(prctl(PR_SET_PDEATHSIG, SIGUSR1));
	OK(setfsuid(0));
	OK(prctl(PR_GET_PDEATHSIG, &sig));
	CHECK(sig == 0, "a new fs uid cleared it");
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
	show_ids("start");
	run("root_setuid", root_setuid);
	run("saved_setuid", saved_setuid);
	run("unprivileged_setuid", unprivileged_setuid);
	run("root_setgid", root_setgid);
	run("invalid_ids", invalid_ids);
	run("pdeathsig", pdeathsig);
	return 0;
}
