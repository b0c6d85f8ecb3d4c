// SPDX-License-Identifier: GPL-2.0-only
/* The host's virtual switches (vsw_table.h, docs/network.md "Switches"). */
#include "vmkernel/net/vsw_table.h"

void vsw_table_lock(struct vsw_table *t)
{
	spin_lock(&t->lock);
}

void vsw_table_unlock(struct vsw_table *t)
{
	spin_unlock(&t->lock);
}

uint32_t vsw_table_next(const struct vsw_table *t, uint32_t start)
{
	while (start < VSW_TABLE_MAX && !t->used[start])
		start++;
	return start;
}

uint32_t vsw_table_count(const struct vsw_table *t)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < VSW_TABLE_MAX; i++)
		n += t->used[i];
	return n;
}

/* Under t->lock: the switch called name, or NULL. */
static struct vswitch *switch_find(struct vsw_table *t, const char *name)
{
	for (uint32_t i = 0; i < VSW_TABLE_MAX; i++)
		if (t->used[i] && !strcmp(t->sw[i].name, name))
			return &t->sw[i];
	return NULL;
}

/* Under t->lock: the switch that holds port group name, or NULL. */
static struct vswitch *group_switch(struct vsw_table *t, const char *name)
{
	for (uint32_t i = 0; i < VSW_TABLE_MAX; i++) {
		struct vswitch *sw = &t->sw[i];
		bool found = false;

		if (!t->used[i])
			continue;
		spin_lock(&sw->lock);
		for (uint32_t g = 0; g < VSW_GROUPS_MAX && !found; g++)
			found = sw->groups[g].name[0] && !strcmp(sw->groups[g].name, name);
		spin_unlock(&sw->lock);
		if (found)
			return sw;
	}
	return NULL;
}

static vmk_status_t bad_group(struct vmk_why *why)
{
	why_set(why, "port group name must be 1 to %u printable ASCII characters and VLAN 0 to %u (%u: trunk)",
		VSW_NAME_MAX - 1, VSW_VLAN_TRUNK, VSW_VLAN_TRUNK);
	return VMK_BAD_PARAM;
}

vmk_status_t vsw_table_add(struct vsw_table *t, const char *name, struct vmk_why *why)
{
	vmk_status_t st = VMK_NO_CAPACITY;

	spin_lock(&t->lock);
	if (switch_find(t, name)) {
		st = VMK_BUSY;
		why_set(why, "switch '%s' exists already", name);
		goto out;
	}
	for (uint32_t i = 0; i < VSW_TABLE_MAX; i++) {
		if (t->used[i])
			continue;
		st = vsw_init(&t->sw[i], name);
		if (st != VMK_OK)
			why_set(why, "switch name must be 1 to %u printable ASCII characters",
				VSW_NAME_MAX - 1);
		t->used[i] = st == VMK_OK;
		goto out;
	}
	why_set(why, "the host has %u switches already (the most it holds): delete one first",
		VSW_TABLE_MAX);
out:
	spin_unlock(&t->lock);
	return st;
}

vmk_status_t vsw_table_remove(struct vsw_table *t, const char *name, struct vmk_why *why)
{
	vmk_status_t st = VMK_OK;
	struct vswitch *sw;

	spin_lock(&t->lock);
	sw = switch_find(t, name);
	if (!sw) {
		st = VMK_BAD_PARAM;
		why_set(why, "no switch '%s' (vmkctl network switch list shows them)", name);
		goto out;
	}
	if (sw == &t->sw[VSW_TABLE_UPLINK]) {
		st = VMK_NOT_SUPPORTED;
		why_set(why, "switch '%s' holds the uplink and the default port group: it cannot be deleted",
			name);
		goto out;
	}
	spin_lock(&sw->lock);
	for (uint32_t g = 0; g < VSW_GROUPS_MAX && st == VMK_OK; g++) {
		const struct vsw_group *grp = &sw->groups[g];

		if (!grp->name[0] || !grp->nports)
			continue;
		st = VMK_BUSY;
		why_set(why, "switch '%s' still has ports in use on port group '%s' (%u): power off or reconfigure their VMs first",
			name, grp->name, grp->nports);
	}
	spin_unlock(&sw->lock);
	if (st == VMK_OK)
		t->used[sw - t->sw] = false;
out:
	spin_unlock(&t->lock);
	return st;
}

vmk_status_t vsw_table_group_add(struct vsw_table *t, const char *sw_name, const char *name,
				 uint16_t vlan, const struct vsw_policy *policy,
				 struct vmk_why *why)
{
	struct vswitch *sw, *holder;
	vmk_status_t st;

	spin_lock(&t->lock);
	sw = switch_find(t, sw_name);
	holder = group_switch(t, name);
	if (!sw) {
		st = VMK_BAD_PARAM;
		why_set(why, "no switch '%s' (vmkctl network switch list shows them)", sw_name);
	} else if (holder) {
		st = VMK_BUSY;
		why_set(why, "port group '%s' exists on %s already (port group names are unique on the host)",
			name, holder->name);
	} else {
		st = vsw_group_add(sw, name, vlan, policy);
		if (st == VMK_BAD_PARAM)
			bad_group(why);
		else if (st != VMK_OK)
			why_set(why, "%s has %u port groups already (the most it holds)",
				sw->name, VSW_GROUPS_MAX);
	}
	spin_unlock(&t->lock);
	return st;
}

vmk_status_t vsw_table_group_set(struct vsw_table *t, const char *name, uint16_t vlan,
				 const struct vsw_policy *policy, struct vmk_why *why)
{
	vmk_status_t st = VMK_BAD_PARAM;
	struct vswitch *sw;

	if (vlan > VSW_VLAN_TRUNK)
		return bad_group(why);
	spin_lock(&t->lock);
	sw = group_switch(t, name);
	if (sw)
		st = vsw_group_set(sw, name, vlan, policy);
	if (st != VMK_OK)
		why_set(why, "no port group '%s' on any switch", name);
	spin_unlock(&t->lock);
	return st;
}

vmk_status_t vsw_table_group_remove(struct vsw_table *t, const char *name,
				    struct vmk_why *why)
{
	vmk_status_t st = VMK_BAD_PARAM;
	struct vswitch *sw;

	spin_lock(&t->lock);
	sw = group_switch(t, name);
	if (sw)
		st = vsw_group_remove(sw, name);
	if (st == VMK_BUSY)
		why_set(why, "port group '%s' still has ports (see vmkctl network): power off or reconfigure their VMs first",
			name);
	else if (st != VMK_OK)
		why_set(why, "no port group '%s' on any switch", name);
	spin_unlock(&t->lock);
	return st;
}

vmk_status_t vsw_table_connect(struct vsw_table *t, const struct vsw_port_config *cfg,
			       struct vswitch **sw, uint32_t *port_id)
{
	vmk_status_t st = VMK_BAD_PARAM;

	spin_lock(&t->lock);
	*sw = cfg->group ? group_switch(t, cfg->group) : NULL;
	for (uint32_t i = 0; *sw && i < VSW_TABLE_MAX; i++) {
		if (!t->used[i] || &t->sw[i] == *sw || !vsw_mac_in_use(&t->sw[i], cfg->mac))
			continue;
		*sw = &t->sw[i];
		st = VMK_BUSY;
		goto out;
	}
	if (*sw)
		st = vsw_port_connect(*sw, cfg, port_id);
out:
	spin_unlock(&t->lock);
	return st;
}
