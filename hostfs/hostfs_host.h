/*
 * The host side of hostfs (hostfs_host.c): every host system call hostfs
 * makes.  hostfs.c (the filesystem) names host files by paths relative to
 * the exported directory and never sees a host path outside it; the
 * functions here resolve those paths so that they cannot leave it.
 *
 * Conventions: >= 0 or -errno; EINTR is retried.  A path is relative to
 * the export root, made of plain names separated by single slashes ("" is
 * the root itself); anything else ("..", ".", "//", a leading "/") is
 * refused with -EINVAL.  Modes and device numbers are the host's, which
 * on x86_64 Linux are also the guest's.
 */
#ifndef HOSTFS_HOSTFS_HOST_H
#define HOSTFS_HOSTFS_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct hostfs_time {
	int64_t sec, nsec;
};

/* A host file's attributes. */
struct hostfs_stat {
	uint64_t dev, ino;
	uint32_t mode, nlink, uid, gid;
	uint32_t rdev_major, rdev_minor;
	uint64_t size, blocks; /* blocks: 512-byte units */
	uint32_t blksize;
	struct hostfs_time atime, mtime, ctime;
};

/* Changes for hostfs_host_setattr: the HOSTFS_SET_* bits in valid. */
#define HOSTFS_SET_MODE 1
#define HOSTFS_SET_UID 2
#define HOSTFS_SET_GID 4
#define HOSTFS_SET_SIZE 8
#define HOSTFS_SET_ATIME 16
#define HOSTFS_SET_MTIME 32

struct hostfs_setattr {
	unsigned int valid;
	uint32_t mode; /* permission bits only */
	uint32_t uid, gid;
	uint64_t size;
	struct hostfs_time atime, mtime;
};

struct hostfs_statfs {
	uint64_t bsize, frsize, namelen;
	uint64_t blocks, bfree, bavail, files, ffree;
};

/* The exported directory, as hostfs_host_export() found it. */
struct hostfs_export {
	uint64_t dev;	   /* st_dev of the export root */
	uint32_t uid, gid; /* the host user running vmlinux */
	char path[4096];   /* its absolute host path, for mount -o */
};

/* One directory entry decoded from a hostfs_host_getdents() buffer. */
struct hostfs_dirent {
	uint64_t ino;
	uint64_t next_pos; /* the directory position after this entry */
	unsigned int type; /* DT_* */
	const char *name;  /* in the buffer; not NUL-terminated */
	size_t len;
};

/*
 * Open dir as the one host tree hostfs may reach, for the life of
 * vmlinux.  Needs openat2 (Linux 5.6); -ENOSYS without it.
 */
int hostfs_host_export(const char *dir, struct hostfs_export *out);

/* Attributes of the file at path itself (a symlink is not followed). */
int hostfs_host_lstat(const char *path, struct hostfs_stat *st);
int hostfs_host_fstat(int fd, struct hostfs_stat *st);

/*
 * Open a regular file (or with HOSTFS_OPEN_DIR, a directory) for I/O: the
 * new host fd.  Anything else is refused without being opened: -ELOOP for
 * a symlink, -EISDIR/-ENOTDIR for the wrong kind, -EACCES for device
 * nodes, FIFOs and sockets.
 */
#define HOSTFS_OPEN_READ 1
#define HOSTFS_OPEN_WRITE 2
#define HOSTFS_OPEN_DIR 4
int hostfs_host_open(const char *path, unsigned int how);

/* New names.  None of them follows a symlink at path. */
int hostfs_host_mknod(const char *path, uint32_t mode, uint32_t major,
		      uint32_t minor);
int hostfs_host_mkdir(const char *path, uint32_t mode);
int hostfs_host_symlink(const char *target, const char *path);
int hostfs_host_link(const char *oldpath, const char *newpath);
int hostfs_host_unlink(const char *path, bool dir);
/* flags: RENAME_NOREPLACE, RENAME_EXCHANGE (renameat2). */
int hostfs_host_rename(const char *oldpath, const char *newpath,
		       unsigned int flags);

/* A symlink's text into buf (not NUL-terminated): its length. */
ssize_t hostfs_host_readlink(const char *path, char *buf, size_t len);
/* Apply the changes in *a to the file at path (not following symlinks). */
int hostfs_host_setattr(const char *path, const struct hostfs_setattr *a);
int hostfs_host_statfs(const char *path, struct hostfs_statfs *st);

/* I/O on fds from hostfs_host_open(). */
/* Up to len bytes at off; fewer only at end of file. */
ssize_t hostfs_host_pread(int fd, void *buf, size_t len, uint64_t off);
/* All len bytes at off, or -errno. */
ssize_t hostfs_host_pwrite(int fd, const void *buf, size_t len, uint64_t off);
int hostfs_host_fsync(int fd, bool datasync);
/* fallocate(2) on the host file, mode as the guest gave it (the same ABI). */
int hostfs_host_fallocate(int fd, int mode, uint64_t off, uint64_t len);
int hostfs_host_dup(int fd);
void hostfs_host_close(int fd);

/*
 * Directories: raw entries into buf (bytes, 0 at the end), and a cursor
 * over them: hostfs_host_dirent decodes the entry at *at in buf[0, len)
 * and advances *at; false when none is left.  Positions are the host's
 * own cookies; hostfs_host_seekdir goes back to one.
 */
ssize_t hostfs_host_getdents(int fd, void *buf, size_t len);
bool hostfs_host_dirent(const void *buf, size_t len, size_t *at,
			struct hostfs_dirent *out);
int hostfs_host_seekdir(int fd, uint64_t pos);

#endif
