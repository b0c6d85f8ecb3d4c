// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ACPI tables of vmm/boot/acpi.c, read the way an OS reads them: the
 * RSDP found by scanning 0xE0000-0xFFFFF, every checksum, the RSDT's
 * tables, the FADT's blocks (those of vmm/dev/power.h), the FACS, the
 * DSDT's \_S5 and PCI root bridge (its _PRT and _CRS windows, for several
 * RAM sizes) with the 8042 behind its PIIX3, and the MADT's entries for
 * 1..8 vCPUs.
 */
#include "tests/unit/check_run.h"
#include "tests/unit/vmmboot/guest_ram.h"
#include "vmm/dev/pci_host.h"
#include "vmm/dev/power.h"

#define RAM		(4u << 20)
#define IOAPIC_ADDR	0xfec00000u

/* The RSDP as Linux finds it (ACPI 6.4 §5.2.5.1): 16-byte steps, checksum. */
static uint32_t find_rsdp(const struct guest_ram *r)
{
	for (uint32_t a = 0xe0000; a < 0x100000; a += 16)
		if (!memcmp(r->buf + a, "RSD PTR ", 8) && vmm_checksum8(r->buf + a, 20) == 0)
			return a;
	return 0;
}

/* A table's address, checked: signature, length and checksum. */
static const uint8_t *table(const struct guest_ram *r, uint32_t addr,
			    const char *sig)
{
	const uint8_t *t;
	uint32_t len;

	ck_assert_uint_ge(addr, 0xf0000);
	ck_assert_uint_lt(addr, 0x100000);
	t = r->buf + addr;
	ck_assert_mem_eq(t, sig, 4);
	len = vmm_get32(t + 4);
	ck_assert_uint_ge(len, 36);
	ck_assert_uint_le(addr + len, 0x100000);
	ck_assert_msg(vmm_checksum8(t, len) == 0, "%s checksum", sig);
	ck_assert_mem_eq(t + 10, "VMK   ", 6);
	return t;
}

/* The RSDT's entry with signature sig (NULL if absent). */
static const uint8_t *rsdt_find(const struct guest_ram *r, const char *sig)
{
	uint32_t rsdp = find_rsdp(r);
	const uint8_t *rsdt;

	ck_assert_uint_ne(rsdp, 0);
	ck_assert_uint_eq(r->buf[rsdp + 15], 0);	/* revision 0 */
	rsdt = table(r, vmm_get32(r->buf + rsdp + 16), "RSDT");
	for (uint32_t i = 36; i < vmm_get32(rsdt + 4); i += 4) {
		uint32_t a = vmm_get32(rsdt + i);

		if (!memcmp(r->buf + a, sig, 4))
			return table(r, a, sig);
	}
	return NULL;
}

/*
 * The firmware's way (acpi_build_for_firmware()): SeaBIOS's table loader
 * run over the files as it runs it, strictly: each file allocated once
 * with the zone and alignment asked, before any command names it; every
 * pointer and checksum inside its file. The files go where the tests'
 * table() looks (SeaBIOS puts the tables high; the links are the same).
 */
static bool via_loader;
#define LOADER_RSDP_AT		0xf5000u
#define LOADER_TABLES_AT	0xf6000u

struct loaded_file {
	const char *name;
	const uint8_t *data;
	uint32_t len, at;
	uint8_t zone;
	bool allocated;
};

static struct loaded_file *loaded(struct loaded_file *f, const uint8_t *name)
{
	for (int i = 0; i < 2; i++)
		if (!strncmp((const char *)name, f[i].name, 56))
			return &f[i];
	ck_abort_msg("the loader names a file fw_cfg does not have: %.56s", name);
	return NULL;
}

