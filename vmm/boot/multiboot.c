// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multiboot v1 loader (Multiboot Specification 0.6.96): header search
 * (§3.1.1-3.1.4), ELF32 or a.out-kludge loading, modules, and the
 * Multiboot information structure (§3.3) with memory sizes, the memory
 * map, the command line and the boot loader name. Machine state at entry
 * as §3.2: EAX = 0x2BADB002, EBX = the info structure, flat segments,
 * paging and interrupts off.
 */
#include "vmm/boot/boot.h"
#include "vmm/bytes.h"

#define MB_HEADER_MAGIC		0x1badb002u
#define MB_BOOTLOADER_MAGIC	0x2badb002u
#define MB_SEARCH_LEN		8192	/* header within the first 8 KiB */
#define MB_HEADER_ALIGN		4
#define MB_HEADER_LEN		12	/* magic, flags, checksum */
#define MB_AOUT_HEADER_LEN	32	/* + header/load/load_end/bss_end/entry addr */

/* Header flags; bits 0-15 are requirements the loader must meet. */
#define MB_PAGE_ALIGN		0x00000001u	/* modules page aligned */
#define MB_MEMORY_INFO		0x00000002u	/* mem_* and mmap wanted */
#define MB_VIDEO_MODE		0x00000004u	/* a preference: text mode given */
#define MB_REQUIRED_MASK	0x0000ffffu
#define MB_UNDERSTOOD		(MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_VIDEO_MODE)
#define MB_AOUT_KLUDGE		0x00010000u

/* Info structure (§3.3). */
#define MBI_FLAGS		0
#define MBI_MEM_LOWER		4
#define MBI_MEM_UPPER		8
#define MBI_BOOT_DEVICE		12
#define MBI_CMDLINE		16
#define MBI_MODS_COUNT		20
#define MBI_MODS_ADDR		24
#define MBI_MMAP_LENGTH		44
#define MBI_MMAP_ADDR		48
#define MBI_BOOT_LOADER_NAME	64
#define MBI_SIZE		88
#define MBI_F_MEM		0x001
#define MBI_F_BOOT_DEVICE	0x002
#define MBI_F_CMDLINE		0x004
#define MBI_F_MODS		0x008
#define MBI_F_MMAP		0x040
#define MBI_F_LOADER_NAME	0x200
#define MB_MMAP_ENTRY		24	/* size field + 20 bytes */
#define MB_MOD_ENTRY		16	/* mod_start, mod_end, string, reserved */

/* ELF32 (System V ABI, Intel386 supplement). */
#define EI_CLASS		4
#define EI_DATA			5
#define ELFCLASS32		1
#define ELFDATA2LSB		1
#define ET_EXEC			2
#define EM_386			3
#define PT_LOAD			1
#define EH_TYPE			16
#define EH_MACHINE		18
#define EH_ENTRY		24
#define EH_PHOFF		28
#define EH_PHENTSIZE		42
#define EH_PHNUM		44
#define EH_SIZE			52
#define PH_TYPE			0
#define PH_OFFSET		4
#define PH_PADDR		12
#define PH_FILESZ		16
#define PH_MEMSZ		20
#define PH_SIZE			32

#define PAGE			0x1000u
#define LOADER_NAME		"vmk"

/*
 * Base memory a kernel may load into: from the page after the one holding
 * the real-mode IVT, the BIOS data area and the entry GDT, up to the EBDA
 * (kvm-unit-tests' realmode.flat links at 0x8000). The info structure
 * then takes the first of these windows the kernel leaves free.
 */
#define MB_LOW_START		PAGE
static const uint32_t info_windows[][2] = {
	{ BOOT_MB_INFO_ADDR, BOOT_MB_INFO_END },
	{ BOOT_MB_INFO_ALT_ADDR, BOOT_MB_INFO_ALT_END },
};

/*
 * What the header parser gives for each segment the kernel loads: memsz
 * bytes at guest-physical addr, the first filesz of them from the file at
 * offset (inside the file: the parser checked), the rest zeros.
 */
typedef struct boot_result (*mb_segment_fn)(void *ctx, uint32_t addr, uint32_t offset,
					     uint32_t filesz, uint32_t memsz);

struct mb_load {
	const struct guest_mem *mem;
	const uint8_t *img;
	uint64_t ram_end;
	uint32_t start, end, entry;
	uint32_t low_start, low_end;	/* segments below 1 MiB, or empty */
	uint32_t high_end;		/* end of those above, or 1 MiB */
};

