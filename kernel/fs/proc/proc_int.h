/*
 * procfs internals: the shared types of kernel/fs/proc/.
 *
 * Design.  procfs holds no state of its own.  Every name is an entry
 * (struct proc_entry) from a static table, like Plan 9's Dirtab: a name,
 * a mode and the callbacks that make its contents.  An inode is an entry
 * plus the object it speaks about (struct proc_inode: a pid, a tid, an
 * fd), and every operation resolves that object afresh (proc_target_get),
 * so a process that exits makes its files fail cleanly (-ESRCH, or
 * -ENOENT in lookups) instead of leaving dangling pointers.  A pid reused
 * by a new process is noticed through the process's start time.
 *
 * Inodes are made fresh by every lookup and never searched for in the
 * inode cache: the super block sets no_dcache, so the path walk asks us
 * each time, and a stale inode can never be handed out again.  Inode
 * numbers are computed, not allocated, so they stay the same for the same
 * object (ls -i, find):
 *
 *   1                     the root
 *   2 ...                 global entries, numbered in table order at boot
 *   bit 62 | pid << 40 | kind << 36 | value
 *                         per-process objects; kind says what value is:
 *                         BASE: the entry's number in the /proc/PID table
 *                         (0: the directory itself), FD and FDINFO: the
 *                         fd, TASK: tid << 12 | number in the task table.
 *
 * Generated files (file.c) are produced whole into a buffer (struct pbuf)
 * on the first read and again on every read at offset 0, so cat, short
 * reads and "lseek to 0, read again" (top, free -s) all work.  Directory
 * positions (dir.c) are 0 and 1 for the dots, 2 + index for table
 * entries, and fixed offset + number for pids, tids and fds, so a reader
 * resumes where it stopped even when processes come and go in between.
 *
 * The files: inode.c (super block, inodes, registration), file.c (reading
 * and writing generated files, links), dir.c (directories), root.c (the
 * root: fixed files, pids, self), base.c (/proc/PID and task/), array.c
 * (stat, status, statm), maps.c, fd.c, mounts.c, meminfo.c, cpuinfo.c,
 * info.c (uptime, loadavg, stat, version …), sys.c (/proc/sys), pbuf.c.
 *
 * Single-threaded like the rest of the kernel: no locks.
 */
#ifndef FS_PROC_PROC_INT_H
#define FS_PROC_PROC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/vfs.h"

struct process;
struct task;

#define PROC_SUPER_MAGIC 0x9fa0
#define PROC_ROOT_INO 1
/* Directory positions past this hold no entry (pids and tids are int). */
#define PROC_POS_MAX ((uint64_t)INT32_MAX)

/* Per-process inode numbers: see the essay above. */
#define PROC_INO_PID (1ULL << 62)
enum proc_ino_kind {
	PROC_KIND_BASE,
	PROC_KIND_FD,
	PROC_KIND_FDINFO,
	PROC_KIND_TASK,
};

static inline uint64_t
proc_pid_ino(int pid, enum proc_ino_kind kind, uint64_t value)
{
	return PROC_INO_PID | ((uint64_t)(pid & 0x3fffff) << 40) |
	       ((uint64_t)kind << 36) | (value & 0xfffffffffULL);
}

/*
 * A text buffer that grows up to PBUF_MAX; what does not fit is dropped
 * and overflow set.  pbuf.c; pure code.
 */
#define PBUF_MAX (4u << 20)

struct pbuf {
	char *data;
	size_t len, cap;
	bool overflow;
};

