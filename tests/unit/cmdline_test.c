/*
 * Unit test of the boot command line (kernel/cmdline.c) on the host: every
 * option, the words that go to init, the errors and their messages, and
 * the defaults.
 *
 * CHECK_MSG checks like CHECK and names the bug it would catch; the four
 * of them are regressions of bugs this test found.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "kernel/cmdline.c"

#define CHECK_MSG(cond, what)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n",           \
				__FILE__, __LINE__, what);                     \
			unit_failures++;                                       \
		}                                                              \
	} while (0)

#define MAX_WORDS 200

static struct boot_params bp;
static char err[256];

/* The strdup'ed FILE,BACKING copies cmdline_parse leaves in bp. */
static void
free_cow_copies(void)
{
	int i;

	for (i = 0; i < MAX_UBD; i++)
		if (bp.ubd[i].backing)
			free((void *)bp.ubd[i].file);
}

/* Parse the words (NULL-terminated) as vmlinux's argv[1...]. */
static int
parsev(const char *first, va_list ap)
{
	static char *argv[MAX_WORDS + 2];
	const char *w;
	int argc = 0;

	free_cow_copies();
	argv[argc++] = "vmlinux";
	for (w = first; w != NULL; w = va_arg(ap, const char *)) {
		if (argc > MAX_WORDS) {
			fprintf(stderr, "parse: too many words\n");
			abort();
		}
		argv[argc++] = (char *)w;
	}
	argv[argc] = NULL;
	memset(err, 0, sizeof(err));
	return cmdline_parse(argc, argv, &bp, err, sizeof(err));
}

static int
parse(const char *first, ...)
{
	va_list ap;
	int r;

	va_start(ap, first);
	r = parsev(first, ap);
	va_end(ap);
	return r;
}

/* The words are refused, with a message naming the word and saying why. */
#define CHECK_REFUSED(word, why, ...)                                          \
	do {                                                                   \
		CHECK_EQ(parse(__VA_ARGS__, NULL), -1);                        \
		CHECK(strstr(err, word) != NULL);                              \
		CHECK(strstr(err, why) != NULL);                               \
	} while (0)

#define CHECK_STR(a, b) CHECK((a) != NULL && strcmp((a), (b)) == 0)

static int
env_count(const char *entry)
{
	int i, n = 0;

	for (i = 0; i < bp.init_envc; i++)
		n += strcmp(bp.init_envp[i], entry) == 0;
	return n;
}

static bool
env_has_key(const char *key)
{
	size_t n = strlen(key);
	int i;

	for (i = 0; i < bp.init_envc; i++)
		if (strncmp(bp.init_envp[i], key, n) == 0 &&
		    bp.init_envp[i][n] == '=')
			return true;
	return false;
}

static void
test_defaults(void)
{
	int i;

	CHECK_EQ(parse(NULL), 0);
	CHECK_EQ(bp.mem, 256ULL << 20);
	CHECK_STR(bp.root, "/dev/ubda");
	CHECK(!bp.root_rw);
	CHECK(bp.init == NULL);
	CHECK_EQ(bp.loglevel, -1);
	CHECK_STR(bp.mode, "auto");
	CHECK(bp.hostfs == NULL);
	CHECK(!bp.help);
	CHECK(!bp.all_cpus);
	for (i = 0; i < MAX_UBD; i++) {
		CHECK(bp.ubd[i].file == NULL);
		CHECK(bp.ubd[i].backing == NULL);
		CHECK_EQ(bp.ubd[i].flags, 0);
	}
	CHECK_EQ(bp.init_argc, 0);
	CHECK(bp.init_argv[0] == NULL);
	CHECK_EQ(bp.init_envc, 2);
	CHECK_EQ(env_count("HOME=/"), 1);
	CHECK_EQ(env_count("TERM=linux"), 1);
	CHECK(bp.init_envp[bp.init_envc] == NULL);

	/* A second parse starts from the defaults again. */
	CHECK_EQ(parse("mem=64M", "rw", "x=1", "arg", NULL), 0);
	CHECK_EQ(parse(NULL), 0);
	CHECK_EQ(bp.mem, 256ULL << 20);
	CHECK(!bp.root_rw);
	CHECK_EQ(bp.init_envc, 2);
	CHECK_EQ(bp.init_argc, 0);
}

