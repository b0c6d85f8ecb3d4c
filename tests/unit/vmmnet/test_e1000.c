// SPDX-License-Identifier: GPL-2.0-only
/*
 * The e1000 (82540EM) model in a fake guest, driven as Linux's e1000
 * driver drives it: probe (PCI identity, reset, EEPROM MAC and checksum,
 * PHY ID, link), transmit through legacy and extended descriptors with
 * checksum offload and TSO, receive into one or several descriptors,
 * the unicast, multicast and broadcast filters and promiscuous modes,
 * ring-full drops and their counters, and hostile rings and descriptors.
 */
#include "tests/unit/check_run.h"
#include "tests/unit/vmmnet/e1000_test.h"
#include "vmm/dev/pci_host.h"

#define RCTL_OPEN	(E1000_RCTL_EN | E1000_RCTL_BAM)	/* BSIZE 2048 */
#define IMC		0x00d8

static uint8_t *rx_desc(struct nic_guest *g, uint32_t i)
{
	return g->h.ram + GPA_RX_RING + i * E1000_DESC_LEN;
}

static uint8_t *rx_buf(struct nic_guest *g, uint32_t i)
{
	return g->h.ram + GPA_RX_BUF + i * RX_BUF_STRIDE;
}

START_TEST(test_probe_finds_the_82540em_its_mac_a_valid_eeprom_and_link)
{
	struct nic_guest *g = nic_guest_new();
	uint32_t cfg0 = e1000_pci_ops.read(&g->dev, 0, 4);
	uint16_t sum = 0;

	ck_assert_uint_eq(cfg0, E1000_DEVICE_ID << 16 | E1000_VENDOR_ID);
	ck_assert_uint_eq(e1000_pci_ops.read(&g->dev, 8, 4) >> 8, 0x020000);
	/* BAR sizing: 128 KiB memory, 64 bytes I/O */
	e1000_pci_ops.write(&g->dev, 0x10, 4, 0xffffffff);
	ck_assert_uint_eq(e1000_pci_ops.read(&g->dev, 0x10, 4), 0xfffe0000);
	e1000_pci_ops.write(&g->dev, 0x14, 4, 0xffffffff);
	ck_assert_uint_eq(e1000_pci_ops.read(&g->dev, 0x14, 4), 0xffffffc1);
	ck_assert_uint_eq(e1000_pci_ops.read(&g->dev, 0x3d, 1), 1);

	nic_open(g, 8, 8, RCTL_OPEN);
	for (unsigned int i = 0; i < 3; i++) {
		uint16_t w = ee_read_word(g, i);

		ck_assert_uint_eq(w & 0xff, nic_mac[2 * i]);
		ck_assert_uint_eq(w >> 8, nic_mac[2 * i + 1]);
	}
	for (unsigned int i = 0; i < E1000_EEPROM_WORDS; i++)
		sum = (uint16_t)(sum + ee_read_word(g, i));
	ck_assert_uint_eq(sum, 0xbaba);
	wr(g, E1000_EERD, 1u << 8 | E1000_EERD_START);
	ck_assert_uint_eq(rd(g, E1000_EERD), (uint32_t)(nic_mac[3] << 8 | nic_mac[2]) << 16 |
			  1u << 8 | E1000_EERD_DONE);
	ck_assert_uint_eq(phy_rd(g, 2) << 16 | phy_rd(g, 3), 0x01410c20);
	ck_assert(phy_rd(g, 1) & 0x0004);	/* link */
	ck_assert(rd(g, E1000_MDIC) & E1000_MDIC_READY);
	wr(g, E1000_MDIC, 2u << 16 | 7u << 21 | E1000_MDIC_OP_READ);	/* no PHY at 7 */
	ck_assert(rd(g, E1000_MDIC) & E1000_MDIC_ERROR);
	ck_assert_uint_eq(rd(g, E1000_STATUS) & 0xc3,
			  E1000_STATUS_FD | E1000_STATUS_LU | E1000_STATUS_SPEED_1000);
	/* RAL0/RAH0 hold the EEPROM's address after reset */
	ck_assert_uint_eq(rd(g, E1000_RA), vmm_get32(nic_mac));
	ck_assert_uint_eq(rd(g, E1000_RA + 4), vmm_get16(nic_mac + 4) | E1000_RAH_AV);
	/* e1000_open fires LSC through ICS; ICR reads clear it */
	wr(g, E1000_ICS, E1000_ICR_LSC);
	ck_assert(g->h.irq);
	ck_assert_uint_eq(rd(g, E1000_ICR), E1000_ICR_LSC);
	ck_assert(!g->h.irq);
	ck_assert_uint_eq(rd(g, E1000_ICR), 0);
	/* link down and up again from the host */
	e1000_set_link(&g->dev, false);
	ck_assert(g->h.irq);
	ck_assert(!(rd(g, E1000_STATUS) & E1000_STATUS_LU));
	ck_assert(!(phy_rd(g, 1) & 0x0004));
	rd(g, E1000_ICR);
	e1000_set_link(&g->dev, true);
	ck_assert(rd(g, E1000_STATUS) & E1000_STATUS_LU);
	nic_guest_free(g);
}
END_TEST

