/*
 * The ext4 metadata block cache.
 *
 * Group descriptor, bitmap, inode table, extent, indirect, directory and
 * xattr blocks are read through here; file data is not.  Buffers are keyed
 * by physical block number in a hash table and kept on an LRU list.  The
 * cache is bounded by EXT4_CACHE_BYTES: when it is full, the least
 * recently used buffer that may go is reused.  If none may (held buffers,
 * or a transaction's), the cache grows past its bound and shrinks again
 * as buffers are released or written back.
 *
 * Write-back.  ext4_bdirty() marks a held buffer changed.  Without a
 * journal, a dirty buffer is written home before it is reused and by
 * ext4_cache_writeback().  With a journal (journal.c), ext4_bdirty() also
 * puts the buffer in the running transaction; until the transaction
 * commits the buffer is pinned in memory (in_trans), and afterwards it is
 * written home only by a checkpoint, which writes every dirty buffer at
 * once.  Eviction never writes a journaled buffer by itself: the home
 * locations hold the state of one commit, never a mix (but while a
 * checkpoint writes them, and then the journal still holds it all).
 *
 * A freed metadata block is forgotten (ext4_bforget()): a stale copy must
 * never be written over whatever the block holds next.
 */
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define EXT4_CACHE_BYTES (4u << 20)
#define EXT4_CACHE_MIN 64
#define EXT4_CACHE_HASH 1024

static unsigned int
cache_hash(const struct ext4_cache *c, uint64_t blk)
{
	return (unsigned int)((blk * 0x9E3779B97F4A7C15ull) >> 40) &
	       (c->hash_size - 1);
}

static void
lru_unlink(struct ext4_buf *b)
{
	b->lru_prev->lru_next = b->lru_next;
	b->lru_next->lru_prev = b->lru_prev;
}

static void
lru_push_front(struct ext4_cache *c, struct ext4_buf *b)
{
	b->lru_next = c->lru.lru_next;
	b->lru_prev = &c->lru;
	c->lru.lru_next->lru_prev = b;
	c->lru.lru_next = b;
}

static void
hash_remove(struct ext4_cache *c, struct ext4_buf *b)
{
	struct ext4_buf **pp = &c->hash[cache_hash(c, b->blk)];

	while (*pp != b)
		pp = &(*pp)->hash_next;
	*pp = b->hash_next;
}

static void
hash_insert(struct ext4_cache *c, struct ext4_buf *b)
{
	b->hash_next = c->hash[cache_hash(c, b->blk)];
	c->hash[cache_hash(c, b->blk)] = b;
}

static void
buf_set_clean(struct ext4_cache *c, struct ext4_buf *b)
{
	if (b->dirty)
		c->ndirty--;
	b->dirty = false;
}

static void
buf_destroy(struct ext4_cache *c, struct ext4_buf *b)
{
	buf_set_clean(c, b);
	hash_remove(c, b);
	lru_unlink(b);
	c->count--;
	free(b->data);
	free(b);
}

int
ext4_cache_init(struct ext4_fs *fs)
{
	struct ext4_cache *c = &fs->cache;

	c->hash_size = EXT4_CACHE_HASH;
	c->hash = calloc(c->hash_size, sizeof(*c->hash));
	if (c->hash == NULL)
		return -ENOMEM;
	c->lru.lru_next = c->lru.lru_prev = &c->lru;
	c->count = 0;
	c->ndirty = 0;
	c->max = EXT4_CACHE_BYTES / fs->block_size;
	if (c->max < EXT4_CACHE_MIN)
		c->max = EXT4_CACHE_MIN;
	return 0;
}

/*
 * Every buffer must have been released.  Dirty buffers are dropped: the
 * caller wrote back what it wanted kept.
 */
void
ext4_cache_destroy(struct ext4_fs *fs)
{
	struct ext4_cache *c = &fs->cache;

	if (c->hash == NULL)
		return;
	while (c->lru.lru_next != &c->lru) {
		BUG_ON(c->lru.lru_next->refs != 0);
		buf_destroy(c, c->lru.lru_next);
	}
	free(c->hash);
	c->hash = NULL;
}

static struct ext4_buf *
cache_find(struct ext4_cache *c, uint64_t blk)
{
	struct ext4_buf *b;

	for (b = c->hash[cache_hash(c, blk)]; b != NULL; b = b->hash_next)
		if (b->blk == blk)
			return b;
	return NULL;
}

