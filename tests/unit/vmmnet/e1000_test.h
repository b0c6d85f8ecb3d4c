// SPDX-License-Identifier: GPL-2.0-only
/*
 * An e1000 (82540EM) in a fake guest for the unit tests and the fuzzer,
 * on nic_host.h's fake host, driven by the register steps of Linux's e1000 probe and open
 * (drivers/net/ethernet/intel/e1000/e1000_main.c, e1000_hw.c): reset
 * through the I/O window, the MAC from the Microwire EEPROM, PHY ID,
 * rings, receive buffers, interrupt mask. No Check here: the fuzzer
 * includes it too.
 */
#ifndef TESTS_UNIT_VMMNET_E1000_TEST_H
#define TESTS_UNIT_VMMNET_E1000_TEST_H

#include "tests/unit/vmmnet/nic_host.h"
#include "vmm/dev/e1000.h"
#include "vmm/devices.h"

/* Guest-physical layout of the fixture. */
#define GPA_TX_RING	0x10000u	/* up to 4096 descriptors */
#define GPA_RX_RING	0x20000u
#define GPA_TX_BUF	0x100000u	/* packets to send */
#define GPA_RX_BUF	0x200000u	/* receive buffers, 16 KiB apart */
#define RX_BUF_STRIDE	0x4000u

static const uint8_t nic_mac[6] = { 0x00, 0x0c, 0x29, 0x12, 0x34, 0x56 };

struct nic_guest {
	struct nic_host h;
	struct e1000 dev;
	uint32_t tx_entries, tx_tail;	/* the driver's transmit ring */
	uint32_t rx_entries;
};

/* A new controller in g: its RAM, interrupt line and backend; its cable. */
static inline void nic_attach_cable(struct nic_guest *g, bool link_down)
{
	struct vnic_config cfg = nic_host_config(&g->h, nic_mac, link_down);

	e1000_init(&g->dev, &cfg);
}

static inline void nic_attach(struct nic_guest *g)
{
	nic_attach_cable(g, false);
}

static inline struct nic_guest *nic_guest_new(void)
{
	struct nic_guest *g = calloc(1, sizeof(*g));

	if (!g)
		abort();
	nic_host_init(&g->h, E1000_FRAME_MAX + 4);
	nic_attach(g);
	return g;
}

static inline void nic_guest_free(struct nic_guest *g)
{
	nic_host_free(&g->h);
	free(g);
}

static inline uint32_t rd(struct nic_guest *g, uint32_t off)
{
	return e1000_mmio_ops.read(&g->dev, off, 4);
}

static inline void wr(struct nic_guest *g, uint32_t off, uint32_t val)
{
	e1000_mmio_ops.write(&g->dev, off, 4, val);
}

/* e1000_read_eeprom() for a Microwire part: bit-banged through EECD. */
static inline void ee_clock(struct nic_guest *g, uint32_t *eecd)
{
	wr(g, E1000_EECD, *eecd | E1000_EECD_SK);
	*eecd = rd(g, E1000_EECD) & ~E1000_EECD_SK;
	wr(g, E1000_EECD, *eecd);
}

static inline uint16_t ee_read_word(struct nic_guest *g, unsigned int addr)
{
	uint32_t eecd = E1000_EECD_REQ, bits = 0x6u << 6 | (addr & 0x3f);
	uint16_t data = 0;

	wr(g, E1000_EECD, eecd);
	if (!(rd(g, E1000_EECD) & E1000_EECD_GNT))
		return 0xdead;
	wr(g, E1000_EECD, eecd |= E1000_EECD_CS);
	for (int i = 8; i >= 0; i--) {	/* opcode and address, MSB first */
		eecd = (eecd & ~E1000_EECD_DI) | (bits >> i & 1 ? E1000_EECD_DI : 0);
		wr(g, E1000_EECD, eecd);
		ee_clock(g, &eecd);
	}
	eecd &= ~E1000_EECD_DI;
	for (int i = 0; i < 16; i++) {
		wr(g, E1000_EECD, eecd | E1000_EECD_SK);
		data = (uint16_t)(data << 1 | !!(rd(g, E1000_EECD) & E1000_EECD_DO));
		wr(g, E1000_EECD, eecd);
	}
	wr(g, E1000_EECD, 0);		/* CS low, release */
	return data;
}