static void run_loader(struct guest_ram *r, const struct acpi_firmware *t)
{
	struct loaded_file f[2] = {
		{ "etc/acpi/rsdp", t->rsdp, sizeof(t->rsdp), LOADER_RSDP_AT, 2, false },
		{ "etc/acpi/tables", t->tables, t->tables_len, LOADER_TABLES_AT, 1, false },
	};

	ck_assert_uint_eq(t->loader_len % 128, 0);
	for (uint32_t off = 0; off < t->loader_len; off += 128) {
		const uint8_t *e = t->loader + off;
		struct loaded_file *a = loaded(f, e + 4), *b;
		uint32_t at, start, len;
		uint8_t *p;

		switch (vmm_get32(e)) {
		case 1:		/* ALLOCATE file, align, zone */
			ck_assert(!a->allocated);
			ck_assert_uint_eq(a->at % vmm_get32(e + 60), 0);
			ck_assert_uint_eq(e[64], a->zone);
			memcpy(r->buf + a->at, a->data, a->len);
			a->allocated = true;
			break;
		case 2:		/* ADD_POINTER dest, src, offset, size */
			b = loaded(f, e + 60);
			ck_assert(a->allocated && b->allocated);
			at = vmm_get32(e + 116);
			ck_assert(e[120] == 4 || e[120] == 8);
			ck_assert_uint_le(at + e[120], a->len);
			p = r->buf + a->at + at;
			if (e[120] == 4)
				vmm_put32(p, vmm_get32(p) + b->at);
			else
				vmm_put64(p, vmm_get64(p) + b->at);
			break;
		case 3:		/* ADD_CHECKSUM file, offset, start, length */
			ck_assert(a->allocated);
			at = vmm_get32(e + 60);
			start = vmm_get32(e + 64);
			len = vmm_get32(e + 68);
			ck_assert_uint_lt(at, a->len);
			ck_assert_uint_le(start, a->len);
			ck_assert_uint_le(len, a->len - start);
			p = r->buf + a->at;
			p[at] = (uint8_t)(p[at] + vmm_checksum8(p + start, len));
			break;
		default:
			ck_abort_msg("loader command %u", vmm_get32(e));
		}
	}
	ck_assert(f[0].allocated && f[1].allocated);
}

/*
 * The tables of a VM with ram_size bytes of RAM. Only the first RAM bytes
 * are backed: the tables go below 1 MiB whatever the size.
 */
static struct guest_ram *ram_with_tables_for(unsigned int cpus, uint64_t ram_size)
{
	struct guest_ram *r = ram_new(RAM);
	static struct acpi_firmware t;

	r->mem.ram_size = ram_size;
	if (!via_loader) {
		ck_assert_int_eq(acpi_write(&r->mem, cpus, (uint8_t)cpus, IOAPIC_ADDR),
				 BOOT_OK);
		return r;
	}
	memset(&t, 0x5a, sizeof(t));	/* nothing may depend on what was there */
	ck_assert_int_eq(acpi_build_for_firmware(&t, &(struct acpi_pci_irqs){ { 11, 10, 11, 10 }, 10 },
						 ram_size,
						 cpus, (uint8_t)cpus, IOAPIC_ADDR), BOOT_OK);
	ck_assert_uint_le(t.loader_len, sizeof(t.loader));
	run_loader(r, &t);
	return r;
}

static struct guest_ram *ram_with_tables(unsigned int cpus)
{
	return ram_with_tables_for(cpus, RAM);
}

static struct guest_ram *tables_via(bool loader, unsigned int cpus)
{
	via_loader = loader;
	return ram_with_tables(cpus);
}

START_TEST(test_rsdp_is_found_in_the_bios_area_and_lists_fadt_and_madt)
{
	struct guest_ram *r;
	uint32_t rsdp;

	via_loader = _i;
	r = ram_with_tables(2);
	rsdp = find_rsdp(r);
	ck_assert_uint_eq(rsdp, via_loader ? LOADER_RSDP_AT : BOOT_ACPI_ADDR);
	ck_assert_ptr_nonnull(rsdt_find(r, "FACP"));
	ck_assert_ptr_nonnull(rsdt_find(r, "APIC"));
	ram_free(r);
}
END_TEST

