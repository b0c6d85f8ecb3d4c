// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmkctl network: the vmkernel's virtual switches (docs/network.md).
 *   vmkctl network [list]        each switch, its uplink NIC, port groups and ports
 *   vmkctl network switch list   one line per switch
 *   vmkctl network switch add NAME      an internal switch (no uplink)
 *   vmkctl network switch del NAME      (refused while its port groups have ports)
 *   vmkctl network portgroup add NAME [--switch NAME] [--vlan N] [--promiscuous]
 *                                [--mac-changes] [--forged-transmits]
 *   vmkctl network portgroup set NAME [--vlan N] [--[no-]promiscuous]
 *                                [--[no-]mac-changes] [--[no-]forged-transmits]
 *   vmkctl network portgroup del NAME   (refused while it has ports)
 * One "key: value" line per object, stable for scripts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cos-tools/vmkctl/vmkctl.h"

static const char *const drop_names[VMK_NET_DROP_REASONS] = {
	"runt", "oversize", "bad-source", "forged", "vlan", "no-dest",
	"rx-policy", "queue-full", "link-down",
};

static const char *allow(uint32_t policy, uint32_t bit)
{
	return policy & bit ? "accept" : "reject";
}

/* The name of VM id, or "" when it is gone. */
static const char *vm_name(const struct vmk_vm_info *vms, uint32_t n, uint32_t id)
{
	for (uint32_t i = 0; i < n; i++)
		if (vms[i].id == id)
			return vms[i].name;
	return "";
}

