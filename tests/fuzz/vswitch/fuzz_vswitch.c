// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the virtual switch core (vmkernel/net/vswitch.c).
 * A small fixed topology: an uplink, two ports on "VM Network" (no VLAN,
 * one the COS's), VLAN 10 with the default policy and VLAN 10 allowing
 * everything, VLAN 20, a trunk allowing promiscuous mode. Each input is a
 * run of records:
 *   port (mod NPORTS), ctl, len (2 bytes, little-endian), full mask,
 *   link-down mask, multicast, frame
 * ctl bits 0-3: the destination MAC (0-7: a port's, 8: broadcast, 9: a
 * multicast group, 10-15: as in the frame); bit 4: the source is the
 * sender's own MAC; bit 5: first set the sender's receive filter to its
 * own MAC (bit 6 clear) or to another (bit 6 set), promiscuous if bit 7.
 * The full mask says which ports' owners answer "no room", the link-down
 * mask which ports' links are down (vsw_port_set_link()). The multicast
 * byte, bit 7 set: first the sender names its groups (vsw_port_set_mcast())
 * by bits 0-1: all of them, the group of ctl's destination 9, none, or
 * another group. Each frame is
 * a buffer of exactly its length, so ASan sees any read past it.
 *
 * Invariants, checked on every frame: nothing goes back to its sender;
 * every delivery is to a port of the frame's VLAN and in that port's form
 * of the frame (tagged for the uplink and the trunk, untagged otherwise,
 * byte for byte); a port refusing receive gets nothing; a port gets
 * unicast only for its address unless it is an allowed promiscuous port
 * or the uplink; a port whose link is down gets nothing and, as sender,
 * has its frame counted link-down and offered to nobody; a group from
 * the wire reaches only ports that want it (broadcast: every port); the
 * counters
 * change by exactly what happened. Each frame longer than 54 bytes from
 * a port other than the uplink is then sent again as a TSO packet
 * (vsw_send_tso(), send_tso() says what must hold).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmkernel/net/vswitch.h"

enum { U, A, M, C, O, E, T, B, NPORTS };

struct topo_port {
	const char *group;	/* NULL: the uplink */
	enum vsw_owner kind;
};

static const struct topo_port topo[NPORTS] = {
	[U] = { NULL, VSW_OWNER_UPLINK },
	[A] = { "VM Network", VSW_OWNER_VM },
	[M] = { "VM Network", VSW_OWNER_COS },
	[C] = { "VLAN10", VSW_OWNER_VM },
	[O] = { "VLAN10 open", VSW_OWNER_VM },
	[E] = { "VLAN20", VSW_OWNER_VM },
	[T] = { "Trunk", VSW_OWNER_VM },
	[B] = { "VLAN10", VSW_OWNER_VM },
};

struct topo_group {
	const char *name;
	uint16_t vlan;
	struct vsw_policy policy;
};

static const struct topo_group groups[] = {
	{ "VM Network", 0, { 0 } },
	{ "VLAN10", 10, { 0 } },
	{ "VLAN10 open", 10, { true, true, true } },
	{ "VLAN20", 20, { 0 } },
	{ "Trunk", VSW_VLAN_TRUNK, { .promiscuous = true } },
};

static struct vswitch sw;
static uint32_t port_id[NPORTS];
static uint8_t mac[NPORTS][VSW_ETH_ALEN];	/* assigned */
static uint8_t other_mac[NPORTS][VSW_ETH_ALEN];	/* a filter MAC nobody has */
static bool filter_changed[NPORTS], promiscuous[NPORTS], full[NPORTS], down[NPORTS];
/* vsw_port_set_mcast() of each port: MC_ALL until it names its groups */
enum { MC_ALL, MC_JOINED, MC_NONE, MC_OTHER };
static uint8_t mc_mode[NPORTS];
static const uint8_t mcast[VSW_ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t mcast_other[VSW_ETH_ALEN] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };

/* The frame being switched and what the harness expects of it. */
static struct {
	int from;
	const uint8_t *frame;
	uint32_t len;
	bool tagged;
	uint16_t vlan;
	uint32_t calls, delivered, refused_full;
	uint64_t bytes;
} cur;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "vswitch invariant broken: %s (from port %d, len %u)\n", \
			#cond, cur.from, cur.len); \
		abort(); \
	} \
} while (0)

