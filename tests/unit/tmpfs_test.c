/*
 * Unit test of tmpfs (kernel/fs/tmpfs.c) on the host: names, links,
 * rename rules, readdir positions, file data in a real memfd, limits and
 * teardown; and devtmpfs node creation.  The VFS core is replaced by the
 * few stand-ins below.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "unit.h"

#include "kernel/fs/simple_xattr.c"
#include "kernel/fs/tmpfs.c"
#include "kernel/fs/devtmpfs.c"

/* Stand-ins for the core. */

struct task *current;
uint64_t mem_limit = 64 << 20;
static int live_inodes;

struct timespec_k
current_time(void)
{
	static int64_t now = 1000;

	return (struct timespec_k){ now++, 0 };
}

struct super_block *
sb_alloc(const struct fs_type *type, const struct super_ops *ops)
{
	struct super_block *sb = calloc(1, sizeof(*sb));

	sb->type = type;
	sb->ops = ops;
	list_init(&sb->inodes);
	return sb;
}

void
sb_free(struct super_block *sb)
{
	free(sb);
}

uint64_t
sb_anon_dev(void)
{
	return k_makedev(0, 42);
}

struct inode *
inode_alloc(struct super_block *sb)
{
	struct inode *inode = calloc(1, sizeof(*inode));

	inode->sb = sb;
	inode->refcount = 1;
	list_add(&inode->sb_link, &sb->inodes);
	live_inodes++;
	return inode;
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
	if (--inode->refcount > 0)
		return;
	inode->sb->ops->evict_inode(inode);
	list_del(&inode->sb_link);
	free(inode);
	live_inodes--;
}

struct dentry *
dentry_make_root(struct super_block *sb, struct inode *root)
{
	struct dentry *d = calloc(1, sizeof(*d));

	d->inode = root;
	d->sb = sb;
	d->parent = d;
	return d;
}

bool
dir_emit_dots(struct file *f, struct dir_context *ctx)
{
	if (ctx->pos == 0) {
		if (ctx->emit(ctx, ".", 1, f->inode->ino, K_DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (ctx->emit(ctx, "..", 2, f->inode->ino, K_DT_DIR))
			return false;
		ctx->pos = 2;
	}
	return true;
}

int64_t
generic_llseek(struct file *f, int64_t off, int whence)
{
	f->pos = (uint64_t)off;
	return off;
}

int64_t
cookie_dir_llseek(struct file *f, int64_t off, int whence)
{
	return generic_llseek(f, off, whence);
}

void
init_special_inode(struct inode *inode, uint32_t mode, uint64_t rdev)
{
	inode->mode = mode;
	inode->rdev = rdev;
}

/* devtmpfs_path() walks through the dcache, which this test leaves out. */
int
lookup_one(struct path *dir, const char *name, size_t len,
	   struct dentry **out)
{
	return -ENOENT;
}

void
register_filesystem(struct fs_type *type)
{
}

int
uio_out(struct uio *u, const void *src, size_t n)
{
	memcpy((char *)(uintptr_t)u->base + u->done, src, n);
	u->done += n;
	return 0;
}

int
uio_in(struct uio *u, void *dst, size_t n)
{
	memcpy(dst, (char *)(uintptr_t)u->base + u->done, n);
	u->done += n;
	return 0;
}

int
uio_zero(struct uio *u, size_t n)
{
	memset((char *)(uintptr_t)u->base + u->done, 0, n);
	u->done += n;
	return 0;
}

int
host_memfd_create(const char *name)
{
	return memfd_create(name, MFD_CLOEXEC);
}

ssize_t
host_pread(int fd, void *buf, size_t len, uint64_t off)
{
	return pread(fd, buf, len, (off_t)off);
}

ssize_t
host_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	return pwrite(fd, buf, len, (off_t)off);
}

int
host_ftruncate(int fd, uint64_t len)
{
	return ftruncate(fd, (off_t)len) < 0 ? -errno : 0;
}

int
host_punch_hole(int fd, uint64_t off, uint64_t len)
{
	return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 (off_t)off, (off_t)len) < 0 ? -errno : 0;
}

void
host_close(int fd)
{
	close(fd);
}

/* Helpers */

#define N(s) s, strlen(s)

