// SPDX-License-Identifier: GPL-2.0-only
/*
 * ACPI tables of the virtual platform (ACPI 6.4 chapter 5), written in the
 * reserved BIOS area after the MP table:
 *  - RSDP (revision 0: the RSDT only; §5.2.5), on a 16-byte boundary in
 *    0xE0000-0xFFFFF, where an OS searches for it (§5.2.5.1);
 *  - RSDT listing the FADT and the MADT;
 *  - FADT (revision 3, ACPI 2.0 layout; §5.2.9) with the FACS and the DSDT:
 *    SCI on ISA IRQ 9, no SMI_CMD (always in ACPI mode), the PM1a event and
 *    control blocks of vmm/dev/power.c, no PM timer, no GPE block, the
 *    fixed-feature power button, reset register 0xCF9;
 *  - MADT (§5.2.12): a local APIC per vCPU (IDs 0..n-1), the IOAPIC, and the
 *    interrupt source overrides ISA IRQ 0 -> GSI 2 (as vmm/devices.c wires
 *    it and the MP table says) and IRQ 9 (the SCI) level-triggered;
 *  - DSDT: AML with \_S5, SLP_TYP as vmm/dev/power.c decodes it, the PCI
 *    root bridge (its interrupt routing and resource windows) and, behind
 *    its PIIX3, the 8042 keyboard controller of vmm/dev/i8042.c.
 * The IOAPIC model ignores polarity (lines are logical), so the SCI is
 * described active high, as QEMU's PIIX4 tables do.
 */
#include "vmm/boot/boot.h"
#include "vmm/bytes.h"
#include "vmm/dev/i8042.h"
#include "vmm/dev/lapic.h"
#include "vmm/dev/power.h"
#include "vmm/devices.h"

/* System description table header (§5.2.6). */
#define HDR_LEN			36
#define HDR_CHECKSUM		9
#define ACPI_OEM_ID		"VMK   "
#define ACPI_OEM_TABLE_ID	"VMKPLAT "

#define RSDP_SIGNATURE		"RSD PTR "
#define RSDP_LEN		ACPI_RSDP_LEN	/* revision 0 */
#define RSDT_ENTRIES		2	/* FADT, MADT */

/* FADT, revision 3 (§5.2.9, Table 5.9): byte offsets. */
#define FADT_REVISION		3
#define FADT_LEN		244
#define FADT_FIRMWARE_CTRL	36
#define FADT_DSDT		40
#define FADT_SCI_INT		46
#define FADT_SMI_CMD		48
#define FADT_PM1A_EVT_BLK	56
#define FADT_PM1A_CNT_BLK	64
#define FADT_PM1_EVT_LEN	88
#define FADT_PM1_CNT_LEN	89
#define FADT_P_LVL2_LAT		96
#define FADT_P_LVL3_LAT		98
#define FADT_CENTURY		108
#define FADT_IAPC_BOOT_ARCH	109
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_X_DSDT		140
#define FADT_X_PM1A_EVT_BLK	148
#define FADT_X_PM1A_CNT_BLK	172
#define FADT_NO_C2		0x0fff	/* latency > 100 us: C2 not supported */
#define FADT_NO_C3		0x0fff	/* latency > 1000 us: C3 not supported */
#define CMOS_CENTURY		0x32	/* vmm/dev/rtc_cmos.c keeps it there */
/* IAPC_BOOT_ARCH (§5.2.9.3): ISA devices (UARTs, RTC), an 8042, no VGA. */
#define BOOT_ARCH_LEGACY_DEVICES 0x0001
#define BOOT_ARCH_8042		0x0002	/* vmm/dev/i8042.c: OSes may probe 60h/64h */
#define BOOT_ARCH_NO_VGA	0x0004
/* FADT flags (Table 5.10). PWR_BUTTON (bit 4) clear: a fixed-feature power button. */
#define FADT_F_WBINVD		(1u << 0)
#define FADT_F_PROC_C1		(1u << 2)
#define FADT_F_SLP_BUTTON	(1u << 5)	/* no fixed sleep button */
#define FADT_F_FIX_RTC		(1u << 6)	/* no RTC wake status */
#define FADT_F_RESET_REG_SUP	(1u << 10)
#define RESET_VALUE		0x06	/* RC: SYS_RST | RST_CPU (PIIX3 §4.1.17) */

/* Generic Address Structure (§5.2.3.2). */
#define GAS_SYSTEM_IO		1
#define GAS_ACCESS_BYTE		1
#define GAS_ACCESS_WORD		2

/* FACS (§5.2.10): 64 bytes, 64-byte aligned, no checksum. */
#define FACS_LEN		64
#define FACS_VERSION		1
#define FACS_ALIGN		64

