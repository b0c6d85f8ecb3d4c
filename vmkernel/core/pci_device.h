/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A PCI function the vmkernel takes from the COS at load and gives back at
 * unload (docs/storage.md "In the vmkernel", docs/network.md "The
 * uplink"): the PVSCSI HBA with storage=1, the uplink NIC with net=1.
 * The loader has removed the function from Linux already.
 */
#ifndef VMKERNEL_CORE_PCI_DEVICE_H
#define VMKERNEL_CORE_PCI_DEVICE_H

#include "vmkernel/platform.h"
#include "vmkernel/lib/why.h"

/* Where the vmkernel maps the BARs it drives: below the LAPIC's page
 * (arch/x86/apic.c), above what the loader placed. */
#define PCI_DEVICE_VA_HBA	(VMK_VBASE + VMK_VSIZE - 16 * VMK_PAGE_SIZE)	/* 8 pages */
#define PCI_DEVICE_VA_NIC	(PCI_DEVICE_VA_HBA - 32 * VMK_PAGE_SIZE)	/* 32 pages */

struct pci_device {
	uint32_t bdf;
	uint64_t bar_pa;		/* memory BAR 0 */
	uint32_t bar_len;
	uint16_t cmd_io;		/* PCI_CMD_IO as the COS left it */
};

/*
 * Take d->bdf (CPU 0 at init, after the COS's nested table is built):
 * size BAR 0 and check it is device space the vmkernel can own alone (at
 * least reg_len bytes, page-aligned, below 4 GiB, not the pool, not
 * Linux's RAM), map its first reg_len bytes uncached at va, cut the BAR
 * out of the COS's nested table, refuse the COS's configuration cycles to
 * the function, turn on memory decoding, bus mastering and Interrupt
 * Disable (polled: the COS never gets an interrupt it has no handler
 * for) and turn I/O decoding off (the COS's ports are not trapped).
 * VMK_OK when taken, else why says why not.
 */
vmk_status_t pci_device_take(struct pci_device *d, uint32_t reg_len, uint32_t va,
			     struct vmk_why *why);

/* After the driver reset the device: bus mastering and Interrupt Disable
 * off, I/O decoding as it was, as Linux's driver will expect it at its probe. */
void pci_device_release(const struct pci_device *d);

/*
 * For a driver's ops table (pvscsi_hba_ops, e1000_nic_ops): 32-bit
 * register access with ctx the VA its BAR is mapped at, zeroed pool
 * pages with their physical address (NULL: none left), the time in ms.
 */
uint32_t pci_device_mmio_read(void *va, uint32_t off);
void pci_device_mmio_write(void *va, uint32_t off, uint32_t val);
void *pci_device_alloc_pages(void *ctx, unsigned int nr, uint64_t *phys);
uint64_t pci_device_now_ms(void *ctx);

#endif /* VMKERNEL_CORE_PCI_DEVICE_H */
