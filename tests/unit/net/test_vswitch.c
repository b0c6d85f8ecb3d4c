// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtual switch core: forwarding, flooding, VLAN isolation, 802.1Q
 * tags added and removed, each security policy rejecting and allowing,
 * counters, malformed frames, setup errors and MAC generation.
 */
#include "tests/unit/check_run.h"
#include "vmkernel/net/vswitch.h"

/* What one port's owner received. */
struct sink {
	uint32_t frames;
	uint8_t last[VSW_VLAN_FRAME_LEN];
	uint32_t last_len;
	bool full;		/* answer "no room" */
};

/*
 * The topology of most tests: vswitch0 with an uplink; A and B on
 * "VM Network" (no VLAN), C and D on VLAN 10, E on VLAN 20, T on a trunk.
 */
enum { U, A, B, C, D, E, T, NPORTS };

static struct vswitch sw;
static struct sink sinks[NPORTS + 4];
static uint32_t id[NPORTS + 4];
static uint8_t mac[NPORTS + 4][VSW_ETH_ALEN];
static const uint8_t bcast[VSW_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[VSW_ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t stranger[VSW_ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const struct vsw_policy allow_all = { true, true, true };

static int capture(void *ctx, const uint8_t *frame, uint32_t len)
{
	struct sink *s = ctx;

	if (s->full)
		return 1;
	ck_assert_uint_le(len, sizeof(s->last));
	memcpy(s->last, frame, len);
	s->last_len = len;
	s->frames++;
	return 0;
}

/* What a port's owner got as TSO packets (only the uplink's is called). */
struct tso_sink {
	uint32_t packets, last_len;
	struct net_tso last;
	bool full;			/* no room: VSW_TSO_FULL */
	bool refuse;			/* its headers refused: VSW_TSO_REFUSED */
};

static struct tso_sink tso_sinks[NPORTS + 4];

static int capture_tso(void *ctx, const uint8_t *frame, uint32_t len, const struct net_tso *t)
{
	struct tso_sink *s = &tso_sinks[(struct sink *)ctx - sinks];

	(void)frame;
	if (s->full)
		return VSW_TSO_FULL;
	if (s->refuse)
		return VSW_TSO_REFUSED;
	s->packets++;
	s->last_len = len;
	s->last = *t;
	return 0;
}

static void connect(int i, enum vsw_owner kind, const char *group)
{
	struct vsw_port_config cfg = {
		.kind = kind, .owner_id = (uint32_t)i, .group = group,
		.deliver = capture, .deliver_tso = capture_tso, .ctx = &sinks[i],
	};

	memcpy(cfg.mac, mac[i], VSW_ETH_ALEN);
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &id[i]), VMK_OK);
}

static void setup(void)
{
	int i;

	memset(sinks, 0, sizeof(sinks));
	memset(tso_sinks, 0, sizeof(tso_sinks));
	for (i = 0; i < NPORTS + 4; i++) {
		static const uint8_t base[VSW_ETH_ALEN] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x00 };

		memcpy(mac[i], base, VSW_ETH_ALEN);
		mac[i][5] = (uint8_t)(0xa0 + i);
	}
	ck_assert_int_eq(vsw_init(&sw, "vswitch0"), VMK_OK);
	ck_assert_int_eq(vsw_group_add(&sw, "VM Network", 0, NULL), VMK_OK);
	ck_assert_int_eq(vsw_group_add(&sw, "VLAN10", 10, NULL), VMK_OK);
	ck_assert_int_eq(vsw_group_add(&sw, "VLAN20", 20, NULL), VMK_OK);
	ck_assert_int_eq(vsw_group_add(&sw, "Trunk", VSW_VLAN_TRUNK, NULL), VMK_OK);
	connect(U, VSW_OWNER_UPLINK, NULL);
	connect(A, VSW_OWNER_VM, "VM Network");
	connect(B, VSW_OWNER_COS, "VM Network");
	connect(C, VSW_OWNER_VM, "VLAN10");
	connect(D, VSW_OWNER_VM, "VLAN10");
	connect(E, VSW_OWNER_VM, "VLAN20");
	connect(T, VSW_OWNER_VM, "Trunk");
}

/* An untagged frame of len bytes (>= 14) into buf. */
static uint32_t frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint32_t len)
{
	uint32_t i;

	memcpy(buf, dst, VSW_ETH_ALEN);
	memcpy(buf + 6, src, VSW_ETH_ALEN);
	buf[12] = 0x08;		/* IPv4 */
	buf[13] = 0x00;
	for (i = VSW_ETH_HLEN; i < len; i++)
		buf[i] = (uint8_t)i;
	return len;
}

/* The same with an 802.1Q tag carrying tci after the source. */
static uint32_t tagged_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src,
			     uint16_t tci, uint32_t len)
{
	uint8_t plain[VSW_VLAN_FRAME_LEN];

	frame(plain, dst, src, len - VSW_VLAN_HLEN);
	memcpy(buf, plain, 12);
	buf[12] = 0x81;
	buf[13] = 0x00;
	buf[14] = (uint8_t)(tci >> 8);
	buf[15] = (uint8_t)tci;
	memcpy(buf + 16, plain + 12, len - 16);
	return len;
}

static struct vsw_counters counters(int i)
{
	struct vsw_counters c;

	ck_assert_int_eq(vsw_port_counters(&sw, id[i], &c), VMK_OK);
	return c;
}

static uint32_t received(void)
{
	uint32_t n = 0;
	int i;

	for (i = 0; i < NPORTS; i++)
		n += sinks[i].frames;
	return n;
}

START_TEST(test_unicast_reaches_only_the_port_with_that_mac)
{
	uint8_t f[100];
	uint32_t len = frame(f, mac[B], mac[A], 100);

	ck_assert_uint_eq(vsw_send(&sw, id[A], f, len), 1);
	ck_assert_uint_eq(sinks[B].frames, 1);
	ck_assert_uint_eq(received(), 1);
	ck_assert_uint_eq(sinks[B].last_len, 100);
	ck_assert_mem_eq(sinks[B].last, f, 100);
}
END_TEST

START_TEST(test_unknown_unicast_from_a_vm_leaves_by_the_uplink_only)
{
	uint8_t f[60];

	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, stranger, mac[A], 60)), 1);
	ck_assert_uint_eq(sinks[U].frames, 1);
	ck_assert_uint_eq(received(), 1);
	ck_assert_mem_eq(sinks[U].last, f, 60);	/* VLAN 0: untagged */
}
END_TEST

START_TEST(test_unknown_unicast_without_an_uplink_has_no_destination)
{
	uint8_t f[60];

	ck_assert_int_eq(vsw_port_disconnect(&sw, id[U]), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, stranger, mac[A], 60)), 0);
	ck_assert_uint_eq(counters(A).drops[VSW_DROP_NO_DEST], 1);
	ck_assert_uint_eq(counters(A).tx_packets, 0);
	ck_assert_uint_eq(received(), 0);
}
END_TEST

START_TEST(test_unknown_unicast_from_the_uplink_is_dropped)
{
	uint8_t f[60];

	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, stranger, mac[U], 60)), 0);
	ck_assert_uint_eq(received(), 0);
	ck_assert_uint_eq(counters(U).drops[VSW_DROP_NO_DEST], 1);
}
END_TEST

START_TEST(test_a_frame_to_the_senders_own_mac_goes_nowhere)
{
	uint8_t f[60];

	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, mac[A], mac[A], 60)), 0);
	ck_assert_uint_eq(received(), 0);
	ck_assert_uint_eq(counters(A).drops[VSW_DROP_NO_DEST], 1);
}
END_TEST

