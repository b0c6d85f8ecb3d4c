// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm/boot/firmware.c: where a BIOS ROM goes (sizes refused, the low
 * window's bytes in RAM), the memory map the firmware gets, and the
 * fw_cfg items on a whole virtual platform as SeaBIOS reads them through
 * the ports: signature, RAM size, CPUs, "etc/e820", "etc/sercon-port".
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check_run.h"
#include "vmm/boot/firmware.h"
#include "vmm/bytes.h"

#define RAM_SIZE	(2u << 20)

static uint8_t ram[RAM_SIZE];

static bool ram_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	(void)ctx;
	if (gpa > RAM_SIZE || len > RAM_SIZE - gpa)
		return false;
	memcpy(ram + gpa, src, len);
	return true;
}

static bool ram_zero(void *ctx, uint64_t gpa, size_t len)
{
	(void)ctx;
	if (gpa > RAM_SIZE || len > RAM_SIZE - gpa)
		return false;
	memset(ram + gpa, 0, len);
	return true;
}

static const struct guest_mem mem = {
	.ctx = NULL, .ram_size = RAM_SIZE, .write = ram_write, .zero = ram_zero,
};

START_TEST(test_rom_sizes_outside_64k_to_2m_or_unaligned_are_refused)
{
	ck_assert_ptr_null(firmware_rom_check(64u << 10));
	ck_assert_ptr_null(firmware_rom_check(256u << 10));
	ck_assert_ptr_null(firmware_rom_check(2u << 20));
	ck_assert_ptr_nonnull(firmware_rom_check(0));
	ck_assert_ptr_nonnull(firmware_rom_check(32u << 10));
	ck_assert_ptr_nonnull(firmware_rom_check((2u << 20) + (64u << 10)));
	ck_assert_ptr_nonnull(firmware_rom_check((256u << 10) + 4096));
	ck_assert_uint_eq(firmware_rom_base(256u << 10), 0xfffc0000ull);
	/* the reset vector is 16 bytes below the ROM's end at 4 GiB */
	ck_assert_uint_eq(FIRMWARE_RESET_CS_BASE + FIRMWARE_RESET_IP,
			  firmware_rom_base(256u << 10) + (256u << 10) - 16);
}
END_TEST

START_TEST(test_the_last_128k_of_the_rom_show_below_1m)
{
	uint32_t size = 256u << 10;
	uint8_t *rom = malloc(size);

	for (uint32_t i = 0; i < size; i++)
		rom[i] = (uint8_t)(i * 7 + (i >> 12));
	memset(ram, 0xaa, sizeof(ram));
	ck_assert_int_eq(firmware_load_low(&mem, rom, size).status, BOOT_OK);
	ck_assert_mem_eq(ram + 0xe0000, rom + size - 0x20000, 0x20000);
	ck_assert_uint_eq(ram[0xdffff], 0xaa);
	ck_assert_uint_eq(ram[0x100000], 0xaa);
	/* a 64 KiB ROM fills 0xF0000-0xFFFFF only */
	memset(ram, 0xaa, sizeof(ram));
	ck_assert_int_eq(firmware_load_low(&mem, rom, 64u << 10).status, BOOT_OK);
	ck_assert_mem_eq(ram + 0xf0000, rom, 0x10000);
	ck_assert_uint_eq(ram[0xeffff], 0xaa);
	free(rom);
}
END_TEST

START_TEST(test_a_vm_below_1m_has_no_room_for_the_low_window)
{
	struct guest_mem small = mem;
	uint8_t rom[64u << 10] = { 0 };

	small.ram_size = 512u << 10;
	ck_assert_int_eq(firmware_load_low(&small, rom, sizeof(rom)).status, BOOT_NO_ROOM);
}
END_TEST

START_TEST(test_the_firmware_map_is_ram_below_the_hole_and_above_4g)
{
	struct e820_entry map[E820_MAX_ENTRIES];

	ck_assert_uint_eq(firmware_e820(256u << 20, map), 1);
	ck_assert_uint_eq(map[0].addr, 0);
	ck_assert_uint_eq(map[0].size, 256u << 20);
	ck_assert_uint_eq(map[0].type, E820_RAM);
	ck_assert_uint_eq(firmware_e820(4ull << 30, map), 2);
	ck_assert_uint_eq(map[0].size, 0xe0000000ull);
	ck_assert_uint_eq(map[1].addr, 1ull << 32);
	ck_assert_uint_eq(map[1].size, (4ull << 30) - 0xe0000000ull);
}
END_TEST

/* ---- fw_cfg on a platform, read through its ports ---- */

static uint64_t clock_ns(void *ctx)
{
	(void)ctx;
	return 0;
}

static bool dma_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	(void)ctx;
	if (gpa > RAM_SIZE || len > RAM_SIZE - gpa)
		return false;
	memcpy(dst, ram + gpa, len);
	return true;
}

static bool dma_write(void *ctx, uint64_t gpa, const void *src, uint32_t len)
{
	return ram_write(ctx, gpa, src, len);
}

