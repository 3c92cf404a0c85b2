/*
 * printk: the kernel log.
 *
 * Messages go to a ring buffer (read back by dmesg/syslog(2)) and, when their
 * level is at or below the console loglevel, to the host's stderr.  Levels
 * are Linux's: 0 emergency ... 7 debug.  printk.c owns the buffer and the
 * loglevel; the host write is done through arch/host.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdnoreturn.h>

#define LOGLEVEL_EMERG 0
#define LOGLEVEL_ALERT 1
#define LOGLEVEL_CRIT 2
#define LOGLEVEL_ERR 3
#define LOGLEVEL_WARNING 4
#define LOGLEVEL_NOTICE 5
#define LOGLEVEL_INFO 6
#define LOGLEVEL_DEBUG 7

void printk(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vprintk(int level, const char *fmt, va_list ap);

#define pr_emerg(...) printk(LOGLEVEL_EMERG, __VA_ARGS__)
#define pr_err(...) printk(LOGLEVEL_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOGLEVEL_WARNING, __VA_ARGS__)
#define pr_notice(...) printk(LOGLEVEL_NOTICE, __VA_ARGS__)
#define pr_info(...) printk(LOGLEVEL_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOGLEVEL_DEBUG, __VA_ARGS__)

/* The retained log, oldest first, for dmesg: bytes copied. */
size_t printk_read_log(char *buf, size_t len);

/* Bytes ever logged: a mark to read only what came after (syslog). */
size_t printk_log_position(void);

/* The newest message, without its timestamp ("" if none). */
const char *printk_last(void);

/* Monotonic time of boot; printk stamps are relative to it. */
extern long long boot_time_ns;

/* Console loglevel: messages with level < console_loglevel reach stderr. */
extern int console_loglevel;

/*
 * panic: a broken kernel invariant.  Never for anything a guest can cause.
 * Prints the message and a backtrace, tears the guest down and exits 1.
 */
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define BUG_ON(cond)                                                           \
	do {                                                                   \
		if (cond)                                                      \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond);  \
	} while (0)

#endif
