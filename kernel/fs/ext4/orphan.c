/*
 * The ext4 orphan list: inodes whose deletion (or truncation) is not
 * finished.
 *
 * An inode whose last link is gone while it is still open cannot be freed
 * yet; it goes on the list, and is deleted when its last user goes
 * (ext4_evict()) or, after a crash, by the next read-write mount.  A long
 * truncation or deletion is on the list while it spans transactions, so
 * a crash in the middle is finished the same way.
 *
 * The list is a chain through the inodes: the superblock's s_last_orphan
 * names the first, and each orphan's i_dtime (unused while an inode is
 * live) names the next, 0 ending it.  New orphans go at the head.
 * e2fsck understands the same list.
 */
#include <sys/stat.h>

#include "printk.h"
#include "fs/ext4/ext4_int.h"

int
ext4_orphan_add(struct ext4_fs *fs, struct ext4_inode *inode)
{
	if (inode->orphan)
		return 0;
	inode->dtime = le32toh(fs->sb.s_last_orphan);
	fs->sb.s_last_orphan = htole32(inode->ino);
	fs->sb_dirty = true;
	inode->orphan = true;
	return ext4_inode_store(fs, inode);
}

/* Unlink inode from the chain: find who points at it. */
int
ext4_orphan_del(struct ext4_fs *fs, struct ext4_inode *inode)
{
	struct ext4_inode *p;
	uint32_t ino = le32toh(fs->sb.s_last_orphan), steps;
	int err = 0;

	if (!inode->orphan)
		return 0;
	if (ino == inode->ino) {
		fs->sb.s_last_orphan = htole32(inode->dtime);
		fs->sb_dirty = true;
		goto done;
	}
	for (steps = 0; ino != 0 && steps < fs->inodes_count; steps++) {
		if ((err = ext4_iget_orphan(fs, ino, &p)) < 0)
			break;
		if (p->dtime == inode->ino) {
			p->dtime = inode->dtime;
			err = ext4_inode_store(fs, p);
			ext4_iput(p);
			goto done;
		}
		ino = p->dtime;
		ext4_iput(p);
	}
	pr_err("ext4: %s: inode %u is not on the orphan list (%d)",
	       fs->bd->name, inode->ino, err);
done:
	inode->orphan = false;
	inode->dtime = 0;
	if (err < 0)
		return err;
	return ext4_inode_store(fs, inode);
}

/* Finish one orphan: delete it, or cut it down to its size. */
static int
orphan_finish(struct ext4_fs *fs, struct ext4_inode *inode)
{
	uint64_t keep;
	int err;

	inode->orphan = true;
	if (inode->links == 0)
		return ext4_delete_inode(fs, inode);
	if (S_ISREG(inode->mode) || S_ISDIR(inode->mode)) {
		keep = (inode->size + fs->block_size - 1) >> fs->log_block_size;
		if ((err = ext4_truncate_blocks(fs, inode, keep)) < 0)
			return err;
	}
	return ext4_orphan_del(fs, inode);
}

/*
 * At a read-write mount: finish every orphan a crash left behind.  A
 * list that cannot be followed is dropped (with a message): e2fsck will
 * find the inodes.
 */
int
ext4_orphan_process(struct ext4_fs *fs)
{
	struct ext4_inode *inode;
	uint32_t ino, n = 0;
	int err;

	if ((err = ext4_trans_begin(fs)) < 0)
		return err;
	while ((ino = le32toh(fs->sb.s_last_orphan)) != 0) {
		if (n++ >= fs->inodes_count ||
		    (err = ext4_iget_orphan(fs, ino, &inode)) < 0) {
			pr_err("ext4: %s: bad orphan list at inode %u, "
			       "dropping it: run e2fsck", fs->bd->name, ino);
			fs->sb.s_last_orphan = 0;
			fs->sb_dirty = true;
			err = 0;
			break;
		}
		err = orphan_finish(fs, inode);
		ext4_iput(inode);
		if (err < 0)
			break;
	}
	if (n > 0)
		pr_info("ext4: %s: finished %u orphan inode(s)", fs->bd->name,
			n);
	return ext4_trans_end(fs, err);
}