START_TEST(test_a_legacy_descriptor_sends_one_frame_and_writes_back_dd)
{
	struct nic_guest *g = nic_guest_new();
	uint8_t *d;

	nic_open(g, 8, 8, RCTL_OPEN);
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 100);
	d = tx_legacy(g, 0, 100);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 1);
	ck_assert_uint_eq(g->h.tx_len[0], 100);
	ck_assert_mem_eq(g->h.tx_frame[0], g->h.ram + GPA_TX_BUF, 100);
	ck_assert(d[12] & E1000_TXD_STAT_DD);
	ck_assert_uint_eq(rd(g, E1000_TDH), 1);
	ck_assert(g->h.irq);
	ck_assert_uint_eq(rd(g, E1000_ICR), E1000_ICR_TXDW | E1000_ICR_TXQE);
	/* statistics count the FCS and clear on read */
	ck_assert_uint_eq(rd(g, E1000_GPTC), 1);
	ck_assert_uint_eq(rd(g, E1000_TPT), 1);
	ck_assert_uint_eq(rd(g, E1000_GOTCL), 104);
	ck_assert_uint_eq(rd(g, E1000_GOTCH), 0);
	ck_assert_uint_eq(rd(g, E1000_GPTC), 0);
	/* a runt is padded to 60 bytes (TCTL.PSP) */
	tx_legacy(g, 0, 20);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.tx_len[1], 60);
	/* nothing is sent with TCTL.EN clear; the ring waits */
	wr(g, E1000_TCTL, 0);
	tx_legacy(g, 0, 100);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 2);
	wr(g, E1000_TCTL, E1000_TCTL_EN);
	ck_assert_uint_eq(g->h.nr_tx, 3);
	nic_guest_free(g);
}
END_TEST

/*
 * The cable pulled and put back (vmkctl vm nic NAME link down|up), as an
 * 82540EM shows it: STATUS.LU and the PHY's link bit clear, ICR.LSC;
 * nothing received and the transmit ring waits while down, even across a
 * reset; on link up LSC again and what waited goes out.
 */
START_TEST(test_link_down_stops_both_ways_until_link_up_with_lsc)
{
	struct nic_guest *g = nic_guest_new();
	uint8_t f[100];

	nic_open(g, 8, 8, RCTL_OPEN);
	e1000_set_link(&g->dev, false);
	ck_assert(g->h.irq);
	ck_assert_uint_eq(rd(g, E1000_ICR), E1000_ICR_LSC);
	ck_assert(!g->h.irq);
	ck_assert(!(rd(g, E1000_STATUS) & E1000_STATUS_LU));
	ck_assert(!(phy_rd(g, 1) & 0x0004));
	/* a frame queued by the guest waits in its ring */
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 100);
	tx_legacy(g, 0, 100);
	tx_doorbell(g);
	e1000_poll(&g->dev);
	ck_assert_uint_eq(g->h.nr_tx, 0);
	ck_assert_uint_eq(rd(g, E1000_TDH), 0);
	/* nothing comes in, counted */
	make_frame(f, nic_mac, 100);
	ck_assert(!e1000_receive(&g->dev, f, 100));
	ck_assert_uint_eq(g->dev.count.rx_link_down, 1);
	ck_assert_uint_eq(rd(g, E1000_RDH), 0);
	ck_assert(!g->h.irq);
	/* a software reset does not bring the cable back */
	nic_open(g, 8, 8, RCTL_OPEN);
	ck_assert(!(rd(g, E1000_STATUS) & E1000_STATUS_LU));
	ck_assert(!e1000_receive(&g->dev, f, 100));
	tx_legacy(g, 0, 100);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 0);
	/* link up: LSC, and the waiting frame goes out; receive works */
	e1000_set_link(&g->dev, true);
	ck_assert(g->h.irq);
	ck_assert(rd(g, E1000_ICR) & E1000_ICR_LSC);
	ck_assert(rd(g, E1000_STATUS) & E1000_STATUS_LU);
	ck_assert_uint_eq(g->h.nr_tx, 1);
	ck_assert_uint_eq(rd(g, E1000_TDH), 1);
	ck_assert(e1000_receive(&g->dev, f, 100));
	/* the same again does nothing: no second interrupt */
	rd(g, E1000_ICR);
	e1000_set_link(&g->dev, true);
	ck_assert(!g->h.irq);
	nic_guest_free(g);
}
END_TEST

/* A NIC whose cable is out at power on (the link set down before a reset). */
START_TEST(test_a_nic_created_with_its_link_down_shows_no_link)
{
	struct nic_guest *g = nic_guest_new();

	nic_attach_cable(g, true);
	ck_assert(!(rd(g, E1000_STATUS) & E1000_STATUS_LU));
	ck_assert(!(phy_rd(g, 1) & 0x0004));
	e1000_set_link(&g->dev, true);
	ck_assert(rd(g, E1000_STATUS) & E1000_STATUS_LU);
	nic_guest_free(g);
}
END_TEST

/*
 * The guest's receive filter as the switch hears it (docs/network.md
 * "Security policy"): the EEPROM's address at reset, RAL0/RAH0 once RAH0
 * makes it valid, RCTL.UPE as promiscuous; only changes are told.
 */
