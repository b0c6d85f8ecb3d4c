/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmkernel's virtual switches as the COS sees them (docs/network.md,
 * docs/abi.md "Network"; since ABI version 11, several since 17). Numbers
 * VMK_HC_NET_* are in hypercall.h's table.
 */
#ifndef VMK_NET_H
#define VMK_NET_H

#include <vmk/hypercall.h>
#include <vmk/vm.h>

#define VMK_NET_MAX_SWITCHES	8	/* vswitch0 and internal ones (ABI 17) */
#define VMK_NET_MAX_GROUPS	16	/* of one switch */
#define VMK_NET_MAX_PORTS	64
#define VMK_NET_VLAN_TRUNK	4095	/* 1..4094 tagged; 0 untagged */

/* Port owners (struct vmk_net_port.kind). */
#define VMK_NET_PORT_UPLINK	0
#define VMK_NET_PORT_VM		1	/* owner_id: the VM id */
#define VMK_NET_PORT_COS	2

/* Why frames were lost (struct vmk_net_port.drops[]), as the switch counts. */
#define VMK_NET_DROP_RUNT	0
#define VMK_NET_DROP_OVERSIZE	1
#define VMK_NET_DROP_BAD_SOURCE	2
#define VMK_NET_DROP_FORGED	3
#define VMK_NET_DROP_VLAN	4
#define VMK_NET_DROP_NO_DEST	5
#define VMK_NET_DROP_RX_POLICY	6
#define VMK_NET_DROP_QUEUE_FULL	7
#define VMK_NET_DROP_LINK_DOWN	8	/* from or for a port whose link is down (ABI 16) */
#define VMK_NET_DROP_REASONS	9

/* struct vmk_net_port.flags */
#define VMK_NET_PORT_PROMISCUOUS	(1u << 0)	/* the guest asked for promiscuous mode */
#define VMK_NET_PORT_LINK_DOWN		(1u << 1)	/* its link is down (ABI 16) */

/* Security policy bits (struct vmk_net_group.policy); 0: all rejected. */
#define VMK_NET_ALLOW_PROMISCUOUS	(1u << 0)
#define VMK_NET_ALLOW_MAC_CHANGE	(1u << 1)
#define VMK_NET_ALLOW_FORGED		(1u << 2)

/* The uplink NIC (struct vmk_net_uplink.state), as VMK_STORAGE_* for the HBA. */
#define VMK_NET_UPLINK_NONE	0	/* no such NIC on the PCI buses */
#define VMK_NET_UPLINK_RUNNING	1	/* the vmkernel drives it: vswitch0's uplink */
#define VMK_NET_UPLINK_REFUSED	2	/* found, not taken: msg says why */
#define VMK_NET_UPLINK_FAILED	3	/* taken, then its setup failed: msg */
#define VMK_NET_UPLINK_COS	4	/* none asked for (vmkload without net=1) */
/* struct vmk_net_uplink.rx_filter; 0: only its address filter and the MTA. */
#define VMK_NET_RX_ALL_UNICAST		0x01	/* promiscuous: every unicast frame */
#define VMK_NET_RX_ALL_MULTICAST	0x02	/* every multicast frame */

#define VMK_NET_MSG_LEN		104

/* struct vmk_net_info.flags */
#define VMK_NET_SWITCH_INTERNAL	(1u << 0)	/* no uplink (ABI 17) */

/* struct vmk_net_switch.op (VMK_HC_NET_SWITCH) */
#define VMK_NET_SWITCH_ADD	1	/* an internal switch */
#define VMK_NET_SWITCH_DEL	2	/* refused while its port groups have ports */

#ifndef __ASSEMBLER__
struct vmk_net_group {
	char name[VMK_NET_NAME_LEN];	/* NUL-terminated; 1..31 printable ASCII */
	uint32_t vlan;			/* 0..4095 */
	uint32_t policy;		/* VMK_NET_ALLOW_* */
	uint32_t nports;		/* out */
	uint32_t reserved;
	/*
	 * The switch that holds it (ABI 17): in for NET_GROUP_ADD ("":
	 * vswitch0); out in NET_INFO; SET and DEL find the group by name.
	 */
	char vswitch[VMK_NET_NAME_LEN];
};

