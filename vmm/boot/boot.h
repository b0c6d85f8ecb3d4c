// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loading a guest without firmware: the Linux x86 boot protocol (bzImage,
 * initrd, command line; Documentation/x86/boot.rst, "32-bit Boot
 * Protocol") and Multiboot v1 (Multiboot Specification 0.6.96), plus the
 * platform tables such a guest reads: the E820 map, the Intel MP table
 * (MultiProcessor Specification 1.4) and the ACPI tables (ACPI 6.4 ch. 5).
 *
 * The loaders write into guest memory only through struct guest_mem, so
 * the vmkernel can back it with its NPT-mapped pages and host tests with a
 * malloc'd buffer. On success they return the CPU state to start the
 * vCPU in (struct boot_entry); on failure a status and a message a person
 * can act on, and guest memory may be half written (the VM is not started).
 */
#ifndef VMM_BOOT_BOOT_H
#define VMM_BOOT_BOOT_H

#include "vmm/platform.h"

/* Guest-physical layout below 1 MiB used by the loaders. */
#define BOOT_GDT_ADDR		0x00000800u	/* flat GDT for the entry state */
#define BOOT_MB_INFO_ADDR	0x00009000u	/* Multiboot info and its data */
#define BOOT_MB_INFO_END	0x00010000u
/* ... or here when a Multiboot kernel loads over the first (realmode tests) */
#define BOOT_MB_INFO_ALT_ADDR	0x00010000u
#define BOOT_MB_INFO_ALT_END	0x00017000u
#define BOOT_ZERO_PAGE_ADDR	0x00010000u	/* Linux boot_params */
#define BOOT_CMDLINE_ADDR	0x00020000u	/* Linux command line */
#define BOOT_CMDLINE_MAX	0x00010000u
#define BOOT_EBDA_ADDR		0x0009fc00u	/* reserved top of base memory */
#define BOOT_BIOS_ADDR		0x000f0000u	/* reserved: the MP table lives here */
#define BOOT_MPTABLE_ADDR	BOOT_BIOS_ADDR
#define BOOT_ACPI_ADDR		0x000f1000u	/* RSDP and the ACPI tables */
#define BOOT_HIGH_MEM		0x00100000u	/* 1 MiB: kernels load here */
/* RAM above this goes above 4 GiB: the gap holds the IOAPIC and LAPIC pages. */
#define BOOT_LOW_RAM_TOP	0xe0000000ull
#define BOOT_4G			0x100000000ull

/* Segment selectors of the entry GDT (Linux boot.rst: __BOOT_CS, __BOOT_DS). */
#define BOOT_CS			0x10
#define BOOT_DS			0x18
#define BOOT_GDT_ENTRIES	4

struct guest_mem {
	void *ctx;
	uint64_t ram_size;	/* bytes of guest RAM (the E820 map is built from it) */
	/* copy len bytes to guest-physical gpa; false if not RAM */
	bool (*write)(void *ctx, uint64_t gpa, const void *src, size_t len);
	/* zero len bytes at gpa; false if not RAM */
	bool (*zero)(void *ctx, uint64_t gpa, size_t len);
};

enum boot_status {
	BOOT_OK = 0,
	BOOT_BAD_IMAGE,		/* not the format, or inconsistent headers */
	BOOT_TRUNCATED,		/* the image ends before its headers say */
	BOOT_UNSUPPORTED,	/* valid but asks for what is not offered */
	BOOT_NO_ROOM,		/* does not fit guest RAM */
	BOOT_MEM_FAILED,	/* a guest_mem callback refused */
};

/*
 * Start state of the boot vCPU: 32-bit protected mode, paging off,
 * interrupts off (EFLAGS = 0x2), CS = BOOT_CS and DS/ES/SS/FS/GS = BOOT_DS
 * flat 4 GiB (base 0, limit 0xFFFFFFFF, CS execute/read 32-bit, data
 * read/write), GDTR as below.
 */
struct boot_entry {
	uint32_t eip, eax, ebx, ecx, edx, esi, edi, ebp, esp;
	uint32_t gdt_base;
	uint16_t gdt_limit;
};

struct boot_result {
	enum boot_status status;
	const char *msg;	/* static text for the VM's log */
	struct boot_entry entry;
	uint32_t kernel_start, kernel_end;	/* guest-physical, end exclusive */
	uint32_t initrd_addr, initrd_size;	/* Linux */
};

/* Address range types of the E820 map (ACPI 6.4 §15.1). */
#define E820_RAM		1
#define E820_RESERVED		2
#define E820_MAX_ENTRIES	8

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
};

/* The guest's memory map for ram_size bytes of RAM; returns the count. */
unsigned int boot_e820(uint64_t ram_size, struct e820_entry *map);
/*
 * The end of the RAM below 4 GiB (from 1 MiB up to the first hole); the
 * rest is above 4 GiB. Inline: the device models (vmm/dev/) use it too.
 */
static inline uint64_t boot_high_ram_end(uint64_t ram_size)
{
	return ram_size < BOOT_LOW_RAM_TOP ? ram_size : BOOT_LOW_RAM_TOP;
}

