/*
 * ext4 namespace operations: create, mknod, mkdir, symlink, link,
 * unlink, rmdir, rename and the final deletion of unlinked inodes.
 *
 * Each operation checks its arguments, then does its work in one
 * transaction, ordered so that the steps that can fail for want of space
 * (a new inode, a directory block, a directory entry) come before the
 * steps that cannot be undone (removing an entry, dropping a link); a new
 * inode whose entry could not be added is deleted again.
 *
 * Link counts: a file's counts its names; a directory's counts its name,
 * its "." and the ".." of each subdirectory.  Past EXT4_LINK_MAX with
 * dir_nlink a directory's count becomes 1, meaning "many", and stays so.
 * An inode whose last link goes is deleted at once, or put on the orphan
 * list when its caller still uses it (orphan.c), to be deleted by
 * ext4_evict().
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

#define EXT4_LINK_MAX 65000
#define EXT4_FAST_SYMLINK_MAX (EXT4_INLINE_DATA_SIZE - 1)
#define EXT4_SYMLINK_MAX 4096	/* PATH_MAX, with the NUL */

/* Flags a new inode takes from its directory. */
#define EXT4_FL_INHERIT 0x000100f8u	/* sync, nodump, noatime, dirsync */
#define EXT4_DIRSYNC_FL 0x00010000u

static int
check_name(const char *name, size_t len)
{
	if (len == 0 || (name[0] == '.' &&
			 (len == 1 || (len == 2 && name[1] == '.'))))
		return -EINVAL;
	if (len > EXT4_NAME_LEN)
		return -ENAMETOOLONG;
	if (memchr(name, '/', len) != NULL || memchr(name, '\0', len) != NULL)
		return -EINVAL;
	return 0;
}

static int
check_dir(struct ext4_fs *fs, const struct ext4_inode *dir)
{
	if (fs->read_only)
		return -EROFS;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (dir->freed || dir->links == 0)
		return -ENOENT;
	return 0;
}

static int
check_dir_name(struct ext4_fs *fs, const struct ext4_inode *dir,
	       const char *name, size_t len)
{
	int err;

	if ((err = check_dir(fs, dir)) < 0)
		return err;
	return check_name(name, len);
}

static void
touch(struct ext4_fs *fs, struct ext4_inode *inode, bool mtime)
{
	struct ext4_time now;

	ext4_now(fs, &now);
	inode->ctime = now;
	if (mtime)
		inode->mtime = now;
}

/* A directory gains a subdirectory's "..". */
static void
inc_dir_links(struct ext4_fs *fs, struct ext4_inode *dir)
{
	if (dir->links == 1)
		return;
	if (dir->links + 1 >= EXT4_LINK_MAX &&
	    ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_DIR_NLINK))
		dir->links = 1;
	else
		dir->links++;
}

static void
dec_dir_links(struct ext4_inode *dir)
{
	if (dir->links > 2)
		dir->links--;
}

static bool
dir_links_full(struct ext4_fs *fs, const struct ext4_inode *dir)
{
	return dir->links + 1 >= EXT4_LINK_MAX &&
	       !ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_DIR_NLINK);
}

/* -EEXIST if dir has name, 0 if not, or another -errno. */
static int
check_absent(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	     size_t len)
{
	uint32_t ino;
	int err = ext4_lookup(fs, dir, name, len, &ino);

	if (err == 0)
		return -EEXIST;
	return err == -ENOENT ? 0 : err;
}

/* A new inode of type mode in dir, owned by uid/gid, not yet stored. */
static int
new_inode(struct ext4_fs *fs, struct ext4_inode *dir, uint16_t mode,
	  uint32_t uid, uint32_t gid, struct ext4_inode **out)
{
	struct ext4_inode *inode;
	uint32_t ino;
	int err;

	if ((err = ext4_alloc_inode(fs, dir, mode, &ino)) < 0)
		return err;
	if ((err = ext4_inode_new(fs, ino, mode, &inode)) < 0) {
		ext4_free_inode(fs, ino, S_ISDIR(mode));
		return err;
	}
	inode->uid = uid;
	inode->gid = gid;
	if (dir->mode & S_ISGID) {
		inode->gid = dir->gid;
		if (S_ISDIR(mode))
			inode->mode |= S_ISGID;
	}
	inode->flags = dir->flags & EXT4_FL_INHERIT;
	if (!S_ISDIR(mode))
		inode->flags &= ~EXT4_DIRSYNC_FL;
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_EXTENTS) &&
	    (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode))) {
		inode->flags |= EXT4_EXTENTS_FL;
		ext4_ext_init_root(inode);
	}
	*out = inode;
	return 0;
}

