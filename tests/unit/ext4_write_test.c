/*
 * Unit test of the ext4 write path (kernel/fs/ext4/).
 *
 * Fresh images are made with mke2fs (Debian's ext4 defaults with 4 KiB
 * and 1 KiB blocks, ext2 with 1 KiB blocks, ext3) and mounted read-write
 * over a file-backed bdev.  Each scenario changes the filesystem through
 * the driver's API, keeping a model of what it should hold; then the
 * image is unmounted and `e2fsck -fn` must find nothing wrong, and the
 * filesystem is mounted again and compared with the model (some files
 * also through `debugfs -R dump`).  The journal scenarios copy the image
 * while it is still mounted, as a crash would leave it, and check that
 * e2fsck and the driver's own replay recover it.
 *
 * EXT4_TEST_KEEP=1 keeps the temporary directory; EXT4_TEST_ONLY=SUBSTR
 * runs only the images whose name contains it; UNIT_VERBOSE=1 shows the
 * driver's log.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ext4_driver.h"

#include "unit.h"

static char workdir[4096] = "/tmp/ext4_write_test.XXXXXX";
static const char *cur_img;	/* the image under test, for messages */

static void __attribute__((format(printf, 3, 4)))
fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	if ((size_t)vsnprintf(buf, size, f, ap) >= size)
		fprintf(stderr, "ext4_write_test: truncated: %s\n", buf);
	va_end(ap);
}

#define FAIL(...)                                                              \
	do {                                                                   \
		fprintf(stderr, "%s:%d: [%s] ", __FILE__, __LINE__, cur_img);  \
		fprintf(stderr, __VA_ARGS__);                                  \
		fputc('\n', stderr);                                           \
		unit_failures++;                                               \
	} while (0)

static char *
wpath(const char *name)
{
	static char buf[4][4096];
	static int i;

	i = (i + 1) % 4;
	fmt(buf[i], sizeof(buf[i]), "%s/%s", workdir, name);
	return buf[i];
}

/* ---- random numbers and contents ---- */

static uint64_t rng_state = 88172645463325252ull;

static uint64_t __attribute__((unused))
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The byte at offset off of the file with seed seed. */
static uint8_t
content_byte(uint64_t seed, uint64_t off)
{
	uint64_t x = (seed * 0x9E3779B97F4A7C15ull) ^ (off >> 3);

	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 29;
	return (uint8_t)(x >> (8 * (off & 7)));
}

static void
content_fill(uint8_t *buf, uint64_t seed, uint64_t off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = content_byte(seed, off + i);
}

/* ---- a block device over a file ---- */

struct file_bdev {
	struct bdev bd;
	int fd;
};

