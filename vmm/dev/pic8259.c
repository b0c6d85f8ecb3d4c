// SPDX-License-Identifier: GPL-2.0-only
/* Cascaded 8259A pair; command words as in the Intel 8259A datasheet. */
#include "vmm/dev/pic8259.h"
#include "vmm/devices.h"

#define PIC_MASTER_BASE	0x20
#define PIC_SLAVE_BASE	0xa0
#define PIC_ELCR_BASE	0x4d0	/* PIIX3 ELCR1/ELCR2 */
#define PIC_CASCADE_IR	2	/* slave INT on master IR2 (PC/AT) */
#define PIC_SPURIOUS_IR	7
/*
 * The vectors the PC/AT BIOS gives IRQ 0-7 and 8-15 (IBM PC AT Technical
 * Reference, "System Interrupts"; SeaBIOS's BIOS_HWIRQ0_VECTOR and
 * BIOS_HWIRQ8_VECTOR). The 8259A is undefined until its ICW1; a VM starts
 * with the PICs as firmware leaves them, as LINT0's virtual wire
 * (lapic.c), since direct kernel boot skips the firmware.
 */
#define PIC_BIOS_MASTER_VECTOR	0x08
#define PIC_BIOS_SLAVE_VECTOR	0x70

#define ICW1		0x10	/* A0=0, D4=1 */
#define ICW1_IC4	0x01	/* ICW4 needed */
#define ICW1_SNGL	0x02	/* single, no ICW3 */
#define OCW3		0x08	/* A0=0, D4=0, D3=1 */
#define OCW3_RR		0x02	/* read register command */
#define OCW3_RIS	0x01	/* ... 1: ISR, 0: IRR */
#define OCW3_POLL	0x04
#define OCW3_ESMM	0x40	/* enable special mask mode change */
#define OCW3_SMM	0x20
#define ICW4_AEOI	0x02

/* OCW2 R SL EOI (bits 7:5) commands. */
#define OCW2_NONSPEC_EOI	1
#define OCW2_NOP		2
#define OCW2_SPEC_EOI		3
#define OCW2_ROTATE_AEOI_SET	4
#define OCW2_ROTATE_NONSPEC	5
#define OCW2_SET_PRIORITY	6
#define OCW2_ROTATE_SPEC	7
#define OCW2_ROTATE_AEOI_CLEAR	0

/* ELCR bits that are hard-wired edge: IRQ 0 1 2 and 8 13 (PIIX3 §4.1.12). */
#define ELCR_MASTER_MASK	0xf8
#define ELCR_SLAVE_MASK		0xde

/* Highest-priority set bit of mask, as an IR number, or -1. */
static int highest(const struct pic8259_chip *c, uint8_t mask)
{
	for (int i = 0; i < 8; i++) {
		int ir = (i + c->priority_add) & 7;

		if (mask & (1u << ir))
			return ir;
	}
	return -1;
}

static int prio(const struct pic8259_chip *c, int ir)
{
	return (ir - c->priority_add) & 7;
}

/* IR this chip would request now, or -1 (fully nested mode). */
static int chip_request(const struct pic8259_chip *c)
{
	uint8_t isr = c->isr;
	int req = highest(c, c->irr & ~c->imr), cur;

	if (req < 0)
		return -1;
	/* special mask mode: masked in-service levels do not block others */
	if (c->special_mask)
		isr &= ~c->imr;
	cur = highest(c, isr);
	if (cur >= 0 && prio(c, cur) <= prio(c, req))
		return -1;
	return req;
}

static void update_cascade(struct pic8259 *pic)
{
	struct pic8259_chip *m = &pic->chip[0];
	bool slave_int = chip_request(&pic->chip[1]) >= 0;

	/* IR2 is edge-wired: it follows the slave's INT output. */
	if (slave_int)
		m->irr |= 1u << PIC_CASCADE_IR;
	else
		m->irr &= ~(1u << PIC_CASCADE_IR);
}

static void chip_set_irq(struct pic8259_chip *c, unsigned int ir, bool level)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (c->elcr & bit) {		/* level: IRR follows the line */
		if (level)
			c->irr |= bit;
		else
			c->irr &= ~bit;
	} else if (level && !(c->level & bit)) {
		c->irr |= bit;		/* edge: latched on the rising edge */
	}
	if (level)
		c->level |= bit;
	else
		c->level &= ~bit;
}

