// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linear -> guest-physical translation through a 32-bit guest's own page
 * tables, as its MMU would do it (Intel SDM vol. 3A ch. 4, AMD APM vol. 2
 * §5.2-5.6): paging off (identity), 32-bit paging with 4 KiB and, with
 * CR4.PSE, 4 MiB pages (PSE-36 addresses), and PAE paging with 4 KiB and
 * 2 MiB pages. The vmm needs it to fetch and emulate the instruction
 * behind an MMIO exit (TCG gives no decode assists), and the emulated
 * access must get what the guest's MMU would give it: the walk checks
 * presence, reserved bits and the access rights of every level (SDM vol.
 * 3A §4.6, APM vol. 2 §5.6), and on a refusal returns the page-fault error
 * code the guest must see (SDM vol. 3A §4.7, APM vol. 2 §8.4.2).
 *
 * Accessed and dirty bits: a successful walk sets A in every PDE and PTE
 * it used and, for a write, D in the leaf entry, as the MMU would (SDM
 * vol. 3A §4.8); a guest OS reads D to know which pages to write back. A
 * refused walk sets nothing. The update is a compare-and-exchange of the
 * entry's low 32 bits; when another vCPU changed the entry meanwhile the
 * walk starts again, GW_WALK_TRIES times at most.
 */
#ifndef VMM_GUEST_WALK_H
#define VMM_GUEST_WALK_H

#include "vmm/platform.h"

#define GW_CR0_WP	(1u << 16)	/* supervisor writes honour R/W */
#define GW_CR0_PG	(1u << 31)
#define GW_CR4_PSE	(1u << 4)
#define GW_CR4_PAE	(1u << 5)
#define GW_CR4_SMEP	(1u << 20)	/* no supervisor fetch from user pages */
#define GW_CR4_SMAP	(1u << 21)	/* no supervisor data access to user pages */
#define GW_EFER_NXE	(1ull << 11)	/* bit 63 of PAE entries is NX */
#define GW_EFLAGS_AC	(1u << 18)	/* lifts SMAP for explicit accesses */

/* Page-fault error code bits (SDM vol. 3A §4.7, APM vol. 2 §8.4.2). */
#define GW_PF_P		(1u << 0)	/* 0: not present; 1: protection */
#define GW_PF_W		(1u << 1)	/* the access was a write */
#define GW_PF_U		(1u << 2)	/* the access was made at CPL 3 */
#define GW_PF_RSVD	(1u << 3)	/* a reserved bit was set in an entry */
#define GW_PF_ID	(1u << 4)	/* instruction fetch (with NXE in PAE, or SMEP) */

#define GW_WALK_TRIES	8	/* walks restarted by a racing entry change */

enum gw_access { GW_READ, GW_WRITE, GW_FETCH };

enum gw_status {
	GW_OK,
	GW_PAGE_FAULT,	/* the guest's MMU refuses: #PF with *pf_error */
	GW_NOT_RAM,	/* a table entry on the way is not in guest RAM */
	GW_BUSY,	/* the entries changed under every one of GW_WALK_TRIES walks */
};

struct guest_mmu {
	uint32_t cr0, cr3, cr4;
	uint64_t efer;
	uint32_t eflags;	/* AC, for SMAP */
	uint8_t cpl;		/* 3: user-mode access, else supervisor */
	uint8_t phys_bits;	/* the guest's MAXPHYADDR, CPUID 8000_0008h EAX[7:0] */
	/* copy len bytes of guest RAM at gpa (a table entry); false: not RAM */
	bool (*read)(void *ctx, uint64_t gpa, void *dst, uint32_t len);
	/*
	 * Atomically replace the low 32 bits of the entry at gpa by val when
	 * they still are old; false: they changed, or not RAM.
	 */
	bool (*cmpxchg)(void *ctx, uint64_t gpa, uint32_t old, uint32_t val);
	void *ctx;
};

/*
 * Translate linear for one access of the given kind at mmu->cpl. GW_OK:
 * *gpa is the address; GW_PAGE_FAULT: *pf_error is the error code the
 * guest gets with CR2 = linear; otherwise neither is written.
 */
enum gw_status guest_walk(const struct guest_mmu *mmu, uint32_t linear,
			  enum gw_access access, uint64_t *gpa,
			  uint32_t *pf_error);

#endif /* VMM_GUEST_WALK_H */
