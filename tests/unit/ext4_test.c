/*
 * Unit test of the ext4 read path (kernel/fs/ext4/).
 *
 * ext4_fixture.sh builds a source tree and ext2/3/4 images of it with
 * mke2fs -d (1 KiB, 4 KiB and 64 KiB blocks; extents with index nodes,
 * htree directories, inline data, meta_bg, bigalloc, no checksums, a
 * checksum seed, unwritten extents, a journal needing recovery).  Each
 * image is mounted over a file-backed bdev and everything the driver reads
 * is compared with the tree and the manifest of its metadata.  Then images
 * held in memory are damaged in targeted ways, and finally fuzzed: random
 * bytes of metadata blocks are changed and the whole tree is walked, which
 * must fail cleanly and never crash or hang (run under ASan and UBSan).
 *
 * EXT4_TEST_KEEP=1 keeps the temporary directory, EXT4_TEST_FIXTURES=DIR
 * reuses one, EXT4_TEST_ONLY=SUBSTR checks only the matching images;
 * EXT4_FUZZ_SEED and EXT4_FUZZ_ITERS steer the fuzzer.
 */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ext4_driver.h"

#include "unit.h"

static char workdir[4096] = "/tmp/ext4_test.XXXXXX";

/* snprintf for paths and commands; they are never near the limit. */
static void __attribute__((format(printf, 3, 4)))
fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	if ((size_t)vsnprintf(buf, size, f, ap) >= size)
		fprintf(stderr, "ext4_test: truncated: %s\n", buf);
	va_end(ap);
}

/* ---- block devices: over a file, and over memory ---- */

struct file_bdev {
	struct bdev bd;
	int fd;
};

static int
file_read(struct bdev *bd, uint64_t off, void *buf, size_t len)
{
	struct file_bdev *fb = bd->priv;
	ssize_t n;

	while (len > 0) {
		n = pread(fb->fd, buf, len, (off_t)off);
		if (n <= 0)
			return -EIO;
		buf = (uint8_t *)buf + n;
		off += n;
		len -= n;
	}
	return 0;
}

static int
mem_read(struct bdev *bd, uint64_t off, void *buf, size_t len)
{
	memcpy(buf, (uint8_t *)bd->priv + off, len);
	return 0;
}

static int
no_write(struct bdev *bd, uint64_t off, const void *buf, size_t len)
{
	return -EROFS;
}

static const struct bdev_ops file_ops = { .read = file_read,
					  .write = no_write };
static const struct bdev_ops mem_ops = { .read = mem_read, .write = no_write };

static int
file_bdev_open(struct file_bdev *fb, const char *path)
{
	struct stat st;

	memset(fb, 0, sizeof(*fb));
	if ((fb->fd = open(path, O_RDONLY)) < 0 || fstat(fb->fd, &st) < 0) {
		perror(path);
		return -1;
	}
	fb->bd.ops = &file_ops;
	snprintf(fb->bd.name, sizeof(fb->bd.name), "file");
	fb->bd.size = st.st_size;
	fb->bd.read_only = true;
	fb->bd.priv = fb;
	return 0;
}

static void
mem_bdev_init(struct bdev *bd, uint8_t *mem, size_t size)
{
	memset(bd, 0, sizeof(*bd));
	bd->ops = &mem_ops;
	snprintf(bd->name, sizeof(bd->name), "mem");
	bd->size = size;
	bd->priv = mem;
}

static uint8_t *
load_file(const char *path, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) < 0)
		return NULL;
	buf = malloc(st.st_size);
	if (buf && read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*size = st.st_size;
	return buf;
}

static char *
wpath(const char *name)
{
	static char buf[4][4096];
	static int i;

	i = (i + 1) % 4;
	fmt(buf[i], sizeof(buf[i]), "%s/%s", workdir, name);
	return buf[i];
}

/* ---- the manifest: what mke2fs saw ---- */

struct mentry {
	char *path;		/* "./a/b" */
	uint32_t mode, uid, gid, nlink;
	uint64_t size;
	uint32_t major, minor;
	int64_t mtime;
	uint32_t mtime_ns;
};

struct manifest {
	struct mentry *e;
	size_t n;
};

static int
manifest_load(struct manifest *m, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[8192], *p, *fld[9];
	struct mentry *e;
	int i;

	memset(m, 0, sizeof(*m));
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		for (i = 8, p = line + strlen(line); i > 0; i--) {
			while (p > line && *p != '|')
				p--;
			fld[i] = p + 1;
			*p = '\0';
		}
		fld[0] = line;
		m->e = realloc(m->e, (m->n + 1) * sizeof(*m->e));
		e = &m->e[m->n++];
		e->path = strdup(fld[0]);
		e->mode = strtoul(fld[1], NULL, 16);
		e->uid = strtoul(fld[2], NULL, 10);
		e->gid = strtoul(fld[3], NULL, 10);
		e->size = strtoull(fld[4], NULL, 10);
		e->major = strtoul(fld[5], NULL, 16);
		e->minor = strtoul(fld[6], NULL, 16);
		e->mtime = strtoll(fld[7], &p, 10);
		e->mtime_ns = *p == '.' ? strtoul(p + 1, NULL, 10) : 0;
		if (fld[7][0] == '-' && e->mtime_ns != 0) {
			e->mtime -= 1;
			e->mtime_ns = 1000000000 - e->mtime_ns;
		}
		e->nlink = strtoul(fld[8], NULL, 10);
	}
	fclose(f);
	return 0;
}

static void
manifest_free(struct manifest *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->e[i].path);
	free(m->e);
}

/* ---- helpers over the driver ---- */

/* Resolve "./a/b" from the root.  0 and *ino or -errno. */
static int
resolve(struct ext4_fs *fs, const char *path, uint32_t *ino)
{
	struct ext4_inode *dir;
	const char *p = path, *slash;
	uint32_t cur = EXT4_ROOT_INO;
	int err;

	if (p[0] == '.' && (p[1] == '/' || p[1] == '\0'))
		p++;
	while (*p == '/')
		p++;
	while (*p) {
		slash = strchr(p, '/');
		if (slash == NULL)
			slash = p + strlen(p);
		if ((err = ext4_iget(fs, cur, &dir)) < 0)
			return err;
		err = ext4_lookup(fs, dir, p, slash - p, &cur);
		ext4_iput(dir);
		if (err < 0)
			return err;
		p = *slash ? slash + 1 : slash;
	}
	*ino = cur;
	return 0;
}

static int
iget_path(struct ext4_fs *fs, const char *path, struct ext4_inode **out)
{
	uint32_t ino;
	int err;

	if ((err = resolve(fs, path, &ino)) < 0)
		return err;
	return ext4_iget(fs, ino, out);
}

struct dent {
	char *name;
	uint32_t ino;
	unsigned int type;
	uint64_t pos;		/* readdir's *pos while offering it */
};

struct dlist {
	struct dent *d;
	size_t n;
	size_t batch, taken;	/* stop after batch entries per call */
	size_t max;		/* stop collecting (fuzz walk) */
	const uint64_t *pos;
};

static int
collect(void *ctx, const char *name, size_t len, uint32_t ino,
	unsigned int type)
{
	struct dlist *l = ctx;

	if (l->batch && l->taken == l->batch)
		return 1;
	if (l->max && l->n >= l->max)
		return 1;
	l->d = realloc(l->d, (l->n + 1) * sizeof(*l->d));
	l->d[l->n].name = strndup(name, len);
	l->d[l->n].ino = ino;
	l->d[l->n].type = type;
	l->d[l->n].pos = l->pos ? *l->pos : 0;
	l->n++;
	l->taken++;
	return 0;
}

static void
dlist_free(struct dlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->d[i].name);
	free(l->d);
	memset(l, 0, sizeof(*l));
}

