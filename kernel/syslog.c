/*
 * syslog(2): the kernel log for dmesg.  Reading returns the retained log
 * (printk.c's ring buffer); the console level can be changed.  Reading
 * and clearing need root, as with Linux's dmesg_restrict.
 */
#include <stdlib.h>

#include "errno.h"
#include "printk.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define SYSLOG_ACTION_CLOSE 0
#define SYSLOG_ACTION_OPEN 1
#define SYSLOG_ACTION_READ 2
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR 5
#define SYSLOG_ACTION_CONSOLE_OFF 6
#define SYSLOG_ACTION_CONSOLE_ON 7
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10

#define LOG_SIZE (128 * 1024)

static size_t clear_mark; /* printk_log_position() at the last CLEAR */

/* Copy the log written since the last CLEAR (its newest len bytes). */
static long
read_log(struct task *t, uaddr_t ubuf, int64_t len, bool clear)
{
	size_t total, since, skip, n;
	char *buf;
	long r;

	if (len < 0)
		return -EINVAL;
	if ((buf = malloc(LOG_SIZE)) == NULL)
		return -ENOMEM;
	total = printk_read_log(buf, LOG_SIZE);
	since = printk_log_position() - clear_mark;
	skip = total > since ? total - since : 0;
	n = total - skip;
	if ((size_t)len < n) {
		skip += n - (size_t)len;
		n = (size_t)len;
	}
	r = copy_to_user(t, ubuf, buf + skip, n) < 0 ? -EFAULT : (long)n;
	if (r >= 0 && clear)
		clear_mark = printk_log_position();
	free(buf);
	return r;
}

long
sys_syslog(struct task *t, const uint64_t a[6])
{
	int action = (int)a[0];
	int64_t len = (int64_t)a[2];

	if (action != SYSLOG_ACTION_SIZE_BUFFER && !cred_is_root(&t->cred))
		return -EPERM;
	switch (action) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
		return read_log(t, UADDR(a[1]), len, false);
	case SYSLOG_ACTION_READ_CLEAR:
		return read_log(t, UADDR(a[1]), len, true);
	case SYSLOG_ACTION_CLEAR:
		clear_mark = printk_log_position();
		return 0;
	case SYSLOG_ACTION_CONSOLE_OFF:
		console_loglevel = 1;
		return 0;
	case SYSLOG_ACTION_CONSOLE_ON:
		console_loglevel = 7;
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		if (len < 1 || len > 8)
			return -EINVAL;
		console_loglevel = (int)len;
		return 0;
	case SYSLOG_ACTION_SIZE_UNREAD:
		return 0;
	case SYSLOG_ACTION_SIZE_BUFFER:
		return LOG_SIZE;
	}
	return -EINVAL;
}
