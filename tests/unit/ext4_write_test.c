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
 * e2fsck and the driver's own replay recover it, that a damaged journal
 * refuses the mount without writing, and that journals written by
 * debugfs replay to the same blocks as e2fsck makes of them.
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

static uint64_t
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

	size_t k;

	*n = 0;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (sizes[i] > (64 << 20))	/* big blocks: not all fit */
			continue;
		k = (*n)++;
		fmt(names[k], sizeof(names[k]), "size-%llu",
		    (unsigned long long)sizes[i]);
		v[k] = (struct sized){ names[k], sizes[i], chunks[i] };
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
	/* The pieces, each over at most one block more, and the maps. */
	CHECK(in->blocks <= ext4_sectors(fs, 23100 / fs->block_size + 18));
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
	if ((a->flags & EXT4_EXTENTS_FL) && bs <= 4096)
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

/* ---- scenario: 10 000 names in one directory, then half removed ---- */

#define BIG_N 10000

static void
big_name(char *buf, size_t size, int i)
{
	fmt(buf, size, "entry-%05d-with-a-name-long-enough-to-fill-blocks", i);
}

static void
big_write(struct ext4_fs *fs)
{
	struct ext4_inode *root, *dir, *in;
	char name[80];
	int i, err;

	if (resolve(fs, "/", &root) < 0)
		return;
	if ((err = ext4_mkdir(fs, root, "big", 3, 0755, 0, 0, &dir)) < 0) {
		FAIL("mkdir big: %d", err);
		ext4_iput(root);
		return;
	}
	for (i = 0; i < BIG_N; i++) {
		big_name(name, sizeof(name), i);
		if ((err = ext4_create(fs, dir, name, strlen(name), 0600, 0, 0,
				       &in)) < 0) {
			FAIL("create %s: %d", name, err);
			break;
		}
		ext4_iput(in);
	}
	CHECK_EQ(ext4_create(fs, dir, name, strlen(name), 0600, 0, 0, &in),
		 -EEXIST);
	if (fs->compat & EXT4_FEATURE_COMPAT_DIR_INDEX)
		CHECK(dir->flags & EXT4_INDEX_FL);
	for (i = 0; i < BIG_N; i += 2) {
		big_name(name, sizeof(name), i);
		if ((err = ext4_unlink(fs, dir, name, strlen(name), false)) < 0)
			FAIL("unlink %s: %d", name, err);
	}
	ext4_iput(dir);
	ext4_iput(root);
}

static int
count_entry(void *ctx, const char *name, size_t len, uint32_t ino,
	    unsigned int type)
{
	(*(int *)ctx)++;
	return 0;
}

static void
big_verify(struct ext4_fs *fs)
{
	struct ext4_inode *dir;
	uint64_t pos = 0;
	char name[80];
	uint32_t ino;
	int i, n = 0;

	if (resolve(fs, "/big", &dir) < 0) {
		FAIL("lookup /big");
		return;
	}
	CHECK_EQ(ext4_readdir(fs, dir, &pos, count_entry, &n), 0);
	CHECK_EQ(n, BIG_N / 2 + 2);
	for (i = 0; i < BIG_N; i++) {
		big_name(name, sizeof(name), i);
		if (ext4_lookup(fs, dir, name, strlen(name), &ino) !=
		    (i % 2 ? 0 : -ENOENT))
			FAIL("lookup %s", name);
	}
	ext4_iput(dir);
}

static void
scenario_bigdir(struct mnt *m, bool verify)
{
	if (!verify)
		big_write(m->fs);
	big_verify(m->fs);
}

/* ---- scenario: hard links, symlinks, device nodes, FIFOs, sockets ---- */

static char *
long_target(size_t len)
{
	static char buf[5000];
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = "abcdefghij/"[i % 11];
	buf[len] = '\0';
	return buf;
}

static void
nodes_write(struct ext4_fs *fs)
{
	struct ext4_inode *root, *f, *in;
	size_t max = fs->block_size < 4096 ? fs->block_size - 1 : 4095;
	size_t tl[] = { 1, 59, 60, 200, max };
	char name[32];
	size_t i;

	if (resolve(fs, "/", &root) < 0 ||
	    (f = create_file(fs, "/", "linked")) == NULL)
		return;
	write_content(fs, f, 31, 0, 5000, 5000);
	CHECK_EQ(ext4_link(fs, f, root, "link2", 5), 0);
	CHECK_EQ(ext4_link(fs, f, root, "link3", 5), 0);
	CHECK_EQ(ext4_link(fs, f, root, "link3", 5), -EEXIST);
	CHECK_EQ(ext4_link(fs, root, root, "rootlink", 8), -EPERM);
	CHECK_EQ(ext4_unlink(fs, root, "linked", 6, false), 0);
	CHECK_EQ(f->links, 2);
	ext4_iput(f);
	for (i = 0; i < sizeof(tl) / sizeof(tl[0]); i++) {
		fmt(name, sizeof(name), "sym-%zu", tl[i]);
		in = NULL;
		CHECK_EQ(ext4_symlink(fs, root, name, strlen(name),
				      long_target(tl[i]), tl[i], 0, 0, &in), 0);
		ext4_iput(in);
	}
	CHECK_EQ(ext4_symlink(fs, root, "toolong", 7, long_target(max + 1),
			      max + 1, 0, 0, &in), -ENAMETOOLONG);
	CHECK_EQ(ext4_mknod(fs, root, "null", 4, S_IFCHR | 0666, 1, 3, 0, 0,
			    &in), 0);
	ext4_iput(in);
	CHECK_EQ(ext4_mknod(fs, root, "sda1", 4, S_IFBLK | 0660, 8, 1, 0, 6,
			    &in), 0);
	ext4_iput(in);
	CHECK_EQ(ext4_mknod(fs, root, "bigdev", 6, S_IFCHR | 0600, 300, 70000,
			    0, 0, &in), 0);
	ext4_iput(in);
	CHECK_EQ(ext4_mknod(fs, root, "fifo", 4, S_IFIFO | 0644, 0, 0, 0, 0,
			    &in), 0);
	ext4_iput(in);
	CHECK_EQ(ext4_mknod(fs, root, "sock", 4, S_IFSOCK | 0644, 0, 0, 0, 0,
			    &in), 0);
	ext4_iput(in);
	CHECK_EQ(ext4_mknod(fs, root, "dir?", 4, S_IFDIR | 0644, 0, 0, 0, 0,
			    &in), -EINVAL);
	ext4_iput(root);
}

static void
check_node(struct ext4_fs *fs, const char *path, uint16_t mode,
	   uint32_t major, uint32_t minor)
{
	struct ext4_inode *in;

	if (resolve(fs, path, &in) < 0) {
		FAIL("lookup %s", path);
		return;
	}
	CHECK_EQ(in->mode, mode);
	CHECK_EQ(in->rdev_major, major);
	CHECK_EQ(in->rdev_minor, minor);
	ext4_iput(in);
}

static void
nodes_verify(struct ext4_fs *fs)
{
	size_t max = fs->block_size < 4096 ? fs->block_size - 1 : 4095;
	size_t tl[] = { 1, 59, 60, 200, max };
	struct ext4_inode *in, *in2;
	char name[32], buf[5000];
	size_t i;

	if (resolve(fs, "/link2", &in) == 0) {
		CHECK_EQ(in->links, 2);
		check_content(fs, in, 31, 0, 5000);
		if (resolve(fs, "/link3", &in2) == 0) {
			CHECK(in == in2);
			ext4_iput(in2);
		}
		ext4_iput(in);
	}
	CHECK(resolve(fs, "/linked", &in) == -ENOENT);
	for (i = 0; i < sizeof(tl) / sizeof(tl[0]); i++) {
		fmt(name, sizeof(name), "/sym-%zu", tl[i]);
		if (resolve(fs, name, &in) < 0) {
			FAIL("lookup %s", name);
			continue;
		}
		CHECK_EQ(ext4_readlink(fs, in, buf, sizeof(buf)), tl[i]);
		CHECK(memcmp(buf, long_target(tl[i]), tl[i]) == 0);
		CHECK_EQ(ext4_inode_is_fast_symlink(fs, in), tl[i] < 60);
		ext4_iput(in);
	}
	check_node(fs, "/null", S_IFCHR | 0666, 1, 3);
	check_node(fs, "/sda1", S_IFBLK | 0660, 8, 1);
	check_node(fs, "/bigdev", S_IFCHR | 0600, 300, 70000);
	check_node(fs, "/fifo", S_IFIFO | 0644, 0, 0);
	check_node(fs, "/sock", S_IFSOCK | 0644, 0, 0);
}

