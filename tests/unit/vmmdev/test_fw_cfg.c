// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm/dev/fw_cfg.c as firmware reads it: a reader that does what SeaBIOS's
 * fw_cfg code does (select, signature, ID, directory, find a file by name,
 * read it by port and by DMA) against a fake guest of 4 MiB of RAM whose
 * DMA callbacks refuse anything outside it; then hostile descriptors,
 * selectors and writes, and random garbage.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check_run.h"
#include "vmm/bytes.h"
#include "vmm/dev/fw_cfg.h"
#include "vmm/devices.h"

#define RAM_SIZE	(4u << 20)
#define DESC		0x1000u		/* where the reader puts its descriptor */
#define BUF		0x2000u		/* and its buffer */

static uint8_t ram[RAM_SIZE];
static struct fw_cfg fw;
static unsigned int dma_refusals;

static bool in_ram(uint64_t gpa, uint32_t len)
{
	return gpa <= RAM_SIZE && len <= RAM_SIZE - gpa;
}

static bool ram_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	ck_assert_ptr_eq(ctx, ram);
	if (!in_ram(gpa, len)) {
		dma_refusals++;
		return false;
	}
	memcpy(dst, ram + gpa, len);
	return true;
}

static bool ram_write(void *ctx, uint64_t gpa, const void *src, uint32_t len)
{
	ck_assert_ptr_eq(ctx, ram);
	if (!in_ram(gpa, len)) {
		dma_refusals++;
		return false;
	}
	memcpy(ram + gpa, src, len);
	return true;
}

static const struct guest_dma dma = { ram_read, ram_write, ram };

/* ---- the guest's side: port I/O as the vCPU exit handler would send it ---- */

static uint32_t in(uint16_t port, unsigned int size)
{
	if (port - FW_CFG_CTL_PORT < FW_CFG_CTL_LEN)
		return fw_cfg_ctl_ops.read(&fw, port - FW_CFG_CTL_PORT, size);
	ck_assert_uint_lt(port - FW_CFG_DMA_PORT, FW_CFG_DMA_LEN);
	return fw_cfg_dma_ops.read(&fw, port - FW_CFG_DMA_PORT, size);
}

static void out(uint16_t port, unsigned int size, uint32_t val)
{
	if (port - FW_CFG_CTL_PORT < FW_CFG_CTL_LEN)
		fw_cfg_ctl_ops.write(&fw, port - FW_CFG_CTL_PORT, size, val);
	else
		fw_cfg_dma_ops.write(&fw, port - FW_CFG_DMA_PORT, size, val);
}

/* SeaBIOS qemu_cfg_select / qemu_cfg_read: outw the key, inb the bytes. */
static void reader_select(uint16_t key)
{
	out(FW_CFG_CTL_PORT, 2, key);
}

static void reader_read(void *buf, uint32_t len)
{
	uint8_t *p = buf;

	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)in(FW_CFG_CTL_PORT + 1, 1);
}

/* Write the DMA address as SeaBIOS does: big-endian halves, high first. */
static void reader_kick(uint64_t desc)
{
	out(FW_CFG_DMA_PORT, 4, __builtin_bswap32((uint32_t)(desc >> 32)));
	out(FW_CFG_DMA_PORT + 4, 4, __builtin_bswap32((uint32_t)desc));
}

/* A descriptor at desc; returns the control field after the transfer. */
static uint32_t reader_dma_at(uint64_t desc, uint32_t control, uint32_t len,
			      uint64_t addr)
{
	if (in_ram(desc, FW_CFG_DMA_DESC_LEN)) {
		vmm_put_be32(&ram[desc], control);
		vmm_put_be32(&ram[desc + 4], len);
		vmm_put_be64(&ram[desc + 8], addr);
	}
	reader_kick(desc);
	return in_ram(desc, 4) ? vmm_get_be32(&ram[desc]) : 0;
}

static uint32_t reader_dma(uint32_t control, uint32_t len, uint64_t addr)
{
	return reader_dma_at(DESC, control, len, addr);
}