/* Read a whole directory, batch entries per call (0: no limit). */
static int
read_dir(struct ext4_fs *fs, struct ext4_inode *dir, size_t batch,
	 struct dlist *l)
{
	uint64_t pos = 0;
	int r, calls = 0;

	memset(l, 0, sizeof(*l));
	l->batch = batch;
	l->pos = &pos;
	do {
		l->taken = 0;
		r = ext4_readdir(fs, dir, &pos, collect, l);
		if (++calls > 1000000)
			return -ELOOP;
	} while (r == 1 && !(l->max && l->n >= l->max));
	return r;
}

static int
dent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name,
		      ((const struct dent *)b)->name);
}

static unsigned int
dtype_of(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return DT_REG;
	case S_IFDIR: return DT_DIR;
	case S_IFLNK: return DT_LNK;
	case S_IFCHR: return DT_CHR;
	case S_IFBLK: return DT_BLK;
	case S_IFIFO: return DT_FIFO;
	case S_IFSOCK: return DT_SOCK;
	}
	return DT_UNKNOWN;
}

static int
mentry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mentry *)a)->path,
		      ((const struct mentry *)b)->path);
}

static const struct mentry *
manifest_find(const struct manifest *m, const char *path)
{
	struct mentry key = { .path = (char *)path };

	return bsearch(&key, m->e, m->n, sizeof(*m->e), mentry_cmp);
}

/* ---- comparing an image with the tree ---- */

struct img_case {
	const char *img;
	const char *manifest;	/* tree.manifest, lite.manifest, ... */
	const char *tree;	/* tree, lite, small */
};

static void
compare_file(struct ext4_fs *fs, struct ext4_inode *in, const char *host,
	     const char *what)
{
	size_t hsize, chunk, off, want_n;
	uint8_t *want = load_file(host, &hsize), *got;
	ssize_t n;
	bool ok = true;

	if (want == NULL) {
		fprintf(stderr, "cannot read %s\n", host);
		unit_failures++;
		return;
	}
	got = malloc(hsize + 64);
	CHECK_EQ(in->size, hsize);
	n = ext4_read(fs, in, 0, got, hsize + 64);
	CHECK_EQ(n, hsize);
	if (n == (ssize_t)hsize && memcmp(got, want, hsize) != 0) {
		fprintf(stderr, "%s: contents differ\n", what);
		unit_failures++;
	}
	chunk = hsize > (2 << 20) ? (1 << 20) + 13 : 4093;
	for (off = 0; off < hsize && ok; off += chunk) {
		n = ext4_read(fs, in, off, got, chunk);
		want_n = hsize - off < chunk ? hsize - off : chunk;
		ok = n == (ssize_t)want_n && memcmp(got, want + off, n) == 0;
	}
	if (!ok) {
		fprintf(stderr, "%s: chunked read differs at %zu\n", what, off);
		unit_failures++;
	}
	CHECK_EQ(ext4_read(fs, in, hsize, got, 10), 0);
	CHECK_EQ(ext4_read(fs, in, hsize + 5000, got, 10), 0);
	free(want);
	free(got);
}

static void
compare_symlink(struct ext4_fs *fs, struct ext4_inode *in, const char *host,
		const char *what)
{
	char want[8192], got[8192];
	ssize_t wn = readlink(host, want, sizeof(want)), gn;

	gn = ext4_readlink(fs, in, got, sizeof(got));
	CHECK_EQ(gn, wn);
	if (gn == wn && wn > 0 && memcmp(got, want, wn) != 0) {
		fprintf(stderr, "%s: symlink target differs\n", what);
		unit_failures++;
	}
	/* A short buffer gets a prefix. */
	if (wn > 3)
		CHECK_EQ(ext4_readlink(fs, in, got, 3), 3);
}

/* Each entry's position resumes a walk at that entry. */
static void
check_positions(struct ext4_fs *fs, struct ext4_inode *in,
		const struct dlist *all, const char *path)
{
	struct dlist one;
	uint64_t pos;
	size_t i;

	for (i = 0; i < all->n; i++) {
		if (i > 0 && all->d[i].pos <= all->d[i - 1].pos) {
			fprintf(stderr, "%s: positions not increasing\n", path);
			unit_failures++;
			return;
		}
		memset(&one, 0, sizeof(one));
		one.batch = 1;
		pos = all->d[i].pos;
		/* 1: stopped at the next entry; 0: this was the last. */
		CHECK(ext4_readdir(fs, in, &pos, collect, &one) ==
		      (i + 1 < all->n));
		if (one.n != 1 || strcmp(one.d[0].name, all->d[i].name) != 0) {
			fprintf(stderr, "%s: resuming at %s fails\n", path,
				all->d[i].name);
			unit_failures++;
		}
		dlist_free(&one);
	}
}

static void
compare_dir(struct ext4_fs *fs, struct ext4_inode *in, const char *host,
	    const struct manifest *m, const char *path, uint32_t parent)
{
	struct dlist all, batched;
	DIR *d = opendir(host);
	struct dirent *de;
	size_t nhost = 0, i;
	char sub[4096];
	const struct mentry *e;
	uint32_t ino;

	CHECK_EQ(read_dir(fs, in, 0, &all), 0);
	CHECK_EQ(read_dir(fs, in, 7, &batched), 0);
	check_positions(fs, in, &all, path);
	CHECK_EQ(batched.n, all.n);
	for (i = 0; i < all.n && i < batched.n; i++)
		if (strcmp(all.d[i].name, batched.d[i].name) != 0 ||
		    all.d[i].ino != batched.d[i].ino) {
			fprintf(stderr, "%s: resumed readdir differs at %zu\n",
				path, i);
			unit_failures++;
			break;
		}
	while (d && (de = readdir(d)) != NULL)
		nhost++;
	if (strcmp(path, ".") == 0 &&
	    ext4_lookup(fs, in, "lost+found", 10, &ino) == 0)
		nhost++;
	if (d)
		closedir(d);
	CHECK_EQ(all.n, nhost);
	qsort(all.d, all.n, sizeof(*all.d), dent_cmp);
	for (i = 0; i < all.n; i++) {
		if (i > 0 && strcmp(all.d[i].name, all.d[i - 1].name) == 0) {
			fprintf(stderr, "%s: duplicate %s\n", path,
				all.d[i].name);
			unit_failures++;
		}
		if (strcmp(all.d[i].name, ".") == 0) {
			CHECK_EQ(all.d[i].ino, in->ino);
			continue;
		}
		if (strcmp(all.d[i].name, "..") == 0) {
			CHECK_EQ(all.d[i].ino, parent);
			continue;
		}
		fmt(sub, sizeof(sub), "%s/%s", path, all.d[i].name);
		if (strcmp(sub, "./lost+found") == 0)
			continue;
		if ((e = manifest_find(m, sub)) == NULL) {
			fprintf(stderr, "%s: not in the tree\n", sub);
			unit_failures++;
			continue;
		}
		CHECK_EQ(all.d[i].type, dtype_of(e->mode));
		CHECK(ext4_lookup(fs, in, all.d[i].name,
				  strlen(all.d[i].name), &ino) == 0 &&
		      ino == all.d[i].ino);
	}
	dlist_free(&all);
	dlist_free(&batched);
}

/*
 * mke2fs -d stores whole seconds in 32 bits; the fixture sets the extra
 * word (nanoseconds, epoch bits) of /hello.txt and /one by hand.
 */
static void
check_times(const struct ext4_inode *in, const struct mentry *e)
{
	bool exact = strcmp(e->path, "./hello.txt") == 0 ||
		     strcmp(e->path, "./one") == 0;

	if (exact && EXT4_INODE_HAS(in->extra_isize, i_mtime_extra)) {
		CHECK_EQ(in->mtime.sec, e->mtime);
		CHECK_EQ(in->mtime.nsec, e->mtime_ns);
	} else {
		CHECK_EQ(in->mtime.sec, (int32_t)e->mtime);
	}
	CHECK_EQ(in->has_crtime, EXT4_INODE_HAS(in->extra_isize, i_crtime));
}

