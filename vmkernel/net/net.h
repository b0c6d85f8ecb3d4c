/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmkernel's virtual switch (docs/network.md "What is wired"): one
 * switch, vswitch0, created at load with the port group "VM Network"
 * (VLAN 0, every policy rejecting). VM vNICs are its ports
 * (vmkernel/vm/vm_nic.c); it has no uplink yet.
 */
#ifndef VMKERNEL_NET_NET_H
#define VMKERNEL_NET_NET_H

#include "vmkernel/net/vswitch.h"
#include "vmkernel/lib/why.h"

#define NET_SWITCH_NAME		"vswitch0"
#define NET_DEFAULT_GROUP	"VM Network"

extern struct vswitch net_vswitch;

/* vswitch0 and its default port group (CPU 0, at load). */
vmk_status_t net_global_init(void);

/*
 * VMK_HC_NET_INFO and VMK_HC_NET_GROUP_ADD (include/vmk/net.h): gpa is COS
 * memory; why says why when the status is not VMK_OK.
 */
vmk_status_t net_hc_info(uint64_t gpa, uint32_t size, uint32_t *nports);
vmk_status_t net_hc_group_add(uint64_t gpa, struct vmk_why *why);
/* VMK_HC_NET_GROUP_SET: a group's VLAN and policy; NET_GROUP_DEL: a group without ports. */
vmk_status_t net_hc_group_set(uint64_t gpa, struct vmk_why *why);
vmk_status_t net_hc_group_del(uint64_t gpa, struct vmk_why *why);

#endif /* VMKERNEL_NET_NET_H */
