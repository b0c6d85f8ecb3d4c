// SPDX-License-Identifier: GPL-2.0-only
/*
 * 82540EM driver (e1000_nic.h). Legacy descriptors (8254x SDM §3.2.3,
 * §3.3.3): receive {addr 8, length 2, checksum 2, status 1, errors 1,
 * special 2}, transmit {addr 8, length 2, CSO 1, CMD 1, status 1, CSS 1,
 * special 2}.
 */
#include "vmkernel/net/e1000_nic.h"
#include "vmm/bytes.h"
#include "vmm/dev/e1000.h"

_Static_assert(E1000_NIC_MTA_WORDS == E1000_MTA_WORDS, "the MTA's size");

#define PAGE_LEN		4096u
#define RING_BYTES(n)		((n) * E1000_DESC_LEN)
#define BUF_PAGES(n)		((n) * E1000_NIC_BUF_LEN / PAGE_LEN)

#define RXD_LENGTH		8
#define RXD_STATUS		12
#define RXD_ERRORS		13
#define TXD_LENGTH		8
#define TXD_CMD			11
#define TXD_STATUS		12

#define TCTL_PSP		0x00000008	/* pad short packets */
#define TCTL_CT_SHIFT		4		/* collision threshold: 0x0f */
#define TCTL_COLD_SHIFT		12		/* collision distance: 0x40, full duplex */
#define TIPG_DEFAULT		(10u | 8u << 10 | 6u << 20)	/* SDM §13.4.34, copper */
#define STATUS_SPEED_SHIFT	6
#define EERD_ADDR_SHIFT		8
#define EERD_DATA_SHIFT		16
#define IMC_ALL			0xffffffffu
#define IMS_RX			(E1000_ICR_RXT0 | E1000_ICR_RXDMT0 | E1000_ICR_RXO)
#define MTA_BITS		(E1000_MTA_WORDS * 32)
#define RCTL_BASE		(E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC)

_Static_assert(RING_BYTES(E1000_NIC_RX_DESC) % 128 == 0 &&
	       RING_BYTES(E1000_NIC_TX_DESC) % 128 == 0, "ring lengths are 128-byte multiples");
_Static_assert(RING_BYTES(E1000_NIC_RX_DESC) <= PAGE_LEN &&
	       RING_BYTES(E1000_NIC_TX_DESC) <= PAGE_LEN, "each ring fits a page");
_Static_assert(E1000_NIC_FRAME_MAX <= E1000_NIC_BUF_LEN, "a frame fits a buffer");
_Static_assert(E1000_NIC_UNICAST_MAX + 1 == E1000_RA_ENTRIES, "RAL/RAH 0 and the rest");

static uint32_t reg_read(struct e1000_nic *n, uint32_t off)
{
	return n->ops.mmio_read(n->ops.ctx, off);
}

static void reg_write(struct e1000_nic *n, uint32_t off, uint32_t val)
{
	n->ops.mmio_write(n->ops.ctx, off, val);
}

static vmk_status_t fail(struct e1000_nic *n, const char *why)
{
	n->error = why;
	return VMK_HW_FAILURE;
}

static bool mac_usable(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, sizeof(zero));
}

/* One EEPROM word through EERD (SDM §13.4.4); false: no DONE in time. */
static bool eeprom_word(struct e1000_nic *n, uint32_t addr, uint16_t *word)
{
	uint64_t deadline = n->ops.now_ms(n->ops.ctx) + E1000_NIC_RESET_MS;
	uint32_t v;

	reg_write(n, E1000_EERD, E1000_EERD_START | addr << EERD_ADDR_SHIFT);
	do {
		v = reg_read(n, E1000_EERD);
		if (v & E1000_EERD_DONE) {
			*word = (uint16_t)(v >> EERD_DATA_SHIFT);
			return true;
		}
	} while (n->ops.now_ms(n->ops.ctx) <= deadline);
	return false;
}

/* RAL0/RAH0 when the reset loaded a valid address, else EEPROM words 0-2. */
static bool read_mac(struct e1000_nic *n)
{
	uint32_t ral = reg_read(n, E1000_RA), rah = reg_read(n, E1000_RA + 4);
	uint16_t w;

	vmm_put32(n->mac, ral);
	vmm_put16(n->mac + 4, (uint16_t)rah);
	if ((rah & E1000_RAH_AV) && mac_usable(n->mac))
		return true;
	for (uint32_t i = 0; i < 3; i++) {
		if (!eeprom_word(n, i, &w))
			return false;
		vmm_put16(n->mac + 2 * i, w);
	}
	return mac_usable(n->mac);
}

