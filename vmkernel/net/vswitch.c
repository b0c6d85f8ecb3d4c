// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtual switch core (vswitch.h, docs/network.md). Each frame is
 * classified into one VLAN on the way in (the sender's port group, or the
 * tag from the uplink or a trunk port), then delivered to the ports of
 * that VLAN that should see it, in its form for each: untagged for a port
 * group with one VLAN, tagged for the uplink and trunk port groups.
 */
#include "vmkernel/net/vswitch.h"

static const uint8_t mac_oui_static[3] = { 0x00, 0x50, 0x56 };
static const uint8_t mac_oui_generated[3] = { 0x00, 0x0c, 0x29 };
#define MAC_STATIC_TOP		0x3f	/* 00:50:56:3F:FF:FF, the static range's end */
#define VSW_VLAN_KEEP		0x10000u	/* group_set(): the VLAN stays */
#define MAC_GENERATED_STEP	10	/* ethernetN.generatedAddressOffset per NIC */

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool mac_eq(const uint8_t *a, const uint8_t *b)
{
	return !memcmp(a, b, VSW_ETH_ALEN);
}

bool vsw_mac_is_unicast(const uint8_t mac[VSW_ETH_ALEN])
{
	static const uint8_t zero[VSW_ETH_ALEN];

	return !(mac[0] & 1) && !mac_eq(mac, zero);
}

bool vsw_mac_is_static(const uint8_t mac[VSW_ETH_ALEN])
{
	return !memcmp(mac, mac_oui_static, 3) && mac[3] <= MAC_STATIC_TOP;
}

void vsw_mac_generate(const uint8_t uuid[16], uint32_t nic, uint8_t mac[VSW_ETH_ALEN])
{
	uint32_t low = (uint32_t)uuid[13] << 16 | (uint32_t)uuid[14] << 8 | uuid[15];

	low += nic * MAC_GENERATED_STEP;
	memcpy(mac, mac_oui_generated, 3);
	mac[3] = (uint8_t)(low >> 16);
	mac[4] = (uint8_t)(low >> 8);
	mac[5] = (uint8_t)low;
}

/* 1..VSW_NAME_MAX - 1 printable ASCII characters. */
static bool name_ok(const char *name)
{
	uint32_t i;

	if (!name)
		return false;
	for (i = 0; i < VSW_NAME_MAX && name[i]; i++)
		if (name[i] < 0x20 || name[i] > 0x7e)
			return false;
	return i > 0 && i < VSW_NAME_MAX;
}

static struct vsw_group *group_find(struct vswitch *sw, const char *name)
{
	uint32_t i;

	for (i = 0; i < VSW_GROUPS_MAX; i++)
		if (sw->groups[i].name[0] && !strcmp(sw->groups[i].name, name))
			return &sw->groups[i];
	return NULL;
}

static struct vsw_port *port_get(struct vswitch *sw, uint32_t port_id)
{
	if (port_id < 1 || port_id > VSW_PORTS_MAX || !sw->ports[port_id - 1].used)
		return NULL;
	return &sw->ports[port_id - 1];
}

static struct vsw_group *port_group(struct vswitch *sw, const struct vsw_port *p)
{
	return p->kind == VSW_OWNER_UPLINK ? NULL : &sw->groups[p->group];
}

/* Whether another port than except has mac as its own or its receive MAC. */
static bool mac_taken(struct vswitch *sw, const uint8_t *mac, const struct vsw_port *except)
{
	uint32_t i;

	for (i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = &sw->ports[i];

		if (!p->used || p == except || p->kind == VSW_OWNER_UPLINK)
			continue;
		if (mac_eq(p->mac, mac) || mac_eq(p->rx_mac, mac))
			return true;
	}
	return false;
}

/* Under the lock: what the ports receive may have changed. */
static void rx_changed(struct vswitch *sw)
{
	__atomic_store_n(&sw->rx_gen, sw->rx_gen + 1, __ATOMIC_RELEASE);
}

