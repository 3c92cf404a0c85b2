/*
 * Helpers shared by the benchmark programs (the .c files in tools/bench).
 *
 * Each program is built static and runs unchanged natively and inside a
 * guest (umk or UML).  It times itself with CLOCK_MONOTONIC and prints one
 * line per sample:
 *
 *	RESULT <name> <value>
 *
 * where the value's unit is fixed per name (see tools/bench/run).  Lines
 * starting with INFO carry checks (a checksum, a count) that must agree
 * between environments; a line starting with FAIL means the program saw
 * something go wrong, and its exit status is then 1.
 */
#ifndef BENCH_H
#define BENCH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

__attribute__((constructor)) static void
bench_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static inline long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

__attribute__((format(printf, 2, 3), noreturn)) static void
bench_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

/* A positive integer argument, or a usage failure. */
static inline long
bench_arg(const char *name, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0)
		bench_fail(name, "bad number '%s'", s);
	return v;
}

#endif