/* VMK_HC_NET_SWITCH (ABI 17). */
struct vmk_net_switch {
	char name[VMK_NET_NAME_LEN];	/* NUL-terminated; 1..31 printable ASCII */
	uint32_t op;			/* VMK_NET_SWITCH_* */
	uint32_t reserved;
};

struct vmk_net_port {
	uint32_t id;			/* 1..VMK_NET_MAX_PORTS */
	uint32_t kind;			/* VMK_NET_PORT_* */
	uint32_t owner_id;
	uint32_t group;			/* index in vmk_net_info.group[] */
	uint8_t mac[6];			/* the address the switch assigned */
	uint8_t filter_mac[6];		/* what the guest programmed */
	uint32_t flags;			/* VMK_NET_PORT_* */
	uint32_t nic;			/* a VM's port: its ethernetN (ABI 24) */
	uint64_t tx_packets, tx_bytes;	/* from the owner's side */
	uint64_t rx_packets, rx_bytes;
	uint64_t drops[VMK_NET_DROP_REASONS];
};

/* The physical NIC behind the switch's uplink port (since ABI version 12). */
struct vmk_net_uplink {
	uint32_t state;			/* VMK_NET_UPLINK_* */
	uint32_t pci_bdf;		/* bus << 8 | device << 3 | function */
	uint64_t bar_pa;
	uint32_t bar_len;
	uint32_t link_mbps;		/* 0: link down */
	uint8_t mac[6];			/* from the NIC's EEPROM */
	uint8_t rx_filter;		/* VMK_NET_RX_*: what the NIC takes besides its filter */
	uint8_t rx_addrs;		/* unicast addresses in its filter besides its own */
	char driver[16];		/* "e1000" */
	char msg[VMK_NET_MSG_LEN];	/* REFUSED/FAILED: why */
	/* the driver's counters (the port's are in port[]) */
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t rx_bad_len, rx_errors, rx_fragments, tx_ring_full;
	/* ABI 44: the NIC's interrupts the vmkernel acknowledged (ICR read);
	 * vmk0's doorbells sent as an IPI, and those merged into the NIC's
	 * interrupt in service (docs/network.md "Interrupts for vmk0 ...") */
	uint64_t irqs, bell_ipis, bells_merged;
	/* ABI 46: the multicast groups hashed into its table (MTA) from
	 * the ports' lists; 0 with VMK_NET_RX_ALL_MULTICAST */
	uint32_t rx_groups;
	uint32_t reserved3;
	/* ABI 47: TSO packets handed to the NIC whole (it segments them),
	 * refused by the driver (headers or sizes), and not queued for a
	 * ring without room for the whole packet (docs/network.md "TSO to
	 * the uplink"); tx_packets counts a TSO packet's frames */
	uint64_t tx_tso, tx_tso_bad, tx_tso_ring_full;
};

/*
 * VMK_HC_NET_INFO: one switch, its port groups and its ports; the first
 * switch from slot start on (ABI 17; vswitch0 is slot 0).
 */
struct vmk_net_info {
	uint32_t start;			/* in: a slot, 0..VMK_NET_MAX_SWITCHES - 1 */
	uint32_t next;			/* out: start of the next switch, 0 after the last */
	uint32_t nswitches;		/* out: switches on the host */
	uint32_t flags;			/* out: VMK_NET_SWITCH_* */
	char name[VMK_NET_NAME_LEN];
	uint32_t ngroups;		/* entries used in group[] */
	uint32_t nports;		/* entries used in port[] */
	struct vmk_net_group group[VMK_NET_MAX_GROUPS];
	struct vmk_net_port port[VMK_NET_MAX_PORTS];
	struct vmk_net_uplink uplink;	/* vswitch0's; zero on an internal switch */
};

