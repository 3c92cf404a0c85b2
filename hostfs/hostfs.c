/*
 * hostfs: a host directory mounted in the guest, as User-Mode Linux's
 * hostfs does it.  `mount -t hostfs none /mnt [-o /sub/dir]`.
 *
 * This file holds names, inodes and mounts; open files (data, mappings,
 * directories) are in hostfs_file.c, what they share in hostfs_int.h.
 * Neither calls the host kernel: every host call is in hostfs_host.c,
 * which also owns confinement (no host path it resolves can leave the
 * export: see the essay there).  hostfs.h has the boot entry point.
 *
 * The export.  The boot option hostfs=DIR names the one host tree the
 * guest may reach; without it every hostfs mount fails with EPERM and a
 * log line saying so.  A mount's -o path names a directory inside the
 * export: either the export's own host path followed by more ("-o
 * /srv/share/sub" with hostfs=/srv/share) or a path taken inside it ("-o
 * /sub").  ".." is refused.
 *
 * Names.  Each inode remembers the path, relative to the export root, by
 * which it was last looked up; host calls go by that path.  The host may
 * change the tree behind our back, so the super block sets no_dcache: the
 * path walk asks lookup() for every name, and lookup() stats the host file
 * each time, reusing the cached inode of the same host file (same inode
 * number and type) with refreshed attributes and path.  getattr() re-reads
 * attributes before every stat.  A guest rename rewrites the paths of the
 * cached inodes beneath the renamed name, so a cwd or an open directory
 * inside it keeps working; renames done on the host are only seen on the
 * next lookup.
 *
 * Ownership.  Host files owned by the user running vmlinux appear owned by
 * root (uid/gid 0); every other host uid and gid appears as itself.  chown
 * maps back the same way (0 is the vmlinux user) and the host's answer,
 * usually EPERM for an unprivileged vmlinux, is the guest's.  Permission
 * bits pass through; the guest VFS checks them against the mapped ids, and
 * then the host checks vmlinux's own rights.
 *
 * Inode numbers are the host's st_ino; a file on another host filesystem
 * mounted inside the export gets its st_dev folded into the high bits.
 *
 * Data, mappings and directories: see hostfs_file.c.  Special files appear
 * with their host mode and type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/vfs.h"
#include "hostfs/hostfs.h"
#include "hostfs/hostfs_host.h"
#include "hostfs/hostfs_int.h"
#include "mm/pagecache.h"
#include "printk.h"

#define HOSTFS_SUPER_MAGIC 0x00c0ffee
#define K_RENAME_EXCHANGE 2

struct hostfs_export hostfs_export;
static bool exported;

/* sb->priv */
struct hostfs_sb {
	char opts[4200]; /* the host directory mounted, for /proc/mounts */
};

static const struct inode_ops hostfs_dir_iops, hostfs_file_iops,
	hostfs_symlink_iops, hostfs_special_iops;
static const struct super_ops hostfs_sops;

/* Ids and numbers */

static uint32_t
guest_uid(uint32_t uid)
{
	return uid == hostfs_export.uid ? 0 : uid;
}

static uint32_t
guest_gid(uint32_t gid)
{
	return gid == hostfs_export.gid ? 0 : gid;
}

static uint32_t
host_uid(uint32_t uid)
{
	return uid == 0 ? hostfs_export.uid : uid;
}

static uint32_t
host_gid(uint32_t gid)
{
	return gid == 0 ? hostfs_export.gid : gid;
}

/* st_ino, with a foreign st_dev folded into the high 32 bits. */
uint64_t
hostfs_ino(uint64_t dev, uint64_t ino)
{
	if (dev == hostfs_export.dev)
		return ino;
	return ino ^ ((dev * 0x9e3779b97f4a7c15ULL) & ~0xffffffffULL);
}

static struct timespec_k
to_ktime(struct hostfs_time t)
{
	return (struct timespec_k){ t.sec, t.nsec };
}

/* Paths */