/* Undo new_inode() (and whatever blocks it got) after a failure. */
static void
discard_inode(struct ext4_fs *fs, struct ext4_inode *inode)
{
	inode->links = 0;
	if (ext4_delete_inode(fs, inode) < 0)
		pr_err("ext4: %s: cannot free new inode %u", fs->bd->name,
		       inode->ino);
	ext4_iput(inode);
}

/* Give inode a name in dir and finish: store both. */
static int
enter(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
      size_t len, struct ext4_inode *inode)
{
	int err;

	if ((err = ext4_inode_store(fs, inode)) < 0)
		return err;
	err = ext4_dir_add(fs, dir, name, len, inode->ino,
			   ext4_file_type(fs, inode->mode));
	if (err < 0)
		return err;
	touch(fs, dir, true);
	return ext4_inode_store(fs, dir);
}

/* Device numbers: the old 8:8 form when they fit, else the new one. */
static void
set_rdev(struct ext4_inode *inode, uint32_t major, uint32_t minor)
{
	uint32_t *ib = (uint32_t *)ext4_inode_iblock_rw(inode);

	inode->rdev_major = major;
	inode->rdev_minor = minor;
	if (major < 256 && minor < 256) {
		ib[0] = htole32(major << 8 | minor);
		ib[1] = 0;
	} else {
		ib[0] = 0;
		ib[1] = htole32((minor & 0xff) | (major & 0xfff) << 8 |
				(minor & ~0xffu) << 12);
	}
}

int
ext4_mknod(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	   size_t len, uint16_t mode, uint32_t major, uint32_t minor,
	   uint32_t uid, uint32_t gid, struct ext4_inode **out)
{
	struct ext4_inode *inode;
	int err;

	if ((err = check_dir_name(fs, dir, name, len)) < 0)
		return err;
	if (!S_ISREG(mode) && !S_ISCHR(mode) && !S_ISBLK(mode) &&
	    !S_ISFIFO(mode) && !S_ISSOCK(mode))
		return -EINVAL;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	if ((err = check_absent(fs, dir, name, len)) < 0 ||
	    (err = new_inode(fs, dir, mode, uid, gid, &inode)) < 0)
		return ext4_trans_end(fs, err);
	if (S_ISCHR(mode) || S_ISBLK(mode))
		set_rdev(inode, major, minor);
	inode->links = 1;
	if ((err = enter(fs, dir, name, len, inode)) < 0) {
		discard_inode(fs, inode);
		return ext4_trans_end(fs, err);
	}
	*out = inode;
	return ext4_trans_end(fs, 0);
}

int
ext4_create(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	    size_t len, uint16_t mode, uint32_t uid, uint32_t gid,
	    struct ext4_inode **out)
{
	return ext4_mknod(fs, dir, name, len, S_IFREG | (mode & 07777), 0, 0,
			  uid, gid, out);
}

int
ext4_mkdir(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	   size_t len, uint16_t mode, uint32_t uid, uint32_t gid,
	   struct ext4_inode **out)
{
	struct ext4_inode *inode;
	int err;

	if ((err = check_dir_name(fs, dir, name, len)) < 0)
		return err;
	if (dir_links_full(fs, dir))
		return -EMLINK;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	if ((err = check_absent(fs, dir, name, len)) < 0 ||
	    (err = new_inode(fs, dir, S_IFDIR | (mode & 07777), uid, gid,
			     &inode)) < 0)
		return ext4_trans_end(fs, err);
	inode->links = 2;
	if ((err = ext4_dir_init(fs, inode, dir->ino)) < 0 ||
	    (err = enter(fs, dir, name, len, inode)) < 0) {
		discard_inode(fs, inode);
		return ext4_trans_end(fs, err);
	}
	inc_dir_links(fs, dir);
	*out = inode;
	return ext4_trans_end(fs, ext4_inode_store(fs, dir));
}

/* A slow symlink's target goes in a data block of its own. */
static int
symlink_block(struct ext4_fs *fs, struct ext4_inode *inode,
	      const char *target, size_t tlen)
{
	struct ext4_map map;
	uint8_t *blk;
	int err;

	if ((err = ext4_map_alloc(fs, inode, 0, 1, 0, &map)) < 0)
		return err;
	if ((blk = calloc(1, fs->block_size)) == NULL)
		return -ENOMEM;
	memcpy(blk, target, tlen);
	err = bdev_write(fs->bd, map.pblk << fs->log_block_size, blk,
			 fs->block_size);
	free(blk);
	return err;
}