static void
scenario_nodes(struct mnt *m, bool verify)
{
	if (!verify)
		nodes_write(m->fs);
	nodes_verify(m->fs);
}

/* ---- scenario: directory trees made and removed ---- */

static int
make_tree(struct ext4_fs *fs, struct ext4_inode *dir, int depth)
{
	struct ext4_inode *sub, *f;
	char name[16];
	int i, n = 0;

	for (i = 0; i < 3; i++) {
		fmt(name, sizeof(name), "f%d", i);
		if (ext4_create(fs, dir, name, strlen(name), 0644, 0, 0,
				&f) == 0) {
			write_content(fs, f, 900 + i, 0, 100 * i, 100);
			ext4_iput(f);
		}
		if (depth == 0)
			continue;
		fmt(name, sizeof(name), "d%d", i);
		if (ext4_mkdir(fs, dir, name, strlen(name), 0755, 0, 0,
			       &sub) < 0) {
			FAIL("mkdir %s", name);
			continue;
		}
		n += 1 + make_tree(fs, sub, depth - 1);
		ext4_iput(sub);
	}
	CHECK_EQ(dir->links, depth ? 2 + 3 : 2);
	return n;
}

/* Remove everything under dir (bottom up), then dir's own entries. */
static void
remove_tree(struct ext4_fs *fs, struct ext4_inode *dir, int depth)
{
	struct ext4_inode *sub;
	char name[16];
	uint32_t ino;
	int i;

	for (i = 0; i < 3; i++) {
		fmt(name, sizeof(name), "f%d", i);
		CHECK_EQ(ext4_unlink(fs, dir, name, strlen(name), false), 0);
		if (depth == 0)
			continue;
		fmt(name, sizeof(name), "d%d", i);
		if (ext4_lookup(fs, dir, name, strlen(name), &ino) < 0 ||
		    ext4_iget(fs, ino, &sub) < 0) {
			FAIL("lookup %s", name);
			continue;
		}
		CHECK_EQ(ext4_rmdir(fs, dir, name, strlen(name), false),
			 -ENOTEMPTY);
		remove_tree(fs, sub, depth - 1);
		ext4_iput(sub);
		CHECK_EQ(ext4_rmdir(fs, dir, name, strlen(name), false), 0);
	}
	CHECK_EQ(dir->links, 2);
}

static void
scenario_trees(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct ext4_inode *root, *t;
	struct ext4_statfs before, after;

	if (verify) {
		CHECK(resolve(fs, "/tree", &t) == -ENOENT);
		if (resolve(fs, "/keep", &t) == 0) {
			CHECK_EQ(t->links, 5);
			ext4_iput(t);
		}
		return;
	}
	if (resolve(fs, "/", &root) < 0)
		return;
	ext4_statfs(fs, &before);
	if (ext4_mkdir(fs, root, "tree", 4, 0755, 0, 0, &t) == 0) {
		CHECK_EQ(make_tree(fs, t, 3), 39);
		remove_tree(fs, t, 3);
		ext4_iput(t);
		CHECK_EQ(ext4_rmdir(fs, root, "tree", 4, false), 0);
	}
	ext4_statfs(fs, &after);
	CHECK_EQ(after.free, before.free);
	CHECK_EQ(after.ffree, before.ffree);
	if (ext4_mkdir(fs, root, "keep", 4, 0755, 0, 0, &t) == 0) {
		make_tree(fs, t, 2);
		ext4_iput(t);
	}
	CHECK_EQ(ext4_rmdir(fs, root, "keep", 4, false), -ENOTEMPTY);
	CHECK_EQ(ext4_rmdir(fs, root, "link2", 5, false), -ENOTDIR);
	CHECK_EQ(ext4_unlink(fs, root, "keep", 4, false), -EISDIR);
	CHECK_EQ(ext4_rmdir(fs, root, ".", 1, false), -EINVAL);
	ext4_iput(root);
}

/* ---- scenario: renames, with a model of the result ---- */

#define RN_DIRS 4
#define RN_NAMES 24
#define RN_OPS 3000

/* model[d][n]: the seed of the file named n in directory d, 0 if none. */
static uint64_t rn_model[RN_DIRS][RN_NAMES];

static void
rn_name(char *buf, size_t size, int n)
{
	fmt(buf, size, "name-%d", n);
}

static int
rn_expect(int sd, int sn, int td, int tn, unsigned int flags)
{
	if (rn_model[sd][sn] == 0)
		return -ENOENT;
	if ((flags & EXT4_RENAME_EXCHANGE) && rn_model[td][tn] == 0)
		return -ENOENT;
	if ((flags & EXT4_RENAME_NOREPLACE) && rn_model[td][tn] != 0)
		return -EEXIST;
	return 0;
}

static void
rn_apply(int sd, int sn, int td, int tn, unsigned int flags)
{
	uint64_t s = rn_model[sd][sn];

	if (sd == td && sn == tn)
		return;
	if (flags & EXT4_RENAME_EXCHANGE) {
		rn_model[sd][sn] = rn_model[td][tn];
	} else {
		rn_model[sd][sn] = 0;
	}
	rn_model[td][tn] = s;
}

static void
rn_create(struct ext4_fs *fs, struct ext4_inode *dir, int d, int n,
	  uint64_t seed)
{
	struct ext4_inode *in;
	char name[32];

	rn_name(name, sizeof(name), n);
	if (ext4_create(fs, dir, name, strlen(name), 0644, 0, 0, &in) < 0) {
		FAIL("create %s", name);
		return;
	}
	write_content(fs, in, seed, 0, 50 + seed % 3000, 4096);
	ext4_iput(in);
	rn_model[d][n] = seed;
}

static void
rn_storm(struct ext4_fs *fs, struct ext4_inode **dirs)
{
	static const unsigned int fl[] = { 0, 0, EXT4_RENAME_NOREPLACE,
					   EXT4_RENAME_EXCHANGE };
	char on[32], nn[32];
	uint64_t seed = 1000;
	int i, sd, sn, td, tn, want, got;
	unsigned int flags;

	for (i = 0; i < RN_OPS; i++) {
		sd = (int)(rnd() % RN_DIRS);
		sn = (int)(rnd() % RN_NAMES);
		td = (int)(rnd() % RN_DIRS);
		tn = (int)(rnd() % RN_NAMES);
		flags = fl[rnd() % 4];
		if (rn_model[sd][sn] == 0 && rnd() % 2) {
			rn_create(fs, dirs[sd], sd, sn, ++seed);
			continue;
		}
		rn_name(on, sizeof(on), sn);
		rn_name(nn, sizeof(nn), tn);
		want = rn_expect(sd, sn, td, tn, flags);
		got = ext4_rename(fs, dirs[sd], on, strlen(on), dirs[td], nn,
				  strlen(nn), flags);
		if (got != want) {
			FAIL("rename %d/%s -> %d/%s flags %u: %d, want %d", sd,
			     on, td, nn, flags, got, want);
			return;
		}
		if (got == 0)
			rn_apply(sd, sn, td, tn, flags);
	}
}

static void
rn_verify(struct ext4_fs *fs)
{
	struct ext4_inode *in;
	char path[64];
	int d, n, err;

	for (d = 0; d < RN_DIRS; d++) {
		for (n = 0; n < RN_NAMES; n++) {
			fmt(path, sizeof(path), "/rn/d%d/name-%d", d, n);
			err = resolve(fs, path, &in);
			if (rn_model[d][n] == 0) {
				if (err != -ENOENT)
					FAIL("%s should not exist: %d", path,
					     err);
				if (err == 0)
					ext4_iput(in);
				continue;
			}
			if (err < 0) {
				FAIL("%s: %d", path, err);
				continue;
			}
			CHECK_EQ(in->size, 50 + rn_model[d][n] % 3000);
			check_content(fs, in, rn_model[d][n], 0, in->size);
			CHECK_EQ(in->links, 1);
			ext4_iput(in);
		}
	}
}

