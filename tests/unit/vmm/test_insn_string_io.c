// SPDX-License-Identifier: GPL-2.0-only
/*
 * INS and OUTS, with and without REP, as the IOIO exit handler runs them:
 * a fake guest whose memory accesses go through vmm/guest_walk.c over
 * hand-built 32-bit page tables (or paging off, for real mode), split per
 * page as vmkernel/vm/vcpu.c does, and two fake ports: a data port that
 * hands out 0, 1, 2, ... byte by byte (as fw_cfg's does) and a logging one.
 */
#include <check.h>
#include <string.h>

#include "tests/unit/check_run.h"
#include "vmm/guest_walk.h"
#include "vmm/insn.h"

#define RAM_SIZE	0x40000u
#define PAGE		0x1000u
#define PD		0x1000u		/* page directory */
#define PT		0x2000u		/* page table for linear 0..4 MiB */
#define CODE		0x8000u
#define P		0x001u
#define RW		0x002u
#define US		0x004u
#define PORT_DATA	0x511		/* reads 0, 1, 2, ... */
#define PORT_LOG	0x3f8		/* writes are logged */
#define MAX_OUT		256

struct guest {
	uint8_t ram[RAM_SIZE];
	uint32_t cr0;
	uint8_t cpl;
	uint8_t next_in;		/* the data port's next byte */
	unsigned int port_reads;
	unsigned int nout;
	uint32_t out[MAX_OUT];
	unsigned int out_size;
	bool fault;
	uint32_t fault_addr, fault_error;
};

static struct guest g;
static struct insn_cpu cpu;

static bool ram_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	(void)ctx;
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return false;
	memcpy(dst, g.ram + gpa, len);
	return true;
}

static bool ram_cmpxchg(void *ctx, uint64_t gpa, uint32_t old, uint32_t val)
{
	uint32_t cur;

	(void)ctx;
	if (gpa + 4 > RAM_SIZE)
		return false;
	memcpy(&cur, g.ram + gpa, 4);
	if (cur != old)
		return false;
	memcpy(g.ram + gpa, &val, 4);
	return true;
}

static bool translate(uint32_t lin, enum gw_access acc, uint64_t *gpa)
{
	struct guest_mmu mmu = {
		.cr0 = g.cr0, .cr3 = PD, .cpl = g.cpl, .phys_bits = 36,
		.read = ram_read, .cmpxchg = ram_cmpxchg,
	};
	uint32_t err;
	enum gw_status st = guest_walk(&mmu, lin, acc, gpa, &err);

	if (st == GW_PAGE_FAULT) {
		g.fault = true;
		g.fault_addr = lin;
		g.fault_error = err;
	}
	return st == GW_OK && *gpa < RAM_SIZE;
}

/* Both pages of an access translated before any byte moves. */
static bool span(uint32_t lin, unsigned int size, enum gw_access acc,
		 uint64_t gpa[2], unsigned int part[2])
{
	unsigned int first = PAGE - (lin & (PAGE - 1));

	g.fault = false;
	part[0] = size > first ? first : size;
	part[1] = size - part[0];
	return translate(lin, acc, &gpa[0]) &&
	       (!part[1] || translate(lin + part[0], acc, &gpa[1]));
}

static unsigned int fake_fetch(void *ctx, uint32_t lin, uint8_t *buf,
			       unsigned int len)
{
	unsigned int i;
	uint64_t gpa;

	(void)ctx;
	for (i = 0; i < len; i++) {
		if (!translate(lin + i, GW_FETCH, &gpa))
			break;
		buf[i] = g.ram[gpa];
	}
	return i;
}

static bool fake_read(void *ctx, uint32_t lin, unsigned int size,
		      uint32_t *val, bool for_write)
{
	uint64_t gpa[2];
	unsigned int part[2], i;

	(void)ctx;
	if (!span(lin, size, for_write ? GW_WRITE : GW_READ, gpa, part))
		return false;
	*val = 0;
	for (i = 0; i < size; i++)
		*val |= (uint32_t)g.ram[i < part[0] ? gpa[0] + i :
					gpa[1] + i - part[0]] << (8 * i);
	return true;
}

static bool fake_write(void *ctx, uint32_t lin, unsigned int size, uint32_t val)
{
	uint64_t gpa[2];
	unsigned int part[2], i;

	(void)ctx;
	if (!span(lin, size, GW_WRITE, gpa, part))
		return false;
	for (i = 0; i < size; i++)
		g.ram[i < part[0] ? gpa[0] + i : gpa[1] + i - part[0]] =
			(uint8_t)(val >> (8 * i));
	return true;
}