/* MADT (§5.2.12) and its structures. */
#define MADT_REVISION		1
#define MADT_PCAT_COMPAT	0x00000001u	/* the dual 8259 is present */
#define MADT_LAPIC		0
#define MADT_LAPIC_LEN		8
#define MADT_IOAPIC		1
#define MADT_IOAPIC_LEN		12
#define MADT_ISO		2	/* interrupt source override */
#define MADT_ISO_LEN		10
#define MADT_LAPIC_NMI		4
#define MADT_LAPIC_NMI_LEN	6
#define MADT_LAPIC_ENABLED	0x00000001u
#define MADT_ALL_PROCESSORS	0xff
#define MPS_INTI_CONFORMS	0x0000
#define MPS_INTI_HIGH_LEVEL	0x000d	/* polarity 01 high, trigger 11 level */
#define ISA_BUS			0
#define ISA_IRQ_PIT		0
#define GSI_PIT			2
#define LAPIC_LINT1		1

/*
 * DSDT (ACPI 6.4 §20, AML): Name (\_S5, Package (4) {SLP_TYPa, SLP_TYPb,
 * 0, 0}) (§7.4.2), and the PCI root bridge, so that an ACPI OS scans PCI
 * and routes its interrupts (§6.2.13 _PRT):
 *   Scope (\_SB) { Device (PCI0) { Name (_HID, EisaId ("PNP0A03"))
 *     Name (_UID, 0) Name (_PRT, Package { {0x0003FFFF, 0, 0, 11},
 *     {0x0010FFFF, 0, 0, 10} }) } }
 * INTA# of each slot a VM's device may use, on the IOAPIC input it is
 * wired to (vmm/devices.h). Then the bridge's windows (§6.2 _CRS, §19.6
 * ResourceTemplate), as QEMU's i440FX DSDT gives them:
 *     Name (_CRS, ResourceTemplate () {
 *       WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode,
 *         0, 0x00, 0xFF, 0, 0x100)
 *       IO (Decode16, 0x0CF8, 0x0CF8, 1, 8)
 *       WordIO (ResourceProducer, MinFixed, MaxFixed, PosDecode,
 *         EntireRange, 0, 0x0000, 0x0CF7, 0, 0x0CF8)
 *       WordIO (..., 0, 0x0D00, 0xFFFF, 0, 0xF300)
 *       DWordMemory (ResourceProducer, PosDecode, MinFixed, MaxFixed,
 *         NonCacheable, ReadWrite, 0, ram end, 0xFEBFFFFF, 0, length) })
 * Bus 0 is the only bus (vmm/dev/pci_host.h), but the range is the
 * whole bus number space, as on a PC. The configuration ports are the
 * bridge's own (consumed); the I/O windows are the rest of the 64 KiB,
 * the ISA devices' ports below 1000h included (they sit behind the PIIX,
 * on bus 0). The memory window is the PCI hole, where firmware places
 * BARs: from the end of the RAM below 4 GiB to PCI_MEM_BAR_END, below the
 * IOAPIC, the LAPIC and the firmware ROM (pci_host.c also lets a BAR
 * decode above the IOAPIC's registers, for guests that ignore the window). No VGA window at
 * 0xA0000-0xBFFFF: nothing decodes it (that memory is RAM, and the FADT
 * says "no VGA").
 *
 * Last in the bridge, its PIIX3 (00:01.0) and the ISA devices an OS
 * finds only through ACPI, as in QEMU's i440FX DSDT (§6.1.1 _ADR, §6.1.5
 * _HID; PNP0303 is an IBM enhanced keyboard controller):
 *     Device (ISA) { Name (_ADR, 0x00010000)
 *       Device (KBD) { Name (_HID, EisaId ("PNP0303"))
 *         Name (_CRS, ResourceTemplate () { IO (Decode16, 0x60, 0x60, 1, 1)
 *           IO (Decode16, 0x64, 0x64, 1, 1) IRQNoFlags () {1} }) } }
 * No mouse (PNP0F13): nothing is on the 8042's auxiliary port.
 */
#define DSDT_REVISION		1	/* 32-bit AML integers */
#define AML_ZERO_OP		0x00
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_DWORD_PREFIX	0x0c
#define AML_SCOPE_OP		0x10
#define AML_BUFFER_OP		0x11
#define AML_PACKAGE_OP		0x12
#define AML_EXT_OP_PREFIX	0x5b
#define AML_DEVICE_OP		0x82	/* after the prefix */
#define AML_ROOT_CHAR		0x5c
#define AML_PKG_ONE_BYTE_MAX	63	/* a PkgLength in one byte (§20.2.4) */
#define EISA_PNP0A03		0x030ad041u	/* "PNP0A03" compressed, as stored */
#define EISA_PNP0303		0x0303d041u	/* "PNP0303" */
#define PCI_ADR(slot)		((uint32_t)(slot) << 16)	/* _ADR of function 0 */
#define PRT_ALL_FUNCTIONS	0xffffu		/* _PRT address: slot << 16 | 0xFFFF */
#define DSDT_AML_MAX		320	/* 272 used: room for the next ISA devices */

