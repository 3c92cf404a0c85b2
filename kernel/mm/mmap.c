/*
 * The VMA list of a guest address space and the operations that change it.
 *
 * Each change is made in the host first (mmap/munmap/mprotect run inside
 * the guest's host process) and recorded here only when the host agreed,
 * so the list always describes what the guest really has.  Addresses are
 * chosen top-down below mm->mmap_base, as Linux does.
 *
 * Commit accounting: private writable and shared anonymous mappings count
 * against mem=; past it, mappings fail with ENOMEM and the host's memory is
 * never exhausted by a guest.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "errno.h"
#include "fs/vfs.h"
#include "host/host.h"
#include "mm/mm.h"
#include "mm/pagecache.h"
#include "printk.h"
#include "task.h"

#define HOST_MAP_SHARED 0x01
#define HOST_MAP_PRIVATE 0x02
#define HOST_MAP_FIXED 0x10
#define HOST_MAP_ANONYMOUS 0x20
#define HOST_MAP_NORESERVE 0x4000

uint64_t mem_limit = 256ULL << 20;
uint64_t mem_committed;

static uint64_t
vma_charge(const struct vma *v)
{
	/* The stack is reserved, not committed: it fills as it is used. */
	if (v->kind == VMA_VDSO || v->kind == VMA_VVAR || v->kind == VMA_STACK)
		return 0;
	/* Reservations (PROT_NONE, read-only, MAP_NORESERVE) cost nothing
	 * until they become writable; a shared file lives in its cache. */
	if ((v->flags & K_MAP_NORESERVE) || !(v->prot & K_PROT_WRITE))
		return 0;
	if ((v->flags & K_MAP_SHARED) && v->file)
		return 0;
	return v->end - v->start;
}

/* Add (sign 1) or remove (sign -1) v's charge. */
static void
vma_account(struct mm *mm, struct vma *v, int sign)
{
	uint64_t c = vma_charge(v);

	if (sign > 0) {
		mm->committed += c;
		mem_committed += c;
	} else {
		mm->committed -= c;
		mem_committed -= c;
	}
}

/*
 * The page cache counts the guest mappings of its memfd: a mapped file
 * keeps its pages, and shared mappings of a writable file are written
 * back as a whole (it cannot see which pages the guest stored to).  The
 * inode counts shared mappings through writable files of any kind.
 * delta +1 when a mapping starts to exist, -1 when it goes.
 */
static void
track_file_map(struct file *f, unsigned int flags, int delta)
{
	struct page_cache *pc = f ? f->inode->pcache : NULL;
	bool shared_writable = f && (flags & K_MAP_SHARED) && FMODE_WRITE(f);

	if (shared_writable)
		f->inode->writable_maps += delta; /* memfd's F_SEAL_WRITE asks */
	if (!pc || !f->ops || !f->ops->mmap_fd)
		return;
	if (delta < 0 && shared_writable)
		pagecache_sync(pc);
	pagecache_map(pc, delta, shared_writable);
}

static void
vma_track(struct vma *v, int delta)
{
	track_file_map(v->file, v->flags, delta);
}

struct mm *
mm_alloc(void)
{
	struct mm *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	mm->refcount = 1;
	list_init(&mm->vmas);
	return mm;
}

static void
vma_free(struct mm *mm, struct vma *v)
{
	vma_account(mm, v, -1);
	list_del(&v->link);
	vma_track(v, -1);
	if (v->file)
		file_put(v->file);
	free(v);
}

