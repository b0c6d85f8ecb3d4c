// SPDX-License-Identifier: GPL-2.0-only
/*
 * A vmxnet3 in a fake guest for the unit tests and the fuzzer, on
 * nic_host.h's fake host, driven by the steps of Linux's vmxnet3 probe
 * and open (drivers/net/vmxnet3/vmxnet3_drv.c):
 * revision and UPT handshake, the MAC from MACL/MACH, the interrupt
 * configuration, a DriverShared area and queue table as
 * vmxnet3_setup_driver_shared() fills them, receive buffers handed over
 * by generation bit, ACTIVATE_DEV, the interrupt unmasked. No Check here:
 * the fuzzer includes it too.
 */
#ifndef TESTS_UNIT_VMMNET_VMXNET3_TEST_H
#define TESTS_UNIT_VMMNET_VMXNET3_TEST_H

#include "tests/unit/vmmnet/nic_host.h"
#include "vmm/dev/vmxnet3.h"
#include "vmm/devices.h"

/* Guest-physical layout of the fixture. */
#define GPA_SHARED	0x1000u		/* Vmxnet3_DriverShared */
#define GPA_QUEUES	0x2000u		/* one TxQueueDesc, one RxQueueDesc */
#define GPA_MC_TABLE	0x3000u		/* the driver's multicast table */
#define GPA_TX_RING	0x10000u	/* up to 512 descriptors each */
#define GPA_TX_COMP	0x20000u
#define GPA_RX_RING	0x30000u
#define GPA_RX_RING2	0x40000u
#define GPA_RX_COMP	0x50000u
#define GPA_TX_BUF	0x100000u	/* packets to send */
#define GPA_RX_BUF	0x200000u	/* receive buffers, 2 KiB apart */
#define VX_RX_BUF_LEN	1536u		/* a 1500-byte MTU's skb_buf_size, rounded */
#define VX_RX_STRIDE	0x800u

/* DriverShared and queue descriptor offsets (vmxnet3_defs.h). */
#define VX_DS_ECR	696
#define VX_QD_LEN	256
#define VX_TQD		GPA_QUEUES
#define VX_RQD		(GPA_QUEUES + VX_QD_LEN)

static const uint8_t vx_mac[6] = { 0x00, 0x50, 0x56, 0x12, 0x34, 0x56 };

struct vx_guest {
	struct nic_host h;
	struct vmxnet3 dev;
	/* the driver's side of its rings: next to fill or process, generation */
	uint32_t tx_size, tx_next, tcomp_next, rx_size, rx_next, rcomp_next;
	bool tx_gen, tcomp_gen, rx_gen, rcomp_gen;
	/*
	 * The interrupt mask mode: auto_mask as vx_open() took it from
	 * GET_CONF_INTR (Linux's vmxnet3_alloc_intr_resources()), unless
	 * driver_masks ("active" mode: the handler masks) was set first.
	 */
	bool driver_masks, auto_mask;
};

static inline struct vx_guest *vx_guest_new(void)
{
	struct vx_guest *g = calloc(1, sizeof(*g));
	struct vnic_config cfg;

	if (!g)
		abort();
	nic_host_init(&g->h, VMXNET3_FRAME_MAX + 4);
	cfg = nic_host_config(&g->h, vx_mac, false);
	vmxnet3_init(&g->dev, &cfg);
	return g;
}

static inline void vx_guest_free(struct vx_guest *g)
{
	nic_host_free(&g->h);
	free(g);
}

static inline uint32_t vd_rd(struct vx_guest *g, uint32_t off)
{
	return vmxnet3_vd_ops.read(&g->dev, off, 4);
}

static inline void vd_wr(struct vx_guest *g, uint32_t off, uint32_t val)
{
	vmxnet3_vd_ops.write(&g->dev, off, 4, val);
}

static inline void pt_wr(struct vx_guest *g, uint32_t off, uint32_t val)
{
	vmxnet3_pt_ops.write(&g->dev, off, 4, val);
}

static inline uint32_t vx_cmd(struct vx_guest *g, uint32_t cmd)
{
	vd_wr(g, VMXNET3_REG_CMD, cmd);
	return vd_rd(g, VMXNET3_REG_CMD);
}

/* Receive descriptor i handed to the device (its generation last). */
static inline void vx_rx_give(struct vx_guest *g)
{
	uint8_t *d = g->h.ram + GPA_RX_RING + g->rx_next * VMXNET3_DESC_LEN;

	vmm_put64(d, GPA_RX_BUF + (uint64_t)g->rx_next * VX_RX_STRIDE);
	vmm_put32(d + 8, VX_RX_BUF_LEN | (g->rx_gen ? VMXNET3_RXD_GEN : 0));
	if (++g->rx_next == g->rx_size) {
		g->rx_next = 0;
		g->rx_gen = !g->rx_gen;
	}
}

/*
 * DriverShared and the queue table for tx_n transmit and rx_n receive
 * descriptors (completion rings as long), as vmxnet3_setup_driver_shared()
 * writes them for one queue each, receive mode rx_mode.
 */
