/*
 * readfile: read a whole file with read(2), BUFSIZE bytes at a time.
 *
 *	readfile FILE BUFSIZE REPS [LABEL]
 *
 * Prints "RESULT read_first <ns>" for the first of REPS timed reads and
 * "RESULT read_cached <ns>" for the others (in a freshly booted guest the
 * first read fills the guest's page cache).  Then one more, untimed read
 * checksums every byte and prints "INFO read_sum <bytes> <checksum>", which
 * must be the same everywhere.  With LABEL, every timed read prints
 * "RESULT LABEL <ns>" and the checksum "INFO LABEL_sum ...".
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

static char *buf;
static long bufsize;

/* Read FILE to its end; checksum it into *sum if sum is not NULL. */
static long long
read_all(const char *file, uint64_t *sum)
{
	long long total = 0;
	struct stat st;
	ssize_t n, i;
	int fd;

	fd = open(file, O_RDONLY);
	if (fd < 0)
		bench_fail("readfile", "%s: %s", file, strerror(errno));
	while ((n = read(fd, buf, bufsize)) > 0) {
		if (sum)
			for (i = 0; i < n; i++)	/* FNV-1a */
				*sum = (*sum ^ (unsigned char)buf[i]) *
				       0x100000001b3ULL;
		total += n;
	}
	if (n < 0)
		bench_fail("readfile", "read: %s", strerror(errno));
	if (fstat(fd, &st) < 0 || st.st_size != total)
		bench_fail("readfile", "read %lld bytes of %lld", total,
			   (long long)st.st_size);
	close(fd);
	return total;
}

int
main(int argc, char **argv)
{
	uint64_t sum = 0xcbf29ce484222325ULL;
	long long t0, total;
	long reps, r;
	const char *label = argc == 5 ? argv[4] : NULL;

	if (argc != 4 && argc != 5)
		bench_fail("readfile", "usage: readfile FILE BUFSIZE REPS "
			   "[LABEL]");
	bufsize = bench_arg("readfile", argv[2]);
	reps = bench_arg("readfile", argv[3]);
	buf = aligned_alloc(4096, (bufsize + 4095) / 4096 * 4096);
	if (!buf)
		bench_fail("readfile", "out of memory");
	for (r = 0; r < reps; r++) {
		t0 = now_ns();
		read_all(argv[1], NULL);
		printf("RESULT %s %lld\n", label ? label : r ? "read_cached" :
		       "read_first", now_ns() - t0);
	}
	total = read_all(argv[1], &sum);
	printf("INFO %s_sum %lld %016llx\n", label ? label : "read", total,
	       (unsigned long long)sum);
	return 0;
}
