/* umask(2) returns the old mask and masks the modes of new files and dirs. */
#include "guest.h"

static int
mode_of(const char *path)
{
	struct stat st;

	OK(stat(path, &st));
	return st.st_mode & 07777;
}

int
main(void)
{
	tmpdir_enter();
	umask(022);
	CHECK(umask(027) == 022, "umask returns the previous mask");
	CHECK(umask(077) == 027, "and again");
	close(OK(open("a", O_CREAT | O_WRONLY, 0666)));
	CHECK(mode_of("a") == 0600, "umask 077: file 0666 becomes 0600");
	OK(mkdir("d", 0777));
	CHECK(mode_of("d") == 0700, "umask 077: dir 0777 becomes 0700");
	umask(022);
	close(OK(open("b", O_CREAT | O_WRONLY, 0666)));
	CHECK(mode_of("b") == 0644, "umask 022: file 0666 becomes 0644");
	umask(0);
	close(OK(open("c", O_CREAT | O_WRONLY, 04777)));
	CHECK(mode_of("c") == 04777, "umask 0: mode 04777 is kept");
	OK(fchmodat(AT_FDCWD, "c", 0751, 0));
	CHECK(mode_of("c") == 0751, "chmod is not masked");
	CHECK((umask(01777) & 0777) == 0, "umask keeps only 0777");
	CHECK(umask(0) == 0777, "umask 01777 reads back as 0777");
	return 0;
}
