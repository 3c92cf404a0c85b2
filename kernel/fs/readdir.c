/*
 * getdents64: directory entries to the guest in linux_dirent64 records.
 * d_off of each record is the position of the one after it, so a reader
 * can lseek back to any record boundary; the filesystem's resume cookie
 * (dir_context.pos) is that position.
 */
#include <string.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

struct getdents_ctx {
	struct dir_context ctx;
	struct task *t;
	uaddr_t buf;
	size_t size, used;
	size_t prev;	 /* offset of the previous record, or SIZE_MAX */
	int error;
};

struct dirent64_head {
	uint64_t ino;
	int64_t off;
	uint16_t reclen;
	uint8_t type;
} __attribute__((packed));

static int
set_prev_off(struct getdents_ctx *g, uint64_t off)
{
	if (g->prev == (size_t)-1)
		return 0;
	return copy_to_user(g->t, uaddr_add(g->buf, g->prev + 8), &off,
			    sizeof(off));
}

static int
emit64(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
       unsigned int type)
{
	struct getdents_ctx *g = (struct getdents_ctx *)ctx;
	size_t reclen = (sizeof(struct dirent64_head) + len + 1 + 7) & ~7UL;
	char rec[sizeof(struct dirent64_head) + NAME_MAX_K + 8];
	struct dirent64_head h = { ino, 0, (uint16_t)reclen, (uint8_t)type };

	if (len > NAME_MAX_K) {
		g->error = -EIO;
		return 1;
	}
	if (g->used + reclen > g->size) {
		if (g->used == 0)
			g->error = -EINVAL;
		return 1;
	}
	if (set_prev_off(g, ctx->pos) < 0) {
		g->error = -EFAULT;
		return 1;
	}
	memset(rec, 0, reclen);
	memcpy(rec, &h, sizeof(h));
	memcpy(rec + sizeof(h), name, len);
	if (copy_to_user(g->t, uaddr_add(g->buf, g->used), rec, reclen) < 0) {
		g->error = -EFAULT;
		return 1;
	}
	g->prev = g->used;
	g->used += reclen;
	return 0;
}

long
sys_getdents64(struct task *t, const uint64_t a[6])
{
	struct file *f = fd_get(t, (int)a[0]);
	struct getdents_ctx g = { .ctx.emit = emit64, .t = t,
				  .buf = UADDR(a[1]), .size = a[2],
				  .prev = (size_t)-1 };
	int r;

	if (!f)
		return -EBADF;
	if (!f->inode || !K_ISDIR(f->inode->mode) || !f->ops ||
	    !f->ops->iterate) {
		file_put(f);
		return -ENOTDIR;
	}
	g.ctx.pos = f->pos;
	r = f->ops->iterate(f, &g.ctx);
	if (g.used && set_prev_off(&g, g.ctx.pos) < 0)
		g.error = -EFAULT;
	f->pos = g.ctx.pos;
	file_put(f);
	if (g.used)
		return (long)g.used;
	return g.error ? g.error : r;
}