/*
 * VMK_HC_COS_NET (ABI 36): the COS's paravirtual NIC, a port of vswitch0
 * in the port group "Management Network" with the uplink NIC's MAC. TX
 * hands the frames at frame[0..nframes) to the switch; RX fills the
 * buffers at frame[0..nframes) (each VMK_COS_NET_BUF_LEN bytes) with the
 * frames the switch queued for the port, oldest first. Every address is
 * COS-physical and contiguous in COS memory; a request with one bad entry
 * does nothing (VMK_BAD_PARAM or VMK_BAD_ADDRESS, msg says which). Both
 * poll the uplink NIC (RX before taking frames, TX after sending) and
 * answer pending and queue_drops (TX since ABI 39): a TX whose answer is
 * already queued tells the driver to receive.
 *
 * ARM (ABI 41) asks for a doorbell instead of a timed poll: the vmkernel
 * raises the COS's vector (a fixed IPI, edge) at the CPU with APIC ID
 * apic_id once the port's queue gets a frame, one time per ARM; an RX
 * call disarms. vector is a Linux device vector (VMK_COS_NET_VEC_MIN..
 * _MAX), the one Linux routed the uplink NIC's INTx to, and apic_id a CPU
 * the vmkernel runs on: the same pair routes the NIC's own interrupt to
 * the vmkernel, which then enables it (docs/network.md "Interrupts for
 * vmk0 and the uplink"). ARM polls the uplink first; pending nonzero:
 * frames wait, nothing armed, receive now. nframes is not read. QUIET
 * (vmk0 down) disarms and turns the NIC's interrupt off until the next
 * ARM: nobody in the COS would claim it.
 *
 * MCAST (ABI 46): the multicast groups vmk0 wants from the wire (its
 * ndo_set_rx_mode list): nframes (0..VMK_COS_NET_GROUPS) addresses in
 * group[], each a group address other than broadcast, or every group
 * with VMK_COS_NET_ALLMULTI in flags (IFF_ALLMULTI, IFF_PROMISC, or a
 * longer list). A bad entry refuses the whole list (VMK_BAD_PARAM, msg
 * names it); the port keeps its last list. Nothing is polled.
 */
/*
 * Shared rings (ABI 49; docs/network.md "vmk0's rings"): SETUP registers
 * an RX ring at frame[0].gpa and a TX ring at frame[1].gpa (each a
 * struct vmk_cos_net_ring, zeroed, contiguous COS memory; both 0: the
 * rings are dropped, as vmk0 goes down). Then the switch's deliver()
 * copies each frame for the port into the next buffer the COS posted
 * (desc[next % VMK_COS_NET_RING].gpa, VMK_COS_NET_BUF_LEN bytes; len not
 * read), writes its used entry and used, adds a frame it had no buffer
 * for to drops, and raises the doorbell (ARM's vector and CPU) when used
 * goes past event: NAPI reads used entries with no hypercall. TX: the
 * COS writes descriptors (gpa, len 1..VMK_COS_NET_FRAME_MAX), then avail,
 * and KICKs unless busy says the vmkernel drains already; each is sent
 * through the switch as TX's, completed in order (used entry: len, flags
 * VMK_COS_NET_USED_SENT or 0 for refused/dropped, VMK_COS_NET_USED_BAD
 * for a bad descriptor) and answers sent; then it polls the uplink NIC as
 * TX does, ringing no doorbell for what that brings (the driver reads RX's
 * used after a KICK). POLL polls the uplink NIC into the RX ring (the
 * polled fallback, the fallback timer). Every
 * index and descriptor is read once by the vmkernel: avail more than
 * VMK_COS_NET_RING past the vmkernel's own next index breaks nothing but
 * that call (RX: the frame drops; TX: KICK fails with msg). ARM with
 * rings only sets the doorbell's target (no one-shot): event is the
 * driver's "ring me" (ring when used passes it, virtio's event index).
 */
#define VMK_COS_NET_RING	128	/* entries of a ring, a power of two */
#define VMK_COS_NET_USED_SENT	(1u << 0)	/* TX used: the switch delivered it */
#define VMK_COS_NET_USED_BAD	(1u << 1)	/* used: descriptor refused (TX or RX) */

#define VMK_COS_NET_INFO	1	/* out: port, mac; VMK_NOT_SUPPORTED: no port */
#define VMK_COS_NET_TX		2
#define VMK_COS_NET_RX		3
#define VMK_COS_NET_ARM		4	/* in: vector, apic_id; out: pending (ABI 41) */
#define VMK_COS_NET_QUIET	5	/* no doorbell, no NIC interrupt (ABI 41) */
#define VMK_COS_NET_MCAST	6	/* in: nframes groups in group[], flags (ABI 46) */
#define VMK_COS_NET_SETUP	7	/* in: frame[0].gpa RX ring, [1] TX ring (ABI 49) */
#define VMK_COS_NET_KICK	8	/* TX ring: drain it (ABI 49) */
#define VMK_COS_NET_POLL	9	/* the uplink into the RX ring (ABI 49) */
#define VMK_COS_NET_GROUPS	64	/* entries of group[] (over frame[]'s bytes) */
#define VMK_COS_NET_ALLMULTI	(1u << 0)	/* flags: every multicast group */
#define VMK_COS_NET_VEC_MIN	0x20	/* the first vector a LAPIC delivers */
#define VMK_COS_NET_VEC_MAX	0xeb	/* below Linux's system vectors (0xec up) */
#define VMK_COS_NET_FRAMES	32	/* entries of frame[] one call takes at most */
#define VMK_COS_NET_BUF_LEN	2048	/* RX: a buffer's size (a tagged frame fits) */
#define VMK_COS_NET_FRAME_MAX	1518	/* TX: longest frame, 802.1Q-tagged, no FCS */

