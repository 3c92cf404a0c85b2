/*
 * The ext2/ext3/ext4 filesystem types for the VFS (vfs.c).
 */
#ifndef FS_EXT4_EXT4_VFS_H
#define FS_EXT4_EXT4_VFS_H

/* Register "ext4", "ext3" and "ext2". */
void ext4_vfs_init(void);

#endif
