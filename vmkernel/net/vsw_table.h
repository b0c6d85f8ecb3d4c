/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's virtual switches (docs/network.md "Switches"): vswitch0,
 * added first, holds the uplink and is never removed; the operator adds
 * internal switches (no uplink) and removes them. Port group names are
 * unique across the host, as ESX's networkName: a vNIC's port group
 * finds its switch. Each switch is its own struct vswitch, so a frame
 * never leaves the switch it entered. Pure like vswitch.c: built
 * freestanding and, with -DVMK_HOST_TEST, for host tests.
 *
 * Locking: the table's lock is taken before a switch's lock. A switch
 * with ports is never removed, so a port's owner may use its struct
 * vswitch without the table's lock until it disconnects.
 */
#ifndef VMKERNEL_NET_VSW_TABLE_H
#define VMKERNEL_NET_VSW_TABLE_H

#include "vmkernel/net/vswitch.h"
#include "vmkernel/lib/why.h"

#define VSW_TABLE_MAX		8	/* switches of a host, vswitch0 included */
#define VSW_TABLE_UPLINK	0	/* vswitch0's slot: the first added, never removed */

struct vsw_table {
	struct spinlock lock;		/* which slots are used, and group names */
	bool used[VSW_TABLE_MAX];
	struct vswitch sw[VSW_TABLE_MAX];
};

/*
 * Each call returns VMK_OK or, with a sentence in why: VMK_BAD_PARAM (a
 * bad name or VLAN, no such switch or group), VMK_BUSY (the name exists;
 * ports in use), VMK_NO_CAPACITY (every slot taken), VMK_NOT_SUPPORTED
 * (removing vswitch0).
 */
vmk_status_t vsw_table_add(struct vsw_table *t, const char *name, struct vmk_why *why);
/* Refused while one of its port groups has ports; its groups go with it. */
vmk_status_t vsw_table_remove(struct vsw_table *t, const char *name, struct vmk_why *why);
/* A port group on switch sw_name; its name must be unused on every switch. */
vmk_status_t vsw_table_group_add(struct vsw_table *t, const char *sw_name, const char *name,
				 uint16_t vlan, const struct vsw_policy *policy,
				 struct vmk_why *why);
/* vsw_group_set() and vsw_group_remove() on whichever switch holds name. */
vmk_status_t vsw_table_group_set(struct vsw_table *t, const char *name, uint16_t vlan,
				 const struct vsw_policy *policy, struct vmk_why *why);
vmk_status_t vsw_table_group_remove(struct vsw_table *t, const char *name,
				    struct vmk_why *why);
/*
 * vsw_port_connect() on the switch that holds port group cfg->group; *sw
 * is that switch, NULL when none holds it (VMK_BAD_PARAM). A MAC is
 * unique on the host, not only on its switch: VMK_BUSY when a port of any
 * switch has cfg->mac, *sw then the switch that has it. No sentence: the
 * caller names its port. The uplink connects to vswitch0 itself.
 */
vmk_status_t vsw_table_connect(struct vsw_table *t, const struct vsw_port_config *cfg,
			       struct vswitch **sw, uint32_t *port_id);

/*
 * Reading the table: under vsw_table_lock(), vsw_table_next() is the
 * first used slot at or after start (VSW_TABLE_MAX: none).
 */
void vsw_table_lock(struct vsw_table *t);
void vsw_table_unlock(struct vsw_table *t);
uint32_t vsw_table_next(const struct vsw_table *t, uint32_t start);
uint32_t vsw_table_count(const struct vsw_table *t);

#endif /* VMKERNEL_NET_VSW_TABLE_H */
