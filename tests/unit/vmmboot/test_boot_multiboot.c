// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multiboot v1 loader, the MP table and the E820 map: synthetic ELF and
 * a.out-kludge kernels, the project's own tests/guest/mbtest, refusals.
 */
#include <sys/stat.h>
#include "tests/unit/check_run.h"
#include "tests/unit/vmmboot/guest_ram.h"

#define RAM (64u << 20)
#define MB_MAGIC 0x1badb002u

/* ELF32 i386 executable: one PT_LOAD of 0x200 file bytes + bss at paddr. */
#define ELF_LEN 0x1400
static uint8_t *fake_elf(uint32_t paddr, uint32_t mb_flags)
{
	uint8_t *img = calloc(1, ELF_LEN), *ph = img + 52;

	memcpy(img, "\x7f" "ELF\x01\x01\x01", 7);
	vmm_put16(img + 16, 2);			/* ET_EXEC */
	vmm_put16(img + 18, 3);			/* EM_386 */
	vmm_put32(img + 20, 1);
	vmm_put32(img + 24, paddr + 0x10);	/* entry */
	vmm_put32(img + 28, 52);		/* phoff */
	vmm_put16(img + 40, 52);
	vmm_put16(img + 42, 32);
	vmm_put16(img + 44, 1);
	vmm_put32(ph + 0, 1);			/* PT_LOAD */
	vmm_put32(ph + 4, 0x1000);		/* offset */
	vmm_put32(ph + 8, paddr);
	vmm_put32(ph + 12, paddr);
	vmm_put32(ph + 16, 0x200);		/* filesz */
	vmm_put32(ph + 20, 0x3000);		/* memsz */
	vmm_put32(img + 0x1000, MB_MAGIC);
	vmm_put32(img + 0x1004, mb_flags);
	vmm_put32(img + 0x1008, -(MB_MAGIC + mb_flags));
	for (int i = 12; i < 0x200; i++)
		img[0x1000 + i] = (uint8_t)i;
	return img;
}

static struct boot_result mb_load(struct guest_ram *r, const uint8_t *img,
				  size_t len, const char *cmdline,
				  const struct multiboot_module *mods,
				  unsigned int nr)
{
	struct multiboot_args a = {
		.kernel = img, .kernel_len = len, .cmdline = cmdline,
		.modules = mods, .nr_modules = nr,
	};

	return multiboot_load(&r->mem, &a);
}

START_TEST(test_elf_kernel_loads_and_gets_an_info_structure)
{
	struct guest_ram *r = ram_new(RAM);
	uint8_t *img = fake_elf(0x200000, 3);
	const struct multiboot_module mods[2] = {
		{ (const uint8_t *)"module-one", 10, "one arg" },
		{ (const uint8_t *)"2", 1, "two" },
	};
	struct boot_result res = mb_load(r, img, ELF_LEN, "kernel opts", mods, 2);
	uint32_t mbi = BOOT_MB_INFO_ADDR, mod0, mmap;

	ck_assert_int_eq(res.status, BOOT_OK);
	ck_assert_uint_eq(res.entry.eax, 0x2badb002);
	ck_assert_uint_eq(res.entry.ebx, mbi);
	ck_assert_uint_eq(res.entry.eip, 0x200010);
	ck_assert_mem_eq(r->buf + 0x200000, img + 0x1000, 0x200);
	ck_assert_uint_eq(r->buf[0x200200], 0);			/* bss */
	ck_assert_uint_eq(res.kernel_end, 0x203000);
	ck_assert_uint_eq(ram32(r, mbi) & 0x24d, 0x24d);	/* mem cmdline mods mmap name */
	ck_assert_uint_eq(ram32(r, mbi + 4), 639);
	ck_assert_uint_eq(ram32(r, mbi + 8), (RAM - 0x100000) / 1024);
	ck_assert_str_eq((const char *)r->buf + ram32(r, mbi + 16), "kernel opts");
	ck_assert_str_eq((const char *)r->buf + ram32(r, mbi + 64), "vmk");
	/* modules page aligned after the kernel's bss, with their strings */
	ck_assert_uint_eq(ram32(r, mbi + 20), 2);
	mod0 = ram32(r, mbi + 24);
	ck_assert_uint_eq(ram32(r, mod0), 0x203000);
	ck_assert_uint_eq(ram32(r, mod0 + 4), 0x20300a);
	ck_assert_mem_eq(r->buf + 0x203000, "module-one", 10);
	ck_assert_str_eq((const char *)r->buf + ram32(r, mod0 + 8), "one arg");
	ck_assert_uint_eq(ram32(r, mod0 + 16), 0x204000);
	/* memory map: size field 20, four ranges, RAM at 1 MiB to the end */
	ck_assert_uint_eq(ram32(r, mbi + 44), 4 * 24);
	mmap = ram32(r, mbi + 48);
	ck_assert_uint_eq(ram32(r, mmap), 20);
	ck_assert_uint_eq(ram64(r, mmap + 3 * 24 + 4), 0x100000);
	ck_assert_uint_eq(ram64(r, mmap + 3 * 24 + 12), RAM - 0x100000);
	ck_assert_uint_eq(ram32(r, mmap + 3 * 24 + 20), E820_RAM);
	free(img);
	ram_free(r);
}
END_TEST

