// SPDX-License-Identifier: GPL-2.0-only
/*
 * Two cascaded 8259A PICs (Intel 8259A datasheet), master at 0x20 with the
 * slave on IR2, slave at 0xA0, and the PIIX edge/level control registers
 * (ELCR) at 0x4D0/0x4D1 (Intel 82371SB PIIX3 datasheet §4.1.12).
 */
#ifndef VMM_DEV_PIC8259_H
#define VMM_DEV_PIC8259_H

#include "vmm/platform.h"

struct vm_devices;

struct pic8259_chip {
	uint8_t irr, isr, imr;
	uint8_t level;		/* input line levels */
	uint8_t elcr, elcr_mask;
	uint8_t vector_base;
	uint8_t priority_add;	/* IR with the highest priority (rotation) */
	uint8_t init_step;	/* 0: operating; 2, 3, 4: expecting ICWn */
	bool icw4_needed, single, auto_eoi, rotate_on_aeoi;
	bool read_isr, poll, special_mask;
};

struct pic8259 {
	struct vm_devices *vm;
	struct pic8259_chip chip[2];	/* [0] master, [1] slave */
};

/* Drive ISA IRQ line 0..15. */
void pic_set_irq(struct pic8259 *pic, unsigned int irq, bool level);
/* INTR output of the master. */
bool pic_intr(const struct pic8259 *pic);
/* Vector the next INTA would return, without acknowledging. */
int pic_peek_vector(const struct pic8259 *pic);
/* INTA cycle: vector of the highest request (IR7 spurious if none). */
uint8_t pic_intack(struct pic8259 *pic);
/* The vector ISA IRQ irq (0..15) gets, or -1 when its IMR bits mask it. */
int pic_irq_vector(const struct pic8259 *pic, unsigned int irq);

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type pic8259_vdev;

#endif /* VMM_DEV_PIC8259_H */
