/*
 * File descriptor tables and per-task fs state (root, cwd, umask).
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "fs/locks.h"
#include "task.h"

#define FD_INITIAL 64
#define NR_OPEN_DEFAULT 1024

struct files *
files_alloc(void)
{
	struct files *files = calloc(1, sizeof(*files));

	if (!files)
		return NULL;
	files->refcount = 1;
	files->size = FD_INITIAL;
	if ((files->fd = calloc(FD_INITIAL, sizeof(*files->fd))) == NULL) {
		free(files);
		return NULL;
	}
	return files;
}

struct files *
files_copy(struct files *src)
{
	struct files *files = calloc(1, sizeof(*files));
	int i;

	if (!files)
		return NULL;
	files->refcount = 1;
	files->size = src->size;
	if ((files->fd = calloc((size_t)src->size, sizeof(*files->fd))) == NULL) {
		free(files);
		return NULL;
	}
	for (i = 0; i < src->size; i++) {
		files->fd[i] = src->fd[i];
		if (files->fd[i].file)
			file_get(files->fd[i].file);
	}
	return files;
}

/* files lets go of f from one of its slots: a close, as POSIX locks see it. */
static void
files_drop(struct files *files, struct file *f)
{
	locks_remove_posix(files, f);
	file_put(f);
}

void
files_put(struct files *files)
{
	int i;

	if (!files || --files->refcount > 0)
		return;
	for (i = 0; i < files->size; i++)
		if (files->fd[i].file)
			files_drop(files, files->fd[i].file);
	free(files->fd);
	free(files);
}

void
files_close_on_exec(struct files *files)
{
	int i;

	for (i = 0; i < files->size; i++) {
		if (files->fd[i].file && (files->fd[i].flags & FD_CLOEXEC_K)) {
			files_drop(files, files->fd[i].file);
			files->fd[i].file = NULL;
			files->fd[i].flags = 0;
		}
	}
}

int
fd_limit(struct task *t)
{
	return t->proc && t->proc->rlim_nofile ? (int)t->proc->rlim_nofile
					       : NR_OPEN_DEFAULT;
}

struct file *
fd_get(struct task *t, int fd)
{
	struct files *files = t->files;

	if (fd < 0 || fd >= files->size || !files->fd[fd].file)
		return NULL;
	return file_get(files->fd[fd].file);
}

static int
files_grow(struct files *files, int need)
{
	int size = files->size;
	struct fd_entry *n;

	while (size <= need)
		size *= 2;
	if ((n = realloc(files->fd, sizeof(*n) * (size_t)size)) == NULL)
		return -ENOMEM;
	memset(n + files->size, 0, sizeof(*n) * (size_t)(size - files->size));
	files->fd = n;
	files->size = size;
	return 0;
}

int
fd_install(struct task *t, struct file *f, unsigned int fdflags, int minfd)
{
	struct files *files = t->files;
	int fd, limit = fd_limit(t);

	for (fd = minfd; fd < limit; fd++) {
		if (fd >= files->size && files_grow(files, fd) < 0)
			break;
		if (!files->fd[fd].file) {
			files->fd[fd].file = f;
			files->fd[fd].flags = fdflags;
			return fd;
		}
	}
	file_put(f);
	return -EMFILE;
}

int
fd_install_at(struct task *t, int fd, struct file *f, unsigned int fdflags)
{
	struct files *files = t->files;
	struct file *old;

	if (fd < 0 || fd >= fd_limit(t)) {
		file_put(f);
		return -EBADF;
	}
	if (fd >= files->size && files_grow(files, fd) < 0) {
		file_put(f);
		return -ENOMEM;
	}
	old = files->fd[fd].file;
	files->fd[fd].file = f;
	files->fd[fd].flags = fdflags;
	if (old)
		files_drop(files, old);
	return fd;
}

int
fd_close(struct task *t, int fd)
{
	struct files *files = t->files;
	struct file *f;

	if (fd < 0 || fd >= files->size || !(f = files->fd[fd].file))
		return -EBADF;
	files->fd[fd].file = NULL;
	files->fd[fd].flags = 0;
	files_drop(files, f);
	return 0;
}

int
fd_get_flags(struct task *t, int fd)
{
	struct files *files = t->files;

	if (fd < 0 || fd >= files->size || !files->fd[fd].file)
		return -EBADF;
	return (int)files->fd[fd].flags;
}

int
fd_set_flags(struct task *t, int fd, unsigned int fdflags)
{
	struct files *files = t->files;

	if (fd < 0 || fd >= files->size || !files->fd[fd].file)
		return -EBADF;
	files->fd[fd].flags = fdflags;
	return 0;
}

struct fs_info *
fs_info_alloc(const struct path *root)
{
	struct fs_info *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	fs->root = *root;
	fs->cwd = *root;
	path_get(root);
	path_get(root);
	fs->umask = 022;
	return fs;
}

struct fs_info *
fs_info_copy(struct fs_info *src)
{
	struct fs_info *fs = malloc(sizeof(*fs));

	if (!fs)
		return NULL;
	*fs = *src;
	fs->refcount = 1;
	path_get(&fs->root);
	path_get(&fs->cwd);
	return fs;
}

void
fs_info_put(struct fs_info *fs)
{
	if (!fs || --fs->refcount > 0)
		return;
	path_put(&fs->root);
	path_put(&fs->cwd);
	free(fs);
}
