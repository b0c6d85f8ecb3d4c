// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linear -> guest-physical translation through a 32-bit guest's own page
 * tables, as its MMU would do it (Intel SDM vol. 3A ch. 4, AMD APM vol. 2
 * §5.2-5.3): paging off (identity), 32-bit paging with 4 KiB and, with
 * CR4.PSE, 4 MiB pages, and PAE paging with 4 KiB and 2 MiB pages. The vmm
 * needs it to fetch and emulate the instruction behind an MMIO exit (TCG
 * gives no decode assists). Only presence is checked: the access itself
 * goes to a device model or RAM, never through the guest's rights.
 */
#ifndef VMM_GUEST_WALK_H
#define VMM_GUEST_WALK_H

#include "vmm/platform.h"

#define GW_CR0_PG	(1u << 31)
#define GW_CR4_PSE	(1u << 4)
#define GW_CR4_PAE	(1u << 5)

struct guest_mmu {
	uint32_t cr0, cr3, cr4;
	/* copy len bytes of guest RAM at gpa (a table entry); false: not RAM */
	bool (*read)(void *ctx, uint64_t gpa, void *dst, uint32_t len);
	void *ctx;
};

/* false: an entry on the way is not present or not in RAM. */
bool guest_walk(const struct guest_mmu *mmu, uint32_t linear, uint64_t *gpa);

#endif /* VMM_GUEST_WALK_H */
