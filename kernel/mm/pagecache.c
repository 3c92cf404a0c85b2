/*
 * The page cache.
 *
 * Each cached regular file has a host memfd holding the file's bytes at
 * their file offsets.  A bitmap says which pages were loaded from the
 * backing store (fill); read(2) loads what it needs and copies from the
 * memfd, and mmap maps the memfd itself into the guest (MAP_PRIVATE gives
 * copy-on-write for free, MAP_SHARED stays coherent with read and write).
 *
 * Loading goes in runs of missing pages, up to PC_RUN bytes at a time, so
 * a sequential read costs one backing-store read per run.
 *
 * Writes go through: write(2) stores into the memfd and hands the same
 * bytes to the backing store at once, so a full disk is reported to the
 * writer, not lost later.  Stores through shared writable mappings reach
 * the memfd only; they are written back at msync, fsync, sync, munmap and
 * unmount, by writing every loaded page of such files (the host does not
 * tell us which pages a guest dirtied).
 *
 * Eviction.  The loaded pages of all caches together are kept within a
 * budget tied to mem=: what the guests' committed memory leaves of the
 * limit, but never less than an eighth of it.  Before a load would pass
 * it, clean pages are punched out of the memfds (their bits cleared, so
 * the next use loads them again), taking whole files from the least
 * recently used end, then the pages of the file being read that lie
 * outside the range in use.  Which pages are clean follows from
 * write-through:
 *
 *	a cache that no guest maps and that has no unwritten stores from a
 *	past shared mapping (mapped_dirty) equals its backing store;
 *
 * such caches, and only they, lose pages.  A mapped cache keeps all of
 * its pages: a punched page would read as zeros through a MAP_SHARED
 * mapping, and through a MAP_PRIVATE one that has not copied it yet.
 * A cache in use by a read, write or load that may sleep (users) is left
 * alone by others too.
 *
 * Memfds are host fds, so their number is bounded too: past PC_MEMFDS_MAX
 * the least recently used idle cache closes its memfd (and is empty until
 * its file is used again).  Mapped caches keep theirs, so the bound is
 * PC_MEMFDS_MAX plus the files guests have mapped.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "host/host.h"
#include "mm/mm.h"
#include "mm/pagecache.h"

#define PC_RUN (256 * 1024)
#define PC_COPY (128 * 1024)
#define PC_MEMFDS_MAX 256

struct page_cache {
	struct inode *inode; /* owner; not a reference */
	const struct page_cache_ops *ops;
	int memfd;	     /* -1 until first use, or after eviction */
	uint64_t size;	     /* the memfd's length */
	uint64_t npages;     /* pages the bitmap covers */
	uint8_t *loaded;     /* one bit per page */
	uint64_t nloaded;    /* bits set */
	int maps;	     /* guest mappings of the memfd now */
	int shared_maps;     /* of which shared and writable */
	int users;	     /* reads, writes, loads in progress */
	bool mapped_dirty;   /* had a shared writable one since write-back */
	struct list lru;     /* in pc_lru while memfd >= 0 */
	struct list dirty;   /* in pc_dirty while mapped_dirty */
	uint64_t sync_pass;  /* the last pagecache_sync_sb that took it */
};

/* Caches with a memfd, least recently used first. */
static struct list pc_lru = LIST_INIT(pc_lru);
/* Caches a shared writable mapping may have changed. */
static struct list pc_dirty = LIST_INIT(pc_dirty);
static unsigned int pc_memfds;
static uint64_t pc_pages; /* loaded pages of all caches */

uint64_t
mem_available(void)
{
	return mem_committed < mem_limit ? mem_limit - mem_committed : 0;
}

/* At most what is available, so that the figures add up to mem=. */
uint64_t
pagecache_bytes(void)
{
	uint64_t avail = mem_available();

	return pc_pages * PAGE_SIZE < avail ? pc_pages * PAGE_SIZE : avail;
}

uint64_t
mem_free(void)
{
	return mem_available() - pagecache_bytes();
}

/* The pages all caches together may hold: see the top of the file. */
static uint64_t
pc_budget(void)
{
	uint64_t floor = mem_limit / 8, left = mem_available();

	return (left > floor ? left : floor) / PAGE_SIZE;
}

