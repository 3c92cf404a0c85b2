/*
 * capget(2) and capset(2): the version handshake (an unknown version is
 * EINVAL with the preferred one written back, and a NULL data pointer just
 * probes), root's effective set holding CAP_SETUID and friends, and an
 * unprivileged process holding none and unable to raise any.
 */
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>

#include "guest.h"

static int
capget_raw(uint32_t version, int pid, struct __user_cap_data_struct *d)
{
	struct __user_cap_header_struct h = { version, pid };

	return (int)syscall(SYS_capget, &h, d);
}

/* Is cap in the effective (set 0) or permitted (set 1) set? */
static int
has(const struct __user_cap_data_struct *d, int cap, int set)
{
	uint32_t w = set == 0 ? d[cap / 32].effective : d[cap / 32].permitted;

	return (w >> (cap % 32)) & 1;
}

static void
show_caps(const char *who)
{
	struct __user_cap_data_struct d[2];

	memset(d, 0xff, sizeof(d));
	OK(capget_raw(_LINUX_CAPABILITY_VERSION_3, 0, d));
	printf("%s: effective setuid %d setgid %d kill %d chown %d, "
	       "permitted setuid %d, any effective %d, any permitted %d\n",
	       who, has(d, CAP_SETUID, 0), has(d, CAP_SETGID, 0),
	       has(d, CAP_KILL, 0), has(d, CAP_CHOWN, 0),
	       has(d, CAP_SETUID, 1), (d[0].effective | d[1].effective) != 0,
	       (d[0].permitted | d[1].permitted) != 0);
}

static void
handshake(void)
{
	struct __user_cap_header_struct h = { 0x12345678, 0 };
	struct __user_cap_data_struct d[2];

	FAILS(syscall(SYS_capget, &h, d), EINVAL, "capget of an unknown version");
	CHECK(h.version == _LINUX_CAPABILITY_VERSION_3,
	      "the preferred version 0x%x was written back", h.version);
	h.version = 0;
	CHECK(syscall(SYS_capget, &h, NULL) == 0,
	      "capget with NULL data probes the version");
	CHECK(h.version == _LINUX_CAPABILITY_VERSION_3,
	      "and writes back 0x%x", h.version);
	CHECK(capget_raw(_LINUX_CAPABILITY_VERSION_3, 0, NULL) == 0,
	      "a known version with NULL data");
	FAILS(syscall(SYS_capget, (void *)8, d), EFAULT, "capget of a bad header");
	FAILS(capget_raw(_LINUX_CAPABILITY_VERSION_3, 0, (void *)8), EFAULT,
	      "capget to bad data");
	FAILS(capget_raw(_LINUX_CAPABILITY_VERSION_3, -1, d), EINVAL,
	      "capget of pid -1");
	FAILS(capget_raw(_LINUX_CAPABILITY_VERSION_3, 99999999, d), ESRCH,
	      "capget of a pid that does not exist");
	CHECK(capget_raw(_LINUX_CAPABILITY_VERSION_1, 0, d) == 0,
	      "version 1 still answers");
	CHECK(capget_raw(_LINUX_CAPABILITY_VERSION_3, getpid(), d) == 0,
	      "capget of the own pid");
	CHECK((d[0].effective >> CAP_SETUID) & 1, "root holds CAP_SETUID");
}

static int
dropped(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	OK(setresuid(1000, 0, 0));
	OK(seteuid(1000));
	show_caps("euid 1000 with a saved uid 0");
	OK(setresuid(1000, 1000, 1000));
	show_caps("every uid 1000");
	d[0].effective = d[0].permitted = 1u << CAP_SETUID;
	FAILS(syscall(SYS_capset, &h, d), EPERM, "capset raising CAP_SETUID");
	memset(d, 0, sizeof(d));
	CHECK(syscall(SYS_capset, &h, d) == 0, "capset of the empty sets it has");
	h.pid = getppid();
	FAILS(syscall(SYS_capset, &h, d), EPERM, "capset of another process");
	FAILS(setuid(0), EPERM, "setuid(0)");
	return 0;
}

static void
run(const char *name, int (*fn)(void))
{
	int st = run_child(fn);

	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s", name,
	      wstatus_str(st));
}

int
main(void)
{
	if (getuid() != 0 || geteuid() != 0) {
		printf("not root: nothing checked\n");
		return 0;
	}
	OK(setgroups(0, NULL));
	handshake();
	show_caps("root");
	run("dropped", dropped);
	return 0;
}
