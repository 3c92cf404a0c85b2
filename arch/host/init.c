/*
 * Choosing the interception backend at boot (mode= on the command line).
 * Only ptrace exists today; "auto" picks the best one available and the
 * choice is logged, so a user can see how guests are being intercepted.
 */
#include <errno.h>
#include <string.h>

#include "host/host.h"
#include "host/host_internal.h"
#include "printk.h"

static const char *backend = "none";

int
host_init(const char *mode)
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
	backend = "ptrace";
	pr_notice("interception backend: ptrace (PTRACE_SYSEMU)");
	return 0;
}

const char *
host_backend_name(void)
{
	return backend;
}