int
ext4_symlink(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	     size_t len, const char *target, size_t tlen, uint32_t uid,
	     uint32_t gid, struct ext4_inode **out)
{
	struct ext4_inode *inode;
	int err;

	if ((err = check_dir_name(fs, dir, name, len)) < 0)
		return err;
	if (tlen == 0)
		return -ENOENT;
	if (tlen >= fs->block_size || tlen >= EXT4_SYMLINK_MAX)
		return -ENAMETOOLONG;
	if (memchr(target, '\0', tlen) != NULL)
		return -EINVAL;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	if ((err = check_absent(fs, dir, name, len)) < 0 ||
	    (err = new_inode(fs, dir, S_IFLNK | 0777, uid, gid, &inode)) < 0)
		return ext4_trans_end(fs, err);
	inode->links = 1;
	inode->size = tlen;
	if (tlen <= EXT4_FAST_SYMLINK_MAX) {
		inode->flags &= ~EXT4_EXTENTS_FL;
		memset(ext4_inode_iblock_rw(inode), 0, EXT4_INLINE_DATA_SIZE);
		memcpy(ext4_inode_iblock_rw(inode), target, tlen);
	} else {
		err = symlink_block(fs, inode, target, tlen);
	}
	if (err < 0 || (err = enter(fs, dir, name, len, inode)) < 0) {
		discard_inode(fs, inode);
		return ext4_trans_end(fs, err);
	}
	*out = inode;
	return ext4_trans_end(fs, 0);
}

int
ext4_link(struct ext4_fs *fs, struct ext4_inode *inode,
	  struct ext4_inode *dir, const char *name, size_t len)
{
	int err;

	if ((err = check_dir_name(fs, dir, name, len)) < 0)
		return err;
	if (S_ISDIR(inode->mode))
		return -EPERM;
	if (inode->links == 0 || inode->freed)
		return -ENOENT;
	if (inode->links >= EXT4_LINK_MAX)
		return -EMLINK;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	if ((err = check_absent(fs, dir, name, len)) < 0 ||
	    (err = ext4_dir_add(fs, dir, name, len, inode->ino,
				ext4_file_type(fs, inode->mode))) < 0)
		return ext4_trans_end(fs, err);
	inode->links++;
	touch(fs, inode, false);
	touch(fs, dir, true);
	if ((err = ext4_inode_store(fs, inode)) == 0)
		err = ext4_inode_store(fs, dir);
	return ext4_trans_end(fs, err);
}

/* inode lost a link (already counted): delete, orphan or store it. */
static int
drop_link(struct ext4_fs *fs, struct ext4_inode *inode, bool is_open)
{
	touch(fs, inode, false);
	if (inode->links > 0)
		return ext4_inode_store(fs, inode);
	if (is_open)
		return ext4_orphan_add(fs, inode);
	return ext4_delete_inode(fs, inode);
}

/* Find name in dir and get its inode. */
static int
find_entry(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	   size_t len, struct ext4_dir_slot *slot, struct ext4_inode **out)
{
	int err;

	if ((err = ext4_dir_find(fs, dir, name, len, slot)) < 0)
		return err;
	if ((err = ext4_iget(fs, slot->ino, out)) < 0)
		return err == -ESTALE ? -EFSCORRUPTED : err;
	return 0;
}

static int
unlink_locked(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	      size_t len, bool is_open, bool want_dir)
{
	struct ext4_dir_slot slot;
	struct ext4_inode *victim;
	int err;

	if ((err = find_entry(fs, dir, name, len, &slot, &victim)) < 0)
		return err;
	if (want_dir && !S_ISDIR(victim->mode))
		err = -ENOTDIR;
	else if (!want_dir && S_ISDIR(victim->mode))
		err = -EISDIR;
	else if (want_dir)
		err = ext4_dir_is_empty(fs, victim) == 1 ? 0 : -ENOTEMPTY;
	if (err == 0)
		err = ext4_dir_remove(fs, dir, &slot);
	if (err == 0) {
		if (want_dir) {
			victim->links = 0;
			dec_dir_links(dir);
		} else if (victim->links > 0) {
			victim->links--;
		}
		touch(fs, dir, true);
		err = ext4_inode_store(fs, dir);
	}
	if (err == 0)
		err = drop_link(fs, victim, is_open);
	ext4_iput(victim);
	return err;
}

