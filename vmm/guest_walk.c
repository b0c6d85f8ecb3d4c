// SPDX-License-Identifier: GPL-2.0-only
#include "vmm/guest_walk.h"

/* Page-table entry bits and address fields (SDM vol. 3A §4.3, §4.4). */
#define PTE_P			(1ull << 0)
#define PTE_RW			(1ull << 1)
#define PTE_US			(1ull << 2)
#define PTE_A			(1ull << 5)
#define PTE_D			(1ull << 6)
#define PTE_PS			(1ull << 7)
#define PTE_NX			(1ull << 63)
#define PAE_ADDR		0x000ffffffffff000ull	/* bits 51:12 */
#define PAE_PDPT_ADDR		0xffffffe0u		/* CR3 bits 31:5 in PAE mode */
#define PAE_LARGE		0x200000u
#define PAE_LARGE_RSVD		0x1fe000ull		/* 2 MiB PDE bits 20:13 */
#define PSE_LARGE		0x400000u
#define PSE_LARGE_RSVD		(1u << 21)		/* 4 MiB PDE bit 21 */
#define PSE36_ADDR		0x1fe000u		/* 4 MiB PDE bits 20:13 = address 39:32 */
#define PAGE			0x1000u
#define MAXPHYADDR_MIN		32
#define MAXPHYADDR_MAX		52

/* What a walk found: the entries it used and the rights they grant together. */
struct gw_walk {
	uint64_t entry_gpa[2];	/* PDE, PTE (the PAE PDPTE has no A bit) */
	uint32_t entry_low[2];	/* their low 32 bits as read */
	unsigned int entries;
	bool rw, us, nx;	/* R/W and U/S ANDed over the levels, NX ORed */
	uint64_t gpa;
	uint32_t fault;		/* on a refusal: 0, GW_PF_P or GW_PF_P | GW_PF_RSVD */
};

static unsigned int phys_bits(const struct guest_mmu *m)
{
	if (m->phys_bits < MAXPHYADDR_MIN)
		return MAXPHYADDR_MIN;
	return m->phys_bits > MAXPHYADDR_MAX ? MAXPHYADDR_MAX : m->phys_bits;
}

/* A present entry joins the walk: its rights combine with the levels above. */
static void use_entry(struct gw_walk *w, uint64_t gpa, uint64_t e)
{
	w->entry_gpa[w->entries] = gpa;
	w->entry_low[w->entries] = (uint32_t)e;
	w->entries++;
	w->rw = w->rw && (e & PTE_RW);
	w->us = w->us && (e & PTE_US);
	w->nx = w->nx || (e & PTE_NX);
}

/*
 * Read the entry at table[idx]; GW_PAGE_FAULT when it is not present or
 * sets a bit of rsvd (SDM vol. 3A §4.7: the P flag of the error code is
 * then 1).
 */
static enum gw_status entry(const struct guest_mmu *m, struct gw_walk *w,
			    uint64_t gpa, unsigned int size, uint64_t rsvd,
			    uint64_t *e)
{
	*e = 0;
	if (!m->read(m->ctx, gpa, e, size))
		return GW_NOT_RAM;
	if (!(*e & PTE_P)) {
		w->fault = 0;
		return GW_PAGE_FAULT;
	}
	if (*e & rsvd) {
		w->fault = GW_PF_P | GW_PF_RSVD;
		return GW_PAGE_FAULT;
	}
	return GW_OK;
}

/* PAE paging: PDPTE, PDE, then a 2 MiB page or a PTE (SDM vol. 3A §4.4). */
static enum gw_status walk_pae(const struct guest_mmu *m, uint32_t lin,
			       struct gw_walk *w)
{
	uint64_t above = ~0ull << phys_bits(m) & ~PTE_NX;	/* bits 62:M */
	uint64_t rsvd = above | ((m->efer & GW_EFER_NXE) ? 0 : PTE_NX);
	uint64_t gpa, e;
	enum gw_status st;

	/*
	 * A PDPTE is checked for presence only, as KVM's emulator walk does:
	 * its reserved bits are the CPU's business when it loads the PDPTEs
	 * (Intel at CR3 load), and this walk follows an access the CPU has
	 * just made. QEMU's TCG ignores them, and a stock Linux guest's
	 * PDPTEs carry the A bit there (0x...21): refusing them stopped every
	 * Linux VM at its first CR4 write.
	 */
	gpa = (m->cr3 & PAE_PDPT_ADDR) + (lin >> 30) * 8ull;
	st = entry(m, w, gpa, 8, 0, &e);
	if (st != GW_OK)
		return st;
	gpa = (e & PAE_ADDR) + ((lin >> 21) & 0x1ff) * 8ull;
	st = entry(m, w, gpa, 8, rsvd, &e);
	if (st != GW_OK)
		return st;
	if ((e & PTE_PS) && (e & PAE_LARGE_RSVD)) {
		w->fault = GW_PF_P | GW_PF_RSVD;
		return GW_PAGE_FAULT;
	}
	use_entry(w, gpa, e);
	if (e & PTE_PS) {
		w->gpa = (e & PAE_ADDR & ~(uint64_t)(PAE_LARGE - 1)) |
			 (lin & (PAE_LARGE - 1));
		return GW_OK;
	}
	gpa = (e & PAE_ADDR) + ((lin >> 12) & 0x1ff) * 8ull;
	st = entry(m, w, gpa, 8, rsvd, &e);
	if (st != GW_OK)
		return st;
	use_entry(w, gpa, e);
	w->gpa = (e & PAE_ADDR) | (lin & (PAGE - 1));
	return GW_OK;
}