static void
test_ubd_numbers_and_letters(void)
{
	CHECK_EQ(parse("ubd0=root.img", NULL), 0);
	CHECK_STR(bp.ubd[0].file, "root.img");
	CHECK(bp.ubd[0].backing == NULL);
	CHECK_EQ(bp.ubd[0].flags, 0);

	CHECK_EQ(parse("ubd0=a.img", "ubd1=b.img", "ubd15=p.img", NULL), 0);
	CHECK_STR(bp.ubd[0].file, "a.img");
	CHECK_STR(bp.ubd[1].file, "b.img");
	CHECK_STR(bp.ubd[15].file, "p.img");
	CHECK(bp.ubd[2].file == NULL);

	/* ubda= is ubd0=, ubdp= is ubd15=. */
	CHECK_EQ(parse("ubda=a.img", "ubdc=c.img", "ubdp=p.img", NULL), 0);
	CHECK_STR(bp.ubd[0].file, "a.img");
	CHECK_STR(bp.ubd[2].file, "c.img");
	CHECK_STR(bp.ubd[15].file, "p.img");

	/* The file name is everything after the first '='. */
	CHECK_EQ(parse("ubd3=/tmp/x=y.img", NULL), 0);
	CHECK_STR(bp.ubd[3].file, "/tmp/x=y.img");
}

static void
test_ubd_flags(void)
{
	CHECK_EQ(parse("ubd0r=a.img", NULL), 0);
	CHECK_EQ(bp.ubd[0].flags, UBD_READONLY);
	CHECK_EQ(parse("ubd1s=a.img", NULL), 0);
	CHECK_EQ(bp.ubd[1].flags, UBD_SYNC);
	CHECK_EQ(parse("ubd2c=a.img", NULL), 0);
	CHECK_EQ(bp.ubd[2].flags, UBD_SHARED);
	CHECK_EQ(parse("ubd3d=a.img", NULL), 0);
	CHECK_EQ(bp.ubd[3].flags, UBD_DIRECT);
	CHECK_EQ(parse("ubd0rscd=a.img", NULL), 0);
	CHECK_EQ(bp.ubd[0].flags,
		 UBD_READONLY | UBD_SYNC | UBD_SHARED | UBD_DIRECT);
	CHECK_EQ(parse("ubd12sr=a.img", NULL), 0);
	CHECK_EQ(bp.ubd[12].flags, UBD_READONLY | UBD_SYNC);
	/* The letter form takes flags too. */
	CHECK_EQ(parse("ubdbr=b.img", NULL), 0);
	CHECK_EQ(bp.ubd[1].flags, UBD_READONLY);
	CHECK_STR(bp.ubd[1].file, "b.img");

	CHECK_REFUSED("ubd0x=a.img", "bad ubd flag", "ubd0x=a.img");
	CHECK_REFUSED("ubd0r1=a.img", "bad ubd flag", "ubd0r1=a.img");
	CHECK_REFUSED("ubdab=a.img", "bad ubd flag", "ubdab=a.img");
}

static void
test_ubd_cow(void)
{
	CHECK_EQ(parse("ubd0=cow.img,base.img", NULL), 0);
	CHECK_STR(bp.ubd[0].file, "cow.img");
	CHECK_STR(bp.ubd[0].backing, "base.img");

	CHECK_EQ(parse("ubd1r=/a/cow,/b/base", "ubd2=plain", NULL), 0);
	CHECK_STR(bp.ubd[1].file, "/a/cow");
	CHECK_STR(bp.ubd[1].backing, "/b/base");
	CHECK_EQ(bp.ubd[1].flags, UBD_READONLY);
	CHECK(bp.ubd[2].backing == NULL);

	CHECK_REFUSED("ubd0=cow.img,", "bad COW file pair", "ubd0=cow.img,");
	CHECK_REFUSED("ubd0=,base.img", "bad COW file pair", "ubd0=,base.img");
	CHECK_REFUSED("ubd0=,", "bad COW file pair", "ubd0=,");
}