/* One plain name: not empty, ".", ".." or holding '/' or NUL. */
static int
check_name(const char *name, size_t len)
{
	if (len > NAME_MAX_K)
		return -ENAMETOOLONG;
	if (len == 0 || memchr(name, '/', len) || memchr(name, '\0', len) ||
	    (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return -EINVAL;
	return 0;
}

/* dir's path joined with name, as a new string in *out. */
static int
child_path(struct inode *dir, const char *name, size_t len, char **out)
{
	const char *dp = HI(dir)->path;
	size_t dl;
	char *p;
	int r;

	if ((r = check_name(name, len)) < 0)
		return r;
	if (dp == NULL)
		return -ENOENT;
	dl = strlen(dp);
	if ((p = malloc(dl + len + 2)) == NULL)
		return -ENOMEM;
	memcpy(p, dp, dl);
	if (dl)
		p[dl++] = '/';
	memcpy(p + dl, name, len);
	p[dl + len] = '\0';
	*out = p;
	return 0;
}

/* Is path at or beneath prefix (plen bytes, not empty)? */
static bool
path_under(const char *path, const char *prefix, size_t plen)
{
	return strncmp(path, prefix, plen) == 0 &&
	       (path[plen] == '\0' || path[plen] == '/');
}

/* Replace the first plen bytes of *path with to; kept as is on ENOMEM. */
static void
path_rebase(char **path, size_t plen, const char *to)
{
	size_t tl = strlen(to), rest = strlen(*path + plen);
	char *n = malloc(tl + rest + 1);

	if (n == NULL)
		return; /* stale until the next lookup refreshes it */
	memcpy(n, to, tl);
	memcpy(n + tl, *path + plen, rest + 1);
	free(*path);
	*path = n;
}

/*
 * After a guest rename of from to to: cached inodes at or beneath from
 * now live beneath to (and, for an exchange, the other way round); an
 * inode that was replaced at to has no name any more.
 */
static void
hostfs_move_paths(struct super_block *sb, const char *from, const char *to,
		  bool exchange)
{
	size_t fl = strlen(from), tl = strlen(to);
	struct hostfs_inode *hi;
	struct inode *inode;

	list_for_each_entry(inode, &sb->inodes, sb_link) {
		if ((hi = HI(inode)) == NULL || hi->path == NULL)
			continue;
		if (path_under(hi->path, from, fl)) {
			path_rebase(&hi->path, fl, to);
		} else if (exchange && path_under(hi->path, to, tl)) {
			path_rebase(&hi->path, tl, from);
		} else if (!exchange && strcmp(hi->path, to) == 0) {
			free(hi->path);
			hi->path = NULL;
		}
	}
}

/* Inodes */

static void
hostfs_set_attrs(struct inode *inode, const struct hostfs_stat *st)
{
	inode->mode = st->mode;
	inode->nlink = st->nlink;
	inode->uid = guest_uid(st->uid);
	inode->gid = guest_gid(st->gid);
	inode->size = st->size;
	inode->blocks = st->blocks;
	inode->blksize = st->blksize ? st->blksize : 4096;
	inode->rdev = k_makedev(st->rdev_major, st->rdev_minor);
	inode->atime = to_ktime(st->atime);
	inode->mtime = to_ktime(st->mtime);
	inode->ctime = to_ktime(st->ctime);
}

/* Refresh inode from st if st is still the same host file. */
static void
hostfs_refresh_from(struct inode *inode, const struct hostfs_stat *st)
{
	if (hostfs_ino(st->dev, st->ino) != inode->ino ||
	    (st->mode & K_S_IFMT) != (inode->mode & K_S_IFMT))
		return;
	hostfs_set_attrs(inode, st);
}

/* Re-read inode's attributes by its path (kept if the name changed). */
static void
hostfs_refresh(struct inode *inode)
{
	struct hostfs_stat st;

	if (HI(inode)->path && hostfs_host_lstat(HI(inode)->path, &st) == 0)
		hostfs_refresh_from(inode, &st);
}

void
hostfs_refresh_fd(struct inode *inode, int fd)
{
	struct hostfs_stat st;

	if (hostfs_host_fstat(fd, &st) == 0)
		hostfs_refresh_from(inode, &st);
}

static void
hostfs_set_ops(struct inode *inode)
{
	switch (inode->mode & K_S_IFMT) {
	case K_S_IFDIR:
		inode->i_op = &hostfs_dir_iops;
		inode->f_op = &hostfs_dir_fops;
		break;
	case K_S_IFREG:
		inode->i_op = &hostfs_file_iops;
		inode->f_op = &hostfs_file_fops;
		break;
	case K_S_IFLNK:
		inode->i_op = &hostfs_symlink_iops;
		inode->f_op = NULL;
		break;
	default:
		inode->i_op = &hostfs_special_iops;
		init_special_inode(inode, inode->mode, inode->rdev);
		if (K_ISCHR(inode->mode) || K_ISBLK(inode->mode))
			inode->f_op = &hostfs_nodev_fops;
		break;
	}
}

static struct inode *
hostfs_new_inode(struct super_block *sb, const struct hostfs_stat *st,
		 uint64_t ino)
{
	struct hostfs_inode *hi = calloc(1, sizeof(*hi));
	struct inode *inode;

	if (hi == NULL)
		return NULL;
	if ((inode = inode_alloc(sb)) == NULL) {
		free(hi);
		return NULL;
	}
	hi->rfd = hi->wfd = -1;
	inode->priv = hi;
	inode->ino = ino;
	hostfs_set_attrs(inode, st);
	hostfs_set_ops(inode);
	return inode;
}

/*
 * The inode of the host file at path, taking over path: the cached one if
 * it is the same file (number and type), refreshed, else a new one.  *out
 * gets a new reference.
 */
static int
hostfs_iget(struct super_block *sb, char *path, struct inode **out)
{
	struct hostfs_stat st;
	struct inode *inode;
	uint64_t ino;
	int r;

	if ((r = hostfs_host_lstat(path, &st)) < 0) {
		free(path);
		return r;
	}
	ino = hostfs_ino(st.dev, st.ino);
	inode = inode_find(sb, ino);
	if (inode && (inode->mode & K_S_IFMT) != (st.mode & K_S_IFMT)) {
		inode_put(inode);
		inode = NULL;
	}
	if (inode == NULL && (inode = hostfs_new_inode(sb, &st, ino)) == NULL) {
		free(path);
		return -ENOMEM;
	}
	free(HI(inode)->path);
	HI(inode)->path = path;
	hostfs_set_attrs(inode, &st);
	*out = inode;
	return 0;
}

/* inode_ops */

static int
hostfs_lookup(struct inode *dir, const char *name, size_t len,
	      struct inode **out)
{
	char *path;
	int r;

	if ((r = child_path(dir, name, len, &path)) < 0)
		return r;
	return hostfs_iget(dir->sb, path, out);
}

/*
 * The host's umask may have cleared permission bits the guest asked for
 * (the guest already applied its own): put them back, best effort.
 */
static void
hostfs_undo_umask(struct inode *inode, uint32_t want)
{
	struct hostfs_setattr a = { .valid = HOSTFS_SET_MODE };
	uint32_t have = inode->mode & 07777;

	if ((want & 0777 & ~have) == 0 || K_ISLNK(inode->mode))
		return;
	a.mode = have | (want & 0777);
	if (hostfs_host_setattr(HI(inode)->path, &a) == 0)
		hostfs_refresh(inode);
}

/* Make a node, directory or (target set) symlink at name in dir. */
static int
hostfs_make(struct inode *dir, const char *name, size_t len, uint32_t mode,
	    uint64_t rdev, const char *target, struct inode **out)
{
	char *path;
	int r;

	if ((r = child_path(dir, name, len, &path)) < 0)
		return r;
	if (target)
		r = hostfs_host_symlink(target, path);
	else if (K_ISDIR(mode))
		r = hostfs_host_mkdir(path, mode & 07777);
	else
		r = hostfs_host_mknod(path, mode, k_major(rdev), k_minor(rdev));
	if (r < 0) {
		free(path);
		return r;
	}
	if ((r = hostfs_iget(dir->sb, path, out)) == 0 && !target)
		hostfs_undo_umask(*out, mode);
	return r;
}

static int
hostfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
	      struct inode **out)
{
	return hostfs_make(dir, name, len, K_S_IFREG | (mode & 07777), 0, NULL,
			   out);
}

static int
hostfs_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode,
	     struct inode **out)
{
	return hostfs_make(dir, name, len, K_S_IFDIR | (mode & 07777), 0, NULL,
			   out);
}

