/*
 * The ext4 journal (jbd2 format, jbd2.h), the writing side: transactions,
 * commits and checkpoints, in ordered mode.  Replay is in recovery.c.
 *
 * Transactions.  Every changing library call brackets its work with
 * ext4_trans_begin()/ext4_trans_end(); between brackets the filesystem
 * is consistent, and only there does a transaction commit (long calls
 * offer more such points with ext4_trans_restart()).  Each metadata
 * buffer made dirty joins the running transaction (cache.c pins it in
 * memory); each freed metadata block is revoked in it.
 *
 * Commit (ext4_sync, ext4_commit, a full transaction, unmount).  File
 * data went straight to its blocks: a device flush first makes it
 * durable (ordered mode).  Then descriptor blocks, a copy of each buffer
 * as it is now, and revoke blocks are written at the head of the log,
 * flushed, and a commit block written and flushed: from then on a replay
 * brings the filesystem to this state.  The buffers stay dirty in the
 * cache; their home blocks still hold the state of the last checkpoint.
 *
 * Checkpoint.  When less than half of the log is free, or the cache holds
 * too much, every dirty buffer is written home, the device flushed, and
 * the journal superblock marked empty.  The home blocks are only written
 * then, all at once: on the disk they always hold the state of one commit
 * (replay makes it the latest one).  Blocks freed since the last
 * checkpoint are pinned: the allocator leaves them alone, so no data
 * lands in a block the state on the disk still uses as metadata.  When
 * they grow to half the free space, the next call checkpoints first.
 *
 * Without a journal, brackets only write the cache back when it is too
 * full, and ext4_sync() writes everything back.
 */
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define JNL_MIN_BLOCKS 64	/* a smaller journal is not used */

/* ---- format helpers ---- */

bool
ext4_jnl_has_csum(uint32_t incompat)
{
	return (incompat & (JBD2_FEATURE_INCOMPAT_CSUM_V2 |
			    JBD2_FEATURE_INCOMPAT_CSUM_V3)) != 0;
}

/* Bytes of one block tag in a descriptor (without the UUID). */
size_t
ext4_jnl_tag_bytes(uint32_t incompat)
{
	size_t sz = sizeof(struct jbd2_tag);

	if (incompat & JBD2_FEATURE_INCOMPAT_CSUM_V3)
		return sizeof(struct jbd2_tag3);
	if (incompat & JBD2_FEATURE_INCOMPAT_CSUM_V2)
		sz += sizeof(uint16_t);
	if (incompat & JBD2_FEATURE_INCOMPAT_64BIT)
		return sz;
	return sz - sizeof(uint32_t);
}

/* crc32c of a block with the journal's seed (tails, commit blocks). */
uint32_t
ext4_jnl_block_csum(const struct ext4_journal *j, const uint8_t *data,
		    size_t size)
{
	return ext4_crc32c(j->csum_seed, data, size);
}

uint32_t
ext4_jnl_next(const struct ext4_journal *j, uint32_t pos)
{
	return pos + 1 >= j->maxlen ? j->first : pos + 1;
}

int
ext4_jnl_read(struct ext4_fs *fs, const struct ext4_journal *j, uint32_t pos,
	      void *buf)
{
	return bdev_read(fs->bd, j->map[pos] << fs->log_block_size, buf,
			 fs->block_size);
}

static int
jnl_write(struct ext4_fs *fs, const struct ext4_journal *j, uint32_t pos,
	  const void *buf)
{
	int err = bdev_write(fs->bd, j->map[pos] << fs->log_block_size, buf,
			     fs->block_size);

	if (err < 0)
		pr_err("ext4: %s: journal write failed: %d", fs->bd->name,
		       err);
	return err;
}

/* The journal superblock, with its checksum, to block 0; flushed. */
int
ext4_jnl_write_super(struct ext4_fs *fs, struct ext4_journal *j)
{
	uint8_t *blk = calloc(1, fs->block_size);
	int err;

	if (blk == NULL)
		return -ENOMEM;
	j->jsb.s_checksum = 0;
	if (ext4_jnl_has_csum(j->incompat))
		j->jsb.s_checksum = htobe32(ext4_crc32c(~0u, &j->jsb,
							sizeof(j->jsb)));
	memcpy(blk, &j->jsb, sizeof(j->jsb));
	err = jnl_write(fs, j, 0, blk);
	free(blk);
	return err < 0 ? err : bdev_flush(fs->bd);
}