static uint32_t page_up(uint64_t v)
{
	return (uint32_t)((v + PAGE - 1) & ~(uint64_t)(PAGE - 1));
}

/* The direct loader's segment: file bytes copied, the rest of [addr, addr + memsz) zeroed. */
static struct boot_result load_segment(void *ctx, uint32_t addr, uint32_t offset,
				       uint32_t filesz, uint32_t memsz)
{
	struct mb_load *ld = ctx;
	const struct guest_mem *mem = ld->mem;
	const uint8_t *src = ld->img + offset;
	uint64_t end = (uint64_t)addr + memsz;
	bool low = addr < BOOT_HIGH_MEM;

	if (low ? addr < MB_LOW_START || end > BOOT_EBDA_ADDR : end > ld->ram_end)
		return boot_fail(BOOT_NO_ROOM, "Multiboot: kernel segment outside guest RAM (4 KiB to the EBDA at 639 KiB, or above 1 MiB)");
	if ((filesz && !mem->write(mem->ctx, addr, src, filesz)) ||
	    (memsz > filesz && !mem->zero(mem->ctx, addr + filesz, memsz - filesz)))
		return boot_fail(BOOT_MEM_FAILED, "Multiboot: guest memory write failed");
	if (addr < ld->start)
		ld->start = addr;
	if (end > ld->end)
		ld->end = (uint32_t)end;
	if (low && addr < ld->low_start)
		ld->low_start = addr;
	if (low && end > ld->low_end)
		ld->low_end = (uint32_t)end;
	if (!low && end > ld->high_end)
		ld->high_end = (uint32_t)end;
	return boot_fail(BOOT_OK, "ok");
}

static struct boot_result parse_aout(const uint8_t *img, size_t len, uint32_t hdr_off,
				     mb_segment_fn seg, void *ctx, uint32_t *entry)
{
	const uint8_t *h = img + hdr_off;
	uint32_t header_addr, load_addr, load_end, bss_end;
	uint32_t file_off, load_len, mem_len;

	if (hdr_off + MB_AOUT_HEADER_LEN > len)
		return boot_fail(BOOT_TRUNCATED, "Multiboot: a.out header cut off");
	header_addr = vmm_get32(h + 12);
	load_addr = vmm_get32(h + 16);
	load_end = vmm_get32(h + 20);
	bss_end = vmm_get32(h + 24);
	if (header_addr < load_addr || header_addr - load_addr > hdr_off)
		return boot_fail(BOOT_BAD_IMAGE, "Multiboot: header_addr/load_addr inconsistent with the header's file offset");
	file_off = hdr_off - (header_addr - load_addr);
	load_len = load_end ? load_end - load_addr : (uint32_t)(len - file_off);
	if (load_end && (load_end < load_addr || load_len > len - file_off))
		return boot_fail(BOOT_TRUNCATED, "Multiboot: load_end_addr beyond the end of the file");
	mem_len = load_len;
	if (bss_end) {
		if (bss_end < load_addr + load_len)
			return boot_fail(BOOT_BAD_IMAGE, "Multiboot: bss_end_addr below load_end_addr");
		mem_len = bss_end - load_addr;
	}
	*entry = vmm_get32(h + 28);
	return seg(ctx, load_addr, file_off, load_len, mem_len);
}

static struct boot_result parse_elf(const uint8_t *img, size_t len,
				    mb_segment_fn seg, void *ctx, uint32_t *entry)
{
	uint32_t phoff, phentsize, phnum;
	struct boot_result r = boot_fail(BOOT_BAD_IMAGE, "Multiboot: ELF has no PT_LOAD segment");

	if (len < EH_SIZE || img[0] != 0x7f || img[1] != 'E' || img[2] != 'L' ||
	    img[3] != 'F')
		return boot_fail(BOOT_BAD_IMAGE, "Multiboot: no a.out kludge and not an ELF file");
	if (img[EI_CLASS] != ELFCLASS32 || img[EI_DATA] != ELFDATA2LSB ||
	    vmm_get16(img + EH_TYPE) != ET_EXEC ||
	    vmm_get16(img + EH_MACHINE) != EM_386)
		return boot_fail(BOOT_UNSUPPORTED, "Multiboot: ELF is not a 32-bit i386 executable");
	phoff = vmm_get32(img + EH_PHOFF);
	phentsize = vmm_get16(img + EH_PHENTSIZE);
	phnum = vmm_get16(img + EH_PHNUM);
	if (phentsize < PH_SIZE || phoff > len ||
	    (uint64_t)phnum * phentsize > len - phoff)
		return boot_fail(BOOT_TRUNCATED, "Multiboot: ELF program headers beyond the end of the file");
	for (uint32_t i = 0; i < phnum; i++) {
		const uint8_t *ph = img + phoff + i * phentsize;
		uint32_t off = vmm_get32(ph + PH_OFFSET);
		uint32_t filesz = vmm_get32(ph + PH_FILESZ);
		uint32_t memsz = vmm_get32(ph + PH_MEMSZ);

		if (vmm_get32(ph + PH_TYPE) != PT_LOAD || memsz == 0)
			continue;
		if (off > len || filesz > len - off)
			return boot_fail(BOOT_TRUNCATED, "Multiboot: ELF segment beyond the end of the file");
		if (memsz < filesz)
			return boot_fail(BOOT_BAD_IMAGE, "Multiboot: ELF segment with p_memsz < p_filesz");
		r = seg(ctx, vmm_get32(ph + PH_PADDR), off, filesz, memsz);
		if (r.status != BOOT_OK)
			return r;
	}
	*entry = vmm_get32(img + EH_ENTRY);
	return r;
}