START_TEST(test_the_receive_filter_is_told_when_the_guest_changes_it)
{
	static const uint8_t new_mac[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x99 };
	struct nic_guest *g = nic_guest_new();

	ck_assert_uint_eq(g->h.filter_told, 1);
	ck_assert_mem_eq(g->h.filter_mac, nic_mac, 6);
	ck_assert(!g->h.filter_promiscuous);
	nic_open(g, 8, 8, RCTL_OPEN);		/* reset, same address: nothing new */
	ck_assert_uint_eq(g->h.filter_told, 1);
	/* e1000_rar_set(): RAL0, then RAH0 with AV; told once, at RAH0 */
	wr(g, E1000_RA, vmm_get32(new_mac));
	ck_assert_uint_eq(g->h.filter_told, 1);
	wr(g, E1000_RA + 4, vmm_get16(new_mac + 4) | E1000_RAH_AV);
	ck_assert_uint_eq(g->h.filter_told, 2);
	ck_assert_mem_eq(g->h.filter_mac, new_mac, 6);
	wr(g, E1000_RA + 4, vmm_get16(new_mac + 4) | E1000_RAH_AV);
	ck_assert_uint_eq(g->h.filter_told, 2);
	/* MPE alone (allmulti) is not promiscuous; UPE is */
	wr(g, E1000_RCTL, RCTL_OPEN | E1000_RCTL_MPE);
	ck_assert_uint_eq(g->h.filter_told, 2);
	wr(g, E1000_RCTL, RCTL_OPEN | E1000_RCTL_MPE | E1000_RCTL_UPE);
	ck_assert_uint_eq(g->h.filter_told, 3);
	ck_assert(g->h.filter_promiscuous);
	ck_assert_mem_eq(g->h.filter_mac, new_mac, 6);
	wr(g, E1000_RCTL, RCTL_OPEN);
	ck_assert_uint_eq(g->h.filter_told, 4);
	ck_assert(!g->h.filter_promiscuous);
	/* an address without AV is not one: nothing told */
	wr(g, E1000_RA, 0x11223344);
	wr(g, E1000_RA + 4, 0x5566);
	ck_assert_uint_eq(g->h.filter_told, 4);
	/* other entries are not the guest's own address */
	wr(g, E1000_RA + 8, 0x11223344);
	wr(g, E1000_RA + 12, 0x5566 | E1000_RAH_AV);
	ck_assert_uint_eq(g->h.filter_told, 4);
	/* a reset brings the EEPROM's address back */
	wr(g, E1000_CTRL, E1000_CTRL_RST);
	ck_assert_uint_eq(g->h.filter_told, 5);
	ck_assert_mem_eq(g->h.filter_mac, nic_mac, 6);
	ck_assert(!g->h.filter_promiscuous);
	nic_guest_free(g);
}
END_TEST

/*
 * The guest's multicast filter as the switch hears it (docs/network.md
 * "Multicast per vNIC"): no address can be had from the MTA's hashes,
 * so every group while RCTL.MPE or any MTA bit is set, none otherwise;
 * only changes are told. The model's own MTA filter still drops a group
 * whose bit is clear.
 */
START_TEST(test_the_mta_and_mpe_tell_the_switch_all_groups_or_none)
{
	static const uint8_t joined[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t other[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	struct nic_guest *g = nic_guest_new();
	/* the 12 bits RCTL.MO 00 takes: 47:36 (e1000_hash_mc_addr) */
	uint32_t h = (uint32_t)(joined[4] >> 4 | joined[5] << 4);
	unsigned int told;
	uint8_t f[64];

	ck_assert_uint_eq(g->h.groups_told, 1);	/* reset: none */
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->h.groups_n, 0);
	nic_open(g, 8, 8, RCTL_OPEN);
	told = g->h.groups_told;
	ck_assert(!g->h.groups_all);
	/* e1000_set_rx_mode(): RCTL, then every MTA word; one bit: all */
	for (uint32_t i = 0; i < E1000_MTA_WORDS; i++)
		wr(g, E1000_MTA + 4 * i, i == h >> 5 ? 1u << (h & 31) : 0);
	ck_assert_uint_eq(g->h.groups_told, told + 1);
	ck_assert(g->h.groups_all);
	/* the same table again: nothing new */
	for (uint32_t i = 0; i < E1000_MTA_WORDS; i++)
		wr(g, E1000_MTA + 4 * i, i == h >> 5 ? 1u << (h & 31) : 0);
	ck_assert_uint_eq(g->h.groups_told, told + 1);
	/* the switch sends every group; the model takes only the joined one */
	make_frame(f, joined, 64);
	ck_assert(e1000_receive(&g->dev, f, 64));
	make_frame(f, other, 64);
	ck_assert(!e1000_receive(&g->dev, f, 64));
	/* the last bit cleared, through the I/O BAR: none */
	e1000_io_ops.write(&g->dev, 0, 4, E1000_MTA + 4 * (h >> 5));
	e1000_io_ops.write(&g->dev, 4, 4, 0);
	ck_assert_uint_eq(g->h.groups_told, told + 2);
	ck_assert(!g->h.groups_all);
	/* MPE (allmulti) alone: all; off again: none */
	wr(g, E1000_RCTL, RCTL_OPEN | E1000_RCTL_MPE);
	ck_assert(g->h.groups_all);
	wr(g, E1000_RCTL, RCTL_OPEN);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->h.groups_told, told + 4);
	/* the receiver off (RCTL.EN clear), its table kept: none; on: all */
	wr(g, E1000_MTA + 4 * (h >> 5), 1u << (h & 31));
	ck_assert(g->h.groups_all);
	wr(g, E1000_RCTL, RCTL_OPEN & ~E1000_RCTL_EN);
	ck_assert(!g->h.groups_all);
	wr(g, E1000_RCTL, RCTL_OPEN);
	ck_assert(g->h.groups_all);
	wr(g, E1000_MTA + 4 * (h >> 5), 0);
	ck_assert(!g->h.groups_all);
	/* a reset clears the table */
	wr(g, E1000_MTA + 4 * 127, 0x80000000u);
	ck_assert(g->h.groups_all);
	wr(g, E1000_CTRL, E1000_CTRL_RST);
	ck_assert(!g->h.groups_all);
	ck_assert_uint_eq(g->dev.mta_words_set, 0);
	nic_guest_free(g);
}
END_TEST

