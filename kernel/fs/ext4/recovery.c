/*
 * ext4 journal replay (jbd2 format, jbd2.h).
 *
 * A filesystem marked needs_recovery was not unmounted cleanly: its
 * journal may hold committed transactions whose blocks never reached
 * their home.  Replay walks the log three times from s_start:
 *
 *  1. scan: follow descriptor, revoke and commit blocks while their
 *     headers carry the magic and the expected sequence number, checking
 *     every checksum the journal's features provide (v2 or v3: the
 *     superblock, descriptor and revoke tails, each logged block's tag,
 *     the commit block).  The last transaction with a valid commit block
 *     ends the replay; a commit block that fails its checksum ends the
 *     log there, as jbd2 does.  A transaction with a bad descriptor,
 *     revoke or logged block, or a home block outside the filesystem,
 *     is harmless if it never committed (a crash tore it); if its commit
 *     block is valid, the journal cannot be trusted and the mount is
 *     refused before anything is written.
 *  2. revoke: collect the revoke records of the committed transactions,
 *     each block with the last transaction that revoked it.
 *  3. replay: write each logged block home (un-escaping it), unless a
 *     transaction at or after its own revoked it.
 *
 * Then the journal is marked empty, and the superblock (as the replay
 * left it) loses needs_recovery.  super.c reloads everything afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

enum pass { PASS_SCAN, PASS_REVOKE, PASS_REPLAY };

struct revoke_rec {
	uint64_t blk;
	uint32_t seq;
};

struct replay {
	struct ext4_fs *fs;
	struct ext4_journal *j;
	enum pass pass;
	uint32_t start_seq, end_seq;	/* committed: [start, end) */
	bool bad_block;			/* in the transaction scanned */
	struct revoke_rec *rv;
	size_t nrv, caprv;
	uint8_t *blk, *data;		/* a log block, a logged block */
	uint32_t replayed, revoked;
};

static int
jrec_bad(struct replay *r, uint32_t pos, const char *what)
{
	pr_err("ext4: %s: journal block %u: %s: refusing to replay the "
	       "journal, run e2fsck", r->fs->bd->name, pos, what);
	return -EFSCORRUPTED;
}

static bool
tail_ok(const struct replay *r, const uint8_t *blk)
{
	size_t bs = r->fs->block_size;
	struct jbd2_tail t;
	uint8_t *copy;
	bool ok;

	if (!ext4_jnl_has_csum(r->j->incompat))
		return true;
	memcpy(&t, blk + bs - sizeof(t), sizeof(t));
	if ((copy = malloc(bs)) == NULL)
		return false;
	memcpy(copy, blk, bs);
	memset(copy + bs - sizeof(t), 0, sizeof(t));
	ok = ext4_csum_matches(ext4_jnl_block_csum(r->j, copy, bs),
			       be32toh(t.t_checksum));
	free(copy);
	return ok;
}

static bool
commit_ok(const struct replay *r, const uint8_t *blk)
{
	struct jbd2_commit c;
	uint8_t *copy;
	size_t bs = r->fs->block_size;
	bool ok;

	if (!ext4_jnl_has_csum(r->j->incompat))
		return true;
	if ((copy = malloc(bs)) == NULL)
		return false;
	memcpy(copy, blk, bs);
	memcpy(&c, copy, sizeof(c));
	c.h_chksum_type = 0;
	c.h_chksum_size = 0;
	c.h_chksum[0] = 0;
	memcpy(copy, &c, sizeof(c));
	ok = ext4_csum_matches(ext4_jnl_block_csum(r->j, copy, bs),
			       be32toh(((const struct jbd2_commit *)blk)
					       ->h_chksum[0]));
	free(copy);
	return ok;
}

/* A decoded tag. */
struct tag {
	uint64_t blk;
	uint32_t flags;
	uint32_t csum;
};

