/*
 * Choosing the interception backend at boot (mode= on the command line).
 * Only ptrace exists today; "auto" picks the best one available and the
 * choice is logged, so a user can see how guests are being intercepted.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>

#include "host/host.h"
#include "host/host_internal.h"
#include "printk.h"

static const char *backend = "none";

/* Keep vmlinux (and so every stub it starts) on its current CPU. */
static void
stay_on_one_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		pr_warn("cannot keep to one CPU: %s", strerror(errno));
}

/*
 * The page cache bounds its memfds (mm/pagecache.c), but every tmpfs file
 * with data is a memfd and every open hostfs file a host fd, so the usual
 * soft limit of 1024 would fail guests long before memory runs out: take
 * the hard limit.
 */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
host_init(const char *mode, bool all_cpus)
{
	int r;

	if (strcmp(mode, "auto") != 0 && strcmp(mode, "ptrace") != 0) {
		pr_err("mode=%s: unknown interception backend (try ptrace)",
		       mode);
		return -EINVAL;
	}
	if ((r = idle_init()) < 0 || (r = trace_init()) < 0) {
		pr_err("cannot start the ptrace backend: %s", strerror(-r));
		return r;
	}
	if (!all_cpus)
		stay_on_one_cpu();
	raise_fd_limit();
	backend = "ptrace (PTRACE_SYSEMU)";
	return 0;
}

const char *
host_backend_name(void)
{
	return backend;
}
