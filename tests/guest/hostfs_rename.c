/*
 * Names that move: rename and its flags, a cwd inside a renamed
 * directory, open files whose name goes, and readdir positions that stay
 * valid while entries come and go: hostfs_rename [DIR].
 *
 * Works in DIR (tests/hostfs.bats gives a hostfs directory and checks the
 * host's view afterwards) or in a fresh directory under /tmp.
 */
#include <dirent.h>
#include <stdio.h>

#include "guest.h"

static const char *
get(const char *name)
{
	static char buf[64];
	ssize_t n;
	int fd;

	memset(buf, 0, sizeof(buf));
	if ((fd = open(name, O_RDONLY)) < 0)
		return strerrorname_np(errno);
	n = OK(read(fd, buf, sizeof(buf) - 1));
	OK(close(fd));
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

static void
rename_flags(void)
{
	put_file("a", "A\n");
	put_file("b", "B\n");
	FAILS(renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE), EEXIST,
	      "RENAME_NOREPLACE onto an existing name");
	OK(renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_EXCHANGE));
	CHECK(strcmp(get("a"), "B") == 0 && strcmp(get("b"), "A") == 0,
	      "RENAME_EXCHANGE swaps two files");
	OK(mkdir("d", 0755));
	OK(renameat2(AT_FDCWD, "a", AT_FDCWD, "d", RENAME_EXCHANGE));
	CHECK(strcmp(get("d"), "B") == 0, "RENAME_EXCHANGE swaps a file and a directory");
	OK(rename("a", "dir"));
	FAILS(renameat2(AT_FDCWD, "b", AT_FDCWD, "c", RENAME_EXCHANGE), ENOENT,
	      "RENAME_EXCHANGE with a missing name");
	OK(renameat2(AT_FDCWD, "b", AT_FDCWD, "c", RENAME_NOREPLACE));
	CHECK(strcmp(get("c"), "A") == 0, "RENAME_NOREPLACE onto a free name");
	OK(rename("c", "d"));
	CHECK(strcmp(get("d"), "A") == 0 && strcmp(get("c"), "ENOENT") == 0,
	      "rename replaces the target");
	put_file("dir/x", "X\n");
	FAILS(rename("dir", "dir/sub"), EINVAL, "a directory into itself");
	OK(mkdir("full", 0755));
	put_file("full/f", "F\n");
	FAILS(rename("dir", "full"), ENOTEMPTY, "over a non-empty directory");
	FAILS(rename("d", "full"), EISDIR, "a file over a directory");
}

/* A cwd inside a directory renamed from elsewhere keeps working. */
static void
renamed_cwd(void)
{
	int top = OK(open(".", O_RDONLY | O_DIRECTORY));

	OK(mkdir("p", 0755));
	OK(mkdir("p/q", 0755));
	put_file("p/q/inner", "inner\n");
	OK(chdir("p/q"));
	OK(renameat(top, "p", top, "moved"));
	CHECK(strcmp(get("inner"), "inner") == 0,
	      "a file in a cwd whose parent was renamed");
	put_file("new", "new\n");
	OK(fchdir(top));
	CHECK(strcmp(get("moved/q/new"), "new") == 0,
	      "a file made there is under the new name");
	OK(close(top));
}

static void
unlinked_open(void)
{
	char buf[16] = { 0 };
	struct stat st;
	int fd;

	put_file("gone", "still here\n");
	fd = OK(open("gone", O_RDWR));
	OK(unlink("gone"));
	OK(read(fd, buf, 10));
	CHECK(strcmp(buf, "still here") == 0, "an unlinked open file reads");
	OK(pwrite(fd, "STILL", 5, 0));
	OK(pread(fd, buf, 5, 0));
	CHECK(memcmp(buf, "STILL", 5) == 0, "and writes");
	OK(fstat(fd, &st));
	CHECK(st.st_nlink == 0, "and has no links");
	OK(close(fd));
}

/* The names from position pos on, joined. */
static void
names_from(DIR *d, long pos, char *out, size_t len)
{
	struct dirent *e;

	seekdir(d, pos);
	out[0] = '\0';
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		strncat(out, e->d_name, len - strlen(out) - 2);
		strcat(out, " ");
	}
}

static void
readdir_positions(void)
{
	static char first[4096], again[4096];
	char name[16];
	int i, seen = 0;
	DIR *d;
	long pos;

	OK(mkdir("many", 0755));
	for (i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), "many/n%02d", i);
		put_file(name, "x\n");
	}
	if ((d = opendir("many")) == NULL)
		err(1, "opendir");
	while (seen < 20 && readdir(d))
		seen++;
	pos = telldir(d);
	names_from(d, pos, first, sizeof(first));
	for (i = 0; i < 60; i += 2) {
		snprintf(name, sizeof(name), "many/n%02d", i);
		OK(unlink(name));
	}
	rewinddir(d);
	names_from(d, pos, again, sizeof(again));
	for (i = 0, seen = 0; again[i]; i++)
		seen += again[i] == ' ';
	CHECK(strlen(again) < strlen(first) && seen > 0,
	      "seekdir to a saved position after unlinks resumes there");
	for (char *s = strtok(again, " "); s; s = strtok(NULL, " "))
		if (strstr(first, s) == NULL)
			errx(1, "%s was not after the saved position", s);
	printf("entries after it are a subset of the first pass\n");
	OK(closedir(d));
}

int
main(int argc, char **argv)
{
	if (argc > 1) {
		OK(chdir(argv[1]));
		OK(mkdir("rename-test", 0755));
		OK(chdir("rename-test"));
	} else {
		tmpdir_enter();
	}
	rename_flags();
	renamed_cwd();
	unlinked_open();
	readdir_positions();
	return 0;
}