START_TEST(test_fadt_describes_the_pm1_blocks_sci_and_power_button)
{
	struct guest_ram *r = tables_via(_i, 2);
	const uint8_t *f = rsdt_find(r, "FACP"), *facs;
	uint32_t flags;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(vmm_get32(f + 4), 244);
	ck_assert_uint_eq(f[8], 3);
	ck_assert_uint_eq(vmm_get16(f + 46), POWER_SCI_IRQ);
	ck_assert_uint_eq(vmm_get32(f + 48), 0);	/* no SMI_CMD: ACPI mode */
	ck_assert_uint_eq(vmm_get32(f + 56), POWER_PM1A_EVT_PORT);
	ck_assert_uint_eq(vmm_get32(f + 64), POWER_PM1A_CNT_PORT);
	ck_assert_uint_eq(vmm_get32(f + 76), 0);	/* no PM timer */
	ck_assert_uint_eq(vmm_get32(f + 80), 0);	/* no GPE0 block */
	ck_assert_uint_eq(f[88], 4);
	ck_assert_uint_eq(f[89], 2);
	flags = vmm_get32(f + 112);
	ck_assert_uint_eq(flags & (1u << 4), 0);	/* fixed power button */
	ck_assert_uint_ne(flags & (1u << 5), 0);	/* no fixed sleep button */
	ck_assert_uint_ne(flags & (1u << 10), 0);	/* reset register */
	ck_assert_uint_eq(f[116], 1);			/* ... in I/O space */
	ck_assert_uint_eq(ram64(r, (uint32_t)(f - r->buf) + 120), POWER_RC_PORT);
	ck_assert_uint_eq(f[128], 0x06);
	/* IAPC_BOOT_ARCH (§5.2.9.3): legacy devices, an 8042, no VGA */
	ck_assert_uint_eq(vmm_get16(f + 109), 0x0001 | 0x0002 | 0x0004);
	/* the 64-bit fields agree with the 32-bit ones; X_FIRMWARE_CTRL must
	   be 0 with FIRMWARE_CTRL set (else Linux installs the FACS twice) */
	ck_assert_uint_eq(ram64(r, (uint32_t)(f - r->buf) + 132), 0);
	ck_assert_uint_eq(ram64(r, (uint32_t)(f - r->buf) + 140), vmm_get32(f + 40));
	ck_assert_uint_eq(ram64(r, (uint32_t)(f - r->buf) + 152), POWER_PM1A_EVT_PORT);
	ck_assert_uint_eq(f[149], 32);
	ck_assert_uint_eq(ram64(r, (uint32_t)(f - r->buf) + 176), POWER_PM1A_CNT_PORT);
	ck_assert_uint_eq(f[173], 16);
	/* FACS: 64 bytes on a 64-byte boundary */
	ck_assert_uint_eq(vmm_get32(f + 36) % 64, 0);
	facs = r->buf + vmm_get32(f + 36);
	ck_assert_mem_eq(facs, "FACS", 4);
	ck_assert_uint_eq(vmm_get32(facs + 4), 64);
	ram_free(r);
}
END_TEST

START_TEST(test_dsdt_holds_s5_with_the_slp_typ_the_pm1_control_powers_off_on)
{
	struct guest_ram *r = tables_via(_i, 1);
	const uint8_t *f = rsdt_find(r, "FACP");
	const uint8_t *d = table(r, vmm_get32(f + 40), "DSDT");
	/* Name (_S5_, Package (4) {BytePrefix SLP_TYPa, BytePrefix SLP_TYPb, 0, 0}) */
	const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 8, 4,
			       0x0a, POWER_SLP_TYP_S5, 0x0a, POWER_SLP_TYP_S5,
			       0x00, 0x00 };

	/*
	 * Scope (\_SB) { Device (PCI0) { Name (_HID, EisaId ("PNP0A03"))
	 * Name (_UID, Zero) Name (_PRT, Package (5) { Package (4)
	 * {0x0003FFFF, Zero, Zero, 11}, Package (4) {0x0004FFFF, Zero, Zero, 10},
	 * Package (4) {0x0005FFFF, Zero, Zero, 11}, Package (4) {0x0006FFFF,
	 * Zero, Zero, 10}, Package (4) {0x0010FFFF, Zero, Zero, 10} }) Name (_CRS, ResourceTemplate () { WordBusNumber 0-FF, IO CF8h
	 * length 8, WordIO 0-CF7h, WordIO D00h-FFFFh, DWordMemory 400000h (the
	 * end of the 4 MiB of RAM)-FEBFFFFFh }) Device (ISA) { Name (_ADR,
	 * 0x00010000) Device (KBD) { Name (_HID, EisaId ("PNP0303")) Name (_CRS,
	 * ResourceTemplate () { IO (Decode16, 0x60, 0x60, 1, 1) IO (Decode16,
	 * 0x64, 0x64, 1, 1) IRQNoFlags () {1} }) } } } }, assembled by hand from
	 * ACPI 6.4 §20 and §6.4 (iasl -d agrees). Scope, Device (PCI0) and its
	 * Buffer need two-byte PkgLengths: 257, 248 and 88 bytes.
	 */
	const uint8_t pci0[] = {
		0x10, 0x41, 0x10, '\\', '_', 'S', 'B', '_',
		0x5b, 0x82, 0x48, 0x0f, 'P', 'C', 'I', '0',
		0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03,
		0x08, '_', 'U', 'I', 'D', 0x00,
		0x08, '_', 'P', 'R', 'T', 0x12, 62, 5,
		0x12, 11, 4, 0x0c, 0xff, 0xff, 0x03, 0x00, 0x00, 0x00, 0x0a, 11,
		0x12, 11, 4, 0x0c, 0xff, 0xff, 0x04, 0x00, 0x00, 0x00, 0x0a, 10,
		0x12, 11, 4, 0x0c, 0xff, 0xff, 0x05, 0x00, 0x00, 0x00, 0x0a, 11,
		0x12, 11, 4, 0x0c, 0xff, 0xff, 0x06, 0x00, 0x00, 0x00, 0x0a, 10,
		0x12, 11, 4, 0x0c, 0xff, 0xff, 0x10, 0x00, 0x00, 0x00, 0x0a, 10,
		0x08, '_', 'C', 'R', 'S', 0x11, 0x48, 0x05, 0x0a, 84,
		0x88, 13, 0, 2, 0x0c, 0, 0, 0, 0, 0, 0xff, 0, 0, 0, 0x00, 0x01,
		0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08,
		0x88, 13, 0, 1, 0x0c, 3, 0, 0, 0x00, 0x00, 0xf7, 0x0c, 0, 0, 0xf8, 0x0c,
		0x88, 13, 0, 1, 0x0c, 3, 0, 0, 0x00, 0x0d, 0xff, 0xff, 0, 0, 0x00, 0xf3,
		0x87, 23, 0, 0, 0x0c, 0x01, 0, 0, 0, 0, 0x00, 0x00, 0x40, 0x00,
		0xff, 0xff, 0xbf, 0xfe, 0, 0, 0, 0, 0x00, 0x00, 0x80, 0xfe,
		0x79, 0x00,
		0x5b, 0x82, 62, 'I', 'S', 'A', '_',
		0x08, '_', 'A', 'D', 'R', 0x0c, 0x00, 0x00, 0x01, 0x00,
		0x5b, 0x82, 45, 'K', 'B', 'D', '_',
		0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x03, 0x03,
		0x08, '_', 'C', 'R', 'S', 0x11, 24, 0x0a, 21,
		0x47, 0x01, 0x60, 0x00, 0x60, 0x00, 0x01, 0x01,
		0x47, 0x01, 0x64, 0x00, 0x64, 0x00, 0x01, 0x01,
		0x22, 0x02, 0x00,
		0x79, 0x00,
	};

	ck_assert_uint_eq(vmm_get32(d + 4), 36 + sizeof(s5) + sizeof(pci0));
	ck_assert_mem_eq(d + 36, s5, sizeof(s5));
	/* PkgLength counts itself and everything after it in the package */
	ck_assert_uint_eq(d[36 + 6], sizeof(s5) - 6);
	ck_assert_mem_eq(d + 36 + sizeof(s5), pci0, sizeof(pci0));
	ram_free(r);
}
END_TEST