void pic_set_irq(struct pic8259 *pic, unsigned int irq, bool level)
{
	if (irq >= 16 || irq == PIC_CASCADE_IR)
		return;
	chip_set_irq(&pic->chip[irq >> 3], irq & 7, level);
	update_cascade(pic);
}

bool pic_intr(const struct pic8259 *pic)
{
	return chip_request(&pic->chip[0]) >= 0;
}

/* End of interrupt for ir: clear ISR, rotate if asked. */
static void chip_eoi(struct pic8259_chip *c, int ir, bool rotate)
{
	if (ir < 0)
		return;
	c->isr &= ~(1u << ir);
	if (rotate)
		c->priority_add = (uint8_t)((ir + 1) & 7);
}

/* INTA on one chip: returns the IR taken (spurious IR7 when none). */
static int chip_ack(struct pic8259_chip *c)
{
	int ir = chip_request(c);
	uint8_t bit;

	if (ir < 0)
		return PIC_SPURIOUS_IR;	/* 8259A: IR7 vector, no ISR bit */
	bit = (uint8_t)(1u << ir);
	if (!(c->elcr & bit))
		c->irr &= ~bit;
	if (c->auto_eoi)
		chip_eoi(c, ir, c->rotate_on_aeoi);
	else
		c->isr |= bit;
	return ir;
}

int pic_peek_vector(const struct pic8259 *pic)
{
	const struct pic8259_chip *m = &pic->chip[0], *s = &pic->chip[1];
	int ir = chip_request(m), sir;

	if (ir < 0)
		return VDEV_NO_VECTOR;
	if (ir != PIC_CASCADE_IR)
		return m->vector_base + ir;
	sir = chip_request(s);
	return s->vector_base + (sir < 0 ? PIC_SPURIOUS_IR : sir);
}

uint8_t pic_intack(struct pic8259 *pic)
{
	struct pic8259_chip *m = &pic->chip[0], *s = &pic->chip[1];
	int ir = chip_ack(m);
	uint8_t v;

	if (ir == PIC_CASCADE_IR)
		v = (uint8_t)(s->vector_base + chip_ack(s));
	else
		v = (uint8_t)(m->vector_base + ir);
	update_cascade(pic);
	return v;
}

int pic_irq_vector(const struct pic8259 *pic, unsigned int irq)
{
	const struct pic8259_chip *m = &pic->chip[0], *s = &pic->chip[1];

	if (irq < 8)
		return m->imr & (1u << irq) ? -1 : m->vector_base + (int)irq;
	if (irq >= 16 || (m->imr & (1u << PIC_CASCADE_IR)) || (s->imr & (1u << (irq - 8))))
		return -1;
	return s->vector_base + (int)(irq - 8);
}

static void ocw2(struct pic8259_chip *c, uint8_t v)
{
	int ir = v & 7;

	switch (v >> 5) {
	case OCW2_NONSPEC_EOI:
	case OCW2_ROTATE_NONSPEC:
		ir = highest(c, c->isr);
		chip_eoi(c, ir, (v >> 5) == OCW2_ROTATE_NONSPEC);
		break;
	case OCW2_SPEC_EOI:
		chip_eoi(c, ir, false);
		break;
	case OCW2_ROTATE_SPEC:
		chip_eoi(c, ir, true);
		break;
	case OCW2_SET_PRIORITY:
		c->priority_add = (uint8_t)((ir + 1) & 7);
		break;
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_on_aeoi = true;
		break;
	case OCW2_ROTATE_AEOI_CLEAR:
		c->rotate_on_aeoi = false;
		break;
	default:
		break;
	}
}

