/*
 * Per-task file state: the fd table (struct files, shared by CLONE_FILES)
 * and the root, cwd and umask (struct fs_info, shared by CLONE_FS).
 */
#ifndef FS_FDTABLE_H
#define FS_FDTABLE_H

#include "fs/vfs.h"

#define FD_CLOEXEC_K 1

struct fd_entry {
	struct file *file;
	unsigned int flags; /* FD_CLOEXEC_K */
};

struct files {
	int refcount;
	int size; /* slots in fd[] */
	struct fd_entry *fd;
};

struct fs_info {
	int refcount;
	struct path root, cwd;
	uint32_t umask;
};

struct files *files_alloc(void);
struct files *files_copy(struct files *src); /* fork without CLONE_FILES */
void files_put(struct files *files);
/* Close every close-on-exec fd (execve). */
void files_close_on_exec(struct files *files);

/*
 * The file at fd with a new reference, or NULL (the caller returns
 * -EBADF).
 */
struct file *fd_get(struct task *t, int fd);
/*
 * Install f at the lowest free fd >= minfd, taking over the caller's
 * reference.  The fd, or -EMFILE (f is then put).
 */
int fd_install(struct task *t, struct file *f, unsigned int fdflags, int minfd);
/* Install f at exactly fd, closing what was there (dup2). */
int fd_install_at(struct task *t, int fd, struct file *f, unsigned int fdflags);
int fd_close(struct task *t, int fd);
int fd_get_flags(struct task *t, int fd);
int fd_set_flags(struct task *t, int fd, unsigned int fdflags);
/* RLIMIT_NOFILE: the first fd that may not be used. */
int fd_limit(struct task *t);

struct fs_info *fs_info_alloc(const struct path *root);
struct fs_info *fs_info_copy(struct fs_info *src);
void fs_info_put(struct fs_info *fs);

#endif
