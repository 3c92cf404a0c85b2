/*
 * Advisory file locks (locks.c): flock(2), POSIX record locks and
 * open-file-description record locks (fcntl F_SETLK, F_OFD_SETLK …).
 */
#ifndef FS_LOCKS_H
#define FS_LOCKS_H

#include <stdint.h>

struct file;
struct files;
struct task;

/* flock(2): op is LOCK_SH, LOCK_EX or LOCK_UN, maybe with LOCK_NB. */
long locks_flock(struct task *t, struct file *f, unsigned int op);

/*
 * The fcntl lock commands (F_GETLK, F_SETLK, F_SETLKW and the F_OFD_
 * ones) on f, with the guest's struct flock at uflock.  May sleep.
 */
long locks_fcntl(struct task *t, struct file *f, int cmd, uint64_t uflock);

/*
 * The fd table owner closed one of its fds to f: its POSIX locks on f's
 * inode go, as on Linux, whichever fd set them.
 */
void locks_remove_posix(struct files *owner, struct file *f);

/* f's last reference is going: its flock and OFD locks go with it. */
void locks_remove_file(struct file *f);

#endif
