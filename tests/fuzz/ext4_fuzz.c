/*
 * libFuzzer harness for the ext4 driver (kernel/fs/ext4/): a corrupt or
 * truncated image must never crash the kernel.
 *
 * The input is a disk image held in memory (zero-padded to the size its
 * superblock claims, at most 4 MiB).  It is mounted read-write with the
 * driver linked in-process (a journal that needs recovery is replayed),
 * the whole tree is walked (readdir, lookup, iget, readlink, read every
 * file, list and get xattrs), then files and directories old and new are
 * changed (create, write, truncate, punch, mkdir, symlink, link, rename,
 * unlink, rmdir, xattrs), the fs is synced and unmounted, and mounted and
 * walked once more.  If the read-write mount fails, the image is mounted
 * read-only over a read-only device and walked.  Errors are expected;
 * crashes, sanitizer reports, hangs and leaks are bugs.
 *
 * Two builds: build/fuzz/ext4_fuzz verifies metadata checksums as the
 * kernel does, build/fuzz/ext4_fuzz_nocsum (-DEXT4_FUZZ_IGNORE_CSUM)
 * accepts any checksum so that mutations reach the code behind the checks.
 *
 *   make fuzz                       build both and make the seed corpus
 *   make fuzz-run FUZZ_TIME=600     fuzz each build for FUZZ_TIME seconds
 *   make fuzz-regress               run both over tests/fuzz/crashers/
 *   build/fuzz/ext4_fuzz FILE...    replay inputs (UNIT_VERBOSE=1: the log;
 *                                   EXT4_FUZZ_SAVE=IMG: the changed image)
 *
 * A crash found by fuzzing goes to tests/fuzz/crashers/ once fixed; the
 * seeds come from tests/fuzz/mkseeds.sh (mke2fs -d, no root needed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ext4_driver.h"

#define FUZZ_DEV_MAX (4u << 20)
#define FUZZ_INODES 300		/* inodes walked per mount */
#define FUZZ_READ_MAX (1u << 20) /* bytes read per mount */
#define FUZZ_KEEP 8		/* existing names kept to change */

/* ---- a block device over memory ---- */

static int
mem_read(struct bdev *bd, uint64_t off, void *buf, size_t len)
{
	memcpy(buf, (uint8_t *)bd->priv + off, len);
	return 0;
}

static int
mem_write(struct bdev *bd, uint64_t off, const void *buf, size_t len)
{
	memcpy((uint8_t *)bd->priv + off, buf, len);
	return 0;
}

static const struct bdev_ops mem_ops = { .read = mem_read,
					 .write = mem_write };

static uint32_t
get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The device size: the input, or what its superblock claims if larger. */
static size_t
dev_size(const uint8_t *data, size_t len)
{
	size_t size = len, claimed;
	uint32_t log;

	if (len >= 2048) {
		log = get_le32(data + 1024 + 24);
		claimed = log <= 6 ? (size_t)get_le32(data + 1024 + 4)
					     << (10 + log)
				   : 0;
		if (claimed > size)
			size = claimed;
	}
	if (size > FUZZ_DEV_MAX)
		size = len > FUZZ_DEV_MAX ? len : FUZZ_DEV_MAX;
	return (size + SECTOR_SIZE - 1) & ~(size_t)(SECTOR_SIZE - 1);
}

static void
fixed_clock(struct ext4_time *t)
{
	t->sec = 1700000000;
	t->nsec = 0;
}

/* ---- walking the tree ---- */

struct kept {
	uint32_t dir, ino;
	uint16_t mode;
	char name[EXT4_NAME_MAX + 1];
};

struct walk {
	struct ext4_fs *fs;
	int inodes;		/* left to visit */
	size_t read;		/* left to read */
	struct kept keep[FUZZ_KEEP];
	int nkeep;
};

struct names {
	char name[64][EXT4_NAME_MAX + 1];
	uint32_t ino[64];
	int n;
};

static int
collect(void *ctx, const char *name, size_t len, uint32_t ino,
	unsigned int type)
{
	struct names *l = ctx;

	if (l->n == 64)
		return 1;
	if (len > EXT4_NAME_MAX)
		len = EXT4_NAME_MAX;
	memcpy(l->name[l->n], name, len);
	l->name[l->n][len] = '\0';
	l->ino[l->n++] = ino;
	return 0;
}