static struct ext4_inode *
mkdir_path(struct ext4_fs *fs, const char *parent, const char *name)
{
	struct ext4_inode *p, *d = NULL;
	int err;

	if (resolve(fs, parent, &p) < 0)
		return NULL;
	if ((err = ext4_mkdir(fs, p, name, strlen(name), 0755, 0, 0, &d)) < 0)
		FAIL("mkdir %s/%s: %d", parent, name, err);
	ext4_iput(p);
	return d;
}

static int
rename_paths(struct ext4_fs *fs, const char *od, const char *on,
	     const char *nd, const char *nn, unsigned int flags)
{
	struct ext4_inode *a, *b;
	int err;

	if (resolve(fs, od, &a) < 0)
		return -ENOENT;
	if (resolve(fs, nd, &b) < 0) {
		ext4_iput(a);
		return -ENOENT;
	}
	err = ext4_rename(fs, a, on, strlen(on), b, nn, strlen(nn), flags);
	ext4_iput(a);
	ext4_iput(b);
	return err;
}

static uint32_t
parent_of(struct ext4_fs *fs, const char *path)
{
	struct ext4_inode *in;
	uint32_t ino = 0;

	if (resolve(fs, path, &in) == 0) {
		ext4_lookup(fs, in, "..", 2, &ino);
		ext4_iput(in);
	}
	return ino;
}

static uint32_t
ino_of(struct ext4_fs *fs, const char *path)
{
	struct ext4_inode *in;
	uint32_t ino = 0;

	if (resolve(fs, path, &in) == 0) {
		ino = in->ino;
		ext4_iput(in);
	}
	return ino;
}

/*
 * An indexed directory moves to another parent: its ".." is in the htree
 * root, whose checksum is the index's (e2fsck checks it after the run).
 */
static void
rn_indexed(struct ext4_fs *fs)
{
	struct ext4_inode *d = mkdir_path(fs, "/rd/c", "idx");
	char name[80];
	int i;

	if (d == NULL)
		return;
	for (i = 0; i < 120; i++) {
		fmt(name, sizeof(name), "an-entry-with-a-long-name-%03d", i);
		ext4_iput(create_file(fs, "/rd/c/idx", name));
	}
	if ((fs->compat & EXT4_FEATURE_COMPAT_DIR_INDEX) &&
	    d->size > fs->block_size)
		CHECK(d->flags & EXT4_INDEX_FL);
	ext4_iput(d);
	CHECK_EQ(rename_paths(fs, "/rd/c", "idx", "/rd/e", "idx", 0), 0);
	CHECK_EQ(parent_of(fs, "/rd/e/idx"), ino_of(fs, "/rd/e"));
}

/* Directories moving around, over each other and into themselves. */
static void
rn_dirs(struct ext4_fs *fs)
{
	struct ext4_inode *x;

	ext4_iput(mkdir_path(fs, "/", "rd"));
	ext4_iput(mkdir_path(fs, "/rd", "a"));
	ext4_iput(mkdir_path(fs, "/rd/a", "b"));
	ext4_iput(mkdir_path(fs, "/rd", "c"));
	ext4_iput(mkdir_path(fs, "/rd", "e"));
	ext4_iput(create_file(fs, "/rd", "f"));
	ext4_iput(create_file(fs, "/rd/e", "g"));
	CHECK_EQ(rename_paths(fs, "/rd", "a", "/rd/a/b", "x", 0), -EINVAL);
	CHECK_EQ(rename_paths(fs, "/rd", "a", "/rd/a", "y", 0), -EINVAL);
	CHECK_EQ(rename_paths(fs, "/rd", "f", "/rd", "c", 0), -EISDIR);
	CHECK_EQ(rename_paths(fs, "/rd", "c", "/rd", "f", 0), -ENOTDIR);
	CHECK_EQ(rename_paths(fs, "/rd", "c", "/rd", "e", 0), -ENOTEMPTY);
	CHECK_EQ(rename_paths(fs, "/rd", "a", "/rd", "c", 0), 0);
	CHECK_EQ(rename_paths(fs, "/rd/c", "b", "/rd", "b2", 0), 0);
	CHECK_EQ(parent_of(fs, "/rd/b2"), ino_of(fs, "/rd"));
	CHECK_EQ(rename_paths(fs, "/rd", "b2", "/rd/e", "g",
			      EXT4_RENAME_EXCHANGE), 0);
	CHECK_EQ(parent_of(fs, "/rd/e/g"), ino_of(fs, "/rd/e"));
	ext4_iput(mkdir_path(fs, "/rd/c", "deep"));
	CHECK_EQ(rename_paths(fs, "/rd/c", "deep", "/rd/e", "g",
			      EXT4_RENAME_EXCHANGE), 0);
	CHECK_EQ(parent_of(fs, "/rd/e/g"), ino_of(fs, "/rd/e"));
	CHECK_EQ(parent_of(fs, "/rd/c/deep"), ino_of(fs, "/rd/c"));
	CHECK_EQ(rename_paths(fs, "/rd", "c", "/rd/c/deep", "z",
			      EXT4_RENAME_EXCHANGE), -ENOENT);
	CHECK_EQ(rename_paths(fs, "/rd", "e", "/rd/e/g", "in",
			      EXT4_RENAME_NOREPLACE), -EINVAL);
	rn_indexed(fs);
	if (resolve(fs, "/rd", &x) == 0) {
		/* rd holds c, e, f, b2: 2 + 2 subdirectories... */
		CHECK_EQ(x->links, 4);
		ext4_iput(x);
	}
}

static void
scenario_rename(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct ext4_inode *dirs[RN_DIRS];
	char name[16];
	int d;

	if (verify) {
		rn_verify(fs);
		CHECK_EQ(parent_of(fs, "/rd/e/g"), ino_of(fs, "/rd/e"));
		CHECK_EQ(parent_of(fs, "/rd/e/idx"), ino_of(fs, "/rd/e"));
		return;
	}
	ext4_iput(mkdir_path(fs, "/", "rn"));
	memset(rn_model, 0, sizeof(rn_model));
	for (d = 0; d < RN_DIRS; d++) {
		fmt(name, sizeof(name), "d%d", d);
		dirs[d] = mkdir_path(fs, "/rn", name);
		if (dirs[d] == NULL)
			return;
	}
	rn_storm(fs, dirs);
	rn_verify(fs);
	for (d = 0; d < RN_DIRS; d++)
		ext4_iput(dirs[d]);
	rn_dirs(fs);
}

/* ---- scenario: truncating up and down ---- */

static void
scenario_truncate(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct ext4_inode *in;
	uint32_t bs = fs->block_size;

	if (verify) {
		if (resolve(fs, "/trunc", &in) < 0) {
			FAIL("lookup /trunc");
			return;
		}
		CHECK_EQ(in->size, 300000);
		check_content(fs, in, 61, 0, 5000);
		check_content(fs, in, 0, 5000, 295000 - 5000);
		check_content(fs, in, 62, 295000, 5000);
		ext4_iput(in);
		return;
	}
	if ((in = create_file(fs, "/", "trunc")) == NULL)
		return;
	write_content(fs, in, 61, 0, 100000, 10000);
	CHECK_EQ(ext4_truncate(fs, in, 5000), 0);
	CHECK_EQ(in->size, 5000);
	CHECK_EQ(in->blocks, ext4_sectors(fs, (5000 + bs - 1) / bs) +
				     (in->blocks - ext4_sectors(fs, (5000 + bs -
								     1) / bs)));
	CHECK_EQ(ext4_truncate(fs, in, 300000), 0);
	check_content(fs, in, 61, 0, 5000);
	check_content(fs, in, 0, 5000, 295000);
	/* The old tail block must read as zeros past 5000 after growing. */
	write_content(fs, in, 62, 295000, 5000, 5000);
	CHECK_EQ(in->size, 300000);
	CHECK_EQ(ext4_truncate(fs, in, 300000), 0);
	ext4_iput(in);
	if ((in = create_file(fs, "/", "trunc0")) != NULL) {
		write_content(fs, in, 63, 0, 1 << 20, 1 << 16);
		CHECK_EQ(ext4_truncate(fs, in, 0), 0);
		CHECK_EQ(in->blocks, 0);
		CHECK_EQ(ext4_truncate(fs, in, 1 << 30), 0);
		CHECK_EQ(in->blocks, 0);
		ext4_iput(in);
	}
}