/* As e1000_tx_csum(): a context descriptor, then data descriptors with TXSM. */
START_TEST(test_checksum_offload_over_a_gathered_packet)
{
	struct nic_guest *g = nic_guest_new();
	uint32_t dcmd = (uint32_t)(E1000_TXD_CMD_DEXT | E1000_TXD_CMD_IFCS) << 24 |
			E1000_TXD_DTYP_D << 20;
	uint8_t *c;

	nic_open(g, 8, 8, RCTL_OPEN);
	make_tcp(g->h.ram + GPA_TX_BUF, 300, false);
	c = tx_put(g, 0, (uint32_t)(E1000_TXD_CMD_DEXT | E1000_TXD_CMD_RS) << 24, 0);
	c[0] = 14;				/* ipcss */
	c[1] = 24;				/* ipcso */
	c[4] = 34;				/* tucss */
	c[5] = 50;				/* tucso */
	tx_put(g, GPA_TX_BUF, dcmd | 40, E1000_TXD_POPTS_TXSM << 8);
	tx_put(g, GPA_TX_BUF + 40, dcmd | (354 - 40) |
	       (uint32_t)(E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS) << 24,
	       E1000_TXD_POPTS_TXSM << 8);
	/* the IP checksum is the stack's own here: compute it in the guest */
	vmm_put_be16(g->h.ram + GPA_TX_BUF + 24,
		     (uint16_t)~sum16(g->h.ram + GPA_TX_BUF + 14, 20, 0));
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 1);
	ck_assert_uint_eq(g->h.tx_len[0], 354);
	ck_assert(tcp_frame_ok(g->h.tx_frame[0], 354));
	ck_assert(c[12] & E1000_TXD_STAT_DD);
	nic_guest_free(g);
}
END_TEST

/*
 * As e1000_tso(): a context with TSE, MSS and header length, then the
 * headers and the payload of a TCP packet with IXSM and TXSM, rung.
 */
static void tso_send(struct nic_guest *g, uint32_t payload, uint32_t mss)
{
	uint32_t dcmd = (uint32_t)(E1000_TXD_CMD_DEXT | E1000_TXD_CMD_IFCS |
				   E1000_TXD_CMD_TSE) << 24 | E1000_TXD_DTYP_D << 20;
	uint8_t *c;

	make_tcp(g->h.ram + GPA_TX_BUF, payload, true);
	c = tx_put(g, 0, (uint32_t)(E1000_TXD_CMD_DEXT | E1000_TXD_CMD_TSE |
				    E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP) << 24 |
		   (40 + payload), (mss << 16) | 54u << 8);
	c[0] = 14;
	c[1] = 24;
	vmm_put16(c + 2, 33);			/* ipcse: end of the IP header */
	c[4] = 34;
	c[5] = 50;
	tx_put(g, GPA_TX_BUF, dcmd | 54,
	       (E1000_TXD_POPTS_TXSM | E1000_TXD_POPTS_IXSM) << 8);
	tx_put(g, GPA_TX_BUF + 54, dcmd | payload |
	       (uint32_t)(E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS) << 24,
	       (E1000_TXD_POPTS_TXSM | E1000_TXD_POPTS_IXSM) << 8);
	tx_doorbell(g);
}

START_TEST(test_tso_cuts_a_packet_into_mss_segments_with_fixed_headers)
{
	struct nic_guest *g = nic_guest_new();
	uint32_t payload = 2500, mss = 1000;

	nic_open(g, 8, 8, RCTL_OPEN);
	tso_send(g, payload, mss);
	ck_assert_uint_eq(g->h.nr_tx, 3);
	for (unsigned int i = 0; i < 3; i++) {
		const uint8_t *f = g->h.tx_frame[i];
		uint32_t n = i < 2 ? mss : payload - 2 * mss;

		ck_assert_uint_eq(g->h.tx_len[i], 54 + n);
		ck_assert_uint_eq(vmm_get_be16(f + 16), 40 + n);
		ck_assert_uint_eq(vmm_get_be16(f + 18), 0x1000 + i);
		ck_assert_uint_eq(vmm_get_be32(f + 38), 1000 + i * mss);
		ck_assert_uint_eq(f[47], i < 2 ? 0x10 : 0x19);	/* FIN PSH last only */
		ck_assert_mem_eq(f + 54, g->h.ram + GPA_TX_BUF + 54 + i * mss, n);
		ck_assert(tcp_frame_ok(f, 54 + n));
	}
	nic_guest_free(g);
}
END_TEST