static bool reset(struct e1000_nic *n)
{
	uint64_t deadline;

	reg_write(n, E1000_IMC, IMC_ALL);
	reg_write(n, E1000_CTRL, reg_read(n, E1000_CTRL) | E1000_CTRL_RST);
	deadline = n->ops.now_ms(n->ops.ctx) + E1000_NIC_RESET_MS;
	while (reg_read(n, E1000_CTRL) & E1000_CTRL_RST)
		if (n->ops.now_ms(n->ops.ctx) > deadline)
			return false;
	reg_write(n, E1000_IMC, IMC_ALL);	/* the reset may have unmasked */
	reg_read(n, E1000_ICR);			/* clear pending causes */
	return true;
}

static vmk_status_t alloc(struct e1000_nic *n)
{
	n->rx_ring = n->ops.alloc_pages(n->ops.ctx, 1, &n->rx_ring_phys);
	n->tx_ring = n->ops.alloc_pages(n->ops.ctx, 1, &n->tx_ring_phys);
	n->rx_buf = n->ops.alloc_pages(n->ops.ctx, BUF_PAGES(E1000_NIC_RX_DESC),
				       &n->rx_buf_phys);
	n->tx_buf = n->ops.alloc_pages(n->ops.ctx, BUF_PAGES(E1000_NIC_TX_DESC),
				       &n->tx_buf_phys);
	if (!n->rx_ring || !n->tx_ring || !n->rx_buf || !n->tx_buf)
		return fail(n, "no memory for its rings");
	return VMK_OK;
}

/* RAL/RAH 1..15 and the MTA empty: the reset leaves them undefined. */
static void filter_clear(struct e1000_nic *n)
{
	for (uint32_t i = 1; i <= E1000_NIC_UNICAST_MAX; i++) {
		reg_write(n, E1000_RA + 8 * i + 4, 0);
		n->ra_valid[i] = false;
	}
	for (uint32_t i = 0; i < E1000_MTA_WORDS; i++) {
		reg_write(n, E1000_MTA + 4 * i, 0);
		n->mta[i] = 0;
	}
}

static void filter_write(struct e1000_nic *n, uint32_t reg, uint32_t val)
{
	reg_write(n, reg, val);
	n->filter_writes++;
}

static void rings_setup(struct e1000_nic *n)
{
	for (uint32_t i = 0; i < E1000_NIC_RX_DESC; i++)
		vmm_put64(n->rx_ring + RING_BYTES(i),
			  n->rx_buf_phys + (uint64_t)i * E1000_NIC_BUF_LEN);
	reg_write(n, E1000_RDBAL, (uint32_t)n->rx_ring_phys);
	reg_write(n, E1000_RDBAH, (uint32_t)(n->rx_ring_phys >> 32));
	reg_write(n, E1000_RDLEN, RING_BYTES(E1000_NIC_RX_DESC));
	reg_write(n, E1000_RDH, 0);
	/* Every descriptor but one is the device's (RDT == RDH means empty). */
	reg_write(n, E1000_RDT, E1000_NIC_RX_DESC - 1);
	reg_write(n, E1000_TDBAL, (uint32_t)n->tx_ring_phys);
	reg_write(n, E1000_TDBAH, (uint32_t)(n->tx_ring_phys >> 32));
	reg_write(n, E1000_TDLEN, RING_BYTES(E1000_NIC_TX_DESC));
	reg_write(n, E1000_TDH, 0);
	reg_write(n, E1000_TDT, 0);
	reg_write(n, E1000_TIPG, TIPG_DEFAULT);
	reg_write(n, E1000_TCTL, E1000_TCTL_EN | TCTL_PSP | 0x0fu << TCTL_CT_SHIFT |
		  0x40u << TCTL_COLD_SHIFT);
	/* 2 KiB buffers (BSIZE 00), broadcast and RAL0 (the filter comes
	 * later), multicast offset 00, the FCS stripped. */
	n->rctl = RCTL_BASE;
	reg_write(n, E1000_RCTL, n->rctl);
	n->rx_next = 0;
	n->tx_tail = n->tx_clean = 0;
	n->rx_in_fragment = false;
}