/* An AML PkgLength at p (§20.2.4): the length it gives; *n its bytes. */
static uint32_t pkg_length_at(const uint8_t *p, unsigned int *n)
{
	uint32_t len;

	*n = (p[0] >> 6) + 1u;
	if (*n == 1)
		return p[0] & 0x3f;
	len = p[0] & 0x0f;
	for (unsigned int i = 1; i < *n; i++)
		len |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	return len;
}

/* The only place of needle in [h, h + len), as an offset. */
static uint32_t find_once(const uint8_t *h, uint32_t len, const uint8_t *needle, uint32_t n)
{
	uint32_t at = 0, found = 0;

	for (uint32_t i = 0; i + n <= len; i++)
		if (!memcmp(h + i, needle, n)) {
			at = i;
			found++;
		}
	ck_assert_uint_eq(found, 1);
	return at;
}

/*
 * The only Device (name) in the AML: the offset of its ExtOpPrefix, and
 * in *end the offset just past it (its PkgLength, inside the AML).
 */
static uint32_t find_device(const uint8_t *aml, uint32_t aml_len, const char *name,
			    uint32_t *end)
{
	uint32_t at = 0, found = 0, len;
	unsigned int n;

	for (uint32_t i = 0; i + 3 < aml_len; i++) {
		if (aml[i] != 0x5b || aml[i + 1] != 0x82)
			continue;
		len = pkg_length_at(aml + i + 2, &n);
		if (i + 2 + n + 4 <= aml_len && !memcmp(aml + i + 2 + n, name, 4)) {
			at = i;
			*end = i + 2 + len;
			found++;
		}
	}
	ck_assert_msg(found == 1, "Device (%s) %u times", name, found);
	ck_assert_uint_le(*end, aml_len);
	return at;
}

/* The DSDT's AML of a VM with one vCPU and 4 MiB: *len its bytes. */
static const uint8_t *dsdt_aml(const struct guest_ram *r, uint32_t *len)
{
	const uint8_t *f = rsdt_find(r, "FACP");
	const uint8_t *d = table(r, vmm_get32(f + 40), "DSDT");

	*len = vmm_get32(d + 4) - 36;
	return d + 36;
}