static void
check_entry(struct ext4_fs *fs, const struct manifest *m,
	    const struct mentry *e, const char *tree)
{
	struct ext4_inode *in;
	char host[4096], parent_path[4096];
	uint32_t parent = EXT4_ROOT_INO;
	int err;

	fmt(host, sizeof(host), "%s/%s/%s", workdir, tree, e->path);
	if ((err = iget_path(fs, e->path, &in)) < 0) {
		fprintf(stderr, "%s: cannot open: %d\n", e->path, err);
		unit_failures++;
		return;
	}
	CHECK_EQ(in->mode, e->mode);
	CHECK_EQ(in->uid, e->uid);
	CHECK_EQ(in->gid, e->gid);
	/* mke2fs adds lost+found to the root and sets its times. */
	if (strcmp(e->path, ".") != 0) {
		CHECK_EQ(in->links, e->nlink);
		check_times(in, e);
	}
	if (S_ISCHR(e->mode) || S_ISBLK(e->mode)) {
		CHECK_EQ(in->rdev_major, e->major);
		CHECK_EQ(in->rdev_minor, e->minor);
	}
	if (S_ISREG(e->mode)) {
		compare_file(fs, in, host, e->path);
	} else if (S_ISLNK(e->mode)) {
		CHECK_EQ(in->size, e->size);
		compare_symlink(fs, in, host, e->path);
	} else if (S_ISDIR(e->mode)) {
		fmt(parent_path, sizeof(parent_path), "%s", e->path);
		if (strcmp(e->path, ".") != 0)
			resolve(fs, dirname(parent_path), &parent);
		compare_dir(fs, in, host, m, e->path, parent);
	}
	ext4_iput(in);
}

static struct ext4_fs *
mount_file(struct file_bdev *fb, const char *img)
{
	struct ext4_fs *fs = NULL;
	int err;

	if (file_bdev_open(fb, wpath(img)) < 0) {
		unit_failures++;
		return NULL;
	}
	if ((err = ext4_mount(&fb->bd, true, &fs)) < 0) {
		fprintf(stderr, "%s: mount failed: %d\n", img, err);
		unit_failures++;
		close(fb->fd);
		return NULL;
	}
	return fs;
}

static void
unmount_file(struct file_bdev *fb, struct ext4_fs *fs)
{
	ext4_unmount(fs);
	close(fb->fd);
}

/* Every buffer released, and the cache within its bound. */
static void
check_cache(struct ext4_fs *fs)
{
	struct ext4_buf *b;

	for (b = fs->cache.lru.lru_next; b != &fs->cache.lru; b = b->lru_next)
		CHECK_EQ(b->refs, 0);
	CHECK(fs->cache.count <= fs->cache.max);
}

/* "Label:   value" from dumpe2fs -h, or -1. */
static long long
dumpe2fs_field(const char *img, const char *label)
{
	char cmd[4096], line[512];
	long long v = -1;
	FILE *p;

	fmt(cmd, sizeof(cmd), "dumpe2fs -h %s 2>/dev/null", wpath(img));
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p))
		if (strncmp(line, label, strlen(label)) == 0 &&
		    line[strlen(label)] == ':')
			v = strtoll(line + strlen(label) + 1, NULL, 10);
	pclose(p);
	return v;
}

static void
check_statfs(struct ext4_fs *fs, const char *img)
{
	struct ext4_statfs st;
	long long overhead = dumpe2fs_field(img, "Overhead clusters");
	uint32_t saved;

	CHECK_EQ(ext4_statfs(fs, &st), 0);
	CHECK_EQ(st.block_size, dumpe2fs_field(img, "Block size"));
	CHECK_EQ(st.files, dumpe2fs_field(img, "Inode count"));
	CHECK_EQ(st.ffree, dumpe2fs_field(img, "Free inodes"));
	CHECK_EQ(st.free, dumpe2fs_field(img, "Free blocks"));
	CHECK_EQ(st.avail, st.free - dumpe2fs_field(img,
						    "Reserved block count"));
	CHECK_EQ(st.namelen, 255);
	if (overhead >= 0) {
		CHECK_EQ(st.blocks, dumpe2fs_field(img, "Block count") -
					    (overhead << fs->cluster_bits));
		/* Counting the metadata gives what mke2fs recorded. */
		saved = fs->sb.s_overhead_clusters;
		fs->sb.s_overhead_clusters = 0;
		if (!fs->cluster_bits)
			CHECK_EQ(super_overhead(fs), overhead);
		fs->sb.s_overhead_clusters = saved;
	}
}

static void
check_image(const struct img_case *c)
{
	struct file_bdev fb;
	struct ext4_fs *fs;
	struct manifest m;
	size_t i;

	if (manifest_load(&m, wpath(c->manifest)) < 0 || m.n == 0) {
		fprintf(stderr, "%s: no manifest\n", c->manifest);
		unit_failures++;
		return;
	}
	qsort(m.e, m.n, sizeof(*m.e), mentry_cmp);
	if ((fs = mount_file(&fb, c->img)) == NULL) {
		manifest_free(&m);
		return;
	}
	for (i = 0; i < m.n; i++)
		check_entry(fs, &m, &m.e[i], c->tree);
	check_statfs(fs, c->img);
	check_cache(fs);
	unmount_file(&fb, fs);
	manifest_free(&m);
}

/* ---- specific behaviour ---- */

static void
test_crc32c(void)
{
	CHECK_EQ(~ext4_crc32c(~0u, "123456789", 9), 0xE3069283u);
	CHECK_EQ(~ext4_crc32c(~0u, "", 0), 0);
	CHECK_EQ(ext4_crc16(0, "123456789", 9), 0xBB3D);	/* CRC-16/ARC */
	/* Split updates agree with one pass, across the 8-byte loop. */
	CHECK_EQ(ext4_crc32c(ext4_crc32c(~0u, "0123456789abc", 5), "56789abc",
			     8),
		 ext4_crc32c(~0u, "0123456789abc", 13));
}

static long long
debugfs_bmap(const char *img, const char *path, uint64_t lblk)
{
	char cmd[4096], line[256];
	long long v = -1;
	FILE *p;

	fmt(cmd, sizeof(cmd), "debugfs -R 'bmap %s %llu' %s 2>/dev/null",
		 path, (unsigned long long)lblk, wpath(img));
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), p))
		v = strtoll(line, NULL, 10);
	pclose(p);
	return v;
}

/* ext4_bmap agrees with debugfs, holes and all levels of indirection. */
static void
test_bmap(const char *img, const char *path, const uint64_t *blks, int n)
{
	struct file_bdev fb;
	struct ext4_fs *fs = mount_file(&fb, img);
	struct ext4_inode *in;
	uint64_t phys;
	int i;

	if (fs == NULL)
		return;
	if (iget_path(fs, path, &in) == 0) {
		for (i = 0; i < n; i++) {
			CHECK_EQ(ext4_bmap(fs, in, blks[i], &phys), 0);
			CHECK_EQ(phys, debugfs_bmap(img, path, blks[i]));
		}
		ext4_iput(in);
	} else {
		unit_failures++;
	}
	unmount_file(&fb, fs);
}

static void
test_bmaps(void)
{
	/* 1 KiB ext2: direct, single, double and triple indirect, holes. */
	static const uint64_t sparse1k[] = { 0, 3, 4, 11, 12, 267, 268, 269,
					     4882, 4883, 4886, 65803, 65804,
					     68359, 68367, 81919, 81920 };
	static const uint64_t contig1k[] = { 0, 11, 12, 13, 267, 268, 500,
					     1464, 1465 };
	static const uint64_t frag1k[] = { 0, 3, 4, 12, 100, 711, 712, 720 };
	static const uint64_t frag4k[] = { 0, 1, 2, 3, 100, 177, 178, 179 };

	test_bmap("ext2-1k.img", "/sparse", sparse1k, 17);
	test_bmap("ext2-1k.img", "/contig", contig1k, 9);
	test_bmap("ext3-1k.img", "/frag", frag1k, 8);
	test_bmap("ext4-1k.img", "/sparse", sparse1k, 17);
	test_bmap("ext4-1k.img", "/frag", frag1k, 8);
	test_bmap("ext4-4k.img", "/frag", frag4k, 8);
	test_bmap("ext4-plain.img", "/frag", frag1k, 8);
}

