// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a virtual NIC model (vmm/dev/e1000.h, vmm/dev/vmxnet3.h) gets from
 * whoever hosts it: guest memory, the INTx line or MSI, where its frames go,
 * who hears its receive filter, its MAC and cable. filter() hears the
 * address the guest's driver set and whether it asks for unicast
 * promiscuous mode, at reset and whenever either changes (a half-written
 * address is never told); the host's switch decides by its policy what
 * reaches the port (docs/network.md "Security policy"). rx_groups()
 * hears which multicast groups the guest wants from the wire: n group
 * addresses (VNIC_GROUPS_MAX at most, each with the group bit set and not
 * broadcast; the guest's duplicates may be among them: the switch keeps
 * each once), or all of them; at reset and whenever the guest's
 * table or mode may have changed (docs/network.md "Multicast per vNIC").
 * tx() must not
 * call the model's receive on the same device (the model may build the
 * frame it sends in the buffer a received frame would use): queue such
 * a frame instead.
 */
#ifndef VMM_DEV_VNIC_H
#define VMM_DEV_VNIC_H

#include "vmm/platform.h"
#include "vmm/guest_dma.h"

struct pci_msi_msg;

/*
 * A hostile guest's TCP segmentation offload: an MSS of 1 on a 64 KiB
 * packet makes 65 535 frames from one descriptor. The models refuse an
 * MSS below 8 bytes, and stop a transmit walk between packets once it
 * has sent VNIC_TX_FRAME_BUDGET frames (the rest waits for the next
 * doorbell or poll), so one exit's work under the VM's lock stays
 * bounded (a packet: at most 8192 frames). The floor is not higher
 * because Linux segments as finely as its tcp_min_snd_mss (48) less the
 * TCP options it carries (up to 40) when a peer advertises a tiny MSS:
 * a floor of 88 (TCP_MIN_MSS) dropped such real traffic.
 */
#define VNIC_TSO_MSS_MIN	8
#define VNIC_TX_FRAME_BUDGET	1024

/*
 * The groups a model names to rx_groups() at most: the switch keeps as
 * many a port (VSW_MC_PORT_MAX, vmkernel/vm/vm_nic.c checks); a guest
 * that joins more asks for all of them.
 */
#define VNIC_GROUPS_MAX		16

/* A multicast group address: the group bit set, and not broadcast. */
static inline bool vnic_mac_is_group(const uint8_t mac[6])
{
	return (mac[0] & 1) &&
	       (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) != 0xff;
}

/*
 * A TCP/IPv4 TSO packet as a model hands it to tx_tso() whole, the switch
 * (vsw_send_tso()) and the uplink's driver (e1000_nic_tx_tso()) take it:
 * hlen bytes of Ethernet (untagged), IPv4 (at ip) and TCP (at l4)
 * headers, segments of mss payload bytes; the TCP checksum field holds
 * the pseudo-header sum without the length (as Linux's TSO leaves it).
 */
struct net_tso {
	uint32_t hlen, mss, ip, l4;
};

/* The most header bytes a NIC copies into each segment (the 8254x's HDRLEN). */
#define NET_TSO_HLEN_MAX	255

/*
 * The frames such a packet of len bytes (hlen < len, mss > 0) makes, and
 * in *bytes their length on the wire, each padded to 60 bytes (ETH_ZLEN)
 * as a NIC pads a short frame.
 */
static inline uint32_t net_tso_frames(uint32_t len, const struct net_tso *t, uint64_t *bytes)
{
	uint32_t payload = len - t->hlen, segs = (payload + t->mss - 1) / t->mss;
	uint32_t full = t->hlen + t->mss, end = t->hlen + payload - (segs - 1) * t->mss;

	*bytes = (uint64_t)(segs - 1) * (full < 60 ? 60 : full) + (end < 60 ? 60 : end);
	return segs;
}

struct vnic_config {
	struct guest_dma dma;
	void (*set_irq)(void *ctx, bool level);	/* the INTx line */
	/* a message (irq_ctx; vmm/dev/pci_msi.h), or NULL: models with MSI */
	void (*msi)(void *ctx, const struct pci_msi_msg *m);
	void *irq_ctx;
	void (*tx)(void *ctx, const uint8_t *frame, uint32_t len);
	void *tx_ctx;
	/*
	 * A TSO packet of up to 64 KiB as one piece (the uplink's NIC cuts
	 * it; tx_ctx). true: taken and counted as its segments; false or
	 * NULL: the model segments it and sends each frame with tx().
	 */
	bool (*tx_tso)(void *ctx, const uint8_t *packet, uint32_t len,
		       const struct net_tso *t);
	void (*filter)(void *ctx, const uint8_t mac[6], bool promiscuous);	/* or NULL */
	void *filter_ctx;
	void (*rx_groups)(void *ctx, const uint8_t (*groups)[6], uint32_t n,
			  bool all);	/* or NULL */
	void *rx_groups_ctx;
	uint8_t mac[6];
	bool link_down;			/* the cable out from the start */
};

#endif /* VMM_DEV_VNIC_H */
