// SPDX-License-Identifier: GPL-2.0-only
#include "vmm/guest_walk.h"

/* Page-table entry bits and address fields (SDM vol. 3A §4.3, §4.4). */
#define PTE_P			(1ull << 0)
#define PTE_PS			(1ull << 7)
#define PAE_ADDR		0x000ffffffffff000ull	/* bits 51:12 */
#define PAE_PDPT_ADDR		0xffffffe0u		/* CR3 bits 31:5 in PAE mode */
#define PAE_LARGE		0x200000u
#define PSE_LARGE		0x400000u
#define PAGE			0x1000u

static bool entry64(const struct guest_mmu *m, uint64_t table, uint32_t idx,
		    uint64_t *e)
{
	return m->read(m->ctx, table + idx * 8ull, e, 8) && (*e & PTE_P);
}

static bool entry32(const struct guest_mmu *m, uint64_t table, uint32_t idx,
		    uint32_t *e)
{
	return m->read(m->ctx, table + idx * 4ull, e, 4) && (*e & PTE_P);
}

bool guest_walk(const struct guest_mmu *m, uint32_t lin, uint64_t *gpa)
{
	uint64_t e;
	uint32_t e32;

	if (!(m->cr0 & GW_CR0_PG)) {
		*gpa = lin;
		return true;
	}
	if (m->cr4 & GW_CR4_PAE) {
		if (!entry64(m, m->cr3 & PAE_PDPT_ADDR, lin >> 30, &e) ||
		    !entry64(m, e & PAE_ADDR, (lin >> 21) & 0x1ff, &e))
			return false;
		if (e & PTE_PS) {
			*gpa = (e & PAE_ADDR & ~(uint64_t)(PAE_LARGE - 1)) |
			       (lin & (PAE_LARGE - 1));
			return true;
		}
		if (!entry64(m, e & PAE_ADDR, (lin >> 12) & 0x1ff, &e))
			return false;
		*gpa = (e & PAE_ADDR) | (lin & (PAGE - 1));
		return true;
	}
	if (!entry32(m, m->cr3 & ~(PAGE - 1), lin >> 22, &e32))
		return false;
	if ((e32 & PTE_PS) && (m->cr4 & GW_CR4_PSE)) {
		/* PSE-36 address bits 20:13 ignored: guest RAM ends below 4 GiB. */
		*gpa = (e32 & ~(PSE_LARGE - 1)) | (lin & (PSE_LARGE - 1));
		return true;
	}
	if (!entry32(m, e32 & ~(PAGE - 1), (lin >> 12) & 0x3ff, &e32))
		return false;
	*gpa = (e32 & ~(PAGE - 1)) | (lin & (PAGE - 1));
	return true;
}