static int
cache_write_home(struct ext4_fs *fs, struct ext4_buf *b)
{
	int err;

	err = bdev_write(fs->bd, b->blk << fs->log_block_size, b->data,
			 fs->block_size);
	if (err < 0) {
		pr_err("ext4: %s: cannot write block %llu: %d", fs->bd->name,
		       (unsigned long long)b->blk, err);
		return err;
	}
	buf_set_clean(&fs->cache, b);
	return 0;
}

/*
 * May b leave the cache now?  Unheld, outside a transaction, and clean,
 * or dirty without a journal (then it is written home first).
 */
static bool
cache_may_drop(struct ext4_fs *fs, struct ext4_buf *b)
{
	if (b->refs != 0 || b->in_trans)
		return false;
	if (!b->dirty)
		return true;
	if (fs->jnl != NULL)
		return false;
	return cache_write_home(fs, b) == 0;
}

/* A buffer to (re)fill: the LRU one that may go if full, else a new one. */
static struct ext4_buf *
cache_victim(struct ext4_fs *fs)
{
	struct ext4_cache *c = &fs->cache;
	struct ext4_buf *b;

	if (c->count >= c->max) {
		for (b = c->lru.lru_prev; b != &c->lru; b = b->lru_prev) {
			if (cache_may_drop(fs, b)) {
				hash_remove(c, b);
				lru_unlink(b);
				return b;
			}
		}
	}
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	if ((b->data = malloc(fs->block_size)) == NULL) {
		free(b);
		return NULL;
	}
	c->count++;
	return b;
}

static void
cache_discard(struct ext4_cache *c, struct ext4_buf *b)
{
	c->count--;
	free(b->data);
	free(b);
}

static int
cache_check_blk(struct ext4_fs *fs, uint64_t blk)
{
	if (blk < fs->blocks_count)
		return 0;
	pr_err("ext4: %s: metadata block %llu beyond the end (%llu)",
	       fs->bd->name, (unsigned long long)blk,
	       (unsigned long long)fs->blocks_count);
	return -EFSCORRUPTED;
}

/* Put a fresh buffer for blk in the cache and hold it. */
static void
cache_install(struct ext4_cache *c, struct ext4_buf *b, uint64_t blk)
{
	b->blk = blk;
	b->refs = 0;
	b->verified = EXT4_VERIFIED_NONE;
	b->dirty = false;
	b->in_trans = false;
	hash_insert(c, b);
}

/*
 * Get block blk, from the cache or the device.  The buffer is held until
 * ext4_brelse().  -EFSCORRUPTED for a block past the end of the filesystem.
 */
int
ext4_bread(struct ext4_fs *fs, uint64_t blk, struct ext4_buf **out)
{
	struct ext4_cache *c = &fs->cache;
	struct ext4_buf *b;
	int err;

	if ((err = cache_check_blk(fs, blk)) < 0)
		return err;
	if ((b = cache_find(c, blk)) != NULL) {
		lru_unlink(b);
	} else {
		if ((b = cache_victim(fs)) == NULL)
			return -ENOMEM;
		err = bdev_read(fs->bd, blk << fs->log_block_size, b->data,
				fs->block_size);
		if (err < 0) {
			pr_err("ext4: %s: cannot read block %llu: %d",
			       fs->bd->name, (unsigned long long)blk, err);
			cache_discard(c, b);
			return err;
		}
		cache_install(c, b, blk);
	}
	lru_push_front(c, b);
	b->refs++;
	*out = b;
	return 0;
}

/*
 * Get a buffer for block blk that the caller is about to fill entirely (a
 * newly allocated block): no read, the contents are zeros.
 */
int
ext4_bget(struct ext4_fs *fs, uint64_t blk, struct ext4_buf **out)
{
	struct ext4_cache *c = &fs->cache;
	struct ext4_buf *b;
	int err;

	if ((err = cache_check_blk(fs, blk)) < 0)
		return err;
	if ((b = cache_find(c, blk)) != NULL) {
		lru_unlink(b);
	} else {
		if ((b = cache_victim(fs)) == NULL)
			return -ENOMEM;
		cache_install(c, b, blk);
	}
	memset(b->data, 0, fs->block_size);
	b->verified = EXT4_VERIFIED_NONE;
	ext4_journal_unrevoke(fs, blk);
	lru_push_front(c, b);
	b->refs++;
	*out = b;
	return 0;
}