/* ---- scenario: extended attributes in the inode and in a block ---- */

static void
xattr_value(char *buf, size_t len, int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)('a' + (seed * 7 + i) % 26);
}

static void
xattr_check(struct ext4_fs *fs, struct ext4_inode *in, const char *name,
	    size_t len, int seed)
{
	char *want = malloc(len + 1), *got = malloc(len + 1);

	xattr_value(want, len, seed);
	CHECK_EQ(ext4_getxattr(fs, in, name, got, len + 1), len);
	if (memcmp(want, got, len) != 0)
		FAIL("xattr %s differs", name);
	free(want);
	free(got);
}

static void
scenario_xattr(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct ext4_inode *in;
	char name[64], list[4096], *val = malloc(2 * fs->block_size);
	size_t vlen = fs->block_size / 8;
	int i;

	if (!verify) {
		if ((in = create_file(fs, "/", "xa")) == NULL)
			return;
		xattr_value(val, 10, 1);
		CHECK_EQ(ext4_setxattr(fs, in, "user.small", val, 10, 0), 0);
		CHECK_EQ(ext4_setxattr(fs, in, "user.small", val, 10,
				       EXT4_XATTR_CREATE), -EEXIST);
		CHECK_EQ(ext4_setxattr(fs, in, "user.none", val, 10,
				       EXT4_XATTR_REPLACE), -ENODATA);
		CHECK_EQ(ext4_setxattr(fs, in, "bogus.x", val, 1, 0),
			 -EOPNOTSUPP);
		for (i = 0; i < 5; i++) {
			fmt(name, sizeof(name), "user.big%d", i);
			xattr_value(val, vlen, i + 10);
			CHECK_EQ(ext4_setxattr(fs, in, name, val, vlen, 0), 0);
		}
		xattr_value(val, 20, 3);
		CHECK_EQ(ext4_setxattr(fs, in, "trusted.t", val, 20, 0), 0);
		CHECK_EQ(ext4_setxattr(fs, in, "security.selinux", val, 20, 0),
			 0);
		CHECK(in->file_acl != 0);
		CHECK_EQ(ext4_removexattr(fs, in, "user.big2"), 0);
		CHECK_EQ(ext4_removexattr(fs, in, "user.big2"), -ENODATA);
		xattr_value(val, 7, 4);
		CHECK_EQ(ext4_setxattr(fs, in, "user.small", val, 7,
				       EXT4_XATTR_REPLACE), 0);
		CHECK_EQ(ext4_setxattr(fs, in, "user.empty", val, 0, 0), 0);
		CHECK_EQ(ext4_setxattr(fs, in, "user.huge", val,
				       fs->block_size, 0), -ENOSPC);
		ext4_iput(in);
		/* A file whose only xattr block goes away again. */
		if ((in = create_file(fs, "/", "xb")) != NULL) {
			xattr_value(val, vlen * 2, 9);
			CHECK_EQ(ext4_setxattr(fs, in, "user.a", val,
					       vlen * 2, 0), 0);
			CHECK(in->file_acl != 0);
			CHECK_EQ(ext4_removexattr(fs, in, "user.a"), 0);
			CHECK_EQ(in->file_acl, 0);
			CHECK_EQ(in->blocks, 0);
			ext4_iput(in);
		}
	}
	if (resolve(fs, "/xa", &in) < 0) {
		FAIL("lookup /xa");
		free(val);
		return;
	}
	xattr_check(fs, in, "user.small", 7, 4);
	xattr_check(fs, in, "user.big0", vlen, 10);
	xattr_check(fs, in, "user.big4", vlen, 14);
	xattr_check(fs, in, "trusted.t", 20, 3);
	xattr_check(fs, in, "security.selinux", 20, 3);
	CHECK_EQ(ext4_getxattr(fs, in, "user.big2", val, fs->block_size),
		 -ENODATA);
	CHECK_EQ(ext4_getxattr(fs, in, "user.empty", val, fs->block_size), 0);
	CHECK_EQ(ext4_getxattr(fs, in, "user.small", val, 3), -ERANGE);
	CHECK_EQ(ext4_getxattr(fs, in, "user.small", NULL, 0), 7);
	i = (int)ext4_listxattr(fs, in, list, sizeof(list));
	CHECK_EQ(i, ext4_listxattr(fs, in, NULL, 0));
	CHECK_EQ(i, (int)(sizeof("user.small") + sizeof("user.empty") +
			  4 * sizeof("user.big0") + sizeof("trusted.t") +
			  sizeof("security.selinux")));
	ext4_iput(in);
	free(val);
}

/* ---- scenario: unlinked while open, then evicted ---- */

static void
scenario_orphan(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct ext4_inode *root, *in;
	struct ext4_statfs before, after;

	if (verify) {
		CHECK(resolve(fs, "/orphan", &in) == -ENOENT);
		CHECK_EQ(le32toh(fs->sb.s_last_orphan), 0);
		return;
	}
	if (resolve(fs, "/", &root) < 0)
		return;
	ext4_statfs(fs, &before);
	if ((in = create_file(fs, "/", "orphan")) != NULL) {
		write_content(fs, in, 71, 0, 200000, 65536);
		CHECK_EQ(ext4_unlink(fs, root, "orphan", 6, true), 0);
		CHECK_EQ(le32toh(fs->sb.s_last_orphan), in->ino);
		CHECK(resolve(fs, "/orphan", &in) == -ENOENT);
		check_content(fs, in, 71, 0, 200000);
		CHECK_EQ(write_content(fs, in, 72, 200000, 1000, 1000), 0);
		CHECK_EQ(ext4_evict(fs, in), 0);
		CHECK(in->freed);
		CHECK_EQ(le32toh(fs->sb.s_last_orphan), 0);
		ext4_iput(in);
	}
	ext4_statfs(fs, &after);
	CHECK_EQ(after.free, before.free);
	CHECK_EQ(after.ffree, before.ffree);
	ext4_iput(root);
}

/* Left on the orphan list at unmount: the next mount deletes it. */
static void
scenario_orphan_crash(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct ext4_inode *root, *a, *b;

	if (verify || resolve(fs, "/", &root) < 0)
		return;
	a = create_file(fs, "/", "orphan-a");
	b = create_file(fs, "/", "orphan-b");
	if (a != NULL && b != NULL) {
		write_content(fs, a, 73, 0, 300000, 65536);
		write_content(fs, b, 74, 0, 3000, 65536);
		CHECK_EQ(ext4_unlink(fs, root, "orphan-a", 8, true), 0);
		CHECK_EQ(ext4_unlink(fs, root, "orphan-b", 8, true), 0);
	}
	ext4_iput(root);
	mnt_close(m);
	ext4_iput(a);	/* after the unmount: only frees the object */
	ext4_iput(b);
	if (mnt_open(m, m->img, true) == 0)
		CHECK_EQ(le32toh(m->fs->sb.s_last_orphan), 0);
}

/* ---- scenario: preallocation and holes punched ---- */

static void
scenario_falloc(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct ext4_inode *in;
	uint32_t bs = fs->block_size;
	bool ext;

	if (verify) {
		if (resolve(fs, "/falloc", &in) < 0)
			return;
		ext = in->flags & EXT4_EXTENTS_FL;
		CHECK_EQ(in->size, ext ? 400 * bs : 100 * bs);
		check_content(fs, in, 81, 0, 10 * bs);
		check_content(fs, in, 0, 10 * bs, 5 * bs + 3);
		check_content(fs, in, 81, 15 * bs + 3, 85 * bs - 3);
		if (ext) {
			check_content(fs, in, 0, 100 * bs, 50 * bs + 10);
			check_content(fs, in, 82, 150 * bs + 10, 1000);
			check_content(fs, in, 0, 150 * bs + 1010,
				      250 * bs - 1010);
		}
		ext4_iput(in);
		return;
	}
	if ((in = create_file(fs, "/", "falloc")) == NULL)
		return;
	ext = in->flags & EXT4_EXTENTS_FL;
	write_content(fs, in, 81, 0, 100 * bs, 1 << 16);
	CHECK_EQ(ext4_fallocate(fs, in, EXT4_FALLOC_PUNCH_HOLE |
					       EXT4_FALLOC_KEEP_SIZE,
				10 * bs, 5 * bs + 3), 0);
	CHECK_EQ(ext4_fallocate(fs, in, EXT4_FALLOC_PUNCH_HOLE, 0, 1),
		 -EOPNOTSUPP);
	if (ext) {
		CHECK_EQ(ext4_fallocate(fs, in, 0, 100 * bs, 300 * bs), 0);
		CHECK_EQ(in->size, 400 * bs);
		CHECK_EQ(ext4_fallocate(fs, in, EXT4_FALLOC_KEEP_SIZE,
					400 * bs, 100 * bs), 0);
		CHECK_EQ(in->size, 400 * bs);
		write_content(fs, in, 82, 150 * bs + 10, 1000, 1000);
		check_content(fs, in, 0, 100 * bs, 50 * bs + 10);
	} else {
		CHECK_EQ(ext4_fallocate(fs, in, 0, 100 * bs, 300 * bs),
			 -EOPNOTSUPP);
	}
	ext4_iput(in);
}

