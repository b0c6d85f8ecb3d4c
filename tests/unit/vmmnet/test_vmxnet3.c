// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmxnet3 model in a fake guest, driven as Linux's vmxnet3 driver
 * drives it: probe (PCI identity, BARs, revision, MAC, INTx), activation
 * from a DriverShared area, transmit of single- and multi-descriptor
 * packets with checksum offload and TSO, receive into posted buffers,
 * generation bits across ring wraps, link events, the multicast table
 * as the switch hears it, and hostile DriverShared areas, multicast
 * tables, rings and descriptors.
 */
#include "tests/unit/check_run.h"
#include "tests/unit/vmmnet/vmxnet3_test.h"
#include "vmm/dev/pci_host.h"

#define RXM_NORMAL	(VMXNET3_RXM_UCAST | VMXNET3_RXM_BCAST)

/* make_tcp() at GPA_TX_BUF; not for TSO, the IP checksum as the stack sets it. */
static void put_tcp(struct vx_guest *g, uint32_t payload, bool tso)
{
	uint8_t *p = g->h.ram + GPA_TX_BUF;

	make_tcp(p, payload, tso);
	if (!tso)
		vmm_put_be16(p + 24, (uint16_t)~sum16(p + 14, 20, 0));
}

static uint8_t *tx_comp(struct vx_guest *g, uint32_t i)
{
	return g->h.ram + GPA_TX_COMP + i * VMXNET3_DESC_LEN;
}

static uint8_t *rx_comp(struct vx_guest *g, uint32_t i)
{
	return g->h.ram + GPA_RX_COMP + i * VMXNET3_DESC_LEN;
}

static bool comp_gen(const uint8_t *c)
{
	return vmm_get32(c + 12) & VMXNET3_CD_GEN;
}

/* One buffer of len bytes at GPA_TX_BUF, a packet, the doorbell. */
static void send_one(struct vx_guest *g, uint32_t len)
{
	uint32_t off = 0;

	vx_tx_put(g, 1, &off, &len, 0, 0);
	vx_tx_doorbell(g);
}

/* The next tx completion as the driver's vmxnet3_tq_tx_complete() takes it. */
static uint32_t take_tx_comp(struct vx_guest *g)
{
	uint8_t *c = tx_comp(g, g->tcomp_next);

	ck_assert(comp_gen(c) == g->tcomp_gen);
	if (++g->tcomp_next == g->tx_size) {
		g->tcomp_next = 0;
		g->tcomp_gen = !g->tcomp_gen;
	}
	return vmm_get32(c) & 0xfff;
}

/* The next rx completion (dword 0, len in *len), its buffer given back. */
static uint32_t take_rx_comp(struct vx_guest *g, uint32_t *dw2)
{
	uint8_t *c = rx_comp(g, g->rcomp_next);

	ck_assert(comp_gen(c) == g->rcomp_gen);
	ck_assert_uint_eq(vmm_get32(c + 12) >> 24 & 0x7f, VMXNET3_CDTYPE_RXCOMP);
	if (++g->rcomp_next == g->rx_size + 32) {
		g->rcomp_next = 0;
		g->rcomp_gen = !g->rcomp_gen;
	}
	*dw2 = vmm_get32(c + 8);
	vx_rx_give(g);
	return vmm_get32(c);
}

START_TEST(test_probe_finds_the_vmxnet3_its_mac_intx_and_link)
{
	struct vx_guest *g = vx_guest_new();

	ck_assert_uint_eq(vmxnet3_pci_ops.read(&g->dev, 0, 4),
			  VMXNET3_DEVICE_ID << 16 | VMXNET3_VENDOR_ID);
	ck_assert_uint_eq(vmxnet3_pci_ops.read(&g->dev, 8, 4) >> 8, 0x020000);
	ck_assert_uint_eq(vmxnet3_pci_ops.read(&g->dev, 0x3d, 1), 1);
	/* BAR sizing: two 4 KiB memory BARs, no MSI-X BAR */
	for (uint8_t bar = 0x10; bar <= 0x14; bar += 4) {
		vmxnet3_pci_ops.write(&g->dev, bar, 4, 0xffffffff);
		ck_assert_uint_eq(vmxnet3_pci_ops.read(&g->dev, bar, 4), 0xfffff000);
	}
	vmxnet3_pci_ops.write(&g->dev, 0x18, 4, 0xffffffff);
	ck_assert_uint_eq(vmxnet3_pci_ops.read(&g->dev, 0x18, 4), 0);

	ck_assert_uint_eq(vd_rd(g, VMXNET3_REG_VRRS) & 1, 1);
	ck_assert_uint_eq(vd_rd(g, VMXNET3_REG_UVRS) & 1, 1);
	ck_assert_uint_eq(vd_rd(g, VMXNET3_REG_MACL), vmm_get32(vx_mac));
	ck_assert_uint_eq(vd_rd(g, VMXNET3_REG_MACH) & 0xffff, vmm_get16(vx_mac + 4));
	/*
	 * Auto type, auto masking: vmxnet3_alloc_intr_resources() tries
	 * MSI-X, then MSI (the capability), then INTx, and the device masks
	 * the interrupt as it raises it
	 */
	ck_assert_uint_eq(vx_cmd(g, VMXNET3_CMD_GET_CONF_INTR),
			  VMXNET3_IT_AUTO | VMXNET3_IMM_AUTO << 2);
	ck_assert_uint_eq(vx_cmd(g, VMXNET3_CMD_GET_LINK), VMXNET3_LINK_UP);
	ck_assert_uint_eq(vx_cmd(g, VMXNET3_CMD_GET_PERM_MAC_LO), vmm_get32(vx_mac));
	ck_assert_uint_ge(g->h.filter_told, 1);
	ck_assert(!memcmp(g->h.filter_mac, vx_mac, 6));
	ck_assert(!g->h.filter_promiscuous);
	vx_guest_free(g);
}
END_TEST

START_TEST(test_activation_from_a_driver_shaped_shared_area)
{
	struct vx_guest *g = vx_guest_new();

	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	ck_assert(g->dev.active);
	/* the device's transmit threshold: a doorbell per packet */
	ck_assert_uint_eq(vmm_get32(g->h.ram + VX_TQD + 4), 1);
	ck_assert(!g->h.irq);
	ck_assert_uint_eq(g->h.dma_faults, 0);
	/* QUIESCE stops both ways; a frame for us is not taken */
	ck_assert_uint_eq(vx_cmd(g, VMXNET3_CMD_QUIESCE_DEV), 0);
	make_frame(g->h.ram + 0x300000, vx_mac, 100);
	ck_assert(!vmxnet3_receive(&g->dev, g->h.ram + 0x300000, 100));
	ck_assert_uint_eq(g->dev.count.rx_not_active, 1);
	vx_guest_free(g);
}
END_TEST