/*
 * A port's receive state from the guest's filter and the group's policy
 * (VMware's semantics): a filter MAC other than the assigned one is the
 * port's new address when MAC changes are accepted (and no other port
 * uses it); when they are rejected the port receives nothing until the
 * guest programs the assigned MAC again.
 */
static void port_update_rx(struct vswitch *sw, struct vsw_port *p)
{
	const struct vsw_policy *pol = &sw->groups[p->group].policy;

	memcpy(p->rx_mac, p->mac, VSW_ETH_ALEN);
	p->rx_refused = false;
	if (!mac_eq(p->filter_mac, p->mac)) {
		if (pol->mac_change && vsw_mac_is_unicast(p->filter_mac) &&
		    !mac_taken(sw, p->filter_mac, p))
			memcpy(p->rx_mac, p->filter_mac, VSW_ETH_ALEN);
		else
			p->rx_refused = true;
	}
	p->rx_all = p->promiscuous && pol->promiscuous;
	rx_changed(sw);
}

vmk_status_t vsw_init(struct vswitch *sw, const char *name)
{
	if (!name_ok(name))
		return VMK_BAD_PARAM;
	memset(sw, 0, sizeof(*sw));
	memcpy(sw->name, name, strlen(name) + 1);
	return VMK_OK;
}

vmk_status_t vsw_group_add(struct vswitch *sw, const char *name, uint16_t vlan,
			   const struct vsw_policy *policy)
{
	vmk_status_t st = VMK_NO_CAPACITY;
	uint32_t i;

	if (!name_ok(name) || vlan > VSW_VLAN_TRUNK)
		return VMK_BAD_PARAM;
	spin_lock(&sw->lock);
	if (group_find(sw, name)) {
		st = VMK_BUSY;
		goto out;
	}
	for (i = 0; i < VSW_GROUPS_MAX; i++) {
		struct vsw_group *g = &sw->groups[i];

		if (g->name[0])
			continue;
		memset(g, 0, sizeof(*g));
		memcpy(g->name, name, strlen(name) + 1);
		g->vlan = vlan;
		if (policy)
			g->policy = *policy;
		st = VMK_OK;
		break;
	}
out:
	spin_unlock(&sw->lock);
	return st;
}

/* The policy of group name, and its VLAN unless vlan is VSW_VLAN_KEEP. */
static vmk_status_t group_set(struct vswitch *sw, const char *name, uint32_t vlan,
			      const struct vsw_policy *policy)
{
	struct vsw_group *g;
	uint32_t i;

	if (!name_ok(name) || !policy || (vlan > VSW_VLAN_TRUNK && vlan != VSW_VLAN_KEEP))
		return VMK_BAD_PARAM;
	spin_lock(&sw->lock);
	g = group_find(sw, name);
	if (g) {
		/* frames are tagged and delivered by the group's VLAN as they go */
		if (vlan != VSW_VLAN_KEEP)
			g->vlan = (uint16_t)vlan;
		g->policy = *policy;
		for (i = 0; i < VSW_PORTS_MAX; i++) {
			struct vsw_port *p = &sw->ports[i];

			if (p->used && port_group(sw, p) == g)
				port_update_rx(sw, p);
		}
	}
	spin_unlock(&sw->lock);
	return g ? VMK_OK : VMK_BAD_PARAM;
}

vmk_status_t vsw_group_set_policy(struct vswitch *sw, const char *name,
				  const struct vsw_policy *policy)
{
	return group_set(sw, name, VSW_VLAN_KEEP, policy);
}

vmk_status_t vsw_group_set(struct vswitch *sw, const char *name, uint16_t vlan,
			   const struct vsw_policy *policy)
{
	return group_set(sw, name, vlan, policy);
}

vmk_status_t vsw_group_remove(struct vswitch *sw, const char *name)
{
	vmk_status_t st = VMK_BAD_PARAM;
	struct vsw_group *g;

	if (!name_ok(name))
		return VMK_BAD_PARAM;
	spin_lock(&sw->lock);
	g = group_find(sw, name);
	if (g && g->nports) {
		st = VMK_BUSY;
	} else if (g) {
		g->name[0] = '\0';
		st = VMK_OK;
	}
	spin_unlock(&sw->lock);
	return st;
}

