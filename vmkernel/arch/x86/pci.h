/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCI configuration space through configuration mechanism 1 (PCI Local
 * Bus spec 3.0 §3.2.2.3.2: an address dword at 0xCF8, data at 0xCFC),
 * and the few config-space facts the vmkernel needs to find a function
 * and size its BARs (§6.2.5.1). Every cycle, the vmkernel's and those it
 * does for the COS, writes the address and accesses the data under one
 * lock; the COS never reaches the address register while it runs as a
 * guest with a taken device (its 0xCF8 exits, cos/cos_pci.h), and the
 * vmkernel's own cycles run only then or during load and unload, under
 * Linux's stop_machine() (no COS CPU between its address and data).
 */
#ifndef VMKERNEL_ARCH_X86_PCI_H
#define VMKERNEL_ARCH_X86_PCI_H

#include "vmkernel/platform.h"
#include "vmkernel/lib/why.h"

#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc

/* Config-space registers, PCI 3.0 §6.1. */
#define PCI_VENDOR_DEVICE	0x00
#define PCI_COMMAND		0x04	/* 16 bits; status above */
#define PCI_CMD_IO		(1u << 0)
#define PCI_CMD_MEMORY		(1u << 1)
#define PCI_CMD_MASTER		(1u << 2)
#define PCI_CMD_INTX_DISABLE	(1u << 10)
#define PCI_HEADER_TYPE		0x0e	/* byte; bit 7: multi-function */
#define PCI_BAR0		0x10
#define PCI_BAR_IO		(1u << 0)
#define PCI_BAR_TYPE_MASK	(3u << 1)
#define PCI_BAR_TYPE_64		(2u << 1)

/* bus << 8 | device << 3 | function, as Linux prints 00:03.0. */
static inline uint32_t pci_bdf(uint32_t bus, uint32_t dev, uint32_t fn)
{
	return bus << 8 | dev << 3 | fn;
}

uint32_t pci_read32(uint32_t bdf, uint32_t reg);
void pci_write32(uint32_t bdf, uint32_t reg, uint32_t val);
uint16_t pci_read16(uint32_t bdf, uint32_t reg);
void pci_write16(uint32_t bdf, uint32_t reg, uint16_t val);

/*
 * For the COS's configuration cycles (cos/cos_pci.h), each one step under
 * the PCI lock the vmkernel's own cycles take too. pci_cos_address():
 * latch addr, return what the register reads back; the last value is
 * kept for pci_cos_give_back(). pci_cos_data(): addr, then the data
 * access of size bytes at port, as one. pci_port_io(): plain I/O.
 */
uint32_t pci_cos_address(uint32_t addr);
void pci_cos_data(uint32_t addr, uint16_t port, uint32_t size, bool in,
		  uint32_t *val);
void pci_port_io(uint16_t port, uint32_t size, bool in, uint32_t *val);
/* The address register as the COS left it at load (CPU 0, init, first). */
uint32_t pci_cos_address_at_load(void);
/*
 * Puts the COS's last address back in the register, for a COS CPU given
 * back between its address write and its data access (a panic): once,
 * at the first CPU's give-back (Linux's pci_config_lock lets only one COS
 * CPU be between the two, and the last address written is its). No
 * lock: the panic path must not wait on one.
 */
void pci_cos_give_back(void);

/* The first function with this vendor and device id: true and *bdf. */
bool pci_find(uint16_t vendor, uint16_t device, uint32_t *bdf);

/*
 * Size memory BAR n (0..5) with memory decode off while it holds all
 * ones, then restore it. VMK_OK with its base and length; VMK_BAD_PARAM
 * (with why) for an I/O BAR, an unimplemented one, or one above 4 GiB.
 */
vmk_status_t pci_bar_size(uint32_t bdf, unsigned int n, uint64_t *base,
			  uint32_t *len, struct vmk_why *why);

#endif /* VMKERNEL_ARCH_X86_PCI_H */