static void
test_ubd_errors(void)
{
	CHECK_REFUSED("ubd16=x.img", "out of range", "ubd16=x.img");
	CHECK_REFUSED("ubd99=x.img", "out of range", "ubd99=x.img");
	CHECK_REFUSED("ubd99999999999999999999=x", "out of range",
		      "ubd99999999999999999999=x");
	CHECK_MSG(parse("ubd4294967296=x.img", NULL) == -1 &&
				bp.ubd[0].file == NULL,
			"ubd4294967296=x.img configures ubd0: parse_ubd "
			"truncates strtol's long to int before the range check");
	CHECK_REFUSED("ubdq=x.img", "out of range", "ubdq=x.img");
	CHECK_REFUSED("ubdz=x.img", "out of range", "ubdz=x.img");
	CHECK_REFUSED("ubd-1=x.img", "bad ubd device name", "ubd-1=x.img");
	CHECK_REFUSED("ubdA=x.img", "bad ubd device name", "ubdA=x.img");
	CHECK_REFUSED("ubd0=", "no image file", "ubd0=");
	CHECK_REFUSED("ubda=", "no image file", "ubda=");

	/* Twice, in either spelling. */
	CHECK_REFUSED("ubd0=b.img", "given twice", "ubd0=a.img", "ubd0=b.img");
	CHECK_REFUSED("ubda=b.img", "given twice", "ubd0=a.img", "ubda=b.img");
	CHECK_REFUSED("ubd1r=b.img", "given twice", "ubdb=a.img",
		      "ubd1r=b.img");
	CHECK_REFUSED("ubd0=c,d", "given twice", "ubd0=a,b", "ubd0=c,d");

	/* "ubd" with no device is not a ubd option. */
	CHECK_EQ(parse("ubd0", NULL), 0);
	CHECK_EQ(bp.init_argc, 1);
	CHECK_STR(bp.init_argv[0], "ubd0");
	CHECK(bp.ubd[0].file == NULL);
	CHECK_MSG(parse("ubd=x.img", NULL) == -1,
			"\"ubd=x.img\" (no device number) goes to init's "
			"environment instead of being refused");
}

static void
test_mem(void)
{
	CHECK_EQ(parse("mem=64M", NULL), 0);
	CHECK_EQ(bp.mem, 64ULL << 20);
	CHECK_EQ(parse("mem=64m", NULL), 0);
	CHECK_EQ(bp.mem, 64ULL << 20);
	CHECK_EQ(parse("mem=1G", NULL), 0);
	CHECK_EQ(bp.mem, 1ULL << 30);
	CHECK_EQ(parse("mem=2g", NULL), 0);
	CHECK_EQ(bp.mem, 2ULL << 30);
	CHECK_EQ(parse("mem=65536K", NULL), 0);
	CHECK_EQ(bp.mem, 64ULL << 20);
	CHECK_EQ(parse("mem=32768k", NULL), 0);
	CHECK_EQ(bp.mem, 32ULL << 20);
	CHECK_EQ(parse("mem=33554432", NULL), 0); /* bytes */
	CHECK_EQ(bp.mem, 32ULL << 20);
	CHECK_EQ(parse("mem=16M", NULL), 0); /* the least */
	CHECK_EQ(bp.mem, 16ULL << 20);
	CHECK_EQ(parse("mem=64M", "mem=128M", NULL), 0); /* the last wins */
	CHECK_EQ(bp.mem, 128ULL << 20);

	CHECK_REFUSED("mem=15M", "at least 16M", "mem=15M");
	CHECK_REFUSED("mem=16383K", "at least 16M", "mem=16383K");
	CHECK_REFUSED("mem=1048576", "at least 16M", "mem=1048576");
	CHECK_REFUSED("mem=", "bad memory size", "mem=");
	CHECK_REFUSED("mem=0", "bad memory size", "mem=0");
	CHECK_REFUSED("mem=0M", "bad memory size", "mem=0M");
	CHECK_REFUSED("mem=lots", "bad memory size", "mem=lots");
	CHECK_REFUSED("mem=M", "bad memory size", "mem=M");
	CHECK_REFUSED("mem=-1G", "bad memory size", "mem=-1G");
	CHECK_REFUSED("mem=1.5G", "bad memory size", "mem=1.5G");
	CHECK_REFUSED("mem=64MB", "bad memory size", "mem=64MB");
	CHECK_REFUSED("mem=64T", "bad memory size", "mem=64T");
	CHECK_REFUSED("mem= 64M", "bad memory size", "mem= 64M");
	CHECK_REFUSED("mem=0x1000000", "bad memory size", "mem=0x1000000");
	CHECK_REFUSED("mem=99999999999999999999", "bad memory size",
		      "mem=99999999999999999999");
	CHECK_REFUSED("mem=2097152G", "bad memory size", "mem=2097152G");

	/* The size parser alone: 0 for anything malformed. */
	CHECK_EQ(cmdline_parse_size("256M"), 256ULL << 20);
	CHECK_EQ(cmdline_parse_size("1"), 1);
	CHECK_EQ(cmdline_parse_size("1048576G"), 1ULL << 50);
	CHECK_EQ(cmdline_parse_size("1048577G"), 0);
	CHECK_EQ(cmdline_parse_size("18446744073709551615"), 0);
	CHECK_EQ(cmdline_parse_size("18446744073709551616"), 0);
	CHECK_EQ(cmdline_parse_size(""), 0);
	CHECK_EQ(cmdline_parse_size("K"), 0);
	CHECK_EQ(cmdline_parse_size("+5M"), 0);
	CHECK_EQ(cmdline_parse_size("5MM"), 0);
}

