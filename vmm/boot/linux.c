// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linux x86 boot protocol, 32-bit entry (Documentation/x86/boot.rst,
 * "The Real-Mode Kernel Header", "32-bit Boot Protocol"): the setup header
 * is checked and copied into a zeroed boot_params ("zero page"), the
 * protected-mode kernel goes to 1 MiB, the initrd as high as the kernel
 * allows, the command line and E820 map into low memory, and the vCPU
 * starts at the kernel with ESI pointing at the zero page.
 */
#include "vmm/boot/boot.h"
#include "vmm/bytes.h"

/* Setup header and boot_params offsets (boot.rst; arch/x86/include/uapi/asm/bootparam.h). */
#define HDR_START		0x1f1	/* first byte of the setup header */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_SYSSIZE		0x1f4	/* protected-mode code size, 16-byte units */
#define HDR_VID_MODE		0x1fa
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP_LEN		0x201	/* header end = 0x202 + this byte */
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_RELOCATABLE		0x234
#define HDR_CMDLINE_SIZE	0x238
#define HDR_INIT_SIZE		0x260
#define HDR_END_MAX		0x290	/* end of struct setup_header in boot_params */
#define BP_ALT_MEM_K		0x1e0
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define BP_E820_ENTRY_SIZE	20
#define BP_SIZE			0x1000

#define BOOT_FLAG_MAGIC		0xaa55
#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define PROTOCOL_MIN		0x0206	/* cmdline_size, 32-bit entry as used here */
#define PROTOCOL_INIT_SIZE	0x020a	/* init_size field appears */
#define LOADED_HIGH		0x01
#define SECTOR			512
#define SETUP_SECTS_DEFAULT	4	/* setup_sects 0 means 4 */
#define VID_MODE_NORMAL		0xffff
#define LOADER_UNDEFINED	0xff	/* type_of_loader: not a registered ID */
#define LOADER_QEMU		0xb0	/* type_of_loader QEMU gives, boot.rst */
#define HDR_HEAP_END_PTR	0x224
#define CAN_USE_HEAP		0x80	/* loadflags: heap_end_ptr is valid */
#define PAGE			0x1000u

struct zp_writer {
	const struct guest_mem *mem;
	bool ok;
};

static void zp_put(struct zp_writer *w, uint32_t off, const void *p, size_t n)
{
	w->ok = w->ok && w->mem->write(w->mem->ctx, BOOT_ZERO_PAGE_ADDR + off, p, n);
}

static void zp_put8(struct zp_writer *w, uint32_t off, uint8_t v)
{
	zp_put(w, off, &v, 1);
}

static void zp_put16(struct zp_writer *w, uint32_t off, uint16_t v)
{
	uint8_t b[2];

	vmm_put16(b, v);
	zp_put(w, off, b, 2);
}

static void zp_put32(struct zp_writer *w, uint32_t off, uint32_t v)
{
	uint8_t b[4];

	vmm_put32(b, v);
	zp_put(w, off, b, 4);
}

static void zp_e820(struct zp_writer *w, uint64_t ram_size)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	unsigned int n = boot_e820(ram_size, map);

	for (unsigned int i = 0; i < n; i++) {
		uint8_t e[BP_E820_ENTRY_SIZE];

		vmm_put64(e, map[i].addr);
		vmm_put64(e + 8, map[i].size);
		vmm_put32(e + 16, map[i].type);
		zp_put(w, BP_E820_TABLE + i * BP_E820_ENTRY_SIZE, e, sizeof(e));
	}
	zp_put8(w, BP_E820_ENTRIES, (uint8_t)n);
}

static size_t str_len(const char *s, size_t max)
{
	size_t n = 0;

	while (s && n < max && s[n])
		n++;
	return n;
}

struct bzimage {
	uint16_t version;
	uint32_t pm_offset, pm_len;	/* protected-mode kernel in the file */
	uint32_t hdr_end;
	uint32_t initrd_addr_max, cmdline_size;
	uint64_t need;			/* bytes from 1 MiB the kernel uses */
};

static struct boot_result parse(const uint8_t *img, size_t len,
				struct bzimage *bz)
{
	uint32_t setup_sects, syssize, init_size = 0;

