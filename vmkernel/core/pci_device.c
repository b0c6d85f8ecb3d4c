// SPDX-License-Identifier: GPL-2.0-only
/* Taking a PCI function from the COS (pci_device.h). */
#include "vmkernel/core/pci_device.h"
#include "vmkernel/arch/x86/pci.h"
#include "vmkernel/cos/cos_npt.h"
#include "vmkernel/cos/cos.h"
#include "vmkernel/core/vmkernel.h"

/*
 * The BAR must be device space the vmkernel can own alone: not RAM the
 * COS or the vmkernel uses (Linux's System RAM ranges from the loader),
 * not the pool, and not where the vmkernel's own mappings are.
 */
static const char *bar_problem(uint64_t pa, uint32_t len, uint32_t reg_len, uint32_t va)
{
	const struct vmk_boot_info *bi = &vmk_boot_info;
	uint32_t i;

	if (len < reg_len)
		return "its register BAR is smaller than the device's register file";
	if (pa % VMK_PAGE_SIZE || len % VMK_PAGE_SIZE)
		return "its register BAR is not page-aligned";
	if (pa >= 0x100000000ull || pa + len > 0x100000000ull)
		return "its register BAR does not lie below 4 GiB";
	if (pool_overlaps(&vmk_pool, pa, len))
		return "its register BAR overlaps the vmkernel's memory";
	if (bi->nram > VMK_MAX_RAM_RANGES)
		return "the loader reported more RAM ranges than the boot info holds";
	for (i = 0; i < bi->nram; i++) {
		const struct vmk_ram_range *r = &bi->ram[i];

		if (pa < r->base + r->len && pa + len > r->base)
			return "its register BAR overlaps the COS's RAM";
	}
	if (bi->ram_truncated && bi->nram &&
	    pa < bi->ram[bi->nram - 1].base + bi->ram[bi->nram - 1].len)
		return "the loader's RAM list is truncated and the BAR is not above it";
	if (bi->loader_end_va > va)
		return "the vmkernel image leaves no room to map the BAR";
	return NULL;
}

static vmk_status_t map_bar(uint64_t pa, uint32_t len, uint32_t va)
{
	vmk_status_t s = VMK_OK;
	uint32_t i;

	for (i = 0; i < len / VMK_PAGE_SIZE && s == VMK_OK; i++)
		s = vmk_map_mmio(va + i * VMK_PAGE_SIZE, pa + i * VMK_PAGE_SIZE);
	return s;
}

vmk_status_t pci_device_take(struct pci_device *d, uint32_t reg_len, uint32_t va,
			     struct vmk_why *why)
{
	const char *problem;
	uint16_t cmd;

	if (pci_bar_size(d->bdf, 0, &d->bar_pa, &d->bar_len, why) != VMK_OK)
		return VMK_BAD_PARAM;
	problem = bar_problem(d->bar_pa, d->bar_len, reg_len, va);
	if (!problem && map_bar(d->bar_pa, reg_len, va) != VMK_OK)
		problem = "no memory for the page tables that map its BAR";
	if (!problem && cos_npt_hide_device(&cos_npt, d->bar_pa, d->bar_len) != VMK_OK)
		problem = "no memory to cut its BAR out of the COS's nested table";
	if (!problem)
		problem = cos_pci_hide(d->bdf);
	if (problem) {
		why_set(why, "%s", problem);
		return VMK_BAD_PARAM;
	}
	/*
	 * PCI 3.0 §6.2.2: Interrupt Disable, and I/O decoding off. The
	 * vmkernel drives the function through BAR 0 alone; an I/O BAR
	 * (the 82540EM's IOADDR/IODATA reach every register) would let the
	 * COS, whose ports are not trapped, drive it behind the vmkernel.
	 */
	cmd = pci_read16(d->bdf, PCI_COMMAND);
	d->cmd_io = cmd & PCI_CMD_IO;
	pci_write16(d->bdf, PCI_COMMAND,
		    (cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE) &
		    ~PCI_CMD_IO);
	return VMK_OK;
}

void pci_device_release(const struct pci_device *d)
{
	uint16_t cmd = pci_read16(d->bdf, PCI_COMMAND);

	pci_write16(d->bdf, PCI_COMMAND,
		    (cmd & ~(PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE)) | d->cmd_io);
}

uint32_t pci_device_mmio_read(void *va, uint32_t off)
{
	return *(volatile uint32_t *)((uintptr_t)va + off);
}

void pci_device_mmio_write(void *va, uint32_t off, uint32_t val)
{
	*(volatile uint32_t *)((uintptr_t)va + off) = val;
}

void *pci_device_alloc_pages(void *ctx, unsigned int nr, uint64_t *phys)
{
	uint32_t pa;

	(void)ctx;
	if (vmk_alloc_pages(nr, &pa) != VMK_OK)
		return NULL;
	*phys = pa;
	return pa_to_va(pa);
}

uint64_t pci_device_now_ms(void *ctx)
{
	(void)ctx;
	return vmk_time_us() / 1000;
}