/* A Word (size 2) or DWord (size 4) Address Space Descriptor the bridge produces. */
static const uint8_t *check_addr_desc(const uint8_t *d, unsigned int size, uint8_t type,
				      uint8_t type_flags, uint32_t min, uint32_t max)
{
	const uint8_t *f = d + 6;
	uint32_t v[5];

	ck_assert_uint_eq(d[0], size == 2 ? 0x88 : 0x87);	/* §6.4.3.5.3, §6.4.3.5.2 */
	ck_assert_uint_eq(vmm_get16(d + 1), size == 2 ? 13 : 23);
	ck_assert_uint_eq(d[3], type);
	/* producer (bit 0 clear), positive decode, min and max fixed */
	ck_assert_uint_eq(d[4], 0x0c);
	ck_assert_uint_eq(d[5], type_flags);
	for (int i = 0; i < 5; i++)
		v[i] = size == 2 ? vmm_get16(f + 2 * i) : vmm_get32(f + 4 * i);
	ck_assert_uint_eq(v[0], 0);			/* granularity */
	ck_assert_uint_eq(v[1], min);
	ck_assert_uint_eq(v[2], max);
	ck_assert_uint_eq(v[3], 0);			/* no translation */
	ck_assert_uint_eq(v[4], max - min + 1);		/* fixed: the whole range */
	return d + 3 + vmm_get16(d + 1);
}

/*
 * The DSDT's PCI0._CRS for ram_size bytes of RAM, parsed as an OS does:
 * the Buffer inside Device (PCI0), its size, each descriptor in order,
 * the end tag last; the memory window returned in *min, *max.
 */
static void check_root_bridge_crs(uint64_t ram_size, uint32_t *min, uint32_t *max)
{
	static const uint8_t name_crs[] = { 0x08, '_', 'C', 'R', 'S', 0x11 };
	struct guest_ram *r = ram_with_tables_for(1, ram_size);
	const uint8_t *aml, *buf, *p, *end;
	uint32_t aml_len, dev, dev_end, isa, isa_end, crs, buf_len;
	unsigned int n;

	aml = dsdt_aml(r, &aml_len);
	dev = find_device(aml, aml_len, "PCI0", &dev_end);
	isa = find_device(aml, aml_len, "ISA_", &isa_end);
	ck_assert_uint_gt(isa, dev);
	crs = dev + find_once(aml + dev, isa - dev, name_crs, sizeof(name_crs));
	buf = aml + crs + sizeof(name_crs);
	buf_len = pkg_length_at(buf, &n);
	/* the Buffer ends where the ISA bridge, the device's last object, begins */
	ck_assert_uint_eq(crs + sizeof(name_crs) + buf_len, isa);
	ck_assert_uint_eq(isa_end, dev_end);
	ck_assert_uint_eq(buf[n], 0x0a);		/* BufferSize: a ByteConst */
	ck_assert_uint_eq(buf[n + 1], buf_len - n - 2);
	p = buf + n + 2;
	end = p + buf[n + 1];

	p = check_addr_desc(p, 2, 2, 0, 0x00, 0xff);	/* the bus numbers */
	/* IO (Decode16, 0xCF8, 0xCF8, 1, 8): the configuration ports, consumed */
	ck_assert_uint_eq(p[0], 0x47);
	ck_assert_uint_eq(p[1], 0x01);
	ck_assert_uint_eq(vmm_get16(p + 2), 0xcf8);
	ck_assert_uint_eq(vmm_get16(p + 4), 0xcf8);
	ck_assert_uint_eq(p[6], 1);
	ck_assert_uint_eq(p[7], 8);
	p += 8;
	p = check_addr_desc(p, 2, 1, 0x03, 0x0000, 0x0cf7);	/* ISA and non-ISA */
	p = check_addr_desc(p, 2, 1, 0x03, 0x0d00, 0xffff);
	ck_assert_uint_eq(p[0], 0x87);
	*min = vmm_get32(p + 10);
	*max = vmm_get32(p + 14);
	p = check_addr_desc(p, 4, 0, 0x01, *min, *max);	/* read/write, uncached */
	ck_assert_uint_eq(p[0], 0x79);				/* End Tag */
	ck_assert_uint_eq(p[1], 0x00);				/* no checksum */
	ck_assert_ptr_eq(p + 2, end);
	ram_free(r);
}

