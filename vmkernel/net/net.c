// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel's virtual switch, vswitch0 (net.h). */
#include "vmkernel/net/net.h"

struct vswitch net_vswitch;

vmk_status_t net_global_init(void)
{
	static const struct vsw_policy reject_all;
	vmk_status_t st;

	st = vsw_init(&net_vswitch, NET_SWITCH_NAME);
	if (st == VMK_OK)
		st = vsw_group_add(&net_vswitch, NET_DEFAULT_GROUP, VSW_VLAN_NONE,
				   &reject_all);
	return st;
}

