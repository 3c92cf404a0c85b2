/*
 * copy_file_range between files in /tmp: explicit and implicit offsets,
 * end of file, overlapping ranges in one file, and the errors for flags,
 * directories, pipes, O_APPEND and access modes.
 */
#include "guest.h"

static void
show_pos(const char *what, int fd)
{
	printf("%s: position %ld\n", what, (long)lseek(fd, 0, SEEK_CUR));
}

static void
show_file(const char *name)
{
	char buf[128];
	int fd = OK(open(name, O_RDONLY));
	ssize_t n = OK(read(fd, buf, sizeof(buf) - 1)), i;

	for (i = 0; i < n; i++)	/* holes read as zeros: show them */
		if (buf[i] == 0)
			buf[i] = '.';
	buf[n > 0 ? n : 0] = 0;
	printf("%s holds %zd bytes: \"%s\"\n", name, n, buf);
	close(fd);
}

int
main(void)
{
	int in, out, rd, app, dir, p[2];
	loff_t ioff, ooff;

	tmpdir_enter();
	put_file("src", "0123456789abcdefghij");
	in = OK(open("src", O_RDONLY));
	out = OK(open("dst", O_CREAT | O_RDWR, 0644));

	printf("whole, file positions: %zd\n",
	       OK(copy_file_range(in, NULL, out, NULL, 100, 0)));
	show_pos("in", in);
	show_pos("out", out);
	printf("at end of file: %zd\n",
	       OK(copy_file_range(in, NULL, out, NULL, 10, 0)));

	ioff = 4;
	ooff = 30;
	printf("explicit offsets: %zd\n",
	       OK(copy_file_range(in, &ioff, out, &ooff, 6, 0)));
	printf("offsets now %ld %ld\n", (long)ioff, (long)ooff);
	show_pos("in unmoved", in);
	show_pos("out unmoved", out);
	show_file("dst");

	ioff = 0;
	ooff = 2;
	FAILS(copy_file_range(out, &ioff, out, &ooff, 4, 0), EINVAL,
	      "overlapping ranges in one file");
	ioff = 0;
	ooff = 40;
	printf("same file, apart: %zd\n",
	       OK(copy_file_range(out, &ioff, out, &ooff, 4, 0)));
	show_file("dst");

	FAILS(copy_file_range(in, NULL, out, NULL, 1, 1), EINVAL, "flags");
	ioff = -1;
	FAILS(copy_file_range(in, &ioff, out, NULL, 1, 0), EOVERFLOW,
	      "a negative offset");
	FAILS(copy_file_range(in, (loff_t *)8, out, NULL, 1, 0), EFAULT,
	      "a bad offset pointer");
	FAILS(copy_file_range(out, NULL, in, NULL, 1, 0), EBADF,
	      "writing to a read-only file");
	rd = OK(open("dst", O_WRONLY));
	FAILS(copy_file_range(rd, NULL, out, NULL, 1, 0), EBADF,
	      "reading from a write-only file");
	app = OK(open("dst", O_WRONLY | O_APPEND));
	FAILS(copy_file_range(in, NULL, app, NULL, 1, 0), EBADF,
	      "an O_APPEND output");
	dir = OK(open(".", O_RDONLY | O_DIRECTORY));
	FAILS(copy_file_range(dir, NULL, out, NULL, 1, 0), EISDIR,
	      "a directory");
	OK(pipe(p));
	FAILS(copy_file_range(in, NULL, p[1], NULL, 1, 0), EINVAL, "a pipe");
	FAILS(copy_file_range(99, NULL, out, NULL, 1, 0), EBADF, "a bad fd");
	ioff = 0;
	printf("length 0: %zd\n",
	       OK(copy_file_range(in, &ioff, out, NULL, 0, 0)));
	return 0;
}