START_TEST(test_a_two_descriptor_packet_is_sent_and_completed_with_an_interrupt)
{
	struct vx_guest *g = vx_guest_new();
	uint32_t off[2] = { 0, 0x1000 }, len[2] = { 42, 58 };
	uint8_t *p = g->h.ram + GPA_TX_BUF;

	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	make_frame(p, peer_mac, 42);		/* headers, as from the data ring */
	for (uint32_t i = 0; i < 58; i++)
		p[0x1000 + i] = (uint8_t)(0x80 + i);
	vx_tx_put(g, 2, off, len, 0, 0);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 1);
	ck_assert_uint_eq(g->h.tx_len[0], 100);
	ck_assert(!memcmp(g->h.tx_frame[0], p, 42));
	ck_assert(!memcmp(g->h.tx_frame[0] + 42, p + 0x1000, 58));
	ck_assert_uint_eq(take_tx_comp(g), 1);	/* the EOP descriptor's index */
	ck_assert(g->h.irq);
	/* the driver's interrupt handler: ICR says it was us, and clears */
	ck_assert_uint_ne(vd_rd(g, VMXNET3_REG_ICR), 0);
	ck_assert(!g->h.irq);
	ck_assert_uint_eq(vd_rd(g, VMXNET3_REG_ICR), 0);
	/* a runt is padded to 60 bytes */
	send_one(g, 20);
	ck_assert_uint_eq(g->h.nr_tx, 2);
	ck_assert_uint_eq(g->h.tx_len[1], 60);
	/* GET_STATS: two unicast packets */
	vx_cmd(g, VMXNET3_CMD_GET_STATS);
	ck_assert_uint_eq(vmm_get64(g->h.ram + VX_TQD + 88 + 16), 2);
	vx_guest_free(g);
}
END_TEST

START_TEST(test_the_interrupt_follows_the_mask_the_driver_sets)
{
	struct vx_guest *g = vx_guest_new();

	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	pt_wr(g, VMXNET3_REG_IMR, 1);		/* vmxnet3_disable_all_intrs() */
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 60);
	send_one(g, 60);
	ck_assert(!g->h.irq);
	pt_wr(g, VMXNET3_REG_IMR, 0);		/* after NAPI: pending shows */
	ck_assert(g->h.irq);
	vmxnet3_pci_ops.write(&g->dev, 0x04, 2, 0x0406);	/* INTx disable */
	ck_assert(!g->h.irq);
	vmxnet3_pci_ops.write(&g->dev, 0x04, 2, 0x0006);
	ck_assert(g->h.irq);
	vd_rd(g, VMXNET3_REG_ICR);
	ck_assert(!g->h.irq);
	vx_guest_free(g);
}
END_TEST

/* What Linux's pci_enable_msi() writes: address, upper half, data, enable. */
static void vx_msi_enable(struct vx_guest *g, bool on)
{
	vmxnet3_pci_ops.write(&g->dev, VMXNET3_MSI_CAP + 4, 4, 0xfee00000);
	vmxnet3_pci_ops.write(&g->dev, VMXNET3_MSI_CAP + 8, 4, 0);
	vmxnet3_pci_ops.write(&g->dev, VMXNET3_MSI_CAP + 12, 2, 0x0051);
	vmxnet3_pci_ops.write(&g->dev, VMXNET3_MSI_CAP + 2, 2, on);
}

/* "Active" mode: a driver that leaves autoMask clear masks in its handler. */
START_TEST(test_msi_sends_a_message_per_unmasked_interrupt_instead_of_intx)
{
	struct vx_guest *g = vx_guest_new();

	ck_assert_uint_eq(vmxnet3_pci_ops.read(&g->dev, 0x06, 2) & 0x10, 0x10);
	ck_assert_uint_eq(vmxnet3_pci_ops.read(&g->dev, 0x34, 1), VMXNET3_MSI_CAP);
	ck_assert_uint_eq(vmxnet3_pci_ops.read(&g->dev, VMXNET3_MSI_CAP, 4), 0x00800005);
	vx_msi_enable(g, true);
	g->driver_masks = true;
	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 60);
	send_one(g, 60);
	ck_assert_uint_eq(g->h.msis, 1);
	ck_assert_uint_eq(g->h.last_msi.addr, 0xfee00000);
	ck_assert_uint_eq(g->h.last_msi.data, 0x0051);
	ck_assert(!g->h.irq);
	ck_assert_uint_eq(g->h.irq_raises, 0);
	/* no ICR read between: the next packet sends the next message */
	send_one(g, 60);
	ck_assert_uint_eq(g->h.msis, 2);
	/* the handler masks ("active" mode); what comes meanwhile waits */
	pt_wr(g, VMXNET3_REG_IMR, 1);
	send_one(g, 60);
	send_one(g, 60);
	ck_assert_uint_eq(g->h.msis, 2);
	pt_wr(g, VMXNET3_REG_IMR, 0);		/* after NAPI: one message */
	ck_assert_uint_eq(g->h.msis, 3);
	pt_wr(g, VMXNET3_REG_IMR, 0);
	ck_assert_uint_eq(g->h.msis, 3);
	/* MSI off: INTA# is back for the next interrupt */
	vx_msi_enable(g, false);
	ck_assert(!g->h.irq);
	send_one(g, 60);
	ck_assert(g->h.irq);
	ck_assert_uint_eq(g->h.msis, 3);
	vx_msi_enable(g, true);			/* INTx off, the raised one sent */
	ck_assert(!g->h.irq);
	ck_assert_uint_eq(g->h.msis, 4);
	ck_assert_uint_eq(g->dev.count.auto_masks, 0);	/* never masked by itself */
	vx_guest_free(g);
}
END_TEST

static uint32_t imr_rd(struct vx_guest *g)
{
	return vmxnet3_pt_ops.read(&g->dev, VMXNET3_REG_IMR, 4);
}

/*
 * Auto mode with MSI, as Linux's vmxnet3_intr() and vmxnet3_poll() run
 * it: the handler writes nothing, NAPI's vmxnet3_enable_all_intrs()
 * unmasks. One IMR write an interrupt, where "active" mode makes two.
 */
