/*
 * ext4 extent trees, the write side: inserting, removing and converting
 * extents (the read side and the format are in extents.c).
 *
 * Every change starts from a path: the nodes from the root (in i_block)
 * down to the leaf whose range holds a logical block, with the entry
 * chosen at each level.  A change edits the leaf in place; when the leaf
 * has no room, the path is made roomier first and the change starts over
 * from a fresh path, so no path outlives a change of the tree's shape:
 *
 *  - a full non-root node is split in two (at the end when the new entry
 *    goes last, which keeps appending files' leaves full; else in the
 *    middle) and the new node is indexed in its parent, making room in
 *    the parent first if it is full too;
 *  - a full root moves its entries to a new block below it and becomes
 *    an index of that one block: the tree grows one level.
 *
 * Removing entries is the reverse: an emptied non-root node is freed and
 * its index entry removed; a root left with one child that fits in the
 * root takes the child's entries back (the tree shrinks), as e2fsck
 * expects of a tree that could be shorter.
 *
 * Invariants kept (e2fsck checks them): each index entry's block equals
 * the first block of its child's first entry; entries are sorted and do
 * not overlap; adjacent extents merge when they are physically contiguous
 * and of the same kind (written or unwritten), up to 32768 (written) or
 * 32767 (unwritten) blocks.  Tree blocks count in i_blocks and carry a
 * checksum tail with metadata_csum.  Callers store the inode afterwards
 * (the root lives in it).
 */
#include <string.h>
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define EXT_MAX_WRITTEN EXT4_EXT_INIT_MAX_LEN
#define EXT_MAX_UNWRITTEN (EXT4_EXT_INIT_MAX_LEN - 1)
#define EXT_ROOT_MAX 4

struct xlevel {
	struct ext4_buf *b;	/* NULL for the root, in the inode */
	struct ext4_extent_header *eh;
	int pos;		/* entry chosen; -1 before the first (leaf) */
};

struct xpath {
	int depth;		/* of the root: the leaf is l[depth] */
	struct xlevel l[EXT4_EXT_MAX_DEPTH + 1];
};

/* An extent as plain numbers. */
struct xent {
	uint64_t lblk, pblk;
	uint32_t len;
	bool unwritten;
};

static unsigned int
eh_entries(const struct ext4_extent_header *eh)
{
	return le16toh(eh->eh_entries);
}

static void
eh_set_entries(struct ext4_extent_header *eh, unsigned int n)
{
	eh->eh_entries = htole16((uint16_t)n);
}

static unsigned int
eh_max(const struct ext4_extent_header *eh)
{
	return le16toh(eh->eh_max);
}

static struct ext4_extent *
eh_ext(struct ext4_extent_header *eh)
{
	return (struct ext4_extent *)(eh + 1);
}

static struct ext4_extent_idx *
eh_idx(struct ext4_extent_header *eh)
{
	return (struct ext4_extent_idx *)(eh + 1);
}

/* Extents and index entries both start with their first logical block. */
static uint32_t
eh_key(struct ext4_extent_header *eh, unsigned int i)
{
	return le32toh(eh_ext(eh)[i].ee_block);
}

static struct xent
xent_get(const struct ext4_extent *ex)
{
	uint16_t len = le16toh(ex->ee_len);
	struct xent x = {
		.lblk = le32toh(ex->ee_block),
		.pblk = le32toh(ex->ee_start_lo) |
			(uint64_t)le16toh(ex->ee_start_hi) << 32,
		.len = len > EXT4_EXT_INIT_MAX_LEN ? len - EXT4_EXT_INIT_MAX_LEN
						   : len,
		.unwritten = len > EXT4_EXT_INIT_MAX_LEN,
	};

	return x;
}

