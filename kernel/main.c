/*
 * Boot and shutdown.
 *
 * main() parses the command line, starts the host layer, registers the
 * filesystems and drivers, attaches the ubd disks, mounts the root, starts
 * init as pid 1 and enters the scheduler.  Any failure before init runs is
 * one clear line on stderr and exit status 1, with nothing left running.
 * kernel_halt() is the only way out once the guest runs: it writes back
 * and releases everything and exits with the status it is given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "drivers/mem.h"
#include "drivers/tty.h"
#include "errno.h"
#include "fs/devpts.h"
#include "fs/devtmpfs.h"
#include "fs/ext4/ext4_vfs.h"
#include "fs/fdtable.h"
#include "fs/mount.h"
#include "fs/namei.h"
#include "fs/sysfs.h"
#include "fs/tmpfs.h"
#include "host/host.h"
#include "hostfs/hostfs.h"
#include "mm/mm.h"
#include "printk.h"
#include "task.h"
#include "ubd/ubd.h"

/* procfs registers itself here once it lands (kernel/fs/proc/). */
void proc_init(void) __attribute__((weak));

long long boot_time_ns;
char boot_cmdline[4096];
static struct boot_params params;

/* The way out: write back, unmount, release the disks, exit. */
void
kernel_halt(int status)
{
	sync_all();
	umount_all();
	ubd_release_all();
	host_exit(status);
}

/* Someone on the host asked vmlinux to stop: a power cut, done cleanly. */
void
host_shutdown_signal(int sig)
{
	pr_notice("vmlinux: terminated by host signal %d, shutting down", sig);
	kernel_halt(128 + sig);
}

static noreturn void
boot_fail(const char *fmt, const char *what, int err)
{
	fprintf(stderr, "vmlinux: ");
	fprintf(stderr, fmt, what, err ? strerror(-err) : "");
	fputc('\n', stderr);
	host_exit(1);
}

static void
save_cmdline(int argc, char **argv)
{
	size_t len = 0;
	int i;

	for (i = 1; i < argc; i++) {
		int n = snprintf(boot_cmdline + len, sizeof(boot_cmdline) - len,
				 "%s%s", i > 1 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(boot_cmdline) - len)
			break;
		len += (size_t)n;
	}
}

/*
 * Mount the root quietly: if it fails, the filesystem's own complaint
 * becomes the one line the user sees.
 */
static int
try_mount_root(unsigned long flags)
{
	int saved = console_loglevel, r;
	const char *before = strdup(printk_last()), *why;

	console_loglevel = 0;
	r = do_mount(NULL, params.root, NULL, "ext4", flags, NULL);
	console_loglevel = saved;
	why = printk_last();
	if (r < 0 && r != -EROFS && r != -ENXIO && before &&
	    strcmp(before, why) != 0) {
		fprintf(stderr, "vmlinux: cannot mount root filesystem on %s: "
				"%s\n",
			params.root, why);
		host_exit(1);
	}
	free((void *)before);
	return r;
}

static void
mount_root(void)
{
	unsigned long flags = params.root_rw ? 0 : K_MS_RDONLY;
	int r;

	r = try_mount_root(flags);
	if (r == -EROFS && params.root_rw) {
		pr_warn("VFS: %s is read-only here; mounting the root "
			"read-only",
			params.root);
		r = try_mount_root(K_MS_RDONLY);
	}
	if (r == -ENXIO && !params.ubd[0].file)
		boot_fail("no root disk: give one with ubd0=IMAGE "
			  "(see --help)%s%s", "", 0);
	if (r == -ENXIO)
		boot_fail("cannot mount root: no such device %s (%s)",
			  params.root, r);
	if (r < 0)
		boot_fail("cannot mount root filesystem on %s: %s (not an "
			  "ext2/ext3/ext4 image?)",
			  params.root, r);
	pr_info("VFS: Mounted root (ext4 filesystem) %s on device %s",
		params.root_rw ? "read-write" : "readonly", params.root);
}

/* Mount devtmpfs on /dev, as CONFIG_DEVTMPFS_MOUNT does, if /dev exists. */
static void
mount_dev(struct task *t)
{
	struct path p;

	if (path_lookup(t, AT_FDCWD_K, "/dev", LOOKUP_FOLLOW, &p) < 0)
		return;
	if (do_mount(t, "devtmpfs", &p, "devtmpfs", 0, NULL) < 0)
		pr_warn("devtmpfs: cannot mount on /dev");
	path_put(&p);
}