/* Write the flat GDT and fill the entry's segment state. */
bool boot_write_gdt(const struct guest_mem *mem, struct boot_entry *entry);

/* Helpers for the loaders: a failed result with its message. */
struct boot_result boot_fail(enum boot_status status, const char *msg);

/*
 * A Linux bzImage: "HdrS" at 0x202 (Linux boot.rst), as QEMU tells its
 * -kernel kinds apart; anything else is for the Multiboot loader.
 */
#define BOOT_BZIMAGE_MAGIC_OFF	0x202
static inline bool boot_is_bzimage(const uint8_t *img, size_t len)
{
	return len >= BOOT_BZIMAGE_MAGIC_OFF + 4 && img[BOOT_BZIMAGE_MAGIC_OFF] == 'H' &&
	       img[BOOT_BZIMAGE_MAGIC_OFF + 1] == 'd' && img[BOOT_BZIMAGE_MAGIC_OFF + 2] == 'r' &&
	       img[BOOT_BZIMAGE_MAGIC_OFF + 3] == 'S';
}

struct linux_boot_args {
	const uint8_t *kernel;		/* bzImage */
	size_t kernel_len;
	const uint8_t *initrd;		/* NULL: none */
	size_t initrd_len;
	const char *cmdline;		/* NUL-terminated; NULL: empty */
};

struct boot_result linux_boot_load(const struct guest_mem *mem,
				   const struct linux_boot_args *args);

/*
 * A bzImage for firmware boot, the way QEMU's -kernel hands it over
 * (hw/i386/x86.c x86_load_linux): the option ROM linuxboot_dma.bin reads
 * the pieces through fw_cfg (FW_CFG_SETUP_*, KERNEL_*, INITRD_*,
 * CMDLINE_*), puts the setup code at 0x10000, the command line at
 * 0x20000, the protected-mode kernel at 1 MiB and the initrd at
 * initrd_addr, and enters the setup code in real mode. setup[] is the
 * image's real-mode part with the loader's fields of its header filled
 * in: type_of_loader 0xB0 (QEMU's), loadflags CAN_USE_HEAP,
 * heap_end_ptr, cmd_line_ptr, ramdisk_image and ramdisk_size.
 */
#define LINUX_FW_SETUP_ADDR	0x10000u
#define LINUX_FW_CMDLINE_ADDR	0x20000u
#define LINUX_FW_SETUP_MAX	(LINUX_FW_CMDLINE_ADDR - LINUX_FW_SETUP_ADDR)
/* Kept free below the top of RAM for the firmware's tables (QEMU's reserve). */
#define LINUX_FW_TABLES_SIZE	0x28000u

struct linux_fw_cfg {
	uint8_t setup[LINUX_FW_SETUP_MAX];
	uint32_t setup_len;
	uint32_t kernel_offset, kernel_len;	/* the protected-mode part in the image */
	uint32_t initrd_addr;
	uint32_t cmdline_len;			/* with its NUL */
};

struct boot_result linux_fw_cfg_prepare(const struct linux_boot_args *args,
					uint64_t ram_size,
					struct linux_fw_cfg *out);

struct multiboot_module {
	const uint8_t *data;
	size_t len;
	const char *string;		/* the module's command line */
};

struct multiboot_args {
	const uint8_t *kernel;
	size_t kernel_len;
	const char *cmdline;		/* NULL: empty */
	const struct multiboot_module *modules;
	unsigned int nr_modules;
};

struct boot_result multiboot_load(const struct guest_mem *mem,
				  const struct multiboot_args *args);
/* Offset of a valid Multiboot header in the first 8 KiB of img, or -1. */
int32_t multiboot_header_offset(const uint8_t *img, size_t len);

/* The string of the one module a VM has (its initrd), in both Multiboot paths. */
#define BOOT_MB_MODULE_STRING	"module"

/*
 * A Multiboot kernel for firmware boot, the way QEMU's -kernel hands it
 * over (hw/i386/multiboot.c load_multiboot): the option ROM
 * multiboot_dma.bin reads the info structure (FW_CFG_INITRD_*, 88 bytes
 * for MB_FW_MBI_ADDR), fills in mem_lower (INT 12h), the memory map at
 * MB_FW_MMAP_ADDR (INT 15h E820), mmap_length and mem_upper, switches to
 * protected mode, reads one image (FW_CFG_KERNEL_*) to load_addr and
 * jumps to entry with EAX = 0x2BADB002 and EBX = MB_FW_MBI_ADDR. The
 * image is QEMU's layout, offsets from load_addr: the kernel's segments
 * as they lie in memory (zeros between them and for their bss), up to a
 * page boundary; the module table, the module strings, the command line
 * and the boot loader name, up to a page boundary; each module, up to a
 * page boundary. Its bytes are the parts below, one after another.
 */
