/*
 * The page cache.
 *
 * Each cached regular file has a host memfd, created on first use and kept
 * as long as the inode, holding the file's bytes at their file offsets.
 * A bitmap says which pages were loaded from the backing store (fill);
 * read(2) loads what it needs and copies from the memfd, and mmap maps the
 * memfd itself into the guest (MAP_PRIVATE gives copy-on-write for free,
 * MAP_SHARED stays coherent with read and write).
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
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "host/host.h"
#include "mm/mm.h"
#include "mm/pagecache.h"

#define PC_RUN (256 * 1024)
#define PC_COPY (128 * 1024)

struct page_cache {
	struct inode *inode; /* owner; not a reference */
	const struct page_cache_ops *ops;
	int memfd;	     /* -1 until first use */
	uint64_t size;	     /* the memfd's length */
	uint64_t npages;     /* pages the bitmap covers */
	uint8_t *loaded;     /* one bit per page */
	int shared_maps;     /* shared writable mappings now */
	bool mapped_dirty;   /* had one since the last write-back */
};

struct page_cache *
pagecache_alloc(struct inode *inode, const struct page_cache_ops *ops)
{
	struct page_cache *pc = calloc(1, sizeof(*pc));

	if (!pc)
		return NULL;
	pc->inode = inode;
	pc->ops = ops;
	pc->memfd = -1;
	return pc;
}

void
pagecache_free(struct page_cache *pc)
{
	if (!pc)
		return;
	if (pc->memfd >= 0)
		host_close(pc->memfd);
	free(pc->loaded);
	free(pc);
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

	for (p = first; p < first + n && p < pc->npages; p++)
		pc->loaded[p / 8] |= (uint8_t)(1u << (p % 8));
}

/* Make sure the memfd and bitmap cover size bytes. */
int
pagecache_resize(struct page_cache *pc, uint64_t size)
{
	uint64_t npages = PAGE_ALIGN(size) / PAGE_SIZE;
	int r;

	if (pc->memfd < 0 && (pc->memfd = host_memfd_create("pagecache")) < 0) {
		r = pc->memfd;
		pc->memfd = -1;
		return r;
	}
	if (npages > pc->npages) {
		size_t old = (pc->npages + 7) / 8, need = (npages + 7) / 8;
		uint8_t *n = realloc(pc->loaded, need ? need : 1);

		if (!n)
			return -ENOMEM;
		memset(n + old, 0, need - old);
		pc->loaded = n;
	}
	pc->npages = npages;
	if (size != pc->size && (r = host_ftruncate(pc->memfd, size)) < 0)
		return r;
	pc->size = size;
	return 0;
}

/* Load pages [first, first+n) from the backing store. */
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
	if (r == 0) {
		ssize_t w = host_pwrite(pc->memfd, buf, len, off);

		r = w == (ssize_t)len ? 0 : (w < 0 ? (int)w : -EIO);
	}
	free(buf);
	if (r == 0)
		mark_loaded(pc, first, n);
	return r;
}

/* Load every missing page of [off, off+len).  May sleep. */
static int
pagecache_load(struct page_cache *pc, uint64_t off, uint64_t len)
{
	uint64_t p, end;
	int r;

	if (pc->memfd < 0 || pc->size != pc->inode->size)
		if ((r = pagecache_resize(pc, pc->inode->size)) < 0)
			return r;
	if (off >= pc->size)
		return 0;
	if (len > pc->size - off)
		len = pc->size - off;
	end = PAGE_ALIGN(off + len) / PAGE_SIZE;
	for (p = off / PAGE_SIZE; p < end; p++) {
		uint64_t n = 0;

		while (p + n < end && !page_loaded(pc, p + n) &&
		       n < PC_RUN / PAGE_SIZE)
			n++;
		if (n == 0)
			continue;
		if ((r = load_run(pc, p, n)) < 0)
			return r;
		p += n - 1;
	}
	return 0;
}

ssize_t
pagecache_read(struct page_cache *pc, struct uio *u, uint64_t *pos)
{
	uint64_t size = pc->inode->size;
	size_t want = uio_left(u), done = 0;
	char *buf;
	int r;

	if (*pos >= size || want == 0)
		return 0;
	if (want > size - *pos)
		want = (size_t)(size - *pos);
	if ((r = pagecache_load(pc, *pos, want)) < 0)
		return r;
	if ((buf = malloc(want < PC_COPY ? want : PC_COPY)) == NULL)
		return -ENOMEM;
	while (done < want) {
		size_t chunk = want - done < PC_COPY ? want - done : PC_COPY;
		ssize_t n = host_pread(pc->memfd, buf, chunk, *pos);

		if (n <= 0 || uio_out(u, buf, (size_t)n) < 0) {
			r = n < 0 ? (int)n : (n == 0 ? 0 : -EFAULT);
			break;
		}
		*pos += (uint64_t)n;
		done += (size_t)n;
	}
	free(buf);
	return done ? (ssize_t)done : r;
}

int
pagecache_mmap_fd(struct page_cache *pc, uint64_t off, uint64_t len)
{
	int r = pagecache_load(pc, off, len);

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

ssize_t
pagecache_write(struct page_cache *pc, struct uio *u, uint64_t *pos)
{
	size_t want = uio_left(u), done = 0;
	uint64_t end = *pos + want;
	char *buf;
	int r;

	if (!pc->ops->writeback)
		return -EROFS;
	if (want == 0)
		return 0;
	if (end < *pos)
		return -EFBIG;
	if ((r = load_edges(pc, *pos, end)) < 0)
		return r;
	if (end > pc->size && (r = pagecache_resize(pc, end)) < 0)
		return r;
	if ((buf = malloc(want < PC_COPY ? want : PC_COPY)) == NULL)
		return -ENOMEM;
	while (done < want) {
		size_t chunk = want - done < PC_COPY ? want - done : PC_COPY;
		ssize_t w;

		if ((r = uio_in(u, buf, chunk)) < 0)
			break;
		if ((r = pc->ops->writeback(pc->inode, *pos, buf, chunk)) < 0)
			break;
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
	free(buf);
	if (pc->size > pc->inode->size)
		pagecache_resize(pc, pc->inode->size);
	return done ? (ssize_t)done : r;
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
	if ((r = writeback_loaded(pc)) == 0)
		pc->mapped_dirty = pc->shared_maps > 0;
	return r;
}

void
pagecache_map_shared(struct page_cache *pc, int delta)
{
	pc->shared_maps += delta;
	if (delta > 0)
		pc->mapped_dirty = true;
}
