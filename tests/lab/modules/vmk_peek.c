// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk_peek: reads and writes one word of physical memory from the COS and
 * reports what it saw. tests/lab/cos_cannot_touch_vmkernel_memory.sh points
 * it at a vmkernel page: the vmkernel must log the access and both the COS
 * and the vmkernel must run on. tests/lab/cos_shared_page_write_gives_no_cpu_back.sh
 * writes the shared page's state word with value=. With scan=1 it instead
 * reads one word of every 2 MiB region of RAM, highmem too, which touches
 * each of the vmkernel's pool chunks
 * (tests/lab/cos_probe_with_the_pool_exhausted_is_refused.sh). With
 * mmio=1, pa is device memory (ioremap'd, uncached): the PVSCSI BAR the
 * vmkernel owns (tests/lab/storage_hba_moves_to_the_vmkernel_and_back.sh). Loading
 * always "fails" (-EAGAIN) after the report so the scenario can repeat it.
 */
#include <linux/module.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/ioport.h>

static ulong pa;
module_param(pa, ulong, 0444);
MODULE_PARM_DESC(pa, "physical address to read and write (lowmem)");
static uint value = 0x5a5a5a5a;
module_param(value, uint, 0444);
MODULE_PARM_DESC(value, "the word to write at pa");
static bool scan;
module_param(scan, bool, 0444);
MODULE_PARM_DESC(scan, "read one word of every 2 MiB region of RAM instead");
static bool mmio;
module_param(mmio, bool, 0444);
MODULE_PARM_DESC(mmio, "pa is device memory (a BAR), not RAM");

#define REGION_PAGES	(SZ_2M >> PAGE_SHIFT)

static void scan_ram(void)
{
	unsigned long pfn, regions = 0, ones = 0;

	for (pfn = 0; pfn < (SZ_4G >> PAGE_SHIFT) - 1; pfn += REGION_PAGES) {
		unsigned long p = pfn + 1;	/* not the region's first page */
		u32 *v;

		if (!pfn_valid(p) || !page_is_ram(p))
			continue;
		v = kmap_local_page(pfn_to_page(p));
		if (READ_ONCE(*v) == 0xffffffff)
			ones++;
		kunmap_local(v);
		regions++;
	}
	pr_info("vmk_peek: scanned %lu regions of RAM, %lu read 0xffffffff\n",
		regions, ones);
}

static int __init vmk_peek_init(void)
{
	volatile u32 *p;
	u32 before, after;

	if (scan) {
		scan_ram();
		return -EAGAIN;
	}
	if (mmio) {
		void __iomem *m = ioremap(pa, sizeof(u32));

		if (!m)
			return -ENOMEM;
		before = readl(m);
		writel(value, m);
		after = readl(m);
		iounmap(m);
		pr_info("vmk_peek: mmio pa %#lx read %#x, after writing %#x read %#x\n",
			pa, before, value, after);
		return -EAGAIN;
	}
	if (!pa || !pfn_valid(PHYS_PFN(pa)) || PageHighMem(pfn_to_page(PHYS_PFN(pa))))
		return -EINVAL;
	p = phys_to_virt(pa);
	before = *p;
	*p = value;
	after = *p;
	pr_info("vmk_peek: pa %#lx read %#x, after writing %#x read %#x\n",
		pa, before, value, after);
	return -EAGAIN;
}

module_init(vmk_peek_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk lab: touch physical memory from the COS");
