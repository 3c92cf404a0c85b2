/*
 * execve: replacing a process's program.
 *
 * The arguments are copied into the kernel first (E2BIG past the limits).
 * The file is looked up in the guest VFS and recognised by its first bytes:
 * "#!" scripts re-enter with the interpreter (at most EXEC_MAX_DEPTH deep),
 * ELF files are loaded by load_elf().  Until the point of no return a
 * failure returns an error to the old program; after it (the old address
 * space is gone) the process dies of SIGSEGV, as in Linux.
 *
 * A new program gets a new address space: a fresh stub process, with the
 * segments (and PT_INTERP's, for dynamic programs) mapped into it, a stack
 * with argv, envp and the auxiliary vector, and the host's vDSO.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/fdtable.h"
#include "fs/namei.h"
#include "mm/mm.h"
#include "printk.h"
#include "syscall.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"
#include "x86_64/elf.h"

#define MAX_ARG_STRLEN (32 * PAGE_SIZE)
#define MAX_ARG_TOTAL (2UL << 20) /* a quarter of the 8 MiB stack rlimit */
#define EXEC_MAX_DEPTH 5
#define ELF_ET_DYN_BASE 0x555555554000UL
#define STACK_SIZE (8UL << 20)
#define MMAP_GAP (128UL << 20)
#define HEADER_LEN 256
#define AT_SYMLINK_NOFOLLOW_K 0x100
#define AT_EMPTY_PATH_K 0x1000

/* argv then envp strings, packed, each NUL-terminated. */
struct exec_args {
	char *buf;
	size_t len, cap;
	int argc, envc;
};

/* Make room for n more bytes, within the total limit. */
static int
args_reserve(struct exec_args *ea, size_t n)
{
	size_t cap = ea->cap ? ea->cap : 4096;
	char *nb;

	if (ea->len + n > MAX_ARG_TOTAL)
		return -E2BIG;
	while (cap < ea->len + n)
		cap *= 2;
	if (cap == ea->cap)
		return 0;
	if ((nb = realloc(ea->buf, cap)) == NULL)
		return -ENOMEM;
	ea->buf = nb;
	ea->cap = cap;
	return 0;
}

static int
args_push(struct exec_args *ea, const char *s, size_t len)
{
	int r;

	if (len + 1 > MAX_ARG_STRLEN)
		return -E2BIG;
	if ((r = args_reserve(ea, len + 1)) < 0)
		return r;
	memcpy(ea->buf + ea->len, s, len);
	ea->buf[ea->len + len] = 0;
	ea->len += len + 1;
	return 0;
}

/* Append the strings of a guest vector (argv or envp); NULL vec is empty. */
static int
args_push_user(struct task *t, struct exec_args *ea, uaddr_t vec, int *count)
{
	char *s = malloc(MAX_ARG_STRLEN);
	int r = 0;

	if (!s)
		return -ENOMEM;
	for (*count = 0; !uaddr_is_null(vec); (*count)++) {
		uint64_t p;
		long len;

		if (copy_from_user(t, &p, uaddr_add(vec, 8 * (uint64_t)*count),
				   sizeof(p)) < 0) {
			r = -EFAULT;
			break;
		}
		if (p == 0)
			break;
		len = strncpy_from_user(t, s, UADDR(p), MAX_ARG_STRLEN);
		if (len < 0) {
			r = len == -ENAMETOOLONG ? -E2BIG : (int)len;
			break;
		}
		if ((r = args_push(ea, s, (size_t)len)) < 0)
			break;
	}
	free(s);
	return r;
}

/* The n-th string of the packed buffer (argv first, then envp). */
static const char *
args_string(const struct exec_args *ea, int n, size_t *off_out)
{
	size_t off = 0;

	while (n-- > 0)
		off += strlen(ea->buf + off) + 1;
	if (off_out)
		*off_out = off;
	return ea->buf + off;
}

struct binprm {
	struct file *file;
	char header[HEADER_LEN];
	size_t header_len;
	char *filename;	      /* as passed to execve, for AT_EXECFN */
	struct exec_args args;
	int depth;
	bool secure; /* AT_SECURE: set-id program (cred_exec) */
};