/* No guest sees the memfd and every loaded page equals the store. */
static bool
pc_clean_unmapped(const struct page_cache *pc)
{
	return pc->maps == 0 && !pc->mapped_dirty;
}

static void
pc_touch(struct page_cache *pc)
{
	if (pc->memfd < 0)
		return;
	list_del(&pc->lru);
	list_add_tail(&pc->lru, &pc_lru);
}

struct page_cache *
pagecache_alloc(struct inode *inode, const struct page_cache_ops *ops)
{
	struct page_cache *pc = calloc(1, sizeof(*pc));

	if (!pc)
		return NULL;
	pc->inode = inode;
	pc->ops = ops;
	pc->memfd = -1;
	list_init(&pc->lru);
	list_init(&pc->dirty);
	return pc;
}

static bool
page_loaded(const struct page_cache *pc, uint64_t page)
{
	return page < pc->npages && (pc->loaded[page / 8] & (1u << (page % 8)));
}

static void
mark_loaded(struct page_cache *pc, uint64_t first, uint64_t n)
{
	uint64_t p;

	for (p = first; p < first + n && p < pc->npages; p++) {
		if (page_loaded(pc, p))
			continue;
		pc->loaded[p / 8] |= (uint8_t)(1u << (p % 8));
		pc->nloaded++;
		pc_pages++;
	}
}

static void
mark_unloaded(struct page_cache *pc, uint64_t first, uint64_t end)
{
	uint64_t p;

	for (p = first; p < end && p < pc->npages; p++) {
		if (!page_loaded(pc, p))
			continue;
		pc->loaded[p / 8] &= (uint8_t)~(1u << (p % 8));
		pc->nloaded--;
		pc_pages--;
	}
}

/* Forget the memfd and everything in it. */
static void
pc_close_memfd(struct page_cache *pc)
{
	if (pc->memfd < 0)
		return;
	mark_unloaded(pc, 0, pc->npages);
	host_close(pc->memfd);
	pc->memfd = -1;
	pc->size = 0;
	list_del(&pc->lru);
	pc_memfds--;
}

void
pagecache_free(struct page_cache *pc)
{
	if (!pc)
		return;
	pc_close_memfd(pc);
	list_del(&pc->dirty);
	free(pc->loaded);
	free(pc);
}

/*
 * Punch the loaded pages of [first, end) out of pc's memfd, stopping once
 * want pages are gone.  Returns how many went.
 */
static uint64_t
evict_pages(struct page_cache *pc, uint64_t first, uint64_t end, uint64_t want)
{
	uint64_t p, n, freed = 0;

	if (end > pc->npages)
		end = pc->npages;
	for (p = first; p < end && freed < want; p += n ? n : 1) {
		if (p % 8 == 0 && pc->loaded[p / 8] == 0) {
			n = 8; /* a byte of unloaded pages */
			continue;
		}
		for (n = 0; p + n < end && page_loaded(pc, p + n) &&
			    n < want - freed;
		     n++)
			;
		if (n == 0)
			continue;
		if (host_punch_hole(pc->memfd, p * PAGE_SIZE, n * PAGE_SIZE) < 0)
			break;
		mark_unloaded(pc, p, p + n);
		freed += n;
	}
	/* Emptied: also drop pages a write left without a loaded bit. */
	if (pc->nloaded == 0 && first == 0 && pc->size)
		host_punch_hole(pc->memfd, 0, PAGE_ALIGN(pc->size));
	return freed;
}

/*
 * Room for n more pages within the budget: evict from other idle caches,
 * least recently used first, then from self outside [keep, keep_end),
 * the pages its caller is about to use.
 */
static void
make_room(struct page_cache *self, uint64_t n, uint64_t keep,
	  uint64_t keep_end)
{
	uint64_t budget = pc_budget(), want, freed;
	struct page_cache *pc;

	if (pc_pages + n <= budget)
		return;
	/* A little more than needed, so that not every load evicts. */
	want = pc_pages + n - budget + budget / 16;
	list_for_each_entry(pc, &pc_lru, lru) {
		if (pc == self || pc->users || !pc->nloaded ||
		    !pc_clean_unmapped(pc))
			continue;
		freed = evict_pages(pc, 0, pc->npages, want);
		if (freed >= want)
			return;
		want -= freed;
	}
	if (self->users != 1 || !pc_clean_unmapped(self))
		return;
	freed = evict_pages(self, 0, keep, want);
	if (freed < want)
		evict_pages(self, keep_end, self->npages, want - freed);
}