static int
file_read(struct bdev *bd, uint64_t off, void *buf, size_t len)
{
	struct file_bdev *fb = bd->priv;

	return pread(fb->fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -EIO;
}

static int
file_write(struct bdev *bd, uint64_t off, const void *buf, size_t len)
{
	struct file_bdev *fb = bd->priv;

	return pwrite(fb->fd, buf, len, (off_t)off) == (ssize_t)len ? 0
								   : -EIO;
}

static int
file_flush(struct bdev *bd)
{
	return 0;
}

static const struct bdev_ops file_ops = {
	.read = file_read, .write = file_write, .flush = file_flush,
};

static int
file_bdev_open(struct file_bdev *fb, const char *path)
{
	struct stat st;

	memset(fb, 0, sizeof(*fb));
	if ((fb->fd = open(path, O_RDWR)) < 0 || fstat(fb->fd, &st) < 0) {
		perror(path);
		return -1;
	}
	fb->bd.ops = &file_ops;
	snprintf(fb->bd.name, sizeof(fb->bd.name), "file");
	fb->bd.size = (uint64_t)st.st_size;
	fb->bd.priv = fb;
	return 0;
}

/* A mounted image. */
struct mnt {
	struct file_bdev fb;
	struct ext4_fs *fs;
	const char *img;
};

static int
mnt_open(struct mnt *m, const char *img, bool rw)
{
	int err;

	m->img = img;
	m->fs = NULL;
	if (file_bdev_open(&m->fb, wpath(img)) < 0)
		return -EIO;
	if ((err = ext4_mount(&m->fb.bd, !rw, &m->fs)) < 0) {
		FAIL("mount %s: %d", img, err);
		close(m->fb.fd);
		return err;
	}
	return 0;
}

static void
mnt_close(struct mnt *m)
{
	int err = ext4_unmount(m->fs);

	if (err < 0)
		FAIL("unmount: %d", err);
	close(m->fb.fd);
	m->fs = NULL;
}

/* Run a shell command; its exit status, output in out (if given). */
static int
run(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0;
	int st;

	if (p == NULL)
		return -1;
	if (out != NULL) {
		while (n + 1 < size && fgets(out + n, (int)(size - n), p))
			n += strlen(out + n);
		out[n] = '\0';
	} else {
		char sink[512];

		while (fgets(sink, sizeof(sink), p))
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* e2fsck -fn must pass. */
static void
fsck_clean(const char *img, const char *what)
{
	static char out[1 << 16];
	char cmd[4200];
	int rc;

	fmt(cmd, sizeof(cmd), "e2fsck -fn %s 2>&1", wpath(img));
	rc = run(cmd, out, sizeof(out));
	if (rc != 0) {
		FAIL("after %s: e2fsck -fn exited %d:\n%s", what, rc, out);
		/* Keep the evidence. */
		fmt(cmd, sizeof(cmd), "cp %s %s.bad-%s", wpath(img),
		    wpath(img), what);
		run(cmd, NULL, 0);
	}
}

/* ---- driver helpers ---- */

static int
resolve(struct ext4_fs *fs, const char *path, struct ext4_inode **out)
{
	struct ext4_inode *dir, *next;
	const char *p = path, *slash;
	uint32_t ino;
	int err;

	if ((err = ext4_iget(fs, EXT4_ROOT_INO, &dir)) < 0)
		return err;
	while (*p == '/')
		p++;
	while (*p) {
		slash = strchr(p, '/');
		if (slash == NULL)
			slash = p + strlen(p);
		err = ext4_lookup(fs, dir, p, (size_t)(slash - p), &ino);
		if (err == 0)
			err = ext4_iget(fs, ino, &next);
		ext4_iput(dir);
		if (err < 0)
			return err;
		dir = next;
		p = *slash ? slash + 1 : slash;
	}
	*out = dir;
	return 0;
}

/* Write len bytes of seed's content at off, chunk bytes per call. */
static int
write_content(struct ext4_fs *fs, struct ext4_inode *in, uint64_t seed,
	      uint64_t off, size_t len, size_t chunk)
{
	uint8_t *buf = malloc(chunk);
	size_t done = 0, n;
	ssize_t w;

	while (done < len) {
		n = len - done < chunk ? len - done : chunk;
		content_fill(buf, seed, off + done, n);
		w = ext4_write(fs, in, off + done, buf, n);
		if (w != (ssize_t)n) {
			free(buf);
			return w < 0 ? (int)w : -EIO;
		}
		done += n;
	}
	free(buf);
	return 0;
}

/*
 * Does [off, off + len) of the file read as seed's content (or zeros
 * when seed is 0)?
 */
static bool
check_content(struct ext4_fs *fs, struct ext4_inode *in, uint64_t seed,
	      uint64_t off, size_t len)
{
	uint8_t *buf = malloc(len + 1), want;
	ssize_t n = ext4_read(fs, in, off, buf, len);
	size_t i;
	bool ok = n == (ssize_t)len;

	for (i = 0; ok && i < len; i++) {
		want = seed ? content_byte(seed, off + i) : 0;
		if (buf[i] != want) {
			FAIL("inode %u: byte %llu is %u, want %u", in->ino,
			     (unsigned long long)(off + i), buf[i], want);
			ok = false;
		}
	}
	if (n != (ssize_t)len)
		FAIL("inode %u: read at %llu gave %zd of %zu", in->ino,
		     (unsigned long long)off, n, len);
	free(buf);
	return ok;
}

static struct ext4_inode *
create_file(struct ext4_fs *fs, const char *dirpath, const char *name)
{
	struct ext4_inode *dir, *in = NULL;
	int err;

	if ((err = resolve(fs, dirpath, &dir)) < 0) {
		FAIL("resolve %s: %d", dirpath, err);
		return NULL;
	}
	err = ext4_create(fs, dir, name, strlen(name), 0644, 1000, 1000, &in);
	if (err < 0)
		FAIL("create %s/%s: %d", dirpath, name, err);
	ext4_iput(dir);
	return in;
}

/* debugfs dump of path equals seed's content of size bytes. */
static void
check_dump(const char *img, const char *path, uint64_t seed, size_t size)
{
	char cmd[8400], out[4200];
	uint8_t *buf;
	FILE *f;
	size_t n, i;

	fmt(out, sizeof(out), "%s.dump", wpath(img));
	fmt(cmd, sizeof(cmd), "debugfs -R 'dump %s %s' %s >/dev/null 2>&1",
	    path, out, wpath(img));
	if (run(cmd, NULL, 0) != 0 || (f = fopen(out, "rb")) == NULL) {
		FAIL("debugfs dump %s failed", path);
		return;
	}
	buf = malloc(size + 1);
	n = fread(buf, 1, size + 1, f);
	fclose(f);
	unlink(out);
	if (n != size)
		FAIL("debugfs dump %s: %zu bytes, want %zu", path, n, size);
	for (i = 0; i < n && i < size; i++) {
		if (buf[i] != (seed ? content_byte(seed, i) : 0)) {
			FAIL("debugfs dump %s differs at %zu", path, i);
			break;
		}
	}
	free(buf);
}

/* ---- scenario: files of many sizes ---- */

struct sized {
	const char *name;
	uint64_t size;
	size_t chunk;
};

static void
sizes_list(uint32_t bs, struct sized *v, size_t *n)
{
	static char names[32][32];
	uint64_t sizes[] = { 0, 1, 100, bs - 1, bs, bs + 1, 12 * bs,
			     12 * bs + 1, (12 + bs / 4) * bs + 5,
			     1000 * (uint64_t)bs + 17, 3 << 20 };
	size_t chunks[] = { 1 << 20, 777, 4096, 65536, 1 << 20, 13,
			    100000, 3000, 8192, 512, 1 << 20 };
	size_t i;

	*n = sizeof(sizes) / sizeof(sizes[0]);
	for (i = 0; i < *n; i++) {
		fmt(names[i], sizeof(names[i]), "size-%llu",
		    (unsigned long long)sizes[i]);
		v[i] = (struct sized){ names[i], sizes[i], chunks[i] };
	}
}

static void
scenario_sizes(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct sized v[32];
	struct ext4_inode *in;
	char path[64];
	size_t n, i;

	sizes_list(fs->block_size, v, &n);
	for (i = 0; i < n; i++) {
		fmt(path, sizeof(path), "/%s", v[i].name);
		if (!verify) {
			if ((in = create_file(fs, "/", v[i].name)) == NULL)
				continue;
			if (write_content(fs, in, i + 1, 0, v[i].size,
					  v[i].chunk) < 0)
				FAIL("write %s", v[i].name);
		} else if (resolve(fs, path, &in) < 0) {
			FAIL("lookup %s", path);
			continue;
		}
		CHECK_EQ(in->size, v[i].size);
		check_content(fs, in, i + 1, 0, v[i].size);
		ext4_iput(in);
	}
}

static void
dump_sizes(const char *img, uint32_t bs)
{
	struct sized v[32];
	char path[64];
	size_t n, i;

	sizes_list(bs, v, &n);
	for (i = 0; i < n; i += 3) {
		fmt(path, sizeof(path), "/%s", v[i].name);
		check_dump(img, path, i + 1, v[i].size);
	}
}

/* ---- scenario: a sparse file past 100 MB ---- */

static const struct {
	uint64_t off;
	size_t len;
} sparse_pieces[] = {
	{ 0, 4096 }, { 5000000, 10000 }, { 150000000, 9000 },
	{ 200000001, 1 }, { 123456789, 3 },
};

#define NSPARSE (sizeof(sparse_pieces) / sizeof(sparse_pieces[0]))

static void
scenario_sparse(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct ext4_inode *in;
	size_t i;

	if (!verify) {
		if ((in = create_file(fs, "/", "sparse")) == NULL)
			return;
		for (i = 0; i < NSPARSE; i++)
			if (write_content(fs, in, 77, sparse_pieces[i].off,
					  sparse_pieces[i].len, 4096) < 0)
				FAIL("sparse write %zu", i);
	} else if (resolve(fs, "/sparse", &in) < 0) {
		FAIL("lookup /sparse");
		return;
	}
	CHECK_EQ(in->size, 200000002);
	CHECK(in->blocks < 200 * 2);
	for (i = 0; i < NSPARSE; i++)
		check_content(fs, in, 77, sparse_pieces[i].off,
			      sparse_pieces[i].len);
	check_content(fs, in, 0, 4096, 8192);
	check_content(fs, in, 0, 149999000, 1000);
	check_content(fs, in, 0, 200000000 - 5000, 5000);
	ext4_iput(in);
}

/* ---- scenario: two files written in turns, one block at a time ---- */

#define FRAG_BLOCKS 1500

static void
frag_write(struct ext4_fs *fs)
{
	struct ext4_inode *a = create_file(fs, "/", "frag-a");
	struct ext4_inode *b = create_file(fs, "/", "frag-b");
	uint32_t bs = fs->block_size;
	uint64_t i;

	if (a == NULL || b == NULL)
		goto out;
	for (i = 0; i < FRAG_BLOCKS; i++) {
		if (write_content(fs, a, 501, i * bs, bs, bs) < 0 ||
		    write_content(fs, b, 502, i * bs, bs, bs) < 0) {
			FAIL("frag write %llu", (unsigned long long)i);
			break;
		}
	}
	if (a->flags & EXT4_EXTENTS_FL)
		CHECK(le16toh(((struct ext4_extent_header *)
				       ext4_inode_iblock(a))->eh_depth) >= 2);
	/* Cut a in half, punch holes in b, in the middle of extents. */
	CHECK_EQ(ext4_truncate(fs, a, FRAG_BLOCKS / 2 * bs + 100), 0);
	if (b->flags & EXT4_EXTENTS_FL) {
		CHECK_EQ(ext4_fallocate(fs, b, EXT4_FALLOC_PUNCH_HOLE |
						       EXT4_FALLOC_KEEP_SIZE,
					100 * bs + 7, 300 * bs), 0);
		CHECK_EQ(ext4_fallocate(fs, b, EXT4_FALLOC_PUNCH_HOLE |
						       EXT4_FALLOC_KEEP_SIZE,
					1000 * bs, 3), 0);
	}
out:
	ext4_iput(a);
	ext4_iput(b);
}

static void
frag_verify(struct ext4_fs *fs)
{
	struct ext4_inode *a, *b;
	uint32_t bs = fs->block_size;

	if (resolve(fs, "/frag-a", &a) < 0 || resolve(fs, "/frag-b", &b) < 0) {
		FAIL("lookup frag");
		return;
	}
	CHECK_EQ(a->size, FRAG_BLOCKS / 2 * bs + 100);
	check_content(fs, a, 501, 0, a->size);
	CHECK_EQ(b->size, (uint64_t)FRAG_BLOCKS * bs);
	if (b->flags & EXT4_EXTENTS_FL) {
		check_content(fs, b, 502, 0, 100 * bs + 7);
		check_content(fs, b, 0, 100 * bs + 7, 300 * bs);
		check_content(fs, b, 502, 400 * bs + 7, 600 * bs - 7);
		check_content(fs, b, 0, 1000 * bs, 3);
		check_content(fs, b, 502, 1000 * bs + 3,
			      (FRAG_BLOCKS - 1000) * bs - 3);
	} else {
		check_content(fs, b, 502, 0, b->size);
	}
	ext4_iput(a);
	ext4_iput(b);
}

static void
scenario_frag(struct mnt *m, bool verify)
{
	if (!verify)
		frag_write(m->fs);
	frag_verify(m->fs);
}

/* ---- running it all ---- */

struct scenario {
	const char *name;
	void (*fn)(struct mnt *m, bool verify);
};

static const struct scenario scenarios[] = {
	{ "sizes", scenario_sizes },
	{ "sparse", scenario_sparse },
	{ "frag", scenario_frag },
};

struct image {
	const char *name;
	const char *mkfs;	/* mke2fs arguments */
	const char *size;
};

static const struct image images[] = {
	{ "ext4-4k.img", "-t ext4 -b 4096", "256M" },
	{ "ext4-1k.img", "-t ext4 -b 1024", "128M" },
	{ "ext2-1k.img", "-t ext2 -b 1024", "128M" },
	{ "ext3-4k.img", "-t ext3 -b 4096", "128M" },
};

static int
make_image(const struct image *im)
{
	char cmd[8400];

	fmt(cmd, sizeof(cmd), "rm -f %s; mke2fs -q -F %s %s %s 2>&1",
	    wpath(im->name), im->mkfs, wpath(im->name), im->size);
	if (run(cmd, NULL, 0) != 0) {
		FAIL("mke2fs failed: %s", cmd);
		return -1;
	}
	return 0;
}

static void
run_scenario(const struct image *im, const struct scenario *s)
{
	struct mnt m;

	if (mnt_open(&m, im->name, true) < 0)
		return;
	s->fn(&m, false);
	mnt_close(&m);
	fsck_clean(im->name, s->name);
	if (mnt_open(&m, im->name, false) < 0)
		return;
	s->fn(&m, true);
	mnt_close(&m);
}

static void
run_image(const struct image *im)
{
	size_t i;

	cur_img = im->name;
	if (make_image(im) < 0)
		return;
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		run_scenario(im, &scenarios[i]);
	dump_sizes(im->name, strstr(im->name, "4k") ? 4096 : 1024);
}

int
main(int argc, char **argv)
{
	const char *only = getenv("EXT4_TEST_ONLY");
	char cmd[4200];
	size_t i;

	if (mkdtemp(workdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	for (i = 0; i < sizeof(images) / sizeof(images[0]); i++)
		if (only == NULL || strstr(images[i].name, only))
			run_image(&images[i]);
	if (getenv("EXT4_TEST_KEEP") == NULL) {
		fmt(cmd, sizeof(cmd), "rm -rf %s", workdir);
		if (run(cmd, NULL, 0) != 0)
			unit_failures++;
	} else {
		fprintf(stderr, "ext4_write_test: kept %s\n", workdir);
	}
	return unit_done("ext4_write");
}
