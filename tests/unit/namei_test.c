/*
 * Unit test of the path walk (kernel/fs/namei.c) on the host, over real
 * tmpfs trees and the real dentry cache (super.c), permission checks
 * (perm.c) and path references (file.c): components, "." and "..",
 * symlinks and ELOOP, mounts in both directions, a chroot, search
 * permission, the lookup flags, directory fds, path_parent and path_name.
 * Every walk must give back the references it took: at the end the whole
 * dentry tree is pruned and must free itself (ASan's leak check).
 *
 * Stand-ins: a task with its fs_info, a five-slot fd table, a two-entry
 * mount table (mount_lookup), and the host calls tmpfs makes.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "unit.h"

#include "kernel/fs/file.c"
#include "kernel/fs/namei.c"
#include "kernel/fs/perm.c"
#include "kernel/fs/super.c"
#include "kernel/fs/simple_xattr.c"
#include "kernel/fs/tmpfs.c"

/* Stand-ins for the rest of the kernel. */

struct task *current; /* NULL: tmpfs makes root-owned inodes */
uint64_t mem_limit = 64 << 20;
static struct fs_info fsinfo;
static struct task task0 = { .tid = 1, .fs = &fsinfo };
static struct mount mounts[2]; /* [0] the root, [1] a tmpfs on /mnt */
static struct file *fdtab[5];

struct mount *
mount_lookup(struct mount *parent, struct dentry *mountpoint)
{
	if (mounts[1].parent == parent && mounts[1].mountpoint == mountpoint)
		return &mounts[1];
	return NULL;
}

struct file *
fd_get(struct task *t, int fd)
{
	if (fd < 0 || fd >= 5 || !fdtab[fd])
		return NULL;
	return file_get(fdtab[fd]);
}

int64_t
host_clock(int clockid)
{
	return 1000000000;
}

void
eventpoll_release_file(struct file *f)
{
}