START_TEST(test_broadcast_floods_its_vlan_but_never_the_sender)
{
	uint8_t f[60];

	/* VM Network: B, the uplink (untagged) and the trunk (untagged) */
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, bcast, mac[A], 60)), 3);
	ck_assert_uint_eq(sinks[A].frames, 0);
	ck_assert_uint_eq(sinks[B].frames, 1);
	ck_assert_uint_eq(sinks[U].frames, 1);
	ck_assert_uint_eq(sinks[T].frames, 1);
	ck_assert_mem_eq(sinks[T].last, f, 60);
	ck_assert_uint_eq(received(), 3);
}
END_TEST

START_TEST(test_multicast_from_the_uplink_floods_its_vlan)
{
	uint8_t f[64];

	ck_assert_uint_eq(vsw_send(&sw, id[U], f, tagged_frame(f, mcast, stranger, 10, 64)), 3);
	ck_assert_uint_eq(sinks[C].frames, 1);
	ck_assert_uint_eq(sinks[D].frames, 1);
	ck_assert_uint_eq(sinks[T].frames, 1);
	ck_assert_uint_eq(sinks[U].frames, 0);
	ck_assert_uint_eq(received(), 3);
}
END_TEST

START_TEST(test_vlan_10_and_20_cannot_reach_each_other)
{
	uint8_t f[60];

	/* E's MAC is unknown in VLAN 10: the frame leaves by the uplink, tagged 10 */
	ck_assert_uint_eq(vsw_send(&sw, id[C], f, frame(f, mac[E], mac[C], 60)), 1);
	ck_assert_uint_eq(sinks[E].frames, 0);
	ck_assert_uint_eq(sinks[U].frames, 1);
	ck_assert_uint_eq(sinks[U].last[14] << 8 | sinks[U].last[15], 10);
	ck_assert_uint_eq(vsw_send(&sw, id[E], f, frame(f, bcast, mac[E], 60)), 2);
	ck_assert_uint_eq(sinks[C].frames + sinks[D].frames + sinks[A].frames, 0);
	/* from the wire: VLAN 20 tagged for C's MAC does not reach C */
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, tagged_frame(f, mac[C], stranger, 20, 60)), 0);
	ck_assert_uint_eq(sinks[C].frames, 0);
	/* nor does untagged traffic reach a VLAN's ports */
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, mac[C], stranger, 60)), 0);
	ck_assert_uint_eq(sinks[C].frames, 0);
}
END_TEST

START_TEST(test_the_uplink_gets_vlan_frames_tagged_with_priority_0)
{
	uint8_t f[100];
	uint32_t len = frame(f, stranger, mac[C], 100);

	ck_assert_uint_eq(vsw_send(&sw, id[C], f, len), 1);
	ck_assert_uint_eq(sinks[U].last_len, 104);
	ck_assert_mem_eq(sinks[U].last, f, 12);
	ck_assert_uint_eq(sinks[U].last[12], 0x81);
	ck_assert_uint_eq(sinks[U].last[13], 0x00);
	ck_assert_uint_eq(sinks[U].last[14], 0x00);	/* PCP 0, DEI 0 */
	ck_assert_uint_eq(sinks[U].last[15], 10);
	ck_assert_mem_eq(sinks[U].last + 16, f + 12, 88);
	ck_assert_uint_eq(counters(U).rx_bytes, 104);
	ck_assert_uint_eq(counters(C).tx_bytes, 100);
}
END_TEST

START_TEST(test_tags_from_the_uplink_are_removed_for_the_vlans_ports)
{
	uint8_t f[VSW_VLAN_FRAME_LEN], want[VSW_ETH_FRAME_LEN];

	tagged_frame(f, mac[D], stranger, 0xa000 | 10, 200);	/* PCP 5 */
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, 200), 1);
	ck_assert_uint_eq(sinks[D].last_len, 196);
	frame(want, mac[D], stranger, 196);
	ck_assert_mem_eq(sinks[D].last, want, 196);
	/* the largest tagged frame comes out as the largest untagged one */
	tagged_frame(f, mac[D], stranger, 10, VSW_VLAN_FRAME_LEN);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, VSW_VLAN_FRAME_LEN), 1);
	ck_assert_uint_eq(sinks[D].last_len, VSW_ETH_FRAME_LEN);
}
END_TEST

START_TEST(test_a_frame_short_after_its_tag_is_removed_is_padded_to_60)
{
	uint8_t f[VSW_ETH_ZLEN + VSW_VLAN_HLEN], want[VSW_ETH_ZLEN];
	uint32_t i;

	tagged_frame(f, mac[D], stranger, 10, 40);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, 40), 1);
	ck_assert_uint_eq(sinks[D].last_len, VSW_ETH_ZLEN);
	frame(want, mac[D], stranger, 36);
	ck_assert_mem_eq(sinks[D].last, want, 36);
	for (i = 36; i < VSW_ETH_ZLEN; i++)
		ck_assert_uint_eq(sinks[D].last[i], 0);
	/* the smallest tagged frame, a bare header */
	tagged_frame(f, bcast, stranger, 10, 18);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, 18), 3);
	ck_assert_uint_eq(sinks[C].last_len, VSW_ETH_ZLEN);
	ck_assert_uint_eq(sinks[T].last_len, 18);	/* the trunk keeps the tag */
}
END_TEST

START_TEST(test_a_trunk_port_sends_and_receives_tags_as_they_are)
{
	uint8_t f[80];

	/* PCP 3, DEI 1, VID 10 from the trunk: untagged to C, unchanged to the uplink */
	tagged_frame(f, bcast, mac[T], 0x7000 | 10, 80);
	ck_assert_uint_eq(vsw_send(&sw, id[T], f, 80), 3);
	ck_assert_uint_eq(sinks[C].last_len, 76);
	ck_assert_uint_eq(sinks[U].last_len, 80);
	ck_assert_mem_eq(sinks[U].last, f, 80);
	ck_assert_uint_eq(sinks[E].frames + sinks[A].frames, 0);
	/* from C, the trunk receives the frame tagged by the switch */
	ck_assert_uint_eq(vsw_send(&sw, id[C], f, frame(f, mac[T], mac[C], 60)), 1);
	ck_assert_uint_eq(sinks[T].last_len, 64);
	ck_assert_uint_eq(sinks[T].last[15], 10);
	/* untagged from the trunk is VLAN 0 */
	ck_assert_uint_eq(vsw_send(&sw, id[T], f, frame(f, mac[A], mac[T], 60)), 1);
	ck_assert_uint_eq(sinks[A].frames, 1);
}
END_TEST

START_TEST(test_a_vm_may_not_tag_on_a_port_group_with_one_vlan)
{
	uint8_t f[64];

	tagged_frame(f, bcast, mac[C], 10, 64);
	ck_assert_uint_eq(vsw_send(&sw, id[C], f, 64), 0);
	tagged_frame(f, bcast, mac[A], 10, 64);
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, 64), 0);
	tagged_frame(f, bcast, mac[A], 0, 64);	/* priority-tagged */
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, 64), 0);
	ck_assert_uint_eq(received(), 0);
	ck_assert_uint_eq(counters(C).drops[VSW_DROP_VLAN], 1);
	ck_assert_uint_eq(counters(A).drops[VSW_DROP_VLAN], 2);
}
END_TEST

