/*
 * Guest memory access for the core: the uaccess.h functions on top of the
 * host layer, plus path-name buffers and the uio transfer buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/vfs.h"
#include "host/host.h"
#include "task.h"
#include "uaccess.h"

int
copy_from_user(struct task *t, void *dst, uaddr_t src, size_t n)
{
	return host_copy_from(t->host, dst, src.addr, n);
}

int
copy_to_user(struct task *t, uaddr_t dst, const void *src, size_t n)
{
	return host_copy_to(t->host, dst.addr, src, n);
}

int
clear_user(struct task *t, uaddr_t dst, size_t n)
{
	static const char zeros[4096];

	while (n > 0) {
		size_t chunk = n < sizeof(zeros) ? n : sizeof(zeros);

		if (copy_to_user(t, dst, zeros, chunk) < 0)
			return -EFAULT;
		dst = uaddr_add(dst, chunk);
		n -= chunk;
	}
	return 0;
}

long
strncpy_from_user(struct task *t, char *dst, uaddr_t src, size_t n)
{
	return host_strncpy_from(t->host, dst, src.addr, n);
}

static char *
getname_flags(struct task *t, uaddr_t src, int *err, bool empty_ok)
{
	char *buf = malloc(PATH_MAX_K);
	long len;

	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	len = strncpy_from_user(t, buf, src, PATH_MAX_K);
	if (len == 0 && !empty_ok)
		len = -ENOENT;
	if (len < 0) {
		free(buf);
		*err = (int)len;
		return NULL;
	}
	return buf;
}

char *
getname(struct task *t, uaddr_t src, int *err)
{
	return getname_flags(t, src, err, false);
}

char *
getname_empty_ok(struct task *t, uaddr_t src, int *err)
{
	return getname_flags(t, src, err, true);
}

void
putname(char *name)
{
	free(name);
}

int
uio_out(struct uio *u, const void *src, size_t n)
{
	if (n > uio_left(u))
		n = uio_left(u);
	if (u->user) {
		if (copy_to_user(u->task, UADDR(u->base + u->done), src, n) < 0)
			return -EFAULT;
	} else {
		memcpy((char *)(uintptr_t)u->base + u->done, src, n);
	}
	u->done += n;
	return 0;
}

int
uio_in(struct uio *u, void *dst, size_t n)
{
	if (n > uio_left(u))
		n = uio_left(u);
	if (u->user) {
		if (copy_from_user(u->task, dst, UADDR(u->base + u->done), n) < 0)
			return -EFAULT;
	} else {
		memcpy(dst, (char *)(uintptr_t)u->base + u->done, n);
	}
	u->done += n;
	return 0;
}

int
uio_zero(struct uio *u, size_t n)
{
	if (n > uio_left(u))
		n = uio_left(u);
	if (u->user) {
		if (clear_user(u->task, UADDR(u->base + u->done), n) < 0)
			return -EFAULT;
	} else {
		memset((char *)(uintptr_t)u->base + u->done, 0, n);
	}
	u->done += n;
	return 0;
}
