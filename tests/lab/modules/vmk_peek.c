// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmk_peek: reads and writes one word of physical memory from the COS and
 * reports what it saw. tests/lab/cos_cannot_touch_vmkernel_memory.sh points
 * it at a vmkernel page: the vmkernel must log the access and both the COS
 * and the vmkernel must run on. Loading always "fails" (-EAGAIN) after the
 * report so the scenario can repeat it.
 */
#include <linux/module.h>
#include <linux/io.h>
#include <linux/mm.h>

static ulong pa;
module_param(pa, ulong, 0444);
MODULE_PARM_DESC(pa, "physical address to read and write (lowmem)");

static int __init vmk_peek_init(void)
{
	volatile u32 *p;
	u32 before, after;

	if (!pa || !pfn_valid(PHYS_PFN(pa)) || PageHighMem(pfn_to_page(PHYS_PFN(pa))))
		return -EINVAL;
	p = phys_to_virt(pa);
	before = *p;
	*p = 0x5a5a5a5a;
	after = *p;
	pr_info("vmk_peek: pa %#lx read %#x, after writing 0x5a5a5a5a read %#x\n",
		pa, before, after);
	return -EAGAIN;
}

module_init(vmk_peek_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmk lab: touch one physical word from the COS");
