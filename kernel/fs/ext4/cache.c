/*
 * The ext4 metadata block cache.
 *
 * Group descriptor, inode table, extent, indirect and directory blocks are
 * read through here; file data is not.  Buffers are keyed by physical block
 * number in a hash table and kept on an LRU list.  The cache is bounded by
 * EXT4_CACHE_BYTES: when it is full, the least recently used unheld buffer
 * is reused.  If every buffer is held (deep extent walks hold a few), the
 * cache grows past its bound and shrinks again as buffers are released.
 *
 * Buffers are read-only for now: the write path will add a dirty state and
 * writeback here.
 */
#include <stdlib.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define EXT4_CACHE_BYTES (1u << 20)
#define EXT4_CACHE_MIN 16
#define EXT4_CACHE_HASH 256

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
buf_destroy(struct ext4_cache *c, struct ext4_buf *b)
{
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
	c->max = EXT4_CACHE_BYTES / fs->block_size;
	if (c->max < EXT4_CACHE_MIN)
		c->max = EXT4_CACHE_MIN;
	return 0;
}

/* Every buffer must have been released. */
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

/* A buffer to (re)fill: the LRU unheld one if full, else a new one. */
static struct ext4_buf *
cache_victim(struct ext4_fs *fs)
{
	struct ext4_cache *c = &fs->cache;
	struct ext4_buf *b;

	if (c->count >= c->max) {
		for (b = c->lru.lru_prev; b != &c->lru; b = b->lru_prev) {
			if (b->refs == 0) {
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

	if (blk >= fs->blocks_count) {
		pr_err("ext4: %s: metadata block %llu beyond the end (%llu)",
		       fs->bd->name, (unsigned long long)blk,
		       (unsigned long long)fs->blocks_count);
		return -EFSCORRUPTED;
	}
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
			c->count--;
			free(b->data);
			free(b);
			return err;
		}
		b->blk = blk;
		b->refs = 0;
		b->verified = EXT4_VERIFIED_NONE;
		b->hash_next = c->hash[cache_hash(c, blk)];
		c->hash[cache_hash(c, blk)] = b;
	}
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
	if (--b->refs == 0 && c->count > c->max)
		buf_destroy(c, b);
}
