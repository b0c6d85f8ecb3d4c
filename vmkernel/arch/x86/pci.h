/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCI configuration space through configuration mechanism 1 (PCI Local
 * Bus spec 3.0 §3.2.2.3.2: an address dword at 0xCF8, data at 0xCFC),
 * and the few config-space facts the vmkernel needs to find a function
 * and size its BARs (§6.2.5.1). Used by CPU 0 during init, while no
 * other CPU and no COS runs, and under pci_lock afterwards.
 */
#ifndef VMKERNEL_ARCH_X86_PCI_H
#define VMKERNEL_ARCH_X86_PCI_H

#include "vmkernel/platform.h"

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
 * A COS access of size bytes (1, 2, 4) to data port `port` (0xCFC-0xCFF),
 * done for it unless the address register names one of the nhidden
 * functions in hidden[]: then a read gives all ones, a write is dropped,
 * and false is returned with that function in *refused.
 */
bool pci_cos_data(uint16_t port, uint32_t size, bool in, uint32_t *val,
		  const uint32_t *hidden, uint32_t nhidden, uint32_t *refused);

/* The first function with this vendor and device id: true and *bdf. */
bool pci_find(uint16_t vendor, uint16_t device, uint32_t *bdf);

/*
 * Size memory BAR n (0..5) with memory decode off while it holds all
 * ones, then restore it. VMK_OK with its base and length; VMK_BAD_PARAM
 * (with *why) for an I/O BAR, an unimplemented one, or one above 4 GiB.
 */
vmk_status_t pci_bar_size(uint32_t bdf, unsigned int n, uint64_t *base,
			  uint32_t *len, const char **why);

#endif /* VMKERNEL_ARCH_X86_PCI_H */