START_TEST(test_vid_4095_is_reserved_and_dropped)
{
	uint8_t f[64];

	tagged_frame(f, bcast, stranger, 0xfff, 64);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, 64), 0);
	tagged_frame(f, bcast, mac[T], 0xfff, 64);
	ck_assert_uint_eq(vsw_send(&sw, id[T], f, 64), 0);
	ck_assert_uint_eq(counters(U).drops[VSW_DROP_VLAN], 1);
	ck_assert_uint_eq(counters(T).drops[VSW_DROP_VLAN], 1);
	ck_assert_uint_eq(received(), 0);
}
END_TEST

START_TEST(test_priority_tagged_frames_from_the_wire_are_vlan_0)
{
	uint8_t f[80];

	tagged_frame(f, mac[A], stranger, 0xe000, 80);	/* PCP 7, VID 0 */
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, 80), 1);
	ck_assert_uint_eq(sinks[A].last_len, 76);
	ck_assert_uint_eq(sinks[A].last[12], 0x08);
}
END_TEST

START_TEST(test_forged_transmits_are_dropped_unless_allowed)
{
	uint8_t f[60];

	frame(f, mac[B], stranger, 60);
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, 60), 0);
	ck_assert_uint_eq(counters(A).drops[VSW_DROP_FORGED], 1);
	frame(f, mac[B], mac[B], 60);	/* B's MAC from A: forged too */
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, 60), 0);
	ck_assert_uint_eq(counters(A).drops[VSW_DROP_FORGED], 2);
	ck_assert_uint_eq(received(), 0);
	ck_assert_int_eq(vsw_group_set_policy(&sw, "VM Network",
		&(struct vsw_policy){ .forged_transmit = true }), VMK_OK);
	frame(f, mac[B], stranger, 60);
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, 60), 1);
	ck_assert_uint_eq(sinks[B].frames, 1);
}
END_TEST

START_TEST(test_a_rejected_mac_change_stops_receive_until_restored)
{
	uint8_t f[60];

	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], stranger, false), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, mac[B], mac[A], 60)), 0);
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, bcast, mac[A], 60)), 2);
	ck_assert_uint_eq(sinks[B].frames, 0);
	ck_assert_uint_eq(counters(B).drops[VSW_DROP_RX_POLICY], 2);
	/* nor does the new address work: it is unknown, so it leaves by the uplink */
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, stranger, mac[A], 60)), 1);
	ck_assert_uint_eq(sinks[U].frames, 2);
	/* sending from it is a forged transmit */
	ck_assert_uint_eq(vsw_send(&sw, id[B], f, frame(f, mac[A], stranger, 60)), 0);
	ck_assert_uint_eq(counters(B).drops[VSW_DROP_FORGED], 1);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], mac[B], false), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, mac[B], mac[A], 60)), 1);
	ck_assert_uint_eq(sinks[B].frames, 1);
}
END_TEST

START_TEST(test_an_accepted_mac_change_moves_the_ports_address)
{
	uint8_t f[60];

	ck_assert_int_eq(vsw_group_set_policy(&sw, "VM Network",
		&(struct vsw_policy){ .mac_change = true }), VMK_OK);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], stranger, false), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, stranger, mac[A], 60)), 1);
	ck_assert_uint_eq(sinks[B].frames, 1);
	ck_assert_uint_eq(sinks[U].frames, 0);
	/* the new address is B's source now; the old one is forged */
	ck_assert_uint_eq(vsw_send(&sw, id[B], f, frame(f, mac[A], stranger, 60)), 1);
	ck_assert_uint_eq(vsw_send(&sw, id[B], f, frame(f, mac[A], mac[B], 60)), 0);
	ck_assert_uint_eq(counters(B).drops[VSW_DROP_FORGED], 1);
	/* the old address stays reserved: it is unknown now and leaves by the uplink */
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, mac[B], mac[A], 60)), 1);
	ck_assert_uint_eq(sinks[U].frames, 1);
}
END_TEST

START_TEST(test_a_mac_change_to_another_ports_address_is_refused)
{
	uint8_t f[60];

	ck_assert_int_eq(vsw_group_set_policy(&sw, "VM Network", &allow_all), VMK_OK);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], mac[A], false), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, mac[A], stranger, 60)), 1);
	ck_assert_uint_eq(sinks[A].frames, 1);
	ck_assert_uint_eq(sinks[B].frames, 0);
	/* a multicast filter address is refused too */
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], mcast, false), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, bcast, stranger, 60)), 2);
	ck_assert_uint_eq(counters(B).drops[VSW_DROP_RX_POLICY], 1);
}
END_TEST

START_TEST(test_promiscuous_mode_is_ignored_unless_allowed)
{
	uint8_t f[64];

	ck_assert_int_eq(vsw_port_set_filter(&sw, id[D], mac[D], true), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, tagged_frame(f, mac[C], stranger, 10, 64)), 1);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, tagged_frame(f, stranger, mac[U], 10, 64)), 0);
	ck_assert_uint_eq(sinks[D].frames, 0);
	ck_assert_int_eq(vsw_group_set_policy(&sw, "VLAN10",
		&(struct vsw_policy){ .promiscuous = true }), VMK_OK);
	/* now D sees C's unicast and unknown unicast of VLAN 10 ... */
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, tagged_frame(f, mac[C], stranger, 10, 64)), 2);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, tagged_frame(f, stranger, mac[U], 10, 64)), 1);
	ck_assert_uint_eq(vsw_send(&sw, id[C], f, frame(f, stranger, mac[C], 60)), 2);
	ck_assert_uint_eq(sinks[D].frames, 3);
	/* ... but nothing of VLAN 20, and never its own frames */
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, tagged_frame(f, stranger, mac[U], 20, 64)), 0);
	ck_assert_uint_eq(vsw_send(&sw, id[D], f, frame(f, stranger, mac[D], 60)), 1);
	ck_assert_uint_eq(sinks[D].frames, 3);
	/* the guest turning it off is honoured */
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[D], mac[D], false), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, tagged_frame(f, mac[C], stranger, 10, 64)), 1);
	ck_assert_uint_eq(sinks[D].frames, 3);
}
END_TEST

/* vmkctl network portgroup set: a group's VLAN changes under its ports. */
START_TEST(test_a_groups_vlan_and_policy_change_with_its_ports_connected)
{
	uint8_t f[64];

	/* E (VLAN 20) does not hear A's broadcast on VLAN 0 */
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, bcast, mac[A], 60)), 3);
	ck_assert_uint_eq(sinks[E].frames, 0);
	ck_assert_int_eq(vsw_group_set(&sw, "VLAN20", 0, &allow_all), VMK_OK);
	/* now it does, untagged on the uplink, and E's frames reach A */
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, bcast, mac[A], 60)), 4);
	ck_assert_uint_eq(sinks[E].frames, 1);
	ck_assert_uint_eq(vsw_send(&sw, id[E], f, frame(f, mac[A], mac[E], 60)), 1);
	ck_assert_uint_eq(sinks[A].frames, 1);
	/* unknown unicast to the uplink only, with the new tag once it is VLAN 30 */
	ck_assert_int_eq(vsw_group_set(&sw, "VLAN20", 30, &allow_all), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[E], f, frame(f, stranger, mac[E], 60)), 1);
	ck_assert_uint_eq(sinks[U].last[12], 0x81);
	ck_assert_uint_eq(sinks[U].last[15], 30);
	/* bad VLANs and unknown groups change nothing */
	ck_assert_int_eq(vsw_group_set(&sw, "VLAN20", 4096, &allow_all), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_group_set(&sw, "No such group", 3, &allow_all), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_group_set(&sw, "VLAN20", 3, NULL), VMK_BAD_PARAM);
	ck_assert_uint_eq(vsw_send(&sw, id[E], f, frame(f, stranger, mac[E], 60)), 1);
	ck_assert_uint_eq(sinks[U].last[15], 30);
}
END_TEST