/* ---- statfs agrees with dumpe2fs ---- */

static long long
dumpe2fs_field(const char *img, const char *label)
{
	char cmd[4200], out[1 << 14], *p;

	fmt(cmd, sizeof(cmd), "dumpe2fs -h %s 2>/dev/null", wpath(img));
	if (run(cmd, out, sizeof(out)) != 0)
		return -1;
	for (p = out; (p = strstr(p, label)) != NULL; p++)
		if ((p == out || p[-1] == '\n') && p[strlen(label)] == ':')
			return strtoll(p + strlen(label) + 1, NULL, 10);
	return -1;
}

static void
check_statfs(const char *img)
{
	struct ext4_statfs st;
	struct mnt m;

	if (mnt_open(&m, img, false) < 0)
		return;
	ext4_statfs(m.fs, &st);
	mnt_close(&m);
	CHECK_EQ(st.free, dumpe2fs_field(img, "Free blocks"));
	CHECK_EQ(st.ffree, dumpe2fs_field(img, "Free inodes"));
}

/* ---- scenario: changing what mke2fs -d and e2fsck -D made ---- */

#define EX_N 3000

static void
scenario_existing(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct ext4_inode *dir, *in;
	char name[32];
	uint64_t pos = 0;
	uint32_t ino;
	int i, n = 0, err;

	if (resolve(fs, "/many", &dir) < 0)
		return;	/* not a populated image */
	if (!verify) {
		CHECK(dir->flags & EXT4_INDEX_FL);
		for (i = 1; i <= EX_N; i += 2) {
			fmt(name, sizeof(name), "f%d", i);
			if ((err = ext4_unlink(fs, dir, name, strlen(name),
					       false)) < 0)
				FAIL("unlink %s: %d", name, err);
		}
		for (i = 1; i <= EX_N; i++) {
			fmt(name, sizeof(name), "g%d", i);
			if ((err = ext4_create(fs, dir, name, strlen(name),
					       0644, 0, 0, &in)) < 0) {
				FAIL("create %s: %d", name, err);
				break;
			}
			ext4_iput(in);
		}
		if (resolve(fs, "/existing-big", &in) == 0) {
			write_content(fs, in, 91, 1000000, 5000, 5000);
			write_content(fs, in, 92, 3 << 20, 5000, 5000);
			ext4_iput(in);
		}
	}
	CHECK_EQ(ext4_readdir(fs, dir, &pos, count_entry, &n), 0);
	CHECK_EQ(n, EX_N / 2 + EX_N + 2);
	for (i = 1; i <= EX_N; i++) {
		fmt(name, sizeof(name), "f%d", i);
		CHECK_EQ(ext4_lookup(fs, dir, name, strlen(name), &ino),
			 i % 2 ? -ENOENT : 0);
		fmt(name, sizeof(name), "g%d", i);
		CHECK_EQ(ext4_lookup(fs, dir, name, strlen(name), &ino), 0);
	}
	ext4_iput(dir);
	if (resolve(fs, "/existing-big", &in) == 0) {
		CHECK_EQ(in->size, (3 << 20) + 5000);
		check_content(fs, in, 91, 1000000, 5000);
		check_content(fs, in, 92, 3 << 20, 5000);
		ext4_iput(in);
	}
}

/* ---- the journal: a crash after a commit, and replay ---- */

#define CR_FILES 40

/* Seeds of /crash/cN after the scenario's last commit (0: absent). */
static uint64_t cr_model[CR_FILES];

static void
cr_name(char *buf, size_t size, int i)
{
	fmt(buf, size, "c%d", i);
}

/* Changes in a few transactions; the last ones are never committed. */
static void
crash_work(struct ext4_fs *fs)
{
	struct ext4_inode *d, *in, *big;
	char name[32];
	int i;

	if ((d = mkdir_path(fs, "/", "crash")) == NULL)
		return;
	memset(cr_model, 0, sizeof(cr_model));
	for (i = 0; i < CR_FILES; i++) {
		cr_name(name, sizeof(name), i);
		if (ext4_create(fs, d, name, strlen(name), 0644, 0, 0, &in) <
		    0)
			continue;
		write_content(fs, in, 2000 + i, 0, 1000 * i, 4096);
		cr_model[i] = 2000 + i;
		ext4_iput(in);
	}
	CHECK_EQ(ext4_commit(fs), 0);
	/* A directory with blocks, then gone: revoke records. */
	if ((big = mkdir_path(fs, "/crash", "gone")) != NULL) {
		for (i = 0; i < 300; i++) {
			fmt(name, sizeof(name), "entry-%d-long-name", i);
			if (ext4_create(fs, big, name, strlen(name), 0644, 0,
					0, &in) == 0)
				ext4_iput(in);
		}
		CHECK_EQ(ext4_commit(fs), 0);
		for (i = 0; i < 300; i++) {
			fmt(name, sizeof(name), "entry-%d-long-name", i);
			ext4_unlink(fs, big, name, strlen(name), false);
		}
		ext4_iput(big);
		CHECK_EQ(ext4_rmdir(fs, d, "gone", 4, false), 0);
	}
	for (i = 0; i < CR_FILES; i += 3) {
		cr_name(name, sizeof(name), i);
		CHECK_EQ(ext4_unlink(fs, d, name, strlen(name), false), 0);
		cr_model[i] = 0;
	}
	CHECK_EQ(ext4_rename(fs, d, "c1", 2, d, "c4", 2, 0), 0);
	cr_model[4] = cr_model[1];
	cr_model[1] = 0;
	CHECK_EQ(ext4_commit(fs), 0);
	/* Never committed: must not survive the crash. */
	CHECK_EQ(ext4_rename(fs, d, "c2", 2, d, "c0", 2, 0), 0);
	ext4_iput(create_file(fs, "/crash", "uncommitted"));
	ext4_iput(d);
}

static void
crash_verify(struct ext4_fs *fs)
{
	struct ext4_inode *in;
	char path[64];
	int i, err;

	for (i = 0; i < CR_FILES; i++) {
		fmt(path, sizeof(path), "/crash/c%d", i);
		err = resolve(fs, path, &in);
		if (cr_model[i] == 0) {
			if (err != -ENOENT)
				FAIL("%s exists after replay", path);
			if (err == 0)
				ext4_iput(in);
			continue;
		}
		if (err < 0) {
			FAIL("%s missing after replay: %d", path, err);
			continue;
		}
		check_content(fs, in, cr_model[i], 0, in->size);
		ext4_iput(in);
	}
	CHECK(resolve(fs, "/crash/uncommitted", &in) == -ENOENT);
	CHECK(resolve(fs, "/crash/gone", &in) == -ENOENT);
}

static void
copy_image(const char *from, const char *to)
{
	char cmd[8400];

	fmt(cmd, sizeof(cmd), "cp %s %s", wpath(from), wpath(to));
	if (run(cmd, NULL, 0) != 0)
		FAIL("%s", cmd);
}

/*
 * Does e2fsck's output hold anything but headers and journal recovery?
 * Extent trees that "could be narrower" (after holes were punched) are
 * an optimisation e2fsck offers, not a fix (PR_NOT_A_FIX).
 */
