// SPDX-License-Identifier: GPL-2.0-only
/*
 * 82093AA I/O APIC (Intel 82093AA datasheet) at 0xFEC00000: 24 inputs,
 * version 0x11, indirect IOREGSEL/IOWIN access.
 */
#ifndef VMM_DEV_IOAPIC_H
#define VMM_DEV_IOAPIC_H

#include "vmm/platform.h"

#define IOAPIC_BASE	0xfec00000u
#define IOAPIC_PINS	24

struct vm_devices;

struct ioapic {
	struct vm_devices *vm;
	uint8_t id;
	uint8_t regsel;
	uint64_t redir[IOAPIC_PINS];
	uint32_t level;		/* input pin levels */
};

/* Drive input pin. */
void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level);
/* A LAPIC EOI of a level-triggered vector reached the IOAPIC. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);
/* The vector an unmasked pin sends, or -1 (masked, or no such pin). */
int ioapic_pin_vector(const struct ioapic *io, unsigned int pin);

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type ioapic_vdev;

#endif /* VMM_DEV_IOAPIC_H */