START_TEST(test_msi_auto_mask_leaves_one_imr_write_per_interrupt)
{
	struct vx_guest *g = vx_guest_new();
	uint32_t imr_writes = 0;

	vx_msi_enable(g, true);
	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	ck_assert(g->auto_mask);
	ck_assert_uint_eq(g->h.ram[GPA_SHARED + 80], 1);	/* intrConf.autoMask */
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 60);
	send_one(g, 60);
	ck_assert_uint_eq(g->h.msis, 1);
	ck_assert_uint_eq(imr_rd(g), 1);	/* masked as it was sent */
	ck_assert_uint_eq(g->dev.count.auto_masks, 1);
	/* what comes while NAPI runs waits, with no IMR write of the driver */
	send_one(g, 60);
	send_one(g, 60);
	ck_assert_uint_eq(g->h.msis, 1);
	pt_wr(g, VMXNET3_REG_IMR, 0);		/* NAPI done: the waiting one, masked again */
	ck_assert_uint_eq(g->h.msis, 2);
	ck_assert_uint_eq(imr_rd(g), 1);
	pt_wr(g, VMXNET3_REG_IMR, 0);		/* nothing waits: unmasked */
	ck_assert_uint_eq(g->h.msis, 2);
	ck_assert_uint_eq(imr_rd(g), 0);
	for (int i = 0; i < 100; i++) {
		send_one(g, 60);
		while (g->tcomp_next != g->tx_next)
			take_tx_comp(g);
		pt_wr(g, VMXNET3_REG_IMR, 0);
		imr_writes++;
	}
	ck_assert_uint_eq(g->h.msis, 102);
	ck_assert_uint_eq(imr_writes, 100);
	ck_assert_uint_eq(g->dev.count.auto_masks, 102);
	ck_assert(!g->h.irq);
	ck_assert_uint_eq(g->h.irq_raises, 0);
	vx_guest_free(g);
}
END_TEST

/*
 * Auto mode with INTx: the line stays up until the handler's ICR read
 * claims the interrupt, which masks it; an ICR read that finds nothing
 * (another device on a shared line) masks nothing.
 */
START_TEST(test_intx_auto_mask_masks_at_the_icr_read_that_claims_it)
{
	struct vx_guest *g = vx_guest_new();

	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 60);
	send_one(g, 60);
	ck_assert(g->h.irq);
	ck_assert_uint_eq(imr_rd(g), 0);
	ck_assert_uint_ne(vd_rd(g, VMXNET3_REG_ICR), 0);
	ck_assert(!g->h.irq);
	ck_assert_uint_eq(imr_rd(g), 1);
	ck_assert_uint_eq(g->dev.count.auto_masks, 1);
	send_one(g, 60);			/* during NAPI: waits, no line */
	ck_assert(!g->h.irq);
	pt_wr(g, VMXNET3_REG_IMR, 0);
	ck_assert(g->h.irq);
	ck_assert_uint_ne(vd_rd(g, VMXNET3_REG_ICR), 0);
	ck_assert(!g->h.irq);
	pt_wr(g, VMXNET3_REG_IMR, 0);
	ck_assert(!g->h.irq);
	ck_assert_uint_eq(vd_rd(g, VMXNET3_REG_ICR), 0);	/* not ours */
	ck_assert_uint_eq(imr_rd(g), 0);
	ck_assert_uint_eq(g->dev.count.auto_masks, 2);
	vx_guest_free(g);
}
END_TEST

/* autoMask is the driver's at each ACTIVATE_DEV; a reset forgets it. */
START_TEST(test_auto_mask_follows_the_drivers_choice_at_activation)
{
	struct vx_guest *g = vx_guest_new();

	vx_msi_enable(g, true);
	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	ck_assert_uint_eq(vx_cmd(g, VMXNET3_CMD_RESET_DEV), 0);
	g->driver_masks = true;
	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 60);
	send_one(g, 60);
	send_one(g, 60);
	ck_assert_uint_eq(g->h.msis, 2);
	ck_assert_uint_eq(imr_rd(g), 0);
	ck_assert_uint_eq(g->dev.count.auto_masks, 0);
	/* and back: the next activation asks for it */
	ck_assert_uint_eq(vx_cmd(g, VMXNET3_CMD_RESET_DEV), 0);
	g->driver_masks = false;
	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	send_one(g, 60);
	send_one(g, 60);
	ck_assert_uint_eq(g->h.msis, 3);
	ck_assert_uint_eq(g->dev.count.auto_masks, 1);
	vx_guest_free(g);
}
END_TEST

START_TEST(test_checksum_offload_and_tso_give_valid_frames)
{
	struct vx_guest *g = vx_guest_new();
	uint32_t off = 0, len;

	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	/* OM_CSUM: hlen = checksum start, msscof = where it goes */
	put_tcp(g, 100, false);
	len = 154;
	vx_tx_put(g, 1, &off, &len, 34 | VMXNET3_OM_CSUM << VMXNET3_TXD_OM_SHIFT, 34 + 16);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 1);
	ck_assert(tcp_frame_ok(g->h.tx_frame[0], 154));
	/* OM_TSO: hlen = all headers, msscof = MSS */
	put_tcp(g, 3000, true);
	len = 3054;
	vx_tx_put(g, 1, &off, &len, 54 | VMXNET3_OM_TSO << VMXNET3_TXD_OM_SHIFT, 1400);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 4);		/* 1400 + 1400 + 200 */
	for (unsigned int i = 1; i < 4; i++) {
		uint32_t n = i < 3 ? 1400 : 200;

		ck_assert_uint_eq(g->h.tx_len[i], 54 + n);
		ck_assert(tcp_frame_ok(g->h.tx_frame[i], 54 + n));
		ck_assert_uint_eq(vmm_get_be32(g->h.tx_frame[i] + 38), 1000 + (i - 1) * 1400);
		ck_assert_uint_eq(g->h.tx_frame[i][47] & 0x09, i < 3 ? 0 : 0x09);
	}
	ck_assert_uint_eq(take_tx_comp(g), 0);
	ck_assert_uint_eq(take_tx_comp(g), 1);
	/* a tag to insert (TI) goes after the addresses */
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 60);
	len = 60;
	vx_tx_put(g, 1, &off, &len, VMXNET3_TXD_TI | 10u << VMXNET3_TXD_TCI_SHIFT, 0);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.tx_len[4], 64);
	ck_assert_uint_eq(vmm_get_be16(g->h.tx_frame[4] + 12), 0x8100);
	ck_assert_uint_eq(vmm_get_be16(g->h.tx_frame[4] + 14), 10);
	vx_guest_free(g);
}
END_TEST

