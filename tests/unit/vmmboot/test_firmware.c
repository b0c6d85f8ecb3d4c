// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm/boot/firmware.c: where a BIOS ROM goes (sizes refused, the low
 * window's bytes in RAM), the memory map the firmware gets, and the
 * fw_cfg items on a whole virtual platform as SeaBIOS reads them through
 * the ports: signature, RAM size, CPUs, "etc/e820", "etc/sercon-port".
 */
#include <check.h>
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
	ck_assert_int_eq(firmware_cfg_attach(fc, vm, &dma), VDEV_OK);
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
	/* the DMA register answers with its signature */
	ck_assert_uint_eq(vdev_pio_read(vm, FW_CFG_DMA_PORT, 4), 0x554d4551);
	/* a platform reset drops the ports until the caller attaches again */
	ck_assert_int_eq(vdev_init(vm, &vm->cfg), VDEV_OK);
	ck_assert_uint_eq(vdev_pio_read(vm, FW_CFG_CTL_PORT + 1, 1), 0xff);
	ck_assert_int_eq(firmware_cfg_attach(fc, vm, &dma), VDEV_OK);
	cfg_read(vm, FW_CFG_SIGNATURE, b, 4);
	ck_assert_mem_eq(b, "QEMU", 4);
	free(fc);
	free(vm);
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
	return check_run("firmware", tc);
}