static void
xent_put(struct ext4_extent *ex, const struct xent *x)
{
	ex->ee_block = htole32((uint32_t)x->lblk);
	ex->ee_len = htole16((uint16_t)(x->len + (x->unwritten ?
							EXT4_EXT_INIT_MAX_LEN :
							0)));
	ex->ee_start_lo = htole32((uint32_t)x->pblk);
	ex->ee_start_hi = htole16((uint16_t)(x->pblk >> 32));
}

static void
idx_put(struct ext4_extent_idx *ix, uint32_t lblk, uint64_t pblk)
{
	ix->ei_block = htole32(lblk);
	ix->ei_leaf_lo = htole32((uint32_t)pblk);
	ix->ei_leaf_hi = htole16((uint16_t)(pblk >> 32));
	ix->ei_unused = 0;
}

static uint64_t
idx_pblk(const struct ext4_extent_idx *ix)
{
	return le32toh(ix->ei_leaf_lo) |
	       (uint64_t)le16toh(ix->ei_leaf_hi) << 32;
}

static struct ext4_extent_header *
root_eh(struct ext4_inode *inode)
{
	return (struct ext4_extent_header *)ext4_inode_iblock_rw(inode);
}

/* An empty tree: a root leaf of four slots. */
void
ext4_ext_init_root(struct ext4_inode *inode)
{
	struct ext4_extent_header *eh = root_eh(inode);

	memset(eh, 0, EXT4_INLINE_DATA_SIZE);
	eh->eh_magic = htole16(EXT4_EXT_MAGIC);
	eh->eh_max = htole16(EXT_ROOT_MAX);
}

static unsigned int
node_capacity(const struct ext4_fs *fs)
{
	return (fs->block_size - sizeof(struct ext4_extent_header)) /
	       sizeof(struct ext4_extent);
}

static void
node_dirty(struct ext4_fs *fs, struct ext4_inode *inode, struct xlevel *lv)
{
	if (lv->b == NULL)
		return;
	ext4_ext_set_csum(fs, inode, lv->b->data);
	ext4_bdirty(fs, lv->b);
}

static void
path_release(struct ext4_fs *fs, struct xpath *p)
{
	int i;

	for (i = 1; i <= p->depth; i++)
		ext4_brelse(fs, p->l[i].b);
}

