/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtual switch core (docs/network.md): ports, port groups with a VLAN
 * ID and a security policy, forwarding by the MACs the switch assigned to
 * its ports (no learning), one optional uplink. Pure: no NIC, no world, no
 * allocation (the owner provides the struct vswitch); every frame is
 * checked before a field of it is read. Built freestanding into the
 * vmkernel and, with -DVMK_HOST_TEST, for host tests and the fuzzer.
 */
#ifndef VMKERNEL_NET_VSWITCH_H
#define VMKERNEL_NET_VSWITCH_H

#include "vmkernel/platform.h"
#include "vmm/dev/vnic.h"		/* struct net_tso */

/* Ethernet framing, IEEE 802.3 clause 3; lengths exclude the 4-byte FCS. */
#define VSW_ETH_ALEN		6	/* a MAC address */

/* A multicast group address: the group bit set, not the broadcast address. */
static inline bool vsw_mac_is_group(const uint8_t *m)
{
	return (m[0] & 1) && (m[0] & m[1] & m[2] & m[3] & m[4] & m[5]) != 0xff;
}
#define VSW_ETH_HLEN		14	/* destination, source, EtherType */
#define VSW_ETH_ZLEN		60	/* minFrameSize 64 less the FCS (802.3 §4.4.2) */
#define VSW_ETH_FRAME_LEN	1514	/* 1500-byte payload, untagged */
/* IEEE 802.1Q §9.6: a 4-byte tag (TPID 0x8100, then the TCI) after the source. */
#define VSW_VLAN_HLEN		4
#define VSW_VLAN_FRAME_LEN	1518	/* 802.3 §3.5: 1522 with the FCS */
#define VSW_ETH_P_8021Q		0x8100
#define VSW_VLAN_VID_MASK	0x0fff	/* TCI: PCP (3 bits), DEI (1), VID (12) */

/* Port group VLAN IDs, as VMware's: 0 none (untagged), 1..4094 tagged, 4095 trunk. */
#define VSW_VLAN_NONE		0
#define VSW_VLAN_MAX		4094
#define VSW_VLAN_TRUNK		4095	/* every VLAN, the guest tags (VGT) */

#define VSW_NAME_MAX		32	/* switch and port group names, with the NUL */
#define VSW_PORTS_MAX		64	/* ports of one switch, the uplink included */
#define VSW_GROUPS_MAX		16	/* port groups of one switch */
/* Multicast groups one port registers; a longer list: every group. */
#define VSW_MC_PORT_MAX		16

enum vsw_owner {
	VSW_OWNER_UPLINK,	/* the physical NIC; owner_id: its NIC index */
	VSW_OWNER_VM,		/* a VM's vNIC; owner_id: the VM id */
	VSW_OWNER_COS,		/* the console OS's paravirtual netdev */
};

/*
 * Why a frame was lost. The first six are counted on the port the frame
 * came from (it was not taken), the next two on the port it was for;
 * VSW_DROP_LINK_DOWN on a port whose link is down, either way.
 */
enum vsw_drop {
	VSW_DROP_RUNT,		/* shorter than its header: 14 bytes, 18 tagged */
	VSW_DROP_OVERSIZE,	/* longer than 1514 bytes, 1518 tagged */
	VSW_DROP_BAD_SOURCE,	/* source MAC is a group (multicast) address */
	VSW_DROP_FORGED,	/* source is not the port's MAC; forged transmits rejected */
	VSW_DROP_VLAN,		/* tagged on a port that may not tag, or VID 4095 */
	VSW_DROP_NO_DEST,	/* no port to deliver to */
	VSW_DROP_RX_POLICY,	/* for a port whose receive a rejected MAC change stopped */
	VSW_DROP_QUEUE_FULL,	/* for a port whose owner had no room */
	VSW_DROP_LINK_DOWN,	/* from or for a port whose link is down */
	VSW_DROP_REASONS
};

/*
 * Counted from the owner's side, as its NIC would count: tx is what the
 * owner sent and the switch took, rx what the switch delivered to it. For
 * the uplink, tx came in from the wire and rx went out to it.
 */
struct vsw_counters {
	uint64_t tx_packets, tx_bytes;
	uint64_t rx_packets, rx_bytes;
	uint64_t drops[VSW_DROP_REASONS];
};

/* A port group's security policy; all false (reject) is the default. */
struct vsw_policy {
	bool promiscuous;	/* a port may ask for every frame of its VLANs */
	bool mac_change;	/* the guest may receive on a MAC of its choice */
	bool forged_transmit;	/* the guest may send from any source MAC */
};

/*
 * Hands one frame to a port's owner. frame is the sender's buffer or the
 * switch's scratch copy (a tag added or removed), valid only during the
 * call: the owner copies it (into a guest's receive ring, the NIC's
 * transmit ring). Called with the switch's lock held, so it must not call
 * into the switch. Returns 0, or nonzero when the owner had no room
 * (counted VSW_DROP_QUEUE_FULL on the port).
 */