/* Journal block i -> filesystem block, for the whole journal inode. */
static int
jnl_map(struct ext4_fs *fs, struct ext4_journal *j, struct ext4_inode *in)
{
	struct ext4_map m;
	uint32_t i = 0, k;
	int err = 0;

	if ((j->map = malloc(j->maxlen * sizeof(*j->map))) == NULL)
		return -ENOMEM;
	while (i < j->maxlen && err == 0) {
		if ((err = ext4_map_blocks(fs, in, i, j->maxlen - i, &m)) < 0)
			break;
		if (!(m.flags & EXT4_MAP_MAPPED)) {
			pr_err("ext4: %s: the journal has a hole at block %u",
			       fs->bd->name, i);
			err = -EFSCORRUPTED;
			break;
		}
		for (k = 0; k < m.len; k++)
			j->map[i + k] = m.pblk + k;
		i += (uint32_t)m.len;
	}
	if (err < 0) {
		free(j->map);
		j->map = NULL;
	}
	return err;
}

static int
jnl_bad(struct ext4_fs *fs, const char *what)
{
	pr_err("ext4: %s: bad journal superblock: %s", fs->bd->name, what);
	return -EFSCORRUPTED;
}

/* Check the journal superblock in j->jsb against the journal inode. */
static int
jnl_check_super(struct ext4_fs *fs, struct ext4_journal *j, uint64_t iblocks)
{
	const struct jbd2_super *sb = &j->jsb;
	uint32_t type = be32toh(sb->s_header.h_blocktype), csum;
	struct jbd2_super tmp;

	if (be32toh(sb->s_header.h_magic) != JBD2_MAGIC ||
	    (type != JBD2_SUPERBLOCK_V1 && type != JBD2_SUPERBLOCK_V2))
		return jnl_bad(fs, "magic");
	if (be32toh(sb->s_blocksize) != fs->block_size)
		return jnl_bad(fs, "block size");
	j->maxlen = be32toh(sb->s_maxlen);
	j->first = be32toh(sb->s_first);
	if (j->maxlen > iblocks || j->maxlen > fs->blocks_count ||
	    j->first == 0 ||
	    j->first + JNL_MIN_BLOCKS > j->maxlen)
		return jnl_bad(fs, "length");
	j->incompat = type == JBD2_SUPERBLOCK_V2 ?
			      be32toh(sb->s_feature_incompat) : 0;
	if (j->incompat & ~(JBD2_FEATURE_INCOMPAT_REVOKE |
			    JBD2_FEATURE_INCOMPAT_64BIT |
			    JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT |
			    JBD2_FEATURE_INCOMPAT_CSUM_V2 |
			    JBD2_FEATURE_INCOMPAT_CSUM_V3))
		return jnl_bad(fs, "unknown incompatible features");
	if (!ext4_jnl_has_csum(j->incompat))
		return 0;
	if (sb->s_checksum_type != JBD2_CRC32C_CHKSUM)
		return jnl_bad(fs, "checksum type");
	tmp = *sb;
	tmp.s_checksum = 0;
	csum = ext4_crc32c(~0u, &tmp, sizeof(tmp));
	if (!ext4_csum_matches(csum, be32toh(sb->s_checksum)))
		return jnl_bad(fs, "checksum mismatch");
	return 0;
}

