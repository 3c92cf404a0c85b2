/*
 * Moving data: read, write and their vector and positioned forms, lseek,
 * sendfile and copy_file_range.  Blocking policy belongs to each file's
 * ops; here are the checks common to all (access mode, EISDIR, ESPIPE,
 * counts) and the one loop that splits a vector into calls.
 *
 * Two open flags act here for every file: O_DIRECT's alignment rules
 * (the file's read and write do the rest), and O_SYNC/O_DSYNC (or
 * pwritev2's RWF_SYNC/RWF_DSYNC), which make a write (sendfile and
 * copy_file_range too) an fsync (an fdatasync) of the file before it
 * returns, as Linux's generic_write_sync.
 */
#include <fcntl.h>
#include <stdlib.h>

#include "errno.h"
#include "fs/bdev.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "signal.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define MAX_RW_COUNT 0x7ffff000UL
#define UIO_MAXIOV 1024

/* preadv2/pwritev2 flags. */
#define RWF_HIPRI_K 0x01
#define RWF_DSYNC_K 0x02
#define RWF_SYNC_K 0x04
#define RWF_NOWAIT_K 0x08
#define RWF_APPEND_K 0x10
#define RWF_KNOWN_K 0x1f

/* O_SYNC is this bit (Linux's __O_SYNC) and O_DSYNC together. */
#define O_SYNC_ONLY (O_SYNC & ~O_DSYNC)

/*
 * O_DIRECT wants the offset, the length and the buffer's address aligned
 * to the device's logical block (ubd's 512-byte sector; Linux 6.1 asks
 * the same of the memory, through the queue's DMA alignment).
 */
#define DIRECT_ALIGN SECTOR_SIZE

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

/*
 * O_DIRECT's check of a transfer at pos whose buffer addresses and lengths,
 * ORed together, are bits: 1 to go on, 0 for a read that starts at or past
 * the end of a regular file (Linux returns 0 before looking at alignment),
 * or -EINVAL.
 */
static int
direct_check(const struct file *f, uint64_t pos, uint64_t bits, bool write)
{
	if (!(f->flags & O_DIRECT) || !f->ops->direct_io)
		return 1;
	if (!write && f->inode && K_ISREG(f->inode->mode) &&
	    pos >= f->inode->size)
		return 0;
	return ((pos | bits) & (DIRECT_ALIGN - 1)) ? -EINVAL : 1;
}

/* Where a write without an offset of its own, or an appending one, goes. */
static uint64_t
write_start(const struct file *f, const uint64_t *pos, unsigned int rwf)
{
	bool append = (rwf & RWF_APPEND_K) ||
		      (!pos && (f->flags & O_APPEND));

	if (append && f->inode && K_ISREG(f->inode->mode))
		return f->inode->size;
	return pos ? *pos : f->pos;
}

/*
 * After a write that moved data: O_SYNC and RWF_SYNC sync the file as
 * fsync would, O_DSYNC and RWF_DSYNC as fdatasync.  Only files with data
 * of their own (regular files, block devices).  May sleep.
 */
static int
write_sync(struct file *f, unsigned int rwf)
{
	bool dsync = (f->flags & O_DSYNC) || (rwf & (RWF_DSYNC_K | RWF_SYNC_K));
	bool full = (f->flags & O_SYNC_ONLY) || (rwf & RWF_SYNC_K);

	if (!dsync || !f->inode || !f->ops || !f->ops->fsync ||
	    !(K_ISREG(f->inode->mode) || K_ISBLK(f->inode->mode)))
		return 0;
	return f->ops->fsync(f, !full);
}

#define RLIMIT_FSIZE_K 1
#define K_SIGXFSZ 25

int
file_size_allowed(struct task *t, uint64_t size)
{
	if (size <= process_rlimit(t->proc, RLIMIT_FSIZE_K))
		return 0;
	send_signal_self(t, K_SIGXFSZ);
	return -EFBIG;
}

/*
 * RLIMIT_FSIZE cuts a write to a regular file at the limit; one starting
 * at or past it fails (file_size_allowed).  The bytes that may go, or
 * -EFBIG.
 */
static ssize_t
write_room(struct task *t, const struct file *f, uint64_t pos, size_t len)
{
	uint64_t limit;

	if (!f->inode || !K_ISREG(f->inode->mode))
		return (ssize_t)len;
	limit = process_rlimit(t->proc, RLIMIT_FSIZE_K);
	if (pos >= limit)
		return file_size_allowed(t, pos + 1);
	return (ssize_t)(len > limit - pos ? limit - pos : len);
}