typedef int (*vsw_deliver_fn)(void *ctx, const uint8_t *frame, uint32_t len);

/*
 * Hands a TSO packet to the uplink's NIC, which segments it: VSW_TSO_TAKEN;
 * VSW_TSO_REFUSED (its headers or sizes, or the NIC stopped: the sender
 * segments it); VSW_TSO_FULL (the ring has no room for the whole packet:
 * dropped, counted per frame as VSW_DROP_QUEUE_FULL on the uplink).
 */
#define VSW_TSO_TAKEN		0
#define VSW_TSO_REFUSED		1
#define VSW_TSO_FULL		2
typedef int (*vsw_deliver_tso_fn)(void *ctx, const uint8_t *frame, uint32_t len,
				  const struct net_tso *t);

struct vsw_port_config {
	enum vsw_owner kind;
	uint32_t owner_id;
	uint32_t nic;			/* a VM's vNIC: its ethernetN */
	const char *group;		/* port group name; NULL for the uplink */
	uint8_t mac[VSW_ETH_ALEN];	/* unicast, unique on the switch; not the uplink's */
	vsw_deliver_fn deliver;
	vsw_deliver_tso_fn deliver_tso;	/* the uplink's, or NULL: none */
	void *ctx;
};

struct vsw_group {
	char name[VSW_NAME_MAX];	/* "": a free slot */
	uint16_t vlan;			/* 0..4095 */
	struct vsw_policy policy;
	uint32_t nports;
};

struct vsw_port {
	bool used;
	enum vsw_owner kind;
	uint32_t owner_id;
	uint32_t nic;			/* a VM's vNIC: its ethernetN */
	uint32_t group;			/* index in groups[]; not for the uplink */
	uint8_t mac[VSW_ETH_ALEN];	/* the MAC the switch assigned */
	uint8_t filter_mac[VSW_ETH_ALEN];	/* the guest's receive filter */
	bool promiscuous;		/* the guest asked for every frame */
	/* from the two above and the policy (port_update_rx()) */
	uint8_t rx_mac[VSW_ETH_ALEN];	/* where unicast for this port goes */
	bool rx_refused;		/* a MAC change the policy rejects */
	bool rx_all;			/* promiscuous, and allowed */
	bool link_down;			/* the cable out: nothing in or out */
	/*
	 * Multicast from the uplink (vsw_port_set_mcast()): every group
	 * until the owner names its groups, and when it asks for all of
	 * them or names more than VSW_MC_PORT_MAX.
	 */
	bool mc_all;
	uint8_t mc_n;			/* entries of mc[], distinct */
	uint8_t mc[VSW_MC_PORT_MAX][VSW_ETH_ALEN];
	vsw_deliver_fn deliver;
	vsw_deliver_tso_fn deliver_tso;
	void *ctx;
	struct vsw_counters c;
};

/* One switch; the owner allocates it and calls vsw_init(). */
struct vswitch {
	struct spinlock lock;
	char name[VSW_NAME_MAX];
	uint32_t uplink;		/* its port id, 0: none */
	uint32_t rx_gen;		/* moves when what ports receive may have */
	struct vsw_group groups[VSW_GROUPS_MAX];
	struct vsw_port ports[VSW_PORTS_MAX];	/* port id n is ports[n - 1] */
	/* the frame with its tag removed, or with one added (under lock) */
	uint8_t plain[VSW_VLAN_FRAME_LEN];
	uint8_t tagged[VSW_VLAN_FRAME_LEN];
};

/*
 * Setup. Names are 1..31 printable ASCII characters ("vswitch0",
 * "VM Network"). Each call returns VMK_OK, VMK_BAD_PARAM (a bad name,
 * VLAN, MAC or port id, an unknown group), VMK_BUSY (a name, MAC or uplink
 * already there; a group that still has ports) or VMK_NO_CAPACITY (every
 * group or port slot taken).
 */
vmk_status_t vsw_init(struct vswitch *sw, const char *name);
vmk_status_t vsw_group_add(struct vswitch *sw, const char *name, uint16_t vlan,
			   const struct vsw_policy *policy);
vmk_status_t vsw_group_set_policy(struct vswitch *sw, const char *name,
				  const struct vsw_policy *policy);
/* VLAN and policy at once; the group's ports take both from their next frame. */
vmk_status_t vsw_group_set(struct vswitch *sw, const char *name, uint16_t vlan,
			   const struct vsw_policy *policy);
vmk_status_t vsw_group_remove(struct vswitch *sw, const char *name);
vmk_status_t vsw_port_connect(struct vswitch *sw, const struct vsw_port_config *cfg,
			      uint32_t *port_id);
vmk_status_t vsw_port_disconnect(struct vswitch *sw, uint32_t port_id);
/* A port other than the uplink has mac as its address or receives on it. */
bool vsw_mac_in_use(struct vswitch *sw, const uint8_t mac[VSW_ETH_ALEN]);
/*
 * What the guest programmed into its vNIC's receive filter: its unicast
 * address and the promiscuous bit. The port group's policy decides what
 * the port then receives (docs/network.md "Security policy").
 */
