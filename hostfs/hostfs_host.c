/*
 * Host calls for hostfs: the only file in hostfs/ that talks to the host
 * kernel.  The filesystem itself is hostfs.c; hostfs_host.h says what each
 * call promises.
 *
 * Confinement.  hostfs_host_export() opens the exported directory once, as
 * an O_PATH descriptor kept for the life of vmlinux.  Every later call
 * names a file by a path relative to it and resolves that path with
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS):
 * no "..", absolute path, symlink or /proc magic link can carry a lookup
 * outside the export, and the host kernel checks at the end of each walk
 * that the result is still beneath the root, so a directory renamed out of
 * the export mid-walk yields an error, not a file outside.  Symlinks inside
 * the export are never followed here; their text goes to the guest, whose
 * VFS resolves it in the guest's own tree.
 *
 * Two shapes of call follow from that:
 *
 *  - on an existing file (stat, readlink, chmod, chown, utimes, truncate,
 *    open): the file itself is opened O_PATH|O_NOFOLLOW by the confined
 *    walk and acted on through that descriptor (AT_EMPTY_PATH), so the
 *    file changed is the one the walk found;
 *  - on a name in a directory (mknod, mkdir, symlink, link, unlink,
 *    rename): the parent is opened by the confined walk, then the *at call
 *    is given one plain name (never "." or "..") and follows no symlink.
 *
 * Opening for I/O never opens a host device node, FIFO or socket: the
 * object is opened O_PATH, its type checked, and only then reopened for
 * reading or writing through /proc/self/fd (the descriptor, not the name),
 * so nothing swapped in between can be opened instead.
 *
 * Every wrapper returns -errno and retries EINTR.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hostfs/hostfs_host.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

#define RESOLVE_CONFINED                                                       \
	(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)
/* openat2 says EAGAIN when a rename raced with its checks: try again. */
#define OPENAT2_TRIES 16

/* Run a host call, retrying EINTR: its result, or -errno. */
#define HOST(call)                                                             \
	({                                                                     \
		long r_;                                                       \
		do                                                             \
			r_ = (long)(call);                                     \
		while (r_ == -1 && errno == EINTR);                            \
		r_ < 0 ? -(long)errno : r_;                                    \
	})

/* The export root: an O_PATH descriptor, or -1 when nothing is exported. */
static int export_fd = -1;

/* A raw getdents64 record. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* Plain names separated by single slashes, or "" for the root. */
static bool
path_ok(const char *path)
{
	const char *p = path, *end;
	size_t len;

	if (*p == '\0')
		return true;
	for (;;) {
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (*end == '\0')
			return true;
		p = end + 1;
	}
}

/* Open path beneath the export root, confined: the new fd or -errno. */
static int
open_beneath(const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_CONFINED,
	};
	long fd = -EAGAIN;
	int i;

	/* openat2 refuses O_PATH with any flag it ignores, O_NOCTTY too. */
	if (!(flags & O_PATH))
		how.flags |= O_NOCTTY;
	if (export_fd < 0)
		return -EPERM;
	if (!path_ok(path))
		return -EINVAL;
	for (i = 0; i < OPENAT2_TRIES && fd == -EAGAIN; i++)
		fd = HOST(syscall(SYS_openat2, export_fd, path[0] ? path : ".",
				  &how, sizeof(how)));
	return (int)fd;
}

/* The file at path itself, as an O_PATH fd (a symlink is not followed). */
static int
open_object(const char *path)
{
	return open_beneath(path, O_PATH | O_NOFOLLOW);
}

/*
 * The directory holding path's last name, as an O_PATH fd; *name points
 * at that name inside path.  The root has no parent: -EINVAL.
 */
static int
open_parent(const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (path[0] == '\0' || !path_ok(path))
		return -EINVAL;
	if (slash == NULL) {
		*name = path;
		return open_beneath("", O_PATH | O_DIRECTORY);
	}
	if ((dir = strndup(path, (size_t)(slash - path))) == NULL)
		return -ENOMEM;
	fd = open_beneath(dir, O_PATH | O_DIRECTORY);
	free(dir);
	*name = slash + 1;
	return fd;
}

static void
to_time(const struct timespec *ts, struct hostfs_time *t)
{
	t->sec = ts->tv_sec;
	t->nsec = ts->tv_nsec;
}