static int exec_path(struct task *t, int dirfd, const char *path, int flags,
		     struct binprm *bp);

/* Append already-packed strings. */
static int
args_append_raw(struct exec_args *ea, const char *buf, size_t len)
{
	int r;

	if ((r = args_reserve(ea, len)) < 0)
		return r;
	memcpy(ea->buf + ea->len, buf, len);
	ea->len += len;
	return 0;
}

/* Split "#!interp [arg]" in place; NULL if there is no interpreter. */
static char *
parse_shebang(char *line, char **arg)
{
	char *interp, *end;

	*arg = NULL;
	for (interp = line; *interp == ' ' || *interp == '\t'; interp++)
		;
	if (*interp == 0)
		return NULL;
	for (end = interp; *end && *end != ' ' && *end != '\t'; end++)
		;
	if (*end) {
		*end++ = 0;
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end) {
			char *tail = end + strlen(end);

			while (tail > end && (tail[-1] == ' ' || tail[-1] == '\t'))
				*--tail = 0;
			*arg = end;
		}
	}
	return interp;
}

/*
 * "#!interp [arg]": the new argv is interp, [arg], the script path, then
 * the old argv without its first entry.
 */
static int
load_script(struct task *t, struct binprm *bp, const char *path)
{
	char line[HEADER_LEN], *interp, *arg, *nl;
	struct exec_args na = { 0 };
	size_t off = 0;
	int r;

	memcpy(line, bp->header + 2, bp->header_len - 2);
	line[bp->header_len - 2] = 0;
	if ((nl = strchr(line, '\n')) != NULL)
		*nl = 0;
	else if (bp->header_len == HEADER_LEN)
		return -ENOEXEC;
	if ((interp = parse_shebang(line, &arg)) == NULL)
		return -ENOEXEC;
	if (bp->args.argc > 0)
		args_string(&bp->args, 1, &off);
	if ((r = args_push(&na, interp, strlen(interp))) < 0 ||
	    (arg && (r = args_push(&na, arg, strlen(arg))) < 0) ||
	    (r = args_push(&na, path, strlen(path))) < 0 ||
	    (r = args_append_raw(&na, bp->args.buf + off,
				 bp->args.len - off)) < 0) {
		free(na.buf);
		return r;
	}
	na.argc = (arg ? 3 : 2) + (bp->args.argc > 0 ? bp->args.argc - 1 : 0);
	na.envc = bp->args.envc;
	free(bp->args.buf);
	bp->args = na;
	file_put(bp->file);
	bp->file = NULL;
	if (++bp->depth > EXEC_MAX_DEPTH)
		return -ELOOP;
	return exec_path(t, AT_FDCWD_K, interp, 0, bp);
}

static int
read_elf_headers(struct file *f, const char *hdr, size_t hlen,
		 struct elf64_ehdr *eh, struct elf64_phdr **phdrs)
{
	size_t size;
	ssize_t n;

	if (hlen < sizeof(*eh))
		return -ENOEXEC;
	memcpy(eh, hdr, sizeof(*eh));
	if (memcmp(eh->e_ident, "\177ELF", 4) != 0 || eh->e_ident[4] != 2 ||
	    eh->e_ident[5] != 1)
		return -ENOEXEC;
	if ((eh->e_type != ET_EXEC && eh->e_type != ET_DYN) ||
	    eh->e_machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > 128)
		return -ENOEXEC;
	size = (size_t)eh->e_phnum * sizeof(struct elf64_phdr);
	if ((*phdrs = malloc(size)) == NULL)
		return -ENOMEM;
	n = kernel_read(f, *phdrs, size, eh->e_phoff);
	if (n != (ssize_t)size) {
		free(*phdrs);
		*phdrs = NULL;
		return n < 0 ? (int)n : -ENOEXEC;
	}
	return 0;
}