static void
test_root_ro_rw_init(void)
{
	CHECK_EQ(parse("root=/dev/ubdb", NULL), 0);
	CHECK_STR(bp.root, "/dev/ubdb");
	CHECK_REFUSED("root=", "no device given", "root=");

	CHECK_EQ(parse("rw", NULL), 0);
	CHECK(bp.root_rw);
	CHECK_EQ(parse("ro", NULL), 0);
	CHECK(!bp.root_rw);
	CHECK_EQ(parse("rw", "ro", NULL), 0); /* the last wins */
	CHECK(!bp.root_rw);
	CHECK_EQ(parse("ro", "rw", NULL), 0);
	CHECK(bp.root_rw);
	/* Neither goes to init. */
	CHECK_EQ(bp.init_argc, 0);

	CHECK_EQ(parse("init=/bin/sh", NULL), 0);
	CHECK_STR(bp.init, "/bin/sh");
	CHECK_EQ(parse("init=/sbin/init", "init=/bin/busybox", NULL), 0);
	CHECK_STR(bp.init, "/bin/busybox");
	CHECK_REFUSED("init=", "no program given", "init=");
	/* init= is not passed on to init's environment. */
	CHECK(!env_has_key("init"));
	CHECK(!env_has_key("root"));
}

static void
test_quiet_loglevel(void)
{
	char word[16];
	int i;

	CHECK_EQ(parse("quiet", NULL), 0);
	CHECK_EQ(bp.loglevel, 4);
	CHECK_EQ(bp.init_argc, 0);
	for (i = 0; i <= 8; i++) {
		snprintf(word, sizeof(word), "loglevel=%d", i);
		CHECK_EQ(parse(word, NULL), 0);
		CHECK_EQ(bp.loglevel, i);
	}
	CHECK_EQ(parse("quiet", "loglevel=7", NULL), 0);
	CHECK_EQ(bp.loglevel, 7);
	CHECK_EQ(parse("loglevel=7", "quiet", NULL), 0);
	CHECK_EQ(bp.loglevel, 4);

	CHECK_REFUSED("loglevel=9", "0-8", "loglevel=9");
	CHECK_REFUSED("loglevel=10", "0-8", "loglevel=10");
	CHECK_REFUSED("loglevel=-1", "0-8", "loglevel=-1");
	CHECK_REFUSED("loglevel=", "0-8", "loglevel=");
	CHECK_REFUSED("loglevel=x", "0-8", "loglevel=x");
	CHECK_REFUSED("loglevel=4 ", "0-8", "loglevel=4 ");
	CHECK_MSG(strstr(cmdline_usage, "0-7") == NULL,
			"--help says \"loglevel=N console log level 0-7\" but "
			"loglevel=8 is accepted (and the error says 0-8)");
}

static void
test_mode_cpus_hostfs(void)
{
	CHECK_EQ(parse("mode=ptrace", NULL), 0);
	CHECK_STR(bp.mode, "ptrace");
	CHECK_EQ(parse("mode=auto", NULL), 0);
	CHECK_STR(bp.mode, "auto");
	CHECK_REFUSED("mode=seccomp", "unknown backend", "mode=seccomp");
	CHECK_REFUSED("mode=", "unknown backend", "mode=");
	CHECK_REFUSED("mode=PTRACE", "unknown backend", "mode=PTRACE");

	CHECK(!bp.all_cpus);
	CHECK_EQ(parse("cpus=all", NULL), 0);
	CHECK(bp.all_cpus);
	CHECK_EQ(parse("cpus=all", "cpus=1", NULL), 0);
	CHECK(!bp.all_cpus);
	CHECK_REFUSED("cpus=2", "1 or all", "cpus=2");
	CHECK_REFUSED("cpus=", "1 or all", "cpus=");
	CHECK(!env_has_key("cpus"));

	CHECK_EQ(parse("hostfs=/srv/share", NULL), 0);
	CHECK_STR(bp.hostfs, "/srv/share");
	CHECK_REFUSED("hostfs=", "no directory given", "hostfs=");
	CHECK(!env_has_key("mode"));
	CHECK(!env_has_key("hostfs"));
}