/* Find, map and check the journal (internal journals only). */
int
ext4_jnl_load(struct ext4_fs *fs, struct ext4_journal *j)
{
	uint32_t ino = le32toh(fs->sb.s_journal_inum);
	struct ext4_inode *in;
	uint8_t *blk;
	int err;

	memset(j, 0, sizeof(*j));
	if (ino == 0) {
		pr_err("ext4: %s: external journals are not supported",
		       fs->bd->name);
		return -EOPNOTSUPP;
	}
	if ((err = ext4_iget(fs, ino, &in)) < 0)
		return err;
	j->maxlen = 1;
	if ((err = jnl_map(fs, j, in)) == 0 &&
	    (blk = malloc(fs->block_size)) != NULL) {
		err = bdev_read(fs->bd, j->map[0] << fs->log_block_size, blk,
				fs->block_size);
		memcpy(&j->jsb, blk, sizeof(j->jsb));
		free(blk);
		if (err == 0)
			err = jnl_check_super(fs, j, in->size >>
							  fs->log_block_size);
		free(j->map);
		j->map = NULL;
		if (err == 0)
			err = jnl_map(fs, j, in);
	} else if (err == 0) {
		err = -ENOMEM;
	}
	ext4_iput(in);
	j->csum_seed = ext4_crc32c(~0u, j->jsb.s_uuid, JBD2_UUID_SIZE);
	return err;
}

void
ext4_jnl_free(struct ext4_journal *j)
{
	free(j->map);
	free(j->bufs);
	free(j->revokes);
	j->map = NULL;
	j->bufs = NULL;
	j->revokes = NULL;
}

bool
ext4_journal_needs_recovery(struct ext4_fs *fs)
{
	return (fs->compat & EXT4_FEATURE_COMPAT_HAS_JOURNAL) &&
	       ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_RECOVER);
}

/* The features this driver writes: checksums v3 with metadata_csum. */
static void
jnl_set_features(struct ext4_fs *fs, struct ext4_journal *j)
{
	j->incompat |= JBD2_FEATURE_INCOMPAT_REVOKE;
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_64BIT))
		j->incompat |= JBD2_FEATURE_INCOMPAT_64BIT;
	if (fs->csum) {
		j->incompat &= ~JBD2_FEATURE_INCOMPAT_CSUM_V2;
		j->incompat |= JBD2_FEATURE_INCOMPAT_CSUM_V3;
	}
	j->incompat &= ~JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT;
	j->jsb.s_header.h_blocktype = htobe32(JBD2_SUPERBLOCK_V2);
	j->jsb.s_feature_incompat = htobe32(j->incompat);
	if (ext4_jnl_has_csum(j->incompat))
		j->jsb.s_checksum_type = JBD2_CRC32C_CHKSUM;
}

/* Start journaling for a read-write mount (the journal was replayed). */
int
ext4_journal_open(struct ext4_fs *fs)
{
	struct ext4_journal *j = calloc(1, sizeof(*j));
	uint32_t len;
	int err;

	if (j == NULL)
		return -ENOMEM;
	if ((err = ext4_jnl_load(fs, j)) < 0)
		goto fail;
	jnl_set_features(fs, j);
	j->tid = be32toh(j->jsb.s_sequence);
	if (j->jsb.s_start != 0) {
		pr_warn("ext4: %s: the journal holds transactions but the "
			"filesystem does not need recovery: ignoring them",
			fs->bd->name);
		/* Past any sequence number the ignored log may hold. */
		j->tid += j->maxlen;
	}
	j->jsb.s_start = 0;
	j->head = j->first;
	len = j->maxlen - j->first;
	j->max_trans = len / 4;
	if (j->max_trans > fs->cache.max / 2)
		j->max_trans = fs->cache.max / 2;
	if ((err = ext4_jnl_write_super(fs, j)) < 0)
		goto fail;
	fs->jnl = j;
	return 0;
fail:
	ext4_jnl_free(j);
	free(j);
	return err;
}

/* Commit, write everything home and let the journal go. */
int
ext4_journal_close(struct ext4_fs *fs)
{
	struct ext4_journal *j = fs->jnl;
	int err;

	if (j == NULL)
		return 0;
	err = fs->read_only ? 0 : ext4_journal_checkpoint(fs);
	fs->jnl = NULL;
	ext4_jnl_free(j);
	free(j);
	return err;
}

/* ---- the running transaction ---- */

static bool
grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *p;

	if (n < *cap)
		return true;
	if ((p = realloc(*v, (*cap ? *cap * 2 : 64) * size)) == NULL)
		return false;
	*v = p;
	*cap = *cap ? *cap * 2 : 64;
	return true;
}