struct mm *
mm_copy(const struct mm *src)
{
	struct mm *mm = mm_alloc();
	struct vma *v, *n;

	if (!mm)
		return NULL;
	*mm = *src;
	mm->refcount = 1;
	mm->committed = 0;
	list_init(&mm->vmas);
	if (mm->exe_file)
		file_get(mm->exe_file);
	list_for_each_entry(v, &src->vmas, link) {
		if (v->flags & VMA_DONTFORK)
			continue; /* the host's fork leaves it out too */
		if ((n = malloc(sizeof(*n))) == NULL) {
			mm_put(mm);
			return NULL;
		}
		*n = *v;
		if (n->file)
			file_get(n->file);
		vma_track(n, 1);
		list_add_tail(&n->link, &mm->vmas);
		mm->committed += vma_charge(n);
	}
	mem_committed += mm->committed;
	return mm;
}

void
mm_put(struct mm *mm)
{
	if (!mm || --mm->refcount > 0)
		return;
	while (!list_empty(&mm->vmas))
		vma_free(mm, list_first_entry(&mm->vmas, struct vma, link));
	if (mm->exe_file)
		file_put(mm->exe_file);
	free(mm);
}

struct vma *
vma_find(struct mm *mm, uint64_t addr)
{
	struct vma *v;

	list_for_each_entry(v, &mm->vmas, link) {
		if (addr < v->start)
			return NULL;
		if (addr < v->end)
			return v;
	}
	return NULL;
}

/* Insert a new VMA keeping the list sorted; the range must be free. */
static struct vma *
vma_insert(struct mm *mm, uint64_t start, uint64_t end, unsigned int prot,
	   unsigned int flags, enum vma_kind kind)
{
	struct vma *v = calloc(1, sizeof(*v)), *pos;

	if (!v)
		return NULL;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	v->kind = kind;
	list_for_each_entry(pos, &mm->vmas, link)
		if (pos->start >= end)
			break;
	list_add_tail(&v->link, &pos->link);
	vma_account(mm, v, 1);
	return v;
}

int
vma_insert_fixed(struct mm *mm, uint64_t start, uint64_t end,
		 unsigned int prot, enum vma_kind kind)
{
	return vma_insert(mm, start, end, prot, K_MAP_PRIVATE, kind) ? 0
								      : -ENOMEM;
}

static bool
range_free(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v;

	list_for_each_entry(v, &mm->vmas, link)
		if (v->start < end && start < v->end)
			return false;
	return true;
}

/* Highest free range of len bytes below limit; 0 if none. */
static uint64_t
find_free_top_down(struct mm *mm, uint64_t len, uint64_t limit)
{
	uint64_t top = limit;
	struct vma *v;

	for (v = list_entry(mm->vmas.prev, struct vma, link);
	     &v->link != &mm->vmas;
	     v = list_entry(v->link.prev, struct vma, link)) {
		if (v->start >= top)
			continue;
		if (v->end <= top && top - v->end >= len)
			return top - len;
		top = v->start;
	}
	if (top >= len + 0x10000)
		return top - len;
	return 0;
}

/*
 * Split the VMA containing addr so that addr starts a VMA.  The two halves
 * keep the same host mapping, so no host call is needed.
 */
static int
vma_split(struct mm *mm, uint64_t addr)
{
	struct vma *v = vma_find(mm, addr), *n;

	if (!v || v->start == addr)
		return 0;
	if ((n = malloc(sizeof(*n))) == NULL)
		return -ENOMEM;
	*n = *v;
	n->start = addr;
	n->offset += addr - v->start;
	if (n->file)
		file_get(n->file);
	vma_track(n, 1);
	v->end = addr;
	list_add(&n->link, &v->link);
	return 0;
}

/* Forget every VMA inside [start, end); the host range is already gone. */
static int
vma_remove_range(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v, *tmp;
	int r;

	if ((r = vma_split(mm, start)) < 0 || (r = vma_split(mm, end)) < 0)
		return r;
	list_for_each_entry_safe(v, tmp, &mm->vmas, link)
		if (v->start >= start && v->end <= end)
			vma_free(mm, v);
	return 0;
}

/*
 * Whether b, which starts where a ends, continues it: the same kind of
 * memory with the same protection, and for a file or shared memory the
 * next offset.  Linux keeps such neighbours as one VMA, which /proc/PID/maps
 * shows and mremap relies on (it works within one VMA).
 */
