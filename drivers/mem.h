/*
 * The memory character devices (mem.c): /dev/null, zero, full, random and
 * urandom, major 1.
 */
#ifndef DRIVERS_MEM_H
#define DRIVERS_MEM_H

/* Register the devices and add their /dev nodes (after devtmpfs_init). */
void mem_devices_init(void);

#endif
