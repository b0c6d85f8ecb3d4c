// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel's virtual switches (net.h). */
#include "vmkernel/net/net.h"
#include "vmkernel/arch/x86/apic.h"
#include "vmkernel/core/hypercall.h"
#include "vmkernel/net/uplink.h"
#include "vmkernel/net/cos_port.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/cos/cos_mem.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/log/log.h"
#include <vmk/net.h>

struct vsw_table net_switches;

static struct {
	uint32_t port;			/* on vswitch0; 0: none */
	uint8_t mac[VSW_ETH_ALEN];
	struct cos_port q;
	/* the doorbell: vector | cpu << 8 | BELL_SET (atomic); 0: not asked */
	uint32_t bell;
	uint32_t bells_merged;		/* rung into the NIC's interrupt */
	uint32_t bell_ipis;		/* rung as an IPI */
	/*
	 * The longest KICK (us, the COS CPU's whole hypercall: vmk0 holds
	 * its netdev's TX lock across it) and the most frames one sent;
	 * logged when vmk0 goes down (docs/network.md "vmk0's rings").
	 */
	uint32_t kick_max_us, kick_max_frames;
	/* each CPU's copy of the frame it sends (VMK_HC_COS_NET TX) */
	uint8_t tx[VMK_MAX_CPUS][VMK_COS_NET_FRAME_MAX];
} cos_nic;

vmk_status_t net_global_init(void)
{
	static const struct vsw_policy reject_all;
	struct vmk_why why = { "" };
	vmk_status_t st;

	st = vsw_table_add(&net_switches, NET_SWITCH_NAME, &why);	/* slot 0 */
	if (st == VMK_OK)
		st = vsw_table_group_add(&net_switches, NET_SWITCH_NAME, NET_DEFAULT_GROUP,
					 VSW_VLAN_NONE, &reject_all, &why);
	if (st == VMK_OK && (vmk_boot_info.flags & VMK_BOOT_NET))
		st = vsw_table_group_add(&net_switches, NET_SWITCH_NAME, NET_COS_GROUP,
					 VSW_VLAN_NONE, &reject_all, &why);
	return st;
}

#define BELL_SET	(1u << 16)

/*
 * The port's doorbell (cos_port.h ring): the COS's vector as a fixed IPI,
 * unless the uplink NIC's level interrupt of that vector is in service
 * on this CPU, the target (uplink_intr_work() polled for it): it goes to
 * the COS anyway and the armed handler claims it; an IPI would wake NAPI
 * a second time, to find nothing (lab: 477 of 732 RX calls empty).
 */