/* A hostile MSS: 1 byte a segment would make 3000 frames of one packet. */
START_TEST(test_tso_with_an_mss_below_linuxs_least_sends_nothing)
{
	struct vx_guest *g = vx_guest_new();
	uint32_t off = 0, len = 3054;

	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	put_tcp(g, 3000, true);
	vx_tx_put(g, 1, &off, &len, 54 | VMXNET3_OM_TSO << VMXNET3_TXD_OM_SHIFT,
		  VNIC_TSO_MSS_MIN - 1);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 0);
	ck_assert_uint_eq(g->dev.count.tx_bad_offload, 1);
	ck_assert_uint_eq(take_tx_comp(g), 0);	/* completed all the same */
	vx_guest_free(g);
}
END_TEST

/*
 * A host that takes TSO packets whole (the uplink's NIC segments them)
 * gets an untagged IPv4 one as it came, its headers checked first; the
 * queue counts the frames it makes. A tagged one is segmented here.
 */
START_TEST(test_tso_goes_whole_to_a_host_that_takes_it)
{
	struct vx_guest *g = vx_guest_new();
	uint32_t off = 0, len = 3054;

	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	g->h.tso_take = true;
	put_tcp(g, 3000, true);
	vx_tx_put(g, 1, &off, &len, 54 | VMXNET3_OM_TSO << VMXNET3_TXD_OM_SHIFT, 1400);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tso, 1);
	ck_assert_uint_eq(g->h.nr_tx, 0);
	ck_assert_uint_eq(g->h.tso_len, 3054);
	ck_assert_uint_eq(g->h.tso_last.hlen, 54);
	ck_assert_uint_eq(g->h.tso_last.mss, 1400);
	ck_assert_uint_eq(g->h.tso_last.ip, 14);
	ck_assert_uint_eq(g->h.tso_last.l4, 34);
	ck_assert_uint_eq(g->dev.txq[0].stats.ucast_pkts, 3);
	ck_assert_uint_eq(g->dev.txq[0].stats.ucast_bytes, 2 * 1454 + 254);
	ck_assert_uint_eq(g->dev.txq[0].stats.tso_pkts, 1);
	ck_assert_uint_eq(take_tx_comp(g), 0);
	/* a hostile MSS is refused before the host sees it */
	len = 3054;
	vx_tx_put(g, 1, &off, &len, 54 | VMXNET3_OM_TSO << VMXNET3_TXD_OM_SHIFT,
		  VNIC_TSO_MSS_MIN - 1);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tso, 1);
	ck_assert_uint_eq(g->dev.count.tx_bad_offload, 1);
	/* with a tag to insert (TI): segmented here, as before */
	len = 3054;
	vx_tx_put(g, 1, &off, &len, 54 | VMXNET3_OM_TSO << VMXNET3_TXD_OM_SHIFT |
		  VMXNET3_TXD_TI | 10u << VMXNET3_TXD_TCI_SHIFT, 1400);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tso, 1);
	ck_assert_uint_eq(g->h.nr_tx, 3);
	/* headers longer than a NIC's HDRLEN (255): segmented here */
	len = 3054;
	vx_tx_put(g, 1, &off, &len, 256 | VMXNET3_OM_TSO << VMXNET3_TXD_OM_SHIFT, 1200);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tso, 1);
	ck_assert_uint_eq(g->h.nr_tx, 6);
	/* a host that declines: segmented here */
	g->h.tso_take = false;
	len = 3054;
	vx_tx_put(g, 1, &off, &len, 54 | VMXNET3_OM_TSO << VMXNET3_TXD_OM_SHIFT, 1400);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 9);
	ck_assert(tcp_frame_ok(g->h.tx_frame[8], 254));
	vx_guest_free(g);
}
END_TEST

/*
 * A TSO packet with its own 802.1Q tag in the frame (IP header at 18)
 * is not what vnic.h's tx_tso() takes (untagged): segmented here, the
 * host never sees it (its nh_tx_tso() aborts on an EtherType not IPv4).
 */
START_TEST(test_tso_with_an_inband_tag_is_segmented_here)
{
	struct vx_guest *g = vx_guest_new();
	uint32_t off = 0, len = 3058;
	uint8_t *p = g->h.ram + GPA_TX_BUF;

	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	g->h.tso_take = true;
	put_tcp(g, 3000, true);
	memmove(p + 16, p + 12, 3054 - 12);
	vmm_put_be16(p + 12, 0x8100);
	vmm_put_be16(p + 14, 10);
	vx_tx_put(g, 1, &off, &len, 58 | VMXNET3_OM_TSO << VMXNET3_TXD_OM_SHIFT, 1400);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tso, 0);
	ck_assert_uint_eq(g->h.nr_tx, 3);
	ck_assert_uint_eq(vmm_get_be16(g->h.tx_frame[2] + 12), 0x8100);
	ck_assert_uint_eq(g->dev.txq[0].stats.tso_pkts, 1);
	vx_guest_free(g);
}
END_TEST

START_TEST(test_receive_places_a_frame_in_a_posted_buffer)
{
	struct vx_guest *g = vx_guest_new();
	uint8_t f[1600];
	uint32_t dw0, dw2;

	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	make_frame(f, vx_mac, 1514);
	ck_assert(vmxnet3_receive(&g->dev, f, 1514));
	dw0 = take_rx_comp(g, &dw2);
	ck_assert_uint_eq(dw0 & 0xfff, 0);
	ck_assert(dw0 & VMXNET3_RCD_SOP);
	ck_assert(dw0 & VMXNET3_RCD_EOP);
	ck_assert_uint_eq(dw0 >> VMXNET3_RCD_RQID_SHIFT & 0x3ff, 0);
	ck_assert(dw0 & VMXNET3_RCD_CNC);
	ck_assert_uint_eq(dw2 & 0x3fff, 1514);
	ck_assert(!(dw2 & VMXNET3_RCD_ERR));
	ck_assert(!memcmp(g->h.ram + GPA_RX_BUF, f, 1514));
	ck_assert(g->h.irq);
	/* broadcast passes, another host's unicast and multicast do not */
	memset(f, 0xff, 6);
	ck_assert(vmxnet3_receive(&g->dev, f, 60));
	memcpy(f, peer_mac, 6);
	ck_assert(!vmxnet3_receive(&g->dev, f, 60));
	f[0] = 0x01;
	ck_assert(!vmxnet3_receive(&g->dev, f, 60));
	ck_assert_uint_eq(g->dev.count.rx_filtered, 2);
	/* promiscuous: told to the backend, and everything passes */
	vmm_put32(g->h.ram + GPA_SHARED + 120, RXM_NORMAL | VMXNET3_RXM_PROMISC);
	vx_cmd(g, VMXNET3_CMD_UPDATE_RX_MODE);
	ck_assert(g->h.filter_promiscuous);
	ck_assert(vmxnet3_receive(&g->dev, f, 60));
	vx_guest_free(g);
}
END_TEST

