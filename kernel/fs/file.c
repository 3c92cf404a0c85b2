/*
 * Open files: allocation and reference counting, opening a place in the
 * tree, the kernel's own reads, and the generic helpers filesystems share
 * (llseek on a size, "." and ".." for readdir).
 */
#include <stdlib.h>

#include "fs/epoll.h"
#include "fs/locks.h"
#include "fs/vfs.h"
#include "task.h"

struct file *
file_alloc(struct inode *inode, const struct file_ops *ops, unsigned int flags)
{
	struct file *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->refcount = 1;
	f->inode = inode ? inode_get(inode) : NULL;
	f->ops = ops;
	f->flags = flags;
	return f;
}

struct file *
file_get(struct file *f)
{
	f->refcount++;
	return f;
}

void
file_put(struct file *f)
{
	if (!f || --f->refcount > 0)
		return;
	eventpoll_release_file(f); /* before release frees its queues */
	locks_remove_file(f);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	if (f->path.mnt)
		path_put(&f->path);
	if (f->inode)
		inode_put(f->inode);
	free(f);
}

void
path_get(const struct path *p)
{
	dentry_get(p->dentry);
	p->mnt->refcount++;
}

void
path_put(struct path *p)
{
	p->mnt->refcount--;
	dentry_put(p->dentry);
}

int
vfs_open_path(struct task *t, const struct path *p, unsigned int flags,
	      struct file **out)
{
	struct inode *inode = p->dentry->inode;
	struct file *f = file_alloc(inode, inode->f_op, flags & ~0100u);
	int r;

	if (!f)
		return -ENOMEM;
	f->path = *p;
	path_get(p);
	if (f->ops && f->ops->open && (r = f->ops->open(inode, f)) < 0) {
		f->ops = NULL; /* not opened: no release */
		file_put(f);
		return r;
	}
	*out = f;
	return 0;
}

ssize_t
kernel_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct uio u = uio_kernel(buf, len);
	size_t done = 0;

	if (!f->ops || !f->ops->read)
		return -EINVAL;
	while (done < len) {
		ssize_t n = f->ops->read(f, &u, &off);

		if (n < 0)
			return done ? (ssize_t)done : n;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int64_t
cookie_dir_llseek(struct file *f, int64_t off, int whence)
{
	int64_t pos;

	switch (whence) {
	case K_SEEK_SET:
		pos = off;
		break;
	case K_SEEK_CUR:
		if (__builtin_add_overflow((int64_t)f->pos, off, &pos))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	f->pos = (uint64_t)pos;
	return pos;
}

int64_t
generic_llseek(struct file *f, int64_t off, int whence)
{
	int64_t base;

	switch (whence) {
	case K_SEEK_SET:
		base = 0;
		break;
	case K_SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case K_SEEK_END:
		base = (int64_t)f->inode->size;
		break;
	case K_SEEK_DATA:
		if (off < 0 || (uint64_t)off >= f->inode->size)
			return -ENXIO;
		base = 0;
		break;
	case K_SEEK_HOLE:
		if (off < 0 || (uint64_t)off > f->inode->size)
			return -ENXIO;
		off = (int64_t)f->inode->size;
		base = 0;
		break;
	default:
		return -EINVAL;
	}
	if (off > 0 && base > INT64_MAX - off)
		return -EOVERFLOW;
	if (base + off < 0)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	return base + off;
}

bool
dir_emit_dots(struct file *f, struct dir_context *ctx)
{
	if (ctx->pos == 0) {
		if (ctx->emit(ctx, ".", 1, f->inode->ino, K_DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		struct dentry *parent = f->path.dentry ? f->path.dentry->parent
						       : NULL;
		uint64_t ino = parent && parent->inode ? parent->inode->ino
						       : f->inode->ino;

		if (ctx->emit(ctx, "..", 2, ino, K_DT_DIR))
			return false;
		ctx->pos = 2;
	}
	return true;
}