static inline uint16_t phy_rd(struct nic_guest *g, unsigned int reg)
{
	wr(g, E1000_MDIC, reg << 16 | 1u << 21 | E1000_MDIC_OP_READ);
	return (uint16_t)rd(g, E1000_MDIC);
}

/* Receive descriptor i handed to the device with its buffer. */
static inline void rx_give(struct nic_guest *g, uint32_t i)
{
	uint8_t *d = g->h.ram + GPA_RX_RING + i * E1000_DESC_LEN;

	memset(d, 0, E1000_DESC_LEN);
	vmm_put64(d, GPA_RX_BUF + (uint64_t)i * RX_BUF_STRIDE);
}

/*
 * Probe and open: reset through the I/O window (e1000_reset_hw on this
 * part), interrupts masked, rings of tx_n and rx_n descriptors, all but
 * one receive descriptor given to the device, causes unmasked.
 */
static inline void nic_open(struct nic_guest *g, uint32_t tx_n, uint32_t rx_n,
			    uint32_t rctl)
{
	e1000_io_ops.write(&g->dev, 0, 4, E1000_CTRL);
	e1000_io_ops.write(&g->dev, 4, 4, E1000_CTRL_RST);
	wr(g, 0x00d8, 0xffffffff);	/* IMC */
	rd(g, E1000_ICR);
	wr(g, E1000_TDBAL, GPA_TX_RING);
	wr(g, E1000_TDBAH, 0);
	wr(g, E1000_TDLEN, tx_n * E1000_DESC_LEN);
	wr(g, E1000_TDH, 0);
	wr(g, E1000_TDT, 0);
	wr(g, E1000_TCTL, E1000_TCTL_EN | 0x8 /* PSP */);
	g->tx_entries = tx_n;
	g->tx_tail = 0;
	for (uint32_t i = 0; i < rx_n; i++)
		rx_give(g, i);
	wr(g, E1000_RDBAL, GPA_RX_RING);
	wr(g, E1000_RDBAH, 0);
	wr(g, E1000_RDLEN, rx_n * E1000_DESC_LEN);
	wr(g, E1000_RDH, 0);
	wr(g, E1000_RDT, rx_n - 1);
	wr(g, E1000_RCTL, rctl);
	g->rx_entries = rx_n;
	wr(g, E1000_IMS, E1000_ICR_TXDW | E1000_ICR_LSC | E1000_ICR_RXT0 |
	   E1000_ICR_RXO | E1000_ICR_RXDMT0);
}

/* A transmit descriptor at the driver's tail; no doorbell. */
static inline uint8_t *tx_put(struct nic_guest *g, uint64_t addr, uint32_t lower,
			      uint32_t upper)
{
	uint8_t *d = g->h.ram + GPA_TX_RING + g->tx_tail * E1000_DESC_LEN;

	vmm_put64(d, addr);
	vmm_put32(d + 8, lower);
	vmm_put32(d + 12, upper);
	g->tx_tail = (g->tx_tail + 1) % g->tx_entries;
	return d;
}

static inline void tx_doorbell(struct nic_guest *g)
{
	wr(g, E1000_TDT, g->tx_tail);
}

/* A legacy descriptor for len bytes at GPA_TX_BUF + off, end of packet. */
static inline uint8_t *tx_legacy(struct nic_guest *g, uint32_t off, uint32_t len)
{
	return tx_put(g, GPA_TX_BUF + off, len | (uint32_t)(E1000_TXD_CMD_EOP |
		      E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS) << 24, 0);
}

#endif /* TESTS_UNIT_VMMNET_E1000_TEST_H */
