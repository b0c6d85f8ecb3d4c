// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI host bridge, configuration mechanism #1 (PCI Local Bus Specification
 * 3.0 §3.2.2.3.2). Byte accesses to 0xCF9 are not configuration cycles:
 * they reach the PIIX reset control register (vmm/dev/power.c).
 */
#include "vmm/dev/pci_host.h"
#include "vmm/dev/lapic.h"
#include "vmm/dev/pci_msi.h"
#include "vmm/dev/power.h"
#include "vmm/devices.h"

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
#define PCI_BAR0		0x10

/* Command register decode enables and BAR fields (PCI 3.0 §6.2.2, §6.2.5.1). */
#define PCI_COMMAND_IO		0x0001
#define PCI_COMMAND_MEMORY	0x0002
#define PCI_BAR_IO_MASK		0xfffffffcu
#define PCI_BAR_MEM_MASK	0xfffffff0u
#define PCI_BAR_IO_MIN		4
#define PCI_BAR_IO_MAX		256
#define PCI_BAR_MEM_MIN		16
#define PCI_BAR_MEM_MAX		0x80000000u

/* The bridge shows itself as an Intel 440FX PMC (82441FX datasheet). */
#define BRIDGE_VENDOR		0x8086
#define BRIDGE_DEVICE		0x1237
#define BRIDGE_REVISION		0x02
#define PCI_CLASS_HOST_BRIDGE	0x060000
/* The PIIX3 PCI-to-ISA bridge, function 0 of device 1 (82371SB datasheet). */
#define ISA_DEVFN		(PCI_ISA_SLOT << 3)
#define ISA_DEVICE		0x7000
#define PCI_CLASS_ISA_BRIDGE	0x060100
#define PCI_HEADER_MULTIFUNCTION 0x80	/* the PIIX3 has IDE and USB beside it */
/*
 * Registers from 0x40 up are the device's own (PCI 3.0 §6.1): both
 * bridges keep what the firmware writes there, as QEMU's do: the
 * i440FX's PAM registers (0x59-0x5F) and the PIIX3's PIRQ routing
 * (0x60-0x63), which SeaBIOS programs. PAM has no effect: the memory
 * below 1 MiB is RAM whatever it says (docs/vmm.md "Firmware boot").
 * PIRQ routing moves the devices' INTA# (pci_set_intx()).
 */
#define PCI_DEV_SPECIFIC	0x40
/*
 * PIIX3 PIRQ route control PIRQRC[A:D] (82371SB datasheet §2.2.9): bit 7
 * disables the route, bits 3:0 name the ISA IRQ, bits 6:4 are reserved
 * and read 0 whatever is written; IRQ 0-2, 8 and 13 are reserved values,
 * which route nothing here (as if disabled: the INTA# keeps the
 * vmkernel's line). 80h, disabled, at power on and reset.
 */
#define PIIX_PIRQRC		0x60
#define PIIX_NR_PIRQS		4
#define PIIX_PIRQ_DISABLED	0x80
#define PIIX_PIRQ_IRQ		0x0f
#define PIIX_PIRQ_WRITABLE	(PIIX_PIRQ_DISABLED | PIIX_PIRQ_IRQ)
#define PIIX_PIRQ_RESERVED	(1u << 0 | 1u << 1 | 1u << 2 | 1u << 8 | 1u << 13)
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

/* The PIIX3: a bridge whose PIRQRC registers keep only their defined bits. */
static void isa_bridge_write(void *dev, uint8_t offset, unsigned int size,
			     uint32_t val)
{
	uint8_t *cfg = dev;

	bridge_write(dev, offset, size, val);
	for (unsigned int i = 0; i < PIIX_NR_PIRQS; i++)
		cfg[PIIX_PIRQRC + i] &= PIIX_PIRQ_WRITABLE;
}

static const struct pci_fn_ops isa_bridge_ops = {
	.read = bridge_read, .write = isa_bridge_write,
};

static struct pci_function *find_function(struct pci_host *pci, uint8_t devfn)
{
	for (unsigned int i = 0; i < pci->nr_functions; i++)
		if (pci->fn[i].devfn == devfn)
			return &pci->fn[i];
	return NULL;
}

bool pci_add_function(struct pci_host *pci, uint8_t devfn,
		      const struct pci_fn_ops *ops, void *dev)
{
	if (find_function(pci, devfn) || pci->nr_functions == PCI_MAX_FUNCTIONS)
		return false;
	pci->fn[pci->nr_functions++] = (struct pci_function){
		.devfn = devfn, .ops = ops, .dev = dev,
	};
	return true;
}

