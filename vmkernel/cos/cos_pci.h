/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COS's PCI configuration cycles while the vmkernel owns some
 * functions (portable, host-tested). Mechanism 1 (PCI Local Bus spec 3.0
 * §3.2.2.3.2): a full dword write to CONFIG_ADDRESS (0xCF8) latches the
 * address, a dword read returns it; any other access there "has no
 * effect on CONFIG_ADDRESS and is executed as a normal I/O transaction";
 * CONFIG_DATA (0xCFC-0xCFF) reaches the function and register the
 * address names when its enable bit is set, else it too is plain I/O.
 *
 * Each COS vCPU keeps its own copy of the address register (its shadow):
 * the machine's register is the vmkernel's, written just before each
 * data access under the vmkernel's PCI lock, so what the vmkernel checks
 * is what the data access uses, whatever other COS CPUs do meanwhile.
 */
#ifndef VMKERNEL_COS_COS_PCI_H
#define VMKERNEL_COS_COS_PCI_H

#include "vmkernel/platform.h"

#define COS_PCI_ADDRESS_PORT	0xcf8
#define COS_PCI_DATA_PORT	0xcfc	/* 4 ports */
#define COS_PCI_ENABLE		0x80000000u	/* address bit 31 */
#define COS_PCI_HIDDEN_MAX	2	/* the HBA and the uplink NIC */
/* PCI-to-PCI bridges above them: PCIe nests root port, switch ports... */
#define COS_PCI_GUARDED_MAX	16

/*
 * AMD's enhanced configuration window (ECAM, "MMCONFIG"): family 10h and
 * later decode it where MSR C001_0058 says (BKDG for family 10h, MSRC001_0058
 * MMIO Configuration Base Address; the PPRs of later families keep it):
 * bit 0 enable, bits 5:2 BusRange (2^n buses, 0-8), bits 47:20 the base.
 * Each function has a 4 KiB page at base + (bus << 20 | dev << 15 | fn << 12).
 */
#define COS_PCI_MSR_MMIO_CFG	0xc0010058u
#define COS_PCI_ECAM_PAGE	4096u

/*
 * The functions the COS's configuration cycles may not reach, and the
 * bridges above them, whose registers the COS may read but not write
 * (but the few below): a write could renumber the bus a hidden function
 * sits on (it would answer at an address nobody hides), close the
 * window its BAR is reached through, turn off the bridge's decoding or
 * bus mastering, pulse its secondary bus reset, or power the link down
 * (PM and PCI Express capability registers, anywhere above 0x3f).
 */
struct cos_pci {
	uint32_t hidden[COS_PCI_HIDDEN_MAX];	/* bus << 8 | dev << 3 | fn */
	uint32_t nhidden;
	uint32_t guarded[COS_PCI_GUARDED_MAX];	/* bridges above them */
	uint32_t nguarded;
};

/* Type 1 header registers (PCI-to-PCI Bridge spec 1.2 §3.2). */
#define COS_PCI_HEADER_TYPE	0x0c	/* dword: header type in bits 23:16 */
#define COS_PCI_BUS_NUMBERS	0x18	/* primary, secondary, subordinate */

/* The machine's side; each call is one step under the vmkernel's PCI lock. */
struct cos_pci_hw_ops {
	/* Latch addr in the address register; what it then reads back. */
	uint32_t (*address)(uint32_t addr);
	/* Write addr to the address register, then the data access, as one. */
	void (*data)(uint32_t addr, uint16_t port, uint32_t size, bool in,
		     uint32_t *val);
	/* A plain I/O access (size 1, 2 or 4) that is no configuration cycle. */
	void (*port)(uint16_t port, uint32_t size, bool in, uint32_t *val);
};

/*
 * The ECAM page of bdf in the window MSR C001_0058 (mmio_cfg) describes:
 * true and *pa, or false when the window is off, its BusRange encoding is
 * reserved, or bdf's bus lies beyond it (then no page of the window is
 * bdf's: the address would be other memory, which must stay the COS's).
 */
bool cos_pci_ecam_page(uint64_t mmio_cfg, uint32_t bdf, uint64_t *pa);

/* Refuse the COS's cycles to bdf from now on; false when the table is full. */
bool cos_pci_add_hidden(struct cos_pci *p, uint32_t bdf);

/*
 * Refuse the COS's writes to bridge bdf from now on (but to its status,
 * secondary status and interrupt line registers); a bridge already
 * guarded is kept once. false when the table is full.
 */
bool cos_pci_add_guarded(struct cos_pci *p, uint32_t bdf);

/* Whether the COS's cycles to bdf are refused whole (not only writes). */
bool cos_pci_is_hidden(const struct cos_pci *p, uint32_t bdf);

/*
 * The PCI-to-PCI bridges whose bus range (secondary to subordinate)
 * holds bus, found with read32 (a configuration read of the machine) on
 * buses 0 to bus - 1: a bridge sits on a bus below the ones it leads to
 * (PCI-to-PCI Bridge spec 1.2 §3.2.5.3). At most max go to out; returns
 * how many there are (more than max: the caller refuses), 0 for bus 0.
 */
uint32_t cos_pci_bridges_above(uint32_t (*read32)(uint32_t bdf, uint32_t reg),
			       uint32_t bus, uint32_t *out, uint32_t max);

/*
 * A COS IN or OUT of size bytes (1, 2, 4) at port that exited because it
 * touches 0xCF8 or 0xCFC-0xCFF, done for the vCPU whose address register
 * is *shadow. An access that straddles those ports and others is done
 * byte by byte. A data access whose address names a hidden function
 * reads all ones (an empty slot) and writes nothing; a write to a
 * guarded bridge that touches any byte but the ones it may write is
 * dropped whole. The number of such refused pieces is returned, the
 * function in *refused.
 * *val: what is written, or (in) what is read.
 */
uint32_t cos_pci_io(const struct cos_pci *p, const struct cos_pci_hw_ops *hw,
		    uint32_t *shadow, uint16_t port, uint32_t size, bool in,
		    uint32_t *val, uint32_t *refused);

#endif /* VMKERNEL_COS_COS_PCI_H */