int
ext4_unlink(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	    size_t len, bool is_open)
{
	int err;

	if ((err = check_dir_name(fs, dir, name, len)) < 0)
		return err;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	return ext4_trans_end(fs, unlink_locked(fs, dir, name, len, is_open,
						false));
}

int
ext4_rmdir(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	   size_t len, bool is_open)
{
	int err;

	if ((err = check_dir(fs, dir)) < 0)
		return err;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return -ENOTEMPTY;
	if ((err = check_name(name, len)) < 0)
		return err;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	return ext4_trans_end(fs, unlink_locked(fs, dir, name, len, is_open,
						true));
}

int
ext4_evict(struct ext4_fs *fs, struct ext4_inode *inode)
{
	int err;

	if (inode->freed || inode->links > 0 || fs->read_only)
		return 0;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	return ext4_trans_end(fs, ext4_delete_inode(fs, inode));
}

/* ---- rename ---- */

struct rename_op {
	struct ext4_inode *odir, *ndir;
	const char *oname, *nname;
	size_t olen, nlen;
	unsigned int flags;
	struct ext4_inode *src, *tgt;	/* tgt NULL if the name is free */
	struct ext4_dir_slot oslot, nslot;
};

/* 1 if inode anc is dir or one of its ancestors, 0 if not, or -errno. */
static int
is_ancestor(struct ext4_fs *fs, uint32_t anc, struct ext4_inode *dir)
{
	uint32_t cur = dir->ino, parent, steps;
	struct ext4_inode *d;
	int err;

	for (steps = 0; steps < fs->inodes_count; steps++) {
		if (cur == anc)
			return 1;
		if (cur == EXT4_ROOT_INO)
			return 0;
		if ((err = ext4_iget(fs, cur, &d)) < 0)
			return err;
		err = ext4_lookup(fs, d, "..", 2, &parent);
		ext4_iput(d);
		if (err < 0)
			return err;
		if (parent == cur)
			return 0;
		cur = parent;
	}
	return -EFSCORRUPTED;
}

static int
rename_store(struct ext4_fs *fs, struct rename_op *r)
{
	int err;

	touch(fs, r->src, false);
	touch(fs, r->odir, true);
	touch(fs, r->ndir, true);
	if ((err = ext4_inode_store(fs, r->src)) < 0 ||
	    (err = ext4_inode_store(fs, r->odir)) < 0)
		return err;
	return ext4_inode_store(fs, r->ndir);
}

static int
rename_exchange(struct ext4_fs *fs, struct rename_op *r)
{
	bool sdir = S_ISDIR(r->src->mode), tdir = S_ISDIR(r->tgt->mode);
	int err;

	if (r->odir != r->ndir && sdir != tdir &&
	    dir_links_full(fs, sdir ? r->ndir : r->odir))
		return -EMLINK;
	if ((err = ext4_dir_set(fs, r->odir, &r->oslot, r->tgt->ino,
				ext4_file_type(fs, r->tgt->mode))) < 0 ||
	    (err = ext4_dir_set(fs, r->ndir, &r->nslot, r->src->ino,
				ext4_file_type(fs, r->src->mode))) < 0)
		return err;
	if (r->odir != r->ndir) {
		if (sdir && (err = ext4_dir_set_parent(fs, r->src,
						       r->ndir->ino)) < 0)
			return err;
		if (tdir && (err = ext4_dir_set_parent(fs, r->tgt,
						       r->odir->ino)) < 0)
			return err;
		if (sdir && !tdir) {
			dec_dir_links(r->odir);
			inc_dir_links(fs, r->ndir);
		} else if (tdir && !sdir) {
			dec_dir_links(r->ndir);
			inc_dir_links(fs, r->odir);
		}
	}
	touch(fs, r->tgt, false);
	if ((err = ext4_inode_store(fs, r->tgt)) < 0)
		return err;
	return rename_store(fs, r);
}

/* May src replace tgt (if any)? */
static int
rename_check_target(struct ext4_fs *fs, struct rename_op *r)
{
	bool sdir = S_ISDIR(r->src->mode);
	int err;

	if (r->tgt == NULL)
		return sdir && r->odir != r->ndir &&
				       dir_links_full(fs, r->ndir) ?
			       -EMLINK :
			       0;
	if (!S_ISDIR(r->tgt->mode))
		return sdir ? -ENOTDIR : 0;
	if (!sdir)
		return -EISDIR;
	if ((err = ext4_dir_is_empty(fs, r->tgt)) < 0)
		return err;
	return err == 1 ? 0 : -ENOTEMPTY;
}