START_TEST(test_a_promiscuous_trunk_sees_every_vlan)
{
	uint8_t f[64];

	ck_assert_int_eq(vsw_group_set_policy(&sw, "Trunk", &allow_all), VMK_OK);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[T], mac[T], true), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[C], f, frame(f, mac[D], mac[C], 60)), 2);
	ck_assert_uint_eq(sinks[T].last[15], 10);
	ck_assert_uint_eq(vsw_send(&sw, id[E], f, frame(f, stranger, mac[E], 60)), 2);
	ck_assert_uint_eq(sinks[T].last[15], 20);
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, mac[B], mac[A], 60)), 2);
	ck_assert_uint_eq(sinks[T].last[12], 0x08);
	ck_assert_uint_eq(sinks[T].frames, 3);
}
END_TEST

START_TEST(test_runts_and_oversized_frames_are_dropped_before_any_field_is_read)
{
	static uint8_t f[VSW_VLAN_FRAME_LEN + 1];
	static const uint32_t runts[] = { 0, 1, 13 };
	static const uint32_t oversized[] = { VSW_ETH_FRAME_LEN + 1, 65535, UINT32_MAX };
	uint32_t i;

	frame(f, bcast, mac[A], VSW_ETH_FRAME_LEN + 1);
	for (i = 0; i < ARRAY_SIZE(runts); i++) {
		/* exactly as long as it says: ASan catches a read past it */
		uint8_t *runt = malloc(runts[i] ? runts[i] : 1);

		memcpy(runt, f, runts[i]);
		ck_assert_uint_eq(vsw_send(&sw, id[A], runt, runts[i]), 0);
		free(runt);
	}
	/* only the header (present) may be read before the length is refused */
	for (i = 0; i < ARRAY_SIZE(oversized); i++)
		ck_assert_uint_eq(vsw_send(&sw, id[A], f, oversized[i]), 0);
	ck_assert_uint_eq(counters(A).drops[VSW_DROP_RUNT], 3);
	ck_assert_uint_eq(counters(A).drops[VSW_DROP_OVERSIZE], 3);
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, 14), 3);	/* a bare header passes */
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, VSW_ETH_FRAME_LEN), 3);
	tagged_frame(f, bcast, mac[T], 10, VSW_VLAN_FRAME_LEN + 1);
	ck_assert_uint_eq(vsw_send(&sw, id[T], f, VSW_VLAN_FRAME_LEN + 1), 0);
	ck_assert_uint_eq(vsw_send(&sw, id[T], f, 17), 0);
	ck_assert_uint_eq(vsw_send(&sw, id[T], f, 16), 0);
	ck_assert_uint_eq(counters(T).drops[VSW_DROP_OVERSIZE], 1);
	ck_assert_uint_eq(counters(T).drops[VSW_DROP_RUNT], 2);
	ck_assert_uint_eq(vsw_send(&sw, id[T], f, VSW_VLAN_FRAME_LEN), 3);
}
END_TEST

START_TEST(test_a_group_address_as_source_is_dropped)
{
	uint8_t f[60];

	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, mac[A], mcast, 60)), 0);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, mac[A], bcast, 60)), 0);
	ck_assert_uint_eq(counters(U).drops[VSW_DROP_BAD_SOURCE], 2);
	ck_assert_uint_eq(received(), 0);
}
END_TEST

/* vmkctl vm nic NAME link down: nothing in or out of the port, counted on it. */
START_TEST(test_a_port_whose_link_is_down_sends_and_receives_nothing)
{
	uint8_t f[60];

	ck_assert_int_eq(vsw_port_set_link(&sw, id[B], false), VMK_OK);
	/* A's broadcast reaches the uplink and T, not B */
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, bcast, mac[A], 60)), 2);
	ck_assert_uint_eq(sinks[B].frames, 0);
	ck_assert_uint_eq(counters(B).drops[VSW_DROP_LINK_DOWN], 1);
	/* unicast for B: offered, not taken; A's frame still counts as sent */
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, mac[B], mac[A], 60)), 0);
	ck_assert_uint_eq(counters(B).drops[VSW_DROP_LINK_DOWN], 2);
	ck_assert_uint_eq(counters(A).tx_packets, 2);
	/* B's own frames do not leave, whatever they are */
	ck_assert_uint_eq(vsw_send(&sw, id[B], f, frame(f, bcast, mac[B], 60)), 0);
	ck_assert_uint_eq(vsw_send(&sw, id[B], f, 3), 0);
	ck_assert_uint_eq(sinks[A].frames + sinks[U].frames, 1);	/* A's broadcast only */
	ck_assert_uint_eq(counters(B).drops[VSW_DROP_LINK_DOWN], 4);
	ck_assert_uint_eq(counters(B).drops[VSW_DROP_RUNT], 0);
	ck_assert_uint_eq(counters(B).tx_packets, 0);
	ck_assert_uint_eq(counters(B).rx_packets, 0);
	/* link up: both ways again */
	ck_assert_int_eq(vsw_port_set_link(&sw, id[B], true), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, mac[B], mac[A], 60)), 1);
	ck_assert_uint_eq(vsw_send(&sw, id[B], f, frame(f, mac[A], mac[B], 60)), 1);
	ck_assert_uint_eq(counters(B).drops[VSW_DROP_LINK_DOWN], 4);
	ck_assert_int_eq(vsw_port_set_link(&sw, 99, false), VMK_BAD_PARAM);
}
END_TEST

START_TEST(test_a_full_queue_is_counted_on_the_receiver)
{
	uint8_t f[60];

	sinks[B].full = true;
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, mac[B], mac[A], 60)), 0);
	ck_assert_uint_eq(counters(B).drops[VSW_DROP_QUEUE_FULL], 1);
	ck_assert_uint_eq(counters(B).rx_packets, 0);
	/* the switch took it: it counts as sent */
	ck_assert_uint_eq(counters(A).tx_packets, 1);
	ck_assert_uint_eq(counters(A).drops[VSW_DROP_NO_DEST], 0);
}
END_TEST

START_TEST(test_counters_add_up)
{
	uint8_t f[VSW_VLAN_FRAME_LEN];
	uint64_t rx = 0, rxb = 0, drops = 0;
	struct vsw_counters c;
	int i, j, k;

	for (k = 0; k < 10; k++) {
		vsw_send(&sw, id[A], f, frame(f, bcast, mac[A], 60 + k));	/* 3 */
		vsw_send(&sw, id[C], f, frame(f, mac[D], mac[C], 100));		/* 1 */
		vsw_send(&sw, id[E], f, frame(f, stranger, mac[E], 70));	/* 1, 74 out */
		vsw_send(&sw, id[E], f, frame(f, stranger, stranger, 70));	/* forged */
		vsw_send(&sw, id[U], f, tagged_frame(f, bcast, stranger, 20, 64)); /* E, T */
	}
	c = counters(A);
	ck_assert_uint_eq(c.tx_packets, 10);
	ck_assert_uint_eq(c.tx_bytes, 10 * 60 + 45);
	c = counters(E);
	ck_assert_uint_eq(c.tx_packets, 10);
	ck_assert_uint_eq(c.tx_bytes, 700);
	ck_assert_uint_eq(c.drops[VSW_DROP_FORGED], 10);
	ck_assert_uint_eq(c.rx_packets, 10);
	ck_assert_uint_eq(c.rx_bytes, 600);	/* 64 less the tag */
	c = counters(U);
	ck_assert_uint_eq(c.rx_packets, 20);
	ck_assert_uint_eq(c.rx_bytes, 10 * 60 + 45 + 10 * 74);
	ck_assert_uint_eq(c.tx_packets, 10);
	for (i = 0; i < NPORTS; i++) {
		c = counters(i);
		rx += c.rx_packets;
		rxb += c.rx_bytes;
		for (j = 0; j < VSW_DROP_REASONS; j++)
			drops += c.drops[j];
		ck_assert_uint_eq(c.rx_packets, sinks[i].frames);
	}
	ck_assert_uint_eq(rx, 10 * (3 + 1 + 1 + 2));
	ck_assert_uint_eq(drops, 10);
}
END_TEST