static void
to_stat(const struct stat *s, struct hostfs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->dev = s->st_dev;
	st->ino = s->st_ino;
	st->mode = s->st_mode;
	st->nlink = (uint32_t)s->st_nlink;
	st->uid = s->st_uid;
	st->gid = s->st_gid;
	st->rdev_major = major(s->st_rdev);
	st->rdev_minor = minor(s->st_rdev);
	st->size = (uint64_t)s->st_size;
	st->blocks = (uint64_t)s->st_blocks;
	st->blksize = (uint32_t)s->st_blksize;
	to_time(&s->st_atim, &st->atime);
	to_time(&s->st_mtim, &st->mtime);
	to_time(&s->st_ctim, &st->ctime);
}

/* The path a descriptor stands for, through /proc/self/fd. */
static void
proc_fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

int
hostfs_host_export(const char *dir, struct hostfs_export *out)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_CONFINED };
	char proc[64];
	struct stat s;
	long fd, probe, n;

	fd = HOST(open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC));
	if (fd < 0)
		return (int)fd;
	/* Confinement rests on openat2: refuse to export without it. */
	probe = HOST(syscall(SYS_openat2, (int)fd, ".", &how, sizeof(how)));
	if (probe < 0 || fstat((int)fd, &s) < 0) {
		close((int)fd);
		return probe < 0 ? (int)probe : -errno;
	}
	close((int)probe);
	proc_fd_path((int)fd, proc, sizeof(proc));
	n = readlink(proc, out->path, sizeof(out->path) - 1);
	if (n <= 0 || out->path[0] != '/') {
		if (realpath(dir, out->path) == NULL)
			snprintf(out->path, sizeof(out->path), "%s", dir);
	} else {
		out->path[n] = '\0';
	}
	out->dev = s.st_dev;
	out->uid = geteuid();
	out->gid = getegid();
	if (export_fd >= 0)
		close(export_fd);
	export_fd = (int)fd;
	return 0;
}

int
hostfs_host_fstat(int fd, struct hostfs_stat *st)
{
	struct stat s;
	long r = HOST(fstat(fd, &s));

	if (r == 0)
		to_stat(&s, st);
	return (int)r;
}

int
hostfs_host_lstat(const char *path, struct hostfs_stat *st)
{
	int fd = open_object(path), r;

	if (fd < 0)
		return fd;
	r = hostfs_host_fstat(fd, st);
	close(fd);
	return r;
}

/* May an object of this mode be opened as asked?  0 or -errno. */
static int
check_kind(mode_t mode, unsigned int how)
{
	if (S_ISLNK(mode))
		return -ELOOP;
	if (how & HOSTFS_OPEN_DIR)
		return S_ISDIR(mode) ? 0 : -ENOTDIR;
	if (S_ISDIR(mode))
		return -EISDIR;
	return S_ISREG(mode) ? 0 : -EACCES;
}

static int
access_flags(unsigned int how)
{
	if (how & HOSTFS_OPEN_DIR)
		return O_RDONLY | O_DIRECTORY;
	if ((how & HOSTFS_OPEN_READ) && (how & HOSTFS_OPEN_WRITE))
		return O_RDWR;
	return (how & HOSTFS_OPEN_WRITE) ? O_WRONLY : O_RDONLY;
}

/*
 * No /proc on the host: open the name again, confined, and keep the result
 * only if it is the file checked before.  O_NONBLOCK and O_DIRECTORY keep
 * anything swapped in meanwhile from blocking or being a device.
 */