static void
test_ignored(void)
{
	/* UML's console and id options: accepted, used for nothing. */
	CHECK_EQ(parse("con=fd:0,fd:1", "con0=null", "con1=xterm",
		       "ssl=pts", "ssl0=tty:/dev/tty1", "umid=debian",
		       "console=tty0", NULL),
		 0);
	/* Module parameters: no modules here. */
	CHECK_EQ(parse("printk.time=1", "ext4.debug=1", "a.b.c=d", NULL), 0);
	CHECK_EQ(bp.init_envc, 2);
	CHECK_EQ(bp.init_argc, 0);

	/* A dot in the value does not make a module parameter. */
	CHECK_EQ(parse("VERSION=1.2", NULL), 0);
	CHECK_EQ(env_count("VERSION=1.2"), 1);

	/*
	 * Only UML's con, conN, ssl and sslN (and console) are console
	 * options; other words that merely start with "con" or "ssl" are
	 * init's environment like any other NAME=VALUE.
	 */
	CHECK_EQ(parse("container=umk", "config=x", "sslkeylogfile=/k", NULL),
		 0);
	CHECK_MSG(env_count("container=umk") == 1 &&
				env_count("config=x") == 1 &&
				env_count("sslkeylogfile=/k") == 1,
			"every NAME=VALUE whose name starts with \"con\" or "
			"\"ssl\" (container=, config=, sslkeylogfile=) is "
			"dropped as a UML console option, not passed to init");
}

static void
test_init_env(void)
{
	CHECK_EQ(parse("LANG=C", "foo=bar", NULL), 0);
	CHECK_EQ(bp.init_envc, 4);
	CHECK_EQ(env_count("LANG=C"), 1);
	CHECK_EQ(env_count("foo=bar"), 1);
	CHECK_EQ(env_count("HOME=/"), 1);
	CHECK_EQ(env_count("TERM=linux"), 1);
	CHECK(bp.init_envp[4] == NULL);
	CHECK_EQ(bp.init_argc, 0);

	/* A second value for a key replaces the first, in place. */
	CHECK_EQ(parse("A=1", "B=2", "A=3", NULL), 0);
	CHECK_EQ(bp.init_envc, 4);
	CHECK_EQ(env_count("A=1"), 0);
	CHECK_EQ(env_count("A=3"), 1);
	CHECK_STR(bp.init_envp[2], "A=3");
	CHECK_STR(bp.init_envp[3], "B=2");
	/* Also for the defaults. */
	CHECK_EQ(parse("TERM=vt100", "HOME=/root", NULL), 0);
	CHECK_EQ(bp.init_envc, 2);
	CHECK_EQ(env_count("TERM=vt100"), 1);
	CHECK_EQ(env_count("HOME=/root"), 1);
	CHECK_EQ(env_count("TERM=linux"), 0);
	/* A key that is a prefix of another is a different key. */
	CHECK_EQ(parse("AB=1", "A=2", "ABC=3", NULL), 0);
	CHECK_EQ(bp.init_envc, 5);
	/* An empty value is a value. */
	CHECK_EQ(parse("EMPTY=", NULL), 0);
	CHECK_EQ(env_count("EMPTY="), 1);

	CHECK_REFUSED("=x", "empty option", "=x");
	CHECK_REFUSED("''", "empty option", "");
}