/*
 * Resource descriptors (§6.4): the small IRQ (§6.4.2.1), I/O Port
 * (§6.4.2.5) and End Tag (§6.4.2.9) items, the large Word and DWord
 * Address Space items (§6.4.3.5.3, §6.4.3.5.2), whose length field counts
 * the bytes after it.
 */
#define RES_IRQ_NO_FLAGS	0x22	/* small item 04h, 2 bytes: edge, high, exclusive */
#define RES_IO			0x47	/* small item 08h, 7 bytes */
#define RES_IO_DECODE16		0x01
#define RES_END_TAG		0x79	/* small item 0Fh, 1 byte: the checksum */
#define RES_DWORD_ADDR		0x87
#define RES_DWORD_ADDR_LEN	23
#define RES_WORD_ADDR		0x88
#define RES_WORD_ADDR_LEN	13
#define RES_TYPE_MEM		0
#define RES_TYPE_IO		1
#define RES_TYPE_BUS		2
/* General flags: producer (bit 0 clear), positive decode, _MIF and _MAF set. */
#define RES_PRODUCER_FIXED	0x0c
#define RES_IO_ENTIRE_RANGE	0x03	/* _RNG: ISA and non-ISA ports */
#define RES_MEM_RW_UNCACHED	0x01	/* _RW read/write, _MEM non-cacheable */
#define PCI_BUS_MAX		0xff

#define ACPI_MAX_CPUS		8

struct acpi_area {
	uint8_t buf[ACPI_AREA_LEN];
	uint32_t len;
};

/* Where build() put each table in the area. */
struct acpi_layout {
	uint32_t rsdt, facs, fadt, dsdt, madt;
};

/* QEMU's table loader ("etc/table-loader", SeaBIOS src/fw/romfile_loader.h). */
#define LOADER_ALLOCATE		1
#define LOADER_ADD_POINTER	2
#define LOADER_ADD_CHECKSUM	3
#define LOADER_ZONE_HIGH	1
#define LOADER_ZONE_FSEG	2
#define LOADER_FILE_LEN		56
#define LOADER_ARG0		4			/* the first file name */
#define LOADER_ARG1		(LOADER_ARG0 + LOADER_FILE_LEN)
#define LOADER_ARG2		(LOADER_ARG1 + 4)
#define LOADER_ARG3		(LOADER_ARG2 + 4)
#define LOADER_PTR_OFFSET	(LOADER_ARG1 + LOADER_FILE_LEN)
#define LOADER_PTR_SIZE		(LOADER_PTR_OFFSET + 4)

/* Room for len bytes at the next multiple of align; its offset. */
static uint32_t take(struct acpi_area *a, uint32_t len, uint32_t align)
{
	uint32_t off = (a->len + align - 1) & ~(align - 1);

	a->len = off + len;
	return off;
}

static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	vmm_put_chars(t, sig, 4);
	vmm_put32(t + 4, len);
	t[8] = rev;
	vmm_put_chars(t + 10, ACPI_OEM_ID, 6);
	vmm_put_chars(t + 16, ACPI_OEM_TABLE_ID, 8);
	vmm_put32(t + 24, 1);			/* OEM revision */
	vmm_put_chars(t + 28, "VMK ", 4);	/* creator ID */
	vmm_put32(t + 32, 1);			/* creator revision */
}

static void seal(uint8_t *t)
{
	t[HDR_CHECKSUM] = vmm_checksum8(t, vmm_get32(t + 4));
}

static void gas_io(uint8_t *g, uint16_t port, uint8_t bytes, uint8_t access)
{
	g[0] = GAS_SYSTEM_IO;
	g[1] = (uint8_t)(bytes * 8);
	g[2] = 0;
	g[3] = access;
	vmm_put64(g + 4, port);
}

