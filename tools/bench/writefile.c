/*
 * writefile: sequential write throughput, made durable.
 *
 *	writefile FILE MIB BUFSIZE REPS
 *
 * Each of REPS samples removes FILE (untimed, with an fsync of its
 * directory), then creates it and writes MIB MiB to it with write(2),
 * BUFSIZE bytes at a time, fsyncs and closes it, and prints
 * "RESULT write <ns>" for all of that from the open to the close.  The
 * bytes are a fixed pseudo-random buffer with each chunk's number in its
 * first 8 bytes, the same everywhere, so a later `readfile FILE ...`
 * checksum must agree between environments.  The last FILE stays.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

int
main(int argc, char **argv)
{
	long long t0, t1, size, done;
	long bufsize, reps, r, i;
	char *dir, *slash;
	uint64_t x = 0x9e3779b97f4a7c15ULL, chunk;
	unsigned char *buf;
	struct stat st;
	ssize_t n;
	int fd, dfd;

	if (argc != 5)
		bench_fail("write", "usage: writefile FILE MIB BUFSIZE REPS");
	size = bench_arg("write", argv[2]) << 20;
	bufsize = bench_arg("write", argv[3]);
	reps = bench_arg("write", argv[4]);
	if (bufsize < 8 || size % bufsize)
		bench_fail("write", "BUFSIZE must be at least 8 and divide "
			   "the size");
	buf = aligned_alloc(4096, (bufsize + 4095) / 4096 * 4096);
	dir = strdup(argv[1]);
	if (!buf || !dir)
		bench_fail("write", "out of memory");
	for (i = 0; i < bufsize; i++) {	/* xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = x >> 56;
	}
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	for (r = 0; r < reps; r++) {
		if (unlink(argv[1]) < 0 && errno != ENOENT)
			bench_fail("write", "unlink %s: %s", argv[1],
				   strerror(errno));
		dfd = open(dir, O_RDONLY | O_DIRECTORY);
		if (dfd < 0 || fsync(dfd) < 0)
			bench_fail("write", "fsync %s: %s", dir,
				   strerror(errno));
		close(dfd);
		t0 = now_ns();
		fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
		if (fd < 0)
			bench_fail("write", "%s: %s", argv[1], strerror(errno));
		for (done = 0, chunk = 0; done < size; done += n, chunk++) {
			memcpy(buf, &chunk, sizeof(chunk));
			n = write(fd, buf, bufsize);
			if (n != bufsize)
				bench_fail("write", "write: %s", n < 0 ?
					   strerror(errno) : "short write");
		}
		if (fsync(fd) < 0)
			bench_fail("write", "fsync: %s", strerror(errno));
		if (close(fd) < 0)
			bench_fail("write", "close: %s", strerror(errno));
		t1 = now_ns();
		printf("RESULT write %lld\n", t1 - t0);
	}
	if (stat(argv[1], &st) < 0 || st.st_size != size)
		bench_fail("write", "%s is not %lld bytes long", argv[1], size);
	return 0;
}
