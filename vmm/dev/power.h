// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reset and poweroff paths of the virtual PC, without ACPI tables:
 *  - 0xCF9 reset control register (PIIX3 datasheet §4.1.17, "RC"),
 *    reached through the PCI host's 0xCF8-0xCFF window (byte access);
 *  - 0x92 system control port A, fast reset bit (PIIX3 §4.7.2);
 *  - the 8042's reset line (command 0xFE) is vmm/dev/i8042.c's;
 *  - poweroff: PM1a control at 0x604, SLP_EN with SLP_TYP 0, the port and
 *    S5 encoding of QEMU's PIIX4 PM function, so the same guest code powers
 *    off under plain QEMU and under vmk (ACPI spec 6.4 §4.8.3.2.1);
 *  - the ACPI fixed-feature power button: the PM1a event block at 0x600
 *    (status, then enable, 2 bytes each, as PIIX4) with PWRBTN_STS/EN; the
 *    SCI (ISA IRQ 9) is asserted while an enabled status bit is set (ACPI
 *    6.4 §4.8.3.1). The platform has no SMI_CMD, so it is always in ACPI
 *    mode: SCI_EN reads as set. The FADT of vmm/boot/acpi.c points here.
 */
#ifndef VMM_DEV_POWER_H
#define VMM_DEV_POWER_H

#include "vmm/platform.h"

#define POWER_RC_PORT		0xcf9
#define POWER_PM1A_CNT_PORT	0x604
#define POWER_PM1A_EVT_PORT	0x600
#define POWER_PM1_EVT_LEN	4	/* status + enable */
#define POWER_PM1_CNT_LEN	2
#define POWER_SCI_IRQ		9	/* ISA IRQ, level-triggered (PIIX4's) */
#define POWER_SLP_TYP_S5	0	/* SLP_TYP that powers off: the DSDT's \_S5 */

struct vm_devices;

struct power {
	struct vm_devices *vm;
	uint8_t rc;		/* reset control register */
	uint8_t port92;
	uint16_t pm1a_cnt;
	uint16_t pm1_sts, pm1_en;	/* PM1a event block */
};

uint8_t power_rc_read(struct power *pw);
void power_rc_write(struct power *pw, uint8_t val);

/*
 * Press the power button: PWRBTN_STS is set and the SCI raised. Only when
 * the guest has set PWRBTN_EN (an ACPI OS with a handler): false, and
 * nothing changes, when it has not.
 */
bool power_button_press(struct power *pw);

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type power_vdev;

#endif /* VMM_DEV_POWER_H */