static void
test_env_and_arg_limits(void)
{
	static char words[MAX_WORDS][16];
	static char *argv[MAX_WORDS + 2];
	int i, n;

	free_cow_copies();
	/* MAX_INIT_ENVS in all, the two defaults included. */
	argv[0] = "vmlinux";
	for (i = 0; i < MAX_INIT_ENVS - 2; i++) {
		snprintf(words[i], sizeof(words[i]), "V%d=x", i);
		argv[i + 1] = words[i];
	}
	n = i + 1;
	argv[n] = NULL;
	CHECK_EQ(cmdline_parse(n, argv, &bp, err, sizeof(err)), 0);
	CHECK_EQ(bp.init_envc, MAX_INIT_ENVS);
	CHECK(bp.init_envp[MAX_INIT_ENVS] == NULL);
	argv[n++] = "ONEMORE=x";
	argv[n] = NULL;
	CHECK_EQ(cmdline_parse(n, argv, &bp, err, sizeof(err)), -1);
	CHECK(strstr(err, "ONEMORE=x") != NULL);
	CHECK(strstr(err, "too many environment") != NULL);
	/* Replacing a key needs no new slot. */
	argv[n - 1] = "V0=y";
	CHECK_EQ(cmdline_parse(n, argv, &bp, err, sizeof(err)), 0);

	/* MAX_INIT_ARGS, bare or after "--". */
	for (i = 0; i < MAX_INIT_ARGS; i++) {
		snprintf(words[i], sizeof(words[i]), "w%d", i);
		argv[i + 1] = words[i];
	}
	n = i + 1;
	argv[n] = NULL;
	CHECK_EQ(cmdline_parse(n, argv, &bp, err, sizeof(err)), 0);
	CHECK_EQ(bp.init_argc, MAX_INIT_ARGS);
	CHECK(bp.init_argv[MAX_INIT_ARGS] == NULL);
	argv[n++] = "extra";
	argv[n] = NULL;
	CHECK_EQ(cmdline_parse(n, argv, &bp, err, sizeof(err)), -1);
	CHECK(strstr(err, "extra") != NULL);
	CHECK(strstr(err, "too many arguments") != NULL);
	argv[1] = "--";
	CHECK_EQ(cmdline_parse(n, argv, &bp, err, sizeof(err)), 0);
	CHECK_EQ(bp.init_argc, MAX_INIT_ARGS);
	argv[n++] = "extra2";
	argv[n] = NULL;
	CHECK_EQ(cmdline_parse(n, argv, &bp, err, sizeof(err)), -1);
	CHECK(strstr(err, "extra2") != NULL);
}

static void
test_init_args(void)
{
	CHECK_EQ(parse("single", "emergency", NULL), 0);
	CHECK_EQ(bp.init_argc, 2);
	CHECK_STR(bp.init_argv[0], "single");
	CHECK_STR(bp.init_argv[1], "emergency");
	CHECK(bp.init_argv[2] == NULL);

	/* Bare words keep their order among options. */
	CHECK_EQ(parse("a", "mem=64M", "b", "X=1", "c", NULL), 0);
	CHECK_EQ(bp.init_argc, 3);
	CHECK_STR(bp.init_argv[0], "a");
	CHECK_STR(bp.init_argv[1], "b");
	CHECK_STR(bp.init_argv[2], "c");
	CHECK_EQ(bp.mem, 64ULL << 20);
	CHECK_EQ(env_count("X=1"), 1);
}

static void
test_double_dash(void)
{
	CHECK_EQ(parse("ubd0=r.img", "init=/bin/sh", "--", "-c",
		       "echo hi; poweroff -f", NULL),
		 0);
	CHECK_STR(bp.ubd[0].file, "r.img");
	CHECK_STR(bp.init, "/bin/sh");
	CHECK_EQ(bp.init_argc, 2);
	CHECK_STR(bp.init_argv[0], "-c");
	CHECK_STR(bp.init_argv[1], "echo hi; poweroff -f");
	CHECK(bp.init_argv[2] == NULL);

	/* After "--" nothing is an option: not even ro, a=b, --help, --. */
	CHECK_EQ(parse("rw", "--", "ro", "a=b", "mem=1", "--help", "-x", "--",
		       "ubd0=x", "quiet", "", "  spaced  words ", "multi\nline",
		       NULL),
		 0);
	CHECK(bp.root_rw);
	CHECK(!bp.help);
	CHECK_EQ(bp.mem, 256ULL << 20);
	CHECK_EQ(bp.loglevel, -1);
	CHECK(bp.ubd[0].file == NULL);
	CHECK_EQ(bp.init_envc, 2);
	CHECK_EQ(bp.init_argc, 11);
	CHECK_STR(bp.init_argv[0], "ro");
	CHECK_STR(bp.init_argv[1], "a=b");
	CHECK_STR(bp.init_argv[2], "mem=1");
	CHECK_STR(bp.init_argv[3], "--help");
	CHECK_STR(bp.init_argv[4], "-x");
	CHECK_STR(bp.init_argv[5], "--");
	CHECK_STR(bp.init_argv[6], "ubd0=x");
	CHECK_STR(bp.init_argv[7], "quiet");
	CHECK_STR(bp.init_argv[8], "");
	CHECK_STR(bp.init_argv[9], "  spaced  words ");
	CHECK_STR(bp.init_argv[10], "multi\nline");
	CHECK(bp.init_argv[11] == NULL);

	/* Bare words before "--" come first. */
	CHECK_EQ(parse("first", "--", "second", NULL), 0);
	CHECK_EQ(bp.init_argc, 2);
	CHECK_STR(bp.init_argv[0], "first");
	CHECK_STR(bp.init_argv[1], "second");

	/* "--" last: nothing more. */
	CHECK_EQ(parse("--", NULL), 0);
	CHECK_EQ(bp.init_argc, 0);
	CHECK(bp.init_argv[0] == NULL);
}

