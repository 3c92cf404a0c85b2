/*
 * ext4 hash-indexed directories, the write side: adding names through the
 * index, splitting leaves and index nodes, indexing a directory that
 * outgrew its first block, and dropping an index that cannot be kept.
 * (The format and lookups are in htree.c.)
 *
 * Adding a name descends from the root to the leaf whose hash range holds
 * the name's hash and puts the entry there.  A full leaf is split: its
 * entries are sorted by hash and the upper half (by bytes) moves to a new
 * block at the end of the directory, indexed after the old one by the
 * first hash it holds (with bit 0 set when that hash continues from the
 * old leaf, so lookups know to look on).  A full index node is split the
 * same way, one level up; a full root moves its entries into a new index
 * node below it and the tree gets one level deeper, up to the limit
 * (two levels, three with large_dir).  After each such change the add
 * starts over from the root.  When the index is full, or does not make
 * sense, the callers drop it (EXT4_HTREE_FALLBACK) and the directory
 * carries on as a plain one.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define DX_ROOT_COFF (EXT4_DX_ROOT_INFO_OFF + sizeof(struct ext4_dx_root_info))
#define DX_NODE_COFF EXT4_DX_NODE_COUNT_OFF
#define DX_LBLK_MASK 0x0fffffffu
#define DX_MAX_TRIES 12
#define DX_MAX_DEPTH 3		/* index levels, root included */
#define DX_AGAIN 2		/* the tree changed: start over */

struct dx_frame {
	struct ext4_buf *b;
	size_t coff;		/* where count/limit are */
	unsigned int pos;	/* the entry followed */
};

struct dx_path {
	int levels;		/* index levels below the root */
	unsigned int version;
	uint32_t hash;
	struct dx_frame f[DX_MAX_DEPTH];
	uint64_t leaf;
	bool collision;		/* the hash run goes on next door */
};

static size_t
dx_limit(const struct ext4_fs *fs, size_t coff)
{
	return (fs->block_size - coff -
		(fs->csum ? sizeof(struct ext4_dx_tail) : 0)) /
	       sizeof(struct ext4_dx_entry);
}

static struct ext4_dx_countlimit *
dx_cl(const struct dx_frame *f)
{
	return (struct ext4_dx_countlimit *)(f->b->data + f->coff);
}

static struct ext4_dx_entry *
dx_ent(const struct dx_frame *f)
{
	return (struct ext4_dx_entry *)(f->b->data + f->coff);
}

static unsigned int
dx_count(const struct dx_frame *f)
{
	return le16toh(dx_cl(f)->count);
}

void
ext4_dx_set_csum(struct ext4_fs *fs, const struct ext4_inode *dir,
		 uint8_t *data, size_t coff)
{
	const struct ext4_dx_countlimit *cl = (const void *)(data + coff);
	struct ext4_dx_tail *t;
	uint32_t zero = 0, crc;

	if (!fs->csum)
		return;
	t = (void *)(data + coff + le16toh(cl->limit) *
					  sizeof(struct ext4_dx_entry));
	t->dt_reserved = 0;
	crc = ext4_crc32c(dir->csum_seed, data,
			  coff + le16toh(cl->count) *
					 sizeof(struct ext4_dx_entry));
	crc = ext4_crc32c(crc, t, offsetof(struct ext4_dx_tail, dt_checksum));
	crc = ext4_crc32c(crc, &zero, sizeof(zero));
	t->dt_checksum = htole32(crc);
}

static void
frame_dirty(struct ext4_fs *fs, struct ext4_inode *dir, struct dx_frame *f)
{
	ext4_dx_set_csum(fs, dir, f->b->data, f->coff);
	ext4_bdirty(fs, f->b);
}

static void
dx_path_release(struct ext4_fs *fs, struct dx_path *p)
{
	int i;

	for (i = 0; i < DX_MAX_DEPTH; i++) {
		ext4_brelse(fs, p->f[i].b);
		p->f[i].b = NULL;
	}
}

