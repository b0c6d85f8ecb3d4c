// SPDX-License-Identifier: GPL-2.0-only
/*
 * SMBIOS tables for firmware boot (DMTF DSP0134 3.x, with a 2.8 entry
 * point), served over fw_cfg as QEMU does: "etc/smbios/smbios-anchor" (the
 * 31-byte entry point, its table address left 0) and
 * "etc/smbios/smbios-tables" (the structures). SeaBIOS adds its own BIOS
 * Information (type 0), puts the tables in its F segment and finishes the
 * entry point (address, counts, checksums).
 *
 * The structures, each at handle type << 8 | index: System (1: the VM's
 * UUID, its serial derived from it), Chassis (3), one Processor (4) per
 * vCPU, Physical Memory Array (16), one Memory Device (17) with all RAM,
 * one Memory Array Mapped Address (19) per RAM range of the memory map,
 * System Boot (32), End of Table (127).
 *
 * The UUID's 16 bytes go into the table in the order the .vmx's uuid.bios
 * writes them, as VMware's firmware does: a guest that reads the first
 * three fields little-endian (SMBIOS 2.6 and later, Linux's product_uuid,
 * SeaBIOS's "Machine UUID" line) shows them byte-swapped, as on ESX.
 */
#ifndef VMM_BOOT_SMBIOS_H
#define VMM_BOOT_SMBIOS_H

#include "vmm/platform.h"
#include "vmm/boot/boot.h"

#define SMBIOS_ANCHOR_LEN	31
#define SMBIOS_UUID_LEN		16
/* Room for the tables of a VM with VMK_VM_MAX_VCPUS vCPUs, and more. */
#define SMBIOS_TABLES_MAX	1024

struct smbios_vm {
	const uint8_t *uuid;		/* SMBIOS_UUID_LEN bytes; NULL: none (zeros) */
	uint32_t nr_vcpus;
	uint64_t ram_size;
	const struct e820_entry *map;	/* the RAM ranges the firmware reports */
	unsigned int map_len;
};

/*
 * The anchor and the tables (at most cap bytes) for vm; returns the
 * tables' length, 0 if they do not fit in cap or vm is not describable
 * (no vCPU, no RAM, more than 255 vCPUs).
 */
uint32_t smbios_build(const struct smbios_vm *vm, uint8_t anchor[SMBIOS_ANCHOR_LEN],
		      uint8_t *tables, uint32_t cap);

#endif /* VMM_BOOT_SMBIOS_H */