static bool
fsck_only_recovery(const char *out)
{
	static const char *ok[] = {
		"e2fsck ", "Pass ", "recovering journal",
		"***** FILE SYSTEM WAS MODIFIED", "could be narrower",
		"could be shorter", "",
	};
	char line[1024];
	const char *p = out, *nl;
	size_t i, n;

	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		n = (size_t)(nl - p) < sizeof(line) - 1 ? (size_t)(nl - p)
							  : sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (strstr(line, " files (") && strstr(line, " blocks"))
			continue;
		for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			if (ok[i][0] ? strstr(line, ok[i]) != NULL
				     : line[0] == '\0')
				break;
		if (i == sizeof(ok) / sizeof(ok[0])) {
			FAIL("e2fsck -fy did more than recover: %s", line);
			return false;
		}
	}
	return true;
}

static void
crash_e2fsck(const char *crash)
{
	static char out[1 << 16];
	char cmd[8400], copy[64];
	int rc;

	fmt(cmd, sizeof(cmd), "e2fsck -fn %s 2>&1", wpath(crash));
	run(cmd, out, sizeof(out));
	if (strstr(out, "journal recovery") == NULL &&
	    strstr(out, "recovering journal") == NULL)
		FAIL("e2fsck -fn does not see the journal to recover:\n%s",
		     out);
	fmt(copy, sizeof(copy), "%s.fsck", crash);
	copy_image(crash, copy);
	fmt(cmd, sizeof(cmd), "e2fsck -fy %s 2>&1", wpath(copy));
	rc = run(cmd, out, sizeof(out));
	if (rc > 1 || strstr(out, "recovering journal") == NULL)
		FAIL("e2fsck -fy exited %d:\n%s", rc, out);
	fsck_only_recovery(out);
	fsck_clean(copy, "e2fsck-replay");
}

/* Our own replay: mount, compare with the model, unmount, e2fsck. */
static void
crash_replay(const char *crash)
{
	struct mnt m;
	char copy[64];

	fmt(copy, sizeof(copy), "%s.replay", crash);
	copy_image(crash, copy);
	if (mnt_open(&m, copy, true) < 0)
		return;
	crash_verify(m.fs);
	mnt_close(&m);
	fsck_clean(copy, "own-replay");
	if (mnt_open(&m, copy, false) == 0) {
		crash_verify(m.fs);
		mnt_close(&m);
	}
}

static uint64_t
file_sum(const char *img)
{
	uint8_t buf[65536];
	uint64_t h = 1469598103934665603ull;
	ssize_t n, i;
	int fd = open(wpath(img), O_RDONLY);

	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ull;
	if (fd >= 0)
		close(fd);
	return h;
}

/* Flip a byte of journal block pos (relative to s_start when rel). */
static void
damage_journal(const char *img, uint32_t pos, bool rel, size_t at)
{
	struct ext4_journal j;
	struct mnt m;
	uint8_t byte;
	uint64_t off;
	int fd;

	if (file_bdev_open(&m.fb, wpath(img)) < 0)
		return;
	m.fb.bd.read_only = true;
	if (ext4_mount(&m.fb.bd, true, &m.fs) < 0) {
		FAIL("read-only mount of %s", img);
		close(m.fb.fd);
		return;
	}
	if (ext4_jnl_load(m.fs, &j) == 0) {
		if (rel)
			pos += be32toh(j.jsb.s_start);
		off = (j.map[pos] << m.fs->log_block_size) + at;
		fd = m.fb.fd;
		if (pread(fd, &byte, 1, (off_t)off) == 1) {
			byte ^= 0x5a;
			if (pwrite(fd, &byte, 1, (off_t)off) != 1)
				FAIL("cannot damage %s", img);
		}
		ext4_jnl_free(&j);
	}
	ext4_unmount(m.fs);
	close(m.fb.fd);
}

/* A damaged journal refuses the mount and writes nothing. */
static void
crash_damaged(const char *crash, uint32_t pos, bool rel, size_t at,
	      const char *what)
{
	struct file_bdev fb;
	struct ext4_fs *fs = NULL;
	char copy[64];
	uint64_t sum;
	int err;

	fmt(copy, sizeof(copy), "%s.%s", crash, what);
	copy_image(crash, copy);
	damage_journal(copy, pos, rel, at);
	sum = file_sum(copy);
	if (file_bdev_open(&fb, wpath(copy)) < 0)
		return;
	err = ext4_mount(&fb.bd, false, &fs);
	if (err != -EFSCORRUPTED) {
		FAIL("mount with a %s journal: %d", what, err);
		if (err == 0)
			ext4_unmount(fs);
	}
	close(fb.fd);
	if (file_sum(copy) != sum)
		FAIL("the refused mount wrote to the image (%s)", what);
}

static void
run_crash(const char *img, bool csum_v2)
{
	struct mnt m;
	char crash[64];
	bool csum;

	fmt(crash, sizeof(crash), "%s.crash", img);
	if (mnt_open(&m, img, true) < 0)
		return;
	if (m.fs->jnl == NULL) {
		mnt_close(&m);
		return;
	}
	if (csum_v2) {
		m.fs->jnl->incompat &= ~JBD2_FEATURE_INCOMPAT_CSUM_V3;
		m.fs->jnl->incompat |= JBD2_FEATURE_INCOMPAT_CSUM_V2;
		m.fs->jnl->jsb.s_feature_incompat =
			htobe32(m.fs->jnl->incompat);
		CHECK_EQ(ext4_jnl_write_super(m.fs, m.fs->jnl), 0);
	}
	csum = ext4_jnl_has_csum(m.fs->jnl->incompat);
	crash_work(m.fs);
	copy_image(img, crash);
	mnt_close(&m);
	fsck_clean(img, "crash-scenario");
	crash_e2fsck(crash);
	crash_replay(crash);
	crash_damaged(crash, 0, false, 0, "bad-super");
	/* Without checksums a damaged block cannot be seen. */
	if (csum)
		crash_damaged(crash, 1, true, 100, "bad-block");
}

/* ---- a journal written by e2fsprogs (debugfs), replayed by us ---- */

static long long
debugfs_bmap(const char *img, const char *path, uint64_t lblk)
{
	char cmd[8400], out[256];

	fmt(cmd, sizeof(cmd), "debugfs -R 'bmap %s %llu' %s 2>/dev/null", path,
	    (unsigned long long)lblk, wpath(img));
	if (run(cmd, out, sizeof(out)) != 0)
		return -1;
	return strtoll(out, NULL, 10);
}


static int
read_block(const char *img, uint64_t blk, uint32_t bs, uint8_t *buf)
{
	int fd = open(wpath(img), O_RDONLY);
	ssize_t n = -1;

	if (fd >= 0) {
		n = pread(fd, buf, bs, (off_t)(blk * bs));
		close(fd);
	}
	return n == (ssize_t)bs ? 0 : -EIO;
}

/*
 * debugfs logs three transactions over a file's blocks (the last one
 * revoking a block of the first); e2fsck and our mount replay copies of
 * the image, which must end up with the same blocks.
 */
static void
foreign_journal(const char *name, const char *mkfs, uint32_t bs, bool csum)
{
	char cmd[8400], theirs[64], ours[64];
	uint8_t *a = malloc(bs), *b = malloc(bs);
	long long blk;
	struct mnt m;
	int i;

	cur_img = name;
	fmt(cmd, sizeof(cmd), "rm -f %s; mke2fs -q -F %s -b %u %s 64M && "
	    "head -c %u /dev/urandom >%s.data && debugfs -w -R 'write %s.data "
	    "victim' %s 2>&1", wpath(name), mkfs, bs, wpath(name), 8 * bs,
	    wpath(name), wpath(name), wpath(name));
	if (run(cmd, NULL, 0) != 0 ||
	    (blk = debugfs_bmap(name, "victim", 0)) <= 0) {
		FAIL("cannot set up %s", name);
		goto out;
	}
	fmt(cmd, sizeof(cmd), "printf 'jo %s\\njw -b %lld,%lld %s.data\\n"
	    "jw -b %lld %s.data\\njw -r %lld\\njc\\n' | debugfs -w -f - %s "
	    "2>&1",
	    csum ? "-c" : "", blk, blk + 1, wpath(name), blk + 2,
	    wpath(name), blk + 1, wpath(name));
	if (run(cmd, NULL, 0) != 0) {
		FAIL("debugfs could not write the journal");
		goto out;
	}
	fmt(theirs, sizeof(theirs), "%s.e2fsck", name);
	fmt(ours, sizeof(ours), "%s.ours", name);
	copy_image(name, theirs);
	copy_image(name, ours);
	fmt(cmd, sizeof(cmd), "e2fsck -fy %s 2>&1", wpath(theirs));
	if (run(cmd, NULL, 0) > 1)
		FAIL("e2fsck could not replay debugfs's journal");
	if (mnt_open(&m, ours, true) < 0)
		goto out;
	mnt_close(&m);
	fsck_clean(ours, "foreign-replay");
	for (i = 0; i < 3; i++) {
		if (read_block(theirs, blk + i, bs, a) < 0 ||
		    read_block(ours, blk + i, bs, b) < 0 ||
		    memcmp(a, b, bs) != 0)
			FAIL("block %lld differs after the two replays", blk + i);
	}
out:
	free(a);
	free(b);
}

