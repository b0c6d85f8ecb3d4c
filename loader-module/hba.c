// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hand-over of the physical PVSCSI HBA (docs/storage.md): at load
 * Linux lets go of it (its driver unbound, the PCI function removed, so
 * lspci and sysfs no longer show it) unless one of its disks is open;
 * at unload, after the vmkernel has reset it, the bus is rescanned and
 * Linux's driver probes it again.
 */
#include <linux/pci.h>
#include <linux/blk_types.h>
#include "vmkload.h"

/* drivers/scsi/vmw_pvscsi.h; the vmkernel's vmm/dev/pvscsi.h has the same */
#define PVSCSI_DEVICE_ID	0x07c0

struct in_use {
	const char *name;	/* the first open disk or partition */
};

static int find_open_disk(struct device *dev, void *arg)
{
	struct in_use *u = arg;

	if (dev->class && !strcmp(dev->class->name, "block") &&
	    atomic_read(&dev_to_bdev(dev)->bd_openers)) {
		u->name = dev_name(dev);
		return 1;
	}
	return device_for_each_child(dev, arg, find_open_disk);
}

int vmk_hba_take(struct vmk_hba *h)
{
	struct pci_dev *pdev = pci_get_device(PCI_VENDOR_ID_VMWARE,
					       PVSCSI_DEVICE_ID, NULL);
	struct in_use u = { NULL };

	if (!pdev)
		return 0;
	find_open_disk(&pdev->dev, &u);
	if (u.name) {
		pr_err("vmkload: %s on the PVSCSI HBA %s is open (mounted or in use); unmount it: the vmkernel takes the HBA from the COS\n",
		       u.name, pci_name(pdev));
		pci_dev_put(pdev);
		return -EBUSY;
	}
	h->bus = pdev->bus;
	h->devfn = pdev->devfn;
	pr_info("vmkload: PVSCSI HBA %s (driver %s) handed to the vmkernel\n",
		pci_name(pdev), pdev->driver ? pdev->driver->name : "none");
	pci_dev_put(pdev);
	/* Unbinds the driver (its disks go) and removes the function. */
	pci_stop_and_remove_bus_device_locked(pdev);
	return 0;
}

void vmk_hba_give_back(struct vmk_hba *h)
{
	if (!h->bus)
		return;
	pci_lock_rescan_remove();
	pci_rescan_bus(h->bus);
	pci_unlock_rescan_remove();
	pr_info("vmkload: PVSCSI HBA %02x:%02x.%d back with the COS\n",
		h->bus->number, PCI_SLOT(h->devfn), PCI_FUNC(h->devfn));
	h->bus = NULL;
}
