/*
 * Memory-map system calls: argument checking; the work is in mmap.c.
 */
#include <sys/syscall.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "mm/mm.h"
#include "syscalls.h"
#include "task.h"

long
sys_mmap(struct task *t, const uint64_t a[6])
{
	uint64_t addr = a[0], len = a[1], off = a[5], out;
	unsigned int prot = (unsigned int)a[2], flags = (unsigned int)a[3];
	unsigned int type = flags & 3;
	struct file *f = NULL;
	int r;

	if (type != K_MAP_SHARED && type != K_MAP_PRIVATE && type != 3)
		return -EINVAL;
	if (type == 3)
		type = K_MAP_SHARED; /* MAP_SHARED_VALIDATE */
	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	if (len == 0)
		return -EINVAL;
	if (!(flags & K_MAP_ANONYMOUS)) {
		if ((f = fd_get(t, (int)a[4])) == NULL)
			return -EBADF;
		if (!FMODE_READ(f) ||
		    (type == K_MAP_SHARED && (prot & K_PROT_WRITE) &&
		     !FMODE_WRITE(f))) {
			file_put(f);
			return -EACCES;
		}
	}
	r = mm_mmap(t, addr, len, prot, type | (flags & ~3u), f, off, &out);
	if (f)
		file_put(f);
	return r < 0 ? r : (long)out;
}

long
sys_munmap(struct task *t, const uint64_t a[6])
{
	return mm_munmap(t, a[0], a[1]);
}

long
sys_mprotect(struct task *t, const uint64_t a[6])
{
	return mm_mprotect(t, a[0], a[1], (unsigned int)a[2]);
}

long
sys_brk(struct task *t, const uint64_t a[6])
{
	return (long)mm_brk(t, a[0]);
}

/* Advice has no effect on our map; DONTNEED's zeroing is the host's. */
long
sys_madvise(struct task *t, const uint64_t a[6])
{
	uint64_t addr = a[0], len = a[1];
	int advice = (int)a[2];

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (advice == 4 /* MADV_DONTNEED */ || advice == 8 /* MADV_FREE */)
		return host_task_syscall(t->host, SYS_madvise, addr, len,
					 (uint64_t)advice, 0, 0, 0);
	return 0;
}

#define MS_ASYNC_K 1
#define MS_INVALIDATE_K 2
#define MS_SYNC_K 4

/*
 * msync: the mapped memory is the page cache itself, so MS_SYNC only has
 * to write the files of shared mappings back.
 */
long
sys_msync(struct task *t, const uint64_t a[6])
{
	uint64_t addr = a[0], end = addr + PAGE_ALIGN(a[1]), at;
	int flags = (int)a[2];
	struct vma *v;

	if ((addr & (PAGE_SIZE - 1)) || (flags & ~7) ||
	    ((flags & MS_ASYNC_K) && (flags & MS_SYNC_K)) || end < addr)
		return -EINVAL;
	for (at = addr; at < end; at = v->end) {
		if ((v = vma_find(t->mm, at)) == NULL)
			return -ENOMEM;
		if ((flags & MS_SYNC_K) && v->file && (v->flags & K_MAP_SHARED) &&
		    v->file->ops && v->file->ops->fsync) {
			int r = v->file->ops->fsync(v->file, true);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

long
sys_mremap(struct task *t, const uint64_t a[6])
{
	return mm_mremap(t, a[0], a[1], a[2], (unsigned int)a[3], a[4]);
}

long
sys_mincore(struct task *t, const uint64_t a[6])
{
	return mm_mincore(t, a[0], a[1], a[2]);
}
