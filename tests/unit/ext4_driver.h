/*
 * The whole ext4 driver (kernel/fs/ext4/ but its VFS glue), for unit
 * tests that #include it: one translation unit, so the tests can reach
 * the driver's internals.
 */
#ifndef TESTS_UNIT_EXT4_DRIVER_H
#define TESTS_UNIT_EXT4_DRIVER_H

#include "fs/ext4/crc.c"
#include "fs/ext4/cache.c"
#include "fs/ext4/super.c"
#include "fs/ext4/super_write.c"
#include "fs/ext4/group.c"
#include "fs/ext4/balloc.c"
#include "fs/ext4/ialloc.c"
#include "fs/ext4/inode.c"
#include "fs/ext4/inode_write.c"
#include "fs/ext4/extents.c"
#include "fs/ext4/extents_write.c"
#include "fs/ext4/indirect.c"
#include "fs/ext4/inline.c"
#include "fs/ext4/data.c"
#include "fs/ext4/write.c"
#include "fs/ext4/dir.c"
#include "fs/ext4/dir_write.c"
#include "fs/ext4/htree.c"
#include "fs/ext4/dx_write.c"
#include "fs/ext4/namei.c"
#include "fs/ext4/orphan.c"
#include "fs/ext4/xattr.c"
#include "fs/ext4/journal.c"
#include "fs/ext4/pin.c"
#include "fs/ext4/recovery.c"

#endif
