/*
 * devpts: the /dev/pts filesystem (devpts.c), the names of the pty slaves
 * that the pty driver (drivers/pty.c) makes.
 */
#ifndef FS_DEVPTS_H
#define FS_DEVPTS_H

#include <stdint.h>

/*
 * Make the one instance and register the "devpts" type.  Every mount
 * shows the same instance, as devtmpfs does.  0 or -errno.
 */
int devpts_init(void);

/*
 * Show /dev/pts/index, a character node rdev owned by uid and gid, mode
 * 0620.  0, -EEXIST, -ENOMEM, -ENODEV (before devpts_init).
 */
int devpts_add(unsigned int index, uint64_t rdev, uint32_t uid,
	       uint32_t gid);
/* The name goes away; open files on the node stay valid. */
void devpts_remove(unsigned int index);

#endif
