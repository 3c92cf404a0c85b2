/* Extended attributes on a file in /tmp: set, get, list, replace, remove. */
#include <sys/xattr.h>

#include "guest.h"

int
main(void)
{
	char buf[256];
	ssize_t n, i;
	int fd;

	tmpdir_enter();
	fd = OK(open("f", O_CREAT | O_RDWR, 0644));
	OK(setxattr("f", "user.color", "blue", 4, 0));
	FAILS(setxattr("f", "user.color", "red", 3, XATTR_CREATE), EEXIST,
	      "XATTR_CREATE on an existing name");
	FAILS(setxattr("f", "user.shape", "round", 5, XATTR_REPLACE), ENODATA,
	      "XATTR_REPLACE on a missing name");
	n = OK(getxattr("f", "user.color", buf, sizeof(buf)));
	CHECK(n == 4 && memcmp(buf, "blue", 4) == 0, "the value reads back");
	CHECK(OK(getxattr("f", "user.color", NULL, 0)) == 4,
	      "size 0 asks for the size");
	FAILS(getxattr("f", "user.color", buf, 2), ERANGE, "a buffer too small");
	OK(fsetxattr(fd, "user.big", "0123456789abcdef", 16, 0));
	OK(setxattr("f", "user.color", "green", 5, XATTR_REPLACE));
	n = OK(listxattr("f", buf, sizeof(buf)));
	CHECK(n == (ssize_t)sizeof("user.color") + (ssize_t)sizeof("user.big"),
	      "list has room for both names");
	for (i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
		CHECK(strcmp(buf + i, "user.color") == 0 ||
			      strcmp(buf + i, "user.big") == 0,
		      "listed %s", buf + i);
	n = OK(fgetxattr(fd, "user.color", buf, sizeof(buf)));
	CHECK(n == 5 && memcmp(buf, "green", 5) == 0, "replace took effect");
	OK(removexattr("f", "user.color"));
	FAILS(getxattr("f", "user.color", buf, sizeof(buf)), ENODATA,
	      "a removed name");
	FAILS(removexattr("f", "user.color"), ENODATA, "removing it twice");
	FAILS(setxattr("f", "bogus.x", "1", 1, 0), EOPNOTSUPP,
	      "an unknown namespace");
	FAILS(getxattr("missing", "user.x", buf, sizeof(buf)), ENOENT,
	      "a missing file");
	OK(setxattr("f", "user.e", "", 0, 0));
	CHECK(OK(getxattr("f", "user.e", buf, sizeof(buf))) == 0,
	      "an empty value");
	return 0;
}
