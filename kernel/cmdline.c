/*
 * The boot command line, in User-Mode Linux's syntax.
 *
 * Words the kernel knows configure it (ubdN=, mem=, root=, ro/rw, init=,
 * quiet, loglevel=, mode=, hostfs=); as in Linux, any other word of the
 * form a=b goes to init's environment and any other bare word to init's
 * argv.  Everything after "--" goes to init's argv verbatim, one host
 * argument per guest argument.  Words that look like host options
 * ("-x", "--foo") or known keys with bad values are errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

const char cmdline_usage[] =
	"usage: vmlinux [option ...] [-- init-argument ...]\n"
	"\n"
	"  ubd<N>[r][s][c]=FILE[,BACKING]\n"
	"                  disk N (0-15, or a-p: ubda=) is FILE; r read-only,\n"
	"                  s synchronous, c shared (no lock); with BACKING,\n"
	"                  FILE is a copy-on-write overlay of it\n"
	"  mem=SIZE        guest memory, e.g. 256M (default) or 1G\n"
	"  root=DEV        root device (default /dev/ubda)\n"
	"  ro | rw         mount the root read-only (default) or read-write\n"
	"  init=PATH       run PATH as init (default /sbin/init, /etc/init,\n"
	"                  /bin/init, /bin/sh)\n"
	"  quiet           only warnings and errors on the console\n"
	"  loglevel=N      console log level 0-8 (8: every syscall)\n"
	"  mode=BACKEND    interception: auto (default) or ptrace\n"
	"  cpus=1|all      run the kernel and its guests on one host CPU\n"
	"                  (default: fastest syscalls) or on all of them\n"
	"  hostfs=DIR      the host directory hostfs mounts may use\n"
	"  NAME=VALUE      other words with '=' go to init's environment\n"
	"  WORD            other words go to init's arguments\n"
	"  -- ARG ...      the rest goes to init's arguments, unchanged\n"
	"  --help          this text\n";

static int
fail(char *err, size_t errlen, const char *fmt, const char *word)
{
	snprintf(err, errlen, fmt, word);
	return -1;
}

uint64_t
cmdline_parse_size(const char *s)
{
	char *end;
	unsigned long long v;
	uint64_t mult = 1;

	if (*s < '0' || *s > '9')
		return 0;
	v = strtoull(s, &end, 10);
	switch (*end) {
	case 'k':
	case 'K':
		mult = 1ULL << 10;
		end++;
		break;
	case 'm':
	case 'M':
		mult = 1ULL << 20;
		end++;
		break;
	case 'g':
	case 'G':
		mult = 1ULL << 30;
		end++;
		break;
	}
	if (*end || v == 0 || v > (1ULL << 50) / mult)
		return 0;
	return v * mult;
}

/* "ubd<N|letter>[flags]=..."; returns 1 if word is a ubd option. */
static int
parse_ubd(const char *word, struct boot_params *bp, char *err, size_t errlen)
{
	const char *p = word + 3, *eq = strchr(word, '=');
	struct ubd_spec *u;
	unsigned int flags = 0;
	char *comma;
	int n;

	if (*p >= '0' && *p <= '9') {
		long v = strtol(p, (char **)&p, 10);

		n = v >= 0 && v < MAX_UBD ? (int)v : MAX_UBD;
	} else if (*p >= 'a' && *p <= 'z') {
		n = *p - 'a';
		p++;
	} else {
		return fail(err, errlen, "%s: bad ubd device name", word);
	}
	for (; p < eq; p++) {
		switch (*p) {
		case 'r':
			flags |= UBD_READONLY;
			break;
		case 's':
			flags |= UBD_SYNC;
			break;
		case 'd':
			flags |= UBD_DIRECT;
			break;
		case 'c':
			flags |= UBD_SHARED;
			break;
		default:
			return fail(err, errlen, "%s: bad ubd flag", word);
		}
	}
	if (n < 0 || n >= MAX_UBD)
		return fail(err, errlen,
			    "%s: ubd device number out of range (0-15)", word);
	if (eq[1] == 0)
		return fail(err, errlen, "%s: no image file given", word);
	u = &bp->ubd[n];
	if (u->file)
		return fail(err, errlen, "%s: ubd device given twice", word);
	u->file = eq + 1;
	u->flags = flags;
	if ((comma = strchr(eq + 1, ',')) != NULL) {
		/* FILE,BACKING: split a private copy of the word. */
		char *copy = strdup(eq + 1);

		if (!copy)
			return fail(err, errlen, "%s: out of memory", word);
		copy[comma - (eq + 1)] = 0;
		u->file = copy;
		u->backing = copy + (comma - (eq + 1)) + 1;
		if (!*u->file || !*u->backing)
			return fail(err, errlen, "%s: bad COW file pair", word);
	}
	return 0;
}

static int
add_init_arg(struct boot_params *bp, const char *word, char *err,
	     size_t errlen)
{
	if (bp->init_argc >= MAX_INIT_ARGS)
		return fail(err, errlen, "%s: too many arguments for init",
			    word);
	bp->init_argv[bp->init_argc++] = word;
	return 0;
}

