// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux boot protocol loader: synthetic bzImages for each refusal, and the
 * lab's real kernels (the built COS kernel, Debian's stock one) loaded into
 * a buffer with the zero page checked field by field.
 */
#include <glob.h>
#include <sys/stat.h>
#include "tests/unit/check_run.h"
#include "tests/unit/vmmboot/guest_ram.h"

#define RAM (128u << 20)
#define SETUP_SECTS 2
#define PM_OFFSET ((SETUP_SECTS + 1) * 512)
#define PM_LEN 0x3000
#define IMG_LEN (PM_OFFSET + PM_LEN)

/* A minimal valid bzImage: protocol 2.15 header, 12 KiB of "kernel". */
static uint8_t *fake_bzimage(void)
{
	uint8_t *img = calloc(1, IMG_LEN);

	img[0x1f1] = SETUP_SECTS;
	vmm_put32(img + 0x1f4, PM_LEN / 16);
	vmm_put16(img + 0x1fe, 0xaa55);
	img[0x201] = 0x66;			/* header ends at 0x268 */
	vmm_put32(img + 0x202, 0x53726448);
	vmm_put16(img + 0x206, 0x020f);
	img[0x211] = 0x01;			/* LOADED_HIGH */
	vmm_put32(img + 0x214, 0x100000);
	vmm_put32(img + 0x22c, 0x37ffffff);	/* initrd_addr_max */
	img[0x234] = 1;				/* relocatable */
	vmm_put32(img + 0x238, 2047);		/* cmdline_size */
	vmm_put32(img + 0x260, 0x800000);	/* init_size 8 MiB */
	for (unsigned int i = 0; i < PM_LEN; i++)
		img[PM_OFFSET + i] = (uint8_t)(i * 7);
	return img;
}

static struct boot_result load(struct guest_ram *r, const uint8_t *img,
			       size_t len, const uint8_t *initrd,
			       size_t initrd_len, const char *cmdline)
{
	struct linux_boot_args a = {
		.kernel = img, .kernel_len = len, .initrd = initrd,
		.initrd_len = initrd_len, .cmdline = cmdline,
	};

	return linux_boot_load(&r->mem, &a);
}

/* The zero page and entry state every successful load must have. */
static void check_loaded(const struct guest_ram *r, const struct boot_result *res,
			 const uint8_t *img, size_t len, const char *cmdline)
{
	const uint8_t *zp = r->buf + BOOT_ZERO_PAGE_ADDR;
	uint32_t pm_off = ((img[0x1f1] ? img[0x1f1] : 4) + 1) * 512;

	ck_assert_int_eq(res->status, BOOT_OK);
	ck_assert_uint_eq(res->entry.eip, 0x100000);
	ck_assert_uint_eq(res->entry.esi, BOOT_ZERO_PAGE_ADDR);
	ck_assert_uint_eq(res->entry.ebx | res->entry.ebp | res->entry.edi, 0);
	ck_assert_uint_eq(ram64(r, res->entry.gdt_base + BOOT_CS), 0x00cf9a000000ffffull);
	ck_assert_uint_eq(ram64(r, res->entry.gdt_base + BOOT_DS), 0x00cf92000000ffffull);
	ck_assert_mem_eq(r->buf + 0x100000, img + pm_off, len - pm_off);
	/* the image's header is copied, then the loader's fields */
	ck_assert_mem_eq(zp + 0x1f1, img + 0x1f1, 0x1fa - 0x1f1);
	ck_assert_uint_eq(vmm_get16(zp + 0x1fe), 0xaa55);
	ck_assert_uint_eq(vmm_get32(zp + 0x202), 0x53726448);
	ck_assert_uint_eq(vmm_get16(zp + 0x1fa), 0xffff);
	ck_assert_uint_eq(zp[0x210], 0xff);
	ck_assert_uint_eq(vmm_get32(zp + 0x228), BOOT_CMDLINE_ADDR);
	ck_assert_str_eq((const char *)r->buf + BOOT_CMDLINE_ADDR, cmdline);
	/* E820: base memory, two reserved holes, RAM from 1 MiB to the end */
	ck_assert_uint_eq(zp[0x1e8], 4);
	ck_assert_uint_eq(vmm_get32(zp + 0x2d0 + 8), 0x9fc00);
	ck_assert_uint_eq(vmm_get32(zp + 0x2d0 + 16), E820_RAM);
	ck_assert_uint_eq(vmm_get32(zp + 0x2d0 + 20 * 2), 0xf0000);
	ck_assert_uint_eq(vmm_get32(zp + 0x2d0 + 20 * 2 + 16), E820_RESERVED);
	ck_assert_uint_eq(vmm_get32(zp + 0x2d0 + 20 * 3), 0x100000);
	ck_assert_uint_eq(vmm_get32(zp + 0x2d0 + 20 * 3 + 8), RAM - 0x100000);
	ck_assert_uint_eq(vmm_get32(zp + 0x1e0), (RAM - 0x100000) / 1024);
}

