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

enum uio_dir { UIO_OUT, UIO_IN, UIO_ZERO };

/* Move n bytes between kernel memory k and one guest piece at addr. */
static int
uio_move_user(struct task *t, enum uio_dir dir, uint64_t addr, void *k,
	      size_t n)
{
	if (dir == UIO_OUT)
		return copy_to_user(t, UADDR(addr), k, n);
	if (dir == UIO_IN)
		return copy_from_user(t, k, UADDR(addr), n);
	return clear_user(t, UADDR(addr), n);
}

/* Move n bytes between k and the scattered guest buffer at u->done. */
static int
uio_move_segs(struct uio *u, enum uio_dir dir, char *k, size_t n)
{
	size_t skip = u->done, i, chunk;

	for (i = 0; i < u->nsegs && n > 0; i++) {
		if (skip >= u->segs[i].len) {
			skip -= u->segs[i].len;
			continue;
		}
		chunk = u->segs[i].len - skip;
		if (chunk > n)
			chunk = n;
		if (uio_move_user(u->task, dir, u->segs[i].base + skip, k,
				  chunk) < 0)
			return -EFAULT;
		u->done += chunk;
		if (k)
			k += chunk;
		n -= chunk;
		skip = 0;
	}
	return 0;
}

static int
uio_move(struct uio *u, enum uio_dir dir, void *k, size_t n)
{
	char *p = (char *)(uintptr_t)u->base + u->done;

	if (n > uio_left(u))
		n = uio_left(u);
	if (u->segs)
		return uio_move_segs(u, dir, k, n);
	if (u->user) {
		if (uio_move_user(u->task, dir, u->base + u->done, k, n) < 0)
			return -EFAULT;
	} else if (dir == UIO_OUT) {
		memcpy(p, k, n);
	} else if (dir == UIO_IN) {
		memcpy(k, p, n);
	} else {
		memset(p, 0, n);
	}
	u->done += n;
	return 0;
}

int
uio_out(struct uio *u, const void *src, size_t n)
{
	return uio_move(u, UIO_OUT, (void *)src, n);
}

int
uio_in(struct uio *u, void *dst, size_t n)
{
	return uio_move(u, UIO_IN, dst, n);
}

int
uio_zero(struct uio *u, size_t n)
{
	return uio_move(u, UIO_ZERO, NULL, n);
}
