/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmkernel's driver for a physical Intel 82540EM (PCI 8086:100E, the
 * lab's QEMU -device e1000), vswitch0's uplink (docs/network.md "The
 * uplink"). Register and descriptor layouts are those vmm/dev/e1000.h
 * names for vmk's own model of the part (8254x SDM).
 *
 * Set up as a polled NIC: software reset, every interrupt masked, the MAC
 * from RAL0/RAH0 (loaded from the EEPROM at reset) or else the EEPROM
 * through EERD, one receive and one transmit ring of legacy descriptors
 * with a 2 KiB buffer each, all in pages the caller gives. Receive takes
 * broadcast and what e1000_nic_set_filter() names: the NIC's own address
 * (RAL0/RAH0), up to E1000_NIC_UNICAST_MAX more in RAL/RAH 1..15 (more
 * than that: every unicast frame, RCTL.UPE), multicast groups through the
 * 4096-bit table (MTA, RCTL.MO 0: address bits 47:36) or all of them
 * (RCTL.MPE), or every frame (UPE and MPE) when the switch asks for it.
 * Until the first call it takes only broadcast and its own address.
 *
 * The device is not trusted. The driver never reads RDH or TDH: it keeps
 * its own indices, copies each descriptor once and checks the copy (a
 * frame longer than its buffer, shorter than an Ethernet header, with an
 * error bit, or spread over several descriptors is dropped and counted).
 * A poll walks each receive descriptor at most once. A descriptor the
 * device marks done too early can at worst make the driver reuse its own
 * buffer early; it cannot make it read or write outside its pages.
 *
 * Everything outside the driver comes through struct e1000_nic_ops, so
 * the same file runs in the vmkernel and in host tests against the model
 * (tests/unit/net/test_e1000_nic.c). The caller serialises calls: one
 * lock for e1000_nic_poll_rx(), and one for e1000_nic_tx() (which only
 * touches the transmit ring, so the two may run at the same time).
 */
#ifndef VMKERNEL_NET_E1000_NIC_H
#define VMKERNEL_NET_E1000_NIC_H

#include "vmkernel/platform.h"
#include "vmm/dev/vnic.h"		/* struct net_tso */

#define E1000_NIC_RX_DESC	32	/* 512 bytes: ring lengths are 128-byte multiples */
#define E1000_NIC_TX_DESC	64	/* a TSO packet: a context and 32 data descriptors */
#define E1000_NIC_BUF_LEN	2048	/* RCTL.BSIZE 00: 2048 bytes */
#define E1000_NIC_FRAME_MIN	14	/* an Ethernet header */
#define E1000_NIC_FRAME_MAX	1518	/* 1514 and an 802.1Q tag; no FCS */
#define E1000_NIC_RESET_MS	10	/* CTRL.RST clears within 1 us (SDM §14.5) */
#define E1000_NIC_UNICAST_MAX	15	/* RAL/RAH 1..15; entry 0 is the NIC's own */
#define E1000_NIC_MTA_WORDS	128	/* the multicast table: 4096 bits */
/*
 * A TCP segmentation offload packet (8254x SDM §3.5 "TCP segmentation"):
 * at most 64 KiB (its buffers), headers of 54..255 bytes (HDRLEN is a
 * byte), segments of headers and MSS bytes no longer than a frame.
 */
#define E1000_NIC_TSO_MAX	65536
#define E1000_NIC_TSO_HLEN_MAX	NET_TSO_HLEN_MAX

struct e1000_nic_ops {
	uint32_t (*mmio_read)(void *ctx, uint32_t offset);
	void (*mmio_write)(void *ctx, uint32_t offset, uint32_t val);
	/* nr zeroed, contiguous, DMA-able 4 KiB pages; NULL: none left. */
	void *(*alloc_pages)(void *ctx, unsigned int nr, uint64_t *phys);
	uint64_t (*now_ms)(void *ctx);
	void *ctx;
};

struct e1000_nic_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t rx_bad_len;		/* runt, or longer than its buffer or a frame */
	uint64_t rx_errors;		/* the descriptor's error bits set */
	uint64_t rx_fragments;		/* descriptors of a frame without EOP */
	uint64_t tx_ring_full;		/* the device had not sent the ring yet */
	uint64_t tx_bad_len;		/* a frame the switch gave out of range */
	uint64_t tx_tso;		/* TSO packets handed to the device */
	uint64_t tx_tso_bad;		/* TSO packets refused: their headers or sizes */
	uint64_t tx_tso_ring_full;	/* TSO packets the ring had no room for (also tx_ring_full) */
};

/* What to receive besides broadcast and the NIC's own address. */
struct e1000_nic_filter {
	const uint8_t (*unicast)[6];	/* nr_unicast addresses */
	/* more than E1000_NIC_UNICAST_MAX but the NIC's own: every unicast frame */
	uint32_t nr_unicast;
	const uint8_t (*multicast)[6];	/* nr_multicast group addresses */
	uint32_t nr_multicast;
	bool all_multicast;		/* every multicast frame */
	bool promiscuous;		/* every frame */
};