START_TEST(test_fake_bzimage_loads_with_initrd_and_cmdline)
{
	struct guest_ram *r = ram_new(RAM);
	uint8_t *img = fake_bzimage(), initrd[5000];
	struct boot_result res;

	memset(initrd, 0xab, sizeof(initrd));
	res = load(r, img, IMG_LEN, initrd, sizeof(initrd), "console=ttyS0 root=/dev/sda");
	check_loaded(r, &res, img, IMG_LEN, "console=ttyS0 root=/dev/sda");
	/* initrd: page aligned, at the top of RAM, its size in the zero page */
	ck_assert_uint_eq(res.initrd_addr, (RAM - sizeof(initrd)) & ~0xfffu);
	ck_assert_uint_eq(ram32(r, BOOT_ZERO_PAGE_ADDR + 0x218), res.initrd_addr);
	ck_assert_uint_eq(ram32(r, BOOT_ZERO_PAGE_ADDR + 0x21c), sizeof(initrd));
	ck_assert_mem_eq(r->buf + res.initrd_addr, initrd, sizeof(initrd));
	ck_assert_uint_eq(res.kernel_end, 0x100000 + 0x800000);
	free(img);
	ram_free(r);
}
END_TEST

START_TEST(test_initrd_stays_below_initrd_addr_max)
{
	struct guest_ram *r = ram_new(RAM);
	uint8_t *img = fake_bzimage(), initrd[100] = { 1 };
	struct boot_result res;

	vmm_put32(img + 0x22c, 0x02000000 - 1);		/* 32 MiB */
	res = load(r, img, IMG_LEN, initrd, sizeof(initrd), NULL);
	ck_assert_int_eq(res.status, BOOT_OK);
	ck_assert_uint_eq(res.initrd_addr, 0x02000000 - 0x1000);
	ck_assert_str_eq((const char *)r->buf + BOOT_CMDLINE_ADDR, "");
	free(img);
	ram_free(r);
}
END_TEST

START_TEST(test_bad_bzimages_are_refused_with_a_reason)
{
	struct guest_ram *r = ram_new(RAM);
	uint8_t *img = fake_bzimage();
	struct boot_result res;
	static uint8_t big_initrd[RAM - 0x900000 + 1];	/* one byte over */
	char cmd[3000];

	ck_assert_int_eq(load(r, img, 0x200, NULL, 0, NULL).status, BOOT_TRUNCATED);
	res = load(r, img, IMG_LEN - 16, NULL, 0, NULL);	/* syssize says more */
	ck_assert_int_eq(res.status, BOOT_TRUNCATED);
	ck_assert_ptr_nonnull(strstr(res.msg, "truncated"));
	vmm_put16(img + 0x206, 0x0205);
	ck_assert_int_eq(load(r, img, IMG_LEN, NULL, 0, NULL).status, BOOT_UNSUPPORTED);
	vmm_put16(img + 0x206, 0x020f);
	img[0x211] = 0;
	ck_assert_int_eq(load(r, img, IMG_LEN, NULL, 0, NULL).status, BOOT_UNSUPPORTED);
	img[0x211] = 1;
	img[0x202] = 'X';
	ck_assert_int_eq(load(r, img, IMG_LEN, NULL, 0, NULL).status, BOOT_BAD_IMAGE);
	img[0x202] = 'H';
	img[0x201] = 0xff;				/* header past boot_params' */
	ck_assert_int_eq(load(r, img, IMG_LEN, NULL, 0, NULL).status, BOOT_BAD_IMAGE);
	img[0x201] = 0x66;
	vmm_put32(img + 0x260, RAM);			/* init_size > RAM */
	ck_assert_int_eq(load(r, img, IMG_LEN, NULL, 0, NULL).status, BOOT_NO_ROOM);
	vmm_put32(img + 0x260, 0x800000);
	res = load(r, img, IMG_LEN, big_initrd, sizeof(big_initrd), NULL);
	ck_assert_int_eq(res.status, BOOT_NO_ROOM);
	ck_assert_ptr_nonnull(strstr(res.msg, "initrd"));
	memset(cmd, 'x', sizeof(cmd) - 1);
	cmd[sizeof(cmd) - 1] = 0;
	ck_assert_int_eq(load(r, img, IMG_LEN, NULL, 0, cmd).status, BOOT_UNSUPPORTED);
	ck_assert_int_eq(load(r, NULL, 0, NULL, 0, NULL).status, BOOT_BAD_IMAGE);
	free(img);
	ram_free(r);
}
END_TEST

