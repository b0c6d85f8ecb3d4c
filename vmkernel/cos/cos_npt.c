// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/cos/cos_npt.h"
#include "vmkernel/cos/cos_mem.h"

#define NPT_SPAN	0x100000000ull	/* legacy PAE nested tables: 4 GiB */

vmk_status_t cos_npt_build(struct cos_npt *n, const struct pae_ops *ops,
			   const struct pool *pool, uint32_t sink_pa)
{
	uint64_t gpa, *pt;
	vmk_status_t st;
	int i;

	n->sink_pa = sink_pa;
	n->violations = 0;
	n->ndevices = 0;
	st = pae_create(&n->space, ops);
	if (st != VMK_OK)
		return st;
	/* The one page table every diverted region gets: all 512 entries
	 * on the sink, so a divert writes one PDE and allocates nothing. */
	st = ops->alloc_table(ops->ctx, &n->sink_table_pa);
	if (st != VMK_OK)
		return st;
	pt = ops->table(ops->ctx, n->sink_table_pa);
	for (i = 0; i < PAE_ENTRIES; i++)
		pt[i] = sink_pa | PAE_NPT_RAM | PAE_P;
	for (gpa = 0; gpa < NPT_SPAN; gpa += PAE_LARGE_SIZE) {
		if (pool_overlaps(pool, gpa, PAE_LARGE_SIZE))
			continue;
		st = pae_map_2m(&n->space, (uint32_t)gpa, gpa, PAE_NPT_RAM);
		if (st != VMK_OK)
			return st;
	}
	return VMK_OK;
}

vmk_status_t cos_npt_hide_device(struct cos_npt *n, uint64_t pa, uint32_t len)
{
	vmk_status_t st = VMK_OK;
	uint64_t p;

	if (pa % VMK_PAGE_SIZE || len % VMK_PAGE_SIZE || pa + len > NPT_SPAN)
		return VMK_BAD_PARAM;
	if (n->ndevices == COS_NPT_DEVICES)
		return VMK_NO_CAPACITY;
	/* Map each page first, which splits its 2 MiB page into a table
	 * (the only allocation), then clear the entry. */
	for (p = pa; p < pa + len && st == VMK_OK; p += VMK_PAGE_SIZE) {
		st = pae_map_4k(&n->space, (uint32_t)p, p, PAE_NPT_RAM);
		if (st == VMK_OK)
			st = pae_unmap_4k(&n->space, (uint32_t)p);
	}
	/* Nor may a hypercall name them for the vmkernel to touch. */
	if (st == VMK_OK)
		st = cos_mem_add_device(pa, len);
	if (st == VMK_OK) {
		n->device[n->ndevices].pa = pa;
		n->device[n->ndevices].len = len;
		n->ndevices++;
	}
	return st;
}

static bool is_device(const struct cos_npt *n, uint64_t gpa)
{
	for (uint32_t i = 0; i < n->ndevices; i++)
		if (gpa >= n->device[i].pa && gpa - n->device[i].pa < n->device[i].len)
			return true;
	return false;
}

enum cos_npt_hit cos_npt_divert(struct cos_npt *n, const struct pool *pool,
				uint64_t gpa, uint64_t *nth)
{
	enum cos_npt_hit hit = COS_NPT_UNMAPPABLE;
	uint32_t region = (uint32_t)gpa & ~(PAE_LARGE_SIZE - 1);

	spin_lock(&n->lock);
	*nth = ++n->violations;
	if (is_device(n, gpa)) {
		if (pae_map_4k(&n->space, (uint32_t)gpa & ~(VMK_PAGE_SIZE - 1),
			       n->sink_pa, PAE_NPT_RAM) == VMK_OK)
			hit = COS_NPT_DEVICE;
	} else if (gpa < NPT_SPAN && pool_overlaps(pool, gpa, 1) &&
		   pae_map_table(&n->space, region, n->sink_table_pa,
				 PAE_NPT_RAM) == VMK_OK) {
		hit = COS_NPT_VMKERNEL;
	}
	spin_unlock(&n->lock);
	return hit;
}
