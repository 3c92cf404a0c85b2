/*
 * A rename storm: 20 000 pseudo-random renames of 1 200 files among four
 * directories of 600 names each (long names, so the directories span many
 * blocks), with plain renames that replace their target, RENAME_NOREPLACE
 * and RENAME_EXCHANGE, and two subdirectories moving between them.  A
 * model of where every file should be is checked against the directories
 * and the files' contents at the end.
 *
 * The directory is made under /tmp, or under the parent given as the
 * argument (tests/fs_write.bats runs it on the ext4 root of the guest).
 */
#include <dirent.h>

#include "guest.h"

#define NDIRS 4
#define NSLOTS 600
#define NFILES 1200
#define NSTEPS 20000

static int slot[NDIRS][NSLOTS];	/* file id, or -1 */
static unsigned long long seed = 88172645463325252ULL;

static unsigned
next_random(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

static void
name_of(char *buf, size_t len, int d, int s)
{
	snprintf(buf, len, "d%d/a-file-name-long-enough-to-fill-blocks-%04d", d,
		 s);
}

static void
create_files(void)
{
	char name[128], text[32];
	int d, s, id;

	for (d = 0; d < NDIRS; d++) {
		snprintf(name, sizeof(name), "d%d", d);
		OK(mkdir(name, 0755));
		for (s = 0; s < NSLOTS; s++)
			slot[d][s] = -1;
	}
	for (id = 0; id < NFILES; id++) {
		d = id % NDIRS;
		s = (id / NDIRS) * 2;
		name_of(name, sizeof(name), d, s);
		snprintf(text, sizeof(text), "file %d\n", id);
		put_file(name, text);
		slot[d][s] = id;
	}
}

struct counts {
	int moved, replaced, noreplace_eexist, exchanged, exchange_enoent;
	int dir_moves;
};

static void
one_rename(struct counts *c)
{
	int sd = (int)next_random(NDIRS), ss = (int)next_random(NSLOTS);
	int dd = (int)next_random(NDIRS), ds = (int)next_random(NSLOTS);
	unsigned kind = next_random(3);
	char from[128], to[128];
	int tmp;

	if (slot[sd][ss] < 0 || (sd == dd && ss == ds))
		return;
	name_of(from, sizeof(from), sd, ss);
	name_of(to, sizeof(to), dd, ds);
	if (kind == 0) {
		OK(rename(from, to));
		c->replaced += slot[dd][ds] >= 0;
		c->moved++;
		slot[dd][ds] = slot[sd][ss];
		slot[sd][ss] = -1;
	} else if (kind == 1) {
		if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) {
			if (slot[dd][ds] >= 0)
				errx(1, "RENAME_NOREPLACE replaced %s", to);
			c->moved++;
			slot[dd][ds] = slot[sd][ss];
			slot[sd][ss] = -1;
		} else if (errno == EEXIST && slot[dd][ds] >= 0) {
			c->noreplace_eexist++;
		} else {
			err(1, "RENAME_NOREPLACE %s %s", from, to);
		}
	} else {
		if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE) == 0) {
			if (slot[dd][ds] < 0)
				errx(1, "RENAME_EXCHANGE with a missing %s", to);
			c->exchanged++;
			tmp = slot[dd][ds];
			slot[dd][ds] = slot[sd][ss];
			slot[sd][ss] = tmp;
		} else if (errno == ENOENT && slot[dd][ds] < 0) {
			c->exchange_enoent++;
		} else {
			err(1, "RENAME_EXCHANGE %s %s", from, to);
		}
	}
}

/* The subdirectory sub<k> lives in d<where[k]>; move one elsewhere. */
static void
move_subdir(struct counts *c, int *where)
{
	int k = (int)next_random(2), to = (int)next_random(NDIRS);
	char from[64], dest[64];

	if (to == where[k])
		return;
	snprintf(from, sizeof(from), "d%d/sub%d", where[k], k);
	snprintf(dest, sizeof(dest), "d%d/sub%d", to, k);
	OK(rename(from, dest));
	where[k] = to;
	c->dir_moves++;
}

static void
check_dir(int d)
{
	char name[128], want[32], got[32];
	struct dirent *e;
	DIR *dir;
	int s, n = 0, seen = 0, fd;
	ssize_t len;

	for (s = 0; s < NSLOTS; s++) {
		if (slot[d][s] < 0)
			continue;
		n++;
		name_of(name, sizeof(name), d, s);
		fd = OK(open(name, O_RDONLY));
		len = OK(read(fd, got, sizeof(got) - 1));
		close(fd);
		got[len] = 0;
		snprintf(want, sizeof(want), "file %d\n", slot[d][s]);
		if (strcmp(got, want) != 0)
			errx(1, "%s holds \"%s\", want \"%s\"", name, got, want);
	}
	snprintf(name, sizeof(name), "d%d", d);
	if ((dir = opendir(name)) == NULL)
		err(1, "opendir %s", name);
	while ((e = readdir(dir)) != NULL)
		seen += strncmp(e->d_name, "a-file", 6) == 0;
	closedir(dir);
	if (seen != n)
		errx(1, "d%d lists %d files, the model has %d", d, seen, n);
}

/* The file inside sub1, which lives in d<d> now. */
static void
show_inside(int d)
{
	char path[64], buf[64] = "";
	int fd;

	snprintf(path, sizeof(path), "d%d/sub1/inside", d);
	fd = OK(open(path, O_RDONLY));
	OK(read(fd, buf, sizeof(buf) - 1));
	close(fd);
	printf("sub1/inside: %s", buf);
}

int
main(int argc, char **argv)
{
	struct counts c = { 0 };
	int where[2] = { 0, 1 }, i, d, total = 0;

	tmpdir_enter_in(argc > 1 ? argv[1] : "/tmp");
	create_files();
	OK(mkdir("d0/sub0", 0755));
	OK(mkdir("d1/sub1", 0755));
	put_file("d1/sub1/inside", "moves with its directory\n");
	for (i = 0; i < NSTEPS; i++) {
		if (i % 500 == 0)
			move_subdir(&c, where);
		one_rename(&c);
	}
	FAILS(rename("d0", "d0/x"), EINVAL, "a directory into itself");
	printf("moved %d, of which %d replaced a file\n", c.moved, c.replaced);
	printf("RENAME_NOREPLACE refused %d times with EEXIST\n",
	       c.noreplace_eexist);
	printf("RENAME_EXCHANGE swapped %d pairs, %d times ENOENT\n",
	       c.exchanged, c.exchange_enoent);
	printf("subdirectories moved %d times\n", c.dir_moves);
	for (d = 0; d < NDIRS; d++) {
		check_dir(d);
		for (i = 0; i < NSLOTS; i++)
			total += slot[d][i] >= 0;
	}
	printf("%d files left, names and contents as the model says\n", total);
	show_inside(where[1]);
	return 0;
}