static void write_fadt(uint8_t *t, uint32_t facs, uint32_t dsdt)
{
	header(t, "FACP", FADT_LEN, FADT_REVISION);
	vmm_put32(t + FADT_FIRMWARE_CTRL, facs);
	vmm_put32(t + FADT_DSDT, dsdt);
	vmm_put16(t + FADT_SCI_INT, POWER_SCI_IRQ);
	vmm_put32(t + FADT_SMI_CMD, 0);		/* always ACPI mode */
	vmm_put32(t + FADT_PM1A_EVT_BLK, POWER_PM1A_EVT_PORT);
	vmm_put32(t + FADT_PM1A_CNT_BLK, POWER_PM1A_CNT_PORT);
	t[FADT_PM1_EVT_LEN] = POWER_PM1_EVT_LEN;
	t[FADT_PM1_CNT_LEN] = POWER_PM1_CNT_LEN;
	vmm_put16(t + FADT_P_LVL2_LAT, FADT_NO_C2);
	vmm_put16(t + FADT_P_LVL3_LAT, FADT_NO_C3);
	t[FADT_CENTURY] = CMOS_CENTURY;
	vmm_put16(t + FADT_IAPC_BOOT_ARCH,
		  BOOT_ARCH_LEGACY_DEVICES | BOOT_ARCH_8042 | BOOT_ARCH_NO_VGA);
	vmm_put32(t + FADT_FLAGS, FADT_F_WBINVD | FADT_F_PROC_C1 |
		  FADT_F_SLP_BUTTON | FADT_F_FIX_RTC | FADT_F_RESET_REG_SUP);
	gas_io(t + FADT_RESET_REG, POWER_RC_PORT, 1, GAS_ACCESS_BYTE);
	t[FADT_RESET_VALUE] = RESET_VALUE;
	/* X_FIRMWARE_CTRL stays 0: it must when FIRMWARE_CTRL is set (§5.2.9) */
	vmm_put64(t + FADT_X_DSDT, dsdt);
	gas_io(t + FADT_X_PM1A_EVT_BLK, POWER_PM1A_EVT_PORT,
	       POWER_PM1_EVT_LEN, GAS_ACCESS_WORD);
	gas_io(t + FADT_X_PM1A_CNT_BLK, POWER_PM1A_CNT_PORT,
	       POWER_PM1_CNT_LEN, GAS_ACCESS_WORD);
	seal(t);
}

static void write_facs(uint8_t *t)
{
	vmm_put_chars(t, "FACS", 4);
	vmm_put32(t + 4, FACS_LEN);
	t[32] = FACS_VERSION;
}

static uint8_t *madt_entry(struct acpi_area *a, uint8_t type, uint8_t len)
{
	uint8_t *e = a->buf + take(a, len, 1);

	e[0] = type;
	e[1] = len;
	return e;
}

static void madt_override(struct acpi_area *a, uint8_t irq, uint32_t gsi,
			  uint16_t flags)
{
	uint8_t *e = madt_entry(a, MADT_ISO, MADT_ISO_LEN);

	e[2] = ISA_BUS;
	e[3] = irq;
	vmm_put32(e + 4, gsi);
	vmm_put16(e + 8, flags);
}

/* The MADT at the end of the area; returns its offset. */
static uint32_t write_madt(struct acpi_area *a, unsigned int nr_cpus,
			   uint8_t ioapic_id, uint32_t ioapic_addr)
{
	uint32_t off = take(a, HDR_LEN + 8, 4);
	uint8_t *e;

	vmm_put32(a->buf + off + HDR_LEN, LAPIC_DEFAULT_BASE);
	vmm_put32(a->buf + off + HDR_LEN + 4, MADT_PCAT_COMPAT);
	for (unsigned int i = 0; i < nr_cpus; i++) {
		e = madt_entry(a, MADT_LAPIC, MADT_LAPIC_LEN);
		e[2] = (uint8_t)i;	/* ACPI processor UID */
		e[3] = (uint8_t)i;	/* APIC ID */
		vmm_put32(e + 4, MADT_LAPIC_ENABLED);
	}
	e = madt_entry(a, MADT_IOAPIC, MADT_IOAPIC_LEN);
	e[2] = ioapic_id;
	vmm_put32(e + 4, ioapic_addr);
	vmm_put32(e + 8, 0);		/* GSI base */
	madt_override(a, ISA_IRQ_PIT, GSI_PIT, MPS_INTI_CONFORMS);
	madt_override(a, POWER_SCI_IRQ, POWER_SCI_IRQ, MPS_INTI_HIGH_LEVEL);
	e = madt_entry(a, MADT_LAPIC_NMI, MADT_LAPIC_NMI_LEN);
	e[2] = MADT_ALL_PROCESSORS;
	vmm_put16(e + 3, MPS_INTI_CONFORMS);
	e[5] = LAPIC_LINT1;
	header(a->buf + off, "APIC", a->len - off, MADT_REVISION);
	seal(a->buf + off);
	return off;
}

