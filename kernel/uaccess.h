/*
 * Guest memory, as the core sees it.
 *
 * A guest pointer is a uaddr_t: a struct, so it cannot be dereferenced by
 * mistake.  Only the functions here turn one into data, and they return 0
 * or -EFAULT (never crash) on a bad pointer.  Copy guest memory in once and
 * validate the copy: the guest's other threads keep running meanwhile.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint64_t addr;
} uaddr_t;

#define UADDR(x) ((uaddr_t){ (uint64_t)(x) })
#define UNULL UADDR(0)

static inline uaddr_t
uaddr_add(uaddr_t u, uint64_t off)
{
	return UADDR(u.addr + off);
}

static inline int
uaddr_is_null(uaddr_t u)
{
	return u.addr == 0;
}

struct task;

int copy_from_user(struct task *t, void *dst, uaddr_t src, size_t n);
int copy_to_user(struct task *t, uaddr_t dst, const void *src, size_t n);
/* Zero n bytes of guest memory. */
int clear_user(struct task *t, uaddr_t dst, size_t n);
/*
 * Copy a NUL-terminated string of at most n bytes including the NUL.
 * Returns its length, -EFAULT, or -ENAMETOOLONG if no NUL within n.
 */
long strncpy_from_user(struct task *t, char *dst, uaddr_t src, size_t n);

/*
 * Read a path argument: a PATH_MAX buffer from the heap.  Empty paths are
 * -ENOENT.  Free with path_name_free().  Returns the buffer or NULL with
 * *err set.
 */
char *getname(struct task *t, uaddr_t src, int *err);
/* As getname, but an empty string is allowed (AT_EMPTY_PATH). */
char *getname_empty_ok(struct task *t, uaddr_t src, int *err);
void putname(char *name);

/* One piece of a scattered buffer: the guest's struct iovec. */
struct uio_seg {
	uint64_t base;
	uint64_t len;
};

/*
 * A transfer buffer for read/write-style operations: either guest memory
 * (the syscalls) or kernel memory (the kernel's own reads, e.g. exec).
 * uio_out copies from the kernel into the buffer at its current position,
 * uio_in from the buffer into the kernel; both advance it.  A guest buffer
 * may be scattered (readv on a socket, sendmsg): segs then lists the
 * pieces, len is their total and base is unused.
 */
struct uio {
	int user;	  /* 1: guest memory of task; 0: kernel memory */
	struct task *task;
	uint64_t base;	  /* guest address or kernel pointer */
	size_t len;	  /* total */
	size_t done;	  /* moved so far */
	const struct uio_seg *segs; /* NULL: one piece at base */
	size_t nsegs;
};

static inline struct uio
uio_user(struct task *t, uaddr_t buf, size_t len)
{
	return (struct uio){ 1, t, buf.addr, len, 0, NULL, 0 };
}

static inline struct uio
uio_kernel(void *buf, size_t len)
{
	return (struct uio){ 0, NULL, (uint64_t)(uintptr_t)buf, len, 0, NULL,
			     0 };
}

/* A scattered guest buffer: segs (len of them summing to total) stay the
 * caller's while the uio is used. */
static inline struct uio
uio_user_segs(struct task *t, const struct uio_seg *segs, size_t nsegs,
	      size_t total)
{
	return (struct uio){ 1, t, 0, total, 0, segs, nsegs };
}

static inline size_t
uio_left(const struct uio *u)
{
	return u->len - u->done;
}

int uio_out(struct uio *u, const void *src, size_t n);
int uio_in(struct uio *u, void *dst, size_t n);
int uio_zero(struct uio *u, size_t n);

#endif