static bool fake_probe_write(void *ctx, uint32_t lin, unsigned int size)
{
	uint64_t gpa[2];
	unsigned int part[2];

	(void)ctx;
	return span(lin, size, GW_WRITE, gpa, part);
}

static bool fake_port_in(void *ctx, uint16_t port, unsigned int size,
			 uint32_t *val)
{
	unsigned int i;

	(void)ctx;
	ck_assert(size == 1 || size == 2 || size == 4);
	*val = 0xffffffff;
	if (port != PORT_DATA)
		return true;
	g.port_reads++;
	*val = 0;
	for (i = 0; i < size; i++)
		*val |= (uint32_t)g.next_in++ << (8 * i);
	return true;
}

static bool fake_port_out(void *ctx, uint16_t port, unsigned int size,
			  uint32_t val)
{
	(void)ctx;
	ck_assert_uint_eq(port, PORT_LOG);
	if (g.nout < MAX_OUT)
		g.out[g.nout] = val;
	g.nout++;
	g.out_size = size;
	return true;
}

static const struct insn_ops ops = {
	.fetch = fake_fetch, .read = fake_read, .write = fake_write,
	.port_in = fake_port_in, .port_out = fake_port_out,
	.probe_write = fake_probe_write,
};

static void map(uint32_t lin, uint32_t phys, uint32_t flags)
{
	uint32_t pte = (phys & ~(PAGE - 1)) | flags;

	memcpy(&g.ram[PT + 4 * (lin >> 12)], &pte, 4);
}

/* Paging on: linear 0..RAM_SIZE identity, user and writable. */
static void reset_paged(bool cs_db)
{
	uint32_t pde = PT | P | RW | US, lin;

	memset(&g, 0, sizeof(g));
	memset(&cpu, 0, sizeof(cpu));
	memcpy(&g.ram[PD], &pde, 4);
	for (lin = 0; lin < RAM_SIZE; lin += PAGE)
		map(lin, lin, P | RW | US);
	g.cr0 = GW_CR0_PG | GW_CR0_WP | 1;
	cpu.eip = CODE;
	cpu.eflags = 0x2;
	cpu.cs_db = cs_db;
}

/* Paging off: real mode or flat protected mode without paging. */
static void reset_flat(bool cs_db)
{
	reset_paged(cs_db);
	g.cr0 = cs_db ? 1 : 0;
}

static void put_code(const void *bytes, size_t len)
{
	memcpy(&g.ram[CODE], bytes, len);
}

static enum insn_status run(void)
{
	struct insn insn;

	return insn_emulate(&cpu, &ops, NULL, &insn);
}

#define CODE_OF(s) s, sizeof(s) - 1

static void assert_sequence(uint32_t addr, unsigned int n, uint8_t first)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ck_assert_uint_eq(g.ram[addr + i], (uint8_t)(first + i));
}

START_TEST(test_ins_and_outs_decode_with_their_operands)
{
	struct insn insn;

	ck_assert_int_eq(insn_decode((const uint8_t *)"\xf3\x6c", 2, true, &insn), INSN_OK);
	ck_assert_int_eq(insn.kind, INSN_KIND_INS);
	ck_assert(insn.rep);
	ck_assert_uint_eq(insn.op_size, 1);
	ck_assert_int_eq(insn_decode((const uint8_t *)"\x66\x6d", 2, true, &insn), INSN_OK);
	ck_assert_uint_eq(insn.op_size, 2);
	ck_assert(!insn.rep);
	ck_assert_int_eq(insn_decode((const uint8_t *)"\x64\x67\x6f", 3, false, &insn), INSN_OK);
	ck_assert_int_eq(insn.kind, INSN_KIND_OUTS);
	ck_assert_uint_eq(insn.seg, INSN_FS);
	ck_assert_uint_eq(insn.addr_size, 4);
	ck_assert_uint_eq(insn.op_size, 2);
	ck_assert_uint_eq(insn.len, 3);
	/* LOCK on a string instruction is #UD */
	ck_assert_int_eq(insn_decode((const uint8_t *)"\xf0\x6e", 2, true, &insn), INSN_INVALID);
}
END_TEST