/* Look name up in the directory, as SeaBIOS's romfile list does. */
static bool reader_find(const char *name, uint16_t *key, uint32_t *size)
{
	uint8_t count[4], e[FW_CFG_DIR_ENTRY_LEN];

	reader_select(FW_CFG_FILE_DIR);
	reader_read(count, 4);
	for (uint32_t i = 0; i < vmm_get_be32(count); i++) {
		reader_read(e, sizeof(e));
		ck_assert_uint_eq(e[FW_CFG_DIR_ENTRY_LEN - 1], 0);
		if (!strcmp((const char *)e + 8, name)) {
			*size = vmm_get_be32(e);
			*key = (uint16_t)(e[4] << 8 | e[5]);
			ck_assert(!e[6] && !e[7]);
			return true;
		}
	}
	return false;
}

static const char bootorder[] = "/pci@i0cf8/scsi@5/disk@0,0\n";
static uint8_t sercon[2] = { 0xf8, 0x03 };
static uint8_t big[10000];
static uint8_t scratch[16];

static void setup(void)
{
	static const struct e820_entry map[] = {
		{ 0, 0x9fc00, E820_RAM },
		{ 0x9fc00, 0x400, E820_RESERVED },
		{ 0x100000, 0x3f00000, E820_RAM },
	};

	memset(ram, 0, sizeof(ram));
	dma_refusals = 0;
	for (unsigned int i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	memset(scratch, 0xee, sizeof(scratch));
	fw_cfg_init(&fw, &dma);
	ck_assert_int_eq(fw_cfg_add_ram_size(&fw, 64u << 20), FW_CFG_OK);
	ck_assert_int_eq(fw_cfg_add_cpus(&fw, 2, 8), FW_CFG_OK);
	ck_assert_int_eq(fw_cfg_add_e820(&fw, map, 3), FW_CFG_OK);
	ck_assert_int_eq(fw_cfg_add_file(&fw, "bootorder", bootorder,
					 sizeof(bootorder) - 1, NULL), FW_CFG_OK);
	ck_assert_int_eq(fw_cfg_add_file(&fw, "etc/sercon-port", sercon,
					 sizeof(sercon), NULL), FW_CFG_OK);
	ck_assert_int_eq(fw_cfg_add_file(&fw, "opt/big", big, sizeof(big), NULL),
			 FW_CFG_OK);
	ck_assert_int_eq(fw_cfg_add_file_rw(&fw, "etc/scratch", scratch,
					    sizeof(scratch), NULL), FW_CFG_OK);
}

START_TEST(test_signature_and_id_announce_qemu_with_dma)
{
	char sig[5] = { 0 };
	uint8_t id[4];

	setup();
	reader_select(FW_CFG_SIGNATURE);
	reader_read(sig, 4);
	ck_assert_str_eq(sig, "QEMU");
	reader_select(FW_CFG_ID);
	reader_read(id, 4);
	ck_assert_uint_eq(id[0], FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
	ck_assert(!id[1] && !id[2] && !id[3]);
	/* the DMA address register reads "QEMU CFG" in string order */
	ck_assert_uint_eq(in(FW_CFG_DMA_PORT, 4), 'Q' | 'E' << 8 | 'M' << 16 | 'U' << 24);
	ck_assert_uint_eq(in(FW_CFG_DMA_PORT + 4, 4), ' ' | 'C' << 8 | 'F' << 16 | 'G' << 24);
	ck_assert_uint_eq(in(FW_CFG_DMA_PORT + 7, 1), 'G');
	/* bit 14 (the old write channel) selects the same item */
	reader_select(FW_CFG_WRITE_CHANNEL | FW_CFG_SIGNATURE);
	reader_read(sig, 4);
	ck_assert_str_eq(sig, "QEMU");
}
END_TEST

START_TEST(test_numeric_items_are_little_endian)
{
	uint8_t v[8];

	setup();
	reader_select(FW_CFG_RAM_SIZE);
	reader_read(v, 8);
	ck_assert_uint_eq(v[3], 0x04);		/* 64 MiB = 0x04000000 */
	ck_assert(!v[0] && !v[1] && !v[2] && !v[4] && !v[7]);
	reader_select(FW_CFG_NB_CPUS);
	reader_read(v, 2);
	ck_assert(v[0] == 2 && v[1] == 0);
	reader_select(FW_CFG_MAX_CPUS);
	reader_read(v, 2);
	ck_assert(v[0] == 8 && v[1] == 0);
}
END_TEST

START_TEST(test_reader_finds_files_in_the_directory_and_reads_them_by_port)
{
	uint16_t key;
	uint32_t size;
	char order[64] = { 0 };
	uint8_t e820[3 * FW_CFG_E820_ENTRY_LEN], port[2];

	setup();
	ck_assert(reader_find("bootorder", &key, &size));
	ck_assert_uint_eq(size, sizeof(bootorder) - 1);
	ck_assert_uint_ge(key, FW_CFG_FILE_FIRST);
	reader_select(key);
	reader_read(order, size);
	ck_assert_str_eq(order, bootorder);

	ck_assert(reader_find("etc/sercon-port", &key, &size));
	ck_assert_uint_eq(size, 2);
	reader_select(key);
	reader_read(port, 2);
	ck_assert_uint_eq(port[0] | port[1] << 8, 0x3f8);

	ck_assert(reader_find("etc/e820", &key, &size));
	ck_assert_uint_eq(size, sizeof(e820));
	reader_select(key);
	reader_read(e820, size);
	/* entry 2: le64 0x100000, le64 0x3f00000, le32 1 */
	ck_assert_uint_eq(e820[40 + 2], 0x10);
	ck_assert_uint_eq(e820[40 + 8 + 3], 0x03);
	ck_assert_uint_eq(e820[40 + 8 + 2], 0xf0);
	ck_assert_uint_eq(e820[40 + 16], E820_RAM);
	ck_assert_uint_eq(e820[20 + 16], E820_RESERVED);

	ck_assert(!reader_find("etc/max-cpus-not-there", &key, &size));
}
END_TEST

START_TEST(test_data_reads_past_the_end_give_zeros)
{
	uint8_t v[6];

	setup();
	reader_select(FW_CFG_NB_CPUS);
	reader_read(v, 6);
	ck_assert(v[0] == 2 && !v[1] && !v[2] && !v[5]);
	/* a new selection starts at offset 0 again */
	reader_select(FW_CFG_NB_CPUS);
	reader_read(v, 1);
	ck_assert_uint_eq(v[0], 2);
	/* a selector nobody has: zeros */
	reader_select(0x0123);
	reader_read(v, 4);
	ck_assert(!v[0] && !v[3]);
	reader_select(0xbfff);
	reader_read(v, 4);
	ck_assert(!v[0] && !v[3]);
	/* other widths are not decoded; byte writes (data writes) do nothing */
	ck_assert_uint_eq(in(FW_CFG_CTL_PORT + 1, 2), VDEV_FLOATING_BUS);
	reader_select(FW_CFG_SIGNATURE);
	out(FW_CFG_CTL_PORT + 1, 1, 'X');
	out(FW_CFG_CTL_PORT, 4, 5);
	reader_read(v, 1);
	ck_assert_uint_eq(v[0], 'Q');
}
END_TEST

START_TEST(test_reader_reads_a_file_by_dma)
{
	uint16_t key;
	uint32_t size;

	setup();
	ck_assert(reader_find("opt/big", &key, &size));
	ck_assert_uint_eq(size, sizeof(big));
	ck_assert_uint_eq(reader_dma((uint32_t)key << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, size, BUF), 0);
	ck_assert(!memcmp(&ram[BUF], big, sizeof(big)));
	ck_assert_uint_eq(ram[BUF + sizeof(big)], 0);

	/* in pieces: select and read 100, skip 900, read 10 more */
	memset(&ram[BUF], 0, sizeof(big));
	ck_assert_uint_eq(reader_dma((uint32_t)key << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, 100, BUF), 0);
	ck_assert_uint_eq(reader_dma(FW_CFG_DMA_SKIP, 900, 0), 0);
	ck_assert_uint_eq(reader_dma(FW_CFG_DMA_READ, 10, BUF + 100), 0);
	ck_assert(!memcmp(&ram[BUF], big, 100));
	ck_assert(!memcmp(&ram[BUF + 100], big + 1000, 10));

	/* the port continues where DMA left off */
	ck_assert_uint_eq(in(FW_CFG_CTL_PORT + 1, 1), big[1010]);

	/* the address register is 0 again: a low half alone is a 32-bit address */
	ck_assert_uint_eq(fw.dma_addr_high, 0);
	vmm_put_be32(&ram[DESC], FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ);
	vmm_put_be32(&ram[DESC + 4], 4);
	vmm_put_be32(&ram[DESC + 8], 0);
	vmm_put_be32(&ram[DESC + 12], BUF + 0x4000);
	out(FW_CFG_DMA_PORT + 4, 4, __builtin_bswap32(DESC));
	ck_assert_uint_eq(vmm_get_be32(&ram[DESC]), 0);
	ck_assert(!memcmp(&ram[BUF + 0x4000], "QEMU", 4));
}
END_TEST

START_TEST(test_dma_read_past_the_end_fills_zeros_up_to_a_bound)
{
	setup();
	memset(&ram[BUF], 0xaa, 64);
	ck_assert_uint_eq(reader_dma(FW_CFG_NB_CPUS << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, 64, BUF), 0);
	ck_assert_uint_eq(ram[BUF], 2);
	ck_assert_uint_eq(ram[BUF + 1], 0);
	ck_assert_uint_eq(ram[BUF + 63], 0);

	/* an unknown selector reads as zeros, no error (QEMU does the same) */
	memset(&ram[BUF], 0xaa, 64);
	ck_assert_uint_eq(reader_dma(0x0777u << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, 64, BUF), 0);
	ck_assert_uint_eq(ram[BUF + 63], 0);

	/* exactly the bound of zeros is fine, one more byte is an error */
	ck_assert_uint_eq(reader_dma(FW_CFG_NB_CPUS << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, 2 + FW_CFG_DMA_FILL_MAX, BUF), 0);
	ck_assert_uint_eq(reader_dma(FW_CFG_NB_CPUS << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, 3 + FW_CFG_DMA_FILL_MAX, BUF),
			  FW_CFG_DMA_ERROR);
}
END_TEST

START_TEST(test_dma_outside_guest_ram_sets_the_error_bit)
{
	uint16_t key;
	uint32_t size;

	setup();
	ck_assert(reader_find("opt/big", &key, &size));
	/* destination beyond RAM */
	ck_assert_uint_eq(reader_dma((uint32_t)key << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, 16, RAM_SIZE), FW_CFG_DMA_ERROR);
	/* destination straddling the end of RAM: nothing past it written */
	ck_assert_uint_eq(reader_dma((uint32_t)key << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, 16, RAM_SIZE - 8), FW_CFG_DMA_ERROR);
	/* length that wraps the 64-bit address, and one that wraps 32 bits */
	ck_assert_uint_eq(reader_dma((uint32_t)key << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, 0x100, ~0ull - 0x10), FW_CFG_DMA_ERROR);
	ck_assert_uint_eq(reader_dma((uint32_t)key << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, 0xffffffff, RAM_SIZE - 0x100000),
			  FW_CFG_DMA_ERROR);
	/* 64-bit destination far above RAM */
	ck_assert_uint_eq(reader_dma((uint32_t)key << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, 4, 0x100000000ull), FW_CFG_DMA_ERROR);
	/* descriptor whose tail is outside RAM: the error lands in its control */
	ck_assert_uint_eq(reader_dma_at(RAM_SIZE - 8, FW_CFG_DMA_READ, 4, BUF),
			  FW_CFG_DMA_ERROR);
	/* descriptor entirely outside RAM: nothing to report to, nothing done */
	dma_refusals = 0;
	reader_dma_at(0x7fff0000ull << 4, FW_CFG_DMA_READ, 4, BUF);
	ck_assert_uint_eq(dma_refusals, 2);
	/* the device still works */
	ck_assert_uint_eq(reader_dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, 4, BUF), 0);
	ck_assert(!memcmp(&ram[BUF], "QEMU", 4));
}
END_TEST

START_TEST(test_dma_writes_only_inside_writable_items)
{
	uint16_t key, rw;
	uint32_t size;
	uint8_t before[sizeof(big)];

	setup();
	memcpy(before, big, sizeof(big));
	ck_assert(reader_find("opt/big", &key, &size));
	memset(&ram[BUF], 0x55, 64);
	/* a read-only item: refused, unchanged */
	ck_assert_uint_eq(reader_dma((uint32_t)key << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_WRITE, 8, BUF), FW_CFG_DMA_ERROR);
	ck_assert(!memcmp(big, before, sizeof(big)));
	ck_assert_uint_eq(reader_dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_WRITE, 4, BUF), FW_CFG_DMA_ERROR);
	ck_assert_uint_eq(reader_dma(0x0777u << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_WRITE, 4, BUF), FW_CFG_DMA_ERROR);

	ck_assert(reader_find("etc/scratch", &rw, &size));
	ck_assert_uint_eq(size, 16);
	/* inside: written, offset moves on */
	ck_assert_uint_eq(reader_dma((uint32_t)rw << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_WRITE, 4, BUF), 0);
	ck_assert_uint_eq(scratch[0], 0x55);
	ck_assert_uint_eq(scratch[3], 0x55);
	ck_assert_uint_eq(scratch[4], 0xee);
	/* past the end: dropped entirely */
	ck_assert_uint_eq(reader_dma(FW_CFG_DMA_WRITE, 13, BUF), FW_CFG_DMA_ERROR);
	ck_assert_uint_eq(scratch[4], 0xee);
	ck_assert_uint_eq(reader_dma(FW_CFG_DMA_WRITE, 0xffffffff, BUF), FW_CFG_DMA_ERROR);
	/* source outside RAM: dropped */
	ck_assert_uint_eq(reader_dma(FW_CFG_DMA_WRITE, 12, RAM_SIZE - 4), FW_CFG_DMA_ERROR);
	ck_assert_uint_eq(scratch[4], 0xee);
	/* exactly to the end: fine */
	ck_assert_uint_eq(reader_dma(FW_CFG_DMA_WRITE, 12, BUF), 0);
	ck_assert_uint_eq(scratch[15], 0x55);
	/* the directory is never writable */
	ck_assert_uint_eq(reader_dma(FW_CFG_FILE_DIR << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_WRITE, 4, BUF), FW_CFG_DMA_ERROR);
}
END_TEST

