/*
 * Unit test of procfs's pure parts on the host: the text buffer
 * (kernel/fs/proc/pbuf.c), the maps line format and VMA figures
 * (maps.c), and the stat/statm lines (array.c) of a made-up process.
 * The rest of the kernel is replaced by the stand-ins below.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "kernel/fs/proc/array.c"
#include "kernel/fs/proc/maps.c"
#include "kernel/fs/proc/pbuf.c"

/* Stand-ins for the core and the rest of procfs. */

long long boot_time_ns = 1000000000LL;
static struct proc_target fake_target;

int
proc_target_get(const struct proc_inode *pi, struct proc_target *tg)
{
	if (!fake_target.p)
		return -ESRCH;
	*tg = fake_target;
	return 0;
}

void
process_rusage(const struct process *p, struct rusage_acct *ru)
{
	*ru = p->ru_exited;
}

void
task_rusage(const struct task *t, struct rusage_acct *ru)
{
	*ru = t->ru;
}

int
host_task_usage(const struct host_task *ht, struct host_usage *u)
{
	memset(u, 0, sizeof(*u));
	return -ENOSYS;
}

const char *
proc_comm(const struct proc_target *tg, char buf[16])
{
	strcpy(buf, tg->t ? tg->t->comm : tg->p->exit_comm);
	return buf;
}

long
proc_path_text(const struct path *p, char *buf, size_t len)
{
	const char *name = "/bin/busybox";
	size_t n = strlen(name);

	memcpy(buf, name, n < len ? n : len);
	return (long)(n < len ? n : len);
}

static char *
text(struct pbuf *b)
{
	pbuf_putc(b, 0);
	b->len--;
	return b->data;
}

static void
test_pbuf(void)
{
	struct pbuf b;
	char big[600];
	size_t i;

	pbuf_init(&b);
	pbuf_printf(&b, "%d-%s", 42, "x");
	CHECK(strcmp(text(&b), "42-x") == 0);
	pbuf_reset(&b);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	pbuf_printf(&b, "<%s>", big); /* longer than the small buffer */
	CHECK_EQ(b.len, sizeof(big) + 1);
	CHECK(b.data[0] == '<' && b.data[b.len - 1] == '>');
	pbuf_reset(&b);
	pbuf_puts_escaped(&b, "a b\tc\\d\ne", " \t\n\\");
	CHECK(strcmp(text(&b), "a\\040b\\011c\\134d\\012e") == 0);
	pbuf_reset(&b);
	pbuf_puts(&b, "abc");
	pbuf_pad(&b, 0, 8);
	CHECK_EQ(b.len, 8);
	pbuf_pad(&b, 0, 4); /* already wider: nothing */
	CHECK_EQ(b.len, 8);
	/* Overflow: output stops at PBUF_MAX and is flagged, never grows. */
	pbuf_reset(&b);
	for (i = 0; i < PBUF_MAX / 512 + 2; i++)
		pbuf_write(&b, big, 512);
	CHECK(b.overflow);
	CHECK(b.len <= PBUF_MAX);
	pbuf_free(&b);
}

static void
test_maps_line(void)
{
	struct pbuf b;
	const char *want_file = "00400000-00401000 r-xp 00001000 62:00 16"
				"                                 /bin/busybox\n";
	const char *want_anon = "7fff0000-7fff1000 rw-p 00000000 00:00 0 \n";
	const char *want_long =
		"7fffdf7f0000-7fffdfff0000 rw-s 00000000 00:00 0"
		"                          [stack]\n";

	pbuf_init(&b);
	proc_maps_line(&b, 0x400000, 0x401000, K_PROT_READ | K_PROT_EXEC,
		       false, 0x1000, 0x62, 0, 16, "/bin/busybox");
	CHECK(strcmp(text(&b), want_file) == 0);
	CHECK_EQ(strchr(b.data, '/') - b.data, 73);
	pbuf_reset(&b);
	proc_maps_line(&b, 0x7fff0000, 0x7fff1000,
		       K_PROT_READ | K_PROT_WRITE, false, 0, 0, 0, 0, NULL);
	CHECK(strcmp(text(&b), want_anon) == 0);
	pbuf_reset(&b);
	proc_maps_line(&b, 0x7fffdf7f0000, 0x7fffdfff0000,
		       K_PROT_READ | K_PROT_WRITE, true, 0, 0, 0, 0,
		       "[stack]");
	CHECK(strcmp(text(&b), want_long) == 0);
	pbuf_reset(&b);
	/* A newline in a file name cannot break the line structure. */
	proc_maps_line(&b, 0, 0x1000, 0, false, 0, 0, 0, 1, "a\nb");
	CHECK(strstr(text(&b), "a\\012b\n") != NULL);
	pbuf_free(&b);
}

static struct vma *
add_vma(struct mm *mm, uint64_t start, uint64_t end, unsigned int prot,
	unsigned int flags, enum vma_kind kind)
{
	struct vma *v = calloc(1, sizeof(*v));

	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	v->kind = kind;
	list_add_tail(&v->link, &mm->vmas);
	return v;
}

