// SPDX-License-Identifier: GPL-2.0-only
/* The virtual platform core: ranges, interrupt routing, time, status. */
#include "vmm/devices.h"
#include "vmm/bytes.h"

/* Adding a device model: its file and one line here. */
static const struct vdev_type *const vdev_types[] = {
	&pic8259_vdev, &ioapic_vdev, &lapic_vdev, &pit8254_vdev,
	&rtc_cmos_vdev, &uart16550_vdev, &pci_host_vdev, &power_vdev,
	&debug_exit_vdev, &i8042_vdev, &testdev_vdev,
};

/*
 * ISA IRQ 0 (the PIT) reaches IOAPIC input 2; every other ISA IRQ the
 * input of its number: the usual PC wiring, which the MP table's interrupt
 * entries (vmm/boot/mptable.c) describe to the guest.
 */
#define ISA_IRQ_PIT		0
#define IOAPIC_PIN_PIT		2

unsigned int vdev_isa_irq_to_gsi(unsigned int irq)
{
	return irq == ISA_IRQ_PIT ? IOAPIC_PIN_PIT : irq;
}

enum vdev_result vdev_init(struct vm_devices *vm, const struct vdev_config *cfg)
{
	struct vdev_config c = *cfg;	/* cfg may be &vm->cfg (a reset) */
	enum vdev_result r;

	if (cfg->nr_vcpus == 0 || cfg->nr_vcpus > VDEV_MAX_VCPUS ||
	    !cfg->clock.now_ns)
		return VDEV_BAD_CONFIG;
	vmm_zero(vm, sizeof(*vm));
	vm->cfg = c;
	for (size_t i = 0; i < VMM_ARRAY_SIZE(vdev_types); i++) {
		r = vdev_types[i]->attach(vm);
		if (r != VDEV_OK)
			return r;
	}
	return VDEV_OK;
}

static enum vdev_result add_range(struct vdev_range *tab, unsigned int *nr,
				  unsigned int max, uint64_t base, uint32_t len,
				  const struct vdev_io_ops *ops, void *dev)
{
	if (len == 0)
		return VDEV_BAD_CONFIG;
	for (unsigned int i = 0; i < *nr; i++)
		if (base < tab[i].base + tab[i].len && tab[i].base < base + len)
			return VDEV_OVERLAP;
	if (*nr == max)
		return VDEV_NO_SLOT;
	tab[*nr].base = base;
	tab[*nr].len = len;
	tab[*nr].ops = ops;
	tab[*nr].dev = dev;
	(*nr)++;
	return VDEV_OK;
}

enum vdev_result vdev_register_pio(struct vm_devices *vm, uint16_t base,
				   uint32_t len, const struct vdev_io_ops *ops,
				   void *dev)
{
	if (base + len > 0x10000)
		return VDEV_BAD_CONFIG;
	return add_range(vm->pio, &vm->nr_pio, VDEV_MAX_PIO_RANGES, base, len,
			 ops, dev);
}

enum vdev_result vdev_register_mmio(struct vm_devices *vm, uint64_t base,
				    uint32_t len, const struct vdev_io_ops *ops,
				    void *dev)
{
	return add_range(vm->mmio, &vm->nr_mmio, VDEV_MAX_MMIO_RANGES, base,
			 len, ops, dev);
}

static bool size_ok(unsigned int size)
{
	return size == 1 || size == 2 || size == 4;
}