vmk_status_t e1000_nic_init(struct e1000_nic *n, const struct e1000_nic_ops *ops)
{
	vmk_status_t st;

	memset(n, 0, sizeof(*n));
	n->ops = *ops;
	if (!reset(n))
		return fail(n, "CTRL.RST did not clear: the device does not come out of reset");
	if (!read_mac(n))
		return fail(n, "no valid MAC address in RAL0 or the EEPROM");
	st = alloc(n);
	if (st != VMK_OK)
		return st;
	reg_write(n, E1000_CTRL, reg_read(n, E1000_CTRL) | E1000_CTRL_SLU);
	filter_clear(n);
	rings_setup(n);
	return VMK_OK;
}

/* The MTA bit of a group address with RCTL.MO 00: bits 47:36 (§13.5.1). */
static uint32_t mta_bit(const uint8_t *a)
{
	return (a[4] >> 4 | (uint32_t)a[5] << 4) & (MTA_BITS - 1);
}

/* Entry i (1..) to mac (NULL: invalid), written only if it changes. */
static void ra_set(struct e1000_nic *n, uint32_t i, const uint8_t *mac)
{
	if (mac ? n->ra_valid[i] && !memcmp(n->ra[i], mac, 6) : !n->ra_valid[i])
		return;
	/* RAH last: the entry is valid only with both halves in place. */
	filter_write(n, E1000_RA + 8 * i + 4, 0);
	n->ra_valid[i] = false;
	if (!mac)
		return;
	filter_write(n, E1000_RA + 8 * i, vmm_get32(mac));
	filter_write(n, E1000_RA + 8 * i + 4, vmm_get16(mac + 4) | E1000_RAH_AV);
	memcpy(n->ra[i], mac, 6);
	n->ra_valid[i] = true;
}

void e1000_nic_set_filter(struct e1000_nic *n, const struct e1000_nic_filter *f)
{
	uint32_t mta[E1000_MTA_WORDS] = { 0 }, used = 0, i, rctl = RCTL_BASE;
	struct e1000_nic_rx_mode m = { 0 };

	if (n->error)
		return;
	for (i = 0; i < f->nr_unicast; i++) {
		/* a group address is no station's; its own is in RAL0 already */
		if ((f->unicast[i][0] & 1) || !memcmp(f->unicast[i], n->mac, 6))
			continue;
		if (used == E1000_NIC_UNICAST_MAX) {
			m.all_unicast = true;
			break;
		}
		ra_set(n, 1 + used++, f->unicast[i]);
	}
	m.unicast = m.all_unicast ? 0 : used;
	for (i = 1 + m.unicast; i <= E1000_NIC_UNICAST_MAX; i++)
		ra_set(n, i, NULL);
	for (i = 0; i < f->nr_multicast; i++) {
		uint32_t b = mta_bit(f->multicast[i]);

		if (!(f->multicast[i][0] & 1))
			continue;
		mta[b >> 5] |= 1u << (b & 31);
		m.multicast++;
	}
	for (i = 0; i < E1000_MTA_WORDS; i++) {
		if (mta[i] == n->mta[i])
			continue;
		filter_write(n, E1000_MTA + 4 * i, mta[i]);
		n->mta[i] = mta[i];
	}
	m.all_unicast |= f->promiscuous;
	m.all_multicast = f->promiscuous || f->all_multicast;
	if (m.all_unicast)
		rctl |= E1000_RCTL_UPE;
	if (m.all_multicast)
		rctl |= E1000_RCTL_MPE;
	n->rx_mode = m;
	if (rctl != n->rctl)
		filter_write(n, E1000_RCTL, rctl);
	n->rctl = rctl;
}

/* Why a completed receive descriptor's frame is dropped; NULL: keep it. */
static uint64_t *rx_drop(struct e1000_nic *n, uint8_t status, uint8_t errors,
			 uint32_t len)
{
	bool eop = status & E1000_RXD_STAT_EOP, was_fragment = n->rx_in_fragment;

	n->rx_in_fragment = !eop;
	if (!eop || was_fragment)
		return &n->stats.rx_fragments;
	if (errors)
		return &n->stats.rx_errors;
	if (len < E1000_NIC_FRAME_MIN || len > E1000_NIC_FRAME_MAX)
		return &n->stats.rx_bad_len;
	return NULL;
}

