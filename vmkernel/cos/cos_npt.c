// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/cos/cos_npt.h"

#define NPT_SPAN	0x100000000ull	/* legacy PAE nested tables: 4 GiB */

vmk_status_t cos_npt_build(struct cos_npt *n, const struct pae_ops *ops,
			   const struct pool *pool, uint32_t sink_pa)
{
	vmk_status_t st;
	uint64_t gpa;

	n->sink_pa = sink_pa;
	n->violations = 0;
	st = pae_create(&n->space, ops);
	if (st != VMK_OK)
		return st;
	for (gpa = 0; gpa < NPT_SPAN; gpa += PAE_LARGE_SIZE) {
		if (pool_overlaps(pool, gpa, PAE_LARGE_SIZE))
			continue;
		st = pae_map_2m(&n->space, (uint32_t)gpa, gpa, PAE_NPT_RAM);
		if (st != VMK_OK)
			return st;
	}
	return VMK_OK;
}

vmk_status_t cos_npt_divert(struct cos_npt *n, const struct pool *pool,
			    uint64_t gpa)
{
	vmk_status_t st;

	if (gpa >= NPT_SPAN || !pool_overlaps(pool, gpa, 1))
		return VMK_BAD_ADDRESS;
	spin_lock(&n->lock);
	n->violations++;
	st = pae_map_4k(&n->space, (uint32_t)gpa & ~(VMK_PAGE_SIZE - 1),
			n->sink_pa, PAE_NPT_RAM);
	spin_unlock(&n->lock);
	return st;
}