static int
rename_move(struct ext4_fs *fs, struct rename_op *r)
{
	bool sdir = S_ISDIR(r->src->mode);
	int err;

	if ((err = rename_check_target(fs, r)) < 0)
		return err;
	if (r->tgt != NULL)
		err = ext4_dir_set(fs, r->ndir, &r->nslot, r->src->ino,
				   ext4_file_type(fs, r->src->mode));
	else
		err = ext4_dir_add(fs, r->ndir, r->nname, r->nlen,
				   r->src->ino,
				   ext4_file_type(fs, r->src->mode));
	/* Adding may have moved entries around: find the old one again. */
	if (err < 0 ||
	    (err = ext4_dir_find(fs, r->odir, r->oname, r->olen,
				 &r->oslot)) < 0 ||
	    (err = ext4_dir_remove(fs, r->odir, &r->oslot)) < 0)
		return err;
	if (sdir && r->odir != r->ndir) {
		if ((err = ext4_dir_set_parent(fs, r->src, r->ndir->ino)) < 0)
			return err;
		dec_dir_links(r->odir);
		inc_dir_links(fs, r->ndir);
	}
	if ((err = rename_store(fs, r)) < 0 || r->tgt == NULL)
		return err;
	if (S_ISDIR(r->tgt->mode)) {
		r->tgt->links = 0;
		dec_dir_links(r->ndir);
		if ((err = ext4_inode_store(fs, r->ndir)) < 0)
			return err;
	} else if (r->tgt->links > 0) {
		r->tgt->links--;
	}
	return drop_link(fs, r->tgt, r->flags & EXT4_RENAME_TARGET_OPEN);
}

/* Look both names up and check what rename may not do. */
static int
rename_prepare(struct ext4_fs *fs, struct rename_op *r)
{
	uint32_t moving = 0;
	int err;

	if ((err = find_entry(fs, r->odir, r->oname, r->olen, &r->oslot,
			      &r->src)) < 0)
		return err;
	err = ext4_dir_find(fs, r->ndir, r->nname, r->nlen, &r->nslot);
	if (err == 0 && (err = ext4_iget(fs, r->nslot.ino, &r->tgt)) < 0)
		return err == -ESTALE ? -EFSCORRUPTED : err;
	if (err < 0 && err != -ENOENT)
		return err;
	if ((r->flags & EXT4_RENAME_EXCHANGE) && r->tgt == NULL)
		return -ENOENT;
	if ((r->flags & EXT4_RENAME_NOREPLACE) && r->tgt != NULL)
		return -EEXIST;
	if (r->odir == r->ndir)
		return 0;
	/* A directory may not move below itself. */
	if (S_ISDIR(r->src->mode))
		moving = r->src->ino;
	if (moving && (err = is_ancestor(fs, moving, r->ndir)) != 0)
		return err < 0 ? err : -EINVAL;
	if ((r->flags & EXT4_RENAME_EXCHANGE) && S_ISDIR(r->tgt->mode) &&
	    (err = is_ancestor(fs, r->tgt->ino, r->odir)) != 0)
		return err < 0 ? err : -EINVAL;
	return 0;
}

static int
rename_locked(struct ext4_fs *fs, struct rename_op *r)
{
	int err;

	if ((err = rename_prepare(fs, r)) < 0)
		return err;
	if (r->tgt == r->src)
		return 0;	/* two names of one inode: nothing to do */
	if (r->flags & EXT4_RENAME_EXCHANGE)
		return rename_exchange(fs, r);
	return rename_move(fs, r);
}

int
ext4_rename(struct ext4_fs *fs, struct ext4_inode *odir, const char *oname,
	    size_t olen, struct ext4_inode *ndir, const char *nname,
	    size_t nlen, unsigned int flags)
{
	struct rename_op r = {
		.odir = odir, .ndir = ndir, .oname = oname, .nname = nname,
		.olen = olen, .nlen = nlen, .flags = flags,
	};
	int err;

	if (flags & ~(EXT4_RENAME_NOREPLACE | EXT4_RENAME_EXCHANGE |
		      EXT4_RENAME_TARGET_OPEN))
		return -EINVAL;
	if ((flags & EXT4_RENAME_NOREPLACE) && (flags & EXT4_RENAME_EXCHANGE))
		return -EINVAL;
	if ((err = check_dir_name(fs, odir, oname, olen)) < 0 ||
	    (err = check_dir_name(fs, ndir, nname, nlen)) < 0)
		return err;
	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	err = rename_locked(fs, &r);
	ext4_iput(r.src);
	ext4_iput(r.tgt);
	return ext4_trans_end(fs, err);
}
