/*
 * The virtual file system: the objects every filesystem and device shares.
 *
 *   super_block  one mounted filesystem instance (ext4 on ubda, a tmpfs …)
 *   inode        one file; filesystems fill its fields and ops tables
 *   dentry       a name in the tree, linking a parent to an inode; the
 *                cache of names the path walk (namei.c) uses
 *   mount        where a super_block is grafted into the tree
 *   path         (mount, dentry): a place in the tree
 *   file         an open file: ops, flags, position
 *
 * Every filesystem and device has the same shape (Plan 9's Dev): an
 * inode_ops table for names, a file_ops table for open files.  Reference
 * counts: *_get takes one, *_put drops one; a function that returns an
 * object returns a new reference unless it says otherwise.
 *
 * Timestamps are nanosecond.  Errors are negative errno.  Everything here
 * may sleep unless stated otherwise (ext4 reads go to the disk).
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "errno.h"
#include "list.h"
#include "sched.h"
#include "uaccess.h"

#define PATH_MAX_K 4096
#define NAME_MAX_K 255
#define SYMLOOP_MAX_K 40

/* fallocate(2) modes. */
#define K_FALLOC_FL_KEEP_SIZE 0x01
#define K_FALLOC_FL_PUNCH_HOLE 0x02
#define K_FALLOC_FL_NO_HIDE_STALE 0x04
#define K_FALLOC_FL_COLLAPSE_RANGE 0x08
#define K_FALLOC_FL_ZERO_RANGE 0x10
#define K_FALLOC_FL_INSERT_RANGE 0x20
#define K_FALLOC_FL_UNSHARE_RANGE 0x40

/* Mode bits, as on disk and in stat. */
#define K_S_IFMT 0170000
#define K_S_IFSOCK 0140000
#define K_S_IFLNK 0120000
#define K_S_IFREG 0100000
#define K_S_IFBLK 0060000
#define K_S_IFDIR 0040000
#define K_S_IFCHR 0020000
#define K_S_IFIFO 0010000
#define K_S_ISUID 04000
#define K_S_ISGID 02000
#define K_S_ISVTX 01000

#define K_ISDIR(m) (((m) & K_S_IFMT) == K_S_IFDIR)
#define K_ISREG(m) (((m) & K_S_IFMT) == K_S_IFREG)
#define K_ISLNK(m) (((m) & K_S_IFMT) == K_S_IFLNK)
#define K_ISCHR(m) (((m) & K_S_IFMT) == K_S_IFCHR)
#define K_ISBLK(m) (((m) & K_S_IFMT) == K_S_IFBLK)
#define K_ISFIFO(m) (((m) & K_S_IFMT) == K_S_IFIFO)
#define K_ISSOCK(m) (((m) & K_S_IFMT) == K_S_IFSOCK)

/* getdents64 d_type */
#define K_DT_UNKNOWN 0
#define K_DT_FIFO 1
#define K_DT_CHR 2
#define K_DT_DIR 4
#define K_DT_BLK 6
#define K_DT_REG 8
#define K_DT_LNK 10
#define K_DT_SOCK 12
#define K_IFTODT(mode) (((mode) & K_S_IFMT) >> 12)

/* Device numbers, Linux's encoding (huge majors/minors split). */
static inline uint64_t
k_makedev(unsigned int major, unsigned int minor)
{
	return ((uint64_t)(major & 0xfffff000) << 32) |
	       ((uint64_t)(major & 0xfff) << 8) |
	       ((uint64_t)(minor & 0xffffff00) << 12) | (minor & 0xff);
}
static inline unsigned int
k_major(uint64_t dev)
{
	return (unsigned int)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
}
static inline unsigned int
k_minor(uint64_t dev)
{
	return (unsigned int)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
}

/* lseek whence */
#define K_SEEK_SET 0
#define K_SEEK_CUR 1
#define K_SEEK_END 2
#define K_SEEK_DATA 3
#define K_SEEK_HOLE 4

/* Permission requests */
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4

/* Mount flags (MS_*) we honour. */
#define K_MS_RDONLY 1
#define K_MS_NOSUID 2
#define K_MS_NODEV 4
#define K_MS_NOEXEC 8
#define K_MS_REMOUNT 32
#define K_MS_BIND 4096

struct timespec_k {
	int64_t sec;
	int64_t nsec;
};

struct bdev;
struct dentry;
struct file;
struct inode;
struct mount;
struct page_cache;
struct path;
struct poll_table;
struct super_block;
struct task;

struct kstatfs {
	int64_t type;
	int64_t bsize;
	uint64_t blocks, bfree, bavail;
	uint64_t files, ffree;
	int64_t namelen;
	int64_t frsize;
	int64_t flags;
};

