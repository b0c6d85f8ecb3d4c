// SPDX-License-Identifier: GPL-2.0-only
/*
 * MSI capability and message decoding (PCI 3.0 §6.8.1, Intel SDM vol. 3A
 * §10.11); no platform state, so the device models link it alone.
 */
#include "vmm/dev/pci_msi.h"
#include "vmm/bytes.h"
#include "vmm/dev/lapic.h"

#define PCI_STATUS		0x06
#define PCI_CAP_NEXT		1
#define MSI_ADDRESS_LO_MASK	0xfffffffcu	/* bits 1:0 read 0: dword aligned */

/* Message address and data (SDM vol. 3A §10.11.1, §10.11.2). */
#define MSI_ADDR_BASE_MASK	0xfff00000u
#define MSI_ADDR_BASE		0xfee00000u
#define MSI_ADDR_DEST_SHIFT	12
#define MSI_ADDR_DEST_LOGICAL	0x4u	/* DM; RH (bit 3) picks no CPU here */
#define MSI_DATA_VECTOR		0xffu
#define MSI_DATA_DELIVERY_SHIFT	8
#define MSI_MIN_VECTOR		16	/* vectors 0..15 are illegal (§10.5.2) */

void pci_msi_init(uint8_t *cfg, uint8_t cap)
{
	vmm_zero(&cfg[cap], PCI_MSI_CAP_LEN);
	cfg[cap] = PCI_CAP_ID_MSI;
	cfg[cap + PCI_CAP_NEXT] = 0;			/* the last one */
	vmm_put16(&cfg[cap + PCI_MSI_FLAGS], PCI_MSI_FLAGS_64BIT);	/* 1 vector */
	cfg[PCI_CAPABILITY_LIST] = cap;
	cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
}

uint8_t pci_msi_wmask(uint8_t cap, unsigned int off)
{
	if (off < cap || off >= (unsigned int)cap + PCI_MSI_CAP_LEN)
		return 0;
	switch (off - cap) {
	case PCI_MSI_FLAGS:			/* multiple message enable: 1 vector */
		return PCI_MSI_FLAGS_ENABLE;
	case PCI_MSI_ADDRESS_LO:
		return (uint8_t)MSI_ADDRESS_LO_MASK;
	case PCI_MSI_ADDRESS_LO + 1:
	case PCI_MSI_ADDRESS_LO + 2:
	case PCI_MSI_ADDRESS_LO + 3:
	case PCI_MSI_ADDRESS_HI:
	case PCI_MSI_ADDRESS_HI + 1:
	case PCI_MSI_ADDRESS_HI + 2:
	case PCI_MSI_ADDRESS_HI + 3:
	case PCI_MSI_DATA:
	case PCI_MSI_DATA + 1:
		return 0xff;
	default:				/* ID, next pointer, control's RO bits */
		return 0;
	}
}

bool pci_msi_enabled(const uint8_t *cfg, uint8_t cap)
{
	return vmm_get16(&cfg[cap + PCI_MSI_FLAGS]) & PCI_MSI_FLAGS_ENABLE;
}

struct pci_msi_msg pci_msi_message(const uint8_t *cfg, uint8_t cap)
{
	return (struct pci_msi_msg){
		.addr = vmm_get64(&cfg[cap + PCI_MSI_ADDRESS_LO]),
		.data = vmm_get16(&cfg[cap + PCI_MSI_DATA]),
	};
}

const char *pci_msi_decode(const struct pci_msi_msg *m, struct apic_msg *out)
{
	uint8_t delivery = (m->data >> MSI_DATA_DELIVERY_SHIFT) & 7;

	if (m->addr >> 32 || ((uint32_t)m->addr & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE)
		return "its address is outside the interrupt range FEExxxxxh";
	switch (delivery) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if ((m->data & MSI_DATA_VECTOR) < MSI_MIN_VECTOR)
			return "its vector is below 16";
		break;
	case APIC_DM_NMI:
		break;
	default:
		return "its delivery mode is not fixed, lowest priority or NMI";
	}
	/*
	 * Edge whatever the trigger bit says: no EOI goes back to a device
	 * (a level MSI is the same single message, SDM §10.11.2).
	 */
	*out = (struct apic_msg){
		.vector = (uint8_t)(m->data & MSI_DATA_VECTOR),
		.delivery = delivery,
		.logical = m->addr & MSI_ADDR_DEST_LOGICAL,
		.dest = (uint8_t)(m->addr >> MSI_ADDR_DEST_SHIFT),
		.shorthand = APIC_SH_NONE,
	};
	return NULL;
}