/*
 * The memory window is where the PCI host lets a memory BAR decode: from
 * the end of the RAM below 4 GiB to just below the IOAPIC, so it holds no
 * RAM of the E820 map, no IOAPIC, LAPIC or firmware ROM.
 */
START_TEST(test_root_bridge_crs_gives_bus_io_and_memory_windows_clear_of_ram)
{
	static const struct {
		uint64_t ram;
		uint32_t min;
	} sizes[] = {
		{ 4ull << 20, 0x00400000 },
		{ 256ull << 20, 0x10000000 },
		{ 1ull << 30, 0x40000000 },	/* VMK_VM_MAX_MEM_MB */
		{ 3ull << 30, 0xc0000000 },
		{ 0xe0000000ull, 0xe0000000 },	/* exactly to the hole */
		{ 8ull << 30, 0xe0000000 },	/* the rest goes above 4 GiB */
	};
	static const uint32_t chipset[] = { IOAPIC_ADDR, 0xfee00000, 0xfffc0000, 0xffffffff };

	via_loader = _i;
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct e820_entry map[E820_MAX_ENTRIES];
		unsigned int n = boot_e820(sizes[i].ram, map);
		uint32_t min, max;

		check_root_bridge_crs(sizes[i].ram, &min, &max);
		ck_assert_uint_eq(min, sizes[i].min);
		ck_assert_uint_eq(max, 0xfebfffff);
		ck_assert_uint_eq(min, pci_mem_bar_start(sizes[i].ram));
		ck_assert_uint_eq(max, PCI_MEM_BAR_END - 1);
		for (unsigned int e = 0; e < n; e++)
			if (map[e].type == E820_RAM)
				ck_assert_msg(map[e].addr + map[e].size <= min ||
					      map[e].addr > max,
					      "%llu bytes of RAM: E820 entry %u in the window",
					      (unsigned long long)sizes[i].ram, e);
		for (unsigned int c = 0; c < sizeof(chipset) / sizeof(chipset[0]); c++)
			ck_assert_uint_gt(chipset[c], max);
	}
}
END_TEST

/*
 * The 8042 as an OS finds it (Linux's i8042 PNP driver matches the _HID):
 * \_SB.PCI0.ISA_ at the PIIX3's _ADR, and in it KBD_ with the _HID
 * PNP0303 and a _CRS of the data and command ports and ISA IRQ 1.
 */
START_TEST(test_dsdt_describes_the_8042_keyboard_behind_the_piix3)
{
	static const uint8_t adr[] = { 0x08, '_', 'A', 'D', 'R', 0x0c, 0x00, 0x00, 0x01, 0x00 };
	/* EisaId ("PNP0303"): "PNP" compressed (41D0h), product 0303h */
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x03, 0x03 };
	static const uint8_t name_crs[] = { 0x08, '_', 'C', 'R', 'S', 0x11 };
	struct guest_ram *r = tables_via(_i, 1);
	uint32_t aml_len, dev, dev_end, isa, isa_end, kbd, kbd_end, buf_len, ports = 0;
	const uint8_t *aml, *p, *end;
	uint16_t port[2] = { 0 };
	unsigned int n, irqs = 0;

	aml = dsdt_aml(r, &aml_len);
	dev = find_device(aml, aml_len, "PCI0", &dev_end);
	isa = find_device(aml, aml_len, "ISA_", &isa_end);
	kbd = find_device(aml, aml_len, "KBD_", &kbd_end);
	ck_assert(dev < isa && isa < kbd && kbd_end <= isa_end && isa_end <= dev_end);
	pkg_length_at(aml + isa + 2, &n);
	ck_assert_mem_eq(aml + isa + 2 + n + 4, adr, sizeof(adr));
	pkg_length_at(aml + kbd + 2, &n);
	p = aml + kbd + 2 + n + 4;
	ck_assert_mem_eq(p, hid, sizeof(hid));
	p += sizeof(hid);
	ck_assert_mem_eq(p, name_crs, sizeof(name_crs));
	p += sizeof(name_crs);
	buf_len = pkg_length_at(p, &n);
	ck_assert_ptr_eq(p + buf_len, aml + kbd_end);	/* _CRS is KBD_'s last object */
	ck_assert_uint_eq(p[n], 0x0a);
	end = p + n + 2 + p[n + 1];
	ck_assert_ptr_eq(end, aml + kbd_end);
	for (p += n + 2; p < end && p[0] != 0x79; p += 1 + (p[0] & 7)) {
		ck_assert_uint_eq(p[0] & 0x80, 0);		/* small items only */
		switch (p[0] >> 3) {
		case 0x08:	/* I/O port: decode16, one fixed port */
			ck_assert_uint_eq(p[0], 0x47);
			ck_assert_uint_lt(ports, 2);
			ck_assert_uint_eq(p[1], 0x01);
			ck_assert_uint_eq(vmm_get16(p + 2), vmm_get16(p + 4));
			ck_assert_uint_eq(p[7], 1);
			port[ports++] = vmm_get16(p + 2);
			break;
		case 0x04:	/* IRQ: a mask; no flags byte means edge, high */
			ck_assert_uint_eq(p[0], 0x22);
			ck_assert_uint_eq(vmm_get16(p + 1), 1u << 1);
			irqs++;
			break;
		default:
			ck_abort_msg("KBD_._CRS: descriptor %02x", p[0]);
		}
	}
	ck_assert_uint_eq(ports, 2);
	ck_assert_uint_eq(port[0], 0x60);			/* data */
	ck_assert_uint_eq(port[1], 0x64);			/* status, command */
	ck_assert_uint_eq(irqs, 1);
	ck_assert_ptr_eq(p + 2, end);				/* the End Tag, last */
	ram_free(r);
}
END_TEST