static struct inode *
mk(struct inode *dir, const char *name, uint32_t mode)
{
	struct inode *i = NULL;
	int err;

	if (K_ISDIR(mode))
		err = dir->i_op->mkdir(dir, N(name), mode, &i);
	else
		err = dir->i_op->create(dir, N(name), mode, &i);
	CHECK_EQ(err, 0);
	inode_put(i); /* the tree keeps it */
	return i;
}

static struct inode *
look(struct inode *dir, const char *name)
{
	struct inode *i = NULL;

	if (dir->i_op->lookup(dir, N(name), &i) < 0)
		return NULL;
	inode_put(i);
	return i;
}

static ssize_t
fwrite_at(struct file *f, const char *s, size_t len)
{
	struct uio u = uio_kernel((void *)s, len);

	f->ops = f->inode->f_op;
	return f->ops->write(f, &u, &f->pos);
}

static ssize_t
fread_at(struct file *f, char *buf, size_t len)
{
	struct uio u = uio_kernel(buf, len);

	f->ops = f->inode->f_op;
	return f->ops->read(f, &u, &f->pos);
}

struct collect {
	struct dir_context ctx;
	int max;
	char names[64][16];
	int n;
};

static int
collect_emit(struct dir_context *ctx, const char *name, size_t len,
	     uint64_t ino, unsigned int type)
{
	struct collect *c = (struct collect *)ctx;

	if (c->n >= c->max)
		return 1;
	snprintf(c->names[c->n++], 16, "%.*s", (int)len, name);
	return 0;
}

/* Tests */

static void
test_names(struct inode *root)
{
	struct inode *d, *f, *out;

	d = mk(root, "d", K_S_IFDIR | 0755);
	CHECK_EQ(root->nlink, 3);
	CHECK_EQ(d->nlink, 2);
	f = mk(d, "f", 0644);
	CHECK(K_ISREG(f->mode));
	CHECK_EQ(f->mode & 07777, 0644);
	CHECK_EQ(d->i_op->create(d, N("f"), 0644, &out), -EEXIST);
	CHECK_EQ(d->i_op->link(f, d, N("g")), 0);
	CHECK_EQ(f->nlink, 2);
	CHECK(look(d, "g") == f);
	CHECK_EQ(d->i_op->link(d, root, N("dl")), -EPERM);
	CHECK_EQ(root->i_op->rmdir(root, N("d"), d), -ENOTEMPTY);
	CHECK_EQ(d->i_op->unlink(d, N("f"), f), 0);
	CHECK_EQ(f->nlink, 1);
	CHECK_EQ(d->i_op->unlink(d, N("g"), f), 0);
	CHECK(look(d, "g") == NULL);
	CHECK_EQ(root->i_op->rmdir(root, N("d"), d), 0);
	CHECK_EQ(root->nlink, 2);
	CHECK_EQ(live_inodes, 1);
	CHECK_EQ(root->i_op->mknod(root, N("null"), K_S_IFCHR | 0666,
				   k_makedev(1, 3), &out), 0);
	CHECK_EQ(out->rdev, k_makedev(1, 3));
	CHECK(out->i_op == &tmpfs_special_iops);
	inode_put(out);
	CHECK_EQ(root->i_op->symlink(root, N("ln"), "/some/where", &out), 0);
	{
		char buf[64];

		CHECK_EQ(out->i_op->readlink(out, buf, sizeof(buf)), 11);
		CHECK(memcmp(buf, "/some/where", 11) == 0);
		CHECK_EQ(out->i_op->readlink(out, buf, 4), 4);
	}
	inode_put(out);
	CHECK_EQ(root->i_op->unlink(root, N("ln"), NULL), 0);
	CHECK_EQ(root->i_op->unlink(root, N("null"), NULL), 0);
	CHECK_EQ(live_inodes, 1);
}