START_TEST(test_rep_insb_fills_guest_memory_from_the_port)
{
	reset_paged(true);
	put_code(CODE_OF("\xf3\x6c"));		/* rep insb */
	cpu.gpr[INSN_EDX] = PORT_DATA;
	cpu.gpr[INSN_EDI] = 0x10000;
	cpu.gpr[INSN_ECX] = 100;
	ck_assert_int_eq(run(), INSN_OK);
	assert_sequence(0x10000, 100, 0);
	ck_assert_uint_eq(g.ram[0x10000 + 100], 0);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x10000 + 100);
	ck_assert_uint_eq(cpu.eip, CODE + 2);
}
END_TEST

START_TEST(test_ins_ignores_a_segment_override_and_writes_es)
{
	reset_flat(true);
	put_code(CODE_OF("\x64\x6d"));		/* insl %dx, %es:(%edi) with an FS prefix */
	cpu.seg_base[INSN_ES] = 0x20000;
	cpu.seg_base[INSN_FS] = 0x30000;
	cpu.gpr[INSN_EDX] = PORT_DATA;
	cpu.gpr[INSN_EDI] = 0x40;
	ck_assert_int_eq(run(), INSN_OK);
	assert_sequence(0x20040, 4, 0);
	ck_assert_uint_eq(g.ram[0x30040], 0);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x44);
	ck_assert_uint_eq(cpu.eip, CODE + 2);
}
END_TEST

START_TEST(test_outs_reads_an_overridden_segment_in_16bit_code)
{
	reset_flat(false);
	put_code(CODE_OF("\x26\xf3\x6e"));	/* rep outsb %es:(%si), %dx */
	cpu.seg_base[INSN_ES] = 0x20000;
	cpu.seg_base[INSN_DS] = 0x30000;
	memcpy(&g.ram[0x20010], "vmk", 3);
	cpu.gpr[INSN_EDX] = 0xabcd0000 | PORT_LOG;	/* only DX names the port */
	cpu.gpr[INSN_ESI] = 0x55550010;
	cpu.gpr[INSN_ECX] = 0x77770003;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.nout, 3);
	ck_assert_uint_eq(g.out[0], 'v');
	ck_assert_uint_eq(g.out[2], 'k');
	ck_assert_uint_eq(g.out_size, 1);
	ck_assert_uint_eq(cpu.gpr[INSN_ESI], 0x55550013);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0x77770000);
	ck_assert_uint_eq(cpu.eip, CODE + 3);
}
END_TEST

START_TEST(test_16bit_rep_insw_counts_cx_and_wraps_di)
{
	reset_flat(false);
	put_code(CODE_OF("\xf3\x6d"));		/* rep insw in 16-bit code */
	cpu.seg_base[INSN_ES] = 0x10000;
	cpu.gpr[INSN_EDX] = PORT_DATA;
	cpu.gpr[INSN_ECX] = 0xabcd0002;
	cpu.gpr[INSN_EDI] = 0x1234fffe;		/* DI wraps to 0 */
	ck_assert_int_eq(run(), INSN_OK);
	assert_sequence(0x1fffe, 2, 0);
	assert_sequence(0x10000, 2, 2);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0xabcd0000);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x12340002);
}
END_TEST

START_TEST(test_16bit_prefixes_select_dword_and_32bit_addresses)
{
	reset_flat(false);
	/* rep insl with a32: 66 and 67 in 16-bit code, ECX/EDI count */
	put_code(CODE_OF("\x66\x67\xf3\x6d"));
	cpu.gpr[INSN_EDX] = PORT_DATA;
	cpu.gpr[INSN_EDI] = 0x10000;		/* DI alone would be 0 */
	cpu.gpr[INSN_ECX] = 3;
	ck_assert_int_eq(run(), INSN_OK);
	assert_sequence(0x10000, 12, 0);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x1000c);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0);
	ck_assert_uint_eq(cpu.eip, CODE + 4);

	/* 32-bit code with 66 and 67: words, SI and CX */
	reset_flat(true);
	put_code(CODE_OF("\x66\x67\xf3\x6f"));	/* rep outsw %ds:(%si), %dx */
	cpu.gpr[INSN_EDX] = PORT_LOG;
	cpu.gpr[INSN_ESI] = 0x00050100;
	cpu.gpr[INSN_ECX] = 0x00010002;
	memcpy(&g.ram[0x100], "\x11\x22\x33\x44", 4);
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.nout, 2);
	ck_assert_uint_eq(g.out[0], 0x2211);
	ck_assert_uint_eq(g.out[1], 0x4433);
	ck_assert_uint_eq(g.out_size, 2);
	ck_assert_uint_eq(cpu.gpr[INSN_ESI], 0x00050104);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0x00010000);
}
END_TEST

