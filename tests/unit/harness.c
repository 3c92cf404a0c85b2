/*
 * Support for host-side unit tests of pure kernel code (tests/unit/).
 *
 * A unit test #includes the kernel .c files it exercises and links with this
 * file, which stands in for the kernel services they use: printk goes to
 * stderr (only when UNIT_VERBOSE is set), panic aborts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "printk.h"

int console_loglevel = 4;

void
vprintk(int level, const char *fmt, va_list ap)
{
	if (!getenv("UNIT_VERBOSE"))
		return;
	fprintf(stderr, "<%d>", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}
