/*
 * The memory character devices, major 1 (as in Linux):
 *
 *   null     1,3  reads end at once, writes vanish
 *   zero     1,5  reads zeros, writes vanish
 *   full     1,7  reads zeros, writes fail with ENOSPC
 *   random   1,8  reads host randomness (never blocks), writes vanish
 *   urandom  1,9  the same
 *
 * They are registered with chrdev_register() and get their nodes in /dev
 * through devtmpfs.  Large reads are cut short when a signal arrives, so
 * that reading gigabytes of zeros stays interruptible.
 */
#include <limits.h>
#include <string.h>

#include "drivers/mem.h"
#include "fs/devtmpfs.h"
#include "fs/vfs.h"
#include "host/host.h"
#include "printk.h"
#include "sched.h"
#include "signal.h"

#define MEM_MAJOR 1
#define MEM_CHUNK 4096

/* Reading and writing never move: every seek lands at 0. */
static int64_t
mem_llseek(struct file *f, int64_t off, int whence)
{
	f->pos = 0;
	return 0;
}

/* Writes that succeed without looking at the data. */
static ssize_t
mem_write_discard(struct file *f, struct uio *u, uint64_t *pos)
{
	size_t n = uio_left(u);

	return n > SSIZE_MAX ? SSIZE_MAX : (ssize_t)n;
}

static ssize_t
null_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return 0;
}

/*
 * Fill the reader's buffer with zeros or host randomness, chunk by chunk,
 * stopping early (with what was read) if a signal is pending.
 */
static ssize_t
mem_read_fill(struct uio *u, bool random)
{
	char buf[MEM_CHUNK];
	size_t done = 0, n;

	if (!random)
		memset(buf, 0, sizeof(buf));
	while (uio_left(u) > 0 && done < SSIZE_MAX - sizeof(buf)) {
		n = uio_left(u) < sizeof(buf) ? uio_left(u) : sizeof(buf);
		if (random)
			host_random(buf, n);
		if (uio_out(u, buf, n) < 0)
			return done ? (ssize_t)done : -EFAULT;
		done += n;
		if (current && signal_pending(current))
			break;
	}
	return (ssize_t)done;
}

static ssize_t
zero_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return mem_read_fill(u, false);
}

static ssize_t
full_write(struct file *f, struct uio *u, uint64_t *pos)
{
	return -ENOSPC;
}

static ssize_t
random_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return mem_read_fill(u, true);
}

static const struct file_ops null_fops = {
	.read = null_read,
	.write = mem_write_discard,
	.llseek = mem_llseek,
};

static const struct file_ops zero_fops = {
	.read = zero_read,
	.write = mem_write_discard,
	.llseek = mem_llseek,
};

static const struct file_ops full_fops = {
	.read = zero_read,
	.write = full_write,
	.llseek = mem_llseek,
};

static const struct file_ops random_fops = {
	.read = random_read,
	.write = mem_write_discard,
	.llseek = mem_llseek,
};

static const struct {
	const char *name;
	unsigned int minor;
	const struct file_ops *ops;
} mem_devices[] = {
	{ "null", 3, &null_fops },
	{ "zero", 5, &zero_fops },
	{ "full", 7, &full_fops },
	{ "random", 8, &random_fops },
	{ "urandom", 9, &random_fops },
};

void
mem_devices_init(void)
{
	unsigned int minor;
	size_t i;
	int err;

	for (i = 0; i < sizeof(mem_devices) / sizeof(mem_devices[0]); i++) {
		minor = mem_devices[i].minor;
		err = chrdev_register(MEM_MAJOR, minor, 1, mem_devices[i].name,
				      mem_devices[i].ops);
		if (err < 0) {
			pr_err("mem: cannot register %s: error %d",
			       mem_devices[i].name, -err);
			continue;
		}
		devtmpfs_create_node(mem_devices[i].name, K_S_IFCHR | 0666,
				     k_makedev(MEM_MAJOR, minor));
	}
}