/* The receive filter as programmed (for the operator). */
struct e1000_nic_rx_mode {
	uint32_t unicast;		/* RAL/RAH entries used besides entry 0 */
	uint32_t multicast;		/* groups hashed into the MTA */
	bool all_unicast;		/* RCTL.UPE */
	bool all_multicast;		/* RCTL.MPE */
};

struct e1000_nic {
	struct e1000_nic_ops ops;
	uint8_t mac[6];
	uint8_t *rx_ring, *tx_ring;	/* E1000_NIC_*_DESC descriptors */
	uint8_t *rx_buf, *tx_buf;	/* E1000_NIC_BUF_LEN per descriptor */
	uint64_t rx_ring_phys, tx_ring_phys, rx_buf_phys, tx_buf_phys;
	uint32_t rx_next;		/* the next descriptor the device fills */
	uint32_t tx_tail, tx_clean;	/* the next one to fill; the oldest not known sent */
	bool rx_in_fragment;		/* dropping the rest of a frame without EOP */
	const char *error;		/* setup failed: why; NULL: running */
	uint32_t rctl;			/* RCTL as last written */
	/* the filter registers as last written (e1000_nic_set_filter() writes
	 * only what changed: an entry kept is never invalid for a moment) */
	uint8_t ra[E1000_NIC_UNICAST_MAX + 1][6];	/* entries 1..: [0] unused */
	bool ra_valid[E1000_NIC_UNICAST_MAX + 1];
	uint32_t mta[E1000_NIC_MTA_WORDS];
	uint64_t filter_writes;		/* registers written by set_filter */
	struct e1000_nic_rx_mode rx_mode;
	struct e1000_nic_stats stats;
};

/* Reset, read the MAC, set the rings up. VMK_OK, or an error with
 * e1000_nic_error() saying why. */
vmk_status_t e1000_nic_init(struct e1000_nic *n, const struct e1000_nic_ops *ops);

/* The frames the device has received, each handed to rx() (valid during
 * the call); at most one walk of the ring. Returns how many were handed. */
uint32_t e1000_nic_poll_rx(struct e1000_nic *n,
			   void (*rx)(void *ctx, const uint8_t *frame, uint32_t len),
			   void *ctx);

/* Queue one frame (14..1518 bytes) for transmit. VMK_OK, VMK_NO_CAPACITY
 * when the ring is full, VMK_BAD_PARAM for a length out of range. */
vmk_status_t e1000_nic_tx(struct e1000_nic *n, const uint8_t *frame, uint32_t len);

/*
 * One TCP/IPv4 packet of up to E1000_NIC_TSO_MAX bytes that the device
 * cuts into segments of t->mss payload bytes, filling in each segment's
 * IP length, ID and checksum and its TCP sequence number, flags and
 * checksum: a context descriptor and a data descriptor a buffer, one
 * TDT write. VMK_BAD_PARAM: the sizes or header offsets do not make
 * valid segments (the caller checked them once; the driver again);
 * VMK_NO_CAPACITY: not enough free descriptors. stats.tx_packets and
 * tx_bytes count the frames the device makes of it.
 */
vmk_status_t e1000_nic_tx_tso(struct e1000_nic *n, const uint8_t *frame, uint32_t len,
			      const struct net_tso *t);

/* Program the receive filter (RAL/RAH 1..15, the MTA, RCTL.UPE/MPE);
 * addresses with the group bit set are refused as unicast and ignored.
 * The caller serialises it with e1000_nic_poll_rx(). */
void e1000_nic_set_filter(struct e1000_nic *n, const struct e1000_nic_filter *f);

/* STATUS.LU, and the speed in Mb/s (10, 100, 1000) when up. */
bool e1000_nic_link(struct e1000_nic *n, uint32_t *mbps);

/*
 * Interrupts for receive (IMS: a frame written back, RXT0; the ring
 * running low, RXDMT0; a frame lost for want of a descriptor, RXO): the
 * line asserts while one of them is pending. Nothing else interrupts:
 * transmit completions are taken at the next transmit, the link is read
 * when asked.
 */
void e1000_nic_irq_enable(struct e1000_nic *n);

/* All masked again, and the pending causes cleared: the line drops. */
void e1000_nic_irq_disable(struct e1000_nic *n);

/*
 * The pending causes, cleared (ICR is read-to-clear): the line drops.
 * Returns those that raise the interrupt (0: it was not the NIC's; a
 * transmit's causes are set but masked).
 */
uint32_t e1000_nic_irq_ack(struct e1000_nic *n);

/* Reset: the device forgets its rings and stops DMA into their pages. */
void e1000_nic_stop(struct e1000_nic *n);

static inline const char *e1000_nic_error(const struct e1000_nic *n)
{
	return n->error;
}

#endif /* VMKERNEL_NET_E1000_NIC_H */