/* "Blockcount:" from debugfs stat, or -1. */
static long long
debugfs_blockcount(const char *img, const char *path)
{
	char cmd[4096], line[512], *p;
	long long v = -1;
	FILE *f;

	fmt(cmd, sizeof(cmd), "debugfs -R 'stat %s' %s 2>/dev/null", path,
	    wpath(img));
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if ((p = strstr(line, "Blockcount: ")) != NULL)
			v = strtoll(p + 12, NULL, 10);
	pclose(f);
	return v;
}

/* i_blocks (st_blocks) agrees with debugfs. */
static void
test_blocks(const char *img)
{
	static const char *paths[] = { "/contig", "/sparse", "/frag",
				       "/hello.txt", "/dir", "/big",
				       "/long-link" };
	struct file_bdev fb;
	struct ext4_fs *fs = mount_file(&fb, img);
	struct ext4_inode *in;
	size_t i;

	if (fs == NULL)
		return;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (iget_path(fs, paths[i], &in) < 0) {
			unit_failures++;
			continue;
		}
		CHECK_EQ(in->blocks, debugfs_blockcount(img, paths[i]));
		ext4_iput(in);
	}
	unmount_file(&fb, fs);
}

/* The images exercise what they are meant to. */
static void
test_coverage(void)
{
	struct file_bdev fb;
	struct ext4_fs *fs;
	struct ext4_inode *in;
	struct ext4_buf *b;
	const struct ext4_dx_root_info *info;
	uint64_t phys;

	if ((fs = mount_file(&fb, "ext4-1k.img")) == NULL)
		return;
	/* An extent tree with an index node. */
	if (iget_path(fs, "/frag", &in) == 0) {
		CHECK(in->flags & EXT4_EXTENTS_FL);
		CHECK(le16toh(((const struct ext4_extent_header *)
				       ext4_inode_iblock(in))->eh_depth) >= 1);
		ext4_iput(in);
	}
	/* A two-level hash tree. */
	if (iget_path(fs, "/big", &in) == 0) {
		CHECK(in->flags & EXT4_INDEX_FL);
		CHECK_EQ(ext4_bmap(fs, in, 0, &phys), 0);
		if (phys && ext4_bread(fs, phys, &b) == 0) {
			info = (const void *)(b->data + EXT4_DX_ROOT_INFO_OFF);
			CHECK_EQ(info->indirect_levels, 1);
			ext4_brelse(fs, b);
		}
		ext4_iput(in);
	}
	unmount_file(&fb, fs);
}

/* Unwritten extents: allocated, but zeros and no mapping. */
static void
test_unwritten(void)
{
	struct file_bdev fb;
	struct ext4_fs *fs;
	struct ext4_inode *in;
	struct ext4_map map;
	uint64_t phys;
	uint8_t buf[4096];

	if ((fs = mount_file(&fb, "ext4-4k.img")) == NULL)
		return;
	if (iget_path(fs, "/prealloc", &in) == 0) {
		CHECK_EQ(ext4_map_blocks(fs, in, 2, 10, &map), 0);
		CHECK_EQ(map.flags, EXT4_MAP_UNWRITTEN);
		CHECK_EQ(map.len, 4);
		CHECK_EQ(ext4_bmap(fs, in, 3, &phys), 0);
		CHECK_EQ(phys, 0);
		CHECK_EQ(ext4_map_blocks(fs, in, 6, 100, &map), 0);
		CHECK_EQ(map.flags, 0);
		CHECK_EQ(map.len, 100);
		memset(buf, 0xAA, sizeof(buf));
		CHECK_EQ(ext4_read(fs, in, 8192, buf, 4096), 4096);
		CHECK(buf[0] == 0 && buf[4095] == 0);
		ext4_iput(in);
	}
	unmount_file(&fb, fs);
}

static void
test_inline(void)
{
	struct file_bdev fb;
	struct ext4_fs *fs;
	struct ext4_inode *in;
	uint64_t phys;

	if ((fs = mount_file(&fb, "ext4-inline.img")) == NULL)
		return;
	if (iget_path(fs, "/hello.txt", &in) == 0) {
		CHECK(in->flags & EXT4_INLINE_DATA_FL);
		CHECK_EQ(ext4_bmap(fs, in, 0, &phys), -EINVAL);
		ext4_iput(in);
	}
	if (iget_path(fs, "/dir/sub", &in) == 0) {
		CHECK(in->flags & EXT4_INLINE_DATA_FL);
		ext4_iput(in);
	}
	unmount_file(&fb, fs);
}

/* Our name hashes agree with debugfs's dx_hash. */
static void
test_dx_hash(void)
{
	/* debugfs knows the unsigned variants by number only. */
	static const char *algs[] = { "0", "1", "2", "3", "4", "5" };
	static const char *names[] = {
		"hello", "ünïcödé", "entry-number-4999-with-a-longish-name",
		"a-name-that-is-longer-than-thirty-two-bytes-so-it-takes-"
		"several-rounds-of-the-hash-function",
	};
	struct file_bdev fb;
	struct ext4_fs *fs = mount_file(&fb, "ext4-1k.img");
	const uint8_t *u;
	uint32_t seed[4], zero[4] = { 0 };
	char cmd[4096], line[512], uuid[40];
	unsigned int v, n, i, want;
	FILE *p;

	if (fs == NULL)
		return;
	u = (const uint8_t *)fs->sb.s_hash_seed;
	for (i = 0; i < 4; i++)
		seed[i] = le32toh(fs->sb.s_hash_seed[i]);
	fmt(uuid, sizeof(uuid), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	for (v = 0; v < 6; v++) {
		for (n = 0; n < 4; n++) {
			fmt(cmd, sizeof(cmd), "debugfs -R 'dx_hash -h %s -s %s "
			    "%s' %s 2>/dev/null", algs[v], uuid, names[n],
			    wpath("ext4-1k.img"));
			want = 1;
			if ((p = popen(cmd, "r")) != NULL) {
				if (fgets(line, sizeof(line), p) &&
				    strstr(line, " is 0x"))
					want = strtoul(strstr(line, " is 0x") +
						       4, NULL, 16);
				pclose(p);
			}
			if (ext4_dx_hash(names[n], strlen(names[n]), v,
					 seed) != want) {
				fprintf(stderr, "dx_hash %s of %s differs\n",
					algs[v], names[n]);
				unit_failures++;
			}
		}
	}
	/* A zero seed means the default one. */
	CHECK_EQ(ext4_dx_hash("hello", 5, 1, zero), 0x1746da32);
	unmount_file(&fb, fs);
}

/* Every name of the big directory through the hash index alone. */
static void
test_htree(const char *img)
{
	struct file_bdev fb;
	struct ext4_fs *fs = mount_file(&fb, img);
	struct ext4_inode *dir;
	struct dlist l;
	char name[64];
	uint32_t ino;
	size_t i;

	if (fs == NULL)
		return;
	if (iget_path(fs, "/big", &dir) < 0) {
		unit_failures++;
		unmount_file(&fb, fs);
		return;
	}
	CHECK(ext4_dir_is_indexed(fs, dir));
	CHECK_EQ(read_dir(fs, dir, 0, &l), 0);
	CHECK_EQ(l.n, 5002);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.d[i].name, ".") == 0 ||
		    strcmp(l.d[i].name, "..") == 0)
			continue;
		ino = 0;
		CHECK_EQ(ext4_htree_lookup(fs, dir, l.d[i].name,
					   strlen(l.d[i].name), &ino), 0);
		CHECK_EQ(ino, l.d[i].ino);
	}
	for (i = 0; i < 200; i++) {
		fmt(name, sizeof(name), "entry-number-%zu-with-a-longish-nam",
		    i);
		CHECK_EQ(ext4_htree_lookup(fs, dir, name, strlen(name), &ino),
			 -ENOENT);
	}
	dlist_free(&l);
	ext4_iput(dir);
	unmount_file(&fb, fs);
}