bool pci_add_bar(struct pci_host *pci, uint8_t devfn, unsigned int bar,
		 uint32_t size, bool io, const struct vdev_io_ops *ops,
		 void *dev)
{
	struct pci_function *f = find_function(pci, devfn);
	struct pci_bar *b;

	if (!f || bar >= PCI_NR_BARS || !ops || (size & (size - 1)) ||
	    size < (io ? PCI_BAR_IO_MIN : PCI_BAR_MEM_MIN) ||
	    size > (io ? PCI_BAR_IO_MAX : PCI_BAR_MEM_MAX))
		return false;
	b = &f->bar[bar];
	if (b->size)
		return false;
	*b = (struct pci_bar){ .size = size, .io = io, .ops = ops, .dev = dev };
	return true;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool overlaps_range(const struct vdev_range *tab, unsigned int nr,
			   uint64_t base, uint32_t len)
{
	for (unsigned int i = 0; i < nr; i++)
		if (overlaps(base, len, tab[i].base, tab[i].len))
			return true;
	return false;
}

/* NULL if b may decode at base, else why not (a static sentence). */
static const char *bar_refusal(const struct pci_host *pci,
			       const struct pci_bar *b, uint32_t base)
{
	const struct vm_devices *vm = pci->vm;
	uint64_t end = (uint64_t)base + b->size;

	if (base & (b->size - 1))
		return "not aligned to its size";
	if (b->io) {
		if (base < PCI_IO_BAR_START)
			return "below 1000h, among the ISA devices' ports";
		if (end > PCI_IO_BAR_END)
			return "beyond the 64 KiB I/O space";
		if (overlaps_range(vm->pio, vm->nr_pio, base, b->size))
			return "over a platform device's ports";
	} else {
		if (base < pci_mem_bar_start(vm->cfg.ram_size))
			return "over guest RAM";
		if (end > PCI_MEM_DECODE_END)
			return "over the interrupt range, the LAPIC or the firmware ROM (FEE00000h and up)";
		if (overlaps_range(vm->mmio, vm->nr_mmio, base, b->size))
			return "over a platform device's registers";
	}
	for (unsigned int i = 0; i < pci->nr_functions; i++)
		for (unsigned int j = 0; j < PCI_NR_BARS; j++) {
			const struct pci_bar *o = &pci->fn[i].bar[j];

			if (o != b && o->decoding && o->io == b->io &&
			    overlaps(base, b->size, o->base, o->size))
				return "over another PCI device's BAR";
		}
	return NULL;
}

/*
 * The guest wrote f's configuration: each BAR decodes where the command
 * register and the BAR now say, if acceptable. A BAR whose request did
 * not change keeps its state (a refusal is counted once per request).
 */
static void bars_update(struct pci_host *pci, struct pci_function *f)
{
	uint32_t command = f->ops->read(f->dev, PCI_COMMAND, 2);

	for (unsigned int i = 0; i < PCI_NR_BARS; i++) {
		struct pci_bar *b = &f->bar[i];
		uint32_t reg, base;
		const char *why;
		bool on;

		if (!b->size)
			continue;
		reg = f->ops->read(f->dev, (uint8_t)(PCI_BAR0 + 4 * i), 4);
		base = reg & (b->io ? PCI_BAR_IO_MASK : PCI_BAR_MEM_MASK);
		on = command & (b->io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY);
		if (on == b->asked_on && base == b->asked_base)
			continue;
		b->asked_on = on;
		b->asked_base = base;
		b->decoding = false;
		if (!on || !base)
			continue;		/* off, or not assigned yet */
		why = bar_refusal(pci, b, base);
		if (why) {
			pci->bars_refused++;
			pci->last_refused = (struct pci_bar_refusal){
				.devfn = f->devfn, .bar = (uint8_t)i, .io = b->io,
				.base = base, .size = b->size, .why = why,
			};
			continue;
		}
		b->base = base;
		b->decoding = true;
	}
}

/*
 * The ISA IRQ f's INTA# reaches now. Slot S's INTA# is wired to PIRQ
 * (S - 1) mod 4: the i440FX board wiring of QEMU (pci_slot_get_pirq) and
 * SeaBIOS (piix_pci_slot_get_irq), which SeaBIOS's routing assumes.
 */
static unsigned int intx_route(const struct pci_host *pci,
			       const struct pci_function *f)
{
	unsigned int slot = f->devfn >> 3;
	uint8_t r = pci->isa_config[PIIX_PIRQRC +
				    (slot + PIIX_NR_PIRQS - 1) % PIIX_NR_PIRQS];
	unsigned int irq = r & PIIX_PIRQ_IRQ;

	if ((r & PIIX_PIRQ_DISABLED) || (PIIX_PIRQ_RESERVED >> irq & 1))
		return f->intx_default;
	return irq;
}

/* Drive each line in the mask lines with the OR of its functions' INTA#. */
static void intx_drive(struct pci_host *pci, uint32_t lines)
{
	for (unsigned int line = 0; lines; line++, lines >>= 1) {
		bool level = false;

		if (!(lines & 1))
			continue;
		for (unsigned int i = 0; i < pci->nr_functions; i++)
			level |= pci->fn[i].intx_level &&
				 pci->fn[i].intx_line == line;
		vdev_irq_set_pci(pci->vm, line, level);
	}
}

/* Asserted INTA# follow a change of the PIRQ routing. */
static void intx_reroute(struct pci_host *pci)
{
	uint32_t lines = 0;

	for (unsigned int i = 0; i < pci->nr_functions; i++) {
		struct pci_function *f = &pci->fn[i];

		if (!f->intx_level)
			continue;
		lines |= 1u << f->intx_line;
		f->intx_line = intx_route(pci, f);
		lines |= 1u << f->intx_line;
	}
	intx_drive(pci, lines);
}

void pci_set_intx(struct pci_host *pci, uint8_t devfn, unsigned int line,
		  bool level)
{
	struct pci_function *f = find_function(pci, devfn);
	uint32_t lines;

	if (!f || line >= IOAPIC_PINS)
		return;
	lines = f->intx_level ? 1u << f->intx_line : 0;
	f->intx_default = line;
	f->intx_level = level;
	f->intx_line = intx_route(pci, f);
	intx_drive(pci, lines | 1u << f->intx_line);
}

/* After a configuration write to f: its BARs, and the PIRQ routing. */
static void config_written(struct pci_host *pci, struct pci_function *f)
{
	bars_update(pci, f);
	if (f->devfn == ISA_DEVFN)
		intx_reroute(pci);
}

bool pci_host_config_write(struct pci_host *pci, uint8_t devfn, uint8_t offset,
			   unsigned int size, uint32_t val)
{
	struct pci_function *f = find_function(pci, devfn);

	if (!f)
		return false;
	f->ops->write(f->dev, offset, size, val);
	config_written(pci, f);
	return true;
}

const struct pci_bar *pci_bar_at(const struct pci_host *pci, bool io,
				 uint64_t addr, unsigned int size)
{
	for (unsigned int i = 0; i < pci->nr_functions; i++)
		for (unsigned int j = 0; j < PCI_NR_BARS; j++) {
			const struct pci_bar *b = &pci->fn[i].bar[j];

			if (b->decoding && b->io == io && addr >= b->base &&
			    addr + size <= (uint64_t)b->base + b->size)
				return b;
		}
	return NULL;
}

void pci_msi_deliver(struct pci_host *pci, uint8_t devfn,
		     const struct pci_msi_msg *m)
{
	struct apic_msg a;
	const char *why = pci_msi_decode(m, &a);

	if (why) {
		pci->msi_dropped++;
		pci->last_msi_drop = (struct pci_msi_drop){
			.devfn = devfn, .addr = m->addr, .data = m->data, .why = why,
		};
		return;
	}
	lapic_bus_deliver(pci->vm, &a);
}

/* The function CONFIG_ADDRESS selects, or NULL (master abort). */
static struct pci_function *selected(struct pci_host *pci)
{
	uint32_t a = pci->config_address;

	if (!(a & CA_ENABLE) || CA_BUS(a) != 0)
		return NULL;
	return find_function(pci, (uint8_t)CA_DEVFN(a));
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
	struct pci_function *f;

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
	if (!f)
		return;
	f->ops->write(f->dev, (uint8_t)(CA_REG(pci->config_address) +
					offset - PCI_CONF_DATA), size, val);
	config_written(pci, f);
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
	for (unsigned int i = 0; i < PIIX_NR_PIRQS; i++)
		pci->isa_config[PIIX_PIRQRC + i] = PIIX_PIRQ_DISABLED;
	if (!pci_add_function(pci, 0, &bridge_ops, pci->bridge_config) ||
	    !pci_add_function(pci, ISA_DEVFN, &isa_bridge_ops, pci->isa_config))
		return VDEV_NO_SLOT;
	return vdev_register_pio(vm, PCI_CONF_BASE, PCI_CONF_LEN, &pci_io_ops,
				 pci);
}

const struct vdev_type pci_host_vdev = {
	.name = "pci_host",
	.attach = pci_attach,
};
