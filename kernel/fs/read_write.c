/*
 * Moving data: read, write and their vector and positioned forms, lseek,
 * sendfile and copy_file_range.  Blocking policy belongs to each file's
 * ops; here are the checks common to all (access mode, EISDIR, ESPIPE,
 * counts) and the one loop that splits a vector into calls.
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

/*
 * Copy up to count bytes from in at *ipos to out at *opos through a kernel
 * buffer, advancing both positions by what reached out.  Returns the bytes
 * copied, or an error if nothing was.
 */
static long
copy_through_buffer(struct file *in, uint64_t *ipos, struct file *out,
		    uint64_t *opos, size_t count)
{
	enum { CHUNK = 65536 };
	char *buf = malloc(CHUNK);
	size_t done = 0;
	long r = 0;

	if (!buf)
		return -ENOMEM;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	while (done < count) {
		size_t chunk = count - done < CHUNK ? count - done : CHUNK;
		struct uio ku = uio_kernel(buf, chunk), wu;
		uint64_t rpos = *ipos, wpos = *opos;
		ssize_t n = in->ops->read(in, &ku, &rpos), w;

		if (n <= 0) {
			r = n;
			break;
		}
		wu = uio_kernel(buf, (size_t)n);
		if ((w = out->ops->write(out, &wu, &wpos)) <= 0) {
			r = w;
			break;
		}
		*ipos += (uint64_t)w;
		*opos = wpos;
		done += (size_t)w;
		if (w < n)
			break;
	}
	free(buf);
	return done ? (long)done : r;
}

/* Read a user's offset, or take the file's own position (uoff NULL). */
static int
offset_in(struct task *t, uaddr_t uoff, const struct file *f, uint64_t *pos)
{
	if (uaddr_is_null(uoff)) {
		*pos = f->pos;
		return 0;
	}
	return copy_from_user(t, pos, uoff, sizeof(*pos)) < 0 ? -EFAULT : 0;
}

/* And store it back where it came from. */
static int
offset_out(struct task *t, uaddr_t uoff, struct file *f, uint64_t pos)
{
	if (uaddr_is_null(uoff)) {
		f->pos = pos;
		return 0;
	}
	return copy_to_user(t, uoff, &pos, sizeof(pos)) < 0 ? -EFAULT : 0;
}

/* sendfile: from a seekable input to any output, at the output's position. */
long
sys_sendfile(struct task *t, const uint64_t a[6])
{
	struct file *out = fd_get(t, (int)a[0]), *in = fd_get(t, (int)a[1]);
	uaddr_t uoff = UADDR(a[2]);
	uint64_t pos, opos;
	long r;

	if (!out || !in || !FMODE_READ(in) || !FMODE_WRITE(out) ||
	    !in->ops || !in->ops->read || !out->ops || !out->ops->write)
		r = -EBADF;
	else if ((r = offset_in(t, uoff, in, &pos)) == 0 && (int64_t)pos < 0)
		r = -EINVAL;
	else if (r == 0) {
		opos = out->pos;
		r = copy_through_buffer(in, &pos, out, &opos, a[3]);
		if (r > 0)
			out->pos = opos;
		if (offset_out(t, uoff, in, pos) < 0)
			r = -EFAULT;
	}
	if (out)
		file_put(out);
	if (in)
		file_put(in);
	return r;
}

/* copy_file_range's checks on the two files, in Linux's order. */
static int
copy_range_check(struct file *in, struct file *out)
{
	if (!FMODE_READ(in) || !FMODE_WRITE(out))
		return -EBADF;
	if (!in->inode || !out->inode)
		return -EINVAL;
	if (K_ISDIR(in->inode->mode) || K_ISDIR(out->inode->mode))
		return -EISDIR;
	if (!K_ISREG(in->inode->mode) || !K_ISREG(out->inode->mode))
		return -EINVAL;
	if (out->flags & O_APPEND)
		return -EBADF;
	if (!in->ops || !in->ops->read || !out->ops || !out->ops->write)
		return -EINVAL;
	return 0;
}

/* Do [a, a + len) and [b, b + len) overlap? */
static bool
ranges_overlap(uint64_t a, uint64_t b, uint64_t len)
{
	return a < b ? b - a < len : a - b < len;
}

/* copy_file_range: between regular files, through a kernel buffer. */
long
sys_copy_file_range(struct task *t, const uint64_t a[6])
{
	struct file *in = fd_get(t, (int)a[0]), *out = fd_get(t, (int)a[2]);
	uaddr_t uin = UADDR(a[1]), uout = UADDR(a[3]);
	uint64_t ipos, opos, len = a[4];
	long r;

	if (!in || !out)
		r = -EBADF;
	else if (a[5] != 0)
		r = -EINVAL;
	else if ((r = copy_range_check(in, out)) < 0 ||
		 (r = offset_in(t, uin, in, &ipos)) < 0 ||
		 (r = offset_in(t, uout, out, &opos)) < 0)
		;
	else if (ipos + len < ipos || opos + len < opos)
		r = -EOVERFLOW;	/* negative offsets end here too, as on Linux */
	else if (in->inode == out->inode && ranges_overlap(ipos, opos, len))
		r = -EINVAL;
	else if (len == 0 || ipos >= in->inode->size)
		r = 0;
	else {
		r = copy_through_buffer(in, &ipos, out, &opos, len);
		if (offset_out(t, uin, in, ipos) < 0 ||
		    offset_out(t, uout, out, opos) < 0)
			r = -EFAULT;
	}
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return r;
}