START_TEST(test_generation_bits_wrap_on_every_ring)
{
	struct vx_guest *g = vx_guest_new();
	uint8_t f[100];

	ck_assert_uint_eq(vx_open(g, 32, 32, RXM_NORMAL), 0);
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 100);
	for (unsigned int i = 0; i < 100; i++) {
		send_one(g, 100);
		ck_assert_uint_eq(take_tx_comp(g), i % 32);
	}
	ck_assert_uint_eq(g->h.nr_tx, 100);
	make_frame(f, vx_mac, 100);
	for (unsigned int i = 0; i < 100; i++) {
		uint32_t dw2;

		f[20] = (uint8_t)i;
		ck_assert(vmxnet3_receive(&g->dev, f, 100));
		ck_assert_uint_eq(take_rx_comp(g, &dw2) & 0xfff, i % 32);
		ck_assert_uint_eq(g->h.ram[GPA_RX_BUF + (i % 32) * VX_RX_STRIDE + 20], i);
	}
	ck_assert_uint_eq(g->h.dma_faults, 0);
	vx_guest_free(g);
}
END_TEST

START_TEST(test_a_full_receive_ring_drops_and_counts)
{
	struct vx_guest *g = vx_guest_new();
	uint8_t f[100];

	ck_assert_uint_eq(vx_open(g, 32, 32, RXM_NORMAL), 0);
	make_frame(f, vx_mac, 100);
	for (unsigned int i = 0; i < 31; i++)
		ck_assert(vmxnet3_receive(&g->dev, f, 100));
	ck_assert(!vmxnet3_receive(&g->dev, f, 100));
	ck_assert_uint_eq(g->dev.count.rx_no_buffer, 1);
	vx_guest_free(g);
}
END_TEST

START_TEST(test_link_down_raises_the_event_and_stops_both_ways)
{
	struct vx_guest *g = vx_guest_new();
	uint8_t f[100];

	ck_assert_uint_eq(vx_open(g, 32, 32, RXM_NORMAL), 0);
	vmxnet3_set_link(&g->dev, false);
	ck_assert(vmm_get32(g->h.ram + GPA_SHARED + VX_DS_ECR) & VMXNET3_ECR_LINK);
	ck_assert(g->h.irq);
	ck_assert_uint_eq(vx_cmd(g, VMXNET3_CMD_GET_LINK), 0);
	vd_wr(g, VMXNET3_REG_ECR, VMXNET3_ECR_LINK);	/* vmxnet3_ack_events() */
	ck_assert_uint_eq(vmm_get32(g->h.ram + GPA_SHARED + VX_DS_ECR), 0);
	make_frame(f, vx_mac, 100);
	ck_assert(!vmxnet3_receive(&g->dev, f, 100));
	ck_assert_uint_eq(g->dev.count.rx_link_down, 1);
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 100);
	send_one(g, 100);
	ck_assert_uint_eq(g->h.nr_tx, 0);		/* waits for the link */
	vmxnet3_set_link(&g->dev, true);
	ck_assert_uint_eq(g->h.nr_tx, 1);
	ck_assert_uint_eq(vx_cmd(g, VMXNET3_CMD_GET_LINK), VMXNET3_LINK_UP);
	vx_guest_free(g);
}
END_TEST

