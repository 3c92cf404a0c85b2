/*
 * Host calls for ubd: opening, locking and reading/writing image files.
 * Tiny wrappers that return -errno and retry EINTR and short transfers.
 */
#include <errno.h>
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
