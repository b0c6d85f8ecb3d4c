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
#include "vmm/boot/smbios.h"
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

#define FW_CFG_BOOT_MENU	0x000e	/* le16; SeaBIOS: "etc/show-boot-menu" */
/*
 * le32 1: ISA IRQ 0 (the PIT) is IOAPIC input 2, as vmm/devices.c wires
 * it; SeaBIOS reads it as "etc/irq0-override" for its MP table.
 */
#define FW_CFG_IRQ0_OVERRIDE	(FW_CFG_ARCH_LOCAL + 2)

/*
 * Kernel loading through fw_cfg, QEMU's -kernel/-initrd/-append (QEMU
 * fw_cfg_keys.h; hw/i386/x86.c x86_load_linux). The ADDR and SIZE items
 * are le32; the option ROM linuxboot_dma.bin reads each DATA item by DMA
 * to its ADDR and enters the setup code in real mode.
 */
#define FW_CFG_KERNEL_ADDR	0x0007	/* the protected-mode part: 1 MiB; Multiboot: the image's */
#define FW_CFG_KERNEL_SIZE	0x0008
#define FW_CFG_INITRD_ADDR	0x000a
#define FW_CFG_INITRD_SIZE	0x000b
#define FW_CFG_KERNEL_ENTRY	0x0010	/* Multiboot: the entry point */
#define FW_CFG_KERNEL_DATA	0x0011
#define FW_CFG_INITRD_DATA	0x0012
#define FW_CFG_CMDLINE_ADDR	0x0013
#define FW_CFG_CMDLINE_SIZE	0x0014	/* with the NUL */
#define FW_CFG_CMDLINE_DATA	0x0015
#define FW_CFG_SETUP_ADDR	0x0016	/* the real-mode part: 0x10000 */
#define FW_CFG_SETUP_SIZE	0x0017
#define FW_CFG_SETUP_DATA	0x0018

/*
 * The option ROM that boots it: Debian's /usr/share/qemu/linuxboot_dma.bin
 * (package qemu-system-data), as the fw_cfg file SeaBIOS runs, named
 * first in "bootorder" the way QEMU names it.
 */
#define FIRMWARE_LINUXBOOT_FILE	"genroms/linuxboot_dma.bin"
#define FIRMWARE_LINUXBOOT_BOOTORDER	"/rom@genroms/linuxboot_dma.bin"
/*
 * A Multiboot kernel's: /usr/share/qemu/multiboot_dma.bin, with the items
 * of vmm/boot/boot.h struct multiboot_fw_cfg: KERNEL_ENTRY, KERNEL_ADDR,
 * KERNEL_SIZE, KERNEL_DATA (the image), INITRD_ADDR, INITRD_SIZE,
 * INITRD_DATA (the info structure), as QEMU's load_multiboot adds them.
 */
#define FIRMWARE_MULTIBOOT_FILE	"genroms/multiboot_dma.bin"
#define FIRMWARE_MULTIBOOT_BOOTORDER	"/rom@genroms/multiboot_dma.bin"
/* An option ROM is 512-byte blocks, 55 AAh, its length in blocks, sum 0. */
#define FIRMWARE_OPTROM_BLOCK	512u
#define FIRMWARE_OPTROM_MAX	(64u << 10)

/* NULL if rom[0, size) is an option ROM SeaBIOS would run, else why not. */
const char *firmware_optrom_check(const uint8_t *rom, uint32_t size);

/*
 * A kernel for the firmware, a bzImage or a Multiboot kernel
 * (boot_is_bzimage() tells). image is the whole file in one buffer, read
 * while preparing only; the guest gets the same bytes from kernel_pieces
 * (and the initrd's, a Multiboot kernel's module 0, from initrd_pieces),
 * pieces of piece_len bytes: the caller keeps them, the piece arrays and
 * cmdline while fw_cfg serves them.
 */
struct firmware_kernel {
	const uint8_t *image;
	uint32_t kernel_len;
	uint32_t initrd_len;		/* 0: no initrd (no module) */
	const uint8_t *const *kernel_pieces;
	const uint8_t *const *initrd_pieces;
	uint32_t piece_len;
	const char *cmdline;		/* NULL: empty */
	const uint8_t *optrom;		/* linuxboot_dma.bin or multiboot_dma.bin */
	uint32_t optrom_len;
};