START_TEST(test_setup_refuses_bad_names_vlans_macs_and_duplicates)
{
	struct vsw_port_config cfg = { .kind = VSW_OWNER_VM, .group = "VLAN10",
				       .deliver = capture, .ctx = &sinks[NPORTS] };
	char long_name[VSW_NAME_MAX + 1];
	uint32_t port;

	memset(long_name, 'x', VSW_NAME_MAX);
	long_name[VSW_NAME_MAX] = '\0';
	ck_assert_int_eq(vsw_group_add(&sw, "", 1, NULL), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_group_add(&sw, long_name, 1, NULL), VMK_BAD_PARAM);
	long_name[VSW_NAME_MAX - 1] = '\0';
	ck_assert_int_eq(vsw_group_add(&sw, long_name, 1, NULL), VMK_OK);
	ck_assert_int_eq(vsw_group_add(&sw, "tab\there", 1, NULL), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_group_add(&sw, "VLAN4096", 4096, NULL), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_group_add(&sw, "VLAN10", 11, NULL), VMK_BUSY);
	ck_assert_int_eq(vsw_init(&(struct vswitch){ 0 }, NULL), VMK_BAD_PARAM);
	/* MACs: zero, multicast, another port's */
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &port), VMK_BAD_PARAM);
	memcpy(cfg.mac, mcast, VSW_ETH_ALEN);
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &port), VMK_BAD_PARAM);
	memcpy(cfg.mac, mac[A], VSW_ETH_ALEN);
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &port), VMK_BUSY);
	memcpy(cfg.mac, mac[NPORTS], VSW_ETH_ALEN);
	cfg.group = "No such group";
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &port), VMK_BAD_PARAM);
	cfg.group = NULL;
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &port), VMK_BAD_PARAM);
	/* one uplink, without a group */
	cfg.kind = VSW_OWNER_UPLINK;
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &port), VMK_BUSY);
	cfg.group = "VLAN10";
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &port), VMK_BAD_PARAM);
	cfg.kind = VSW_OWNER_VM;
	cfg.deliver = NULL;
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &port), VMK_BAD_PARAM);
	/* a group with ports stays */
	ck_assert_int_eq(vsw_group_remove(&sw, "VLAN20"), VMK_BUSY);
	ck_assert_int_eq(vsw_port_disconnect(&sw, id[E]), VMK_OK);
	ck_assert_int_eq(vsw_port_disconnect(&sw, id[E]), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_group_remove(&sw, "VLAN20"), VMK_OK);
	ck_assert_int_eq(vsw_group_remove(&sw, "VLAN20"), VMK_BAD_PARAM);
	/* hostile port ids */
	ck_assert_int_eq(vsw_port_disconnect(&sw, 0), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_port_disconnect(&sw, VSW_PORTS_MAX + 1), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[U], mac[U], true), VMK_BAD_PARAM);
	ck_assert_uint_eq(vsw_send(&sw, UINT32_MAX, bcast, 6), 0);
}
END_TEST

START_TEST(test_the_port_and_group_tables_fill_up_and_free)
{
	struct vsw_port_config cfg = { .kind = VSW_OWNER_VM, .group = "VM Network",
				       .deliver = capture, .ctx = &sinks[NPORTS] };
	uint32_t port = 0, first = 0, i;
	char name[8] = "g00";

	for (i = 0; i < VSW_PORTS_MAX - NPORTS; i++) {
		memcpy(cfg.mac, stranger, VSW_ETH_ALEN);
		cfg.mac[5] = (uint8_t)i;
		ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &port), VMK_OK);
		if (!first)
			first = port;
	}
	ck_assert_uint_eq(port, VSW_PORTS_MAX);
	cfg.mac[5] = 0xee;
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &port), VMK_NO_CAPACITY);
	ck_assert_int_eq(vsw_port_disconnect(&sw, first), VMK_OK);
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &port), VMK_OK);
	ck_assert_uint_eq(port, first);
	for (i = 4; i < VSW_GROUPS_MAX; i++) {
		name[2] = (char)('a' + i);
		ck_assert_int_eq(vsw_group_add(&sw, name, 1, NULL), VMK_OK);
	}
	ck_assert_int_eq(vsw_group_add(&sw, "one more", 1, NULL), VMK_NO_CAPACITY);
}
END_TEST

/* Whether the uplink filter lists m (out of n entries). */
static bool listed(uint8_t (*macs)[VSW_ETH_ALEN], uint32_t n, const uint8_t *m)
{
	for (uint32_t i = 0; i < n; i++)
		if (!memcmp(macs[i], m, VSW_ETH_ALEN))
			return true;
	return false;
}

START_TEST(test_the_uplink_filter_follows_the_ports_receive_addresses)
{
	uint8_t macs[VSW_PORTS_MAX][VSW_ETH_ALEN], moved[VSW_ETH_ALEN];
	uint32_t n, gen;
	bool promisc = true;

	n = vsw_uplink_filter(&sw, macs, VSW_PORTS_MAX, &promisc);
	ck_assert_uint_eq(n, NPORTS - 1);
	ck_assert(!promisc);
	for (int i = A; i < NPORTS; i++)
		ck_assert(listed(macs, n, mac[i]));
	ck_assert(!listed(macs, n, mac[U]));
	/* Fewer slots than ports: the count says how many there are. */
	ck_assert_uint_eq(vsw_uplink_filter(&sw, macs, 2, &promisc), NPORTS - 1);

	gen = vsw_rx_gen(&sw);
	ck_assert_int_eq(vsw_port_disconnect(&sw, id[E]), VMK_OK);
	ck_assert_uint_ne(vsw_rx_gen(&sw), gen);
	n = vsw_uplink_filter(&sw, macs, VSW_PORTS_MAX, &promisc);
	ck_assert_uint_eq(n, NPORTS - 2);
	ck_assert(!listed(macs, n, mac[E]));

	/* A rejected MAC change: the port receives nothing, nor does the uplink for it. */
	memcpy(moved, mac[A], VSW_ETH_ALEN);
	moved[4] = 0x77;
	gen = vsw_rx_gen(&sw);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[A], moved, false), VMK_OK);
	ck_assert_uint_ne(vsw_rx_gen(&sw), gen);
	n = vsw_uplink_filter(&sw, macs, VSW_PORTS_MAX, &promisc);
	ck_assert(!listed(macs, n, mac[A]) && !listed(macs, n, moved));
	/* Allowed: the new address is the one to let in. */
	ck_assert_int_eq(vsw_group_set_policy(&sw, "VM Network", &allow_all), VMK_OK);
	n = vsw_uplink_filter(&sw, macs, VSW_PORTS_MAX, &promisc);
	ck_assert(listed(macs, n, moved) && !listed(macs, n, mac[A]));
	ck_assert(!promisc);
	/* Promiscuous mode, allowed: the uplink must take every frame. */
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], mac[B], true), VMK_OK);
	vsw_uplink_filter(&sw, macs, VSW_PORTS_MAX, &promisc);
	ck_assert(promisc);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], mac[B], false), VMK_OK);
	vsw_uplink_filter(&sw, macs, VSW_PORTS_MAX, &promisc);
	ck_assert(!promisc);
}
END_TEST

