/*
 * Copy-on-write overlays for ubd (cow.c): a disk made of a read-only
 * backing image and an overlay file holding the sectors written since.
 * The on-disk format is described in docs/UBD.md.
 */
#ifndef UBD_COW_H
#define UBD_COW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cow;

/*
 * Open (or, if it does not exist, create) the overlay at path over the
 * backing image (NULL: the one its header names).  Prints one line naming
 * the problem on failure.  *size gets the disk's size.
 */
int cow_open(const char *name, const char *path, const char *backing,
	     bool shared, struct cow **out, uint64_t *size);
int cow_read(struct cow *c, uint64_t off, void *buf, size_t len);
int cow_write(struct cow *c, uint64_t off, const void *buf, size_t len);
int cow_flush(struct cow *c);
void cow_close(struct cow *c);

#endif