/* fw_cfg with the items of a PC and the bytes they point to. */
struct firmware_cfg {
	struct fw_cfg fw;
	uint8_t boot_menu[2];		/* FW_CFG_BOOT_MENU: 0, no menu */
	uint8_t sercon_port[2];		/* "etc/sercon-port" */
	uint8_t irq0_override[4];	/* FW_CFG_IRQ0_OVERRIDE: 1 */
	/* kernel loading (firmware_linux_prepare, firmware_multiboot_prepare) */
	bool multiboot;
	union {
		struct linux_fw_cfg lx;
		struct multiboot_fw_cfg mb;
	};
	struct fw_cfg_part mb_parts[MB_FW_MAX_PARTS];
	uint8_t kernel_entry[4];
	uint8_t setup_addr[4], setup_size[4];
	uint8_t kernel_addr[4], kernel_size[4];
	uint8_t initrd_addr[4], initrd_size[4];
	uint8_t cmdline_addr[4], cmdline_size[4];
	struct fw_cfg_pieces kernel, initrd;
	/* SMBIOS (firmware_cfg_add_smbios) */
	uint8_t smbios_anchor[SMBIOS_ANCHOR_LEN];
	uint8_t smbios_tables[SMBIOS_TABLES_MAX];
	/* ACPI (firmware_cfg_add_acpi) */
	struct acpi_firmware acpi;
};

/*
 * Checks k for a VM of ram_size bytes (a bzImage whose setup code, kernel
 * and initrd fit, a command line within its cmdline_size, an option ROM)
 * and keeps in fc what firmware_cfg_attach() serves: the setup code with
 * the loader's header fields, the addresses and sizes. A status other
 * than BOOT_OK comes with a sentence.
 */
struct boot_result firmware_linux_prepare(struct firmware_cfg *fc,
					  const struct firmware_kernel *k,
					  uint64_t ram_size);

/*
 * The same for a Multiboot kernel (multiboot_fw_cfg_prepare(), its
 * initrd as module 0, the command line as it is).
 */
struct boot_result firmware_multiboot_prepare(struct firmware_cfg *fc,
					      const struct firmware_kernel *k,
					      uint64_t ram_size);

/*
 * The items SeaBIOS reads: signature and ID, RAM size, CPU count (and
 * maximum, the same), "etc/e820", no boot menu, IRQ 0 on IOAPIC input 2
 * (for SeaBIOS's MP table), "bootorder", and
 * "etc/sercon-port" = COM1. With k (prepared by firmware_linux_prepare()
 * or firmware_multiboot_prepare() into this fc), the kernel items, the
 * option ROM as FIRMWARE_LINUXBOOT_FILE or FIRMWARE_MULTIBOOT_FILE and a
 * "bootorder" naming it; without, an empty
 * "bootorder". Then the ports (0x510, 0x514) on dev; call it after each
 * vdev_init(). dma is the VM's RAM.
 */
enum vdev_result firmware_cfg_attach(struct firmware_cfg *fc,
				     struct vm_devices *dev,
				     const struct guest_dma *dma,
				     const struct firmware_kernel *k);

/*
 * SMBIOS for the firmware of the platform dev (after firmware_cfg_attach):
 * "etc/smbios/smbios-anchor" and "etc/smbios/smbios-tables" with the VM's
 * uuid (SMBIOS_UUID_LEN bytes, NULL: none; vmm/boot/smbios.h).
 */
enum vdev_result firmware_cfg_add_smbios(struct firmware_cfg *fc,
					 const struct vm_devices *dev,
					 const uint8_t *uuid);

/*
 * The ACPI tables of acpi_write() for the firmware to place: "etc/acpi/rsdp",
 * "etc/acpi/tables" and the "etc/table-loader" script that links them
 * (acpi_build_for_firmware()). After firmware_cfg_attach().
 */
enum vdev_result firmware_cfg_add_acpi(struct firmware_cfg *fc, const struct vm_devices *dev,
				       uint8_t ioapic_id, uint32_t ioapic_addr);

#endif /* VMM_BOOT_FIRMWARE_H */
