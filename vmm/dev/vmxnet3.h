// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMware vmxnet3 paravirtual NIC (PCI 15ad:07b0), revision 1, as the
 * stock Linux vmxnet3 driver (drivers/net/vmxnet3/) drives it. The
 * device's interface is that driver's vmxnet3_defs.h and upt1_defs.h:
 * BAR0 ("PT") holds the doorbells and interrupt masks, BAR1 ("VD") the
 * version handshake, the address of the driver's DriverShared area and
 * the command register; everything else lives in guest memory: the
 * DriverShared area, a queue descriptor table, and per queue a command
 * ring the driver fills and a completion ring the device fills, each
 * descriptor owned by whoever's generation bit it carries.
 *
 * Modelled: revision 1 and UPT 1 only; one interrupt, INTA# or an MSI
 * (vmm/dev/pci_msi.h: GET_CONF_INTR answers "auto" type and "auto"
 * masking; the driver's MSI-X attempt fails for want of the capability
 * and it takes MSI; with MSI it reads no ICR, and the device sends one
 * message each time the interrupt is raised unmasked, or unmasked while
 * raised. In auto mask mode, which the driver confirms with
 * DriverShared's intrConf.autoMask, the device masks the interrupt as
 * it sends the message, or as the driver's INTx handler claims it by
 * reading ICR, and the driver only unmasks it after NAPI; a driver that
 * leaves autoMask clear masks in its handler itself, "active" mode);
 * up to VMXNET3_MAX_TX_QUEUES transmit queues (the driver opens one per
 * vCPU) and one receive queue (all a driver on INTx or MSI opens);
 * multi-descriptor transmit frames
 * (SOP..EOP), the transmit offloads the driver always uses (checksum,
 * TSO, 802.1Q tag insertion: it gives the device no way to refuse
 * them); receive of a frame into one ring-0 buffer (a 1500-byte MTU
 * needs no more; ring 1 must be there and stays unused); the unicast,
 * broadcast, multicast and promiscuous receive modes (the multicast
 * table goes to the backend's rx_groups(), whose switch then sends the
 * wire's multicast only for those groups; the device itself does not
 * filter multicast by the table: the guest's stack does);
 * link state and its event; queue status and statistics. Not modelled:
 * MSI-X, RSS, LRO, receive checksum (every completion says "not
 * calculated"), interrupt moderation, wake-on-LAN, revisions 2 and up.
 *
 * Everything in guest memory and every register value is hostile. The
 * DriverShared area and queue table are read at ACTIVATE_DEV (the
 * receive filter configuration again at UPDATE_RX_MODE and
 * UPDATE_MAC_FILTERS, its multicast table once, at most VNIC_GROUPS_MAX
 * entries) into the device and checked there (a bad one fails the
 * command: the driver's open fails; a bad multicast table is counted
 * and changes nothing);
 * each descriptor is copied into the device once and checked there. A
 * transmit chain that does not end (no EOP among the descriptors the
 * driver owns), or a ring that is not in guest RAM, stops that queue
 * with an error the driver reads by GET_QUEUE_STATUS after a TQERR or
 * RQERR event (Linux's driver then resets the device); a buffer outside
 * guest RAM, a frame too long or too short drops that frame, counted.
 * Per doorbell the device sends at most VMXNET3_TX_BUDGET packets
 * (vmxnet3_poll() takes the rest).
 *
 * The caller (vmkernel/vm/vm_nic.c for VMs) adds the PCI function
 * (pci_add_function with vmxnet3_pci_ops) and its two memory BARs
 * (vmxnet3_pt_ops, vmxnet3_vd_ops), backs DMA, the interrupt line and
 * message, tx()
 * filter() and rx_groups() (struct vnic_config, vmm/dev/vnic.h),
 * calls vmxnet3_receive() with frames for it and vmxnet3_poll() before
 * it runs the guest again.
 */
#ifndef VMM_DEV_VMXNET3_H
#define VMM_DEV_VMXNET3_H

#include "vmm/platform.h"
#include "vmm/guest_dma.h"
#include "vmm/dev/pci_msi.h"
#include "vmm/dev/vnic.h"

#define VMXNET3_VENDOR_ID	0x15ad	/* VMware */
#define VMXNET3_DEVICE_ID	0x07b0
#define VMXNET3_PT_SIZE		0x1000	/* BAR0 */
#define VMXNET3_VD_SIZE		0x1000	/* BAR1 */
#define VMXNET3_MSI_CAP		PCI_MSI_CAP_DEFAULT
/* The type 0 header and the MSI capability; the rest reads 0. */
#define VMXNET3_PCI_CONFIG	(VMXNET3_MSI_CAP + PCI_MSI_CAP_LEN + 2)
#define VMXNET3_MAX_TX_QUEUES	8
#define VMXNET3_RING_MAX	4096	/* command rings, tx completion ring */
#define VMXNET3_RX_COMP_MAX	8192	/* rx completion ring: both rings' worth */
#define VMXNET3_FRAME_MAX	1518	/* one frame on the wire: 1500 bytes, a tag */
#define VMXNET3_TX_MAX		65536	/* one packet from the guest, TSO included */
#define VMXNET3_FRAME_SLACK	64	/* a runt padded to 60 bytes, a tag */
#define VMXNET3_TX_BUDGET	256	/* packets per doorbell or poll */

/* BAR0 (vmxnet3_defs.h): 8 bytes apart per interrupt or queue. */
#define VMXNET3_REG_IMR		0x000	/* interrupt i's mask at IMR + 8i */
#define VMXNET3_REG_TXPROD	0x600	/* tx queue q's doorbell at TXPROD + 8q */
#define VMXNET3_REG_RXPROD	0x800
#define VMXNET3_REG_RXPROD2	0xa00
#define VMXNET3_REG_ALIGN	8

/* BAR1 */
#define VMXNET3_REG_VRRS	0x00	/* revision report / selection */
#define VMXNET3_REG_UVRS	0x08	/* UPT version report / selection */
#define VMXNET3_REG_DSAL	0x10	/* DriverShared address, low */
#define VMXNET3_REG_DSAH	0x18
#define VMXNET3_REG_CMD		0x20
#define VMXNET3_REG_MACL	0x28
#define VMXNET3_REG_MACH	0x30
#define VMXNET3_REG_ICR		0x38	/* nonzero: this device interrupted */
#define VMXNET3_REG_ECR		0x40	/* write: acknowledge events */

/* Commands: write to CMD; a GET's answer reads back from CMD. */
#define VMXNET3_CMD_ACTIVATE_DEV	0xcafe0000
#define VMXNET3_CMD_QUIESCE_DEV		0xcafe0001
#define VMXNET3_CMD_RESET_DEV		0xcafe0002
#define VMXNET3_CMD_UPDATE_RX_MODE	0xcafe0003
#define VMXNET3_CMD_UPDATE_MAC_FILTERS	0xcafe0004
#define VMXNET3_CMD_UPDATE_VLAN_FILTERS	0xcafe0005
#define VMXNET3_CMD_UPDATE_FEATURE	0xcafe0009
#define VMXNET3_CMD_GET_QUEUE_STATUS	0xf00d0000
#define VMXNET3_CMD_GET_STATS		0xf00d0001
#define VMXNET3_CMD_GET_LINK		0xf00d0002
#define VMXNET3_CMD_GET_PERM_MAC_LO	0xf00d0003
#define VMXNET3_CMD_GET_PERM_MAC_HI	0xf00d0004
#define VMXNET3_CMD_GET_CONF_INTR	0xf00d0008

#define VMXNET3_IT_AUTO		0	/* GET_CONF_INTR bits 1:0: MSI-X, MSI, INTx */
#define VMXNET3_IMM_AUTO	0	/* bits 3:2: the device masks as it interrupts */
#define VMXNET3_IMM_ACTIVE	1	/* the driver masks in its handler */
#define VMXNET3_LINK_UP		(10000u << 16 | 1)	/* 10 Gb/s, up */
#define VMXNET3_REV1_MAGIC	0xbabefee1u	/* DriverShared.magic */

/* Events (DriverShared.ecr, acknowledged through ECR). */
#define VMXNET3_ECR_RQERR	0x1
#define VMXNET3_ECR_TQERR	0x2
#define VMXNET3_ECR_LINK	0x4

/* Why a queue stopped (Vmxnet3_QueueStatus.error). */
#define VMXNET3_ERR_NOEOP	0x80000000u	/* no EOP among the driver's descriptors */
#define VMXNET3_ERR_TXD_INVALID	0x80000007u	/* a ring outside guest RAM */

/* Receive modes (Vmxnet3_RxFilterConf.rxMode). */
#define VMXNET3_RXM_UCAST	0x01
#define VMXNET3_RXM_MCAST	0x02
#define VMXNET3_RXM_BCAST	0x04
#define VMXNET3_RXM_ALL_MULTI	0x08
#define VMXNET3_RXM_PROMISC	0x10

/* Descriptors: 16 bytes; dword 2 and 3 hold the bit fields. */
#define VMXNET3_DESC_LEN	16
#define VMXNET3_TXD_LEN_MASK	0x3fff		/* dword 2; 0 means 16 KiB */
#define VMXNET3_TXD_GEN		(1u << 14)
#define VMXNET3_TXD_MSSCOF_SHIFT 18
#define VMXNET3_TXD_HLEN_MASK	0x3ff		/* dword 3 */
#define VMXNET3_TXD_OM_SHIFT	10
#define VMXNET3_TXD_EOP		(1u << 12)
#define VMXNET3_TXD_CQ		(1u << 13)
#define VMXNET3_TXD_TI		(1u << 15)
#define VMXNET3_TXD_TCI_SHIFT	16
#define VMXNET3_OM_NONE		0
#define VMXNET3_OM_CSUM		2
#define VMXNET3_OM_TSO		3
#define VMXNET3_RXD_LEN_MASK	0x3fff		/* dword 2 */
#define VMXNET3_RXD_BTYPE_BODY	(1u << 14)
#define VMXNET3_RXD_GEN		(1u << 31)
#define VMXNET3_RCD_EOP		(1u << 14)	/* dword 0 */
#define VMXNET3_RCD_SOP		(1u << 15)
#define VMXNET3_RCD_RQID_SHIFT	16
#define VMXNET3_RCD_CNC		(1u << 30)
#define VMXNET3_RCD_ERR		(1u << 14)	/* dword 2 */
#define VMXNET3_CD_TYPE_SHIFT	24		/* dword 3 */
#define VMXNET3_CD_GEN		(1u << 31)
#define VMXNET3_CDTYPE_TXCOMP	0
#define VMXNET3_CDTYPE_RXCOMP	3

/* Why the device dropped or refused what it did (not device registers). */
struct vmxnet3_counters {
	uint64_t bad_activation;	/* ACTIVATE_DEV refused: see vmxnet3.c */
	uint64_t tx_bad_addr;		/* a buffer outside guest RAM */
	uint64_t tx_too_long;		/* a frame beyond VMXNET3_FRAME_MAX, a packet beyond TX_MAX */
	uint64_t tx_runt;		/* shorter than an Ethernet header */
	uint64_t tx_bad_offload;	/* a checksum or TSO request that does not fit */
	uint64_t tx_queue_error;	/* a queue stopped: no EOP, ring outside RAM */
	uint64_t rx_not_active;		/* the device was not activated */
	uint64_t rx_link_down;
	uint64_t rx_filtered;		/* not for us, or a runt */
	uint64_t rx_oversize;		/* longer than VMXNET3_FRAME_MAX or the buffer */
	uint64_t rx_no_buffer;		/* no ring-0 descriptor owned by the device */
	uint64_t rx_bad_addr;		/* a buffer outside guest RAM */
	uint64_t bad_mc_table;		/* a multicast table refused: see vmxnet3.c */
	uint64_t auto_masks;		/* interrupts masked by the device: IMR writes saved */
	uint64_t unknown_reads, unknown_writes, unknown_commands;
};

/* UPT1_TxStats / UPT1_RxStats, as GET_STATS writes them. */
struct vmxnet3_stats {
	uint64_t tso_pkts, tso_bytes;	/* rx: LRO, never */
	uint64_t ucast_pkts, ucast_bytes;
	uint64_t mcast_pkts, mcast_bytes;
	uint64_t bcast_pkts, bcast_bytes;
	uint64_t errors;		/* tx: error; rx: out of buffers */
	uint64_t discards;		/* tx: discard; rx: error */
};

/* A ring as the device walks it: the next index and its generation. */
struct vmxnet3_ring {
	uint64_t base;
	uint32_t size, next;
	bool gen;
};

struct vmxnet3_txq {
	uint64_t desc;			/* its Vmxnet3_TxQueueDesc */
	struct vmxnet3_ring cmd, comp;
	bool stopped;
	uint32_t error;
	struct vmxnet3_stats stats;
};

struct vmxnet3_rxq {
	uint64_t desc;			/* its Vmxnet3_RxQueueDesc */
	struct vmxnet3_ring cmd[2], comp;
	bool stopped;
	uint32_t error;
	struct vmxnet3_stats stats;
};

struct vmxnet3 {
	struct vnic_config host;	/* as vmxnet3_init() got it: MAC, backends */
	bool link_up;

	uint8_t pci[VMXNET3_PCI_CONFIG];
	bool irq_level;

	uint32_t dsal, dsah, cmd_result;
	uint32_t macl, mach;		/* the address the driver set */
	bool active;			/* between ACTIVATE_DEV and QUIESCE/RESET */
	uint64_t shared;		/* DriverShared, as of ACTIVATE_DEV */
	uint32_t rx_mode;
	uint32_t ecr;			/* events not yet acknowledged */
	bool pending, masked;		/* interrupt 0: ICR, IMR */
	bool auto_mask;			/* the driver's autoMask at ACTIVATE_DEV */
	/* the receive filter as last told to filter() */
	uint8_t told_mac[6];
	bool told_promiscuous, told;

	uint32_t ntxq;
	struct vmxnet3_txq txq[VMXNET3_MAX_TX_QUEUES];
	struct vmxnet3_rxq rxq;

	uint32_t tx_len;
	uint32_t tx_frames;		/* sent by this tx_process() call */
	uint8_t tx_buf[VMXNET3_TX_MAX + VMXNET3_FRAME_SLACK];
	uint8_t frame[VMXNET3_FRAME_MAX + VMXNET3_FRAME_SLACK];	/* a TSO segment */

	struct vmxnet3_counters count;
};

/* A reset device with cfg's memory, interrupt line, backend and MAC. */
void vmxnet3_init(struct vmxnet3 *d, const struct vnic_config *cfg);

/* Platform reset: the device and its PCI configuration. */
void vmxnet3_reset(struct vmxnet3 *d);

/* A frame from the network (no FCS); false: filtered or dropped. */
bool vmxnet3_receive(struct vmxnet3 *d, const uint8_t *frame, uint32_t len);

/* Go on with transmit descriptors a doorbell left, or never rang for. */
void vmxnet3_poll(struct vmxnet3 *d);

/*
 * Link up or down (the cable): GET_LINK follows and a LINK event is
 * raised; while down nothing is received (count.rx_link_down) and the
 * transmit rings wait; on link up what waited goes out.
 */
void vmxnet3_set_link(struct vmxnet3 *d, bool up);

/* BAR0, BAR1 (offsets in each), PCI configuration. */
struct vdev_io_ops;
struct pci_fn_ops;
extern const struct vdev_io_ops vmxnet3_pt_ops;
extern const struct vdev_io_ops vmxnet3_vd_ops;
extern const struct pci_fn_ops vmxnet3_pci_ops;

#endif /* VMM_DEV_VMXNET3_H */