static const uint8_t group1[VSW_ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 };
static const uint8_t group2[VSW_ETH_ALEN] = { 0x33, 0x33, 0xff, 0x00, 0x00, 0x0a };

/* Every port but those in keep[] names only the groups it is given (none). */
static void mc_none_but(int keep)
{
	for (int i = A; i < NPORTS; i++)
		if (i != keep)
			ck_assert_int_eq(vsw_port_set_mcast(&sw, id[i], NULL, 0, false), VMK_OK);
}

START_TEST(test_multicast_from_the_wire_reaches_only_the_ports_that_joined)
{
	const uint8_t g[2][VSW_ETH_ALEN] = { { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 },
					     { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 } };
	uint8_t f[64];

	/* Until a port names its groups it takes every group (as before). */
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, group1, stranger, 64)), 3);
	mc_none_but(-1);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, group1, stranger, 64)), 0);
	ck_assert_uint_eq(counters(U).drops[VSW_DROP_NO_DEST], 1);
	/* A joins group1 (named twice): only A gets it, not group2. */
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], g, 2, false), VMK_OK);
	memset(sinks, 0, sizeof(sinks));
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, group1, stranger, 64)), 1);
	ck_assert_uint_eq(sinks[A].frames, 1);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, group2, stranger, 64)), 0);
	/* Broadcast still floods the VLAN: A, B and the trunk. */
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, bcast, stranger, 64)), 3);
	/* In VLAN 10 nobody joined group1: A's membership does not cross VLANs. */
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, tagged_frame(f, group1, stranger, 10, 64)), 0);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[C], g, 1, false), VMK_OK);
	memset(sinks, 0, sizeof(sinks));
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, tagged_frame(f, group1, stranger, 10, 64)), 1);
	ck_assert_uint_eq(sinks[C].frames, 1);
	/* All multicast, and an allowed promiscuous port, take every group. */
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[D], NULL, 0, true), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, tagged_frame(f, group2, stranger, 10, 64)), 1);
	ck_assert_uint_eq(sinks[D].frames, 1);
	/* From a VM, multicast still floods its VLAN (the guests filter). */
	memset(sinks, 0, sizeof(sinks));
	ck_assert_uint_eq(vsw_send(&sw, id[A], f, frame(f, group2, mac[A], 64)), 3);
	/* B asks for promiscuous mode: refused by the policy, it gets no
	 * group it did not join; allowed, it gets every group from the wire. */
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], mac[B], true), VMK_OK);
	memset(sinks, 0, sizeof(sinks));
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, group2, stranger, 64)), 0);
	ck_assert_int_eq(vsw_group_set_policy(&sw, "VM Network", &allow_all), VMK_OK);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], mac[B], true), VMK_OK);
	ck_assert_uint_eq(vsw_send(&sw, id[U], f, frame(f, group2, stranger, 64)), 1);
	ck_assert_uint_eq(sinks[B].frames, 1);
}
END_TEST

/*
 * Drivers resend their whole list at every address or flag change: the
 * same list (duplicates aside) leaves the uplink's filter alone, a
 * changed one moves vsw_rx_gen() (review L3).
 */
START_TEST(test_the_same_multicast_list_again_rewrites_no_filter)
{
	const uint8_t g[3][VSW_ETH_ALEN] = { { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 },
					     { 0x33, 0x33, 0xff, 0x00, 0x00, 0x0a },
					     { 0x01, 0x00, 0x5e, 0x01, 0x02, 0x03 } };
	uint32_t gen;

	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], g, 2, false), VMK_OK);
	gen = vsw_rx_gen(&sw);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], g, 2, false), VMK_OK);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], g, 3, false), VMK_OK);
	ck_assert_uint_eq(vsw_rx_gen(&sw), gen);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], g, 1, false), VMK_OK);
	ck_assert_uint_ne(vsw_rx_gen(&sw), gen);
	gen = vsw_rx_gen(&sw);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], g + 1, 1, false), VMK_OK);
	ck_assert_uint_ne(vsw_rx_gen(&sw), gen);
	gen = vsw_rx_gen(&sw);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], g, 2, true), VMK_OK);
	ck_assert_uint_ne(vsw_rx_gen(&sw), gen);
	gen = vsw_rx_gen(&sw);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], NULL, 0, true), VMK_OK);
	ck_assert_uint_eq(vsw_rx_gen(&sw), gen);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], NULL, 0, false), VMK_OK);
	ck_assert_uint_ne(vsw_rx_gen(&sw), gen);
	gen = vsw_rx_gen(&sw);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], NULL, 0, false), VMK_OK);
	ck_assert_uint_eq(vsw_rx_gen(&sw), gen);
}
END_TEST

START_TEST(test_the_uplinks_multicast_union_follows_the_ports)
{
	uint8_t g[VSW_MC_PORT_MAX + 1][VSW_ETH_ALEN], u[8][VSW_ETH_ALEN];
	bool all = false;
	uint32_t gen;

	/* Ports that never named their groups want them all. */
	ck_assert_uint_eq(vsw_uplink_mcast(&sw, u, 8, &all), 0);
	ck_assert(all);
	mc_none_but(-1);
	ck_assert_uint_eq(vsw_uplink_mcast(&sw, u, 8, &all), 0);
	ck_assert(!all);
	/* Two ports on one group (different VLANs): it is listed once. */
	memcpy(g[0], group1, VSW_ETH_ALEN);
	memcpy(g[1], group2, VSW_ETH_ALEN);
	gen = vsw_rx_gen(&sw);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], g, 2, false), VMK_OK);
	ck_assert_uint_ne(vsw_rx_gen(&sw), gen);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[C], g, 1, false), VMK_OK);
	ck_assert_uint_eq(vsw_uplink_mcast(&sw, u, 8, &all), 2);
	ck_assert(!all && listed(u, 2, group1) && listed(u, 2, group2));
	/* A leaves: its groups go, C's group1 stays. */
	gen = vsw_rx_gen(&sw);
	ck_assert_int_eq(vsw_port_disconnect(&sw, id[A]), VMK_OK);
	ck_assert_uint_ne(vsw_rx_gen(&sw), gen);
	ck_assert_uint_eq(vsw_uplink_mcast(&sw, u, 8, &all), 1);
	ck_assert(listed(u, 1, group1));
	/* C leaves group1 by naming none. */
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[C], NULL, 0, false), VMK_OK);
	ck_assert_uint_eq(vsw_uplink_mcast(&sw, u, 8, &all), 0);
	ck_assert(!all);
	/* A union longer than the caller's table: all of them. */
	for (uint32_t i = 0; i < VSW_MC_PORT_MAX + 1; i++) {
		memcpy(g[i], group1, VSW_ETH_ALEN);
		g[i][5] = (uint8_t)i;
	}
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[D], g, 9, false), VMK_OK);
	ck_assert_uint_eq(vsw_uplink_mcast(&sw, u, 8, &all), 0);
	ck_assert(all);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[D], g, 8, false), VMK_OK);
	ck_assert_uint_eq(vsw_uplink_mcast(&sw, u, 8, &all), 8);
	ck_assert(!all);
	/* More groups than a port holds: that port wants all of them. */
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[D], g, VSW_MC_PORT_MAX + 1, false), VMK_OK);
	vsw_uplink_mcast(&sw, u, 8, &all);
	ck_assert(all);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[D], NULL, 0, false), VMK_OK);
	/* Allowed promiscuous mode: every group too. */
	ck_assert_int_eq(vsw_group_set_policy(&sw, "VM Network", &allow_all), VMK_OK);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], mac[B], true), VMK_OK);
	vsw_uplink_mcast(&sw, u, 8, &all);
	ck_assert(all);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], mac[B], false), VMK_OK);
	vsw_uplink_mcast(&sw, u, 8, &all);
	ck_assert(!all);
	/* A refused MAC change: the port receives nothing, so adds no group. */
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[E], stranger, false), VMK_OK);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[E], NULL, 0, true), VMK_OK);
	vsw_uplink_mcast(&sw, u, 8, &all);
	ck_assert(!all);
}
END_TEST