/* What QEMU's x86_load_linux patches, for SeaBIOS's linuxboot_dma.bin. */
START_TEST(test_firmware_boot_gets_a_patched_setup_and_a_high_initrd)
{
	uint8_t *img = fake_bzimage();
	static struct linux_fw_cfg fc;
	struct linux_boot_args a = {
		.kernel = img, .kernel_len = IMG_LEN, .initrd = img,
		.initrd_len = 1u << 20, .cmdline = "console=ttyS0",
	};
	uint32_t addr;

	ck_assert_int_eq(linux_fw_cfg_prepare(&a, 64u << 20, &fc).status, BOOT_OK);
	ck_assert_uint_eq(fc.setup_len, PM_OFFSET);
	ck_assert_uint_eq(fc.kernel_offset, PM_OFFSET);
	ck_assert_uint_eq(fc.kernel_len, PM_LEN);
	ck_assert_uint_eq(fc.cmdline_len, strlen("console=ttyS0") + 1);
	ck_assert_mem_eq(fc.setup, img, 0x210);
	ck_assert_uint_eq(fc.setup[0x210], 0xb0);		/* type_of_loader */
	ck_assert_uint_eq(fc.setup[0x211], 0x81);		/* LOADED_HIGH, CAN_USE_HEAP */
	ck_assert_uint_eq(vmm_get16(fc.setup + 0x224), 0xfe00);	/* heap_end_ptr */
	ck_assert_uint_eq(vmm_get32(fc.setup + 0x228), 0x20000);	/* cmd_line_ptr */
	addr = vmm_get32(fc.setup + 0x218);
	ck_assert_uint_eq(addr, fc.initrd_addr);
	ck_assert_uint_eq(addr % 4096, 0);
	ck_assert_uint_ge(addr, 0x100000 + 0x800000);		/* above init_size */
	ck_assert_uint_le(addr + (1u << 20), (64u << 20) - LINUX_FW_TABLES_SIZE);
	ck_assert_uint_gt(addr + (1u << 20), (64u << 20) - LINUX_FW_TABLES_SIZE - 4096 - 4096);
	ck_assert_uint_eq(vmm_get32(fc.setup + 0x21c), 1u << 20);
	ck_assert_mem_eq(fc.setup + 0x22c, img + 0x22c, PM_OFFSET - 0x22c);

	/* no initrd: no ramdisk fields */
	a.initrd = NULL;
	ck_assert_int_eq(linux_fw_cfg_prepare(&a, 64u << 20, &fc).status, BOOT_OK);
	ck_assert_uint_eq(vmm_get32(fc.setup + 0x218), 0);
	ck_assert_uint_eq(vmm_get32(fc.setup + 0x21c), 0);
	/* an initrd_addr_max just above the kernel leaves no room */
	a.initrd = img;
	vmm_put32(img + 0x22c, 0x9fffff);
	ck_assert_int_eq(linux_fw_cfg_prepare(&a, 64u << 20, &fc).status, BOOT_NO_ROOM);
	vmm_put32(img + 0x22c, 0x37ffffff);
	/* a command line beyond cmdline_size, a kernel beyond RAM */
	vmm_put32(img + 0x238, 5);
	ck_assert_int_eq(linux_fw_cfg_prepare(&a, 64u << 20, &fc).status, BOOT_UNSUPPORTED);
	vmm_put32(img + 0x238, 2047);
	ck_assert_int_eq(linux_fw_cfg_prepare(&a, 8u << 20, &fc).status, BOOT_NO_ROOM);
	free(img);
}
END_TEST

/* Setup code that would run into the command line at 0x20000 is refused. */
START_TEST(test_firmware_boot_refuses_setup_code_over_64k)
{
	uint8_t *small = fake_bzimage();
	size_t setup = (130 + 1) * 512, len = setup + PM_LEN;
	uint8_t *img = calloc(1, len);
	static struct linux_fw_cfg fc;
	struct linux_boot_args a = { .kernel = img, .kernel_len = len };

	memcpy(img, small, 0x290);
	img[0x1f1] = 130;
	ck_assert_int_eq(linux_fw_cfg_prepare(&a, 64u << 20, &fc).status, BOOT_UNSUPPORTED);
	free(img);
	free(small);
}
END_TEST

