// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/mm/pae.h"

#define PDPT_ENTRIES	4

/*
 * Writes the high half before the low half that holds P: another CPU's
 * walker never sees a present entry with a stale address.
 */
static void set_entry(uint64_t *e, uint64_t v)
{
	volatile uint32_t *w = (volatile uint32_t *)e;

	w[0] = 0;
	w[1] = (uint32_t)(v >> 32);
	w[0] = (uint32_t)v;
}

static uint64_t *pd_entry(struct pae_space *s, uint32_t va)
{
	uint64_t *pdpt = s->ops->table(s->ops->ctx, s->pdpt_pa);
	uint64_t *pd = s->ops->table(s->ops->ctx,
				     pdpt[va >> 30] & PAE_ADDR_MASK);

	return &pd[(va >> 21) & (PAE_ENTRIES - 1)];
}

vmk_status_t pae_create(struct pae_space *s, const struct pae_ops *ops)
{
	uint64_t *pdpt;
	vmk_status_t st;
	int i;

	s->ops = ops;
	st = ops->alloc_table(ops->ctx, &s->pdpt_pa);
	if (st != VMK_OK)
		return st;
	pdpt = ops->table(ops->ctx, s->pdpt_pa);
	for (i = 0; i < PDPT_ENTRIES; i++) {
		uint64_t pd;

		st = ops->alloc_table(ops->ctx, &pd);
		if (st != VMK_OK)
			return st;
		/* PAE PDPTEs: only P, PWT, PCD are defined (§5.3.3). */
		set_entry(&pdpt[i], pd | PAE_P);
	}
	return VMK_OK;
}

vmk_status_t pae_map_2m(struct pae_space *s, uint32_t va, uint64_t pa,
			uint64_t flags)
{
	if (va % PAE_LARGE_SIZE || pa % PAE_LARGE_SIZE)
		return VMK_BAD_PARAM;
	set_entry(pd_entry(s, va), pa | flags | PAE_P | PAE_PS);
	return VMK_OK;
}

vmk_status_t pae_unmap_2m(struct pae_space *s, uint32_t va)
{
	if (va % PAE_LARGE_SIZE)
		return VMK_BAD_PARAM;
	set_entry(pd_entry(s, va), 0);
	return VMK_OK;
}

vmk_status_t pae_map_table(struct pae_space *s, uint32_t va, uint64_t pt_pa,
			   uint64_t flags)
{
	if (va % PAE_LARGE_SIZE || pt_pa % VMK_PAGE_SIZE)
		return VMK_BAD_PARAM;
	set_entry(pd_entry(s, va), pt_pa | flags | PAE_P);
	return VMK_OK;
}

vmk_status_t pae_map_4k(struct pae_space *s, uint32_t va, uint64_t pa,
			uint64_t flags)
{
	uint64_t *pde = pd_entry(s, va), *pt, pt_pa;
	vmk_status_t st;
	int i;

	if (va % VMK_PAGE_SIZE || pa % VMK_PAGE_SIZE)
		return VMK_BAD_PARAM;
	if (!(*pde & PAE_P) || (*pde & PAE_PS)) {
		uint64_t old = *pde;

		st = s->ops->alloc_table(s->ops->ctx, &pt_pa);
		if (st != VMK_OK)
			return st;
		pt = s->ops->table(s->ops->ctx, pt_pa);
		if (old & PAE_P) {	/* split: keep the 2 MiB mapping */
			uint64_t base = old & PAE_ADDR_MASK & ~(uint64_t)(PAE_LARGE_SIZE - 1);
			uint64_t f = old & ~PAE_ADDR_MASK & ~PAE_PS;

			for (i = 0; i < PAE_ENTRIES; i++)
				pt[i] = (base + (uint64_t)i * VMK_PAGE_SIZE) | f;
		}
		/* Intermediate entries get the widest rights; leaves decide. */
		set_entry(pde, pt_pa | PAE_P | PAE_RW | (flags & PAE_US));
	}
	pt = s->ops->table(s->ops->ctx, *pde & PAE_ADDR_MASK);
	set_entry(&pt[(va >> 12) & (PAE_ENTRIES - 1)], pa | flags | PAE_P);
	return VMK_OK;
}

vmk_status_t pae_unmap_4k(struct pae_space *s, uint32_t va)
{
	uint64_t pde = *pd_entry(s, va), *pt;

	if (!(pde & PAE_P) || (pde & PAE_PS))
		return VMK_BAD_PARAM;
	pt = s->ops->table(s->ops->ctx, pde & PAE_ADDR_MASK);
	set_entry(&pt[(va >> 12) & (PAE_ENTRIES - 1)], 0);
	return VMK_OK;
}

bool pae_translate(struct pae_space *s, uint32_t va, uint64_t *pa,
		   uint64_t *flags)
{
	uint64_t pde = *pd_entry(s, va), pte;
	uint64_t *pt;

	if (!(pde & PAE_P))
		return false;
	if (pde & PAE_PS) {
		*pa = (pde & PAE_ADDR_MASK & ~(uint64_t)(PAE_LARGE_SIZE - 1)) +
		      (va & (PAE_LARGE_SIZE - 1));
		*flags = pde & ~PAE_ADDR_MASK;
		return true;
	}
	pt = s->ops->table(s->ops->ctx, pde & PAE_ADDR_MASK);
	pte = pt[(va >> 12) & (PAE_ENTRIES - 1)];
	if (!(pte & PAE_P))
		return false;
	*pa = (pte & PAE_ADDR_MASK) + (va & (VMK_PAGE_SIZE - 1));
	*flags = pte & ~PAE_ADDR_MASK;
	return true;
}
