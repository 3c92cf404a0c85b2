/*
 * procfs text buffers: where generated files are printed before a reader
 * copies them out (file.c).  A buffer grows on demand up to PBUF_MAX;
 * past that, or when memory runs out, output is dropped and the buffer
 * marked as overflowed, so a generator never has to check each print.
 * Pure code: unit-tested in tests/unit/proc_test.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/proc/proc_int.h"

void
pbuf_init(struct pbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void
pbuf_free(struct pbuf *b)
{
	free(b->data);
	pbuf_init(b);
}

void
pbuf_reset(struct pbuf *b)
{
	b->len = 0;
	b->overflow = false;
}

/* Make room for n more bytes: false if that is impossible. */
static bool
pbuf_reserve(struct pbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->overflow)
		return false;
	if (n <= b->cap - b->len)
		return true;
	if (n > PBUF_MAX - b->len) {
		b->overflow = true;
		return false;
	}
	cap = b->cap ? b->cap : 1024;
	while (cap - b->len < n)
		cap *= 2;
	if (cap > PBUF_MAX)
		cap = PBUF_MAX;
	if ((p = realloc(b->data, cap)) == NULL) {
		b->overflow = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void
pbuf_write(struct pbuf *b, const void *p, size_t n)
{
	if (n == 0 || !pbuf_reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void
pbuf_puts(struct pbuf *b, const char *s)
{
	pbuf_write(b, s, strlen(s));
}

void
pbuf_putc(struct pbuf *b, char c)
{
	pbuf_write(b, &c, 1);
}

void
pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		pbuf_write(b, small, (size_t)n);
		return;
	}
	/* Long output: print straight into the buffer, NUL included. */
	if (!pbuf_reserve(b, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
pbuf_pad(struct pbuf *b, size_t line_start, size_t col)
{
	while (!b->overflow && b->len >= line_start &&
	       b->len - line_start < col)
		pbuf_putc(b, ' ');
}

void
pbuf_puts_escaped(struct pbuf *b, const char *s, const char *esc)
{
	for (; *s; s++) {
		if (strchr(esc, *s))
			pbuf_printf(b, "\\%03o", (unsigned char)*s);
		else
			pbuf_putc(b, *s);
	}
}