unsigned int aml_pkg_length(uint32_t content, uint8_t out[AML_PKG_LENGTH_MAX])
{
	unsigned int n;
	uint32_t len;

	/* One byte holds 6 bits of length; each further byte 8 more, the
	 * lead byte keeping only 4 (§20.2.4). The length counts itself. */
	if (content < AML_PKG_ONE_BYTE_MAX) {
		out[0] = (uint8_t)(content + 1);
		return 1;
	}
	for (n = 2; n <= AML_PKG_LENGTH_MAX; n++) {
		if (content > (1u << (4 + 8 * (n - 1))) - 1 - n)
			continue;
		len = content + n;
		out[0] = (uint8_t)((n - 1) << 6 | (len & 0xf));
		for (unsigned int i = 1; i < n; i++)
			out[i] = (uint8_t)(len >> (4 + 8 * (i - 1)));
		return n;
	}
	return 0;
}

/*
 * AML being written. A package's PkgLength gets one byte when it begins
 * and its encoding when it ends (aml_end(), which moves the package's
 * contents if the encoding needs more). Writing past the buffer sets
 * overflow and writes nothing.
 */
struct aml {
	uint8_t b[DSDT_AML_MAX];
	uint32_t len;
	bool overflow;
};

static void aml_byte(struct aml *m, uint8_t v)
{
	if (m->len >= sizeof(m->b)) {
		m->overflow = true;
		return;
	}
	m->b[m->len++] = v;
}

static void aml_name(struct aml *m, const char *seg)
{
	for (int i = 0; i < 4; i++)
		aml_byte(m, (uint8_t)seg[i]);
}

/* v in bytes bytes, least significant first (raw data, no prefix). */
static void aml_raw(struct aml *m, uint32_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		aml_byte(m, (uint8_t)(v >> (8 * i)));
}

static void aml_dword(struct aml *m, uint32_t v)
{
	aml_byte(m, AML_DWORD_PREFIX);
	aml_raw(m, v, 4);
}

/* Room for the PkgLength of what follows; its offset, for aml_end(). */
static uint32_t aml_begin(struct aml *m)
{
	aml_byte(m, 0);
	return m->len - 1;
}

/* The package that began at at ends here: its PkgLength, encoded. */
static void aml_end(struct aml *m, uint32_t at)
{
	uint8_t enc[AML_PKG_LENGTH_MAX];
	uint32_t content;
	unsigned int n;

	if (m->overflow)
		return;
	content = m->len - at - 1;
	n = aml_pkg_length(content, enc);
	if (!n || m->len + n - 1 > sizeof(m->b)) {
		m->overflow = true;
		return;
	}
	for (uint32_t i = content; i > 0; i--)	/* overlapping: from the end */
		m->b[at + n - 1 + i] = m->b[at + i];
	vmm_copy(m->b + at, enc, n);
	m->len += n - 1;
}

/* Name (seg, v) for a 32-bit integer: _HID's EisaId, _ADR. */
static void aml_name_dword(struct aml *m, const char *seg, uint32_t v)
{
	aml_byte(m, AML_NAME_OP);
	aml_name(m, seg);
	aml_dword(m, v);
}

/* Device (seg) { begins; its offset, for aml_end(). */
static uint32_t aml_device(struct aml *m, const char *seg)
{
	uint32_t at;

	aml_byte(m, AML_EXT_OP_PREFIX);
	aml_byte(m, AML_DEVICE_OP);
	at = aml_begin(m);
	aml_name(m, seg);
	return at;
}

/* Name (_CRS, ResourceTemplate () { begins: the Buffer, its size to come. */
struct aml_crs {
	uint32_t buf, size_at;
};

static struct aml_crs aml_crs_begin(struct aml *m)
{
	struct aml_crs c;

	aml_byte(m, AML_NAME_OP);
	aml_name(m, "_CRS");
	aml_byte(m, AML_BUFFER_OP);
	c.buf = aml_begin(m);
	aml_byte(m, AML_BYTE_PREFIX);		/* BufferSize, known at the end */
	c.size_at = m->len;
	aml_byte(m, 0);
	return c;
}

/* }): the End Tag, the BufferSize and the Buffer's PkgLength. */
static void aml_crs_end(struct aml *m, struct aml_crs c)
{
	aml_byte(m, RES_END_TAG);
	aml_byte(m, 0);				/* checksum 0: taken as right */
	if (m->len - c.size_at - 1 > 0xff)
		m->overflow = true;		/* past a ByteConst: refuse, not truncate */
	if (!m->overflow)
		m->b[c.size_at] = (uint8_t)(m->len - c.size_at - 1);
	aml_end(m, c.buf);
}

/* IO (Decode16, base, base, 1, len): len ports at a fixed base. */
static void res_io(struct aml *m, uint16_t base, uint8_t len)
{
	aml_byte(m, RES_IO);
	aml_byte(m, RES_IO_DECODE16);
	aml_raw(m, base, 2);			/* _MIN */
	aml_raw(m, base, 2);			/* _MAX */
	aml_byte(m, 1);				/* _ALN */
	aml_byte(m, len);			/* _LEN */
}