	if (len < HDR_END_MAX)
		return boot_fail(BOOT_TRUNCATED, "bzImage: shorter than its setup header");
	if (vmm_get16(img + HDR_BOOT_FLAG) != BOOT_FLAG_MAGIC ||
	    vmm_get32(img + HDR_MAGIC) != HDRS_MAGIC)
		return boot_fail(BOOT_BAD_IMAGE, "bzImage: no 0xAA55/HdrS boot header (not a Linux x86 kernel)");
	bz->version = vmm_get16(img + HDR_VERSION);
	if (bz->version < PROTOCOL_MIN)
		return boot_fail(BOOT_UNSUPPORTED, "bzImage: boot protocol older than 2.06");
	if (!(img[HDR_LOADFLAGS] & LOADED_HIGH))
		return boot_fail(BOOT_UNSUPPORTED, "bzImage: a zImage (loads low); only bzImage is supported");
	bz->hdr_end = 0x202u + img[HDR_JUMP_LEN];
	if (bz->hdr_end > HDR_END_MAX)
		return boot_fail(BOOT_BAD_IMAGE, "bzImage: setup header longer than boot_params allows");
	setup_sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : SETUP_SECTS_DEFAULT;
	bz->pm_offset = (setup_sects + 1) * SECTOR;
	syssize = vmm_get32(img + HDR_SYSSIZE);
	if (bz->pm_offset > len || syssize > (len - bz->pm_offset) / 16)
		return boot_fail(BOOT_TRUNCATED, "bzImage: file shorter than setup_sects/syssize say (truncated?)");
	bz->pm_len = (uint32_t)(len - bz->pm_offset);
	if (!img[HDR_RELOCATABLE] &&
	    vmm_get32(img + HDR_CODE32_START) != BOOT_HIGH_MEM)
		return boot_fail(BOOT_UNSUPPORTED, "bzImage: non-relocatable kernel not linked for 1 MiB");
	if (bz->version >= PROTOCOL_INIT_SIZE)
		init_size = vmm_get32(img + HDR_INIT_SIZE);
	bz->need = init_size > bz->pm_len ? init_size : bz->pm_len;
	bz->initrd_addr_max = vmm_get32(img + HDR_INITRD_ADDR_MAX);
	bz->cmdline_size = vmm_get32(img + HDR_CMDLINE_SIZE);
	return boot_fail(BOOT_OK, "ok");
}

struct boot_result linux_boot_load(const struct guest_mem *mem,
				   const struct linux_boot_args *a)
{
	const uint8_t *img = a->kernel;
	struct zp_writer w = { .mem = mem, .ok = true };
	uint64_t ram_end = boot_high_ram_end(mem->ram_size), kernel_end, top;
	struct boot_result r;
	struct bzimage bz = { 0 };
	size_t cmd_len;

	if (!img)
		return boot_fail(BOOT_BAD_IMAGE, "bzImage: no kernel given");
	r = parse(img, a->kernel_len, &bz);
	if (r.status != BOOT_OK)
		return r;
	kernel_end = BOOT_HIGH_MEM + bz.need;
	if (kernel_end > ram_end)
		return boot_fail(BOOT_NO_ROOM, "bzImage: kernel (init_size) does not fit in guest RAM");
	cmd_len = str_len(a->cmdline, BOOT_CMDLINE_MAX);
	if (cmd_len > bz.cmdline_size || cmd_len >= BOOT_CMDLINE_MAX)
		return boot_fail(BOOT_UNSUPPORTED, "bzImage: command line longer than the kernel's cmdline_size");

	r.initrd_addr = r.initrd_size = 0;
	if (a->initrd && a->initrd_len) {
		/* highest page-aligned spot below initrd_addr_max and RAM end */
		top = (uint64_t)bz.initrd_addr_max + 1;
		top = top < ram_end ? top : ram_end;
		if (a->initrd_len > top ||
		    ((top - a->initrd_len) & ~(uint64_t)(PAGE - 1)) <
		    ((kernel_end + PAGE - 1) & ~(uint64_t)(PAGE - 1)))
			return boot_fail(BOOT_NO_ROOM, "initrd: does not fit between the kernel and initrd_addr_max / end of RAM");
		r.initrd_addr = (uint32_t)((top - a->initrd_len) & ~(uint64_t)(PAGE - 1));
		r.initrd_size = (uint32_t)a->initrd_len;
		if (!mem->write(mem->ctx, r.initrd_addr, a->initrd, a->initrd_len))
			return boot_fail(BOOT_MEM_FAILED, "initrd: guest memory write failed");
	}
	if (!mem->write(mem->ctx, BOOT_HIGH_MEM, img + bz.pm_offset, bz.pm_len) ||
	    !mem->zero(mem->ctx, BOOT_CMDLINE_ADDR, cmd_len + 1) ||
	    (cmd_len && !mem->write(mem->ctx, BOOT_CMDLINE_ADDR, a->cmdline, cmd_len)) ||
	    !mem->zero(mem->ctx, BOOT_ZERO_PAGE_ADDR, BP_SIZE))
		return boot_fail(BOOT_MEM_FAILED, "bzImage: guest memory write failed");

	/* boot_params: the image's setup header, then what the loader fills in */
	zp_put(&w, HDR_START, img + HDR_START, bz.hdr_end - HDR_START);
	zp_put16(&w, HDR_VID_MODE, VID_MODE_NORMAL);
	zp_put8(&w, HDR_TYPE_OF_LOADER, LOADER_UNDEFINED);
	zp_put32(&w, HDR_RAMDISK_IMAGE, r.initrd_addr);
	zp_put32(&w, HDR_RAMDISK_SIZE, r.initrd_size);
	zp_put32(&w, HDR_CMD_LINE_PTR, BOOT_CMDLINE_ADDR);
	zp_put32(&w, BP_ALT_MEM_K, (uint32_t)((ram_end - BOOT_HIGH_MEM) / 1024));
	zp_e820(&w, mem->ram_size);
	if (!w.ok || !boot_write_gdt(mem, &r.entry))
		return boot_fail(BOOT_MEM_FAILED, "bzImage: guest memory write failed");

	r.status = BOOT_OK;
	r.msg = "Linux bzImage loaded";
	r.entry.eip = BOOT_HIGH_MEM;
	r.entry.esi = BOOT_ZERO_PAGE_ADDR;	/* EBP EDI EBX must be zero */
	r.entry.eax = r.entry.ebx = r.entry.ecx = r.entry.edx = 0;
	r.entry.edi = r.entry.ebp = r.entry.esp = 0;
	r.kernel_start = BOOT_HIGH_MEM;
	r.kernel_end = (uint32_t)kernel_end;
	return r;
}

