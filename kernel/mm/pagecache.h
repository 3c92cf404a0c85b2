/*
 * The page cache (pagecache.c): a cached file's data lives in a host memfd
 * owned by the kernel, so read/write and mmap share one copy.
 */
#ifndef MM_PAGECACHE_H
#define MM_PAGECACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "fs/vfs.h"

struct page_cache;

/* Where a cached file's data comes from and goes to. */
struct page_cache_ops {
	/* Read len bytes at off from the backing store (zeros past EOF). */
	int (*fill)(struct inode *inode, uint64_t off, void *buf, size_t len);
	/* Write len bytes at off back; NULL for read-only stores. */
	int (*writeback)(struct inode *inode, uint64_t off, const void *buf,
			 size_t len);
};

struct page_cache *pagecache_alloc(struct inode *inode,
				   const struct page_cache_ops *ops);
void pagecache_free(struct page_cache *pc);

/* read(2) through the cache.  May sleep. */
ssize_t pagecache_read(struct page_cache *pc, struct uio *u, uint64_t *pos);

/*
 * The memfd holding the file, with [off, off+len) loaded, for mapping it
 * into a guest.  The fd stays the cache's.  May sleep.
 */
int pagecache_mmap_fd(struct page_cache *pc, uint64_t off, uint64_t len);

/* The file's size changed (truncate, or growth by the store). */
int pagecache_resize(struct page_cache *pc, uint64_t size);

/*
 * write(2) through the cache: into the memfd and, at once, to the backing
 * store (a full disk fails the write).  Grows inode->size.  May sleep.
 */
ssize_t pagecache_write(struct page_cache *pc, struct uio *u, uint64_t *pos);

/*
 * The backing store took len bytes at off behind the cache's back (an
 * O_DIRECT write): copy them into the pages already loaded so that read
 * and mappings see them; pages not loaded stay so.  May sleep.
 */
int pagecache_update(struct page_cache *pc, uint64_t off, const void *buf,
		     size_t len);

/*
 * The store freed or zeroed [off, off+len) (fallocate): the cached bytes
 * there read as zeros too, in mappings as well.
 */
int pagecache_punch(struct page_cache *pc, uint64_t off, uint64_t len);

/* Write back what shared writable mappings may have changed.  May sleep. */
int pagecache_sync(struct page_cache *pc);
/* The same for every cached file of sb (sync, syncfs, umount).  May sleep. */
int pagecache_sync_sb(struct super_block *sb);
/*
 * A guest mapping of the memfd appeared (+1) or went (-1); shared_writable
 * for MAP_SHARED of a file open for writing.  Mapped caches keep their
 * pages and their memfd.
 */
void pagecache_map(struct page_cache *pc, int delta, bool shared_writable);

/*
 * The guest's memory as mem= defines it (/proc/meminfo, sysinfo): what
 * committed memory leaves of the limit, the part of that the page cache
 * holds (it gives it back under pressure), and the rest.
 */
uint64_t mem_available(void);
uint64_t pagecache_bytes(void);
uint64_t mem_free(void);

#endif