/* The span of the PT_LOAD segments: [*lo, *hi), page aligned. */
static int
elf_span(const struct elf64_ehdr *eh, const struct elf64_phdr *ph,
	 uint64_t *lo, uint64_t *hi)
{
	int i, n = 0;

	*lo = UINT64_MAX;
	*hi = 0;
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_memsz < ph[i].p_filesz ||
		    ph[i].p_vaddr + ph[i].p_memsz < ph[i].p_vaddr ||
		    ((ph[i].p_vaddr - ph[i].p_offset) & (PAGE_SIZE - 1)))
			return -ENOEXEC;
		if (PAGE_ALIGN_DOWN(ph[i].p_vaddr) < *lo)
			*lo = PAGE_ALIGN_DOWN(ph[i].p_vaddr);
		if (PAGE_ALIGN(ph[i].p_vaddr + ph[i].p_memsz) > *hi)
			*hi = PAGE_ALIGN(ph[i].p_vaddr + ph[i].p_memsz);
		n++;
	}
	return n ? 0 : -ENOEXEC;
}

static unsigned int
elf_prot(uint32_t flags)
{
	return ((flags & PF_R) ? K_PROT_READ : 0) |
	       ((flags & PF_W) ? K_PROT_WRITE : 0) |
	       ((flags & PF_X) ? K_PROT_EXEC : 0);
}

/* Map one PT_LOAD segment at bias: file part, zeroed tail, anonymous bss. */
static int
map_segment(struct task *t, struct file *f, const struct elf64_phdr *ph,
	    uint64_t bias)
{
	uint64_t start = PAGE_ALIGN_DOWN(ph->p_vaddr + bias);
	uint64_t file_end = ph->p_vaddr + bias + ph->p_filesz;
	uint64_t mem_end = PAGE_ALIGN(ph->p_vaddr + bias + ph->p_memsz);
	unsigned int prot = elf_prot(ph->p_flags);
	unsigned int flags = K_MAP_PRIVATE | K_MAP_FIXED;
	uint64_t out;
	int r;

	if (ph->p_filesz) {
		r = mm_mmap(t, start, PAGE_ALIGN(file_end) - start,
			    prot | K_PROT_WRITE, flags, f,
			    PAGE_ALIGN_DOWN(ph->p_offset), &out);
		if (r < 0)
			return r;
		if (ph->p_memsz > ph->p_filesz &&
		    (r = clear_user(t, UADDR(file_end),
				    PAGE_ALIGN(file_end) - file_end)) < 0)
			return r;
		if (!(prot & K_PROT_WRITE) &&
		    (r = mm_mprotect(t, start, PAGE_ALIGN(file_end) - start,
				     prot)) < 0)
			return r;
		start = PAGE_ALIGN(file_end);
	}
	if (mem_end > start)
		return mm_mmap(t, start, mem_end - start, prot, flags, NULL, 0,
			       &out);
	return 0;
}

/*
 * Map an ELF image.  ET_DYN images go at base (0: anywhere, top-down);
 * *bias gets the load bias, *end the end of the highest segment.
 */
static int
map_elf(struct task *t, struct file *f, const struct elf64_ehdr *eh,
	const struct elf64_phdr *ph, uint64_t base, uint64_t *bias,
	uint64_t *end)
{
	uint64_t lo, hi, at;
	int i, r;

	if ((r = elf_span(eh, ph, &lo, &hi)) < 0)
		return r;
	*bias = 0;
	if (eh->e_type == ET_DYN) {
		/* Reserve the whole span so the segments land together. */
		r = mm_mmap(t, base, hi - lo, 0,
			    K_MAP_PRIVATE | (base ? K_MAP_FIXED : 0), NULL, 0,
			    &at);
		if (r < 0)
			return r;
		*bias = at - lo;
	}
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD &&
		    (r = map_segment(t, f, &ph[i], *bias)) < 0)
			return r;
	*end = hi + *bias;
	return 0;
}

