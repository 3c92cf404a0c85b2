/*
 * Path walk: turning names into places in the tree (namei.c).
 *
 * Walks start at the task's root or cwd, or at a directory fd (the *at
 * calls).  They follow symlinks (at most SYMLOOP_MAX_K), cross mount points
 * in both directions, never climb above the task's root with "..", and
 * check search permission on every directory passed.
 */
#ifndef FS_NAMEI_H
#define FS_NAMEI_H

#include "fs/vfs.h"

#define AT_FDCWD_K (-100)

/* lookup flags */
#define LOOKUP_FOLLOW 1	   /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 2 /* the result must be a directory */
#define LOOKUP_EMPTY 4	   /* "" names the starting point (AT_EMPTY_PATH) */
#define LOOKUP_BENEATH 8   /* never leave the starting point (openat2) */

/*
 * Resolve name relative to dirfd for task t.  On success *out holds a new
 * reference to an existing place.  -ENOENT, -ENOTDIR, -ELOOP, -EACCES …
 */
int path_lookup(struct task *t, int dirfd, const char *name, unsigned int flags,
		struct path *out);

/*
 * Resolve everything but the last component: *parent is a new reference
 * to the directory, *last points into name (not copied), *lastlen its
 * length (0 for "/" or names ending in "/." style that have no last name;
 * callers treat that as -EEXIST or -EISDIR as the syscall requires).
 * trailing_slash tells whether name ended in '/'.
 */
int path_parent(struct task *t, int dirfd, const char *name,
		struct path *parent, const char **last, size_t *lastlen,
		bool *trailing_slash);

/*
 * Look up one name in a directory (no symlink following, no mount
 * crossing of the result): a new reference to a dentry that may be
 * negative.  Caller checked MAY_EXEC on dir.
 */
int lookup_one(struct path *dir, const char *name, size_t len,
	       struct dentry **out);

/*
 * Resolve a guest path argument of the *at family: atflags may hold
 * AT_SYMLINK_NOFOLLOW (0x100) and AT_EMPTY_PATH (0x1000).
 */
int user_path_at(struct task *t, int dirfd, uaddr_t upath, int atflags,
		 struct path *out);

/*
 * Make a node of mode (a file type and permission bits, umask applied by
 * the caller) at a kernel path name, relative to t's cwd, as mknod does:
 * bind(2) of a unix socket.  *out gets the new place.  -EEXIST if the
 * name exists; the path walk's and the filesystem's errors otherwise.
 */
int vfs_mknod_name(struct task *t, const char *name, uint32_t mode,
		   struct path *out);

/* Step into whatever is mounted on p, repeatedly. */
void follow_mounts(struct path *p);

/* The name of p as seen from root: into buf, returns length or -errno. */
long path_name(const struct path *p, const struct path *root, char *buf,
	       size_t len);

#endif