static const struct guest_dma dma = { dma_read, dma_write, NULL };

/* SeaBIOS's qemu_cfg_read_entry(): select, then the data port bytewise. */
static void cfg_read(struct vm_devices *vm, uint16_t key, void *buf, uint32_t len)
{
	uint8_t *b = buf;

	vdev_pio_write(vm, FW_CFG_CTL_PORT, 2, key);
	for (uint32_t i = 0; i < len; i++)
		b[i] = (uint8_t)vdev_pio_read(vm, FW_CFG_CTL_PORT + 1, 1);
}

/* The key and size of the file called name in the directory, or 0. */
static uint16_t cfg_file(struct vm_devices *vm, const char *name, uint32_t *size)
{
	uint8_t count[4], e[FW_CFG_DIR_ENTRY_LEN];

	cfg_read(vm, FW_CFG_FILE_DIR, count, sizeof(count));
	for (uint32_t i = 0; i < vmm_get_be32(count); i++) {
		for (uint32_t j = 0; j < sizeof(e); j++)
			e[j] = (uint8_t)vdev_pio_read(vm, FW_CFG_CTL_PORT + 1, 1);
		if (!strcmp((const char *)e + 8, name)) {
			*size = vmm_get_be32(e);
			return vmm_get_be16(e + 4);
		}
	}
	return 0;
}

