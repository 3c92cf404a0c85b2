/* uname(2): the fields that do not depend on the machine. */
#include <ctype.h>
#include <sys/utsname.h>

#include "guest.h"

int
main(void)
{
	struct utsname u;

	OK(uname(&u));
	CHECK(strcmp(u.sysname, "Linux") == 0, "sysname is Linux");
	CHECK(strcmp(u.machine, "x86_64") == 0, "machine is x86_64");
	CHECK(isdigit((unsigned char)u.release[0]), "release starts with a digit");
	CHECK(u.nodename[0] != '\0', "nodename is not empty");
	CHECK(strlen(u.version) > 0, "version is not empty");
	return 0;
}
