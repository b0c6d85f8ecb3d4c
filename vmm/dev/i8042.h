// SPDX-License-Identifier: GPL-2.0-only
/*
 * 8042 keyboard controller at 0x60 (data) and 0x64 (status/command), the
 * PC/AT and PS/2 controller interface (IBM "Keyboard/Auxiliary Device
 * Controller", as QEMU's hw/input/pckbd.c models it), with a keyboard
 * on its first port and nothing on its auxiliary (mouse) port.
 *
 * Firmware and boot loaders poll it: SeaBIOS resets and enables the
 * keyboard at POST, boot loaders read keys through INT 16h. Nobody types
 * into it (a VM's console is its first serial port), so the keyboard
 * answers commands and never sends a key. The controller's output port
 * carries the reset line (command 0xFE, or 0xD1 with bit 0 clear, resets
 * the VM) and A20, which is always on here. The ACPI tables describe it
 * (vmm/boot/acpi.c: the FADT's 8042 flag, PNP0303 in the DSDT), so an ACPI
 * operating system's driver finds it as on a PC.
 */
#ifndef VMM_DEV_I8042_H
#define VMM_DEV_I8042_H

#include "vmm/platform.h"

#define I8042_DATA_PORT		0x60
#define I8042_CMD_PORT		0x64
#define I8042_KBD_IRQ		1
#define I8042_AUX_IRQ		12
#define I8042_QUEUE		16	/* bytes waiting for the output buffer */

struct vm_devices;

enum i8042_source { I8042_FROM_CTRL, I8042_FROM_KBD, I8042_FROM_AUX };

struct i8042 {
	struct vm_devices *vm;
	uint8_t status;			/* status register */
	uint8_t ccb;			/* controller command byte */
	uint8_t out;			/* output buffer, valid when status OBF */
	uint8_t out_from;		/* enum i8042_source of out */
	uint8_t pending_cmd;		/* controller command awaiting its data byte */
	uint8_t kbd_cmd;		/* keyboard command awaiting its argument */
	bool kbd_scanning;		/* keyboard enabled (F4) */
	uint8_t kbd_set;		/* scan code set 1..3 */
	uint8_t q[I8042_QUEUE], q_from[I8042_QUEUE];
	uint8_t q_head, q_len;
	uint32_t dropped;		/* queue overflows (a guest writing faster than it reads) */
};

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type i8042_vdev;

#endif /* VMM_DEV_I8042_H */