static void walk_inode(struct walk *w, uint32_t dir, uint32_t ino,
		       const char *name, int depth);

static bool
is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* Readdir in batches of up to 64 names; look each up and visit it. */
static void
walk_dir(struct walk *w, struct ext4_inode *dir, int depth)
{
	static struct names l[16];
	struct names *cur = &l[depth];
	uint64_t pos = 0;
	uint32_t ino;
	int r, i, rounds = 0;

	do {
		cur->n = 0;
		r = ext4_readdir(w->fs, dir, &pos, collect, cur);
		for (i = 0; i < cur->n && w->inodes > 0; i++) {
			if (is_dot(cur->name[i]))
				continue;
			ext4_lookup(w->fs, dir, cur->name[i],
				    strlen(cur->name[i]), &ino);
			walk_inode(w, dir->ino, cur->ino[i], cur->name[i],
				   depth + 1);
		}
	} while (r == 1 && w->inodes > 0 && ++rounds < 64);
}

static void
walk_xattrs(struct walk *w, struct ext4_inode *in)
{
	char names[1024], value[512];
	ssize_t n, i;

	n = ext4_listxattr(w->fs, in, NULL, 0);
	n = ext4_listxattr(w->fs, in, names, sizeof(names));
	for (i = 0; i < n; i += strlen(names + i) + 1) {
		if (memchr(names + i, '\0', n - i) == NULL)
			break;
		ext4_getxattr(w->fs, in, names + i, NULL, 0);
		ext4_getxattr(w->fs, in, names + i, value, sizeof(value));
	}
	ext4_getxattr(w->fs, in, "user.absent", value, sizeof(value));
}

static void
walk_file(struct walk *w, struct ext4_inode *in)
{
	static uint8_t buf[16384];
	uint64_t off, phys;
	ssize_t n;

	for (off = 0; w->read > 0; off += n) {
		n = ext4_read(w->fs, in, off, buf, sizeof(buf));
		if (n <= 0)
			break;
		w->read -= (size_t)n < w->read ? (size_t)n : w->read;
	}
	if (in->size > 10)
		ext4_read(w->fs, in, in->size - 10, buf, 100);
	ext4_bmap(w->fs, in, 0, &phys);
	ext4_bmap(w->fs, in, 1u << 20, &phys);
}

static void
keep(struct walk *w, uint32_t dir, struct ext4_inode *in, const char *name)
{
	struct kept *k;

	if (w->nkeep == FUZZ_KEEP)
		return;
	k = &w->keep[w->nkeep++];
	k->dir = dir;
	k->ino = in->ino;
	k->mode = in->mode;
	snprintf(k->name, sizeof(k->name), "%s", name);
}

static void
walk_inode(struct walk *w, uint32_t dir, uint32_t ino, const char *name,
	   int depth)
{
	char target[4200];
	struct ext4_inode *in;

	if (w->inodes-- <= 0 || ext4_iget(w->fs, ino, &in) < 0)
		return;
	if (S_ISDIR(in->mode)) {
		if (depth < 15)
			walk_dir(w, in, depth);
		ext4_read(w->fs, in, 0, target, sizeof(target));
	} else if (S_ISLNK(in->mode)) {
		ext4_readlink(w->fs, in, target, sizeof(target));
		ext4_readlink(w->fs, in, target, 3);
	} else if (S_ISREG(in->mode)) {
		walk_file(w, in);
	}
	walk_xattrs(w, in);
	if (name != NULL && (S_ISDIR(in->mode) || S_ISREG(in->mode) ||
			     S_ISLNK(in->mode)))
		keep(w, dir, in, name);
	ext4_iput(in);
}

static void
walk_all(struct ext4_fs *fs, struct walk *w)
{
	struct ext4_statfs st;
	uint32_t ino;

	memset(w, 0, sizeof(*w));
	w->fs = fs;
	w->inodes = FUZZ_INODES;
	w->read = FUZZ_READ_MAX;
	ext4_statfs(fs, &st);
	walk_inode(w, EXT4_ROOT_INO, EXT4_ROOT_INO, NULL, 0);
	/* A few inodes no directory names: the journal, lost+found, ... */
	for (ino = 1; ino < 16; ino++)
		if (ino != EXT4_ROOT_INO)
			walk_inode(w, EXT4_ROOT_INO, ino, NULL, 15);
}