static int
reopen_by_path(const char *path, const struct stat *s, unsigned int how)
{
	int extra = (how & HOSTFS_OPEN_DIR) ? 0 : O_NONBLOCK;
	int fd = open_beneath(path, access_flags(how) | O_NOFOLLOW | extra);
	struct stat n;

	if (fd < 0)
		return fd;
	if (fstat(fd, &n) < 0 ||
	    (n.st_mode & S_IFMT) != (s->st_mode & S_IFMT) ||
	    n.st_dev != s->st_dev || n.st_ino != s->st_ino) {
		close(fd);
		return -ENOENT;
	}
	if (extra)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* Reopen the checked O_PATH fd pfd for I/O: the new fd. */
static int
reopen(int pfd, const struct stat *s, const char *path, unsigned int how)
{
	char proc[64];
	long fd;

	proc_fd_path(pfd, proc, sizeof(proc));
	fd = HOST(open(proc, access_flags(how) | O_CLOEXEC | O_NOCTTY));
	if (fd == -ENOENT && access(proc, F_OK) < 0)
		return reopen_by_path(path, s, how);
	return (int)fd;
}

int
hostfs_host_open(const char *path, unsigned int how)
{
	struct stat s;
	int pfd, r;

	if ((pfd = open_object(path)) < 0)
		return pfd;
	r = (int)HOST(fstat(pfd, &s));
	if (r == 0 && (r = check_kind(s.st_mode, how)) == 0)
		r = reopen(pfd, &s, path, how);
	close(pfd);
	return r;
}

int
hostfs_host_mknod(const char *path, uint32_t mode, uint32_t maj, uint32_t min)
{
	const char *name;
	int dfd, r;

	if ((dfd = open_parent(path, &name)) < 0)
		return dfd;
	r = (int)HOST(mknodat(dfd, name, mode, makedev(maj, min)));
	close(dfd);
	return r;
}

int
hostfs_host_mkdir(const char *path, uint32_t mode)
{
	const char *name;
	int dfd, r;

	if ((dfd = open_parent(path, &name)) < 0)
		return dfd;
	r = (int)HOST(mkdirat(dfd, name, mode));
	close(dfd);
	return r;
}

int
hostfs_host_symlink(const char *target, const char *path)
{
	const char *name;
	int dfd, r;

	if ((dfd = open_parent(path, &name)) < 0)
		return dfd;
	r = (int)HOST(symlinkat(target, dfd, name));
	close(dfd);
	return r;
}

int
hostfs_host_link(const char *oldpath, const char *newpath)
{
	const char *oname, *nname;
	int ofd, nfd, r;

	if ((ofd = open_parent(oldpath, &oname)) < 0)
		return ofd;
	if ((nfd = open_parent(newpath, &nname)) < 0) {
		close(ofd);
		return nfd;
	}
	/* Without AT_SYMLINK_FOLLOW, linkat links a symlink itself. */
	r = (int)HOST(linkat(ofd, oname, nfd, nname, 0));
	close(nfd);
	close(ofd);
	return r;
}

int
hostfs_host_unlink(const char *path, bool dir)
{
	const char *name;
	int dfd, r;

	if ((dfd = open_parent(path, &name)) < 0)
		return dfd;
	r = (int)HOST(unlinkat(dfd, name, dir ? AT_REMOVEDIR : 0));
	close(dfd);
	return r;
}

int
hostfs_host_rename(const char *oldpath, const char *newpath, unsigned int flags)
{
	const char *oname, *nname;
	int ofd, nfd, r;

	if ((ofd = open_parent(oldpath, &oname)) < 0)
		return ofd;
	if ((nfd = open_parent(newpath, &nname)) < 0) {
		close(ofd);
		return nfd;
	}
	r = (int)HOST(renameat2(ofd, oname, nfd, nname, flags));
	close(nfd);
	close(ofd);
	return r;
}

ssize_t
hostfs_host_readlink(const char *path, char *buf, size_t len)
{
	int fd = open_object(path);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = HOST(readlinkat(fd, "", buf, len));
	close(fd);
	return n;
}

/* truncate: a regular file only, through a writable reopen of pfd. */
static int
set_size(int pfd, const struct stat *s, const char *path, uint64_t size)
{
	int fd, r;

	if (S_ISDIR(s->st_mode))
		return -EISDIR;
	if (!S_ISREG(s->st_mode))
		return -EINVAL;
	if ((fd = reopen(pfd, s, path, HOSTFS_OPEN_WRITE)) < 0)
		return fd;
	r = (int)HOST(ftruncate(fd, (off_t)size));
	close(fd);
	return r;
}

/* chmod through the descriptor: fchmodat2, or /proc on older hosts. */
static int
set_mode(int pfd, const struct stat *s, uint32_t mode)
{
	char proc[64];
	long r;

	r = HOST(syscall(SYS_fchmodat2, pfd, "", mode, AT_EMPTY_PATH));
	if (r != -ENOSYS && r != -EINVAL)
		return (int)r;
	if (S_ISLNK(s->st_mode))
		return -EOPNOTSUPP; /* and /proc would follow the link */
	proc_fd_path(pfd, proc, sizeof(proc));
	return (int)HOST(chmod(proc, mode));
}

static int
set_times(int pfd, const struct stat *s, const struct hostfs_setattr *a)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
	char proc[64];
	long r;

	if (a->valid & HOSTFS_SET_ATIME)
		ts[0] = (struct timespec){ a->atime.sec, a->atime.nsec };
	if (a->valid & HOSTFS_SET_MTIME)
		ts[1] = (struct timespec){ a->mtime.sec, a->mtime.nsec };
	r = HOST(utimensat(pfd, "", ts, AT_EMPTY_PATH));
	if (r != -EINVAL || S_ISLNK(s->st_mode))
		return (int)r;
	proc_fd_path(pfd, proc, sizeof(proc));
	return (int)HOST(utimensat(AT_FDCWD, proc, ts, 0));
}

