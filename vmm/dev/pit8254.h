// SPDX-License-Identifier: GPL-2.0-only
/*
 * 8254 programmable interval timer (Intel 82C54 datasheet) at 0x40-0x43,
 * 1.193182 MHz, channel 0 on IRQ 0, channel 2 gated by and read back
 * through system control port B (0x61, PIIX3 datasheet §4.7.1).
 */
#ifndef VMM_DEV_PIT8254_H
#define VMM_DEV_PIT8254_H

#include "vmm/platform.h"

#define PIT_HZ 1193182u	/* 14.31818 MHz / 12 */

struct vm_devices;

struct pit_channel {
	uint8_t mode;		/* 0..5 */
	uint8_t rw;		/* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;
	bool armed;		/* a count was written since the mode */
	uint32_t reload;	/* 1..65536 */
	uint64_t load_ns;	/* when counting started */
	uint16_t latch;
	uint8_t latch_bytes;	/* bytes of latch left to read: 0, 1, 2 */
	bool latch_msb_next;
	uint8_t status;
	bool status_latched;
	bool read_msb_next, write_msb_next;
	uint8_t write_lsb;
	bool null_count;
};

/*
 * Channel 0's ticks are reinjected, as KVM's in-kernel PIT does by
 * default: periods that pass while the guest cannot take IRQ 0 (its vCPU
 * waits for a CPU, or has interrupts off) are owed and sent one by one,
 * each as soon as a vCPU took the previous one, so a guest that counts
 * ticks keeps time. At most one second of ticks is owed; none while no
 * route to a vCPU is open (PIC IR0 and IOAPIC pin 2 both masked).
 */
struct pit8254 {
	struct vm_devices *vm;
	struct pit_channel ch[3];
	uint8_t port61;		/* speaker data and gate bits as written */
	uint64_t next_irq_ns;	/* channel 0: next IRQ 0 edge, or UINT64_MAX */
	uint64_t edges;		/* channel 0: edges accounted since the load */
	uint32_t owed;		/* ticks due that were not sent yet */
	bool in_flight;		/* a tick was sent and no vCPU took it yet */
	uint64_t reinjected;	/* ticks sent late, after an earlier one was taken */
	uint64_t dropped;	/* ticks given up: over the limit or no route */
};

void pit_poll(struct pit8254 *pit, uint64_t now);
/* A vCPU took IRQ 0's vector (INTA or LAPIC IRR -> ISR). */
void pit_irq_taken(struct pit8254 *pit);

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type pit8254_vdev;

#endif /* VMM_DEV_PIT8254_H */
