/*
 * Advisory locks between processes: flock (shared, exclusive, conversion,
 * per open file description, released by the last close, blocking until
 * the holder lets go); POSIX record locks (conflicts, F_GETLK's report,
 * merging and splitting of an owner's ranges, release by closing any fd
 * of the file, not inherited by fork, EDEADLK, EINTR); OFD locks
 * (per description, conflicting with POSIX ones); argument errors.
 */
#include <signal.h>
#include <sys/file.h>

#include "guest.h"

static int to_child[2], to_parent[2];

static void
say(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		err(1, "pipe write");
}

static char
hear(int fd)
{
	char c = 0;

	if (read(fd, &c, 1) != 1)
		errx(1, "pipe closed");
	return c;
}

static int
setlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET,
			    .l_start = start, .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* F_GETLK for a write lock on [start, start+len): the answer, as text. */
static const char *
getlk(int fd, int cmd, off_t start, off_t len)
{
	static char buf[96];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			    .l_start = start, .l_len = len };

	if (fcntl(fd, cmd, &fl) < 0)
		return strerrorname_np(errno);
	if (fl.l_type == F_UNLCK)
		return "free";
	snprintf(buf, sizeof(buf), "%s lock at %ld len %ld, pid %s",
		 fl.l_type == F_WRLCK ? "write" : "read", (long)fl.l_start,
		 (long)fl.l_len,
		 fl.l_pid == -1 ? "-1" : fl.l_pid == getppid() ? "of the parent" : "other");
	return buf;
}

static int
child_flock(void)
{
	int fd = OK(open("file", O_RDWR));

	hear(to_child[0]);
	FAILS(flock(fd, LOCK_EX | LOCK_NB), EWOULDBLOCK, "flock: EX while the parent holds EX");
	FAILS(flock(fd, LOCK_SH | LOCK_NB), EWOULDBLOCK, "flock: SH while the parent holds EX");
	say(to_parent[1], 'a');
	hear(to_child[0]);
	CHECK(flock(fd, LOCK_SH | LOCK_NB) == 0, "flock: SH next to the parent's SH");
	FAILS(flock(fd, LOCK_EX | LOCK_NB), EWOULDBLOCK, "flock: EX while the parent holds SH");
	OK(flock(fd, LOCK_UN));
	say(to_parent[1], 'b');
	hear(to_child[0]);
	CHECK(flock(fd, LOCK_EX) == 0, "flock: EX waited until the parent closed its file");
	say(to_parent[1], 'c');
	return 0;
}

static void
check_flock(void)
{
	int fd, dupfd, st;
	pid_t pid;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(child_flock());
	fd = OK(open("file", O_RDWR)); /* after the fork: the child must not share it */
	OK(flock(fd, LOCK_EX));
	dupfd = OK(dup(fd));
	say(to_child[1], '1');
	hear(to_parent[0]);
	OK(flock(fd, LOCK_SH)); /* conversion */
	say(to_child[1], '2');
	hear(to_parent[0]);
	OK(flock(dupfd, LOCK_EX)); /* same description: a conversion too */
	say(to_child[1], '3');
	usleep(30000);
	close(fd); /* the dup still holds the description */
	usleep(30000);
	close(dupfd);
	hear(to_parent[0]);
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "flock child: %s", wstatus_str(st));
}

static int
child_posix(void)
{
	int fd = OK(open("file", O_RDWR));

	hear(to_child[0]);
	printf("F_GETLK [50,60): %s\n", getlk(fd, F_GETLK, 50, 10));
	CHECK(setlk(fd, F_SETLK, F_RDLCK, 100, 10) == 0, "posix: a read lock past the parent's range");
	FAILS(setlk(fd, F_SETLK, F_RDLCK, 99, 1), EAGAIN, "posix: a read lock on the parent's last byte");
	say(to_parent[1], 'a');

	hear(to_child[0]); /* the parent unlocked [40,60) */
	printf("F_GETLK [0,100): %s\n", getlk(fd, F_GETLK, 0, 100));
	printf("F_GETLK [45,100): %s\n", getlk(fd, F_GETLK, 45, 100));
	CHECK(setlk(fd, F_SETLK, F_WRLCK, 40, 20) == 0, "posix: the unlocked middle can be taken");
	say(to_parent[1], 'b');

	hear(to_child[0]); /* the parent has two adjacent read locks */
	printf("F_GETLK [200,300): %s\n", getlk(fd, F_GETLK, 200, 100));
	say(to_parent[1], 'c');

	hear(to_child[0]); /* the parent closed another fd of the file */
	printf("F_GETLK [0,0): %s\n", getlk(fd, F_GETLK, 0, 0));

	/* Deadlock: we hold [1000,1001) and wait for the parent's [2000,2001). */
	OK(setlk(fd, F_SETLK, F_WRLCK, 1000, 1));
	say(to_parent[1], 'd');
	CHECK(setlk(fd, F_SETLKW, F_WRLCK, 2000, 1) == 0,
	      "posix: F_SETLKW got the lock once the parent let go");
	return 0;
}

