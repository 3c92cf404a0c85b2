/*
 * /proc/meminfo: the guest's memory as the mem= limit defines it.
 *
 * The guest's "RAM" is mem_limit; what guests have committed (kernel/mm
 * charges every private writable mapping against the limit) is what is
 * used, and the page cache (mm/pagecache.c, kept within what that leaves)
 * is Cached, inactive file memory that is given back under pressure.  The
 * host does the paging, so there is no swap, and the rest of the usual
 * fields are printed as 0 so that free(1), top and vmstat find every line
 * they look for, in the order and format Linux uses.
 */
#include <string.h>

#include "fs/proc/proc_int.h"
#include "mm/mm.h"
#include "mm/pagecache.h"

static void
meminfo_kb(struct pbuf *b, const char *name, uint64_t bytes)
{
	char label[32];
	size_t n = strlen(name);

	if (n > sizeof(label) - 2)
		n = sizeof(label) - 2;
	memcpy(label, name, n);
	label[n] = ':';
	label[n + 1] = 0;
	pbuf_printf(b, "%-16s%8llu kB\n", label,
		    (unsigned long long)(bytes / 1024));
}

/* Lines that are always 0 here, in Linux's order after Committed_AS. */
static const char *const meminfo_zero_tail[] = {
	"VmallocUsed", "VmallocChunk", "Percpu", "HardwareCorrupted",
	"AnonHugePages", "ShmemHugePages", "ShmemPmdMapped", "FileHugePages",
	"FilePmdMapped",
};

static const char *const meminfo_zero_mid[] = {
	"Writeback", "AnonPages", "Mapped", "Shmem", "KReclaimable", "Slab",
	"SReclaimable", "SUnreclaim", "KernelStack", "PageTables",
	"NFS_Unstable", "Bounce", "WritebackTmp",
};

static void
meminfo_zeros(struct pbuf *b, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		meminfo_kb(b, names[i], 0);
}

int
proc_show_meminfo(const struct proc_inode *pi, struct pbuf *b)
{
	uint64_t total = mem_limit;
	uint64_t used = mem_committed < total ? mem_committed : total;
	uint64_t cached = pagecache_bytes();

	meminfo_kb(b, "MemTotal", total);
	meminfo_kb(b, "MemFree", mem_free());
	meminfo_kb(b, "MemAvailable", mem_available());
	meminfo_kb(b, "Buffers", 0);
	meminfo_kb(b, "Cached", cached);
	meminfo_kb(b, "SwapCached", 0);
	meminfo_kb(b, "Active", used);
	meminfo_kb(b, "Inactive", cached);
	meminfo_kb(b, "Active(anon)", used);
	meminfo_kb(b, "Inactive(anon)", 0);
	meminfo_kb(b, "Active(file)", 0);
	meminfo_kb(b, "Inactive(file)", cached);
	meminfo_kb(b, "Unevictable", 0);
	meminfo_kb(b, "Mlocked", 0);
	meminfo_kb(b, "SwapTotal", 0);
	meminfo_kb(b, "SwapFree", 0);
	meminfo_kb(b, "Dirty", 0);
	meminfo_zeros(b, meminfo_zero_mid,
		      sizeof(meminfo_zero_mid) / sizeof(meminfo_zero_mid[0]));
	meminfo_kb(b, "CommitLimit", total);
	meminfo_kb(b, "Committed_AS", mem_committed);
	meminfo_kb(b, "VmallocTotal", 34359738367ULL * 1024);
	meminfo_zeros(b, meminfo_zero_tail,
		      sizeof(meminfo_zero_tail) / sizeof(meminfo_zero_tail[0]));
	pbuf_puts(b, "HugePages_Total:       0\nHugePages_Free:        0\n"
		     "HugePages_Rsvd:        0\nHugePages_Surp:        0\n");
	meminfo_kb(b, "Hugepagesize", 2048 * 1024);
	meminfo_kb(b, "Hugetlb", 0);
	return 0;
}
