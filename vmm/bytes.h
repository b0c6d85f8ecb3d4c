// SPDX-License-Identifier: GPL-2.0-only
/*
 * Byte helpers for vmm/ code that must not call libc (vmm/platform.h).
 * The empty asm in each loop keeps GCC from recognising the loop as a
 * memset/memcpy idiom and emitting a call to one.
 */
#ifndef VMM_BYTES_H
#define VMM_BYTES_H

#include "vmm/platform.h"

static inline void vmm_zero(void *dst, size_t len)
{
	uint8_t *d = dst;

	for (size_t i = 0; i < len; i++) {
		d[i] = 0;
		__asm__ volatile("" : : "r"(d) : "memory");
	}
}

static inline void vmm_copy(void *dst, const void *src, size_t len)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	for (size_t i = 0; i < len; i++) {
		d[i] = s[i];
		__asm__ volatile("" : : "r"(d) : "memory");
	}
}

static inline void vmm_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void vmm_put32(uint8_t *p, uint32_t v)
{
	vmm_put16(p, (uint16_t)v);
	vmm_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void vmm_put64(uint8_t *p, uint64_t v)
{
	vmm_put32(p, (uint32_t)v);
	vmm_put32(p + 4, (uint32_t)(v >> 32));
}

/* n characters of s, without a NUL (table signatures, OEM IDs). */
static inline void vmm_put_chars(uint8_t *dst, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		dst[i] = (uint8_t)s[i];
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
}

/* The byte that makes len bytes sum to 0 (MP and ACPI table checksums). */
static inline uint8_t vmm_checksum8(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

static inline uint16_t vmm_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t vmm_get32(const uint8_t *p)
{
	return vmm_get16(p) | ((uint32_t)vmm_get16(p + 2) << 16);
}

static inline uint64_t vmm_get64(const uint8_t *p)
{
	return vmm_get32(p) | ((uint64_t)vmm_get32(p + 4) << 32);
}

/* Big-endian fields: SCSI CDBs and responses, fw_cfg's directory and DMA. */
static inline uint16_t vmm_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t vmm_get_be32(const uint8_t *p)
{
	return (uint32_t)vmm_get_be16(p) << 16 | vmm_get_be16(p + 2);
}

static inline uint64_t vmm_get_be64(const uint8_t *p)
{
	return (uint64_t)vmm_get_be32(p) << 32 | vmm_get_be32(p + 4);
}

static inline void vmm_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void vmm_put_be32(uint8_t *p, uint32_t v)
{
	vmm_put_be16(p, (uint16_t)(v >> 16));
	vmm_put_be16(p + 2, (uint16_t)v);
}

static inline void vmm_put_be64(uint8_t *p, uint64_t v)
{
	vmm_put_be32(p, (uint32_t)(v >> 32));
	vmm_put_be32(p + 4, (uint32_t)v);
}

#endif /* VMM_BYTES_H */
