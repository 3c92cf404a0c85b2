/* stat/lstat/fstat/fstatat: file types, sizes, modes, links, rdev. */
#include <sys/sysmacros.h>

#include "guest.h"

int
main(void)
{
	struct stat st, st2;
	int fd;

	umask(022);
	tmpdir_enter();
	OK(stat("/", &st));
	CHECK(S_ISDIR(st.st_mode), "/ is a directory");
	OK(stat("/dev/null", &st));
	CHECK(S_ISCHR(st.st_mode), "/dev/null is a character device");
	CHECK(major(st.st_rdev) == 1 && minor(st.st_rdev) == 3,
	      "/dev/null is device 1:3");

	put_file("f", "12345");
	OK(chmod("f", 0640));
	OK(stat("f", &st));
	CHECK(S_ISREG(st.st_mode), "f is a regular file");
	CHECK(st.st_size == 5, "f has size 5");
	CHECK((st.st_mode & 07777) == 0640, "f has mode 0640");
	CHECK(st.st_nlink == 1, "f has one link");
	CHECK(st.st_blksize > 0, "st_blksize is positive");

	OK(link("f", "g"));
	OK(stat("f", &st2));
	CHECK(st2.st_nlink == 2, "link made it two links");
	OK(stat("g", &st2));
	CHECK(st2.st_ino == st.st_ino && st2.st_dev == st.st_dev,
	      "both names are the same inode");

	OK(symlink("f", "s"));
	OK(lstat("s", &st2));
	CHECK(S_ISLNK(st2.st_mode), "lstat sees a symlink");
	CHECK(st2.st_size == 1, "the symlink's size is its target's length");
	OK(stat("s", &st2));
	CHECK(S_ISREG(st2.st_mode) && st2.st_ino == st.st_ino,
	      "stat follows the symlink");
	OK(fstatat(AT_FDCWD, "s", &st2, AT_SYMLINK_NOFOLLOW));
	CHECK(S_ISLNK(st2.st_mode), "fstatat AT_SYMLINK_NOFOLLOW sees the symlink");

	fd = OK(open("f", O_RDONLY));
	OK(fstat(fd, &st2));
	CHECK(st2.st_ino == st.st_ino && st2.st_size == 5, "fstat matches stat");
	OK(fstatat(AT_FDCWD, "f", &st2, 0));
	CHECK(st2.st_ino == st.st_ino, "fstatat matches stat");
	OK(fstatat(fd, "", &st2, AT_EMPTY_PATH));
	CHECK(st2.st_ino == st.st_ino, "fstatat AT_EMPTY_PATH matches fstat");

	OK(mkdir("d", 0755));
	OK(stat("d", &st2));
	CHECK(S_ISDIR(st2.st_mode) && (st2.st_mode & 07777) == 0755,
	      "d is a directory with mode 0755");
	CHECK(st2.st_nlink == 2, "an empty directory has two links");
	OK(mkdir("d/e", 0755));
	OK(stat("d", &st2));
	CHECK(st2.st_nlink == 3, "a subdirectory adds a link");

	FAILS(stat("missing", &st), ENOENT, "stat of a missing file");
	FAILS(stat("f/x", &st), ENOTDIR, "stat through a regular file");
	FAILS(stat("", &st), ENOENT, "stat of an empty path");
	return 0;
}