static bool
vma_continues(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    a->kind != b->kind || a->file != b->file ||
	    a->shared_id != b->shared_id)
		return false;
	if (a->kind != VMA_ANON && a->kind != VMA_FILE)
		return false;
	return (!a->file && !a->shared_id) ||
	       a->offset + (a->end - a->start) == b->offset;
}

/* Join the VMAs touching [start, end) with the neighbours they continue. */
static void
vma_merge_range(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v, *n;

	list_for_each_entry(v, &mm->vmas, link) {
		if (v->start > end)
			break;
		if (v->end < start)
			continue;
		while (v->link.next != &mm->vmas) {
			n = list_entry(v->link.next, struct vma, link);
			if (!vma_continues(v, n))
				break;
			vma_account(mm, v, -1);
			v->end = n->end;
			vma_free(mm, n);
			vma_account(mm, v, 1);
		}
	}
}

static long
host_mmap(struct task *t, uint64_t addr, uint64_t len, unsigned int prot,
	  unsigned int hflags)
{
	return host_task_syscall(t->host, SYS_mmap, addr, len, prot,
				 hflags | HOST_MAP_FIXED, (uint64_t)-1, 0);
}

/* Copy file contents into a fresh private mapping (no page cache yet). */
static int
fill_from_file(struct task *t, uint64_t addr, uint64_t len, struct file *f,
	       uint64_t off)
{
	char *buf = malloc(65536);
	uint64_t done = 0;
	int r = 0;

	if (!buf)
		return -ENOMEM;
	while (done < len) {
		size_t chunk = len - done < 65536 ? (size_t)(len - done) : 65536;
		struct uio u = uio_kernel(buf, chunk);
		uint64_t pos = off + done;
		ssize_t n = f->ops->read ? f->ops->read(f, &u, &pos) : -ENODEV;

		if (n < 0) {
			r = (int)n;
			break;
		}
		if (n == 0)
			break;
		if ((r = host_copy_to(t->host, addr + done, buf, (size_t)n)) < 0) {
			pr_debug("fill: copy to %#llx failed", (unsigned long long)(addr + done));
			break;
		}
		done += (uint64_t)n;
	}
	free(buf);
	return r;
}

/*
 * A file mapping.  Files with their data in a memfd (the page cache,
 * tmpfs) are mapped from it, shared or private as asked.  Others can only
 * be mapped privately, by copying their contents into anonymous memory.
 */
static int
map_file(struct task *t, uint64_t addr, uint64_t len, unsigned int prot,
	 unsigned int type, struct file *f, uint64_t off)
{
	long r;
	int fd;

	if (f->ops && f->ops->mmap_fd) {
		if ((fd = f->ops->mmap_fd(f, off, len)) < 0)
			return fd;
		r = host_task_mmap_fd(t->host, addr, len, (int)prot,
				      type == K_MAP_SHARED ? HOST_MAP_SHARED
							   : HOST_MAP_PRIVATE,
				      fd, off);
		return r < 0 ? (int)r : 0;
	}
	if (type == K_MAP_SHARED)
		return -ENODEV;
	r = host_mmap(t, addr, len, K_PROT_READ | K_PROT_WRITE,
		      HOST_MAP_PRIVATE | HOST_MAP_ANONYMOUS);

	if (r < 0)
		return (int)r;
	if ((r = fill_from_file(t, addr, len, f, off)) < 0)
		return (int)r;
	if (prot != (K_PROT_READ | K_PROT_WRITE))
		r = host_task_syscall(t->host, SYS_mprotect, addr, len, prot, 0,
				      0, 0);
	return (int)r;
}

static uint64_t
charge_of(unsigned int prot, unsigned int flags, struct file *f, uint64_t len)
{
	struct vma probe = { .prot = prot, .flags = flags, .file = f };

	probe.end = len;
	return vma_charge(&probe);
}