static int
hostfs_mknod(struct inode *dir, const char *name, size_t len, uint32_t mode,
	     uint64_t rdev, struct inode **out)
{
	if ((mode & K_S_IFMT) == 0)
		mode |= K_S_IFREG;
	if (!K_ISCHR(mode) && !K_ISBLK(mode))
		rdev = 0;
	return hostfs_make(dir, name, len, mode, rdev, NULL, out);
}

static int
hostfs_symlink(struct inode *dir, const char *name, size_t len,
	       const char *target, struct inode **out)
{
	return hostfs_make(dir, name, len, K_S_IFLNK | 0777, 0, target, out);
}

static int
hostfs_link(struct inode *old, struct inode *dir, const char *name, size_t len)
{
	char *path;
	int r;

	if (old->sb != dir->sb)
		return -EXDEV;
	if (HI(old)->path == NULL)
		return -ENOENT;
	if ((r = child_path(dir, name, len, &path)) < 0)
		return r;
	r = hostfs_host_link(HI(old)->path, path);
	free(path);
	if (r == 0)
		hostfs_refresh(old);
	return r;
}

/* unlink and rmdir: the victim loses the name if it was its own. */
static int
hostfs_remove(struct inode *dir, const char *name, size_t len,
	      struct inode *victim, bool isdir)
{
	struct hostfs_inode *vi = victim ? HI(victim) : NULL;
	char *path;
	int r;

