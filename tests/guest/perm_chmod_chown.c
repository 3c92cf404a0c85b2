/*
 * chmod(2) and chown(2) permissions: only the owner or root changes the
 * mode; only root gives a file away; the owner may change the group to one
 * of its own.  chown clears set-user-id and set-group-id (of a group
 * executable) even for root, and a write or truncate by anyone but root
 * clears them too.
 */
#include <grp.h>

#include "guest.h"

static void
show(const char *name)
{
	struct stat st;

	OK(stat(name, &st));
	printf("%s: owner %u:%u mode %04o\n", name, st.st_uid, st.st_gid,
	       st.st_mode & 07777);
}

static void
file(const char *name, uid_t uid, gid_t gid, mode_t mode)
{
	put_file(name, "data\n");
	OK(chown(name, uid, gid));
	OK(chmod(name, mode));
}

static int
as_user(void)
{
	gid_t g = 100;
	int fd;

	OK(setgroups(1, &g));
	OK(setresgid(1000, 1000, 1000));
	OK(setresuid(1000, 1000, 1000));
	FAILS(chmod("root", 0666), EPERM, "chmod of root's file");
	FAILS(chown("root", 1000, -1), EPERM, "taking root's file");
	FAILS(chown("root", 0, -1), EPERM, "chown of root's file to root");
	FAILS(chown("root", -1, 0), EPERM, "chgrp of root's file to its group");
	CHECK(chown("root", -1, -1) == 0, "chown(-1, -1) of root's plain file");
	FAILS(chown("rootsuid", -1, -1), EPERM,
	      "chown(-1, -1) of root's set-uid file");
	OK(chmod("mine", 0640));
	show("mine");
	FAILS(chown("mine", 2000, -1), EPERM, "giving the own file away");
	OK(chown("mine", 1000, -1));
	CHECK(1, "chown of the own file to oneself");
	OK(chown("mine", -1, 100));
	show("mine");
	FAILS(chown("mine", -1, 200), EPERM, "chgrp to a group one is not in");
	OK(chown("minesuid", -1, -1));
	show("minesuid");
	OK(chown("mine_sgid_nox", -1, -1));
	show("mine_sgid_nox");
	fd = OK(open("w_suid", O_WRONLY));
	OK(write(fd, "x", 1));
	OK(close(fd));
	show("w_suid");
	fd = OK(open("w_sgid", O_WRONLY));
	OK(write(fd, "x", 1));
	OK(close(fd));
	show("w_sgid");
	OK(truncate("t_suid", 1));
	show("t_suid");
	fd = OK(open("ft_suid", O_WRONLY));
	OK(ftruncate(fd, 2));
	OK(close(fd));
	show("ft_suid");
	return 0;
}

int
main(void)
{
	int fd, st;

	if (getuid() != 0 || geteuid() != 0) {
		printf("not root: nothing checked\n");
		return 0;
	}
	tmpdir_enter();
	OK(chmod(".", 0755));
	file("root", 0, 0, 0644);
	file("rootsuid", 0, 0, 04755);
	file("mine", 1000, 1000, 0644);
	file("minesuid", 1000, 1000, 06755);
	file("mine_sgid_nox", 1000, 1000, 02745);
	file("w_suid", 0, 0, 06777);
	file("t_suid", 0, 0, 04777);
	file("ft_suid", 0, 0, 04777);
	file("r1", 0, 0, 06755);
	file("r2", 0, 0, 06755);
	file("r3", 0, 0, 06755);
	file("rw", 0, 0, 06755);
	file("w_sgid", 0, 0, 02777);
	OK(mkdir("dir", 02755));
	OK(chmod("dir", 02755));
	OK(chown("r1", 1000, -1));
	show("r1");
	OK(chown("r2", -1, 100));
	show("r2");
	OK(chown("r3", -1, -1));
	show("r3");
	OK(chown("dir", 1000, 100));
	show("dir");
	fd = OK(open("rw", O_WRONLY));
	OK(write(fd, "x", 1));
	OK(close(fd));
	show("rw");
	st = run_child(as_user);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "as_user: %s",
	      wstatus_str(st));
	return 0;
}