vmk_status_t vsw_port_set_filter(struct vswitch *sw, uint32_t port_id,
				 const uint8_t mac[VSW_ETH_ALEN], bool promiscuous);
/*
 * The multicast groups the port's owner wants from the uplink (a vNIC's
 * multicast table, vmk0's list): n group addresses (the group bit set,
 * not broadcast; duplicates taken once), or all of them. More than
 * VSW_MC_PORT_MAX: all of them. A list with another address is refused
 * (VMK_BAD_PARAM) and changes nothing. Broadcast always reaches every
 * port of the VLAN; multicast from a VM or the COS is flooded as before.
 */
vmk_status_t vsw_port_set_mcast(struct vswitch *sw, uint32_t port_id,
				const uint8_t (*groups)[VSW_ETH_ALEN], uint32_t n, bool all);
/*
 * A port's link (the vNIC's cable, vmkctl vm nic NAME link up|down):
 * while it is down nothing leaves the port and nothing reaches it, each
 * such frame VSW_DROP_LINK_DOWN on it. Up when connected.
 */
vmk_status_t vsw_port_set_link(struct vswitch *sw, uint32_t port_id, bool up);
vmk_status_t vsw_port_counters(struct vswitch *sw, uint32_t port_id,
			       struct vsw_counters *out);

/*
 * Switch one frame from port_id: len bytes, no FCS. The frame must not
 * change during the call (a vNIC copies it out of guest memory first).
 * Returns how many ports it was delivered to; every frame is counted once
 * on the sender (tx or a drop reason), see struct vsw_counters.
 */
uint32_t vsw_send(struct vswitch *sw, uint32_t port_id, const uint8_t *frame,
		  uint32_t len);

/*
 * A TSO packet of len bytes (at most VSW_TSO_MAX) from port_id, as one
 * piece, when it can leave that way: unicast to the uplink alone (no
 * port has its destination, no promiscuous port sees it), untagged on
 * both sides (VLAN 0), every check of vsw_send() passing for each
 * segment, and the uplink's NIC taking it (deliver_tso). Then it counts
 * as the frames the NIC makes of it (tx on the sender, rx on the
 * uplink: packets and bytes as on the wire, each frame padded to 60)
 * and returns true. The NIC's ring without room for it (VSW_TSO_FULL):
 * true too, one drop of the packet, counted as those frames (tx on the
 * sender, VSW_DROP_QUEUE_FULL on the uplink). false: nothing happened
 * and nothing was counted; the caller segments the packet and sends
 * each frame with vsw_send() (another port, a VLAN, a refusal, or a
 * drop counted per frame).
 */
#define VSW_TSO_MAX		65536
bool vsw_send_tso(struct vswitch *sw, uint32_t port_id, const uint8_t *frame,
		  uint32_t len, const struct net_tso *t);

/*
 * What the uplink must let in for the ports (docs/network.md "The
 * uplink"): the unicast address each other port receives on, up to max of
 * them into macs (returns how many there are, which may be more), and in
 * *promiscuous whether a port may see every frame. Broadcast and
 * multicast are the NIC's to take. vsw_rx_gen() moves whenever the answer
 * may have changed.
 */
uint32_t vsw_uplink_filter(struct vswitch *sw, uint8_t (*macs)[VSW_ETH_ALEN],
			   uint32_t max, bool *promiscuous);

/*
 * The multicast groups the uplink must let in: the union of the ports'
 * groups (each once, whatever its VLAN: the NIC's table has none), up to
 * max into groups; returns how many. *all: a port wants every group
 * (or may be promiscuous), or the union has more than max. Ports whose
 * MAC change was refused receive nothing and add nothing. vsw_rx_gen()
 * moves whenever the answer may have changed.
 */
uint32_t vsw_uplink_mcast(struct vswitch *sw, uint8_t (*groups)[VSW_ETH_ALEN],
			  uint32_t max, bool *all);

static inline uint32_t vsw_rx_gen(const struct vswitch *sw)
{
	return __atomic_load_n(&sw->rx_gen, __ATOMIC_ACQUIRE);
}

/* MAC addresses. */
bool vsw_mac_is_unicast(const uint8_t mac[VSW_ETH_ALEN]);	/* and not zero */
/* VMware's range for manually set addresses: 00:50:56:00:00:00-3F:FF:FF. */
bool vsw_mac_is_static(const uint8_t mac[VSW_ETH_ALEN]);
/*
 * The address a host generates for NIC nic of a VM: VMware's OUI 00:0C:29
 * and the last three bytes of the VM's UUID (uuid.bios), plus 10 per NIC
 * (the .vmx's ethernetN.generatedAddressOffset), modulo 2^24.
 */
void vsw_mac_generate(const uint8_t uuid[16], uint32_t nic, uint8_t mac[VSW_ETH_ALEN]);

#endif /* VMKERNEL_NET_VSWITCH_H */