	if ((r = child_path(dir, name, len, &path)) < 0)
		return r;
	r = hostfs_host_unlink(path, isdir);
	if (r == 0 && vi) {
		if (isdir || victim->nlink == 0)
			victim->nlink = 0;
		else
			victim->nlink--;
		if (vi->path && strcmp(vi->path, path) == 0) {
			free(vi->path);
			vi->path = NULL;
		}
	}
	free(path);
	return r;
}

static int
hostfs_unlink(struct inode *dir, const char *name, size_t len,
	      struct inode *victim)
{
	return hostfs_remove(dir, name, len, victim, false);
}

static int
hostfs_rmdir(struct inode *dir, const char *name, size_t len,
	     struct inode *victim)
{
	return hostfs_remove(dir, name, len, victim, true);
}

/* All renameat2 flags the VFS passes (NOREPLACE, EXCHANGE) go to the host. */
static int
hostfs_rename(struct inode *odir, const char *oname, size_t olen,
	      struct inode *ndir, const char *nname, size_t nlen,
	      unsigned int flags)
{
	char *op, *np;
	int r;

	if ((r = child_path(odir, oname, olen, &op)) < 0)
		return r;
	if ((r = child_path(ndir, nname, nlen, &np)) < 0) {
		free(op);
		return r;
	}
	r = hostfs_host_rename(op, np, flags);
	if (r == 0)
		hostfs_move_paths(odir->sb, op, np, flags & K_RENAME_EXCHANGE);
	free(op);
	free(np);
	return r;
}

static ssize_t
hostfs_readlink(struct inode *inode, char *buf, size_t len)
{
	if (HI(inode)->path == NULL)
		return -ENOENT;
	return hostfs_host_readlink(HI(inode)->path, buf, len);
}

/* The VFS's attribute changes as host ones (ids mapped back). */
static void
hostfs_to_host_attrs(const struct iattr *ia, struct hostfs_setattr *a)
{
	memset(a, 0, sizeof(*a));
	if (ia->valid & ATTR_MODE) {
		a->valid |= HOSTFS_SET_MODE;
		a->mode = ia->mode & 07777;
	}
	if (ia->valid & ATTR_UID) {
		a->valid |= HOSTFS_SET_UID;
		a->uid = host_uid(ia->uid);
	}
	if (ia->valid & ATTR_GID) {
		a->valid |= HOSTFS_SET_GID;
		a->gid = host_gid(ia->gid);
	}
	if (ia->valid & ATTR_SIZE) {
		a->valid |= HOSTFS_SET_SIZE;
		a->size = ia->size;
	}
	if (ia->valid & ATTR_ATIME) {
		a->valid |= HOSTFS_SET_ATIME;
		a->atime.sec = ia->atime.sec;
		a->atime.nsec = ia->atime.nsec;
	}
	if (ia->valid & ATTR_MTIME) {
		a->valid |= HOSTFS_SET_MTIME;
		a->mtime.sec = ia->mtime.sec;
		a->mtime.nsec = ia->mtime.nsec;
	}
}