START_TEST(test_kernel_in_base_memory_moves_the_info_structure)
{
	struct guest_ram *r = ram_new(RAM);
	uint8_t *img = fake_elf(0x8000, 3);		/* realmode.flat's 0x8000 */
	const struct multiboot_module env = { (const uint8_t *)"NR_CPUS=1\n", 10, "env" };
	struct boot_result res = mb_load(r, img, ELF_LEN, "args", &env, 1);
	uint32_t mbi = res.entry.ebx;

	ck_assert_int_eq(res.status, BOOT_OK);
	ck_assert_uint_eq(res.entry.eip, 0x8010);
	ck_assert_mem_eq(r->buf + 0x8000, img + 0x1000, 0x200);
	/* 0x8000-0xb000 overlaps 0x9000: the info structure takes 0x10000 */
	ck_assert_uint_eq(mbi, BOOT_MB_INFO_ALT_ADDR);
	ck_assert_str_eq((const char *)r->buf + ram32(r, mbi + 16), "args");
	/* the module still goes to 1 MiB, not into base memory */
	ck_assert_uint_eq(ram32(r, ram32(r, mbi + 24)), 0x100000);
	ck_assert_mem_eq(r->buf + 0x100000, "NR_CPUS=1\n", 10);
	free(img);
	/* below both windows' ends but clear of the first: it stays at 0x9000 */
	img = fake_elf(0x20000, 3);
	res = mb_load(r, img, ELF_LEN, NULL, NULL, 0);
	ck_assert_int_eq(res.status, BOOT_OK);
	ck_assert_uint_eq(res.entry.ebx, BOOT_MB_INFO_ADDR);
	free(img);
	ram_free(r);
}
END_TEST

START_TEST(test_aout_kludge_kernel_loads_at_its_addresses)
{
	struct guest_ram *r = ram_new(RAM);
	uint8_t img[0x3000] = { 0 };
	uint32_t flags = 0x00010002;
	struct boot_result res;

	/* header at file offset 0x40 = load_addr 0x300000 + 0x40 */
	vmm_put32(img + 0x40, MB_MAGIC);
	vmm_put32(img + 0x44, flags);
	vmm_put32(img + 0x48, -(MB_MAGIC + flags));
	vmm_put32(img + 0x4c, 0x300040);	/* header_addr */
	vmm_put32(img + 0x50, 0x300000);	/* load_addr */
	vmm_put32(img + 0x54, 0x301000);	/* load_end_addr */
	vmm_put32(img + 0x58, 0x305000);	/* bss_end_addr */
	vmm_put32(img + 0x5c, 0x300060);	/* entry_addr */
	img[0x60] = 0xf4;
	memset(r->buf + 0x301000, 0xee, 0x4000);
	res = mb_load(r, img, sizeof(img), NULL, NULL, 0);
	ck_assert_int_eq(res.status, BOOT_OK);
	ck_assert_uint_eq(res.entry.eip, 0x300060);
	ck_assert_uint_eq(r->buf[0x300060], 0xf4);
	ck_assert_uint_eq(r->buf[0x304fff], 0);		/* bss zeroed */
	ck_assert_uint_eq(res.kernel_end, 0x305000);
	ck_assert_str_eq((const char *)r->buf + ram32(r, BOOT_MB_INFO_ADDR + 16), "");
	vmm_put32(img + 0x4c, 0x400000);		/* header before the file */
	ck_assert_int_eq(mb_load(r, img, sizeof(img), NULL, NULL, 0).status, BOOT_BAD_IMAGE);
	vmm_put32(img + 0x4c, 0x300040);
	vmm_put32(img + 0x54, 0x310000);		/* load_end past the file */
	ck_assert_int_eq(mb_load(r, img, sizeof(img), NULL, NULL, 0).status, BOOT_TRUNCATED);
	ram_free(r);
}
END_TEST

