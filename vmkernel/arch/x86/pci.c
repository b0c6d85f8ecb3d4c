// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/arch/x86/pci.h"
#include "vmkernel/arch/x86/cpu.h"

#define PCI_ENABLE		0x80000000u	/* config cycle, PCI 3.0 §3.2.2.3.2 */
#define PCI_DEVS_PER_BUS	32
#define PCI_FNS_PER_DEV		8
#define PCI_NO_DEVICE		0xffffu	/* vendor id read from an empty slot */

static struct spinlock pci_lock;

static void pci_select(uint32_t bdf, uint32_t reg)
{
	outl(PCI_CONFIG_ADDRESS, PCI_ENABLE | bdf << 8 | (reg & 0xfc));
}

uint32_t pci_read32(uint32_t bdf, uint32_t reg)
{
	uint32_t v;

	spin_lock(&pci_lock);
	pci_select(bdf, reg);
	v = inl(PCI_CONFIG_DATA);
	spin_unlock(&pci_lock);
	return v;
}

void pci_write32(uint32_t bdf, uint32_t reg, uint32_t val)
{
	spin_lock(&pci_lock);
	pci_select(bdf, reg);
	outl(PCI_CONFIG_DATA, val);
	spin_unlock(&pci_lock);
}

/* What a real machine's address register would hold: the COS's last write. */
static uint32_t pci_cos_last;

uint32_t pci_cos_address_at_load(void)
{
	pci_cos_last = inl(PCI_CONFIG_ADDRESS);
	return pci_cos_last;
}

uint32_t pci_cos_address(uint32_t addr)
{
	spin_lock(&pci_lock);
	outl(PCI_CONFIG_ADDRESS, addr);
	addr = inl(PCI_CONFIG_ADDRESS);
	__atomic_store_n(&pci_cos_last, addr, __ATOMIC_RELAXED);
	spin_unlock(&pci_lock);
	return addr;
}

void pci_port_io(uint16_t port, uint32_t size, bool in, uint32_t *val)
{
	if (in)
		*val = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
	else if (size == 1)
		outb(port, (uint8_t)*val);
	else if (size == 2)
		outw(port, (uint16_t)*val);
	else
		outl(port, *val);
}

void pci_cos_data(uint32_t addr, uint16_t port, uint32_t size, bool in,
		  uint32_t *val)
{
	spin_lock(&pci_lock);
	outl(PCI_CONFIG_ADDRESS, addr);
	pci_port_io(port, size, in, val);
	spin_unlock(&pci_lock);
}

/*
 * Once, by the first CPU to go back: after a panic the CPUs return one by
 * one, and a later one must not rewrite the register under a CPU already
 * native between its address write and its data access (Linux's own lock
 * orders those; CPUs still trapped go through pci_cos_data()).
 */
void pci_cos_give_back(void)
{
	static bool restored;

	if (!__atomic_exchange_n(&restored, true, __ATOMIC_ACQ_REL))
		outl(PCI_CONFIG_ADDRESS, __atomic_load_n(&pci_cos_last, __ATOMIC_RELAXED));
}

uint16_t pci_read16(uint32_t bdf, uint32_t reg)
{
	return (uint16_t)(pci_read32(bdf, reg & ~3u) >> ((reg & 2) * 8));
}

void pci_write16(uint32_t bdf, uint32_t reg, uint16_t val)
{
	uint32_t shift = (reg & 2) * 8;
	uint32_t v = pci_read32(bdf, reg & ~3u);

	/* The status half of COMMAND is write-1-to-clear: write it as 0. */
	if ((reg & ~3u) == PCI_COMMAND)
		v &= 0xffff;
	v = (v & ~(0xffffu << shift)) | (uint32_t)val << shift;
	pci_write32(bdf, reg & ~3u, v);
}

bool pci_find(uint16_t vendor, uint16_t device, uint32_t *bdf)
{
	uint32_t want = (uint32_t)device << 16 | vendor;

	for (uint32_t bus = 0; bus < 256; bus++) {
		for (uint32_t dev = 0; dev < PCI_DEVS_PER_BUS; dev++) {
			uint32_t nfn = 1;

			for (uint32_t fn = 0; fn < nfn; fn++) {
				uint32_t b = pci_bdf(bus, dev, fn);
				uint32_t id = pci_read32(b, PCI_VENDOR_DEVICE);

				if ((id & 0xffff) == PCI_NO_DEVICE)
					continue;
				if (fn == 0 && (pci_read32(b, PCI_HEADER_TYPE & ~3u) >> 16) & 0x80)
					nfn = PCI_FNS_PER_DEV;
				if (id == want) {
					*bdf = b;
					return true;
				}
			}
		}
	}
	return false;
}

vmk_status_t pci_bar_size(uint32_t bdf, unsigned int n, uint64_t *base,
			  uint32_t *len, struct vmk_why *why)
{
	uint32_t reg = PCI_BAR0 + 4 * n, orig, mask;
	uint16_t cmd = pci_read16(bdf, PCI_COMMAND);

	orig = pci_read32(bdf, reg);
	if (orig & PCI_BAR_IO) {
		why_set(why, "its register BAR is an I/O BAR, not memory");
		return VMK_BAD_PARAM;
	}
	if ((orig & PCI_BAR_TYPE_MASK) == PCI_BAR_TYPE_64 && n < 5 &&
	    pci_read32(bdf, reg + 4)) {
		why_set(why, "its register BAR lies above 4 GiB, beyond the vmkernel's 32-bit address space");
		return VMK_BAD_PARAM;
	}
	/* Decode off while the BAR holds all ones (PCI 3.0 §6.2.5.1). */
	pci_write16(bdf, PCI_COMMAND, cmd & ~PCI_CMD_MEMORY);
	pci_write32(bdf, reg, 0xffffffffu);
	mask = pci_read32(bdf, reg) & ~0xfu;
	pci_write32(bdf, reg, orig);
	pci_write16(bdf, PCI_COMMAND, cmd);
	if (!mask) {
		why_set(why, "its register BAR is not implemented (sizes as 0)");
		return VMK_BAD_PARAM;
	}
	*base = orig & ~0xfu;
	*len = ~mask + 1;
	return VMK_OK;
}
