// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fake host for a virtual NIC model (vmm/dev/vnic.h) in the unit tests
 * and the fuzzers (e1000_test.h, vmxnet3_test.h): guest RAM behind
 * struct guest_dma (anything outside it refused and counted), the INTx
 * line (a "change" to its own level aborts: models report changes
 * only), a backend that keeps what the device transmits (anything but a
 * frame aborts), the receive filter and multicast groups as last told
 * (a list that breaks vnic.h's rules aborts); and the frames the
 * tests send and check. No Check here: the fuzzers include it too.
 */
#ifndef TESTS_UNIT_VMMNET_NIC_HOST_H
#define TESTS_UNIT_VMMNET_NIC_HOST_H

#include <stdlib.h>
#include <string.h>
#include "vmm/bytes.h"
#include "vmm/dev/pci_msi.h"
#include "vmm/dev/vnic.h"

#define NIC_RAM		(4u << 20)
#define NIC_TX_KEEP	64		/* frames the backend keeps */

static const uint8_t peer_mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };

struct nic_host {
	uint8_t *ram;
	uint32_t frame_max;		/* the longest frame the model may send */
	unsigned int dma_faults;
	bool irq;
	unsigned int irq_raises;
	unsigned int msis;		/* messages, with MSI on */
	struct pci_msi_msg last_msi;
	unsigned int nr_tx;		/* frames sent, all of them */
	uint32_t tx_len[NIC_TX_KEEP];
	uint8_t *tx_frame[NIC_TX_KEEP];
	unsigned int filter_told;	/* what the receive filter asked for, */
	uint8_t filter_mac[6];		/* last told */
	bool filter_promiscuous;
	unsigned int groups_told;	/* the multicast groups asked for, */
	uint32_t groups_n;		/* last told */
	uint8_t groups[VNIC_GROUPS_MAX][6];
	bool groups_all;
	bool tso_take;			/* tx_tso() takes TSO packets whole */
	unsigned int nr_tso;		/* TSO packets it took, */
	uint32_t tso_len;		/* the last one's length */
	struct net_tso tso_last;
	/* another vCPU of the guest, writing while the device reads (or NULL) */
	void (*before_read)(struct nic_host *h, uint64_t gpa, uint32_t len);
	unsigned int reads;		/* what before_read() may count */
};

static bool nh_in_ram(struct nic_host *h, uint64_t gpa, uint32_t len)
{
	if (gpa <= NIC_RAM && len <= NIC_RAM - gpa)
		return true;
	h->dma_faults++;
	return false;
}

static bool nh_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	struct nic_host *h = ctx;

	if (!nh_in_ram(h, gpa, len))
		return false;
	if (h->before_read)
		h->before_read(h, gpa, len);
	memcpy(dst, h->ram + gpa, len);
	return true;
}

static bool nh_write(void *ctx, uint64_t gpa, const void *src, uint32_t len)
{
	struct nic_host *h = ctx;

	if (!nh_in_ram(h, gpa, len))
		return false;
	memcpy(h->ram + gpa, src, len);
	return true;
}

static void nh_irq(void *ctx, bool level)
{
	struct nic_host *h = ctx;

	if (level == h->irq)
		abort();
	h->irq = level;
	h->irq_raises += level;
}

static void nh_msi(void *ctx, const struct pci_msi_msg *m)
{
	struct nic_host *h = ctx;

	h->msis++;
	h->last_msi = *m;
}

static void nh_tx(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct nic_host *h = ctx;

	if (len < 14 || len > h->frame_max)
		abort();
	if (h->nr_tx < NIC_TX_KEEP) {
		h->tx_frame[h->nr_tx] = malloc(len);
		if (!h->tx_frame[h->nr_tx])
			abort();
		memcpy(h->tx_frame[h->nr_tx], frame, len);
		h->tx_len[h->nr_tx] = len;
	}
	h->nr_tx++;
}

static bool nh_tx_tso(void *ctx, const uint8_t *packet, uint32_t len, const struct net_tso *t)
{
	struct nic_host *h = ctx;

	/* the contract of vnic.h: headers checked, each segment a frame */
	if (!len || len > 65536 || t->hlen >= len || t->mss < VNIC_TSO_MSS_MIN ||
	    t->hlen + t->mss > h->frame_max || t->l4 < t->ip + 20 || t->hlen < t->l4 + 20 ||
	    packet[12] != 0x08 || packet[13] != 0x00)
		abort();
	if (!h->tso_take)
		return false;
	h->nr_tso++;
	h->tso_len = len;
	h->tso_last = *t;
	return true;
}

