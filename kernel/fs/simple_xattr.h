/*
 * Extended attributes kept in memory (simple_xattr.c), for filesystems
 * without a disk (tmpfs).  Same conventions as the inode_ops xattr calls.
 */
#ifndef FS_SIMPLE_XATTR_H
#define FS_SIMPLE_XATTR_H

#include <stddef.h>
#include <sys/types.h>

#include "list.h"

struct simple_xattrs {
	struct list list;
	size_t bytes; /* names and values held, for a size limit */
};

void simple_xattrs_init(struct simple_xattrs *x);
void simple_xattrs_free(struct simple_xattrs *x);
ssize_t simple_xattr_get(struct simple_xattrs *x, const char *name, void *buf,
			 size_t size);
int simple_xattr_set(struct simple_xattrs *x, const char *name,
		     const void *value, size_t size, int flags);
ssize_t simple_xattr_list(struct simple_xattrs *x, char *buf, size_t size);
int simple_xattr_remove(struct simple_xattrs *x, const char *name);

#endif