START_TEST(test_bad_multiboot_images_are_refused_with_a_reason)
{
	struct guest_ram *r = ram_new(RAM);
	uint8_t *img = fake_elf(0x200000, 3), *far = calloc(1, 0x3000);
	struct boot_result res;

	/* header past the first 8 KiB is not found */
	vmm_put32(far + 0x2000, MB_MAGIC);
	vmm_put32(far + 0x2008, -MB_MAGIC);
	res = mb_load(r, far, 0x3000, NULL, NULL, 0);
	ck_assert_int_eq(res.status, BOOT_BAD_IMAGE);
	ck_assert_ptr_nonnull(strstr(res.msg, "8 KiB"));
	vmm_put32(img + 0x1008, 0);			/* bad checksum */
	ck_assert_int_eq(mb_load(r, img, ELF_LEN, NULL, NULL, 0).status, BOOT_BAD_IMAGE);
	free(img);
	img = fake_elf(0x200000, 0x8);			/* unknown required bit 3 */
	ck_assert_int_eq(mb_load(r, img, ELF_LEN, NULL, NULL, 0).status, BOOT_UNSUPPORTED);
	free(img);
	img = fake_elf(0x9e000, 3);			/* into the EBDA */
	ck_assert_int_eq(mb_load(r, img, ELF_LEN, NULL, NULL, 0).status, BOOT_NO_ROOM);
	free(img);
	img = fake_elf(0x800, 3);			/* over the entry GDT */
	ck_assert_int_eq(mb_load(r, img, ELF_LEN, NULL, NULL, 0).status, BOOT_NO_ROOM);
	free(img);
	img = fake_elf(0xf000, 3);			/* over both info windows */
	ck_assert_int_eq(mb_load(r, img, ELF_LEN, NULL, NULL, 0).status, BOOT_NO_ROOM);
	free(img);
	img = fake_elf(0xff000, 3);			/* across 1 MiB */
	ck_assert_int_eq(mb_load(r, img, ELF_LEN, NULL, NULL, 0).status, BOOT_NO_ROOM);
	free(img);
	img = fake_elf(RAM - 0x1000, 3);		/* bss past the end of RAM */
	ck_assert_int_eq(mb_load(r, img, ELF_LEN, NULL, NULL, 0).status, BOOT_NO_ROOM);
	free(img);
	img = fake_elf(0x200000, 3);
	ck_assert_int_eq(mb_load(r, img, 0x1100, NULL, NULL, 0).status, BOOT_TRUNCATED);
	img[18] = 62;					/* x86-64 */
	ck_assert_int_eq(mb_load(r, img, ELF_LEN, NULL, NULL, 0).status, BOOT_UNSUPPORTED);
	img[18] = 3;
	{
		const struct multiboot_module huge = { img, RAM, "too big" };

		ck_assert_int_eq(mb_load(r, img, ELF_LEN, NULL, &huge, 1).status, BOOT_NO_ROOM);
	}
	{
		static char long_cmd[0x8000];

		memset(long_cmd, 'c', sizeof(long_cmd) - 1);
		ck_assert_int_eq(mb_load(r, img, ELF_LEN, long_cmd, NULL, 0).status, BOOT_NO_ROOM);
	}
	ck_assert_int_eq(mb_load(r, NULL, 0, NULL, NULL, 0).status, BOOT_BAD_IMAGE);
	free(img);
	free(far);
	ram_free(r);
}
END_TEST

START_TEST(test_random_corruption_never_crashes)
{
	struct guest_ram *r = ram_new(RAM);
	uint8_t *img = fake_elf(0x200000, 3);

	srandom(9);
	for (int n = 0; n < 3000; n++) {
		uint8_t *copy = malloc(ELF_LEN);

		memcpy(copy, img, ELF_LEN);
		for (int k = 0; k < 4; k++)
			copy[random() % 100] = (uint8_t)random();
		(void)mb_load(r, copy, ELF_LEN - random() % 0x400, "x", NULL, 0);
		free(copy);
	}
	free(img);
	ram_free(r);
}
END_TEST

