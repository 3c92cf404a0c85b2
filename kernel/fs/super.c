/*
 * The VFS object caches: filesystem types, super blocks, inodes and
 * dentries.
 *
 * Inodes are cached per super block and looked up by number (inode_find),
 * so a file reached by two names is one object.  Dentries form the name
 * tree the path walk uses; a dentry holds a reference to its parent and
 * to its inode.  Unused dentries stay cached (the tree is small next to
 * a guest's memory); unlinked ones are unhashed and die with their last
 * reference.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/vfs.h"
#include "host/host.h"
#include "mm/pagecache.h"
#include "printk.h"

static struct list fs_types = LIST_INIT(fs_types);

void
register_filesystem(struct fs_type *type)
{
	list_add_tail(&type->link, &fs_types);
}

const struct fs_type *
find_filesystem(const char *name)
{
	struct fs_type *t;

	list_for_each_entry(t, &fs_types, link)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

void
for_each_filesystem(void (*fn)(const struct fs_type *t, void *arg), void *arg)
{
	struct fs_type *t;

	list_for_each_entry(t, &fs_types, link)
		fn(t, arg);
}

struct timespec_k
current_time(void)
{
	int64_t ns = host_clock(0 /* CLOCK_REALTIME */);

	return (struct timespec_k){ ns / 1000000000, ns % 1000000000 };
}

uint64_t
sb_anon_dev(void)
{
	static unsigned int next_minor = 1;

	return k_makedev(0, next_minor++);
}

struct super_block *
sb_alloc(const struct fs_type *type, const struct super_ops *ops)
{
	struct super_block *sb = calloc(1, sizeof(*sb));

	if (!sb)
		return NULL;
	sb->type = type;
	sb->ops = ops;
	sb->next_ino = 1;
	list_init(&sb->inodes);
	return sb;
}

void
sb_free(struct super_block *sb)
{
	free(sb->source);
	free(sb);
}

int
sync_filesystem(struct super_block *sb)
{
	int r = pagecache_sync_sb(sb), e = 0;

	if (sb->ops && sb->ops->sync_fs)
		e = sb->ops->sync_fs(sb);
	return r < 0 ? r : e;
}

struct inode *
inode_alloc(struct super_block *sb)
{
	struct inode *inode = calloc(1, sizeof(*inode));

	if (!inode)
		return NULL;
	inode->sb = sb;
	inode->refcount = 1;
	inode->nlink = 1;
	inode->blksize = 4096;
	inode->atime = inode->mtime = inode->ctime = inode->btime =
		current_time();
	list_add(&inode->sb_link, &sb->inodes);
	return inode;
}

struct inode *
inode_find(struct super_block *sb, uint64_t ino)
{
	struct inode *inode;

	list_for_each_entry(inode, &sb->inodes, sb_link) {
		if (inode->ino == ino) {
			/* Most recently used first: lookups stay short. */
			list_del(&inode->sb_link);
			list_add(&inode->sb_link, &sb->inodes);
			return inode_get(inode);
		}
	}
	return NULL;
}

struct inode *
inode_get(struct inode *inode)
{
	inode->refcount++;
	return inode;
}

void
inode_put(struct inode *inode)
{
	if (!inode || --inode->refcount > 0)
		return;
	list_del(&inode->sb_link);
	pagecache_free(inode->pcache);
	if (inode->sb->ops && inode->sb->ops->evict_inode)
		inode->sb->ops->evict_inode(inode);
	free(inode);
}

struct dentry *
dentry_alloc(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d = calloc(1, sizeof(*d));

	if (!d || (d->name = malloc(len + 1)) == NULL) {
		free(d);
		return NULL;
	}
	memcpy(d->name, name, len);
	d->name[len] = 0;
	d->len = len;
	d->refcount = parent ? 2 : 1;
	list_init(&d->children);
	list_init(&d->sibling);
	if (parent) {
		d->parent = dentry_get(parent);
		d->sb = parent->sb;
		list_add(&d->sibling, &parent->children);
	} else {
		d->parent = d;
		d->unhashed = true;
	}
	return d;
}

struct dentry *
dentry_add(struct dentry *parent, const char *name, size_t len,
	   struct inode *inode)
{
	struct dentry *d = dentry_alloc(parent, name, len);

	if (!d) {
		inode_put(inode);
		return NULL;
	}
	d->inode = inode;
	if (parent->sb->no_dcache)
		dentry_unhash(d);
	return d;
}

struct dentry *
dentry_make_root(struct super_block *sb, struct inode *root)
{
	struct dentry *d = dentry_alloc(NULL, "/", 1);

	if (!d) {
		inode_put(root);
		return NULL;
	}
	d->sb = sb;
	d->inode = root;
	sb->root = d;
	return d;
}

struct dentry *
dentry_get(struct dentry *d)
{
	d->refcount++;
	return d;
}

/* Take d out of the name tree (unlink, rmdir, rename over it). */
void
dentry_unhash(struct dentry *d)
{
	if (d->unhashed)
		return;
	d->unhashed = true;
	list_del(&d->sibling);
	dentry_put(d);
}

/*
 * The name tree holds one reference to every hashed dentry, so an unused
 * cached dentry has refcount 1 and lives until it is unhashed.
 */
void
dentry_put(struct dentry *d)
{
	while (d && --d->refcount == 0) {
		struct dentry *parent = d->parent;

		list_del(&d->sibling);
		if (d->inode)
			inode_put(d->inode);
		free(d->name);
		free(d);
		d = parent == d ? NULL : parent;
	}
}
