// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intel 82540EM model. The guest driver owns the descriptor rings in its
 * memory and moves the tails (TDT, RDT); the device moves the heads (TDH,
 * RDH), writes descriptor status back and raises causes in ICR. Transmit
 * runs when the guest writes TDT (or enables TCTL); receive runs when the
 * backend calls e1000_receive(). Section numbers are the 8254x SDM's.
 */
#include "vmm/dev/e1000.h"
#include "vmm/bytes.h"
#include "vmm/dev/eth_csum.h"
#include "vmm/dev/pci_host.h"
#include "vmm/devices.h"

/* Registers kept as written, not acted on (e1000_hw.h offsets). */
static const uint16_t plain_regs[] = {
	0x0018,	/* CTRL_EXT */
	0x0028, 0x002c, 0x0030,	/* FCAL, FCAH, FCT: flow control */
	0x0038,	/* VET: 802.1Q type */
	0x00c4,	/* ITR */
	0x0170, 0x0178,	/* FCTTV, TXCW */
	0x0410,	/* TIPG */
	0x0458,	/* AIT */
	0x0e00,	/* LEDCTL */
	0x1000,	/* PBA */
	0x2160, 0x2168,	/* FCRTL, FCRTH */
	0x2820, 0x2828, 0x282c,	/* RDTR, RXDCTL, RADV */
	0x2c00,	/* RSRPD */
	0x3000,	/* TXDMAC */
	0x3820, 0x3828, 0x382c,	/* TIDV, TXDCTL, TADV */
	0x5000,	/* RXCSUM */
	0x5800, 0x5808, 0x5820,	/* WUC, WUFC, MANC */
};
#define REG_VET			0x0038
#define VET_DEFAULT		0x8100	/* IEEE 802.1Q TPID */

/* STATUS, EEPROM and PHY (§13.4.2, §5.3, §13.5: M88E1011). */
#define EEPROM_READ_OPCODE	0x6	/* Microwire: start bit, then 10b */
#define EEPROM_CMD_BITS		9	/* 3 opcode + 6 address bits */
#define EEPROM_CHECKSUM_WORD	0x3f
#define EEPROM_SUM		0xbaba	/* words 0..0x3f add up to this */
#define EECD_WRITABLE		(E1000_EECD_SK | E1000_EECD_CS | E1000_EECD_DI | \
				 E1000_EECD_REQ | 0x30 /* FWE */)
#define MDIC_DATA		0x0000ffff
#define MDIC_INT_EN		0x20000000
#define PHY_ADDR		1	/* the Linux driver's hw->phy_addr */
#define PHY_CTRL		0
#define PHY_STATUS		1
#define PHY_ID1			2
#define PHY_ID2			3
#define PHY_AUTONEG_ADV		4
#define PHY_LP_ABILITY		5
#define PHY_AUTONEG_EXP		6
#define PHY_1000T_CTRL		9
#define PHY_1000T_STATUS	10
#define PHY_EXT_STATUS		15
#define M88_SPEC_CTRL		0x10
#define M88_SPEC_STATUS		0x11
#define MII_CR_RESET		0x8000
#define MII_CR_RESTART_AN	0x0200
#define MII_SR_LINK		0x0004
#define MII_SR_AN_COMPLETE	0x0020
#define PHY_STATUS_NO_LINK	0x7949	/* 10/100/1000 capable, autoneg, ext status */
#define M88_LINK_1000_FD	0xac00	/* speed 1000, full duplex, resolved, link */
#define M88E1011_ID1		0x0141
#define M88E1011_ID2		0x0c20

#define RCTL_BSIZE(r)		(((r) >> E1000_RCTL_BSIZE_SHIFT) & 3)
#define RING_LEN_MASK		0x000fff80	/* TDLEN/RDLEN: multiples of 128 */
#define RING_BASE_MASK		0xfffffff0
#define RING_INDEX_MASK		0x0000ffff
#define RAH_WRITABLE		0x8003ffff	/* AV, AS, address bytes 4-5 */
#define ETH_ALEN		6
#define ETH_HLEN		14
#define ETH_ZLEN		60	/* shortest frame without FCS */
#define ETH_FCS_LEN		4
#define VLAN_HLEN		4
#define MAX_FRAME_STD		1522	/* with a tag and FCS, RCTL.LPE clear */
#define RXD_STAT_VP		0x08
#define TCTL_PSP		0x00000008	/* pad short packets */
#define CTRL_VME		0x40000000	/* strip/insert 802.1Q tags */
#define TCP_FLAGS_OFF		13
#define TCP_FIN_PSH		0x09

/* PCI configuration header (PCI 3.0 §6.1) and what the guest may change. */
#define CFG_COMMAND		0x04
#define CFG_STATUS		0x06
#define CFG_BAR0		0x10
#define CFG_BAR1		0x14
#define CFG_SUBSYS_VENDOR	0x2c
#define CFG_SUBSYS_ID		0x2e
#define CFG_INTR_LINE		0x3c
#define CFG_INTR_PIN		0x3d
#define PCI_COMMAND_IO		0x0001
#define PCI_COMMAND_MEMORY	0x0002
#define PCI_COMMAND_MASTER	0x0004
#define PCI_COMMAND_INTX_OFF	0x0400
#define PCI_STATUS_INTERRUPT	0x0008
#define PCI_CLASS_ETHERNET	0x020000
#define PCI_BAR_IO		0x1
#define E1000_REVISION		0x03
#define E1000_SUBSYS_ID		0x001e	/* PRO/1000 MT Desktop */

