/*
 * Host calls for ubd: opening, locking and reading/writing image files.
 * Tiny wrappers that return -errno and retry EINTR and short transfers.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ubd/ubd_host.h"

int
ubd_host_open(const char *path, bool read_only, bool shared, int *fdp,
	      uint64_t *size)
{
	struct stat st;
	int fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = errno;

		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -(e ? e : EINVAL);
	}
	if (!shared && flock(fd, (read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
		int e = errno;

		close(fd);
		return e == EWOULDBLOCK ? -EBUSY : -e;
	}
	*fdp = fd;
	*size = (uint64_t)st.st_size;
	return 0;
}

static int
transfer(int fd, void *buf, size_t len, uint64_t off, bool write)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = write ? pwrite(fd, p, len, (off_t)off)
				  : pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int
ubd_host_pread(int fd, void *buf, size_t len, uint64_t off)
{
	return transfer(fd, buf, len, off, false);
}

int
ubd_host_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	return transfer(fd, (void *)buf, len, off, true);
}

int
ubd_host_fsync(int fd)
{
	return fdatasync(fd) < 0 ? -errno : 0;
}

void
ubd_host_close(int fd)
{
	close(fd);
}

int
ubd_host_create(const char *path, int *fdp)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		close(fd);
		return e == EWOULDBLOCK ? -EBUSY : -e;
	}
	*fdp = fd;
	return 0;
}

int
ubd_host_stat(int fd, struct ubd_host_stat *out)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	out->size = (uint64_t)st.st_size;
	out->mtime = st.st_mtim.tv_sec;
	return 0;
}

int
ubd_host_realpath(const char *path, char *buf, size_t len)
{
	char tmp[PATH_MAX];

	if (!realpath(path, tmp))
		return -errno;
	if (strlen(tmp) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, tmp);
	return 0;
}

bool
ubd_host_exists(const char *path)
{
	return access(path, F_OK) == 0;
}