START_TEST(test_hostile_shared_areas_fail_activation)
{
	struct vx_guest *g = vx_guest_new();
	uint8_t *s = g->h.ram + GPA_SHARED;

	/* DriverShared outside guest RAM */
	vx_shared(g, 64, 64, RXM_NORMAL);
	vd_wr(g, VMXNET3_REG_DSAL, 0xfffff000);
	vd_wr(g, VMXNET3_REG_DSAH, 0x7);
	ck_assert_uint_ne(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	/* bad magic, no queues, too many, a short table, a table outside RAM */
	vd_wr(g, VMXNET3_REG_DSAH, 0);
	vd_wr(g, VMXNET3_REG_DSAL, GPA_SHARED);
	vmm_put32(s, 0x12345678);
	ck_assert_uint_ne(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	vx_shared(g, 64, 64, RXM_NORMAL);
	s[62] = 0;
	ck_assert_uint_ne(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	s[62] = 200;
	ck_assert_uint_ne(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	s[62] = 1;
	s[63] = 2;
	ck_assert_uint_ne(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	s[63] = 1;
	vmm_put32(s + 52, 256);
	ck_assert_uint_ne(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	vx_shared(g, 64, 64, RXM_NORMAL);
	vmm_put64(s + 40, 0xffffffffffffff00ull);
	ck_assert_uint_ne(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	/* zero, unaligned and huge ring sizes */
	vx_shared(g, 0, 64, RXM_NORMAL);
	ck_assert_uint_ne(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	vx_shared(g, 33, 64, RXM_NORMAL);
	ck_assert_uint_ne(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	vx_shared(g, 64, 0x80000000u, RXM_NORMAL);
	ck_assert_uint_ne(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	/* an MTU longer than one receive buffer (ip link set mtu 9000) */
	vx_shared(g, 64, 64, RXM_NORMAL);
	vmm_put32(s + 56, 9000);
	ck_assert_uint_ne(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	ck_assert(!g->dev.active);
	ck_assert_uint_eq(g->dev.count.bad_activation, 11);
	/* and a good one still works after all that */
	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	vx_guest_free(g);
}
END_TEST

/*
 * What Linux's vmxnet3_set_mc() writes before UPDATE_RX_MODE and
 * UPDATE_MAC_FILTERS: rxMode, mfTableLen (n addresses from groups) and
 * mfTablePA at pa (0 and 0 without RXM_MCAST).
 */
static uint32_t vx_set_mc(struct vx_guest *g, uint32_t mode, const uint8_t (*groups)[6],
			  uint32_t len, uint64_t pa)
{
	uint8_t *s = g->h.ram + GPA_SHARED;

	if (groups && pa < NIC_RAM)
		memcpy(g->h.ram + pa, groups, len);
	vmm_put32(s + 120, mode);
	vmm_put16(s + 124, (uint16_t)len);
	vmm_put64(s + 128, pa);
	vx_cmd(g, VMXNET3_CMD_UPDATE_RX_MODE);
	return vx_cmd(g, VMXNET3_CMD_UPDATE_MAC_FILTERS);
}

/*
 * The guest's multicast table as the switch hears it (docs/network.md
 * "Multicast per vNIC"): none before activation and with no table, the
 * table's addresses with RXM_MCAST, every group with ALL_MULTI, with
 * PROMISC and with more addresses than a port keeps.
 */
START_TEST(test_the_multicast_table_becomes_the_ports_groups)
{
	struct vx_guest *g = vx_guest_new();
	uint8_t mc[VNIC_GROUPS_MAX + 1][6];

	for (uint32_t i = 0; i < VNIC_GROUPS_MAX + 1; i++) {
		static const uint8_t base[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

		memcpy(mc[i], base, 6);
		mc[i][5] = (uint8_t)(i + 1);
	}
	mc[1][0] = 0x33;			/* an IPv6 group */
	mc[1][1] = 0x33;
	/* reset: none */
	ck_assert_uint_ge(g->h.groups_told, 1);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->h.groups_n, 0);
	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->h.groups_n, 0);

	ck_assert_uint_eq(vx_set_mc(g, RXM_NORMAL | VMXNET3_RXM_MCAST, mc, 2 * 6,
				    GPA_MC_TABLE), 0);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->h.groups_n, 2);
	ck_assert_mem_eq(g->h.groups, mc, 2 * 6);
	/* the driver frees its table after the command: nothing reads it later */
	memset(g->h.ram + GPA_MC_TABLE, 0xee, 2 * 6);
	vx_cmd(g, VMXNET3_CMD_GET_LINK);
	ck_assert_mem_eq(g->h.groups, mc, 2 * 6);

	ck_assert_uint_eq(vx_set_mc(g, RXM_NORMAL | VMXNET3_RXM_MCAST, mc,
				    VNIC_GROUPS_MAX * 6, GPA_MC_TABLE), 0);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->h.groups_n, VNIC_GROUPS_MAX);
	ck_assert_mem_eq(g->h.groups, mc, VNIC_GROUPS_MAX * 6);
	/* one more than a port keeps: every group, and the table not read */
	vx_set_mc(g, RXM_NORMAL | VMXNET3_RXM_MCAST, NULL, (VNIC_GROUPS_MAX + 1) * 6,
		  0xfffffffff000ull);
	ck_assert(g->h.groups_all);
	ck_assert_uint_eq(g->h.dma_faults, 0);

	vx_set_mc(g, RXM_NORMAL | VMXNET3_RXM_MCAST, mc, 6, GPA_MC_TABLE);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->h.groups_n, 1);
	vx_set_mc(g, RXM_NORMAL | VMXNET3_RXM_ALL_MULTI, NULL, 0, 0);
	ck_assert(g->h.groups_all);
	vx_set_mc(g, RXM_NORMAL, NULL, 0, 0);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->h.groups_n, 0);
	vx_set_mc(g, RXM_NORMAL | VMXNET3_RXM_PROMISC | VMXNET3_RXM_MCAST, mc, 6,
		  GPA_MC_TABLE);
	ck_assert(g->h.groups_all);
	/* MCAST with an empty table: none */
	vx_set_mc(g, RXM_NORMAL | VMXNET3_RXM_MCAST, NULL, 0, 0);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->h.groups_n, 0);

	/* quiesce and reset: none */
	vx_set_mc(g, RXM_NORMAL | VMXNET3_RXM_ALL_MULTI, NULL, 0, 0);
	ck_assert(g->h.groups_all);
	vx_cmd(g, VMXNET3_CMD_QUIESCE_DEV);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL | VMXNET3_RXM_ALL_MULTI), 0);
	ck_assert(g->h.groups_all);
	vx_cmd(g, VMXNET3_CMD_RESET_DEV);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->dev.count.bad_mc_table, 0);
	vx_guest_free(g);
}
END_TEST

/*
 * A hostile table: a length that is not whole addresses, a table outside
 * guest RAM, across its end or above 4 GiB (a truncated address would
 * read the good table), an entry that is a unicast or broadcast address.
 * Each is counted, and the port gets every group (the guest still
 * receives what it joined; its own filter drops the rest); the device
 * goes on working.
 */
START_TEST(test_hostile_multicast_tables_are_refused_and_give_every_group)
{
	struct vx_guest *g = vx_guest_new();
	const uint32_t mode = RXM_NORMAL | VMXNET3_RXM_MCAST;
	uint8_t mc[2][6] = {
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb },
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },
	};
	const uint64_t bad_pa[] = { 0xfffffffffffff000ull, NIC_RAM - 6,
				    1ull << 32 | GPA_MC_TABLE };
	const uint32_t bad_len[] = { 2 * 6 - 1, 7 };
	unsigned int told, k;

	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	vx_set_mc(g, mode, mc, 2 * 6, GPA_MC_TABLE);
	ck_assert_uint_eq(g->h.groups_n, 2);
	told = g->h.groups_told;

	for (k = 0; k < VMM_ARRAY_SIZE(bad_len); k++) {
		vx_set_mc(g, RXM_NORMAL, NULL, 0, 0);	/* none, between */
		ck_assert(!g->h.groups_all);
		vx_set_mc(g, mode, mc, bad_len[k], GPA_MC_TABLE);
		ck_assert(g->h.groups_all);
		ck_assert_uint_eq(g->h.groups_n, 0);
	}
	/* the good table stays in RAM: only a wrong address reads it */
	vx_set_mc(g, mode, mc, 2 * 6, GPA_MC_TABLE);
	for (k = 0; k < VMM_ARRAY_SIZE(bad_pa); k++) {
		vx_set_mc(g, RXM_NORMAL, NULL, 0, 0);
		vx_set_mc(g, mode, NULL, 12, bad_pa[k]);
		ck_assert(g->h.groups_all);
	}
	ck_assert_uint_eq(g->h.dma_faults, 2 * VMM_ARRAY_SIZE(bad_pa));
	mc[1][0] = 0x02;			/* unicast */
	vx_set_mc(g, RXM_NORMAL, NULL, 0, 0);
	vx_set_mc(g, mode, mc, 2 * 6, GPA_MC_TABLE);
	ck_assert(g->h.groups_all);
	memset(mc[1], 0xff, 6);			/* broadcast */
	vx_set_mc(g, RXM_NORMAL, NULL, 0, 0);
	vx_set_mc(g, mode, mc, 2 * 6, GPA_MC_TABLE);
	ck_assert(g->h.groups_all);
	/* two commands a table each (vx_set_mc) */
	ck_assert_uint_eq(g->dev.count.bad_mc_table,
			  2 * (VMM_ARRAY_SIZE(bad_len) + VMM_ARRAY_SIZE(bad_pa) + 2));
	/* and a good table still works after all that */
	mc[1][0] = 0x01;
	mc[1][5] = 0x16;
	told = g->h.groups_told;
	vx_set_mc(g, mode, mc, 2 * 6, GPA_MC_TABLE);
	ck_assert_uint_eq(g->h.groups_told, told + 2);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->h.groups_n, 2);
	ck_assert_mem_eq(g->h.groups[1], mc[1], 6);
	ck_assert(g->dev.active);
	vx_guest_free(g);
}
END_TEST