uint32_t e1000_nic_poll_rx(struct e1000_nic *n,
			   void (*rx)(void *ctx, const uint8_t *frame, uint32_t len),
			   void *ctx)
{
	uint32_t handed = 0, walked, i, len;
	uint8_t desc[E1000_DESC_LEN];
	uint64_t *drop;

	if (n->error)
		return 0;
	for (walked = 0; walked < E1000_NIC_RX_DESC; walked++) {
		i = n->rx_next;
		/* One copy of the descriptor: the device may still write it. */
		memcpy(desc, (const void *)(n->rx_ring + RING_BYTES(i)), sizeof(desc));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (!(desc[RXD_STATUS] & E1000_RXD_STAT_DD))
			break;
		len = vmm_get16(desc + RXD_LENGTH);
		drop = rx_drop(n, desc[RXD_STATUS], desc[RXD_ERRORS], len);
		if (drop) {
			(*drop)++;
		} else {
			n->stats.rx_packets++;
			n->stats.rx_bytes += len;
			rx(ctx, n->rx_buf + i * E1000_NIC_BUF_LEN, len);
			handed++;
		}
		/* Back to the device: the address as it was, status cleared. */
		memset(n->rx_ring + RING_BYTES(i) + RXD_LENGTH, 0, E1000_DESC_LEN - RXD_LENGTH);
		vmm_put64(n->rx_ring + RING_BYTES(i),
			  n->rx_buf_phys + (uint64_t)i * E1000_NIC_BUF_LEN);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		reg_write(n, E1000_RDT, i);
		n->rx_next = (i + 1) % E1000_NIC_RX_DESC;
	}
	return handed;
}

/* Descriptors the device reports sent (DD) are free again. */
static void tx_reclaim(struct e1000_nic *n)
{
	while (n->tx_clean != n->tx_tail &&
	       (__atomic_load_n(n->tx_ring + RING_BYTES(n->tx_clean) + TXD_STATUS,
				__ATOMIC_ACQUIRE) & E1000_TXD_STAT_DD))
		n->tx_clean = (n->tx_clean + 1) % E1000_NIC_TX_DESC;
}

/* Free descriptors: one always stays empty (TDT == TDH means none queued). */
static uint32_t tx_free(const struct e1000_nic *n)
{
	return (n->tx_clean + E1000_NIC_TX_DESC - n->tx_tail - 1) % E1000_NIC_TX_DESC;
}

vmk_status_t e1000_nic_tx(struct e1000_nic *n, const uint8_t *frame, uint32_t len)
{
	uint32_t i = n->tx_tail;
	uint8_t *d;

	if (n->error)
		return VMK_BAD_PARAM;
	if (len < E1000_NIC_FRAME_MIN || len > E1000_NIC_FRAME_MAX) {
		n->stats.tx_bad_len++;
		return VMK_BAD_PARAM;
	}
	tx_reclaim(n);
	if (!tx_free(n)) {
		n->stats.tx_ring_full++;
		return VMK_NO_CAPACITY;
	}
	memcpy(n->tx_buf + i * E1000_NIC_BUF_LEN, frame, len);
	d = n->tx_ring + RING_BYTES(i);
	memset(d, 0, E1000_DESC_LEN);
	vmm_put64(d, n->tx_buf_phys + (uint64_t)i * E1000_NIC_BUF_LEN);
	vmm_put16(d + TXD_LENGTH, (uint16_t)len);
	d[TXD_CMD] = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	n->tx_tail = (i + 1) % E1000_NIC_TX_DESC;
	reg_write(n, E1000_TDT, n->tx_tail);
	n->stats.tx_packets++;
	n->stats.tx_bytes += len;
	return VMK_OK;
}

static bool tso_valid(uint32_t len, const struct net_tso *t)
{
	return len <= E1000_NIC_TSO_MAX && t->ip >= E1000_NIC_FRAME_MIN &&
	       t->l4 >= t->ip + 20 && t->hlen >= t->l4 + 20 &&
	       t->hlen <= E1000_NIC_TSO_HLEN_MAX && t->hlen < len && t->mss &&
	       t->hlen + t->mss <= E1000_NIC_FRAME_MAX - 4;	/* untagged */
}

