// SPDX-License-Identifier: GPL-2.0-only
/* Guest RAM for the loader tests: a zeroed host buffer behind struct guest_mem. */
#ifndef TESTS_UNIT_VMMBOOT_GUEST_RAM_H
#define TESTS_UNIT_VMMBOOT_GUEST_RAM_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vmm/boot/boot.h"
#include "vmm/bytes.h"

struct guest_ram {
	struct guest_mem mem;
	uint8_t *buf;
	unsigned int writes;
};

static bool ram_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	struct guest_ram *r = ctx;

	if (gpa > r->mem.ram_size || len > r->mem.ram_size - gpa)
		return false;
	memcpy(r->buf + gpa, src, len);
	r->writes++;
	return true;
}

static bool ram_zero(void *ctx, uint64_t gpa, size_t len)
{
	struct guest_ram *r = ctx;

	if (gpa > r->mem.ram_size || len > r->mem.ram_size - gpa)
		return false;
	memset(r->buf + gpa, 0, len);
	return true;
}

static inline struct guest_ram *ram_new(uint64_t size)
{
	struct guest_ram *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	r->buf = calloc(1, size);
	ck_assert_ptr_nonnull(r->buf);
	r->mem = (struct guest_mem){ .ctx = r, .ram_size = size,
				     .write = ram_write, .zero = ram_zero };
	return r;
}

static inline void ram_free(struct guest_ram *r)
{
	free(r->buf);
	free(r);
}

static inline uint32_t ram32(const struct guest_ram *r, uint32_t gpa)
{
	return vmm_get32(r->buf + gpa);
}

static inline uint64_t ram64(const struct guest_ram *r, uint32_t gpa)
{
	return ram32(r, gpa) | (uint64_t)ram32(r, gpa + 4) << 32;
}

/* Record a skipped test where tests/run and a reader see it (TAP comment). */
static inline void report_skip(const char *test, const char *why)
{
	const char *tap = getenv("CK_TAP_LOG_FILE_NAME");
	FILE *f;

	printf("SKIP %s: %s\n", test, why);
	if (!tap || !(f = fopen(tap, "a")))
		return;
	fprintf(f, "# SKIP %s: %s\n", test, why);
	fclose(f);
}

#endif /* TESTS_UNIT_VMMBOOT_GUEST_RAM_H */