START_TEST(test_hostile_descriptors_drop_frames_and_counters_say_why)
{
	struct vx_guest *g = vx_guest_new();
	uint32_t off[2] = { 0, 0 }, len[2], dw2;
	uint8_t f[1600];

	ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 1600);
	/* a buffer outside guest RAM */
	off[0] = NIC_RAM;
	len[0] = 100;
	vx_tx_put(g, 1, off, len, 0, 0);
	/* length 0 is 16 KiB: a frame too long */
	off[0] = 0;
	len[0] = 0;
	vx_tx_put(g, 1, off, len, 0, 0);
	/* too long by one byte; then a runt */
	len[0] = VMXNET3_FRAME_MAX + 1;
	vx_tx_put(g, 1, off, len, 0, 0);
	len[0] = 6;
	vx_tx_put(g, 1, off, len, 0, 0);
	/* TSO with headers longer than the packet, checksum past the end */
	len[0] = 100;
	vx_tx_put(g, 1, off, len, 200 | VMXNET3_OM_TSO << VMXNET3_TXD_OM_SHIFT, 1400);
	vx_tx_put(g, 1, off, len, 34 | VMXNET3_OM_CSUM << VMXNET3_TXD_OM_SHIFT, 99);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 0);
	ck_assert_uint_eq(g->dev.count.tx_bad_addr, 1);
	ck_assert_uint_eq(g->dev.count.tx_too_long, 2);
	ck_assert_uint_eq(g->dev.count.tx_runt, 1);
	ck_assert_uint_eq(g->dev.count.tx_bad_offload, 2);
	for (unsigned int i = 0; i < 6; i++)	/* each one completed */
		ck_assert_uint_eq(take_tx_comp(g), i);

	/* receive: a buffer outside RAM, one too small: error completions */
	vmm_put64(g->h.ram + GPA_RX_RING, NIC_RAM - 10);
	vmm_put32(g->h.ram + GPA_RX_RING + 16 + 8, 10 | VMXNET3_RXD_GEN);
	make_frame(f, vx_mac, 100);
	ck_assert(!vmxnet3_receive(&g->dev, f, 100));
	ck_assert(!vmxnet3_receive(&g->dev, f, 100));
	ck_assert(take_rx_comp(g, &dw2) & VMXNET3_RCD_EOP);
	ck_assert(dw2 & VMXNET3_RCD_ERR);
	ck_assert(take_rx_comp(g, &dw2) & VMXNET3_RCD_EOP);
	ck_assert(dw2 & VMXNET3_RCD_ERR);
	ck_assert_uint_eq(g->dev.count.rx_bad_addr, 1);
	ck_assert_uint_eq(g->dev.count.rx_oversize, 1);
	/* runt and oversized frames from the wire */
	ck_assert(!vmxnet3_receive(&g->dev, f, 13));
	make_frame(f, vx_mac, 1600);
	ck_assert(!vmxnet3_receive(&g->dev, f, VMXNET3_FRAME_MAX + 1));
	ck_assert_uint_eq(g->dev.count.rx_oversize, 2);
	/* the device still works */
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 100);
	send_one(g, 100);
	ck_assert_uint_eq(g->h.nr_tx, 1);
	vx_guest_free(g);
}
END_TEST

START_TEST(test_a_chain_that_never_ends_stops_the_queue_with_an_event)
{
	struct vx_guest *g = vx_guest_new();
	uint8_t *ring = g->h.ram + GPA_TX_RING;

	ck_assert_uint_eq(vx_open(g, 32, 32, RXM_NORMAL), 0);
	/* every descriptor the device's, none with EOP */
	for (unsigned int i = 0; i < 32; i++) {
		vmm_put64(ring + i * 16, GPA_TX_BUF);
		vmm_put32(ring + i * 16 + 8, 100 | VMXNET3_TXD_GEN);
		vmm_put32(ring + i * 16 + 12, 0);
	}
	pt_wr(g, VMXNET3_REG_TXPROD, 0);
	ck_assert_uint_eq(g->h.nr_tx, 0);
	ck_assert_uint_eq(g->dev.count.tx_queue_error, 1);
	ck_assert(vmm_get32(g->h.ram + GPA_SHARED + VX_DS_ECR) & VMXNET3_ECR_TQERR);
	ck_assert(g->h.irq);
	vx_cmd(g, VMXNET3_CMD_GET_QUEUE_STATUS);
	ck_assert_uint_eq(g->h.ram[VX_TQD + 80], 1);
	ck_assert_uint_eq(vmm_get32(g->h.ram + VX_TQD + 84), VMXNET3_ERR_NOEOP);
	/* a second doorbell does nothing; a chain with a gap stops too */
	pt_wr(g, VMXNET3_REG_TXPROD, 0);
	ck_assert_uint_eq(g->dev.count.tx_queue_error, 1);
	/* the driver resets the device and opens it again */
	ck_assert_uint_eq(vx_cmd(g, VMXNET3_CMD_RESET_DEV), 0);
	ck_assert_uint_eq(vx_open(g, 32, 32, RXM_NORMAL), 0);
	vmm_put32(ring + 8, 100);		/* SOP: old generation... */
	vmm_put32(ring + 12, 0);
	vmm_put32(ring + 16 + 8, 100);		/* ...the next not handed over */
	vmm_put32(ring + 8, 100 | VMXNET3_TXD_GEN);
	pt_wr(g, VMXNET3_REG_TXPROD, 1);
	ck_assert_uint_eq(g->dev.count.tx_queue_error, 2);
	/* the ring itself outside guest RAM: activation takes it, use stops it */
	ck_assert_uint_eq(vx_cmd(g, VMXNET3_CMD_RESET_DEV), 0);
	vx_shared(g, 32, 32, RXM_NORMAL);
	vmm_put64(g->h.ram + VX_TQD + 16, 0x4000000000ull);
	vmm_put64(g->h.ram + VX_RQD + 16, 0x4000000000ull);
	vd_wr(g, VMXNET3_REG_DSAL, GPA_SHARED);
	ck_assert_uint_eq(vx_cmd(g, VMXNET3_CMD_ACTIVATE_DEV), 0);
	pt_wr(g, VMXNET3_REG_TXPROD, 1);
	ck_assert_uint_eq(g->dev.count.tx_queue_error, 3);
	make_frame(g->h.ram + GPA_TX_BUF, vx_mac, 60);
	ck_assert(!vmxnet3_receive(&g->dev, g->h.ram + GPA_TX_BUF, 60));
	ck_assert(g->dev.rxq.stopped);
	ck_assert(vmm_get32(g->h.ram + GPA_SHARED + VX_DS_ECR) & VMXNET3_ECR_RQERR);
	vx_guest_free(g);
}
END_TEST