/* The host's answer is the guest's (chown: usually EPERM). */
static int
hostfs_setattr(struct inode *inode, const struct iattr *ia)
{
	struct hostfs_setattr a;
	int r;

	if (HI(inode)->path == NULL)
		return -ENOENT;
	hostfs_to_host_attrs(ia, &a);
	if (a.valid == 0)
		return 0;
	if ((r = hostfs_host_setattr(HI(inode)->path, &a)) < 0)
		return r;
	if (a.valid & HOSTFS_SET_SIZE) {
		inode->size = a.size;
		if (inode->pcache)
			pagecache_resize(inode->pcache, a.size);
	}
	hostfs_refresh(inode);
	return 0;
}

static void
hostfs_getattr(struct inode *inode)
{
	hostfs_refresh(inode);
}

static const struct inode_ops hostfs_dir_iops = {
	.lookup = hostfs_lookup,
	.create = hostfs_create,
	.mkdir = hostfs_mkdir,
	.mknod = hostfs_mknod,
	.symlink = hostfs_symlink,
	.link = hostfs_link,
	.unlink = hostfs_unlink,
	.rmdir = hostfs_rmdir,
	.rename = hostfs_rename,
	.setattr = hostfs_setattr,
	.getattr = hostfs_getattr,
};

static const struct inode_ops hostfs_file_iops = {
	.setattr = hostfs_setattr,
	.getattr = hostfs_getattr,
};

static const struct inode_ops hostfs_symlink_iops = {
	.readlink = hostfs_readlink,
	.setattr = hostfs_setattr,
	.getattr = hostfs_getattr,
};

static const struct inode_ops hostfs_special_iops = {
	.setattr = hostfs_setattr,
	.getattr = hostfs_getattr,
};

/* The super block */

static int
hostfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	const char *path = HI(sb->root->inode)->path;
	struct hostfs_statfs hs;
	int r;

	if ((r = hostfs_host_statfs(path ? path : "", &hs)) < 0)
		return r;
	memset(st, 0, sizeof(*st));
	st->type = HOSTFS_SUPER_MAGIC;
	st->bsize = (int64_t)hs.bsize;
	st->frsize = (int64_t)hs.frsize;
	st->blocks = hs.blocks;
	st->bfree = hs.bfree;
	st->bavail = hs.bavail;
	st->files = hs.files;
	st->ffree = hs.ffree;
	st->namelen = (int64_t)hs.namelen;
	st->flags = (int64_t)sb->flags;
	return 0;
}

static void
hostfs_put_super(struct super_block *sb)
{
	free(sb->priv);
	sb->priv = NULL;
}

static void
hostfs_evict_inode(struct inode *inode)
{
	struct hostfs_inode *hi = HI(inode);

	if (hi == NULL)
		return;
	if (hi->rfd >= 0)
		hostfs_host_close(hi->rfd);
	if (hi->wfd >= 0)
		hostfs_host_close(hi->wfd);
	free(hi->path);
	free(hi);
	inode->priv = NULL;
}

static const char *
hostfs_show_options(struct super_block *sb)
{
	struct hostfs_sb *hsb = sb->priv;

	return hsb ? hsb->opts : NULL;
}

static const struct super_ops hostfs_sops = {
	.put_super = hostfs_put_super,
	.statfs = hostfs_statfs,
	.evict_inode = hostfs_evict_inode,
	.show_options = hostfs_show_options,
};

/* Mounting */

/*
 * dir as plain names joined by '/' into *out: "." and empty components
 * dropped, ".." refused.
 */
static int
hostfs_normalize(const char *dir, char **out)
{
	char *buf = malloc(strlen(dir) + 1), *p = buf;
	const char *s = dir, *end;
	size_t len;

	if (buf == NULL)
		return -ENOMEM;
	while (*s) {
		while (*s == '/')
			s++;
		end = strchrnul(s, '/');
		len = (size_t)(end - s);
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			free(buf);
			return -EINVAL;
		}
		if (len && !(len == 1 && s[0] == '.')) {
			if (p != buf)
				*p++ = '/';
			memcpy(p, s, len);
			p += len;
		}
		s = end;
	}
	*p = '\0';
	*out = buf;
	return 0;
}