START_TEST(test_mbtest_kernel_loads)
{
	struct guest_ram *r = ram_new(RAM);
	FILE *f = fopen(MBTEST_ELF, "rb");
	static uint8_t img[1 << 20];
	size_t len;
	struct boot_result res;

	ck_assert_msg(f != NULL, "%s missing: make -C tests/guest", MBTEST_ELF);
	len = fread(img, 1, sizeof(img), f);
	fclose(f);
	res = mb_load(r, img, len, "mbtest", NULL, 0);
	ck_assert_int_eq(res.status, BOOT_OK);
	ck_assert_uint_eq(res.kernel_start, 0x100000);
	ck_assert_uint_eq(res.entry.eip, vmm_get32(img + 24));
	ck_assert_uint_eq(ram32(r, 0x100000), MB_MAGIC);	/* header first */
	ram_free(r);
}
END_TEST

START_TEST(test_mp_table_lists_cpus_ioapic_and_isa_irqs)
{
	struct guest_ram *r = ram_new(RAM);
	const uint8_t *mpf = r->buf + BOOT_MPTABLE_ADDR, *mpc, *e;
	uint8_t sum = 0;
	unsigned int cpus = 0, ioints = 0;
	uint32_t len;

	ck_assert_int_eq(mptable_write(&r->mem, 3, 3, 0xfec00000), BOOT_OK);
	ck_assert_mem_eq(mpf, "_MP_", 4);
	for (int i = 0; i < 16; i++)
		sum = (uint8_t)(sum + mpf[i]);
	ck_assert_uint_eq(sum, 0);
	ck_assert_uint_eq(mpf[8], 1);
	ck_assert_uint_eq(mpf[9], 4);
	mpc = r->buf + vmm_get32(mpf + 4);
	ck_assert_mem_eq(mpc, "PCMP", 4);
	len = vmm_get16(mpc + 4);
	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + mpc[i]);
	ck_assert_uint_eq(sum, 0);
	ck_assert_uint_eq(vmm_get32(mpc + 36), 0xfee00000);
	e = mpc + 44;
	for (unsigned int n = 0; n < vmm_get16(mpc + 34); n++) {
		switch (e[0]) {
		case 0:
			ck_assert_uint_eq(e[1], cpus);
			ck_assert_uint_eq(e[3], cpus == 0 ? 3 : 1);
			cpus++;
			e += 20;
			continue;
		case 2:
			ck_assert_uint_eq(e[1], 3);
			ck_assert_uint_eq(vmm_get32(e + 4), 0xfec00000);
			break;
		case 3:
			if (e[1] == 0 && e[5] == 0)
				ck_assert_uint_eq(e[7], 2);	/* IRQ 0 -> pin 2 */
			ioints += e[1] == 0;
			break;
		}
		e += 8;
	}
	ck_assert_uint_eq((uint32_t)(e - mpc), len);
	ck_assert_uint_eq(cpus, 3);
	ck_assert_uint_eq(ioints, 15);
	ck_assert_int_eq(mptable_write(&r->mem, 0, 3, 0xfec00000), BOOT_UNSUPPORTED);
	ck_assert_int_eq(mptable_write(&r->mem, 4, 3, 0xfec00000), BOOT_UNSUPPORTED);
	ram_free(r);
}
END_TEST

START_TEST(test_e820_puts_ram_beyond_the_pci_hole_above_4g)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	unsigned int n = boot_e820(5ull << 30, map);

	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(map[3].addr + map[3].size, 0xe0000000ull);
	ck_assert_uint_eq(map[4].addr, 1ull << 32);
	ck_assert_uint_eq(map[4].size, (5ull << 30) - 0xe0000000ull);
	ck_assert_uint_eq(boot_e820(0x80000, map), 3);	/* no RAM above 1 MiB */
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("boot_multiboot");

	tcase_add_test(tc, test_elf_kernel_loads_and_gets_an_info_structure);
	tcase_add_test(tc, test_aout_kludge_kernel_loads_at_its_addresses);
	tcase_add_test(tc, test_kernel_in_base_memory_moves_the_info_structure);
	tcase_add_test(tc, test_bad_multiboot_images_are_refused_with_a_reason);
	tcase_add_test(tc, test_random_corruption_never_crashes);
	tcase_add_test(tc, test_mbtest_kernel_loads);
	tcase_add_test(tc, test_mp_table_lists_cpus_ioapic_and_isa_irqs);
	tcase_add_test(tc, test_e820_puts_ram_beyond_the_pci_hole_above_4g);
	return check_run("boot_multiboot", tc);
}