/* Bump allocator over the info area below 1 MiB. */
struct mb_info_area {
	const struct guest_mem *mem;
	uint32_t base, next, end;
	bool ok;
};

/* The first info window no low kernel segment overlaps; false: none. */
static bool info_area_pick(const struct mb_load *ld, struct mb_info_area *a)
{
	for (size_t i = 0; i < VMM_ARRAY_SIZE(info_windows); i++) {
		const uint32_t *w = info_windows[i];

		if (ld->low_start < ld->low_end &&
		    ld->low_start < w[1] && w[0] < ld->low_end)
			continue;
		a->base = w[0];
		a->next = w[0] + MBI_SIZE;
		a->end = w[1];
		return true;
	}
	return false;
}

static uint32_t info_put_at(struct mb_info_area *a, const void *p, size_t len,
			   uint32_t align)
{
	uint32_t addr = (a->next + align - 1) & ~(align - 1);

	if (!a->ok || addr + len > a->end) {
		a->ok = false;
		return 0;
	}
	a->ok = a->mem->write(a->mem->ctx, addr, p, len);
	a->next = addr + (uint32_t)len;
	return addr;
}

static uint32_t info_put(struct mb_info_area *a, const void *p, size_t len)
{
	return info_put_at(a, p, len, 4);
}

static uint32_t info_str(struct mb_info_area *a, const char *s)
{
	size_t n = 0;
	uint32_t addr;

	while (s && s[n] && n < a->end)
		n++;
	addr = info_put_at(a, s ? s : "", n, 1);
	info_put_at(a, "", 1, 1);	/* the terminating NUL */
	return addr;
}

static void put_mmap(struct mb_info_area *a, uint64_t ram_size, uint8_t *mbi)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	unsigned int n = boot_e820(ram_size, map);
	uint32_t first = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint8_t e[MB_MMAP_ENTRY];
		uint32_t at;

		vmm_put32(e, MB_MMAP_ENTRY - 4);
		vmm_put64(e + 4, map[i].addr);
		vmm_put64(e + 12, map[i].size);
		vmm_put32(e + 20, map[i].type);
		at = info_put(a, e, sizeof(e));
		first = i == 0 ? at : first;
	}
	vmm_put32(mbi + MBI_MMAP_ADDR, first);
	vmm_put32(mbi + MBI_MMAP_LENGTH, n * MB_MMAP_ENTRY);
}

/* Modules go page-aligned after the kernel; their table (an array) into the info area. */
static struct boot_result put_modules(struct mb_load *ld,
				      struct mb_info_area *a,
				      const struct multiboot_args *args,
				      uint8_t *mbi)
{
	uint32_t at = page_up(ld->high_end), table = 0;
	uint8_t tab[MB_MOD_ENTRY] = { 0 };

	/* reserve the array first: the strings follow it */
	for (unsigned int i = 0; i < args->nr_modules; i++) {
		uint32_t slot = info_put(a, tab, sizeof(tab));

		table = i == 0 ? slot : table;
	}
	for (unsigned int i = 0; i < args->nr_modules && a->ok; i++) {
		const struct multiboot_module *m = &args->modules[i];

		if ((uint64_t)at + m->len > ld->ram_end)
			return boot_fail(BOOT_NO_ROOM, "Multiboot: modules do not fit in guest RAM");
		if (m->len && !ld->mem->write(ld->mem->ctx, at, m->data, m->len))
			return boot_fail(BOOT_MEM_FAILED, "Multiboot: guest memory write failed");
		vmm_put32(tab, at);
		vmm_put32(tab + 4, at + (uint32_t)m->len);
		vmm_put32(tab + 8, info_str(a, m->string));
		if (!ld->mem->write(ld->mem->ctx, table + i * MB_MOD_ENTRY, tab,
				    sizeof(tab)))
			return boot_fail(BOOT_MEM_FAILED, "Multiboot: guest memory write failed");
		at = page_up((uint64_t)at + m->len);
	}
	vmm_put32(mbi + MBI_MODS_COUNT, args->nr_modules);
	vmm_put32(mbi + MBI_MODS_ADDR, table);
	return boot_fail(BOOT_OK, "ok");
}