static void
test_errors(void)
{
	struct file_bdev fb;
	struct ext4_fs *fs;
	struct ext4_inode *in, *dir;
	uint32_t ino;
	char name[300], buf[16];

	if ((fs = mount_file(&fb, "ext4-1k.img")) == NULL)
		return;
	CHECK_EQ(ext4_iget(fs, 0, &in), -EINVAL);
	CHECK_EQ(ext4_iget(fs, fs->inodes_count + 1, &in), -EINVAL);
	CHECK_EQ(ext4_iget(fs, fs->inodes_count, &in), -ESTALE);
	CHECK_EQ(ext4_iget(fs, EXT4_ROOT_INO, &dir), 0);
	CHECK_EQ(ext4_lookup(fs, dir, "no-such-file", 12, &ino), -ENOENT);
	memset(name, 'x', sizeof(name));
	CHECK_EQ(ext4_lookup(fs, dir, name, 256, &ino), -ENAMETOOLONG);
	CHECK_EQ(ext4_lookup(fs, dir, "hello.txtx", 9, &ino), 0);
	CHECK_EQ(ext4_lookup(fs, dir, "..", 2, &ino), 0);
	CHECK_EQ(ino, EXT4_ROOT_INO);
	CHECK_EQ(ext4_readlink(fs, dir, buf, sizeof(buf)), -EINVAL);
	if (iget_path(fs, "/hello.txt", &in) == 0) {
		CHECK_EQ(ext4_lookup(fs, in, "a", 1, &ino), -ENOTDIR);
		CHECK_EQ(ext4_readlink(fs, in, buf, sizeof(buf)), -EINVAL);
		ext4_iput(in);
	}
	if (iget_path(fs, "/null", &in) == 0) {
		CHECK_EQ(ext4_read(fs, in, 0, buf, sizeof(buf)), -EINVAL);
		ext4_iput(in);
	}
	ext4_iput(dir);
	unmount_file(&fb, fs);

	/* A device that refuses writes refuses a read-write mount. */
	CHECK_EQ(file_bdev_open(&fb, wpath("ext4-1k.img")), 0);
	fb.bd.read_only = false;
	fs = NULL;
	CHECK_EQ(ext4_mount(&fb.bd, false, &fs), -EROFS);
	CHECK(fs == NULL);
	close(fb.fd);

	/* A journal needing recovery: read-only still works. */
	if ((fs = mount_file(&fb, "ext4-recover.img")) != NULL) {
		CHECK_EQ(resolve(fs, "/dir/sub/deeper/leaf.txt", &ino), 0);
		unmount_file(&fb, fs);
	}
}

/* ---- damaged images ---- */

struct memimg {
	uint8_t *pristine, *buf;
	size_t size;
	struct bdev bd;
	struct ext4_fs *ref;	/* a mount of the pristine image */
	struct bdev ref_bd;
};

static int
memimg_load(struct memimg *mi, const char *img)
{
	memset(mi, 0, sizeof(*mi));
	if ((mi->pristine = load_file(wpath(img), &mi->size)) == NULL)
		return -1;
	mi->buf = malloc(mi->size);
	mem_bdev_init(&mi->ref_bd, mi->pristine, mi->size);
	if (ext4_mount(&mi->ref_bd, true, &mi->ref) < 0)
		return -1;
	return 0;
}

static void
memimg_free(struct memimg *mi)
{
	ext4_unmount(mi->ref);
	free(mi->pristine);
	free(mi->buf);
}

static void
memimg_reset(struct memimg *mi)
{
	memcpy(mi->buf, mi->pristine, mi->size);
	mem_bdev_init(&mi->bd, mi->buf, mi->size);
}

static int
memimg_mount(struct memimg *mi, struct ext4_fs **fs)
{
	*fs = NULL;
	return ext4_mount(&mi->bd, true, fs);
}

static struct ext4_disk_super *
img_sb(struct memimg *mi)
{
	return (struct ext4_disk_super *)(mi->buf + EXT4_SUPER_OFFSET);
}

static void
img_fix_sb_csum(struct memimg *mi)
{
	struct ext4_disk_super *sb = img_sb(mi);

	sb->s_checksum = htole32(ext4_crc32c(~0u, sb, offsetof(
		struct ext4_disk_super, s_checksum)));
}

/* Byte offset of group g's descriptor (no meta_bg). */
static uint64_t
img_desc_off(struct memimg *mi, uint32_t g)
{
	struct ext4_fs *fs = mi->ref;

	return ((uint64_t)fs->first_data_block + 1) * fs->block_size +
	       (uint64_t)g * fs->desc_size;
}

static uint64_t
img_inode_off(struct memimg *mi, uint32_t ino)
{
	struct ext4_fs *fs = mi->ref;
	const struct ext4_disk_group *gd =
		ext4_group_desc(fs, (ino - 1) / fs->inodes_per_group);

	return ext4_group_inode_table(fs, gd) * fs->block_size +
	       (uint64_t)((ino - 1) % fs->inodes_per_group) * fs->inode_size;
}

static uint32_t
img_ino(struct memimg *mi, const char *path)
{
	uint32_t ino = 0;

	CHECK_EQ(resolve(mi->ref, path, &ino), 0);
	return ino;
}

static struct ext4_disk_inode *
img_inode(struct memimg *mi, const char *path)
{
	return (void *)(mi->buf + img_inode_off(mi, img_ino(mi, path)));
}

/* Byte offset of logical block lblk of path. */
static uint64_t
img_block_off(struct memimg *mi, const char *path, uint64_t lblk)
{
	struct ext4_inode *in;
	uint64_t phys = 0;

	if (iget_path(mi->ref, path, &in) == 0) {
		CHECK_EQ(ext4_bmap(mi->ref, in, lblk, &phys), 0);
		ext4_iput(in);
	}
	CHECK(phys != 0);
	return phys * mi->ref->block_size;
}

/* Mount the damaged image and open path: the first error, or 0. */
static int
try_open(struct memimg *mi, const char *path)
{
	struct ext4_fs *fs;
	struct ext4_inode *in;
	int err;

	if ((err = memimg_mount(mi, &fs)) < 0)
		return err;
	err = iget_path(fs, path, &in);
	if (err == 0)
		ext4_iput(in);
	check_cache(fs);
	ext4_unmount(fs);
	return err;
}

/* Mount, open path and read all of it (file, symlink or directory). */
static int
try_read(struct memimg *mi, const char *path)
{
	struct ext4_fs *fs;
	struct ext4_inode *in;
	struct dlist l;
	static uint8_t buf[1 << 20];
	ssize_t n = 0;
	uint64_t off;
	int err;

	if ((err = memimg_mount(mi, &fs)) < 0)
		return err;
	if ((err = iget_path(fs, path, &in)) == 0) {
		if (S_ISDIR(in->mode)) {
			err = read_dir(fs, in, 0, &l);
			dlist_free(&l);
		} else if (S_ISLNK(in->mode)) {
			n = ext4_readlink(fs, in, (char *)buf, sizeof(buf));
		} else {
			/* A failure after some data gives a short read. */
			for (off = 0; (n = ext4_read(fs, in, off, buf,
						     sizeof(buf))) > 0;
			     off += n)
				;
		}
		if (n < 0)
			err = (int)n;
		ext4_iput(in);
	}
	check_cache(fs);
	ext4_unmount(fs);
	return err;
}

