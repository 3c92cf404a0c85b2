/*
 * Pinned blocks: blocks freed since the last checkpoint (journal.c).
 *
 * Until a checkpoint writes every committed block home, the state on the
 * disk (and, until the transaction commits, the state a replay makes) may
 * still use a freed block as metadata.  So the allocator (balloc.c) does
 * not hand such blocks out again: data written into one in place would
 * corrupt that state.  Only when nothing else is free does it take those
 * freed by committed transactions (a replay revokes them).  The list is
 * kept sorted by block, each range with the transaction that freed it,
 * and emptied by each checkpoint.  Without a journal nothing is pinned.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/ext4/ext4_int.h"

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
	return fs->jnl != NULL ? fs->jnl->tid : 0;
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
	p->blocks += len;
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
 * the running transaction)?  [*first, *end) is the first pinned run it
 * meets, from within the range on.
 */
bool
ext4_pin_overlaps(struct ext4_fs *fs, uint64_t start, uint64_t len, bool all,
		  uint64_t *first, uint64_t *end)
{
	struct ext4_pinned *p = &fs->pinned;
	size_t i;

	for (i = pin_search(p, start); i < p->n; i++) {
		if (p->v[i].start >= start + len)
			return false;
		if (all || p->v[i].tid == pin_tid(fs)) {
			*first = p->v[i].start > start ? p->v[i].start : start;
			*end = p->v[i].start + p->v[i].len;
			return true;
		}
	}
	return false;
}

void
ext4_pin_clear(struct ext4_fs *fs)
{
	fs->pinned.n = 0;
	fs->pinned.blocks = 0;
}
