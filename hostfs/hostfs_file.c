/*
 * hostfs open files: reading and writing host files, mapping them through
 * the page cache, and reading host directories.  Names, inodes and mounts
 * are in hostfs.c (its header says how hostfs works as a whole); host
 * calls are in hostfs_host.c.
 *
 * Data.  Each guest open file has its own host fd, and read and write go
 * straight to it, so they always see the host file as it is now.  mmap
 * needs the data in memory the guest can map: the first mapping of a file
 * gives its inode a page cache (mm/pagecache.c), filled from and written
 * through to the host file by host fds the inode keeps (dups of the open
 * files' own).  While the inode has a page cache, read and write go
 * through it too, so mappings, read and write stay coherent; stores
 * through shared mappings reach the host at msync, fsync, munmap, sync
 * and unmount.  When the last open file that mapped the inode is released,
 * the cache is written back and dropped, and I/O goes straight to the host
 * again.  While a file is mapped, pages the guest has loaded are not read
 * again if the host changes them.
 *
 * Directories are read with the host's getdents64 and keep its positions
 * (d_off cookies), so telldir/seekdir positions stay valid while entries
 * come and go, as on the host.
 *
 * Special files: FIFOs are guest FIFOs (pipe.c; the host FIFO is never
 * opened).  Opening a device node fails with EACCES: its numbers are the
 * host's, and the host device is never opened.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/vfs.h"
#include "hostfs/hostfs_host.h"
#include "hostfs/hostfs_int.h"
#include "mm/pagecache.h"
#include "printk.h"

#define HOSTFS_CHUNK (128 * 1024) /* bounce buffer for read and write */
#define HOSTFS_DIRBUF (32 * 1024) /* getdents buffer per open directory */
#define K_O_APPEND 02000

/* f->priv */
struct hostfs_file {
	int fd; /* the host fd */
	bool readable, writable;
	bool mapped; /* counted in hostfs_inode.mappers */
	/* Directories: entries read from the host, not yet consumed. */
	char *dirbuf;
	size_t dirlen;	 /* bytes in dirbuf */
	size_t dirat;	 /* offset of the next entry */
	uint64_t dirpos; /* the directory position of that entry */
};

/* The page cache of mapped files */

static int
hostfs_pc_fill(struct inode *inode, uint64_t off, void *buf, size_t len)
{
	ssize_t n;

	if (HI(inode)->rfd < 0)
		return -EBADF;
	if ((n = hostfs_host_pread(HI(inode)->rfd, buf, len, off)) < 0)
		return (int)n;
	memset((char *)buf + n, 0, len - (size_t)n);
	return 0;
}