/*
 * 32-bit paging: PDE, then a 4 MiB page (CR4.PSE) or a PTE (SDM vol. 3A
 * §4.3). Only a 4 MiB PDE has reserved bits: bit 21 and the PSE-36
 * address bits at or above MAXPHYADDR.
 */
static enum gw_status walk_32bit(const struct guest_mmu *m, uint32_t lin,
				 struct gw_walk *w)
{
	uint64_t gpa, e, high;
	enum gw_status st;

	gpa = (m->cr3 & ~(PAGE - 1)) + (lin >> 22) * 4ull;
	st = entry(m, w, gpa, 4, 0, &e);
	if (st != GW_OK)
		return st;
	if ((e & PTE_PS) && (m->cr4 & GW_CR4_PSE)) {
		high = (uint64_t)(e & PSE36_ADDR) << (32 - 13);
		if ((e & PSE_LARGE_RSVD) || (high >> phys_bits(m))) {
			w->fault = GW_PF_P | GW_PF_RSVD;
			return GW_PAGE_FAULT;
		}
		use_entry(w, gpa, e);
		w->gpa = high | (e & ~(PSE_LARGE - 1) & 0xffffffffull) |
			 (lin & (PSE_LARGE - 1));
		return GW_OK;
	}
	use_entry(w, gpa, e);
	gpa = (e & ~(PAGE - 1) & 0xffffffffull) + ((lin >> 12) & 0x3ff) * 4ull;
	st = entry(m, w, gpa, 4, 0, &e);
	if (st != GW_OK)
		return st;
	use_entry(w, gpa, e);
	w->gpa = (e & ~(PAGE - 1) & 0xffffffffull) | (lin & (PAGE - 1));
	return GW_OK;
}

/*
 * The access rights of a translation (SDM vol. 3A §4.6, APM vol. 2
 * §5.6): user accesses need U/S at every level, and R/W for a write;
 * supervisor writes need R/W only with CR0.WP; fetches need NX clear
 * (NX exists only in PAE entries with EFER.NXE) and, for a supervisor
 * with CR4.SMEP, a supervisor page; supervisor data accesses to user
 * pages need CR4.SMAP clear or EFLAGS.AC set (the emulator's accesses are
 * all explicit ones).
 */
static bool allowed(const struct guest_mmu *m, const struct gw_walk *w,
		    enum gw_access acc)
{
	bool user = m->cpl == 3;

	if (user && !w->us)
		return false;
	if (acc == GW_FETCH)
		return !w->nx && (user || !w->us || !(m->cr4 & GW_CR4_SMEP));
	if (!user && w->us && (m->cr4 & GW_CR4_SMAP) &&
	    !(m->eflags & GW_EFLAGS_AC))
		return false;
	if (acc == GW_WRITE && !w->rw)
		return !user && !(m->cr0 & GW_CR0_WP);
	return true;
}

static uint32_t pf_error(const struct guest_mmu *m, enum gw_access acc,
			 uint32_t fault)
{
	bool nx_on = (m->cr4 & GW_CR4_PAE) && (m->efer & GW_EFER_NXE);

	if (acc == GW_WRITE)
		fault |= GW_PF_W;
	if (m->cpl == 3)
		fault |= GW_PF_U;
	if (acc == GW_FETCH && (nx_on || (m->cr4 & GW_CR4_SMEP)))
		fault |= GW_PF_ID;
	return fault;
}

/*
 * Set A in every entry used and D in the leaf for a write; false when an
 * entry changed since it was read (the walk is then redone, as the MMU's
 * locked update would see the new entry).
 */
static bool set_accessed_dirty(const struct guest_mmu *m,
			       const struct gw_walk *w, enum gw_access acc)
{
	unsigned int i;

	for (i = 0; i < w->entries; i++) {
		uint32_t old = w->entry_low[i], val = old | (uint32_t)PTE_A;

		if (i == w->entries - 1 && acc == GW_WRITE)
			val |= (uint32_t)PTE_D;
		if (val != old && !m->cmpxchg(m->ctx, w->entry_gpa[i], old, val))
			return false;
	}
	return true;
}

enum gw_status guest_walk(const struct guest_mmu *m, uint32_t lin,
			  enum gw_access acc, uint64_t *gpa, uint32_t *pf)
{
	unsigned int tries;

	if (!(m->cr0 & GW_CR0_PG)) {
		*gpa = lin;
		return GW_OK;
	}
	for (tries = 0; tries < GW_WALK_TRIES; tries++) {
		struct gw_walk w = { .rw = true, .us = true };
		enum gw_status st = (m->cr4 & GW_CR4_PAE) ?
				    walk_pae(m, lin, &w) : walk_32bit(m, lin, &w);

		if (st == GW_OK && !allowed(m, &w, acc)) {
			w.fault = GW_PF_P;
			st = GW_PAGE_FAULT;
		}
		if (st == GW_PAGE_FAULT)
			*pf = pf_error(m, acc, w.fault);
		if (st != GW_OK)
			return st;
		if (set_accessed_dirty(m, &w, acc)) {
			*gpa = w.gpa;
			return GW_OK;
		}
	}
	return GW_BUSY;
}
