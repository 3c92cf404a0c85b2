/*
 * ext2/ext3/ext4: the public interface of the filesystem driver.
 *
 * The driver is a library over a struct bdev.  It knows nothing of the VFS:
 * an adapter elsewhere turns these calls into superblock/inode/file ops, and
 * tests/unit/ext4_test.c and ext4_write_test.c drive them against images
 * made by mke2fs and check the results with e2fsck.
 *
 * Design.  A mount (super.c) reads and checks the superblock, the feature
 * sets and every group descriptor, and keeps the descriptors in memory.
 * Metadata blocks (bitmaps, inode table, extent tree, indirect, directory,
 * xattr blocks) go through a write-back block cache (cache.c); file data
 * goes straight between the bdev and the caller's buffer.  Inodes
 * (inode.c) are decoded into struct ext4_inode, which also keeps the raw
 * on-disk bytes; there is one such object per inode in use, shared by
 * every ext4_iget() of it.  Logical blocks map to physical ones through
 * the extent tree (extents.c, changed by extents_write.c) or the ext2/3
 * indirect blocks (indirect.c); data.c reads files and symlinks on top of
 * that, write.c writes, truncates and preallocates, and inline.c serves
 * inodes whose data lives in the inode itself.  dir.c walks directory
 * blocks for readdir and lookups; hash-indexed directories are searched
 * through htree.c; dir_write.c and dx_write.c add and remove entries;
 * namei.c builds the namespace operations on them, with orphan.c keeping
 * unlinked-but-open inodes.  balloc.c and ialloc.c allocate blocks and
 * inodes over the bitmaps described by group.c.  xattr.c keeps extended
 * attributes in the inode and in an xattr block.  With metadata_csum,
 * every superblock, descriptor, bitmap, inode, extent block, directory
 * block and xattr block is checked with crc32c (crc.c) before use and
 * checksummed when written.
 *
 * The journal (journal.c, recovery.c; jbd2 format).  A mount replays a
 * journal that needs recovery.  A read-write mount of a filesystem with a
 * journal then logs metadata in ordered mode: file data goes to its home
 * blocks at once, changed metadata blocks collect in a running
 * transaction, which ext4_commit()/ext4_sync() (or a full transaction)
 * writes to the journal with a commit block after flushing the data;
 * checkpoints write committed blocks home and empty the journal.
 *
 * Trust.  Everything read from the disk is hostile: every value used as an
 * index, length or offset is range-checked, extent trees are depth-limited,
 * directory records must tile their block.  Bad metadata yields
 * -EFSCORRUPTED (or -EIO from the device) and a pr_err naming the object;
 * nothing on the disk can crash or hang the kernel.
 *
 * Conventions.  0 or a byte count on success, -errno on failure.  Objects
 * come back through out-parameters and belong to the caller.  Every call may
 * sleep (it may read or write the device).  The driver is not reentrant
 * per fs: the kernel is single-threaded, so no locks.  Names passed with a
 * length are not NUL-terminated; xattr names are C strings.  Changing calls
 * on a read-only mount fail with -EROFS.
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
 * An inode in use.  ext4_iget() returns the one shared object for an inode
 * number, so changes made through any reference are seen by all.  The
 * decoded fields are for the caller to read; the caller may also change
 * mode (permission bits only), uid, gid, atime, mtime, ctime, crtime and
 * the user-settable flags, then write them with ext4_write_inode().  The
 * rest belongs to the driver: raw holds the inode_size bytes of the
 * on-disk inode, kept in step with the decoded fields.
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

	/* Driver-private. */
	struct ext4_fs *fs;	/* NULL once the mount is gone */
	unsigned int refs;	/* ext4_iget() references */
	bool freed;		/* deleted: blocks and number released */
	bool orphan;		/* on the orphan list */
	struct ext4_inode *hash_next;
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
 * descriptors.  Unknown incompat features refuse the mount (-EINVAL).  A
 * journal needing recovery is replayed first if bd can be written (even
 * for a read-only mount); a corrupt journal refuses the mount
 * (-EFSCORRUPTED).  On a read-only device it is reported and the
 * filesystem read as it is on disk.
 *
 * read_only == false also needs: a writable bd, no unknown ro_compat
 * features (-EROFS, with a message naming them), no bad group descriptor
 * (-EFSCORRUPTED).  It marks the filesystem in use on the disk (clears
 * the valid state, sets needs_recovery with a journal), and finishes
 * deleting the inodes left on the orphan list.
 * On success *out owns the mount until ext4_unmount().
 */