START_TEST(test_seabios_finds_its_items_on_the_platform)
{
	struct vdev_config cfg = {
		.nr_vcpus = 3, .ram_size = 128u << 20, .clock = { clock_ns, NULL },
	};
	struct vm_devices *vm = calloc(1, sizeof(*vm));
	struct firmware_cfg *fc = calloc(1, sizeof(*fc));
	uint8_t b[40];
	uint32_t size = 0;
	uint16_t key;

	ck_assert_int_eq(vdev_init(vm, &cfg), VDEV_OK);
	/* before: nothing at 0x510, the floating bus */
	ck_assert_uint_eq(vdev_pio_read(vm, FW_CFG_CTL_PORT + 1, 1), 0xff);
	ck_assert_int_eq(firmware_cfg_attach(fc, vm, &dma, NULL), VDEV_OK);
	cfg_read(vm, FW_CFG_SIGNATURE, b, 4);
	ck_assert_mem_eq(b, "QEMU", 4);
	cfg_read(vm, FW_CFG_ID, b, 4);
	ck_assert_uint_eq(vmm_get32(b), FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
	cfg_read(vm, FW_CFG_RAM_SIZE, b, 8);
	ck_assert_uint_eq(vmm_get64(b), 128u << 20);
	cfg_read(vm, FW_CFG_NB_CPUS, b, 2);
	ck_assert_uint_eq(vmm_get16(b), 3);
	cfg_read(vm, FW_CFG_MAX_CPUS, b, 2);
	ck_assert_uint_eq(vmm_get16(b), 3);
	cfg_read(vm, FW_CFG_BOOT_MENU, b, 2);
	ck_assert_uint_eq(vmm_get16(b), 0);
	cfg_read(vm, FW_CFG_IRQ0_OVERRIDE, b, 4);
	ck_assert_uint_eq(vmm_get32(b), 1);

	key = cfg_file(vm, "etc/sercon-port", &size);
	ck_assert_uint_ne(key, 0);
	ck_assert_uint_eq(size, 2);
	cfg_read(vm, key, b, 2);
	ck_assert_uint_eq(vmm_get16(b), 0x3f8);
	key = cfg_file(vm, "etc/e820", &size);
	ck_assert_uint_ne(key, 0);
	ck_assert_uint_eq(size, FW_CFG_E820_ENTRY_LEN);
	cfg_read(vm, key, b, FW_CFG_E820_ENTRY_LEN);
	ck_assert_uint_eq(vmm_get64(b), 0);
	ck_assert_uint_eq(vmm_get64(b + 8), 128u << 20);
	ck_assert_uint_eq(vmm_get32(b + 16), E820_RAM);
	ck_assert_uint_ne(cfg_file(vm, "bootorder", &size), 0);
	ck_assert_uint_eq(size, 0);
	ck_assert_uint_eq(cfg_file(vm, "etc/table-loader", &size), 0);
	/* SMBIOS once the caller adds it, the anchor as SeaBIOS wants it */
	ck_assert_uint_eq(cfg_file(vm, "etc/smbios/smbios-anchor", &size), 0);
	ck_assert_int_eq(firmware_cfg_add_smbios(fc, vm, NULL), VDEV_OK);
	key = cfg_file(vm, "etc/smbios/smbios-anchor", &size);
	ck_assert_uint_ne(key, 0);
	ck_assert_uint_eq(size, SMBIOS_ANCHOR_LEN);
	cfg_read(vm, key, b, SMBIOS_ANCHOR_LEN);
	ck_assert_mem_eq(b, "_SM_", 4);
	key = cfg_file(vm, "etc/smbios/smbios-tables", &size);
	ck_assert_uint_ne(key, 0);
	ck_assert_uint_eq(size, vmm_get16(b + 22));	/* SeaBIOS checks it */
	/* the DMA register answers with its signature */
	ck_assert_uint_eq(vdev_pio_read(vm, FW_CFG_DMA_PORT, 4), 0x554d4551);
	/* a platform reset drops the ports until the caller attaches again */
	ck_assert_int_eq(vdev_init(vm, &vm->cfg), VDEV_OK);
	ck_assert_uint_eq(vdev_pio_read(vm, FW_CFG_CTL_PORT + 1, 1), 0xff);
	ck_assert_int_eq(firmware_cfg_attach(fc, vm, &dma, NULL), VDEV_OK);
	cfg_read(vm, FW_CFG_SIGNATURE, b, 4);
	ck_assert_mem_eq(b, "QEMU", 4);
	free(fc);
	free(vm);
}
END_TEST

/* ---- kernel loading through fw_cfg (QEMU's -kernel) ---- */

#define K_SETUP_SECTS	2
#define K_PM_OFFSET	((K_SETUP_SECTS + 1) * 512)
#define K_PM_LEN	0x3000
#define K_IMG_LEN	(K_PM_OFFSET + K_PM_LEN)
#define K_PIECE		0x1000	/* the staged chunks, small here */
#define K_INITRD_LEN	0x2345
#define K_RAM		(128u << 20)

/* A minimal bzImage: protocol 2.15, 12 KiB of "kernel", init_size 8 MiB. */
static void fake_bzimage(uint8_t *img)
{
	memset(img, 0, K_IMG_LEN);
	img[0x1f1] = K_SETUP_SECTS;
	vmm_put32(img + 0x1f4, K_PM_LEN / 16);
	vmm_put16(img + 0x1fe, 0xaa55);
	img[0x201] = 0x66;
	vmm_put32(img + 0x202, 0x53726448);
	vmm_put16(img + 0x206, 0x020f);
	img[0x211] = 0x01;			/* LOADED_HIGH */
	vmm_put32(img + 0x214, 0x100000);
	vmm_put32(img + 0x22c, 0x37ffffff);	/* initrd_addr_max */
	img[0x234] = 1;
	vmm_put32(img + 0x238, 2047);		/* cmdline_size */
	vmm_put32(img + 0x260, 0x800000);	/* init_size */
	for (unsigned int i = 0; i < K_PM_LEN; i++)
		img[K_PM_OFFSET + i] = (uint8_t)(i * 7);
}

/* One 512-byte option ROM: 55 AA, 1 block, a checksum byte making the sum 0. */
static void fake_optrom(uint8_t *rom)
{
	uint8_t sum = 0;

	memset(rom, 0x90, 512);
	rom[0] = 0x55;
	rom[1] = 0xaa;
	rom[2] = 1;
	rom[511] = 0;
	for (int i = 0; i < 512; i++)
		sum = (uint8_t)(sum + rom[i]);
	rom[511] = (uint8_t)-sum;
}

struct kernel_fixture {
	uint8_t img[K_IMG_LEN];
	uint8_t initrd[3 * K_PIECE];
	uint8_t rom[512];
	const uint8_t *kpiece[(K_IMG_LEN + K_PIECE - 1) / K_PIECE];
	const uint8_t *ipiece[3];
	struct firmware_kernel k;
};

static struct kernel_fixture *kernel_fixture(const char *cmdline)
{
	struct kernel_fixture *f = calloc(1, sizeof(*f));

	fake_bzimage(f->img);
	for (unsigned int i = 0; i < sizeof(f->initrd); i++)
		f->initrd[i] = (uint8_t)(i * 13 + 1);
	fake_optrom(f->rom);
	for (unsigned int i = 0; i < 4; i++)
		f->kpiece[i] = f->img + i * K_PIECE;
	for (unsigned int i = 0; i < 3; i++)
		f->ipiece[i] = f->initrd + i * K_PIECE;
	f->k = (struct firmware_kernel){
		.image = f->img, .kernel_len = K_IMG_LEN, .initrd_len = K_INITRD_LEN,
		.kernel_pieces = f->kpiece, .initrd_pieces = f->ipiece,
		.piece_len = K_PIECE, .cmdline = cmdline,
		.optrom = f->rom, .optrom_len = sizeof(f->rom),
	};
	return f;
}

static uint32_t cfg_u32(struct vm_devices *vm, uint16_t key)
{
	uint8_t b[4];

	cfg_read(vm, key, b, 4);
	return vmm_get32(b);
}

START_TEST(test_option_roms_are_checked)
{
	uint8_t rom[1024];

	fake_optrom(rom);
	memset(rom + 512, 0, 512);
	ck_assert_ptr_null(firmware_optrom_check(rom, 512));
	ck_assert_ptr_null(firmware_optrom_check(rom, 1024));	/* padded */
	ck_assert_ptr_nonnull(firmware_optrom_check(NULL, 512));
	ck_assert_ptr_nonnull(firmware_optrom_check(rom, 511));
	ck_assert_ptr_nonnull(firmware_optrom_check(rom, FIRMWARE_OPTROM_MAX + 512));
	rom[2] = 3;					/* 1.5 KiB claimed, 1 KiB there */
	ck_assert_ptr_nonnull(firmware_optrom_check(rom, 1024));
	rom[2] = 0;
	ck_assert_ptr_nonnull(firmware_optrom_check(rom, 1024));
	rom[2] = 1;
	rom[100] ^= 1;					/* checksum */
	ck_assert_str_eq(firmware_optrom_check(rom, 512), "the option ROM's checksum is wrong");
	rom[100] ^= 1;
	rom[1] = 0;
	ck_assert_str_eq(firmware_optrom_check(rom, 512), "the option ROM does not start with 55 AA");
}
END_TEST

/* Debian's linuxboot_dma.bin and multiboot_dma.bin, what vmkctl loads, pass (when installed). */
START_TEST(test_debians_option_roms_pass)
{
	static const char *const path[] = {
		"/usr/share/qemu/linuxboot_dma.bin", "/usr/share/qemu/multiboot_dma.bin",
	};
	static uint8_t rom[FIRMWARE_OPTROM_MAX + 1];

	for (unsigned int i = 0; i < VMM_ARRAY_SIZE(path); i++) {
		FILE *f = fopen(path[i], "rb");
		size_t n;

		if (!f)
			continue;
		n = fread(rom, 1, sizeof(rom), f);
		fclose(f);
		ck_assert_msg(!firmware_optrom_check(rom, (uint32_t)n), "%s", path[i]);
	}
}
END_TEST

START_TEST(test_the_kernel_items_are_laid_out_as_qemus)
{
	struct vdev_config cfg = {
		.nr_vcpus = 1, .ram_size = K_RAM, .clock = { clock_ns, NULL },
	};
	struct vm_devices *vm = calloc(1, sizeof(*vm));
	struct firmware_cfg *fc = calloc(1, sizeof(*fc));
	struct kernel_fixture *f = kernel_fixture("console=ttyS0 acpi=off");
	struct boot_result r;
	uint8_t *b = malloc(0x10000);
	uint32_t size = 0, addr;
	uint16_t key;

	r = firmware_linux_prepare(fc, &f->k, K_RAM);
	ck_assert_int_eq(r.status, BOOT_OK);
	ck_assert_int_eq(vdev_init(vm, &cfg), VDEV_OK);
	ck_assert_int_eq(firmware_cfg_attach(fc, vm, &dma, &f->k), VDEV_OK);

	/* the setup code for 0x10000, with QEMU's loader fields */
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_SETUP_ADDR), 0x10000);
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_SETUP_SIZE), K_PM_OFFSET);
	cfg_read(vm, FW_CFG_SETUP_DATA, b, K_PM_OFFSET);
	ck_assert_mem_eq(b, f->img, 0x210);
	ck_assert_uint_eq(b[0x210], 0xb0);			/* type_of_loader */
	ck_assert_uint_eq(b[0x211], 0x81);			/* LOADED_HIGH | CAN_USE_HEAP */
	ck_assert_uint_eq(vmm_get32(b + 0x228), 0x20000);	/* cmd_line_ptr */
	/* the protected-mode part for 1 MiB, read across the pieces' joins */
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_KERNEL_ADDR), 0x100000);
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_KERNEL_SIZE), K_PM_LEN);
	cfg_read(vm, FW_CFG_KERNEL_DATA, b, K_PM_LEN + 4);
	ck_assert_mem_eq(b, f->img + K_PM_OFFSET, K_PM_LEN);
	ck_assert_uint_eq(vmm_get32(b + K_PM_LEN), 0);		/* past its end */
	/* the initrd where the header says, page aligned, below the tables */
	addr = cfg_u32(vm, FW_CFG_INITRD_ADDR);
	ck_assert_uint_eq(addr, vmm_get32(fc->lx.setup + 0x218));	/* ramdisk_image */
	ck_assert_uint_eq(addr % 4096, 0);
	ck_assert_uint_le(addr + K_INITRD_LEN, K_RAM - LINUX_FW_TABLES_SIZE);
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_INITRD_SIZE), K_INITRD_LEN);
	cfg_read(vm, FW_CFG_INITRD_DATA, b, K_INITRD_LEN);
	ck_assert_mem_eq(b, f->initrd, K_INITRD_LEN);
	/* the command line for 0x20000, with its NUL */
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_CMDLINE_ADDR), 0x20000);
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_CMDLINE_SIZE), sizeof("console=ttyS0 acpi=off"));
	cfg_read(vm, FW_CFG_CMDLINE_DATA, b, sizeof("console=ttyS0 acpi=off"));
	ck_assert_str_eq((const char *)b, "console=ttyS0 acpi=off");
	/* the option ROM, and the boot order naming it first */
	key = cfg_file(vm, "genroms/linuxboot_dma.bin", &size);
	ck_assert_uint_ne(key, 0);
	ck_assert_uint_eq(size, 512);
	cfg_read(vm, key, b, 512);
	ck_assert_mem_eq(b, f->rom, 512);
	key = cfg_file(vm, "bootorder", &size);
	ck_assert_uint_ne(key, 0);
	ck_assert_uint_eq(size, sizeof("/rom@genroms/linuxboot_dma.bin"));
	cfg_read(vm, key, b, size);
	ck_assert_str_eq((const char *)b, "/rom@genroms/linuxboot_dma.bin");
	free(b);
	free(f);
	free(fc);
	free(vm);
}
END_TEST

