/*
 * epoll (epoll.c): the hook the VFS calls when a file goes away.
 */
#ifndef FS_EPOLL_H
#define FS_EPOLL_H

struct file;

/*
 * f's last reference is gone: remove it from every epoll interest list
 * that watches it, as Linux does at the final close.  file_put calls it
 * before the file's release op, while the file's wait queues still exist.
 */
void eventpoll_release_file(struct file *f);

#endif