static void update_irq(struct e1000 *d)
{
	uint16_t command = vmm_get16(&d->pci[CFG_COMMAND]);
	bool pending = d->icr & d->ims;
	bool level = pending && !(command & PCI_COMMAND_INTX_OFF);

	d->pci[CFG_STATUS] = pending ? PCI_STATUS_INTERRUPT : 0;
	if (level == d->irq_level)
		return;
	d->irq_level = level;
	if (d->host.set_irq)
		d->host.set_irq(d->host.irq_ctx, level);
}

/*
 * Tell the backend what the guest's filter asks for, when it changed:
 * RAL0/RAH0 if valid (RAH0.AV), and RCTL.UPE. MPE alone asks for every
 * multicast frame: groups_changed() tells that.
 */
static void filter_changed(struct e1000 *d)
{
	uint8_t mac[ETH_ALEN];
	uint32_t ral = d->ra[0], rah = d->ra[1] & 0xffff;
	bool promiscuous = d->rctl & E1000_RCTL_UPE;

	if (!d->host.filter || !(d->ra[1] & E1000_RAH_AV))
		return;
	if (d->told && promiscuous == d->told_promiscuous && ral == d->told_ral &&
	    rah == d->told_rah)
		return;
	d->told_ral = ral;
	d->told_rah = rah;
	d->told_promiscuous = promiscuous;
	d->told = true;
	vmm_put32(mac, ral);
	vmm_put16(mac + 4, (uint16_t)rah);
	d->host.filter(d->host.filter_ctx, mac, promiscuous);
}

/*
 * Tell the backend which multicast groups the guest wants, when it
 * changed: every group while the receiver is on (RCTL.EN) and RCTL.MPE
 * or any MTA bit is set, none otherwise. The MTA holds hashes of 12 of
 * the 48 address bits: no address can be had from it, so the switch
 * sends every group and rx_accept() drops those whose bit is clear, as
 * the hardware does (docs/network.md "Multicast per vNIC").
 */
static void groups_changed(struct e1000 *d)
{
	bool all = (d->rctl & E1000_RCTL_EN) &&
		   ((d->rctl & E1000_RCTL_MPE) || d->mta_words_set);

	if (!d->host.rx_groups || (d->told_groups && all == d->told_all_groups))
		return;
	d->told_groups = true;
	d->told_all_groups = all;
	d->host.rx_groups(d->host.rx_groups_ctx, NULL, 0, all);
}

static void raise(struct e1000 *d, uint32_t causes)
{
	d->icr |= causes;
	update_irq(d);
}

static uint32_t *plain_reg(struct e1000 *d, uint32_t offset)
{
	for (unsigned int i = 0; i < VMM_ARRAY_SIZE(plain_regs); i++)
		if (plain_regs[i] == offset)
			return &d->plain[i];
	return NULL;
}

static uint16_t vet(struct e1000 *d)
{
	return (uint16_t)*plain_reg(d, REG_VET);
}

static void stat_inc(struct e1000 *d, uint32_t reg, uint32_t n)
{
	uint32_t *s = &d->stats[(reg - E1000_STATS) / 4];

	*s = *s + n < *s ? 0xffffffffu : *s + n;	/* saturate (§13.7) */
}

/* A 64-bit byte counter: low register, then the high one. */
static void stat_add64(struct e1000 *d, uint32_t reg_lo, uint32_t n)
{
	uint32_t *lo = &d->stats[(reg_lo - E1000_STATS) / 4];

	if (*lo + n < *lo)
		lo[1]++;
	*lo += n;
}

/* ---- EEPROM and PHY ---- */

static void eeprom_fill(struct e1000 *d)
{
	uint16_t sum = 0;

	vmm_zero(d->eeprom, sizeof(d->eeprom));
	for (int i = 0; i < 3; i++)
		d->eeprom[i] = (uint16_t)(d->host.mac[2 * i] | d->host.mac[2 * i + 1] << 8);
	for (int i = 0; i < EEPROM_CHECKSUM_WORD; i++)
		sum = (uint16_t)(sum + d->eeprom[i]);
	d->eeprom[EEPROM_CHECKSUM_WORD] = (uint16_t)(EEPROM_SUM - sum);
}

/*
 * Microwire (§5.3.1): with CS high the driver clocks in the opcode and
 * address on SK rising edges (DI), then clocks out 16 data bits, MSB
 * first, reading DO after each rising edge; the device moves to the next
 * bit on the falling edge.
 */
static void eecd_write(struct e1000 *d, uint32_t val)
{
	uint32_t old = d->eecd;

	d->eecd = val & EECD_WRITABLE;
	if (!(val & E1000_EECD_CS))
		return;
	if (!(old & E1000_EECD_CS)) {		/* chip select: a new command */
		d->ee.in = d->ee.bits_in = 0;
		d->ee.reading = false;
	}
	if (!((old ^ val) & E1000_EECD_SK))
		return;
	if (!(val & E1000_EECD_SK)) {
		d->ee.bit_out++;
		return;
	}
	d->ee.in = d->ee.in << 1 | !!(val & E1000_EECD_DI);
	if (++d->ee.bits_in == EEPROM_CMD_BITS && !d->ee.reading) {
		d->ee.reading = (d->ee.in >> 6 & 7) == EEPROM_READ_OPCODE;
		d->ee.bit_out = (d->ee.in & 0x3f) * 16 - 1;
	}
}