static int
dx_give_up(struct ext4_fs *fs, struct ext4_inode *dir, struct dx_path *p,
	   const char *why)
{
	dx_path_release(fs, p);
	pr_warn("ext4: %s: directory inode %u: %s, dropping its hash index",
		fs->bd->name, dir->ino, why);
	return EXT4_HTREE_FALLBACK;
}

/* Pick the entry of frame f for p->hash; its child's block or -1. */
static int64_t
frame_pick(struct ext4_fs *fs, struct ext4_inode *dir, struct dx_frame *f,
	   struct dx_path *p)
{
	struct ext4_dx_entry *e = dx_ent(f);
	unsigned int count = dx_count(f), i;
	uint64_t blk, nblocks = dir->size >> fs->log_block_size;

	if (count == 0 || count > le16toh(dx_cl(f)->limit) ||
	    le16toh(dx_cl(f)->limit) != dx_limit(fs, f->coff))
		return -1;
	for (i = 1; i < count && le32toh(e[i].hash) <= p->hash; i++)
		;
	f->pos = i - 1;
	p->collision = i < count && (le32toh(e[i].hash) & 1) &&
		       (le32toh(e[i].hash) & ~1u) == p->hash;
	blk = le32toh(e[f->pos].block) & DX_LBLK_MASK;
	return blk > 0 && blk < nblocks ? (int64_t)blk : -1;
}

/*
 * Descend from the root to the leaf for name.  0 (frames held), or
 * EXT4_HTREE_FALLBACK / -errno with nothing held.
 */
static int
dx_path_find(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	     size_t len, struct dx_path *p)
{
	int64_t child;
	int level, err;

	memset(p, 0, sizeof(*p));
	if ((err = ext4_dir_bread(fs, dir, 0, &p->f[0].b)) < 0)
		return err;
	p->levels = ext4_dx_root_params(fs, p->f[0].b->data, &p->version);
	if (p->levels < 0 || p->levels >= DX_MAX_DEPTH)
		return dx_give_up(fs, dir, p, "bad index root");
	p->hash = ext4_dx_name_hash(fs, p->version, name, len);
	p->f[0].coff = DX_ROOT_COFF;
	for (level = 0;; level++) {
		if ((child = frame_pick(fs, dir, &p->f[level], p)) < 0)
			return dx_give_up(fs, dir, p, "bad index node");
		if (level == p->levels)
			break;
		err = ext4_dir_bread(fs, dir, (uint64_t)child,
				     &p->f[level + 1].b);
		if (err < 0) {
			dx_path_release(fs, p);
			return err;
		}
		if (ext4_dx_count_offset(fs, p->f[level + 1].b->data) !=
		    DX_NODE_COFF)
			return dx_give_up(fs, dir, p, "index node expected");
		p->f[level + 1].coff = DX_NODE_COFF;
	}
	p->leaf = (uint64_t)child;
	return 0;
}

/*
 * The leaf for name in an indexed directory: 0 and *lblk, or nonzero if
 * the index cannot say (damaged, or a hash run spanning leaves).
 */
int
ext4_dx_find_leaf(struct ext4_fs *fs, struct ext4_inode *dir,
		  const char *name, size_t len, uint64_t *lblk)
{
	struct dx_path p;
	int err;

	if ((err = dx_path_find(fs, dir, name, len, &p)) != 0)
		return err;
	*lblk = p.leaf;
	dx_path_release(fs, &p);
	return p.collision ? EXT4_HTREE_FALLBACK : 0;
}

/* Insert (hash, blk) after the followed entry of frame f (room known). */
static void
frame_insert(struct ext4_fs *fs, struct ext4_inode *dir, struct dx_frame *f,
	     uint32_t hash, uint64_t blk)
{
	struct ext4_dx_entry *e = dx_ent(f);
	unsigned int count = dx_count(f);

	memmove(&e[f->pos + 2], &e[f->pos + 1],
		(count - f->pos - 1) * sizeof(*e));
	e[f->pos + 1].hash = htole32(hash);
	e[f->pos + 1].block = htole32((uint32_t)blk);
	dx_cl(f)->count = htole16((uint16_t)(count + 1));
	frame_dirty(fs, dir, f);
}