START_TEST(test_skip_stops_at_the_end_and_select_alone_resets_the_offset)
{
	setup();
	ck_assert_uint_eq(reader_dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_SKIP, 0xffffffff, 0), 0);
	ck_assert_uint_eq(in(FW_CFG_CTL_PORT + 1, 1), 0);
	ck_assert_uint_eq(reader_dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_SELECT, 0, 0), 0);
	ck_assert_uint_eq(in(FW_CFG_CTL_PORT + 1, 1), 'Q');
	/* READ wins over WRITE and SKIP when several bits are set */
	ck_assert_uint_eq(reader_dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ | FW_CFG_DMA_WRITE |
				     FW_CFG_DMA_SKIP, 4, BUF), 0);
	ck_assert(!memcmp(&ram[BUF], "QEMU", 4));
}
END_TEST

START_TEST(test_adding_items_refuses_clashes_bad_names_and_overflow)
{
	char name[FW_CFG_NAME_LEN + 1];
	uint16_t key;
	uint32_t size;
	unsigned int files;

	setup();
	ck_assert_int_eq(fw_cfg_add_bytes(&fw, FW_CFG_SIGNATURE, "x", 1), FW_CFG_EXISTS);
	ck_assert_int_eq(fw_cfg_add_bytes(&fw, FW_CFG_FILE_DIR, "x", 1), FW_CFG_EXISTS);
	ck_assert_int_eq(fw_cfg_add_bytes(&fw, FW_CFG_NB_CPUS, "x", 1), FW_CFG_EXISTS);
	ck_assert_int_eq(fw_cfg_add_bytes(&fw, FW_CFG_FILE_FIRST, "x", 1), FW_CFG_BAD_KEY);
	ck_assert_int_eq(fw_cfg_add_bytes(&fw, 0x4002, "x", 1), FW_CFG_BAD_KEY);
	ck_assert_int_eq(fw_cfg_add_bytes(&fw, 0x8003, "e", 1), FW_CFG_OK);
	ck_assert_int_eq(fw_cfg_add_bytes(&fw, 0x8003, "e", 1), FW_CFG_EXISTS);
	ck_assert_int_eq(fw_cfg_add_file(&fw, "bootorder", "x", 1, NULL), FW_CFG_EXISTS);
	ck_assert_int_eq(fw_cfg_add_file(&fw, "", "x", 1, NULL), FW_CFG_BAD_NAME);
	memset(name, 'a', sizeof(name));
	name[FW_CFG_NAME_LEN - 1] = 0;		/* 55 characters: fits */
	ck_assert_int_eq(fw_cfg_add_file(&fw, name, "x", 1, &key), FW_CFG_OK);
	name[FW_CFG_NAME_LEN - 1] = 'a';
	name[FW_CFG_NAME_LEN] = 0;		/* 56: no room for the NUL */
	ck_assert_int_eq(fw_cfg_add_file(&fw, name, "x", 1, NULL), FW_CFG_BAD_NAME);
	/* fill the directory */
	for (files = fw.nr_files; files < FW_CFG_MAX_FILES; files++) {
		snprintf(name, sizeof(name), "opt/f%u", files);
		ck_assert_int_eq(fw_cfg_add_file(&fw, name, "x", 1, &key), FW_CFG_OK);
		ck_assert_uint_eq(key, FW_CFG_FILE_FIRST + files);
	}
	ck_assert_int_eq(fw_cfg_add_file(&fw, "opt/one-more", "x", 1, NULL), FW_CFG_FULL);
	ck_assert_uint_eq(fw_cfg_find(&fw, FW_CFG_FILE_DIR)->len,
			  4 + FW_CFG_MAX_FILES * FW_CFG_DIR_ENTRY_LEN);
	ck_assert(reader_find("opt/f31", &key, &size));
	ck_assert_uint_eq(key, FW_CFG_FILE_FIRST + 31);
	ck_assert_int_eq(fw_cfg_add_e820(&fw, NULL, E820_MAX_ENTRIES + 1), FW_CFG_TOO_BIG);
}
END_TEST