static vmk_status_t connect_locked(struct vswitch *sw, const struct vsw_port_config *cfg,
				   uint32_t *port_id)
{
	struct vsw_group *g = NULL;
	struct vsw_port *p = NULL;
	uint32_t i;

	if (cfg->kind == VSW_OWNER_UPLINK) {
		if (cfg->group)
			return VMK_BAD_PARAM;
		if (sw->uplink)
			return VMK_BUSY;
	} else {
		g = group_find(sw, cfg->group);
		if (!g || !vsw_mac_is_unicast(cfg->mac))
			return VMK_BAD_PARAM;
		if (mac_taken(sw, cfg->mac, NULL))
			return VMK_BUSY;
	}
	for (i = 0; i < VSW_PORTS_MAX && !p; i++)
		if (!sw->ports[i].used)
			p = &sw->ports[i];
	if (!p)
		return VMK_NO_CAPACITY;
	memset(p, 0, sizeof(*p));
	p->used = true;
	p->kind = cfg->kind;
	p->owner_id = cfg->owner_id;
	p->nic = cfg->nic;
	p->deliver = cfg->deliver;
	p->deliver_tso = cfg->kind == VSW_OWNER_UPLINK ? cfg->deliver_tso : NULL;
	p->ctx = cfg->ctx;
	*port_id = (uint32_t)(p - sw->ports) + 1;
	if (!g) {
		sw->uplink = *port_id;
		return VMK_OK;
	}
	p->group = (uint32_t)(g - sw->groups);
	p->mc_all = true;	/* until its owner names its groups */
	g->nports++;
	memcpy(p->mac, cfg->mac, VSW_ETH_ALEN);
	memcpy(p->filter_mac, cfg->mac, VSW_ETH_ALEN);
	port_update_rx(sw, p);
	return VMK_OK;
}

vmk_status_t vsw_port_connect(struct vswitch *sw, const struct vsw_port_config *cfg,
			      uint32_t *port_id)
{
	vmk_status_t st;

	if (!cfg || !port_id || !cfg->deliver || cfg->kind > VSW_OWNER_COS)
		return VMK_BAD_PARAM;
	if (cfg->kind != VSW_OWNER_UPLINK && !name_ok(cfg->group))
		return VMK_BAD_PARAM;
	spin_lock(&sw->lock);
	st = connect_locked(sw, cfg, port_id);
	spin_unlock(&sw->lock);
	return st;
}

bool vsw_mac_in_use(struct vswitch *sw, const uint8_t mac[VSW_ETH_ALEN])
{
	bool taken;

	spin_lock(&sw->lock);
	taken = mac_taken(sw, mac, NULL);
	spin_unlock(&sw->lock);
	return taken;
}

vmk_status_t vsw_port_disconnect(struct vswitch *sw, uint32_t port_id)
{
	struct vsw_port *p;

	spin_lock(&sw->lock);
	p = port_get(sw, port_id);
	if (p) {
		if (p->kind == VSW_OWNER_UPLINK)
			sw->uplink = 0;
		else
			sw->groups[p->group].nports--;
		p->used = false;
		rx_changed(sw);
	}
	spin_unlock(&sw->lock);
	return p ? VMK_OK : VMK_BAD_PARAM;
}

vmk_status_t vsw_port_set_filter(struct vswitch *sw, uint32_t port_id,
				 const uint8_t mac[VSW_ETH_ALEN], bool promiscuous)
{
	struct vsw_port *p;

	spin_lock(&sw->lock);
	p = port_get(sw, port_id);
	if (p && p->kind != VSW_OWNER_UPLINK) {
		memcpy(p->filter_mac, mac, VSW_ETH_ALEN);
		p->promiscuous = promiscuous;
		port_update_rx(sw, p);
	}
	spin_unlock(&sw->lock);
	return p && p->kind != VSW_OWNER_UPLINK ? VMK_OK : VMK_BAD_PARAM;
}