/* A new index node block, empty, held in *out. */
static int
new_index_node(struct ext4_fs *fs, struct ext4_inode *dir,
	       struct ext4_buf **out, uint64_t *lblk)
{
	struct ext4_dirent *de;
	struct ext4_dx_countlimit *cl;
	int err;

	if ((err = ext4_dir_append_block(fs, dir, out, lblk)) < 0)
		return err;
	de = (void *)(*out)->data;
	de->rec_len = ext4_dir_rec_len_disk(fs, fs->block_size);
	cl = (void *)((*out)->data + DX_NODE_COFF);
	cl->limit = htole16((uint16_t)dx_limit(fs, DX_NODE_COFF));
	return 0;
}

/* The root's entries go into a new node below it: one level more. */
static int
dx_grow_root(struct ext4_fs *fs, struct ext4_inode *dir, struct dx_path *p)
{
	struct dx_frame *root = &p->f[0], node = { .coff = DX_NODE_COFF };
	struct ext4_dx_root_info *info =
		(void *)(root->b->data + EXT4_DX_ROOT_INFO_OFF);
	unsigned int count = dx_count(root);
	uint64_t lblk;
	int err;

	if ((err = new_index_node(fs, dir, &node.b, &lblk)) < 0)
		return err;
	dx_ent(&node)[0].block = dx_ent(root)[0].block;
	memcpy(&dx_ent(&node)[1], &dx_ent(root)[1],
	       (count - 1) * sizeof(struct ext4_dx_entry));
	dx_cl(&node)->count = htole16((uint16_t)count);
	frame_dirty(fs, dir, &node);
	ext4_brelse(fs, node.b);
	dx_cl(root)->count = htole16(1);
	dx_ent(root)[0].block = htole32((uint32_t)lblk);
	info->indirect_levels++;
	frame_dirty(fs, dir, root);
	return 0;
}

/* Split the full index node of frame level into two (parent has room). */
static int
split_node(struct ext4_fs *fs, struct ext4_inode *dir, struct dx_path *p,
	   int level)
{
	struct dx_frame *f = &p->f[level], node = { .coff = DX_NODE_COFF };
	unsigned int count = dx_count(f), half = count / 2;
	uint32_t hash = le32toh(dx_ent(f)[half].hash);
	uint64_t lblk;
	int err;

	if ((err = new_index_node(fs, dir, &node.b, &lblk)) < 0)
		return err;
	dx_ent(&node)[0].block = dx_ent(f)[half].block;
	memcpy(&dx_ent(&node)[1], &dx_ent(f)[half + 1],
	       (count - half - 1) * sizeof(struct ext4_dx_entry));
	dx_cl(&node)->count = htole16((uint16_t)(count - half));
	frame_dirty(fs, dir, &node);
	ext4_brelse(fs, node.b);
	dx_cl(f)->count = htole16((uint16_t)half);
	frame_dirty(fs, dir, f);
	frame_insert(fs, dir, &p->f[level - 1], hash, lblk);
	return 0;
}

static bool
frame_full(const struct ext4_fs *fs, const struct dx_frame *f)
{
	return dx_count(f) >= le16toh(dx_cl(f)->limit);
}

/* The deepest index node is full: make room at the lowest level able. */
static int
make_index_room(struct ext4_fs *fs, struct ext4_inode *dir, struct dx_path *p)
{
	int max = ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_LARGEDIR) ? 3
									 : 2;
	int level = p->levels;

	while (level > 0 && frame_full(fs, &p->f[level - 1]))
		level--;
	if (level > 0)
		return split_node(fs, dir, p, level);
	if (p->levels + 1 >= max)
		return dx_give_up(fs, dir, p, "index full");
	return dx_grow_root(fs, dir, p);
}

struct dx_rec {
	uint32_t hash;
	size_t off;
};

