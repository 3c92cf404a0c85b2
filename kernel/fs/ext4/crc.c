/*
 * The checksums of ext4 metadata: CRC-32C (Castagnoli) for metadata_csum,
 * and CRC-16 for the older uninit_bg (gdt_csum) group descriptor checksum.
 *
 * ext4_crc32c() is the raw, reflected CRC update: the caller supplies the
 * starting value and no final inversion is applied, which is how ext4 stores
 * its checksums (seeded with ~0 or a per-filesystem seed).  The standard
 * CRC-32C of a buffer is ~ext4_crc32c(~0, buf, len).  It works slice-by-8:
 * eight 256-entry tables, built on first use, let the main loop consume
 * eight bytes per step.
 *
 * ext4_crc16() is the reflected CRC-16 with polynomial 0x8005 (CRC-16/ARC
 * without the final step), seeded by the caller with 0xffff.
 */
#include <stdbool.h>

#include "fs/ext4/ext4_int.h"

#define CRC32C_POLY 0x82F63B78u /* reflected Castagnoli polynomial */
#define CRC16_POLY 0xA001u	/* reflected 0x8005 */

static uint32_t crc32c_table[8][256];
static bool crc32c_ready;
static uint16_t crc16_table[256];
static bool crc16_ready;

static void
crc32c_init(void)
{
	uint32_t crc;
	int i, j, k;

	for (i = 0; i < 256; i++) {
		crc = i;
		for (j = 0; j < 8; j++)
			crc = (crc >> 1) ^ (CRC32C_POLY & -(crc & 1));
		crc32c_table[0][i] = crc;
	}
	for (i = 0; i < 256; i++) {
		crc = crc32c_table[0][i];
		for (k = 1; k < 8; k++) {
			crc = (crc >> 8) ^ crc32c_table[0][crc & 0xff];
			crc32c_table[k][i] = crc;
		}
	}
	crc32c_ready = true;
}

static inline uint32_t
crc32c_byte(uint32_t crc, uint8_t b)
{
	return (crc >> 8) ^ crc32c_table[0][(crc ^ b) & 0xff];
}

static inline uint32_t
crc32c_load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint32_t
ext4_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t lo, hi;

	if (!crc32c_ready)
		crc32c_init();
	for (; len >= 8; len -= 8, p += 8) {
		lo = crc32c_load32(p) ^ crc;
		hi = crc32c_load32(p + 4);
		crc = crc32c_table[7][lo & 0xff] ^
		      crc32c_table[6][(lo >> 8) & 0xff] ^
		      crc32c_table[5][(lo >> 16) & 0xff] ^
		      crc32c_table[4][lo >> 24] ^
		      crc32c_table[3][hi & 0xff] ^
		      crc32c_table[2][(hi >> 8) & 0xff] ^
		      crc32c_table[1][(hi >> 16) & 0xff] ^
		      crc32c_table[0][hi >> 24];
	}
	while (len--)
		crc = crc32c_byte(crc, *p++);
	return crc;
}

static void
crc16_init(void)
{
	uint16_t crc;
	int i, j;

	for (i = 0; i < 256; i++) {
		crc = i;
		for (j = 0; j < 8; j++)
			crc = (crc >> 1) ^ (CRC16_POLY & -(crc & 1));
		crc16_table[i] = crc;
	}
	crc16_ready = true;
}

uint16_t
ext4_crc16(uint16_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!crc16_ready)
		crc16_init();
	while (len--)
		crc = (crc >> 8) ^ crc16_table[(crc ^ *p++) & 0xff];
	return crc;
}