/* ---- changing it ---- */

#define NAME(s) s, sizeof(s) - 1

/* Change an existing regular file, where the damage is. */
static void
change_file(struct ext4_fs *fs, struct ext4_inode *in)
{
	static const char data[6000] = "fuzz";
	uint64_t size = in->size;

	ext4_write(fs, in, size / 2, data, 100);
	ext4_write(fs, in, size + 5000, data, sizeof(data));
	ext4_fallocate(fs, in, EXT4_FALLOC_KEEP_SIZE | EXT4_FALLOC_PUNCH_HOLE,
		       1024, 4096);
	ext4_fallocate(fs, in, 0, size + 20000, 8192);
	ext4_truncate(fs, in, size / 3);
	ext4_setxattr(fs, in, "user.fuzz", data, 40, 0);
	ext4_setxattr(fs, in, "user.big", data, 2000, 0);
	ext4_removexattr(fs, in, "user.fuzz");
	ext4_write_inode(fs, in);
}

/* Add and remove entries in an existing directory. */
static void
change_dir(struct ext4_fs *fs, struct ext4_inode *dir,
	   struct ext4_inode *root)
{
	struct ext4_inode *in;
	char name[32];
	int i;

	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "fz-entry-with-long-name-%d", i);
		if (ext4_create(fs, dir, name, strlen(name), 0644, 0, 0,
				&in) == 0)
			ext4_iput(in);
	}
	for (i = 0; i < 40; i += 2) {
		snprintf(name, sizeof(name), "fz-entry-with-long-name-%d", i);
		ext4_unlink(fs, dir, name, strlen(name), false);
	}
	if (ext4_mkdir(fs, dir, NAME("fz-sub"), 0755, 0, 0, &in) == 0) {
		ext4_rename(fs, dir, NAME("fz-entry-with-long-name-1"), in,
			    NAME("moved"), 0);
		ext4_iput(in);
	}
	ext4_rename(fs, dir, NAME("fz-sub"), root, NAME("fz-sub-moved"), 0);
}

static void
change_kept(struct ext4_fs *fs, struct walk *w, struct ext4_inode *root)
{
	struct ext4_inode *in, *dir;
	struct kept *k;
	int i;

	for (i = 0; i < w->nkeep; i++) {
		k = &w->keep[i];
		if (ext4_iget(fs, k->ino, &in) < 0)
			continue;
		if (S_ISREG(in->mode))
			change_file(fs, in);
		else if (S_ISDIR(in->mode))
			change_dir(fs, in, root);
		ext4_iput(in);
		if (ext4_iget(fs, k->dir, &dir) < 0)
			continue;
		switch (i % 4) {
		case 0:
			ext4_rename(fs, dir, k->name, strlen(k->name), root,
				    NAME("fz-renamed"), 0);
			break;
		case 1:
			if (S_ISDIR(k->mode))
				ext4_rmdir(fs, dir, k->name, strlen(k->name),
					   false);
			else
				ext4_unlink(fs, dir, k->name, strlen(k->name),
					    false);
			break;
		case 2:
			ext4_rename(fs, dir, k->name, strlen(k->name), root,
				    NAME("fz-renamed"), EXT4_RENAME_EXCHANGE);
			break;
		}
		ext4_iput(dir);
	}
}