START_TEST(test_no_initrd_no_initrd_items_and_no_kernel_no_kernel_items)
{
	struct vdev_config cfg = {
		.nr_vcpus = 1, .ram_size = K_RAM, .clock = { clock_ns, NULL },
	};
	struct vm_devices *vm = calloc(1, sizeof(*vm));
	struct firmware_cfg *fc = calloc(1, sizeof(*fc));
	struct kernel_fixture *f = kernel_fixture(NULL);
	uint8_t b[4];

	f->k.initrd_len = 0;
	ck_assert_int_eq(firmware_linux_prepare(fc, &f->k, K_RAM).status, BOOT_OK);
	ck_assert_int_eq(vdev_init(vm, &cfg), VDEV_OK);
	ck_assert_int_eq(firmware_cfg_attach(fc, vm, &dma, &f->k), VDEV_OK);
	ck_assert_ptr_nonnull(fw_cfg_find(&fc->fw, FW_CFG_KERNEL_DATA));
	ck_assert_ptr_null(fw_cfg_find(&fc->fw, FW_CFG_INITRD_DATA));
	ck_assert_uint_eq(vmm_get32(fc->lx.setup + 0x218), 0);	/* ramdisk_image */
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_CMDLINE_SIZE), 1);	/* "" */
	cfg_read(vm, FW_CFG_CMDLINE_DATA, b, 1);
	ck_assert_uint_eq(b[0], 0);
	/* without a kernel: none of its items, an empty boot order */
	ck_assert_int_eq(vdev_init(vm, &cfg), VDEV_OK);
	ck_assert_int_eq(firmware_cfg_attach(fc, vm, &dma, NULL), VDEV_OK);
	ck_assert_ptr_null(fw_cfg_find(&fc->fw, FW_CFG_KERNEL_DATA));
	ck_assert_ptr_null(fw_cfg_find(&fc->fw, FW_CFG_SETUP_DATA));
	free(f);
	free(fc);
	free(vm);
}
END_TEST

