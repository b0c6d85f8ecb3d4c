// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmxnet3 model. The driver fills command rings and flips a
 * descriptor's generation bit to hand it over; the device walks each
 * ring from its own next index while the generation matches, and
 * answers in the completion rings with its own generation, which flips
 * at each wrap. Layouts are vmxnet3_defs.h's (Linux), offsets below.
 */
#include "vmm/dev/vmxnet3.h"
#include "vmm/bytes.h"
#include "vmm/dev/eth_csum.h"
#include "vmm/dev/pci_host.h"
#include "vmm/devices.h"

/* Vmxnet3_DriverShared (revision 1): byte offsets of what the device reads. */
#define DS_MAGIC		0
#define DS_QUEUE_DESC_PA	40	/* devRead.misc.queueDescPA */
#define DS_QUEUE_DESC_LEN	52
#define DS_MTU			56	/* devRead.misc.mtu */
#define DS_NUM_TXQ		62	/* u8 */
#define DS_NUM_RXQ		63	/* u8 */
#define DS_AUTO_MASK		80	/* devRead.intrConf.autoMask (u8) */
#define DS_RX_MODE		120	/* devRead.rxFilterConf.rxMode */
#define DS_RX_FILTER_LEN	16	/* rxMode, mfTableLen (u16), pad, mfTablePA */
#define RXF_TABLE_LEN		4	/* in the receive filter configuration */
#define RXF_TABLE_PA		8
#define DS_READ_LEN		136	/* what ACTIVATE_DEV copies */
#define DS_ECR			696

/* Vmxnet3_TxQueueDesc and Vmxnet3_RxQueueDesc: 256 bytes each. */
#define QD_LEN			256
#define TQD_THRESHOLD		4	/* ctrl.txThreshold */
#define TQD_RING		16	/* conf.txRingBasePA */
#define TQD_COMP_RING		32	/* conf.compRingBasePA */
#define TQD_RING_SIZE		56
#define TQD_COMP_SIZE		64
#define RQD_RING		16	/* conf.rxRingBasePA[2] */
#define RQD_COMP_RING		32
#define RQD_RING_SIZE		56	/* conf.rxRingSize[2] */
#define RQD_COMP_SIZE		64
#define QD_CONF_END		80
#define QD_STATUS		80	/* status.stopped (u8), status.error at +4 */
#define QD_STATS		88	/* UPT1_TxStats / UPT1_RxStats: 10 u64 */
#define TX_THRESHOLD		1	/* a doorbell per packet (QEMU's choice too) */

#define RING_ALIGN		32	/* command ring sizes: vmxnet3_defs.h */
#define TXD_BUF_MAX		0x4000	/* TxDesc.len 0 means 16 KiB */
#define NUM_INTRS		25	/* IMR registers */

#define ETH_ALEN		6
#define ETH_HLEN		14
#define ETH_ZLEN		60
#define ETH_DATA_LEN		1500	/* the MTU: one receive buffer a frame */
#define VLAN_HLEN		4
#define ETH_P_IP		0x0800
#define ETH_P_IPV6		0x86dd
#define ETH_P_8021Q		0x8100
#define IPV6_HLEN		40
#define TCP_HLEN_MIN		20
#define TCP_FLAGS_OFF		13
#define TCP_CSUM_OFF		16
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
#define VMXNET3_REVISION	0x01

/* Guest memory: all of [gpa, gpa + len) guest RAM, or nothing copied. */
static bool dma_read(struct vmxnet3 *d, uint64_t gpa, void *dst, uint32_t len)
{
	return d->host.dma.read(d->host.dma.ctx, gpa, dst, len);
}

static bool dma_write(struct vmxnet3 *d, uint64_t gpa, const void *src, uint32_t len)
{
	return d->host.dma.write(d->host.dma.ctx, gpa, src, len);
}

/*
 * The interrupt delivered, in "auto" mask mode (the driver set autoMask
 * at ACTIVATE_DEV): the device masks it, and the driver's unmask after
 * its NAPI poll is its only IMR write (in "active" mode its handler
 * wrote IMR too: one MMIO exit an interrupt more).
 */
static void auto_mask(struct vmxnet3 *d)
{
	if (!d->auto_mask || d->masked)
		return;
	d->masked = true;
	d->count.auto_masks++;
}

/*
 * Interrupt 0 raised and unmasked: with MSI on, a message, after which
 * nothing stays pending (an edge: the driver's MSI handler reads no
 * ICR), so INTA# stays low; else INTA#, unless disabled, while it stays
 * so. In auto mask mode a message masks it at once; INTA# masks it at
 * the ICR read that claims it (vmxnet3_vd_read()), so the line the
 * driver's handler is looking at stays up until then.
 */
static void update_irq(struct vmxnet3 *d)
{
	uint16_t command = vmm_get16(&d->pci[CFG_COMMAND]);
	bool level;

	if (d->pending && !d->masked && pci_msi_enabled(d->pci, VMXNET3_MSI_CAP)) {
		struct pci_msi_msg m = pci_msi_message(d->pci, VMXNET3_MSI_CAP);

		d->pending = false;
		auto_mask(d);
		if (d->host.msi)
			d->host.msi(d->host.irq_ctx, &m);
	}
	level = d->pending && !d->masked && !(command & PCI_COMMAND_INTX_OFF);
	d->pci[CFG_STATUS] = (uint8_t)((d->pci[CFG_STATUS] & ~PCI_STATUS_INTERRUPT) |
				       (d->pending ? PCI_STATUS_INTERRUPT : 0));
	if (level == d->irq_level)
		return;
	d->irq_level = level;
	if (d->host.set_irq)
		d->host.set_irq(d->host.irq_ctx, level);
}