/*
 * An item in pieces (a kernel staged in chunks, its first bytes left
 * out) reads as the concatenation, by port and by DMA across pieces.
 */
START_TEST(test_an_item_in_pieces_reads_as_one)
{
	static const uint8_t *const piece[3] = { big, big + 3000, big + 6000 };
	const struct fw_cfg_pieces p = { piece, 3000, 100 };
	uint32_t len = 3 * 3000 - 100 - 50;	/* ends inside the last piece */
	uint8_t b[300];

	setup();
	ck_assert_int_eq(fw_cfg_add_pieces(&fw, 0x0011, &p, len), FW_CFG_OK);
	ck_assert_int_eq(fw_cfg_add_pieces(&fw, 0x0011, &p, len), FW_CFG_EXISTS);
	reader_select(0x0011);
	reader_read(b, 4);
	ck_assert_mem_eq(b, big + 100, 4);
	/* by port across the first piece's end */
	for (uint32_t i = 4; i < 2890; i++)
		reader_read(b, 1);
	reader_read(b, 20);
	ck_assert_mem_eq(b, big + 100 + 2890, 20);
	/* by DMA: all of it, crossing both joins, then zeros */
	ck_assert_uint_eq(reader_dma((uint32_t)0x0011 << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, len + 8, BUF), 0);
	ck_assert_mem_eq(ram + BUF, big + 100, len);
	ck_assert_uint_eq(ram[BUF + len], 0);
	ck_assert_uint_eq(ram[BUF + len + 7], 0);
	/* from the middle of the second piece, across into the third */
	ck_assert_uint_eq(reader_dma((uint32_t)0x0011 << 16 | FW_CFG_DMA_SELECT, 0, 0), 0);
	ck_assert_uint_eq(reader_dma(FW_CFG_DMA_SKIP, 5850, 0), 0);
	ck_assert_uint_eq(reader_dma(FW_CFG_DMA_READ, sizeof(b), BUF), 0);
	ck_assert_mem_eq(ram + BUF, big + 100 + 5850, sizeof(b));
	/* a piece length of 0 is refused */
	const struct fw_cfg_pieces none = { piece, 0, 0 };
	ck_assert_int_eq(fw_cfg_add_pieces(&fw, 0x0012, &none, 10), FW_CFG_BAD_KEY);
}
END_TEST