static int
add_init_env(struct boot_params *bp, const char *word, char *err,
	     size_t errlen)
{
	int i;
	size_t klen = (size_t)(strchr(word, '=') - word) + 1;

	for (i = 0; i < bp->init_envc; i++) {
		if (strncmp(bp->init_envp[i], word, klen) == 0) {
			bp->init_envp[i] = word;
			return 0;
		}
	}
	if (bp->init_envc >= MAX_INIT_ENVS)
		return fail(err, errlen, "%s: too many environment words",
			    word);
	bp->init_envp[bp->init_envc++] = word;
	return 0;
}

static bool
key_is(const char *word, const char *key)
{
	size_t n = strlen(key);

	return strncmp(word, key, n) == 0 && word[n] == '=';
}

/* con=, conN=, ssl=, sslN=: UML's channel options. */
static bool
uml_console_key(const char *w)
{
	const char *p;

	if (strncmp(w, "con", 3) == 0)
		p = w + 3;
	else if (strncmp(w, "ssl", 3) == 0)
		p = w + 3;
	else
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '=';
}

static int
parse_key(const char *w, struct boot_params *bp, char *err, size_t errlen)
{
	const char *v = strchr(w, '=') + 1;

	if (strncmp(w, "ubd", 3) == 0)
		return w[3] == '=' ? fail(err, errlen,
					  "%s: say which disk (ubd0=, ubd1= …)",
					  w)
				   : parse_ubd(w, bp, err, errlen);
	if (key_is(w, "mem")) {
		if ((bp->mem = cmdline_parse_size(v)) == 0)
			return fail(err, errlen, "%s: bad memory size", w);
		if (bp->mem < (16ULL << 20))
			return fail(err, errlen,
				    "%s: at least 16M of memory is needed", w);
		return 0;
	}
	if (key_is(w, "root")) {
		bp->root = v;
		return *v ? 0 : fail(err, errlen, "%s: no device given", w);
	}
	if (key_is(w, "init")) {
		bp->init = v;
		return *v ? 0 : fail(err, errlen, "%s: no program given", w);
	}
	if (key_is(w, "loglevel")) {
		if (v[0] < '0' || v[0] > '8' || v[1])
			return fail(err, errlen, "%s: loglevel must be 0-8", w);
		bp->loglevel = v[0] - '0';
		return 0;
	}
	if (key_is(w, "mode")) {
		if (strcmp(v, "auto") && strcmp(v, "ptrace"))
			return fail(err, errlen,
				    "%s: unknown backend (auto, ptrace)", w);
		bp->mode = v;
		return 0;
	}
	if (key_is(w, "cpus")) {
		if (strcmp(v, "1") && strcmp(v, "all"))
			return fail(err, errlen, "%s: cpus is 1 or all", w);
		bp->all_cpus = strcmp(v, "all") == 0;
		return 0;
	}
	if (key_is(w, "hostfs")) {
		bp->hostfs = v;
		return *v ? 0 : fail(err, errlen, "%s: no directory given", w);
	}
	if (uml_console_key(w) || key_is(w, "umid") || key_is(w, "console"))
		return 0; /* UML console/id options: the console is stdio */
	if (strchr(w, '.') && strchr(w, '.') < strchr(w, '='))
		return 0; /* module.param=value: no modules here */
	return add_init_env(bp, w, err, errlen);
}

static void
set_defaults(struct boot_params *bp)
{
	memset(bp, 0, sizeof(*bp));
	bp->mem = 256ULL << 20;
	bp->root = "/dev/ubda";
	bp->loglevel = -1;
	bp->mode = "auto";
	bp->init_envp[bp->init_envc++] = "HOME=/";
	bp->init_envp[bp->init_envc++] = "TERM=linux";
}

int
cmdline_parse(int argc, char **argv, struct boot_params *bp, char *err,
	      size_t errlen)
{
	int i;

	set_defaults(bp);
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (strcmp(w, "--") == 0) {
			for (i++; i < argc; i++)
				if (add_init_arg(bp, argv[i], err, errlen) < 0)
					return -1;
			break;
		}
		if (strcmp(w, "--help") == 0 || strcmp(w, "-h") == 0) {
			bp->help = true;
			continue;
		}
		if (w[0] == '-')
			return fail(err, errlen,
				    "%s: unknown option (see --help)", w);
		if (strcmp(w, "ro") == 0) {
			bp->root_rw = false;
		} else if (strcmp(w, "rw") == 0) {
			bp->root_rw = true;
		} else if (strcmp(w, "quiet") == 0) {
			bp->loglevel = 4;
		} else if (w[0] == '=' || w[0] == 0) {
			return fail(err, errlen, "'%s': empty option", w);
		} else if (strchr(w, '=')) {
			if (parse_key(w, bp, err, errlen) < 0)
				return -1;
		} else if (add_init_arg(bp, w, err, errlen) < 0) {
			return -1;
		}
	}
	bp->init_argv[bp->init_argc] = NULL;
	bp->init_envp[bp->init_envc] = NULL;
	return 0;
}
