/*
 * Guest address spaces.
 *
 * The host MMU does the paging; the kernel owns the map.  An mm is the list
 * of VMAs of one guest address space, the truth for /proc/PID/maps, brk,
 * mmap/munmap/mprotect/mremap and the mem= limit.  Changes are made in the
 * host by running mmap/munmap/mprotect inside the guest's host process
 * (host_task_syscall); the VMA list is updated to match only once the host
 * agreed.  Anonymous memory and copy-on-write after fork are the host's.
 *
 * Every operation takes a task that is stopped in the kernel and uses this
 * mm, because host syscalls must run in one of its threads.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "list.h"

#define PAGE_SIZE 4096UL
#define PAGE_ALIGN(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ALIGN_DOWN(x) ((x) & ~(PAGE_SIZE - 1))

/* Guest prot/flags values (mmap ABI). */
#define K_PROT_READ 1
#define K_PROT_WRITE 2
#define K_PROT_EXEC 4
#define K_MAP_SHARED 0x01
#define K_MAP_PRIVATE 0x02
#define K_MAP_FIXED 0x10
#define K_MAP_ANONYMOUS 0x20
#define K_MAP_GROWSDOWN 0x100
#define K_MAP_DENYWRITE 0x800
#define K_MAP_NORESERVE 0x4000
#define K_MAP_POPULATE 0x8000
#define K_MAP_STACK 0x20000
#define K_MAP_FIXED_NOREPLACE 0x100000
/* A VMA flag of ours, outside the mmap ABI: madvise(MADV_DONTFORK). */
#define VMA_DONTFORK 0x80000000u

/* VMA kinds, for /proc/PID/maps names. */
enum vma_kind {
	VMA_ANON,
	VMA_FILE,
	VMA_HEAP,
	VMA_STACK,
	VMA_VDSO,
	VMA_VVAR,
};

struct file;
struct task;

struct vma {
	struct list link; /* mm->vmas, sorted by start */
	uint64_t start, end;
	unsigned int prot;  /* K_PROT_* */
	unsigned int flags; /* K_MAP_SHARED or K_MAP_PRIVATE, GROWSDOWN */
	enum vma_kind kind;
	struct file *file;  /* VMA_FILE: a reference */
	uint64_t offset;    /* VMA_FILE: file offset of start */
	uint64_t shared_id; /* shared anonymous memory: names it for futexes */
};

struct mm {
	int refcount;
	struct list vmas;
	uint64_t mmap_base;	    /* top-down allocation starts below it */
	uint64_t start_brk, brk;    /* heap */
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_stack;	    /* initial stack pointer */
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t auxv_start, auxv_len;
	uint64_t committed;	    /* bytes counted against mem= */
	struct file *exe_file;	    /* /proc/PID/exe */
};

/* The mem= limit and what all guests have committed together. */
extern uint64_t mem_limit, mem_committed;

struct mm *mm_alloc(void);
/* A copy of the map for fork: the host copies the memory itself. */
struct mm *mm_copy(const struct mm *src);
void mm_put(struct mm *mm);

/*
 * Map len bytes (anonymous if f is NULL) and return the address in *out.
 * addr is a hint unless K_MAP_FIXED.  0 or -errno (-ENOMEM past mem=).
 */
int mm_mmap(struct task *t, uint64_t addr, uint64_t len, unsigned int prot,
	    unsigned int flags, struct file *f, uint64_t off, uint64_t *out);
int mm_munmap(struct task *t, uint64_t addr, uint64_t len);
int mm_mprotect(struct task *t, uint64_t addr, uint64_t len, unsigned int prot);
long mm_mremap(struct task *t, uint64_t old, uint64_t old_len,
	       uint64_t new_len, unsigned int flags, uint64_t new_addr);
long mm_mincore(struct task *t, uint64_t addr, uint64_t len, uint64_t vec);
/* Map the stack of a new program: size bytes below top. */
int mm_map_stack(struct task *t, uint64_t top, uint64_t size);
/* brk(2): returns the new (or unchanged) break. */
uint64_t mm_brk(struct task *t, uint64_t newbrk);

/* Whether every page of [start, end) is mapped. */
bool mm_range_mapped(struct mm *mm, uint64_t start, uint64_t end);
/*
 * Set (on) or clear VMA_DONTFORK on the mapped parts of [start, end),
 * splitting VMAs at the edges; fork leaves such VMAs out of the child.
 */
int mm_set_dontfork(struct mm *mm, uint64_t start, uint64_t end, bool on);

/* The VMA containing addr, or NULL. */
struct vma *vma_find(struct mm *mm, uint64_t addr);
/* Record a mapping the host made itself (the vDSO). */
int vma_insert_fixed(struct mm *mm, uint64_t start, uint64_t end,
		     unsigned int prot, enum vma_kind kind);

#endif
