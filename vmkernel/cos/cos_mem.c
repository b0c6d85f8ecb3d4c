// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/cos/cos_mem.h"

/*
 * The taken devices' registers. Below VMK_VBASE they are in the
 * vmkernel's identity map too, so a hypercall's buffer naming them would
 * have the vmkernel read or write the device for the COS (on hardware
 * that puts a BAR there; the lab's are above 0xbf000000). Written at init
 * only.
 */
static struct {
	uint64_t pa, len;
} devices[COS_MEM_DEVICES];
static uint32_t ndevices;

vmk_status_t cos_mem_add_device(uint64_t pa, uint64_t len)
{
	if (!len || pa + len < pa)
		return VMK_BAD_PARAM;
	if (ndevices == COS_MEM_DEVICES)
		return VMK_NO_CAPACITY;
	devices[ndevices].pa = pa;
	devices[ndevices].len = len;
	ndevices++;
	return VMK_OK;
}

bool cos_range_ok(const struct pool *pool, uint64_t gpa, uint64_t len)
{
	/* The vmkernel reaches COS memory through its identity map only. */
	if (!len || gpa + len < gpa || gpa + len > VMK_VBASE)
		return false;
	for (uint32_t i = 0; i < ndevices; i++)
		if (gpa < devices[i].pa + devices[i].len && devices[i].pa < gpa + len)
			return false;
	return !pool_overlaps(pool, gpa, len);
}
