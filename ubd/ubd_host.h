/*
 * The host side of ubd: image files (ubd_host.c).  -errno conventions.
 */
#ifndef UBD_UBD_HOST_H
#define UBD_UBD_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Open path (read-write unless read_only) and lock it unless shared:
 * exclusive for writers, shared for readers, never waiting.  -EBUSY when
 * another process holds a conflicting lock.
 */
int ubd_host_open(const char *path, bool read_only, bool shared, int *fd,
		  uint64_t *size);

/* A new file, created exclusively (it must not exist), read-write, locked. */
int ubd_host_create(const char *path, int *fd);

/* Identity of an open image: size, modification time, absolute path. */
struct ubd_host_stat {
	uint64_t size;
	int64_t mtime;
};
int ubd_host_stat(int fd, struct ubd_host_stat *st);
/* The absolute path of path (the file must exist); into buf. */
int ubd_host_realpath(const char *path, char *buf, size_t len);
/* Does path exist? */
bool ubd_host_exists(const char *path);
int ubd_host_pread(int fd, void *buf, size_t len, uint64_t off);
int ubd_host_pwrite(int fd, const void *buf, size_t len, uint64_t off);
int ubd_host_fsync(int fd);
void ubd_host_close(int fd);

#endif
