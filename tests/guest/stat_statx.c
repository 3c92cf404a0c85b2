/* statx(2) agrees with stat(2) and fills the basic fields. */
#include "guest.h"

int
main(void)
{
	struct statx sx;
	struct stat st;

	umask(022);
	tmpdir_enter();
	put_file("f", "abcdefgh");
	OK(stat("f", &st));
	OK(statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, &sx));
	CHECK((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS,
	      "statx filled every basic field");
	CHECK(sx.stx_size == 8, "stx_size is 8");
	CHECK(sx.stx_ino == st.st_ino, "stx_ino matches st_ino");
	CHECK(sx.stx_mode == st.st_mode, "stx_mode matches st_mode");
	CHECK(sx.stx_nlink == 1, "stx_nlink is 1");
	CHECK(sx.stx_mtime.tv_sec == st.st_mtim.tv_sec, "stx_mtime matches st_mtime");
	OK(symlink("f", "s"));
	OK(statx(AT_FDCWD, "s", AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx));
	CHECK(S_ISLNK(sx.stx_mode), "AT_SYMLINK_NOFOLLOW sees the symlink");
	FAILS(statx(AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx), ENOENT,
	      "statx of a missing file");
	FAILS(statx(AT_FDCWD, "f", 0, STATX__RESERVED, &sx), EINVAL,
	      "statx with a reserved mask bit");
	return 0;
}