START_TEST(test_a_multicast_list_with_another_address_is_refused_whole)
{
	uint8_t g[2][VSW_ETH_ALEN], u[4][VSW_ETH_ALEN];
	bool all;
	uint32_t gen;

	mc_none_but(-1);
	memcpy(g[0], group1, VSW_ETH_ALEN);
	memcpy(g[1], stranger, VSW_ETH_ALEN);	/* unicast */
	gen = vsw_rx_gen(&sw);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], g, 2, false), VMK_BAD_PARAM);
	memcpy(g[1], bcast, VSW_ETH_ALEN);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[A], g, 2, false), VMK_BAD_PARAM);
	ck_assert_uint_eq(vsw_rx_gen(&sw), gen);
	ck_assert_uint_eq(vsw_uplink_mcast(&sw, u, 4, &all), 0);
	ck_assert(!all);
	/* The uplink and unknown ports have no list. */
	ck_assert_int_eq(vsw_port_set_mcast(&sw, id[U], g, 1, false), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, 0, g, 1, false), VMK_BAD_PARAM);
	ck_assert_int_eq(vsw_port_set_mcast(&sw, VSW_PORTS_MAX + 1, g, 1, false), VMK_BAD_PARAM);
}
END_TEST

START_TEST(test_generated_macs_are_vmwares_from_the_uuid)
{
	static const uint8_t uuid[16] = { 0x56, 0x4d, 0x9b, 0x3a, 0x5c, 0x6f, 0x27, 0x0d,
					  0xb4, 0x2e, 0x7a, 0x0e, 0x9b, 0x3c, 0x4d, 0x5e };
	static const uint8_t nic0[VSW_ETH_ALEN] = { 0x00, 0x0c, 0x29, 0x3c, 0x4d, 0x5e };
	static const uint8_t nic1[VSW_ETH_ALEN] = { 0x00, 0x0c, 0x29, 0x3c, 0x4d, 0x68 };
	static const uint8_t wrap[VSW_ETH_ALEN] = { 0x00, 0x0c, 0x29, 0x00, 0x00, 0x13 };
	uint8_t uuid_top[16] = { 0 }, m[VSW_ETH_ALEN];

	vsw_mac_generate(uuid, 0, m);
	ck_assert_mem_eq(m, nic0, VSW_ETH_ALEN);
	vsw_mac_generate(uuid, 1, m);
	ck_assert_mem_eq(m, nic1, VSW_ETH_ALEN);
	ck_assert(vsw_mac_is_unicast(m));
	ck_assert(!vsw_mac_is_static(m));
	memset(uuid_top + 13, 0xff, 3);
	vsw_mac_generate(uuid_top, 2, m);	/* 0xffffff + 20 */
	ck_assert_mem_eq(m, wrap, VSW_ETH_ALEN);
}
END_TEST

START_TEST(test_the_static_range_is_00_50_56_00_00_00_to_3f_ff_ff)
{
	uint8_t m[VSW_ETH_ALEN] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x00 };

	ck_assert(vsw_mac_is_static(m));
	m[3] = 0x3f, m[4] = 0xff, m[5] = 0xff;
	ck_assert(vsw_mac_is_static(m));
	m[3] = 0x40, m[4] = 0x00, m[5] = 0x00;
	ck_assert(!vsw_mac_is_static(m));	/* 0x40-0x7f, 0x80-0xbf: ESX and vCenter's */
	m[3] = 0x00, m[2] = 0x57;
	ck_assert(!vsw_mac_is_static(m));
	ck_assert(!vsw_mac_is_unicast((uint8_t[VSW_ETH_ALEN]){ 0 }));
	ck_assert(!vsw_mac_is_unicast(bcast));
	ck_assert(vsw_mac_is_unicast(stranger));
}
END_TEST

/* TSO packets (vsw_send_tso()): 54 bytes of headers, segments of 1448. */
static const struct net_tso tso = { 54, 1448, 14, 34 };
static uint8_t big[VSW_TSO_MAX + 1];

static uint32_t tso_taken(void)
{
	uint32_t n = 0;

	for (int i = 0; i < NPORTS; i++)
		n += tso_sinks[i].packets;
	return n;
}

START_TEST(test_a_tso_packet_for_the_wire_leaves_by_the_uplink_whole)
{
	struct vsw_counters a, u;

	frame(big, stranger, mac[A], 10000);
	ck_assert(vsw_send_tso(&sw, id[A], big, 10000, &tso));
	ck_assert_uint_eq(tso_sinks[U].packets, 1);
	ck_assert_uint_eq(tso_sinks[U].last_len, 10000);
	ck_assert_uint_eq(tso_sinks[U].last.mss, 1448);
	ck_assert_uint_eq(tso_taken(), 1);
	ck_assert_uint_eq(received(), 0);
	/* counted as the 7 frames the NIC makes: 6 of 1502 bytes, one of 1312 */
	a = counters(A);
	u = counters(U);
	ck_assert_uint_eq(a.tx_packets, 7);
	ck_assert_uint_eq(a.tx_bytes, 6 * 1502 + 1312);
	ck_assert_uint_eq(u.rx_packets, 7);
	ck_assert_uint_eq(u.rx_bytes, 6 * 1502 + 1312);
	/* a last segment shorter than 60 bytes counts as padded, as sent */
	frame(big, stranger, mac[A], 54 + 1448 + 1);
	ck_assert(vsw_send_tso(&sw, id[A], big, 54 + 1448 + 1, &tso));
	ck_assert_uint_eq(counters(A).tx_bytes, 6 * 1502 + 1312 + 1502 + 60);
	ck_assert_uint_eq(counters(A).tx_packets, 9);
}
END_TEST

/* false, nothing delivered, nothing counted: the sender segments it. */
static void tso_left_to_sender(int from, const uint8_t *dst, const uint8_t *src, uint32_t len,
			       const struct net_tso *t)
{
	struct vsw_counters before = counters(from), after;

	frame(big, dst, src, len);
	ck_assert(!vsw_send_tso(&sw, id[from], big, len, t));
	ck_assert_uint_eq(tso_taken(), 0);
	ck_assert_uint_eq(received(), 0);
	after = counters(from);
	ck_assert_mem_eq(&before, &after, sizeof(before));
}