/*
 * Another vCPU hands each transmit descriptor over just before the
 * device reads it, with the generation of the lap the device is on, and
 * never an EOP: a chain that would never end.
 */
static void flip_ahead(struct nic_host *h, uint64_t gpa, uint32_t len)
{
	uint8_t *d = h->ram + gpa;
	uint32_t lap;

	if (len != 16 || gpa < GPA_TX_RING || gpa >= GPA_TX_RING + 32 * 16)
		return;
	lap = h->reads++ / 32;
	vmm_put32(d + 8, 100 | (lap & 1 ? 0 : VMXNET3_TXD_GEN));
	vmm_put32(d + 12, 0);
}

START_TEST(test_a_guest_flipping_generations_behind_the_device_cannot_keep_it_walking)
{
	struct vx_guest *g = vx_guest_new();

	ck_assert_uint_eq(vx_open(g, 32, 32, RXM_NORMAL), 0);
	vmm_put32(g->h.ram + GPA_TX_RING + 8, 100 | VMXNET3_TXD_GEN);
	g->h.before_read = flip_ahead;
	pt_wr(g, VMXNET3_REG_TXPROD, 1);
	ck_assert_uint_eq(g->dev.count.tx_queue_error, 1);
	ck_assert_uint_le(g->h.reads, 33);	/* one lap, then the queue stops */
	ck_assert_uint_eq(g->h.nr_tx, 0);
	vx_guest_free(g);
}
END_TEST

START_TEST(test_one_doorbell_sends_at_most_the_budget_and_poll_goes_on)
{
	struct vx_guest *g = vx_guest_new();
	uint32_t off = 0, len = 60;

	ck_assert_uint_eq(vx_open(g, 512, 32, RXM_NORMAL), 0);
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 60);
	for (unsigned int i = 0; i < 300; i++)
		vx_tx_put(g, 1, &off, &len, 0, 0);
	vx_tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, VMXNET3_TX_BUDGET);
	vmxnet3_poll(&g->dev);
	ck_assert_uint_eq(g->h.nr_tx, 300);
	vx_guest_free(g);
}
END_TEST

/*
 * A driver that quiesces or resets the device takes its receive buffers
 * back (ifdown, unload, kexec): a frame arriving afterwards moves no
 * byte into them or into the completion ring. The vmkernel delivers
 * frames from its own queue whenever the vCPU polls (vm_nic.c), so the
 * model is what keeps a stopped ring's pages the guest's alone.
 */
START_TEST(test_no_receive_dma_after_the_driver_quiesces_or_resets_the_device)
{
	static const uint32_t stop[] = { VMXNET3_CMD_QUIESCE_DEV, VMXNET3_CMD_RESET_DEV };
	struct vx_guest *g = vx_guest_new();
	uint8_t f[100];

	make_frame(f, vx_mac, sizeof(f));
	for (unsigned int i = 0; i < VMM_ARRAY_SIZE(stop); i++) {
		ck_assert_uint_eq(vx_open(g, 64, 64, RXM_NORMAL), 0);
		ck_assert(vmxnet3_receive(&g->dev, f, sizeof(f)));
		vx_cmd(g, stop[i]);
		memset(g->h.ram + GPA_RX_RING, 0xcc, 0x100000 - GPA_RX_RING);
		memset(g->h.ram + GPA_RX_BUF, 0xcc, 64 * VX_RX_STRIDE);
		ck_assert(!vmxnet3_receive(&g->dev, f, sizeof(f)));
		for (uint32_t a = GPA_RX_RING; a < 0x100000; a++)
			ck_assert_uint_eq(g->h.ram[a], 0xcc);
		for (uint32_t a = GPA_RX_BUF; a < GPA_RX_BUF + 64 * VX_RX_STRIDE; a++)
			ck_assert_uint_eq(g->h.ram[a], 0xcc);
	}
	vx_guest_free(g);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vmxnet3");

	tcase_add_test(tc, test_probe_finds_the_vmxnet3_its_mac_intx_and_link);
	tcase_add_test(tc, test_activation_from_a_driver_shaped_shared_area);
	tcase_add_test(tc, test_a_two_descriptor_packet_is_sent_and_completed_with_an_interrupt);
	tcase_add_test(tc, test_the_interrupt_follows_the_mask_the_driver_sets);
	tcase_add_test(tc, test_msi_sends_a_message_per_unmasked_interrupt_instead_of_intx);
	tcase_add_test(tc, test_msi_auto_mask_leaves_one_imr_write_per_interrupt);
	tcase_add_test(tc, test_intx_auto_mask_masks_at_the_icr_read_that_claims_it);
	tcase_add_test(tc, test_auto_mask_follows_the_drivers_choice_at_activation);
	tcase_add_test(tc, test_checksum_offload_and_tso_give_valid_frames);
	tcase_add_test(tc, test_tso_with_an_mss_below_linuxs_least_sends_nothing);
	tcase_add_test(tc, test_tso_goes_whole_to_a_host_that_takes_it);
	tcase_add_test(tc, test_tso_with_an_inband_tag_is_segmented_here);
	tcase_add_test(tc, test_receive_places_a_frame_in_a_posted_buffer);
	tcase_add_test(tc, test_no_receive_dma_after_the_driver_quiesces_or_resets_the_device);
	tcase_add_test(tc, test_generation_bits_wrap_on_every_ring);
	tcase_add_test(tc, test_a_full_receive_ring_drops_and_counts);
	tcase_add_test(tc, test_link_down_raises_the_event_and_stops_both_ways);
	tcase_add_test(tc, test_hostile_shared_areas_fail_activation);
	tcase_add_test(tc, test_the_multicast_table_becomes_the_ports_groups);
	tcase_add_test(tc, test_hostile_multicast_tables_are_refused_and_give_every_group);
	tcase_add_test(tc, test_hostile_descriptors_drop_frames_and_counters_say_why);
	tcase_add_test(tc, test_a_chain_that_never_ends_stops_the_queue_with_an_event);
	tcase_add_test(tc, test_a_guest_flipping_generations_behind_the_device_cannot_keep_it_walking);
	tcase_add_test(tc, test_one_doorbell_sends_at_most_the_budget_and_poll_goes_on);
	return check_run("vmxnet3", tc);
}
