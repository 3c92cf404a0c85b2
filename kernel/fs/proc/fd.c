/*
 * /proc/PID/fd and /proc/PID/fdinfo: one entry per open file descriptor.
 *
 * fd/N is a magic link: readlink gives the file's name as the reader
 * sees it, or "pipe:[ino]", "socket:[ino]", "anon_inode:[…]" for files
 * without a place in the tree; following it gives the file's place, so
 * /dev/stdin (a link to /proc/self/fd/0) opens the same file again.
 * Anonymous pipes have no place yet, so they cannot be reopened that way
 * (-ENXIO); a pipe or socket on an internal mount (one not in the mount
 * table) is named like an anonymous one but can be followed, and other
 * files there (memfds) by their name on it.
 * fdinfo/N shows the position, flags and mount of the open file.
 * Positions in both directories are 2 + fd.
 */
#include <stdio.h>
#include <string.h>

#include "drivers/tty.h"
#include "fs/fdtable.h"
#include "fs/mount.h"
#include "fs/namei.h"
#include "fs/proc/proc_int.h"
#include "task.h"

#define K_O_CLOEXEC 02000000

/* The fd table of the process, or NULL (zombie, exiting). */
static struct files *
proc_files(const struct proc_inode *pi)
{
	struct proc_target tg;

	if (proc_target_get(pi, &tg) < 0 || !tg.t)
		return NULL;
	return tg.t->files;
}

/* The open file of pi's fd (borrowed), or NULL. */
static struct fd_entry *
proc_fd_entry(const struct proc_inode *pi)
{
	struct files *files = proc_files(pi);

	if (!files || pi->fd < 0 || pi->fd >= files->size ||
	    !files->fd[pi->fd].file)
		return NULL;
	return &files->fd[pi->fd];
}

/* A terminal opened without a place (the boot console). */
static struct tty *
proc_file_tty(const struct file *f)
{
	return f->ops == &tty_file_ops ? f->priv : NULL;
}

static long
proc_fd_text(const struct proc_inode *pi, char *buf, size_t len)
{
	struct fd_entry *fe = proc_fd_entry(pi);
	struct file *f;
	struct tty *tty;

	if (!fe)
		return -ENOENT;
	f = fe->file;
	if (f->path.mnt && proc_mount_id(f->path.mnt) > 0)
		return proc_path_text(&f->path, buf, len);
	if (f->inode && K_ISFIFO(f->inode->mode))
		return proc_link_printf(buf, len, "pipe:[%llu]",
					(unsigned long long)f->inode->ino);
	if (f->inode && K_ISSOCK(f->inode->mode))
		return proc_link_printf(buf, len, "socket:[%llu]",
					(unsigned long long)f->inode->ino);
	if ((tty = proc_file_tty(f)) != NULL && tty->name)
		return proc_link_printf(buf, len, "/dev/%s", tty->name);
	if (f->path.mnt) /* a named file on an internal mount: a memfd */
		return proc_path_text(&f->path, buf, len);
	if (f->inode && f->inode->sb && f->inode->sb->type)
		return proc_link_printf(buf, len, "anon_inode:[%s]",
					f->inode->sb->type->name);
	return proc_link_printf(buf, len, "anon_inode:[unknown]");
}

static int
proc_fd_path(const struct proc_inode *pi, struct path *out)
{
	struct fd_entry *fe = proc_fd_entry(pi);
	struct tty *tty;
	char name[64];

	if (!fe)
		return -ENOENT;
	if (fe->file->path.mnt) {
		*out = fe->file->path;
		path_get(out);
		return 0;
	}
	/* The boot console has no place: its device node stands in. */
	if ((tty = proc_file_tty(fe->file)) != NULL && tty->name && current) {
		snprintf(name, sizeof(name), "/dev/%s", tty->name);
		return path_lookup(current, AT_FDCWD_K, name, LOOKUP_FOLLOW,
				   out);
	}
	return -ENXIO;
}

/* Position of f in the mount table, 1-based, as its mount id. */
static int
proc_file_mnt_id(const struct file *f)
{
	return f->path.mnt ? proc_mount_id(f->path.mnt) : 0;
}