vmk_status_t e1000_nic_tx_tso(struct e1000_nic *n, const uint8_t *frame, uint32_t len,
			      const struct net_tso *t)
{
	uint32_t bufs = (len + E1000_NIC_BUF_LEN - 1) / E1000_NIC_BUF_LEN, i, off, chunk;
	uint32_t payload = len - t->hlen, segs;
	uint64_t bytes;
	uint8_t *d;

	if (n->error)
		return VMK_BAD_PARAM;
	if (!tso_valid(len, t)) {
		n->stats.tx_tso_bad++;
		return VMK_BAD_PARAM;
	}
	tx_reclaim(n);
	if (tx_free(n) < 1 + bufs) {
		n->stats.tx_ring_full++;
		n->stats.tx_tso_ring_full++;
		return VMK_NO_CAPACITY;
	}
	/* The context (SDM §3.3.6): IPv4 and TCP checksums, TSE, PAYLEN. */
	i = n->tx_tail;
	d = n->tx_ring + RING_BYTES(i);
	memset(d, 0, E1000_DESC_LEN);
	d[0] = (uint8_t)t->ip;				/* IPCSS */
	d[1] = (uint8_t)(t->ip + 10);			/* IPCSO */
	vmm_put16(d + 2, (uint16_t)(t->l4 - 1));	/* IPCSE */
	d[4] = (uint8_t)t->l4;				/* TUCSS */
	d[5] = (uint8_t)(t->l4 + 16);			/* TUCSO */
	vmm_put32(d + 8, payload | E1000_TXD_DTYP_C << 20 |
		  (uint32_t)(E1000_TXD_CMD_TCP | E1000_TXD_CMD_IP | E1000_TXD_CMD_TSE |
			     E1000_TXD_CMD_RS | E1000_TXD_CMD_DEXT) << 24);
	d[13] = (uint8_t)t->hlen;			/* HDRLEN */
	vmm_put16(d + 14, (uint16_t)t->mss);		/* MSS */
	i = (i + 1) % E1000_NIC_TX_DESC;
	/* The data, a buffer a descriptor; the checksums asked for in the first. */
	for (off = 0; off < len; off += chunk) {
		uint32_t cmd = E1000_TXD_CMD_IFCS | E1000_TXD_CMD_TSE | E1000_TXD_CMD_RS |
			       E1000_TXD_CMD_DEXT;

		chunk = len - off < E1000_NIC_BUF_LEN ? len - off : E1000_NIC_BUF_LEN;
		memcpy(n->tx_buf + i * E1000_NIC_BUF_LEN, frame + off, chunk);
		/* The device sums the IPv4 header as it is: its checksum field 0. */
		if (!off)
			vmm_put16(n->tx_buf + i * E1000_NIC_BUF_LEN + t->ip + 10, 0);
		d = n->tx_ring + RING_BYTES(i);
		memset(d, 0, E1000_DESC_LEN);
		vmm_put64(d, n->tx_buf_phys + (uint64_t)i * E1000_NIC_BUF_LEN);
		if (off + chunk == len)
			cmd |= E1000_TXD_CMD_EOP;
		vmm_put32(d + 8, chunk | E1000_TXD_DTYP_D << 20 | cmd << 24);
		d[13] = E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM;
		i = (i + 1) % E1000_NIC_TX_DESC;
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	n->tx_tail = i;
	reg_write(n, E1000_TDT, n->tx_tail);
	/* as the wire sees them: TCTL.PSP pads a short last segment to 60 */
	segs = net_tso_frames(len, t, &bytes);
	n->stats.tx_tso++;
	n->stats.tx_packets += segs;
	n->stats.tx_bytes += bytes;
	return VMK_OK;
}

void e1000_nic_irq_enable(struct e1000_nic *n)
{
	reg_write(n, E1000_IMS, IMS_RX);	/* 8254x SDM §13.4.20 */
}

void e1000_nic_irq_disable(struct e1000_nic *n)
{
	reg_write(n, E1000_IMC, IMC_ALL);
	reg_read(n, E1000_ICR);
}

uint32_t e1000_nic_irq_ack(struct e1000_nic *n)
{
	return reg_read(n, E1000_ICR) & IMS_RX;	/* §13.4.17: read clears */
}

bool e1000_nic_link(struct e1000_nic *n, uint32_t *mbps)
{
	static const uint32_t speed[4] = { 10, 100, 1000, 1000 };
	uint32_t s = reg_read(n, E1000_STATUS);

	*mbps = (s & E1000_STATUS_LU) ? speed[(s >> STATUS_SPEED_SHIFT) & 3] : 0;
	return s & E1000_STATUS_LU;
}

void e1000_nic_stop(struct e1000_nic *n)
{
	reg_write(n, E1000_IMC, IMC_ALL);
	reg_write(n, E1000_RCTL, 0);
	reg_write(n, E1000_TCTL, 0);
	reg_write(n, E1000_CTRL, reg_read(n, E1000_CTRL) | E1000_CTRL_RST);
	n->error = "stopped";
}