/* A hostile MSS: 1 byte a segment would make 2500 frames of one packet. */
START_TEST(test_tso_with_an_mss_below_linuxs_least_sends_nothing)
{
	struct nic_guest *g = nic_guest_new();

	nic_open(g, 8, 8, RCTL_OPEN);
	tso_send(g, 2500, VNIC_TSO_MSS_MIN - 1);
	ck_assert_uint_eq(g->h.nr_tx, 0);
	ck_assert_uint_eq(g->dev.count.tx_bad_tso, 1);
	nic_guest_free(g);
}
END_TEST

START_TEST(test_receive_places_a_frame_for_our_mac_and_filters_others)
{
	struct nic_guest *g = nic_guest_new();
	uint8_t f[1514], other[6] = { 0x00, 0x0c, 0x29, 0x99, 0x99, 0x99 };
	uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	nic_open(g, 8, 8, RCTL_OPEN);
	make_frame(f, nic_mac, 200);
	ck_assert(e1000_receive(&g->dev, f, 200));
	ck_assert_uint_eq(vmm_get16(rx_desc(g, 0) + 8), 204);	/* with FCS */
	ck_assert_uint_eq(rx_desc(g, 0)[12] & 3, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
	ck_assert_mem_eq(rx_buf(g, 0), f, 200);
	ck_assert_uint_eq(rd(g, E1000_RDH), 1);
	ck_assert(g->h.irq);
	ck_assert(rd(g, E1000_ICR) & E1000_ICR_RXT0);
	ck_assert_uint_eq(rd(g, E1000_GPRC), 1);
	ck_assert_uint_eq(rd(g, E1000_GORCL), 204);
	/* another station's unicast is filtered; broadcast passes with BAM */
	make_frame(f, other, 100);
	ck_assert(!e1000_receive(&g->dev, f, 100));
	make_frame(f, bcast, 100);
	ck_assert(e1000_receive(&g->dev, f, 100));
	ck_assert_uint_eq(rd(g, E1000_BPRC), 1);
	/* a second receive address (RAL1/RAH1) */
	wr(g, E1000_RA + 8, vmm_get32(other));
	wr(g, E1000_RA + 12, vmm_get16(other + 4) | E1000_RAH_AV);
	make_frame(f, other, 100);
	ck_assert(e1000_receive(&g->dev, f, 100));
	/* a runt is padded to 60 bytes */
	make_frame(f, nic_mac, 30);
	ck_assert(e1000_receive(&g->dev, f, 30));
	ck_assert_uint_eq(vmm_get16(rx_desc(g, 3) + 8), 64);
	/* RCTL.SECRC strips the FCS */
	wr(g, E1000_RCTL, RCTL_OPEN | E1000_RCTL_SECRC);
	make_frame(f, nic_mac, 100);
	ck_assert(e1000_receive(&g->dev, f, 100));
	ck_assert_uint_eq(vmm_get16(rx_desc(g, 4) + 8), 100);
	wr(g, E1000_RCTL, RCTL_OPEN);
	/* oversize without LPE */
	make_frame(f, nic_mac, 1514);
	ck_assert(e1000_receive(&g->dev, f, 1514));
	ck_assert(!e1000_receive(&g->dev, f, 1519));
	ck_assert_uint_eq(g->dev.count.rx_oversize, 1);
	nic_guest_free(g);
}
END_TEST

START_TEST(test_a_frame_larger_than_the_buffer_spans_descriptors)
{
	struct nic_guest *g = nic_guest_new();
	uint8_t f[600];

	/* BSIZE 11b: 256-byte buffers */
	nic_open(g, 8, 8, RCTL_OPEN | 3u << E1000_RCTL_BSIZE_SHIFT);
	make_frame(f, nic_mac, 600);
	ck_assert(e1000_receive(&g->dev, f, 600));
	for (unsigned int i = 0; i < 3; i++) {
		uint8_t st = rx_desc(g, i)[12];

		ck_assert(st & E1000_RXD_STAT_DD);
		ck_assert_uint_eq(!!(st & E1000_RXD_STAT_EOP), i == 2);
		ck_assert_uint_eq(vmm_get16(rx_desc(g, i) + 8), i < 2 ? 256 : 604 - 512);
		ck_assert_mem_eq(rx_buf(g, i), f + 256 * i, i < 2 ? 256 : 600 - 512);
	}
	ck_assert_uint_eq(rd(g, E1000_RDH), 3);
	nic_guest_free(g);
}
END_TEST

START_TEST(test_multicast_table_and_promiscuous_modes)
{
	struct nic_guest *g = nic_guest_new();
	uint8_t mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	uint8_t mc2[6] = { 0x01, 0x00, 0x5e, 0x7f, 0x12, 0x34 };
	uint8_t other[6] = { 0x00, 0x0c, 0x29, 0x99, 0x99, 0x99 };
	uint8_t f[100];
	uint32_t hash = (mc[4] >> 4 | (uint32_t)mc[5] << 4) & 0xfff;

	nic_open(g, 8, 8, RCTL_OPEN);
	make_frame(f, mc, 100);
	ck_assert(!e1000_receive(&g->dev, f, 100));
	/* e1000_hash_mc_addr() with MO 0, then the bit in the table */
	wr(g, E1000_MTA + 4 * (hash >> 5), 1u << (hash & 31));
	ck_assert(e1000_receive(&g->dev, f, 100));
	ck_assert_uint_eq(rd(g, E1000_MPRC), 1);
	make_frame(f, mc2, 100);
	ck_assert(!e1000_receive(&g->dev, f, 100));
	wr(g, E1000_RCTL, RCTL_OPEN | E1000_RCTL_MPE);
	ck_assert(e1000_receive(&g->dev, f, 100));
	make_frame(f, other, 100);
	ck_assert(!e1000_receive(&g->dev, f, 100));
	wr(g, E1000_RCTL, RCTL_OPEN | E1000_RCTL_UPE);
	ck_assert(e1000_receive(&g->dev, f, 100));
	/* broadcast without BAM or MPE is filtered */
	wr(g, E1000_RCTL, E1000_RCTL_EN);
	memset(f, 0xff, 6);
	ck_assert(!e1000_receive(&g->dev, f, 100));
	nic_guest_free(g);
}
END_TEST

START_TEST(test_a_full_receive_ring_drops_and_counts)
{
	struct nic_guest *g = nic_guest_new();
	uint8_t f[100];

	nic_open(g, 8, 8, RCTL_OPEN);
	make_frame(f, nic_mac, 100);
	for (unsigned int i = 0; i < 7; i++)
		ck_assert(e1000_receive(&g->dev, f, 100));
	ck_assert(rd(g, E1000_ICR) & E1000_ICR_RXDMT0);
	/* RDH caught up with RDT: no descriptor left */
	ck_assert(!e1000_receive(&g->dev, f, 100));
	ck_assert(!e1000_receive(&g->dev, f, 100));
	ck_assert_uint_eq(rd(g, E1000_MPC), 2);
	ck_assert_uint_eq(rd(g, E1000_RNBC), 2);
	ck_assert(rd(g, E1000_ICR) & E1000_ICR_RXO);
	ck_assert_uint_eq(rd(g, E1000_GPRC), 7);
	/* the driver gives descriptors back; receive goes on */
	rx_give(g, 7);
	rx_give(g, 0);
	wr(g, E1000_RDT, 0);
	ck_assert(e1000_receive(&g->dev, f, 100));
	/* a frame needing more descriptors than are free is dropped whole */
	wr(g, E1000_RCTL, RCTL_OPEN | 3u << E1000_RCTL_BSIZE_SHIFT);
	ck_assert(!e1000_receive(&g->dev, f, 100));	/* none free */
	wr(g, E1000_RDT, 1);
	make_frame(f, nic_mac, 100);
	ck_assert(e1000_receive(&g->dev, f, 100));	/* one free, one needed */
	ck_assert_uint_eq(g->dev.count.rx_no_buffer, 3);
	nic_guest_free(g);
}
END_TEST

START_TEST(test_hostile_rings_and_descriptors_end_in_drops_and_counters)
{
	struct nic_guest *g = nic_guest_new();
	uint8_t f[100], *d;
	uint32_t lcmd = (uint32_t)(E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS) << 24;

	nic_open(g, 8, 8, RCTL_OPEN);
	/* a buffer outside guest RAM: dropped, descriptor still done */
	d = tx_put(g, 0xfffff000ull, 100 | lcmd | (uint32_t)E1000_TXD_CMD_EOP << 24, 0);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 0);
	ck_assert_uint_eq(g->dev.count.tx_bad_addr, 1);
	ck_assert(d[12] & E1000_TXD_STAT_DD);
	/* a chain that never ends: 7 x 16 KiB > E1000_TX_MAX */
	nic_open(g, 8, 8, RCTL_OPEN);
	for (unsigned int i = 0; i < 7; i++)
		tx_put(g, GPA_TX_BUF, 16384 | lcmd, 0);
	tx_doorbell(g);
	ck_assert_uint_eq(rd(g, E1000_TDH), 7);
	tx_legacy(g, 0, 100);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 0);
	ck_assert_uint_eq(g->dev.count.tx_too_long, 1);
	/* the next packet goes out again */
	tx_legacy(g, 0, 100);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 1);
	/* TDT past the ring, TDLEN not a multiple of 128, ring outside RAM */
	wr(g, E1000_TDT, 500);
	ck_assert_uint_eq(g->dev.count.tx_ring_bad, 1);
	wr(g, E1000_TDLEN, 100);
	ck_assert_uint_eq(rd(g, E1000_TDLEN), 0);
	wr(g, E1000_TDT, 3);
	wr(g, E1000_TDLEN, 8 * 16);
	wr(g, E1000_TDH, 0);
	wr(g, E1000_TDBAH, 0x10);
	wr(g, E1000_TDT, 3);
	ck_assert_uint_eq(g->dev.count.tx_ring_bad, 2);
	ck_assert_uint_eq(rd(g, E1000_TDH), 0);
	/* a TSO context that does not fit: counted, nothing sent */
	nic_open(g, 8, 8, RCTL_OPEN);
	nic_forget_tx(&g->h);
	tx_put(g, 0, (uint32_t)(E1000_TXD_CMD_DEXT | E1000_TXD_CMD_TSE) << 24, 0);
	tx_put(g, GPA_TX_BUF, (uint32_t)(E1000_TXD_CMD_DEXT | E1000_TXD_CMD_TSE |
					 E1000_TXD_CMD_EOP) << 24 | E1000_TXD_DTYP_D << 20 | 100, 0);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 0);
	ck_assert_uint_eq(g->dev.count.tx_bad_tso, 1);
	/* receive: a buffer outside RAM still completes its descriptor */
	vmm_put64(rx_desc(g, 0), 0xfffffffffffff000ull);
	make_frame(f, nic_mac, 100);
	ck_assert(e1000_receive(&g->dev, f, 100));
	ck_assert_uint_eq(g->dev.count.rx_bad_addr, 1);
	ck_assert(rx_desc(g, 0)[12] & E1000_RXD_STAT_DD);
	/* RDH past the ring: dropped */
	wr(g, E1000_RDH, 9000);
	ck_assert(!e1000_receive(&g->dev, f, 100));
	/* unknown registers read 0, writes are counted */
	wr(g, 0x1fffc, 1);
	ck_assert_uint_eq(rd(g, 0x1fffc), 0);
	ck_assert_uint_eq(g->dev.count.unknown_writes, 1);
	ck_assert_uint_eq(e1000_mmio_ops.read(&g->dev, 0x20000, 4), 0);
	nic_guest_free(g);
}
END_TEST