/* The code and data ranges of the main program, for /proc. */
static void
note_layout(struct mm *mm, const struct elf64_ehdr *eh,
	    const struct elf64_phdr *ph, uint64_t bias)
{
	int i;

	mm->start_code = mm->start_data = UINT64_MAX;
	for (i = 0; i < eh->e_phnum; i++) {
		uint64_t lo = ph[i].p_vaddr + bias, hi = lo + ph[i].p_filesz;

		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_flags & PF_X) {
			if (lo < mm->start_code)
				mm->start_code = lo;
			if (hi > mm->end_code)
				mm->end_code = hi;
		} else {
			if (lo < mm->start_data)
				mm->start_data = lo;
			if (hi > mm->end_data)
				mm->end_data = hi;
		}
	}
	if (mm->start_code == UINT64_MAX)
		mm->start_code = 0;
	if (mm->start_data == UINT64_MAX)
		mm->start_data = 0;
}

/* The loaded program, for building the stack and the registers. */
struct elf_image {
	uint64_t entry, phdr, phnum, base, brk;
};

static uint64_t
elf_phdr_addr(const struct elf64_ehdr *eh, const struct elf64_phdr *ph,
	      uint64_t bias)
{
	int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			return ph[i].p_vaddr + bias;
	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			return ph[i].p_vaddr + bias + eh->e_phoff;
	return 0;
}

struct interp {
	struct file *file;
	struct elf64_ehdr eh;
	struct elf64_phdr *ph;
};

static int
open_interp(struct task *t, struct file *f, const struct elf64_ehdr *eh,
	    const struct elf64_phdr *ph, struct interp *in)
{
	char path[PATH_MAX_K], hdr[HEADER_LEN];
	struct path p;
	ssize_t n;
	int i, r;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_INTERP)
			break;
	if (i == eh->e_phnum)
		return 0;
	if (ph[i].p_filesz < 2 || ph[i].p_filesz > PATH_MAX_K)
		return -ENOEXEC;
	n = kernel_read(f, path, ph[i].p_filesz, ph[i].p_offset);
	if (n != (ssize_t)ph[i].p_filesz || path[n - 1] != 0)
		return -ENOEXEC;
	if ((r = path_lookup(t, AT_FDCWD_K, path, LOOKUP_FOLLOW, &p)) < 0)
		return r;
	r = vfs_open_path(t, &p, 0 /* O_RDONLY */, &in->file);
	path_put(&p);
	if (r < 0)
		return r;
	n = kernel_read(in->file, hdr, sizeof(hdr), 0);
	if (n < 0)
		return (int)n;
	return read_elf_headers(in->file, hdr, (size_t)n, &in->eh, &in->ph);
}

/*
 * execve in a multithreaded process: every other thread exits first, and
 * the caller takes over the process id as its thread id.  May sleep.
 */
static int
de_thread(struct task *t)
{
	struct process *p = t->proc;
	struct task *o;

	if (p->nr_threads == 1)
		goto own_pid;
	list_for_each_entry(o, &p->threads, thread_link)
		if (o != t)
			signal_zap_thread(o);
	/* Only a fatal signal ends the wait: another one stays pending for
	 * the new program, and must not make this loop spin. */
	while (p->nr_threads > 1)
		if (sleep_on_killable(&p->thread_exit_wait, "de_thread") < 0)
			return -EINTR;
own_pid:
	if (t->tid != p->pid) {
		task_unregister(t);
		pid_free(t->tid);
		t->tid = p->pid;
		pid_get(p->pid);
		task_register(t);
	}
	return 0;
}

/* Past this, the old program is gone: a fresh stub process and mm. */
static int
exec_new_address_space(struct task *t)
{
	struct host_task *nh;
	struct mm *mm = mm_alloc();
	uint64_t limit = host_task_size();
	int r;

	if (!mm)
		return -ENOMEM;
	if ((r = host_task_spawn(t, &nh)) < 0) {
		mm_put(mm);
		return r;
	}
	task_rusage_settle(t);
	if (t->host)
		host_task_kill(t->host);
	if (t->mm)
		mm_put(t->mm);
	t->host = nh;
	t->mm = mm;
	mm->start_stack = limit - 0x10000;
	mm->mmap_base = mm->start_stack - STACK_SIZE - MMAP_GAP;
	if (host_vdso_base())
		vma_insert_fixed(mm, host_vdso_base(),
				 host_vdso_base() + host_vdso_size(),
				 K_PROT_READ | K_PROT_EXEC, VMA_VDSO);
	return 0;
}

