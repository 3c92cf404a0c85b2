/*
 * Copy-on-write overlays.
 *
 * A COW disk reads each 512-byte sector from the overlay if the overlay's
 * bitmap says it was written, else from the backing image, which is opened
 * read-only and never written.  Writes go to the overlay: the data first,
 * then the bitmap, so a crash never makes a sector point at data that was
 * not written.  The overlay is created on first use; its header names the
 * backing image with its size and mtime, and an overlay whose backing
 * image changed since is refused (its sectors would no longer match).
 * Format: docs/UBD.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "ubd/cow.h"
#include "ubd/ubd_host.h"

#define COW_MAGIC "UMKCOW1\n"
#define COW_VERSION 1
#define COW_SECTOR 512
#define COW_HEADER_SIZE 4096
#define COW_PATH_MAX 4048

struct cow_header {
	char magic[8];
	uint32_t version;
	uint32_t sector_size;
	uint64_t backing_size;
	int64_t backing_mtime;
	uint64_t bitmap_offset;
	uint64_t data_offset;
	char backing[COW_PATH_MAX];
};

_Static_assert(sizeof(struct cow_header) == COW_HEADER_SIZE, "COW header");

struct cow {
	int fd, backing_fd;
	struct cow_header h;
	uint64_t sectors;
	uint8_t *bitmap;
	size_t bitmap_len;
};

static void
cow_say(const char *name, const char *path, const char *what)
{
	fprintf(stderr, "vmlinux: %s: %s: %s\n", name, path, what);
}

static uint64_t
align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static int
cow_create(const char *name, struct cow *c, const char *path,
	   const char *backing)
{
	struct ubd_host_stat st;
	int r;

	if ((r = ubd_host_realpath(backing, c->h.backing, COW_PATH_MAX)) < 0 ||
	    (r = ubd_host_open(c->h.backing, true, false, &c->backing_fd,
			       &st.size)) < 0 ||
	    (r = ubd_host_stat(c->backing_fd, &st)) < 0) {
		cow_say(name, backing, "cannot open the backing image");
		return r;
	}
	memcpy(c->h.magic, COW_MAGIC, 8);
	c->h.version = COW_VERSION;
	c->h.sector_size = COW_SECTOR;
	c->h.backing_size = st.size;
	c->h.backing_mtime = st.mtime;
	c->sectors = st.size / COW_SECTOR;
	c->bitmap_len = (size_t)((c->sectors + 7) / 8);
	c->h.bitmap_offset = COW_HEADER_SIZE;
	c->h.data_offset = align_up(COW_HEADER_SIZE + c->bitmap_len, 4096);
	if ((r = ubd_host_create(path, &c->fd)) < 0) {
		cow_say(name, path, r == -EBUSY ? "in use by another instance"
						: "cannot create the overlay");
		return r;
	}
	if ((c->bitmap = calloc(1, c->bitmap_len ? c->bitmap_len : 1)) == NULL)
		return -ENOMEM;
	if ((r = ubd_host_pwrite(c->fd, c->bitmap, c->bitmap_len,
				 c->h.bitmap_offset)) < 0 ||
	    (r = ubd_host_pwrite(c->fd, &c->h, sizeof(c->h), 0)) < 0)
		cow_say(name, path, "cannot write the overlay header");
	return r;
}

static int
cow_check_header(const char *name, const char *path, struct cow *c)
{
	uint64_t sectors = c->h.backing_size / COW_SECTOR;

	if (memcmp(c->h.magic, COW_MAGIC, 8) != 0 ||
	    c->h.version != COW_VERSION || c->h.sector_size != COW_SECTOR ||
	    c->h.bitmap_offset != COW_HEADER_SIZE ||
	    c->h.data_offset < COW_HEADER_SIZE + (sectors + 7) / 8 ||
	    memchr(c->h.backing, 0, COW_PATH_MAX) == NULL) {
		cow_say(name, path, "not a umk COW overlay (bad header)");
		return -EINVAL;
	}
	c->sectors = sectors;
	c->bitmap_len = (size_t)((sectors + 7) / 8);
	return 0;
}

static int
cow_reopen(const char *name, struct cow *c, const char *path,
	   const char *backing, bool shared)
{
	struct ubd_host_stat st;
	char real[COW_PATH_MAX];
	uint64_t size;
	int r;

	if ((r = ubd_host_open(path, false, shared, &c->fd, &size)) < 0) {
		cow_say(name, path, r == -EBUSY ? "in use by another instance"
						: "cannot open the overlay");
		return r;
	}
	if ((r = ubd_host_pread(c->fd, &c->h, sizeof(c->h), 0)) < 0 ||
	    (r = cow_check_header(name, path, c)) < 0)
		return r < 0 ? r : -EINVAL;
	if (backing && ubd_host_realpath(backing, real, sizeof(real)) == 0 &&
	    strcmp(real, c->h.backing) != 0) {
		cow_say(name, path, "the overlay belongs to another backing image");
		return -EINVAL;
	}
	if ((r = ubd_host_open(c->h.backing, true, false, &c->backing_fd,
			       &size)) < 0 ||
	    (r = ubd_host_stat(c->backing_fd, &st)) < 0) {
		cow_say(name, c->h.backing, "cannot open the backing image");
		return r;
	}
	if (st.size != c->h.backing_size || st.mtime != c->h.backing_mtime) {
		cow_say(name, c->h.backing,
			"the backing image changed since the overlay was made");
		return -EINVAL;
	}
	if ((c->bitmap = malloc(c->bitmap_len ? c->bitmap_len : 1)) == NULL)
		return -ENOMEM;
	return ubd_host_pread(c->fd, c->bitmap, c->bitmap_len,
			      c->h.bitmap_offset);
}

int
cow_open(const char *name, const char *path, const char *backing, bool shared,
	 struct cow **out, uint64_t *size)
{
	struct cow *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->fd = c->backing_fd = -1;
	if (!ubd_host_exists(path)) {
		if (!backing) {
			cow_say(name, path, "no such overlay and no backing "
					    "image to make one");
			free(c);
			return -ENOENT;
		}
		r = cow_create(name, c, path, backing);
	} else {
		r = cow_reopen(name, c, path, backing, shared);
	}
	if (r < 0) {
		cow_close(c);
		return r;
	}
	*out = c;
	*size = c->sectors * COW_SECTOR;
	return 0;
}

static bool
in_overlay(const struct cow *c, uint64_t s)
{
	return c->bitmap[s / 8] & (1u << (s % 8));
}

/* Read whole sectors [s, s+n) into buf, each from where it lives. */
static int
read_sectors(struct cow *c, uint64_t s, uint64_t n, char *buf)
{
	while (n > 0) {
		bool ov = in_overlay(c, s);
		uint64_t run = 1;
		int r;

		while (run < n && in_overlay(c, s + run) == ov)
			run++;
		r = ov ? ubd_host_pread(c->fd, buf, run * COW_SECTOR,
					c->h.data_offset + s * COW_SECTOR)
		       : ubd_host_pread(c->backing_fd, buf, run * COW_SECTOR,
					s * COW_SECTOR);
		if (r < 0)
			return r;
		s += run;
		n -= run;
		buf += run * COW_SECTOR;
	}
	return 0;
}

