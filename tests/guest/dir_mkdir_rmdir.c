/* mkdir/rmdir/unlink on directories: the errors a shell relies on. */
#include "guest.h"

int
main(void)
{
	tmpdir_enter();
	OK(mkdir("d", 0755));
	FAILS(mkdir("d", 0755), EEXIST, "mkdir of an existing directory");
	FAILS(mkdir("x/y", 0755), ENOENT, "mkdir under a missing parent");
	put_file("d/f", "x");
	FAILS(rmdir("d"), ENOTEMPTY, "rmdir of a non-empty directory");
	FAILS(rmdir("d/f"), ENOTDIR, "rmdir of a regular file");
	FAILS(unlink("d"), EISDIR, "unlink of a directory");
	FAILS(rmdir("d/."), EINVAL, "rmdir of .");
	OK(unlink("d/f"));
	OK(rmdir("d"));
	FAILS(rmdir("d"), ENOENT, "rmdir of a removed directory");
	CHECK(1, "mkdir and rmdir round trip");
	return 0;
}