/*
 * Without TCTL.PSP a packet shorter than an Ethernet header is not a
 * frame: nothing goes out, and it is counted as the vmxnet3 counts its
 * runts (the lab's hostile_nic sends 5, 13 and 20 bytes unpadded).
 */
START_TEST(test_a_runt_without_padding_is_dropped_and_counted)
{
	struct nic_guest *g = nic_guest_new();
	uint8_t *d;

	nic_open(g, 8, 8, RCTL_OPEN);
	wr(g, E1000_TCTL, E1000_TCTL_EN);
	d = tx_legacy(g, 0, 13);
	tx_legacy(g, 0, 1);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 0);
	ck_assert_uint_eq(g->dev.count.tx_runt, 2);
	ck_assert(d[12] & E1000_TXD_STAT_DD);
	tx_legacy(g, 0, 14);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, 1);
	ck_assert_uint_eq(g->dev.count.tx_runt, 2);
	nic_guest_free(g);
}
END_TEST

START_TEST(test_one_doorbell_walks_at_most_the_budget)
{
	struct nic_guest *g = nic_guest_new();

	nic_open(g, 1024, 8, RCTL_OPEN);
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 60);
	for (unsigned int i = 0; i < 1000; i++)
		tx_legacy(g, 0, 60);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.nr_tx, E1000_TX_BUDGET);
	ck_assert_uint_eq(rd(g, E1000_TDH), E1000_TX_BUDGET);
	while (rd(g, E1000_TDH) != 1000)
		e1000_poll(&g->dev);
	ck_assert_uint_eq(g->h.nr_tx, 1000);
	nic_guest_free(g);
}
END_TEST