/*
 * An item of parts (QEMU's Multiboot image: bytes, zeros, pieces) reads as
 * the parts one after another, by port and by DMA across every join.
 */
START_TEST(test_an_item_of_parts_reads_as_the_parts_in_order)
{
	static const uint8_t *const piece[3] = { big, big + 3000, big + 6000 };
	static uint8_t want[3 * 1000 + 700 + 5000];
	const struct fw_cfg_part part[] = {
		{ .len = 1000, .data = big + 7000 },
		{ .len = 1000 },				/* zeros */
		{ .len = 0, .data = big },			/* empty: skipped */
		{ .len = 5000, .pieces = { piece, 3000, 2500 } },	/* crosses a join */
		{ .len = 700 },
		{ .len = 1000, .data = big + 1 },
	};
	const struct fw_cfg_part bad = { .len = 1, .pieces = { piece, 0, 0 } };
	const struct fw_cfg_part huge[2] = { { .len = UINT32_MAX }, { .len = 1 } };
	uint32_t len = sizeof(want);
	uint8_t b[8];

	setup();
	memset(want, 0, sizeof(want));
	memcpy(want, big + 7000, 1000);
	memcpy(want + 2000, big + 2500, 5000);
	memcpy(want + 7700, big + 1, 1000);
	ck_assert_int_eq(fw_cfg_add_parts(&fw, 0x0011, part, VMM_ARRAY_SIZE(part)), FW_CFG_OK);
	ck_assert_uint_eq(fw_cfg_find(&fw, 0x0011)->len, len);
	/* by DMA: all of it, then zeros past its end */
	memset(ram + BUF, 0xee, len + 8);
	ck_assert_uint_eq(reader_dma((uint32_t)0x0011 << 16 | FW_CFG_DMA_SELECT |
				     FW_CFG_DMA_READ, len + 8, BUF), 0);
	ck_assert_mem_eq(ram + BUF, want, len);
	ck_assert_uint_eq(ram[BUF + len + 7], 0);
	/* by port, across the join of the zeros and the pieces */
	reader_select(0x0011);
	for (uint32_t i = 0; i < 1996; i++)
		reader_read(b, 1);
	reader_read(b, sizeof(b));
	ck_assert_mem_eq(b, want + 1996, sizeof(b));
	/* a part in pieces of length 0, and parts of 4 GiB, are refused */
	ck_assert_int_eq(fw_cfg_add_parts(&fw, 0x0012, &bad, 1), FW_CFG_BAD_KEY);
	ck_assert_int_eq(fw_cfg_add_parts(&fw, 0x0012, huge, 2), FW_CFG_TOO_BIG);
	ck_assert_ptr_null(fw_cfg_find(&fw, 0x0012));
}
END_TEST

