// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hand-over of vswitch0's uplink NIC (docs/network.md "The uplink"):
 * with net=1 Linux lets go of an 82540EM it is not using for its own
 * network (its interface down): the driver is unbound and the function
 * removed, as for the HBA (hba.c, which also gives it back at unload).
 */
#include <linux/pci.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include "vmkload.h"

#define E1000_DEVICE_ID		0x100e	/* 82540EM, drivers/net/ethernet/intel/e1000 */

/* The name of an interface of pdev that is up, or "" (into name). */
static void up_interface(struct pci_dev *pdev, char name[IFNAMSIZ])
{
	struct net_device *nd;

	name[0] = '\0';
	rtnl_lock();
	for_each_netdev(&init_net, nd)
		if (nd->dev.parent == &pdev->dev && (nd->flags & IFF_UP))
			strscpy(name, nd->name, IFNAMSIZ);
	rtnl_unlock();
}

/* "0000:00:09.0" or "00:09.0" names pdev. */
static bool named(struct pci_dev *pdev, const char *pci)
{
	const char *n = pci_name(pdev);

	return !strcmp(n, pci) || (strlen(n) > 5 && !strcmp(n + 5, pci));
}

int vmk_nic_take(struct vmk_hba *h, const char *pci, u32 *bdf)
{
	struct pci_dev *pdev = NULL;
	char ifname[IFNAMSIZ];

	while ((pdev = pci_get_device(PCI_VENDOR_ID_INTEL, E1000_DEVICE_ID, pdev))) {
		if (pci_domain_nr(pdev->bus) || (pci[0] && !named(pdev, pci)))
			continue;
		up_interface(pdev, ifname);
		if (!ifname[0])
			break;
		if (pci[0]) {
			pr_err("vmkload: %s on the e1000 %s is up (the COS's network); take it down (ip link set %s down) or name another NIC with net_pci=\n",
			       ifname, pci_name(pdev), ifname);
			pci_dev_put(pdev);
			return -EBUSY;
		}
	}
	if (!pdev) {
		if (pci[0])
			pr_err("vmkload: net_pci=%s: no 82540EM (8086:100e) at that address in PCI domain 0\n",
			       pci);
		else
			pr_err("vmkload: net=1: no 82540EM (8086:100e) whose interface is down; the COS keeps the NICs it uses\n");
		return -ENODEV;
	}
	*bdf = (u32)pdev->bus->number << 8 | pdev->devfn;
	vmk_hand_over(h, pdev, "uplink NIC", " as vswitch0's uplink");
	return 0;
}
