/* SPDX-License-Identifier: GPL-2.0-only */
/* Access to COS memory named by COS-physical addresses (hypercalls). */
#ifndef VMKERNEL_COS_COS_MEM_H
#define VMKERNEL_COS_COS_MEM_H

#include "vmkernel/mm/pool.h"

/* Is [gpa, gpa + len) COS memory the vmkernel may copy to or from? */
bool cos_range_ok(const struct pool *pool, uint64_t gpa, uint64_t len);
vmk_status_t cos_write(uint64_t gpa, const void *src, uint32_t len);
vmk_status_t cos_read(uint64_t gpa, void *dst, uint32_t len);

#endif /* VMKERNEL_COS_COS_MEM_H */
