/*
 * File permission checks against the owner, group and other bits: the
 * owner's bits apply to the owner even when others get more; group bits
 * through the fs gid; directories need search permission; root reads and
 * writes anything but executes only what has an execute bit.  Moving a
 * directory to another parent needs write permission on it (for its "..").
 */
#include <grp.h>

#include "guest.h"

static void
file(const char *name, uid_t uid, gid_t gid, mode_t mode)
{
	put_file(name, "#!/bin/true\n");
	OK(chown(name, uid, gid));
	OK(chmod(name, mode));
}

static void
opens(const char *name, int flags, const char *what)
{
	int fd = open(name, flags);

	CHECK(fd >= 0, "%s", what);
	OK(close(fd));
}

static int
as_nobody(void)
{
	OK(setgroups(0, NULL));
	OK(setresgid(65534, 65534, 65534));
	OK(setresuid(65534, 65534, 65534));
	FAILS(open("root0600", O_RDONLY), EACCES, "reading a 0600 root file");
	FAILS(open("root0600", O_WRONLY), EACCES, "writing a 0600 root file");
	opens("root0644", O_RDONLY, "reading a 0644 root file");
	FAILS(open("root0644", O_RDWR), EACCES, "opening a 0644 root file O_RDWR");
	FAILS(open("root0644", O_WRONLY | O_TRUNC), EACCES,
	      "truncating a 0644 root file");
	FAILS(truncate("root0644", 0), EACCES, "truncate(2) of a 0644 root file");
	opens("grp0640", O_RDONLY, "reading a 0640 file of the own group");
	FAILS(open("grp0640", O_WRONLY), EACCES,
	      "writing a 0640 file of the own group");
	FAILS(open("own0066", O_RDONLY), EACCES,
	      "the owner of a 0066 file is denied what others may do");
	opens("own0600", O_RDWR, "the owner of a 0600 file");
	FAILS(open("closed/f", O_RDONLY), EACCES,
	      "a file in a 0700 root directory");
	FAILS(chdir("closed"), EACCES, "chdir into a 0700 root directory");
	FAILS(open("noread/f", O_RDONLY), ENOENT,
	      "a missing file in a 0711 directory");
	opens("noread/g", O_RDONLY, "a known name in a 0711 directory");
	FAILS(open("noread", O_RDONLY | O_DIRECTORY), EACCES,
	      "listing a 0711 directory");
	FAILS(open("closed/new", O_CREAT | O_WRONLY, 0644), EACCES,
	      "creating in a 0700 root directory");
	FAILS(open("ro/new", O_CREAT | O_WRONLY, 0644), EACCES,
	      "creating in a 0755 root directory");
	FAILS(unlink("ro/f"), EACCES, "unlinking in a 0755 root directory");
	FAILS(execve("./root0644", (char *[]){ "x", NULL }, (char *[]){ NULL }),
	      EACCES, "executing a 0644 file");
	FAILS(execve("./root0700", (char *[]){ "x", NULL }, (char *[]){ NULL }),
	      EACCES, "executing a 0700 root file");
	FAILS(rename("mv1/rootdir", "mv2/rootdir"), EACCES,
	      "moving root's 0755 directory to another parent");
	OK(rename("mv1/rootdir", "mv1/renamed"));
	CHECK(1, "renaming it within its parent");
	OK(rename("mv1/rootfile", "mv2/rootfile"));
	CHECK(1, "moving root's 0644 file to another parent");
	return 0;
}

static void
root_checks(void)
{
	opens("own0066", O_RDWR, "root reads and writes a 0066 file");
	opens("closed/f", O_RDWR, "root opens a file in a 0700 directory");
	opens("root0000", O_RDWR, "root opens a 0000 file");
	FAILS(access("root0644", X_OK), EACCES, "root X_OK on a 0644 file");
	CHECK(access("grp0640", R_OK | W_OK) == 0, "root R_OK|W_OK on a 0640 file");
	CHECK(access("root0001", X_OK) == 0, "root X_OK on a 0001 file");
	CHECK(access("closed", X_OK) == 0, "root X_OK on a 0700 directory");
	FAILS(execve("./root0644", (char *[]){ "x", NULL }, (char *[]){ NULL }),
	      EACCES, "root executing a 0644 file");
}

int
main(void)
{
	int st;

	if (getuid() != 0 || geteuid() != 0) {
		printf("not root: nothing checked\n");
		return 0;
	}
	tmpdir_enter();
	OK(chmod(".", 0755));
	file("root0600", 0, 0, 0600);
	file("root0644", 0, 0, 0644);
	file("root0700", 0, 0, 0700);
	file("root0000", 0, 0, 0000);
	file("root0001", 0, 0, 0001);
	file("grp0640", 0, 65534, 0640);
	file("own0066", 65534, 0, 0066);
	file("own0600", 65534, 0, 0600);
	OK(mkdir("closed", 0700));
	file("closed/f", 0, 0, 0666);
	OK(mkdir("noread", 0711));
	file("noread/g", 0, 0, 0644);
	OK(mkdir("ro", 0755));
	file("ro/f", 0, 0, 0666);
	OK(mkdir("mv1", 0777));
	OK(chmod("mv1", 0777));
	OK(mkdir("mv2", 0777));
	OK(chmod("mv2", 0777));
	OK(mkdir("mv1/rootdir", 0755));
	file("mv1/rootfile", 0, 0, 0644);
	root_checks();
	st = run_child(as_nobody);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "as_nobody: %s",
	      wstatus_str(st));
	return 0;
}