static const struct topo_group *group_of(int i)
{
	uint32_t g;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		if (topo[i].group && !strcmp(groups[g].name, topo[i].group))
			return &groups[g];
	return NULL;
}

static bool carries_tags(int i)
{
	return i == U || group_of(i)->vlan == VSW_VLAN_TRUNK;
}

static bool in_vlan(int i, uint16_t vlan)
{
	return carries_tags(i) || group_of(i)->vlan == vlan;
}

/* The frame as port i should get it: with or without its VLAN's tag. */
static uint32_t expected_form(int i, uint8_t *out)
{
	uint32_t len = cur.len;

	if (cur.vlan && carries_tags(i)) {
		if (cur.tagged) {
			memcpy(out, cur.frame, len);
			return len;
		}
		memcpy(out, cur.frame, 12);
		out[12] = 0x81;
		out[13] = 0x00;
		out[14] = (uint8_t)(cur.vlan >> 8);
		out[15] = (uint8_t)cur.vlan;
		memcpy(out + 16, cur.frame + 12, len - 12);
		return len + 4;
	}
	if (!cur.tagged) {
		memcpy(out, cur.frame, len);
		return len;
	}
	memcpy(out, cur.frame, 12);
	memcpy(out + 12, cur.frame + 16, len - 16);
	len -= 4;
	if (len < VSW_ETH_ZLEN) {
		memset(out + len, 0, VSW_ETH_ZLEN - len);
		len = VSW_ETH_ZLEN;
	}
	return len;
}

/* The address port i receives unicast on. */
static const uint8_t *rx_mac(int i)
{
	const struct topo_group *g = group_of(i);

	return filter_changed[i] && g->policy.mac_change ? other_mac[i] : mac[i];
}

/* Whether unicast to dst stays inside the switch (never to the uplink). */
static bool local_unicast(const uint8_t *dst)
{
	int j;

	for (j = 0; j < NPORTS; j++)
		if (j != U && in_vlan(j, cur.vlan) && !memcmp(dst, rx_mac(j), VSW_ETH_ALEN))
			return true;
	return cur.from != U && !memcmp(dst, rx_mac(cur.from), VSW_ETH_ALEN);
}

static int deliver(void *ctx, const uint8_t *frame, uint32_t len)
{
	int i = (int)(intptr_t)ctx;
	static uint8_t want[VSW_VLAN_FRAME_LEN];
	const struct topo_group *g = group_of(i);
	uint32_t want_len;

	cur.calls++;
	CHECK(i != cur.from);
	CHECK(!down[i] && !down[cur.from]);
	CHECK(in_vlan(i, cur.vlan));
	/* with the policies above a changed filter is accepted only in "VLAN10 open" */
	CHECK(!filter_changed[i] || (g && g->policy.mac_change));
	if (!(cur.frame[0] & 1) && i != U)
		CHECK(!memcmp(cur.frame, rx_mac(i), VSW_ETH_ALEN) ||
		      (promiscuous[i] && g->policy.promiscuous));
	if (!(cur.frame[0] & 1) && i == U)
		CHECK(!local_unicast(cur.frame));
	/* a group from the wire: only to ports that want it */
	if ((cur.frame[0] & 1) && cur.from == U && memcmp(cur.frame, "\xff\xff\xff\xff\xff\xff", 6))
		CHECK(mc_mode[i] == MC_ALL || (promiscuous[i] && g->policy.promiscuous) ||
		      (mc_mode[i] == MC_JOINED && !memcmp(cur.frame, mcast, VSW_ETH_ALEN)) ||
		      (mc_mode[i] == MC_OTHER && !memcmp(cur.frame, mcast_other, VSW_ETH_ALEN)));
	want_len = expected_form(i, want);
	CHECK(len == want_len);
	CHECK(!memcmp(frame, want, len));
	if (full[i]) {
		cur.refused_full++;
		return 1;
	}
	cur.delivered++;
	cur.bytes += len;
	return 0;
}

