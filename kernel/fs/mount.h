/*
 * The mount table (mount.c).
 */
#ifndef FS_MOUNT_H
#define FS_MOUNT_H

#include "fs/vfs.h"

/* The mount most recently placed on (parent, mountpoint), or NULL. */
struct mount *mount_lookup(struct mount *parent, struct dentry *mountpoint);

/*
 * Mount a filesystem of type fstype from source (a block device path for
 * disk filesystems) with K_MS_* flags and -o data.  target NULL makes the
 * root mount.  May sleep.
 */
int do_mount(struct task *t, const char *source, const struct path *target,
	     const char *fstype, unsigned long flags, const char *data);

/* The root of the whole tree (a new reference). */
void mount_root_path(struct path *out);

/* Walk the mount table in mount order (for /proc/mounts). */
void for_each_mount(void (*fn)(struct mount *m, void *arg), void *arg);

/* Unmount everything, children first, syncing each filesystem. */
void umount_all(void);
/* Write back every mounted filesystem. */
void sync_all(void);

#endif