int ext4_mount(struct bdev *bd, bool read_only, struct ext4_fs **out);

/*
 * Write everything back, empty the journal, mark the filesystem clean (as
 * it was found at mount) and free the mount.  Inodes still referenced are
 * detached: a later ext4_iput() only frees the object.  The mount is gone
 * even when writing back fails (the error is returned).
 */
int ext4_unmount(struct ext4_fs *fs);

/* Switch a mount between read-only and read-write (remount). */
int ext4_remount(struct ext4_fs *fs, bool read_only);

/*
 * Make every change so far durable: commit the running transaction (with
 * a journal; then a replay recovers it) or write back every dirty block
 * and the superblock (without); flush the device.  ext4_commit() is the
 * same, for a periodic timer: it does nothing when nothing changed.
 */
int ext4_sync(struct ext4_fs *fs);
int ext4_commit(struct ext4_fs *fs);

/* Where timestamps of new and changed inodes come from (default: host). */
void ext4_set_clock(struct ext4_fs *fs, void (*now)(struct ext4_time *t));
void ext4_now(struct ext4_fs *fs, struct ext4_time *t);

/* Exact after every change: counts come from the group descriptors. */
int ext4_statfs(struct ext4_fs *fs, struct ext4_statfs *st);

/*
 * Get inode ino.  *out is shared with other references and released with
 * ext4_iput().  -EINVAL for an ino out of range, -ESTALE for a deleted
 * inode, -EFSCORRUPTED for a bad one.
 */
int ext4_iget(struct ext4_fs *fs, uint32_t ino, struct ext4_inode **out);
void ext4_iput(struct ext4_inode *inode);

/*
 * Write the inode's decoded fields back to the disk, with its checksum:
 * after the caller changed what the struct comment allows.
 */
int ext4_write_inode(struct ext4_fs *fs, struct ext4_inode *inode);

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
 * Write len bytes from buf at offset off of a regular file, allocating
 * blocks where there are none (near the inode's group, contiguous when it
 * can); ranges never written stay holes, and writing into preallocated
 * (unwritten) blocks makes them written.  The size grows to cover the
 * write.  The inode (size, blocks, and every decoded field: set mtime and
 * ctime first if wanted) is written back.  Returns the bytes written: less
 * than len only if the disk filled (or failed) part way; -ENOSPC, -EFBIG
 * (past the largest offset the block map reaches) or another -errno if
 * nothing was written.  An inline-data file moves to blocks first (as
 * with ext4_truncate and ext4_fallocate; directories at their first
 * change).
 */
ssize_t ext4_write(struct ext4_fs *fs, struct ext4_inode *inode,
		   uint64_t off, const void *buf, size_t len);

/*
 * Set the size of a regular file.  Shrinking frees every block past the
 * new end (preallocated ones too) and zeroes the rest of the last block on
 * the disk; growing leaves a hole.  The inode is written back.
 */
int ext4_truncate(struct ext4_fs *fs, struct ext4_inode *inode,
		  uint64_t size);

/*
 * fallocate(2) for a regular file.  mode 0 preallocates the holes of
 * [off, off + len) as unwritten extents and grows the size to off + len;
 * EXT4_FALLOC_KEEP_SIZE leaves the size alone.  EXT4_FALLOC_PUNCH_HOLE
 * (with KEEP_SIZE) frees the blocks inside the range and zeroes the
 * partial ones at its ends.  -EOPNOTSUPP for other modes and for
 * preallocation in files without extents.
 */
#define EXT4_FALLOC_KEEP_SIZE 0x01
#define EXT4_FALLOC_PUNCH_HOLE 0x02

int ext4_fallocate(struct ext4_fs *fs, struct ext4_inode *inode, int mode,
		   uint64_t off, uint64_t len);

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
 * Namespace operations.  Each takes the directory (or directories) by
 * inode and names by (pointer, length), checks that the names are valid
 * (-EINVAL for "", ".", ".." or a '/', -ENAMETOOLONG) and that what should
 * exist does (-ENOENT, -EEXIST, -ENOTDIR, -EISDIR, -ENOTEMPTY), then
 * changes the directories, link counts and ctime/mtime.  New inodes get
 * the given owner (the directory's group and, for directories, its
 * set-group-ID bit when it has one) and the time of ext4_now(); *out is a
 * new reference.  Permission checks are the caller's.
 *
 * ext4_mknod() makes any type that mode names: a regular file, a FIFO, a
 * socket, or a character or block device (major, minor).  ext4_create()
 * is ext4_mknod() of a regular file.  ext4_symlink() keeps a target under
 * 60 bytes in the inode, a longer one (up to a block) in a data block.
 */
