// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the vmxnet3 model (vmm/dev/vmxnet3.c). Each
 * input is a little program for a hostile guest driver and a hostile
 * network: register writes and reads anywhere in both BARs, commands
 * with any DriverShared area and queue table, transmit and receive
 * descriptors with any fields and generation bits, doorbells, frames of
 * any length, PCI config writes, link flaps. Whatever the input did, a
 * reset and the driver's open must send one frame and receive one
 * afterwards. Crashes, sanitizer reports, hangs, an interrupt line
 * "changed" to its own level and a lost frame after reset are bugs.
 */
#include <stdio.h>

#include "tests/fuzz/nic.h"
#include "tests/unit/vmmnet/vmxnet3_test.h"

#define MAX_OPS 2048

static const uint32_t vd_regs[] = {
	VMXNET3_REG_VRRS, VMXNET3_REG_UVRS, VMXNET3_REG_DSAL, VMXNET3_REG_DSAH,
	VMXNET3_REG_CMD, VMXNET3_REG_MACL, VMXNET3_REG_MACH, VMXNET3_REG_ICR,
	VMXNET3_REG_ECR,
};

static const uint32_t commands[] = {
	VMXNET3_CMD_ACTIVATE_DEV, VMXNET3_CMD_QUIESCE_DEV, VMXNET3_CMD_RESET_DEV,
	VMXNET3_CMD_UPDATE_RX_MODE, VMXNET3_CMD_UPDATE_MAC_FILTERS,
	VMXNET3_CMD_GET_QUEUE_STATUS, VMXNET3_CMD_GET_STATS, VMXNET3_CMD_GET_LINK,
	VMXNET3_CMD_GET_CONF_INTR,
};

static struct vx_guest *g;

static void fresh_guest(void)
{
	if (!g)
		g = vx_guest_new();
	nic_forget_tx(&g->h);
	memset(g->h.ram, 0, NIC_RAM);
	vmxnet3_reset(&g->dev);
	vx_open(g, 32, 32, VMXNET3_RXM_UCAST | VMXNET3_RXM_BCAST);
}

/* An address: mostly in the fixture's areas, sometimes anywhere. */
static uint64_t some_address(struct fuzz_input *in)
{
	uint8_t k = fuzz_next8(in);

	if (k & 0x80)
		return (uint64_t)fuzz_next32(in) << (k & 0x1f);
	return fuzz_next32(in) % NIC_RAM;
}

/* A word of guest memory the device reads: DriverShared, queue table, rings. */
static void poke_shared(struct fuzz_input *in)
{
	static const uint32_t areas[] = { GPA_SHARED, GPA_QUEUES, GPA_TX_RING,
					  GPA_TX_COMP, GPA_RX_RING, GPA_RX_COMP };
	uint32_t base = areas[fuzz_next8(in) % VMM_ARRAY_SIZE(areas)];
	uint32_t off = fuzz_next32(in) % 0x800 & ~3u;

	if (fuzz_next8(in) & 1)
		vmm_put64(g->h.ram + base + off, some_address(in));
	else
		vmm_put32(g->h.ram + base + off, fuzz_next32(in));
}

static void put_tx_packet(struct fuzz_input *in)
{
	uint32_t n = 1 + fuzz_next8(in) % 4, off[4], len[4];
	uint32_t dw3 = fuzz_next32(in), msscof = fuzz_next32(in);

	if (!g->tx_size)
		return;
	for (uint32_t i = 0; i < n; i++) {
		off[i] = fuzz_next32(in) % 0x80000;
		len[i] = fuzz_next8(in) & 1 ? fuzz_next32(in) : fuzz_next32(in) % 2048;
	}
	vx_tx_put(g, n, off, len, dw3 & ~(VMXNET3_TXD_EOP | VMXNET3_TXD_CQ), msscof & 0x3fff);
	if (fuzz_next8(in) & 1)
		vx_tx_doorbell(g);
}

static void receive_frame(struct fuzz_input *in)
{
	static uint8_t f[VMXNET3_FRAME_MAX + 64];

	vmxnet3_receive(&g->dev, f, fuzz_frame(in, f, sizeof(f), vx_mac));
}

/*
 * What vmxnet3_set_mc() writes, then UPDATE_MAC_FILTERS: a receive mode,
 * a multicast table of fuzzed addresses (mostly group addresses) and a
 * length and address of any kind. nic_host.h aborts if the backend
 * hears anything but a bounded list of group addresses.
 */