void
ext4_journal_add(struct ext4_fs *fs, struct ext4_buf *b)
{
	struct ext4_journal *j = fs->jnl;

	if (!grow((void **)&j->bufs, &j->capbufs, j->nbufs, sizeof(*j->bufs)))
		panic("ext4: out of memory for the running transaction");
	j->bufs[j->nbufs++] = b;
	b->in_trans = true;
}

/* b (a freed block) leaves the running transaction. */
void
ext4_journal_forget(struct ext4_fs *fs, struct ext4_buf *b)
{
	struct ext4_journal *j = fs->jnl;
	size_t i;

	b->in_trans = false;
	if (j == NULL)
		return;
	for (i = 0; i < j->nbufs; i++) {
		if (j->bufs[i] == b) {
			j->bufs[i] = j->bufs[--j->nbufs];
			return;
		}
	}
}

void
ext4_journal_revoke(struct ext4_fs *fs, uint64_t blk)
{
	struct ext4_journal *j = fs->jnl;

	if (j == NULL)
		return;
	if (!grow((void **)&j->revokes, &j->caprevokes, j->nrevokes,
		  sizeof(*j->revokes)))
		panic("ext4: out of memory for revoke records");
	j->revokes[j->nrevokes++] = blk;
}

/* blk is metadata again: its revoke (if any) must not hide it. */
void
ext4_journal_unrevoke(struct ext4_fs *fs, uint64_t blk)
{
	struct ext4_journal *j = fs->jnl;
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < j->nrevokes; i++)
		if (j->revokes[i] == blk)
			j->revokes[i--] = j->revokes[--j->nrevokes];
}

int
ext4_trans_begin(struct ext4_fs *fs)
{
	int err;

	if (fs->read_only)
		return -EROFS;
	if (fs->trans_nest++ > 0 || fs->jnl == NULL)
		return 0;
	/* Freed blocks come back at a checkpoint: do not run short. */
	if (fs->pinned.blocks > fs->free_blocks / 2)
		err = ext4_journal_checkpoint(fs);
	else if (ext4_trans_should_restart(fs))
		err = ext4_journal_commit(fs);
	else
		err = 0;
	if (err < 0)
		fs->trans_nest--;
	return err;
}

/* End a bracket; returns err, or a write-back error if err was 0. */
int
ext4_trans_end(struct ext4_fs *fs, int err)
{
	int e = 0;

	BUG_ON(fs->trans_nest == 0);
	if (--fs->trans_nest > 0 || fs->cache.count <= fs->cache.max)
		return err;
	if (fs->jnl != NULL) {
		e = ext4_journal_checkpoint(fs);
	} else {
		if (fs->sb_dirty)
			e = ext4_super_store(fs);
		if (e == 0)
			e = ext4_cache_writeback(fs);
	}
	return err != 0 ? err : e;
}

bool
ext4_trans_should_restart(struct ext4_fs *fs)
{
	return fs->jnl != NULL &&
	       fs->jnl->nbufs + fs->jnl->nrevokes / 64 >= fs->jnl->max_trans;
}

/* A consistent point inside a long call: commit what is done so far. */
int
ext4_trans_restart(struct ext4_fs *fs)
{
	return fs->jnl != NULL ? ext4_journal_commit(fs) : 0;
}

/* ---- commit ---- */

static uint32_t
jnl_used(const struct ext4_journal *j)
{
	uint32_t len = j->maxlen - j->first;

	if (j->tail == 0)
		return 0;
	return (j->head + len - j->tail) % len;
}

static uint32_t
jnl_free(const struct ext4_journal *j)
{
	return j->maxlen - j->first - jnl_used(j) - 1;
}

static size_t
desc_room(const struct ext4_fs *fs, const struct ext4_journal *j)
{
	return fs->block_size - sizeof(struct jbd2_header) -
	       (ext4_jnl_has_csum(j->incompat) ? sizeof(struct jbd2_tail) : 0);
}