struct fs_type {
	const char *name;
	bool nodev; /* needs no block device (tmpfs, proc …) */
	/*
	 * Make a super_block.  bd is the block device for disk filesystems
	 * (the VFS resolved the source path), NULL for nodev ones; source is
	 * the string the user gave; flags are K_MS_*; data the -o options.
	 */
	int (*mount)(const struct fs_type *type, struct bdev *bd,
		     const char *source, unsigned long flags, const char *data,
		     struct super_block **out);
	struct list link;
};

struct super_ops {
	/* Last mount gone: write back and free everything. */
	void (*put_super)(struct super_block *sb);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* Write back dirty state. */
	int (*sync_fs)(struct super_block *sb);
	/* Remount with new flags (ro <-> rw). */
	int (*remount)(struct super_block *sb, unsigned long flags,
		       const char *data);
	/* The inode's last reference is gone: free fs-private data. */
	void (*evict_inode)(struct inode *inode);
	/* Options shown in /proc/mounts after the ro/rw flag, or NULL. */
	const char *(*show_options)(struct super_block *sb);
};

struct super_block {
	const struct fs_type *type;
	const struct super_ops *ops;
	struct dentry *root;
	uint64_t dev;	      /* st_dev of its files */
	unsigned long flags;  /* K_MS_* */
	char *source;	      /* "/dev/ubda", "proc" …, for /proc/mounts */
	bool no_dcache;	      /* names change behind our back: revalidate */
	int active;	      /* mounts using it */
	uint64_t next_ino;    /* for filesystems that invent inode numbers */
	struct bdev *bdev;    /* the device, for disk filesystems */
	struct list inodes;   /* the inode cache (inode_find) */
	void *priv;
};

struct iattr {
	unsigned int valid; /* ATTR_* */
	uint32_t mode, uid, gid;
	uint64_t size;
	struct timespec_k atime, mtime;
};
#define ATTR_MODE 1
#define ATTR_UID 2
#define ATTR_GID 4
#define ATTR_SIZE 8
#define ATTR_ATIME 16
#define ATTR_MTIME 32
#define ATTR_CTIME 64

struct inode_ops {
	/* Find name in dir: a new inode reference, or -ENOENT. */
	int (*lookup)(struct inode *dir, const char *name, size_t len,
		      struct inode **out);
	int (*create)(struct inode *dir, const char *name, size_t len,
		      uint32_t mode, struct inode **out);
	int (*mkdir)(struct inode *dir, const char *name, size_t len,
		     uint32_t mode, struct inode **out);
	int (*mknod)(struct inode *dir, const char *name, size_t len,
		     uint32_t mode, uint64_t rdev, struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, size_t len,
		       const char *target, struct inode **out);
	int (*link)(struct inode *old, struct inode *dir, const char *name,
		    size_t len);
	int (*unlink)(struct inode *dir, const char *name, size_t len,
		      struct inode *victim);
	int (*rmdir)(struct inode *dir, const char *name, size_t len,
		     struct inode *victim);
	int (*rename)(struct inode *odir, const char *oname, size_t olen,
		      struct inode *ndir, const char *nname, size_t nlen,
		      unsigned int flags);
	/* Symlink text into buf (not NUL-terminated): its length. */
	ssize_t (*readlink)(struct inode *inode, char *buf, size_t len);
	/*
	 * Magic links (/proc/PID/exe, cwd, fd/N) resolve to a place in the
	 * tree, not to text: set *out to a new reference.
	 */
	int (*follow_link)(struct inode *inode, struct path *out);
	int (*setattr)(struct inode *inode, const struct iattr *attr);
	/* Refresh fields before stat (procfs); may be NULL. */
	void (*getattr)(struct inode *inode);
	/*
	 * Extended attributes (NULL: -EOPNOTSUPP).  get: the value's size,
	 * copied when size allows (-ERANGE if not, -ENODATA if absent); list:
	 * the NUL-separated names likewise; set flags: XATTR_CREATE 1,
	 * XATTR_REPLACE 2.
	 */
	ssize_t (*getxattr)(struct inode *inode, const char *name, void *buf,
			    size_t size);
	int (*setxattr)(struct inode *inode, const char *name,
			const void *value, size_t size, int flags);
	ssize_t (*listxattr)(struct inode *inode, char *buf, size_t size);
	int (*removexattr)(struct inode *inode, const char *name);
};

/* readdir: the fs calls emit() per entry; nonzero means stop (full). */
struct dir_context {
	int (*emit)(struct dir_context *ctx, const char *name, size_t len,
		    uint64_t ino, unsigned int type);
	uint64_t pos; /* the fs's resume cookie; updated after each entry */
};