/* What a new program must not inherit. */
static int
exec_flush_old(struct task *t, struct binprm *bp)
{
	struct process *p = t->proc;
	const char *base = strrchr(bp->filename, '/');

	if (t->files->refcount > 1) {
		struct files *nf = files_copy(t->files);

		if (!nf)
			return -ENOMEM;
		files_put(t->files);
		t->files = nf;
	}
	files_close_on_exec(t->files);
	p->did_exec = true; /* its parent may no longer setpgid it */
	bp->secure = cred_exec(t, bp->file->inode,
			       bp->file->path.mnt->flags & K_MS_NOSUID);
	if (p->sighand->refcount > 1) {
		struct sighand *sh = sighand_copy(p->sighand);

		if (!sh)
			return -ENOMEM;
		sighand_put(p->sighand);
		p->sighand = sh;
	}
	sighand_exec(p->sighand);
	posix_timers_exit(p);
	t->altstack.sp = 0; /* its flags stay, as on Linux */
	t->altstack.size = 0;
	t->clear_child_tid = 0;
	base = base ? base + 1 : bp->filename;
	memset(t->comm, 0, sizeof(t->comm));
	strncpy(t->comm, base, sizeof(t->comm) - 1);
	if (!p->vfork_done) {
		p->vfork_done = true;
		wake_up(&p->vfork_wait);
	}
	return 0;
}