static void interrupt(struct vmxnet3 *d)
{
	d->pending = true;
	update_irq(d);
}

/* An event in DriverShared.ecr, where the driver's poll looks for it. */
static void raise_event(struct vmxnet3 *d, uint32_t events)
{
	uint8_t v[4];

	d->ecr |= events;
	if (!d->active)
		return;
	vmm_put32(v, d->ecr);
	dma_write(d, d->shared + DS_ECR, v, sizeof(v));
	interrupt(d);
}

static void ack_events(struct vmxnet3 *d, uint32_t events)
{
	uint8_t v[4];

	d->ecr &= ~events;
	if (!d->active)
		return;
	vmm_put32(v, d->ecr);
	dma_write(d, d->shared + DS_ECR, v, sizeof(v));
}

/* Tell the backend the guest's address and promiscuous mode, when changed. */
static void filter_changed(struct vmxnet3 *d)
{
	uint8_t mac[ETH_ALEN];
	bool promiscuous = d->active && (d->rx_mode & VMXNET3_RXM_PROMISC);

	if (!d->host.filter)
		return;
	vmm_put32(mac, d->macl);
	vmm_put16(mac + 4, (uint16_t)d->mach);
	if (d->told && promiscuous == d->told_promiscuous &&
	    vmm_get32(mac) == vmm_get32(d->told_mac) &&
	    vmm_get16(mac + 4) == vmm_get16(d->told_mac + 4))
		return;
	vmm_copy(d->told_mac, mac, ETH_ALEN);
	d->told_promiscuous = promiscuous;
	d->told = true;
	d->host.filter(d->host.filter_ctx, mac, promiscuous);
}

/*
 * The MCAST table rxf names (mfTablePA/mfTableLen), read once into
 * groups: *n addresses, or *all when it is longer than a port keeps (then
 * not read). False if refused: a length that is not a multiple of 6, a
 * table outside guest RAM, an entry that is not a group address.
 */
static bool table_read(struct vmxnet3 *d, const uint8_t *rxf,
		       uint8_t (*groups)[ETH_ALEN], uint32_t *n, bool *all)
{
	uint32_t len = vmm_get16(rxf + RXF_TABLE_LEN);

	*n = len / ETH_ALEN;
	if (len % ETH_ALEN)
		return false;
	if (*n > VNIC_GROUPS_MAX) {
		*all = true;
		*n = 0;
		return true;
	}
	if (*n && !dma_read(d, vmm_get64(rxf + RXF_TABLE_PA), groups, len))
		return false;
	for (uint32_t i = 0; i < *n; i++)
		if (!vnic_mac_is_group(groups[i]))
			return false;
	return true;
}

/*
 * Tell the backend the multicast groups the guest wants, from its
 * receive filter configuration rxf (DS_RX_FILTER_LEN bytes already
 * copied out of guest memory; NULL: the device is not active, no
 * group). What Linux's vmxnet3_set_mc() writes: ALL_MULTI (or
 * PROMISC) for every group, MCAST with a table of 6-byte addresses
 * (table_read(): read once, at this command; the driver frees it
 * after), neither for none. A refused table is counted, and the port
 * gets every group, so that a guest whose table we cannot read still
 * receives what it joined (its own filter drops the rest, as with
 * ALL_MULTI).
 */
static void groups_changed(struct vmxnet3 *d, const uint8_t *rxf)
{
	uint8_t groups[VNIC_GROUPS_MAX][ETH_ALEN];
	uint32_t mode = rxf ? vmm_get32(rxf) : 0, n = 0;
	bool all = mode & (VMXNET3_RXM_PROMISC | VMXNET3_RXM_ALL_MULTI);

	if (!d->host.rx_groups)
		return;
	if (!all && (mode & VMXNET3_RXM_MCAST) && !table_read(d, rxf, groups, &n, &all)) {
		d->count.bad_mc_table++;
		all = true;
		n = 0;
	}
	d->host.rx_groups(d->host.rx_groups_ctx, (const uint8_t (*)[ETH_ALEN])groups,
			  n, all);
}

static bool is_broadcast(const uint8_t *a)
{
	for (int i = 0; i < ETH_ALEN; i++)
		if (a[i] != 0xff)
			return false;
	return true;
}

/* n frames of bytes in all to f's destination. */
static void count_frames(struct vmxnet3_stats *s, const uint8_t *f, uint32_t n, uint64_t bytes)
{
	if (is_broadcast(f)) {
		s->bcast_pkts += n;
		s->bcast_bytes += bytes;
	} else if (f[0] & 1) {
		s->mcast_pkts += n;
		s->mcast_bytes += bytes;
	} else {
		s->ucast_pkts += n;
		s->ucast_bytes += bytes;
	}
}

static void count_frame(struct vmxnet3_stats *s, const uint8_t *f, uint32_t len)
{
	count_frames(s, f, 1, len);
}

/* ---- rings ---- */

static bool ring_size_ok(uint32_t size, uint32_t max, bool aligned)
{
	return size && size <= max && (!aligned || !(size % RING_ALIGN));
}