/* Package (4) {slot << 16 | 0xFFFF, INTA, 0 (a GSI, no link device), gsi} */
static void aml_prt_entry(struct aml *m, uint32_t slot, uint8_t gsi)
{
	uint32_t p;

	aml_byte(m, AML_PACKAGE_OP);
	p = aml_begin(m);
	aml_byte(m, 4);
	aml_dword(m, slot << 16 | PRT_ALL_FUNCTIONS);
	aml_byte(m, AML_ZERO_OP);
	aml_byte(m, AML_ZERO_OP);
	aml_byte(m, AML_BYTE_PREFIX);
	aml_byte(m, gsi);
	aml_end(m, p);
}

/*
 * An address space [min, max] of type this bridge produces, both ends
 * fixed, no translation: a Word (size 2) or DWord (size 4) descriptor.
 */
static void res_addr(struct aml *m, unsigned int size, uint8_t type,
		     uint8_t type_flags, uint32_t min, uint32_t max)
{
	aml_byte(m, size == 2 ? RES_WORD_ADDR : RES_DWORD_ADDR);
	aml_raw(m, size == 2 ? RES_WORD_ADDR_LEN : RES_DWORD_ADDR_LEN, 2);
	aml_byte(m, type);
	aml_byte(m, RES_PRODUCER_FIXED);
	aml_byte(m, type_flags);
	aml_raw(m, 0, size);			/* _GRA */
	aml_raw(m, min, size);
	aml_raw(m, max, size);
	aml_raw(m, 0, size);			/* _TRA */
	aml_raw(m, max - min + 1, size);	/* _LEN */
}

_Static_assert(BOOT_LOW_RAM_TOP < PCI_MEM_BAR_END, "any RAM size leaves a memory window");

/* Name (_CRS, ResourceTemplate () {...}): the windows above. */
static void aml_root_bridge_crs(struct aml *m, uint64_t ram_size)
{
	struct aml_crs crs = aml_crs_begin(m);

	res_addr(m, 2, RES_TYPE_BUS, 0, 0, PCI_BUS_MAX);
	res_io(m, PCI_CONF_BASE, PCI_CONF_LEN);
	res_addr(m, 2, RES_TYPE_IO, RES_IO_ENTIRE_RANGE, 0, PCI_CONF_BASE - 1);
	res_addr(m, 2, RES_TYPE_IO, RES_IO_ENTIRE_RANGE,
		 PCI_CONF_BASE + PCI_CONF_LEN, PCI_IO_BAR_END - 1);
	res_addr(m, 4, RES_TYPE_MEM, RES_MEM_RW_UNCACHED,
		 (uint32_t)pci_mem_bar_start(ram_size), PCI_MEM_BAR_END - 1);
	aml_crs_end(m, crs);
}

/* Device (ISA) { Device (KBD) {...} }: the PIIX3 and the 8042 behind it. */
static void aml_isa_bridge(struct aml *m)
{
	uint32_t isa = aml_device(m, "ISA_"), kbd;
	struct aml_crs crs;

	aml_name_dword(m, "_ADR", PCI_ADR(PCI_ISA_SLOT));
	kbd = aml_device(m, "KBD_");
	aml_name_dword(m, "_HID", EISA_PNP0303);
	crs = aml_crs_begin(m);
	res_io(m, I8042_DATA_PORT, 1);
	res_io(m, I8042_CMD_PORT, 1);
	aml_byte(m, RES_IRQ_NO_FLAGS);
	aml_raw(m, 1u << I8042_KBD_IRQ, 2);	/* _INT: a mask of ISA IRQs */
	aml_crs_end(m, crs);
	aml_end(m, kbd);
	aml_end(m, isa);
}

_Static_assert(ACPI_PCI_NICS == VDEV_MAX_NICS, "a _PRT entry for each NIC slot");