static void
check_posix(void)
{
	int fd = OK(open("file", O_RDWR)), fd2, st;
	pid_t pid;

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(child_posix());
	OK(setlk(fd, F_SETLK, F_WRLCK, 0, 100));
	say(to_child[1], '1');
	hear(to_parent[0]);
	OK(setlk(fd, F_SETLK, F_UNLCK, 40, 20));
	say(to_child[1], '2');
	hear(to_parent[0]);
	OK(setlk(fd, F_SETLK, F_UNLCK, 0, 0));
	OK(setlk(fd, F_SETLK, F_RDLCK, 200, 50));
	OK(setlk(fd, F_SETLK, F_RDLCK, 250, 50));
	say(to_child[1], '3');
	hear(to_parent[0]);
	fd2 = OK(open("file", O_RDONLY));
	close(fd2); /* drops every POSIX lock this process has on the file */
	OK(setlk(fd, F_SETLK, F_WRLCK, 2000, 1));
	say(to_child[1], '4');
	hear(to_parent[0]);
	usleep(30000); /* let the child block on [2000,2001) */
	FAILS(setlk(fd, F_SETLKW, F_WRLCK, 1000, 1), EDEADLK,
	      "posix: waiting for a lock whose owner waits for ours");
	OK(setlk(fd, F_SETLK, F_UNLCK, 2000, 1));
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "posix child: %s", wstatus_str(st));
	close(fd);
}

static void
on_alarm(int sig)
{
	(void)sig;
}

static void
check_ofd_and_errors(void)
{
	int a = OK(open("file", O_RDWR)), b = OK(open("file", O_RDWR));
	int ro = OK(open("file", O_RDONLY)), st;
	struct sigaction sa = { .sa_handler = on_alarm };
	struct flock fl = { .l_type = F_WRLCK, .l_pid = 1 };
	pid_t pid;

	CHECK(setlk(a, F_OFD_SETLK, F_WRLCK, 0, 10) == 0, "ofd: a write lock through one description");
	FAILS(setlk(b, F_OFD_SETLK, F_WRLCK, 5, 1), EAGAIN, "ofd: another description of this process conflicts");
	printf("F_OFD_GETLK through the other: %s\n", getlk(b, F_OFD_GETLK, 0, 0));
	FAILS(setlk(b, F_SETLK, F_WRLCK, 5, 1), EAGAIN, "ofd: a POSIX lock of this process conflicts with it");
	CHECK(setlk(b, F_SETLK, F_WRLCK, 20, 1) == 0 && setlk(a, F_SETLK, F_WRLCK, 20, 1) == 0,
	      "posix: one process's locks never conflict with each other");
	FAILS(fcntl(a, F_OFD_SETLK, &fl), EINVAL, "ofd: l_pid must be 0");
	FAILS(setlk(ro, F_SETLK, F_WRLCK, 0, 1), EBADF, "a write lock on a read-only fd");
	FAILS(setlk(a, F_SETLK, 7, 0, 1), EINVAL, "an unknown lock type");
	FAILS(setlk(a, F_SETLK, F_WRLCK, -5, 1), EINVAL, "a negative start");
	fl = (struct flock){ .l_type = F_WRLCK, .l_whence = 9 };
	FAILS(fcntl(a, F_SETLK, &fl), EINVAL, "an unknown whence");
	FAILS(fcntl(a, F_SETLK, (void *)8), EFAULT, "struct flock at a bad address");
	FAILS(flock(a, 0), EINVAL, "flock with no operation");

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0) {
		int c = OK(open("file", O_RDWR));

		sigaction(SIGALRM, &sa, NULL);
		alarm(1);
		FAILS(setlk(c, F_SETLKW, F_WRLCK, 0, 1), EINTR,
		      "F_SETLKW interrupted by a handler without SA_RESTART");
		_exit(0);
	}
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "EINTR child: %s", wstatus_str(st));
	close(a);
	close(b);
	close(ro);
}

int
main(void)
{
	tmpdir_enter();
	put_file("file", "locks\n");
	OK(pipe(to_child));
	OK(pipe(to_parent));
	check_flock();
	check_posix();
	check_ofd_and_errors();
	return 0;
}