static void set_mc(struct fuzz_input *in)
{
	uint8_t *s = g->h.ram + GPA_SHARED, *t = g->h.ram + GPA_MC_TABLE;
	uint32_t n = fuzz_next8(in) % (VNIC_GROUPS_MAX + 4);

	for (uint32_t i = 0; i < n; i++) {
		vmm_put32(t + 6 * i, fuzz_next32(in));
		vmm_put16(t + 6 * i + 4, (uint16_t)fuzz_next32(in));
		if (fuzz_next8(in) & 3)
			t[6 * i] |= 1;
	}
	vmm_put32(s + 120, fuzz_next32(in));
	vmm_put16(s + 124, fuzz_next8(in) & 1 ? (uint16_t)fuzz_next32(in) : (uint16_t)(6 * n));
	vmm_put64(s + 128, fuzz_next8(in) & 1 ? some_address(in) : GPA_MC_TABLE);
	vx_cmd(g, VMXNET3_CMD_UPDATE_MAC_FILTERS);
}

static void step(struct fuzz_input *in)
{
	uint32_t off, v;

	switch (fuzz_next8(in) % 13) {
	case 0:
		vd_wr(g, vd_regs[fuzz_next8(in) % VMM_ARRAY_SIZE(vd_regs)], fuzz_next32(in));
		break;
	case 1:
		vx_cmd(g, fuzz_next8(in) & 1 ? commands[fuzz_next8(in) % VMM_ARRAY_SIZE(commands)] :
		       fuzz_next32(in));
		break;
	case 2:
		off = fuzz_next32(in);
		if (off & 1)
			vmxnet3_pt_ops.write(&g->dev, off % (VMXNET3_PT_SIZE + 8),
					     1u << (off >> 30), fuzz_next32(in));
		else
			vmxnet3_pt_ops.read(&g->dev, off % (VMXNET3_PT_SIZE + 8), 1u << (off >> 30));
		break;
	case 3:
		off = fuzz_next32(in);
		if (off & 1)
			vmxnet3_vd_ops.write(&g->dev, off % (VMXNET3_VD_SIZE + 8),
					     1u << (off >> 30), fuzz_next32(in));
		else
			vmxnet3_vd_ops.read(&g->dev, off % (VMXNET3_VD_SIZE + 8), 1u << (off >> 30));
		break;
	case 4:
		put_tx_packet(in);
		break;
	case 5:
		pt_wr(g, VMXNET3_REG_TXPROD + 8 * (fuzz_next8(in) % 10), fuzz_next32(in));
		break;
	case 6:
		receive_frame(in);
		break;
	case 7:
		poke_shared(in);
		break;
	case 8:
		v = fuzz_next32(in);
		vx_open(g, 32u << (v & 3), 32u << (v >> 2 & 3), fuzz_next32(in));
		break;
	case 9:
		vmxnet3_poll(&g->dev);
		break;
	case 10:
		/* the header and the MSI capability (0x40-0x4d) */
		vmxnet3_pci_ops.write(&g->dev, fuzz_next8(in) & 0x7c, 4, fuzz_next32(in));
		break;
	case 12:
		set_mc(in);
		break;
	default:
		vmxnet3_set_link(&g->dev, fuzz_next8(in) & 1);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint32_t off = 0, len = 100;
	uint8_t f[100];

	fresh_guest();
	for (unsigned int n = 0; in.left && n < MAX_OPS; n++)
		step(&in);

	/* a reset and the driver's open bring the NIC back */
	vmxnet3_pci_ops.write(&g->dev, 4, 2, 0x0006);
	vmxnet3_set_link(&g->dev, true);
	vx_cmd(g, VMXNET3_CMD_RESET_DEV);
	nic_forget_tx(&g->h);
	vmxnet3_reset(&g->dev);
	if (vx_open(g, 32, 32, VMXNET3_RXM_UCAST)) {
		fprintf(stderr, "after reset: activation refused\n");
		abort();
	}
	memset(g->h.ram + GPA_TX_BUF, 0x5a, 100);
	vx_tx_put(g, 1, &off, &len, 0, 0);
	vx_tx_doorbell(g);
	memcpy(f, vx_mac, 6);
	memset(f + 6, 0x11, sizeof(f) - 6);
	if (g->h.nr_tx != 1 || g->h.tx_len[0] != 100 || !vmxnet3_receive(&g->dev, f, sizeof(f)) ||
	    memcmp(g->h.ram + GPA_RX_BUF, f, sizeof(f))) {
		fprintf(stderr, "after reset: %u frames sent\n", g->h.nr_tx);
		abort();
	}
	return 0;
}
