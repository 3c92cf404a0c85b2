/*
 * The boot command line (cmdline.c): UML's syntax, parsed into boot_params.
 * Pure code, unit-tested in tests/unit/cmdline_test.c.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_UBD 16
#define MAX_INIT_ARGS 64
#define MAX_INIT_ENVS 64

#define UBD_READONLY 1 /* r */
#define UBD_SYNC 2     /* s */
#define UBD_DIRECT 4   /* d: accepted; the host page cache is not bypassed */
#define UBD_SHARED 8   /* c: no lock */

struct ubd_spec {
	const char *file;    /* NULL: not configured */
	const char *backing; /* COW overlay: the read-only backing file */
	unsigned int flags;  /* UBD_* */
};

struct boot_params {
	struct ubd_spec ubd[MAX_UBD];
	uint64_t mem;	   /* bytes */
	const char *root;  /* "/dev/ubda" */
	bool root_rw;
	const char *init;  /* NULL: the default list */
	int loglevel;	   /* -1: default */
	const char *mode;  /* interception backend */
	bool all_cpus;	   /* cpus=all: guests may use every host CPU */
	const char *hostfs; /* the host tree hostfs may export, or NULL */
	bool help;
	const char *init_argv[MAX_INIT_ARGS + 1];
	int init_argc;
	const char *init_envp[MAX_INIT_ENVS + 1];
	int init_envc;
};

/*
 * Parse argv[1..argc-1].  Returns 0, or -1 with a one-line message (naming
 * the offending word) in err.  Strings point into argv.
 */
int cmdline_parse(int argc, char **argv, struct boot_params *bp, char *err,
		  size_t errlen);

/* "256M", "1G", "65536K", "1048576": bytes, or 0 if malformed. */
uint64_t cmdline_parse_size(const char *s);

/* The usage text for --help. */
extern const char cmdline_usage[];

#endif