static void
test_host_options_refused(void)
{
	CHECK_REFUSED("-x", "unknown option", "-x");
	CHECK_REFUSED("--foo", "unknown option", "--foo");
	CHECK_REFUSED("--frobnicate=1", "unknown option", "ubd0=a.img",
		      "--frobnicate=1");
	CHECK_REFUSED("-", "unknown option", "-");
	CHECK_REFUSED("---", "unknown option", "---");
	/* The error comes at the bad word, before what follows it. */
	CHECK_REFUSED("-v", "unknown option", "-v", "mem=bad");
	CHECK(strstr(err, "mem=") == NULL);
	CHECK_REFUSED("mem=bad", "bad memory size", "mem=bad", "-v");
	CHECK(strstr(err, "-v") == NULL);
	/* The message points at --help. */
	CHECK_REFUSED("-x", "--help", "-x");
	/* A short buffer gets a truncated, terminated message. */
	{
		char *argv[] = { "vmlinux", "--a-very-long-unknown-option",
				 NULL };
		char small[8];

		memset(small, 'z', sizeof(small));
		CHECK_EQ(cmdline_parse(2, argv, &bp, small, sizeof(small)), -1);
		CHECK_EQ(small[sizeof(small) - 1], 0);
		CHECK(strncmp(small, "--a-ver", 7) == 0);
	}
}

static void
test_help(void)
{
	CHECK_EQ(parse("--help", NULL), 0);
	CHECK(bp.help);
	CHECK_EQ(parse("-h", NULL), 0);
	CHECK(bp.help);
	/* --help does not stop the parse, and is not an argument. */
	CHECK_EQ(parse("--help", "mem=64M", "word", NULL), 0);
	CHECK(bp.help);
	CHECK_EQ(bp.mem, 64ULL << 20);
	CHECK_EQ(bp.init_argc, 1);
	CHECK_STR(bp.init_argv[0], "word");
	/* The usage text names every option. */
	CHECK(strstr(cmdline_usage, "ubd") != NULL);
	CHECK(strstr(cmdline_usage, "mem=") != NULL);
	CHECK(strstr(cmdline_usage, "root=") != NULL);
	CHECK(strstr(cmdline_usage, "init=") != NULL);
	CHECK(strstr(cmdline_usage, "quiet") != NULL);
	CHECK(strstr(cmdline_usage, "loglevel=") != NULL);
	CHECK(strstr(cmdline_usage, "mode=") != NULL);
	CHECK(strstr(cmdline_usage, "cpus=") != NULL);
	CHECK(strstr(cmdline_usage, "hostfs=") != NULL);
	CHECK(strstr(cmdline_usage, "--help") != NULL);
}

int
main(void)
{
	test_defaults();
	test_ubd_numbers_and_letters();
	test_ubd_flags();
	test_ubd_cow();
	test_ubd_errors();
	test_mem();
	test_root_ro_rw_init();
	test_quiet_loglevel();
	test_mode_cpus_hostfs();
	test_ignored();
	test_init_env();
	test_env_and_arg_limits();
	test_init_args();
	test_double_dash();
	test_host_options_refused();
	test_help();
	free_cow_copies();
	return unit_done("cmdline_test");
}
