// SPDX-License-Identifier: GPL-2.0-only
/*
 * What kvm-unit-tests use of QEMU's pc-testdev (hw/misc/pc-testdev.c), for
 * test guests. Optional: present only when the VM's configuration asks for
 * it (struct vdev_config.test_dev); otherwise its ports are unassigned
 * like any other (reads all ones, writes dropped).
 *
 *   0xE0-0xE3  a 32-bit scratch register (emulator.flat's I/O tests)
 *   0xE4-0xE7  "flush page": QEMU drops its host mapping of the guest page
 *              written, which the guest cannot see; here a write does
 *              nothing (eventinj.flat)
 *   0xE8-0xEB  the same register as 0xE0, byte by byte
 *   0x2000+n   interrupt line n (0..23): a write of zero lowers it, any
 *              other value raises it (realmode.flat, ioapic.flat)
 *
 * Every access is taken as byte accesses to consecutive ports, as QEMU
 * under KVM dispatches a port exit wider than a region allows (its lines
 * take bytes only): realmode.flat's `outl` of 1 to 0x200B raises line 11
 * and lowers 12-14. Reads of the write-only ports give all ones, like a
 * port nobody decodes. QEMU's 64 KiB scratch memory at 0xFF000000 is not
 * modelled: emulator.flat maps it (IORAM_BASE_PHYS) and meets unassigned
 * memory there, and ends at vmk's MMIO emulator, which lacks its string
 * compares; it fails on bare QEMU TCG too.
 */
#ifndef VMM_DEV_TESTDEV_H
#define VMM_DEV_TESTDEV_H

#include "vmm/platform.h"

#define TESTDEV_IO_PORT		0xe0	/* scratch, flush page, scratch bytes */
#define TESTDEV_IO_LEN		12
#define TESTDEV_IRQ_PORT	0x2000	/* one port per interrupt line */
#define TESTDEV_IRQ_LINES	24	/* ISA IRQ 0-15 and IOAPIC GSI 16-23 */

struct testdev {
	uint32_t data;		/* the scratch register */
	uint32_t lines;		/* bit n: the guest holds line n asserted */
};

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type testdev_vdev;

#endif /* VMM_DEV_TESTDEV_H */