static bool mac_is_bcast(const uint8_t *mac)
{
	static const uint8_t bcast[VSW_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return mac_eq(mac, bcast);
}

/* Whether the group address g is among the n of list. */
static bool mc_listed(const uint8_t (*list)[VSW_ETH_ALEN], uint32_t n, const uint8_t *g)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (mac_eq(list[i], g))
			return true;
	return false;
}

vmk_status_t vsw_port_set_mcast(struct vswitch *sw, uint32_t port_id,
				const uint8_t (*groups)[VSW_ETH_ALEN], uint32_t n, bool all)
{
	uint8_t mc[VSW_MC_PORT_MAX][VSW_ETH_ALEN];
	uint32_t i, mc_n = 0;
	struct vsw_port *p;

	for (i = 0; i < n; i++)
		if (!vsw_mac_is_group(groups[i]))
			return VMK_BAD_PARAM;
	all = all || n > VSW_MC_PORT_MAX;
	for (i = 0; i < n && !all; i++)
		if (!mc_listed((const uint8_t (*)[VSW_ETH_ALEN])mc, mc_n, groups[i]))
			memcpy(mc[mc_n++], groups[i], VSW_ETH_ALEN);
	if (all)
		mc_n = 0;
	spin_lock(&sw->lock);
	p = port_get(sw, port_id);
	/*
	 * The same list again (drivers resend it at every address or flag
	 * change) rewrites nothing: the uplink's filter stays as it is.
	 */
	if (p && p->kind != VSW_OWNER_UPLINK &&
	    (all != p->mc_all || mc_n != p->mc_n ||
	     memcmp(mc, p->mc, mc_n * VSW_ETH_ALEN))) {
		p->mc_all = all;
		p->mc_n = (uint8_t)mc_n;
		memcpy(p->mc, mc, mc_n * VSW_ETH_ALEN);
		rx_changed(sw);
	}
	spin_unlock(&sw->lock);
	return p && p->kind != VSW_OWNER_UPLINK ? VMK_OK : VMK_BAD_PARAM;
}

uint32_t vsw_uplink_mcast(struct vswitch *sw, uint8_t (*groups)[VSW_ETH_ALEN],
			  uint32_t max, bool *all)
{
	uint32_t i, j, n = 0;

	*all = false;
	spin_lock(&sw->lock);
	for (i = 0; i < VSW_PORTS_MAX && !*all; i++) {
		const struct vsw_port *p = &sw->ports[i];

		if (!p->used || p->kind == VSW_OWNER_UPLINK || p->rx_refused)
			continue;
		*all = p->mc_all || p->rx_all;
		for (j = 0; j < p->mc_n && !*all; j++) {
			if (mc_listed((const uint8_t (*)[VSW_ETH_ALEN])groups, n, p->mc[j]))
				continue;
			if (n == max)
				*all = true;
			else
				memcpy(groups[n++], p->mc[j], VSW_ETH_ALEN);
		}
	}
	spin_unlock(&sw->lock);
	return *all ? 0 : n;
}

uint32_t vsw_uplink_filter(struct vswitch *sw, uint8_t (*macs)[VSW_ETH_ALEN],
			   uint32_t max, bool *promiscuous)
{
	uint32_t i, n = 0;

	*promiscuous = false;
	spin_lock(&sw->lock);
	for (i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = &sw->ports[i];

		if (!p->used || p->kind == VSW_OWNER_UPLINK)
			continue;
		*promiscuous |= p->rx_all;
		if (p->rx_refused)
			continue;
		if (n < max)
			memcpy(macs[n], p->rx_mac, VSW_ETH_ALEN);
		n++;
	}
	spin_unlock(&sw->lock);
	return n;
}

vmk_status_t vsw_port_set_link(struct vswitch *sw, uint32_t port_id, bool up)
{
	struct vsw_port *p;

	spin_lock(&sw->lock);
	p = port_get(sw, port_id);
	if (p)
		p->link_down = !up;
	spin_unlock(&sw->lock);
	return p ? VMK_OK : VMK_BAD_PARAM;
}

vmk_status_t vsw_port_counters(struct vswitch *sw, uint32_t port_id,
			       struct vsw_counters *out)
{
	struct vsw_port *p;