int
mm_mmap(struct task *t, uint64_t addr, uint64_t len, unsigned int prot,
	unsigned int flags, struct file *f, uint64_t off, uint64_t *out)
{
	struct mm *mm = t->mm;
	uint64_t limit = host_task_size();
	unsigned int type = flags & (K_MAP_SHARED | K_MAP_PRIVATE);
	struct vma *v;
	long r;

	len = PAGE_ALIGN(len);
	if (len == 0 || len > limit)
		return -ENOMEM;
	if (flags & (K_MAP_FIXED | K_MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (addr + len > limit || addr + len < addr)
			return -ENOMEM;
		if ((flags & K_MAP_FIXED_NOREPLACE) &&
		    !range_free(mm, addr, addr + len))
			return -EEXIST;
	} else {
		addr = PAGE_ALIGN(addr);
		if (!addr || addr + len > limit ||
		    !range_free(mm, addr, addr + len))
			addr = find_free_top_down(mm, len, mm->mmap_base);
		if (!addr)
			return -ENOMEM;
	}
	if (mem_committed + charge_of(prot, type | (flags & K_MAP_NORESERVE), f,
				      len) > mem_limit)
		return -ENOMEM;
	if (f)
		r = map_file(t, addr, len, prot, type, f, off);
	else
		r = host_mmap(t, addr, len, prot,
			      (type == K_MAP_SHARED ? HOST_MAP_SHARED
						    : HOST_MAP_PRIVATE) |
				      HOST_MAP_ANONYMOUS | HOST_MAP_NORESERVE);
	if (r < 0)
		return (int)r;
	/* Count the mapping at once: removing old VMAs may sleep, and the
	 * page cache must not drop the pages the host just mapped. */
	track_file_map(f, type, 1);
	if ((r = vma_remove_range(mm, addr, addr + len)) < 0 ||
	    (v = vma_insert(mm, addr, addr + len, prot,
			    type | (flags & K_MAP_NORESERVE),
			    f ? VMA_FILE : VMA_ANON)) == NULL) {
		track_file_map(f, type, -1);
		return r < 0 ? (int)r : -ENOMEM;
	}
	if (f) {
		/* The charge depends on the file: redo it with the file set. */
		vma_account(mm, v, -1);
		v->file = file_get(f);
		v->offset = off;
		vma_account(mm, v, 1);
	} else if (type == K_MAP_SHARED) {
		static uint64_t next_shared_id = 1;

		v->shared_id = next_shared_id++;
		v->offset = 0;
	}
	vma_merge_range(mm, addr, addr + len);
	*out = addr;
	return 0;
}

int
mm_munmap(struct task *t, uint64_t addr, uint64_t len)
{
	long r;

	if ((addr & (PAGE_SIZE - 1)) || len == 0)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (addr + len > host_task_size() || addr + len < addr)
		return -EINVAL;
	r = host_task_syscall(t->host, SYS_munmap, addr, len, 0, 0, 0, 0);
	if (r < 0)
		return (int)r;
	return vma_remove_range(t->mm, addr, addr + len);
}

/* How the commit charge of v's part in [at, end) changes under prot. */
static int64_t
protect_charge(const struct vma *v, uint64_t at, uint64_t end,
	       unsigned int prot)
{
	struct vma part = *v;

	part.start = at;
	part.end = end < v->end ? end : v->end;
	part.prot = prot;
	return (int64_t)vma_charge(&part) -
	       (int64_t)(vma_charge(v) * (part.end - at) / (v->end - v->start));
}

int
mm_mprotect(struct task *t, uint64_t addr, uint64_t len, unsigned int prot)
{
	struct mm *mm = t->mm;
	uint64_t end, at;
	int64_t more = 0;
	struct vma *v;
	long r;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (prot & ~(unsigned int)(K_PROT_READ | K_PROT_WRITE | K_PROT_EXEC))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = addr + len;
	if (end < addr || end > host_task_size())
		return -ENOMEM;
	for (at = addr; at < end; at = v->end) {
		if ((v = vma_find(mm, at)) == NULL)
			return -ENOMEM;
		more += protect_charge(v, at, end, prot);
	}
	if (more > 0 && mem_committed + (uint64_t)more > mem_limit)
		return -ENOMEM;
	r = host_task_syscall(t->host, SYS_mprotect, addr, len, prot, 0, 0, 0);
	if (r < 0)
		return (int)r;
	if ((r = vma_split(mm, addr)) < 0 || (r = vma_split(mm, end)) < 0)
		return (int)r;
	list_for_each_entry(v, &mm->vmas, link) {
		if (v->start >= addr && v->end <= end) {
			vma_account(mm, v, -1);
			v->prot = prot;
			vma_account(mm, v, 1);
		}
	}
	vma_merge_range(mm, addr, end);
	return 0;
}

int
mm_map_stack(struct task *t, uint64_t top, uint64_t size)
{
	long r = host_mmap(t, top - size, size, K_PROT_READ | K_PROT_WRITE,
			   HOST_MAP_PRIVATE | HOST_MAP_ANONYMOUS |
				   HOST_MAP_NORESERVE);

	if (r < 0)
		return (int)r;
	if (!vma_insert(t->mm, top - size, top, K_PROT_READ | K_PROT_WRITE,
			K_MAP_PRIVATE | K_MAP_GROWSDOWN, VMA_STACK))
		return -ENOMEM;
	return 0;
}

uint64_t
mm_brk(struct task *t, uint64_t newbrk)
{
	struct mm *mm = t->mm;
	uint64_t old_end = PAGE_ALIGN(mm->brk), new_end = PAGE_ALIGN(newbrk);
	struct vma *v;

	if (newbrk < mm->start_brk)
		return mm->brk;
	if (new_end < old_end) {
		if (mm_munmap(t, new_end, old_end - new_end) < 0)
			return mm->brk;
	} else if (new_end > old_end) {
		if (!range_free(mm, old_end, new_end) ||
		    mem_committed + (new_end - old_end) > mem_limit)
			return mm->brk;
		if (host_mmap(t, old_end, new_end - old_end,
			      K_PROT_READ | K_PROT_WRITE,
			      HOST_MAP_PRIVATE | HOST_MAP_ANONYMOUS) < 0)
			return mm->brk;
		v = vma_find(mm, old_end - 1);
		if (v && v->kind == VMA_HEAP && v->end == old_end) {
			mm->committed += new_end - old_end;
			mem_committed += new_end - old_end;
			v->end = new_end;
		} else if (!vma_insert(mm, old_end, new_end,
				       K_PROT_READ | K_PROT_WRITE,
				       K_MAP_PRIVATE, VMA_HEAP)) {
			return mm->brk;
		}
	}
	mm->brk = newbrk;
	return mm->brk;
}

/*
 * mremap: the old range must lie in one VMA.  Shrinking stays in place;
 * growing stays in place when the range after it is free, and otherwise
 * moves (with MREMAP_MAYMOVE) to a place this kernel picks, so the host
 * is always told exactly where (MREMAP_FIXED).
 */
#define HOST_MREMAP_MAYMOVE 1
#define HOST_MREMAP_FIXED 2

static long
host_mremap(struct task *t, uint64_t old, uint64_t old_len, uint64_t new_len,
	    uint64_t to)
{
	if (to == old)
		return host_task_syscall(t->host, SYS_mremap, old, old_len,
					 new_len, 0, 0, 0);
	return host_task_syscall(t->host, SYS_mremap, old, old_len, new_len,
				 HOST_MREMAP_MAYMOVE | HOST_MREMAP_FIXED, to, 0);
}

/* Record the VMA v's range [old, old+old_len) as now at [to, to+new_len). */
static int
vma_move(struct mm *mm, struct vma *v, uint64_t old, uint64_t old_len,
	 uint64_t new_len, uint64_t to)
{
	struct vma proto = *v;
	struct vma *n;
	int r;

	proto.offset += old - v->start;
	if (proto.file)
		file_get(proto.file);
	if ((r = vma_remove_range(mm, old, old + old_len)) < 0 ||
	    (r = vma_remove_range(mm, to, to + new_len)) < 0)
		goto out;
	if ((n = vma_insert(mm, to, to + new_len, proto.prot, proto.flags,
			    proto.kind)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	vma_account(mm, n, -1);
	n->file = proto.file;
	n->offset = proto.offset;
	n->shared_id = proto.shared_id;
	proto.file = NULL;
	vma_track(n, 1);
	vma_account(mm, n, 1);
	vma_merge_range(mm, to, to + new_len);
out:
	if (proto.file)
		file_put(proto.file);
	return r;
}

long
mm_mremap(struct task *t, uint64_t old, uint64_t old_len, uint64_t new_len,
	  unsigned int flags, uint64_t new_addr)
{
	struct mm *mm = t->mm;
	uint64_t limit = host_task_size(), to = old;
	struct vma *v;
	long r;

	if ((old & (PAGE_SIZE - 1)) || (flags & ~7u) ||
	    ((flags & HOST_MREMAP_FIXED) && !(flags & HOST_MREMAP_MAYMOVE)))
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (new_len == 0 || old_len == 0 || flags & 4 /* DONTUNMAP */)
		return -EINVAL;
	if ((v = vma_find(mm, old)) == NULL || old + old_len > v->end)
		return -EFAULT;
	if (flags & HOST_MREMAP_FIXED) {
		to = new_addr;
		if ((to & (PAGE_SIZE - 1)) || to + new_len > limit ||
		    (to < old + old_len && old < to + new_len))
			return -EINVAL;
	} else if (new_len > old_len &&
		   (old + new_len > limit ||
		    !range_free(mm, old + old_len, old + new_len))) {
		if (!(flags & HOST_MREMAP_MAYMOVE))
			return -ENOMEM;
		if ((to = find_free_top_down(mm, new_len, mm->mmap_base)) == 0)
			return -ENOMEM;
	}
	if (new_len > old_len && vma_charge(v) &&
	    mem_committed + (new_len - old_len) > mem_limit)
		return -ENOMEM;
	if ((r = host_mremap(t, old, old_len, new_len, to)) < 0)
		return r;
	if ((r = vma_move(mm, v, old, old_len, new_len, to)) < 0)
		return r;
	return (long)to;
}

/* mincore: residency is the host's to know; the range must be mapped. */
long
mm_mincore(struct task *t, uint64_t addr, uint64_t len, uint64_t vec)
{
	uint64_t end = addr + PAGE_ALIGN(len), at;
	struct vma *v;

	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (end < addr || end > host_task_size())
		return -ENOMEM;
	for (at = addr; at < end; at = v->end)
		if ((v = vma_find(t->mm, at)) == NULL)
			return -ENOMEM;
	return host_task_syscall(t->host, SYS_mincore, addr, len, vec, 0, 0, 0);
}

bool
mm_range_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v;
	uint64_t at;

	for (at = start; at < end; at = v->end)
		if ((v = vma_find(mm, at)) == NULL)
			return false;
	return true;
}

int
mm_set_dontfork(struct mm *mm, uint64_t start, uint64_t end, bool on)
{
	struct vma *v;
	int r;

	if ((r = vma_split(mm, start)) < 0 || (r = vma_split(mm, end)) < 0)
		return r;
	list_for_each_entry(v, &mm->vmas, link)
		if (v->start >= start && v->end <= end)
			v->flags = on ? v->flags | VMA_DONTFORK
				      : v->flags & ~VMA_DONTFORK;
	vma_merge_range(mm, start, end);
	return 0;
}
