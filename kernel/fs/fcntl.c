/*
 * File descriptor control: dup family, fcntl, ioctl's generic commands,
 * flock (the locks themselves are locks.c's), and the sync calls.
 */
#include <fcntl.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "fs/locks.h"
#include "fs/tmpfs.h"
#include "fs/mount.h"
#include "fs/vfs.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

long
sys_dup(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, (int)a[0]);

	if (!f)
		return -EBADF;
	return fd_install(t, f, 0, 0);
}

static long
do_dup3(struct task *t, int oldfd, int newfd, int flags)
{
	struct file *f;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if ((f = fd_get(t, oldfd)) == NULL)
		return -EBADF;
	return fd_install_at(t, newfd, f, (flags & O_CLOEXEC) ? FD_CLOEXEC_K
							      : 0);
}

long
sys_dup2(struct task *t, const uint64_t a[6])
{
	int oldfd = (int)a[0], newfd = (int)a[1];
	struct file *f;

	if (oldfd == newfd) {
		if ((f = fd_get(t, oldfd)) == NULL)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return do_dup3(t, oldfd, newfd, 0);
}

long
sys_dup3(struct task *t, const uint64_t a[6])
{
	if ((int)a[0] == (int)a[1])
		return -EINVAL;
	return do_dup3(t, (int)a[0], (int)a[1], (int)a[2]);
}

/*
 * F_SETFL: only the flags of SETFL_MASK change (O_SYNC and O_DSYNC stay
 * as open set them).  O_DIRECT only where open would allow it, except on
 * pipes and FIFOs, where Linux takes it for packet mode.
 */
static long
set_file_flags(struct file *f, unsigned int flags)
{
	bool fifo = f->inode && K_ISFIFO(f->inode->mode);

	if ((flags & O_DIRECT) && !fifo && !file_can_direct(f))
		return -EINVAL;
	f->flags = (f->flags & ~(unsigned int)SETFL_MASK) |
		   (flags & SETFL_MASK);
	return 0;
}

long
sys_fcntl(struct task *t, const uint64_t a[6])
{
	int fd = (int)a[0], cmd = (int)a[1];
	uint64_t arg = a[2];
	struct file *f = fd_get(t, fd);
	long r = 0;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int64_t)arg < 0 || arg >= (uint64_t)fd_limit(t)) {
			r = -EINVAL;
			break;
		}
		return fd_install(t, f, cmd == F_DUPFD ? 0 : FD_CLOEXEC_K,
				  (int)arg);
	case F_GETFD:
		r = fd_get_flags(t, fd);
		break;
	case F_SETFD:
		r = fd_set_flags(t, fd, arg & FD_CLOEXEC_K);
		break;
	case F_GETFL:
		r = f->flags & ~(unsigned int)O_CLOEXEC;
		break;
	case F_SETFL:
		r = set_file_flags(f, (unsigned int)arg);
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = locks_fcntl(t, f, cmd, arg);
		break;
	case F_ADD_SEALS:
		r = tmpfs_add_seals(f, (unsigned int)arg);
		break;
	case F_GET_SEALS:
		r = tmpfs_get_seals(f);
		break;
	case F_GETOWN:
	case F_SETOWN:
	case F_SETSIG:
	case F_GETSIG:
		r = 0;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

#define FIONCLEX_K 0x5450
#define FIOCLEX_K 0x5451
#define FIONBIO_K 0x5421
#define FIOASYNC_K 0x5452

long
sys_ioctl(struct task *t, const uint64_t a[6])
{
	int fd = (int)a[0];
	unsigned int cmd = (unsigned int)a[1];
	struct file *f = fd_get(t, fd);
	int on;
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX_K:
		r = fd_set_flags(t, fd, FD_CLOEXEC_K);
		break;
	case FIONCLEX_K:
		r = fd_set_flags(t, fd, 0);
		break;
	case FIONBIO_K:
		if ((r = copy_from_user(t, &on, UADDR(a[2]), sizeof(on))) == 0)
			f->flags = on ? f->flags | O_NONBLOCK
				      : f->flags & ~(unsigned int)O_NONBLOCK;
		break;
	default:
		r = (f->ops && f->ops->ioctl) ? f->ops->ioctl(f, cmd, a[2])
					      : -ENOTTY;
	}
	file_put(f);
	return r;
}

long
sys_flock(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, (int)a[0]);
	long r;

	if (!f)
		return -EBADF;
	r = locks_flock(t, f, (unsigned int)a[1]);
	file_put(f);
	return r;
}

static long
do_fsync(struct task *t, int fd, bool datasync)
{
	struct file *f = fd_get(t, fd);
	long r;

	if (!f)
		return -EBADF;
	r = (f->ops && f->ops->fsync) ? f->ops->fsync(f, datasync) : 0;
	file_put(f);
	return r;
}

long
sys_fsync(struct task *t, const uint64_t a[6])
{
	return do_fsync(t, (int)a[0], false);
}

long
sys_fdatasync(struct task *t, const uint64_t a[6])
{
	return do_fsync(t, (int)a[0], true);
}

long
sys_sync(struct task *t, const uint64_t a[6])
{
	sync_all();
	return 0;
}

long
sys_syncfs(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, (int)a[0]);
	struct super_block *sb;

	if (!f)
		return -EBADF;
	sb = f->inode ? f->inode->sb : NULL;
	if (sb)
		sync_filesystem(sb);
	file_put(f);
	return 0;
}