static void
test_rename(struct inode *root)
{
	struct inode *a, *b, *f, *g, *sub;

	a = mk(root, "a", K_S_IFDIR | 0755);
	b = mk(root, "b", K_S_IFDIR | 0755);
	mk(root, "e", K_S_IFDIR | 0755);
	f = mk(a, "f", 0644);
	g = mk(root, "g", 0644);
	sub = mk(a, "sub", K_S_IFDIR | 0755);
	CHECK_EQ(root->nlink, 5);
	CHECK_EQ(a->nlink, 3);
	/* file over file, across directories */
	CHECK_EQ(root->i_op->rename(a, N("f"), root, N("g"), 0), 0);
	CHECK(look(root, "g") == f);
	CHECK(look(a, "f") == NULL);
	(void)g; /* replaced and freed */
	CHECK_EQ(live_inodes, 6);
	/* type rules */
	CHECK_EQ(root->i_op->rename(root, N("g"), root, N("b"), 0), -EISDIR);
	CHECK_EQ(root->i_op->rename(root, N("b"), root, N("g"), 0), -ENOTDIR);
	CHECK_EQ(root->i_op->rename(root, N("b"), root, N("a"), 0), -ENOTEMPTY);
	CHECK_EQ(root->i_op->rename(root, N("a"), sub, N("x"), 0), -EINVAL);
	CHECK_EQ(root->i_op->rename(root, N("a"), a, N("x"), 0), -EINVAL);
	CHECK_EQ(root->i_op->rename(root, N("g"), root, N("b"), 3), -EINVAL);
	CHECK_EQ(root->i_op->rename(root, N("g"), root, N("e"),
				    K_RENAME_NOREPLACE), -EEXIST);
	CHECK_EQ(root->i_op->rename(root, N("nope"), root, N("x"), 0), -ENOENT);
	/* dir over empty dir, across parents: link counts */
	CHECK_EQ(root->i_op->rename(a, N("sub"), root, N("e"), 0), 0);
	CHECK(look(root, "e") == sub);
	CHECK_EQ(a->nlink, 2);
	CHECK_EQ(root->nlink, 5);
	CHECK(TI(sub)->parent == root);
	/* exchange a directory and a file across directories */
	CHECK_EQ(root->i_op->rename(root, N("e"), b, N("y"),
				    K_RENAME_EXCHANGE), -ENOENT);
	mk(b, "y", 0644);
	CHECK_EQ(root->i_op->rename(root, N("e"), b, N("y"),
				    K_RENAME_EXCHANGE), 0);
	CHECK(look(b, "y") == sub);
	CHECK(K_ISREG(look(root, "e")->mode));
	CHECK_EQ(b->nlink, 3);
	CHECK_EQ(root->nlink, 4);
	/* same inode: no-op */
	CHECK_EQ(root->i_op->link(f, root, N("g2")), 0);
	CHECK_EQ(root->i_op->rename(root, N("g"), root, N("g2"), 0), 0);
	CHECK(look(root, "g") == f && look(root, "g2") == f);
}

static void
test_readdir(struct inode *root)
{
	struct file f = { .inode = mk(root, "rd", K_S_IFDIR | 0755) };
	struct inode *d = f.inode;
	struct collect c = { .ctx.emit = collect_emit, .max = 3 };

	mk(d, "a", 0644);
	mk(d, "b", 0644);
	mk(d, "c", 0644);
	CHECK_EQ(tmpfs_iterate(&f, &c.ctx), 0);
	CHECK_EQ(c.n, 3);
	CHECK(strcmp(c.names[0], ".") == 0 && strcmp(c.names[2], "a") == 0);
	/* b goes, d comes: the reader resumes after a */
	CHECK_EQ(d->i_op->unlink(d, N("b"), NULL), 0);
	mk(d, "d", 0644);
	c.n = 0;
	c.max = 64;
	CHECK_EQ(tmpfs_iterate(&f, &c.ctx), 0);
	CHECK_EQ(c.n, 2);
	CHECK(strcmp(c.names[0], "c") == 0 && strcmp(c.names[1], "d") == 0);
	c.n = 0;
	CHECK_EQ(tmpfs_iterate(&f, &c.ctx), 0);
	CHECK_EQ(c.n, 0);
	CHECK_EQ(d->size, 5 * TMPFS_BOGO_DIRENT);
}