/* Tags that fit one descriptor block (the first carries the UUID). */
static size_t
tags_per_desc(const struct ext4_fs *fs, const struct ext4_journal *j)
{
	size_t tb = ext4_jnl_tag_bytes(j->incompat);

	return (desc_room(fs, j) - JBD2_UUID_SIZE) / tb;
}

static size_t
revokes_per_block(const struct ext4_fs *fs, const struct ext4_journal *j)
{
	size_t rec = (j->incompat & JBD2_FEATURE_INCOMPAT_64BIT) ? 8 : 4;

	return (desc_room(fs, j) - sizeof(uint32_t)) / rec;
}

static uint32_t
commit_blocks(const struct ext4_fs *fs, const struct ext4_journal *j)
{
	size_t tpd = tags_per_desc(fs, j), rpb = revokes_per_block(fs, j);

	return (uint32_t)((j->nbufs + tpd - 1) / tpd + j->nbufs +
			  (j->nrevokes + rpb - 1) / rpb + 1);
}

static void
jnl_header(uint8_t *blk, uint32_t type, uint32_t tid)
{
	struct jbd2_header *h = (void *)blk;

	h->h_magic = htobe32(JBD2_MAGIC);
	h->h_blocktype = htobe32(type);
	h->h_sequence = htobe32(tid);
}

static void
jnl_set_tail(const struct ext4_fs *fs, const struct ext4_journal *j,
	     uint8_t *blk)
{
	struct jbd2_tail *t;

	if (!ext4_jnl_has_csum(j->incompat))
		return;
	t = (void *)(blk + fs->block_size - sizeof(*t));
	t->t_checksum = 0;
	t->t_checksum = htobe32(ext4_jnl_block_csum(j, blk, fs->block_size));
}

/* Fill in tag at p for buffer copy data going home to blk. */
static size_t
put_tag(const struct ext4_fs *fs, const struct ext4_journal *j, uint8_t *p,
	uint64_t blk, const uint8_t *data, uint32_t flags)
{
	uint32_t seq = htobe32(j->tid), csum = 0;
	struct jbd2_tag3 *t3 = (void *)p;
	struct jbd2_tag *t = (void *)p;

	if (ext4_jnl_has_csum(j->incompat)) {
		csum = ext4_crc32c(j->csum_seed, &seq, sizeof(seq));
		csum = ext4_crc32c(csum, data, fs->block_size);
	}
	if (j->incompat & JBD2_FEATURE_INCOMPAT_CSUM_V3) {
		t3->t_blocknr = htobe32((uint32_t)blk);
		t3->t_flags = htobe32(flags);
		t3->t_blocknr_high = htobe32((uint32_t)(blk >> 32));
		t3->t_checksum = htobe32(csum);
	} else {
		t->t_blocknr = htobe32((uint32_t)blk);
		t->t_flags = htobe16((uint16_t)flags);
		t->t_checksum = htobe16((uint16_t)csum);
		if (j->incompat & JBD2_FEATURE_INCOMPAT_64BIT)
			t->t_blocknr_high = htobe32((uint32_t)(blk >> 32));
	}
	if (!(flags & JBD2_FLAG_SAME_UUID))
		memcpy(p + ext4_jnl_tag_bytes(j->incompat), j->jsb.s_uuid,
		       JBD2_UUID_SIZE);
	return ext4_jnl_tag_bytes(j->incompat) +
	       ((flags & JBD2_FLAG_SAME_UUID) ? 0 : JBD2_UUID_SIZE);
}

/*
 * Write n log blocks from buf at log position pos on: one request per
 * run that is contiguous both in the log and on the disk.
 */
static int
jnl_write_blocks(struct ext4_fs *fs, const struct ext4_journal *j,
		 uint32_t pos, const uint8_t *buf, size_t n)
{
	size_t i = 0, k;
	int err;

	while (i < n) {
		for (k = 1; i + k < n && pos + k < j->maxlen &&
			    j->map[pos + k] == j->map[pos] + k;
		     k++)
			;
		err = bdev_write(fs->bd, j->map[pos] << fs->log_block_size,
				 buf + (i << fs->log_block_size),
				 k << fs->log_block_size);
		if (err < 0) {
			pr_err("ext4: %s: journal write failed: %d",
			       fs->bd->name, err);
			return err;
		}
		i += k;
		pos = pos + k >= j->maxlen ? j->first : (uint32_t)(pos + k);
	}
	return 0;
}