/*
 * The directory -o names, relative to the export root: the export's own
 * host path and what follows it, or else a path inside the export.
 */
static int
hostfs_mount_root(const char *dir, char **out)
{
	size_t el = strlen(hostfs_export.path);
	int r;

	if (strcmp(hostfs_export.path, "/") != 0 &&
	    strncmp(dir, hostfs_export.path, el) == 0 &&
	    (dir[el] == '/' || dir[el] == '\0'))
		dir += el;
	if ((r = hostfs_normalize(dir, out)) == -EINVAL)
		pr_warn("hostfs: mount path %s: \"..\" is not allowed", dir);
	return r;
}

/* The -o options: the last one starting with '/' is the directory. */
static int
hostfs_parse_options(const char *data, char **root)
{
	char *copy, *opt, *save;
	const char *dir = "/";
	int r;

	if ((copy = strdup(data ? data : "")) == NULL)
		return -ENOMEM;
	for (opt = strtok_r(copy, ",", &save); opt;
	     opt = strtok_r(NULL, ",", &save)) {
		if (opt[0] == '/')
			dir = opt;
		else
			pr_debug("hostfs: ignoring option %s", opt);
	}
	r = hostfs_mount_root(dir, root);
	free(copy);
	return r;
}

static void
hostfs_format_opts(struct hostfs_sb *hsb, const char *root)
{
	bool slash = root[0] && strcmp(hostfs_export.path, "/") != 0;

	snprintf(hsb->opts, sizeof(hsb->opts), "%s%s%s", hostfs_export.path,
		 slash ? "/" : "", root);
}

/* A super block whose root is the host directory root (taken over). */
static int
hostfs_fill_super(const struct fs_type *type, char *root, unsigned long flags,
		  struct super_block **out)
{
	struct hostfs_sb *hsb = calloc(1, sizeof(*hsb));
	struct super_block *sb = sb_alloc(type, &hostfs_sops);
	struct inode *inode;
	int r = -ENOMEM;

	if (hsb == NULL || sb == NULL) {
		free(root);
		goto fail;
	}
	hostfs_format_opts(hsb, root);
	sb->priv = hsb;
	sb->dev = sb_anon_dev();
	sb->flags = flags;
	sb->no_dcache = true;
	if ((r = hostfs_iget(sb, root, &inode)) < 0)
		goto fail;
	if (!K_ISDIR(inode->mode)) {
		inode_put(inode);
		r = -ENOTDIR;
		goto fail;
	}
	if (dentry_make_root(sb, inode) == NULL) {
		r = -ENOMEM; /* it put the inode */
		goto fail;
	}
	*out = sb;
	return 0;
fail:
	free(hsb);
	if (sb)
		sb_free(sb);
	return r;
}

static int
hostfs_mount(const struct fs_type *type, struct bdev *bd, const char *source,
	     unsigned long flags, const char *data, struct super_block **out)
{
	char *root;
	int r;

	if (!exported) {
		pr_warn("hostfs: mount refused: no host directory is exported "
			"(boot with hostfs=DIR to let the guest mount DIR, "
			"hostfs=/ for the whole host)");
		return -EPERM;
	}
	if ((r = hostfs_parse_options(data, &root)) < 0)
		return r;
	return hostfs_fill_super(type, root, flags, out);
}

static struct fs_type hostfs_fs_type = {
	.name = "hostfs",
	.nodev = true,
	.mount = hostfs_mount,
};

int
hostfs_init(const char *dir)
{
	int r;

	register_filesystem(&hostfs_fs_type);
	if (dir == NULL)
		return 0;
	if ((r = hostfs_host_export(dir, &hostfs_export)) < 0) {
		if (r == -ENOSYS)
			pr_err("hostfs: the host kernel lacks openat2, which "
			       "keeps hostfs inside the export (Linux 5.6+)");
		return r;
	}
	exported = true;
	pr_info("hostfs: exporting %s (files of host uid %u show as root)",
		hostfs_export.path, hostfs_export.uid);
	return 0;
}
