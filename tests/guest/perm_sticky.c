/*
 * The sticky bit on a directory: anyone with write permission may create,
 * but only the owner of a file, the owner of the directory or root may
 * unlink or rename it away, or replace it by rename.
 */
#include <grp.h>

#include "guest.h"

static void
become(uid_t uid)
{
	OK(setgroups(0, NULL));
	OK(setresgid(uid, uid, uid));
	OK(setresuid(uid, uid, uid));
}

static int
first_user(void)
{
	become(1000);
	put_file("sticky/a", "a\n");
	put_file("sticky/a2", "a\n");
	put_file("plain/a", "a\n");
	CHECK(1, "user 1000 created files in the sticky and plain directories");
	return 0;
}

static int
second_user(void)
{
	become(2000);
	put_file("sticky/b", "b\n");
	FAILS(unlink("sticky/a"), EPERM, "unlinking another user's file");
	FAILS(rename("sticky/a", "sticky/c"), EPERM,
	      "renaming another user's file");
	FAILS(rename("sticky/b", "sticky/a"), EPERM,
	      "renaming over another user's file");
	FAILS(rename("sticky/a", "plain/x"), EPERM,
	      "moving another user's file out");
	OK(rename("sticky/b", "sticky/c"));
	CHECK(1, "renaming the own file");
	OK(unlink("sticky/c"));
	CHECK(1, "unlinking the own file");
	OK(unlink("plain/a"));
	CHECK(1, "unlinking another user's file without the sticky bit");
	return 0;
}

static int
dir_owner(void)
{
	become(3000);
	OK(unlink("sticky/a2"));
	CHECK(1, "the directory's owner unlinks another user's file");
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
	tmpdir_enter();
	OK(chmod(".", 0755));
	OK(mkdir("sticky", 0777));
	OK(chmod("sticky", 01777));
	OK(chown("sticky", 3000, 3000));
	OK(mkdir("plain", 0777));
	OK(chmod("plain", 0777));
	run("first_user", first_user);
	run("second_user", second_user);
	run("dir_owner", dir_owner);
	OK(unlink("sticky/a"));
	CHECK(1, "root unlinks anything");
	return 0;
}