int
cow_read(struct cow *c, uint64_t off, void *buf, size_t len)
{
	uint64_t first = off / COW_SECTOR;
	uint64_t last = (off + len + COW_SECTOR - 1) / COW_SECTOR;
	char *tmp;
	int r;

	if (off % COW_SECTOR == 0 && len % COW_SECTOR == 0)
		return read_sectors(c, first, last - first, buf);
	if ((tmp = malloc((last - first) * COW_SECTOR)) == NULL)
		return -ENOMEM;
	if ((r = read_sectors(c, first, last - first, tmp)) == 0)
		memcpy(buf, tmp + (off - first * COW_SECTOR), len);
	free(tmp);
	return r;
}

/* Mark sectors [s, s+n) as in the overlay, on disk too. */
static int
mark_sectors(struct cow *c, uint64_t s, uint64_t n)
{
	uint64_t i, lo = s / 8, hi = (s + n - 1) / 8;

	for (i = s; i < s + n; i++)
		c->bitmap[i / 8] |= (uint8_t)(1u << (i % 8));
	return ubd_host_pwrite(c->fd, c->bitmap + lo, (size_t)(hi - lo + 1),
			       c->h.bitmap_offset + lo);
}

int
cow_write(struct cow *c, uint64_t off, const void *buf, size_t len)
{
	uint64_t first = off / COW_SECTOR;
	uint64_t last = (off + len + COW_SECTOR - 1) / COW_SECTOR;
	uint64_t n = last - first;
	char *tmp = NULL;
	const void *data = buf;
	int r;

	if (off % COW_SECTOR || len % COW_SECTOR) {
		/* Partial sectors: merge with what the disk holds now. */
		if ((tmp = malloc(n * COW_SECTOR)) == NULL)
			return -ENOMEM;
		if ((r = read_sectors(c, first, n, tmp)) < 0)
			goto out;
		memcpy(tmp + (off - first * COW_SECTOR), buf, len);
		data = tmp;
	}
	if ((r = ubd_host_pwrite(c->fd, data, n * COW_SECTOR,
				 c->h.data_offset + first * COW_SECTOR)) == 0)
		r = mark_sectors(c, first, n);
out:
	free(tmp);
	return r;
}

int
cow_flush(struct cow *c)
{
	return ubd_host_fsync(c->fd);
}

void
cow_close(struct cow *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		ubd_host_close(c->fd);
	if (c->backing_fd >= 0)
		ubd_host_close(c->backing_fd);
	free(c->bitmap);
	free(c);
}