int32_t multiboot_header_offset(const uint8_t *img, size_t len)
{
	for (uint32_t off = 0; off + MB_HEADER_LEN <= len && off < MB_SEARCH_LEN;
	     off += MB_HEADER_ALIGN) {
		uint32_t magic = vmm_get32(img + off);

		if (magic == MB_HEADER_MAGIC &&
		    magic + vmm_get32(img + off + 4) + vmm_get32(img + off + 8) == 0)
			return (int32_t)off;
	}
	return -1;
}

/*
 * The kernel's header (its required features checked) and its segments,
 * each handed to seg; *entry the entry point.
 */
static struct boot_result mb_parse(const struct multiboot_args *args, mb_segment_fn seg,
				   void *ctx, uint32_t *entry)
{
	uint32_t flags;
	int32_t off;

	if (!args->kernel)
		return boot_fail(BOOT_BAD_IMAGE, "Multiboot: no kernel given");
	off = multiboot_header_offset(args->kernel, args->kernel_len);
	if (off < 0)
		return boot_fail(BOOT_BAD_IMAGE, "Multiboot: no header (magic 0x1BADB002 with valid checksum) in the first 8 KiB");
	flags = vmm_get32(args->kernel + off + 4);
	if (flags & MB_REQUIRED_MASK & ~MB_UNDERSTOOD)
		return boot_fail(BOOT_UNSUPPORTED, "Multiboot: header requires a feature this loader lacks (flags bits 3-15)");
	if (flags & MB_AOUT_KLUDGE)
		return parse_aout(args->kernel, args->kernel_len, (uint32_t)off, seg, ctx, entry);
	return parse_elf(args->kernel, args->kernel_len, seg, ctx, entry);
}

struct boot_result multiboot_load(const struct guest_mem *mem,
				  const struct multiboot_args *args)
{
	struct mb_load ld = { .mem = mem, .img = args->kernel,
			      .ram_end = boot_high_ram_end(mem->ram_size),
			      .start = UINT32_MAX, .end = 0,
			      .low_start = UINT32_MAX, .low_end = 0,
			      .high_end = BOOT_HIGH_MEM };
	struct mb_info_area area = { .mem = mem, .ok = true };
	uint8_t mbi[MBI_SIZE] = { 0 };
	struct boot_result r;

	r = mb_parse(args, load_segment, &ld, &ld.entry);
	if (r.status != BOOT_OK)
		return r;
	if (!info_area_pick(&ld, &area))
		return boot_fail(BOOT_NO_ROOM, "Multiboot: the kernel's segments below 1 MiB leave no room for the info structure (0x9000-0x10000 or 0x10000-0x17000)");

	vmm_put32(mbi + MBI_FLAGS, MBI_F_MEM | MBI_F_CMDLINE | MBI_F_MODS |
		  MBI_F_MMAP | MBI_F_LOADER_NAME);
	vmm_put32(mbi + MBI_MEM_LOWER, BOOT_EBDA_ADDR / 1024);
	vmm_put32(mbi + MBI_MEM_UPPER, (uint32_t)((ld.ram_end - BOOT_HIGH_MEM) / 1024));
	put_mmap(&area, mem->ram_size, mbi);
	vmm_put32(mbi + MBI_CMDLINE, info_str(&area, args->cmdline));
	vmm_put32(mbi + MBI_BOOT_LOADER_NAME, info_str(&area, LOADER_NAME));
	r = put_modules(&ld, &area, args, mbi);
	if (r.status != BOOT_OK)
		return r;
	if (!area.ok)
		return boot_fail(BOOT_NO_ROOM, "Multiboot: command line and module strings overflow the info area (28 KiB)");
	if (!mem->write(mem->ctx, area.base, mbi, sizeof(mbi)) ||
	    !boot_write_gdt(mem, &r.entry))
		return boot_fail(BOOT_MEM_FAILED, "Multiboot: guest memory write failed");

	r.status = BOOT_OK;
	r.msg = "Multiboot kernel loaded";
	r.entry.eip = ld.entry;
	r.entry.eax = MB_BOOTLOADER_MAGIC;
	r.entry.ebx = area.base;
	r.entry.ecx = r.entry.edx = r.entry.esi = r.entry.edi = 0;
	r.entry.ebp = r.entry.esp = 0;
	r.kernel_start = ld.start;
	r.kernel_end = ld.end;
	r.initrd_addr = r.initrd_size = 0;
	return r;
}