static int
try_init(struct task *t, const char *path)
{
	const char *argv[MAX_INIT_ARGS + 2];
	int i, r;

	argv[0] = path;
	for (i = 0; i < params.init_argc; i++)
		argv[i + 1] = params.init_argv[i];
	argv[i + 1] = NULL;
	r = kernel_execve(t, path, (char *const *)argv,
			  (char *const *)params.init_envp);
	if (r < 0 && params.init)
		pr_emerg("Requested init %s failed (error %d).", path, r);
	return r;
}

/* pid 1's first kernel code: become init, then serve it like any task. */
static void
init_main(struct task *t)
{
	static const char *const defaults[] = { "/sbin/init", "/etc/init",
						"/bin/init", "/bin/sh" };
	size_t i;
	int r = -ENOENT;

	mount_dev(t);
	if (params.init) {
		r = try_init(t, params.init);
	} else {
		for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
			if ((r = try_init(t, defaults[i])) == 0)
				break;
	}
	if (r < 0) {
		printk(LOGLEVEL_EMERG,
		       "Kernel panic - not syncing: No working init found.");
		kernel_halt(1);
	}
	task_main(t);
}

static struct task *
make_init_task(void)
{
	struct process *p = process_alloc();
	struct task *t = task_alloc();
	struct file *console;
	struct path root;

	if (!p || !t || pid_alloc() != 1)
		panic("cannot make init");
	t->tid = p->pid = p->pgid = p->sid = 1;
	pid_get(1);
	pid_get(1);
	pid_get(1);
	t->proc = p;
	strcpy(t->comm, "swapper");
	if ((p->sighand = sighand_alloc()) == NULL ||
	    (t->files = files_alloc()) == NULL)
		panic("out of memory for init");
	mount_root_path(&root);
	t->fs = fs_info_alloc(&root);
	path_put(&root);
	if ((console = console_open_initial()) != NULL) {
		fd_install(t, file_get(console), 0, 0);
		fd_install(t, file_get(console), 0, 0);
		fd_install(t, console, 0, 0);
	}
	list_add_tail(&t->thread_link, &p->threads);
	p->nr_threads = 1;
	init_process = p;
	task_register(t);
	return t;
}

static void
drivers_init(void)
{
	int r;

	tmpfs_init();
	ext4_vfs_init();
	if (proc_init)
		proc_init();
	if ((r = devtmpfs_init()) < 0)
		boot_fail("devtmpfs: %s%s", "", r);
	if ((r = hostfs_init(params.hostfs)) < 0)
		boot_fail("hostfs=%s: %s", params.hostfs, r);
	mem_devices_init();
	if ((r = console_init()) < 0)
		boot_fail("console: %s%s", "", r);
	sysfs_init();
	if ((r = devpts_init()) < 0 || (r = pty_init()) < 0)
		boot_fail("pty: %s%s", "", r);
}

int
main(int argc, char **argv)
{
	char err[256];
	int r;

	boot_time_ns = ktime_now();
	if (cmdline_parse(argc, argv, &params, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmlinux: %s\n", err);
		return 1;
	}
	if (params.help) {
		fputs(cmdline_usage, stdout);
		return 0;
	}
	save_cmdline(argc, argv);
	if (params.loglevel >= 0)
		console_loglevel = params.loglevel;
	else
		console_loglevel = 6; /* notices and worse */
	mem_limit = params.mem;
	pr_info("Linux version 6.1.0-umk (umk) #1 (x86_64 user-mode kernel)");
	pr_info("Kernel command line: %s", boot_cmdline);
	if ((r = host_init(params.mode, params.all_cpus)) < 0)
		host_exit(1);
	drivers_init();
	if ((r = ubd_setup(params.ubd, MAX_UBD)) < 0)
		host_exit(1);
	mount_root();
	/* Said once the boot can no longer fail, so errors stay one line. */
	pr_notice("interception backend: %s", host_backend_name());
	if (sched_start_task(make_init_task(), init_main) < 0)
		panic("no kernel stack for init");
	sched_loop();
	return 0;
}
