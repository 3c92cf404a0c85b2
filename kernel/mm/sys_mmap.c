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
	if (f && f->ops && f->ops->mmap_check &&
	    (r = f->ops->mmap_check(f, prot, type == K_MAP_SHARED)) < 0) {
		file_put(f);
		return r;
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

/* madvise(2) advice values. */
enum {
	MADV_DONTFORK_K = 10,
	MADV_DOFORK_K = 11,
	MADV_HWPOISON_K = 100,
	MADV_SOFT_OFFLINE_K = 101,
};

/* Advice Linux 6.1 knows: 0-4 (NORMAL..DONTNEED), 8-24, and the two
 * memory-failure ones. */
static bool
advice_known(int advice)
{
	return (advice >= 0 && advice <= 4) || (advice >= 8 && advice <= 24) ||
	       advice == MADV_HWPOISON_K || advice == MADV_SOFT_OFFLINE_K;
}

/*
 * madvise: the host owns the pages, so the advice goes to the host, whose
 * map of the range is the same as ours and which answers as Linux does
 * (DONTNEED zeroes private anonymous pages and re-reads a private file
 * mapping from the page cache, FREE refuses file mappings, WIPEONFORK
 * shared ones).  DONTFORK is also recorded in our map, which fork copies.
 * Poisoning host pages is never passed on.
 */
long
sys_madvise(struct task *t, const uint64_t a[6])
{
	uint64_t addr = a[0], end = addr + PAGE_ALIGN(a[1]);
	int advice = (int)a[2];
	long r;

	if ((addr & (PAGE_SIZE - 1)) || end < addr || !advice_known(advice))
		return -EINVAL;
	if (advice == MADV_HWPOISON_K || advice == MADV_SOFT_OFFLINE_K)
		return -EPERM;
	if (end == addr)
		return 0;
	r = host_task_syscall(t->host, SYS_madvise, addr, end - addr,
			      (uint64_t)advice, 0, 0, 0);
	if (r == 0 && (advice == MADV_DONTFORK_K || advice == MADV_DOFORK_K))
		r = mm_set_dontfork(t->mm, addr, end, advice == MADV_DONTFORK_K);
	return r;
}

/*
 * The mlock family.  Guest memory is never swapped out by the kernel (the
 * host may, which guest mlock could not prevent without host privileges),
 * so locking has nothing to do beyond Linux's checks: the range must be
 * mapped and, without CAP_IPC_LOCK, fit RLIMIT_MEMLOCK.
 */
#define RLIMIT_MEMLOCK_K 8
#define CAP_IPC_LOCK_K 14
#define MLOCK_ONFAULT_K 1
#define MCL_CURRENT_K 1
#define MCL_FUTURE_K 2
#define MCL_ONFAULT_K 4

static long
lock_allowed(struct task *t, uint64_t len)
{
	uint64_t limit = process_rlimit(t->proc, RLIMIT_MEMLOCK_K);

	if (cred_cap_effective(&t->cred) & (1ULL << CAP_IPC_LOCK_K))
		return 0;
	if (limit == 0)
		return -EPERM;
	return len > limit ? -ENOMEM : 0;
}

static long
lock_range(struct task *t, uint64_t addr, uint64_t len, bool lock)
{
	uint64_t start = PAGE_ALIGN_DOWN(addr), end = PAGE_ALIGN(addr + len);
	long r;

	if (addr + len < addr)
		return -EINVAL;
	if (lock && (r = lock_allowed(t, end - start)) < 0)
		return r;
	return mm_range_mapped(t->mm, start, end) ? 0 : -ENOMEM;
}

long
sys_mlock(struct task *t, const uint64_t a[6])
{
	return lock_range(t, a[0], a[1], true);
}

long
sys_mlock2(struct task *t, const uint64_t a[6])
{
	if (a[2] & ~(uint64_t)MLOCK_ONFAULT_K)
		return -EINVAL;
	return lock_range(t, a[0], a[1], true);
}

long
sys_munlock(struct task *t, const uint64_t a[6])
{
	return lock_range(t, a[0], a[1], false);
}

long
sys_mlockall(struct task *t, const uint64_t a[6])
{
	uint64_t flags = a[0];

	if (!flags || (flags & ~(uint64_t)(MCL_CURRENT_K | MCL_FUTURE_K | MCL_ONFAULT_K)) ||
	    flags == MCL_ONFAULT_K)
		return -EINVAL;
	return lock_allowed(t, (flags & MCL_CURRENT_K) ? t->mm->committed : 0);
}

long
sys_munlockall(struct task *t, const uint64_t a[6])
{
	return 0;
}

/*
 * membarrier: a guest process is a host process whose host threads are
 * its threads, so the host's barrier over this process is the guest's.
 */
long
sys_membarrier(struct task *t, const uint64_t a[6])
{
	return host_task_syscall(t->host, SYS_membarrier, a[0], a[1], a[2], 0,
				 0, 0);
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
