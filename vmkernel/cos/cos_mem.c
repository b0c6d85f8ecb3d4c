// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/cos/cos_mem.h"

bool cos_range_ok(const struct pool *pool, uint64_t gpa, uint64_t len)
{
	/* The vmkernel reaches COS memory through its identity map only. */
	if (!len || gpa + len < gpa || gpa + len > VMK_VBASE)
		return false;
	return !pool_overlaps(pool, gpa, len);
}