int ext4_mknod(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	       size_t len, uint16_t mode, uint32_t major, uint32_t minor,
	       uint32_t uid, uint32_t gid, struct ext4_inode **out);
int ext4_create(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
		size_t len, uint16_t mode, uint32_t uid, uint32_t gid,
		struct ext4_inode **out);
int ext4_mkdir(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	       size_t len, uint16_t mode, uint32_t uid, uint32_t gid,
	       struct ext4_inode **out);
int ext4_symlink(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
		 size_t len, const char *target, size_t tlen, uint32_t uid,
		 uint32_t gid, struct ext4_inode **out);

/* A new name for inode in dir.  -EPERM for directories, -EMLINK. */
int ext4_link(struct ext4_fs *fs, struct ext4_inode *inode,
	      struct ext4_inode *dir, const char *name, size_t len);

/*
 * Remove name from dir (ext4_rmdir: an empty directory).  When the last
 * link goes, the inode and its blocks are freed at once, unless is_open
 * says someone still uses it: then it goes on the orphan list, and
 * ext4_evict() finishes the deletion when the last user is gone (or the
 * next mount does, after a crash).
 */
int ext4_unlink(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
		size_t len, bool is_open);
int ext4_rmdir(struct ext4_fs *fs, struct ext4_inode *dir, const char *name,
	       size_t len, bool is_open);

/*
 * Delete inode if it has no links left and is not deleted yet: called
 * when the last user of an unlinked inode goes.  Does nothing otherwise.
 * The caller still holds (and later puts) its reference.
 */
int ext4_evict(struct ext4_fs *fs, struct ext4_inode *inode);

/*
 * rename(2)/renameat2(2): move oname in odir to nname in ndir.  An
 * existing target is replaced (a directory only by a directory, and only
 * if it is empty) and, if that was its last link, deleted, or orphaned
 * when EXT4_RENAME_TARGET_OPEN says it is in use.  EXT4_RENAME_NOREPLACE
 * fails with -EEXIST instead; EXT4_RENAME_EXCHANGE swaps the two names,
 * which must both exist.  Moving a directory fixes its ".." and the link
 * counts of both parents; -EINVAL for moving it under itself.
 */
#define EXT4_RENAME_NOREPLACE 0x1
#define EXT4_RENAME_EXCHANGE 0x2
#define EXT4_RENAME_TARGET_OPEN 0x100

int ext4_rename(struct ext4_fs *fs, struct ext4_inode *odir,
		const char *oname, size_t olen, struct ext4_inode *ndir,
		const char *nname, size_t nlen, unsigned int flags);

/*
 * Extended attributes "user.*", "trusted.*" and "security.*" (and
 * "system.posix_acl_access"/"_default" as opaque values).  Values live in
 * the inode's extra space when they fit, else in one xattr block per inode.
 *
 * ext4_getxattr() copies the value into buf and returns its size (only
 * the size when size == 0); -ENODATA if absent, -ERANGE if buf is too
 * small.  ext4_listxattr() writes the names, each NUL-terminated, and
 * returns the bytes used (or needed, when size == 0).  ext4_setxattr()
 * with EXT4_XATTR_CREATE fails with -EEXIST if the name exists, with
 * EXT4_XATTR_REPLACE with -ENODATA if it does not; -ENOSPC if it fits
 * nowhere, -EOPNOTSUPP for other namespaces.
 */
#define EXT4_XATTR_CREATE 0x1
#define EXT4_XATTR_REPLACE 0x2

ssize_t ext4_getxattr(struct ext4_fs *fs, struct ext4_inode *inode,
		      const char *name, void *buf, size_t size);
ssize_t ext4_listxattr(struct ext4_fs *fs, struct ext4_inode *inode,
		       char *buf, size_t size);
int ext4_setxattr(struct ext4_fs *fs, struct ext4_inode *inode,
		  const char *name, const void *value, size_t size, int flags);
int ext4_removexattr(struct ext4_fs *fs, struct ext4_inode *inode,
		     const char *name);

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
