// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hand-over of the physical PVSCSI HBA (docs/storage.md), and the
 * give-back of any function the vmkernel took (nic.c too): at load
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
	vmk_hand_over(h, pdev, "PVSCSI HBA", "");
	return 0;
}

/*
 * The irq of the function's INTx line, for a doorbell the vmkernel raises
 * on its vector after the hand-over (the function's own INTx is off then).
 * A driver that uses MSI (Debian's 686-pae vmw_pvscsi) has pdev->irq an
 * MSI irq, which goes with the function: the line the firmware routed
 * (Interrupt Line) instead, whose irq stays Linux's; 0 when unknown.
 */
static int vmk_intx_irq(struct pci_dev *pdev)
{
	u8 line = 0;

	if (!pdev->msi_enabled && !pdev->msix_enabled)
		return pdev->irq;
	if (!pdev->pin ||
	    pci_read_config_byte(pdev, PCI_INTERRUPT_LINE, &line) != PCIBIOS_SUCCESSFUL ||
	    line == 0xff)
		return 0;
	return line;
}

void vmk_hand_over(struct vmk_hba *h, struct pci_dev *pdev, const char *what,
		   const char *as)
{
	h->bus = pdev->bus;
	h->devfn = pdev->devfn;
	h->what = what;
	h->irq = vmk_intx_irq(pdev);
	pr_info("vmkload: %s %s (driver %s) handed to the vmkernel%s\n", what,
		pci_name(pdev), pdev->driver ? pdev->driver->name : "none", as);
	pci_dev_put(pdev);
	/* Unbinds the driver (its disks or interface go), removes the function. */
	pci_stop_and_remove_bus_device_locked(pdev);
}

/*
 * After a vmkernel panic, before its memory goes back to Linux: the
 * function's bus mastering off, so that a NIC or HBA the vmkernel drove
 * writes no more received frames or completions into pages Linux now
 * owns, and its INTx off (a NIC whose doorbell was on could hold its
 * line). Through the bus's configuration accessors: Linux removed the
 * function at the hand-over, so it has no pci_dev. Its driver turns bus
 * mastering and INTx on again when vmk_hba_give_back() makes it probe.
 */
void vmk_hba_quiesce(struct vmk_hba *h)
{
	u16 cmd;

	if (!h->bus ||
	    pci_bus_read_config_word(h->bus, h->devfn, PCI_COMMAND, &cmd) != PCIBIOS_SUCCESSFUL)
		return;
	/* INTx off too: the uplink NIC's may be on (its doorbell), and a line
	 * nobody clears would be disabled with the COS devices sharing it. */
	pci_bus_write_config_word(h->bus, h->devfn, PCI_COMMAND,
				  (cmd & ~PCI_COMMAND_MASTER) | PCI_COMMAND_INTX_DISABLE);
	pr_info("vmkload: %s %02x:%02x.%d: bus mastering off (the vmkernel that drove it panicked), INTx off\n",
		h->what, h->bus->number, PCI_SLOT(h->devfn), PCI_FUNC(h->devfn));
}

void vmk_hba_give_back(struct vmk_hba *h)
{
	if (!h->bus)
		return;
	pci_lock_rescan_remove();
	pci_rescan_bus(h->bus);
	pci_unlock_rescan_remove();
	pr_info("vmkload: %s %02x:%02x.%d back with the COS\n",
		h->what, h->bus->number, PCI_SLOT(h->devfn), PCI_FUNC(h->devfn));
	h->bus = NULL;
}