/* Keep the number of memfds within PC_MEMFDS_MAX by closing idle ones. */
static void
limit_memfds(void)
{
	struct page_cache *pc, *tmp;

	list_for_each_entry_safe(pc, tmp, &pc_lru, lru) {
		if (pc_memfds < PC_MEMFDS_MAX)
			return;
		if (pc->users == 0 && pc_clean_unmapped(pc))
			pc_close_memfd(pc);
	}
}

/* Give pc a memfd (and bitmap) covering size bytes. */
static int
pc_cover(struct page_cache *pc, uint64_t size)
{
	uint64_t npages = PAGE_ALIGN(size) / PAGE_SIZE;
	int r;

	if (pc->memfd < 0) {
		limit_memfds();
		if ((r = host_memfd_create("pagecache")) < 0)
			return r;
		pc->memfd = r;
		pc->size = 0;
		list_add_tail(&pc->lru, &pc_lru);
		pc_memfds++;
	}
	if (npages > pc->npages) {
		size_t old = (pc->npages + 7) / 8, need = (npages + 7) / 8;
		uint8_t *n = realloc(pc->loaded, need ? need : 1);

		if (!n)
			return -ENOMEM;
		memset(n + old, 0, need - old);
		pc->loaded = n;
	} else {
		mark_unloaded(pc, npages, pc->npages);
	}
	pc->npages = npages;
	if (size != pc->size && (r = host_ftruncate(pc->memfd, size)) < 0)
		return r;
	pc->size = size;
	return 0;
}

/* The file's size changed: nothing to do for a cache without a memfd. */
int
pagecache_resize(struct page_cache *pc, uint64_t size)
{
	return pc->memfd < 0 ? 0 : pc_cover(pc, size);
}

/* Load pages [first, first+n) from the backing store.  May sleep. */
static int
load_run(struct page_cache *pc, uint64_t first, uint64_t n)
{
	uint64_t off = first * PAGE_SIZE, len = n * PAGE_SIZE;
	char *buf;
	int r;

	if (off + len > pc->size)
		len = pc->size - off;
	if ((buf = malloc(len)) == NULL)
		return -ENOMEM;
	r = pc->ops->fill(pc->inode, off, buf, len);
	if (r == 0 && pc->memfd >= 0 && off + len <= pc->size) {
		ssize_t w = host_pwrite(pc->memfd, buf, len, off);

		r = w == (ssize_t)len ? 0 : (w < 0 ? (int)w : -EIO);
		if (r == 0)
			mark_loaded(pc, first, n);
	}
	free(buf);
	return r;
}

/*
 * Load every missing page of [off, off+len); the caller holds a use of
 * pc (users).  May sleep.
 */
static int
pagecache_load(struct page_cache *pc, uint64_t off, uint64_t len)
{
	uint64_t p, first, end;
	int r;

	if (pc->memfd < 0 || pc->size != pc->inode->size)
		if ((r = pc_cover(pc, pc->inode->size)) < 0)
			return r;
	if (off >= pc->size)
		return 0;
	if (len > pc->size - off)
		len = pc->size - off;
	first = off / PAGE_SIZE;
	end = PAGE_ALIGN(off + len) / PAGE_SIZE;
	for (p = first; p < end; p++) {
		uint64_t n = 0;

		while (p + n < end && !page_loaded(pc, p + n) &&
		       n < PC_RUN / PAGE_SIZE)
			n++;
		if (n == 0)
			continue;
		make_room(pc, n, first, end);
		if ((r = load_run(pc, p, n)) < 0)
			return r;
		p += n - 1;
	}
	return 0;
}

/* Start and end a use of pc: others leave its pages alone meanwhile. */
static void
pc_use(struct page_cache *pc)
{
	pc->users++;
	pc_touch(pc);
}

static void
pc_unuse(struct page_cache *pc)
{
	pc->users--;
}

