// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the e1000 (82540EM) model (vmm/dev/e1000.c). Each
 * input is a little program for a hostile guest driver and a hostile
 * network: register writes and reads anywhere in the window, transmit
 * and receive descriptors with any fields, doorbells with any tail, ring
 * setups of any size, frames of any length and address, PCI config and
 * I/O window writes, link flaps. Whatever the input did, a reset and the
 * driver's open must send one frame and receive one afterwards. Crashes,
 * sanitizer reports, hangs, an interrupt line "changed" to its own level
 * and a lost frame after reset are bugs.
 */
#include <stdio.h>

#include "tests/fuzz/nic.h"
#include "tests/unit/vmmnet/e1000_test.h"

#define MAX_OPS 2048

static const uint32_t regs[] = {
	E1000_CTRL, E1000_EECD, E1000_EERD, E1000_MDIC, E1000_ICR, E1000_ICS,
	E1000_IMS, 0x00d8 /* IMC */, E1000_RCTL, E1000_TCTL, E1000_RDBAL,
	E1000_RDBAH, E1000_RDLEN, E1000_RDH, E1000_RDT, E1000_TDBAL,
	E1000_TDBAH, E1000_TDLEN, E1000_TDH, E1000_TDT, E1000_MTA, E1000_RA,
	E1000_RA + 4, 0x0038 /* VET */,
};

static struct nic_guest *g;

static void fresh_guest(void)
{
	if (!g)
		g = nic_guest_new();
	nic_forget_tx(&g->h);
	memset(g->h.ram, 0, NIC_RAM);
	nic_attach(g);
	nic_open(g, 8, 8, E1000_RCTL_EN | E1000_RCTL_BAM);
}

/* A buffer address: mostly in the fixture's buffers, sometimes anywhere. */
static uint64_t some_address(struct fuzz_input *in)
{
	uint8_t k = fuzz_next8(in);

	if (k & 0x80)
		return (uint64_t)fuzz_next32(in) << (k & 0x1f);
	return GPA_TX_BUF + fuzz_next32(in) % 0x80000;
}

static void put_tx_descriptor(struct fuzz_input *in)
{
	uint64_t addr = some_address(in);
	uint32_t lower = fuzz_next32(in), upper = fuzz_next32(in);

	if (!g->tx_entries)
		return;
	if (fuzz_next8(in) & 1)		/* keep lengths mostly small */
		lower = (lower & 0xfff00000) | (lower & 0x3fff);
	tx_put(g, addr, lower, upper);
	if (fuzz_next8(in) & 1)
		tx_doorbell(g);
}

static void receive_frame(struct fuzz_input *in)
{
	static uint8_t f[E1000_FRAME_MAX + 64];

	e1000_receive(&g->dev, f, fuzz_frame(in, f, sizeof(f), nic_mac));
}

static void step(struct fuzz_input *in)
{
	uint32_t off, v;

	switch (fuzz_next8(in) % 13) {
	case 0:
		wr(g, regs[fuzz_next8(in) % VMM_ARRAY_SIZE(regs)], fuzz_next32(in));
		break;
	case 1:
		off = fuzz_next32(in);
		e1000_mmio_ops.write(&g->dev, off % (E1000_MMIO_SIZE + 8), 1u << (off >> 30),
				     fuzz_next32(in));
		break;
	case 2:
		off = fuzz_next32(in);
		e1000_mmio_ops.read(&g->dev, off % (E1000_MMIO_SIZE + 8), 1u << (off >> 30));
		break;
	case 3:
		put_tx_descriptor(in);
		break;
	case 4:
		wr(g, E1000_TDT, fuzz_next8(in) & 1 ? g->tx_tail : fuzz_next32(in));
		break;
	case 5:
		receive_frame(in);
		break;
	case 6:		/* a receive descriptor's address and status */
		off = fuzz_next32(in) % 128;
		vmm_put64(g->h.ram + GPA_RX_RING + off * E1000_DESC_LEN, some_address(in));
		vmm_put32(g->h.ram + GPA_RX_RING + off * E1000_DESC_LEN + 8, fuzz_next32(in));
		break;
	case 7:		/* packet bytes: headers the offloads parse */
		off = fuzz_next32(in) % 0x1000;
		vmm_put32(g->h.ram + GPA_TX_BUF + off, fuzz_next32(in));
		break;
	case 8:
		v = fuzz_next32(in);
		nic_open(g, 8u << (v & 9), 1 + (v >> 4) % 128, fuzz_next32(in));
		break;
	case 9:
		e1000_poll(&g->dev);
		break;
	case 10:
		e1000_pci_ops.write(&g->dev, fuzz_next8(in) & 0x3c, 4, fuzz_next32(in));
		break;
	case 11:
		off = fuzz_next8(in) & 0x3f;
		v = fuzz_next32(in);
		if (v & 1)
			e1000_io_ops.write(&g->dev, off, 4, fuzz_next32(in));
		else
			e1000_io_ops.read(&g->dev, off, 4);
		break;
	default:
		e1000_set_link(&g->dev, fuzz_next8(in) & 1);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t f[100];

	fresh_guest();
	for (unsigned int n = 0; in.left && n < MAX_OPS; n++)
		step(&in);

	/* a reset and the driver's open bring the NIC back */
	e1000_pci_ops.write(&g->dev, 4, 2, 0x0007);
	e1000_set_link(&g->dev, true);
	nic_forget_tx(&g->h);
	nic_open(g, 8, 8, E1000_RCTL_EN | E1000_RCTL_BAM);
	memset(g->h.ram + GPA_TX_BUF, 0x5a, 100);
	tx_legacy(g, 0, 100);
	tx_doorbell(g);
	memcpy(f, nic_mac, 6);
	memset(f + 6, 0x11, sizeof(f) - 6);
	if (g->h.nr_tx != 1 || g->h.tx_len[0] != 100 || !e1000_receive(&g->dev, f, sizeof(f)) ||
	    memcmp(g->h.ram + GPA_RX_BUF, f, sizeof(f))) {
		fprintf(stderr, "after reset: %u frames sent, rx desc status %#x\n",
			g->h.nr_tx, g->h.ram[GPA_RX_RING + 12]);
		abort();
	}
	return 0;
}