/* New objects in the root. */
static void
change_root(struct ext4_fs *fs, struct ext4_inode *root)
{
	static const char data[9000] = "new";
	static char target[1500];
	struct ext4_inode *in;

	if (ext4_create(fs, root, NAME("fz-new"), 0644, 0, 0, &in) == 0) {
		ext4_write(fs, in, 0, data, sizeof(data));
		ext4_write(fs, in, 70000, data, 100);
		ext4_truncate(fs, in, 3000);
		ext4_link(fs, in, root, NAME("fz-link"));
		ext4_iput(in);
	}
	memset(target, 'a', sizeof(target) - 1);
	if (ext4_symlink(fs, root, NAME("fz-slow"), target, 200, 0, 0,
			 &in) == 0)
		ext4_iput(in);
	if (ext4_symlink(fs, root, NAME("fz-fast"), NAME("x"), 0, 0, &in) == 0)
		ext4_iput(in);
	if (ext4_mknod(fs, root, NAME("fz-fifo"), S_IFIFO | 0600, 0, 0, 0, 0,
		       &in) == 0)
		ext4_iput(in);
	/* Unlinked while open: the orphan list. */
	if (ext4_create(fs, root, NAME("fz-orphan"), 0600, 0, 0, &in) == 0) {
		ext4_write(fs, in, 0, data, 5000);
		ext4_unlink(fs, root, NAME("fz-orphan"), true);
		ext4_evict(fs, in);
		ext4_iput(in);
	}
	ext4_rename(fs, root, NAME("fz-new"), root, NAME("fz-link"), 0);
	ext4_unlink(fs, root, NAME("fz-fifo"), false);
	ext4_rmdir(fs, root, NAME("fz-sub-moved"), false);
}

static void
change_all(struct ext4_fs *fs, struct walk *w)
{
	struct ext4_inode *root;

	if (ext4_iget(fs, EXT4_ROOT_INO, &root) < 0)
		return;
	change_root(fs, root);
	ext4_commit(fs);
	change_kept(fs, w, root);
	change_dir(fs, root, root);
	ext4_iput(root);
	ext4_sync(fs);
}

/* ---- mutations that keep the layout ---- */

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			       unsigned int seed);

static uint32_t
next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * Half the mutations keep the image's size, so every structure stays
 * where the superblock says: a few bytes are set, flipped or nudged,
 * mostly in the first 64 KiB (superblock, descriptors, bitmaps, inode
 * table, the first directory, extent and xattr blocks).  The other half
 * are libFuzzer's own, which also insert, erase and cross over.
 */
size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			unsigned int seed)
{
	uint32_t x = seed | 1, span, off;
	int n;

	if (size == 0 || (seed & 1))
		return LLVMFuzzerMutate(data, size, max);
	for (n = 1 + next_rand(&x) % 8; n > 0; n--) {
		span = next_rand(&x) % 4 && size > 65536 ? 65536 : size;
		off = next_rand(&x) % span;
		switch (next_rand(&x) % 6) {
		case 0: data[off] = (uint8_t)next_rand(&x); break;
		case 1: data[off] ^= 1 << next_rand(&x) % 8; break;
		case 2: data[off] = 0; break;
		case 3: data[off] = 0xff; break;
		case 4: data[off] += next_rand(&x) % 2 ? 1 : -1; break;
		default:
			if (off + 4 <= size)
				memset(data + off, 0xff * (next_rand(&x) % 2),
				       4);
			break;
		}
	}
	return size;
}

/* ---- one input ---- */

/* EXT4_FUZZ_SAVE=FILE: keep the image as the changes left it (for fsck). */
static void
save(const uint8_t *dev, size_t size)
{
	const char *path = getenv("EXT4_FUZZ_SAVE");
	FILE *f;

	if (path == NULL || (f = fopen(path, "w")) == NULL)
		return;
	if (fwrite(dev, 1, size, f) != size)
		perror(path);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	size_t size = dev_size(data, len);
	uint8_t *dev = calloc(1, size ? size : 1);
	struct bdev bd = { .ops = &mem_ops, .name = "fuzz", .size = size,
			   .priv = dev };
	struct ext4_fs *fs;
	static struct walk w;

	memcpy(dev, data, len);
	if (ext4_mount(&bd, false, &fs) == 0) {
		ext4_set_clock(fs, fixed_clock);
		walk_all(fs, &w);
		change_all(fs, &w);
		ext4_unmount(fs);
		save(dev, size);
		/* What the driver wrote must read back without harm. */
		if (ext4_mount(&bd, false, &fs) == 0) {
			walk_all(fs, &w);
			ext4_unmount(fs);
		}
	} else {
		bd.read_only = true;
		if (ext4_mount(&bd, true, &fs) == 0) {
			walk_all(fs, &w);
			ext4_unmount(fs);
		}
	}
	free(dev);
	return 0;
}