/*
 * The initrd's place for firmware boot: the highest page below the
 * kernel's initrd_addr_max and the firmware's tables at the top of RAM,
 * above the kernel; 0 if it does not fit.
 */
static uint32_t fw_initrd_addr(const struct bzimage *bz, uint64_t ram_size,
			       size_t initrd_len)
{
	uint64_t low = boot_high_ram_end(ram_size);
	uint64_t max = bz->initrd_addr_max, addr;

	if (low < LINUX_FW_TABLES_SIZE + 1)
		return 0;
	if (max > low - LINUX_FW_TABLES_SIZE - 1)
		max = low - LINUX_FW_TABLES_SIZE - 1;
	if (initrd_len > max)
		return 0;
	addr = (max - initrd_len) & ~(uint64_t)(PAGE - 1);
	if (addr < BOOT_HIGH_MEM + bz->need)
		return 0;
	return (uint32_t)addr;
}

struct boot_result linux_fw_cfg_prepare(const struct linux_boot_args *a,
					uint64_t ram_size,
					struct linux_fw_cfg *out)
{
	struct bzimage bz = { 0 };
	struct boot_result r;
	size_t cmd_len;

	if (!a->kernel)
		return boot_fail(BOOT_BAD_IMAGE, "bzImage: no kernel given");
	r = parse(a->kernel, a->kernel_len, &bz);
	if (r.status != BOOT_OK)
		return r;
	if (bz.pm_offset > LINUX_FW_SETUP_MAX)
		return boot_fail(BOOT_UNSUPPORTED, "bzImage: setup code larger than the 64 KiB below the command line");
	if (BOOT_HIGH_MEM + bz.need > boot_high_ram_end(ram_size))
		return boot_fail(BOOT_NO_ROOM, "bzImage: kernel (init_size) does not fit in guest RAM");
	cmd_len = str_len(a->cmdline, BOOT_CMDLINE_MAX);
	if (cmd_len > bz.cmdline_size || cmd_len >= BOOT_CMDLINE_MAX)
		return boot_fail(BOOT_UNSUPPORTED, "bzImage: command line longer than the kernel's cmdline_size");
	out->initrd_addr = 0;
	if (a->initrd && a->initrd_len) {
		out->initrd_addr = fw_initrd_addr(&bz, ram_size, a->initrd_len);
		if (!out->initrd_addr)
			return boot_fail(BOOT_NO_ROOM, "initrd: does not fit between the kernel and initrd_addr_max / the firmware's tables");
	}
	vmm_copy(out->setup, a->kernel, bz.pm_offset);
	out->setup_len = bz.pm_offset;
	out->kernel_offset = bz.pm_offset;
	out->kernel_len = bz.pm_len;
	out->cmdline_len = (uint32_t)cmd_len + 1;
	out->setup[HDR_TYPE_OF_LOADER] = LOADER_QEMU;
	out->setup[HDR_LOADFLAGS] |= CAN_USE_HEAP;
	vmm_put16(out->setup + HDR_HEAP_END_PTR,
		  (uint16_t)(LINUX_FW_CMDLINE_ADDR - LINUX_FW_SETUP_ADDR - 0x200));
	vmm_put32(out->setup + HDR_CMD_LINE_PTR, LINUX_FW_CMDLINE_ADDR);
	vmm_put32(out->setup + HDR_RAMDISK_IMAGE, out->initrd_addr);
	vmm_put32(out->setup + HDR_RAMDISK_SIZE, out->initrd_addr ? (uint32_t)a->initrd_len : 0);
	return boot_fail(BOOT_OK, "Linux bzImage prepared for the firmware");
}
