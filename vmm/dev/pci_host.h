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
#include "vmm/boot/boot.h"

#define PCI_CONF_BASE		0xcf8	/* CONFIG_ADDRESS, then CONFIG_DATA at 0xCFC */
#define PCI_CONF_LEN		8
#define PCI_MAX_FUNCTIONS	16
#define PCI_CONFIG_SPACE	256
#define PCI_NR_BARS		6	/* type 0 header, 0x10-0x24 (PCI 3.0 §6.2.5.1) */
#define PCI_ISA_SLOT		1	/* 00:01.0, the PIIX3 PCI-to-ISA bridge */

/*
 * Where a BAR may decode (docs/vmm.md "PCI BARs"): I/O BARs from 1000h
 * (below are the ISA devices) to the end of the 64 KiB I/O space, memory
 * BARs from the end of guest RAM up to the interrupt range at FEE00000h
 * (the LAPIC, MSIs), clear of the platform devices' registers between
 * (the IOAPIC's page at FEC00000h). Firmware keeps to the PCI hole below
 * FEC00000h (QEMU's, whose top SeaBIOS allocates from down); a guest
 * that places BARs itself may use the rest, as on a PC's chipset.
 */
#define PCI_IO_BAR_START	0x1000u
#define PCI_IO_BAR_END		0x10000u
#define PCI_MEM_BAR_END		0xfec00000u	/* the PCI hole's top */
#define PCI_MEM_DECODE_END	0xfee00000u	/* the interrupt range */

/*
 * Where memory BARs may begin for ram_size bytes of guest RAM: the end of
 * the RAM below 4 GiB (vmm/boot/layout.c puts the rest above 4 GiB, out
 * of a 32-bit BAR's reach). The DSDT's memory window starts there too.
 */
static inline uint64_t pci_mem_bar_start(uint64_t ram_size)
{
	return boot_high_ram_end(ram_size);
}

struct vm_devices;
struct vdev_io_ops;

/* Config space access of one function; offset + size <= 256, aligned. */
struct pci_fn_ops {
	uint32_t (*read)(void *dev, uint8_t offset, unsigned int size);
	void (*write)(void *dev, uint8_t offset, unsigned int size, uint32_t val);
};

/*
 * A BAR of a function: its size and space, the register window behind
 * it, and where it decodes now. After every configuration write to the
 * function the host reads the command register and the BARs through the
 * function's ops and moves the windows: the device model
 * keeps the register's writable bits (its size alignment), the host
 * decides whether the address is acceptable.
 */
struct pci_bar {
	uint32_t size;			/* a power of two; 0: no BAR */
	bool io;			/* I/O space, else 32-bit memory */
	const struct vdev_io_ops *ops;
	void *dev;
	bool decoding;			/* the window answers at base */
	uint32_t base;
	/* what the guest asked for last (command bit on, address) */
	bool asked_on;
	uint32_t asked_base;
};

struct pci_function {
	uint8_t devfn;		/* device << 3 | function */
	const struct pci_fn_ops *ops;
	void *dev;
	struct pci_bar bar[PCI_NR_BARS];
	/* INTA#, as pci_set_intx() drives it */
	bool intx_level;		/* the device asserts it */
	unsigned int intx_default;	/* its line when the PIRQ is not routed */
	unsigned int intx_line;		/* where it goes now */
};

/* The last BAR placement the host refused: for the vmkernel's log. */
struct pci_bar_refusal {
	uint8_t devfn;
	uint8_t bar;
	bool io;
	uint32_t base, size;
	const char *why;		/* a static sentence */
};

/* The last MSI the host dropped (vmm/dev/pci_msi.h): for the vmkernel's log. */
struct pci_msi_drop {
	uint8_t devfn;
	uint64_t addr;
	uint16_t data;
	const char *why;		/* a static sentence */
};

struct pci_host {
	struct vm_devices *vm;
	uint32_t config_address;
	unsigned int nr_functions;
	struct pci_function fn[PCI_MAX_FUNCTIONS];
	uint8_t bridge_config[PCI_CONFIG_SPACE];	/* 00:00.0 i440FX */
	uint8_t isa_config[PCI_CONFIG_SPACE];		/* 00:01.0 PIIX3 */
	uint64_t bars_refused;		/* placements refused so far */
	struct pci_bar_refusal last_refused;
	uint64_t msi_dropped;		/* messages no LAPIC could take */
	struct pci_msi_drop last_msi_drop;
};

/* i440FX PAM0..PAM6 (82441FX datasheet §3.2.18): kept, no effect here. */
#define PCI_I440FX_PAM0		0x59
#define PCI_I440FX_PAM_LEN	7

/*
 * INTA# of the function at devfn: level true asserts it. It reaches the
 * ISA IRQ that the PIIX3's PIRQ route control register of its slot names
 * (the firmware's routing: SeaBIOS programs them and tells the OS the IRQ
 * through the interrupt line register and its MP table), else line (the
 * vmkernel's choice for a directly booted guest, which programs no PIRQ).
 * Functions sharing a line are wired-OR: it stays asserted while any of
 * them asserts it (level-triggered PCI interrupts, PCI 3.0 §2.2.6), and
 * so is a platform device on the same line (vdev_irq_set_pci()).
 */
void pci_set_intx(struct pci_host *pci, uint8_t devfn, unsigned int line,
		  bool level);

/* Register a function on bus 0; false if devfn is taken or the table full. */
bool pci_add_function(struct pci_host *pci, uint8_t devfn,
		      const struct pci_fn_ops *ops, void *dev);

/*
 * BAR bar (0..5) of the function at devfn: size bytes (a power of two,
 * I/O 4 to 256 bytes, memory 16 bytes to 2 GiB; PCI 3.0 §6.2.5.1) of
 * I/O space (io) or memory, answered by ops on dev at offsets from the
 * BAR's base. It decodes where the guest puts it while the command
 * register's I/O or memory bit is on and the place is acceptable: aligned,
 * inside the BAR area above, clear of guest RAM, of the platform's
 * devices and of the other BARs; else it does not decode and the refusal
 * is counted (bars_refused, last_refused). false: no such function, a bad size, or
 * the BAR is taken.
 */
bool pci_add_bar(struct pci_host *pci, uint8_t devfn, unsigned int bar,
		 uint32_t size, bool io, const struct vdev_io_ops *ops,
		 void *dev);

/*
 * A configuration write as the guest's (the vmkernel programming a
 * device before a directly booted guest runs, as firmware would), BARs
 * following it. false: no function at devfn.
 */
bool pci_host_config_write(struct pci_host *pci, uint8_t devfn, uint8_t offset,
			   unsigned int size, uint32_t val);

/*
 * The decoding BAR whose window holds [addr, addr + size) in I/O space
 * (io) or memory, or NULL.
 */
const struct pci_bar *pci_bar_at(const struct pci_host *pci, bool io,
				 uint64_t addr, unsigned int size);

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

/*
 * Deliver m, an MSI of the function at devfn (vmm/dev/pci_msi.h), to the
 * LAPICs it addresses; one that stands for no LAPIC message (decoding
 * says why) is dropped and counted (msi_dropped, last_msi_drop).
 */
struct pci_msi_msg;
void pci_msi_deliver(struct pci_host *pci, uint8_t devfn,
		     const struct pci_msi_msg *m);

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type pci_host_vdev;

#endif /* VMM_DEV_PCI_HOST_H */
