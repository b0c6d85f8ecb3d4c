/* SPDX-License-Identifier: GPL-2.0-only */
/* Access to COS memory named by COS-physical addresses (hypercalls). */
#ifndef VMKERNEL_COS_COS_MEM_H
#define VMKERNEL_COS_COS_MEM_H

#include "vmkernel/mm/pool.h"

/*
 * Is [gpa, gpa + len) COS memory the vmkernel may copy to or from: below
 * the vmkernel's own range, not its pool, not a device it took?
 */
bool cos_range_ok(const struct pool *pool, uint64_t gpa, uint64_t len);
/*
 * A device's registers the vmkernel drives (a BAR, an ECAM page): no
 * COS-named range may touch them from now on, as the COS's own accesses
 * cannot (cos_npt_hide_device()). At init, before any COS request;
 * VMK_NO_CAPACITY beyond COS_MEM_DEVICES.
 */
#define COS_MEM_DEVICES		8
vmk_status_t cos_mem_add_device(uint64_t pa, uint64_t len);
vmk_status_t cos_write(uint64_t gpa, const void *src, uint32_t len);
vmk_status_t cos_read(uint64_t gpa, void *dst, uint32_t len);

#endif /* VMKERNEL_COS_COS_MEM_H */