/* The last entry of eh whose key is <= lblk, or -1. */
static int
node_pick(struct ext4_extent_header *eh, uint64_t lblk)
{
	int lo = 0, hi = (int)eh_entries(eh), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (eh_key(eh, (unsigned int)mid) <= lblk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

static int
path_find(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
	  struct xpath *p)
{
	struct ext4_extent_header *eh = root_eh(inode);
	int level, err;

	if ((err = ext4_ext_check_root(fs, inode)) < 0)
		return err;
	p->depth = le16toh(eh->eh_depth);
	p->l[0] = (struct xlevel){ NULL, eh, 0 };
	for (level = 0; level < p->depth; level++) {
		eh = p->l[level].eh;
		if (eh_entries(eh) == 0) {
			pr_err("ext4: %s: inode %u: empty extent index",
			       fs->bd->name, inode->ino);
			p->depth = level;
			path_release(fs, p);
			return -EFSCORRUPTED;
		}
		p->l[level].pos = node_pick(eh, lblk);
		if (p->l[level].pos < 0)
			p->l[level].pos = 0;
		err = ext4_ext_read_node(fs, inode,
					 idx_pblk(&eh_idx(eh)[p->l[level].pos]),
					 p->depth - level - 1,
					 &p->l[level + 1].b);
		if (err < 0) {
			p->depth = level;
			path_release(fs, p);
			return err;
		}
		p->l[level + 1].eh = (void *)p->l[level + 1].b->data;
	}
	p->l[p->depth].pos = node_pick(p->l[p->depth].eh, lblk);
	return 0;
}

/* The first key of level's node changed: carry it up the index. */
static void
fix_keys(struct ext4_fs *fs, struct ext4_inode *inode, struct xpath *p,
	 int level)
{
	struct ext4_extent_idx *ix;
	struct xlevel *up;
	uint32_t key;

	for (; level > 0 && eh_entries(p->l[level].eh) > 0; level--) {
		up = &p->l[level - 1];
		ix = &eh_idx(up->eh)[up->pos];
		key = eh_key(p->l[level].eh, 0);
		if (le32toh(ix->ei_block) == key)
			return;
		ix->ei_block = htole32(key);
		node_dirty(fs, inode, up);
		if (up->pos != 0)
			return;
	}
}

/* ---- making room ---- */

static int
new_node(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t goal,
	 uint16_t depth, struct ext4_buf **out)
{
	struct ext4_extent_header *eh;
	uint64_t blk;
	int err;

	if ((err = ext4_alloc_meta_block(fs, inode, goal, &blk)) < 0)
		return err;
	if ((err = ext4_bget(fs, blk, out)) < 0) {
		ext4_free_meta_block(fs, inode, blk);
		return err;
	}
	eh = (void *)(*out)->data;
	eh->eh_magic = htole16(EXT4_EXT_MAGIC);
	eh->eh_max = htole16((uint16_t)node_capacity(fs));
	eh->eh_depth = htole16(depth);
	(*out)->verified = EXT4_VERIFIED_EXTENT;
	return 0;
}

/* Move the root's entries one level down into a new block. */
static int
grow_root(struct ext4_fs *fs, struct ext4_inode *inode, struct xpath *p)
{
	struct ext4_extent_header *root = p->l[0].eh, *eh;
	struct ext4_buf *b;
	unsigned int n = eh_entries(root);
	int err;

	if (p->depth >= EXT4_EXT_MAX_DEPTH)
		return -EFBIG;
	err = new_node(fs, inode, ext4_inode_goal(fs, inode),
		       (uint16_t)p->depth, &b);
	if (err < 0)
		return err;
	eh = (void *)b->data;
	memcpy(eh + 1, root + 1, n * sizeof(struct ext4_extent));
	eh_set_entries(eh, n);
	ext4_ext_set_csum(fs, inode, b->data);
	ext4_bdirty(fs, b);
	root->eh_depth = htole16((uint16_t)(p->depth + 1));
	eh_set_entries(root, 1);
	idx_put(&eh_idx(root)[0], n ? eh_key(eh, 0) : 0, b->blk);
	ext4_brelse(fs, b);
	return 0;
}

/*
 * Split the full node at level, indexing the new half in the parent.  If
 * the parent is full, make room there instead: the caller starts over.
 */
static int
make_room(struct ext4_fs *fs, struct ext4_inode *inode, struct xpath *p,
	  int level)
{
	struct xlevel *lv = &p->l[level], *up;
	unsigned int n = eh_entries(lv->eh), split;
	struct ext4_extent_header *eh;
	struct ext4_buf *b;
	int err;

	if (level == 0)
		return grow_root(fs, inode, p);
	up = &p->l[level - 1];
	if (eh_entries(up->eh) >= eh_max(up->eh))
		return make_room(fs, inode, p, level - 1);
	split = lv->pos == (int)n - 1 ? n - 1 : n / 2;
	if (split == 0)
		split = 1;
	err = new_node(fs, inode, lv->b->blk + 1,
		       le16toh(lv->eh->eh_depth), &b);
	if (err < 0)
		return err;
	eh = (void *)b->data;
	memcpy(eh + 1, eh_ext(lv->eh) + split,
	       (n - split) * sizeof(struct ext4_extent));
	eh_set_entries(eh, n - split);
	ext4_ext_set_csum(fs, inode, b->data);
	ext4_bdirty(fs, b);
	eh_set_entries(lv->eh, split);
	node_dirty(fs, inode, lv);
	n = eh_entries(up->eh);
	memmove(eh_idx(up->eh) + up->pos + 2, eh_idx(up->eh) + up->pos + 1,
		(n - up->pos - 1) * sizeof(struct ext4_extent_idx));
	idx_put(&eh_idx(up->eh)[up->pos + 1], eh_key(eh, 0), b->blk);
	eh_set_entries(up->eh, n + 1);
	node_dirty(fs, inode, up);
	ext4_brelse(fs, b);
	return 0;
}

/*
 * Find the path to lblk with room for extra more entries in its leaf,
 * splitting as needed.
 */
static int
path_find_room(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
	       unsigned int extra, struct xpath *p)
{
	struct xlevel *leaf;
	int err, tries;

	for (tries = 0; tries < 4 * (EXT4_EXT_MAX_DEPTH + 1); tries++) {
		if ((err = path_find(fs, inode, lblk, p)) < 0)
			return err;
		leaf = &p->l[p->depth];
		if (eh_entries(leaf->eh) + extra <= eh_max(leaf->eh))
			return 0;
		err = make_room(fs, inode, p, p->depth);
		path_release(fs, p);
		if (err < 0)
			return err;
	}
	pr_err("ext4: %s: inode %u: extent tree will not split",
	       fs->bd->name, inode->ino);
	return -EFSCORRUPTED;
}

/* ---- editing leaves ---- */

static bool
can_merge(const struct xent *a, const struct xent *b)
{
	uint32_t max = a->unwritten ? EXT_MAX_UNWRITTEN : EXT_MAX_WRITTEN;

	return a->unwritten == b->unwritten && a->lblk + a->len == b->lblk &&
	       a->pblk + a->len == b->pblk && a->len + b->len <= max;
}

/*
 * Replace count entries at pos of the leaf with the n entries of x (room
 * was made), then merge neighbours around them.
 */
static void
leaf_replace(struct ext4_fs *fs, struct ext4_inode *inode, struct xpath *p,
	     int pos, unsigned int count, const struct xent *x,
	     unsigned int n)
{
	struct xlevel *leaf = &p->l[p->depth];
	struct ext4_extent *ex = eh_ext(leaf->eh);
	unsigned int total = eh_entries(leaf->eh), i;
	struct xent a, b;

	memmove(ex + pos + n, ex + pos + count,
		(total - pos - count) * sizeof(*ex));
	for (i = 0; i < n; i++)
		xent_put(&ex[pos + i], &x[i]);
	total = total - count + n;
	/* Merge within [pos - 1, pos + n], right to left. */
	for (i = (unsigned int)pos + n; i > 0 && i + 1 > (unsigned int)pos;
	     i--) {
		if (i >= total)
			continue;
		a = xent_get(&ex[i - 1]);
		b = xent_get(&ex[i]);
		if (!can_merge(&a, &b))
			continue;
		a.len += b.len;
		xent_put(&ex[i - 1], &a);
		memmove(ex + i, ex + i + 1, (total - i - 1) * sizeof(*ex));
		total--;
	}
	eh_set_entries(leaf->eh, total);
	node_dirty(fs, inode, leaf);
	if (pos == 0)
		fix_keys(fs, inode, p, p->depth);
}

/* Grow a neighbour of the leaf's pos to take x in; false if none can. */
static bool
leaf_merge(struct ext4_fs *fs, struct ext4_inode *inode, struct xpath *p,
	   const struct xent *x)
{
	struct xlevel *leaf = &p->l[p->depth];
	struct ext4_extent *ex = eh_ext(leaf->eh);
	int pos = leaf->pos, n = (int)eh_entries(leaf->eh);
	struct xent y;

	if (pos >= 0) {
		y = xent_get(&ex[pos]);
		if (can_merge(&y, x)) {
			y.len += x->len;
			leaf_replace(fs, inode, p, pos, 1, &y, 1);
			return true;
		}
	}
	if (pos + 1 < n) {
		y = xent_get(&ex[pos + 1]);
		if (can_merge(x, &y)) {
			y = (struct xent){ x->lblk, x->pblk, x->len + y.len,
					   x->unwritten };
			leaf_replace(fs, inode, p, pos + 1, 1, &y, 1);
			return true;
		}
	}
	return false;
}

/*
 * Map [lblk, lblk + len) to [pblk, ...), a range that nothing maps yet;
 * merges with the neighbours when it can.
 */
int
ext4_ext_insert(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
		uint64_t pblk, uint32_t len, bool unwritten)
{
	struct xent x = { lblk, pblk, len, unwritten };
	struct xpath p;
	int err;

	if (len == 0 || lblk + len > EXT4_EXT_LBLK_LIMIT ||
	    len > (unwritten ? EXT_MAX_UNWRITTEN : EXT_MAX_WRITTEN))
		return -EINVAL;
	if ((err = path_find(fs, inode, lblk, &p)) < 0)
		return err;
	if (leaf_merge(fs, inode, &p, &x)) {
		path_release(fs, &p);
		return 0;
	}
	path_release(fs, &p);
	if ((err = path_find_room(fs, inode, lblk, 1, &p)) < 0)
		return err;
	leaf_replace(fs, inode, &p, p.l[p.depth].pos + 1, 0, &x, 1);
	path_release(fs, &p);
	return 0;
}

/* Remove entry pos of the node at level; free the node if emptied. */
static int
node_remove(struct ext4_fs *fs, struct ext4_inode *inode, struct xpath *p,
	    int level, int pos)
{
	struct xlevel *lv = &p->l[level];
	struct ext4_extent *ex = eh_ext(lv->eh);
	unsigned int n = eh_entries(lv->eh);
	int err;

	uint64_t blk;

	memmove(ex + pos, ex + pos + 1, (n - pos - 1) * sizeof(*ex));
	eh_set_entries(lv->eh, --n);
	if (n == 0 && level > 0) {
		blk = lv->b->blk;
		ext4_brelse(fs, lv->b);
		lv->b = NULL;
		if ((err = ext4_free_meta_block(fs, inode, blk)) < 0)
			return err;
		return node_remove(fs, inode, p, level - 1,
				   p->l[level - 1].pos);
	}
	if (n == 0)
		lv->eh->eh_depth = 0;	/* an empty root is a leaf */
	node_dirty(fs, inode, lv);
	if (pos == 0)
		fix_keys(fs, inode, p, level);
	return 0;
}

/* A root with one child that fits in the root takes its entries. */
static int
collapse_root(struct ext4_fs *fs, struct ext4_inode *inode)
{
	struct ext4_extent_header *root = root_eh(inode), *eh;
	struct ext4_buf *b;
	unsigned int depth = le16toh(root->eh_depth), n;
	uint64_t blk;
	int err;

	while (depth > 0 && eh_entries(root) == 1) {
		blk = idx_pblk(&eh_idx(root)[0]);
		if ((err = ext4_ext_read_node(fs, inode, blk, (int)depth - 1,
					      &b)) < 0)
			return err;
		eh = (void *)b->data;
		n = eh_entries(eh);
		if (n > eh_max(root)) {
			ext4_brelse(fs, b);
			return 0;
		}
		memcpy(root + 1, eh + 1, n * sizeof(struct ext4_extent));
		eh_set_entries(root, n);
		root->eh_depth = eh->eh_depth;
		depth--;
		ext4_brelse(fs, b);
		if ((err = ext4_free_meta_block(fs, inode, blk)) < 0)
			return err;
	}
	return 0;
}

/*
 * Cut [start, end) out of the extent found at the leaf's pos; 1 if done
 * with the whole range, 0 to go on (the path is spent), 2 if the leaf
 * needs room for a split first, or -errno.
 */
static int
remove_step(struct ext4_fs *fs, struct ext4_inode *inode, struct xpath *p,
	    uint64_t start, uint64_t end)
{
	struct xlevel *leaf = &p->l[p->depth];
	struct xent x, piece[2];
	uint64_t s, e;
	unsigned int n = 0;
	int err;

	if (leaf->pos < 0)
		return 1;
	x = xent_get(&eh_ext(leaf->eh)[leaf->pos]);
	if (x.lblk + x.len <= start)
		return 1;
	s = x.lblk > start ? x.lblk : start;
	e = x.lblk + x.len < end ? x.lblk + x.len : end;
	if (s > x.lblk && e < x.lblk + x.len &&
	    eh_entries(leaf->eh) >= eh_max(leaf->eh))
		return 2;
	if (s > x.lblk)
		piece[n++] = (struct xent){ x.lblk, x.pblk,
					    (uint32_t)(s - x.lblk),
					    x.unwritten };
	if (e < x.lblk + x.len)
		piece[n++] = (struct xent){ e, x.pblk + (e - x.lblk),
					    (uint32_t)(x.lblk + x.len - e),
					    x.unwritten };
	if (n == 0) {
		if ((err = node_remove(fs, inode, p, p->depth, leaf->pos)) < 0)
			return err;
	} else {
		leaf_replace(fs, inode, p, leaf->pos, 1, piece, n);
	}
	inode->blocks -= ext4_sectors(fs, e - s);
	/* A directory's blocks are metadata: revoked when freed. */
	if ((err = ext4_free_blocks(fs, x.pblk + (s - x.lblk), e - s,
				    S_ISDIR(inode->mode))) < 0)
		return err;
	return s == start ? 1 : 0;
}

/*
 * Unmap and free every block of [start, end).  Long removals restart the
 * transaction between extents (the inode stored first).
 */
int
ext4_ext_remove(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t start,
		uint64_t end)
{
	struct xpath p;
	int err, done, room = 0;

	if (end > EXT4_EXT_LBLK_LIMIT)
		end = EXT4_EXT_LBLK_LIMIT;
	while (start < end) {
		err = room ? path_find_room(fs, inode, end - 1, 1, &p)
			   : path_find(fs, inode, end - 1, &p);
		if (err < 0)
			return err;
		done = remove_step(fs, inode, &p, start, end);
		path_release(fs, &p);
		if (done < 0)
			return done;
		if (done == 1)
			break;
		if ((room = done == 2))
			continue;
		if (ext4_trans_should_restart(fs) &&
		    ((err = ext4_inode_store(fs, inode)) < 0 ||
		     (err = ext4_trans_restart(fs)) < 0))
			return err;
	}
	return collapse_root(fs, inode);
}

/*
 * Make [lblk, lblk + len) written: it lies inside one unwritten extent,
 * which splits into up to three.
 */
int
ext4_ext_mark_written(struct ext4_fs *fs, struct ext4_inode *inode,
		      uint64_t lblk, uint64_t len)
{
	struct xent x, piece[3];
	struct xpath p;
	uint64_t end = lblk + len;
	unsigned int n = 0;
	int err;

	if ((err = path_find_room(fs, inode, lblk, 2, &p)) < 0)
		return err;
	if (p.l[p.depth].pos < 0)
		goto bad;
	x = xent_get(&eh_ext(p.l[p.depth].eh)[p.l[p.depth].pos]);
	if (!x.unwritten || lblk < x.lblk || end > x.lblk + x.len)
		goto bad;
	if (lblk > x.lblk)
		piece[n++] = (struct xent){ x.lblk, x.pblk,
					    (uint32_t)(lblk - x.lblk), true };
	piece[n++] = (struct xent){ lblk, x.pblk + (lblk - x.lblk),
				    (uint32_t)len, false };
	if (end < x.lblk + x.len)
		piece[n++] = (struct xent){ end, x.pblk + (end - x.lblk),
					    (uint32_t)(x.lblk + x.len - end),
					    true };
	leaf_replace(fs, inode, &p, p.l[p.depth].pos, 1, piece, n);
	path_release(fs, &p);
	return 0;
bad:
	path_release(fs, &p);
	pr_err("ext4: %s: inode %u: block %llu is not unwritten",
	       fs->bd->name, inode->ino, (unsigned long long)lblk);
	return -EFSCORRUPTED;
}