START_TEST(test_bad_kernels_and_roms_are_refused_with_a_sentence)
{
	struct firmware_cfg *fc = calloc(1, sizeof(*fc));
	struct kernel_fixture *f = kernel_fixture("x");
	struct boot_result r;

	/* not a bzImage: an ELF or anything else */
	memset(f->img + 0x1f0, 0, 0x20);
	r = firmware_linux_prepare(fc, &f->k, K_RAM);
	ck_assert_int_eq(r.status, BOOT_BAD_IMAGE);
	ck_assert_ptr_nonnull(strstr(r.msg, "bzImage"));
	free(f);
	/* too short to hold its header */
	f = kernel_fixture("x");
	f->k.kernel_len = 0x100;
	ck_assert_int_ne(firmware_linux_prepare(fc, &f->k, K_RAM).status, BOOT_OK);
	/* a kernel whose init_size does not fit below the RAM's end */
	f->k.kernel_len = K_IMG_LEN;
	r = firmware_linux_prepare(fc, &f->k, 8u << 20);
	ck_assert_int_eq(r.status, BOOT_NO_ROOM);
	/* an initrd that does not fit */
	f->k.initrd_len = 120u << 20;
	ck_assert_int_eq(firmware_linux_prepare(fc, &f->k, K_RAM).status, BOOT_NO_ROOM);
	f->k.initrd_len = K_INITRD_LEN;
	/* a command line beyond cmdline_size */
	vmm_put32(f->img + 0x238, 10);
	f->k.cmdline = "console=ttyS0 acpi=off";
	ck_assert_int_eq(firmware_linux_prepare(fc, &f->k, K_RAM).status, BOOT_UNSUPPORTED);
	vmm_put32(f->img + 0x238, 2047);
	ck_assert_int_eq(firmware_linux_prepare(fc, &f->k, K_RAM).status, BOOT_OK);
	/* no option ROM, or a bad one */
	f->k.optrom = NULL;
	r = firmware_linux_prepare(fc, &f->k, K_RAM);
	ck_assert_int_eq(r.status, BOOT_BAD_IMAGE);
	ck_assert_ptr_nonnull(strstr(r.msg, "option ROM"));
	f->k.optrom = f->rom;
	f->rom[3] ^= 0xff;
	ck_assert_int_eq(firmware_linux_prepare(fc, &f->k, K_RAM).status, BOOT_BAD_IMAGE);
	f->rom[3] ^= 0xff;
	/* no pieces to serve it from */
	f->k.kernel_pieces = NULL;
	ck_assert_int_eq(firmware_linux_prepare(fc, &f->k, K_RAM).status, BOOT_BAD_IMAGE);
	free(f);
	free(fc);
}
END_TEST

