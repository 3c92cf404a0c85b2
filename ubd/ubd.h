/*
 * ubd: User-Mode Linux's block device, a host image file seen as a disk
 * (/dev/ubda … /dev/ubdp, major 98, 16 minors per disk).
 */
#ifndef UBD_UBD_H
#define UBD_UBD_H

#include "cmdline.h"

#define UBD_MAJOR 98

/*
 * Open and lock every configured image and register the disks.  On error,
 * prints one line naming the problem and returns -errno.
 */
int ubd_setup(const struct ubd_spec *specs, int n);
/* Flush and close every image (shutdown). */
void ubd_release_all(void);

#endif