void
ext4_brelse(struct ext4_fs *fs, struct ext4_buf *b)
{
	struct ext4_cache *c = &fs->cache;

	if (b == NULL)
		return;
	BUG_ON(b->refs == 0);
	if (--b->refs == 0 && c->count > c->max && cache_may_drop(fs, b))
		buf_destroy(c, b);
}

/* b, held, was changed: write it home later, or journal it. */
void
ext4_bdirty(struct ext4_fs *fs, struct ext4_buf *b)
{
	BUG_ON(b->refs == 0);
	BUG_ON(fs->read_only);
	if (!b->dirty)
		fs->cache.ndirty++;
	b->dirty = true;
	if (fs->jnl != NULL && !b->in_trans)
		ext4_journal_add(fs, b);
}

/*
 * Metadata block blk was freed: drop any copy, dirty or not, so it is
 * neither written home nor committed.  A held copy (never expected) is
 * only made clean.
 */
void
ext4_bforget(struct ext4_fs *fs, uint64_t blk)
{
	struct ext4_cache *c = &fs->cache;
	struct ext4_buf *b = cache_find(c, blk);

	if (b == NULL)
		return;
	if (b->in_trans)
		ext4_journal_forget(fs, b);
	buf_set_clean(c, b);
	b->verified = EXT4_VERIFIED_NONE;
	if (b->refs == 0)
		buf_destroy(c, b);
}

static int
buf_cmp(const void *a, const void *b)
{
	uint64_t x = (*(struct ext4_buf *const *)a)->blk;
	uint64_t y = (*(struct ext4_buf *const *)b)->blk;

	return x < y ? -1 : x > y;
}

#define WRITEBACK_RUN 64	/* blocks written home in one request */

/* Write the n buffers at v, consecutive blocks, home in one request. */
static int
cache_write_run(struct ext4_fs *fs, struct ext4_buf **v, size_t n,
		uint8_t *stage)
{
	size_t i;
	int err;

	if (n == 1)
		return cache_write_home(fs, v[0]);
	for (i = 0; i < n; i++)
		memcpy(stage + (i << fs->log_block_size), v[i]->data,
		       fs->block_size);
	err = bdev_write(fs->bd, v[0]->blk << fs->log_block_size, stage,
			 n << fs->log_block_size);
	if (err < 0) {
		pr_err("ext4: %s: cannot write blocks %llu+%zu: %d",
		       fs->bd->name, (unsigned long long)v[0]->blk, n, err);
		return err;
	}
	for (i = 0; i < n; i++)
		buf_set_clean(&fs->cache, v[i]);
	return 0;
}

/*
 * Write every dirty buffer that is not in the running transaction home,
 * in block order, runs of consecutive blocks together.  0 or the first
 * error (the rest are still tried).
 */
int
ext4_cache_writeback(struct ext4_fs *fs)
{
	struct ext4_cache *c = &fs->cache;
	struct ext4_buf **v, *b;
	uint8_t *stage;
	size_t n = 0, i, k;
	int err = 0, e;

	if (c->ndirty == 0)
		return 0;
	v = malloc(c->ndirty * sizeof(*v));
	stage = malloc((size_t)WRITEBACK_RUN << fs->log_block_size);
	if (v == NULL || stage == NULL) {
		free(v);
		free(stage);
		return -ENOMEM;
	}
	for (b = c->lru.lru_next; b != &c->lru && n < c->ndirty;
	     b = b->lru_next)
		if (b->dirty && !b->in_trans)
			v[n++] = b;
	qsort(v, n, sizeof(*v), buf_cmp);
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && k - i < WRITEBACK_RUN &&
				v[k]->blk == v[k - 1]->blk + 1;
		     k++)
			;
		e = cache_write_run(fs, v + i, k - i, stage);
		if (e < 0 && err == 0)
			err = e;
	}
	free(v);
	free(stage);
	ext4_cache_drop_clean(fs);
	return err;
}

/* Shrink the cache back to its bound with buffers that may go. */
void
ext4_cache_drop_clean(struct ext4_fs *fs)
{
	struct ext4_cache *c = &fs->cache;
	struct ext4_buf *b, *prev;

	for (b = c->lru.lru_prev; b != &c->lru && c->count > c->max;
	     b = prev) {
		prev = b->lru_prev;
		if (b->refs == 0 && !b->in_trans && !b->dirty)
			buf_destroy(c, b);
	}
}
