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

#define NET_SWITCH_NAME		"vswitch0"
#define NET_DEFAULT_GROUP	"VM Network"

extern struct vswitch net_vswitch;

/* vswitch0 and its default port group (CPU 0, at load). */
vmk_status_t net_global_init(void);

#endif /* VMKERNEL_NET_NET_H */
