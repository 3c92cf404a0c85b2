/*
 * Pipes and FIFOs (pipe.c): a ring buffer between readers and writers.
 *
 * An anonymous pipe (pipe(2)) is a pair of files on the internal pipefs
 * filesystem; a FIFO is a node on any filesystem whose inodes get
 * fifo_file_ops from init_special_inode(), and whose pipe (inode->pipe)
 * exists while the FIFO is open.
 */
#ifndef FS_PIPE_H
#define FS_PIPE_H

#include "fs/vfs.h"

#define PIPE_BUF_K 4096	    /* writes up to this size are atomic */
#define PIPE_SIZE_K 65536   /* the buffer: 16 pages */
#define PIPEFS_MAGIC 0x50495045

struct pipe;
struct task;

/* read/write/poll/release of both pipe ends and of open FIFOs. */
extern const struct file_ops pipe_file_ops;
/* FIFO nodes: open() attaches inode->pipe, then as pipe_file_ops. */
extern const struct file_ops fifo_file_ops;

/*
 * A new anonymous pipe for task t: *rd and *wr get the read and write
 * ends (one reference each).  flags may hold O_NONBLOCK, for both ends.
 * 0, or -ENOMEM.
 */
int pipe_create(struct task *t, unsigned int flags, struct file **rd,
		struct file **wr);

#endif
