/*
 * /proc/sys: the sysctl files programs read (and the few they write).
 *
 * Most values are constants that describe this kernel.  kernel/hostname
 * and kernel/domainname read and write the names uname(2) reports
 * (kernel/sys.c owns them); vm/drop_caches accepts a write and does
 * nothing (the host owns the caches); everything else is read-only.
 * kernel/random/boot_id is made once at boot, uuid afresh on each read.
 */
#include <stdio.h>
#include <string.h>

#include "fs/proc/proc_int.h"
#include "host/host.h"

#define UTS_LEN 65

/* The uname(2) names (kernel/sys.c). */
extern char utsname_nodename[UTS_LEN], utsname_domainname[UTS_LEN];

static char boot_id[37];

/* A random version-4 UUID, as Linux formats it. */
static void
make_uuid(char out[37])
{
	uint8_t u[16];

	host_random(u, sizeof(u));
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

void
proc_sys_init(void)
{
	make_uuid(boot_id);
}

static int
show_boot_id(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_printf(b, "%s\n", boot_id);
	return 0;
}

static int
show_uuid(const struct proc_inode *pi, struct pbuf *b)
{
	char u[37];

	make_uuid(u);
	pbuf_printf(b, "%s\n", u);
	return 0;
}

/* A name from a write: one line, at most UTS_LEN - 1 bytes. */
static int
store_name(char *dst, const char *buf, size_t len)
{
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len >= UTS_LEN || memchr(buf, '\n', len))
		return -EINVAL;
	memset(dst, 0, UTS_LEN);
	memcpy(dst, buf, len);
	return 0;
}

static int
show_hostname(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_printf(b, "%s\n", utsname_nodename);
	return 0;
}

static int
store_hostname(const struct proc_inode *pi, const char *buf, size_t len)
{
	return store_name(utsname_nodename, buf, len);
}

static int
show_domainname(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_printf(b, "%s\n", utsname_domainname);
	return 0;
}

static int
store_domainname(const struct proc_inode *pi, const char *buf, size_t len)
{
	return store_name(utsname_domainname, buf, len);
}

static int
store_ignore(const struct proc_inode *pi, const char *buf, size_t len)
{
	return 0;
}

/*
 * Constant files: the entry's name picks the text.  One table keeps the
 * values next to each other instead of a function per file.
 */
static const struct {
	const char *name, *value;
} sys_constants[] = {
	{ "ostype", "Linux" },
	{ "osrelease", PROC_OSRELEASE },
	{ "version", "#1 umk" },
	{ "pid_max", "32768" },
	{ "threads-max", "32768" },
	{ "ngroups_max", "65536" },
	{ "cap_last_cap", "40" },
	{ "overflowuid", "65534" },
	{ "overflowgid", "65534" },
	{ "core_pattern", "core" },
	{ "entropy_avail", "256" },
	{ "poolsize", "256" },
	{ "overcommit_memory", "0" },
	{ "overcommit_ratio", "50" },
	{ "max_map_count", "65530" },
	{ "swappiness", "0" },
	{ "file-max", "1048576" },
	{ "nr_open", "1048576" },
};

static int
show_constant(const struct proc_inode *pi, struct pbuf *b)
{
	size_t i;

	for (i = 0; i < sizeof(sys_constants) / sizeof(sys_constants[0]); i++)
		if (strcmp(sys_constants[i].name, pi->e->name) == 0)
			pbuf_printf(b, "%s\n", sys_constants[i].value);
	return 0;
}

#define SYS_CONST(n) { .name = (n), .mode = K_S_IFREG | 0444, \
		       .show = show_constant }
#define SYS_DIR(n, t) { .name = (n), .mode = K_S_IFDIR | 0555, \
			.children = PROC_TABLE(t) }

static struct proc_entry sys_random[] = {
	{ .name = "boot_id", .mode = K_S_IFREG | 0444, .show = show_boot_id },
	SYS_CONST("entropy_avail"),
	SYS_CONST("poolsize"),
	{ .name = "uuid", .mode = K_S_IFREG | 0444, .show = show_uuid },
};

static struct proc_entry sys_kernel[] = {
	SYS_CONST("cap_last_cap"),
	SYS_CONST("core_pattern"),
	{ .name = "domainname", .mode = K_S_IFREG | 0644,
	  .show = show_domainname, .store = store_domainname },
	{ .name = "hostname", .mode = K_S_IFREG | 0644,
	  .show = show_hostname, .store = store_hostname },
	SYS_CONST("ngroups_max"),
	SYS_CONST("osrelease"),
	SYS_CONST("ostype"),
	SYS_CONST("overflowgid"),
	SYS_CONST("overflowuid"),
	SYS_CONST("pid_max"),
	SYS_DIR("random", sys_random),
	SYS_CONST("threads-max"),
	SYS_CONST("version"),
};

static struct proc_entry sys_vm[] = {
	{ .name = "drop_caches", .mode = K_S_IFREG | 0200,
	  .store = store_ignore },
	SYS_CONST("max_map_count"),
	SYS_CONST("overcommit_memory"),
	SYS_CONST("overcommit_ratio"),
	SYS_CONST("swappiness"),
};

static struct proc_entry sys_fs[] = {
	SYS_CONST("file-max"),
	SYS_CONST("nr_open"),
};

struct proc_entry proc_sys_table[PROC_SYS_NENTRIES] = {
	SYS_DIR("fs", sys_fs),
	SYS_DIR("kernel", sys_kernel),
	SYS_DIR("vm", sys_vm),
};
