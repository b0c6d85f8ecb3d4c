// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intel 82540EM gigabit Ethernet controller (PCI 8086:100E), the NIC the
 * stock Linux e1000 driver (drivers/net/ethernet/intel/e1000/) drives.
 * Register and descriptor layouts: e1000_hw.h there, and Intel's "PCI/PCI-X
 * Family of Gigabit Ethernet Controllers Software Developer's Manual"
 * (8254x SDM). BAR0 is the 128 KiB register window, BAR1 the 64-byte I/O
 * window (IOADDR/IODATA) through which Linux issues CTRL.RST on this part.
 *
 * Modelled: the register file the driver touches, the Microwire EEPROM
 * (bit-banged through EECD, or EERD) with the MAC address and checksum,
 * the M88E1011 PHY behind MDIC with link up at 1000 Mb/s full duplex,
 * legacy and extended (context + data) transmit descriptors with
 * checksum offload and TCP segmentation (TSO), receive with the address,
 * multicast and broadcast filters and promiscuous modes, multi-descriptor
 * frames, statistics, and the interrupt causes the driver uses. Interrupt
 * moderation (ITR, RDTR, RADV, TIDV, TADV) is accepted and not applied:
 * each cause is raised at once.
 *
 * Everything in guest memory and every register value is hostile: rings,
 * heads, tails, descriptors, lengths. Each descriptor is copied into the
 * device once and checked there; per doorbell the device walks at most
 * E1000_TX_BUDGET descriptors (e1000_poll() takes the rest); a packet that does not fit
 * E1000_TX_MAX, whose buffer is outside guest RAM or that is shorter than
 * an Ethernet header (unpadded) is dropped and counted.
 *
 * The caller (vmkernel/vm/vm_nic.c for VMs) adds the PCI function
 * (pci_add_function with e1000_pci_ops) and its BARs (pci_add_bar: BAR0
 * with e1000_mmio_ops, BAR1 with e1000_io_ops; the host moves them where
 * the guest puts them), backs DMA, the interrupt line, tx(), filter() and
 * rx_groups() (struct vnic_config, vmm/dev/vnic.h), calls e1000_receive() with
 * frames for it and e1000_poll() before it runs the guest again. filter()
 * hears the address in RAL0/RAH0 (when RAH0's write makes it valid) and
 * unicast promiscuous mode (RCTL.UPE); rx_groups() hears every group
 * while RCTL.MPE or any MTA bit is set, none otherwise. A TSO segment lives in the buffer
 * a received frame is built in: vnic.h's rule on tx() is why.
 */
#ifndef VMM_DEV_E1000_H
#define VMM_DEV_E1000_H

#include "vmm/platform.h"
#include "vmm/guest_dma.h"
#include "vmm/dev/vnic.h"

#define E1000_VENDOR_ID		0x8086
#define E1000_DEVICE_ID		0x100e	/* 82540EM */
#define E1000_MMIO_SIZE		0x20000	/* BAR0: 128 KiB */
#define E1000_IO_SIZE		0x40	/* BAR1 */
#define E1000_PCI_CONFIG	64	/* the type 0 header; the rest reads 0 */
#define E1000_EEPROM_WORDS	64	/* EECD.SIZE clear: 64 words, 6 address bits */
#define E1000_PHY_REGS		32
#define E1000_TX_MAX		65536	/* one packet from the guest, TSO included */
#define E1000_FRAME_MAX		16384	/* one frame on the wire, jumbo included */
#define E1000_FRAME_SLACK	64	/* a runt padded to 60 bytes, a tag, an FCS */
#define E1000_TX_BUDGET		256	/* descriptors per doorbell or poll */
#define E1000_RA_ENTRIES	16
#define E1000_MTA_WORDS		128
#define E1000_VFTA_WORDS	128
#define E1000_STATS_WORDS	64	/* 0x4000..0x40ff, read to clear */

/* Register offsets (8254x SDM §13.4; e1000_hw.h). */
#define E1000_CTRL	0x0000
#define E1000_STATUS	0x0008
#define E1000_EECD	0x0010
#define E1000_EERD	0x0014
#define E1000_CTRL_EXT	0x0018
#define E1000_MDIC	0x0020
#define E1000_ICR	0x00c0
#define E1000_ITR	0x00c4
#define E1000_ICS	0x00c8
#define E1000_IMS	0x00d0
#define E1000_IMC	0x00d8
#define E1000_RCTL	0x0100
#define E1000_TCTL	0x0400
#define E1000_TIPG	0x0410
#define E1000_RDBAL	0x2800
#define E1000_RDBAH	0x2804
#define E1000_RDLEN	0x2808
#define E1000_RDH	0x2810
#define E1000_RDT	0x2818
#define E1000_RDTR	0x2820
#define E1000_RADV	0x282c
#define E1000_TDBAL	0x3800
#define E1000_TDBAH	0x3804
#define E1000_TDLEN	0x3808
#define E1000_TDH	0x3810
#define E1000_TDT	0x3818
#define E1000_STATS	0x4000
#define E1000_MPC	0x4010	/* missed packets */
#define E1000_GPRC	0x4074
#define E1000_BPRC	0x4078
#define E1000_MPRC	0x407c
#define E1000_GPTC	0x4080
#define E1000_GORCL	0x4088
#define E1000_GORCH	0x408c
#define E1000_GOTCL	0x4090
#define E1000_GOTCH	0x4094
#define E1000_RNBC	0x40a0	/* no buffers */
#define E1000_ROC	0x40ac	/* oversize */
#define E1000_TORL	0x40c0
#define E1000_TORH	0x40c4
#define E1000_TOTL	0x40c8
#define E1000_TOTH	0x40cc
#define E1000_TPR	0x40d0
#define E1000_TPT	0x40d4
#define E1000_MPTC	0x40f0
#define E1000_BPTC	0x40f4
#define E1000_TSCTC	0x40f8	/* TSO contexts */
#define E1000_MTA	0x5200
#define E1000_RA	0x5400	/* RAL n at RA + 8n, RAH n at RA + 8n + 4 */
#define E1000_VFTA	0x5600

#define E1000_CTRL_SLU		0x00000040
#define E1000_CTRL_RST		0x04000000
#define E1000_CTRL_PHY_RST	0x80000000
#define E1000_STATUS_FD		0x00000001
#define E1000_STATUS_LU		0x00000002
#define E1000_STATUS_SPEED_1000	0x00000080
#define E1000_EECD_SK		0x00000001
#define E1000_EECD_CS		0x00000002
#define E1000_EECD_DI		0x00000004
#define E1000_EECD_DO		0x00000008
#define E1000_EECD_REQ		0x00000040
#define E1000_EECD_GNT		0x00000080
#define E1000_EECD_PRES		0x00000100
#define E1000_EERD_START	0x00000001
#define E1000_EERD_DONE		0x00000010
#define E1000_MDIC_OP_WRITE	0x04000000
#define E1000_MDIC_OP_READ	0x08000000
#define E1000_MDIC_READY	0x10000000
#define E1000_MDIC_ERROR	0x40000000

/* Interrupt causes (ICR, ICS, IMS, IMC). */
#define E1000_ICR_TXDW		0x00000001
#define E1000_ICR_TXQE		0x00000002
#define E1000_ICR_LSC		0x00000004
#define E1000_ICR_RXDMT0	0x00000010
#define E1000_ICR_RXO		0x00000040
#define E1000_ICR_RXT0		0x00000080
#define E1000_ICR_MDAC		0x00000200

#define E1000_RCTL_EN		0x00000002
#define E1000_RCTL_SBP		0x00000004
#define E1000_RCTL_UPE		0x00000008
#define E1000_RCTL_MPE		0x00000010
#define E1000_RCTL_LPE		0x00000020
#define E1000_RCTL_RDMTS_SHIFT	8
#define E1000_RCTL_MO_SHIFT	12
#define E1000_RCTL_BAM		0x00008000
#define E1000_RCTL_BSIZE_SHIFT	16
#define E1000_RCTL_BSEX		0x02000000
#define E1000_RCTL_SECRC	0x04000000
#define E1000_TCTL_EN		0x00000002
#define E1000_RAH_AV		0x80000000

/* Descriptors: 16 bytes, rings 128-byte aligned in length. */
#define E1000_DESC_LEN		16
#define E1000_TXD_CMD_EOP	0x01	/* legacy CMD byte; data: << 24 */
#define E1000_TXD_CMD_IFCS	0x02
#define E1000_TXD_CMD_IC	0x04
#define E1000_TXD_CMD_TSE	0x04	/* extended: TSE in the IC position */
#define E1000_TXD_CMD_RS	0x08
#define E1000_TXD_CMD_DEXT	0x20
#define E1000_TXD_CMD_VLE	0x40
#define E1000_TXD_CMD_IDE	0x80
#define E1000_TXD_DTYP_D	0x1	/* DTYP, cmd_and_length bits 23:20 */
#define E1000_TXD_DTYP_C	0x0
#define E1000_TXD_CMD_IP	0x02	/* context TUCMD: IPv4 */
#define E1000_TXD_CMD_TCP	0x01	/* context TUCMD: TCP */
#define E1000_TXD_POPTS_IXSM	0x01
#define E1000_TXD_POPTS_TXSM	0x02
#define E1000_TXD_STAT_DD	0x01
#define E1000_RXD_STAT_DD	0x01
#define E1000_RXD_STAT_EOP	0x02
#define E1000_RXD_STAT_IXSM	0x04	/* no checksum indication */

/* Why the device dropped what it dropped (not hardware registers). */
struct e1000_counters {
	uint64_t tx_bad_addr;		/* a buffer outside guest RAM */
	uint64_t tx_too_long;		/* a packet beyond E1000_TX_MAX */
	uint64_t tx_runt;		/* shorter than an Ethernet header, unpadded */
	uint64_t tx_bad_tso;		/* a TSO context that does not fit the packet */
	uint64_t tx_ring_bad;		/* a ring outside guest RAM, or TDH past TDLEN */
	uint64_t rx_filtered;		/* not for us */
	uint64_t rx_no_buffer;		/* ring empty or receive disabled */
	uint64_t rx_link_down;		/* came while the link was down */
	uint64_t rx_bad_addr;		/* a buffer outside guest RAM */
	uint64_t rx_oversize;		/* longer than RCTL allows */
	uint64_t unknown_reads, unknown_writes;	/* registers not modelled */
};

/* The transmit offload context (8254x SDM §3.3.6). */
struct e1000_tx_context {
	uint8_t ipcss, ipcso, tucss, tucso, tucmd, hdr_len;
	uint16_t ipcse, tucse, mss;
	uint32_t paylen;
};

struct e1000 {
	struct vnic_config host;	/* as e1000_init() got it: MAC, backends */
	bool link_up;
	/* the receive filter as last told to filter() */
	uint32_t told_ral, told_rah;
	bool told_promiscuous, told;
	/* the multicast groups as last told to rx_groups(): all, or none */
	bool told_all_groups, told_groups;

	uint8_t pci[E1000_PCI_CONFIG];
	bool irq_level;
	uint32_t ioaddr;		/* BAR1 IOADDR */

	uint32_t ctrl, eecd, eerd, mdic;
	uint32_t icr, ims;
	uint32_t rctl, tctl;
	uint32_t rdbal, rdbah, rdlen, rdh, rdt;
	uint32_t tdbal, tdbah, tdlen, tdh, tdt;
	uint32_t ra[2 * E1000_RA_ENTRIES];
	uint32_t mta[E1000_MTA_WORDS];
	uint32_t mta_words_set;		/* words of mta[] that are not 0 */
	uint32_t vfta[E1000_VFTA_WORDS];
	uint32_t stats[E1000_STATS_WORDS];
	uint32_t plain[32];		/* registers kept but not acted on */

	uint16_t eeprom[E1000_EEPROM_WORDS];
	struct {			/* Microwire shift state */
		uint32_t in, bits_in, bit_out;
		bool reading;
	} ee;
	uint16_t phy[E1000_PHY_REGS];

	/* transmit: the packet gathered so far and the offload context */
	struct e1000_tx_context ctx;
	uint32_t tx_len;
	uint32_t tx_frames;		/* sent by this tx_process() call */
	bool tx_tso, tx_sum_ip, tx_sum_tcp;	/* from the packet's first data descriptor */
	bool tx_overflow, tx_fault;
	bool tx_ic;			/* legacy descriptor: insert a checksum */
	uint8_t tx_css, tx_cso;
	/* room past the packet for padding and an 802.1Q tag */
	uint8_t tx_buf[E1000_TX_MAX + E1000_FRAME_SLACK];
	uint8_t frame[E1000_FRAME_MAX + E1000_FRAME_SLACK];	/* a TSO segment, or a received frame */

	struct e1000_counters count;
};

/* A reset controller with cfg's memory, interrupt line, backend and MAC. */
void e1000_init(struct e1000 *d, const struct vnic_config *cfg);

/* Platform reset: the controller and its PCI configuration. */
void e1000_reset(struct e1000 *d);

/* A frame from the network (no FCS); false: filtered or dropped. */
bool e1000_receive(struct e1000 *d, const uint8_t *frame, uint32_t len);

/* Go on with transmit descriptors a doorbell left beyond its budget. */
void e1000_poll(struct e1000 *d);

/*
 * Link up or down (the cable), as an 82540EM sees it (8254x SDM §13.4.2,
 * §13.4.17): STATUS.LU and the PHY's link bits follow, ICR.LSC is raised;
 * while down nothing is received (count.rx_link_down) and the transmit
 * ring waits, as the MAC stops its DMA without link (Linux's e1000
 * watchdog then resets the controller to flush it); on link up what
 * waited goes out. A reset keeps the link as it is: it is the cable's.
 */
void e1000_set_link(struct e1000 *d, bool up);


/* Register window (offsets in BAR0), I/O window (BAR1), PCI configuration. */
struct vdev_io_ops;
struct pci_fn_ops;
extern const struct vdev_io_ops e1000_mmio_ops;
extern const struct vdev_io_ops e1000_io_ops;
extern const struct pci_fn_ops e1000_pci_ops;

#endif /* VMM_DEV_E1000_H */