/* A PkgLength for content bytes: n bytes, the first lead, the rest after. */
static void check_pkg_length(uint32_t content, unsigned int n, const uint8_t *want)
{
	uint8_t out[AML_PKG_LENGTH_MAX] = { 0 };

	ck_assert_uint_eq(aml_pkg_length(content, out), n);
	ck_assert_mem_eq(out, want, n);
}

START_TEST(test_pkg_length_grows_past_one_byte_as_acpi_encodes_it)
{
	/* Its own bytes count: 62 + 1 fits 6 bits, 63 + 2 = 65 needs a
	 * second byte (lead 0x40 | 65 & 0xf, then 65 >> 4). */
	check_pkg_length(0, 1, (const uint8_t[]){ 1 });
	check_pkg_length(62, 1, (const uint8_t[]){ 63 });
	check_pkg_length(63, 2, (const uint8_t[]){ 0x41, 0x04 });
	check_pkg_length(4093, 2, (const uint8_t[]){ 0x4f, 0xff });	/* 4095 */
	check_pkg_length(4094, 3, (const uint8_t[]){ 0x81, 0x00, 0x01 });	/* 4097 */
	check_pkg_length((1u << 20) - 4, 3, (const uint8_t[]){ 0x8f, 0xff, 0xff });
	check_pkg_length((1u << 20) - 3, 4, (const uint8_t[]){ 0xc1, 0x00, 0x00, 0x01 });
	check_pkg_length((1u << 28) - 5, 4, (const uint8_t[]){ 0xcf, 0xff, 0xff, 0xff });
	ck_assert_uint_eq(aml_pkg_length((1u << 28) - 4, (uint8_t[AML_PKG_LENGTH_MAX]){ 0 }), 0);
	ck_assert_uint_eq(aml_pkg_length(UINT32_MAX, (uint8_t[AML_PKG_LENGTH_MAX]){ 0 }), 0);
}
END_TEST

/* The MADT for nr vCPUs: one enabled LAPIC each, the IOAPIC, the overrides. */
static void check_madt(unsigned int nr)
{
	struct guest_ram *r = ram_with_tables(nr);
	const uint8_t *m = rsdt_find(r, "APIC"), *e, *end;
	unsigned int lapics = 0, ioapics = 0, nmis = 0;
	bool irq0 = false, sci = false;

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(vmm_get32(m + 36), 0xfee00000);
	ck_assert_uint_eq(vmm_get32(m + 40) & 1, 1);	/* PCAT_COMPAT */
	end = m + vmm_get32(m + 4);
	for (e = m + 44; e < end; e += e[1]) {
		ck_assert_uint_ge(e[1], 2);
		switch (e[0]) {
		case 0:
			ck_assert_uint_eq(e[1], 8);
			ck_assert_uint_eq(e[3], lapics);	/* APIC IDs 0..n-1 */
			ck_assert_uint_eq(vmm_get32(e + 4), 1);
			lapics++;
			break;
		case 1:
			ck_assert_uint_eq(e[1], 12);
			ck_assert_uint_eq(e[2], nr);
			ck_assert_uint_eq(vmm_get32(e + 4), IOAPIC_ADDR);
			ck_assert_uint_eq(vmm_get32(e + 8), 0);
			ioapics++;
			break;
		case 2:
			ck_assert_uint_eq(e[1], 10);
			ck_assert_uint_eq(e[2], 0);		/* ISA */
			if (e[3] == 0) {
				ck_assert_uint_eq(vmm_get32(e + 4), 2);
				irq0 = true;
			} else {
				ck_assert_uint_eq(e[3], POWER_SCI_IRQ);
				ck_assert_uint_eq(vmm_get32(e + 4), POWER_SCI_IRQ);
				ck_assert_uint_eq(vmm_get16(e + 8), 0x000d);
				sci = true;
			}
			break;
		case 4:
			ck_assert_uint_eq(e[1], 6);
			ck_assert_uint_eq(e[2], 0xff);
			ck_assert_uint_eq(e[5], 1);		/* LINT1 */
			nmis++;
			break;
		default:
			ck_abort_msg("unexpected MADT entry type %u", e[0]);
		}
	}
	ck_assert_ptr_eq(e, end);
	ck_assert_uint_eq(lapics, nr);
	ck_assert_uint_eq(ioapics, 1);
	ck_assert_uint_eq(nmis, 1);
	ck_assert(irq0 && sci);
	ram_free(r);
}

