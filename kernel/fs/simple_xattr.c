/*
 * In-memory extended attributes: a list of (name, value) pairs per inode,
 * with a bound on what one inode may hold so a guest cannot exhaust the
 * kernel's memory through them.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/simple_xattr.h"

#define SIMPLE_XATTR_MAX_BYTES (1 << 20)

struct simple_xattr {
	struct list link;
	char *name;
	size_t size;
	char value[];
};

void
simple_xattrs_init(struct simple_xattrs *x)
{
	list_init(&x->list);
	x->bytes = 0;
}

static void
xattr_free(struct simple_xattrs *x, struct simple_xattr *a)
{
	x->bytes -= strlen(a->name) + 1 + a->size;
	list_del(&a->link);
	free(a->name);
	free(a);
}

void
simple_xattrs_free(struct simple_xattrs *x)
{
	while (!list_empty(&x->list))
		xattr_free(x, list_first_entry(&x->list, struct simple_xattr,
					       link));
}

static struct simple_xattr *
xattr_find(struct simple_xattrs *x, const char *name)
{
	struct simple_xattr *a;

	list_for_each_entry(a, &x->list, link)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

ssize_t
simple_xattr_get(struct simple_xattrs *x, const char *name, void *buf,
		 size_t size)
{
	struct simple_xattr *a = xattr_find(x, name);

	if (!a)
		return -ENODATA;
	if (size == 0)
		return (ssize_t)a->size;
	if (size < a->size)
		return -ERANGE;
	memcpy(buf, a->value, a->size);
	return (ssize_t)a->size;
}

int
simple_xattr_set(struct simple_xattrs *x, const char *name, const void *value,
		 size_t size, int flags)
{
	struct simple_xattr *old = xattr_find(x, name), *a;
	size_t need = strlen(name) + 1 + size;

	if ((flags & 1) && old)
		return -EEXIST;
	if ((flags & 2) && !old)
		return -ENODATA;
	if (x->bytes + need - (old ? strlen(old->name) + 1 + old->size : 0) >
	    SIMPLE_XATTR_MAX_BYTES)
		return -ENOSPC;
	if ((a = malloc(sizeof(*a) + size)) == NULL ||
	    (a->name = strdup(name)) == NULL) {
		free(a);
		return -ENOMEM;
	}
	a->size = size;
	if (size)	/* an empty value may come as NULL */
		memcpy(a->value, value, size);
	if (old) {
		list_add(&a->link, &old->link); /* keep the listing order */
		xattr_free(x, old);
	} else {
		list_add_tail(&a->link, &x->list);
	}
	x->bytes += need;
	return 0;
}

ssize_t
simple_xattr_list(struct simple_xattrs *x, char *buf, size_t size)
{
	struct simple_xattr *a;
	size_t len = 0;

	list_for_each_entry(a, &x->list, link) {
		size_t n = strlen(a->name) + 1;

		if (size && len + n <= size)
			memcpy(buf + len, a->name, n);
		else if (size)
			return -ERANGE;
		len += n;
	}
	return (ssize_t)len;
}

int
simple_xattr_remove(struct simple_xattrs *x, const char *name)
{
	struct simple_xattr *a = xattr_find(x, name);

	if (!a)
		return -ENODATA;
	xattr_free(x, a);
	return 0;
}