static void ring_init(struct vmxnet3_ring *r, uint64_t base, uint32_t size)
{
	r->base = base;
	r->size = size;
	r->next = 0;
	r->gen = true;			/* VMXNET3_INIT_GEN */
}

static void ring_advance(struct vmxnet3_ring *r)
{
	if (++r->next == r->size) {
		r->next = 0;
		r->gen = !r->gen;
	}
}

static uint64_t ring_at(const struct vmxnet3_ring *r, uint32_t i)
{
	return r->base + (uint64_t)i * VMXNET3_DESC_LEN;
}

/*
 * A completion descriptor: dwords 0-2, then dword 3 with the
 * generation bit, so a vCPU polling the ring never sees a half-written
 * one as the device's.
 */
static bool complete(struct vmxnet3 *d, struct vmxnet3_ring *c, uint32_t dw0,
		     uint32_t dw2, uint32_t type)
{
	uint8_t desc[VMXNET3_DESC_LEN];
	uint64_t at = ring_at(c, c->next);

	vmm_zero(desc, sizeof(desc));
	vmm_put32(desc, dw0);
	vmm_put32(desc + 8, dw2);
	vmm_put32(desc + 12, type << VMXNET3_CD_TYPE_SHIFT | (c->gen ? VMXNET3_CD_GEN : 0));
	if (!dma_write(d, at, desc, 12) ||
	    !dma_write(d, at + 12, desc + 12, 4))
		return false;
	ring_advance(c);
	return true;
}

/* ---- transmit ---- */

static void txq_stop(struct vmxnet3 *d, struct vmxnet3_txq *q, uint32_t error)
{
	q->stopped = true;
	q->error = error;
	d->count.tx_queue_error++;
	raise_event(d, VMXNET3_ECR_TQERR);
}

/*
 * One frame on the wire: padded to 60 bytes, with an 802.1Q tag after
 * the addresses when the SOP descriptor asked for one (TI). buf has
 * VMXNET3_FRAME_SLACK bytes of room past len.
 */
