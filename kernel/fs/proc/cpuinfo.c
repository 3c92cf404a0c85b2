/*
 * /proc/cpuinfo: the one CPU the guest sees, described by the cpuid
 * instruction (an instruction, not a host call: guest code could run it
 * itself).  The clock rate is measured with the time-stamp counter
 * against the monotonic clock since proc_init(), so it needs no host
 * query either.  Flag names are Linux's for the cpuid bits.
 */
#include <stdio.h>
#include <string.h>

#include "fs/proc/proc_int.h"
#include "sched.h"

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static void
cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	__asm__ volatile("cpuid"
			 : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx),
			   "=d"(r->edx)
			 : "a"(leaf), "c"(sub));
}

static uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t tsc_at_init;
static int64_t ns_at_init;

void
proc_cpuinfo_init(void)
{
	tsc_at_init = rdtsc();
	ns_at_init = ktime_now();
}

/* One register's flag names, by bit; NULL for bits Linux does not name. */
typedef const char *const flag_names[32];

static flag_names std_edx = {
	"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic",
	NULL, "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn",
	"clflush", NULL, "dts", "acpi", "mmx", "fxsr", "sse", "sse2", "ss",
	"ht", "tm", "ia64", "pbe",
};

static flag_names std_ecx = {
	"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx",
	"est", "tm2", "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm",
	NULL, "pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt",
	"tsc_deadline_timer", "aes", "xsave", NULL, "avx", "f16c", "rdrand",
	"hypervisor",
};