static uint32_t eecd_read(const struct e1000 *d)
{
	uint32_t v = d->eecd | E1000_EECD_PRES;

	if (v & E1000_EECD_REQ)
		v |= E1000_EECD_GNT;
	if (d->ee.reading && (v & E1000_EECD_CS)) {
		uint32_t bit = d->ee.bit_out;
		uint16_t word = d->eeprom[(bit >> 4) % E1000_EEPROM_WORDS];

		if (word >> (15 - (bit & 15)) & 1)
			v |= E1000_EECD_DO;
	}
	return v;
}

static void eerd_write(struct e1000 *d, uint32_t val)
{
	uint32_t addr = val >> 8 & 0xff;
	uint16_t data = addr < E1000_EEPROM_WORDS ? d->eeprom[addr] : 0;

	if (val & E1000_EERD_START)
		d->eerd = (uint32_t)data << 16 | addr << 8 | E1000_EERD_DONE;
}

static void phy_reset(struct e1000 *d)
{
	vmm_zero(d->phy, sizeof(d->phy));
	d->phy[PHY_CTRL] = 0x1140;		/* autoneg, full duplex, 1000 */
	d->phy[PHY_AUTONEG_ADV] = 0x01e1;
	d->phy[PHY_1000T_CTRL] = 0x0e00;
	d->phy[M88_SPEC_CTRL] = 0x0068;
}

static uint16_t phy_read(const struct e1000 *d, unsigned int reg)
{
	bool up = d->link_up;

	switch (reg) {
	case PHY_STATUS:
		return PHY_STATUS_NO_LINK | (up ? MII_SR_LINK | MII_SR_AN_COMPLETE : 0);
	case PHY_ID1:
		return M88E1011_ID1;
	case PHY_ID2:
		return M88E1011_ID2;
	case PHY_LP_ABILITY:
		return up ? 0x45e1 : 0;		/* partner: 10/100 all, ack */
	case PHY_AUTONEG_EXP:
		return up ? 0x0001 : 0;		/* partner autoneg capable */
	case PHY_1000T_STATUS:
		return up ? 0x3c00 : 0;		/* partner 1000 FD/HD, rx ok */
	case PHY_EXT_STATUS:
		return 0x3000;			/* 1000BASE-T FD/HD capable */
	case M88_SPEC_STATUS:
		return up ? M88_LINK_1000_FD : 0;
	default:
		return d->phy[reg];
	}
}

/* MDIC (§13.4.6): one PHY register access, done at once. */
static void mdic_write(struct e1000 *d, uint32_t val)
{
	unsigned int phy = val >> 21 & 0x1f, reg = val >> 16 & 0x1f;

	d->mdic = val & ~(E1000_MDIC_ERROR | MDIC_DATA);
	if (phy != PHY_ADDR) {
		d->mdic |= E1000_MDIC_ERROR;
	} else if (val & E1000_MDIC_OP_READ) {
		d->mdic |= phy_read(d, reg);
	} else if (val & E1000_MDIC_OP_WRITE) {
		uint16_t v = (uint16_t)val;

		if (reg == PHY_CTRL)		/* reset and restart self-clear */
			v &= (uint16_t)~(MII_CR_RESET | MII_CR_RESTART_AN);
		d->phy[reg] = v;
		d->mdic |= val & MDIC_DATA;
	} else {
		d->mdic |= E1000_MDIC_ERROR;
	}
	d->mdic |= E1000_MDIC_READY;
	if (val & MDIC_INT_EN)
		raise(d, E1000_ICR_MDAC);
}

/* ---- frames ---- */

/*
 * Checksum [start, end] (end 0: to the end of the packet) into the 16
 * bits at off, as the offload context says (§3.3.6). Fields that do not
 * lie in the packet are ignored, as the guest's own mistake.
 */
static void insert_csum(uint8_t *p, uint32_t len, uint32_t start,
			uint32_t off, uint32_t end, uint32_t extra)
{
	uint32_t stop = end ? end + 1 : len;

	if (stop > len)
		stop = len;
	if (start >= stop || off + 2 > len)
		return;
	vmm_put_be16(p + off, eth_csum_fold(eth_csum_add(extra, p + start, stop - start)));
}

static bool is_broadcast(const uint8_t *a)
{
	for (int i = 0; i < ETH_ALEN; i++)
		if (a[i] != 0xff)
			return false;
	return true;
}

static void count_tx(struct e1000 *d, const uint8_t *f, uint32_t len)
{
	stat_inc(d, E1000_GPTC, 1);
	stat_inc(d, E1000_TPT, 1);
	stat_add64(d, E1000_GOTCL, len + ETH_FCS_LEN);
	stat_add64(d, E1000_TOTL, len + ETH_FCS_LEN);
	if (is_broadcast(f))
		stat_inc(d, E1000_BPTC, 1);
	else if (f[0] & 1)
		stat_inc(d, E1000_MPTC, 1);
}

/*
 * Put one frame on the wire: padded to 60 bytes with TCTL.PSP, with an
 * 802.1Q tag after the addresses when the descriptor asked for one.
 * buf has E1000_FRAME_SLACK bytes of room past len.
 */