START_TEST(test_vlan_tags_are_inserted_and_stripped_with_ctrl_vme)
{
	struct nic_guest *g = nic_guest_new();
	uint8_t f[104];

	nic_open(g, 8, 8, RCTL_OPEN);
	wr(g, E1000_CTRL, rd(g, E1000_CTRL) | 0x40000000);	/* VME */
	make_frame(g->h.ram + GPA_TX_BUF, peer_mac, 100);
	tx_put(g, GPA_TX_BUF, 100 | (uint32_t)(E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS |
					       E1000_TXD_CMD_VLE) << 24, 42u << 16);
	tx_doorbell(g);
	ck_assert_uint_eq(g->h.tx_len[0], 104);
	ck_assert_uint_eq(vmm_get_be32(g->h.tx_frame[0] + 12), 0x8100002a);
	ck_assert_mem_eq(g->h.tx_frame[0] + 16, g->h.ram + GPA_TX_BUF + 12, 88);
	make_frame(f, nic_mac, 104);
	vmm_put_be32(f + 12, 0x8100002a);
	ck_assert(e1000_receive(&g->dev, f, 104));
	ck_assert_uint_eq(vmm_get16(rx_desc(g, 0) + 8), 104);	/* 100 + FCS */
	ck_assert(rx_desc(g, 0)[12] & 0x08);			/* VP */
	ck_assert_uint_eq(vmm_get16(rx_desc(g, 0) + 14), 42);
	ck_assert_mem_eq(rx_buf(g, 0) + 12, f + 16, 88);
	/* a tag type with no room for the tag is left alone */
	ck_assert(e1000_receive(&g->dev, f, 15));
	ck_assert(!(rx_desc(g, 1)[12] & 0x08));
	ck_assert_uint_eq(vmm_get16(rx_desc(g, 1) + 8), 64);
	nic_guest_free(g);
}
END_TEST