/* May sleep.  pos NULL: use and advance the file position. */
static ssize_t
rw_one(struct task *t, struct file *f, uaddr_t buf, size_t count,
       uint64_t *pos, bool write, unsigned int rwf)
{
	size_t len = count > MAX_RW_COUNT ? MAX_RW_COUNT : count;
	struct uio u;
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
	p = write ? write_start(f, pos, rwf) : pos ? *pos : f->pos;
	if (write && (r = write_room(t, f, p, len)) < 0)
		return r;
	if (write)
		len = (size_t)r;
	if ((r = direct_check(f, p, buf.addr | len, write)) <= 0)
		return r;
	u = uio_user(t, buf, len);
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
		r = rw_one(t, f, buf, count, positioned ? &pos : NULL, write, 0);
	if (write && r > 0) {
		int e = write_sync(f, 0);

		if (e < 0)
			r = e;
	}
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

/*
 * O_DIRECT checks a vector as a whole before moving anything: every
 * segment's address and length, and the starting offset.
 */
static int
direct_check_vec(struct file *f, const struct uio_seg *iov, uint64_t n,
		 const uint64_t *pos, bool write, unsigned int rwf)
{
	uint64_t bits = 0, i, p;

	if (!(f->flags & O_DIRECT) || !f->ops)
		return 1;
	for (i = 0; i < n; i++)
		bits |= iov[i].base | iov[i].len;
	p = write ? write_start(f, pos, rwf) : pos ? *pos : f->pos;
	return direct_check(f, p, bits, write);
}

/* The checks of a vector before the loop: 0, or an error for all of it. */
static long
rw_vec_check(struct file *f, const struct uio_seg *iov, uint64_t n,
	     const uint64_t *pos, bool write, unsigned int rwf)
{
	uint64_t i, total = 0;

	for (i = 0; i < n; i++) {
		if ((int64_t)iov[i].len < 0 || total + iov[i].len < total)
			return -EINVAL;
		total += iov[i].len;
	}
	if (pos && (!seekable(f) || (int64_t)*pos < 0))
		return !seekable(f) ? -ESPIPE : -EINVAL;
	if (total == 0)
		return 0;
	return direct_check_vec(f, iov, n, pos, write, rwf) < 0 ? -EINVAL : 0;
}

/* A socket takes a vector whole: a datagram is one message. */
static long
rw_whole_vec(struct task *t, struct file *f, const struct uio_seg *iov,
	     uint64_t n, bool write)
{
	uint64_t i, total = 0, pos = 0;
	struct uio u;

	for (i = 0; i < n; i++)
		total += iov[i].len;
	if (write ? !FMODE_WRITE(f) : !FMODE_READ(f))
		return -EBADF;
	if (total == 0)
		return 0;
	u = uio_user_segs(t, iov, n, total > MAX_RW_COUNT ? MAX_RW_COUNT
							  : total);
	return write ? f->ops->write(f, &u, &pos) : f->ops->read(f, &u, &pos);
}

/* The vector loop: stop at the first short transfer or error. */
static long
rw_each(struct task *t, struct file *f, const struct uio_seg *iov, uint64_t n,
	uint64_t *pos, bool write, unsigned int rwf)
{
	long done = 0;
	uint64_t i;
	ssize_t r;

	for (i = 0; i < n; i++) {
		if (iov[i].len == 0)
			continue;
		r = rw_one(t, f, UADDR(iov[i].base), iov[i].len, pos, write,
			   rwf);
		if (r < 0)
			return done ? done : r;
		done += r;
		if ((uint64_t)r < iov[i].len)
			break;
	}
	return done;
}

/* Copy in and check a vector, then move it. */
static long
rw_vec(struct task *t, int fd, uaddr_t uiov, uint64_t n, int64_t off,
       bool positioned, bool write, unsigned int rwf)
{
	struct uio_seg *iov;
	struct file *f;
	uint64_t pos = (uint64_t)off;
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
	if (done == 0)
		done = rw_vec_check(f, iov, n, positioned ? &pos : NULL, write,
				    rwf);
	if (done == 0 && f->inode && K_ISSOCK(f->inode->mode))
		done = rw_whole_vec(t, f, iov, n, write);
	else if (done == 0)
		done = rw_each(t, f, iov, n, positioned ? &pos : NULL, write,
			       rwf);
	if (write && done > 0) {
		int e = write_sync(f, rwf);

		if (e < 0)
			done = e;
	}
	free(iov);
	file_put(f);
	return done;
}

long
sys_readv(struct task *t, const uint64_t a[6])
{
	return rw_vec(t, (int)a[0], UADDR(a[1]), a[2], 0, false, false, 0);
}

long
sys_writev(struct task *t, const uint64_t a[6])
{
	return rw_vec(t, (int)a[0], UADDR(a[1]), a[2], 0, false, true, 0);
}

long
sys_preadv(struct task *t, const uint64_t a[6])
{
	return rw_vec(t, (int)a[0], UADDR(a[1]), a[2], (int64_t)a[3], true,
		      false, 0);
}

long
sys_pwritev(struct task *t, const uint64_t a[6])
{
	return rw_vec(t, (int)a[0], UADDR(a[1]), a[2], (int64_t)a[3], true,
		      true, 0);
}

/*
 * preadv2/pwritev2: an offset of -1 means the file position; the flags
 * ask for a sync after the write (RWF_DSYNC, RWF_SYNC), an append
 * (RWF_APPEND), polling (RWF_HIPRI, meaningless here and ignored) or no
 * waiting (RWF_NOWAIT: reads of regular files, which never wait for
 * another task here; elsewhere unsupported, as Linux's buffered ext4
 * writes).
 */
static long
rw_vec2(struct task *t, const uint64_t a[6], bool write)
{
	unsigned int rwf = (unsigned int)a[5];
	int64_t off = (int64_t)a[3];

	if (rwf & ~(unsigned int)RWF_KNOWN_K)
		return -EOPNOTSUPP;
	if (!write && (rwf & RWF_APPEND_K))
		return -EINVAL;
	if (rwf & RWF_NOWAIT_K) {
		struct file *f = fd_get(t, (int)a[0]);
		bool ok = f && !write && f->inode && K_ISREG(f->inode->mode);

		if (f)
			file_put(f);
		if (!f)
			return -EBADF;
		if (!ok)
			return -EOPNOTSUPP;
	}
	return rw_vec(t, (int)a[0], UADDR(a[1]), a[2], off, off != -1, write,
		      rwf);
}

long
sys_preadv2(struct task *t, const uint64_t a[6])
{
	return rw_vec2(t, a, false);
}

long
sys_pwritev2(struct task *t, const uint64_t a[6])
{
	return rw_vec2(t, a, true);
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
	int e;

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
		if (r > 0 && (e = write_sync(out, 0)) < 0)
			r = e;
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
	int e;

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
		if (r > 0 && (e = write_sync(out, 0)) < 0)
			r = e;
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
