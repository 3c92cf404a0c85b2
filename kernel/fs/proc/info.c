/*
 * The small system-wide files of /proc: uptime, loadavg, stat, version,
 * filesystems, partitions, cmdline and tty/drivers.
 *
 * CPU time: the guest has one CPU, and everything guests ever ran is the
 * sum over live processes of their threads' times, their exited threads'
 * and their reaped children's (wait.c folds a reaped child's times into
 * its parent), so nothing is counted twice or lost.  The rest of the
 * uptime is idle.
 */
#include <stdio.h>
#include <string.h>

#include "fs/bdev.h"
#include "fs/proc/proc_int.h"
#include "printk.h"
#include "task.h"


/* The boot command line (kernel/main.c). */
extern char boot_cmdline[];

struct cpu_totals {
	int64_t user, system, idle, uptime; /* ns */
	int running, blocked, threads;
	int newest_pid;
};

static void
cpu_count_threads(const struct process *p, struct cpu_totals *c)
{
	const struct task *t;

	list_for_each_entry(t, &p->threads, thread_link) {
		c->threads++;
		if (t->state == TASK_RUNNING || t->state == TASK_GUEST)
			c->running++;
		else if (t->state == TASK_UNINTERRUPTIBLE)
			c->blocked++;
	}
}

static void
cpu_totals(struct cpu_totals *c)
{
	const struct process *p, *newest = NULL;
	struct rusage_acct ru;

	memset(c, 0, sizeof(*c));
	list_for_each_entry(p, &all_processes, all_link) {
		process_rusage(p, &ru);
		c->user += ru.utime_ns + p->ru_children.utime_ns;
		c->system += ru.stime_ns + p->ru_children.stime_ns;
		cpu_count_threads(p, c);
		if (!newest || p->start_time > newest->start_time)
			newest = p;
	}
	c->newest_pid = newest ? newest->pid : 0;
	c->uptime = ktime_now() - boot_time_ns;
	c->idle = c->uptime - c->user - c->system;
	if (c->idle < 0)
		c->idle = 0;
}

int
proc_show_uptime(const struct proc_inode *pi, struct pbuf *b)
{
	struct cpu_totals c;
	unsigned long long up, idle;

	cpu_totals(&c);
	up = (unsigned long long)ns_to_clock_t(c.uptime);
	idle = (unsigned long long)ns_to_clock_t(c.idle);
	pbuf_printf(b, "%llu.%02llu %llu.%02llu\n", up / USER_HZ,
		    up % USER_HZ, idle / USER_HZ, idle % USER_HZ);
	return 0;
}

int
proc_show_loadavg(const struct proc_inode *pi, struct pbuf *b)
{
	struct cpu_totals c;

	cpu_totals(&c);
	pbuf_printf(b, "0.00 0.00 0.00 %d/%d %d\n", c.running, c.threads,
		    c.newest_pid);
	return 0;
}

int
proc_show_kstat(const struct proc_inode *pi, struct pbuf *b)
{
	struct timespec_k now = current_time();
	struct cpu_totals c;
	const char *cpu[] = { "cpu ", "cpu0" };
	int i;

	cpu_totals(&c);
	for (i = 0; i < 2; i++)
		pbuf_printf(b, "%s %lld 0 %lld %lld 0 0 0 0 0 0\n", cpu[i],
			    (long long)ns_to_clock_t(c.user),
			    (long long)ns_to_clock_t(c.system),
			    (long long)ns_to_clock_t(c.idle));
	pbuf_puts(b, "intr 0\nctxt 0\n");
	pbuf_printf(b, "btime %lld\n",
		    (long long)(now.sec - c.uptime / 1000000000LL));
	pbuf_printf(b, "processes %d\nprocs_running %d\nprocs_blocked %d\n",
		    c.newest_pid, c.running, c.blocked);
	pbuf_puts(b, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
	return 0;
}

int
proc_show_version(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_puts(b, "Linux version " PROC_OSRELEASE
		     " (umk@localhost) (gcc " __VERSION__ ") #1 umk\n");
	return 0;
}

static void
proc_one_fs(const struct fs_type *t, void *arg)
{
	pbuf_printf(arg, "%s\t%s\n", t->nodev ? "nodev" : "", t->name);
}

int
proc_show_filesystems(const struct proc_inode *pi, struct pbuf *b)
{
	for_each_filesystem(proc_one_fs, b);
	return 0;
}

static void
proc_one_blkdev(struct bdev *bd, void *arg)
{
	pbuf_printf(arg, "%4u  %7u %10llu %s\n", bd->major, bd->minor,
		    (unsigned long long)(bd->size / 1024), bd->name);
}

int
proc_show_partitions(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_puts(b, "major minor  #blocks  name\n\n");
	for_each_blkdev(proc_one_blkdev, b);
	return 0;
}

int
proc_show_cmdline(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_printf(b, "%s\n", boot_cmdline);
	return 0;
}

/* The terminal drivers, for ps to name tty_nr values. */
int
proc_show_tty_drivers(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_puts(b, "/dev/tty             /dev/tty        5       0 "
		     "system:/dev/tty\n"
		     "/dev/console         /dev/console    5       1 "
		     "system:console\n"
		     "/dev/ptmx            /dev/ptmx       5       2 system\n"
		     "pty_slave            /dev/pts      136 0-1048575 "
		     "pty:slave\n"
		     "serial               /dev/ttyS       4 64-95 serial\n");
	return 0;
}
