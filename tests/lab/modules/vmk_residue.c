// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk_residue: after `vmkctl unload`, counts the pages of the COS's memory
 * that still start with the ram_residue guest's marker
 * (tests/guest/ram_residue): memory the vmkernel gave back must carry
 * nothing of the VMs that used it. It scans every RAM page Linux knows
 * (lowmem and highmem), reports the count and the first hits, and always
 * "fails" (-EAGAIN) after the report so a scenario can load it again.
 */
#include <linux/module.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include "../../guest/ram_residue/residue_marker.h"

#define REPORT_MAX	4

static int __init vmk_residue_init(void)
{
	uint32_t m[RESIDUE_WORDS];
	unsigned long pfn, end = 0, scanned = 0, found = 0;
	int nid;

	residue_marker(m);
	for_each_online_node(nid)
		end = max(end, node_end_pfn(nid));
	for (pfn = 0; pfn < end; pfn++) {
		struct page *page;
		u32 *p;

		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		if (PageReserved(page))
			continue;
		p = kmap_local_page(page);
		if (residue_match(p, m)) {
			if (found < REPORT_MAX)
				pr_info("vmk_residue: marker at pa %#llx\n",
					(unsigned long long)PFN_PHYS(pfn));
			found++;
		}
		kunmap_local(p);
		scanned++;
		if (!(pfn & 0xfff))
			cond_resched();
	}
	pr_info("vmk_residue: %lu of %lu pages carry the marker\n", found, scanned);
	return -EAGAIN;
}

module_init(vmk_residue_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk lab: look for a guest's marker in the COS's memory");
