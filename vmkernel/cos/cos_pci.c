// SPDX-License-Identifier: GPL-2.0-only
/* The COS's PCI configuration cycles (cos_pci.h). */
#include "vmkernel/cos/cos_pci.h"

enum piece_kind { PIECE_ADDRESS, PIECE_DATA, PIECE_PLAIN };

static enum piece_kind piece_kind(uint32_t port, uint32_t size)
{
	if (port == COS_PCI_ADDRESS_PORT && size == 4)
		return PIECE_ADDRESS;
	if (port >= COS_PCI_DATA_PORT && port + size <= COS_PCI_DATA_PORT + 4)
		return PIECE_DATA;
	return PIECE_PLAIN;
}

/* Within the address dword, within the data dword, or outside both. */
static bool one_piece(uint32_t port, uint32_t size)
{
	uint32_t end = port + size;

	return end <= COS_PCI_ADDRESS_PORT || port >= COS_PCI_DATA_PORT + 4 ||
	       (port >= COS_PCI_ADDRESS_PORT && end <= COS_PCI_DATA_PORT) ||
	       (port >= COS_PCI_DATA_PORT && end <= COS_PCI_DATA_PORT + 4);
}

#define MMIO_CFG_ENABLE		1u
#define MMIO_CFG_BUS_RANGE(m)	((uint32_t)((m) >> 2) & 0xfu)
#define MMIO_CFG_BUS_RANGE_MAX	8u		/* 256 buses */
#define MMIO_CFG_BASE_MASK	0x0000fffffff00000ull	/* bits 47:20 */

bool cos_pci_ecam_page(uint64_t mmio_cfg, uint32_t bdf, uint64_t *pa)
{
	uint32_t range = MMIO_CFG_BUS_RANGE(mmio_cfg);

	bdf &= 0xffff;
	if (!(mmio_cfg & MMIO_CFG_ENABLE) || range > MMIO_CFG_BUS_RANGE_MAX ||
	    (bdf >> 8) >= (1u << range))
		return false;
	*pa = (mmio_cfg & MMIO_CFG_BASE_MASK) + (uint64_t)bdf * COS_PCI_ECAM_PAGE;
	return true;
}

bool cos_pci_add_hidden(struct cos_pci *p, uint32_t bdf)
{
	if (p->nhidden >= COS_PCI_HIDDEN_MAX)
		return false;
	p->hidden[p->nhidden++] = bdf & 0xffff;
	return true;
}

static bool in_table(const uint32_t *t, uint32_t n, uint32_t bdf)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (t[i] == bdf)
			return true;
	}
	return false;
}

bool cos_pci_is_hidden(const struct cos_pci *p, uint32_t bdf)
{
	return in_table(p->hidden, p->nhidden, bdf & 0xffff);
}

bool cos_pci_add_guarded(struct cos_pci *p, uint32_t bdf)
{
	bdf &= 0xffff;
	if (in_table(p->guarded, p->nguarded, bdf))
		return true;
	if (p->nguarded >= COS_PCI_GUARDED_MAX)
		return false;
	p->guarded[p->nguarded++] = bdf;
	return true;
}

/* Bits 23:8 of the address are bus, device and function (§3.2.2.3.2). */
static uint32_t addr_bdf(uint32_t addr)
{
	return (addr >> 8) & 0xffff;
}

static bool names_hidden(const struct cos_pci *p, uint32_t addr, uint32_t *bdf)
{
	if (!(addr & COS_PCI_ENABLE) || !cos_pci_is_hidden(p, addr_bdf(addr)))
		return false;
	*bdf = addr_bdf(addr);
	return true;
}

/*
 * What the COS may still write in a guarded bridge: the status and
 * secondary status registers (write one to clear: PCI-to-PCI Bridge
 * spec 1.2 §3.2.4.2, §3.2.5.7) and the interrupt line (a note for
 * drivers, §3.2.5.16). Byte offsets in the configuration space.
 */
static bool bridge_byte_writable(uint32_t off)
{
	return off == 0x06 || off == 0x07 || off == 0x1e || off == 0x1f ||
	       off == 0x3c;
}

/* A write of size bytes at port under addr that a guarded bridge refuses. */
static bool guarded_write(const struct cos_pci *p, uint32_t addr, uint16_t port,
			  uint32_t size, uint32_t *bdf)
{
	/* Bits 7:2 the dword, the port's low bits the byte (§3.2.2.3.2). */
	uint32_t off = (addr & 0xfc) + (port & 3u), i;

	if (!(addr & COS_PCI_ENABLE) ||
	    !in_table(p->guarded, p->nguarded, addr_bdf(addr)))
		return false;
	for (i = 0; i < size; i++) {
		if (!bridge_byte_writable(off + i)) {
			*bdf = addr_bdf(addr);
			return true;
		}
	}
	return false;
}

uint32_t cos_pci_bridges_above(uint32_t (*read32)(uint32_t bdf, uint32_t reg),
			       uint32_t bus, uint32_t *out, uint32_t max)
{
	uint32_t b, dev, fn, fns, bdf, id, type, buses, n = 0;

	bus &= 0xff;
	for (b = 0; b < bus; b++) {
		for (dev = 0; dev < 32; dev++) {
			fns = 1;
			for (fn = 0; fn < fns; fn++) {
				bdf = b << 8 | dev << 3 | fn;
				id = read32(bdf, 0);
				if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
					continue;
				type = (read32(bdf, COS_PCI_HEADER_TYPE) >> 16) & 0xff;
				if (fn == 0 && (type & 0x80))
					fns = 8;	/* multi-function device */
				if ((type & 0x7f) != 1)
					continue;	/* not a PCI-to-PCI bridge */
				buses = read32(bdf, COS_PCI_BUS_NUMBERS);
				if (((buses >> 8) & 0xff) <= bus && bus <= ((buses >> 16) & 0xff)) {
					if (n < max)
						out[n] = bdf;
					n++;
				}
			}
		}
	}
	return n;
}

static uint32_t piece_io(const struct cos_pci *p, const struct cos_pci_hw_ops *hw,
			 uint32_t *shadow, uint16_t port, uint32_t size, bool in,
			 uint32_t *val, uint32_t *refused)
{
	switch (piece_kind(port, size)) {
	case PIECE_ADDRESS:
		if (in)
			*val = *shadow;
		else
			*shadow = hw->address(*val);
		return 0;
	case PIECE_DATA:
		/* *shadow is this vCPU's alone: the value checked is the one
		 * hw->data() puts in the machine's address register. */
		if (names_hidden(p, *shadow, refused)) {
			if (in)
				*val = 0xffffffffu;
			return 1;
		}
		if (!in && guarded_write(p, *shadow, port, size, refused))
			return 1;
		hw->data(*shadow, port, size, in, val);
		return 0;
	case PIECE_PLAIN:
	default:
		hw->port(port, size, in, val);
		return 0;
	}
}

uint32_t cos_pci_io(const struct cos_pci *p, const struct cos_pci_hw_ops *hw,
		    uint32_t *shadow, uint16_t port, uint32_t size, bool in,
		    uint32_t *val, uint32_t *refused)
{
	uint32_t i, b, n = 0, out = 0;

	if (one_piece(port, size))
		return piece_io(p, hw, shadow, port, size, in, val, refused);
	/* Byte by byte, each with its byte enable as the bridge would see it. */
	for (i = 0; i < size; i++) {
		b = (*val >> (8 * i)) & 0xff;
		n += piece_io(p, hw, shadow, (uint16_t)(port + i), 1, in, &b, refused);
		out |= (b & 0xff) << (8 * i);
	}
	if (in)
		*val = out;
	return n;
}