/* ---- a Multiboot kernel through fw_cfg (QEMU's load_multiboot) ---- */

#define M_HDR		0x800		/* the Multiboot header's offset */
#define M_FILE_LEN	0x3100
#define M_MOD_LEN	0x2345
#define M_MAX_PH	20

struct multiboot_fixture {
	uint8_t img[M_FILE_LEN];
	uint8_t mod[3 * K_PIECE];
	uint8_t rom[512];
	const uint8_t *kpiece[4];
	const uint8_t *mpiece[3];
	struct firmware_kernel k;
};

static void put_phdr(uint8_t *img, unsigned int i, uint32_t off, uint32_t paddr,
		     uint32_t filesz, uint32_t memsz)
{
	uint8_t *ph = img + 52 + i * 32;

	vmm_put32(ph, 1);		/* PT_LOAD */
	vmm_put32(ph + 4, off);
	vmm_put32(ph + 8, paddr);	/* p_vaddr */
	vmm_put32(ph + 12, paddr);
	vmm_put32(ph + 16, filesz);
	vmm_put32(ph + 20, memsz);
}

/*
 * A small ELF kernel: segment A at 1 MiB (0x1800 bytes of file, 0x800 of
 * bss), then a gap of 8 KiB, then segment B (0x100 of file, the rest of
 * 0x1234 bss), listed B first; entry 0x100010. Module 0 of M_MOD_LEN.
 */
static struct multiboot_fixture *multiboot_fixture(const char *cmdline)
{
	struct multiboot_fixture *f = calloc(1, sizeof(*f));
	uint8_t *h = f->img + M_HDR;

	for (unsigned int i = 0; i < M_FILE_LEN; i++)
		f->img[i] = (uint8_t)(i * 5 + 3);
	memset(f->img, 0, 52 + M_MAX_PH * 32);
	memcpy(f->img, "\x7f" "ELF", 4);
	f->img[4] = 1;			/* ELFCLASS32 */
	f->img[5] = 1;			/* little-endian */
	vmm_put16(f->img + 16, 2);	/* ET_EXEC */
	vmm_put16(f->img + 18, 3);	/* EM_386 */
	vmm_put32(f->img + 24, 0x100010);
	vmm_put32(f->img + 28, 52);
	vmm_put16(f->img + 42, 32);
	vmm_put16(f->img + 44, 2);
	put_phdr(f->img, 0, 0x3000, 0x104000, 0x100, 0x1234);
	put_phdr(f->img, 1, 0x1000, 0x100000, 0x1800, 0x2000);
	vmm_put32(h, 0x1badb002);
	vmm_put32(h + 4, 3);
	vmm_put32(h + 8, -(0x1badb002u + 3));
	for (unsigned int i = 0; i < sizeof(f->mod); i++)
		f->mod[i] = (uint8_t)(i * 11 + 7);
	fake_optrom(f->rom);
	for (unsigned int i = 0; i < 4; i++)
		f->kpiece[i] = f->img + i * K_PIECE;
	for (unsigned int i = 0; i < 3; i++)
		f->mpiece[i] = f->mod + i * K_PIECE;
	f->k = (struct firmware_kernel){
		.image = f->img, .kernel_len = M_FILE_LEN, .initrd_len = M_MOD_LEN,
		.kernel_pieces = f->kpiece, .initrd_pieces = f->mpiece,
		.piece_len = K_PIECE, .cmdline = cmdline,
		.optrom = f->rom, .optrom_len = sizeof(f->rom),
	};
	return f;
}