START_TEST(test_df_runs_string_io_backwards)
{
	reset_paged(true);
	put_code(CODE_OF("\xf3\x6d"));		/* rep insl, DF = 1 */
	cpu.eflags |= INSN_FLAG_DF;
	cpu.gpr[INSN_EDX] = PORT_DATA;
	cpu.gpr[INSN_EDI] = 0x10008;
	cpu.gpr[INSN_ECX] = 3;
	ck_assert_int_eq(run(), INSN_OK);
	assert_sequence(0x10008, 4, 0);
	assert_sequence(0x10004, 4, 4);
	assert_sequence(0x10000, 4, 8);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x10000 - 4);

	reset_paged(true);
	put_code(CODE_OF("\xf3\x6e"));		/* rep outsb, DF = 1 */
	cpu.eflags |= INSN_FLAG_DF;
	memcpy(&g.ram[0x10000], "abc", 3);
	cpu.gpr[INSN_EDX] = PORT_LOG;
	cpu.gpr[INSN_ESI] = 0x10002;
	cpu.gpr[INSN_ECX] = 3;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.out[0], 'c');
	ck_assert_uint_eq(g.out[2], 'a');
	ck_assert_uint_eq(cpu.gpr[INSN_ESI], 0xffff);
}
END_TEST

START_TEST(test_rep_with_zero_count_touches_no_port)
{
	reset_paged(true);
	put_code(CODE_OF("\xf3\x6c"));		/* rep insb, ECX = 0 */
	cpu.gpr[INSN_EDX] = PORT_DATA;
	cpu.gpr[INSN_EDI] = 0x10000;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.port_reads, 0);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x10000);
	ck_assert_uint_eq(cpu.eip, CODE + 2);

	reset_paged(true);
	put_code(CODE_OF("\xf3\x6e"));		/* rep outsb, ECX = 0 */
	cpu.gpr[INSN_EDX] = PORT_LOG;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.nout, 0);
	ck_assert_uint_eq(cpu.eip, CODE + 2);
}
END_TEST

START_TEST(test_page_crossing_dword_lands_on_both_physical_pages)
{
	reset_paged(true);
	/* linear 0x10000 -> 0x30000, 0x11000 -> 0x22000: not contiguous */
	map(0x10000, 0x30000, P | RW | US);
	map(0x11000, 0x22000, P | RW | US);
	put_code(CODE_OF("\xf3\x6d"));		/* rep insl */
	cpu.gpr[INSN_EDX] = PORT_DATA;
	cpu.gpr[INSN_EDI] = 0x10ffe;
	cpu.gpr[INSN_ECX] = 2;
	ck_assert_int_eq(run(), INSN_OK);
	assert_sequence(0x30ffe, 2, 0);
	assert_sequence(0x22000, 6, 2);
	ck_assert_uint_eq(g.ram[0x11000], 0);	/* the identity page is untouched */

	reset_paged(true);
	map(0x10000, 0x30000, P | RW | US);
	map(0x11000, 0x22000, P | RW | US);
	memcpy(&g.ram[0x30fff], "\x01", 1);
	memcpy(&g.ram[0x22000], "\x02\x03\x04", 3);
	put_code(CODE_OF("\x6f"));		/* outsl across the page */
	cpu.gpr[INSN_EDX] = PORT_LOG;
	cpu.gpr[INSN_ESI] = 0x10fff;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.out[0], 0x04030201);
}
END_TEST

