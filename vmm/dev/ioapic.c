// SPDX-License-Identifier: GPL-2.0-only
/* 82093AA I/O APIC model (Intel 82093AA datasheet §3). */
#include "vmm/dev/ioapic.h"
#include "vmm/dev/lapic.h"
#include "vmm/devices.h"

#define IOAPIC_MMIO_LEN		0x20	/* IOREGSEL at 0x00, IOWIN at 0x10 */
#define IOAPIC_IOREGSEL		0x00
#define IOAPIC_IOWIN		0x10

#define IOAPICID		0x00
#define IOAPICVER		0x01
#define IOAPICARB		0x02
#define IOREDTBL		0x10	/* 2 registers per pin */
#define IOAPIC_VERSION		0x11
#define IOAPIC_VER_VALUE	((uint32_t)(IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION)
#define IOAPIC_ID_SHIFT		24
#define IOAPIC_ID_MASK		0x0f

/* Redirection table entry bits (datasheet §3.2.4). */
#define RTE_VECTOR		0xffull
#define RTE_DELIVERY_SHIFT	8
#define RTE_DEST_LOGICAL	(1ull << 11)
#define RTE_DELIVERY_STATUS	(1ull << 12)
#define RTE_POLARITY_LOW	(1ull << 13)
#define RTE_REMOTE_IRR		(1ull << 14)
#define RTE_LEVEL		(1ull << 15)
#define RTE_MASKED		(1ull << 16)
#define RTE_DEST_SHIFT		56
#define RTE_RO_BITS		(RTE_DELIVERY_STATUS | RTE_REMOTE_IRR)
#define RTE_WRITABLE		(0xff00000000000000ull | 0x1ffffull)

static void deliver(struct ioapic *io, unsigned int pin)
{
	uint64_t e = io->redir[pin];
	struct apic_msg m = {
		.vector = (uint8_t)(e & RTE_VECTOR),
		.delivery = (uint8_t)((e >> RTE_DELIVERY_SHIFT) & 7),
		.logical = e & RTE_DEST_LOGICAL,
		.level_trig = e & RTE_LEVEL,
		.dest = (uint8_t)(e >> RTE_DEST_SHIFT),
		.shorthand = APIC_SH_NONE,
	};

	if (m.level_trig)
		io->redir[pin] |= RTE_REMOTE_IRR;
	lapic_bus_deliver(io->vm, &m);
}

/* Level-triggered, asserted, unmasked and not awaiting an EOI: deliver. */
static void service_level(struct ioapic *io, unsigned int pin)
{
	uint64_t e = io->redir[pin];

	if ((e & RTE_LEVEL) && !(e & (RTE_MASKED | RTE_REMOTE_IRR)) &&
	    (io->level & (1u << pin)))
		deliver(io, pin);
}

/*
 * pin levels are logical (asserted = true); the polarity bit is kept for
 * the guest to read back but the models raise lines logically.
 */
void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level)
{
	uint32_t bit;
	bool rising;

	if (pin >= IOAPIC_PINS)
		return;
	bit = 1u << pin;
	rising = level && !(io->level & bit);
	if (level)
		io->level |= bit;
	else
		io->level &= ~bit;
	if (io->redir[pin] & RTE_LEVEL)
		service_level(io, pin);
	else if (rising && !(io->redir[pin] & RTE_MASKED))
		deliver(io, pin);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++) {
		if ((io->redir[pin] & RTE_VECTOR) != vector ||
		    !(io->redir[pin] & RTE_REMOTE_IRR))
			continue;
		io->redir[pin] &= ~RTE_REMOTE_IRR;
		service_level(io, pin);
	}
}

int ioapic_pin_vector(const struct ioapic *io, unsigned int pin)
{
	if (pin >= IOAPIC_PINS || (io->redir[pin] & RTE_MASKED))
		return -1;
	return (int)(io->redir[pin] & RTE_VECTOR);
}

static uint32_t reg_read(struct ioapic *io)
{
	unsigned int sel = io->regsel, pin;

	switch (sel) {
	case IOAPICID:
	case IOAPICARB:
		return (uint32_t)io->id << IOAPIC_ID_SHIFT;
	case IOAPICVER:
		return IOAPIC_VER_VALUE;
	}
	if (sel < IOREDTBL || sel >= IOREDTBL + 2 * IOAPIC_PINS)
		return 0;	/* reserved registers read as zero */
	pin = (sel - IOREDTBL) / 2;
	return (uint32_t)(io->redir[pin] >> (sel & 1 ? 32 : 0));
}

static void reg_write(struct ioapic *io, uint32_t val)
{
	unsigned int sel = io->regsel, pin;
	uint64_t e;

	if (sel == IOAPICID) {
		io->id = (val >> IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
		return;
	}
	if (sel < IOREDTBL || sel >= IOREDTBL + 2 * IOAPIC_PINS)
		return;		/* version, arbitration, reserved: read-only */
	pin = (sel - IOREDTBL) / 2;
	e = io->redir[pin];
	if (sel & 1)
		e = (e & 0xffffffffull) | (uint64_t)val << 32;
	else
		e = (e & ~0xffffffffull) | val;
	io->redir[pin] = (e & RTE_WRITABLE & ~RTE_RO_BITS) |
			 (io->redir[pin] & RTE_RO_BITS);
	if (!(io->redir[pin] & RTE_LEVEL))
		io->redir[pin] &= ~RTE_REMOTE_IRR;
	service_level(io, pin);
}

/* Only aligned dword accesses reach the registers (datasheet §3.0). */
static uint32_t ioapic_read(void *dev, uint32_t offset, unsigned int size)
{
	struct ioapic *io = dev;

	if (size != 4)
		return VDEV_FLOATING_BUS;
	if (offset == IOAPIC_IOREGSEL)
		return io->regsel;
	if (offset == IOAPIC_IOWIN)
		return reg_read(io);
	return 0;
}

static void ioapic_write(void *dev, uint32_t offset, unsigned int size,
			 uint32_t val)
{
	struct ioapic *io = dev;

	if (size != 4)
		return;
	if (offset == IOAPIC_IOREGSEL)
		io->regsel = (uint8_t)val;
	else if (offset == IOAPIC_IOWIN)
		reg_write(io, val);
}

static const struct vdev_io_ops ioapic_ops = {
	.read = ioapic_read, .write = ioapic_write,
};

static enum vdev_result ioapic_attach(struct vm_devices *vm)
{
	struct ioapic *io = &vm->ioapic;

	io->vm = vm;
	io->id = (uint8_t)vm->cfg.nr_vcpus;	/* after the LAPIC IDs, as in the MP table */
	for (unsigned int pin = 0; pin < IOAPIC_PINS; pin++)
		io->redir[pin] = RTE_MASKED;	/* reset: all masked */
	return vdev_register_mmio(vm, IOAPIC_BASE, IOAPIC_MMIO_LEN, &ioapic_ops,
				  io);
}

const struct vdev_type ioapic_vdev = {
	.name = "ioapic",
	.attach = ioapic_attach,
};
