/*
 * devtmpfs: the /dev tree (devtmpfs.c), one tmpfs instance that every
 * "devtmpfs" mount shows.  Drivers add their nodes at boot.
 */
#ifndef FS_DEVTMPFS_H
#define FS_DEVTMPFS_H

#include <stdint.h>

struct super_block;

/*
 * Make the instance and register the "devtmpfs" type; also makes the
 * fd, stdin, stdout and stderr symlinks into /proc/self/fd and the pts
 * and shm directories.  Call once at boot, before drivers add nodes.
 * 0 or -errno.
 *
 * The instance is never freed: it holds one count in sb->active of its
 * own, and the core counts each mount there (also when a mount returns
 * this existing super_block).
 */
int devtmpfs_init(void);

/*
 * Add a node: name is relative to /dev and may name subdirectories
 * ("pts/0", "input/event0"), which are made (0755) as needed.  mode is
 * the type and permission bits (K_S_IFCHR | 0666 …), used as given; rdev
 * the device number (k_makedev).  The node belongs to root.  0, -EEXIST,
 * -ENOTDIR, -EINVAL (bad name), -ENODEV (before devtmpfs_init), -ENOMEM.
 */
int devtmpfs_create_node(const char *name, uint32_t mode, uint64_t rdev);

/* The shared instance (no new reference), or NULL before init. */
struct super_block *devtmpfs_super(void);

/* A node's place in the kernel's own view of devtmpfs (a new reference). */
struct path;
int devtmpfs_path(const char *name, struct path *out);

#endif
