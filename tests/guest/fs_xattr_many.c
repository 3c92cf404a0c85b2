/*
 * Many extended attributes: 40 files with eight user.* attributes each,
 * 1 to 1100 bytes (more than an ext4 inode holds, so they spill into
 * attribute blocks, which files with equal sets may share), then
 * replacements that change sizes, removals, and files stripped bare.
 * Every file's names and values are checked against what was set and
 * summed into the printed digests.  A directory takes them too; names
 * and values over the limits are refused.
 *
 * The directory is made under /tmp, or under the parent given as the
 * argument (tests/fs_write.bats runs it on the ext4 root of the guest).
 */
#include <sys/xattr.h>

#include "guest.h"

#define NFILES 40
#define NATTRS 8

static char huge[65537];
static const size_t sizes[NATTRS] = { 1, 8, 30, 100, 250, 500, 900, 1100 };

/* The value attribute j of a file of pattern p holds (size n). */
static void
value_of(char *buf, int p, int j, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (char)('a' + (p * 7 + j * 3 + (int)i) % 26);
}

static void
set_all(const char *file, int p)
{
	char name[32], val[2048];
	int j;

	for (j = 0; j < NATTRS; j++) {
		snprintf(name, sizeof(name), "user.attr%d", j);
		value_of(val, p, j, sizes[j]);
		OK(setxattr(file, name, val, sizes[j], XATTR_CREATE));
	}
}

/* A digest of a file's attributes, by sorted name. */
static unsigned
digest(const char *file, int *count)
{
	char names[1024], val[4096], *n;
	unsigned d = 0;
	ssize_t len = OK(listxattr(file, names, sizeof(names))), v;
	int j;

	*count = 0;
	for (j = 0; j < 16; j++) {
		char want[32];

		snprintf(want, sizeof(want), "user.attr%d", j);
		for (n = names; n < names + len; n += strlen(n) + 1) {
			if (strcmp(n, want) != 0)
				continue;
			v = OK(getxattr(file, n, val, sizeof(val)));
			for (ssize_t i = 0; i < v; i++)
				d = d * 33 + (unsigned char)val[i];
			d = d * 33 + (unsigned)v + (unsigned)j;
			(*count)++;
		}
	}
	return d;
}

static void
file_name(char *buf, size_t len, int i)
{
	snprintf(buf, len, "x%02d", i);
}

int
main(int argc, char **argv)
{
	char file[16], big[2000];
	unsigned total = 0;
	int i, count, attrs = 0;

	tmpdir_enter_in(argc > 1 ? argv[1] : "/tmp");
	for (i = 0; i < NFILES; i++) {
		file_name(file, sizeof(file), i);
		put_file(file, "data\n");
		set_all(file, i % 4);
	}
	for (i = 0; i < NFILES; i += 2) {
		file_name(file, sizeof(file), i);
		memset(big, 'R', 700);
		OK(setxattr(file, "user.attr3", big, 700, XATTR_REPLACE));
	}
	for (i = 0; i < NFILES; i += 3) {
		file_name(file, sizeof(file), i);
		OK(removexattr(file, "user.attr5"));
		FAILS(removexattr(file, "user.attr5"), ENODATA, "removed twice");
	}
	for (i = 0; i < NFILES; i += 5) {
		int j;

		file_name(file, sizeof(file), i);
		for (j = 0; j < NATTRS; j++) {
			char name[32];

			snprintf(name, sizeof(name), "user.attr%d", j);
			if (removexattr(file, name) < 0 && errno != ENODATA)
				err(1, "removexattr %s %s", file, name);
		}
		CHECK(OK(listxattr(file, NULL, 0)) == 0, "%s is bare", file);
	}
	for (i = 0; i < NFILES; i++) {
		file_name(file, sizeof(file), i);
		total = total * 31 + digest(file, &count);
		attrs += count;
	}
	printf("%d attributes on %d files, digest %08x\n", attrs, NFILES, total);

	OK(mkdir("dir", 0755));
	memset(big, 'D', sizeof(big));
	OK(setxattr("dir", "user.attr0", big, sizeof(big), 0));
	printf("a directory's attribute: digest %08x\n", digest("dir", &count));
	memset(big, 'n', 300);
	big[300] = 0;
	memcpy(big, "user.", 5);
	FAILS(setxattr("x01", big, "v", 1, 0), ERANGE, "a 300-byte name");
	FAILS(setxattr("x01", "user.huge", huge, sizeof(huge), 0), E2BIG,
	      "a value over 64 KiB");
	return 0;
}
