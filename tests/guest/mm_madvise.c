/*
 * madvise, the mlock family and membarrier: MADV_DONTNEED's effect on
 * private anonymous, private file and shared anonymous memory; ENOMEM
 * over a hole; EINVAL for unknown advice, an unaligned address or FREE on
 * a file; DONTFORK leaving a range out of the child and WIPEONFORK giving
 * the child zeros; mlock's checks; membarrier's registration rule.
 */
#include <linux/membarrier.h>
#include <sys/mman.h>

#include "guest.h"

#define PAGE 4096UL

static char *
map(int prot, int flags, int fd)
{
	char *p = mmap(NULL, 4 * PAGE, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		err(1, "mmap");
	return p;
}

static void
check_dontneed(int fd)
{
	char *anon = map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *shared = map(PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
	char *file = map(PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);

	memset(anon, 'a', 4 * PAGE);
	memset(shared, 's', 4 * PAGE);
	memset(file, 'p', 4 * PAGE);
	OK(madvise(anon + PAGE, PAGE, MADV_DONTNEED));
	OK(madvise(shared, 4 * PAGE, MADV_DONTNEED));
	OK(madvise(file, 2 * PAGE, MADV_DONTNEED));
	CHECK(anon[0] == 'a' && anon[PAGE] == 0 && anon[2 * PAGE - 1] == 0 &&
		      anon[2 * PAGE] == 'a',
	      "DONTNEED: the private anonymous page reads zeros, its neighbours keep theirs");
	CHECK(shared[0] == 's' && shared[4 * PAGE - 1] == 's',
	      "DONTNEED: shared anonymous memory keeps its contents");
	CHECK(file[0] == 'f' && file[2 * PAGE - 1] == 'f' && file[2 * PAGE] == 'p',
	      "DONTNEED: a private file mapping reads the file again");
	FAILS(madvise(file, PAGE, MADV_FREE), EINVAL, "MADV_FREE on a file mapping");
	OK(munmap(anon + 2 * PAGE, PAGE));
	FAILS(madvise(anon, 4 * PAGE, MADV_DONTNEED), ENOMEM, "DONTNEED over a hole");
	FAILS(madvise(anon + 1, PAGE, MADV_NORMAL), EINVAL, "madvise at an unaligned address");
	FAILS(madvise(anon, PAGE, 9999), EINVAL, "unknown advice");
	CHECK(madvise(anon, 0, MADV_DONTNEED) == 0, "madvise of no bytes succeeds");
	CHECK(madvise(anon, PAGE, MADV_SEQUENTIAL) == 0 &&
		      madvise(anon, PAGE, MADV_WILLNEED) == 0 &&
		      madvise(anon, PAGE, MADV_HUGEPAGE) == 0,
	      "SEQUENTIAL, WILLNEED and HUGEPAGE are accepted");
}

static int
child_sees(const char *dontfork, const char *wipe)
{
	unsigned char vec;

	CHECK(mincore((void *)dontfork, PAGE, &vec) == -1 && errno == ENOMEM,
	      "child: the DONTFORK range is not mapped");
	CHECK(wipe[0] == 0 && wipe[PAGE] == 0, "child: the WIPEONFORK range reads zeros");
	return 0;
}

static void
check_fork_advice(void)
{
	char *dontfork = map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *wipe = map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *shared = map(PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
	unsigned char vec;
	pid_t pid;
	int st;

	memset(dontfork, 'd', 4 * PAGE);
	memset(wipe, 'w', 4 * PAGE);
	OK(madvise(dontfork, 4 * PAGE, MADV_DONTFORK));
	OK(madvise(wipe, 4 * PAGE, MADV_WIPEONFORK));
	FAILS(madvise(shared, PAGE, MADV_WIPEONFORK), EINVAL, "WIPEONFORK on shared memory");
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(child_sees(dontfork, wipe));
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork advice child: %s", wstatus_str(st));
	CHECK(dontfork[0] == 'd' && wipe[0] == 'w', "parent: both ranges keep their contents");

	OK(madvise(dontfork, 4 * PAGE, MADV_DOFORK));
	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(mincore(dontfork, PAGE, &vec) == 0 && dontfork[0] == 'd' ? 0 : 1);
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "after DOFORK the child has the range again");
}

static void
check_mlock(void)
{
	char *p = map(PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	CHECK(mlock(p, 4 * PAGE) == 0 && munlock(p, 4 * PAGE) == 0,
	      "mlock and munlock of mapped memory");
	CHECK(mlock(p + 100, 10) == 0, "mlock rounds to whole pages");
	OK(munmap(p + PAGE, PAGE));
	FAILS(mlock(p, 4 * PAGE), ENOMEM, "mlock over a hole");
	FAILS(munlock(p, 4 * PAGE), ENOMEM, "munlock over a hole");
	FAILS(syscall(SYS_mlock2, p, PAGE, 8), EINVAL, "mlock2 with an unknown flag");
	CHECK(syscall(SYS_mlock2, p, PAGE, MLOCK_ONFAULT) == 0, "mlock2 MLOCK_ONFAULT");
	FAILS(mlockall(0), EINVAL, "mlockall with no flags");
	FAILS(mlockall(MCL_ONFAULT), EINVAL, "mlockall with MCL_ONFAULT alone");
	CHECK(munlockall() == 0, "munlockall");
}

static void
check_membarrier(void)
{
	long cmds = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	CHECK(cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED),
	      "membarrier: QUERY lists PRIVATE_EXPEDITED");
	FAILS(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0), EPERM,
	      "membarrier: PRIVATE_EXPEDITED before registering");
	CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 &&
		      syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0,
	      "membarrier: PRIVATE_EXPEDITED after registering");
	FAILS(syscall(SYS_membarrier, 1 << 20, 0, 0), EINVAL, "membarrier: unknown command");
}

int
main(void)
{
	char buf[4 * PAGE];
	int fd;

	tmpdir_enter();
	memset(buf, 'f', sizeof(buf));
	fd = OK(open("file", O_RDWR | O_CREAT, 0644));
	OK(write(fd, buf, sizeof(buf)));
	check_dontneed(fd);
	check_fork_advice();
	check_mlock();
	check_membarrier();
	return 0;
}