/* Decode the tag at p; its size, UUID included. */
static size_t
tag_get(const struct replay *r, const uint8_t *p, struct tag *t)
{
	uint32_t inc = r->j->incompat;
	struct jbd2_tag3 t3;
	struct jbd2_tag tt;

	if (inc & JBD2_FEATURE_INCOMPAT_CSUM_V3) {
		memcpy(&t3, p, sizeof(t3));
		t->blk = be32toh(t3.t_blocknr);
		if (inc & JBD2_FEATURE_INCOMPAT_64BIT)
			t->blk |= (uint64_t)be32toh(t3.t_blocknr_high) << 32;
		t->flags = be32toh(t3.t_flags);
		t->csum = be32toh(t3.t_checksum);
	} else {
		memset(&tt, 0, sizeof(tt));
		memcpy(&tt, p, ext4_jnl_tag_bytes(inc) > sizeof(tt) ?
				       sizeof(tt) : ext4_jnl_tag_bytes(inc));
		t->blk = be32toh(tt.t_blocknr);
		if (inc & JBD2_FEATURE_INCOMPAT_64BIT)
			t->blk |= (uint64_t)be32toh(tt.t_blocknr_high) << 32;
		t->flags = be16toh(tt.t_flags);
		t->csum = be16toh(tt.t_checksum);
	}
	return ext4_jnl_tag_bytes(inc) +
	       ((t->flags & JBD2_FLAG_SAME_UUID) ? 0 : JBD2_UUID_SIZE);
}

static bool
tag_csum_ok(const struct replay *r, const struct tag *t, uint32_t seq,
	    const uint8_t *data)
{
	uint32_t be_seq = htobe32(seq), csum;

	if (!ext4_jnl_has_csum(r->j->incompat))
		return true;
	csum = ext4_crc32c(r->j->csum_seed, &be_seq, sizeof(be_seq));
	csum = ext4_crc32c(csum, data, r->fs->block_size);
	if (!(r->j->incompat & JBD2_FEATURE_INCOMPAT_CSUM_V3))
		csum &= 0xffff;
	return ext4_csum_matches(csum, t->csum);
}

static int
rv_cmp(const void *a, const void *b)
{
	const struct revoke_rec *x = a, *y = b;

	return x->blk < y->blk ? -1 : x->blk > y->blk;
}

/* Was blk revoked by transaction seq or a later one? */
static bool
is_revoked(const struct replay *r, uint64_t blk, uint32_t seq)
{
	struct revoke_rec key = { blk, 0 }, *f;

	if (r->nrv == 0)
		return false;
	f = bsearch(&key, r->rv, r->nrv, sizeof(*r->rv), rv_cmp);
	return f != NULL && (int32_t)(f->seq - seq) >= 0;
}

/* Replay one logged block (pass 3), or check it (pass 1). */
static int
one_block(struct replay *r, const struct tag *t, uint32_t pos, uint32_t seq)
{
	struct ext4_fs *fs = r->fs;
	uint32_t magic = htobe32(JBD2_MAGIC);
	int err;

	if (r->pass == PASS_REVOKE)
		return 0;
	if (t->blk >= fs->blocks_count) {
		if (r->pass == PASS_SCAN) {
			r->bad_block = true;
			return 0;
		}
		return jrec_bad(r, pos, "home block outside the filesystem");
	}
	if (r->pass == PASS_REPLAY && is_revoked(r, t->blk, seq)) {
		r->revoked++;
		return 0;
	}
	if ((err = ext4_jnl_read(fs, r->j, pos, r->data)) < 0)
		return err;
	if (r->pass == PASS_SCAN) {
		if (!tag_csum_ok(r, t, seq, r->data))
			r->bad_block = true;
		return 0;
	}
	if (t->flags & JBD2_FLAG_ESCAPE)
		memcpy(r->data, &magic, sizeof(magic));
	r->replayed++;
	return bdev_write(fs->bd, t->blk << fs->log_block_size, r->data,
			  fs->block_size);
}

