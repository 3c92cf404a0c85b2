/*
 * fadvise64 and readahead: hints about future access.  The page cache
 * loads in large runs anyway, so they only check their arguments.
 */
#include "errno.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "syscalls.h"
#include "task.h"

static long
check_hint_fd(struct task *t, int fd)
{
	struct file *f = fd_get(t, fd);
	long r = 0;

	if (!f)
		return -EBADF;
	if (f->inode && (K_ISFIFO(f->inode->mode) || K_ISSOCK(f->inode->mode)))
		r = -ESPIPE;
	file_put(f);
	return r;
}

long
sys_fadvise64(struct task *t, const uint64_t a[6])
{
	int advice = (int)a[3];

	if ((int64_t)a[2] < 0 || advice < 0 || advice > 5)
		return -EINVAL;
	return check_hint_fd(t, (int)a[0]);
}

long
sys_readahead(struct task *t, const uint64_t a[6])
{
	long r = check_hint_fd(t, (int)a[0]);

	return r == -ESPIPE ? -EINVAL : r;
}
