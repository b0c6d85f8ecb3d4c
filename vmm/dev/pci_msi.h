// SPDX-License-Identifier: GPL-2.0-only
/*
 * MSI for the virtual PCI devices (PCI Local Bus Specification 3.0
 * §6.8.1): a capability in the device's configuration space, and the
 * delivery of its message to the LAPICs (Intel SDM vol. 3A §10.11
 * "Message Signalled Interrupts").
 *
 * The capability is the 64-bit address form with one vector and no
 * per-vector masking (Linux's x86 MSI code writes the upper address dword
 * as 0). A device keeps its configuration bytes itself: pci_msi_init()
 * lays the capability out (status bit 4, capabilities pointer at 34h,
 * the list ending with it), pci_msi_wmask() gives its config write mask
 * the capability's writable bits, and while pci_msi_enabled() it sends
 * pci_msi_message() to its host instead of asserting INTA# (PCI 3.0
 * §6.8.1.3: a function with MSI enabled must not use INTx), which
 * pci_msi_deliver() (vmm/dev/pci_host.h) hands to the LAPICs. No MSI-X.
 */
#ifndef VMM_DEV_PCI_MSI_H
#define VMM_DEV_PCI_MSI_H

#include "vmm/platform.h"

#define PCI_STATUS_CAP_LIST	0x10	/* status bit 4 (PCI 3.0 §6.2.3) */
#define PCI_CAPABILITY_LIST	0x34	/* capabilities pointer (§6.7) */
#define PCI_CAP_ID_MSI		0x05
#define PCI_MSI_CAP_LEN		14	/* 64-bit address form (§6.8.1) */
/* Where the devices put it: the first byte after the type 0 header. */
#define PCI_MSI_CAP_DEFAULT	0x40

/* Offsets in the capability. */
#define PCI_MSI_FLAGS		2	/* message control */
#define PCI_MSI_ADDRESS_LO	4
#define PCI_MSI_ADDRESS_HI	8
#define PCI_MSI_DATA		12
#define PCI_MSI_FLAGS_ENABLE	0x0001
#define PCI_MSI_FLAGS_64BIT	0x0080

/* A message: a dword the device writes to addr. */
struct pci_msi_msg {
	uint64_t addr;
	uint16_t data;
};

/* Lay out the MSI capability at cap in cfg (header included), disabled. */
void pci_msi_init(uint8_t *cfg, uint8_t cap);

/*
 * The bits of configuration byte off the guest may write if it lies in
 * the capability at cap: the enable bit, the address (dword aligned) and
 * the data; 0 for the rest of the capability and for bytes outside it.
 */
uint8_t pci_msi_wmask(uint8_t cap, unsigned int off);

/* Does the capability at cap say MSI is on (control bit 0)? */
bool pci_msi_enabled(const uint8_t *cfg, uint8_t cap);

/* The message the capability at cap holds. */
struct pci_msi_msg pci_msi_message(const uint8_t *cfg, uint8_t cap);

/*
 * The LAPIC message m stands for, or why it is none (a static sentence):
 * an address outside FEExxxxxh, delivery modes other than fixed, lowest
 * priority and NMI, a vector below 16.
 */
struct apic_msg;
const char *pci_msi_decode(const struct pci_msi_msg *m, struct apic_msg *out);


#endif /* VMM_DEV_PCI_MSI_H */