START_TEST(test_a_tso_packet_not_for_the_uplink_alone_is_left_to_the_sender)
{
	struct net_tso t = tso;

	tso_left_to_sender(A, mac[B], mac[A], 10000, &tso);	/* another port's */
	tso_left_to_sender(A, bcast, mac[A], 10000, &tso);	/* flooded */
	tso_left_to_sender(A, mcast, mac[A], 10000, &tso);
	tso_left_to_sender(A, mac[A], mac[A], 10000, &tso);	/* its own */
	tso_left_to_sender(C, stranger, mac[C], 10000, &tso);	/* tagged on the uplink */
	tso_left_to_sender(A, stranger, stranger, 10000, &tso);	/* forged: per frame */
	tso_left_to_sender(A, stranger, mac[A], VSW_TSO_MAX + 1, &tso);
	tso_left_to_sender(A, stranger, mac[A], 54, &tso);		/* no payload */
	t.mss = 1461;							/* 1515-byte segments */
	tso_left_to_sender(A, stranger, mac[A], 10000, &t);
	t = tso;
	t.l4 = 33;
	tso_left_to_sender(A, stranger, mac[A], 10000, &t);
	/* the uplink as the sender: not back out of itself */
	tso_left_to_sender(U, stranger, mac[A], 10000, &tso);
	/* a promiscuous port of the VLAN sees it: segments for it too */
	ck_assert_int_eq(vsw_group_set_policy(&sw, "VM Network", &allow_all), VMK_OK);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], mac[B], true), VMK_OK);
	tso_left_to_sender(A, stranger, mac[A], 10000, &tso);
	ck_assert_int_eq(vsw_port_set_filter(&sw, id[B], mac[B], false), VMK_OK);
	/* the uplink's cable out, or its NIC refusing the packet */
	ck_assert_int_eq(vsw_port_set_link(&sw, id[U], false), VMK_OK);
	tso_left_to_sender(A, stranger, mac[A], 10000, &tso);
	ck_assert_int_eq(vsw_port_set_link(&sw, id[U], true), VMK_OK);
	tso_sinks[U].refuse = true;
	tso_left_to_sender(A, stranger, mac[A], 10000, &tso);
	tso_sinks[U].refuse = false;
	ck_assert(vsw_send_tso(&sw, id[A], big, 10000, &tso));
}
END_TEST

/*
 * An uplink ring without room for the whole packet: one drop of the
 * packet, counted as the 7 frames the wire would have seen (queue-full
 * on the uplink, tx on the sender as for a frame vsw_send() took), not
 * left to the sender, whose segments would meet the same full ring.
 */
START_TEST(test_a_tso_packet_for_a_full_uplink_ring_is_dropped_whole)
{
	struct vsw_counters a0 = counters(A), u0 = counters(U), a, u;

	tso_sinks[U].full = true;
	frame(big, stranger, mac[A], 10000);
	ck_assert(vsw_send_tso(&sw, id[A], big, 10000, &tso));
	ck_assert_uint_eq(tso_taken(), 0);
	ck_assert_uint_eq(received(), 0);
	a = counters(A);
	u = counters(U);
	ck_assert_uint_eq(a.tx_packets - a0.tx_packets, 7);
	ck_assert_uint_eq(a.tx_bytes - a0.tx_bytes, 6 * 1502 + 1312);
	ck_assert_uint_eq(u.drops[VSW_DROP_QUEUE_FULL] - u0.drops[VSW_DROP_QUEUE_FULL], 7);
	ck_assert_uint_eq(u.rx_packets, u0.rx_packets);
	ck_assert_uint_eq(u.rx_bytes, u0.rx_bytes);
}
END_TEST

START_TEST(test_only_the_uplink_takes_tso_packets)
{
	ck_assert_int_eq(vsw_port_disconnect(&sw, id[U]), VMK_OK);
	tso_left_to_sender(A, stranger, mac[A], 10000, &tso);
	/* an uplink without deliver_tso */
	struct vsw_port_config cfg = { .kind = VSW_OWNER_UPLINK, .deliver = capture,
				       .ctx = &sinks[U] };
	ck_assert_int_eq(vsw_port_connect(&sw, &cfg, &id[U]), VMK_OK);
	tso_left_to_sender(A, stranger, mac[A], 10000, &tso);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vswitch");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_unicast_reaches_only_the_port_with_that_mac);
	tcase_add_test(tc, test_unknown_unicast_from_a_vm_leaves_by_the_uplink_only);
	tcase_add_test(tc, test_unknown_unicast_without_an_uplink_has_no_destination);
	tcase_add_test(tc, test_unknown_unicast_from_the_uplink_is_dropped);
	tcase_add_test(tc, test_a_frame_to_the_senders_own_mac_goes_nowhere);
	tcase_add_test(tc, test_broadcast_floods_its_vlan_but_never_the_sender);
	tcase_add_test(tc, test_multicast_from_the_uplink_floods_its_vlan);
	tcase_add_test(tc, test_vlan_10_and_20_cannot_reach_each_other);
	tcase_add_test(tc, test_the_uplink_gets_vlan_frames_tagged_with_priority_0);
	tcase_add_test(tc, test_tags_from_the_uplink_are_removed_for_the_vlans_ports);
	tcase_add_test(tc, test_a_frame_short_after_its_tag_is_removed_is_padded_to_60);
	tcase_add_test(tc, test_a_trunk_port_sends_and_receives_tags_as_they_are);
	tcase_add_test(tc, test_a_vm_may_not_tag_on_a_port_group_with_one_vlan);
	tcase_add_test(tc, test_vid_4095_is_reserved_and_dropped);
	tcase_add_test(tc, test_priority_tagged_frames_from_the_wire_are_vlan_0);
	tcase_add_test(tc, test_forged_transmits_are_dropped_unless_allowed);
	tcase_add_test(tc, test_a_rejected_mac_change_stops_receive_until_restored);
	tcase_add_test(tc, test_an_accepted_mac_change_moves_the_ports_address);
	tcase_add_test(tc, test_a_mac_change_to_another_ports_address_is_refused);
	tcase_add_test(tc, test_promiscuous_mode_is_ignored_unless_allowed);
	tcase_add_test(tc, test_a_groups_vlan_and_policy_change_with_its_ports_connected);
	tcase_add_test(tc, test_a_promiscuous_trunk_sees_every_vlan);
	tcase_add_test(tc, test_runts_and_oversized_frames_are_dropped_before_any_field_is_read);
	tcase_add_test(tc, test_a_group_address_as_source_is_dropped);
	tcase_add_test(tc, test_a_full_queue_is_counted_on_the_receiver);
	tcase_add_test(tc, test_a_port_whose_link_is_down_sends_and_receives_nothing);
	tcase_add_test(tc, test_counters_add_up);
	tcase_add_test(tc, test_setup_refuses_bad_names_vlans_macs_and_duplicates);
	tcase_add_test(tc, test_the_port_and_group_tables_fill_up_and_free);
	tcase_add_test(tc, test_the_uplink_filter_follows_the_ports_receive_addresses);
	tcase_add_test(tc, test_multicast_from_the_wire_reaches_only_the_ports_that_joined);
	tcase_add_test(tc, test_the_uplinks_multicast_union_follows_the_ports);
	tcase_add_test(tc, test_a_multicast_list_with_another_address_is_refused_whole);
	tcase_add_test(tc, test_the_same_multicast_list_again_rewrites_no_filter);
	tcase_add_test(tc, test_generated_macs_are_vmwares_from_the_uuid);
	tcase_add_test(tc, test_the_static_range_is_00_50_56_00_00_00_to_3f_ff_ff);
	tcase_add_test(tc, test_a_tso_packet_for_the_wire_leaves_by_the_uplink_whole);
	tcase_add_test(tc, test_a_tso_packet_not_for_the_uplink_alone_is_left_to_the_sender);
	tcase_add_test(tc, test_a_tso_packet_for_a_full_uplink_ring_is_dropped_whole);
	tcase_add_test(tc, test_only_the_uplink_takes_tso_packets);
	return check_run("vmkernel virtual switch", tc);
}