/* ---- firmware boot: QEMU's Multiboot image for multiboot_dma.bin ---- */

#define MB_FW_BOOT_DEVICE	0x8000ffffu	/* QEMU's: BIOS drive 80h, no partition */

struct mb_fw_seg {
	uint32_t addr, offset, filesz, memsz;
};

struct mb_fw_build {
	struct mb_fw_seg seg[MB_FW_MAX_SEGMENTS];
	unsigned int nr_seg;
	struct multiboot_fw_cfg *out;
	uint64_t at;			/* the image's length so far */
};

/* The parser's segments, kept in address order. */
static struct boot_result collect_segment(void *ctx, uint32_t addr, uint32_t offset,
					  uint32_t filesz, uint32_t memsz)
{
	struct mb_fw_build *b = ctx;
	unsigned int i;

	if (!memsz)
		return boot_fail(BOOT_OK, "ok");
	if (b->nr_seg == MB_FW_MAX_SEGMENTS)
		return boot_fail(BOOT_UNSUPPORTED, "Multiboot: more than 16 loadable segments for the firmware's loader");
	for (i = b->nr_seg++; i && b->seg[i - 1].addr > addr; i--)
		b->seg[i] = b->seg[i - 1];
	b->seg[i] = (struct mb_fw_seg){ addr, offset, filesz, memsz };
	return boot_fail(BOOT_OK, "ok");
}

/* The next len bytes of the image (zeros joined to zeros before them). */
static void add_part(struct mb_fw_build *b, uint32_t source, uint32_t index,
		     uint32_t offset, uint32_t len)
{
	struct multiboot_fw_cfg *out = b->out;
	struct multiboot_fw_part *last = out->nr_parts ? &out->part[out->nr_parts - 1] : NULL;

	b->at += len;
	if (!len)
		return;
	if (source == MB_FW_ZEROS && last && last->source == MB_FW_ZEROS) {
		last->len += len;
		return;
	}
	/* never more than MB_FW_MAX_PARTS: 3 a segment, 3 for the padding and info, 2 a module */
	out->part[out->nr_parts++] = (struct multiboot_fw_part){ source, index, offset, len };
}

/* Zeros up to the next page boundary of the image. */
static void pad_part(struct mb_fw_build *b)
{
	add_part(b, MB_FW_ZEROS, 0, 0, (uint32_t)(page_up(b->at) - b->at));
}

/* Bytes of s with its NUL, at most max (more: max + 1). */
static uint32_t str_size(const char *s, uint32_t max)
{
	uint32_t n = 0;

	while (s && n <= max && s[n])
		n++;
	return n + 1;
}

/* s and its NUL into the info area at *at; returns its guest address. */
static uint32_t info_add_str(struct multiboot_fw_cfg *out, uint32_t *at, const char *s,
			     uint32_t info_off)
{
	uint32_t n = str_size(s, MB_FW_INFO_MAX), addr = out->load_addr + info_off + *at;

	vmm_copy(out->info + *at, s ? s : "", n - 1);
	out->info[*at + n - 1] = 0;
	*at += n;
	return addr;
}

/* The kernel's segments as they lie in memory, from the lowest one's address. */
static struct boot_result build_kernel_parts(struct mb_fw_build *b)
{
	uint64_t end = b->seg[0].addr;

	b->out->load_addr = b->seg[0].addr;
	for (unsigned int i = 0; i < b->nr_seg; i++) {
		const struct mb_fw_seg *s = &b->seg[i];

		if (s->addr < end)
			return boot_fail(BOOT_BAD_IMAGE, "Multiboot: two of the kernel's segments overlap");
		add_part(b, MB_FW_ZEROS, 0, 0, (uint32_t)(s->addr - end));
		add_part(b, MB_FW_KERNEL, 0, s->offset, s->filesz);
		add_part(b, MB_FW_ZEROS, 0, 0, s->memsz - s->filesz);
		end = (uint64_t)s->addr + s->memsz;
	}
	pad_part(b);
	return boot_fail(BOOT_OK, "ok");
}