	spin_lock(&sw->lock);
	p = port_get(sw, port_id);
	if (p)
		*out = p->c;
	spin_unlock(&sw->lock);
	return p ? VMK_OK : VMK_BAD_PARAM;
}

/* One frame on its way through the switch. */
struct xfer {
	const uint8_t *frame;
	uint32_t len;
	bool tagged;		/* arrived with an 802.1Q tag */
	uint16_t tci;		/* that tag's TCI */
	uint16_t vlan;		/* its VLAN: 0 (untagged) or 1..4094 */
	/* its untagged and tagged forms, built on first use */
	const uint8_t *plain;
	uint32_t plain_len;
	const uint8_t *tagged_form;
	uint32_t tagged_len;
};

/*
 * Check the frame and find its VLAN; VSW_DROP_REASONS when it may pass.
 * Nothing is read before its length is known to be there.
 */
static enum vsw_drop classify(struct vswitch *sw, const struct vsw_port *p,
			      struct xfer *x)
{
	const struct vsw_group *g = port_group(sw, p);
	const uint8_t *src = x->frame + VSW_ETH_ALEN;
	uint16_t vid;

	if (x->len < VSW_ETH_HLEN)
		return VSW_DROP_RUNT;
	x->tagged = get_be16(x->frame + 2 * VSW_ETH_ALEN) == VSW_ETH_P_8021Q;
	if (x->tagged && x->len < VSW_ETH_HLEN + VSW_VLAN_HLEN)
		return VSW_DROP_RUNT;
	if (x->len > (x->tagged ? VSW_VLAN_FRAME_LEN : VSW_ETH_FRAME_LEN))
		return VSW_DROP_OVERSIZE;
	if (src[0] & 1)
		return VSW_DROP_BAD_SOURCE;
	if (g && !g->policy.forged_transmit && !mac_eq(src, p->rx_mac))
		return VSW_DROP_FORGED;
	x->tci = x->tagged ? get_be16(x->frame + VSW_ETH_HLEN) : 0;
	vid = x->tci & VSW_VLAN_VID_MASK;
	if (g && g->vlan != VSW_VLAN_TRUNK) {
		/* one VLAN: the switch tags, the guest may not (VST) */
		if (x->tagged)
			return VSW_DROP_VLAN;
		x->vlan = g->vlan;
		return VSW_DROP_REASONS;
	}
	/* the uplink or a trunk: the tag names the VLAN; VID 0 tags only priority */
	if (vid == VSW_VLAN_TRUNK)
		return VSW_DROP_VLAN;	/* 802.1Q Table 9-2: VID FFF is reserved */
	x->vlan = vid;
	return VSW_DROP_REASONS;
}

/*
 * The frame without its tag. 802.1Q bridges pad a frame that removing the
 * tag left below the minimum size; the switch does the same (and pads
 * nothing else: short untagged frames pass as they came).
 */
static void xfer_plain(struct vswitch *sw, struct xfer *x)
{
	uint32_t len;

	if (x->plain)
		return;
	if (!x->tagged) {
		x->plain = x->frame;
		x->plain_len = x->len;
		return;
	}
	len = x->len - VSW_VLAN_HLEN;
	memcpy(sw->plain, x->frame, 2 * VSW_ETH_ALEN);
	memcpy(sw->plain + 2 * VSW_ETH_ALEN, x->frame + VSW_ETH_HLEN + 2,
	       len - 2 * VSW_ETH_ALEN);
	if (len < VSW_ETH_ZLEN) {
		memset(sw->plain + len, 0, VSW_ETH_ZLEN - len);
		len = VSW_ETH_ZLEN;
	}
	x->plain = sw->plain;
	x->plain_len = len;
}

/*
 * The frame tagged with its VLAN (not 0). A tag that came with the frame
 * stays as it was, priority bits included; a tag the switch adds has
 * priority 0 and DEI 0 (the switch does no QoS).
 */