#define MB_FW_MMAP_ADDR		0x9000u
#define MB_FW_MBI_ADDR		0x9500u
#define MB_FW_MBI_SIZE		88
/* The image may lie in base memory from here (above the info) to the EBDA. */
#define MB_FW_LOW_START		0xa000u
#define MB_FW_MAX_SEGMENTS	16
#define MB_FW_MAX_MODULES	4
#define MB_FW_MAX_PARTS		(3 * MB_FW_MAX_SEGMENTS + 3 + 2 * MB_FW_MAX_MODULES)
#define MB_FW_INFO_MAX		8192

enum multiboot_fw_source {
	MB_FW_ZEROS,
	MB_FW_KERNEL,		/* the kernel file's bytes from offset */
	MB_FW_INFO,		/* info[] from offset */
	MB_FW_MODULE,		/* module index's bytes from offset */
};

struct multiboot_fw_part {
	uint32_t source, index, offset, len;
};

struct multiboot_fw_cfg {
	uint32_t entry, load_addr, size;
	struct multiboot_fw_part part[MB_FW_MAX_PARTS];
	unsigned int nr_parts;
	uint8_t info[MB_FW_INFO_MAX];
	uint32_t info_len;
	uint8_t mbi[MB_FW_MBI_SIZE];
};

/*
 * Checks the kernel (as multiboot_load does) and lays out its image for a
 * VM of ram_size bytes: at most MB_FW_MAX_SEGMENTS segments, none over
 * another, the whole image in base memory from MB_FW_LOW_START to the
 * EBDA or above 1 MiB below QEMU's reserve for the firmware's tables;
 * modules are read for their length only (data may be NULL).
 */
struct boot_result multiboot_fw_cfg_prepare(const struct multiboot_args *args,
					    uint64_t ram_size,
					    struct multiboot_fw_cfg *out);

/* Intel MP table for nr_cpus CPUs (LAPIC IDs 0..n-1) and the IOAPIC. */
enum boot_status mptable_write(const struct guest_mem *mem,
			       unsigned int nr_cpus, uint8_t ioapic_id,
			       uint32_t ioapic_addr);

/*
 * ACPI tables at BOOT_ACPI_ADDR for the same platform: RSDP, RSDT, FADT
 * (with FACS and DSDT: the PM1 blocks, SCI and power button of
 * vmm/dev/power.h, \_S5, the PCI root bridge with its interrupt routing
 * and windows, the memory one from the end of mem->ram_size's RAM below
 * 4 GiB), MADT (LAPICs 0..n-1, the IOAPIC, overrides).
 */
enum boot_status acpi_write(const struct guest_mem *mem, unsigned int nr_cpus,
			    uint8_t ioapic_id, uint32_t ioapic_addr);

/*
 * An AML PkgLength (ACPI 6.4 §20.2.4) for a package of content bytes
 * after it: its 1 to AML_PKG_LENGTH_MAX bytes in out, and their count; 0
 * when content is too long for one (the length, itself included, must
 * stay below 2^28).
 */
#define AML_PKG_LENGTH_MAX	4
unsigned int aml_pkg_length(uint32_t content, uint8_t out[AML_PKG_LENGTH_MAX]);

/* Every table for 8 CPUs takes 790 bytes (the unit test checks, under ASan). */
#define ACPI_AREA_LEN		1024
#define ACPI_RSDP_LEN		20
#define ACPI_LOADER_ENTRY_LEN	128
#define ACPI_LOADER_ENTRIES	11
#define ACPI_FILE_RSDP		"etc/acpi/rsdp"
#define ACPI_FILE_TABLES	"etc/acpi/tables"
#define ACPI_FILE_LOADER	"etc/table-loader"

/*
 * The same tables for a firmware that places them itself (SeaBIOS and
 * OVMF read them from fw_cfg as QEMU gives them): the RSDP and the other
 * tables as two files whose pointers are offsets in the tables file, and
 * QEMU's table-loader script (SeaBIOS src/fw/romfile_loader.h): allocate
 * the RSDP in the F segment and the tables in high memory, add the
 * tables' address to each pointer, fix the checksums of the tables the
 * pointers changed.
 */
struct acpi_firmware {
	uint8_t rsdp[ACPI_RSDP_LEN];
	uint8_t tables[ACPI_AREA_LEN];
	uint32_t tables_len;
	uint8_t loader[ACPI_LOADER_ENTRIES * ACPI_LOADER_ENTRY_LEN];
	uint32_t loader_len;
};

/* The GSI of each device's INTA# that the DSDT's _PRT gives (vmm/devices.h slots). */
#define ACPI_PCI_NICS		4	/* VDEV_MAX_NICS (vmm/devices.h includes this header) */

struct acpi_pci_irqs {
	uint8_t nic[ACPI_PCI_NICS];	/* ethernetN at VDEV_NIC_SLOT(N) */
	uint8_t scsi;
};

enum boot_status acpi_build_for_firmware(struct acpi_firmware *t, const struct acpi_pci_irqs *irq,
					 uint64_t ram_size, unsigned int nr_cpus,
					 uint8_t ioapic_id, uint32_t ioapic_addr);

#endif /* VMM_BOOT_BOOT_H */