static void dsdt_aml(struct aml *m, const struct acpi_pci_irqs *irq, uint64_t ram_size)
{
	uint32_t scope, dev, prt;

	aml_byte(m, AML_NAME_OP);
	aml_name(m, "_S5_");
	aml_byte(m, AML_PACKAGE_OP);
	prt = aml_begin(m);
	aml_byte(m, 4);				/* NumElements */
	aml_byte(m, AML_BYTE_PREFIX);
	aml_byte(m, POWER_SLP_TYP_S5);		/* SLP_TYPa */
	aml_byte(m, AML_BYTE_PREFIX);
	aml_byte(m, POWER_SLP_TYP_S5);		/* SLP_TYPb */
	aml_byte(m, AML_ZERO_OP);		/* reserved */
	aml_byte(m, AML_ZERO_OP);
	aml_end(m, prt);

	aml_byte(m, AML_SCOPE_OP);
	scope = aml_begin(m);
	aml_byte(m, AML_ROOT_CHAR);
	aml_name(m, "_SB_");
	dev = aml_device(m, "PCI0");
	aml_name_dword(m, "_HID", EISA_PNP0A03);
	aml_byte(m, AML_NAME_OP);
	aml_name(m, "_UID");
	aml_byte(m, AML_ZERO_OP);
	aml_byte(m, AML_NAME_OP);
	aml_name(m, "_PRT");
	aml_byte(m, AML_PACKAGE_OP);
	prt = aml_begin(m);
	aml_byte(m, VDEV_MAX_NICS + 1);
	for (unsigned int n = 0; n < VDEV_MAX_NICS; n++)
		aml_prt_entry(m, VDEV_NIC_SLOT(n), irq->nic[n]);
	aml_prt_entry(m, VDEV_SCSI_SLOT, irq->scsi);
	aml_end(m, prt);
	aml_root_bridge_crs(m, ram_size);
	aml_isa_bridge(m);
	aml_end(m, dev);
	aml_end(m, scope);
}

/* The DSDT after a->len at *off; false if its AML outgrew DSDT_AML_MAX. */
static bool write_dsdt(struct acpi_area *a, const struct acpi_pci_irqs *irq,
		       uint64_t ram_size, uint32_t *off)
{
	struct aml m;

	vmm_zero(&m, sizeof(m));
	dsdt_aml(&m, irq, ram_size);
	if (m.overflow)
		return false;
	*off = take(a, HDR_LEN + m.len, 4);
	vmm_copy(a->buf + *off + HDR_LEN, m.b, m.len);
	header(a->buf + *off, "DSDT", HDR_LEN + m.len, DSDT_REVISION);
	seal(a->buf + *off);
	return true;
}

static void write_rsdp(uint8_t *r, uint32_t rsdt)
{
	vmm_put_chars(r, RSDP_SIGNATURE, 8);
	vmm_put_chars(r + 9, ACPI_OEM_ID, 6);
	r[15] = 0;		/* revision 0: ACPI 1.0 RSDP */
	vmm_put32(r + 16, rsdt);
	r[8] = vmm_checksum8(r, RSDP_LEN);
}

/*
 * The tables after a->len, each pointer between them base + the
 * pointee's offset in the area. BOOT_UNSUPPORTED for a platform they
 * cannot describe.
 */
static enum boot_status build(struct acpi_area *a, struct acpi_layout *l, uint32_t base,
			      const struct acpi_pci_irqs *irq, uint64_t ram_size,
			      unsigned int nr_cpus, uint8_t ioapic_id, uint32_t ioapic_addr)
{
	if (nr_cpus == 0 || nr_cpus > ACPI_MAX_CPUS || ioapic_id < nr_cpus)
		return BOOT_UNSUPPORTED;
	l->rsdt = take(a, HDR_LEN + RSDT_ENTRIES * 4, 4);
	l->facs = take(a, FACS_LEN, FACS_ALIGN);
	l->fadt = take(a, FADT_LEN, 4);
	if (!write_dsdt(a, irq, ram_size, &l->dsdt))
		return BOOT_UNSUPPORTED;	/* DSDT_AML_MAX too small: a bug */
	l->madt = write_madt(a, nr_cpus, ioapic_id, ioapic_addr);

	write_facs(a->buf + l->facs);
	write_fadt(a->buf + l->fadt, base + l->facs, base + l->dsdt);
	header(a->buf + l->rsdt, "RSDT", HDR_LEN + RSDT_ENTRIES * 4, 1);
	vmm_put32(a->buf + l->rsdt + HDR_LEN, base + l->fadt);
	vmm_put32(a->buf + l->rsdt + HDR_LEN + 4, base + l->madt);
	seal(a->buf + l->rsdt);
	return BOOT_OK;
}

enum boot_status acpi_write(const struct guest_mem *mem, unsigned int nr_cpus,
			    uint8_t ioapic_id, uint32_t ioapic_addr)
{
	/* no firmware programs the PIIX's PIRQs: the devices' own lines */
	struct acpi_pci_irqs irq = { .scsi = VDEV_SCSI_IRQ };
	const uint32_t base = BOOT_ACPI_ADDR;
	struct acpi_layout l;
	struct acpi_area a;
	enum boot_status st;
	uint32_t rsdp;

	for (unsigned int n = 0; n < VDEV_MAX_NICS; n++)
		irq.nic[n] = (uint8_t)VDEV_NIC_IRQ(n);
	vmm_zero(&a, sizeof(a));
	rsdp = take(&a, RSDP_LEN, 16);
	st = build(&a, &l, base, &irq, mem->ram_size, nr_cpus, ioapic_id, ioapic_addr);
	if (st != BOOT_OK)
		return st;
	write_rsdp(a.buf + rsdp, base + l.rsdt);
	if (!mem->write(mem->ctx, base, a.buf, a.len))
		return BOOT_MEM_FAILED;
	return BOOT_OK;
}