/* The uplink's TSO hand-over: only the uplink's, the packet as sent;
 * its ring full (full[U]) or the packet refused (tso_refuse). */
static uint32_t tso_calls;
static bool tso_refuse;

static int deliver_tso(void *ctx, const uint8_t *frame, uint32_t len, const struct net_tso *t)
{
	(void)t;
	CHECK((int)(intptr_t)ctx == U);
	CHECK(frame == cur.frame && len == cur.len);
	tso_calls++;
	if (full[U])
		return VSW_TSO_FULL;
	return tso_refuse ? VSW_TSO_REFUSED : VSW_TSO_TAKEN;
}

static void topology(void)
{
	uint32_t g;
	int i;

	if (vsw_init(&sw, "vswitch0") != VMK_OK)
		abort();
	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		if (vsw_group_add(&sw, groups[g].name, groups[g].vlan, &groups[g].policy) != VMK_OK)
			abort();
	for (i = 0; i < NPORTS; i++) {
		struct vsw_port_config cfg = {
			.kind = topo[i].kind, .owner_id = (uint32_t)i, .group = topo[i].group,
			.deliver = deliver, .deliver_tso = deliver_tso, .ctx = (void *)(intptr_t)i,
		};
		static const uint8_t base[VSW_ETH_ALEN] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x00 };

		memcpy(mac[i], base, VSW_ETH_ALEN);
		mac[i][5] = (uint8_t)(0x10 + i);
		memcpy(other_mac[i], base, VSW_ETH_ALEN);
		other_mac[i][5] = (uint8_t)(0x80 + i);
		memcpy(cfg.mac, mac[i], VSW_ETH_ALEN);
		if (vsw_port_connect(&sw, &cfg, &port_id[i]) != VMK_OK)
			abort();
		filter_changed[i] = promiscuous[i] = down[i] = false;
		mc_mode[i] = MC_ALL;
	}
}

static void counters_of(struct vsw_counters *c)
{
	int i;

	for (i = 0; i < NPORTS; i++)
		if (vsw_port_counters(&sw, port_id[i], &c[i]) != VMK_OK)
			abort();
}

/*
 * Whether the switch must refuse the frame: no full header, too long, a
 * group source, a forged source, a tag where the sender may not tag, or
 * the reserved VID 4095.
 */
static bool must_refuse(void)
{
	const uint8_t *f = cur.frame;
	const struct topo_group *g = group_of(cur.from);
	bool tpid;

	if (cur.len < VSW_ETH_HLEN)
		return true;
	tpid = f[12] == 0x81 && f[13] == 0x00;
	if ((tpid && cur.len < 18) || cur.len > (tpid ? 1518u : 1514u) || (f[6] & 1))
		return true;
	if (g && !g->policy.forged_transmit && memcmp(f + 6, rx_mac(cur.from), VSW_ETH_ALEN))
		return true;
	if (tpid && !carries_tags(cur.from))
		return true;
	return tpid && (f[14] & 0xf) == 0xf && f[15] == 0xff;
}

/* What the harness expects the frame's VLAN to be, from the sender's side. */
static void classify(void)
{
	cur.tagged = cur.len >= 18 && cur.frame[12] == 0x81 && cur.frame[13] == 0x00;
	if (carries_tags(cur.from))
		cur.vlan = cur.tagged ? ((cur.frame[14] << 8 | cur.frame[15]) & VSW_VLAN_VID_MASK) : 0;
	else
		cur.vlan = group_of(cur.from)->vlan;
}