static uint64_t
cpu_hwcap(void)
{
	unsigned int eax, ebx, ecx, edx;

	__asm__("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(1));
	return edx;
}

/* Build argc, argv, envp, auxv and the strings at the top of the stack. */
static int
build_stack(struct task *t, struct binprm *bp, const struct elf_image *img)
{
	struct mm *mm = t->mm;
	uint64_t top = mm->start_stack, p = top, execfn, strings, platform,
		 random, sp, *w;
	size_t fnlen = strlen(bp->filename) + 1, argv_bytes, i, nptrs, off;
	uint64_t auxv[][2] = {
		{ AT_SYSINFO_EHDR, host_vdso_base() },
		{ AT_MINSIGSTKSZ, host_xstate_size() + 1024 },
		{ AT_HWCAP, cpu_hwcap() },
		{ AT_PAGESZ, PAGE_SIZE },
		{ AT_CLKTCK, 100 },
		{ AT_PHDR, img->phdr },
		{ AT_PHENT, sizeof(struct elf64_phdr) },
		{ AT_PHNUM, img->phnum },
		{ AT_BASE, img->base },
		{ AT_FLAGS, 0 },
		{ AT_ENTRY, img->entry },
		{ AT_UID, t->cred.uid },
		{ AT_EUID, t->cred.euid },
		{ AT_GID, t->cred.gid },
		{ AT_EGID, t->cred.egid },
		{ AT_SECURE, bp->secure },
		{ AT_RANDOM, 0 },
		{ AT_HWCAP2, 0 },
		{ AT_EXECFN, 0 },
		{ AT_PLATFORM, 0 },
		{ AT_NULL, 0 },
	};
	size_t nauxv = sizeof(auxv) / sizeof(auxv[0]);
	char *buf;
	int r;

	execfn = p -= fnlen;
	strings = p -= bp->args.len;
	platform = p -= 7;
	random = p -= 16;
	p &= ~15ULL;
	nptrs = 1 + (size_t)bp->args.argc + 1 + (size_t)bp->args.envc + 1 +
		2 * nauxv;
	sp = (p - nptrs * 8) & ~15ULL;
	if (top - sp > STACK_SIZE / 4)
		return -E2BIG;
	for (i = 0; i < nauxv; i++) {
		if (auxv[i][0] == AT_RANDOM)
			auxv[i][1] = random;
		else if (auxv[i][0] == AT_EXECFN)
			auxv[i][1] = execfn;
		else if (auxv[i][0] == AT_PLATFORM)
			auxv[i][1] = platform;
	}
	if ((buf = calloc(1, top - sp)) == NULL)
		return -ENOMEM;
	memcpy(buf + (execfn - sp), bp->filename, fnlen);
	memcpy(buf + (strings - sp), bp->args.buf, bp->args.len);
	memcpy(buf + (platform - sp), "x86_64", 7);
	host_random(buf + (random - sp), 16);
	w = (uint64_t *)buf;
	*w++ = (uint64_t)bp->args.argc;
	for (i = 0, off = 0; i < (size_t)(bp->args.argc + bp->args.envc); i++) {
		if (i == (size_t)bp->args.argc)
			*w++ = 0;
		*w++ = strings + off;
		off += strlen(bp->args.buf + off) + 1;
	}
	if (bp->args.envc == 0)
		*w++ = 0; /* argv's NULL, not written by the loop */
	*w++ = 0;
	memcpy(w, auxv, sizeof(auxv));
	argv_bytes = 0;
	for (i = 0; i < (size_t)bp->args.argc; i++)
		argv_bytes += strlen(bp->args.buf + argv_bytes) + 1;
	mm->arg_start = strings;
	mm->arg_end = strings + argv_bytes;
	mm->env_start = mm->arg_end;
	mm->env_end = strings + bp->args.len;
	mm->auxv_start = sp + 8 * (nptrs - 2 * nauxv);
	mm->auxv_len = sizeof(auxv);
	r = copy_to_user(t, UADDR(sp), buf, top - sp);
	free(buf);
	if (r < 0)
		return r;
	mm->start_stack = sp;
	return 0;
}

static void
set_start_regs(struct task *t, uint64_t entry)
{
	struct pt_regs *r = host_task_regs(t->host);
	struct pt_regs n = { 0 };

	n.cs = r->cs;
	n.ss = r->ss;
	n.ds = r->ds;
	n.es = r->es;
	n.eflags = 0x202;
	n.rip = entry;
	n.rsp = t->mm->start_stack;
	*r = n;
}

/* After the point of no return: any failure kills with SIGSEGV. */
static int
exec_commit_elf(struct task *t, struct binprm *bp, const struct elf64_ehdr *eh,
		const struct elf64_phdr *ph, struct interp *in)
{
	struct elf_image img = { 0 };
	uint64_t bias, end, ibias, iend;
	int r;

	if ((r = de_thread(t)) < 0 || (r = exec_new_address_space(t)) < 0)
		return r;
	if ((r = exec_flush_old(t, bp)) < 0)
		goto fatal;
	if ((r = map_elf(t, bp->file, eh, ph,
			 eh->e_type == ET_DYN ? ELF_ET_DYN_BASE : 0, &bias,
			 &end)) < 0)
		goto fatal;
	note_layout(t->mm, eh, ph, bias);
	img.entry = eh->e_entry + bias;
	img.phdr = elf_phdr_addr(eh, ph, bias);
	img.phnum = eh->e_phnum;
	if (in->file) {
		if ((r = map_elf(t, in->file, &in->eh, in->ph, 0, &ibias,
				 &iend)) < 0)
			goto fatal;
		img.base = ibias;
	}
	t->mm->start_brk = t->mm->brk = end;
	t->mm->exe_file = file_get(bp->file);
	if ((r = mm_map_stack(t, t->mm->start_stack, STACK_SIZE)) < 0 ||
	    (r = build_stack(t, bp, &img)) < 0)
		goto fatal;
	/* execve's result, 0, lands in rax like any syscall's. */
	set_start_regs(t, in->file ? in->eh.e_entry + ibias : img.entry);
	return 0;
fatal:
	pr_debug("exec of %s failed after the point of no return: %d",
		 bp->filename, r);
	do_group_exit(t, 11);
}

static int
load_elf(struct task *t, struct binprm *bp)
{
	struct elf64_ehdr eh;
	struct elf64_phdr *ph = NULL;
	struct interp in = { 0 };
	uint64_t lo, hi;
	int r;

	if ((r = read_elf_headers(bp->file, bp->header, bp->header_len, &eh,
				  &ph)) < 0)
		return r;
	if ((r = elf_span(&eh, ph, &lo, &hi)) < 0 ||
	    (r = open_interp(t, bp->file, &eh, ph, &in)) < 0)
		goto out;
	r = exec_commit_elf(t, bp, &eh, ph, &in);
out:
	free(ph);
	free(in.ph);
	if (in.file)
		file_put(in.file);
	return r;
}

static int
exec_path(struct task *t, int dirfd, const char *path, int flags,
	  struct binprm *bp)
{
	unsigned int lf = (flags & AT_SYMLINK_NOFOLLOW_K) ? 0 : LOOKUP_FOLLOW;
	struct path p;
	ssize_t n;
	int r;

	if (flags & AT_EMPTY_PATH_K)
		lf |= LOOKUP_EMPTY;
	if ((r = path_lookup(t, dirfd, path, lf, &p)) < 0)
		return r;
	if (K_ISLNK(p.dentry->inode->mode))
		r = -ELOOP; /* AT_SYMLINK_NOFOLLOW named a symlink */
	else if (!K_ISREG(p.dentry->inode->mode) || (p.mnt->flags & K_MS_NOEXEC))
		r = -EACCES;
	else
		r = inode_permission(t, p.dentry->inode, MAY_EXEC);
	if (r == 0)
		r = vfs_open_path(t, &p, 0, &bp->file);
	path_put(&p);
	if (r < 0)
		return r;
	n = kernel_read(bp->file, bp->header, HEADER_LEN, 0);
	if (n < 0)
		return (int)n;
	bp->header_len = (size_t)n;
	if (n >= 2 && bp->header[0] == '#' && bp->header[1] == '!')
		return load_script(t, bp, path);
	return load_elf(t, bp);
}

static void
binprm_free(struct binprm *bp)
{
	if (bp->file)
		file_put(bp->file);
	free(bp->args.buf);
	free(bp->filename);
}

/* May sleep. */
static long
do_execveat(struct task *t, int dirfd, uaddr_t upath, uaddr_t argv,
	    uaddr_t envp, int flags)
{
	struct binprm bp = { 0 };
	char *path;
	int err, r;

	if (flags & ~(AT_SYMLINK_NOFOLLOW_K | AT_EMPTY_PATH_K))
		return -EINVAL;
	path = (flags & AT_EMPTY_PATH_K) ? getname_empty_ok(t, upath, &err)
					 : getname(t, upath, &err);
	if (!path)
		return err;
	bp.filename = path;
	if ((r = args_push_user(t, &bp.args, argv, &bp.args.argc)) < 0 ||
	    (r = args_push_user(t, &bp.args, envp, &bp.args.envc)) < 0)
		goto out;
	r = exec_path(t, dirfd, path, flags, &bp);
out:
	binprm_free(&bp);
	return r;
}

long
sys_execve(struct task *t, const uint64_t a[6])
{
	return do_execveat(t, AT_FDCWD_K, UADDR(a[0]), UADDR(a[1]),
			   UADDR(a[2]), 0);
}

long
sys_execveat(struct task *t, const uint64_t a[6])
{
	return do_execveat(t, (int)a[0], UADDR(a[1]), UADDR(a[2]),
			   UADDR(a[3]), (int)a[4]);
}

/* The kernel's own execve, for init: arguments from kernel memory. */
int
kernel_execve(struct task *t, const char *path, char *const argv[],
	      char *const envp[])
{
	struct binprm bp = { 0 };
	int r = 0, i;

	if ((bp.filename = strdup(path)) == NULL)
		return -ENOMEM;
	for (i = 0; argv[i] && r == 0; i++, bp.args.argc++)
		r = args_push(&bp.args, argv[i], strlen(argv[i]));
	for (i = 0; envp[i] && r == 0; i++, bp.args.envc++)
		r = args_push(&bp.args, envp[i], strlen(envp[i]));
	if (r == 0)
		r = exec_path(t, AT_FDCWD_K, path, 0, &bp);
	binprm_free(&bp);
	return r;
}
