/*
 * Device numbers to drivers: the character and block device registries,
 * and the file_ops every device node gets, which find the driver by rdev
 * when the node is opened.  A node on any filesystem (ext4, devtmpfs,
 * tmpfs) works the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/bdev.h"
#include "fs/pipe.h"
#include "fs/vfs.h"

struct chrdev {
	unsigned int major, minor, count;
	const char *name;
	const struct file_ops *ops;
	struct list link;
};

static struct list chrdevs = LIST_INIT(chrdevs);

#define MAX_BLKDEVS 32
static struct bdev *blkdevs[MAX_BLKDEVS];

int
chrdev_register(unsigned int major, unsigned int minor, unsigned int count,
		const char *name, const struct file_ops *ops)
{
	struct chrdev *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->major = major;
	c->minor = minor;
	c->count = count;
	c->name = name;
	c->ops = ops;
	list_add_tail(&c->link, &chrdevs);
	return 0;
}

static const struct file_ops *
chrdev_lookup(uint64_t rdev)
{
	unsigned int major = k_major(rdev), minor = k_minor(rdev);
	struct chrdev *c;

	list_for_each_entry(c, &chrdevs, link)
		if (c->major == major && minor >= c->minor &&
		    minor - c->minor < c->count)
			return c->ops;
	return NULL;
}

/* Swap in the driver's ops and let it open. */
static int
chrdev_open(struct inode *inode, struct file *f)
{
	const struct file_ops *ops = chrdev_lookup(inode->rdev);

	if (!ops)
		return -ENXIO;
	if ((f->path.mnt && (f->path.mnt->flags & K_MS_NODEV)))
		return -EACCES;
	f->ops = ops;
	return ops->open ? ops->open(inode, f) : 0;
}

const struct file_ops chrdev_file_ops = {
	.open = chrdev_open,
};

int
blkdev_register(struct bdev *bd)
{
	int i;

	for (i = 0; i < MAX_BLKDEVS; i++) {
		if (!blkdevs[i]) {
			blkdevs[i] = bd;
			return 0;
		}
	}
	return -ENOSPC;
}

struct bdev *
blkdev_find(uint64_t dev)
{
	int i;

	for (i = 0; i < MAX_BLKDEVS; i++)
		if (blkdevs[i] && blkdevs[i]->major == k_major(dev) &&
		    blkdevs[i]->minor == k_minor(dev))
			return blkdevs[i];
	return NULL;
}

struct bdev *
blkdev_find_name(const char *name)
{
	int i;

	if (strncmp(name, "/dev/", 5) == 0)
		name += 5;
	for (i = 0; i < MAX_BLKDEVS; i++)
		if (blkdevs[i] && strcmp(blkdevs[i]->name, name) == 0)
			return blkdevs[i];
	return NULL;
}

void
for_each_blkdev(void (*fn)(struct bdev *bd, void *arg), void *arg)
{
	int i;

	for (i = 0; i < MAX_BLKDEVS; i++)
		if (blkdevs[i])
			fn(blkdevs[i], arg);
}

/* Block device files: byte-addressed reads and writes of the device. */
static ssize_t
blkdev_rw(struct file *f, struct uio *u, uint64_t *pos, bool write)
{
	struct bdev *bd = f->priv;
	char *buf;
	size_t len = uio_left(u), done = 0;
	int r = 0;

	if (*pos >= bd->size)
		return 0;
	if (len > bd->size - *pos)
		len = (size_t)(bd->size - *pos);
	if ((buf = malloc(65536)) == NULL)
		return -ENOMEM;
	while (done < len && r == 0) {
		size_t n = len - done < 65536 ? len - done : 65536;

		if (write) {
			if ((r = uio_in(u, buf, n)) == 0)
				r = bdev_write(bd, *pos, buf, n);
		} else if ((r = bdev_read(bd, *pos, buf, n)) == 0) {
			r = uio_out(u, buf, n);
		}
		if (r == 0) {
			*pos += n;
			done += n;
		}
	}
	free(buf);
	return done ? (ssize_t)done : r;
}

static ssize_t
blkdev_read_file(struct file *f, struct uio *u, uint64_t *pos)
{
	return blkdev_rw(f, u, pos, false);
}

static ssize_t
blkdev_write_file(struct file *f, struct uio *u, uint64_t *pos)
{
	return blkdev_rw(f, u, pos, true);
}

static int64_t
blkdev_llseek(struct file *f, int64_t off, int whence)
{
	struct bdev *bd = f->priv;
	int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t)f->pos
			     : whence == 2 ? (int64_t)bd->size : -1;

	if (base < 0 || base + off < 0)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

static int
blkdev_fsync(struct file *f, bool datasync)
{
	return bdev_flush(f->priv);
}

static long
blkdev_ioctl(struct file *f, unsigned int cmd, uint64_t arg);

static int
blkdev_open(struct inode *inode, struct file *f)
{
	struct bdev *bd = blkdev_find(inode->rdev);

	if (!bd)
		return -ENXIO;
	if (FMODE_WRITE(f) && bd->read_only)
		return -EROFS;
	f->priv = bd;
	return 0;
}

const struct file_ops blkdev_file_ops = {
	.open = blkdev_open,
	.read = blkdev_read_file,
	.write = blkdev_write_file,
	.llseek = blkdev_llseek,
	.fsync = blkdev_fsync,
	.ioctl = blkdev_ioctl,
	.direct_io = true, /* no cache to go around */
};

#include "task.h"
#include "uaccess.h"

#define BLKROGET 0x125e
#define BLKGETSIZE 0x1260
#define BLKFLSBUF 0x1261
#define BLKSSZGET 0x1268
#define BLKBSZGET 0x80081270
#define BLKGETSIZE64 0x80081272
#define BLKPBSZGET 0x127b

static long
blkdev_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct bdev *bd = f->priv;
	uint64_t v64;
	int v;

	switch (cmd) {
	case BLKGETSIZE64:
		v64 = bd->size;
		return copy_to_user(current, UADDR(arg), &v64, 8);
	case BLKGETSIZE:
		v64 = bd->size / 512;
		return copy_to_user(current, UADDR(arg), &v64, 8);
	case BLKSSZGET:
	case BLKPBSZGET:
		v = 512;
		return copy_to_user(current, UADDR(arg), &v, sizeof(v));
	case BLKBSZGET:
		v = 4096;
		return copy_to_user(current, UADDR(arg), &v, sizeof(v));
	case BLKROGET:
		v = bd->read_only;
		return copy_to_user(current, UADDR(arg), &v, sizeof(v));
	case BLKFLSBUF:
		return bdev_flush(bd);
	}
	return -ENOTTY;
}

void
init_special_inode(struct inode *inode, uint32_t mode, uint64_t rdev)
{
	inode->mode = mode;
	inode->rdev = rdev;
	if (K_ISCHR(mode))
		inode->f_op = &chrdev_file_ops;
	else if (K_ISBLK(mode))
		inode->f_op = &blkdev_file_ops;
	else if (K_ISFIFO(mode))
		inode->f_op = &fifo_file_ops;
	else
		inode->f_op = NULL; /* sockets: opening gives ENXIO */
}