/*
 * One descriptor with the buffers [from, to) after it, at *pos, staged in
 * group (to - from + 1 blocks).  The copies are escaped: a block that
 * begins with the journal magic is logged with those four bytes zeroed.
 */
static int
write_descriptor(struct ext4_fs *fs, struct ext4_journal *j, size_t from,
		 size_t to, uint32_t *pos, uint8_t *group)
{
	uint32_t magic = htobe32(JBD2_MAGIC), flags, dpos = *pos;
	size_t off = sizeof(struct jbd2_header), i;
	uint8_t *desc = group, *copy;

	memset(desc, 0, fs->block_size);
	jnl_header(desc, JBD2_DESCRIPTOR_BLOCK, j->tid);
	for (i = from; i < to; i++) {
		copy = group + ((i - from + 1) << fs->log_block_size);
		memcpy(copy, j->bufs[i]->data, fs->block_size);
		flags = i > from ? JBD2_FLAG_SAME_UUID : 0;
		if (memcmp(copy, &magic, sizeof(magic)) == 0) {
			memset(copy, 0, sizeof(magic));
			flags |= JBD2_FLAG_ESCAPE;
		}
		if (i + 1 == to)
			flags |= JBD2_FLAG_LAST_TAG;
		off += put_tag(fs, j, desc + off, j->bufs[i]->blk, copy, flags);
	}
	jnl_set_tail(fs, j, desc);
	for (i = from; i <= to; i++)
		*pos = ext4_jnl_next(j, *pos);
	return jnl_write_blocks(fs, j, dpos, group, to - from + 1);
}

static int
write_revokes(struct ext4_fs *fs, struct ext4_journal *j, uint32_t *pos,
	      uint8_t *blk)
{
	size_t rpb = revokes_per_block(fs, j), i, k, off;
	bool is64 = j->incompat & JBD2_FEATURE_INCOMPAT_64BIT;
	uint64_t v64;
	uint32_t v32;
	int err;

	for (i = 0; i < j->nrevokes; i += rpb) {
		memset(blk, 0, fs->block_size);
		jnl_header(blk, JBD2_REVOKE_BLOCK, j->tid);
		off = sizeof(struct jbd2_revoke);
		for (k = i; k < j->nrevokes && k < i + rpb; k++) {
			if (is64) {
				v64 = htobe64(j->revokes[k]);
				memcpy(blk + off, &v64, 8);
				off += 8;
			} else {
				v32 = htobe32((uint32_t)j->revokes[k]);
				memcpy(blk + off, &v32, 4);
				off += 4;
			}
		}
		((struct jbd2_revoke *)blk)->r_count = htobe32((uint32_t)off);
		jnl_set_tail(fs, j, blk);
		if ((err = jnl_write(fs, j, *pos, blk)) < 0)
			return err;
		*pos = ext4_jnl_next(j, *pos);
	}
	return 0;
}

static int
write_commit(struct ext4_fs *fs, struct ext4_journal *j, uint32_t pos,
	     uint8_t *blk)
{
	struct jbd2_commit *c = (void *)blk;
	struct ext4_time now;

	memset(blk, 0, fs->block_size);
	jnl_header(blk, JBD2_COMMIT_BLOCK, j->tid);
	ext4_now(fs, &now);
	c->h_commit_sec = htobe64((uint64_t)now.sec);
	c->h_commit_nsec = htobe32(now.nsec);
	if (ext4_jnl_has_csum(j->incompat))
		c->h_chksum[0] = htobe32(ext4_jnl_block_csum(j, blk,
							     fs->block_size));
	return jnl_write(fs, j, pos, blk);
}