void
locks_remove_file(struct file *f)
{
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

void
init_special_inode(struct inode *inode, uint32_t mode, uint64_t rdev)
{
	inode->rdev = rdev;
}

void
pagecache_free(struct page_cache *pc)
{
}

int
pagecache_sync_sb(struct super_block *sb)
{
	return 0;
}

int
uio_out(struct uio *u, const void *src, size_t n)
{
	return -EFAULT;
}

int
uio_in(struct uio *u, void *dst, size_t n)
{
	return -EFAULT;
}

int
uio_zero(struct uio *u, size_t n)
{
	return -EFAULT;
}

/* Building the trees. */

#define N(s) s, strlen(s)

static struct inode *
mk(struct inode *dir, const char *name, uint32_t mode)
{
	struct inode *i = NULL;

	if (K_ISDIR(mode))
		CHECK_EQ(dir->i_op->mkdir(dir, N(name), mode, &i), 0);
	else
		CHECK_EQ(dir->i_op->create(dir, N(name), mode, &i), 0);
	inode_put(i); /* the tree keeps it */
	return i;
}

static void
ln(struct inode *dir, const char *name, const char *target)
{
	struct inode *i = NULL;

	CHECK_EQ(dir->i_op->symlink(dir, N(name), target, &i), 0);
	inode_put(i);
}

static struct super_block *
new_tmpfs(struct mount *m, struct mount *parent, struct dentry *mountpoint)
{
	struct super_block *sb;

	CHECK_EQ(tmpfs_make_root(&sb), 0);
	memset(m, 0, sizeof(*m));
	m->sb = sb;
	m->root = sb->root;
	m->parent = parent ? parent : m;
	m->mountpoint = mountpoint ? mountpoint : sb->root;
	return sb;
}

/* Walks, and where they end, as a name from the global root. */

static char where_buf[PATH_MAX_K];

static const char *
name_of(const struct path *p)
{
	struct path root = { &mounts[0], mounts[0].root };
	long r = path_name(p, &root, where_buf, sizeof(where_buf));

	if (r < 0)
		snprintf(where_buf, sizeof(where_buf), "path_name: %ld", r);
	return where_buf;
}

static const char *
where_at(int dirfd, const char *name, unsigned int flags)
{
	struct path p;
	int r;

	if ((r = path_lookup(&task0, dirfd, name, flags, &p)) < 0) {
		snprintf(where_buf, sizeof(where_buf), "%d", r);
		return where_buf;
	}
	name_of(&p);
	path_put(&p);
	return where_buf;
}

/* want is a name ("/a/b") or an error: err(ENOENT) is "-2". */
#define CHECK_WALK_AT(fd, name, flags, want)                                   \
	do {                                                                   \
		const char *_got = where_at((fd), (name), (flags));            \
		if (strcmp(_got, (want)) != 0) {                               \
			fprintf(stderr, "%s:%d: walk \"%s\": got %s, want "    \
				"%s\n", __FILE__, __LINE__, (name), _got,      \
				(want));                                       \
			unit_failures++;                                       \
		}                                                              \
	} while (0)
#define CHECK_WALK(name, flags, want)                                          \
	CHECK_WALK_AT(AT_FDCWD_K, name, flags, want)
#define F LOOKUP_FOLLOW

static char errs[8][8];

/* "-N" for errno N, in one of a few static buffers. */
static const char *
err(int e)
{
	static int next;
	char *b = errs[next++ % 8];

	snprintf(b, sizeof(errs[0]), "%d", -e);
	return b;
}

static struct inode *root_i, *a_i;

/*
 * /a/b/c (file), /a/abs -> /a/b, /a/rel -> b/c, /a/up -> .., /f,
 * /loop1 <-> /loop2, /self -> self, /dangling -> nowhere, /tomnt -> mnt,
 * /l0 -> l1 ...
 * l40 -> /a, /noexec/x (0700), /mnt/hidden (covered by the mount),
 * /jail/inner, /jail/esc -> /../../inner.
 */
static void
build_root(void)
{
	struct inode *b, *jail, *ne, *mnt;
	char name[8], target[8];
	int i;

	root_i = mounts[0].root->inode;
	a_i = mk(root_i, "a", K_S_IFDIR | 0755);
	b = mk(a_i, "b", K_S_IFDIR | 0755);
	mk(b, "c", K_S_IFREG | 0644);
	ln(a_i, "abs", "/a/b");
	ln(a_i, "rel", "b/c");
	ln(a_i, "up", "..");
	mk(root_i, "f", K_S_IFREG | 0644);
	ln(root_i, "loop1", "loop2");
	ln(root_i, "loop2", "loop1");
	ln(root_i, "self", "self");
	ln(root_i, "dangling", "nowhere");
	ln(root_i, "tomnt", "mnt");
	for (i = 0; i <= SYMLOOP_MAX_K; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		snprintf(target, sizeof(target), "l%d", i + 1);
		ln(root_i, name, i == SYMLOOP_MAX_K ? "/a" : target);
	}
	ne = mk(root_i, "noexec", K_S_IFDIR | 0700);
	mk(ne, "x", K_S_IFREG | 0644);
	mnt = mk(root_i, "mnt", K_S_IFDIR | 0755);
	mk(mnt, "hidden", K_S_IFREG | 0644);
	jail = mk(root_i, "jail", K_S_IFDIR | 0755);
	mk(jail, "inner", K_S_IFDIR | 0755);
	ln(jail, "esc", "/../../inner");
}

static void
test_components(void)
{
	CHECK_WALK("/", 0, "/");
	CHECK_WALK("/a", 0, "/a");
	CHECK_WALK("a/b", 0, "/a/b"); /* from the cwd, / */
	CHECK_WALK("//a///b//", 0, "/a/b");
	CHECK_WALK("/a/./b/.", 0, "/a/b");
	CHECK_WALK("/a/b/c", 0, "/a/b/c");
	CHECK_WALK(".", 0, "/");
	CHECK_WALK("/nope", 0, err(ENOENT));
	CHECK_WALK("/a/nope/c", 0, err(ENOENT));
	CHECK_WALK("", 0, err(ENOENT));
	CHECK_WALK("/f/x", 0, err(ENOTDIR));
	CHECK_WALK("/f/", 0, err(ENOTDIR));
	CHECK_WALK("/f/.", 0, err(ENOTDIR));
	CHECK_WALK("/a/b/c/", 0, err(ENOTDIR));
	CHECK_WALK("/f", LOOKUP_DIRECTORY, err(ENOTDIR));
	CHECK_WALK("/a", LOOKUP_DIRECTORY, "/a");
	CHECK_WALK("", LOOKUP_EMPTY, "/");
	{
		char longname[NAME_MAX_K + 3];

		memset(longname, 'n', sizeof(longname));
		longname[0] = '/';
		longname[NAME_MAX_K + 1] = 0;
		CHECK_WALK(longname, 0, err(ENOENT)); /* 255: just a name */
		longname[NAME_MAX_K + 1] = 'n';
		longname[NAME_MAX_K + 2] = 0;
		CHECK_WALK(longname, 0, err(ENAMETOOLONG));
	}
}

static void
test_dotdot(void)
{
	CHECK_WALK("/..", 0, "/");
	CHECK_WALK("/../../..", 0, "/");
	CHECK_WALK("/a/b/../..", 0, "/");
	CHECK_WALK("/a/b/../../../a", 0, "/a");
	CHECK_WALK("a/b/../../f", 0, "/f");
	/* ".." after a file is an error, not a way back. */
	CHECK_WALK("/f/..", 0, err(ENOTDIR));
}

static void
test_symlinks(void)
{
	CHECK_WALK("/a/abs", F, "/a/b");
	CHECK_WALK("/a/abs", 0, "/a/abs");
	CHECK_WALK("/a/abs/", 0, "/a/b"); /* a trailing slash follows */
	CHECK_WALK("/a/abs/c", 0, "/a/b/c"); /* inner links always */
	CHECK_WALK("/a/rel", F, "/a/b/c");   /* from the link's directory */
	CHECK_WALK("/a/rel/", F, err(ENOTDIR));
	CHECK_WALK("/a/up", F, "/");
	CHECK_WALK("/a/up/a/up/f", 0, "/f");
	CHECK_WALK("/loop1", F, err(ELOOP));
	CHECK_WALK("/loop1", 0, "/loop1");
	CHECK_WALK("/loop1/x", 0, err(ELOOP));
	CHECK_WALK("/self", F, err(ELOOP));
	CHECK_WALK("/dangling", F, err(ENOENT));
	CHECK_WALK("/dangling", 0, "/dangling");
	/* SYMLOOP_MAX_K links in one walk, and not one more. */
	CHECK_WALK("/l1", F, "/a");
	CHECK_WALK("/l0", F, err(ELOOP));
	CHECK_WALK("/l1/b", 0, "/a/b");
	CHECK_WALK("/l0/b", 0, err(ELOOP));
	/* The limit is for the whole walk, not for one chain. */
	CHECK_WALK("/l21/../l21", F, "/a");
	CHECK_WALK("/l20/../l21", F, err(ELOOP));
	CHECK_WALK("/a/abs/.", 0, "/a/b");
}

static void
test_chroot(void)
{
	struct path jail, saved = fsinfo.root;

	CHECK_EQ(path_lookup(&task0, AT_FDCWD_K, "/jail", 0, &jail), 0);
	fsinfo.root = jail;
	CHECK_WALK("/", 0, "/jail");
	CHECK_WALK("/..", 0, "/jail");
	CHECK_WALK("/inner/../../..", 0, "/jail");
	CHECK_WALK("/esc", F, "/jail/inner");
	CHECK_WALK("/a", 0, err(ENOENT));
	/* The cwd outside the root: ".." still climbs, up to the top. */
	CHECK_WALK("a/../..", 0, "/");
	{
		struct path p;
		char buf[64];

		CHECK_EQ(path_lookup(&task0, AT_FDCWD_K, "/inner", 0, &p), 0);
		CHECK_EQ(path_name(&p, &fsinfo.root, buf, sizeof(buf)), 6);
		CHECK(strcmp(buf, "/inner") == 0);
		path_put(&p);
	}
	fsinfo.root = saved;
	path_put(&jail);
}

static void
test_mounts(void)
{
	struct path p;

	CHECK_EQ(path_lookup(&task0, AT_FDCWD_K, "/mnt", 0, &p), 0);
	CHECK(p.mnt == &mounts[1]);
	CHECK(p.dentry == mounts[1].root);
	path_put(&p);
	CHECK_WALK("/mnt", 0, "/mnt");
	CHECK_WALK("/mnt/", 0, "/mnt");
	CHECK_WALK("/mnt/hidden", 0, err(ENOENT)); /* covered */
	CHECK_WALK("/mnt/sub", 0, "/mnt/sub");
	CHECK_WALK("/mnt/sub/..", 0, "/mnt");
	CHECK_WALK("/mnt/..", 0, "/");		/* out through the mountpoint */
	CHECK_WALK("/mnt/sub/../../a", 0, "/a");
	CHECK_WALK("/mnt/back", F, "/a/b"); /* a link out of the mount */
	CHECK_WALK("/mnt/sub/../../mnt/sub", 0, "/mnt/sub");
	/* A link to a mountpoint lands on the mount. */
	CHECK_EQ(path_lookup(&task0, AT_FDCWD_K, "/tomnt", F, &p), 0);
	CHECK(p.mnt == &mounts[1] && p.dentry == mounts[1].root);
	path_put(&p);
	CHECK_WALK("/tomnt/sub", 0, "/mnt/sub");
	CHECK_WALK("/tomnt", 0, "/tomnt");
}

static void
test_permission(void)
{
	task0.cred.fsuid = task0.cred.euid = 1000;
	task0.cred.fsgid = 1000;
	CHECK_WALK("/noexec", 0, "/noexec");
	CHECK_WALK("/noexec/x", 0, err(EACCES));
	CHECK_WALK("/noexec/nope", 0, err(EACCES));
	CHECK_WALK("/noexec/..", 0, err(EACCES));
	task0.cred.fsuid = task0.cred.euid = 0;
	task0.cred.fsgid = 0;
	CHECK_WALK("/noexec/x", 0, "/noexec/x");
}

static void
test_dirfds(void)
{
	struct path a, f, sub;

	CHECK_EQ(path_lookup(&task0, AT_FDCWD_K, "/a", 0, &a), 0);
	CHECK_EQ(path_lookup(&task0, AT_FDCWD_K, "/f", 0, &f), 0);
	CHECK_EQ(vfs_open_path(&task0, &a, 0, &fdtab[0]), 0);
	CHECK_EQ(vfs_open_path(&task0, &f, 0, &fdtab[1]), 0);
	CHECK_EQ(path_lookup(&task0, AT_FDCWD_K, "/mnt/sub", 0, &sub), 0);
	CHECK_EQ(vfs_open_path(&task0, &sub, 0, &fdtab[3]), 0);
	path_put(&a);
	path_put(&f);
	path_put(&sub);
	fdtab[2] = file_alloc(root_i, NULL, 0); /* anonymous: no path */

	CHECK_WALK_AT(0, "b/c", 0, "/a/b/c");
	CHECK_WALK_AT(0, "..", 0, "/");
	CHECK_WALK_AT(0, "/f", 0, "/f"); /* absolute ignores the fd */
	CHECK_WALK_AT(0, "", LOOKUP_EMPTY, "/a");
	CHECK_WALK_AT(1, "", LOOKUP_EMPTY, "/f");
	CHECK_WALK_AT(1, "x", 0, err(ENOTDIR));
	CHECK_WALK_AT(2, "x", 0, err(ENOTDIR));
	CHECK_WALK_AT(3, "..", 0, "/mnt");
	CHECK_WALK_AT(3, "../..", 0, "/");
	CHECK_WALK_AT(4, "x", 0, err(EBADF));
	CHECK_WALK_AT(-5, "x", 0, err(EBADF));
	CHECK_WALK_AT(4, "/f", 0, "/f"); /* not even looked at */

	/* LOOKUP_BENEATH (openat2 RESOLVE_BENEATH): never leave the start. */
	CHECK_WALK_AT(0, "b/c", LOOKUP_BENEATH, "/a/b/c");
	CHECK_WALK_AT(0, "b/..", LOOKUP_BENEATH, "/a");
	CHECK_WALK_AT(0, "..", LOOKUP_BENEATH, err(EXDEV));
	CHECK_WALK_AT(0, "b/../..", LOOKUP_BENEATH, err(EXDEV));
	CHECK_WALK_AT(0, "/a", LOOKUP_BENEATH, err(EXDEV));
	CHECK_WALK_AT(0, "abs", LOOKUP_BENEATH | F, err(EXDEV));
	CHECK_WALK_AT(0, "rel", LOOKUP_BENEATH | F, "/a/b/c");
	CHECK_WALK_AT(0, "up", LOOKUP_BENEATH | F, err(EXDEV));
	CHECK_WALK_AT(3, "..", LOOKUP_BENEATH, err(EXDEV));
}

static void
test_path_parent(void)
{
	struct path p;
	const char *last;
	size_t len;
	bool slash;

#define PARENT(name) path_parent(&task0, AT_FDCWD_K, name, &p, &last, &len, \
				 &slash)
	CHECK_EQ(PARENT("/a/b/c"), 0);
	CHECK(strcmp(name_of(&p), "/a/b") == 0);
	CHECK(len == 1 && strncmp(last, "c", 1) == 0 && !slash);
	path_put(&p);
	CHECK_EQ(PARENT("/a/b//"), 0);
	CHECK(strcmp(name_of(&p), "/a") == 0);
	CHECK(len == 1 && strncmp(last, "b", 1) == 0 && slash);
	path_put(&p);
	CHECK_EQ(PARENT("new"), 0);
	CHECK(strcmp(name_of(&p), "/") == 0);
	CHECK(len == 3 && strncmp(last, "new", 3) == 0);
	path_put(&p);
	CHECK_EQ(PARENT("/"), 0);
	CHECK(strcmp(name_of(&p), "/") == 0);
	CHECK_EQ(len, 0);
	path_put(&p);
	CHECK_EQ(PARENT("/a/abs/new"), 0); /* links before the last: followed */
	CHECK(strcmp(name_of(&p), "/a/b") == 0);
	path_put(&p);
	CHECK_EQ(PARENT("/a/abs"), 0); /* the last one: not */
	CHECK(strcmp(name_of(&p), "/a") == 0);
	path_put(&p);
	CHECK_EQ(PARENT("/nope/x"), -ENOENT);
	CHECK_EQ(PARENT("/f/x"), -ENOTDIR);
	CHECK_EQ(PARENT(""), -ENOENT);
#undef PARENT
}