/* The counters moved by exactly this frame's fate. */
static void check_counters(const struct vsw_counters *before, const struct vsw_counters *after,
			   uint32_t n)
{
	uint64_t rx = 0, rx_bytes = 0, full_drops = 0, taken, ingress = 0;
	int i, r;

	for (i = 0; i < NPORTS; i++) {
		uint64_t link_drops = after[i].drops[VSW_DROP_LINK_DOWN] - before[i].drops[VSW_DROP_LINK_DOWN];

		/* a down port: offered at most once, it takes nothing; an up one: never link-down */
		CHECK(link_drops <= 1 && (down[i] || !link_drops));
		CHECK(!down[i] || after[i].rx_packets == before[i].rx_packets);
		CHECK(!down[i] || i == cur.from ||
		      after[i].drops[VSW_DROP_RX_POLICY] == before[i].drops[VSW_DROP_RX_POLICY]);
		rx += after[i].rx_packets - before[i].rx_packets;
		rx_bytes += after[i].rx_bytes - before[i].rx_bytes;
		full_drops += after[i].drops[VSW_DROP_QUEUE_FULL] - before[i].drops[VSW_DROP_QUEUE_FULL];
		for (r = 0; r <= VSW_DROP_NO_DEST; r++)
			if (i != cur.from)
				CHECK(after[i].drops[r] == before[i].drops[r]);
		CHECK(i != cur.from || after[i].rx_packets == before[i].rx_packets);
		CHECK(i == cur.from || after[i].tx_packets == before[i].tx_packets);
	}
	for (r = 0; r <= VSW_DROP_NO_DEST; r++)
		ingress += after[cur.from].drops[r] - before[cur.from].drops[r];
	/* the sender's link-down drop: its frame, not taken, offered to nobody */
	if (down[cur.from]) {
		CHECK(!ingress && after[cur.from].drops[VSW_DROP_LINK_DOWN] -
				  before[cur.from].drops[VSW_DROP_LINK_DOWN] == 1);
		CHECK(cur.calls == 0 && n == 0);
		for (i = 0; i < NPORTS; i++)
			CHECK(i == cur.from || !memcmp(&after[i], &before[i], sizeof(after[i])));
		ingress = 1;
	}
	taken = after[cur.from].tx_packets - before[cur.from].tx_packets;
	CHECK(taken + ingress == 1);
	CHECK(!taken || !must_refuse());
	CHECK(after[cur.from].tx_bytes - before[cur.from].tx_bytes == (taken ? cur.len : 0));
	CHECK(rx == n && n == cur.delivered);
	CHECK(rx_bytes == cur.bytes);
	CHECK(full_drops == cur.refused_full);
	CHECK(taken || cur.calls == 0);
}

/*
 * The same bytes as a TSO packet (54 bytes of headers, an MSS from ctl):
 * either nothing happens (false: no call or a refusal, no counter
 * moves) or the uplink alone gets it whole, each segment a frame that
 * would pass and go to the uplink only, and the sender's tx and the
 * uplink's rx (its ring full: its queue-full drops) move by its frames.
 */
static void send_tso(int from, uint8_t ctl, const uint8_t *frame, uint32_t len)
{
	struct vsw_counters before[NPORTS], after[NPORTS];
	struct net_tso t = { 54, 1 + (ctl * 7u + len) % 1460, 14, 34 };
	uint32_t payload = len - t.hlen, segs = (payload + t.mss - 1) / t.mss;
	uint32_t last = payload - (segs - 1) * t.mss, first = segs > 1 ? t.mss : last;
	/* each frame padded to 60 bytes */
	uint64_t bytes = (uint64_t)(segs - 1) * (t.hlen + t.mss < 60 ? 60 : t.hlen + t.mss) +
			 (t.hlen + last < 60 ? 60 : t.hlen + last);
	bool ok;
	int i;

	memset(&cur, 0, sizeof(cur));
	cur.from = from;
	cur.frame = frame;
	cur.len = len;
	classify();
	tso_calls = 0;
	tso_refuse = ctl & 0x80;
	counters_of(before);
	ok = vsw_send_tso(&sw, port_id[from], frame, len, &t);
	counters_of(after);
	CHECK(cur.calls == 0);
	if (!ok) {
		CHECK(tso_calls == 0 || (tso_refuse && !full[U]));
		CHECK(!memcmp(before, after, sizeof(before)));
		return;
	}
	CHECK(tso_calls == 1 && (full[U] || !tso_refuse) && !down[U] && !down[from] &&
	      len <= VSW_TSO_MAX);
	CHECK(!(frame[0] & 1) && !local_unicast(frame) && !cur.tagged && !cur.vlan);
	cur.len = t.hlen + first;
	CHECK(!must_refuse());
	for (i = 0; i < NPORTS; i++) {
		const struct topo_group *g = group_of(i);

		CHECK(i == from || i == U || !in_vlan(i, 0) || !(promiscuous[i] && g->policy.promiscuous));
		CHECK(after[i].tx_packets - before[i].tx_packets == (i == from ? segs : 0));
		CHECK(after[i].tx_bytes - before[i].tx_bytes == (i == from ? bytes : 0));
		CHECK(after[i].rx_packets - before[i].rx_packets == (i == U && !full[U] ? segs : 0));
		CHECK(after[i].rx_bytes - before[i].rx_bytes == (i == U && !full[U] ? bytes : 0));
		if (i == U && full[U]) {
			CHECK(after[i].drops[VSW_DROP_QUEUE_FULL] -
			      before[i].drops[VSW_DROP_QUEUE_FULL] == segs);
			after[i].drops[VSW_DROP_QUEUE_FULL] = before[i].drops[VSW_DROP_QUEUE_FULL];
		}
		CHECK(!memcmp(after[i].drops, before[i].drops, sizeof(after[i].drops)));
	}
}

