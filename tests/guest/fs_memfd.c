/*
 * memfd_create(2) and file seals: the file is a regular, unlinked, 0777
 * file read and written like any other, shared with a mapping and across
 * fork; /proc shows it as "/memfd:NAME (deleted)"; each seal stops what it
 * names (shrinking, growing, writing, shared writable mappings, more
 * seals), F_SEAL_WRITE waits for writable mappings to go; argument and
 * permission errors.
 */
#include <sys/mman.h>

#include "guest.h"

static void
check_basics(void)
{
	int fd = OK(memfd_create("umk test", MFD_CLOEXEC));
	char path[64], link[128], buf[16] = { 0 };
	struct stat st;
	char *map;
	ssize_t n;

	OK(fstat(fd, &st));
	CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0777 && st.st_nlink == 0 &&
		      st.st_size == 0,
	      "a regular file, mode 0777, no links, empty");
	CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR,
	      "open read-write, close-on-exec as asked");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = OK(readlink(path, link, sizeof(link) - 1));
	link[n] = '\0';
	printf("/proc/self/fd names it %s\n", link);
	OK(write(fd, "hello", 5));
	OK(ftruncate(fd, 8192));
	map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		err(1, "mmap");
	memcpy(map + 4096, "mapped", 6);
	OK(pread(fd, buf, 6, 4096));
	CHECK(memcmp(map, "hello", 5) == 0 && strcmp(buf, "mapped") == 0,
	      "read, write and a shared mapping see one file");
	CHECK(fcntl(fd, F_GET_SEALS) == F_SEAL_SEAL, "without MFD_ALLOW_SEALING it is sealed against seals");
	FAILS(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM, "adding a seal to it");
	munmap(map, 8192);
	close(fd);
}

static void
check_seals(void)
{
	int fd = OK(memfd_create("sealed", MFD_ALLOW_SEALING)), ro, st;
	char path[64], *map;
	pid_t pid;

	CHECK(fcntl(fd, F_GET_SEALS) == 0, "MFD_ALLOW_SEALING: no seals yet");
	OK(ftruncate(fd, 4096));
	OK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	FAILS(ftruncate(fd, 100), EPERM, "F_SEAL_SHRINK: shrinking");
	CHECK(ftruncate(fd, 8192) == 0, "F_SEAL_SHRINK: growing is fine");
	OK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	FAILS(ftruncate(fd, 9000), EPERM, "F_SEAL_GROW: growing with ftruncate");
	FAILS(pwrite(fd, "x", 1, 8192), EPERM, "F_SEAL_GROW: writing past the end");
	CHECK(pwrite(fd, "x", 1, 100) == 1, "F_SEAL_GROW: writing inside");
	FAILS(fallocate(fd, 0, 0, 16384), EPERM, "F_SEAL_GROW: fallocate past the end");

	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		err(1, "mmap");
	FAILS(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY, "F_SEAL_WRITE with a writable mapping");
	munmap(map, 4096);
	OK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	FAILS(pwrite(fd, "x", 1, 0), EPERM, "F_SEAL_WRITE: writing");
	FAILS(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096), EPERM,
	      "F_SEAL_WRITE: punching a hole");
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
		      errno == EPERM,
	      "F_SEAL_WRITE: a shared writable mapping is EPERM");
	map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(map != MAP_FAILED && map[100] == 'x', "F_SEAL_WRITE: read-only mappings still work");
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(map != MAP_FAILED, "F_SEAL_WRITE: private writable mappings still work");

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = OK(open(path, O_RDONLY));
	FAILS(fcntl(ro, F_ADD_SEALS, F_SEAL_SEAL), EPERM, "adding seals through a read-only fd");
	CHECK(fcntl(ro, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE),
	      "a reopened fd sees the same seals");
	OK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
	FAILS(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), EPERM, "F_SEAL_SEAL: more seals");
	FAILS(fcntl(fd, F_ADD_SEALS, 0x100), EINVAL, "an unknown seal");

	fflush(stdout);
	pid = OK(fork());
	if (pid == 0)
		_exit(fcntl(fd, F_GET_SEALS) == (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
						 F_SEAL_WRITE) ? 0 : 1);
	OK(waitpid(pid, &st, 0));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a forked child shares the file and its seals");
	close(ro);
	close(fd);
}

static void
check_errors(void)
{
	char longname[300];
	int fd, p[2];

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	FAILS(memfd_create(longname, 0), EINVAL, "a name of 299 bytes");
	longname[249] = '\0';
	fd = memfd_create(longname, 0);
	CHECK(fd >= 0, "a name of 249 bytes");
	close(fd);
	FAILS(memfd_create("x", 0x100), EINVAL, "an unknown flag");
	FAILS(memfd_create((const char *)8, 0), EFAULT, "a name at a bad address");
	OK(pipe(p));
	FAILS(fcntl(p[0], F_GET_SEALS), EINVAL, "F_GET_SEALS on a pipe");
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	check_basics();
	check_seals();
	check_errors();
	return 0;
}
