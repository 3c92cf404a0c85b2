/*
 * procfs generated files and links: the file_ops of every regular entry
 * and the inode_ops of symlinks.
 *
 * A regular entry's show() prints the whole file into a buffer the open
 * file keeps (struct proc_file).  The buffer is made on the first read
 * and made again by every read at offset 0, so a reader that seeks back
 * to 0 sees fresh contents, while one reading in small pieces sees one
 * consistent snapshot.  Reaching the end frees the buffer, so open files
 * that are not being read hold no memory.  Files report size 0, as in
 * Linux; lseek accepts SEEK_SET and SEEK_CUR.  Writes go whole to the
 * entry's store().
 *
 * Links: readlink gives link_text(); magic links (exe, cwd, fd/N) also
 * have link_path(), which the path walk uses instead of the text.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/proc/proc_int.h"
#include "task.h"

#define PROC_WRITE_MAX 4096

struct proc_file {
	struct pbuf buf;
	bool filled;
};

/* The owner-or-root rule of PE_PRIVATE entries: 0, -EACCES or -ESRCH. */
static int
proc_check_private(const struct proc_inode *pi)
{
	struct proc_target tg;
	int r;

	if (!(pi->e->flags & PE_PRIVATE) || pi->pid == 0)
		return 0;
	if ((r = proc_target_get(pi, &tg)) < 0)
		return r;
	return proc_may_access(current, &tg) ? 0 : -EACCES;
}

static int
proc_file_open(struct inode *inode, struct file *f)
{
	const struct proc_inode *pi = PI(inode);
	struct proc_file *pf;
	int r;

	if (FMODE_WRITE(f) && !pi->e->store)
		return -EACCES;
	if (FMODE_READ(f) && !pi->e->show)
		return -EACCES;
	if ((r = proc_check_private(pi)) < 0)
		return r;
	if ((pf = calloc(1, sizeof(*pf))) == NULL)
		return -ENOMEM;
	pbuf_init(&pf->buf);
	f->priv = pf;
	return 0;
}

static void
proc_file_release(struct file *f)
{
	struct proc_file *pf = f->priv;

	if (!pf)
		return;
	pbuf_free(&pf->buf);
	free(pf);
	f->priv = NULL;
}

static int
proc_file_fill(struct file *f)
{
	struct proc_file *pf = f->priv;
	const struct proc_inode *pi = PI(f->inode);
	int r;

	pbuf_reset(&pf->buf);
	pf->filled = false;
	if ((r = pi->e->show(pi, &pf->buf)) < 0)
		return r;
	pf->filled = true;
	return 0;
}

static ssize_t
proc_file_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct proc_file *pf = f->priv;
	size_t n;
	int r;

	if (!pf || !PI(f->inode)->e->show)
		return -EINVAL;
	if ((!pf->filled || *pos == 0) && (r = proc_file_fill(f)) < 0)
		return r;
	if (*pos >= pf->buf.len) {
		/* End of file: give the memory back until the next read. */
		pbuf_free(&pf->buf);
		pf->filled = false;
		return 0;
	}
	n = pf->buf.len - (size_t)*pos;
	if (n > uio_left(u))
		n = uio_left(u);
	if (uio_out(u, pf->buf.data + *pos, n) < 0)
		return -EFAULT;
	*pos += n;
	return (ssize_t)n;
}

static ssize_t
proc_file_write(struct file *f, struct uio *u, uint64_t *pos)
{
	const struct proc_inode *pi = PI(f->inode);
	size_t n = uio_left(u);
	char *buf;
	int r;

	if (!pi->e->store)
		return -EINVAL;
	if (n >= PROC_WRITE_MAX)
		return -EINVAL;
	if ((buf = malloc(n + 1)) == NULL)
		return -ENOMEM;
	if (uio_in(u, buf, n) < 0) {
		free(buf);
		return -EFAULT;
	}
	buf[n] = 0;
	r = pi->e->store(pi, buf, n);
	free(buf);
	if (r < 0)
		return r;
	*pos += n;
	return (ssize_t)n;
}

static int64_t
proc_file_llseek(struct file *f, int64_t off, int whence)
{
	int64_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
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

const struct file_ops proc_file_fops = {
	.open = proc_file_open,
	.release = proc_file_release,
	.read = proc_file_read,
	.write = proc_file_write,
	.llseek = proc_file_llseek,
};

const struct inode_ops proc_file_iops = {
	.setattr = proc_setattr,
	.getattr = proc_getattr,
};

long
proc_link_printf(char *buf, size_t len, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if ((size_t)n > len)
		n = (int)len;
	memcpy(buf, tmp, (size_t)n);
	return n;
}

static ssize_t
proc_readlink(struct inode *inode, char *buf, size_t len)
{
	const struct proc_inode *pi = PI(inode);
	int r;

	if (!pi->e->link_text)
		return -EINVAL;
	if ((r = proc_check_private(pi)) < 0)
		return r;
	return pi->e->link_text(pi, buf, len);
}

static int
proc_follow_link(struct inode *inode, struct path *out)
{
	const struct proc_inode *pi = PI(inode);
	int r;

	if ((r = proc_check_private(pi)) < 0)
		return r;
	return pi->e->link_path(pi, out);
}

const struct inode_ops proc_link_iops = {
	.readlink = proc_readlink,
	.setattr = proc_setattr,
	.getattr = proc_getattr,
};

const struct inode_ops proc_magic_link_iops = {
	.readlink = proc_readlink,
	.follow_link = proc_follow_link,
	.setattr = proc_setattr,
	.getattr = proc_getattr,
};
