// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI host bridge, configuration mechanism #1 (PCI Local Bus Specification
 * 3.0 §3.2.2.3.2). Byte accesses to 0xCF9 are not configuration cycles:
 * they reach the PIIX reset control register (vmm/dev/power.c).
 */
#include "vmm/dev/pci_host.h"
#include "vmm/dev/power.h"
#include "vmm/devices.h"

#define PCI_CONF_BASE		0xcf8
#define PCI_CONF_LEN		8
#define PCI_CONF_DATA		4	/* offset of CONFIG_DATA in the window */
#define PCI_RC_OFFSET		(POWER_RC_PORT - PCI_CONF_BASE)

/* CONFIG_ADDRESS fields. */
#define CA_ENABLE		0x80000000u
#define CA_BUS(a)		(((a) >> 16) & 0xff)
#define CA_DEVFN(a)		(((a) >> 8) & 0xff)
#define CA_REG(a)		((a) & 0xfc)
#define CA_WRITABLE		0x80fffffcu

/* Type 0 header offsets (PCI 3.0 §6.1). */
#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_CLASS_REVISION	0x08
#define PCI_HEADER_TYPE		0x0e

/* The bridge shows itself as an Intel 440FX PMC (82441FX datasheet). */
#define BRIDGE_VENDOR		0x8086
#define BRIDGE_DEVICE		0x1237
#define BRIDGE_REVISION		0x02
#define PCI_CLASS_HOST_BRIDGE	0x060000
/* The PIIX3 PCI-to-ISA bridge, function 0 of device 1 (82371SB datasheet). */
#define ISA_DEVFN		(1 << 3)
#define ISA_DEVICE		0x7000
#define PCI_CLASS_ISA_BRIDGE	0x060100
#define PCI_HEADER_MULTIFUNCTION 0x80	/* the PIIX3 has IDE and USB beside it */
/*
 * Registers from 0x40 up are the device's own (PCI 3.0 §6.1): both
 * bridges keep what the firmware writes there, as QEMU's do: the
 * i440FX's PAM registers (0x59-0x5F) and the PIIX3's PIRQ routing
 * (0x60-0x63), which SeaBIOS programs. Nothing follows from them: the
 * memory below 1 MiB is RAM whatever PAM says (docs/vmm.md "Firmware
 * boot"), and PCI interrupts reach the line each device has.
 */
#define PCI_DEV_SPECIFIC	0x40
#define PCI_COMMAND_MEM_MASTER	0x0006	/* memory space and bus master */
#define PCI_STATUS_MEDIUM_DEVSEL 0x0200

static void put(uint8_t *cfg, unsigned int off, unsigned int size, uint32_t v)
{
	for (unsigned int i = 0; i < size; i++)
		cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t bridge_read(void *dev, uint8_t offset, unsigned int size)
{
	const uint8_t *cfg = dev;
	uint32_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint32_t)cfg[offset + i] << (8 * i);
	return v;
}

/*
 * Of the standard header only the command register's memory/master bits
 * are writable; the device-specific registers take any value.
 */
static void bridge_write(void *dev, uint8_t offset, unsigned int size,
			 uint32_t val)
{
	uint8_t *cfg = dev;

	for (unsigned int i = 0; i < size; i++) {
		unsigned int off = offset + i;
		uint8_t b = (uint8_t)(val >> (8 * i));

		if (off == PCI_COMMAND)
			cfg[off] = b & PCI_COMMAND_MEM_MASTER;
		else if (off >= PCI_DEV_SPECIFIC && off < PCI_CONFIG_SPACE)
			cfg[off] = b;
	}
}

static const struct pci_fn_ops bridge_ops = {
	.read = bridge_read, .write = bridge_write,
};