static void emit(struct e1000 *d, uint8_t *buf, uint32_t len, bool vle,
		 uint16_t tci)
{
	if (len < ETH_ZLEN && (d->tctl & TCTL_PSP)) {
		vmm_zero(buf + len, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	if (vle && len >= 2 * ETH_ALEN) {
		for (uint32_t i = len; i-- > 2 * ETH_ALEN;)
			buf[i + VLAN_HLEN] = buf[i];
		vmm_put_be16(buf + 2 * ETH_ALEN, vet(d));
		vmm_put_be16(buf + 2 * ETH_ALEN + 2, tci);
		len += VLAN_HLEN;
	}
	if (len < ETH_HLEN) {			/* not a frame: nothing goes out */
		d->count.tx_runt++;
		return;
	}
	count_tx(d, buf, len);
	d->tx_frames++;
	if (d->host.tx)
		d->host.tx(d->host.tx_ctx, buf, len);
}

/*
 * TCP segmentation (§3.5): each segment is the header of the packet and
 * up to MSS bytes of its payload; the IP length and ID, the TCP sequence
 * number and flags and both checksums are fixed up per segment.
 */
static void tx_tso(struct e1000 *d, bool vle, uint16_t tci)
{
	const struct e1000_tx_context *c = &d->ctx;
	uint32_t hdr = c->hdr_len, mss = c->mss, off = 0;
	uint32_t payload, seq;
	uint16_t ip_id;
	bool v4 = c->tucmd & E1000_TXD_CMD_IP;

	if (!hdr || mss < VNIC_TSO_MSS_MIN || hdr > d->tx_len || hdr + mss > E1000_FRAME_MAX ||
	    c->tucss + 20u > hdr || c->tucso + 2u > hdr ||
	    c->ipcss + (v4 ? 20u : 40u) > hdr || c->ipcso + 2u > hdr) {
		d->count.tx_bad_tso++;
		return;
	}
	payload = d->tx_len - hdr;
	ip_id = vmm_get_be16(d->tx_buf + c->ipcss + 4);
	seq = vmm_get_be32(d->tx_buf + c->tucss + 4);
	do {
		uint32_t n = payload - off < mss ? payload - off : mss;
		uint8_t *f = d->frame;
		uint32_t l4len = hdr - c->tucss + n;

		vmm_copy(f, d->tx_buf, hdr);
		vmm_copy(f + hdr, d->tx_buf + hdr + off, n);
		if (v4) {
			vmm_put_be16(f + c->ipcss + 2, (uint16_t)(hdr - c->ipcss + n));
			vmm_put_be16(f + c->ipcss + 4, ip_id++);
		} else {
			vmm_put_be16(f + c->ipcss + 4, (uint16_t)(hdr - c->ipcss - 40 + n));
		}
		vmm_put_be32(f + c->tucss + 4, seq + off);
		if (off + n < payload)
			f[c->tucss + TCP_FLAGS_OFF] &= (uint8_t)~TCP_FIN_PSH;
		/* the header as the driver left it, checksum field too
		 * (8254x SDM 3.3.5; QEMU's e1000 sums it as is): a driver
		 * that does not zero it sends a bad checksum */
		if (d->tx_sum_ip)
			insert_csum(f, hdr, c->ipcss, c->ipcso, c->ipcse, 0);
		/* the driver left the pseudo-header sum without the length */
		if (d->tx_sum_tcp)
			insert_csum(f, hdr + n, c->tucss, c->tucso, 0, l4len);
		emit(d, f, hdr + n, vle, tci);
		off += n;
	} while (off < payload);
}

static void tx_packet(struct e1000 *d, bool vle, uint16_t tci)
{
	const struct e1000_tx_context *c = &d->ctx;

	if (d->tx_fault) {
		d->count.tx_bad_addr++;
		return;
	}
	if (d->tx_overflow) {
		d->count.tx_too_long++;
		return;
	}
	if (d->tx_tso) {
		tx_tso(d, vle, tci);
		return;
	}
	if (d->tx_len > E1000_FRAME_MAX) {
		d->count.tx_too_long++;
		return;
	}
	if (d->tx_ic)
		insert_csum(d->tx_buf, d->tx_len, d->tx_css, d->tx_cso, 0, 0);
	if (d->tx_sum_ip)
		insert_csum(d->tx_buf, d->tx_len, c->ipcss, c->ipcso, c->ipcse, 0);
	if (d->tx_sum_tcp)
		insert_csum(d->tx_buf, d->tx_len, c->tucss, c->tucso, c->tucse, 0);
	emit(d, d->tx_buf, d->tx_len, vle, tci);
}

static void tx_gather(struct e1000 *d, uint64_t addr, uint32_t len)
{
	if (d->tx_overflow || d->tx_fault || !len)
		return;
	if (len > E1000_TX_MAX - d->tx_len) {
		d->tx_overflow = true;
		return;
	}
	if (!d->host.dma.read(d->host.dma.ctx, addr, d->tx_buf + d->tx_len, len)) {
		d->tx_fault = true;
		return;
	}
	d->tx_len += len;
}

/* One transmit descriptor, copied into desc (§3.3). */
static void tx_descriptor(struct e1000 *d, const uint8_t *desc)
{
	uint32_t lower = vmm_get32(desc + 8);
	uint8_t cmd = (uint8_t)(lower >> 24);
	bool first = !d->tx_len && !d->tx_overflow && !d->tx_fault;

	if (cmd & E1000_TXD_CMD_DEXT) {
		uint32_t dtyp = lower >> 20 & 0xf;

		if (dtyp == E1000_TXD_DTYP_C) {
			struct e1000_tx_context *c = &d->ctx;

			c->ipcss = desc[0];
			c->ipcso = desc[1];
			c->ipcse = vmm_get16(desc + 2);
			c->tucss = desc[4];
			c->tucso = desc[5];
			c->tucse = vmm_get16(desc + 6);
			c->paylen = lower & 0xfffff;
			c->tucmd = cmd;
			c->hdr_len = desc[13];
			c->mss = vmm_get16(desc + 14);
			return;
		}
		if (dtyp != E1000_TXD_DTYP_D)
			return;			/* reserved type: skipped */
		if (first) {
			d->tx_tso = cmd & E1000_TXD_CMD_TSE;
			d->tx_sum_ip = desc[13] & E1000_TXD_POPTS_IXSM;
			d->tx_sum_tcp = desc[13] & E1000_TXD_POPTS_TXSM;
			d->tx_ic = false;
		}
		tx_gather(d, vmm_get64(desc), lower & 0xfffff);
	} else {
		if (first) {
			d->tx_tso = d->tx_sum_ip = d->tx_sum_tcp = false;
			d->tx_ic = cmd & E1000_TXD_CMD_IC;
			d->tx_cso = desc[10];
			d->tx_css = desc[13];
		}
		tx_gather(d, vmm_get64(desc), lower & 0xffff);
	}
	if (cmd & E1000_TXD_CMD_EOP) {
		tx_packet(d, (cmd & E1000_TXD_CMD_VLE) && (d->ctrl & CTRL_VME),
			  vmm_get16(desc + 14));
		d->tx_len = 0;
		d->tx_overflow = d->tx_fault = false;
	}
}

static uint32_t ring_entries(uint32_t len)
{
	return (len & RING_LEN_MASK) / E1000_DESC_LEN;
}

static uint64_t ring_base(uint32_t lo, uint32_t hi)
{
	return (uint64_t)hi << 32 | (lo & RING_BASE_MASK);
}

/*
 * Walk the transmit ring from TDH to TDT, at most E1000_TX_BUDGET
 * descriptors per call (e1000_poll() goes on); heads or tails past the
 * ring stop the walk until the guest fixes them.
 */
static void tx_process(struct e1000 *d)
{
	uint32_t n = ring_entries(d->tdlen);
	uint64_t base = ring_base(d->tdbal, d->tdbah);
	uint32_t causes = 0;

	/* without link the MAC stops its DMA: the ring waits (§13.4.2 STATUS.LU) */
	if (!(d->tctl & E1000_TCTL_EN) || !d->link_up || !n || d->tdh == d->tdt)
		return;
	if (d->tdh >= n || d->tdt >= n) {
		d->count.tx_ring_bad++;
		return;
	}
	d->tx_frames = 0;
	for (uint32_t budget = E1000_TX_BUDGET; budget && d->tdh != d->tdt &&
	     d->tx_frames < VNIC_TX_FRAME_BUDGET; budget--) {
		uint8_t desc[E1000_DESC_LEN];
		uint64_t at = base + (uint64_t)d->tdh * E1000_DESC_LEN;

		if (!d->host.dma.read(d->host.dma.ctx, at, desc, sizeof(desc))) {
			d->count.tx_ring_bad++;
			break;
		}
		tx_descriptor(d, desc);
		if (desc[11] & E1000_TXD_CMD_RS) {
			uint8_t sta = desc[12] | E1000_TXD_STAT_DD;

			d->host.dma.write(d->host.dma.ctx, at + 12, &sta, 1);
			causes |= E1000_ICR_TXDW;
		}
		d->tdh = (d->tdh + 1) % n;
	}
	if (d->tdh == d->tdt)
		causes |= E1000_ICR_TXQE;
	raise(d, causes);
}

/* ---- receive ---- */

static uint32_t rx_buffer_size(uint32_t rctl)
{
	static const uint32_t size[2][4] = {
		{ 2048, 1024, 512, 256 },
		{ 2048, 16384, 8192, 4096 },	/* RCTL.BSEX */
	};

	return size[!!(rctl & E1000_RCTL_BSEX)][RCTL_BSIZE(rctl)];
}

/* The 12 address bits RCTL.MO picks for the multicast table (§13.5.1). */
static uint32_t mta_hash(uint32_t rctl, const uint8_t *a)
{
	unsigned int shift = 4 - (rctl >> E1000_RCTL_MO_SHIFT & 3);

	return (a[4] >> shift | (uint32_t)a[5] << (8 - shift)) & 0xfff;
}

static bool rx_accept(const struct e1000 *d, const uint8_t *f)
{
	if (is_broadcast(f))
		return d->rctl & (E1000_RCTL_BAM | E1000_RCTL_MPE);
	if (f[0] & 1) {
		uint32_t h = mta_hash(d->rctl, f);

		return (d->rctl & E1000_RCTL_MPE) || (d->mta[h >> 5] >> (h & 31) & 1);
	}
	if (d->rctl & E1000_RCTL_UPE)
		return true;
	for (int i = 0; i < E1000_RA_ENTRIES; i++) {
		uint32_t lo = d->ra[2 * i], hi = d->ra[2 * i + 1];

		if ((hi & E1000_RAH_AV) && vmm_get32(f) == lo &&
		    vmm_get16(f + 4) == (uint16_t)hi)
			return true;
	}
	return false;
}

/* IEEE 802.3 CRC-32 of the frame: the FCS the driver strips. */
static uint32_t eth_crc(const uint8_t *p, uint32_t len)
{
	uint32_t crc = 0xffffffffu;

	for (uint32_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = crc >> 1 ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static void count_rx(struct e1000 *d, const uint8_t *f, uint32_t len)
{
	stat_inc(d, E1000_GPRC, 1);
	stat_inc(d, E1000_TPR, 1);
	stat_add64(d, E1000_GORCL, len);
	stat_add64(d, E1000_TORL, len);
	if (is_broadcast(f))
		stat_inc(d, E1000_BPRC, 1);
	else if (f[0] & 1)
		stat_inc(d, E1000_MPRC, 1);
}

static void rx_drop_no_buffer(struct e1000 *d)
{
	d->count.rx_no_buffer++;
	stat_inc(d, E1000_MPC, 1);
	stat_inc(d, E1000_RNBC, 1);
	raise(d, E1000_ICR_RXO);
}

/*
 * Write the frame (FCS included) into as many descriptors as it needs
 * (§3.2): every one gets its length and DD, the last one EOP.
 */
static void rx_place(struct e1000 *d, const uint8_t *f, uint32_t len,
		     uint8_t status, uint16_t tci)
{
	uint32_t n = ring_entries(d->rdlen), bsize = rx_buffer_size(d->rctl);
	uint64_t base = ring_base(d->rdbal, d->rdbah);
	uint32_t off = 0, free_after;

	while (off < len) {
		uint8_t desc[E1000_DESC_LEN];
		uint64_t at = base + (uint64_t)d->rdh * E1000_DESC_LEN;
		uint32_t chunk = len - off < bsize ? len - off : bsize;

		if (!d->host.dma.read(d->host.dma.ctx, at, desc, sizeof(desc))) {
			d->count.rx_bad_addr++;
			return;
		}
		if (!d->host.dma.write(d->host.dma.ctx, vmm_get64(desc), f + off, chunk))
			d->count.rx_bad_addr++;
		off += chunk;
		vmm_zero(desc + 8, 8);
		vmm_put16(desc + 8, (uint16_t)chunk);
		desc[12] = E1000_RXD_STAT_DD | status | (off == len ? E1000_RXD_STAT_EOP : 0);
		vmm_put16(desc + 14, tci);
		d->host.dma.write(d->host.dma.ctx, at + 8, desc + 8, 8);
		d->rdh = (d->rdh + 1) % n;
	}
	free_after = (d->rdt + n - d->rdh) % n;
	raise(d, E1000_ICR_RXT0 |
	      (free_after <= n >> ((d->rctl >> E1000_RCTL_RDMTS_SHIFT & 3) + 1) ?
	       E1000_ICR_RXDMT0 : 0));
}

bool e1000_receive(struct e1000 *d, const uint8_t *frame, uint32_t len)
{
	uint32_t n = ring_entries(d->rdlen), bsize = rx_buffer_size(d->rctl);
	uint32_t max = d->rctl & E1000_RCTL_LPE ? E1000_FRAME_MAX : MAX_FRAME_STD;
	uint16_t tci = 0;
	uint8_t status = E1000_RXD_STAT_IXSM;
	uint8_t *f = d->frame;

	if (!d->link_up) {
		d->count.rx_link_down++;
		return false;
	}
	if (!(d->rctl & E1000_RCTL_EN)) {
		d->count.rx_no_buffer++;
		return false;
	}
	if (len < ETH_HLEN) {
		d->count.rx_filtered++;
		return false;
	}
	if (len + ETH_FCS_LEN > max) {
		d->count.rx_oversize++;
		stat_inc(d, E1000_ROC, 1);
		return false;
	}
	if (!rx_accept(d, frame)) {
		d->count.rx_filtered++;
		return false;
	}
	vmm_copy(f, frame, len);
	if ((d->ctrl & CTRL_VME) && len >= ETH_HLEN + VLAN_HLEN &&
	    vmm_get_be16(f + 2 * ETH_ALEN) == vet(d)) {
		tci = vmm_get_be16(f + 2 * ETH_ALEN + 2);
		for (uint32_t i = 2 * ETH_ALEN; i + VLAN_HLEN < len; i++)
			f[i] = f[i + VLAN_HLEN];
		len -= VLAN_HLEN;
		status |= RXD_STAT_VP;
	}
	if (len < ETH_ZLEN) {
		vmm_zero(f + len, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	if (!(d->rctl & E1000_RCTL_SECRC)) {	/* the FCS, unless stripped */
		vmm_put32(f + len, eth_crc(f, len));
		len += ETH_FCS_LEN;
	}
	if (!n || d->rdh >= n || d->rdt >= n ||
	    (d->rdt + n - d->rdh) % n < (len + bsize - 1) / bsize) {
		rx_drop_no_buffer(d);
		return false;
	}
	count_rx(d, f, len);
	rx_place(d, f, len, status, tci);
	return true;
}

/* ---- registers ---- */

static void regs_reset(struct e1000 *d)
{
	d->ctrl = E1000_CTRL_SLU;
	d->eecd = d->eerd = d->mdic = 0;
	d->icr = d->ims = 0;
	d->rctl = d->tctl = 0;
	d->rdbal = d->rdbah = d->rdlen = d->rdh = d->rdt = 0;
	d->tdbal = d->tdbah = d->tdlen = d->tdh = d->tdt = 0;
	vmm_zero(d->ra, sizeof(d->ra));
	vmm_zero(d->mta, sizeof(d->mta));
	d->mta_words_set = 0;
	vmm_zero(d->vfta, sizeof(d->vfta));
	vmm_zero(d->stats, sizeof(d->stats));
	vmm_zero(d->plain, sizeof(d->plain));
	*plain_reg(d, REG_VET) = VET_DEFAULT;
	vmm_zero(&d->ee, sizeof(d->ee));
	vmm_zero(&d->ctx, sizeof(d->ctx));
	d->tx_len = 0;
	d->tx_overflow = d->tx_fault = false;
	/* the address the EEPROM loads into RAL0/RAH0 (§5.6.1) */
	d->ra[0] = vmm_get32(d->host.mac);
	d->ra[1] = vmm_get16(d->host.mac + 4) | E1000_RAH_AV;
	phy_reset(d);
	update_irq(d);
	filter_changed(d);
	groups_changed(d);
}

static uint32_t status_read(const struct e1000 *d)
{
	return d->link_up ? E1000_STATUS_FD | E1000_STATUS_LU | E1000_STATUS_SPEED_1000 :
			    E1000_STATUS_FD;
}

/* Array registers: RAL/RAH, MTA, VFTA, statistics. NULL: none of them. */
static uint32_t *array_reg(struct e1000 *d, uint32_t offset)
{
	if (offset >= E1000_RA && offset < E1000_RA + sizeof(d->ra))
		return &d->ra[(offset - E1000_RA) / 4];
	if (offset >= E1000_MTA && offset < E1000_MTA + sizeof(d->mta))
		return &d->mta[(offset - E1000_MTA) / 4];
	if (offset >= E1000_VFTA && offset < E1000_VFTA + sizeof(d->vfta))
		return &d->vfta[(offset - E1000_VFTA) / 4];
	if (offset >= E1000_STATS && offset < E1000_STATS + sizeof(d->stats))
		return &d->stats[(offset - E1000_STATS) / 4];
	return NULL;
}

static uint32_t reg_read(struct e1000 *d, uint32_t offset)
{
	uint32_t *r, v;

	switch (offset) {
	case E1000_CTRL:	return d->ctrl;
	case E1000_STATUS:	return status_read(d);
	case E1000_EECD:	return eecd_read(d);
	case E1000_EERD:	return d->eerd;
	case E1000_MDIC:	return d->mdic;
	case E1000_IMS:		return d->ims;
	case E1000_RCTL:	return d->rctl;
	case E1000_TCTL:	return d->tctl;
	case E1000_RDBAL:	return d->rdbal;
	case E1000_RDBAH:	return d->rdbah;
	case E1000_RDLEN:	return d->rdlen;
	case E1000_RDH:		return d->rdh;
	case E1000_RDT:		return d->rdt;
	case E1000_TDBAL:	return d->tdbal;
	case E1000_TDBAH:	return d->tdbah;
	case E1000_TDLEN:	return d->tdlen;
	case E1000_TDH:		return d->tdh;
	case E1000_TDT:		return d->tdt;
	case E1000_ICR:		/* read to clear (§13.4.17) */
		v = d->icr;
		d->icr = 0;
		update_irq(d);
		return v;
	}
	r = array_reg(d, offset);
	if (r && offset >= E1000_STATS && offset < E1000_STATS + sizeof(d->stats)) {
		v = *r;				/* statistics clear on read */
		*r = 0;
		return v;
	}
	if (!r)
		r = plain_reg(d, offset);
	if (r)
		return *r;
	d->count.unknown_reads++;
	return 0;
}

static void reg_write(struct e1000 *d, uint32_t offset, uint32_t val)
{
	uint32_t *r;

	switch (offset) {
	case E1000_CTRL:
		if (val & E1000_CTRL_RST) {	/* self-clearing software reset */
			regs_reset(d);
			return;
		}
		if (val & E1000_CTRL_PHY_RST)
			phy_reset(d);
		d->ctrl = val & ~E1000_CTRL_PHY_RST;
		return;
	case E1000_STATUS:		return;
	case E1000_EECD:		eecd_write(d, val); return;
	case E1000_EERD:		eerd_write(d, val); return;
	case E1000_MDIC:		mdic_write(d, val); return;
	case E1000_ICR:			d->icr &= ~val; update_irq(d); return;
	case E1000_ICS:			raise(d, val); return;
	case E1000_IMS:			d->ims |= val; update_irq(d); return;
	case E1000_IMC:			d->ims &= ~val; update_irq(d); return;
	case E1000_RCTL:
		d->rctl = val;
		filter_changed(d);
		groups_changed(d);
		return;
	case E1000_TCTL:		d->tctl = val; tx_process(d); return;
	case E1000_RDBAL:		d->rdbal = val & RING_BASE_MASK; return;
	case E1000_RDBAH:		d->rdbah = val; return;
	case E1000_RDLEN:		d->rdlen = val & RING_LEN_MASK; return;
	case E1000_RDH:			d->rdh = val & RING_INDEX_MASK; return;
	case E1000_RDT:			d->rdt = val & RING_INDEX_MASK; return;
	case E1000_TDBAL:		d->tdbal = val & RING_BASE_MASK; return;
	case E1000_TDBAH:		d->tdbah = val; return;
	case E1000_TDLEN:		d->tdlen = val & RING_LEN_MASK; return;
	case E1000_TDH:			d->tdh = val & RING_INDEX_MASK; return;
	case E1000_TDT:
		d->tdt = val & RING_INDEX_MASK;
		tx_process(d);
		return;
	}
	if (offset >= E1000_STATS && offset < E1000_STATS + sizeof(d->stats))
		return;				/* read-only */
	r = array_reg(d, offset);
	if (r && offset >= E1000_RA && offset < E1000_RA + sizeof(d->ra) && (offset & 4))
		val &= RAH_WRITABLE;
	if (!r)
		r = plain_reg(d, offset);
	if (r && offset >= E1000_MTA && offset < E1000_MTA + sizeof(d->mta))
		d->mta_words_set += (uint32_t)(val != 0) - (uint32_t)(*r != 0);
	if (r)
		*r = val;
	else
		d->count.unknown_writes++;
	if (offset == E1000_RA + 4)	/* RAH0: the driver writes it last */
		filter_changed(d);
	if (offset >= E1000_MTA && offset < E1000_MTA + sizeof(d->mta))
		groups_changed(d);
}

static uint32_t e1000_mmio_read(void *dev, uint32_t offset, unsigned int size)
{
	struct e1000 *d = dev;

	if (size != 4 || (offset & 3) || offset >= E1000_MMIO_SIZE) {
		d->count.unknown_reads++;
		return 0;
	}
	return reg_read(d, offset);
}

static void e1000_mmio_write(void *dev, uint32_t offset, unsigned int size,
			     uint32_t val)
{
	struct e1000 *d = dev;

	if (size != 4 || (offset & 3) || offset >= E1000_MMIO_SIZE) {
		d->count.unknown_writes++;
		return;
	}
	reg_write(d, offset, val);
}

const struct vdev_io_ops e1000_mmio_ops = {
	.read = e1000_mmio_read,
	.write = e1000_mmio_write,
};

/* BAR1 (§13.3): IOADDR at 0 selects a register, IODATA at 4 reaches it. */
#define IOADDR			0
#define IODATA			4

static uint32_t e1000_io_read(void *dev, uint32_t offset, unsigned int size)
{
	struct e1000 *d = dev;

	if (size != 4)
		return 0;
	if (offset == IOADDR)
		return d->ioaddr;
	if (offset == IODATA)
		return e1000_mmio_read(d, d->ioaddr, 4);
	return 0;
}

static void e1000_io_write(void *dev, uint32_t offset, unsigned int size,
			   uint32_t val)
{
	struct e1000 *d = dev;

	if (size != 4)
		return;
	if (offset == IOADDR)
		d->ioaddr = val & (E1000_MMIO_SIZE - 4);
	else if (offset == IODATA)
		e1000_mmio_write(d, d->ioaddr, 4, val);
}

const struct vdev_io_ops e1000_io_ops = {
	.read = e1000_io_read,
	.write = e1000_io_write,
};

/* ---- PCI configuration ---- */

static uint8_t cfg_wmask(unsigned int off)
{
	switch (off) {
	case CFG_COMMAND:
		return PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	case CFG_COMMAND + 1:
		return PCI_COMMAND_INTX_OFF >> 8;
	case CFG_BAR0 + 2:
		return (uint8_t)(~(E1000_MMIO_SIZE - 1) >> 16);	/* 128 KiB aligned */
	case CFG_BAR1:
		return (uint8_t)~(E1000_IO_SIZE - 1);
	case CFG_BAR0 + 3:
	case CFG_BAR1 + 1:
	case CFG_BAR1 + 2:
	case CFG_BAR1 + 3:
	case CFG_INTR_LINE:
		return 0xff;
	default:
		return 0;
	}
}

static uint32_t e1000_cfg_read(void *dev, uint8_t offset, unsigned int size)
{
	return pci_config_read(((const struct e1000 *)dev)->pci, E1000_PCI_CONFIG,
			       offset, size);
}

static void e1000_cfg_write(void *dev, uint8_t offset, unsigned int size,
			    uint32_t val)
{
	struct e1000 *d = dev;

	pci_config_write(d->pci, E1000_PCI_CONFIG, cfg_wmask, offset, size, val);
	update_irq(d);			/* INTx disable may have changed */
}

const struct pci_fn_ops e1000_pci_ops = {
	.read = e1000_cfg_read,
	.write = e1000_cfg_write,
};

void e1000_reset(struct e1000 *d)
{
	uint8_t *cfg = d->pci;

	d->ioaddr = 0;
	regs_reset(d);
	vmm_zero(cfg, E1000_PCI_CONFIG);
	vmm_put16(&cfg[0], E1000_VENDOR_ID);
	vmm_put16(&cfg[2], E1000_DEVICE_ID);
	vmm_put32(&cfg[8], PCI_CLASS_ETHERNET << 8 | E1000_REVISION);
	cfg[CFG_BAR1] = PCI_BAR_IO;
	vmm_put16(&cfg[CFG_SUBSYS_VENDOR], E1000_VENDOR_ID);
	vmm_put16(&cfg[CFG_SUBSYS_ID], E1000_SUBSYS_ID);
	cfg[CFG_INTR_PIN] = 1;		/* INTA# */
	update_irq(d);
}

void e1000_init(struct e1000 *d, const struct vnic_config *cfg)
{
	vmm_zero(d, sizeof(*d));
	d->host = *cfg;
	d->link_up = !cfg->link_down;
	eeprom_fill(d);
	e1000_reset(d);
}

void e1000_set_link(struct e1000 *d, bool up)
{
	if (up == d->link_up)
		return;
	d->link_up = up;
	raise(d, E1000_ICR_LSC);
	tx_process(d);			/* what waited for the link goes out */
}

void e1000_poll(struct e1000 *d)
{
	tx_process(d);
}