struct boot_result multiboot_fw_cfg_prepare(const struct multiboot_args *args,
					    uint64_t ram_size,
					    struct multiboot_fw_cfg *out)
{
	struct mb_fw_build b = { .out = out };
	uint64_t mod_at, high_end = boot_high_ram_end(ram_size);
	uint32_t info_off, at, len, cmdline, loader;
	struct boot_result r;
	unsigned int i;

	vmm_zero(out, sizeof(*out));
	if (args->nr_modules > MB_FW_MAX_MODULES)
		return boot_fail(BOOT_UNSUPPORTED, "Multiboot: more than 4 modules for the firmware's loader");
	r = mb_parse(args, collect_segment, &b, &out->entry);
	if (r.status != BOOT_OK)
		return r;
	if (!b.nr_seg)
		return boot_fail(BOOT_BAD_IMAGE, "Multiboot: the kernel loads nothing");
	r = build_kernel_parts(&b);
	if (r.status != BOOT_OK)
		return r;

	/* the info area: module table, module strings, command line, loader name */
	info_off = (uint32_t)b.at;
	len = args->nr_modules * MB_MOD_ENTRY + str_size(args->cmdline, MB_FW_INFO_MAX) +
	      sizeof(LOADER_NAME);
	for (i = 0; i < args->nr_modules; i++)
		len += str_size(args->modules[i].string, MB_FW_INFO_MAX);
	if (len > MB_FW_INFO_MAX)
		return boot_fail(BOOT_UNSUPPORTED, "Multiboot: command line and module strings over 8 KiB");
	out->info_len = len;
	add_part(&b, MB_FW_INFO, 0, 0, len);
	pad_part(&b);
	at = args->nr_modules * MB_MOD_ENTRY;
	for (i = 0, mod_at = b.at; i < args->nr_modules; i++) {
		uint8_t *e = out->info + i * MB_MOD_ENTRY;
		uint64_t mlen = args->modules[i].len;

		if (mlen > UINT32_MAX)
			return boot_fail(BOOT_NO_ROOM, "Multiboot: modules do not fit in guest RAM");
		vmm_put32(e, (uint32_t)(out->load_addr + mod_at));
		vmm_put32(e + 4, (uint32_t)(out->load_addr + mod_at + mlen));
		vmm_put32(e + 8, info_add_str(out, &at, args->modules[i].string, info_off));
		add_part(&b, MB_FW_MODULE, i, 0, (uint32_t)mlen);
		pad_part(&b);
		mod_at = b.at;
	}
	cmdline = info_add_str(out, &at, args->cmdline, info_off);
	loader = info_add_str(out, &at, LOADER_NAME, info_off);

	/* the whole image where the ROM may put it */
	if (out->load_addr < BOOT_HIGH_MEM ?
	    out->load_addr < MB_FW_LOW_START || out->load_addr + b.at > BOOT_EBDA_ADDR :
	    high_end < LINUX_FW_TABLES_SIZE ||
	    out->load_addr + b.at > high_end - LINUX_FW_TABLES_SIZE)
		return boot_fail(BOOT_NO_ROOM, "Multiboot: kernel and modules not within 0xA000-0x9FC00 or 1 MiB to RAM top - 160 KiB");
	out->size = (uint32_t)b.at;

	vmm_put32(out->mbi + MBI_FLAGS, MBI_F_MEM | MBI_F_BOOT_DEVICE | MBI_F_CMDLINE |
		  MBI_F_MODS | MBI_F_MMAP | MBI_F_LOADER_NAME);
	vmm_put32(out->mbi + MBI_BOOT_DEVICE, MB_FW_BOOT_DEVICE);
	vmm_put32(out->mbi + MBI_CMDLINE, cmdline);
	vmm_put32(out->mbi + MBI_MODS_COUNT, args->nr_modules);
	vmm_put32(out->mbi + MBI_MODS_ADDR, out->load_addr + info_off);
	vmm_put32(out->mbi + MBI_MMAP_ADDR, MB_FW_MMAP_ADDR);
	vmm_put32(out->mbi + MBI_BOOT_LOADER_NAME, loader);
	return boot_fail(BOOT_OK, "Multiboot kernel prepared for the firmware");
}