static int
hostfs_pc_writeback(struct inode *inode, uint64_t off, const void *buf,
		    size_t len)
{
	ssize_t n;

	if (HI(inode)->wfd < 0)
		return -EBADF;
	while (len > 0) {
		n = hostfs_host_pwrite(HI(inode)->wfd, buf, len, off);
		if (n < 0)
			return (int)n;
		buf = (const char *)buf + n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static const struct page_cache_ops hostfs_pc_ops = {
	.fill = hostfs_pc_fill,
	.writeback = hostfs_pc_writeback,
};

/* Let the page cache read (and write) the host file through hf's fd. */
static int
hostfs_cache_fds(struct inode *inode, const struct hostfs_file *hf)
{
	struct hostfs_inode *hi = HI(inode);
	int fd;

	if (hi->rfd < 0 && hf->readable) {
		if ((fd = hostfs_host_dup(hf->fd)) < 0)
			return fd;
		hi->rfd = fd;
	}
	if (hi->wfd < 0 && hf->writable) {
		if ((fd = hostfs_host_dup(hf->fd)) < 0)
			return fd;
		hi->wfd = fd;
	}
	return 0;
}

/* No open file maps the inode any more: write back, back to direct I/O. */
static void
hostfs_cache_drop(struct inode *inode)
{
	struct hostfs_inode *hi = HI(inode);
	int r;

	if ((r = pagecache_sync(inode->pcache)) < 0)
		pr_warn("hostfs: writing back %s failed (error %d)",
			hi->path ? hi->path : "a removed file", r);
	pagecache_free(inode->pcache);
	inode->pcache = NULL;
	if (hi->rfd >= 0)
		hostfs_host_close(hi->rfd);
	if (hi->wfd >= 0)
		hostfs_host_close(hi->wfd);
	hi->rfd = hi->wfd = -1;
}

/* Open files */

static int
hostfs_open(struct inode *inode, struct file *f)
{
	struct hostfs_file *hf;
	unsigned int how = 0;
	int fd;

	if (HI(inode)->path == NULL)
		return -ENOENT;
	if (K_ISDIR(inode->mode))
		how = HOSTFS_OPEN_DIR;
	else
		how = (FMODE_READ(f) ? HOSTFS_OPEN_READ : 0) |
		      (FMODE_WRITE(f) ? HOSTFS_OPEN_WRITE : 0);
	if ((fd = hostfs_host_open(HI(inode)->path, how)) < 0)
		return fd;
	if ((hf = calloc(1, sizeof(*hf))) == NULL) {
		hostfs_host_close(fd);
		return -ENOMEM;
	}
	hf->fd = fd;
	hf->readable = !K_ISDIR(inode->mode) && FMODE_READ(f);
	hf->writable = !K_ISDIR(inode->mode) && FMODE_WRITE(f);
	f->priv = hf;
	return 0;
}

static void
hostfs_release(struct file *f)
{
	struct hostfs_file *hf = f->priv;
	struct inode *inode = f->inode;

	if (hf == NULL)
		return;
	if (hf->mapped && --HI(inode)->mappers == 0 && inode->pcache)
		hostfs_cache_drop(inode);
	hostfs_host_close(hf->fd);
	free(hf->dirbuf);
	free(hf);
	f->priv = NULL;
}

static ssize_t
hostfs_read_direct(int fd, struct uio *u, uint64_t *pos)
{
	size_t left = uio_left(u), done = 0, want;
	ssize_t n = 0;
	char *buf;

	if ((buf = malloc(left < HOSTFS_CHUNK ? left : HOSTFS_CHUNK)) == NULL)
		return -ENOMEM;
	while (done < left) {
		want = left - done < HOSTFS_CHUNK ? left - done : HOSTFS_CHUNK;
		if ((n = hostfs_host_pread(fd, buf, want, *pos)) <= 0)
			break;
		if (uio_out(u, buf, (size_t)n) < 0) {
			n = -EFAULT;
			break;
		}
		*pos += (uint64_t)n;
		done += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	free(buf);
	return done ? (ssize_t)done : n;
}

/* May sleep. */
static ssize_t
hostfs_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct hostfs_file *hf = f->priv;
	struct inode *inode = f->inode;
	int r;

	if (uio_left(u) == 0)
		return 0;
	if (inode->pcache == NULL)
		return hostfs_read_direct(hf->fd, u, pos);
	hostfs_refresh_fd(inode, hf->fd);
	if ((r = hostfs_cache_fds(inode, hf)) < 0)
		return r;
	return pagecache_read(inode->pcache, u, pos);
}

static ssize_t
hostfs_write_direct(int fd, struct uio *u, uint64_t *pos)
{
	size_t left = uio_left(u), done = 0, want;
	ssize_t n = 0;
	char *buf;

	if ((buf = malloc(left < HOSTFS_CHUNK ? left : HOSTFS_CHUNK)) == NULL)
		return -ENOMEM;
	while (done < left) {
		want = left - done < HOSTFS_CHUNK ? left - done : HOSTFS_CHUNK;
		if (uio_in(u, buf, want) < 0) {
			n = -EFAULT;
			break;
		}
		n = hostfs_host_pwrite(fd, buf, want, *pos);
		if (n < (ssize_t)want) /* give back what did not go */
			u->done -= want - (size_t)(n < 0 ? 0 : n);
		if (n <= 0)
			break;
		*pos += (uint64_t)n;
		done += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	free(buf);
	return done ? (ssize_t)done : n;
}

/* O_APPEND writes at the host file's end, whatever *pos says.  May sleep. */
static ssize_t
hostfs_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct hostfs_file *hf = f->priv;
	struct inode *inode = f->inode;
	uint64_t off = *pos;
	ssize_t r;

	if (uio_left(u) == 0)
		return 0;
	if (f->flags & K_O_APPEND) {
		hostfs_refresh_fd(inode, hf->fd);
		off = inode->size;
	}
	if (inode->pcache == NULL)
		r = hostfs_write_direct(hf->fd, u, &off);
	else if ((r = hostfs_cache_fds(inode, hf)) == 0)
		r = pagecache_write(inode->pcache, u, &off);
	if (r <= 0)
		return r;
	*pos = off;
	if (off > inode->size)
		inode->size = off;
	inode->mtime = inode->ctime = current_time();
	return r;
}

/* SEEK_END and friends ask the host how long the file is now. */
static int64_t
hostfs_file_llseek(struct file *f, int64_t off, int whence)
{
	struct hostfs_file *hf = f->priv;

	if (whence == K_SEEK_END || whence == K_SEEK_DATA ||
	    whence == K_SEEK_HOLE)
		hostfs_refresh_fd(f->inode, hf->fd);
	return generic_llseek(f, off, whence);
}

static int
hostfs_fsync(struct file *f, bool datasync)
{
	struct hostfs_file *hf = f->priv;
	int r = 0;

	if (f->inode->pcache)
		r = pagecache_sync(f->inode->pcache);
	if (r == 0 && hf)
		r = hostfs_host_fsync(hf->fd, datasync);
	return r;
}

/* fallocate: the host file's, and the cache follows what it did. */
static int
hostfs_fallocate(struct file *f, int mode, uint64_t off, uint64_t len)
{
	struct hostfs_file *hf = f->priv;
	struct inode *inode = f->inode;
	uint64_t old_size = inode->size;
	int r;

	if (inode->pcache && (r = pagecache_sync(inode->pcache)) < 0)
		return r;
	if ((r = hostfs_host_fallocate(hf->fd, mode, off, len)) < 0)
		return r;
	hostfs_refresh_fd(inode, hf->fd);
	if (!inode->pcache)
		return 0;
	if (inode->size != old_size)
		pagecache_resize(inode->pcache, inode->size);
	if (mode & (K_FALLOC_FL_PUNCH_HOLE | K_FALLOC_FL_ZERO_RANGE))
		r = pagecache_punch(inode->pcache, off, len);
	return r;
}

/* The first mapping gives the inode its page cache.  May sleep. */
static int
hostfs_mmap_fd(struct file *f, uint64_t off, uint64_t len)
{
	struct hostfs_file *hf = f->priv;
	struct inode *inode = f->inode;
	int r;

	hostfs_refresh_fd(inode, hf->fd);
	if (inode->pcache == NULL &&
	    (inode->pcache = pagecache_alloc(inode, &hostfs_pc_ops)) == NULL)
		return -ENOMEM;
	if ((r = hostfs_cache_fds(inode, hf)) < 0)
		return r;
	if (!hf->mapped) {
		hf->mapped = true;
		HI(inode)->mappers++;
	}
	return pagecache_mmap_fd(inode->pcache, off, len);
}

const struct file_ops hostfs_file_fops = {
	.open = hostfs_open,
	.release = hostfs_release,
	.read = hostfs_read,
	.write = hostfs_write,
	.llseek = hostfs_file_llseek,
	.fsync = hostfs_fsync,
	.fallocate = hostfs_fallocate,
	.mmap_fd = hostfs_mmap_fd,
};

/* Directories */

/* The number readdir shows: the guest's for "." and "..". */
static uint64_t
hostfs_dirent_ino(struct file *f, const struct hostfs_dirent *de)
{
	struct dentry *parent = f->path.dentry ? f->path.dentry->parent : NULL;

	if (de->len == 1 && de->name[0] == '.')
		return f->inode->ino;
	if (de->len == 2 && de->name[0] == '.' && de->name[1] == '.')
		return parent && parent->inode ? parent->inode->ino
					       : f->inode->ino;
	return hostfs_ino(hostfs_export.dev, de->ino);
}

/* Go to directory position pos unless the buffer is already there. */
static int
hostfs_dir_seek(struct hostfs_file *hf, uint64_t pos)
{
	int r;

	if (pos == hf->dirpos)
		return 0;
	if ((r = hostfs_host_seekdir(hf->fd, pos)) < 0)
		return r;
	hf->dirlen = hf->dirat = 0;
	hf->dirpos = pos;
	return 0;
}

/*
 * readdir: the host's entries, "." and ".." included, at the host's own
 * positions (getdents64 d_off cookies), so positions stay valid while
 * entries come and go.  An entry the reader has no room for stays
 * buffered for the next call.
 */
static int
hostfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct hostfs_file *hf = f->priv;
	struct hostfs_dirent de;
	ssize_t n;
	size_t at;
	int r;

	if (hf->dirbuf == NULL && (hf->dirbuf = malloc(HOSTFS_DIRBUF)) == NULL)
		return -ENOMEM;
	if ((r = hostfs_dir_seek(hf, ctx->pos)) < 0)
		return r;
	for (;;) {
		if (hf->dirat >= hf->dirlen) {
			n = hostfs_host_getdents(hf->fd, hf->dirbuf,
						 HOSTFS_DIRBUF);
			if (n <= 0)
				return (int)n;
			hf->dirlen = (size_t)n;
			hf->dirat = 0;
		}
		at = hf->dirat;
		if (!hostfs_host_dirent(hf->dirbuf, hf->dirlen, &at, &de))
			return -EIO;
		if (ctx->emit(ctx, de.name, de.len, hostfs_dirent_ino(f, &de),
			      de.type))
			return 0;
		hf->dirat = at;
		hf->dirpos = ctx->pos = de.next_pos;
	}
}

const struct file_ops hostfs_dir_fops = {
	.open = hostfs_open,
	.release = hostfs_release,
	.iterate = hostfs_iterate,
	.llseek = cookie_dir_llseek,
	.fsync = hostfs_fsync,
};

/* Host device nodes: their numbers mean nothing here; never opened. */
static int
hostfs_nodev_open(struct inode *inode, struct file *f)
{
	return -EACCES;
}

const struct file_ops hostfs_nodev_fops = {
	.open = hostfs_nodev_open,
};