START_TEST(test_a_multiboot_kernel_is_served_as_qemu_serves_it)
{
	struct vdev_config cfg = {
		.nr_vcpus = 1, .ram_size = RAM_SIZE, .clock = { clock_ns, NULL },
	};
	struct vm_devices *vm = calloc(1, sizeof(*vm));
	struct firmware_cfg *fc = calloc(1, sizeof(*fc));
	struct multiboot_fixture *f = multiboot_fixture("mbtest-fw x=1");
	uint8_t *want = calloc(1, 0xa000), *b = malloc(0xa000 + 4);
	uint32_t size = 0;
	uint16_t key;

	ck_assert_int_eq(firmware_multiboot_prepare(fc, &f->k, RAM_SIZE).status, BOOT_OK);
	ck_assert_int_eq(vdev_init(vm, &cfg), VDEV_OK);
	ck_assert_int_eq(firmware_cfg_attach(fc, vm, &dma, &f->k), VDEV_OK);

	/* QEMU's image: the kernel as in memory from its lowest address ... */
	memcpy(want, f->img + 0x1000, 0x1800);		/* A; bss and gap zero */
	memcpy(want + 0x4000, f->img + 0x3000, 0x100);	/* B; its bss zero */
	/* ... to a page: module table, module string, command line, loader name ... */
	vmm_put32(want + 0x6000, 0x107000);		/* mod_start */
	vmm_put32(want + 0x6004, 0x107000 + M_MOD_LEN);
	vmm_put32(want + 0x6008, 0x106010);		/* its string */
	memcpy(want + 0x6010, "module\0mbtest-fw x=1\0vmk", sizeof("module\0mbtest-fw x=1\0vmk"));
	/* ... to a page: the module, to a page */
	memcpy(want + 0x7000, f->mod, M_MOD_LEN);
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_KERNEL_ENTRY), 0x100010);
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_KERNEL_ADDR), 0x100000);
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_KERNEL_SIZE), 0xa000);
	cfg_read(vm, FW_CFG_KERNEL_DATA, b, 0xa000 + 4);
	ck_assert_mem_eq(b, want, 0xa000);
	ck_assert_uint_eq(vmm_get32(b + 0xa000), 0);	/* past its end */

	/* the info structure for 0x9500; the ROM fills the memory fields */
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_INITRD_ADDR), 0x9500);
	ck_assert_uint_eq(cfg_u32(vm, FW_CFG_INITRD_SIZE), 88);
	cfg_read(vm, FW_CFG_INITRD_DATA, b, 88);
	ck_assert_uint_eq(vmm_get32(b), 0x24f);		/* mem, boot device, cmdline, mods, mmap, name */
	ck_assert_uint_eq(vmm_get32(b + 4), 0);		/* mem_lower: INT 12h */
	ck_assert_uint_eq(vmm_get32(b + 8), 0);		/* mem_upper: from the map */
	ck_assert_uint_eq(vmm_get32(b + 12), 0x8000ffff);
	ck_assert_uint_eq(vmm_get32(b + 16), 0x106017);	/* command line */
	ck_assert_uint_eq(vmm_get32(b + 20), 1);
	ck_assert_uint_eq(vmm_get32(b + 24), 0x106000);
	ck_assert_uint_eq(vmm_get32(b + 44), 0);	/* mmap_length: INT 15h E820 */
	ck_assert_uint_eq(vmm_get32(b + 48), 0x9000);
	ck_assert_uint_eq(vmm_get32(b + 64), 0x106025);	/* "vmk" */
	ck_assert_ptr_null(fw_cfg_find(&fc->fw, FW_CFG_SETUP_DATA));
	ck_assert_ptr_null(fw_cfg_find(&fc->fw, FW_CFG_CMDLINE_DATA));

	/* the option ROM, and the boot order naming it first */
	key = cfg_file(vm, "genroms/multiboot_dma.bin", &size);
	ck_assert_uint_ne(key, 0);
	ck_assert_uint_eq(size, 512);
	key = cfg_file(vm, "bootorder", &size);
	ck_assert_uint_ne(key, 0);
	cfg_read(vm, key, b, size);
	ck_assert_str_eq((const char *)b, "/rom@genroms/multiboot_dma.bin");

	/* without a module: none in the table, the strings right after it */
	f->k.initrd_len = 0;
	ck_assert_int_eq(firmware_multiboot_prepare(fc, &f->k, RAM_SIZE).status, BOOT_OK);
	ck_assert_uint_eq(fc->mb.size, 0x7000);
	ck_assert_uint_eq(vmm_get32(fc->mb.mbi + 20), 0);
	ck_assert_uint_eq(vmm_get32(fc->mb.mbi + 16), 0x106000);
	free(b);
	free(want);
	free(f);
	free(fc);
	free(vm);
}
END_TEST

