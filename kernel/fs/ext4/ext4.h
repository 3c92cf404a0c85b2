/*
 * ext2/ext3/ext4: the public interface of the filesystem driver (read path).
 *
 * The driver is a library over a struct bdev.  It knows nothing of the VFS:
 * an adapter elsewhere turns these calls into superblock/inode/file ops, and
 * tests/unit/ext4_test.c drives them against images made by mke2fs.
 *
 * Design.  A mount (super.c) reads and checks the superblock, the feature
 * sets and every group descriptor, and keeps the descriptors in memory.
 * Metadata blocks (inode table, extent tree, indirect, directory blocks) are
 * read through a small LRU block cache (cache.c); file data goes straight
 * from the bdev into the caller's buffer.  Inodes (inode.c) are decoded into
 * struct ext4_inode, which also keeps the raw on-disk bytes so that a later
 * write path can change fields and write the inode back.  Logical blocks map
 * to physical ones through the extent tree (extents.c) or the ext2/3
 * indirect blocks (indirect.c); data.c reads files and symlinks on top of
 * that, and inline.c serves inodes whose data lives in the inode itself.
 * dir.c walks directory blocks linearly for readdir (htree directories too:
 * their index nodes hide behind fake entries); lookups in indexed
 * directories descend the hash tree (htree.c) to one leaf.  With
 * metadata_csum, every superblock, descriptor, inode, extent block and
 * directory block is checked with crc32c (crc.c) before use.
 *
 * Trust.  Everything read from the disk is hostile: every value used as an
 * index, length or offset is range-checked, extent trees are depth-limited,
 * directory records must tile their block.  Bad metadata yields
 * -EFSCORRUPTED (or -EIO from the device) and a pr_err naming the object;
 * nothing on the disk can crash or hang the kernel.
 *
 * Conventions.  0 or a byte count on success, -errno on failure.  Objects
 * come back through out-parameters and belong to the caller.  Every call may
 * sleep (it may read the device).  The driver is not reentrant per fs: the
 * kernel is single-threaded, so no locks.
 */
#ifndef FS_EXT4_EXT4_H
#define FS_EXT4_EXT4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fs/bdev.h"

#define EXT4_ROOT_INO 2
#define EXT4_NAME_MAX 255

struct ext4_fs;

struct ext4_time {
	int64_t sec;
	uint32_t nsec;
};

/*
 * An inode as read from the disk.  The decoded fields are for the VFS to
 * read; raw holds the inode_size bytes of the on-disk inode.
 */
struct ext4_inode {
	uint32_t ino;
	uint16_t mode;		/* S_IFMT type and permission bits */
	uint16_t links;
	uint32_t uid, gid;	/* 32-bit: low and high halves combined */
	uint64_t size;
	uint64_t blocks;	/* 512-byte units, as st_blocks */
	uint32_t flags;		/* EXT4_*_FL */
	uint32_t generation;
	uint32_t dtime;
	uint64_t file_acl;	/* xattr block, 0 if none */
	struct ext4_time atime, mtime, ctime;
	struct ext4_time crtime; /* valid if has_crtime */
	bool has_crtime;
	uint32_t rdev_major, rdev_minor; /* character and block devices */
	uint16_t extra_isize;	/* bytes used past the first 128 */
	uint32_t csum_seed;	/* crc32c seed of this inode's metadata */
	uint8_t *raw;		/* on-disk inode, raw_size bytes */
	size_t raw_size;
};

struct ext4_statfs {
	uint32_t block_size;
	uint64_t blocks;	/* data blocks: the total minus metadata */
	uint64_t free;
	uint64_t avail;		/* free minus blocks reserved for root */
	uint64_t files;
	uint64_t ffree;
	uint32_t namelen;
};

/*
 * Mount the filesystem on bd.  Checks the superblock, features and group
 * descriptors.  Unknown incompat features refuse the mount (-EINVAL); the
 * write path does not exist yet, so read_only == false gives -EROFS.
 * A journal needing recovery is reported and read as it is on disk.
 * On success *out owns the mount until ext4_unmount().
 */
int ext4_mount(struct bdev *bd, bool read_only, struct ext4_fs **out);
void ext4_unmount(struct ext4_fs *fs);

int ext4_statfs(struct ext4_fs *fs, struct ext4_statfs *st);

/*
 * Read inode ino.  *out is a new object owned by the caller, released with
 * ext4_iput().  -EINVAL for an ino out of range, -ESTALE for a deleted
 * inode, -EFSCORRUPTED for a bad one.
 */
int ext4_iget(struct ext4_fs *fs, uint32_t ino, struct ext4_inode **out);
void ext4_iput(struct ext4_inode *inode);

/*
 * Map logical block lblk of inode to a physical block.  *phys is 0 for a
 * hole or an unwritten extent (both read as zeros).  -EINVAL for inodes
 * without a block map: inline data, fast symlinks, devices, FIFOs, sockets.
 */
int ext4_bmap(struct ext4_fs *fs, struct ext4_inode *inode, uint64_t lblk,
	      uint64_t *phys);

/*
 * Read up to len bytes at offset into buf, clipped at the inode's size.
 * Returns the byte count (0 at or past the end) or -errno.  Regular files,
 * directories and symlinks only.
 */
ssize_t ext4_read(struct ext4_fs *fs, struct ext4_inode *inode,
		  uint64_t offset, void *buf, size_t len);

/*
 * Copy a symlink's target into buf, at most bufsize bytes, without a NUL.
 * Returns the number of bytes copied; pass bufsize >= inode->size to get it
 * all.  -EINVAL if inode is not a symlink.
 */
ssize_t ext4_readlink(struct ext4_fs *fs, struct ext4_inode *inode, char *buf,
		      size_t bufsize);

/* Find name in directory dir.  0 and *ino, or -ENOENT, -ENOTDIR, ... */
int ext4_lookup(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
		size_t namelen, uint32_t *ino);

/*
 * Directory entries go to a callback with d_type as in getdents64 (DT_REG,
 * DT_DIR, ...; DT_UNKNOWN without the filetype feature).  A nonzero return
 * means "no room": readdir stops and leaves *pos at that entry, so the next
 * call offers it again.
 */
typedef int (*ext4_filldir_t)(void *ctx, const char *name, size_t len,
			      uint32_t ino, unsigned int d_type);

/*
 * Walk dir from *pos (0 at the start), "." and ".." included, advancing *pos
 * past each entry the callback accepts.  While the callback runs, *pos is
 * the position of the entry offered (so the previous entry's d_off is
 * known).  Returns 0 at the end of the directory, 1 if the callback stopped
 * the walk, or -errno (with *pos at the entry or block that failed).  *pos
 * is opaque but stable: it may be saved and given back later, and a
 * position between entries resumes at the next one.
 */
int ext4_readdir(struct ext4_fs *fs, struct ext4_inode *dir, uint64_t *pos,
		 ext4_filldir_t cb, void *ctx);

#endif
