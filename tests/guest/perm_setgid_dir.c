/*
 * Set-group-id directories: new files, fifos and symlinks take the
 * directory's group, new subdirectories also the set-gid bit; a creator
 * outside that group loses a requested set-gid bit on a group executable,
 * as does chmod by an owner outside the file's group.
 */
#include <grp.h>

#include "guest.h"

static void
show(const char *name)
{
	struct stat st;

	OK(lstat(name, &st));
	printf("%s: owner %u:%u mode %04o\n", name, st.st_uid, st.st_gid,
	       st.st_mode & 07777);
}

static void
create(const char *name, mode_t mode)
{
	OK(close(OK(open(name, O_CREAT | O_EXCL | O_WRONLY, mode))));
	show(name);
}

static void
become(uid_t uid, gid_t gid, int ngroups, const gid_t *groups)
{
	OK(setgroups(ngroups, groups));
	OK(setresgid(gid, gid, gid));
	OK(setresuid(uid, uid, uid));
}

static int
outsider(void)
{
	become(1000, 1000, 0, NULL);
	create("sgid/u_file", 0644);
	create("sgid/u_setgid", 02755);
	create("sgid/u_setgid_nox", 02745);
	OK(mkdir("sgid/u_dir", 0755));
	show("sgid/u_dir");
	create("sgid/u_dir/deeper", 0644);
	create("plain/u_file", 0644);
	OK(chmod("sgid/u_file", 02755));
	show("sgid/u_file");
	OK(chmod("plain/u_file", 02755));
	show("plain/u_file");
	return 0;
}

static int
member(void)
{
	gid_t g = 100;

	become(2000, 2000, 1, &g);
	create("sgid/m_setgid", 02755);
	OK(chmod("sgid/m_setgid", 02711));
	show("sgid/m_setgid");
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
	umask(0);
	tmpdir_enter();
	OK(chmod(".", 0755));
	OK(mkdir("sgid", 0777));
	OK(chown("sgid", 0, 100));
	OK(chmod("sgid", 02777));
	OK(mkdir("plain", 0777));
	show("sgid");
	create("sgid/r_file", 0644);
	create("sgid/r_setgid", 02755);
	OK(mkdir("sgid/r_dir", 0700));
	show("sgid/r_dir");
	OK(mkfifo("sgid/r_fifo", 0600));
	show("sgid/r_fifo");
	OK(symlink("r_file", "sgid/r_link"));
	show("sgid/r_link");
	OK(chmod("sgid", 0777));
	create("sgid/r_after", 0644);
	OK(chmod("sgid", 02777));
	run("outsider", outsider);
	run("member", member);
	return 0;
}
