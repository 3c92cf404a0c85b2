/*
 * What hostfs.c (names, inodes, mounts) and hostfs_file.c (open files)
 * share.  Nothing here calls the host; see hostfs_host.h for that.
 */
#ifndef HOSTFS_HOSTFS_INT_H
#define HOSTFS_HOSTFS_INT_H

#include <stdint.h>

#include "fs/vfs.h"
#include "hostfs/hostfs_host.h"

/* inode->priv */
struct hostfs_inode {
	char *path;   /* relative to the export root; NULL once removed */
	int rfd, wfd; /* host fds the page cache reads and writes, or -1 */
	int mappers;  /* open files that mapped the inode */
};

static inline struct hostfs_inode *
HI(struct inode *inode)
{
	return inode->priv;
}

/* The exported tree (hostfs=), shared by every mount. */
extern struct hostfs_export hostfs_export;

/* The guest's inode number for a host (st_dev, st_ino). */
uint64_t hostfs_ino(uint64_t dev, uint64_t ino);
/* Re-read inode's attributes from an open host fd of it. */
void hostfs_refresh_fd(struct inode *inode, int fd);

/* hostfs_file.c: regular files, directories, host device nodes. */
extern const struct file_ops hostfs_file_fops, hostfs_dir_fops,
	hostfs_nodev_fops;

#endif
