/*
 * Block devices as filesystems see them.
 *
 * A bdev is a byte-addressed view of a disk made of 512-byte sectors.  The
 * ubd driver (ubd/) provides them for image files; unit tests provide one
 * over a plain file.  Filesystems (ext4/) read and write only through these
 * calls, never through the host, so they can be tested without booting.
 */
#ifndef FS_BDEV_H
#define FS_BDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errno.h"

#define SECTOR_SIZE 512

struct bdev;

struct bdev_ops {
	/* Read/write len bytes at byte offset off.  0 or -errno (-EIO). */
	int (*read)(struct bdev *bd, uint64_t off, void *buf, size_t len);
	int (*write)(struct bdev *bd, uint64_t off, const void *buf, size_t len);
	/* Make earlier writes durable.  0 or -errno. */
	int (*flush)(struct bdev *bd);
};

struct bdev {
	const struct bdev_ops *ops;
	char name[16];	   /* "ubda" */
	uint64_t size;	   /* bytes, a multiple of SECTOR_SIZE */
	bool read_only;
	unsigned int major, minor;
	void *priv;	   /* the driver's */
};

/* May sleep.  Reads past the end of the device fail with -EIO. */
static inline int
bdev_read(struct bdev *bd, uint64_t off, void *buf, size_t len)
{
	if (off > bd->size || len > bd->size - off)
		return -EIO;
	return bd->ops->read(bd, off, buf, len);
}

/* May sleep.  -EROFS on a read-only device. */
static inline int
bdev_write(struct bdev *bd, uint64_t off, const void *buf, size_t len)
{
	if (bd->read_only)
		return -EROFS;
	if (off > bd->size || len > bd->size - off)
		return -EIO;
	return bd->ops->write(bd, off, buf, len);
}

static inline int
bdev_flush(struct bdev *bd)
{
	return bd->ops->flush ? bd->ops->flush(bd) : 0;
}

#endif