/* ---- scenario: small files and directories, inline or not ---- */

static void
inline_write(struct ext4_fs *fs)
{
	struct ext4_inode *in, *dir;
	char name[32];
	int i;

	if (resolve(fs, "/tiny", &in) < 0)
		return;
	write_content(fs, in, 95, 20, 5000, 777);
	ext4_iput(in);
	if (resolve(fs, "/tiny100", &in) == 0) {
		write_content(fs, in, 96, 50, 10, 10);
		CHECK_EQ(in->flags & EXT4_INLINE_DATA_FL, 0);
		ext4_iput(in);
	}
	if (resolve(fs, "/small", &dir) < 0)
		return;
	for (i = 0; i < 50; i++) {
		fmt(name, sizeof(name), "added-%d", i);
		ext4_iput(create_file(fs, "/small", name));
	}
	CHECK_EQ(ext4_unlink(fs, dir, "a", 1, false), 0);
	CHECK_EQ(dir->flags & EXT4_INLINE_DATA_FL, 0);
	ext4_iput(dir);
	CHECK_EQ(rename_paths(fs, "/", "tiny", "/small", "moved", 0), 0);
}

static void
scenario_inline(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct ext4_inode *in, *dir;
	uint64_t pos = 0;
	int n = 0;

	if (resolve(fs, "/tiny100", &in) < 0)
		return;	/* not a populated image */
	ext4_iput(in);
	if (!verify)
		inline_write(fs);
	if (resolve(fs, "/small/moved", &in) == 0) {
		CHECK_EQ(in->size, 5020);
		check_content(fs, in, 95, 0, 5020);
		ext4_iput(in);
	} else {
		FAIL("lookup /small/moved");
	}
	if (resolve(fs, "/tiny100", &in) == 0) {
		CHECK_EQ(in->size, 100);
		check_content(fs, in, 96, 0, 100);
		ext4_iput(in);
	}
	if (resolve(fs, "/small", &dir) == 0) {
		CHECK_EQ(ext4_readdir(fs, dir, &pos, count_entry, &n), 0);
		CHECK_EQ(n, 2 + 1 + 50 + 1);
		ext4_iput(dir);
	}
}

/* ---- scenario: random writes, truncates, holes, preallocation ---- */

#define RF_MAX (3u << 20)	/* largest size the model follows */
#define RF_OPS 600

struct rf_model {
	uint8_t *data;		/* RF_MAX bytes, zero past size */
	uint64_t size;
};

static uint64_t
rf_pick(uint64_t max)
{
	/* Mostly small ranges, sometimes block-aligned, sometimes big. */
	switch (rnd() % 4) {
	case 0:
		return rnd() % (max + 1) & ~(uint64_t)1023;
	case 1:
		return rnd() % (max / 16 + 1);
	default:
		return rnd() % (max + 1);
	}
}

static int
rf_fail(const char *what, uint64_t off, uint64_t len, long err)
{
	FAIL("random file: %s at %llu+%llu: %ld", what,
	     (unsigned long long)off, (unsigned long long)len, err);
	return -EIO;
}

static int
rf_op(struct ext4_fs *fs, struct ext4_inode *in, struct rf_model *m,
      uint8_t *buf)
{
	uint64_t off = rf_pick(RF_MAX - 1), len = rf_pick(RF_MAX / 8) + 1;
	int op = (int)(rnd() % 10), mode, err;
	ssize_t n;
	size_t i;

	if (off + len > RF_MAX)
		len = RF_MAX - off;
	if (op < 5) {			/* write */
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)rnd();
		if ((n = ext4_write(fs, in, off, buf, len)) != (ssize_t)len)
			return rf_fail("write", off, len, n);
		memcpy(m->data + off, buf, len);
		if (off + len > m->size)
			m->size = off + len;
	} else if (op < 7) {		/* truncate */
		if ((err = ext4_truncate(fs, in, off)) < 0)
			return rf_fail("truncate", off, 0, err);
		if (off < m->size)
			memset(m->data + off, 0, m->size - off);
		m->size = off;
	} else if (op < 9) {		/* punch a hole */
		mode = EXT4_FALLOC_PUNCH_HOLE | EXT4_FALLOC_KEEP_SIZE;
		if ((err = ext4_fallocate(fs, in, mode, off, len)) < 0)
			return rf_fail("punch", off, len, err);
		if (off < m->size)
			memset(m->data + off, 0,
			       (off + len < m->size ? off + len : m->size) -
				       off);
	} else if (in->flags & EXT4_EXTENTS_FL) {	/* preallocate */
		mode = rnd() % 2 ? EXT4_FALLOC_KEEP_SIZE : 0;
		if ((err = ext4_fallocate(fs, in, mode, off, len)) < 0)
			return rf_fail("fallocate", off, len, err);
		if (!mode && off + len > m->size)
			m->size = off + len;
	}
	return 0;
}

static bool
rf_check(struct ext4_fs *fs, struct ext4_inode *in, const struct rf_model *m)
{
	uint8_t *got = malloc(RF_MAX + 1);
	ssize_t n = ext4_read(fs, in, 0, got, RF_MAX + 1);
	bool ok = n == (ssize_t)m->size && in->size == m->size &&
		  memcmp(got, m->data, m->size) == 0;

	if (!ok)
		FAIL("random file: read %zd, size %llu, model %llu", n,
		     (unsigned long long)in->size,
		     (unsigned long long)m->size);
	free(got);
	return ok;
}

static struct rf_model rf_model;

static void
scenario_random(struct mnt *m, bool verify)
{
	struct ext4_inode *in;
	uint8_t *buf = malloc(RF_MAX);
	int i;

	if (verify) {
		if (resolve(m->fs, "/random", &in) == 0) {
			rf_check(m->fs, in, &rf_model);
			ext4_iput(in);
		}
		free(buf);
		return;
	}
	free(rf_model.data);
	rf_model.data = calloc(1, RF_MAX);
	rf_model.size = 0;
	if ((in = create_file(m->fs, "/", "random")) == NULL) {
		free(buf);
		return;
	}
	for (i = 0; i < RF_OPS; i++) {
		if (rf_op(m->fs, in, &rf_model, buf) < 0) {
			FAIL("random file: operation %d failed", i);
			break;
		}
		if (i % 50 == 49 && !rf_check(m->fs, in, &rf_model))
			break;
	}
	ext4_iput(in);
	free(buf);
}

/* ---- scenario: the disk fills up, then empties again ---- */

static void
scenario_full(struct mnt *m, bool verify)
{
	struct ext4_fs *fs = m->fs;
	struct ext4_inode *root, *in, *f;
	struct ext4_statfs st;
	uint8_t *buf = calloc(1, 1 << 20);
	uint64_t off = 0;
	char name[32];
	ssize_t n = 0;
	int i, err = 0;

	/* Filling a big image takes long and shows nothing more. */
	if (verify || fs->blocks_count * fs->block_size > (256u << 20) ||
	    resolve(fs, "/", &root) < 0) {
		free(buf);
		return;
	}
	if ((in = create_file(fs, "/", "filler")) != NULL) {
		while ((n = ext4_write(fs, in, off, buf, 1 << 20)) > 0)
			off += (uint64_t)n;
		CHECK_EQ(n, -ENOSPC);
		ext4_statfs(fs, &st);
		CHECK(st.free < 64);
		/* Names keep going until the directory needs a block. */
		for (i = 0; i < 3000 && err == 0; i++) {
			fmt(name, sizeof(name), "full-%d-with-a-long-name", i);
			err = ext4_create(fs, root, name, strlen(name), 0644, 0,
					  0, &f);
			if (err == 0)
				ext4_iput(f);
		}
		CHECK_EQ(err, -ENOSPC);
		CHECK_EQ(ext4_mkdir(fs, root, "nospace", 7, 0755, 0, 0, &f),
			 -ENOSPC);
		CHECK_EQ(ext4_unlink(fs, root, "filler", 6, false), 0);
		ext4_iput(in);
		for (i = 0; i < 3000; i++) {
			fmt(name, sizeof(name), "full-%d-with-a-long-name", i);
			ext4_unlink(fs, root, name, strlen(name), false);
		}
	}
	ext4_iput(root);
	free(buf);
}

