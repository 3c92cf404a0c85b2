/*
 * Moving data: read, write and their vector and positioned forms, lseek,
 * and sendfile.  Blocking policy belongs to each file's ops; here are the
 * checks common to all (access mode, EISDIR, ESPIPE, counts) and the one
 * loop that splits a vector into calls.
 */
#include <fcntl.h>
#include <stdlib.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define MAX_RW_COUNT 0x7ffff000UL
#define UIO_MAXIOV 1024

struct iovec_k {
	uint64_t base;
	uint64_t len;
};

static bool
seekable(const struct file *f)
{
	uint32_t mode = f->inode ? f->inode->mode : 0;

	if (!f->inode || K_ISFIFO(mode) || K_ISSOCK(mode))
		return false;
	if (K_ISCHR(mode))
		return f->ops && f->ops->llseek;
	return true;
}

/* May sleep.  pos NULL: use and advance the file position. */
static ssize_t
rw_one(struct task *t, struct file *f, uaddr_t buf, size_t count,
       uint64_t *pos, bool write)
{
	struct uio u = uio_user(t, buf, count > MAX_RW_COUNT ? MAX_RW_COUNT
							     : count);
	uint64_t p;
	ssize_t r;

	if (write ? !FMODE_WRITE(f) : !FMODE_READ(f))
		return -EBADF;
	if (f->flags & O_PATH)
		return -EBADF;
	if (f->inode && K_ISDIR(f->inode->mode))
		return write ? -EBADF : -EISDIR;
	if (!f->ops || !(write ? f->ops->write : f->ops->read))
		return -EINVAL;
	if (count == 0)
		return 0;
	p = pos ? *pos : f->pos;
	if (write && !pos && (f->flags & O_APPEND) && f->inode &&
	    K_ISREG(f->inode->mode))
		p = f->inode->size;
	r = write ? f->ops->write(f, &u, &p) : f->ops->read(f, &u, &p);
	if (r > 0) {
		if (pos)
			*pos = p;
		else
			f->pos = p;
	}
	return r;
}

static long
rw_fd(struct task *t, int fd, uaddr_t buf, size_t count, int64_t off,
      bool positioned, bool write)
{
	struct file *f = fd_get(t, fd);
	uint64_t pos = (uint64_t)off;
	ssize_t r;

	if (!f)
		return -EBADF;
	if (positioned && (!seekable(f) || off < 0))
		r = !seekable(f) ? -ESPIPE : -EINVAL;
	else
		r = rw_one(t, f, buf, count, positioned ? &pos : NULL, write);
	file_put(f);
	return r;
}

long
sys_read(struct task *t, const uint64_t a[6])
{
	return rw_fd(t, (int)a[0], UADDR(a[1]), a[2], 0, false, false);
}

long
sys_write(struct task *t, const uint64_t a[6])
{
	return rw_fd(t, (int)a[0], UADDR(a[1]), a[2], 0, false, true);
}

long
sys_pread64(struct task *t, const uint64_t a[6])
{
	return rw_fd(t, (int)a[0], UADDR(a[1]), a[2], (int64_t)a[3], true,
		     false);
}

long
sys_pwrite64(struct task *t, const uint64_t a[6])
{
	return rw_fd(t, (int)a[0], UADDR(a[1]), a[2], (int64_t)a[3], true,
		     true);
}