static void xfer_tagged(struct vswitch *sw, struct xfer *x)
{
	if (x->tagged_form)
		return;
	if (x->tagged) {
		x->tagged_form = x->frame;
		x->tagged_len = x->len;
		return;
	}
	memcpy(sw->tagged, x->frame, 2 * VSW_ETH_ALEN);
	sw->tagged[12] = VSW_ETH_P_8021Q >> 8;
	sw->tagged[13] = VSW_ETH_P_8021Q & 0xff;
	sw->tagged[14] = (uint8_t)(x->vlan >> 8);
	sw->tagged[15] = (uint8_t)x->vlan;
	memcpy(sw->tagged + VSW_ETH_HLEN + 2, x->frame + 2 * VSW_ETH_ALEN,
	       x->len - 2 * VSW_ETH_ALEN);
	x->tagged_form = sw->tagged;
	x->tagged_len = x->len + VSW_VLAN_HLEN;
}

/* Whether port q carries every VLAN, tagged: the uplink, a trunk port. */
static bool carries_tags(struct vswitch *sw, const struct vsw_port *q)
{
	const struct vsw_group *g = port_group(sw, q);

	return !g || g->vlan == VSW_VLAN_TRUNK;
}

/* Whether port q is in VLAN vlan. */
static bool in_vlan(struct vswitch *sw, const struct vsw_port *q, uint16_t vlan)
{
	return carries_tags(sw, q) || sw->groups[q->group].vlan == vlan;
}

/* Hand the frame to q in q's form of it; whether q took it. */
static bool deliver(struct vswitch *sw, struct vsw_port *q, struct xfer *x)
{
	const uint8_t *frame;
	uint32_t len;

	if (q->link_down) {
		q->c.drops[VSW_DROP_LINK_DOWN]++;
		return false;
	}
	if (q->rx_refused) {
		q->c.drops[VSW_DROP_RX_POLICY]++;
		return false;
	}
	if (x->vlan && carries_tags(sw, q)) {
		xfer_tagged(sw, x);
		frame = x->tagged_form;
		len = x->tagged_len;
	} else {
		xfer_plain(sw, x);
		frame = x->plain;
		len = x->plain_len;
	}
	if (q->deliver(q->ctx, frame, len)) {
		q->c.drops[VSW_DROP_QUEUE_FULL]++;
		return false;
	}
	q->c.rx_packets++;
	q->c.rx_bytes += len;
	return true;
}

/* Whether port q takes the group frame to dst from the wire. */
static bool wants_group(const struct vsw_port *q, const uint8_t *dst)
{
	return q->mc_all || q->rx_all || mac_is_bcast(dst) ||
	       mc_listed((const uint8_t (*)[VSW_ETH_ALEN])q->mc, q->mc_n, dst);
}

/*
 * Forward x from p: broadcast and multicast to every port of the VLAN
 * (multicast from the uplink: to those of them that want the group);
 * unicast to the port whose MAC it names, else to the uplink (unless it
 * came from there), plus every promiscuous port of the VLAN. Never back
 * to p. Returns how many ports took it; *tried: how many were offered it.
 */
static uint32_t forward(struct vswitch *sw, struct vsw_port *p, struct xfer *x,
			uint32_t *tried)
{
	const uint8_t *dst = x->frame;
	bool flood = dst[0] & 1;
	struct vsw_port *to = NULL, *q;
	uint32_t i, n = 0;

	if (!flood) {
		for (i = 0; i < VSW_PORTS_MAX && !to; i++) {
			q = &sw->ports[i];
			if (q->used && q != p && q->kind != VSW_OWNER_UPLINK &&
			    mac_eq(q->rx_mac, dst) && in_vlan(sw, q, x->vlan))
				to = q;
		}
		/* unknown unicast leaves by the uplink, unless it is p's own */
		if (!to && p->kind != VSW_OWNER_UPLINK && !mac_eq(dst, p->rx_mac))
			to = port_get(sw, sw->uplink);
	}
	for (i = 0; i < VSW_PORTS_MAX; i++) {
		q = &sw->ports[i];
		if (!q->used || q == p || !in_vlan(sw, q, x->vlan))
			continue;
		if (!flood && q != to && !q->rx_all)
			continue;
		if (flood && p->kind == VSW_OWNER_UPLINK && !wants_group(q, dst))
			continue;
		(*tried)++;
		n += deliver(sw, q, x);
	}
	return n;
}