static void chip_write(struct pic8259_chip *c, unsigned int a0, uint8_t v)
{
	if (a0 == 0) {
		if (v & ICW1) {
			/* ICW1 clears IMR and ISR, IR7 lowest, reads IRR. */
			c->imr = c->isr = 0;
			c->irr &= c->elcr & c->level;
			c->priority_add = 0;
			c->read_isr = c->poll = c->special_mask = false;
			c->auto_eoi = c->rotate_on_aeoi = false;
			c->icw4_needed = v & ICW1_IC4;
			c->single = v & ICW1_SNGL;
			c->init_step = 2;
		} else if (v & OCW3) {
			if (v & OCW3_RR)
				c->read_isr = v & OCW3_RIS;
			c->poll = v & OCW3_POLL;
			if (v & OCW3_ESMM)
				c->special_mask = v & OCW3_SMM;
		} else {
			ocw2(c, v);
		}
		return;
	}
	switch (c->init_step) {
	case 2:
		c->vector_base = v & 0xf8;	/* ICW2: T7-T3 in x86 mode */
		c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
		break;
	case 3:				/* ICW3: cascade wiring is fixed */
		c->init_step = c->icw4_needed ? 4 : 0;
		break;
	case 4:
		c->auto_eoi = v & ICW4_AEOI;
		c->init_step = 0;
		break;
	default:
		c->imr = v;		/* OCW1 */
		break;
	}
}

static uint8_t chip_read(struct pic8259 *pic, unsigned int n, unsigned int a0)
{
	struct pic8259_chip *c = &pic->chip[n];
	int ir;

	if (a0)
		return c->imr;
	if (c->poll) {			/* poll command: acts as an INTA */
		c->poll = false;
		ir = chip_request(c);
		if (ir < 0)
			return 0;
		chip_ack(c);
		update_cascade(pic);
		return (uint8_t)(0x80 | ir);
	}
	return c->read_isr ? c->isr : c->irr;
}

static uint32_t pic_master_read(void *dev, uint32_t offset, unsigned int size)
{
	(void)size;
	return chip_read(dev, 0, offset & 1);
}

static uint32_t pic_slave_read(void *dev, uint32_t offset, unsigned int size)
{
	(void)size;
	return chip_read(dev, 1, offset & 1);
}

static void pic_write_chip(struct pic8259 *pic, unsigned int n,
			   uint32_t offset, uint32_t val)
{
	chip_write(&pic->chip[n], offset & 1, (uint8_t)val);
	update_cascade(pic);
}

static void pic_master_write(void *dev, uint32_t offset, unsigned int size,
			     uint32_t val)
{
	(void)size;
	pic_write_chip(dev, 0, offset, val);
}

static void pic_slave_write(void *dev, uint32_t offset, unsigned int size,
			    uint32_t val)
{
	(void)size;
	pic_write_chip(dev, 1, offset, val);
}

static uint32_t elcr_read(void *dev, uint32_t offset, unsigned int size)
{
	struct pic8259 *pic = dev;
	uint32_t v = pic->chip[offset & 1].elcr;

	if (size >= 2 && offset == 0)
		v |= (uint32_t)pic->chip[1].elcr << 8;
	return v;
}

static void elcr_write(void *dev, uint32_t offset, unsigned int size,
		       uint32_t val)
{
	struct pic8259 *pic = dev;

	for (unsigned int i = 0; i < size && offset + i < 2; i++) {
		struct pic8259_chip *c = &pic->chip[offset + i];

		c->elcr = (uint8_t)(val >> (8 * i)) & c->elcr_mask;
	}
	update_cascade(pic);
}

static const struct vdev_io_ops pic_master_ops = {
	.read = pic_master_read, .write = pic_master_write,
};
static const struct vdev_io_ops pic_slave_ops = {
	.read = pic_slave_read, .write = pic_slave_write,
};
static const struct vdev_io_ops elcr_ops = {
	.read = elcr_read, .write = elcr_write,
};

static enum vdev_result pic_attach(struct vm_devices *vm)
{
	struct pic8259 *pic = &vm->pic;
	enum vdev_result r;

	pic->vm = vm;
	pic->chip[0].elcr_mask = ELCR_MASTER_MASK;
	pic->chip[1].elcr_mask = ELCR_SLAVE_MASK;
	pic->chip[0].vector_base = PIC_BIOS_MASTER_VECTOR;
	pic->chip[1].vector_base = PIC_BIOS_SLAVE_VECTOR;
	r = vdev_register_pio(vm, PIC_MASTER_BASE, 2, &pic_master_ops, pic);
	if (r == VDEV_OK)
		r = vdev_register_pio(vm, PIC_SLAVE_BASE, 2, &pic_slave_ops, pic);
	if (r == VDEV_OK)
		r = vdev_register_pio(vm, PIC_ELCR_BASE, 2, &elcr_ops, pic);
	return r;
}

const struct vdev_type pic8259_vdev = {
	.name = "pic8259",
	.attach = pic_attach,
};