static int
proc_show_fdinfo(const struct proc_inode *pi, struct pbuf *b)
{
	struct fd_entry *fe = proc_fd_entry(pi);
	unsigned int flags;

	if (!fe)
		return -ENOENT;
	flags = fe->file->flags;
	if (fe->flags & FD_CLOEXEC_K)
		flags |= K_O_CLOEXEC;
	pbuf_printf(b, "pos:\t%llu\nflags:\t0%o\nmnt_id:\t%d\nino:\t%llu\n",
		    (unsigned long long)fe->file->pos, flags,
		    proc_file_mnt_id(fe->file),
		    (unsigned long long)(fe->file->inode ? fe->file->inode->ino
							 : 0));
	return 0;
}

static const struct proc_entry proc_fd_link_entry = {
	.name = "fd",
	.mode = K_S_IFLNK | 0700,
	.flags = PE_PRIVATE,
	.link_text = proc_fd_text,
	.link_path = proc_fd_path,
};

static const struct proc_entry proc_fdinfo_file_entry = {
	.name = "fdinfo",
	.mode = K_S_IFREG | 0400,
	.flags = PE_PRIVATE,
	.show = proc_show_fdinfo,
};

/* lr-x------ for a read-only fd, l-wx------ for write-only, as Linux. */
static uint32_t
proc_fd_mode(const struct file *f)
{
	uint32_t mode = K_S_IFLNK;

	if (FMODE_READ(f))
		mode |= 0500;
	if (FMODE_WRITE(f))
		mode |= 0300;
	return mode;
}

static int
proc_fd_lookup_kind(struct inode *dir, const char *name, size_t len,
		    struct inode **out, enum proc_ino_kind kind)
{
	struct proc_inode ids = *PI(dir);
	const struct proc_entry *e;
	struct fd_entry *fe;
	long fd;

	if ((fd = proc_name_to_num(name, len)) < 0)
		return -ENOENT;
	ids.fd = (int)fd;
	if ((fe = proc_fd_entry(&ids)) == NULL)
		return -ENOENT;
	e = kind == PROC_KIND_FD ? &proc_fd_link_entry
				 : &proc_fdinfo_file_entry;
	*out = proc_inode_new(dir->sb, e, &ids,
			      proc_pid_ino(ids.pid, kind, (uint64_t)fd));
	if (!*out)
		return -ENOMEM;
	if (kind == PROC_KIND_FD)
		(*out)->mode = proc_fd_mode(fe->file);
	return 0;
}

static int
proc_fd_iterate_kind(struct file *f, struct dir_context *ctx,
		     enum proc_ino_kind kind)
{
	const struct proc_inode *pi = PI(f->inode);
	struct files *files = proc_files(pi);
	char name[16];
	int fd;

	if (!files || !dir_emit_dots(f, ctx) ||
	    ctx->pos - 2 >= (uint64_t)files->size)
		return 0;
	for (fd = (int)(ctx->pos - 2); fd < files->size; fd++) {
		int n;

		if (!files->fd[fd].file)
			continue;
		n = snprintf(name, sizeof(name), "%d", fd);
		ctx->pos = 2 + (uint64_t)fd;
		if (ctx->emit(ctx, name, (size_t)n,
			      proc_pid_ino(pi->pid, kind, (uint64_t)fd),
			      kind == PROC_KIND_FD ? K_DT_LNK : K_DT_REG))
			return 0;
	}
	ctx->pos = 2 + (uint64_t)files->size;
	return 0;
}

static int
proc_fd_lookup(struct inode *dir, const char *name, size_t len,
	       struct inode **out)
{
	return proc_fd_lookup_kind(dir, name, len, out, PROC_KIND_FD);
}

static int
proc_fd_iterate(struct file *f, struct dir_context *ctx)
{
	return proc_fd_iterate_kind(f, ctx, PROC_KIND_FD);
}

static int
proc_fdinfo_lookup(struct inode *dir, const char *name, size_t len,
		   struct inode **out)
{
	return proc_fd_lookup_kind(dir, name, len, out, PROC_KIND_FDINFO);
}

static int
proc_fdinfo_iterate(struct file *f, struct dir_context *ctx)
{
	return proc_fd_iterate_kind(f, ctx, PROC_KIND_FDINFO);
}

const struct proc_dir_ops proc_fd_dir_ops = {
	.lookup = proc_fd_lookup,
	.iterate = proc_fd_iterate,
};

const struct proc_dir_ops proc_fdinfo_dir_ops = {
	.lookup = proc_fdinfo_lookup,
	.iterate = proc_fdinfo_iterate,
};
