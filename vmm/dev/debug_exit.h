// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's isa-debug-exit (hw/misc/debugexit.c) for test guests: a write of
 * a value to its ports ends the VM with that value as the guest's exit
 * code, where QEMU would exit with status (value << 1) | 1. kvm-unit-tests
 * ends every test this way (port 0xF4, 4 bytes, as its run_tests.sh
 * configures QEMU). Optional: present only when the VM's configuration
 * asks for it (struct vdev_config.debug_exit); otherwise the ports are
 * unassigned like any other (reads all ones, writes dropped).
 */
#ifndef VMM_DEV_DEBUG_EXIT_H
#define VMM_DEV_DEBUG_EXIT_H

#include "vmm/platform.h"

#define DEBUG_EXIT_PORT		0xf4
#define DEBUG_EXIT_LEN		4

struct debug_exit {
	uint32_t code;		/* the value written, once the VM stops */
};

/* QEMU's exit status for a guest exit code. */
uint32_t debug_exit_qemu_status(uint32_t code);

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type debug_exit_vdev;

#endif /* VMM_DEV_DEBUG_EXIT_H */
