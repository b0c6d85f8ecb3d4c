// SPDX-License-Identifier: GPL-2.0-only
/*
 * MC146818 real-time clock and CMOS RAM (Motorola MC146818A datasheet) at
 * index port 0x70 / data port 0x71, IRQ 8. The CMOS memory-size bytes
 * follow the PC/AT BIOS layout that SeaBIOS and QEMU use.
 */
#ifndef VMM_DEV_RTC_CMOS_H
#define VMM_DEV_RTC_CMOS_H

#include "vmm/platform.h"

#define CMOS_SIZE 128

struct vm_devices;

struct rtc_cmos {
	struct vm_devices *vm;
	uint8_t index;
	bool nmi_masked;		/* port 0x70 bit 7 */
	uint8_t ram[CMOS_SIZE];		/* time bytes are computed, not kept */
	int64_t offset_s;		/* guest time = epoch + clock + offset */
	uint8_t frozen[10];		/* time registers while SET is on */
	uint64_t last_ns;		/* when interrupt flags were last updated */
	uint64_t next_irq_ns;		/* next enabled event, or UINT64_MAX */
};

void rtc_poll(struct rtc_cmos *rtc, uint64_t now);

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type rtc_cmos_vdev;

#endif /* VMM_DEV_RTC_CMOS_H */