/* A descriptor block at *pos: its tags and their blocks. */
static int
descriptor(struct replay *r, uint32_t *pos, uint32_t seq)
{
	size_t bs = r->fs->block_size, off = sizeof(struct jbd2_header);
	size_t end = bs - (ext4_jnl_has_csum(r->j->incompat) ?
				   sizeof(struct jbd2_tail) : 0);
	size_t tb = ext4_jnl_tag_bytes(r->j->incompat);
	struct tag t;
	int err;

	if (r->pass == PASS_SCAN && !tail_ok(r, r->blk))
		r->bad_block = true;
	*pos = ext4_jnl_next(r->j, *pos);
	while (off + tb <= end) {
		off += tag_get(r, r->blk + off, &t);
		if ((err = one_block(r, &t, *pos, seq)) < 0)
			return err;
		*pos = ext4_jnl_next(r->j, *pos);
		if (t.flags & JBD2_FLAG_LAST_TAG)
			break;
	}
	return 0;
}

static int
rv_add(struct replay *r, uint64_t blk, uint32_t seq)
{
	struct revoke_rec *v;

	if (r->nrv == r->caprv) {
		v = realloc(r->rv, (r->caprv ? r->caprv * 2 : 64) * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		r->rv = v;
		r->caprv = r->caprv ? r->caprv * 2 : 64;
	}
	r->rv[r->nrv++] = (struct revoke_rec){ blk, seq };
	return 0;
}

static int
revoke_block(struct replay *r, uint32_t pos, uint32_t seq)
{
	bool is64 = r->j->incompat & JBD2_FEATURE_INCOMPAT_64BIT;
	size_t rec = is64 ? 8 : 4, off = sizeof(struct jbd2_revoke), count;
	uint64_t v64;
	uint32_t v32;
	int err;

	count = be32toh(((const struct jbd2_revoke *)r->blk)->r_count);
	if (r->pass == PASS_SCAN) {
		if (!tail_ok(r, r->blk) || count > r->fs->block_size)
			r->bad_block = true;
		return 0;
	}
	if (count > r->fs->block_size)
		return jrec_bad(r, pos, "revoke count");
	if (r->pass != PASS_REVOKE)
		return 0;
	for (; off + rec <= count; off += rec) {
		if (is64) {
			memcpy(&v64, r->blk + off, 8);
			err = rv_add(r, be64toh(v64), seq);
		} else {
			memcpy(&v32, r->blk + off, 4);
			err = rv_add(r, be32toh(v32), seq);
		}
		if (err < 0)
			return err;
	}
	return 0;
}

/* A commit block ends transaction seq: 1 if it counts, 0 if the log ends. */
static int
commit_block(struct replay *r, uint32_t pos)
{
	if (r->pass != PASS_SCAN)
		return 1;
	if (!commit_ok(r, r->blk)) {
		pr_warn("ext4: %s: journal commit block %u fails its "
			"checksum: the log ends before it", r->fs->bd->name,
			pos);
		return 0;
	}
	if (r->bad_block)
		return jrec_bad(r, pos, "a committed transaction fails its "
			       "checksums");
	return 1;
}

/*
 * Walk the log from s_start for one pass.  The scan sets end_seq; the
 * other passes stop there.
 */
static int
walk(struct replay *r)
{
	const struct jbd2_header *h = (const void *)r->blk;
	uint32_t pos = be32toh(r->j->jsb.s_start), seq = r->start_seq, n;
	uint32_t len = r->j->maxlen - r->j->first;
	int err;

	r->bad_block = false;
	for (n = 0; n < len; n++) {
		if (r->pass != PASS_SCAN && seq == r->end_seq)
			break;
		if (pos < r->j->first || pos >= r->j->maxlen)
			return jrec_bad(r, pos, "log position");
		if ((err = ext4_jnl_read(r->fs, r->j, pos, r->blk)) < 0)
			return err;
		if (be32toh(h->h_magic) != JBD2_MAGIC ||
		    be32toh(h->h_sequence) != seq)
			break;
		switch (be32toh(h->h_blocktype)) {
		case JBD2_DESCRIPTOR_BLOCK:
			if ((err = descriptor(r, &pos, seq)) < 0)
				return err;
			continue;
		case JBD2_REVOKE_BLOCK:
			if ((err = revoke_block(r, pos, seq)) < 0)
				return err;
			break;
		case JBD2_COMMIT_BLOCK:
			if ((err = commit_block(r, pos)) <= 0)
				return err;
			r->bad_block = false;
			if (r->pass == PASS_SCAN)
				r->end_seq = seq + 1;
			seq++;
			break;
		default:
			n = len;
			continue;
		}
		pos = ext4_jnl_next(r->j, pos);
	}
	return 0;
}

/* The revoke table: sorted by block, each with its last revoker. */
static void
rv_sort(struct replay *r)
{
	size_t i, k = 0;

	if (r->nrv == 0)
		return;
	qsort(r->rv, r->nrv, sizeof(*r->rv), rv_cmp);
	for (i = 0; i < r->nrv; i++) {
		if (k > 0 && r->rv[k - 1].blk == r->rv[i].blk) {
			if ((int32_t)(r->rv[i].seq - r->rv[k - 1].seq) > 0)
				r->rv[k - 1].seq = r->rv[i].seq;
			continue;
		}
		r->rv[k++] = r->rv[i];
	}
	r->nrv = k;
}

static int
replay_passes(struct replay *r)
{
	int err;

	r->pass = PASS_SCAN;
	r->end_seq = r->start_seq;
	if ((err = walk(r)) < 0)
		return err;
	if (r->end_seq == r->start_seq)
		return 0;
	r->pass = PASS_REVOKE;
	if ((err = walk(r)) < 0)
		return err;
	rv_sort(r);
	r->pass = PASS_REPLAY;
	if ((err = walk(r)) < 0)
		return err;
	return bdev_flush(r->fs->bd);
}

/* The superblock as the replay left it, without needs_recovery. */
static int
clear_recover(struct ext4_fs *fs)
{
	struct ext4_disk_super sb;
	int err;

	if ((err = bdev_read(fs->bd, EXT4_SUPER_OFFSET, &sb, sizeof(sb))) < 0)
		return err;
	if (le16toh(sb.s_magic) != EXT4_SUPER_MAGIC) {
		pr_err("ext4: %s: no superblock after the journal replay",
		       fs->bd->name);
		return -EFSCORRUPTED;
	}
	sb.s_feature_incompat &= htole32(~EXT4_FEATURE_INCOMPAT_RECOVER);
	if (le32toh(sb.s_feature_ro_compat) &
	    EXT4_FEATURE_RO_COMPAT_METADATA_CSUM)
		sb.s_checksum = htole32(ext4_crc32c(
			~0u, &sb, offsetof(struct ext4_disk_super,
					   s_checksum)));
	if ((err = bdev_write(fs->bd, EXT4_SUPER_OFFSET, &sb, sizeof(sb))) < 0)
		return err;
	return bdev_flush(fs->bd);
}

/*
 * Replay the journal onto the device (the caller reloads everything
 * afterwards).  0, or -EFSCORRUPTED for a journal that cannot be
 * trusted (nothing written then), or -errno.
 */
int
ext4_journal_recover(struct ext4_fs *fs)
{
	struct ext4_journal j;
	struct replay r = { .fs = fs, .j = &j };
	int err;

	if ((err = ext4_jnl_load(fs, &j)) < 0)
		return err;
	r.start_seq = r.end_seq = be32toh(j.jsb.s_sequence);
	r.blk = malloc(fs->block_size);
	r.data = malloc(fs->block_size);
	if (r.blk == NULL || r.data == NULL)
		err = -ENOMEM;
	else if (j.jsb.s_start != 0)
		err = replay_passes(&r);
	if (err == 0) {
		if (j.jsb.s_start != 0)
			pr_info("ext4: %s: journal replayed: %u transactions, "
				"%u blocks, %u revoked", fs->bd->name,
				r.end_seq - r.start_seq, r.replayed,
				r.revoked);
		/*
		 * Skip a sequence number: blocks of a transaction torn by
		 * the crash carry end_seq, and must never pass for new ones.
		 */
		j.jsb.s_start = 0;
		j.jsb.s_sequence = htobe32(r.end_seq + 1);
		err = ext4_jnl_write_super(fs, &j);
	}
	if (err == 0)
		err = clear_recover(fs);
	free(r.blk);
	free(r.data);
	free(r.rv);
	ext4_jnl_free(&j);
	return err;
}