static inline void vx_shared(struct vx_guest *g, uint32_t tx_n, uint32_t rx_n,
			     uint32_t rx_mode)
{
	uint8_t *s = g->h.ram + GPA_SHARED, *tq = g->h.ram + VX_TQD, *rq = g->h.ram + VX_RQD;

	memset(s, 0, 720);
	memset(tq, 0, 2 * VX_QD_LEN);
	vmm_put32(s, VMXNET3_REV1_MAGIC);
	vmm_put32(s + 16, 1);			/* driverInfo.vmxnet3RevSpt */
	vmm_put32(s + 20, 1);			/* uptVerSpt */
	vmm_put64(s + 40, GPA_QUEUES);		/* queueDescPA */
	vmm_put32(s + 52, 2 * VX_QD_LEN);	/* queueDescLen */
	vmm_put32(s + 56, 1500);		/* mtu */
	s[62] = 1;				/* numTxQueues */
	s[63] = 1;				/* numRxQueues */
	s[80] = g->auto_mask;			/* intrConf.autoMask */
	s[81] = 1;				/* intrConf.numIntrs */
	vmm_put32(s + 120, rx_mode);
	vmm_put64(tq + 16, GPA_TX_RING);
	vmm_put64(tq + 24, GPA_TX_BUF);		/* data ring: unused here */
	vmm_put64(tq + 32, GPA_TX_COMP);
	vmm_put32(tq + 56, tx_n);
	vmm_put32(tq + 60, tx_n);
	vmm_put32(tq + 64, tx_n);
	vmm_put64(rq + 16, GPA_RX_RING);
	vmm_put64(rq + 24, GPA_RX_RING2);
	vmm_put64(rq + 32, GPA_RX_COMP);
	vmm_put32(rq + 56, rx_n);
	vmm_put32(rq + 60, 32);
	vmm_put32(rq + 64, rx_n + 32);
}

/*
 * Probe and open: the handshake, the interrupt mask mode, rings of tx_n
 * and rx_n descriptors, all but one receive descriptor given,
 * ACTIVATE_DEV, interrupt 0 unmasked.
 * Returns ACTIVATE_DEV's answer.
 */
static inline uint32_t vx_open(struct vx_guest *g, uint32_t tx_n, uint32_t rx_n,
			       uint32_t rx_mode)
{
	uint32_t r;

	vd_wr(g, VMXNET3_REG_VRRS, 1);
	vd_wr(g, VMXNET3_REG_UVRS, 1);
	g->auto_mask = !g->driver_masks &&
		       (vx_cmd(g, VMXNET3_CMD_GET_CONF_INTR) >> 2 & 3) == VMXNET3_IMM_AUTO;
	vx_shared(g, tx_n, rx_n, rx_mode);
	memset(g->h.ram + GPA_TX_RING, 0, 512 * VMXNET3_DESC_LEN);
	memset(g->h.ram + GPA_TX_COMP, 0, 512 * VMXNET3_DESC_LEN);
	memset(g->h.ram + GPA_RX_RING, 0, 512 * VMXNET3_DESC_LEN);
	memset(g->h.ram + GPA_RX_COMP, 0, 1024 * VMXNET3_DESC_LEN);
	g->tx_size = tx_n;
	g->rx_size = rx_n;
	g->tx_next = g->tcomp_next = g->rx_next = g->rcomp_next = 0;
	g->tx_gen = g->tcomp_gen = g->rx_gen = g->rcomp_gen = true;
	for (uint32_t i = 0; i + 1 < rx_n; i++)
		vx_rx_give(g);
	vd_wr(g, VMXNET3_REG_DSAL, GPA_SHARED);
	vd_wr(g, VMXNET3_REG_DSAH, 0);
	r = vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV);
	pt_wr(g, VMXNET3_REG_IMR, 0);
	return r;
}

/*
 * A packet of n buffers at GPA_TX_BUF + off[i], len[i] bytes, as
 * vmxnet3_map_pkt() lays it out: the SOP descriptor written with the old
 * generation, dword 3 (offload) set, then its generation flipped last.
 * Returns the SOP index. No doorbell.
 */
static inline uint32_t vx_tx_put(struct vx_guest *g, unsigned int n,
				 const uint32_t *off, const uint32_t *len,
				 uint32_t sop_dw3, uint32_t msscof)
{
	uint32_t sop = g->tx_next;

	for (unsigned int i = 0; i < n; i++) {
		uint8_t *d = g->h.ram + GPA_TX_RING + g->tx_next * VMXNET3_DESC_LEN;
		bool gen = i ? g->tx_gen : !g->tx_gen;

		vmm_put64(d, GPA_TX_BUF + (uint64_t)off[i]);
		vmm_put32(d + 8, (len[i] & VMXNET3_TXD_LEN_MASK) |
			  (gen ? VMXNET3_TXD_GEN : 0) |
			  (i ? 0 : msscof << VMXNET3_TXD_MSSCOF_SHIFT));
		vmm_put32(d + 12, (i ? 0 : sop_dw3) |
			  (i + 1 == n ? VMXNET3_TXD_EOP | VMXNET3_TXD_CQ : 0));
		if (++g->tx_next == g->tx_size) {
			g->tx_next = 0;
			g->tx_gen = !g->tx_gen;
		}
	}
	vmm_put32(g->h.ram + GPA_TX_RING + sop * VMXNET3_DESC_LEN + 8,
		  vmm_get32(g->h.ram + GPA_TX_RING + sop * VMXNET3_DESC_LEN + 8) ^
		  VMXNET3_TXD_GEN);
	return sop;
}

static inline void vx_tx_doorbell(struct vx_guest *g)
{
	pt_wr(g, VMXNET3_REG_TXPROD, g->tx_next);
}

#endif /* TESTS_UNIT_VMMNET_VMXNET3_TEST_H */