/*
 * read(2): load and copy PC_COPY bytes at a time, so that a read larger
 * than the budget can evict what it has already copied.
 */
static ssize_t
read_chunks(struct page_cache *pc, struct uio *u, uint64_t *pos, size_t want,
	    char *buf)
{
	size_t done = 0;
	int r = 0;

	while (done < want) {
		size_t chunk = want - done < PC_COPY ? want - done : PC_COPY;
		ssize_t n;

		if ((r = pagecache_load(pc, *pos, chunk)) < 0)
			break;
		n = host_pread(pc->memfd, buf, chunk, *pos);
		if (n <= 0 || uio_out(u, buf, (size_t)n) < 0) {
			r = n < 0 ? (int)n : (n == 0 ? 0 : -EFAULT);
			break;
		}
		*pos += (uint64_t)n;
		done += (size_t)n;
	}
	return done ? (ssize_t)done : r;
}

ssize_t
pagecache_read(struct page_cache *pc, struct uio *u, uint64_t *pos)
{
	uint64_t size = pc->inode->size;
	size_t want = uio_left(u);
	ssize_t r;
	char *buf;

	if (*pos >= size || want == 0)
		return 0;
	if (want > size - *pos)
		want = (size_t)(size - *pos);
	if ((buf = malloc(want < PC_COPY ? want : PC_COPY)) == NULL)
		return -ENOMEM;
	pc_use(pc);
	r = read_chunks(pc, u, pos, want, buf);
	pc_unuse(pc);
	free(buf);
	return r;
}

int
pagecache_mmap_fd(struct page_cache *pc, uint64_t off, uint64_t len)
{
	int r;

	pc_use(pc);
	r = pagecache_load(pc, off, len);
	pc_unuse(pc);
	if (r < 0)
		return r;
	return pc->memfd;
}

/* Load the partly covered first and last pages of a write at [off, end). */
static int
load_edges(struct page_cache *pc, uint64_t off, uint64_t end)
{
	int r = 0;

	if (off & (PAGE_SIZE - 1))
		r = pagecache_load(pc, PAGE_ALIGN_DOWN(off), PAGE_SIZE);
	if (r == 0 && (end & (PAGE_SIZE - 1)))
		r = pagecache_load(pc, PAGE_ALIGN_DOWN(end), PAGE_SIZE);
	return r;
}

/* The write loop of pagecache_write, with pc in use and covering end. */
static ssize_t
write_chunks(struct page_cache *pc, struct uio *u, uint64_t *pos, size_t want,
	     char *buf)
{
	size_t done = 0;
	int r = 0;

	while (done < want) {
		size_t chunk = want - done < PC_COPY ? want - done : PC_COPY;
		ssize_t w;

		if ((r = uio_in(u, buf, chunk)) < 0)
			break;
		if ((r = pc->ops->writeback(pc->inode, *pos, buf, chunk)) < 0)
			break;
		if (pc->memfd < 0 || *pos + chunk > pc->size) {
			r = -EIO; /* truncated while the store slept */
			break;
		}
		w = host_pwrite(pc->memfd, buf, chunk, *pos);
		if (w != (ssize_t)chunk) {
			r = w < 0 ? (int)w : -EIO;
			break;
		}
		mark_loaded(pc, PAGE_ALIGN(*pos) / PAGE_SIZE,
			    (PAGE_ALIGN_DOWN(*pos + chunk) -
			     PAGE_ALIGN(*pos)) / PAGE_SIZE);
		*pos += chunk;
		done += chunk;
		if (*pos > pc->inode->size)
			pc->inode->size = *pos;
	}
	return done ? (ssize_t)done : r;
}

ssize_t
pagecache_write(struct page_cache *pc, struct uio *u, uint64_t *pos)
{
	size_t want = uio_left(u);
	uint64_t end = *pos + want;
	ssize_t r;
	char *buf;

	if (!pc->ops->writeback)
		return -EROFS;
	if (want == 0)
		return 0;
	if (end < *pos)
		return -EFBIG;
	if ((buf = malloc(want < PC_COPY ? want : PC_COPY)) == NULL)
		return -ENOMEM;
	pc_use(pc);
	if ((r = load_edges(pc, *pos, end)) == 0 &&
	    (r = pc_cover(pc, end > pc->inode->size ? end : pc->inode->size)) == 0)
		r = write_chunks(pc, u, pos, want, buf);
	if (pc->memfd >= 0 && pc->size > pc->inode->size)
		pc_cover(pc, pc->inode->size);
	pc_unuse(pc);
	free(buf);
	return r;
}

