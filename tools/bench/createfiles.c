/*
 * createfiles: the rate of creating empty files, made durable.
 *
 *	createfiles DIR N REPS
 *
 * Each of REPS samples makes the directory DIR (untimed), then creates N
 * empty files in it (open with O_CREAT | O_EXCL, close) and fsyncs the
 * directory, and prints "RESULT create <ns>" for the creates and the
 * fsync.  Then, untimed, it removes the files and DIR again and fsyncs
 * DIR's parent, so every sample starts from the same state.  The first
 * sample also prints "INFO create_files <entries in DIR>".
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

/* fsync the directory PATH. */
static void
sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	if (fd < 0 || fsync(fd) < 0)
		bench_fail("create", "fsync %s: %s", path, strerror(errno));
	close(fd);
}

/* The entries of the directory FD, without . and .. */
static long
count_entries(int fd)
{
	struct dirent *e;
	long n = 0;
	DIR *d;

	d = fdopendir(dup(fd));
	if (!d)
		bench_fail("create", "fdopendir: %s", strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

int
main(int argc, char **argv)
{
	char name[32], *parent, *slash;
	long n, reps, r, i;
	long long t0, t1;
	int dfd, fd;

	if (argc != 4)
		bench_fail("create", "usage: createfiles DIR N REPS");
	n = bench_arg("create", argv[2]);
	reps = bench_arg("create", argv[3]);
	parent = strdup(argv[1]);
	slash = parent ? strrchr(parent, '/') : NULL;
	if (!parent)
		bench_fail("create", "out of memory");
	if (!slash)
		strcpy(parent, ".");
	else if (slash == parent)
		parent[1] = 0;
	else
		*slash = 0;
	for (r = 0; r < reps; r++) {
		if (mkdir(argv[1], 0755) < 0)
			bench_fail("create", "mkdir %s: %s", argv[1],
				   strerror(errno));
		dfd = open(argv[1], O_RDONLY | O_DIRECTORY);
		if (dfd < 0)
			bench_fail("create", "%s: %s", argv[1],
				   strerror(errno));
		sync_dir(parent);
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "f%ld", i);
			fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL |
				    O_CLOEXEC, 0644);
			if (fd < 0)
				bench_fail("create", "create %s/%s: %s",
					   argv[1], name, strerror(errno));
			close(fd);
		}
		if (fsync(dfd) < 0)
			bench_fail("create", "fsync %s: %s", argv[1],
				   strerror(errno));
		t1 = now_ns();
		printf("RESULT create %lld\n", t1 - t0);
		if (r == 0)
			printf("INFO create_files %ld\n", count_entries(dfd));
		for (i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "f%ld", i);
			if (unlinkat(dfd, name, 0) < 0)
				bench_fail("create", "unlink %s/%s: %s",
					   argv[1], name, strerror(errno));
		}
		close(dfd);
		if (rmdir(argv[1]) < 0)
			bench_fail("create", "rmdir %s: %s", argv[1],
				   strerror(errno));
		sync_dir(parent);
	}
	return 0;
}