static void
test_data(struct inode *root)
{
	struct file f = { .inode = mk(root, "data", 0644), .flags = 2 };
	struct iattr ia = { .valid = ATTR_SIZE, .size = 10 };
	struct inode *i = f.inode;
	char buf[32];

	CHECK_EQ(TI(i)->memfd, -1);
	CHECK_EQ(i->i_op->setattr(i, &ia), 0);
	CHECK_EQ(fread_at(&f, buf, sizeof(buf)), 10);
	CHECK(buf[0] == 0 && buf[9] == 0);
	CHECK_EQ(TI(i)->memfd, -1); /* still no data */
	f.pos = 2;
	CHECK_EQ(fwrite_at(&f, "hello", 5), 5);
	CHECK_EQ(i->size, 10);
	f.pos = 0;
	CHECK_EQ(fread_at(&f, buf, sizeof(buf)), 10);
	CHECK(memcmp(buf, "\0\0hello\0\0\0", 10) == 0);
	f.flags |= K_O_APPEND;
	f.pos = 0;
	CHECK_EQ(fwrite_at(&f, "XY", 2), 2);
	CHECK_EQ(i->size, 12);
	CHECK_EQ(f.pos, 12);
	ia.size = 4;
	CHECK_EQ(i->i_op->setattr(i, &ia), 0);
	f.pos = 0;
	CHECK_EQ(fread_at(&f, buf, sizeof(buf)), 4);
	CHECK_EQ(tmpfs_file_llseek(&f, 1, K_SEEK_HOLE), 4);
	CHECK_EQ(tmpfs_file_llseek(&f, 4, K_SEEK_DATA), -ENXIO);
	f.flags = 2;
	f.pos = TMPFS_MAX_SIZE;
	CHECK_EQ(fwrite_at(&f, "x", 1), -EFBIG);
	ia.valid = ATTR_MODE;
	ia.mode = K_S_IFDIR | 04755;
	CHECK_EQ(i->i_op->setattr(i, &ia), 0);
	CHECK_EQ(i->mode, K_S_IFREG | 04755);
}

/* Unlinked while open: the data lives until the last reference. */
static void
test_unlink_open(struct inode *root)
{
	struct inode *i = mk(root, "open", 0644);
	struct file f = { .inode = inode_get(i), .flags = 2 };
	int before = live_inodes;
	char buf[4];

	CHECK_EQ(fwrite_at(&f, "abc", 3), 3);
	CHECK_EQ(root->i_op->unlink(root, N("open"), i), 0);
	CHECK_EQ(live_inodes, before);
	CHECK_EQ(i->nlink, 0);
	f.pos = 0;
	CHECK_EQ(fread_at(&f, buf, 3), 3);
	inode_put(f.inode);
	CHECK_EQ(live_inodes, before - 1);
}

static void
test_limits(void)
{
	struct super_block *sb;
	struct inode *root, *i;
	struct kstatfs st;
	struct file f;
	char big[8192] = { 0 };

	CHECK_EQ(tmpfs_fill_super(&tmpfs_fs_type, &tmpfs_super_ops,
				  "size=8k,nr_inodes=3,mode=0700,uid=7,rw",
				  &sb), 0);
	root = sb->root->inode;
	CHECK_EQ(root->mode, K_S_IFDIR | 0700);
	CHECK_EQ(root->uid, 7);
	CHECK(strcmp(tmpfs_show_options(sb),
		     "size=8k,nr_inodes=3,mode=700,uid=7") == 0);
	i = mk(root, "f", 0644);
	f = (struct file){ .inode = i, .flags = 2 };
	CHECK_EQ(fwrite_at(&f, big, 5000), 5000);
	CHECK_EQ(fwrite_at(&f, big, 5000), 3192);
	CHECK_EQ(fwrite_at(&f, big, 1), -ENOSPC);
	CHECK_EQ(tmpfs_statfs(sb, &st), 0);
	CHECK_EQ(st.type, TMPFS_MAGIC);
	CHECK_EQ(st.blocks, 2);
	CHECK_EQ(st.bfree, 0);
	mk(root, "g", 0644);
	CHECK_EQ(root->i_op->mkdir(root, N("h"), 0755, &i), -ENOSPC);
	tmpfs_put_super(sb);
	inode_put(root);
	free(sb->root);
	sb_free(sb);
	CHECK_EQ(tmpfs_fill_super(&tmpfs_fs_type, &tmpfs_super_ops,
				  "mode=abc", &sb), -EINVAL);
	CHECK_EQ(tmpfs_fill_super(&tmpfs_fs_type, &tmpfs_super_ops,
				  "size=5q", &sb), -EINVAL);
}