static void print_mac(const char *key, const uint8_t *m)
{
	printf(" %s=%02x:%02x:%02x:%02x:%02x:%02x", key, m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void print_port(const struct vmk_net_info *ni, const struct vmk_net_port *p,
		       const struct vmk_vm_info *vms, uint32_t nvms)
{
	printf("port: %u", p->id);
	if (p->kind == VMK_NET_PORT_VM)
		printf(" owner=vm:%u:%s nic=ethernet%u", p->owner_id,
		       vm_name(vms, nvms, p->owner_id), p->nic);
	else
		printf(" owner=%s", p->kind == VMK_NET_PORT_UPLINK ? "uplink" : "cos");
	if (p->kind != VMK_NET_PORT_UPLINK && p->group < ni->ngroups)
		printf(" portgroup=\"%s\" vlan=%u", ni->group[p->group].name,
		       ni->group[p->group].vlan);
	print_mac("mac", p->mac);
	/*
	 * A vNIC's cable (vmkctl vm nic; the uplink's link is on its own
	 * line) and what its guest's receive filter asks for.
	 */
	if (p->kind != VMK_NET_PORT_UPLINK) {
		printf(" link=%s", p->flags & VMK_NET_PORT_LINK_DOWN ? "down" : "up");
		print_mac("guest_mac", p->filter_mac);
		printf(" guest_promiscuous=%s", p->flags & VMK_NET_PORT_PROMISCUOUS ? "yes" : "no");
	}
	printf(" tx_packets=%llu tx_bytes=%llu rx_packets=%llu rx_bytes=%llu drops=",
	       (unsigned long long)p->tx_packets, (unsigned long long)p->tx_bytes,
	       (unsigned long long)p->rx_packets, (unsigned long long)p->rx_bytes);
	for (int r = 0; r < VMK_NET_DROP_REASONS; r++)
		printf("%s%s:%llu", r ? "," : "", drop_names[r],
		       (unsigned long long)p->drops[r]);
	printf("\n");
}

static const char *const uplink_states[] = {
	[VMK_NET_UPLINK_NONE] = "none", [VMK_NET_UPLINK_RUNNING] = "running",
	[VMK_NET_UPLINK_REFUSED] = "refused", [VMK_NET_UPLINK_FAILED] = "failed",
	[VMK_NET_UPLINK_COS] = "cos",
};

/* uplink: vmnic0 state=running pci=00:09.0 driver=e1000 mac=... link=up speed=1000 ...
 * tx_tso=N tx_tso_bad=N tx_tso_ring_full=N irqs=N bell_ipis=N bells_merged=N
 * rx_unicast=N|all rx_multicast=N|all */
static void print_uplink(const struct vmk_net_uplink *u)
{
	const uint8_t *m = u->mac;

	printf("uplink: vmnic0 state=%s", u->state < sizeof(uplink_states) / sizeof(uplink_states[0]) ?
	       uplink_states[u->state] : "?");
	if (u->state != VMK_NET_UPLINK_COS)
		printf(" pci=%02x:%02x.%x driver=%.*s", u->pci_bdf >> 8, (u->pci_bdf >> 3) & 31,
		       u->pci_bdf & 7, (int)sizeof(u->driver), u->driver);
	if (u->state != VMK_NET_UPLINK_RUNNING) {
		printf(" msg=\"%.*s\"\n", VMK_NET_MSG_LEN, u->msg);
		return;
	}
	printf(" mac=%02x:%02x:%02x:%02x:%02x:%02x link=%s speed=%u rx_packets=%llu rx_bytes=%llu tx_packets=%llu tx_bytes=%llu rx_bad_len=%llu rx_errors=%llu rx_fragments=%llu tx_ring_full=%llu",
	       m[0], m[1], m[2], m[3], m[4], m[5], u->link_mbps ? "up" : "down",
	       u->link_mbps, (unsigned long long)u->rx_packets,
	       (unsigned long long)u->rx_bytes, (unsigned long long)u->tx_packets,
	       (unsigned long long)u->tx_bytes, (unsigned long long)u->rx_bad_len,
	       (unsigned long long)u->rx_errors, (unsigned long long)u->rx_fragments,
	       (unsigned long long)u->tx_ring_full);
	/* TSO packets the NIC segmented, the driver refused, the ring had no room for. */
	printf(" tx_tso=%llu tx_tso_bad=%llu tx_tso_ring_full=%llu",
	       (unsigned long long)u->tx_tso, (unsigned long long)u->tx_tso_bad,
	       (unsigned long long)u->tx_tso_ring_full);
	/* Its interrupt and vmk0's doorbell on the same vector. */
	printf(" irqs=%llu bell_ipis=%llu bells_merged=%llu", (unsigned long long)u->irqs,
	       (unsigned long long)u->bell_ipis, (unsigned long long)u->bells_merged);
	/* The receive filter: how many port addresses, or all (promiscuous). */
	if (u->rx_filter & VMK_NET_RX_ALL_UNICAST)
		printf(" rx_unicast=all");
	else
		printf(" rx_unicast=%u", u->rx_addrs);
	/* Multicast: the groups in its table (MTA), or all of them. */
	if (u->rx_filter & VMK_NET_RX_ALL_MULTICAST)
		printf(" rx_multicast=all\n");
	else
		printf(" rx_multicast=%u\n", u->rx_groups);
}

/* The switch at or after slot start into ni; 0, or 1 after a message. */
static int net_info(int fd, uint32_t start, struct vmk_net_info *ni, const char *what)
{
	struct diag diag = { 0 };

	if (!vmkdev_net_info(fd, start, ni, &diag))
		return 0;
	diag_report(&diag, "vmkctl: %s: ", what);
	diag_free(&diag);
	return 1;
}

/* switch: NAME portgroups=N ports=N internal=yes|no uplink=vmnic0|none (running) */
static void print_switch(const struct vmk_net_info *ni)
{
	printf("switch: %.*s portgroups=%u ports=%u internal=%s uplink=%s\n",
	       VMK_NET_NAME_LEN, ni->name, ni->ngroups, ni->nports,
	       ni->flags & VMK_NET_SWITCH_INTERNAL ? "yes" : "no",
	       ni->uplink.state == VMK_NET_UPLINK_RUNNING ? "vmnic0" : "none");
}

/* Every switch, in slot order; with detail, its uplink, groups and ports too. */
static int network_list(bool detail)
{
	struct vmk_net_info *ni = calloc(1, sizeof(*ni));
	struct vmk_vm_info *vms = NULL;
	uint32_t nvms = 0, start = 0;
	int fd, ret = 1;

	if (!ni)
		return 1;
	fd = vmkctl_open();
	if (fd < 0)
		goto out;
	if (detail && vm_list_all(fd, &vms, &nvms) < 0)
		nvms = 0;
	do {
		if (net_info(fd, start, ni, "network"))
			goto out_fd;
		print_switch(ni);
		start = ni->next;
		if (!detail)
			continue;
		if (!(ni->flags & VMK_NET_SWITCH_INTERNAL))
			print_uplink(&ni->uplink);
		for (uint32_t i = 0; i < ni->ngroups && i < VMK_NET_MAX_GROUPS; i++) {
			const struct vmk_net_group *g = &ni->group[i];

			printf("portgroup: \"%.*s\" vlan=%u ports=%u promiscuous=%s mac-changes=%s forged-transmits=%s switch=%.*s\n",
			       VMK_NET_NAME_LEN, g->name, g->vlan, g->nports,
			       allow(g->policy, VMK_NET_ALLOW_PROMISCUOUS),
			       allow(g->policy, VMK_NET_ALLOW_MAC_CHANGE),
			       allow(g->policy, VMK_NET_ALLOW_FORGED),
			       VMK_NET_NAME_LEN, g->vswitch);
		}
		for (uint32_t i = 0; i < ni->nports && i < VMK_NET_MAX_PORTS; i++)
			print_port(ni, &ni->port[i], vms, nvms);
	} while (start);
	ret = 0;
out_fd:
	free(vms);
	close(fd);
out:
	free(ni);
	return ret;
}

#define GROUP_OPTIONS	"[--switch NAME (add)] [--vlan N] [--[no-]promiscuous] [--[no-]mac-changes] [--[no-]forged-transmits]"

static const struct {
	const char *name;
	uint32_t bit;
} policy_options[] = {
	{ "promiscuous", VMK_NET_ALLOW_PROMISCUOUS },
	{ "mac-changes", VMK_NET_ALLOW_MAC_CHANGE },
	{ "forged-transmits", VMK_NET_ALLOW_FORGED },
};

static int bad_option(const char *what, const char *option)
{
	fprintf(stderr, "vmkctl: network portgroup %s: unknown option \"%s\"\n", what, option);
	return 1;
}

/* --vlan N and the policy switches, over g; 0, or 1 after a message. */
static int group_options(const char *what, int argc, char **argv, struct vmk_net_group *g)
{
	char *end;

	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		bool on = true, known = false;

		if (!strcmp(o, "--switch") && !strcmp(what, "add") && i + 1 < argc) {
			if (!argv[++i][0] || strlen(argv[i]) >= VMK_NET_NAME_LEN) {
				fprintf(stderr, "vmkctl: network portgroup add: --switch must name a switch of 1..31 characters\n");
				return 1;
			}
			strcpy(g->vswitch, argv[i]);
			continue;
		}
		if (!strcmp(o, "--vlan") && i + 1 < argc) {
			unsigned long v = strtoul(argv[++i], &end, 10);

			if (*end || !*argv[i] || v > VMK_NET_VLAN_TRUNK) {
				fprintf(stderr, "vmkctl: network portgroup %s: --vlan must be 0 (none), 1..4094, or 4095 (trunk), not \"%s\"\n",
					what, argv[i]);
				return 1;
			}
			g->vlan = (uint32_t)v;
			continue;
		}
		if (strncmp(o, "--", 2))
			return bad_option(what, argv[i]);
		o += 2;
		if (!strncmp(o, "no-", 3)) {
			on = false;
			o += 3;
		}
		for (size_t k = 0; k < sizeof(policy_options) / sizeof(policy_options[0]); k++) {
			if (strcmp(o, policy_options[k].name))
				continue;
			g->policy = on ? g->policy | policy_options[k].bit : g->policy & ~policy_options[k].bit;
			known = true;
		}
		if (!known)
			return bad_option(what, argv[i]);
	}
	return 0;
}

/* The ioctl with req; 0, or 1 after the vmkernel's reason. */
static int group_call(const char *what, unsigned long ioc, struct vmk_ioc_net_group_add *req)
{
	int fd = vmkctl_open(), ret = 1;

	if (fd < 0)
		return 1;
	if (ioctl(fd, ioc, req) < 0)
		fprintf(stderr, "vmkctl: network portgroup %s: %s\n", what,
			req->msg[0] ? req->msg : strerror(errno));
	else
		ret = 0;
	close(fd);
	return ret;
}

static bool group_name_ok(int argc, char **argv)
{
	return argc >= 1 && argv[0][0] && strlen(argv[0]) < VMK_NET_NAME_LEN;
}

static int portgroup_add(int argc, char **argv)
{
	struct vmk_ioc_net_group_add req;

	memset(&req, 0, sizeof(req));
	if (!group_name_ok(argc, argv))
		goto usage;
	strcpy(req.group.name, argv[0]);
	if (group_options("add", argc - 1, argv + 1, &req.group))
		goto usage;
	return group_call("add", VMK_IOC_NET_GROUP_ADD, &req);
usage:
	fprintf(stderr, "usage: vmkctl network portgroup add NAME (1..31 characters) " GROUP_OPTIONS "\n");
	return 1;
}

/* What is changed starts from the group as the vmkernel has it. */
static int portgroup_set(int argc, char **argv)
{
	struct vmk_ioc_net_group_add req;
	struct vmk_net_info *ni;
	bool found = false;
	uint32_t start = 0;
	int fd;

	memset(&req, 0, sizeof(req));
	if (!group_name_ok(argc, argv) || argc < 2)
		goto usage;
	ni = calloc(1, sizeof(*ni));
	fd = ni ? vmkctl_open() : -1;
	if (fd < 0) {
		free(ni);
		return 1;
	}
	do {	/* port group names are unique across the switches */
		if (net_info(fd, start, ni, "network portgroup set")) {
			close(fd);
			free(ni);
			return 1;
		}
		for (uint32_t i = 0; i < ni->ngroups && i < VMK_NET_MAX_GROUPS && !found; i++) {
			if (!strncmp(ni->group[i].name, argv[0], VMK_NET_NAME_LEN)) {
				req.group = ni->group[i];
				found = true;
			}
		}
		start = ni->next;
	} while (start && !found);
	close(fd);
	free(ni);
	if (!found) {
		fprintf(stderr, "vmkctl: network portgroup set: no port group \"%s\" (vmkctl network lists them)\n",
			argv[0]);
		return 1;
	}
	if (group_options("set", argc - 1, argv + 1, &req.group))
		goto usage;
	return group_call("set", VMK_IOC_NET_GROUP_SET, &req);
usage:
	fprintf(stderr, "usage: vmkctl network portgroup set NAME " GROUP_OPTIONS " (at least one)\n");
	return 1;
}

static int portgroup_del(int argc, char **argv)
{
	struct vmk_ioc_net_group_add req;

	memset(&req, 0, sizeof(req));
	if (!group_name_ok(argc, argv) || argc != 1) {
		fprintf(stderr, "usage: vmkctl network portgroup del NAME\n");
		return 1;
	}
	strcpy(req.group.name, argv[0]);
	return group_call("del", VMK_IOC_NET_GROUP_DEL, &req);
}

/* vmkctl network switch add|del NAME */
static int switch_op(const char *what, uint32_t op, int argc, char **argv)
{
	struct vmk_ioc_net_switch req;
	int fd, ret = 1;

	memset(&req, 0, sizeof(req));
	if (argc != 1 || !argv[0][0] || strlen(argv[0]) >= VMK_NET_NAME_LEN) {
		fprintf(stderr, "usage: vmkctl network switch %s NAME (1..31 characters)\n", what);
		return 1;
	}
	strcpy(req.sw.name, argv[0]);
	req.sw.op = op;
	fd = vmkctl_open();
	if (fd < 0)
		return 1;
	if (ioctl(fd, VMK_IOC_NET_SWITCH, &req) < 0)
		fprintf(stderr, "vmkctl: network switch %s: %s\n", what,
			req.msg[0] ? req.msg : strerror(errno));
	else
		ret = 0;
	close(fd);
	return ret;
}

int cmd_network(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "list"))
		return network_list(true);
	if (argc == 3 && !strcmp(argv[1], "switch") && !strcmp(argv[2], "list"))
		return network_list(false);
	if (argc >= 3 && !strcmp(argv[1], "switch") && !strcmp(argv[2], "add"))
		return switch_op("add", VMK_NET_SWITCH_ADD, argc - 3, argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "switch") && !strcmp(argv[2], "del"))
		return switch_op("del", VMK_NET_SWITCH_DEL, argc - 3, argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "portgroup") && !strcmp(argv[2], "add"))
		return portgroup_add(argc - 3, argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "portgroup") && !strcmp(argv[2], "set"))
		return portgroup_set(argc - 3, argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "portgroup") && !strcmp(argv[2], "del"))
		return portgroup_del(argc - 3, argv + 3);
	fprintf(stderr, "usage: vmkctl network [list] | switch list | switch add|del NAME | portgroup add|set NAME " GROUP_OPTIONS " | portgroup del NAME\n");
	return 1;
}