START_TEST(test_interrupts_follow_the_mask_and_intx_disable)
{
	struct nic_guest *g = nic_guest_new();

	nic_open(g, 8, 8, RCTL_OPEN);
	wr(g, IMC, 0xffffffff);
	wr(g, E1000_ICS, E1000_ICR_RXT0);
	ck_assert(!g->h.irq);
	wr(g, E1000_IMS, E1000_ICR_RXT0);
	ck_assert(g->h.irq);
	e1000_pci_ops.write(&g->dev, 4, 2, 0x0400);	/* INTx disable */
	ck_assert(!g->h.irq);
	ck_assert(e1000_pci_ops.read(&g->dev, 6, 2) & 0x0008);	/* still pending */
	e1000_pci_ops.write(&g->dev, 4, 2, 0x0006);
	ck_assert(g->h.irq);
	wr(g, IMC, E1000_ICR_RXT0);
	ck_assert(!g->h.irq);
	/* a software reset drops everything pending */
	wr(g, E1000_IMS, E1000_ICR_RXT0);
	wr(g, E1000_CTRL, E1000_CTRL_RST);
	ck_assert(!g->h.irq);
	ck_assert_uint_eq(rd(g, E1000_ICR), 0);
	nic_guest_free(g);
}
END_TEST

/*
 * A driver that turns its receiver off (e1000_down clears RCTL.EN) or
 * resets the part takes its receive buffers back: a frame arriving
 * afterwards moves no byte into them or into the ring. The vmkernel
 * delivers frames from its own queue whenever the vCPU polls (vm_nic.c),
 * so the model is what keeps a stopped ring's pages the guest's alone.
 */
START_TEST(test_no_receive_dma_after_the_driver_stops_or_resets_the_receiver)
{
	struct nic_guest *g = nic_guest_new();
	uint8_t f[100];

	make_frame(f, nic_mac, sizeof(f));
	for (unsigned int i = 0; i < 2; i++) {
		nic_open(g, 8, 8, RCTL_OPEN);
		ck_assert(e1000_receive(&g->dev, f, sizeof(f)));
		if (i == 0) {
			wr(g, E1000_RCTL, 0);
		} else {
			e1000_io_ops.write(&g->dev, 0, 4, E1000_CTRL);
			e1000_io_ops.write(&g->dev, 4, 4, E1000_CTRL_RST);
		}
		memset(g->h.ram + GPA_RX_RING, 0xcc, 8 * E1000_DESC_LEN);
		memset(g->h.ram + GPA_RX_BUF, 0xcc, 8 * RX_BUF_STRIDE);
		ck_assert(!e1000_receive(&g->dev, f, sizeof(f)));
		for (uint32_t a = 0; a < 8 * E1000_DESC_LEN; a++)
			ck_assert_uint_eq(g->h.ram[GPA_RX_RING + a], 0xcc);
		for (uint32_t a = 0; a < 8 * RX_BUF_STRIDE; a++)
			ck_assert_uint_eq(g->h.ram[GPA_RX_BUF + a], 0xcc);
	}
	nic_guest_free(g);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("e1000");

	tcase_add_test(tc, test_probe_finds_the_82540em_its_mac_a_valid_eeprom_and_link);
	tcase_add_test(tc, test_link_down_stops_both_ways_until_link_up_with_lsc);
	tcase_add_test(tc, test_no_receive_dma_after_the_driver_stops_or_resets_the_receiver);
	tcase_add_test(tc, test_a_nic_created_with_its_link_down_shows_no_link);
	tcase_add_test(tc, test_the_receive_filter_is_told_when_the_guest_changes_it);
	tcase_add_test(tc, test_the_mta_and_mpe_tell_the_switch_all_groups_or_none);
	tcase_add_test(tc, test_a_legacy_descriptor_sends_one_frame_and_writes_back_dd);
	tcase_add_test(tc, test_checksum_offload_over_a_gathered_packet);
	tcase_add_test(tc, test_tso_cuts_a_packet_into_mss_segments_with_fixed_headers);
	tcase_add_test(tc, test_tso_with_an_mss_below_linuxs_least_sends_nothing);
	tcase_add_test(tc, test_receive_places_a_frame_for_our_mac_and_filters_others);
	tcase_add_test(tc, test_a_frame_larger_than_the_buffer_spans_descriptors);
	tcase_add_test(tc, test_multicast_table_and_promiscuous_modes);
	tcase_add_test(tc, test_a_full_receive_ring_drops_and_counts);
	tcase_add_test(tc, test_hostile_rings_and_descriptors_end_in_drops_and_counters);
	tcase_add_test(tc, test_a_runt_without_padding_is_dropped_and_counted);
	tcase_add_test(tc, test_one_doorbell_walks_at_most_the_budget);
	tcase_add_test(tc, test_vlan_tags_are_inserted_and_stripped_with_ctrl_vme);
	tcase_add_test(tc, test_interrupts_follow_the_mask_and_intx_disable);
	return check_run("e1000", tc);
}
