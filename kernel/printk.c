/*
 * The kernel log: a ring buffer for dmesg and syslog(2), and a copy of each
 * message on the host's stderr when its level passes the console loglevel
 * ("quiet" sets it to 4, "loglevel=N" to N).  Also panic().
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "host/host.h"
#include "printk.h"
#include "sched.h"

#define LOG_BUF_SIZE (128 * 1024)

int console_loglevel = 7;

static char log_buf[LOG_BUF_SIZE];
static char last_msg[256]; /* the newest message, without its stamp */
static size_t log_head; /* bytes ever written; the buffer holds the tail */

static void
log_store(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		log_buf[(log_head + i) % LOG_BUF_SIZE] = s[i];
	log_head += len;
}

/* Copy out the retained log (oldest first): bytes copied. */
size_t
printk_read_log(char *buf, size_t len)
{
	size_t avail = log_head < LOG_BUF_SIZE ? log_head : LOG_BUF_SIZE;
	size_t start = log_head - avail, i;

	if (len > avail)
		len = avail;
	for (i = 0; i < len; i++)
		buf[i] = log_buf[(start + i) % LOG_BUF_SIZE];
	return len;
}

void
vprintk(int level, const char *fmt, va_list ap)
{
	char line[1024];
	long long ns = ktime_now() - boot_time_ns;
	int n, m;

	n = snprintf(line, sizeof(line), "[%5lld.%06lld] ",
		     (long long)(ns / 1000000000),
		     (long long)(ns % 1000000000 / 1000));
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	if ((size_t)(n + m) > sizeof(line) - 2)
		m = (int)sizeof(line) - 2 - n;
	line[n + m] = '\n';
	log_store(line, (size_t)(n + m + 1));
	snprintf(last_msg, sizeof(last_msg), "%.*s", m, line + n);
	if (level < console_loglevel)
		host_log_write(line + n, (size_t)m + 1);
}

size_t
printk_log_position(void)
{
	return log_head;
}

const char *
printk_last(void)
{
	return last_msg;
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
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	host_log_write("Kernel panic - not syncing: ", 28);
	host_log_write(msg, strlen(msg));
	host_log_write("\n", 1);
	host_backtrace();
	host_exit(1);
}
