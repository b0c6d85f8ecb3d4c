// SPDX-License-Identifier: GPL-2.0-only
/*
 * Firmware boot (vmk.boot = "bios", docs/vmm.md "Firmware boot"): where a
 * BIOS ROM such as SeaBIOS's bios-256k.bin lives in a VM, and the fw_cfg
 * items it reads on a QEMU PC.
 *
 * The ROM sits read-only at the top of 4 GiB, [4 GiB - size, 4 GiB), where
 * the reset vector (0xFFFFFFF0) is; its last 128 KiB (all of a smaller
 * ROM) also show below 1 MiB, ending at 0x100000, as the PC's legacy BIOS
 * window. That low copy is guest RAM filled at each power on and reset:
 * the i440FX PAM registers, with which SeaBIOS makes its shadow writable,
 * have no effect (vmm/dev/pci_host.c).
 */
#ifndef VMM_BOOT_FIRMWARE_H
#define VMM_BOOT_FIRMWARE_H

#include "vmm/platform.h"
#include "vmm/boot/boot.h"
#include "vmm/dev/fw_cfg.h"
#include "vmm/devices.h"

/* A ROM is a multiple of 64 KiB (as QEMU asks), 64 KiB to 2 MiB. */
#define FIRMWARE_ROM_ALIGN	(64u << 10)
#define FIRMWARE_ROM_MIN	(64u << 10)
#define FIRMWARE_ROM_MAX	(2u << 20)
/* The low window: the last 128 KiB of the ROM at 0xE0000-0xFFFFF. */
#define FIRMWARE_LOW_MAX	(128u << 10)
#define FIRMWARE_LOW_END	0x100000u

/*
 * The vCPU's state after RESET (SDM vol. 3A §9.1.4, table 9-1): real
 * mode, CS selector F000h with base FFFF0000h, IP FFF0h, so the first
 * fetch is at FFFFFFF0h; CR0 60000010h (CD, NW, ET).
 */
#define FIRMWARE_RESET_CS_SEL	0xf000u
#define FIRMWARE_RESET_CS_BASE	0xffff0000u
#define FIRMWARE_RESET_IP	0xfff0u
#define FIRMWARE_RESET_CR0	0x60000010u

/* SeaBIOS's console on COM1 (its "etc/sercon-port"). */
#define FIRMWARE_SERCON_PORT	0x3f8

/* NULL if a ROM of size bytes is acceptable, else why not (a sentence). */
const char *firmware_rom_check(uint32_t size);
/* Guest-physical address of a ROM of size bytes (4 GiB - size). */
uint64_t firmware_rom_base(uint32_t size);
/* Its low window into guest RAM (rom checked by firmware_rom_check). */
struct boot_result firmware_load_low(const struct guest_mem *mem,
				     const uint8_t *rom, uint32_t size);
/*
 * The memory map fw_cfg gives the firmware ("etc/e820"): RAM from 0 up to
 * the PCI hole, the rest above 4 GiB, as QEMU's; the firmware reserves
 * its own areas (EBDA, BIOS) in the map it gives the OS. Returns the count.
 */
unsigned int firmware_e820(uint64_t ram_size, struct e820_entry *map);

/* fw_cfg with the items of a PC and the bytes they point to. */
struct firmware_cfg {
	struct fw_cfg fw;
	uint8_t boot_menu[2];		/* FW_CFG_BOOT_MENU: 0, no menu */
	uint8_t sercon_port[2];		/* "etc/sercon-port" */
};

#define FW_CFG_BOOT_MENU	0x000e	/* le16; SeaBIOS: "etc/show-boot-menu" */

/*
 * The items SeaBIOS reads: signature and ID, RAM size, CPU count (and
 * maximum, the same), "etc/e820", no boot menu, an empty "bootorder", and
 * "etc/sercon-port" = COM1. Then the ports (0x510, 0x514) on dev; call it
 * after each vdev_init(). dma is the VM's RAM.
 */
enum vdev_result firmware_cfg_attach(struct firmware_cfg *fc,
				     struct vm_devices *dev,
				     const struct guest_dma *dma);

#endif /* VMM_BOOT_FIRMWARE_H */