static int
dx_rec_cmp(const void *a, const void *b)
{
	const struct dx_rec *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The live entries of a leaf copy, with hashes; *n and *bytes. */
static int
leaf_entries(struct ext4_fs *fs, struct ext4_inode *dir, struct dx_path *p,
	     const uint8_t *copy, struct dx_rec *v, size_t *n, size_t *bytes)
{
	size_t space = fs->block_size - (fs->csum ? 12 : 0), off;
	struct ext4_dir_rec d;
	int err;

	*n = *bytes = 0;
	for (off = 0; off < space; off += d.rec_len) {
		if ((err = ext4_dir_parse(fs, dir, copy, space, off, p->leaf,
					  &d)) < 0)
			return err;
		if (d.ino == 0)
			continue;
		v[*n].hash = ext4_dx_name_hash(fs, p->version, d.name,
					       d.name_len);
		v[*n].off = off;
		*bytes += EXT4_DIR_REC_LEN(d.name_len);
		(*n)++;
	}
	return 0;
}

static int
refill(struct ext4_fs *fs, struct ext4_inode *dir, uint8_t *data,
       const uint8_t *copy, const struct dx_rec *v, size_t from, size_t to)
{
	const struct ext4_dirent *de;
	int err;

	ext4_dir_init_leaf(fs, data);
	for (; from < to; from++) {
		de = (const void *)(copy + v[from].off);
		err = ext4_dir_block_insert(fs, dir, data, de->name,
					    de->name_len, le32toh(de->inode),
					    de->file_type);
		if (err < 0)
			return err;
	}
	ext4_dir_leaf_csum(fs, dir, data);
	return 0;
}

/* Split the full leaf b in two by hash, indexing the new half. */
static int
split_leaf(struct ext4_fs *fs, struct ext4_inode *dir, struct dx_path *p,
	   struct ext4_buf *b)
{
	size_t n, bytes, half = 0, split;
	uint8_t *copy = malloc(fs->block_size);
	struct dx_rec *v = malloc(fs->block_size / 8 * sizeof(*v));
	struct ext4_buf *nb = NULL;
	uint32_t hash;
	uint64_t lblk;
	int err;

	if (copy == NULL || v == NULL) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(copy, b->data, fs->block_size);
	if ((err = leaf_entries(fs, dir, p, copy, v, &n, &bytes)) < 0)
		goto out;
	if (n < 2) {
		err = dx_give_up(fs, dir, p, "leaf too full to split");
		goto out;
	}
	qsort(v, n, sizeof(*v), dx_rec_cmp);
	for (split = 0; split < n - 1 && half < bytes / 2; split++)
		half += EXT4_DIR_REC_LEN(copy[v[split].off + 6]); /* name_len */
	if (split == 0)
		split = 1;
	hash = v[split].hash | (v[split - 1].hash == v[split].hash);
	if ((err = ext4_dir_append_block(fs, dir, &nb, &lblk)) < 0)
		goto out;
	if ((err = refill(fs, dir, b->data, copy, v, 0, split)) < 0 ||
	    (err = refill(fs, dir, nb->data, copy, v, split, n)) < 0)
		goto out;
	ext4_bdirty(fs, b);
	ext4_bdirty(fs, nb);
	frame_insert(fs, dir, &p->f[p->levels], hash, lblk);
out:
	ext4_brelse(fs, nb);
	free(copy);
	free(v);
	return err;
}

/*
 * One attempt: 0 added, DX_AGAIN if the tree changed instead,
 * EXT4_HTREE_FALLBACK, or -errno.
 */
static int
dx_try_add(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	   size_t len, uint32_t ino, unsigned int ft)
{
	struct ext4_buf *b;
	struct dx_path p;
	int err;

	if ((err = dx_path_find(fs, dir, name, len, &p)) != 0)
		return err;
	if ((err = ext4_dir_bread(fs, dir, p.leaf, &b)) < 0) {
		dx_path_release(fs, &p);
		return err;
	}
	err = ext4_dir_block_insert(fs, dir, b->data, name, len, ino, ft);
	if (err == 0) {
		ext4_dir_leaf_csum(fs, dir, b->data);
		ext4_bdirty(fs, b);
	} else if (err == -ENOSPC) {
		if (frame_full(fs, &p.f[p.levels]))
			err = make_index_room(fs, dir, &p);
		else
			err = split_leaf(fs, dir, &p, b);
		if (err == 0)
			err = DX_AGAIN;
	}
	ext4_brelse(fs, b);
	dx_path_release(fs, &p);
	return err;
}

/*
 * Add name -> ino through the index.  0, -errno, or EXT4_HTREE_FALLBACK
 * when the index cannot take it (the caller drops the index).
 */
int
ext4_dx_add(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	    size_t len, uint32_t ino, unsigned int file_type)
{
	int tries, err;

	for (tries = 0; tries < DX_MAX_TRIES; tries++) {
		err = dx_try_add(fs, dir, name, len, ino, file_type);
		if (err != DX_AGAIN)
			return err;
	}
	pr_warn("ext4: %s: directory inode %u: no leaf takes the name, "
		"dropping its hash index", fs->bd->name, dir->ino);
	return EXT4_HTREE_FALLBACK;
}

/*
 * Block 0 of a directory: "." and ".." records, checked.  *after is where
 * the records after them start, *dot_len the length of ".".
 */
static int
root_dots(struct ext4_fs *fs, struct ext4_inode *dir, const uint8_t *data,
	  size_t *after, size_t *dot_len)
{
	struct ext4_dir_rec dot, dotdot;
	int err;

	if ((err = ext4_dir_parse(fs, dir, data, fs->block_size, 0, 0,
				  &dot)) < 0 ||
	    (err = ext4_dir_parse(fs, dir, data, fs->block_size, dot.rec_len,
				  0, &dotdot)) < 0)
		return err;
	if (dot.name_len != 1 || dot.name[0] != '.' ||
	    dotdot.name_len != 2 || memcmp(dotdot.name, "..", 2) != 0)
		return -EFSCORRUPTED;
	*after = dot.rec_len + dotdot.rec_len;
	*dot_len = dot.rec_len;
	return 0;
}

/* Write the dx root over block 0 (whose "." and ".." are kept). */
static void
write_root(struct ext4_fs *fs, struct ext4_inode *dir, uint8_t *data,
	   uint64_t leaf)
{
	struct ext4_dirent *dot = (void *)data, *dotdot = (void *)(data + 12);
	struct ext4_dx_root_info *info =
		(void *)(data + EXT4_DX_ROOT_INFO_OFF);
	struct dx_frame f = { .coff = DX_ROOT_COFF };
	uint32_t parent = le32toh(dotdot->inode);
	struct ext4_buf fake = { .data = data };

	memset(data + 12, 0, fs->block_size - 12);
	dot->rec_len = ext4_dir_rec_len_disk(fs, 12);
	dotdot->inode = htole32(parent);
	dotdot->rec_len = ext4_dir_rec_len_disk(fs, fs->block_size - 12);
	dotdot->name_len = 2;
	dotdot->file_type = (uint8_t)ext4_file_type(fs, S_IFDIR);
	memcpy(dotdot->name, "..", 2);
	info->hash_version = fs->sb.s_def_hash_version;
	info->info_length = sizeof(*info);
	f.b = &fake;
	dx_cl(&f)->limit = htole16((uint16_t)dx_limit(fs, DX_ROOT_COFF));
	dx_cl(&f)->count = htole16(1);
	dx_ent(&f)[0].block = htole32((uint32_t)leaf);
	ext4_dx_set_csum(fs, dir, data, DX_ROOT_COFF);
}

/*
 * dir has one full block: move its entries to a new leaf and make block
 * 0 the root of an index over it.
 */
int
ext4_dx_make_indexed(struct ext4_fs *fs, struct ext4_inode *dir)
{
	struct ext4_buf *b0, *nb = NULL;
	uint8_t *copy = malloc(fs->block_size);
	struct ext4_dir_rec d;
	uint64_t lblk;
	size_t off, dot_len;
	int err;

	if (copy == NULL)
		return -ENOMEM;
	if ((err = ext4_dir_bread(fs, dir, 0, &b0)) < 0)
		goto out_free;
	memcpy(copy, b0->data, fs->block_size);
	if ((err = root_dots(fs, dir, copy, &off, &dot_len)) < 0 ||
	    (err = ext4_dir_append_block(fs, dir, &nb, &lblk)) < 0)
		goto out;
	ext4_dir_init_leaf(fs, nb->data);
	for (; off < fs->block_size - (fs->csum ? 12 : 0); off += d.rec_len) {
		if ((err = ext4_dir_parse(fs, dir, copy, fs->block_size, off, 0,
					  &d)) < 0)
			goto out;
		if (d.ino != 0 &&
		    (err = ext4_dir_block_insert(fs, dir, nb->data, d.name,
						 d.name_len, d.ino,
						 copy[off + 7])) < 0)
			goto out;
	}
	ext4_dir_leaf_csum(fs, dir, nb->data);
	ext4_bdirty(fs, nb);
	write_root(fs, dir, b0->data, lblk);
	ext4_bdirty(fs, b0);
	dir->flags |= EXT4_INDEX_FL;
out:
	ext4_brelse(fs, nb);
	ext4_brelse(fs, b0);
out_free:
	free(copy);
	return err;
}

/* Is data an index node (one empty record over the whole block)? */
static bool
is_index_node(struct ext4_fs *fs, const uint8_t *data)
{
	const struct ext4_dirent *de = (const void *)data;

	return de->inode == 0 &&
	       ext4_dir_rec_len(fs, le16toh(de->rec_len)) == fs->block_size &&
	       ext4_dx_count_offset(fs, data) == DX_NODE_COFF;
}

/* Block 0 as a plain leaf: "." and ".." and nothing else. */
static int
plain_root(struct ext4_fs *fs, struct ext4_inode *dir, uint8_t *data)
{
	size_t space = fs->block_size - (fs->csum ? 12 : 0), after, dot_len;
	size_t keep;
	uint8_t save[EXT4_DIR_REC_LEN(1) * 2 + 256];
	int err;

	if ((err = root_dots(fs, dir, data, &after, &dot_len)) < 0)
		return err;
	keep = dot_len + EXT4_DIR_REC_LEN(2);
	if (keep > sizeof(save) || keep > space)
		return -EFSCORRUPTED;
	memcpy(save, data, keep);
	ext4_dir_init_leaf(fs, data);
	memcpy(data, save, keep);
	((struct ext4_dirent *)(data + dot_len))->rec_len =
		ext4_dir_rec_len_disk(fs, space - dot_len);
	ext4_dir_leaf_csum(fs, dir, data);
	return 0;
}

/* Turn the index blocks into plain ones and clear EXT4_INDEX_FL. */
int
ext4_dx_drop_index(struct ext4_fs *fs, struct ext4_inode *dir)
{
	uint64_t nblocks = dir->size >> fs->log_block_size, lblk;
	struct ext4_buf *b;
	int err;

	if ((err = ext4_dir_bread(fs, dir, 0, &b)) < 0)
		return err;
	if ((err = plain_root(fs, dir, b->data)) == 0)
		ext4_bdirty(fs, b);
	ext4_brelse(fs, b);
	if (err < 0)
		return err;
	for (lblk = 1; lblk < nblocks; lblk++) {
		if ((err = ext4_dir_next(fs, dir, &lblk, &b)) < 0)
			return err;
		if (b == NULL)
			break;
		if (is_index_node(fs, b->data)) {
			ext4_dir_init_leaf(fs, b->data);
			ext4_dir_leaf_csum(fs, dir, b->data);
			ext4_bdirty(fs, b);
		}
		ext4_brelse(fs, b);
	}
	dir->flags &= ~EXT4_INDEX_FL;
	return ext4_inode_store(fs, dir);
}
