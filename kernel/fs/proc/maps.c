/*
 * /proc/PID/maps and the memory figures of status, statm and stat, all
 * from the VMA list of the process's mm (kernel/mm), which is the truth
 * about its address space.
 *
 * The host does the paging, so the kernel does not know which pages are
 * resident: "RSS" here is every mapping that can be touched (not
 * PROT_NONE), an upper bound; the status files (array.c) replace it with
 * the host's figure for the guest's host process when there is one.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/namei.h"
#include "fs/proc/proc_int.h"
#include "mm/mm.h"
#include "task.h"

/* Linux pads the name to this column (25 + 6 * sizeof(void *) - 1). */
#define MAPS_NAME_COL 72

static bool
vma_is_exe(const struct mm *mm, const struct vma *v)
{
	return v->file && mm->exe_file && v->file->inode &&
	       v->file->inode == mm->exe_file->inode;
}

void
proc_vm_stats(const struct mm *mm, struct proc_vm_stats *st)
{
	const struct vma *v;

	memset(st, 0, sizeof(*st));
	list_for_each_entry(v, &mm->vmas, link) {
		uint64_t len = v->end - v->start;

		st->size += len;
		if (v->prot)
			st->rss += len;
		if (v->prot && v->kind == VMA_FILE)
			st->shared += len;
		if (v->kind == VMA_STACK)
			st->stack += len;
		else if ((v->prot & K_PROT_WRITE) &&
			 !(v->flags & K_MAP_SHARED))
			st->data += len;
		if (v->kind == VMA_FILE && (v->prot & K_PROT_EXEC) &&
		    !vma_is_exe(mm, v))
			st->lib += len;
	}
	if (mm->end_code > mm->start_code)
		st->text = mm->end_code - mm->start_code;
}

void
proc_maps_line(struct pbuf *b, uint64_t start, uint64_t end,
	       unsigned int prot, bool shared, uint64_t off,
	       unsigned int major, unsigned int minor, uint64_t ino,
	       const char *name)
{
	size_t line = b->len;

	pbuf_printf(b, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
		    (unsigned long long)start, (unsigned long long)end,
		    (prot & K_PROT_READ) ? 'r' : '-',
		    (prot & K_PROT_WRITE) ? 'w' : '-',
		    (prot & K_PROT_EXEC) ? 'x' : '-', shared ? 's' : 'p',
		    (unsigned long long)off, major, minor,
		    (unsigned long long)ino);
	if (name) {
		pbuf_pad(b, line, MAPS_NAME_COL);
		pbuf_putc(b, ' ');
		pbuf_puts_escaped(b, name, "\n");
	}
	pbuf_putc(b, '\n');
}

/* The name column of a VMA: into buf (PATH_MAX_K bytes) or a constant. */
static const char *
vma_name(const struct vma *v, char *buf)
{
	long n;

	switch (v->kind) {
	case VMA_HEAP:
		return "[heap]";
	case VMA_STACK:
		return "[stack]";
	case VMA_VDSO:
		return "[vdso]";
	case VMA_VVAR:
		return "[vvar]";
	case VMA_FILE:
		if (!v->file || !v->file->path.mnt)
			return NULL;
		if ((n = proc_path_text(&v->file->path, buf,
					PATH_MAX_K - 1)) < 0)
			return NULL;
		buf[n] = 0;
		return buf;
	default:
		return (v->flags & K_MAP_SHARED) ? "/dev/zero (deleted)" : NULL;
	}
}

static void
proc_show_vma(struct pbuf *b, const struct vma *v, char *buf)
{
	const struct inode *inode = v->kind == VMA_FILE && v->file
					    ? v->file->inode
					    : NULL;
	uint64_t dev = inode ? inode->sb->dev : 0;

	proc_maps_line(b, v->start, v->end, v->prot,
		       (v->flags & K_MAP_SHARED) != 0,
		       v->kind == VMA_FILE ? v->offset : 0, k_major(dev),
		       k_minor(dev), inode ? inode->ino : 0, vma_name(v, buf));
}

int
proc_show_maps(const struct proc_inode *pi, struct pbuf *b)
{
	struct proc_target tg;
	const struct vma *v;
	char *buf;
	int r;

	if ((r = proc_target_get(pi, &tg)) < 0)
		return r;
	if (!tg.t || !tg.t->mm)
		return 0;
	if ((buf = malloc(PATH_MAX_K)) == NULL)
		return -ENOMEM;
	list_for_each_entry(v, &tg.t->mm->vmas, link)
		proc_show_vma(b, v, buf);
	free(buf);
	return 0;
}