uint32_t vsw_send(struct vswitch *sw, uint32_t port_id, const uint8_t *frame,
		  uint32_t len)
{
	struct xfer x = { .frame = frame, .len = len };
	enum vsw_drop why;
	struct vsw_port *p;
	uint32_t n = 0, tried = 0;

	spin_lock(&sw->lock);
	p = port_get(sw, port_id);
	if (!p)
		goto out;
	why = p->link_down ? VSW_DROP_LINK_DOWN : classify(sw, p, &x);
	if (why == VSW_DROP_REASONS) {
		n = forward(sw, p, &x, &tried);
		if (!tried)
			why = VSW_DROP_NO_DEST;
	}
	if (why != VSW_DROP_REASONS) {
		p->c.drops[why]++;
		goto out;
	}
	p->c.tx_packets++;
	p->c.tx_bytes += len;
out:
	spin_unlock(&sw->lock);
	return n;
}

/* Whether t cuts len bytes into segments a frame each (untagged). */
static bool tso_fits(uint32_t len, const struct net_tso *t)
{
	return len <= VSW_TSO_MAX && t->ip >= VSW_ETH_HLEN && t->l4 >= t->ip + 20 &&
	       t->hlen >= t->l4 + 20 && t->hlen < len && t->mss &&
	       t->hlen + t->mss <= VSW_ETH_FRAME_LEN;
}

/* Whether the uplink alone gets x from p, untagged, and takes TSO. */
static struct vsw_port *tso_route(struct vswitch *sw, struct vsw_port *p,
				  const struct xfer *x)
{
	struct vsw_port *up = port_get(sw, sw->uplink), *q;

	if (!up || !up->deliver_tso || up->link_down || up->rx_refused ||
	    x->tagged || x->vlan || (x->frame[0] & 1) || mac_eq(x->frame, p->rx_mac))
		return NULL;
	for (uint32_t i = 0; i < VSW_PORTS_MAX; i++) {
		q = &sw->ports[i];
		if (!q->used || q == p || q == up || !in_vlan(sw, q, x->vlan))
			continue;
		if (q->rx_all || mac_eq(q->rx_mac, x->frame))
			return NULL;
	}
	return up;
}

bool vsw_send_tso(struct vswitch *sw, uint32_t port_id, const uint8_t *frame,
		  uint32_t len, const struct net_tso *t)
{
	uint32_t segs;
	uint64_t bytes;
	struct vsw_port *p, *up = NULL;
	struct xfer x = { .frame = frame };
	int st = VSW_TSO_REFUSED;

	if (!tso_fits(len, t))
		return false;
	/* each frame padded to 60 bytes, as the vNICs send short ones */
	segs = net_tso_frames(len, t, &bytes);
	/* the first segment's length: every segment passes what it passes */
	x.len = segs > 1 ? t->hlen + t->mss : len;
	spin_lock(&sw->lock);
	p = port_get(sw, port_id);
	/* never from the uplink (forward() sends nothing back to it) */
	if (p && p->kind != VSW_OWNER_UPLINK && !p->link_down &&
	    classify(sw, p, &x) == VSW_DROP_REASONS)
		up = tso_route(sw, p, &x);
	if (up)
		st = up->deliver_tso(up->ctx, frame, len, t);
	/* Taken, or no room for it in the ring: its segments would find
	 * the same ring, so it is one drop, counted as the wire's frames. */
	if (st == VSW_TSO_TAKEN || st == VSW_TSO_FULL) {
		p->c.tx_packets += segs;
		p->c.tx_bytes += bytes;
	}
	if (st == VSW_TSO_TAKEN) {
		up->c.rx_packets += segs;
		up->c.rx_bytes += bytes;
	} else if (st == VSW_TSO_FULL) {
		up->c.drops[VSW_DROP_QUEUE_FULL] += segs;
	}
	spin_unlock(&sw->lock);
	return st == VSW_TSO_TAKEN || st == VSW_TSO_FULL;
}
