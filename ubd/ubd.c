/*
 * ubd: the block device over a host image file.
 *
 * Each configured disk is opened and locked at boot (a second vmlinux on
 * the same image is refused), registered as a bdev with major 98 and
 * minor 16*N, and given a /dev/ubdX node.  Requests are served with
 * positioned host reads and writes; the image's size is rounded down to
 * whole sectors.
 *
 * Durability: a flush (fsync, a journal commit) is an fdatasync of the
 * image, skipped when nothing was written since the last one; with the
 * `s` flag (ubdNs=) every write is flushed before it completes, as UML's
 * O_SYNC open of the image.
 */
#include <stdio.h>
#include <string.h>

#include "errno.h"
#include "fs/bdev.h"
#include "fs/devtmpfs.h"
#include "fs/vfs.h"
#include "printk.h"
#include "ubd/cow.h"
#include "ubd/ubd.h"
#include "ubd/ubd_host.h"

struct ubd {
	struct bdev bdev;
	int fd;		 /* the image, or -1 for a COW disk */
	struct cow *cow; /* a COW overlay over a read-only image */
	bool sync;
	bool dirty;	 /* written since the last flush */
	const char *file;
};

static struct ubd disks[MAX_UBD];

static int
ubd_read(struct bdev *bd, uint64_t off, void *buf, size_t len)
{
	struct ubd *u = bd->priv;

	if (u->cow)
		return cow_read(u->cow, off, buf, len);
	return ubd_host_pread(u->fd, buf, len, off);
}

static int
ubd_flush(struct bdev *bd)
{
	struct ubd *u = bd->priv;
	int r;

	if (!u->dirty)
		return 0;
	r = u->cow ? cow_flush(u->cow) : ubd_host_fsync(u->fd);
	if (r == 0)
		u->dirty = false;
	return r;
}

static int
ubd_write(struct bdev *bd, uint64_t off, const void *buf, size_t len)
{
	struct ubd *u = bd->priv;
	int r;

	if (u->cow)
		r = cow_write(u->cow, off, buf, len);
	else
		r = ubd_host_pwrite(u->fd, buf, len, off);
	u->dirty = true;
	if (r == 0 && u->sync)
		r = ubd_flush(bd);
	return r;
}

static const struct bdev_ops ubd_ops = {
	.read = ubd_read,
	.write = ubd_write,
	.flush = ubd_flush,
};

/* An existing file that starts with the COW magic is an overlay. */
static bool
ubd_is_cow(const char *path)
{
	char magic[8];
	uint64_t size;
	int fd;
	bool yes;

	if (ubd_host_open(path, true, true, &fd, &size) < 0)
		return false;
	yes = size >= 4096 && ubd_host_pread(fd, magic, 8, 0) == 0 &&
	      memcmp(magic, "UMKCOW1\n", 8) == 0;
	ubd_host_close(fd);
	return yes;
}

static int
ubd_open_one(int n, const struct ubd_spec *s)
{
	struct ubd *u = &disks[n];
	bool ro = s->flags & UBD_READONLY;
	uint64_t size;
	int r;

	if (s->backing || ubd_is_cow(s->file)) {
		char name[16];

		snprintf(name, sizeof(name), "ubd%d", n);
		if ((r = cow_open(name, s->file, s->backing,
				  s->flags & UBD_SHARED, &u->cow, &size)) < 0)
			return r;
		u->fd = -1;
		goto opened;
	}
	r = ubd_host_open(s->file, ro, s->flags & UBD_SHARED, &u->fd, &size);
	if (r == -EBUSY) {
		fprintf(stderr, "vmlinux: ubd%d: %s is in use by another "
				"instance (it is locked)\n",
			n, s->file);
		return r;
	}
	if (r < 0) {
		fprintf(stderr, "vmlinux: ubd%d: cannot open %s: %s\n", n,
			s->file, strerror(-r));
		return r;
	}
opened:
	u->file = s->file;
	u->sync = s->flags & UBD_SYNC;
	u->bdev.ops = &ubd_ops;
	u->bdev.priv = u;
	u->bdev.size = size & ~(uint64_t)(SECTOR_SIZE - 1);
	u->bdev.read_only = ro;
	u->bdev.major = UBD_MAJOR;
	u->bdev.minor = (unsigned int)n * 16;
	snprintf(u->bdev.name, sizeof(u->bdev.name), "ubd%c", 'a' + n);
	if ((r = blkdev_register(&u->bdev)) < 0)
		return r;
	devtmpfs_create_node(u->bdev.name, K_S_IFBLK | 0660,
			     k_makedev(UBD_MAJOR, u->bdev.minor));
	pr_info("ubd%c: %s, %llu sectors%s", 'a' + n, s->file,
		(unsigned long long)(u->bdev.size / SECTOR_SIZE),
		ro ? ", read-only" : "");
	return 0;
}

int
ubd_setup(const struct ubd_spec *specs, int n)
{
	int i, r;

	for (i = 0; i < n; i++) {
		disks[i].fd = -1;
		if (specs[i].file && (r = ubd_open_one(i, &specs[i])) < 0)
			return r;
	}
	return 0;
}

void
ubd_release_all(void)
{
	int i;

	for (i = 0; i < MAX_UBD; i++) {
		if (!disks[i].file)
			continue;
		if (!disks[i].bdev.read_only)
			ubd_flush(&disks[i].bdev);
		if (disks[i].cow)
			cow_close(disks[i].cow);
		else
			ubd_host_close(disks[i].fd);
		disks[i].cow = NULL;
		disks[i].fd = -1;
		disks[i].file = NULL;
	}
}
