/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmkernel's virtual switches (docs/network.md "What is wired"):
 * vswitch0, created at load with the port group "VM Network" (VLAN 0,
 * every policy rejecting) and the uplink when vmkload was given net=1,
 * and the internal switches the operator adds (vsw_table.h). VM vNICs
 * are ports of the switch that holds their port group
 * (vmkernel/vm/vm_nic.c).
 */
#ifndef VMKERNEL_NET_NET_H
#define VMKERNEL_NET_NET_H

#include "vmkernel/net/vsw_table.h"
#include "vmkernel/lib/why.h"

#define NET_SWITCH_NAME		"vswitch0"
#define NET_DEFAULT_GROUP	"VM Network"
#define NET_COS_GROUP		"Management Network"	/* with net=1: the COS's port */

extern struct vsw_table net_switches;

/* vswitch0, the uplink's switch. */
static inline struct vswitch *net_vswitch0(void)
{
	return &net_switches.sw[VSW_TABLE_UPLINK];
}

/* vswitch0 and its default port group (CPU 0, at load); with net=1 NET_COS_GROUP. */
vmk_status_t net_global_init(void);

/*
 * With the uplink running (uplink_global_init()): the COS's port in
 * NET_COS_GROUP with mac, the uplink NIC's (docs/network.md "The COS on
 * the switch").
 */
void net_cos_port_connect(const uint8_t mac[VSW_ETH_ALEN]);

/*
 * The vmkernel acknowledged the uplink NIC's interrupt or rang vmk0's
 * doorbell (an IPI): vmk_shared's net_intr_seq moves, before the vector
 * reaches the COS, so vmk0's handler claims it (and leaves the line's
 * other interrupts unclaimed: Linux's stuck-line check still works).
 */
void net_cos_intr_mark(void);

/*
 * VMK_HC_COS_NET on cpu: r, copied once into vmkernel memory, its out
 * fields cleared; VMK_OK, else the status with r->msg.
 */
struct vmk_cos_net;
vmk_status_t net_cos_request(struct vmk_cos_net *r, uint32_t cpu);

/*
 * VMK_HC_NET_INFO and VMK_HC_NET_GROUP_ADD (include/vmk/net.h): gpa is COS
 * memory; why says why when the status is not VMK_OK.
 */
vmk_status_t net_hc_info(uint64_t gpa, uint32_t size, uint32_t *nports);
vmk_status_t net_hc_group_add(uint64_t gpa, struct vmk_why *why);
/* VMK_HC_NET_GROUP_SET: a group's VLAN and policy; NET_GROUP_DEL: a group without ports. */
vmk_status_t net_hc_group_set(uint64_t gpa, struct vmk_why *why);
vmk_status_t net_hc_group_del(uint64_t gpa, struct vmk_why *why);
/* VMK_HC_NET_SWITCH: an internal switch added or deleted. */
struct hc_call;
vmk_status_t net_hc_switch(struct hc_call *c);

#endif /* VMKERNEL_NET_NET_H */
