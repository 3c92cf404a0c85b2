/*
 * sysfs: a small read-only /sys (sysfs.c).
 */
#ifndef FS_SYSFS_H
#define FS_SYSFS_H

/* Register the "sysfs" filesystem type.  Call once at boot. */
void sysfs_init(void);

#endif
