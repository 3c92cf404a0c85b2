/*
 * Set-user-id and set-group-id programs: an unprivileged child executes a
 * copy of this program made set-uid root (or set-gid, or owned by another
 * user) and the copy reports its ids and AT_SECURE.  no_new_privs disables
 * the bits, a set-gid bit without group execute is not one, and execve of
 * an ordinary program sets the saved ids to the effective ones.
 */
#include <grp.h>
#include <sys/auxv.h>
#include <sys/prctl.h>

#include "guest.h"

static const char *self;

static int
probe(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	OK(getresuid(&r, &e, &s));
	OK(getresgid(&gr, &ge, &gs));
	printf("  ran with uids %u %u %u, gids %u %u %u, AT_SECURE %lu\n", r, e,
	       s, gr, ge, gs, getauxval(AT_SECURE));
	return 0;
}

/* Copy this program to name with the given owner and mode. */
static void
make_copy(const char *name, uid_t uid, gid_t gid, mode_t mode)
{
	char buf[65536];
	int in = OK(open(self, O_RDONLY));
	int out = OK(open(name, O_WRONLY | O_CREAT | O_TRUNC, 0700));
	ssize_t n;

	while ((n = OK(read(in, buf, sizeof(buf)))) > 0)
		if (OK(write(out, buf, (size_t)n)) != n)
			errx(1, "short write to %s", name);
	OK(close(in));
	OK(close(out));
	OK(chown(name, uid, gid));
	OK(chmod(name, mode));
}

/*
 * Fork; the child takes uids r/e/s and gids g (all three), optionally sets
 * no_new_privs, and executes prog in probe mode.
 */
static void
run_as(const char *what, const char *prog, uid_t r, uid_t e, uid_t s, gid_t g,
       int nnp)
{
	char *argv[] = { (char *)prog, "probe", NULL }, *envp[] = { NULL };
	pid_t pid;
	int st;

	printf("%s:\n", what);
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(g, g, g) < 0 ||
		    setresuid(r, e, s) < 0)
			err(1, "dropping privileges");
		if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			err(1, "PR_SET_NO_NEW_PRIVS");
		execve(prog, argv, envp);
		err(127, "execve %s", prog);
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "  %s", wstatus_str(st));
}

int
main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "probe") == 0)
		return probe();
	if (getuid() != 0 || geteuid() != 0) {
		printf("not root: nothing checked\n");
		return 0;
	}
	tmpdir_enter();
	OK(chmod(".", 0755));
	make_copy("suid", 0, 0, 04755);
	make_copy("sgid", 0, 100, 02755);
	make_copy("suid1000", 1000, 0, 04755);
	make_copy("plain", 0, 0, 0755);
	make_copy("sgid_nox", 0, 100, 02745);
	run_as("set-uid root run by 65534", "./suid", 65534, 65534, 65534,
	       65534, 0);
	run_as("set-gid 100 run by 65534", "./sgid", 65534, 65534, 65534,
	       65534, 0);
	run_as("set-uid root with no_new_privs", "./suid", 65534, 65534, 65534,
	       65534, 1);
	run_as("set-uid 1000 run by root", "./suid1000", 0, 0, 0, 0, 0);
	run_as("set-uid root run by root", "./suid", 0, 0, 0, 0, 0);
	run_as("plain run by 65534", "./plain", 65534, 65534, 65534, 65534, 0);
	run_as("plain run with euid 65534, real and saved 0", "./plain", 0,
	       65534, 0, 0, 0);
	run_as("plain run with real uid 65534, effective 0", "./plain", 65534,
	       0, 65534, 0, 0);
	run_as("set-gid without group execute", "./sgid_nox", 65534, 65534,
	       65534, 65534, 0);
	return 0;
}