static void
test_path_name(void)
{
	struct path p, root = { &mounts[0], mounts[0].root };
	char buf[32];

	CHECK_EQ(path_lookup(&task0, AT_FDCWD_K, "/a/b/c", 0, &p), 0);
	CHECK_EQ(path_name(&p, &root, buf, sizeof(buf)), 6);
	CHECK(strcmp(buf, "/a/b/c") == 0);
	CHECK_EQ(path_name(&p, &root, buf, 7), 6);
	CHECK_EQ(path_name(&p, &root, buf, 6), -ENAMETOOLONG);
	CHECK_EQ(path_name(&p, &root, buf, 0), -ERANGE);
	p.dentry->deleted = true;
	CHECK_EQ(path_name(&p, &root, buf, sizeof(buf)), 16);
	CHECK(strcmp(buf, "/a/b/c (deleted)") == 0);
	CHECK_EQ(path_name(&p, &root, buf, 16), -ENAMETOOLONG);
	p.dentry->deleted = false;
	path_put(&p);
	CHECK_EQ(path_lookup(&task0, AT_FDCWD_K, "/", 0, &p), 0);
	CHECK_EQ(path_name(&p, &root, buf, 2), 1);
	CHECK(strcmp(buf, "/") == 0);
	path_put(&p);
}