static void
test_bad_super(struct memimg *mi)
{
	struct ext4_disk_super *sb;

	memimg_reset(mi);
	img_sb(mi)->s_magic ^= 0x0101;
	CHECK_EQ(try_open(mi, "/"), -EINVAL);

	memimg_reset(mi);
	img_sb(mi)->s_inodes_count ^= 4;	/* checksum catches it */
	CHECK_EQ(try_open(mi, "/"), -EFSCORRUPTED);

	memimg_reset(mi);
	sb = img_sb(mi);
	sb->s_log_block_size = htole32(7);
	img_fix_sb_csum(mi);
	CHECK_EQ(try_open(mi, "/"), -EFSCORRUPTED);

	memimg_reset(mi);
	sb->s_blocks_count_lo = htole32(le32toh(sb->s_blocks_count_lo) * 2);
	img_fix_sb_csum(mi);
	CHECK_EQ(try_open(mi, "/"), -EFSCORRUPTED);

	memimg_reset(mi);
	sb->s_inodes_per_group = 0;
	img_fix_sb_csum(mi);
	CHECK_EQ(try_open(mi, "/"), -EFSCORRUPTED);

	memimg_reset(mi);
	sb->s_desc_size = htole16(48);
	img_fix_sb_csum(mi);
	CHECK_EQ(try_open(mi, "/"), -EFSCORRUPTED);

	memimg_reset(mi);
	sb->s_first_data_block = 0;
	img_fix_sb_csum(mi);
	CHECK_EQ(try_open(mi, "/"), -EFSCORRUPTED);

	memimg_reset(mi);
	sb->s_inode_size = htole16(200);
	img_fix_sb_csum(mi);
	CHECK_EQ(try_open(mi, "/"), -EFSCORRUPTED);
}

static void
test_bad_features(struct memimg *mi)
{
	struct ext4_disk_super *sb = img_sb(mi);

	memimg_reset(mi);
	sb->s_feature_incompat |= htole32(0x80000000 |
					  EXT4_FEATURE_INCOMPAT_ENCRYPT);
	img_fix_sb_csum(mi);
	CHECK_EQ(try_open(mi, "/"), -EINVAL);

	/* Unknown ro_compat: fine read-only. */
	memimg_reset(mi);
	sb->s_feature_ro_compat |= htole32(0x80000000);
	img_fix_sb_csum(mi);
	CHECK_EQ(try_open(mi, "/hello.txt"), 0);
}

/* A device shorter than the filesystem, or than a superblock. */
static void
test_short_device(struct memimg *mi)
{
	memimg_reset(mi);
	mi->bd.size /= 2;
	CHECK_EQ(try_open(mi, "/"), -EFSCORRUPTED);
	mi->bd.size = 1024;
	CHECK_EQ(try_open(mi, "/"), -EINVAL);
}

static void
test_bad_groups(void)
{
	struct memimg mi;
	struct ext4_disk_group *gd;
	char path[128];
	uint32_t ino = 0, i;

	/* A bad descriptor of group 1 only hides group 1's inodes. */
	if (memimg_load(&mi, "ext4-1k.img") < 0) {
		unit_failures++;
		return;
	}
	for (i = 0; i < 5000; i += 100) {
		fmt(path, sizeof(path),
			 "/big/entry-number-%u-with-a-longish-name", i);
		if (resolve(mi.ref, path, &ino) == 0 &&
		    (ino - 1) / mi.ref->inodes_per_group == 1)
			break;
	}
	CHECK(i < 5000);
	memimg_reset(&mi);
	mi.buf[img_desc_off(&mi, 1) + 3] ^= 0x40;
	CHECK_EQ(try_read(&mi, "/"), 0);
	CHECK_EQ(try_open(&mi, path), -EFSCORRUPTED);
	memimg_reset(&mi);
	mi.buf[img_desc_off(&mi, 0) + 9] ^= 0x01;
	CHECK_EQ(try_open(&mi, "/"), -EFSCORRUPTED);
	memimg_free(&mi);

	/* uninit_bg: the crc16 descriptor checksum. */
	if (memimg_load(&mi, "ext4-plain.img") < 0) {
		unit_failures++;
		return;
	}
	memimg_reset(&mi);
	mi.buf[img_desc_off(&mi, 1) + 3] ^= 0x40;
	CHECK_EQ(try_read(&mi, "/"), 0);
	mi.buf[img_desc_off(&mi, 0) + 9] ^= 0x01;
	CHECK_EQ(try_open(&mi, "/"), -EFSCORRUPTED);
	memimg_free(&mi);

	/* No checksums: the inode table location is checked. */
	if (memimg_load(&mi, "small-plain.img") < 0) {
		unit_failures++;
		return;
	}
	memimg_reset(&mi);
	gd = (void *)(mi.buf + img_desc_off(&mi, 0));
	gd->bg_inode_table_lo = htole32(0xfffffff0);
	CHECK_EQ(try_open(&mi, "/"), -EFSCORRUPTED);
	memimg_free(&mi);
}

static void
test_bad_inodes(struct memimg *mi, bool csum)
{
	struct ext4_disk_inode *di;
	struct ext4_extent_header *eh;

	if (csum) {
		memimg_reset(mi);
		img_inode(mi, "/hello.txt")->i_mtime ^= 1;
		CHECK_EQ(try_open(mi, "/hello.txt"), -EFSCORRUPTED);
		CHECK_EQ(try_open(mi, "/dir/two"), 0);
		return;
	}
	memimg_reset(mi);
	img_inode(mi, "/hello.txt")->i_extra_isize = htole16(200);
	CHECK_EQ(try_open(mi, "/hello.txt"), -EFSCORRUPTED);

	memimg_reset(mi);
	img_inode(mi, "/hello.txt")->i_mode = htole16(0xf1a4);
	CHECK_EQ(try_open(mi, "/hello.txt"), -EFSCORRUPTED);

	memimg_reset(mi);
	img_inode(mi, "/hello.txt")->i_size_high = htole32(0x80000000);
	CHECK_EQ(try_open(mi, "/hello.txt"), -EFSCORRUPTED);

	memimg_reset(mi);
	di = img_inode(mi, "/frag");
	eh = (void *)di->i_block;
	eh->eh_magic ^= 1;
	CHECK_EQ(try_open(mi, "/frag"), -EFSCORRUPTED);

	/* Root claims more depth than its children have. */
	memimg_reset(mi);
	eh->eh_depth = htole16(le16toh(eh->eh_depth) + 1);
	CHECK_EQ(try_read(mi, "/frag"), -EFSCORRUPTED);

	memimg_reset(mi);
	eh->eh_depth = htole16(EXT4_EXT_MAX_DEPTH + 1);
	CHECK_EQ(try_open(mi, "/frag"), -EFSCORRUPTED);

	memimg_reset(mi);
	eh->eh_entries = htole16(5);
	CHECK_EQ(try_open(mi, "/frag"), -EFSCORRUPTED);

	/* A fast symlink too long for i_block. */
	memimg_reset(mi);
	img_inode(mi, "/fast-link")->i_size_lo = htole32(100);
	CHECK_EQ(try_read(mi, "/fast-link"), -EFSCORRUPTED);
}