struct vmk_cos_net_frame {
	uint64_t gpa;			/* in: the frame (TX) or a buffer (RX) */
	uint32_t len;			/* TX in: 1..VMK_COS_NET_FRAME_MAX; RX out */
	uint32_t reserved;
};

struct vmk_cos_net_group {
	uint8_t mac[6];			/* a group address: bit 0 of mac[0] set */
	uint8_t reserved[2];
};

struct vmk_cos_net {
	uint32_t op;			/* in: VMK_COS_NET_* */
	uint32_t nframes;		/* in: 1..VMK_COS_NET_FRAMES; RX out: filled */
	uint32_t port;			/* out: its port id on vswitch0 */
	uint32_t pending;		/* out: frames queued for the COS */
	uint8_t mac[6];			/* out: the port's MAC */
	uint8_t vector;			/* ARM in: the doorbell's vector */
	uint8_t apic_id;		/* ARM in: the CPU it is raised at */
	uint32_t sent;			/* TX out: frames the switch delivered somewhere */
	uint32_t flags;			/* MCAST in: VMK_COS_NET_ALLMULTI (ABI 46) */
	uint64_t queue_drops;		/* out: frames the full receive queue dropped */
	union {
		struct vmk_cos_net_frame frame[VMK_COS_NET_FRAMES];	/* TX, RX */
		struct vmk_cos_net_group group[VMK_COS_NET_GROUPS];	/* MCAST */
	};
	char msg[VMK_NET_MSG_LEN];	/* out: why not */
};
_Static_assert(__builtin_offsetof(struct vmk_cos_net, queue_drops) == 32 &&
	       __builtin_offsetof(struct vmk_cos_net, frame) == 40 &&
	       sizeof(((struct vmk_cos_net *)0)->group) ==
	       sizeof(((struct vmk_cos_net *)0)->frame),
	       "struct vmk_cos_net: one layout for the COS module, the vmkernel and host tests");

struct vmk_cos_net_used {
	uint32_t len;			/* RX: the frame's bytes; TX: the descriptor's */
	uint32_t flags;			/* TX: VMK_COS_NET_USED_* */
};

struct vmk_cos_net_ring {
	uint32_t avail;			/* COS: descriptors posted (free-running) */
	uint32_t event;			/* COS, RX: doorbell when used passes it */
	uint32_t used;			/* vmkernel: entries completed (free-running) */
	uint32_t busy;			/* vmkernel, TX: draining, no KICK needed */
	uint64_t drops;			/* vmkernel, RX: frames with no buffer */
	uint64_t reserved;
	struct vmk_cos_net_frame desc[VMK_COS_NET_RING];	/* COS */
	struct vmk_cos_net_used used_ent[VMK_COS_NET_RING];	/* vmkernel */
};
_Static_assert(sizeof(struct vmk_cos_net_ring) <= 4096 &&
	       (VMK_COS_NET_RING & (VMK_COS_NET_RING - 1)) == 0,
	       "a vmk0 ring is one page, a power of two entries");
_Static_assert(__builtin_offsetof(struct vmk_cos_net_ring, drops) == 16 &&
	       __builtin_offsetof(struct vmk_cos_net_ring, desc) == 32 &&
	       __builtin_offsetof(struct vmk_cos_net_ring, used_ent) == 2080 &&
	       sizeof(struct vmk_cos_net_ring) == 3104,
	       "struct vmk_cos_net_ring: one layout for the COS module, the vmkernel and host tests");
#endif /* __ASSEMBLER__ */

#endif /* VMK_NET_H */