static void
make_mm(struct mm *mm)
{
	memset(mm, 0, sizeof(*mm));
	list_init(&mm->vmas);
	mm->start_code = 0x401000;
	mm->end_code = 0x403000;
	add_vma(mm, 0x400000, 0x404000, K_PROT_READ | K_PROT_EXEC,
		K_MAP_PRIVATE, VMA_FILE);
	add_vma(mm, 0x500000, 0x510000, K_PROT_READ | K_PROT_WRITE,
		K_MAP_PRIVATE, VMA_HEAP);
	add_vma(mm, 0x600000, 0x700000, 0, K_MAP_PRIVATE, VMA_ANON);
	add_vma(mm, 0x7ff000000000, 0x7ff000020000,
		K_PROT_READ | K_PROT_WRITE, K_MAP_PRIVATE, VMA_STACK);
}

static void
free_mm(struct mm *mm)
{
	struct vma *v, *tmp;

	list_for_each_entry_safe(v, tmp, &mm->vmas, link)
		free(v);
}

static void
test_vm_stats(void)
{
	struct proc_vm_stats st;
	struct mm mm;

	make_mm(&mm);
	proc_vm_stats(&mm, &st);
	CHECK_EQ(st.size, 0x4000 + 0x10000 + 0x100000 + 0x20000);
	CHECK_EQ(st.rss, 0x4000 + 0x10000 + 0x20000); /* not PROT_NONE */
	CHECK_EQ(st.shared, 0x4000);
	CHECK_EQ(st.stack, 0x20000);
	CHECK_EQ(st.data, 0x10000);
	CHECK_EQ(st.text, 0x2000);
	CHECK_EQ(st.lib, 0x4000); /* no exe_file: every file is a library */
	free_mm(&mm);
}

/* Count the fields of a stat line: pid, (comm), then space-separated. */
static int
stat_fields(const char *line)
{
	const char *p = strrchr(line, ')');
	int n = 2;

	for (; p && *p; p++)
		if (*p == ' ')
			n++;
	return n;
}

static void
test_stat_lines(void)
{
	static struct process p;
	static struct task t;
	struct proc_inode pi = { .pid = 7 };
	struct pbuf b;
	struct mm mm;

	make_mm(&mm);
	list_init(&p.threads);
	list_init(&p.shared_pending.queue);
	list_init(&t.pending.queue);
	p.pid = p.pgid = p.sid = 7;
	p.nr_threads = 1;
	p.exit_signal = 17;
	p.start_time = boot_time_ns + 250000000LL; /* 25 ticks after boot */
	p.ru_exited.utime_ns = 120000000LL;	   /* 12 ticks */
	p.ru_exited.minflt = 5;
	p.ru_children.majflt = 2;
	t.ru.nvcsw = 9;
	t.proc = &p;
	t.tid = 7;
	t.state = TASK_INTERRUPTIBLE;
	t.mm = &mm;
	strcpy(t.comm, "a b) c");
	fake_target.p = &p;
	fake_target.t = &t;

	pbuf_init(&b);
	CHECK_EQ(proc_show_stat(&pi, &b), 0);
	text(&b);
	CHECK(strncmp(b.data, "7 (a b) c) S 0 7 7 0 -1 ", 24) == 0);
	CHECK_EQ(stat_fields(b.data), 52);
	CHECK(strstr(b.data, " 5 0 0 2 12 0 0 0 20 0 1 0 25 ") != NULL);
	CHECK(b.data[b.len - 1] == '\n');

	pbuf_reset(&b);
	CHECK_EQ(proc_show_statm(&pi, &b), 0);
	CHECK(strcmp(text(&b), "308 52 4 2 0 48 0\n") == 0);

	pbuf_reset(&b);
	CHECK_EQ(proc_show_status(&pi, &b), 0);
	CHECK(strstr(text(&b), "State:\tS (sleeping)\n") != NULL);
	CHECK(strstr(b.data, "VmSize:\t    1232 kB\n") != NULL);
	CHECK(strstr(b.data, "SigCgt:\t0000000000000000\n") != NULL);
	CHECK(strstr(b.data, "voluntary_ctxt_switches:\t9\n") != NULL);

	/* A zombie: no thread, the name kept by the process. */
	fake_target.t = NULL;
	p.state = PROC_ZOMBIE;
	p.exit_status = 3 << 8;
	strcpy(p.exit_comm, "gone");
	pbuf_reset(&b);
	CHECK_EQ(proc_show_stat(&pi, &b), 0);
	text(&b);
	CHECK(strncmp(b.data, "7 (gone) Z ", 11) == 0);
	CHECK_EQ(stat_fields(b.data), 52);
	CHECK(strcmp(b.data + b.len - 5, " 768\n") == 0);

	fake_target.p = NULL;
	pbuf_reset(&b);
	CHECK_EQ(proc_show_stat(&pi, &b), -ESRCH);
	pbuf_free(&b);
	free_mm(&mm);
}

static void
test_inode_numbers(void)
{
	CHECK(proc_pid_ino(1, PROC_KIND_BASE, 0) !=
	      proc_pid_ino(1, PROC_KIND_TASK, (uint64_t)1 << 12));
	CHECK(proc_pid_ino(1, PROC_KIND_FD, 5) !=
	      proc_pid_ino(1, PROC_KIND_FDINFO, 5));
	CHECK(proc_pid_ino(2, PROC_KIND_BASE, 3) !=
	      proc_pid_ino(3, PROC_KIND_BASE, 3));
	CHECK(proc_pid_ino(32767, PROC_KIND_FD, 0xfffffffffULL) >
	      PROC_INO_PID);
}

int
main(void)
{
	test_pbuf();
	test_maps_line();
	test_vm_stats();
	test_stat_lines();
	test_inode_numbers();
	return unit_done("proc_test");
}