static void cos_nic_ring(void)
{
	uint32_t b = __atomic_load_n(&cos_nic.bell, __ATOMIC_ACQUIRE);
	uint32_t cpu = (b >> 8) & 0xff, vector = b & 0xff;

	if (!b)
		return;
	if (cpu == this_cpu() && apic_in_service(vector) && apic_level_triggered(vector)) {
		__atomic_fetch_add(&cos_nic.bells_merged, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&cos_nic.bell_ipis, 1, __ATOMIC_RELAXED);
	net_cos_intr_mark();
	apic_send_ipi(cpu, vector);
}

void net_cos_intr_mark(void)
{
	if (vmk_shared)
		__atomic_fetch_add(&vmk_shared->net_intr_seq, 1, __ATOMIC_SEQ_CST);
}

void net_cos_port_connect(const uint8_t mac[VSW_ETH_ALEN])
{
	struct vsw_port_config pc = {
		.kind = VSW_OWNER_COS, .group = NET_COS_GROUP,
		.deliver = cos_port_deliver, .ctx = &cos_nic.q,
	};
	vmk_status_t st;

	memcpy(pc.mac, mac, VSW_ETH_ALEN);
	cos_nic.q.ring = cos_nic_ring;
	st = vsw_port_connect(net_vswitch0(), &pc, &cos_nic.port);
	if (st != VMK_OK) {
		log_warn("net: the COS's port on '%s' refused (status %d): no vmk0", NET_COS_GROUP, st);
		return;
	}
	memcpy(cos_nic.mac, mac, VSW_ETH_ALEN);
	log_info("net: the COS's port %u on '%s' has the uplink's MAC", cos_nic.port, NET_COS_GROUP);
}

static bool cos_nic_range_ok(uint64_t gpa, uint64_t len)
{
	return cos_range_ok(&vmk_pool, gpa, len);
}

static uint32_t cos_nic_send(const uint8_t *frame, uint32_t len)
{
	return vsw_send(net_vswitch0(), cos_nic.port, frame, len);
}

/*
 * ARM's target (checked in cos_port.c to be a device vector): a CPU the
 * vmkernel runs on. The same vector there is the uplink NIC's interrupt:
 * Linux routed its INTx there, and the module asks for the doorbell on it.
 */
static vmk_status_t cos_nic_doorbell_at(uint8_t vector, uint8_t apic_id, char *msg,
					uint32_t size)
{
	int cpu = apic_cpu_of(apic_id);

	if (cpu < 0) {
		fmt_snprintf(msg, size, "APIC ID %u is no CPU the vmkernel runs on", apic_id);
		return VMK_BAD_PARAM;
	}
	__atomic_store_n(&cos_nic.bell, vector | (uint32_t)cpu << 8 | BELL_SET, __ATOMIC_RELEASE);
	uplink_irq_route(vector, (uint32_t)cpu);
	return VMK_OK;
}

static void cos_nic_doorbell_off(void)
{
	static uint32_t quiets;		/* the COS may send QUIET at will: rate-limit the line */
	uint64_t rung;

	__atomic_store_n(&cos_nic.bell, 0, __ATOMIC_RELEASE);
	uplink_irq_off();
	spin_lock(&cos_nic.q.lock);
	rung = cos_nic.q.doorbells;
	spin_unlock(&cos_nic.q.lock);
	if (!log_nth(__atomic_add_fetch(&quiets, 1, __ATOMIC_RELAXED)))
		return;
	log_info("net: vmk0 is down (%u times so far): its doorbell rang %llu times, %u of them with the NIC's interrupt",
		 quiets, (unsigned long long)rung,
		 __atomic_load_n(&cos_nic.bells_merged, __ATOMIC_RELAXED));
	log_info("net: vmk0's longest KICK took %u us; the most frames one sent: %u",
		 __atomic_load_n(&cos_nic.kick_max_us, __ATOMIC_RELAXED),
		 __atomic_load_n(&cos_nic.kick_max_frames, __ATOMIC_RELAXED));
}

static vmk_status_t cos_nic_set_mcast(const uint8_t (*groups)[VSW_ETH_ALEN], uint32_t n,
				      bool all)
{
	return vsw_port_set_mcast(net_vswitch0(), cos_nic.port, groups, n, all);
}

static const struct cos_port_ops cos_nic_ops = {
	cos_nic_range_ok, cos_read, cos_write, cos_nic_send, uplink_poll,
	cos_nic_doorbell_at, cos_nic_doorbell_off, cos_nic_set_mcast,
};

static void atomic_max32(uint32_t *at, uint32_t v)
{
	uint32_t old = __atomic_load_n(at, __ATOMIC_RELAXED);

	while (v > old && !__atomic_compare_exchange_n(at, &old, v, false, __ATOMIC_RELAXED,
						       __ATOMIC_RELAXED))
		;
}

/* A KICK, timed (cos_nic.kick_max_us). */
static vmk_status_t cos_nic_kick(struct vmk_cos_net *r, uint32_t cpu)
{
	uint64_t t0 = vmk_time_us(), us;
	vmk_status_t st = cos_port_request(&cos_nic.q, r, &cos_nic_ops, cos_nic.tx[cpu]);

	us = vmk_time_us() - t0;
	atomic_max32(&cos_nic.kick_max_us, us > UINT32_MAX ? UINT32_MAX : (uint32_t)us);
	atomic_max32(&cos_nic.kick_max_frames, r->sent);
	return st;
}

vmk_status_t net_cos_request(struct vmk_cos_net *r, uint32_t cpu)
{
	if (!cos_nic.port) {
		fmt_snprintf(r->msg, sizeof(r->msg),
			     "no COS port: vmkload was loaded without net=1, or the uplink failed");
		return VMK_NOT_SUPPORTED;
	}
	r->port = cos_nic.port;
	memcpy(r->mac, cos_nic.mac, sizeof(r->mac));
	if (r->op == VMK_COS_NET_INFO)
		return VMK_OK;
	if (r->op == VMK_COS_NET_KICK)
		return cos_nic_kick(r, cpu);
	return cos_port_request(&cos_nic.q, r, &cos_nic_ops, cos_nic.tx[cpu]);
}

/* ---- the COS's view (include/vmk/net.h) ---- */

static uint32_t policy_bits(const struct vsw_policy *p)
{
	return (p->promiscuous ? VMK_NET_ALLOW_PROMISCUOUS : 0) |
	       (p->mac_change ? VMK_NET_ALLOW_MAC_CHANGE : 0) |
	       (p->forged_transmit ? VMK_NET_ALLOW_FORGED : 0);
}

/* The groups and ports, compacted: group indexes are those of info->group[]. */
static void info_fill(struct vswitch *sw, struct vmk_net_info *info)
{
	uint32_t gmap[VSW_GROUPS_MAX];

	spin_lock(&sw->lock);
	memcpy(info->name, sw->name, sizeof(info->name));
	for (uint32_t i = 0; i < VSW_GROUPS_MAX; i++) {
		const struct vsw_group *g = &sw->groups[i];
		struct vmk_net_group *o = &info->group[info->ngroups];

		if (!g->name[0])
			continue;
		memcpy(o->name, g->name, sizeof(o->name));
		memcpy(o->vswitch, sw->name, sizeof(o->vswitch));
		o->vlan = g->vlan;
		o->policy = policy_bits(&g->policy);
		o->nports = g->nports;
		gmap[i] = info->ngroups++;
	}
	for (uint32_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = &sw->ports[i];
		struct vmk_net_port *o = &info->port[info->nports];

		if (!p->used)
			continue;
		info->nports++;
		o->id = i + 1;
		o->kind = p->kind == VSW_OWNER_UPLINK ? VMK_NET_PORT_UPLINK :
			  p->kind == VSW_OWNER_VM ? VMK_NET_PORT_VM : VMK_NET_PORT_COS;
		o->owner_id = p->owner_id;
		o->nic = p->kind == VSW_OWNER_VM ? p->nic : 0;
		o->group = p->kind == VSW_OWNER_UPLINK ? 0 : gmap[p->group];
		memcpy(o->mac, p->mac, sizeof(o->mac));
		memcpy(o->filter_mac, p->filter_mac, sizeof(o->filter_mac));
		o->flags = (p->promiscuous ? VMK_NET_PORT_PROMISCUOUS : 0) |
			   (p->link_down ? VMK_NET_PORT_LINK_DOWN : 0);
		o->tx_packets = p->c.tx_packets;
		o->tx_bytes = p->c.tx_bytes;
		o->rx_packets = p->c.rx_packets;
		o->rx_bytes = p->c.rx_bytes;
		for (uint32_t r = 0; r < VMK_NET_DROP_REASONS; r++)
			o->drops[r] = p->c.drops[r];
	}
	spin_unlock(&sw->lock);
}

_Static_assert(VMK_NET_DROP_REASONS == VSW_DROP_REASONS, "drop reasons match the switch's");
_Static_assert(VMK_NET_MAX_PORTS == VSW_PORTS_MAX && VMK_NET_MAX_GROUPS == VSW_GROUPS_MAX,
	       "the ABI's tables hold the whole switch");
_Static_assert(VMK_NET_MAX_SWITCHES == VSW_TABLE_MAX, "the ABI's slots are the table's");

vmk_status_t net_hc_info(uint64_t gpa, uint32_t size, uint32_t *nports)
{
	static struct vmk_net_info info;	/* info_lock; 10 KiB: not the stack */
	static struct spinlock info_lock;
	uint32_t start, slot;
	vmk_status_t st;

	if (size < sizeof(info))
		return VMK_BAD_PARAM;
	st = cos_read(gpa, &start, sizeof(start));	/* info.start */
	if (st != VMK_OK)
		return st;
	spin_lock(&info_lock);
	memset(&info, 0, sizeof(info));
	vsw_table_lock(&net_switches);
	slot = vsw_table_next(&net_switches, start);
	if (slot < VSW_TABLE_MAX) {
		info_fill(&net_switches.sw[slot], &info);
		info.start = slot;
		info.next = vsw_table_next(&net_switches, slot + 1);
		if (info.next == VSW_TABLE_MAX)
			info.next = 0;	/* the last */
		info.nswitches = vsw_table_count(&net_switches);
	}
	vsw_table_unlock(&net_switches);
	if (slot == VSW_TABLE_UPLINK) {
		uplink_info_fill(&info.uplink);
		info.uplink.bell_ipis = __atomic_load_n(&cos_nic.bell_ipis, __ATOMIC_RELAXED);
		info.uplink.bells_merged = __atomic_load_n(&cos_nic.bells_merged,
							   __ATOMIC_RELAXED);
	} else
		info.flags = VMK_NET_SWITCH_INTERNAL;
	*nports = info.nports;
	st = slot < VSW_TABLE_MAX ? cos_write(gpa, &info, sizeof(info)) : VMK_BAD_PARAM;
	spin_unlock(&info_lock);
	return st;
}

/*
 * The COS's struct vmk_net_group, copied once into vmkernel memory and
 * checked there: its name ended, its policy bits known. *pol from them.
 */
static vmk_status_t group_read(uint64_t gpa, struct vmk_net_group *g, struct vsw_policy *pol,
			       struct vmk_why *why)
{
	vmk_status_t st = cos_read(gpa, g, sizeof(*g));

	if (st != VMK_OK)
		return st;
	g->name[VMK_NET_NAME_LEN - 1] = '\0';
	g->vswitch[VMK_NET_NAME_LEN - 1] = '\0';
	if (g->policy & ~(VMK_NET_ALLOW_PROMISCUOUS | VMK_NET_ALLOW_MAC_CHANGE | VMK_NET_ALLOW_FORGED)) {
		why_set(why, "port group '%s': unknown policy bits %x",
			g->name, g->policy);
		return VMK_BAD_PARAM;
	}
	pol->promiscuous = g->policy & VMK_NET_ALLOW_PROMISCUOUS;
	pol->mac_change = g->policy & VMK_NET_ALLOW_MAC_CHANGE;
	pol->forged_transmit = g->policy & VMK_NET_ALLOW_FORGED;
	return VMK_OK;
}

static uint16_t group_vlan(const struct vmk_net_group *g)
{
	return g->vlan > 0xffff ? 0xffff : (uint16_t)g->vlan;	/* the switch refuses it */
}

vmk_status_t net_hc_group_set(uint64_t gpa, struct vmk_why *why)
{
	struct vmk_net_group g;
	struct vsw_policy pol;
	vmk_status_t st = group_read(gpa, &g, &pol, why);

	if (st != VMK_OK)
		return st;
	st = vsw_table_group_set(&net_switches, g.name, group_vlan(&g), &pol, why);
	if (st == VMK_OK)
		log_info("net: port group '%s' set, VLAN %u, policy %x", g.name, g.vlan, g.policy);
	return st;
}

vmk_status_t net_hc_group_del(uint64_t gpa, struct vmk_why *why)
{
	struct vmk_net_group g;
	vmk_status_t st = cos_read(gpa, &g, sizeof(g));

	if (st != VMK_OK)
		return st;
	g.name[VMK_NET_NAME_LEN - 1] = '\0';
	st = vsw_table_group_remove(&net_switches, g.name, why);
	if (st == VMK_OK)
		log_info("net: port group '%s' removed", g.name);
	return st;
}

vmk_status_t net_hc_group_add(uint64_t gpa, struct vmk_why *why)
{
	struct vmk_net_group g;
	struct vsw_policy pol;
	vmk_status_t st = group_read(gpa, &g, &pol, why);

	if (st != VMK_OK)
		return st;
	if (!g.vswitch[0])
		memcpy(g.vswitch, NET_SWITCH_NAME, sizeof(NET_SWITCH_NAME));
	st = vsw_table_group_add(&net_switches, g.vswitch, g.name, group_vlan(&g), &pol, why);
	if (st == VMK_OK)
		log_info("%s: port group '%s' added, VLAN %u, policy %x",
			 g.vswitch, g.name, g.vlan, g.policy);
	return st;
}

vmk_status_t net_hc_switch(struct hc_call *c)
{
	struct vmk_net_switch req;
	vmk_status_t st = cos_read(c->arg[0], &req, sizeof(req));

	if (st != VMK_OK)
		return st;
	req.name[VMK_NET_NAME_LEN - 1] = '\0';
	if (req.op == VMK_NET_SWITCH_ADD)
		st = vsw_table_add(&net_switches, req.name, &c->why);
	else if (req.op == VMK_NET_SWITCH_DEL)
		st = vsw_table_remove(&net_switches, req.name, &c->why);
	else
		return why_fail(&c->why, VMK_BAD_PARAM, "switch '%s': unknown operation %u",
				req.name, req.op);
	if (st == VMK_OK)
		log_info("net: switch '%s' %s", req.name,
			 req.op == VMK_NET_SWITCH_ADD ? "added (internal: no uplink)" : "deleted");
	return st;
}
