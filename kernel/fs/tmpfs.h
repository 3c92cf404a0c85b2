/*
 * tmpfs: a read-write filesystem in memory (tmpfs.c).
 *
 * "tmpfs" mounts make a new instance each time.  devtmpfs.c builds /dev on
 * one instance; the VFS may use tmpfs_make_root() for / when no disk is
 * mounted.  Regular file data lives in host memfds, one per file that has
 * data; tmpfs_inode_memfd() hands it to the page cache for mmap.
 */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

#include "fs/vfs.h"

#define TMPFS_MAGIC 0x01021994

extern struct fs_type tmpfs_fs_type;
extern const struct super_ops tmpfs_super_ops;

/* Register the "tmpfs" filesystem type.  Call once at boot. */
void tmpfs_init(void);

/*
 * Make a new tmpfs instance of the given type and ops (tmpfs_super_ops,
 * or a variant built from the functions below), with mount options data
 * (may be NULL): size=N[kmgt%], nr_inodes=N[kmg], mode=OCTAL, uid=N,
 * gid=N; others are ignored.  The root belongs to the current task's
 * fsuid/fsgid (root at boot) unless uid=/gid= say otherwise.  0 with a new
 * super_block in *out, -EINVAL for a bad option value, -ENOMEM.
 */
int tmpfs_fill_super(const struct fs_type *type, const struct super_ops *ops,
		     const char *data, struct super_block **out);

/* A fresh tmpfs (root mode 0755) for / when there is no root disk. */
int tmpfs_make_root(struct super_block **out);

/*
 * The host memfd holding a regular file's data, created on demand and
 * sized to the file: for the page cache to map.  The fd stays owned by
 * tmpfs (closed at evict).  The fd, or -errno (-EINVAL: not a tmpfs
 * regular file).
 */
int tmpfs_inode_memfd(struct inode *inode);

/* File seals (fcntl F_ADD_SEALS, F_GET_SEALS). */
#define K_F_SEAL_SEAL 0x01
#define K_F_SEAL_SHRINK 0x02
#define K_F_SEAL_GROW 0x04
#define K_F_SEAL_WRITE 0x08
#define K_F_SEAL_FUTURE_WRITE 0x10

/*
 * A new regular file for memfd_create(2) on sb, a tmpfs instance: mode
 * 0777, no links.  It may take seals if sealable; otherwise it is sealed
 * against sealing, as any other tmpfs file is.  A reference, or NULL with
 * *err set.
 */
struct inode *tmpfs_memfd_inode(struct super_block *sb, bool sealable,
				int *err);
/* The seals of a tmpfs file, or -EINVAL for other files. */
int tmpfs_get_seals(struct file *f);
/* Add seals: -EINVAL (not tmpfs, unknown seal), -EPERM (sealed against it,
 * or f not writable), -EBUSY (a write seal while writable mappings exist). */
int tmpfs_add_seals(struct file *f, unsigned int seals);

/* The super_ops functions, for filesystems built on tmpfs (devtmpfs). */
void tmpfs_put_super(struct super_block *sb);
int tmpfs_statfs(struct super_block *sb, struct kstatfs *st);
void tmpfs_evict_inode(struct inode *inode);
const char *tmpfs_show_options(struct super_block *sb);

#endif