/* A file name into a loader entry's 56-byte field (the names are short constants). */
static void put_name(uint8_t *field, const char *name)
{
	size_t n = 0;

	while (name[n] && n < LOADER_FILE_LEN - 1)
		n++;
	vmm_put_chars(field, name, n);
}

static uint8_t *loader_entry(struct acpi_firmware *t, uint32_t command)
{
	uint8_t *e = t->loader + t->loader_len;

	t->loader_len += ACPI_LOADER_ENTRY_LEN;
	vmm_put32(e, command);
	return e;
}

static void loader_allocate(struct acpi_firmware *t, const char *file, uint32_t align,
			    uint8_t zone)
{
	uint8_t *e = loader_entry(t, LOADER_ALLOCATE);

	put_name(e + LOADER_ARG0, file);
	vmm_put32(e + LOADER_ARG1, align);
	e[LOADER_ARG2] = zone;
}

/* The size-byte pointer at dest_file + offset gets src_file's address added. */
static void loader_pointer(struct acpi_firmware *t, const char *dest_file,
			   const char *src_file, uint32_t offset, uint8_t size)
{
	uint8_t *e = loader_entry(t, LOADER_ADD_POINTER);

	put_name(e + LOADER_ARG0, dest_file);
	put_name(e + LOADER_ARG1, src_file);
	vmm_put32(e + LOADER_PTR_OFFSET, offset);
	e[LOADER_PTR_SIZE] = size;
}

/* The byte at file + offset makes [start, start + len) sum to 0. */
static void loader_checksum(struct acpi_firmware *t, const char *file, uint32_t offset,
			    uint32_t start, uint32_t len)
{
	uint8_t *e = loader_entry(t, LOADER_ADD_CHECKSUM);

	put_name(e + LOADER_ARG0, file);
	vmm_put32(e + LOADER_ARG1, offset);
	vmm_put32(e + LOADER_ARG2, start);
	vmm_put32(e + LOADER_ARG3, len);
}

enum boot_status acpi_build_for_firmware(struct acpi_firmware *t, const struct acpi_pci_irqs *irq,
					 uint64_t ram_size, unsigned int nr_cpus,
					 uint8_t ioapic_id, uint32_t ioapic_addr)
{
	struct acpi_layout l;
	struct acpi_area a;
	enum boot_status st;

	vmm_zero(t, sizeof(*t));
	vmm_zero(&a, sizeof(a));
	/* pointers are offsets in the tables file: the loader adds its address */
	st = build(&a, &l, 0, irq, ram_size, nr_cpus, ioapic_id, ioapic_addr);
	if (st != BOOT_OK)
		return st;
	vmm_copy(t->tables, a.buf, a.len);
	t->tables_len = a.len;
	write_rsdp(t->rsdp, l.rsdt);

	loader_allocate(t, ACPI_FILE_RSDP, 16, LOADER_ZONE_FSEG);
	loader_allocate(t, ACPI_FILE_TABLES, FACS_ALIGN, LOADER_ZONE_HIGH);
	loader_pointer(t, ACPI_FILE_RSDP, ACPI_FILE_TABLES, 16, 4);
	loader_pointer(t, ACPI_FILE_TABLES, ACPI_FILE_TABLES, l.rsdt + HDR_LEN, 4);
	loader_pointer(t, ACPI_FILE_TABLES, ACPI_FILE_TABLES, l.rsdt + HDR_LEN + 4, 4);
	loader_pointer(t, ACPI_FILE_TABLES, ACPI_FILE_TABLES, l.fadt + FADT_FIRMWARE_CTRL, 4);
	loader_pointer(t, ACPI_FILE_TABLES, ACPI_FILE_TABLES, l.fadt + FADT_DSDT, 4);
	loader_pointer(t, ACPI_FILE_TABLES, ACPI_FILE_TABLES, l.fadt + FADT_X_DSDT, 8);
	loader_checksum(t, ACPI_FILE_TABLES, l.rsdt + HDR_CHECKSUM, l.rsdt,
			HDR_LEN + RSDT_ENTRIES * 4);
	loader_checksum(t, ACPI_FILE_TABLES, l.fadt + HDR_CHECKSUM, l.fadt, FADT_LEN);
	loader_checksum(t, ACPI_FILE_RSDP, 8, 0, RSDP_LEN);
	return BOOT_OK;
}