START_TEST(test_madt_lists_one_lapic_per_vcpu_the_ioapic_and_overrides)
{
	check_madt((unsigned int)_i);
}
END_TEST

START_TEST(test_the_firmwares_copy_lists_one_lapic_per_vcpu_too)
{
	via_loader = true;
	check_madt((unsigned int)_i);
}
END_TEST

START_TEST(test_acpi_tables_and_mp_table_coexist)
{
	struct guest_ram *r = ram_new(RAM);
	const uint8_t *mpf = r->buf + BOOT_MPTABLE_ADDR;

	ck_assert_int_eq(mptable_write(&r->mem, 8, 8, IOAPIC_ADDR), BOOT_OK);
	ck_assert_int_eq(acpi_write(&r->mem, 8, 8, IOAPIC_ADDR), BOOT_OK);
	ck_assert_uint_eq(vmm_checksum8(mpf, 16), 0);
	ck_assert_uint_eq(vmm_checksum8(r->buf + vmm_get32(mpf + 4),
			       vmm_get16(r->buf + vmm_get32(mpf + 4) + 4)), 0);
	ck_assert_ptr_nonnull(rsdt_find(r, "APIC"));
	ram_free(r);
}
END_TEST

START_TEST(test_acpi_refuses_cpu_counts_and_ids_it_cannot_describe)
{
	struct guest_ram *r = ram_new(RAM), *tiny = ram_new(0x80000);

	ck_assert_int_eq(acpi_write(&r->mem, 0, 1, IOAPIC_ADDR), BOOT_UNSUPPORTED);
	ck_assert_int_eq(acpi_write(&r->mem, 9, 9, IOAPIC_ADDR), BOOT_UNSUPPORTED);
	ck_assert_int_eq(acpi_write(&r->mem, 4, 3, IOAPIC_ADDR), BOOT_UNSUPPORTED);
	ck_assert_uint_eq(find_rsdp(r), 0);
	/* no RAM at 0xF1000: the callback refuses */
	ck_assert_int_eq(acpi_write(&tiny->mem, 1, 1, IOAPIC_ADDR), BOOT_MEM_FAILED);
	ram_free(r);
	ram_free(tiny);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("boot_acpi");

	tcase_add_loop_test(tc, test_rsdp_is_found_in_the_bios_area_and_lists_fadt_and_madt, 0, 2);
	tcase_add_loop_test(tc, test_fadt_describes_the_pm1_blocks_sci_and_power_button, 0, 2);
	tcase_add_loop_test(tc, test_dsdt_holds_s5_with_the_slp_typ_the_pm1_control_powers_off_on, 0, 2);
	tcase_add_loop_test(tc, test_root_bridge_crs_gives_bus_io_and_memory_windows_clear_of_ram, 0, 2);
	tcase_add_loop_test(tc, test_dsdt_describes_the_8042_keyboard_behind_the_piix3, 0, 2);
	tcase_add_test(tc, test_pkg_length_grows_past_one_byte_as_acpi_encodes_it);
	tcase_add_loop_test(tc, test_madt_lists_one_lapic_per_vcpu_the_ioapic_and_overrides, 1, 9);
	tcase_add_loop_test(tc, test_the_firmwares_copy_lists_one_lapic_per_vcpu_too, 1, 9);
	tcase_add_test(tc, test_acpi_tables_and_mp_table_coexist);
	tcase_add_test(tc, test_acpi_refuses_cpu_counts_and_ids_it_cannot_describe);
	return check_run("boot_acpi", tc);
}