struct file_ops {
	/* Called by open(2) after the file is set up; may replace f->ops. */
	int (*open)(struct inode *inode, struct file *f);
	/* The last reference is gone. */
	void (*release)(struct file *f);
	ssize_t (*read)(struct file *f, struct uio *u, uint64_t *pos);
	ssize_t (*write)(struct file *f, struct uio *u, uint64_t *pos);
	/* NULL: the generic llseek on inode->size. */
	int64_t (*llseek)(struct file *f, int64_t off, int whence);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	/* cmd/arg as the guest passed them; guest memory via current. */
	long (*ioctl)(struct file *f, unsigned int cmd, uint64_t arg);
	/* Readiness mask (POLLIN …); register with poll_wait(pt, wq). */
	unsigned int (*poll)(struct file *f, struct poll_table *pt);
	int (*fsync)(struct file *f, bool datasync);
	/*
	 * fallocate(2) with the guest's FALLOC_FL_* mode, already checked by
	 * sys_fallocate; NULL: -EOPNOTSUPP.  May sleep.
	 */
	int (*fallocate)(struct file *f, int mode, uint64_t off, uint64_t len);
	/*
	 * A host memfd holding the file's data, with [off, off+len) present,
	 * for mmap; the fd stays the file's.  NULL: not mappable from memory.
	 */
	int (*mmap_fd)(struct file *f, uint64_t off, uint64_t len);
	/* May f be mapped with prot (K_PROT_*), shared or not?  NULL: yes. */
	int (*mmap_check)(struct file *f, unsigned int prot, bool shared);
	/*
	 * O_DIRECT is allowed (Linux's FMODE_CAN_ODIRECT): read_write.c
	 * checks the alignment, read and write see the flag and go around
	 * any cache.  Opens of other files with O_DIRECT fail with EINVAL.
	 */
	bool direct_io;
};

struct inode {
	struct super_block *sb;
	uint64_t ino;
	uint32_t mode;
	uint32_t uid, gid;
	uint32_t nlink;
	uint64_t size;
	uint64_t rdev;
	uint64_t blocks; /* 512-byte units */
	uint32_t blksize;
	struct timespec_k atime, mtime, ctime, btime;
	const struct inode_ops *i_op;
	const struct file_ops *f_op;
	int refcount;
	struct list sb_link; /* sb->inodes */
	struct pipe *pipe;   /* FIFOs: the pipe behind the node, if open */
	struct page_cache *pcache; /* cached data (mm/pagecache.c), or NULL */
	int writable_maps;   /* shared mappings through writable files */
	void *priv;	     /* the filesystem's */
};

struct dentry {
	char *name;
	size_t len;
	struct dentry *parent; /* itself for a filesystem root */
	struct inode *inode;   /* NULL: negative (name does not exist) */
	struct super_block *sb;
	int refcount;
	int mounted;	       /* mounts on top of this dentry */
	bool unhashed;	       /* not in the name tree (cache) */
	bool deleted;	       /* its name was removed (unlink, rmdir) */
	struct list children;
	struct list sibling;
};

struct mount {
	struct super_block *sb;
	struct dentry *root;	   /* root of the mounted tree */
	struct mount *parent;	   /* itself for the root mount */
	struct dentry *mountpoint; /* in parent */
	unsigned long flags;	   /* K_MS_RDONLY … of this mount */
	int refcount;		   /* paths using it; umount needs 0 extra */
	struct list link;	   /* the mount table, in mount order */
};

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

struct file {
	int refcount;
	struct path path;	/* .mnt is NULL for anonymous files */
	struct inode *inode;
	const struct file_ops *ops;
	unsigned int flags;	/* O_ACCMODE | O_APPEND | O_NONBLOCK … */
	uint64_t pos;
	void *priv;		/* the driver's */
	struct list ep_links;	/* epoll items watching it (epoll.c); may
				 * be all zero: none */
};

#define FMODE_READ(f) (((f)->flags & 3) != 1) /* O_RDONLY or O_RDWR */
#define FMODE_WRITE(f) (((f)->flags & 3) != 0)

/*
 * O_LARGEFILE as the kernel spells it: open(2) on 64-bit Linux adds it to
 * every file it opens (the guest's libc spells it 0); pipes, sockets and
 * O_PATH files lack it.  F_GETFL and fdinfo show it.
 */
#define K_O_LARGEFILE 0100000

/* May the file have O_DIRECT (see file_ops.direct_io)? */
static inline bool
file_can_direct(const struct file *f)
{
	return f->ops && f->ops->direct_io;
}

