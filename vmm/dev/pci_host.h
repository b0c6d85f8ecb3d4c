// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI host bridge with configuration mechanism #1 (PCI Local Bus
 * Specification 3.0 §3.2.2.3.2): CONFIG_ADDRESS at 0xCF8 (dword access
 * only), CONFIG_DATA at 0xCFC-0xCFF. Bus 0 only; the bridge itself is
 * 00:00.0 and looks like an i440FX host bridge. Virtual PCI devices add
 * their functions with pci_add_function().
 */
#ifndef VMM_DEV_PCI_HOST_H
#define VMM_DEV_PCI_HOST_H

#include "vmm/platform.h"

#define PCI_MAX_FUNCTIONS	16
#define PCI_CONFIG_SPACE	256

struct vm_devices;

/* Config space access of one function; offset + size <= 256, aligned. */
struct pci_fn_ops {
	uint32_t (*read)(void *dev, uint8_t offset, unsigned int size);
	void (*write)(void *dev, uint8_t offset, unsigned int size, uint32_t val);
};

struct pci_function {
	uint8_t devfn;		/* device << 3 | function */
	const struct pci_fn_ops *ops;
	void *dev;
};

struct pci_host {
	struct vm_devices *vm;
	uint32_t config_address;
	unsigned int nr_functions;
	struct pci_function fn[PCI_MAX_FUNCTIONS];
	uint8_t bridge_config[PCI_CONFIG_SPACE];	/* 00:00.0 i440FX */
	uint8_t isa_config[PCI_CONFIG_SPACE];		/* 00:01.0 PIIX3 */
};

/* i440FX PAM0..PAM6 (82441FX datasheet §3.2.18): kept, no effect here. */
#define PCI_I440FX_PAM0		0x59
#define PCI_I440FX_PAM_LEN	7

/* Register a function on bus 0; false if devfn is taken or the table full. */
bool pci_add_function(struct pci_host *pci, uint8_t devfn,
		      const struct pci_fn_ops *ops, void *dev);

/*
 * A device's configuration header of len bytes, read and written a byte
 * at a time; wmask(off) gives the bits of byte off the guest may change.
 * Bytes past len read 0 and ignore writes.
 */
static inline uint32_t pci_config_read(const uint8_t *cfg, unsigned int len,
				       uint8_t offset, unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		if (offset + i < len)
			v |= (uint32_t)cfg[offset + i] << (8 * i);
	return v;
}

static inline void pci_config_write(uint8_t *cfg, unsigned int len,
				    uint8_t (*wmask)(unsigned int off),
				    uint8_t offset, unsigned int size,
				    uint32_t val)
{
	for (unsigned int i = 0; i < size; i++) {
		unsigned int off = offset + i;
		uint8_t mask;

		if (off >= len)
			break;
		mask = wmask(off);
		cfg[off] = (uint8_t)((cfg[off] & ~mask) | ((val >> (8 * i)) & mask));
	}
}

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type pci_host_vdev;

#endif /* VMM_DEV_PCI_HOST_H */