static void emit(struct vmxnet3 *d, struct vmxnet3_txq *q, uint8_t *buf,
		 uint32_t len, bool ti, uint16_t tci)
{
	if (len < ETH_HLEN) {
		d->count.tx_runt++;
		q->stats.discards++;
		return;
	}
	if (len < ETH_ZLEN) {
		vmm_zero(buf + len, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	if (ti) {
		for (uint32_t i = len; i-- > 2 * ETH_ALEN;)
			buf[i + VLAN_HLEN] = buf[i];
		vmm_put_be16(buf + 2 * ETH_ALEN, ETH_P_8021Q);
		vmm_put_be16(buf + 2 * ETH_ALEN + 2, tci);
		len += VLAN_HLEN;
	}
	count_frame(&q->stats, buf, len);
	d->tx_frames++;
	if (d->host.tx)
		d->host.tx(d->host.tx_ctx, buf, len);
}

/* The checksum of [start, len) into the 16 bits at off (OM_CSUM). */
static bool insert_csum(uint8_t *p, uint32_t len, uint32_t start, uint32_t off,
			uint32_t extra)
{
	if (start >= len || off < start || off + 2 > len)
		return false;
	vmm_put_be16(p + off, eth_csum_fold(eth_csum_add(extra, p + start, len - start)));
	return true;
}

/*
 * Where the IP header starts and how long it is, for TSO: after the
 * Ethernet header (and an in-band 802.1Q tag), IPv4 by its IHL, IPv6
 * without extension headers (what the driver's TSO sends). 0: neither.
 */
static uint32_t ip_header(const uint8_t *p, uint32_t hlen, uint32_t *ip, bool *v4)
{
	uint32_t off = ETH_HLEN;
	uint16_t type = vmm_get_be16(p + 2 * ETH_ALEN);

	if (type == ETH_P_8021Q) {
		off += VLAN_HLEN;
		type = vmm_get_be16(p + 2 * ETH_ALEN + VLAN_HLEN);
	}
	*ip = off;
	*v4 = type == ETH_P_IP;
	if (*v4 && off < hlen)
		return (p[off] & 0xf) * 4u;
	return type == ETH_P_IPV6 ? IPV6_HLEN : 0;
}

/*
 * The packet whole to the host (the uplink's NIC segments it), when it
 * is untagged IPv4 (no tag to insert and none in the frame: the IP
 * header at ETH_HLEN, as vnic.h's tx_tso() takes it), its headers fit a
 * NIC's HDRLEN and the host takes it: counted as the frames it makes,
 * each padded to ETH_ZLEN as emit() would.
 */
static bool tx_tso_whole(struct vmxnet3 *d, struct vmxnet3_txq *q, uint32_t hlen,
			 uint32_t mss, uint32_t ip, uint32_t l4, bool plain_v4)
{
	struct net_tso t = { .hlen = hlen, .mss = mss, .ip = ip, .l4 = l4 };
	uint64_t bytes;
	uint32_t segs;

	if (!plain_v4 || d->tx_len == hlen || hlen > NET_TSO_HLEN_MAX || !d->host.tx_tso ||
	    !d->host.tx_tso(d->host.tx_ctx, d->tx_buf, d->tx_len, &t))
		return false;
	segs = net_tso_frames(d->tx_len, &t, &bytes);
	count_frames(&q->stats, d->tx_buf, segs, bytes);
	d->tx_frames += segs;
	return true;
}

/*
 * TCP segmentation: each segment is the packet's hlen bytes of headers
 * and up to mss bytes of payload; the IP length (and IPv4 ID and header
 * checksum), the TCP sequence number and flags and the TCP checksum
 * (whose field holds the driver's pseudo-header sum without the length)
 * are fixed up per segment.
 */
static void tx_tso(struct vmxnet3 *d, struct vmxnet3_txq *q, uint32_t hlen,
		   uint32_t mss, bool ti, uint16_t tci)
{
	uint8_t *p = d->tx_buf;
	uint32_t ip, iphl, l4, payload, seq, off = 0;
	uint32_t room = VMXNET3_FRAME_MAX - (ti ? VLAN_HLEN : 0);
	uint16_t ip_id;
	bool v4;

	if (hlen < ETH_HLEN || hlen > d->tx_len || mss < VNIC_TSO_MSS_MIN || hlen + mss > room) {
		d->count.tx_bad_offload++;
		q->stats.discards++;
		return;
	}
	iphl = ip_header(p, hlen, &ip, &v4);
	l4 = ip + iphl;
	if (iphl < 20 || l4 + TCP_HLEN_MIN > hlen) {
		d->count.tx_bad_offload++;
		q->stats.discards++;
		return;
	}
	payload = d->tx_len - hlen;
	ip_id = vmm_get_be16(p + ip + 4);
	seq = vmm_get_be32(p + l4 + 4);
	q->stats.tso_pkts++;
	q->stats.tso_bytes += d->tx_len;
	if (tx_tso_whole(d, q, hlen, mss, ip, l4, v4 && !ti && ip == ETH_HLEN))
		return;
	do {
		uint32_t n = payload - off < mss ? payload - off : mss;
		uint8_t *f = d->frame;

		vmm_copy(f, p, hlen);
		vmm_copy(f + hlen, p + hlen + off, n);
		if (v4) {
			vmm_put_be16(f + ip + 2, (uint16_t)(hlen - ip + n));
			vmm_put_be16(f + ip + 4, ip_id++);
			vmm_put_be16(f + ip + 10, 0);
			vmm_put_be16(f + ip + 10, eth_csum_fold(eth_csum_add(0, f + ip, iphl)));
		} else {
			vmm_put_be16(f + ip + 4, (uint16_t)(hlen - ip - IPV6_HLEN + n));
		}
		vmm_put_be32(f + l4 + 4, seq + off);
		if (off + n < payload)
			f[l4 + TCP_FLAGS_OFF] &= (uint8_t)~TCP_FIN_PSH;
		insert_csum(f, hlen + n, l4, l4 + TCP_CSUM_OFF, hlen - l4 + n);
		emit(d, q, f, hlen + n, ti, tci);
		off += n;
	} while (off < payload);
}

/* The packet gathered in tx_buf, as its SOP descriptor's dword 3 says. */
static void tx_packet(struct vmxnet3 *d, struct vmxnet3_txq *q, uint32_t sop_dw2,
		      uint32_t sop_dw3)
{
	uint32_t om = sop_dw3 >> VMXNET3_TXD_OM_SHIFT & 3;
	uint32_t hlen = sop_dw3 & VMXNET3_TXD_HLEN_MASK;
	uint32_t msscof = sop_dw2 >> VMXNET3_TXD_MSSCOF_SHIFT;
	bool ti = sop_dw3 & VMXNET3_TXD_TI;
	uint16_t tci = (uint16_t)(sop_dw3 >> VMXNET3_TXD_TCI_SHIFT);

	if (om == VMXNET3_OM_TSO) {
		tx_tso(d, q, hlen, msscof, ti, tci);
		return;
	}
	if (d->tx_len > VMXNET3_FRAME_MAX - (ti ? VLAN_HLEN : 0)) {
		d->count.tx_too_long++;
		q->stats.discards++;
		return;
	}
	if (om == VMXNET3_OM_CSUM &&
	    !insert_csum(d->tx_buf, d->tx_len, hlen, msscof, 0)) {
		d->count.tx_bad_offload++;
		q->stats.discards++;
		return;
	}
	emit(d, q, d->tx_buf, d->tx_len, ti, tci);
}

/*
 * The packet starting at the ring's next descriptor, which the driver
 * owns (its generation matches): gather SOP..EOP, send it, complete it.
 * false: the queue stopped (no EOP among the descriptors the driver
 * handed over, or the ring is not in guest RAM).
 */
static bool tx_one(struct vmxnet3 *d, struct vmxnet3_txq *q)
{
	struct vmxnet3_ring walk = q->cmd;
	uint32_t sop_dw2 = 0, sop_dw3 = 0, eop = 0;
	bool fault = false, overflow = false;

	d->tx_len = 0;
	for (uint32_t n = 0;; n++) {
		uint8_t desc[VMXNET3_DESC_LEN];
		uint32_t dw2, dw3, len;

		/*
		 * A lap without EOP. The generation check alone would not
		 * end the walk: another vCPU can hand each descriptor over
		 * just before it is read, lap after lap.
		 */
		if (n == q->cmd.size) {
			txq_stop(d, q, VMXNET3_ERR_NOEOP);
			return false;
		}
		if (!dma_read(d, ring_at(&walk, walk.next), desc, sizeof(desc))) {
			txq_stop(d, q, VMXNET3_ERR_TXD_INVALID);
			return false;
		}
		dw2 = vmm_get32(desc + 8);
		dw3 = vmm_get32(desc + 12);
		if (!!(dw2 & VMXNET3_TXD_GEN) != walk.gen) {
			txq_stop(d, q, VMXNET3_ERR_NOEOP);
			return false;
		}
		if (!n) {
			sop_dw2 = dw2;
			sop_dw3 = dw3;
		}
		len = dw2 & VMXNET3_TXD_LEN_MASK;
		if (!len)
			len = TXD_BUF_MAX;
		if (overflow || fault) {
			/* the rest of a dropped packet: walked, not read */
		} else if (len > VMXNET3_TX_MAX - d->tx_len) {
			overflow = true;
		} else if (!dma_read(d, vmm_get64(desc), d->tx_buf + d->tx_len, len)) {
			fault = true;
		} else {
			d->tx_len += len;
		}
		eop = walk.next;
		ring_advance(&walk);
		if (dw3 & VMXNET3_TXD_EOP) {
			if (fault) {
				d->count.tx_bad_addr++;
				q->stats.discards++;
			} else if (overflow) {
				d->count.tx_too_long++;
				q->stats.discards++;
			} else {
				tx_packet(d, q, sop_dw2, sop_dw3);
			}
			q->cmd = walk;
			if ((dw3 & VMXNET3_TXD_CQ) &&
			    !complete(d, &q->comp, eop, 0, VMXNET3_CDTYPE_TXCOMP)) {
				txq_stop(d, q, VMXNET3_ERR_TXD_INVALID);
				return false;
			}
			return true;
		}
	}
}

/* Send what the driver handed over on queue q, at most VMXNET3_TX_BUDGET packets. */
static void tx_process(struct vmxnet3 *d, struct vmxnet3_txq *q)
{
	unsigned int sent = 0;

	if (!d->active || q->stopped || !d->link_up)
		return;
	d->tx_frames = 0;
	for (; sent < VMXNET3_TX_BUDGET && d->tx_frames < VNIC_TX_FRAME_BUDGET; sent++) {
		uint8_t dw2[4];

		if (!dma_read(d, ring_at(&q->cmd, q->cmd.next) + 8, dw2, 4)) {
			txq_stop(d, q, VMXNET3_ERR_TXD_INVALID);
			return;
		}
		if (!!(vmm_get32(dw2) & VMXNET3_TXD_GEN) != q->cmd.gen)
			break;			/* the driver's: nothing more */
		if (!tx_one(d, q))
			return;
	}
	if (sent)
		interrupt(d);
}

/* ---- receive ---- */

static bool rx_accept(const struct vmxnet3 *d, const uint8_t *f)
{
	uint32_t mode = d->rx_mode;

	if (mode & VMXNET3_RXM_PROMISC)
		return true;
	if (is_broadcast(f))
		return mode & VMXNET3_RXM_BCAST;
	if (f[0] & 1)
		return mode & (VMXNET3_RXM_MCAST | VMXNET3_RXM_ALL_MULTI);
	return (mode & VMXNET3_RXM_UCAST) && vmm_get32(f) == d->macl &&
	       vmm_get16(f + 4) == (uint16_t)d->mach;
}

static void rxq_stop(struct vmxnet3 *d, uint32_t error)
{
	d->rxq.stopped = true;
	d->rxq.error = error;
	raise_event(d, VMXNET3_ECR_RQERR);
}

bool vmxnet3_receive(struct vmxnet3 *d, const uint8_t *frame, uint32_t len)
{
	struct vmxnet3_rxq *q = &d->rxq;
	struct vmxnet3_ring *r = &q->cmd[0];
	uint8_t desc[VMXNET3_DESC_LEN];
	uint32_t idx = r->next, dw2, buf_len, done, err = 0;

	if (!d->active || q->stopped) {
		d->count.rx_not_active++;
		return false;
	}
	if (!d->link_up) {
		d->count.rx_link_down++;
		return false;
	}
	if (len < ETH_HLEN || !rx_accept(d, frame)) {
		d->count.rx_filtered++;
		return false;
	}
	if (len > VMXNET3_FRAME_MAX) {
		d->count.rx_oversize++;
		q->stats.discards++;
		return false;
	}
	if (!dma_read(d, ring_at(r, idx), desc, sizeof(desc))) {
		rxq_stop(d, VMXNET3_ERR_TXD_INVALID);
		return false;
	}
	dw2 = vmm_get32(desc + 8);
	if (!!(dw2 & VMXNET3_RXD_GEN) != r->gen) {
		d->count.rx_no_buffer++;
		q->stats.errors++;		/* pktsRxOutOfBuf */
		return false;
	}
	/*
	 * The buffer is consumed either way; one that cannot hold the
	 * frame (a BODY buffer, too short, outside guest RAM) gets an
	 * error completion, which the driver recycles.
	 */
	buf_len = dw2 & VMXNET3_RXD_LEN_MASK;
	if ((dw2 & VMXNET3_RXD_BTYPE_BODY) || buf_len < len) {
		d->count.rx_oversize++;
		err = VMXNET3_RCD_ERR;
	} else if (!dma_write(d, vmm_get64(desc), frame, len)) {
		d->count.rx_bad_addr++;
		err = VMXNET3_RCD_ERR;
	}
	ring_advance(r);
	done = idx | VMXNET3_RCD_SOP | VMXNET3_RCD_EOP | VMXNET3_RCD_CNC |
	       0u << VMXNET3_RCD_RQID_SHIFT;
	if (!complete(d, &q->comp, done, err ? err : len, VMXNET3_CDTYPE_RXCOMP)) {
		rxq_stop(d, VMXNET3_ERR_TXD_INVALID);
		return false;
	}
	if (err)
		q->stats.discards++;		/* pktsRxError */
	else
		count_frame(&q->stats, frame, len);
	interrupt(d);
	return !err;
}

/* ---- commands ---- */

static void queues_reset(struct vmxnet3 *d)
{
	d->active = false;
	d->auto_mask = false;
	d->ntxq = 0;
	vmm_zero(d->txq, sizeof(d->txq));
	vmm_zero(&d->rxq, sizeof(d->rxq));
}

static bool txq_load(struct vmxnet3 *d, struct vmxnet3_txq *q, uint64_t at)
{
	uint8_t c[QD_CONF_END], v[4];
	uint32_t size, comp;

	if (!dma_read(d, at, c, sizeof(c)))
		return false;
	size = vmm_get32(c + TQD_RING_SIZE);
	comp = vmm_get32(c + TQD_COMP_SIZE);
	if (!ring_size_ok(size, VMXNET3_RING_MAX, true) ||
	    !ring_size_ok(comp, VMXNET3_RING_MAX, false))
		return false;
	q->desc = at;
	ring_init(&q->cmd, vmm_get64(c + TQD_RING), size);
	ring_init(&q->comp, vmm_get64(c + TQD_COMP_RING), comp);
	vmm_put32(v, TX_THRESHOLD);
	return dma_write(d, at + TQD_THRESHOLD, v, sizeof(v));
}

static bool rxq_load(struct vmxnet3 *d, struct vmxnet3_rxq *q, uint64_t at)
{
	uint8_t c[QD_CONF_END];
	uint32_t size0, size1, comp;

	if (!dma_read(d, at, c, sizeof(c)))
		return false;
	size0 = vmm_get32(c + RQD_RING_SIZE);
	size1 = vmm_get32(c + RQD_RING_SIZE + 4);
	comp = vmm_get32(c + RQD_COMP_SIZE);
	if (!ring_size_ok(size0, VMXNET3_RING_MAX, true) ||
	    (size1 && !ring_size_ok(size1, VMXNET3_RING_MAX, true)) ||
	    !ring_size_ok(comp, VMXNET3_RX_COMP_MAX, false))
		return false;
	q->desc = at;
	ring_init(&q->cmd[0], vmm_get64(c + RQD_RING), size0);
	ring_init(&q->cmd[1], vmm_get64(c + RQD_RING + 8), size1);
	ring_init(&q->comp, vmm_get64(c + RQD_COMP_RING), comp);
	return true;
}

/*
 * ACTIVATE_DEV: DriverShared at DSAL/DSAH with the revision 1 magic,
 * 1..VMXNET3_MAX_TX_QUEUES transmit queues and one receive queue in a
 * queue table as long as they need, every ring within the driver's
 * limits. The answer (CMD) is 0, or 1 and the device stays inactive.
 */
static void activate(struct vmxnet3 *d)
{
	uint8_t s[DS_READ_LEN];
	uint64_t shared = (uint64_t)d->dsah << 32 | d->dsal, table;
	uint32_t ntx, nrx;

	queues_reset(d);
	d->cmd_result = 1;
	if (!dma_read(d, shared, s, sizeof(s)) ||
	    vmm_get32(s + DS_MAGIC) != VMXNET3_REV1_MAGIC)
		goto refuse;
	ntx = s[DS_NUM_TXQ];
	nrx = s[DS_NUM_RXQ];
	table = vmm_get64(s + DS_QUEUE_DESC_PA);
	/*
	 * Frames longer than one receive buffer are not modelled: an MTU
	 * above 1500 fails the driver's open (ip link set mtu), where the
	 * guest sees it, instead of dropping every long frame later.
	 */
	if (!ntx || ntx > VMXNET3_MAX_TX_QUEUES || nrx != 1 ||
	    vmm_get32(s + DS_QUEUE_DESC_LEN) < (ntx + nrx) * QD_LEN ||
	    vmm_get32(s + DS_MTU) > ETH_DATA_LEN)
		goto refuse;
	for (uint32_t i = 0; i < ntx; i++)
		if (!txq_load(d, &d->txq[i], table + (uint64_t)i * QD_LEN))
			goto refuse;
	if (!rxq_load(d, &d->rxq, table + (uint64_t)ntx * QD_LEN))
		goto refuse;
	d->ntxq = ntx;
	d->shared = shared;
	d->rx_mode = vmm_get32(s + DS_RX_MODE);
	d->auto_mask = s[DS_AUTO_MASK] != 0;
	d->ecr = 0;
	d->active = true;
	d->cmd_result = 0;
	filter_changed(d);
	groups_changed(d, s + DS_RX_MODE);
	return;
refuse:
	queues_reset(d);
	d->count.bad_activation++;
}

/* The queues' status or statistics into their descriptors in the table. */
static void write_queue_status(struct vmxnet3 *d, uint64_t at, bool stopped,
			       uint32_t error)
{
	uint8_t v[8];

	vmm_zero(v, sizeof(v));
	v[0] = stopped;
	vmm_put32(v + 4, error);
	dma_write(d, at + QD_STATUS, v, sizeof(v));
}

static void write_stats(struct vmxnet3 *d, uint64_t at, const struct vmxnet3_stats *s)
{
	const uint64_t f[] = {
		s->tso_pkts, s->tso_bytes, s->ucast_pkts, s->ucast_bytes,
		s->mcast_pkts, s->mcast_bytes, s->bcast_pkts, s->bcast_bytes,
		s->errors, s->discards,
	};
	uint8_t v[sizeof(f)];

	for (unsigned int i = 0; i < VMM_ARRAY_SIZE(f); i++)
		vmm_put64(v + 8 * i, f[i]);
	dma_write(d, at + QD_STATS, v, sizeof(v));
}

static void queue_report(struct vmxnet3 *d, bool stats)
{
	if (!d->active)
		return;
	for (uint32_t i = 0; i < d->ntxq; i++) {
		struct vmxnet3_txq *q = &d->txq[i];

		if (stats)
			write_stats(d, q->desc, &q->stats);
		else
			write_queue_status(d, q->desc, q->stopped, q->error);
	}
	if (stats)
		write_stats(d, d->rxq.desc, &d->rxq.stats);
	else
		write_queue_status(d, d->rxq.desc, d->rxq.stopped, d->rxq.error);
}

/* UPDATE_RX_MODE, UPDATE_MAC_FILTERS: the receive filter, copied once. */
static void update_rx_filter(struct vmxnet3 *d)
{
	uint8_t rxf[DS_RX_FILTER_LEN];

	if (!d->active || !dma_read(d, d->shared + DS_RX_MODE, rxf, sizeof(rxf)))
		return;
	d->rx_mode = vmm_get32(rxf);
	filter_changed(d);
	groups_changed(d, rxf);
}

static void device_reset(struct vmxnet3 *d)
{
	queues_reset(d);
	d->dsal = d->dsah = 0;
	d->cmd_result = 0;
	d->rx_mode = 0;
	d->ecr = 0;
	d->pending = false;
	d->masked = true;
	update_irq(d);
	filter_changed(d);
	groups_changed(d, NULL);
}

static void command(struct vmxnet3 *d, uint32_t cmd)
{
	switch (cmd) {
	case VMXNET3_CMD_ACTIVATE_DEV:
		activate(d);
		return;
	case VMXNET3_CMD_QUIESCE_DEV:
		d->active = false;
		d->cmd_result = 0;
		groups_changed(d, NULL);
		return;
	case VMXNET3_CMD_RESET_DEV:
		device_reset(d);
		return;
	case VMXNET3_CMD_UPDATE_RX_MODE:
	case VMXNET3_CMD_UPDATE_MAC_FILTERS:	/* the multicast table */
		update_rx_filter(d);
		d->cmd_result = 0;
		return;
	case VMXNET3_CMD_UPDATE_VLAN_FILTERS:	/* the switch owns VLANs */
	case VMXNET3_CMD_UPDATE_FEATURE:	/* no receive offloads to turn on */
		d->cmd_result = 0;
		return;
	case VMXNET3_CMD_GET_QUEUE_STATUS:
	case VMXNET3_CMD_GET_STATS:
		queue_report(d, cmd == VMXNET3_CMD_GET_STATS);
		d->cmd_result = 0;
		return;
	case VMXNET3_CMD_GET_LINK:
		d->cmd_result = d->link_up ? VMXNET3_LINK_UP : 0;
		return;
	case VMXNET3_CMD_GET_PERM_MAC_LO:
		d->cmd_result = vmm_get32(d->host.mac);
		return;
	case VMXNET3_CMD_GET_PERM_MAC_HI:
		d->cmd_result = vmm_get16(d->host.mac + 4);
		return;
	case VMXNET3_CMD_GET_CONF_INTR:
		d->cmd_result = VMXNET3_IT_AUTO | VMXNET3_IMM_AUTO << 2;
		return;
	default:
		d->count.unknown_commands++;
		d->cmd_result = 0xffffffffu;
		return;
	}
}

/* ---- registers ---- */

static uint32_t vmxnet3_pt_read(void *dev, uint32_t offset, unsigned int size)
{
	struct vmxnet3 *d = dev;

	(void)size;
	if (offset == VMXNET3_REG_IMR)
		return d->masked;
	return 0;
}

static void vmxnet3_pt_write(void *dev, uint32_t offset, unsigned int size,
			     uint32_t val)
{
	struct vmxnet3 *d = dev;
	uint32_t q = (offset - VMXNET3_REG_TXPROD) / VMXNET3_REG_ALIGN;

	if (size != 4 || (offset & (VMXNET3_REG_ALIGN - 1))) {
		d->count.unknown_writes++;
		return;
	}
	if (offset == VMXNET3_REG_IMR) {
		d->masked = val & 1;
		update_irq(d);
	} else if (offset < NUM_INTRS * VMXNET3_REG_ALIGN) {
		/* interrupts the device never raises */
	} else if (offset >= VMXNET3_REG_TXPROD && q < VMXNET3_MAX_TX_QUEUES) {
		if (q < d->ntxq)
			tx_process(d, &d->txq[q]);
	} else if (offset >= VMXNET3_REG_RXPROD && offset < VMXNET3_PT_SIZE) {
		/* the device goes by generation bits, not the producers */
	} else {
		d->count.unknown_writes++;
	}
}

const struct vdev_io_ops vmxnet3_pt_ops = {
	.read = vmxnet3_pt_read,
	.write = vmxnet3_pt_write,
};

static uint32_t vmxnet3_vd_read(void *dev, uint32_t offset, unsigned int size)
{
	struct vmxnet3 *d = dev;

	if (size != 4) {
		d->count.unknown_reads++;
		return 0;
	}
	switch (offset) {
	case VMXNET3_REG_VRRS:		/* revision 1 only */
	case VMXNET3_REG_UVRS:		/* UPT version 1 only */
		return 1;
	case VMXNET3_REG_DSAL:	return d->dsal;
	case VMXNET3_REG_DSAH:	return d->dsah;
	case VMXNET3_REG_CMD:	return d->cmd_result;
	case VMXNET3_REG_MACL:	return d->macl;
	case VMXNET3_REG_MACH:	return d->mach;
	case VMXNET3_REG_ECR:	return d->ecr;
	case VMXNET3_REG_ICR: {		/* read to clear; claimed: auto-masked */
		bool was = d->pending;

		d->pending = false;
		if (was)
			auto_mask(d);
		update_irq(d);
		return was;
	}
	}
	d->count.unknown_reads++;
	return 0;
}

static void vmxnet3_vd_write(void *dev, uint32_t offset, unsigned int size,
			     uint32_t val)
{
	struct vmxnet3 *d = dev;

	if (size != 4) {
		d->count.unknown_writes++;
		return;
	}
	switch (offset) {
	case VMXNET3_REG_VRRS:		/* the driver selects revision 1 */
	case VMXNET3_REG_UVRS:
	case VMXNET3_REG_ICR:
		return;
	case VMXNET3_REG_DSAL:	d->dsal = val; return;
	case VMXNET3_REG_DSAH:	d->dsah = val; return;
	case VMXNET3_REG_CMD:	command(d, val); return;
	case VMXNET3_REG_MACL:	d->macl = val; return;
	case VMXNET3_REG_MACH:		/* the driver writes it last */
		d->mach = val & 0xffff;
		filter_changed(d);
		return;
	case VMXNET3_REG_ECR:	ack_events(d, val); return;
	}
	d->count.unknown_writes++;
}

const struct vdev_io_ops vmxnet3_vd_ops = {
	.read = vmxnet3_vd_read,
	.write = vmxnet3_vd_write,
};

/* ---- PCI configuration ---- */

static uint8_t cfg_wmask(unsigned int off)
{
	switch (off) {
	case CFG_COMMAND:
		return PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	case CFG_COMMAND + 1:
		return PCI_COMMAND_INTX_OFF >> 8;
	case CFG_BAR0 + 1:		/* 4 KiB each */
	case CFG_BAR1 + 1:
		return (uint8_t)(~(VMXNET3_PT_SIZE - 1) >> 8);
	case CFG_BAR0 + 2:
	case CFG_BAR0 + 3:
	case CFG_BAR1 + 2:
	case CFG_BAR1 + 3:
	case CFG_INTR_LINE:
		return 0xff;
	default:
		return pci_msi_wmask(VMXNET3_MSI_CAP, off);
	}
}

static uint32_t vmxnet3_cfg_read(void *dev, uint8_t offset, unsigned int size)
{
	return pci_config_read(((const struct vmxnet3 *)dev)->pci, VMXNET3_PCI_CONFIG,
			       offset, size);
}

static void vmxnet3_cfg_write(void *dev, uint8_t offset, unsigned int size,
			      uint32_t val)
{
	struct vmxnet3 *d = dev;

	pci_config_write(d->pci, VMXNET3_PCI_CONFIG, cfg_wmask, offset, size, val);
	update_irq(d);			/* INTx disable or MSI enable may have changed */
}

const struct pci_fn_ops vmxnet3_pci_ops = {
	.read = vmxnet3_cfg_read,
	.write = vmxnet3_cfg_write,
};

void vmxnet3_reset(struct vmxnet3 *d)
{
	uint8_t *cfg = d->pci;

	d->macl = vmm_get32(d->host.mac);
	d->mach = vmm_get16(d->host.mac + 4);
	vmm_zero(cfg, VMXNET3_PCI_CONFIG);
	vmm_put16(&cfg[0], VMXNET3_VENDOR_ID);
	vmm_put16(&cfg[2], VMXNET3_DEVICE_ID);
	vmm_put32(&cfg[8], PCI_CLASS_ETHERNET << 8 | VMXNET3_REVISION);
	vmm_put16(&cfg[CFG_SUBSYS_VENDOR], VMXNET3_VENDOR_ID);
	vmm_put16(&cfg[CFG_SUBSYS_ID], VMXNET3_DEVICE_ID);
	cfg[CFG_INTR_PIN] = 1;		/* INTA# */
	pci_msi_init(cfg, VMXNET3_MSI_CAP);
	device_reset(d);
}

void vmxnet3_init(struct vmxnet3 *d, const struct vnic_config *cfg)
{
	vmm_zero(d, sizeof(*d));
	d->host = *cfg;
	d->link_up = !cfg->link_down;
	vmxnet3_reset(d);
}

void vmxnet3_set_link(struct vmxnet3 *d, bool up)
{
	if (up == d->link_up)
		return;
	d->link_up = up;
	raise_event(d, VMXNET3_ECR_LINK);
	vmxnet3_poll(d);		/* what waited for the link goes out */
}

void vmxnet3_poll(struct vmxnet3 *d)
{
	for (uint32_t i = 0; i < d->ntxq; i++)
		tx_process(d, &d->txq[i]);
}