/* Filesystem types (register at boot). */
void register_filesystem(struct fs_type *type);
const struct fs_type *find_filesystem(const char *name);
/* For /proc/filesystems: calls fn for each type. */
void for_each_filesystem(void (*fn)(const struct fs_type *t, void *arg),
			 void *arg);

/* Super blocks and inodes. */
struct super_block *sb_alloc(const struct fs_type *type,
			     const struct super_ops *ops);
void sb_free(struct super_block *sb);
/*
 * Write back what sb holds in memory: the stores of shared mappings (the
 * page cache) and the filesystem's own state (sync_fs).  sync, syncfs,
 * umount and shutdown.  May sleep.
 */
int sync_filesystem(struct super_block *sb);
/* Drop a mount's use of sb: the last one syncs and puts it. */
void sb_release(struct super_block *sb);
/* A new anonymous device number for a nodev filesystem. */
uint64_t sb_anon_dev(void);
struct inode *inode_alloc(struct super_block *sb);
/* A cached inode by number, with a new reference, or NULL. */
struct inode *inode_find(struct super_block *sb, uint64_t ino);
struct inode *inode_get(struct inode *inode);
void inode_put(struct inode *inode);
struct timespec_k current_time(void);

/*
 * Dentries.  dentry_alloc with a parent makes a hashed child: one
 * reference for the name tree, one returned to the caller.  Without a
 * parent it makes an unattached root with the caller's reference only.
 */
struct dentry *dentry_alloc(struct dentry *parent, const char *name,
			    size_t len);
/*
 * Enter name in parent for inode (a lookup, create or link found or made
 * it), taking over the inode reference: the caller's reference to the
 * dentry, or NULL (no memory; the inode reference is dropped).  Under a
 * no_dcache super block the dentry is not kept in the tree: it dies with
 * the caller's reference.
 */
struct dentry *dentry_add(struct dentry *parent, const char *name, size_t len,
			  struct inode *inode);
/* Take d out of the name tree, dropping the tree's reference. */
void dentry_unhash(struct dentry *d);
/* The root dentry of a new super_block; takes over the inode ref. */
struct dentry *dentry_make_root(struct super_block *sb, struct inode *root);
struct dentry *dentry_get(struct dentry *d);
void dentry_put(struct dentry *d);

/* Paths. */
void path_get(const struct path *p);
void path_put(struct path *p);

/* Files. */
struct file *file_alloc(struct inode *inode, const struct file_ops *ops,
			unsigned int flags);
struct file *file_get(struct file *f);
void file_put(struct file *f);

/* Open an existing place (flags: O_* access mode and status flags). */
int vfs_open_path(struct task *t, const struct path *p, unsigned int flags,
		  struct file **out);
/* Read from a file into kernel memory at off: bytes read or -errno. */
ssize_t kernel_read(struct file *f, void *buf, size_t len, uint64_t off);

/* Is p on a read-only mount or filesystem? */
bool path_readonly(const struct path *p);
/* Change attributes through the fs (sets ATTR_CTIME); -EROFS, -EPERM. */
int vfs_setattr(struct task *t, const struct path *p, struct iattr *ia);
/* May a file of t's grow to size (RLIMIT_FSIZE)?  0, or -EFBIG after
 * raising SIGXFSZ, as Linux does. */
int file_size_allowed(struct task *t, uint64_t size);

/* The generic llseek for files with a size. */
int64_t generic_llseek(struct file *f, int64_t off, int whence);
/* llseek for directories whose positions are cookies (any value >= 0):
 * SEEK_SET and SEEK_CUR only. */
int64_t cookie_dir_llseek(struct file *f, int64_t off, int whence);
/* Emit "." and ".." at positions 0 and 1; false if the reader is full. */
bool dir_emit_dots(struct file *f, struct dir_context *ctx);

/* Credentials check against an inode: 0 or -EACCES. */
int inode_permission(struct task *t, struct inode *inode, int mask);

/* Character devices: a major/minor range served by one file_ops. */
int chrdev_register(unsigned int major, unsigned int minor,
		    unsigned int count, const char *name,
		    const struct file_ops *ops);
/* Block devices, for block nodes and mount sources. */
int blkdev_register(struct bdev *bd);
struct bdev *blkdev_find(uint64_t dev);
/* By name, "/dev/ubda" or "ubda" (boot-time root=). */
struct bdev *blkdev_find_name(const char *name);
void for_each_blkdev(void (*fn)(struct bdev *bd, void *arg), void *arg);
/* The file_ops that device inodes get: they dispatch on rdev at open. */
extern const struct file_ops chrdev_file_ops, blkdev_file_ops;
/* Fill inode as a device node / FIFO / socket node (mode says which). */
void init_special_inode(struct inode *inode, uint32_t mode, uint64_t rdev);

#endif
