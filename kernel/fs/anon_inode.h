/*
 * Anonymous files (anon_inode.c): open files with no place in the tree,
 * such as eventfd, timerfd, signalfd, epoll and pidfd objects.
 *
 * As in Linux, every file of one kind shares one inode on an internal
 * filesystem named after the kind, so /proc/PID/fd shows them as
 * "anon_inode:[eventfd]" and fstat reports a mode of 0600 without a file
 * type.  The object behind a file is f->priv, owned by the file: its ops'
 * release frees it.
 */
#ifndef FS_ANON_INODE_H
#define FS_ANON_INODE_H

#include "fs/vfs.h"

/* Guest open flags the anonymous-file syscalls take. */
#define K_O_RDWR_ANON 02
#define K_O_NONBLOCK_ANON 04000
#define K_O_CLOEXEC_ANON 02000000

struct task;

/*
 * A new anonymous file of kind name ("eventfd" …, a string that lives
 * forever) with ops and priv; flags are O_* access and status flags.
 * NULL when out of memory: priv then stays the caller's.
 */
struct file *anon_inode_file(const char *name, const struct file_ops *ops,
			     void *priv, unsigned int flags);

/*
 * As anon_inode_file, and install the file in t's fd table (close-on-exec
 * if flags has O_CLOEXEC).  The fd or -errno; on -EMFILE the file was made
 * and released again, so priv is gone; on -ENOMEM priv is the caller's.
 * Callers tell the two apart by freeing priv only on -ENOMEM.
 */
int anon_inode_fd(struct task *t, const char *name,
		  const struct file_ops *ops, void *priv, unsigned int flags);

/* lseek on most anonymous files: nothing moves, the position is 0. */
int64_t anon_noop_llseek(struct file *f, int64_t off, int whence);

/* Is f an anonymous file with these ops?  (Type checks: "not a timerfd".) */
static inline bool
anon_file_is(const struct file *f, const struct file_ops *ops)
{
	return f->ops == ops && f->path.mnt == NULL;
}

#endif