/* Log the running transaction's blocks and revokes, then commit them. */
static int
jnl_log(struct ext4_fs *fs, struct ext4_journal *j)
{
	size_t tpd = tags_per_desc(fs, j), i;
	uint8_t *a = malloc(fs->block_size);
	uint8_t *g = malloc((tpd + 1) << fs->log_block_size);
	uint32_t pos = j->head;
	int err = a != NULL && g != NULL ? 0 : -ENOMEM;

	for (i = 0; err == 0 && i < j->nbufs; i += tpd)
		err = write_descriptor(fs, j, i, i + tpd < j->nbufs ? i + tpd
								     : j->nbufs,
				       &pos, g);
	if (err == 0)
		err = write_revokes(fs, j, &pos, a);
	if (err == 0)
		err = bdev_flush(fs->bd);
	if (err == 0)
		err = write_commit(fs, j, pos, a);
	if (err == 0)
		err = bdev_flush(fs->bd);
	if (err == 0)
		j->head = ext4_jnl_next(j, pos);
	free(a);
	free(g);
	return err;
}

/* Write every dirty buffer home and mark the journal empty. */
static int
jnl_write_home(struct ext4_fs *fs, struct ext4_journal *j)
{
	int err;

	if ((err = ext4_cache_writeback(fs)) < 0 ||
	    (err = bdev_flush(fs->bd)) < 0)
		return err;
	ext4_pin_clear(fs);
	if (j->tail == 0)
		return 0;
	j->tail = 0;
	j->head = j->first;
	j->jsb.s_start = 0;
	j->jsb.s_sequence = htobe32(j->tid);
	return ext4_jnl_write_super(fs, j);
}

/*
 * A transaction too big for the free log (never expected: transactions
 * are kept well under half the log, which a checkpoint always leaves
 * free): write everything home without a commit, as a filesystem
 * without a journal would.
 */
static int
jnl_overflow(struct ext4_fs *fs, struct ext4_journal *j)
{
	size_t i;

	pr_warn("ext4: %s: transaction of %zu blocks does not fit the "
		"journal: writing it in place", fs->bd->name, j->nbufs);
	for (i = 0; i < j->nbufs; i++)
		j->bufs[i]->in_trans = false;
	j->nbufs = 0;
	j->nrevokes = 0;
	j->tid++;
	return jnl_write_home(fs, j);
}

/* Commit the running transaction, if it holds anything. */
static int
jnl_commit_running(struct ext4_fs *fs, struct ext4_journal *j)
{
	size_t i;
	int err;

	if (fs->sb_dirty && (err = ext4_super_store(fs)) < 0)
		return err;
	if (j->nbufs == 0 && j->nrevokes == 0)
		return 0;
	if (commit_blocks(fs, j) > jnl_free(j))
		return jnl_overflow(fs, j);
	/* Ordered mode: the data written so far before the commit. */
	if ((err = bdev_flush(fs->bd)) < 0)
		return err;
	if (j->tail == 0) {
		j->head = j->tail = j->first;
		j->jsb.s_start = htobe32(j->first);
		j->jsb.s_sequence = htobe32(j->tid);
		if ((err = ext4_jnl_write_super(fs, j)) < 0)
			return err;
	}
	if ((err = jnl_log(fs, j)) < 0)
		return err;
	for (i = 0; i < j->nbufs; i++)
		j->bufs[i]->in_trans = false;
	j->nbufs = 0;
	j->nrevokes = 0;
	j->tid++;
	return 0;
}

/*
 * Commit; then checkpoint if less than half the log is free or the cache
 * is over its bound.
 */
int
ext4_journal_commit(struct ext4_fs *fs)
{
	struct ext4_journal *j = fs->jnl;
	int err;

	if (j == NULL)
		return 0;
	if ((err = jnl_commit_running(fs, j)) < 0)
		return err;
	if (jnl_free(j) < (j->maxlen - j->first) / 2 ||
	    fs->cache.count > fs->cache.max)
		return jnl_write_home(fs, j);
	return 0;
}

/* Commit, write every dirty buffer home and empty the journal. */
int
ext4_journal_checkpoint(struct ext4_fs *fs)
{
	struct ext4_journal *j = fs->jnl;
	int err;

	if ((err = jnl_commit_running(fs, j)) < 0)
		return err;
	return jnl_write_home(fs, j);
}