/* The frag file's extent index points at a leaf block: damage it. */
static void
test_bad_extents(struct memimg *mi, bool csum)
{
	struct ext4_disk_inode *di;
	struct ext4_extent_idx *ix;
	struct ext4_extent_header *leaf;
	struct ext4_extent *ex;
	uint64_t off;

	memimg_reset(mi);
	di = img_inode(mi, "/frag");
	ix = (void *)((struct ext4_extent_header *)di->i_block + 1);
	off = (uint64_t)le32toh(ix->ei_leaf_lo) * mi->ref->block_size;
	leaf = (void *)(mi->buf + off);
	ex = (void *)(leaf + 1);
	CHECK_EQ(le16toh(leaf->eh_magic), EXT4_EXT_MAGIC);
	CHECK_EQ(try_read(mi, "/frag"), 0);
	if (csum) {
		ex[3].ee_start_lo ^= htole32(1);
		CHECK_EQ(try_read(mi, "/frag"), -EFSCORRUPTED);
		return;
	}
	leaf->eh_depth = htole16(1);
	CHECK_EQ(try_read(mi, "/frag"), -EFSCORRUPTED);

	memimg_reset(mi);
	ex[2].ee_start_lo = htole32(0x7ffffff0);
	CHECK_EQ(try_read(mi, "/frag"), -EFSCORRUPTED);

	memimg_reset(mi);
	ex[2].ee_len = 0;
	CHECK_EQ(try_read(mi, "/frag"), -EFSCORRUPTED);

	memimg_reset(mi);
	ex[2].ee_block = ex[1].ee_block;	/* overlap */
	CHECK_EQ(try_read(mi, "/frag"), -EFSCORRUPTED);

	/* The index points at itself. */
	memimg_reset(mi);
	ix->ei_leaf_lo = htole32(img_inode_off(mi, img_ino(mi, "/frag")) /
				 mi->ref->block_size);
	CHECK_EQ(try_read(mi, "/frag"), -EFSCORRUPTED);
}

static void
test_bad_dirs(struct memimg *mi, bool csum)
{
	uint64_t off = img_block_off(mi, "/dir", 0);
	struct ext4_dirent *de;

	memimg_reset(mi);
	de = (void *)(mi->buf + off);
	CHECK_EQ(try_read(mi, "/dir"), 0);
	if (csum) {
		mi->buf[off + 30] ^= 0x20;
		CHECK_EQ(try_read(mi, "/dir"), -EFSCORRUPTED);
		CHECK_EQ(try_open(mi, "/dir/two"), -EFSCORRUPTED);
		CHECK_EQ(try_open(mi, "/hello.txt"), 0);
		return;
	}
	de->rec_len = 0;
	CHECK_EQ(try_read(mi, "/dir"), -EFSCORRUPTED);
	CHECK_EQ(try_open(mi, "/dir/two"), -EFSCORRUPTED);

	memimg_reset(mi);
	de->rec_len = htole16(60000);
	CHECK_EQ(try_read(mi, "/dir"), -EFSCORRUPTED);

	memimg_reset(mi);
	de->rec_len = htole16(10);
	CHECK_EQ(try_read(mi, "/dir"), -EFSCORRUPTED);

	memimg_reset(mi);
	de->name_len = 200;
	CHECK_EQ(try_read(mi, "/dir"), -EFSCORRUPTED);

	memimg_reset(mi);
	de->inode = htole32(0x7fffffff);
	CHECK_EQ(try_read(mi, "/dir"), -EFSCORRUPTED);

	/* A directory claiming to be huge: holes are skipped in runs. */
	memimg_reset(mi);
	img_inode(mi, "/dir")->i_size_high = htole32(0x10);
	CHECK_EQ(try_read(mi, "/dir"), 0);
}

static void
test_bad_indirect(void)
{
	struct memimg mi;
	struct ext4_disk_inode *di;
	uint32_t *ind;

	if (memimg_load(&mi, "small-ext2.img") < 0) {
		unit_failures++;
		return;
	}
	memimg_reset(&mi);
	di = img_inode(&mi, "/frag");
	CHECK(di->i_block[EXT4_IND_BLOCK] != 0);
	ind = (void *)(mi.buf + (uint64_t)le32toh(di->i_block[EXT4_IND_BLOCK]) *
					mi.ref->block_size);
	CHECK_EQ(try_read(&mi, "/frag"), 0);
	ind[5] = htole32(0x7ffffff0);
	CHECK_EQ(try_read(&mi, "/frag"), -EFSCORRUPTED);
	memimg_reset(&mi);
	di->i_block[EXT4_DIND_BLOCK] = htole32(0xfffffff);
	di->i_size_lo = htole32(8 << 20);
	CHECK_EQ(try_read(&mi, "/frag"), -EFSCORRUPTED);
	memimg_reset(&mi);
	di->i_block[3] = htole32(1);	/* the superblock */
	CHECK_EQ(try_read(&mi, "/frag"), -EFSCORRUPTED);

	/* The device fails under a read. */
	memimg_reset(&mi);
	{
		struct ext4_fs *fs;
		struct ext4_inode *in;
		uint8_t buf[4096];

		CHECK_EQ(memimg_mount(&mi, &fs), 0);
		if (fs && iget_path(fs, "/frag", &in) == 0) {
			mi.bd.size = 4096;
			CHECK_EQ(ext4_read(fs, in, 0, buf, sizeof(buf)), -EIO);
			ext4_iput(in);
		}
		ext4_unmount(fs);
	}
	memimg_free(&mi);
}

static void
test_damage(void)
{
	struct memimg csum, plain;

	if (memimg_load(&csum, "small-ext4.img") < 0 ||
	    memimg_load(&plain, "small-plain.img") < 0) {
		fprintf(stderr, "cannot load the small images\n");
		unit_failures++;
		return;
	}
	test_bad_super(&csum);
	test_bad_features(&csum);
	test_short_device(&csum);
	test_bad_inodes(&csum, true);
	test_bad_inodes(&plain, false);
	test_bad_extents(&csum, true);
	test_bad_extents(&plain, false);
	test_bad_dirs(&csum, true);
	test_bad_dirs(&plain, false);
	memimg_free(&csum);
	memimg_free(&plain);
	test_bad_groups();
	test_bad_indirect();
}

/* ---- fuzzing ---- */

static int fuzz_iter;
static unsigned int fuzz_seed;

static void
fuzz_alarm(int sig)
{
	static const char msg[] = "ext4_test: fuzz iteration hung\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	fprintf(stderr, "iteration %d, seed %u\n", fuzz_iter, fuzz_seed);
	_exit(2);
}

/* Walk everything reachable from ino, within a budget of inodes. */
static void
fuzz_walk(struct ext4_fs *fs, uint32_t ino, int depth, int *budget)
{
	static uint8_t buf[65536];
	struct ext4_inode *in;
	struct dlist l;
	uint64_t phys, off;
	uint32_t child;
	size_t i;

	if (--*budget < 0 || ext4_iget(fs, ino, &in) < 0)
		return;
	for (i = 0; i < 3; i++)
		ext4_bmap(fs, in, i * 37, &phys);
	if (S_ISDIR(in->mode)) {
		memset(&l, 0, sizeof(l));
		l.max = 300;
		read_dir(fs, in, 5, &l);
		for (i = 0; i < l.n; i++) {
			if (strcmp(l.d[i].name, ".") == 0 ||
			    strcmp(l.d[i].name, "..") == 0)
				continue;
			ext4_lookup(fs, in, l.d[i].name, strlen(l.d[i].name),
				    &child);
			if (depth < 8)
				fuzz_walk(fs, l.d[i].ino, depth + 1, budget);
		}
		dlist_free(&l);
	} else if (S_ISLNK(in->mode)) {
		ext4_readlink(fs, in, (char *)buf, sizeof(buf));
	} else if (S_ISREG(in->mode)) {
		for (off = 0; off < sizeof(buf); off += 8191)
			if (ext4_read(fs, in, off, buf, 8191) <= 0)
				break;
		if (in->size > 100)
			ext4_read(fs, in, in->size - 100, buf, 200);
	}
	ext4_iput(in);
}