static uint32_t size_mask(unsigned int size)
{
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* The range holding the whole access [addr, addr + size), if any. */
static const struct vdev_range *find_range(const struct vdev_range *tab,
					   unsigned int nr, uint64_t addr,
					   unsigned int size)
{
	for (unsigned int i = 0; i < nr; i++)
		if (addr >= tab[i].base &&
		    addr + size <= tab[i].base + tab[i].len)
			return &tab[i];
	return NULL;
}

/*
 * The window holding [addr, addr + size) in I/O space (io) or memory: a
 * platform device's range, else a decoding PCI BAR (which never overlaps
 * a range registered before it moved, vmm/dev/pci_host.c).
 */
static bool find_window(const struct vm_devices *vm, bool io, uint64_t addr,
			unsigned int size, struct vdev_range *w)
{
	const struct vdev_range *r = io ? find_range(vm->pio, vm->nr_pio, addr, size) :
					  find_range(vm->mmio, vm->nr_mmio, addr, size);
	const struct pci_bar *b;

	if (r) {
		*w = *r;
		return true;
	}
	b = pci_bar_at(&vm->pci, io, addr, size);
	if (!b)
		return false;
	*w = (struct vdev_range){ .base = b->base, .len = b->size,
				  .ops = b->ops, .dev = b->dev };
	return true;
}

uint32_t vdev_pio_read(struct vm_devices *vm, uint16_t port, unsigned int size)
{
	struct vdev_range r;

	if (!size_ok(size))
		return VDEV_FLOATING_BUS;
	if (!find_window(vm, true, port, size, &r))
		return size_mask(size);
	return r.ops->read(r.dev, port - (uint32_t)r.base, size) &
	       size_mask(size);
}

bool vdev_pio_write(struct vm_devices *vm, uint16_t port, unsigned int size,
		    uint32_t val)
{
	struct vdev_range r;

	if (!size_ok(size) || !find_window(vm, true, port, size, &r))
		return false;
	r.ops->write(r.dev, port - (uint32_t)r.base, size,
		     val & size_mask(size));
	return true;
}

bool vdev_mmio_read(struct vm_devices *vm, unsigned int vcpu, uint64_t gpa,
		    unsigned int size, uint32_t *val)
{
	struct vdev_range r;

	*val = size_ok(size) ? size_mask(size) : VDEV_FLOATING_BUS;
	if (!size_ok(size) || vcpu >= vm->cfg.nr_vcpus)
		return false;
	if (lapic_decodes(&vm->lapic[vcpu], gpa)) {
		*val = lapic_read(&vm->lapic[vcpu],
				  (uint32_t)(gpa & (LAPIC_PAGE - 1)), size);
		return true;
	}
	if (!find_window(vm, false, gpa, size, &r))
		return false;
	*val = r.ops->read(r.dev, (uint32_t)(gpa - r.base), size) &
	       size_mask(size);
	return true;
}

bool vdev_mmio_write(struct vm_devices *vm, unsigned int vcpu, uint64_t gpa,
		     unsigned int size, uint32_t val)
{
	struct vdev_range r;

	if (!size_ok(size) || vcpu >= vm->cfg.nr_vcpus)
		return false;
	if (lapic_decodes(&vm->lapic[vcpu], gpa)) {
		lapic_write(&vm->lapic[vcpu], (uint32_t)(gpa & (LAPIC_PAGE - 1)),
			    size, val & size_mask(size));
		return true;
	}
	if (!find_window(vm, false, gpa, size, &r))
		return false;
	r.ops->write(r.dev, (uint32_t)(gpa - r.base), size,
		     val & size_mask(size));
	return true;
}

/* One source's level on line (its bit in *asserted); the line is the OR. */
static void irq_set(struct vm_devices *vm, uint32_t *asserted,
		    unsigned int line, bool level)
{
	uint32_t bit;

	if (line >= IOAPIC_PINS)
		return;
	bit = 1u << line;
	*asserted = level ? *asserted | bit : *asserted & ~bit;
	level = (vm->irq_device | vm->irq_pci | vm->testdev.lines) & bit;
	if (line < VDEV_NR_ISA_IRQS) {
		pic_set_irq(&vm->pic, line, level);
		ioapic_set_irq(&vm->ioapic, vdev_isa_irq_to_gsi(line), level);
	} else {
		ioapic_set_irq(&vm->ioapic, line, level);
	}
}

void vdev_irq_set(struct vm_devices *vm, unsigned int line, bool level)
{
	irq_set(vm, &vm->irq_device, line, level);
}

void vdev_irq_set_pci(struct vm_devices *vm, unsigned int line, bool level)
{
	irq_set(vm, &vm->irq_pci, line, level);
}

void vdev_irq_set_test(struct vm_devices *vm, unsigned int line, bool level)
{
	irq_set(vm, &vm->testdev.lines, line, level);
}

void vdev_irq_pulse(struct vm_devices *vm, unsigned int line)
{
	vdev_irq_set(vm, line, true);
	vdev_irq_set(vm, line, false);
}

bool vdev_isa_irq_routed(struct vm_devices *vm, unsigned int irq)
{
	if (pic_irq_vector(&vm->pic, irq) >= 0 && lapic_accepts_extint(&vm->lapic[0]))
		return true;
	return ioapic_pin_vector(&vm->ioapic, vdev_isa_irq_to_gsi(irq)) >= 0;
}

uint64_t vdev_now(struct vm_devices *vm)
{
	return vm->cfg.clock.now_ns(vm->cfg.clock.ctx);
}

uint64_t vdev_ns_to_ticks(uint64_t ns, uint32_t hz)
{
	return ns / VDEV_NS_PER_SEC * hz +
	       ns % VDEV_NS_PER_SEC * hz / VDEV_NS_PER_SEC;
}

uint64_t vdev_ticks_to_ns(uint64_t ticks, uint32_t hz)
{
	return ticks / hz * VDEV_NS_PER_SEC +
	       (ticks % hz * VDEV_NS_PER_SEC + hz - 1) / hz;
}

void vdev_poll(struct vm_devices *vm)
{
	uint64_t now = vdev_now(vm);

	pit_poll(&vm->pit, now);
	rtc_poll(&vm->rtc, now);
	for (unsigned int i = 0; i < vm->cfg.nr_vcpus; i++)
		lapic_poll(&vm->lapic[i], now);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t vdev_next_event_ns(struct vm_devices *vm)
{
	uint64_t t = min_u64(vm->pit.next_irq_ns, vm->rtc.next_irq_ns);

	for (unsigned int i = 0; i < vm->cfg.nr_vcpus; i++)
		t = min_u64(t, vm->lapic[i].timer_next_ns);
	return t;
}

/* The PIC's INTR reaches the BSP through LINT0 in virtual wire mode. */
static bool extint_for(struct vm_devices *vm, unsigned int vcpu)
{
	return vcpu == 0 && lapic_accepts_extint(&vm->lapic[0]) &&
	       pic_intr(&vm->pic);
}

int vdev_intr_pending(struct vm_devices *vm, unsigned int vcpu)
{
	if (vcpu >= vm->cfg.nr_vcpus)
		return VDEV_NO_VECTOR;
	if (extint_for(vm, vcpu))
		return pic_peek_vector(&vm->pic);
	return lapic_pending_vector(&vm->lapic[vcpu]);
}

int vdev_intr_ack(struct vm_devices *vm, unsigned int vcpu)
{
	int v, timer;

	if (vcpu >= vm->cfg.nr_vcpus)
		return VDEV_NO_VECTOR;
	if (extint_for(vm, vcpu)) {
		v = pic_intack(&vm->pic);
		timer = pic_irq_vector(&vm->pic, ISA_IRQ_PIT);
	} else {
		v = lapic_pending_vector(&vm->lapic[vcpu]);
		if (v < 0)
			return v;
		lapic_ack(&vm->lapic[vcpu], (uint8_t)v);
		timer = ioapic_pin_vector(&vm->ioapic, IOAPIC_PIN_PIT);
	}
	/* The PIT sends the next tick it owes once a vCPU took this one. */
	if (v == timer)
		pit_irq_taken(&vm->pit);
	return v;
}

void vdev_set_status(struct vm_devices *vm, enum vdev_status status,
		     const char *msg)
{
	if (vm->status != VDEV_RUNNING)
		return;
	vm->status = status;
	why_put(&vm->status_why, msg);
}
