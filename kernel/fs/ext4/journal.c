/*
 * ext4 transactions and the blocks freed since the last checkpoint.
 *
 * Every changing library call brackets its work with ext4_trans_begin()
 * and ext4_trans_end().  Between brackets the filesystem is consistent,
 * so that is where the write-back of a too-full cache happens.
 *
 * Pinned blocks: a block freed since the last checkpoint may still be in
 * use in the state on the disk, so the allocator does not hand it out
 * again until the next checkpoint (or until nothing else is left).
 */
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

int
ext4_trans_begin(struct ext4_fs *fs)
{
	if (fs->read_only)
		return -EROFS;
	fs->trans_nest++;
	return 0;
}

/* End a bracket; returns err, or a write-back error if err was 0. */
int
ext4_trans_end(struct ext4_fs *fs, int err)
{
	int e;

	BUG_ON(fs->trans_nest == 0);
	if (--fs->trans_nest > 0)
		return err;
	if (fs->cache.count > fs->cache.max) {
		if (fs->sb_dirty && (e = ext4_super_store(fs)) < 0 && err == 0)
			err = e;
		if ((e = ext4_cache_writeback(fs)) < 0 && err == 0)
			err = e;
	}
	return err;
}

bool
ext4_trans_should_restart(struct ext4_fs *fs)
{
	return false;
}

int
ext4_trans_restart(struct ext4_fs *fs)
{
	return 0;
}

void
ext4_journal_add(struct ext4_fs *fs, struct ext4_buf *b)
{
}

void
ext4_journal_forget(struct ext4_fs *fs, struct ext4_buf *b)
{
}

void
ext4_journal_revoke(struct ext4_fs *fs, uint64_t blk)
{
}

void
ext4_journal_unrevoke(struct ext4_fs *fs, uint64_t blk)
{
}

bool
ext4_journal_needs_recovery(struct ext4_fs *fs)
{
	return (fs->compat & EXT4_FEATURE_COMPAT_HAS_JOURNAL) &&
	       ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_RECOVER);
}

int
ext4_journal_open(struct ext4_fs *fs)
{
	return 0;
}

int
ext4_journal_close(struct ext4_fs *fs)
{
	return 0;
}

int
ext4_journal_commit(struct ext4_fs *fs)
{
	return 0;
}

int
ext4_journal_recover(struct ext4_fs *fs)
{
	pr_err("ext4: %s: the journal needs recovery, which is not "
	       "implemented", fs->bd->name);
	return -EOPNOTSUPP;
}

/* ---- pinned blocks ---- */

static size_t
pin_search(const struct ext4_pinned *p, uint64_t blk)
{
	size_t lo = 0, hi = p->n, mid;

	/* The first pin that ends after blk. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->v[mid].start + p->v[mid].len <= blk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint32_t
pin_tid(struct ext4_fs *fs)
{
	return 0;
}

/* Remember [start, start + len) as freed in the running transaction. */
void
ext4_pin_add(struct ext4_fs *fs, uint64_t start, uint64_t len)
{
	struct ext4_pinned *p = &fs->pinned;
	struct ext4_pin *v;
	size_t i;

	if (fs->jnl == NULL)
		return;
	i = pin_search(p, start);
	if (i > 0 && p->v[i - 1].start + p->v[i - 1].len == start &&
	    p->v[i - 1].tid == pin_tid(fs)) {
		p->v[i - 1].len += len;
		return;
	}
	if (p->n == p->cap) {
		v = realloc(p->v, (p->cap ? p->cap * 2 : 64) * sizeof(*v));
		if (v == NULL)
			return;	/* only an allocation preference is lost */
		p->v = v;
		p->cap = p->cap ? p->cap * 2 : 64;
	}
	memmove(&p->v[i + 1], &p->v[i], (p->n - i) * sizeof(*p->v));
	p->v[i] = (struct ext4_pin){ start, len, pin_tid(fs) };
	p->n++;
}

/*
 * Does [start, start + len) meet a pinned block (any, or only those of
 * the running transaction)?  *first is the first such block.
 */
bool
ext4_pin_overlaps(struct ext4_fs *fs, uint64_t start, uint64_t len, bool all,
		  uint64_t *first)
{
	struct ext4_pinned *p = &fs->pinned;
	size_t i;

	for (i = pin_search(p, start); i < p->n; i++) {
		if (p->v[i].start >= start + len)
			return false;
		if (all || p->v[i].tid == pin_tid(fs)) {
			*first = p->v[i].start > start ? p->v[i].start : start;
			return true;
		}
	}
	return false;
}

void
ext4_pin_clear(struct ext4_fs *fs)
{
	fs->pinned.n = 0;
}