/* Drop every cached dentry below d; each must go (no leaked reference). */
static void
prune(struct dentry *d)
{
	struct dentry *c, *tmp;

	list_for_each_entry_safe(c, tmp, &d->children, sibling) {
		prune(c);
		CHECK_EQ(c->refcount, 1);
		dentry_unhash(c);
	}
}

int
main(void)
{
	struct super_block *sb, *sb2;
	struct path mnt;

	sb = new_tmpfs(&mounts[0], NULL, NULL);
	build_root();
	fsinfo.root = fsinfo.cwd = (struct path){ &mounts[0], sb->root };
	path_get(&fsinfo.root);
	path_get(&fsinfo.cwd);
	CHECK_EQ(path_lookup(&task0, AT_FDCWD_K, "/mnt", 0, &mnt), 0);
	sb2 = new_tmpfs(&mounts[1], &mounts[0], mnt.dentry);
	mnt.dentry->mounted = 1;
	mk(sb2->root->inode, "sub", K_S_IFDIR | 0755);
	ln(sb2->root->inode, "back", "/a/b");

	test_components();
	test_dotdot();
	test_symlinks();
	test_chroot();
	test_mounts();
	test_permission();
	test_dirfds();
	test_path_parent();
	test_path_name();

	file_put(fdtab[0]);
	file_put(fdtab[1]);
	file_put(fdtab[2]);
	file_put(fdtab[3]);
	path_put(&fsinfo.root);
	path_put(&fsinfo.cwd);
	CHECK_EQ(mounts[0].refcount, 1); /* the mountpoint's */
	CHECK_EQ(mounts[1].refcount, 0);
	prune(sb2->root);
	mnt.dentry->mounted = 0;
	path_put(&mnt);
	prune(sb->root);
	CHECK_EQ(sb->root->refcount, 1);
	CHECK_EQ(sb2->root->refcount, 1);
	tmpfs_put_super(sb2);
	dentry_put(sb2->root);
	sb_free(sb2);
	tmpfs_put_super(sb);
	dentry_put(sb->root);
	sb_free(sb);
	return unit_done("namei_test");
}