int
pagecache_update(struct page_cache *pc, uint64_t off, const void *buf,
		 size_t len)
{
	uint64_t page, n, from, to, end = off + len;
	int r;

	if (!pc || pc->memfd < 0 || len == 0)
		return 0;
	if (end > pc->size && (r = pagecache_resize(pc, end)) < 0)
		return r;
	for (page = off / PAGE_SIZE; page * PAGE_SIZE < end; page += n ? n : 1) {
		for (n = 0; (page + n) * PAGE_SIZE < end &&
			    page_loaded(pc, page + n);
		     n++)
			;
		if (n == 0)
			continue;
		from = page * PAGE_SIZE > off ? page * PAGE_SIZE : off;
		to = (page + n) * PAGE_SIZE < end ? (page + n) * PAGE_SIZE : end;
		if (host_pwrite(pc->memfd, (const char *)buf + (from - off),
				to - from, from) != (ssize_t)(to - from))
			return -EIO;
	}
	return 0;
}

int
pagecache_punch(struct page_cache *pc, uint64_t off, uint64_t len)
{
	if (!pc || pc->memfd < 0 || off >= pc->size)
		return 0;
	if (len > pc->size - off)
		len = pc->size - off;
	return host_punch_hole(pc->memfd, off, len);
}

/* Write every loaded page back: shared writable mappings may have
 * changed any of them.  May sleep. */
static int
writeback_loaded(struct page_cache *pc)
{
	uint64_t p, n, off, len;
	char *buf;
	int r = 0;

	if ((buf = malloc(PC_RUN)) == NULL)
		return -ENOMEM;
	for (p = 0; p < pc->npages && r == 0; p += n ? n : 1) {
		for (n = 0; p + n < pc->npages && page_loaded(pc, p + n) &&
			    n < PC_RUN / PAGE_SIZE;
		     n++)
			;
		if (n == 0)
			continue;
		off = p * PAGE_SIZE;
		len = n * PAGE_SIZE;
		if (off + len > pc->size)
			len = pc->size - off;
		if (host_pread(pc->memfd, buf, len, off) != (ssize_t)len)
			r = -EIO;
		else
			r = pc->ops->writeback(pc->inode, off, buf, len);
	}
	free(buf);
	return r;
}

int
pagecache_sync(struct page_cache *pc)
{
	int r;

	if (!pc || !pc->mapped_dirty || !pc->ops->writeback)
		return 0;
	pc_use(pc);
	if ((r = writeback_loaded(pc)) == 0 && pc->shared_maps == 0) {
		pc->mapped_dirty = false;
		list_del(&pc->dirty);
	}
	pc_unuse(pc);
	return r;
}

/*
 * Write back every cache of sb that shared mappings may have changed.
 * Each write-back may sleep and the list may change meanwhile, so each
 * round starts over and skips the caches this call already took.
 */
int
pagecache_sync_sb(struct super_block *sb)
{
	static uint64_t passes;
	uint64_t pass = ++passes;
	struct page_cache *pc, *next;
	int r, err = 0;

	do {
		next = NULL;
		list_for_each_entry(pc, &pc_dirty, dirty) {
			if (pc->inode->sb == sb && pc->sync_pass != pass) {
				next = pc;
				break;
			}
		}
		if (next) {
			next->sync_pass = pass;
			if ((r = pagecache_sync(next)) < 0)
				err = r;
		}
	} while (next);
	return err;
}

void
pagecache_map(struct page_cache *pc, int delta, bool shared_writable)
{
	pc->maps += delta;
	if (!shared_writable)
		return;
	pc->shared_maps += delta;
	if (delta > 0 && !pc->mapped_dirty) {
		pc->mapped_dirty = true;
		list_add_tail(&pc->dirty, &pc_dirty);
	}
}