/* The vector loop: stop at the first short transfer or error. */
static long
rw_vec(struct task *t, int fd, uaddr_t uiov, uint64_t n, int64_t off,
       bool positioned, bool write)
{
	struct iovec_k *iov;
	struct file *f;
	uint64_t pos = (uint64_t)off, i, total = 0;
	long done = 0;

	if (n > UIO_MAXIOV)
		return -EINVAL;
	if ((f = fd_get(t, fd)) == NULL)
		return -EBADF;
	if ((iov = malloc(sizeof(*iov) * (n ? n : 1))) == NULL) {
		file_put(f);
		return -ENOMEM;
	}
	if (copy_from_user(t, iov, uiov, sizeof(*iov) * n) < 0)
		done = -EFAULT;
	for (i = 0; done == 0 && i < n; i++) {
		if ((int64_t)iov[i].len < 0 || total + iov[i].len < total)
			done = -EINVAL;
		total += iov[i].len;
	}
	if (done == 0 && positioned && (!seekable(f) || off < 0))
		done = !seekable(f) ? -ESPIPE : -EINVAL;
	for (i = 0; done >= 0 && i < n; i++) {
		ssize_t r;

		if (iov[i].len == 0)
			continue;
		r = rw_one(t, f, UADDR(iov[i].base), iov[i].len,
			   positioned ? &pos : NULL, write);
		if (r < 0) {
			if (done == 0)
				done = r;
			break;
		}
		done += r;
		if ((uint64_t)r < iov[i].len)
			break;
	}
	free(iov);
	file_put(f);
	return done;
}

long
sys_readv(struct task *t, const uint64_t a[6])
{
	return rw_vec(t, (int)a[0], UADDR(a[1]), a[2], 0, false, false);
}

long
sys_writev(struct task *t, const uint64_t a[6])
{
	return rw_vec(t, (int)a[0], UADDR(a[1]), a[2], 0, false, true);
}

long
sys_preadv(struct task *t, const uint64_t a[6])
{
	return rw_vec(t, (int)a[0], UADDR(a[1]), a[2], (int64_t)a[3], true,
		      false);
}

long
sys_pwritev(struct task *t, const uint64_t a[6])
{
	return rw_vec(t, (int)a[0], UADDR(a[1]), a[2], (int64_t)a[3], true,
		      true);
}

long
sys_lseek(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, (int)a[0]);
	int64_t r;

	if (!f)
		return -EBADF;
	if (!seekable(f))
		r = -ESPIPE;
	else if (f->ops && f->ops->llseek)
		r = f->ops->llseek(f, (int64_t)a[1], (int)a[2]);
	else
		r = generic_llseek(f, (int64_t)a[1], (int)a[2]);
	file_put(f);
	return r;
}

/* sendfile: through a kernel buffer, from a seekable input. */
long
sys_sendfile(struct task *t, const uint64_t a[6])
{
	struct file *out = fd_get(t, (int)a[0]), *in = fd_get(t, (int)a[1]);
	uaddr_t uoff = UADDR(a[2]);
	size_t count = a[3], done = 0;
	uint64_t pos = 0;
	char *buf = NULL;
	long r = 0;

	if (!out || !in) {
		r = -EBADF;
		goto out;
	}
	if (!uaddr_is_null(uoff) &&
	    copy_from_user(t, &pos, uoff, sizeof(pos)) < 0) {
		r = -EFAULT;
		goto out;
	}
	if (uaddr_is_null(uoff))
		pos = in->pos;
	if (!FMODE_READ(in) || !FMODE_WRITE(out) || !in->ops->read ||
	    !out->ops || !out->ops->write) {
		r = -EBADF;
		goto out;
	}
	if ((buf = malloc(65536)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	while (done < count) {
		size_t chunk = count - done < 65536 ? count - done : 65536;
		struct uio ku = uio_kernel(buf, chunk);
		ssize_t n = in->ops->read(in, &ku, &pos), w;
		struct uio wu;
		uint64_t opos = out->pos;

		if (n <= 0) {
			r = n;
			break;
		}
		wu = uio_kernel(buf, (size_t)n);
		w = out->ops->write(out, &wu, &opos);
		if (w > 0)
			out->pos = opos;
		if (w < 0) {
			r = w;
			break;
		}
		done += (size_t)w;
		if (w < n)
			break;
	}
	if (done)
		r = (long)done;
	if (uaddr_is_null(uoff))
		in->pos = pos;
	else if (copy_to_user(t, uoff, &pos, sizeof(pos)) < 0)
		r = -EFAULT;
out:
	free(buf);
	if (out)
		file_put(out);
	if (in)
		file_put(in);
	return r;
}