static flag_names ext_edx = {
	[11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext",
	[25] = "fxsr_opt", [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm",
	[30] = "3dnowext", [31] = "3dnow",
};

static flag_names ext_ecx = {
	"lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm",
	"sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop",
	"skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL, "nodeid_msr",
	NULL, "tbm", "topoext", "perfctr_core", "perfctr_nb", NULL, "bpext",
	"ptsc", "perfctr_llc", "mwaitx", NULL, NULL,
};

static flag_names l7_ebx = {
	"fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep",
	"bmi2", "erms", "invpcid", "rtm", "cqm", NULL, "mpx", "rdt_a",
	"avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma", NULL,
	"clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er",
	"avx512cd", "sha_ni", "avx512bw", "avx512vl",
};

static flag_names l7_ecx = {
	[1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke",
	[5] = "waitpkg", [6] = "avx512_vbmi2", [8] = "gfni", [9] = "vaes",
	[10] = "vpclmulqdq", [11] = "avx512_vnni", [12] = "avx512_bitalg",
	[14] = "avx512_vpopcntdq", [16] = "la57", [22] = "rdpid",
	[25] = "cldemote", [27] = "movdiri", [28] = "movdir64b",
};

static flag_names l7_edx = {
	[4] = "fsrm", [8] = "avx512_vp2intersect", [10] = "md_clear",
	[14] = "serialize", [16] = "tsxldtrk", [18] = "pconfig",
	[19] = "arch_lbr", [22] = "amx_bf16", [23] = "avx512_fp16",
	[24] = "amx_tile", [25] = "amx_int8", [28] = "flush_l1d",
	[29] = "arch_capabilities",
};

static void
put_flags(struct pbuf *b, uint32_t reg, flag_names names)
{
	int i;

	for (i = 0; i < 32; i++)
		if ((reg & (1u << i)) && names[i])
			pbuf_printf(b, " %s", names[i]);
}

struct cpu_desc {
	char vendor[13];
	char model_name[49];
	uint32_t max_leaf, max_ext;
	unsigned int family, model, stepping;
	struct cpuid_regs l1, l7, e1;
};

static void
cpu_describe(struct cpu_desc *d)
{
	struct cpuid_regs r;
	unsigned int base_family;
	char *p;
	int i;

	memset(d, 0, sizeof(*d));
	cpuid(0, 0, &r);
	d->max_leaf = r.eax;
	memcpy(d->vendor, &r.ebx, 4);
	memcpy(d->vendor + 4, &r.edx, 4);
	memcpy(d->vendor + 8, &r.ecx, 4);
	cpuid(1, 0, &d->l1);
	base_family = (d->l1.eax >> 8) & 0xf;
	d->family = base_family;
	d->model = (d->l1.eax >> 4) & 0xf;
	d->stepping = d->l1.eax & 0xf;
	if (base_family == 0xf)
		d->family += (d->l1.eax >> 20) & 0xff;
	if (base_family == 0x6 || base_family == 0xf)
		d->model |= ((d->l1.eax >> 16) & 0xf) << 4;
	if (d->max_leaf >= 7)
		cpuid(7, 0, &d->l7);
	cpuid(0x80000000, 0, &r);
	d->max_ext = r.eax;
	if (d->max_ext >= 0x80000001)
		cpuid(0x80000001, 0, &d->e1);
	if (d->max_ext >= 0x80000004) {
		for (i = 0; i < 3; i++) {
			cpuid(0x80000002 + (uint32_t)i, 0, &r);
			memcpy(d->model_name + 16 * i, &r, 16);
		}
	}
	for (p = d->model_name; *p == ' '; p++)
		;
	memmove(d->model_name, p, strlen(p) + 1);
	if (!d->model_name[0])
		strcpy(d->model_name, "unknown");
}

/* The clock rate in MHz: measured, else what cpuid says, else 0. */
static double
cpu_mhz(const struct cpu_desc *d)
{
	int64_t ns = ktime_now() - ns_at_init;
	struct cpuid_regs r;

	if (ns > 1000000 && tsc_at_init)
		return (double)(rdtsc() - tsc_at_init) * 1000.0 / (double)ns;
	if (d->max_leaf >= 0x16) {
		cpuid(0x16, 0, &r);
		return r.eax;
	}
	return 0;
}

static void
cpu_head(struct pbuf *b, const struct cpu_desc *d, double mhz)
{
	struct cpuid_regs r = { 0 };

	if (d->max_ext >= 0x80000006)
		cpuid(0x80000006, 0, &r);
	pbuf_printf(b, "processor\t: 0\nvendor_id\t: %s\n", d->vendor);
	pbuf_printf(b, "cpu family\t: %u\nmodel\t\t: %u\n", d->family,
		    d->model);
	pbuf_printf(b, "model name\t: %s\nstepping\t: %u\n", d->model_name,
		    d->stepping);
	pbuf_printf(b, "cpu MHz\t\t: %.3f\ncache size\t: %u KB\n", mhz,
		    r.ecx >> 16);
	pbuf_puts(b, "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\n"
		     "cpu cores\t: 1\napicid\t\t: 0\ninitial apicid\t: 0\n"
		     "fpu\t\t: yes\nfpu_exception\t: yes\n");
	pbuf_printf(b, "cpuid level\t: %u\nwp\t\t: yes\n", d->max_leaf);
}

static void
cpu_tail(struct pbuf *b, const struct cpu_desc *d, double mhz)
{
	struct cpuid_regs r = { 0 };

	if (d->max_ext >= 0x80000008)
		cpuid(0x80000008, 0, &r);
	pbuf_printf(b, "bugs\t\t:\nbogomips\t: %.2f\n", mhz * 2);
	pbuf_puts(b, "clflush size\t: 64\ncache_alignment\t: 64\n");
	pbuf_printf(b, "address sizes\t: %u bits physical, %u bits virtual\n",
		    r.eax & 0xff, (r.eax >> 8) & 0xff);
	pbuf_puts(b, "power management:\n\n");
}

int
proc_show_cpuinfo(const struct proc_inode *pi, struct pbuf *b)
{
	struct cpu_desc d;
	double mhz;

	cpu_describe(&d);
	mhz = cpu_mhz(&d);
	cpu_head(b, &d, mhz);
	pbuf_puts(b, "flags\t\t:");
	put_flags(b, d.l1.edx, std_edx);
	put_flags(b, d.l1.ecx, std_ecx);
	put_flags(b, d.e1.edx, ext_edx);
	put_flags(b, d.e1.ecx, ext_ecx);
	put_flags(b, d.l7.ebx, l7_ebx);
	put_flags(b, d.l7.ecx, l7_ecx);
	put_flags(b, d.l7.edx, l7_edx);
	pbuf_putc(b, '\n');
	cpu_tail(b, &d, mhz);
	return 0;
}