START_TEST(test_multiboot_kernels_the_rom_cannot_load_are_refused_with_a_sentence)
{
	struct firmware_cfg *fc = calloc(1, sizeof(*fc));
	struct multiboot_fixture *f = multiboot_fixture("x");
	static char long_cmdline[9000];
	struct boot_result r;

	/* segments over each other */
	put_phdr(f->img, 0, 0x3000, 0x101800, 0x100, 0x1234);
	r = firmware_multiboot_prepare(fc, &f->k, RAM_SIZE);
	ck_assert_int_eq(r.status, BOOT_BAD_IMAGE);
	ck_assert_ptr_nonnull(strstr(r.msg, "overlap"));
	/* in base memory above the ROM's info: taken */
	put_phdr(f->img, 0, 0x3000, 0xe000, 0x100, 0x1234);
	put_phdr(f->img, 1, 0x1000, 0xa000, 0x1800, 0x2000);
	ck_assert_int_eq(firmware_multiboot_prepare(fc, &f->k, RAM_SIZE).status, BOOT_OK);
	ck_assert_uint_eq(fc->mb.load_addr, 0xa000);
	/* over the info the ROM writes at 0x9000-0x9557: refused */
	put_phdr(f->img, 1, 0x1000, 0x9000, 0x1800, 0x2000);
	r = firmware_multiboot_prepare(fc, &f->k, RAM_SIZE);
	ck_assert_int_eq(r.status, BOOT_NO_ROOM);
	ck_assert_ptr_nonnull(strstr(r.msg, "0xA000"));
	/* across the EBDA and the BIOS area */
	put_phdr(f->img, 1, 0x1000, 0x98000, 0x1800, 0x2000);
	put_phdr(f->img, 0, 0x3000, 0x9c000, 0x100, 0x1234);
	ck_assert_int_eq(firmware_multiboot_prepare(fc, &f->k, RAM_SIZE).status, BOOT_NO_ROOM);
	/* the module past the firmware's tables at the top of RAM */
	put_phdr(f->img, 0, 0x3000, 0x104000, 0x100, 0x1234);
	put_phdr(f->img, 1, 0x1000, 0x100000, 0x1800, 0x2000);
	ck_assert_int_eq(firmware_multiboot_prepare(fc, &f->k, RAM_SIZE).status, BOOT_OK);
	ck_assert_int_eq(firmware_multiboot_prepare(fc, &f->k, 0x10a000 + LINUX_FW_TABLES_SIZE).status,
			 BOOT_OK);
	ck_assert_int_eq(firmware_multiboot_prepare(fc, &f->k, 0x109000 + LINUX_FW_TABLES_SIZE).status,
			 BOOT_NO_ROOM);
	/* a bss that wraps past 4 GiB */
	put_phdr(f->img, 0, 0x3000, 0x104000, 0x100, 0xfffff000);
	ck_assert_int_eq(firmware_multiboot_prepare(fc, &f->k, RAM_SIZE).status, BOOT_NO_ROOM);
	put_phdr(f->img, 0, 0x3000, 0x104000, 0x100, 0x1234);
	/* more segments than the loader takes */
	for (unsigned int i = 2; i < M_MAX_PH; i++)
		put_phdr(f->img, i, 0x1000, 0x200000 + i * 0x1000, 0, 0x1000);
	vmm_put16(f->img + 44, MB_FW_MAX_SEGMENTS + 1);
	r = firmware_multiboot_prepare(fc, &f->k, 64u << 20);
	ck_assert_int_eq(r.status, BOOT_UNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(r.msg, "segments"));
	vmm_put16(f->img + 44, MB_FW_MAX_SEGMENTS);
	ck_assert_int_eq(firmware_multiboot_prepare(fc, &f->k, 64u << 20).status, BOOT_OK);
	vmm_put16(f->img + 44, 2);
	/* a command line longer than the info area */
	memset(long_cmdline, 'a', sizeof(long_cmdline) - 1);
	f->k.cmdline = long_cmdline;
	ck_assert_int_eq(firmware_multiboot_prepare(fc, &f->k, RAM_SIZE).status, BOOT_UNSUPPORTED);
	f->k.cmdline = "x";
	/* no option ROM */
	f->k.optrom = NULL;
	r = firmware_multiboot_prepare(fc, &f->k, RAM_SIZE);
	ck_assert_ptr_nonnull(strstr(r.msg, "option ROM"));
	f->k.optrom = f->rom;
	/* neither a bzImage nor a Multiboot kernel */
	memset(f->img + M_HDR, 0, 12);
	r = firmware_multiboot_prepare(fc, &f->k, RAM_SIZE);
	ck_assert_int_eq(r.status, BOOT_BAD_IMAGE);
	ck_assert_str_eq(r.msg, "neither a bzImage (no HdrS at 0x202) nor Multiboot (no header in 8 KiB)");
	free(f);
	free(fc);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("firmware");

	tcase_add_test(tc, test_rom_sizes_outside_64k_to_2m_or_unaligned_are_refused);
	tcase_add_test(tc, test_the_last_128k_of_the_rom_show_below_1m);
	tcase_add_test(tc, test_a_vm_below_1m_has_no_room_for_the_low_window);
	tcase_add_test(tc, test_the_firmware_map_is_ram_below_the_hole_and_above_4g);
	tcase_add_test(tc, test_seabios_finds_its_items_on_the_platform);
	tcase_add_test(tc, test_option_roms_are_checked);
	tcase_add_test(tc, test_debians_option_roms_pass);
	tcase_add_test(tc, test_the_kernel_items_are_laid_out_as_qemus);
	tcase_add_test(tc, test_no_initrd_no_initrd_items_and_no_kernel_no_kernel_items);
	tcase_add_test(tc, test_bad_kernels_and_roms_are_refused_with_a_sentence);
	tcase_add_test(tc, test_a_multiboot_kernel_is_served_as_qemu_serves_it);
	tcase_add_test(tc, test_multiboot_kernels_the_rom_cannot_load_are_refused_with_a_sentence);
	return check_run("firmware", tc);
}