void pbuf_init(struct pbuf *b);
void pbuf_free(struct pbuf *b);
void pbuf_reset(struct pbuf *b);
void pbuf_write(struct pbuf *b, const void *p, size_t n);
void pbuf_puts(struct pbuf *b, const char *s);
void pbuf_putc(struct pbuf *b, char c);
void pbuf_printf(struct pbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Spaces until the text since line_start (an offset) is col wide. */
void pbuf_pad(struct pbuf *b, size_t line_start, size_t col);
/* s with each character in esc written as a backslash and 3 octal digits. */
void pbuf_puts_escaped(struct pbuf *b, const char *s, const char *esc);

struct proc_entry;

/* What an inode is about: inode->priv. */
struct proc_inode {
	const struct proc_entry *e;
	int pid;	    /* 0: not a per-process object */
	int tid;	    /* task/TID and below; 0 otherwise */
	int fd;		    /* fd/N and fdinfo/N */
	int64_t start_time; /* the process's, to notice a reused pid */
};

#define PI(inode) ((struct proc_inode *)(inode)->priv)

/* A process as seen by one operation. */
struct proc_target {
	struct process *p;
	struct task *t; /* the thread asked for, else a live one; NULL: zombie */
};

/* Directories whose names are not a static table (root, task, fd). */
struct proc_dir_ops {
	int (*lookup)(struct inode *dir, const char *name, size_t len,
		      struct inode **out);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	/* Link count for stat; NULL: 2 + subdirectories in the table. */
	uint32_t (*nlink)(const struct proc_inode *pi);
};

/* Entry flags */
#define PE_PRIVATE 1 /* only the owner or root may open or follow it */

struct proc_entry {
	const char *name;
	uint32_t mode;
	unsigned int flags;
	uint64_t ino; /* set by proc_number_entries() */

	/* Regular files: fill b with the contents (0 or -errno). */
	int (*show)(const struct proc_inode *pi, struct pbuf *b);
	/* Writable ones: buf is NUL-terminated, len < 4096. */
	int (*store)(const struct proc_inode *pi, const char *buf,
		     size_t len);

	/* Symlinks: the text; magic links also give a place. */
	long (*link_text)(const struct proc_inode *pi, char *buf,
			  size_t len);
	int (*link_path)(const struct proc_inode *pi, struct path *out);

	/* Directories: a static table of children, or dir ops. */
	struct proc_entry *children;
	size_t nchildren;
	const struct proc_dir_ops *dir;
};

#define PROC_TABLE(t) (t), (sizeof(t) / sizeof((t)[0]))

/* inode.c */
extern struct fs_type proc_fs_type;
/* Refresh owner and link count (inode_ops getattr of every entry). */
void proc_getattr(struct inode *inode);
/* chmod and friends: -EPERM. */
int proc_setattr(struct inode *inode, const struct iattr *attr);
/* Give every entry of a table (and its subtables) a number from *next. */
void proc_number_entries(struct proc_entry *table, size_t n, uint64_t *next);
/*
 * A new inode for entry e about the object in ids (copied), numbered ino.
 * NULL when out of memory.
 */
struct inode *proc_inode_new(struct super_block *sb, const struct proc_entry *e,
			     const struct proc_inode *ids, uint64_t ino);
/* The number of entry e as a child of a directory about parent. */
uint64_t proc_child_ino(const struct proc_inode *parent,
			const struct proc_entry *e);

/* file.c: the ops the entry kinds get. */
extern const struct file_ops proc_file_fops;
extern const struct inode_ops proc_file_iops, proc_link_iops,
	proc_magic_link_iops;

/* Link text from a format, cut to len (not NUL-terminated): its length. */
long proc_link_printf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* dir.c */
extern const struct file_ops proc_dir_fops;
extern const struct inode_ops proc_dir_iops;
/* Look name up in a static table below dir. */
int proc_table_lookup(struct inode *dir, struct proc_entry *table, size_t n,
		      const char *name, size_t len, struct inode **out);
/* Emit a static table's entries at positions first .. first + n - 1. */
bool proc_table_emit(struct file *f, struct dir_context *ctx,
		     struct proc_entry *table, size_t n, uint64_t first);
/* A decimal name without sign or leading zeros: its value, or -1. */
long proc_name_to_num(const char *name, size_t len);
/* d_type for a mode. */
unsigned int proc_dtype(uint32_t mode);

/* root.c */
extern struct proc_entry proc_root_entry;

/* base.c: processes. */
extern struct proc_entry proc_pid_entry, proc_tid_entry;
/* Resolve pi's process and thread: 0 or -ESRCH. */
int proc_target_get(const struct proc_inode *pi, struct proc_target *tg);
/* The thread that speaks for p: its leader, else any live one, or NULL. */
struct task *proc_leader(struct process *p);
/* May the reader see p's private files (maps, environ, fd, links)? */
bool proc_may_access(struct task *reader, const struct proc_target *tg);
/* The ids for a process directory (pid and start time). */
void proc_pid_ids(struct process *p, struct proc_inode *ids);
/* The comm of a thread, or of a zombie, copied into buf: buf. */
const char *proc_comm(const struct proc_target *tg, char buf[16]);
/* The reader's root, for printing paths: borrowed, or NULL. */
const struct path *proc_reader_root(void);
/*
 * The name of p as the reader sees it, cut to len and not NUL-terminated:
 * its length, or -errno.
 */
long proc_path_text(const struct path *p, char *buf, size_t len);

/* array.c: the process status files. */
int proc_show_stat(const struct proc_inode *pi, struct pbuf *b);
int proc_show_status(const struct proc_inode *pi, struct pbuf *b);
int proc_show_statm(const struct proc_inode *pi, struct pbuf *b);
/* State letter (R, S, D, T, Z) and word ("sleeping") of a thread. */
char proc_state_letter(const struct proc_target *tg);
const char *proc_state_word(char letter);

/* maps.c */
struct mm;
struct proc_vm_stats {
	uint64_t size, rss, shared, text, data, stack, lib; /* bytes */
};
void proc_vm_stats(const struct mm *mm, struct proc_vm_stats *st);
int proc_show_maps(const struct proc_inode *pi, struct pbuf *b);
/* One maps line: the fields Linux prints, name may be NULL. */
void proc_maps_line(struct pbuf *b, uint64_t start, uint64_t end,
		    unsigned int prot, bool shared, uint64_t off,
		    unsigned int major, unsigned int minor, uint64_t ino,
		    const char *name);

/* fd.c */
extern const struct proc_dir_ops proc_fd_dir_ops, proc_fdinfo_dir_ops;

/* mounts.c */
int proc_show_mounts(const struct proc_inode *pi, struct pbuf *b);
int proc_show_mountinfo(const struct proc_inode *pi, struct pbuf *b);
struct mount;
/* A mount's id: its position in the mount table, from 1. */
int proc_mount_id(const struct mount *m);
/* One /proc/mounts field: space, tab, newline and backslash escaped. */
void proc_mangle(struct pbuf *b, const char *s);

/* meminfo.c, cpuinfo.c */
int proc_show_meminfo(const struct proc_inode *pi, struct pbuf *b);
int proc_show_cpuinfo(const struct proc_inode *pi, struct pbuf *b);
void proc_cpuinfo_init(void);

/* info.c: the small system files. */
int proc_show_uptime(const struct proc_inode *pi, struct pbuf *b);
int proc_show_loadavg(const struct proc_inode *pi, struct pbuf *b);
int proc_show_kstat(const struct proc_inode *pi, struct pbuf *b);
int proc_show_version(const struct proc_inode *pi, struct pbuf *b);
int proc_show_filesystems(const struct proc_inode *pi, struct pbuf *b);
int proc_show_partitions(const struct proc_inode *pi, struct pbuf *b);
int proc_show_cmdline(const struct proc_inode *pi, struct pbuf *b);
int proc_show_tty_drivers(const struct proc_inode *pi, struct pbuf *b);
/* The release string uname(2) reports. */
#define PROC_OSRELEASE "6.1.0-umk"

/* sys.c: the table of /proc/sys (kernel, vm, fs). */
#define PROC_SYS_NENTRIES 3
extern struct proc_entry proc_sys_table[PROC_SYS_NENTRIES];
/* Make the boot id. */
void proc_sys_init(void);

#endif