/* Size first, then owner (which may clear set-id bits), mode, times. */
int
hostfs_host_setattr(const char *path, const struct hostfs_setattr *a)
{
	uid_t uid = (a->valid & HOSTFS_SET_UID) ? a->uid : (uid_t)-1;
	gid_t gid = (a->valid & HOSTFS_SET_GID) ? a->gid : (gid_t)-1;
	struct stat s;
	int fd, r;

	if ((fd = open_object(path)) < 0)
		return fd;
	r = (int)HOST(fstat(fd, &s));
	if (r == 0 && (a->valid & HOSTFS_SET_SIZE))
		r = set_size(fd, &s, path, a->size);
	if (r == 0 && (a->valid & (HOSTFS_SET_UID | HOSTFS_SET_GID)))
		r = (int)HOST(fchownat(fd, "", uid, gid, AT_EMPTY_PATH));
	if (r == 0 && (a->valid & HOSTFS_SET_MODE))
		r = set_mode(fd, &s, a->mode & 07777);
	if (r == 0 && (a->valid & (HOSTFS_SET_ATIME | HOSTFS_SET_MTIME)))
		r = set_times(fd, &s, a);
	close(fd);
	return r;
}

int
hostfs_host_statfs(const char *path, struct hostfs_statfs *st)
{
	struct statfs s;
	int fd, r;

	if ((fd = open_object(path)) < 0)
		return fd;
	r = (int)HOST(fstatfs(fd, &s));
	close(fd);
	if (r < 0)
		return r;
	st->bsize = (uint64_t)s.f_bsize;
	st->frsize = (uint64_t)(s.f_frsize ? s.f_frsize : s.f_bsize);
	st->namelen = (uint64_t)s.f_namelen;
	st->blocks = s.f_blocks;
	st->bfree = s.f_bfree;
	st->bavail = s.f_bavail;
	st->files = s.f_files;
	st->ffree = s.f_ffree;
	return 0;
}

ssize_t
hostfs_host_pread(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	long n;

	while (done < len) {
		n = HOST(pread(fd, (char *)buf + done, len - done,
			       (off_t)(off + done)));
		if (n < 0)
			return done ? (ssize_t)done : n;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t
hostfs_host_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	long n;

	while (done < len) {
		n = HOST(pwrite(fd, (const char *)buf + done, len - done,
				(off_t)(off + done)));
		if (n < 0)
			return done ? (ssize_t)done : n;
		if (n == 0)
			return done ? (ssize_t)done : -EIO;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int
hostfs_host_fsync(int fd, bool datasync)
{
	return (int)(datasync ? HOST(fdatasync(fd)) : HOST(fsync(fd)));
}

int
hostfs_host_fallocate(int fd, int mode, uint64_t off, uint64_t len)
{
	return (int)HOST(fallocate(fd, mode, (off_t)off, (off_t)len));
}

int
hostfs_host_dup(int fd)
{
	return (int)HOST(fcntl(fd, F_DUPFD_CLOEXEC, 0));
}

void
hostfs_host_close(int fd)
{
	close(fd);
}

ssize_t
hostfs_host_getdents(int fd, void *buf, size_t len)
{
	return HOST(getdents64(fd, buf, len));
}

bool
hostfs_host_dirent(const void *buf, size_t len, size_t *at,
		   struct hostfs_dirent *out)
{
	const struct linux_dirent64 *d;
	size_t head = offsetof(struct linux_dirent64, d_name);

	if (*at + head > len)
		return false;
	d = (const struct linux_dirent64 *)((const char *)buf + *at);
	if (d->d_reclen <= head || *at + d->d_reclen > len)
		return false;
	out->ino = d->d_ino;
	out->next_pos = (uint64_t)d->d_off;
	out->type = d->d_type;
	out->name = d->d_name;
	out->len = strnlen(d->d_name, d->d_reclen - head);
	*at += d->d_reclen;
	return true;
}

int
hostfs_host_seekdir(int fd, uint64_t pos)
{
	long r;

	if (pos > INT64_MAX)
		return -EINVAL;
	r = HOST(lseek(fd, (off_t)pos, SEEK_SET));
	return r < 0 ? (int)r : 0;
}
