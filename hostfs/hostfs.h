/*
 * hostfs (hostfs.c): a host directory mounted in the guest, as in User-Mode
 * Linux.  The boot option hostfs=DIR picks the one host tree it may reach.
 */
#ifndef HOSTFS_HOSTFS_H
#define HOSTFS_HOSTFS_H

/*
 * Register the filesystem and, if dir is not NULL, export dir.  0, or
 * -errno when dir cannot be exported (the boot stops then).
 */
int hostfs_init(const char *dir);

#endif