bool pci_add_function(struct pci_host *pci, uint8_t devfn,
		      const struct pci_fn_ops *ops, void *dev)
{
	for (unsigned int i = 0; i < pci->nr_functions; i++)
		if (pci->fn[i].devfn == devfn)
			return false;
	if (pci->nr_functions == PCI_MAX_FUNCTIONS)
		return false;
	pci->fn[pci->nr_functions].devfn = devfn;
	pci->fn[pci->nr_functions].ops = ops;
	pci->fn[pci->nr_functions].dev = dev;
	pci->nr_functions++;
	return true;
}

/* The function CONFIG_ADDRESS selects, or NULL (master abort). */
static const struct pci_function *selected(const struct pci_host *pci)
{
	uint32_t a = pci->config_address;

	if (!(a & CA_ENABLE) || CA_BUS(a) != 0)
		return NULL;
	for (unsigned int i = 0; i < pci->nr_functions; i++)
		if (pci->fn[i].devfn == CA_DEVFN(a))
			return &pci->fn[i];
	return NULL;
}

static uint32_t pci_io_read(void *dev, uint32_t offset, unsigned int size)
{
	struct pci_host *pci = dev;
	const struct pci_function *f;

	if (offset == 0 && size == 4)
		return pci->config_address;
	if (offset == PCI_RC_OFFSET && size == 1)
		return power_rc_read(&pci->vm->power);
	if (offset < PCI_CONF_DATA)
		return VDEV_FLOATING_BUS;
	f = selected(pci);
	if (!f)
		return VDEV_FLOATING_BUS;	/* master abort: all ones */
	return f->ops->read(f->dev, (uint8_t)(CA_REG(pci->config_address) +
					      offset - PCI_CONF_DATA), size);
}

static void pci_io_write(void *dev, uint32_t offset, unsigned int size,
			 uint32_t val)
{
	struct pci_host *pci = dev;
	const struct pci_function *f;

	if (offset == 0 && size == 4) {
		pci->config_address = val & CA_WRITABLE;
		return;
	}
	if (offset == PCI_RC_OFFSET && size == 1) {
		power_rc_write(&pci->vm->power, (uint8_t)val);
		return;
	}
	if (offset < PCI_CONF_DATA)
		return;
	f = selected(pci);
	if (f)
		f->ops->write(f->dev, (uint8_t)(CA_REG(pci->config_address) +
						offset - PCI_CONF_DATA),
			      size, val);
}

static const struct vdev_io_ops pci_io_ops = {
	.read = pci_io_read, .write = pci_io_write,
};

/* A chipset function's header: Intel, the device, its class, header type. */
static void bridge_header(uint8_t *cfg, uint16_t device, uint32_t class_rev,
			  uint8_t header_type)
{
	put(cfg, PCI_VENDOR_ID, 2, BRIDGE_VENDOR);
	put(cfg, PCI_DEVICE_ID, 2, device);
	put(cfg, PCI_COMMAND, 2, PCI_COMMAND_MEM_MASTER);
	put(cfg, PCI_STATUS, 2, PCI_STATUS_MEDIUM_DEVSEL);
	put(cfg, PCI_CLASS_REVISION, 4, class_rev);
	cfg[PCI_HEADER_TYPE] = header_type;
}

static enum vdev_result pci_attach(struct vm_devices *vm)
{
	struct pci_host *pci = &vm->pci;

	pci->vm = vm;
	bridge_header(pci->bridge_config, BRIDGE_DEVICE,
		      PCI_CLASS_HOST_BRIDGE << 8 | BRIDGE_REVISION, 0);
	bridge_header(pci->isa_config, ISA_DEVICE, PCI_CLASS_ISA_BRIDGE << 8,
		      PCI_HEADER_MULTIFUNCTION);
	if (!pci_add_function(pci, 0, &bridge_ops, pci->bridge_config) ||
	    !pci_add_function(pci, ISA_DEVFN, &bridge_ops, pci->isa_config))
		return VDEV_NO_SLOT;
	return vdev_register_pio(vm, PCI_CONF_BASE, PCI_CONF_LEN, &pci_io_ops,
				 pci);
}

const struct vdev_type pci_host_vdev = {
	.name = "pci_host",
	.attach = pci_attach,
};