/* ---- the superblock's state while mounted, and refused mounts ---- */

static void
read_sb(const char *img, struct ext4_disk_super *sb)
{
	int fd = open(wpath(img), O_RDONLY);

	memset(sb, 0, sizeof(*sb));
	if (fd < 0 || pread(fd, sb, sizeof(*sb), EXT4_SUPER_OFFSET) !=
			      (ssize_t)sizeof(*sb))
		FAIL("cannot read the superblock of %s", img);
	if (fd >= 0)
		close(fd);
}

static void
write_sb(const char *img, struct ext4_disk_super *sb)
{
	int fd = open(wpath(img), O_WRONLY);

	if (le32toh(sb->s_feature_ro_compat) &
	    EXT4_FEATURE_RO_COMPAT_METADATA_CSUM)
		sb->s_checksum = htole32(ext4_crc32c(
			~0u, sb, offsetof(struct ext4_disk_super,
					  s_checksum)));
	if (fd < 0 || pwrite(fd, sb, sizeof(*sb), EXT4_SUPER_OFFSET) !=
			      (ssize_t)sizeof(*sb))
		FAIL("cannot write the superblock of %s", img);
	if (fd >= 0)
		close(fd);
}

static void
check_state(const char *img)
{
	struct ext4_disk_super sb;
	struct file_bdev fb;
	struct ext4_fs *fs = NULL;
	bool journal;
	struct mnt m;
	char copy[64];

	if (mnt_open(&m, img, true) < 0)
		return;
	journal = m.fs->jnl != NULL;
	read_sb(img, &sb);
	CHECK_EQ(!!(le32toh(sb.s_feature_incompat) &
		    EXT4_FEATURE_INCOMPAT_RECOVER), journal);
	CHECK_EQ(!!(le16toh(sb.s_state) & EXT4_VALID_FS), journal);
	mnt_close(&m);
	read_sb(img, &sb);
	CHECK_EQ(le32toh(sb.s_feature_incompat) &
		 EXT4_FEATURE_INCOMPAT_RECOVER, 0);
	CHECK(le16toh(sb.s_state) & EXT4_VALID_FS);
	/* An unknown ro_compat feature: read-only only. */
	fmt(copy, sizeof(copy), "%s.rocompat", img);
	copy_image(img, copy);
	sb.s_feature_ro_compat |= htole32(0x40000000);
	write_sb(copy, &sb);
	if (file_bdev_open(&fb, wpath(copy)) < 0)
		return;
	CHECK_EQ(ext4_mount(&fb.bd, false, &fs), -EROFS);
	CHECK_EQ(ext4_mount(&fb.bd, true, &fs), 0);
	ext4_unmount(fs);
	close(fb.fd);
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
	{ "bigdir", scenario_bigdir },
	{ "nodes", scenario_nodes },
	{ "trees", scenario_trees },
	{ "rename", scenario_rename },
	{ "truncate", scenario_truncate },
	{ "xattr", scenario_xattr },
	{ "orphan", scenario_orphan },
	{ "orphan-crash", scenario_orphan_crash },
	{ "falloc", scenario_falloc },
	{ "existing", scenario_existing },
	{ "inline", scenario_inline },
	{ "random", scenario_random },
	{ "full", scenario_full },
};

struct image {
	const char *name;
	const char *mkfs;	/* mke2fs arguments */
	const char *size;
	bool populate;		/* from a tree, big directory indexed */
};

static const struct image images[] = {
	{ "ext4-4k.img", "-t ext4 -b 4096", "128M", false },
	{ "ext4-1k.img", "-t ext4 -b 1024", "128M", false },
	{ "ext2-1k.img", "-t ext2 -b 1024", "128M", false },
	{ "ext3-4k.img", "-t ext3 -b 4096", "128M", false },
	{ "ext4-plain.img", "-t ext4 -b 1024 -O ^metadata_csum,^64bit,"
	  "uninit_bg", "64M", false },
	{ "ext4-tree.img", "-t ext4 -b 1024", "64M", true },
	{ "ext2-tree.img", "-t ext2 -b 4096", "64M", true },
	{ "ext4-64k.img", "-t ext4 -b 65536", "1G", false },
	{ "ext4-inline.img", "-t ext4 -b 4096 -O inline_data", "64M", true },
};

static int
tree_file(const char *tree, const char *name, uint8_t *buf, uint64_t seed,
	  size_t size)
{
	char path[4400];
	FILE *f;
	size_t n;

	fmt(path, sizeof(path), "%s/%s", tree, name);
	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	content_fill(buf, seed, 0, size);
	n = fwrite(buf, 1, size, f);
	fclose(f);
	return n == size ? 0 : -1;
}

/*
 * A tree for mke2fs -d: a big directory, a file of seed 90, small files
 * (inline with inline_data) of seeds 95 and 96, a small directory.
 */
static int
make_source_tree(void)
{
	char cmd[8400], tree[4200];
	uint8_t *buf;

	fmt(tree, sizeof(tree), "%s", wpath("tree"));
	fmt(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s/many && cd %s/many && "
	    "seq 1 %d | sed 's/^/f/' | xargs touch", tree, tree, tree, EX_N);
	if (run(cmd, NULL, 0) != 0)
		return -1;
	buf = malloc(2 << 20);
	if (tree_file(tree, "existing-big", buf, 90, 2 << 20) < 0 ||
	    tree_file(tree, "tiny", buf, 95, 20) < 0 ||
	    tree_file(tree, "tiny100", buf, 96, 100) < 0) {
		free(buf);
		return -1;
	}
	free(buf);
	fmt(cmd, sizeof(cmd), "mkdir %s/small && touch %s/small/a %s/small/b",
	    tree, tree, tree);
	return run(cmd, NULL, 0) == 0 ? 0 : -1;
}

static int
make_image(const struct image *im)
{
	char cmd[8400], dflag[4200] = "";

	if (im->populate) {
		if (make_source_tree() < 0) {
			FAIL("cannot make the tree");
			return -1;
		}
		fmt(dflag, sizeof(dflag), "-d %s", wpath("tree"));
	}
	fmt(cmd, sizeof(cmd), "rm -f %s; mke2fs -q -F %s %s %s %s 2>&1",
	    wpath(im->name), im->mkfs, dflag, wpath(im->name), im->size);
	if (run(cmd, NULL, 0) != 0) {
		FAIL("mke2fs failed: %s", cmd);
		return -1;
	}
	fmt(cmd, sizeof(cmd), "e2fsck -fyD %s 2>&1", wpath(im->name));
	if (im->populate && run(cmd, NULL, 0) > 1) {
		FAIL("e2fsck -D failed");
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
	if (m.fs != NULL)
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
	dump_sizes(im->name, strstr(im->mkfs, "65536") ? 65536 :
			       strstr(im->mkfs, "4096")	 ? 4096 : 1024);
	check_statfs(im->name);
	check_state(im->name);
	run_crash(im->name, strstr(im->name, "1k") != NULL);
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
	if (only == NULL || strstr("foreign", only)) {
		foreign_journal("foreign-v3.img", "-t ext4", 4096, true);
		foreign_journal("foreign-1k.img", "-t ext4", 1024, true);
		foreign_journal("foreign-ext3.img", "-t ext3", 4096, false);
	}
	if (getenv("EXT4_TEST_KEEP") == NULL) {
		fmt(cmd, sizeof(cmd), "rm -rf %s", workdir);
		if (run(cmd, NULL, 0) != 0)
			unit_failures++;
	} else {
		fprintf(stderr, "ext4_write_test: kept %s\n", workdir);
	}
	return unit_done("ext4_write");
}