START_TEST(test_reset_selects_the_signature_and_clears_the_dma_address)
{
	setup();
	reader_select(FW_CFG_NB_CPUS);
	out(FW_CFG_DMA_PORT, 4, 0x01000000);
	fw_cfg_reset(&fw);
	ck_assert_uint_eq(fw.dma_addr_high, 0);
	ck_assert_uint_eq(in(FW_CFG_CTL_PORT + 1, 1), 'Q');
	ck_assert(fw_cfg_find(&fw, FW_CFG_NB_CPUS));
}
END_TEST

/* Random port traffic and random descriptors: no crash, no access outside RAM. */
START_TEST(test_random_garbage_never_escapes_guest_ram)
{
	static const unsigned int sizes[] = { 1, 2, 4 };
	char sig[5] = { 0 };

	setup();
	srandom(1234);
	for (unsigned int i = 0; i < 200000; i++) {
		unsigned int size = sizes[random() % 3];
		unsigned int n = (unsigned int)random() % (FW_CFG_CTL_LEN + FW_CFG_DMA_LEN);
		uint16_t port = n < FW_CFG_CTL_LEN ? FW_CFG_CTL_PORT + n :
				FW_CFG_DMA_PORT + n - FW_CFG_CTL_LEN;
		uint32_t val = (uint32_t)random() ^ (uint32_t)random() << 16;
		if ((random() & 7) == 0) {
			/* a descriptor of garbage near the start of RAM */
			uint64_t desc = (uint64_t)(random() % 0x3000);

			for (unsigned int b = 0; b < FW_CFG_DMA_DESC_LEN; b++)
				ram[desc + b] = (uint8_t)random();
			if (random() & 1)	/* mostly a sane destination */
				vmm_put_be32(&ram[desc + 8], 0);
			if (random() & 1)	/* and a modest length */
				vmm_put_be32(&ram[desc + 4], (uint32_t)random() % 0x20000);
			reader_kick(desc);
		} else if (random() & 1) {
			out(port, size, val);
		} else {
			in(port, size);
		}
	}
	/* the items are intact */
	reader_select(FW_CFG_SIGNATURE);
	reader_read(sig, 4);
	ck_assert_str_eq(sig, "QEMU");
	ck_assert_uint_eq(sercon[0], 0xf8);
	for (unsigned int i = 0; i < sizeof(big); i++)
		ck_assert_uint_eq(big[i], (uint8_t)(i * 7 + 3));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("fw_cfg");

	tcase_add_test(tc, test_signature_and_id_announce_qemu_with_dma);
	tcase_add_test(tc, test_numeric_items_are_little_endian);
	tcase_add_test(tc, test_reader_finds_files_in_the_directory_and_reads_them_by_port);
	tcase_add_test(tc, test_data_reads_past_the_end_give_zeros);
	tcase_add_test(tc, test_reader_reads_a_file_by_dma);
	tcase_add_test(tc, test_dma_read_past_the_end_fills_zeros_up_to_a_bound);
	tcase_add_test(tc, test_dma_outside_guest_ram_sets_the_error_bit);
	tcase_add_test(tc, test_dma_writes_only_inside_writable_items);
	tcase_add_test(tc, test_skip_stops_at_the_end_and_select_alone_resets_the_offset);
	tcase_add_test(tc, test_adding_items_refuses_clashes_bad_names_and_overflow);
	tcase_add_test(tc, test_an_item_in_pieces_reads_as_one);
	tcase_add_test(tc, test_an_item_of_parts_reads_as_the_parts_in_order);
	tcase_add_test(tc, test_reset_selects_the_signature_and_clears_the_dma_address);
	tcase_add_test(tc, test_random_garbage_never_escapes_guest_ram);
	return check_run("fw_cfg", tc);
}