START_TEST(test_fault_midway_keeps_completed_iterations_and_port_data)
{
	reset_paged(true);
	map(0x11000, 0x11000, P | US);		/* read-only for user mode */
	g.cpl = 3;
	put_code(CODE_OF("\xf3\x6d"));		/* rep insl from page 0x10000 into 0x11000 */
	cpu.gpr[INSN_EDX] = PORT_DATA;
	cpu.gpr[INSN_EDI] = 0x10ff8;
	cpu.gpr[INSN_ECX] = 10;
	ck_assert_int_eq(run(), INSN_ACCESS_FAILED);
	/* two dwords done, the third would cross into the read-only page */
	assert_sequence(0x10ff8, 8, 0);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 8);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x11000);
	ck_assert_uint_eq(cpu.eip, CODE);
	ck_assert(g.fault);
	ck_assert_uint_eq(g.fault_addr, 0x11000);
	ck_assert_uint_eq(g.fault_error, GW_PF_P | GW_PF_W | GW_PF_U);
	/* the device was not read for the iteration that faulted */
	ck_assert_uint_eq(g.port_reads, 2);
	ck_assert_uint_eq(g.next_in, 8);

	/* the guest's #PF handler makes the page writable; re-execution ends it */
	map(0x11000, 0x11000, P | RW | US);
	ck_assert_int_eq(run(), INSN_OK);
	assert_sequence(0x11000, 32, 8);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0);
	ck_assert_uint_eq(cpu.eip, CODE + 2);

	/* OUTS from a page that is not present: nothing reaches the port */
	reset_paged(true);
	map(0x11000, 0, 0);
	put_code(CODE_OF("\xf3\x6e"));
	cpu.gpr[INSN_EDX] = PORT_LOG;
	cpu.gpr[INSN_ESI] = 0x10ffe;
	cpu.gpr[INSN_ECX] = 5;
	ck_assert_int_eq(run(), INSN_ACCESS_FAILED);
	ck_assert_uint_eq(g.nout, 2);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 3);
	ck_assert_uint_eq(cpu.gpr[INSN_ESI], 0x11000);
	ck_assert_uint_eq(g.fault_error, 0);
}
END_TEST

START_TEST(test_huge_count_runs_in_bounded_chunks)
{
	unsigned int exits = 0;

	reset_flat(true);
	put_code(CODE_OF("\xf3\x6c"));		/* rep insb, ECX = 3 budgets + 5 */
	cpu.gpr[INSN_EDX] = PORT_DATA;
	cpu.gpr[INSN_EDI] = 0x10000;
	cpu.gpr[INSN_ECX] = 3 * INSN_REP_BUDGET + 5;
	do {
		unsigned int before = g.port_reads;

		ck_assert_int_eq(run(), INSN_OK);
		ck_assert_uint_le(g.port_reads - before, INSN_REP_BUDGET);
		exits++;
	} while (cpu.eip == CODE);
	ck_assert_uint_eq(exits, 4);
	ck_assert_uint_eq(g.port_reads, 3 * INSN_REP_BUDGET + 5);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x10000 + 3 * INSN_REP_BUDGET + 5);
	ck_assert_uint_eq(cpu.eip, CODE + 2);

	/* ECX = 0xffffffff: one exit does one budget and leaves EIP for the rest */
	reset_flat(true);
	put_code(CODE_OF("\xf3\x6e"));
	cpu.gpr[INSN_EDX] = PORT_LOG;
	cpu.gpr[INSN_ESI] = 0x10000;
	cpu.gpr[INSN_ECX] = 0xffffffff;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.nout, INSN_REP_BUDGET);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0xffffffff - INSN_REP_BUDGET);
	ck_assert_uint_eq(cpu.eip, CODE);
}
END_TEST

START_TEST(test_string_io_without_port_callbacks_is_unsupported)
{
	static const struct insn_ops mmio_only = {
		.fetch = fake_fetch, .read = fake_read, .write = fake_write,
	};
	struct insn insn;

	reset_flat(true);
	put_code(CODE_OF("\x6c"));
	ck_assert_int_eq(insn_emulate(&cpu, &mmio_only, NULL, &insn), INSN_UNSUPPORTED);
	put_code(CODE_OF("\x6e"));
	ck_assert_int_eq(insn_emulate(&cpu, &mmio_only, NULL, &insn), INSN_UNSUPPORTED);
	ck_assert_uint_eq(cpu.eip, CODE);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("string_io");

	tcase_add_test(tc, test_ins_and_outs_decode_with_their_operands);
	tcase_add_test(tc, test_rep_insb_fills_guest_memory_from_the_port);
	tcase_add_test(tc, test_ins_ignores_a_segment_override_and_writes_es);
	tcase_add_test(tc, test_outs_reads_an_overridden_segment_in_16bit_code);
	tcase_add_test(tc, test_16bit_rep_insw_counts_cx_and_wraps_di);
	tcase_add_test(tc, test_16bit_prefixes_select_dword_and_32bit_addresses);
	tcase_add_test(tc, test_df_runs_string_io_backwards);
	tcase_add_test(tc, test_rep_with_zero_count_touches_no_port);
	tcase_add_test(tc, test_page_crossing_dword_lands_on_both_physical_pages);
	tcase_add_test(tc, test_fault_midway_keeps_completed_iterations_and_port_data);
	tcase_add_test(tc, test_huge_count_runs_in_bounded_chunks);
	tcase_add_test(tc, test_string_io_without_port_callbacks_is_unsupported);
	return check_run("insn_string_io", tc);
}