static void send_one(int from, uint8_t ctl, uint8_t mc, const uint8_t *data, uint32_t len)
{
	struct vsw_counters before[NPORTS], after[NPORTS];
	uint8_t *frame = malloc(len ? len : 1);
	uint32_t dst = ctl & 0xf, n;

	memcpy(frame, data, len);
	if (len >= 6 && dst < NPORTS)
		memcpy(frame, mac[dst], VSW_ETH_ALEN);
	else if (len >= 6 && dst == 8)
		memset(frame, 0xff, VSW_ETH_ALEN);
	else if (len >= 6 && dst == 9)
		memcpy(frame, mcast, VSW_ETH_ALEN);
	if (len >= 12 && (ctl & 0x10))
		memcpy(frame + 6, filter_changed[from] ? other_mac[from] : mac[from], VSW_ETH_ALEN);
	if ((ctl & 0x20) && from != U) {
		filter_changed[from] = ctl & 0x40;
		promiscuous[from] = ctl & 0x80;
		if (vsw_port_set_filter(&sw, port_id[from],
					filter_changed[from] ? other_mac[from] : mac[from],
					promiscuous[from]) != VMK_OK)
			abort();
	}
	if ((mc & 0x80) && from != U) {
		mc_mode[from] = mc & 3;
		if (vsw_port_set_mcast(&sw, port_id[from],
				       mc_mode[from] == MC_OTHER ? &mcast_other : &mcast,
				       mc_mode[from] == MC_JOINED || mc_mode[from] == MC_OTHER,
				       mc_mode[from] == MC_ALL) != VMK_OK)
			abort();
	}
	memset(&cur, 0, sizeof(cur));
	cur.from = from;
	cur.frame = frame;
	cur.len = len;
	classify();
	counters_of(before);
	n = vsw_send(&sw, port_id[from], frame, len);
	counters_of(after);
	check_counters(before, after, n);
	if (from != U && len > 54)
		send_tso(from, ctl, frame, len);
	free(frame);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	topology();
	while (size >= 7) {
		int from = data[0] % NPORTS, i;
		uint8_t ctl = data[1], mc;
		uint32_t len = (uint32_t)(data[2] | data[3] << 8) % 1600;

		for (i = 0; i < NPORTS; i++) {
			full[i] = data[4] >> i & 1;
			if (down[i] != (data[5] >> i & 1)) {
				down[i] = data[5] >> i & 1;
				if (vsw_port_set_link(&sw, port_id[i], !down[i]) != VMK_OK)
					abort();
			}
		}
		mc = data[6];
		data += 7;
		size -= 7;
		if (len > size)
			len = (uint32_t)size;
		send_one(from, ctl, mc, data, len);
		data += len;
		size -= len;
	}
	return 0;
}