/* Fix the checksums of the superblock, descriptors and inode table. */
static void
fuzz_fix_csums(struct memimg *mi)
{
	struct ext4_fs *ref = mi->ref;
	struct ext4_disk_super *sb = img_sb(mi);
	uint32_t seed, ino, crc;
	uint8_t *d;
	uint32_t g;

	seed = ext4_crc32c(~0u, sb->s_uuid, sizeof(sb->s_uuid));
	for (g = 0; g < ref->groups_count; g++) {
		d = mi->buf + img_desc_off(mi, g);
		((struct ext4_disk_group *)d)->bg_checksum = 0;
		ino = htole32(g);
		crc = ext4_crc32c(seed, &ino, 4);
		crc = ext4_crc32c(crc, d, ref->desc_size);
		((struct ext4_disk_group *)d)->bg_checksum = htole16(crc);
	}
	for (ino = 1; ino <= ref->inodes_per_group; ino++) {
		struct ext4_disk_inode *di = (void *)(mi->buf +
						      img_inode_off(mi, ino));
		uint32_t le_ino = htole32(ino);
		size_t extra = 0;
		bool hi;

		if (ref->inode_size > EXT4_GOOD_OLD_INODE_SIZE)
			extra = le16toh(di->i_extra_isize);
		if (EXT4_GOOD_OLD_INODE_SIZE + extra > ref->inode_size)
			continue;
		hi = ref->inode_size > EXT4_GOOD_OLD_INODE_SIZE && extra >= 4;
		di->i_checksum_lo = 0;
		if (hi)
			di->i_checksum_hi = 0;
		crc = ext4_crc32c(seed, &le_ino, 4);
		crc = ext4_crc32c(crc, &di->i_generation, 4);
		crc = ext4_crc32c(crc, di, ref->inode_size);
		di->i_checksum_lo = htole16(crc);
		if (hi)
			di->i_checksum_hi = htole16(crc >> 16);
	}
	img_fix_sb_csum(mi);
}

/* Metadata blocks the driver read from the pristine image. */
static size_t
fuzz_targets(struct memimg *mi, uint64_t *blks, size_t max)
{
	struct ext4_cache *c = &mi->ref->cache;
	struct ext4_buf *b;
	int budget = 10000;
	size_t n = 0;

	fuzz_walk(mi->ref, EXT4_ROOT_INO, 0, &budget);
	for (b = c->lru.lru_next; b != &c->lru && n < max; b = b->lru_next)
		blks[n++] = b->blk;
	return n;
}

static void
fuzz_mutate(struct memimg *mi, const uint64_t *blks, size_t nblks)
{
	uint32_t bs = mi->ref->block_size;
	int i, n = 1 + rand() % 8;
	uint64_t off;

	for (i = 0; i < n; i++) {
		if (rand() % 4 == 0)
			off = EXT4_SUPER_OFFSET + rand() % (2 * bs);
		else
			off = blks[rand() % nblks] * bs + rand() % bs;
		if (off >= mi->size)
			continue;
		switch (rand() % 5) {
		case 0: mi->buf[off] = rand(); break;
		case 1: mi->buf[off] ^= 1 << (rand() % 8); break;
		case 2: mi->buf[off] = 0; break;
		case 3: mi->buf[off] = 0xff; break;
		default: mi->buf[off] += rand() % 2 ? 1 : -1; break;
		}
	}
}

static void
test_fuzz(void)
{
	static const char *imgs[] = { "small-plain.img", "small-ext2.img",
				      "small-ext4.img", "small-inline.img" };
	static const bool csum[] = { false, false, true, true };
	enum { NIMG = sizeof(imgs) / sizeof(imgs[0]) };
	struct memimg mi[NIMG];
	uint64_t blks[NIMG][1024];
	size_t nblks[NIMG];
	struct ext4_fs *fs;
	int iters = 200, k, budget, mounted = 0;
	const char *e;

	fuzz_seed = (e = getenv("EXT4_FUZZ_SEED")) ? strtoul(e, NULL, 0)
						   : 20240601;
	if ((e = getenv("EXT4_FUZZ_ITERS")) != NULL)
		iters = atoi(e);
	for (k = 0; k < NIMG; k++) {
		if (memimg_load(&mi[k], imgs[k]) < 0) {
			unit_failures++;
			return;
		}
		nblks[k] = fuzz_targets(&mi[k], blks[k], 1024);
		CHECK(nblks[k] > 4);
	}
	srand(fuzz_seed);
	signal(SIGALRM, fuzz_alarm);
	for (fuzz_iter = 0; fuzz_iter < iters; fuzz_iter++) {
		k = fuzz_iter % NIMG;
		memimg_reset(&mi[k]);
		fuzz_mutate(&mi[k], blks[k], nblks[k]);
		if (csum[k] && rand() % 2)
			fuzz_fix_csums(&mi[k]);
		alarm(20);
		if (memimg_mount(&mi[k], &fs) == 0) {
			struct ext4_statfs st;

			mounted++;
			budget = 2000;
			fuzz_walk(fs, EXT4_ROOT_INO, 0, &budget);
			ext4_statfs(fs, &st);
			check_cache(fs);
			ext4_unmount(fs);
		}
		alarm(0);
	}
	signal(SIGALRM, SIG_DFL);
	if (getenv("UNIT_VERBOSE"))
		fprintf(stderr, "fuzz: %d of %d damaged images mounted\n",
			mounted, iters);
	for (k = 0; k < NIMG; k++)
		memimg_free(&mi[k]);
}

/* ---- main ---- */

static const struct img_case cases[] = {
	{ "ext4-1k.img", "tree.manifest", "tree" },
	{ "ext4-4k.img", "tree.manifest", "tree" },
	{ "ext2-1k.img", "tree.manifest", "tree" },
	{ "ext3-1k.img", "tree.manifest", "tree" },
	{ "ext2-4k.img", "lite.manifest", "lite" },
	{ "ext4-inline.img", "lite.manifest", "lite" },
	{ "ext4-64k.img", "lite.manifest", "lite" },
	{ "ext4-metabg.img", "lite.manifest", "lite" },
	{ "ext4-plain.img", "lite.manifest", "lite" },
	{ "ext4-seed.img", "lite.manifest", "lite" },
	{ "ext4-bigalloc.img", "lite.manifest", "lite" },
	{ "ext4-recover.img", "tree.manifest", "tree" },
	{ "small-ext4.img", "small.manifest", "small" },
	{ "small-plain.img", "small.manifest", "small" },
	{ "small-ext2.img", "small.manifest", "small" },
	{ "small-inline.img", "small.manifest", "small" },
};

static int
make_fixtures(const char *argv0)
{
	char self[4096], cmd[8192];

	fmt(self, sizeof(self), "%s", argv0);
	fmt(cmd, sizeof(cmd), "%s/ext4_fixture.sh %s", dirname(self),
		 workdir);
	if (system(cmd) != 0) {
		fprintf(stderr, "ext4_test: %s failed\n", cmd);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char cmd[4096];
	const char *only = getenv("EXT4_TEST_ONLY");
	const char *reuse = getenv("EXT4_TEST_FIXTURES");
	size_t i;

	test_crc32c();
	if (reuse != NULL) {
		fmt(workdir, sizeof(workdir), "%s", reuse);
	} else if (mkdtemp(workdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (reuse != NULL || make_fixtures(argv[0]) == 0) {
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			if (only == NULL || strstr(cases[i].img, only))
				check_image(&cases[i]);
		test_bmaps();
		test_coverage();
		test_unwritten();
		test_blocks("ext4-1k.img");
		test_blocks("ext2-1k.img");
		test_inline();
		test_dx_hash();
		test_htree("ext4-1k.img");
		test_htree("ext4-4k.img");
		test_htree("ext3-1k.img");
		test_errors();
		test_damage();
		test_fuzz();
	} else {
		unit_failures++;
	}
	if (getenv("EXT4_TEST_KEEP") == NULL && reuse == NULL) {
		fmt(cmd, sizeof(cmd), "rm -rf %s", workdir);
		if (system(cmd) != 0)
			unit_failures++;
	} else {
		fprintf(stderr, "ext4_test: kept %s\n", workdir);
	}
	return unit_done("ext4");
}