/* A deep tree goes away at put_super without recursion. */
static void
test_teardown(void)
{
	struct super_block *sb;
	struct inode *dir, *root;
	int before = live_inodes, n;
	char name[8];

	CHECK_EQ(tmpfs_make_root(&sb), 0);
	root = dir = sb->root->inode;
	CHECK_EQ(root->mode, K_S_IFDIR | 0755);
	for (n = 0; n < 20000; n++) {
		snprintf(name, sizeof(name), "%d", n % 3);
		mk(dir, "file", 0644);
		dir = mk(dir, name, K_S_IFDIR | 0755);
	}
	CHECK_EQ(live_inodes, before + 40001);
	tmpfs_put_super(sb);
	CHECK_EQ(live_inodes, before + 1);
	inode_put(root);
	free(sb->root);
	sb_free(sb);
	CHECK_EQ(live_inodes, before);
}

static void
test_devtmpfs(void)
{
	struct super_block *sb;
	struct inode *root, *pts, *n;
	char buf[32];

	CHECK_EQ(devtmpfs_create_node("null", K_S_IFCHR | 0666, 0), -ENODEV);
	CHECK_EQ(devtmpfs_init(), 0);
	CHECK_EQ(devtmpfs_mount(&devtmpfs_fs_type, NULL, "x", 0, NULL, &sb), 0);
	CHECK(sb == devtmpfs_super());
	root = sb->root->inode;
	CHECK_EQ(root->mode, K_S_IFDIR | 0755);
	CHECK_EQ(devtmpfs_create_node("null", K_S_IFCHR | 0666,
				      k_makedev(1, 3)), 0);
	CHECK_EQ(devtmpfs_create_node("null", K_S_IFCHR | 0666,
				      k_makedev(1, 3)), -EEXIST);
	CHECK_EQ(devtmpfs_create_node("pts/0", K_S_IFCHR | 0620,
				      k_makedev(136, 0)), 0);
	CHECK_EQ(devtmpfs_create_node("a//b/c", K_S_IFBLK | 0600, 7), 0);
	CHECK_EQ(devtmpfs_create_node("null/x", K_S_IFCHR | 0666, 0),
		 -ENOTDIR);
	CHECK_EQ(devtmpfs_create_node("../x", K_S_IFCHR | 0666, 0), -EINVAL);
	CHECK_EQ(devtmpfs_create_node("x/", K_S_IFCHR | 0666, 0), -EINVAL);
	n = look(root, "null");
	CHECK(n && n->rdev == k_makedev(1, 3) && n->mode == (K_S_IFCHR | 0666));
	pts = look(root, "pts");
	CHECK(pts && look(pts, "0"));
	CHECK_EQ(look(pts, "0")->rdev, k_makedev(136, 0));
	CHECK(look(look(look(root, "a"), "b"), "c") != NULL);
	n = look(root, "stderr");
	CHECK(n && K_ISLNK(n->mode));
	CHECK_EQ(n->i_op->readlink(n, buf, sizeof(buf)), 15);
	CHECK(memcmp(buf, "/proc/self/fd/2", 15) == 0);
	CHECK_EQ(look(root, "shm")->mode, K_S_IFDIR | 01777);
	CHECK_EQ(sb->active, 1);
	tmpfs_put_super(sb);
	inode_put(root);
	free(sb->root);
	sb_free(sb);
}

int
main(void)
{
	struct super_block *sb;
	struct inode *root;

	CHECK_EQ(tmpfs_fill_super(&tmpfs_fs_type, &tmpfs_super_ops, NULL, &sb),
		 0);
	root = sb->root->inode;
	CHECK_EQ(root->mode, K_S_IFDIR | 01777);
	CHECK_EQ(root->nlink, 2);
	test_names(root);
	test_rename(root);
	test_readdir(root);
	test_data(root);
	test_unlink_open(root);
	test_limits();
	test_teardown();
	test_devtmpfs();
	tmpfs_put_super(sb);
	inode_put(root);
	free(sb->root);
	sb_free(sb);
	return unit_done("tmpfs");
}