START_TEST(test_random_bytes_in_the_header_never_crash)
{
	struct guest_ram *r = ram_new(RAM);
	uint8_t *img = fake_bzimage();

	srandom(6);
	for (int n = 0; n < 3000; n++) {
		uint8_t *copy = malloc(IMG_LEN);

		memcpy(copy, img, IMG_LEN);
		for (int k = 0; k < 8; k++)
			copy[0x1f1 + random() % 0x80] = (uint8_t)random();
		(void)load(r, copy, IMG_LEN - random() % 4096, NULL, 0, "x");
		free(copy);
	}
	free(img);
	ram_free(r);
}
END_TEST

/* The lab's kernels, when their caches exist. */
static char cos_bzimage[4096], stock_bzimage[4096];

static bool find_one(const char *pattern, char *out)
{
	const char *cache = getenv("VMK_CACHE") ? getenv("VMK_CACHE") : "/var/cache/vmk";
	char pat[4096];
	glob_t g;
	bool found;

	snprintf(pat, sizeof(pat), "%s/%s", cache, pattern);
	found = glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0;
	if (found)
		snprintf(out, 4096, "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
	return found;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	buf = malloc((size_t)st.st_size);
	ck_assert_uint_eq(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

static void load_real_kernel(const char *path)
{
	struct guest_ram *r = ram_new(RAM);
	const char *cmd = "console=ttyS0,115200 earlyprintk=serial";
	uint8_t initrd[8192] = { 0x30, 0x37 };
	size_t len;
	uint8_t *img = read_file(path, &len);
	struct boot_result res = load(r, img, len, initrd, sizeof(initrd), cmd);

	check_loaded(r, &res, img, len, cmd);
	ck_assert_uint_ge(vmm_get16(r->buf + BOOT_ZERO_PAGE_ADDR + 0x206), 0x0206);
	ck_assert_uint_le(res.initrd_addr + sizeof(initrd),
			  ram32(r, BOOT_ZERO_PAGE_ADDR + 0x22c) + 1);
	ck_assert_uint_ge(res.initrd_addr, res.kernel_end);
	/* prepared for firmware boot: setup below 64 KiB, initrd above the kernel */
	static struct linux_fw_cfg fc;
	struct linux_boot_args fa = {
		.kernel = img, .kernel_len = len, .initrd = initrd,
		.initrd_len = sizeof(initrd), .cmdline = cmd,
	};
	ck_assert_int_eq(linux_fw_cfg_prepare(&fa, r->mem.ram_size, &fc).status, BOOT_OK);
	ck_assert_uint_eq(fc.setup_len + fc.kernel_len, len);
	ck_assert_uint_ge(fc.initrd_addr, res.kernel_end);
	/* the same image cut short, and too little RAM, are refused */
	ck_assert_int_eq(load(r, img, len / 2, NULL, 0, NULL).status, BOOT_TRUNCATED);
	r->mem.ram_size = 4u << 20;
	ck_assert_int_eq(load(r, img, len, NULL, 0, NULL).status, BOOT_NO_ROOM);
	free(img);
	ram_free(r);
}

START_TEST(test_cos_kernel_bzimage_loads)
{
	load_real_kernel(cos_bzimage);
}
END_TEST

START_TEST(test_stock_debian_bzimage_loads)
{
	load_real_kernel(stock_bzimage);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("boot_linux");
	bool cos = find_one("cos-kernel-*/arch/x86/boot/bzImage", cos_bzimage);
	bool stock = find_one("stock-kernel-*/boot/vmlinuz-*", stock_bzimage);
	int rc;

	tcase_add_test(tc, test_fake_bzimage_loads_with_initrd_and_cmdline);
	tcase_add_test(tc, test_initrd_stays_below_initrd_addr_max);
	tcase_add_test(tc, test_bad_bzimages_are_refused_with_a_reason);
	tcase_add_test(tc, test_firmware_boot_gets_a_patched_setup_and_a_high_initrd);
	tcase_add_test(tc, test_firmware_boot_refuses_setup_code_over_64k);
	tcase_add_test(tc, test_random_bytes_in_the_header_never_crash);
	if (cos)
		tcase_add_test(tc, test_cos_kernel_bzimage_loads);
	if (stock)
		tcase_add_test(tc, test_stock_debian_bzimage_loads);
	rc = check_run("boot_linux", tc);
	if (!cos)
		report_skip("test_cos_kernel_bzimage_loads", "no COS kernel build in $VMK_CACHE (ci/cos-kernel)");
	if (!stock)
		report_skip("test_stock_debian_bzimage_loads", "no stock kernel in $VMK_CACHE (ci/stock-kernel)");
	return rc;
}
