// SPDX-License-Identifier: GPL-2.0-only
/* Copies through the vmkernel's identity map (not built for host tests). */
#include "vmkernel/cos/cos_mem.h"
#include "vmkernel/core/vmkernel.h"

vmk_status_t cos_write(uint64_t gpa, const void *src, uint32_t len)
{
	if (!cos_range_ok(&vmk_pool, gpa, len))
		return VMK_BAD_ADDRESS;
	memcpy(pa_to_va((uint32_t)gpa), src, len);
	return VMK_OK;
}

vmk_status_t cos_read(uint64_t gpa, void *dst, uint32_t len)
{
	if (!cos_range_ok(&vmk_pool, gpa, len))
		return VMK_BAD_ADDRESS;
	memcpy(dst, pa_to_va((uint32_t)gpa), len);
	return VMK_OK;
}