static void nh_filter(void *ctx, const uint8_t mac[6], bool promiscuous)
{
	struct nic_host *h = ctx;

	h->filter_told++;
	memcpy(h->filter_mac, mac, 6);
	h->filter_promiscuous = promiscuous;
}

static void nh_rx_groups(void *ctx, const uint8_t (*groups)[6], uint32_t n, bool all)
{
	struct nic_host *h = ctx;

	/* the contract of vnic.h: a bounded list of group addresses, or all */
	if (n > VNIC_GROUPS_MAX || (all && n))
		abort();
	for (uint32_t i = 0; i < n; i++)
		if (!vnic_mac_is_group(groups[i]))
			abort();
	h->groups_told++;
	h->groups_n = n;
	if (n)
		memcpy(h->groups, groups, n * 6);
	h->groups_all = all;
}

/* Guest RAM, zeroed; frames up to frame_max bytes. */
static inline void nic_host_init(struct nic_host *h, uint32_t frame_max)
{
	memset(h, 0, sizeof(*h));
	if (!(h->ram = calloc(1, NIC_RAM)))
		abort();
	h->frame_max = frame_max;
}

/* A model's configuration backed by h, with its MAC and cable. */
static inline struct vnic_config nic_host_config(struct nic_host *h, const uint8_t mac[6],
						 bool link_down)
{
	struct vnic_config cfg = { .link_down = link_down };

	cfg.dma = (struct guest_dma){ nh_read, nh_write, h };
	cfg.set_irq = nh_irq;
	cfg.msi = nh_msi;
	cfg.irq_ctx = h;
	cfg.tx = nh_tx;
	cfg.tx_ctx = h;
	cfg.tx_tso = nh_tx_tso;
	cfg.filter = nh_filter;
	cfg.filter_ctx = h;
	cfg.rx_groups = nh_rx_groups;
	cfg.rx_groups_ctx = h;
	memcpy(cfg.mac, mac, 6);
	h->irq = false;
	return cfg;
}

static inline void nic_forget_tx(struct nic_host *h)
{
	for (unsigned int i = 0; i < NIC_TX_KEEP && i < h->nr_tx; i++)
		free(h->tx_frame[i]);
	h->nr_tx = 0;
}

static inline void nic_host_free(struct nic_host *h)
{
	nic_forget_tx(h);
	free(h->ram);
}

/* An Ethernet frame of len bytes to dst from peer_mac, payload counting up. */
static inline void make_frame(uint8_t *f, const uint8_t *dst, uint32_t len)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	for (uint32_t i = 14; i < len; i++)
		f[i] = (uint8_t)i;
}

static inline uint32_t sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * A TCP/IPv4 packet at p with payload bytes after its 54 bytes of
 * headers, as the guest's stack hands it to an offloading driver: the
 * TCP checksum field holds the pseudo-header sum, without the length
 * for TSO (and then no IP length or checksum either).
 */
static inline void make_tcp(uint8_t *p, uint32_t payload, bool tso)
{
	uint32_t sum;

	make_frame(p, peer_mac, 54 + payload);
	memset(p + 14, 0, 40);
	p[14] = 0x45;
	vmm_put_be16(p + 16, tso ? 0 : (uint16_t)(40 + payload));
	vmm_put_be16(p + 18, 0x1000);		/* IP ID */
	p[22] = 64;
	p[23] = 6;				/* TCP */
	vmm_put_be32(p + 26, 0x0a000001);
	vmm_put_be32(p + 30, 0x0a000002);
	vmm_put_be16(p + 34, 1234);
	vmm_put_be16(p + 36, 80);
	vmm_put_be32(p + 38, 1000);		/* sequence */
	p[46] = 5 << 4;
	p[47] = 0x19;				/* FIN PSH ACK */
	sum = sum16(p + 26, 8, 6 + (tso ? 0 : 20 + payload));
	vmm_put_be16(p + 50, (uint16_t)sum);
}

/* Both checksums of a TCP/IPv4 frame hold. */
static inline bool tcp_frame_ok(const uint8_t *f, uint32_t len)
{
	uint32_t tcp_len = len - 34;
	uint8_t pseudo[12];

	memcpy(pseudo, f + 26, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	vmm_put_be16(pseudo + 10, (uint16_t)tcp_len);
	return sum16(f + 14, 20, 0) == 0xffff &&
	       sum16(f + 34, tcp_len, sum16(pseudo, 12, 0)) == 0xffff;
}

#endif /* TESTS_UNIT_VMMNET_NIC_HOST_H */
