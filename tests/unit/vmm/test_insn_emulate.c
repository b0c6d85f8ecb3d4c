// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulator checks on a fake guest: RAM at linear 0..RAM_SIZE, a logged MMIO
 * page at MMIO_BASE. Results and EFLAGS of the ALU forms are compared with
 * what the host CPU computes for the same operation.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check_run.h"
#include "vmm/insn.h"

#define RAM_SIZE	0x20000u
#define CODE		0x1000u
#define MMIO_BASE	0xfee00000u
#define MMIO_SIZE	0x1000u
#define MAX_LOG		64

struct access {
	bool write;
	bool for_write;		/* a read that the MMU checks as a write */
	uint32_t addr;
	unsigned int size;
	uint32_t val;
};

struct guest {
	uint8_t ram[RAM_SIZE];
	uint8_t mmio[MMIO_SIZE];
	uint32_t readable_code_end;	/* fetch stops here */
	bool fail_writes;
	uint32_t protect_lo, protect_hi;	/* writes fault here, as on a read-only page */
	unsigned int nlog;
	struct access log[MAX_LOG];
	unsigned int naccess;
};

static struct guest g;
static struct insn_cpu cpu;

static uint8_t *guest_byte(uint32_t linear)
{
	if (linear < RAM_SIZE)
		return &g.ram[linear];
	if (linear - MMIO_BASE < MMIO_SIZE)
		return &g.mmio[linear - MMIO_BASE];
	return NULL;
}

static unsigned int fake_fetch(void *ctx, uint32_t linear, uint8_t *buf,
			       unsigned int len)
{
	unsigned int n;

	ck_assert_ptr_eq(ctx, &g);
	for (n = 0; n < len && linear + n < g.readable_code_end; n++)
		buf[n] = g.ram[linear + n];
	return n;
}

static bool fake_access(uint32_t linear, unsigned int size, uint32_t *val,
			bool write, bool for_write)
{
	unsigned int i;

	ck_assert(size == 1 || size == 2 || size == 4);
	for (i = 0; i < size; i++)
		if (!guest_byte(linear + i) ||
		    ((write || for_write) && linear + i >= g.protect_lo &&
		     linear + i < g.protect_hi))
			return false;
	if (g.nlog < MAX_LOG)
		g.log[g.nlog++] = (struct access){ write, for_write, linear, size,
						   write ? *val : 0 };
	g.naccess++;
	for (i = 0; i < size; i++) {
		uint8_t *b = guest_byte(linear + i);

		if (write)
			*b = *val >> (8 * i);
		else
			*val |= (uint32_t)*b << (8 * i);
	}
	return true;
}

static bool fake_read(void *ctx, uint32_t linear, unsigned int size, uint32_t *val,
		      bool for_write)
{
	ck_assert_ptr_eq(ctx, &g);
	*val = 0;
	return fake_access(linear, size, val, false, for_write);
}

static bool fake_write(void *ctx, uint32_t linear, unsigned int size, uint32_t val)
{
	ck_assert_ptr_eq(ctx, &g);
	if (g.fail_writes)
		return false;
	return fake_access(linear, size, &val, true, false);
}

static const struct insn_ops ops = {
	.fetch = fake_fetch, .read = fake_read, .write = fake_write,
};

static void reset(bool cs_db)
{
	memset(&g, 0, sizeof(g));
	memset(&cpu, 0, sizeof(cpu));
	g.readable_code_end = RAM_SIZE;
	cpu.eip = CODE;
	cpu.eflags = 0x2;
	cpu.cs_db = cs_db;
}

static void put_code(const void *bytes, size_t len)
{
	memcpy(&g.ram[CODE], bytes, len);
}

static void put32(uint32_t linear, uint32_t val)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		*guest_byte(linear + i) = val >> (8 * i);
}

static uint32_t get32(uint32_t linear)
{
	uint32_t val = 0;
	unsigned int i;

	for (i = 0; i < 4; i++)
		val |= (uint32_t)*guest_byte(linear + i) << (8 * i);
	return val;
}

static enum insn_status run(void)
{
	struct insn insn;

	return insn_emulate(&cpu, &ops, &g, &insn);
}

#define CODE_OF(s) s, sizeof(s) - 1

START_TEST(test_store_to_mmio_writes_the_device_and_advances_eip)
{
	reset(true);
	put_code(CODE_OF("\xa3\xb0\x00\xe0\xfe"));	/* mov %eax, 0xfee000b0 */
	cpu.gpr[INSN_EAX] = 0xcafef00d;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.nlog, 1);
	ck_assert(g.log[0].write);
	ck_assert_uint_eq(g.log[0].addr, 0xfee000b0);
	ck_assert_uint_eq(g.log[0].size, 4);
	ck_assert_uint_eq(g.log[0].val, 0xcafef00d);
	ck_assert_uint_eq(cpu.eip, CODE + 5);
}
END_TEST

START_TEST(test_narrow_loads_keep_the_rest_of_the_register)
{
	reset(true);
	put_code(CODE_OF("\x8a\x7b\x10"));	/* mov 0x10(%ebx), %bh */
	cpu.gpr[INSN_EBX] = MMIO_BASE;
	g.mmio[0x10] = 0xab;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.gpr[INSN_EBX], MMIO_BASE | 0xab00);
	ck_assert_uint_eq(cpu.eip, CODE + 3);

	reset(true);
	put_code(CODE_OF("\x66\x8b\x0d\x04\x00\xe0\xfe"));	/* mov 0xfee00004, %cx */
	cpu.gpr[INSN_ECX] = 0x11111111;
	put32(MMIO_BASE + 4, 0xaaaa5678);
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0x11115678);
	ck_assert_uint_eq(g.log[0].size, 2);
}
END_TEST

START_TEST(test_movzx_and_movsx_extend_the_device_value)
{
	reset(true);
	put_code(CODE_OF("\x0f\xb6\x02\x0f\xbf\x0a"));	/* movzbl (%edx),%eax; movswl (%edx),%ecx */
	cpu.gpr[INSN_EDX] = MMIO_BASE + 8;
	put32(MMIO_BASE + 8, 0x0000f0f0);
	cpu.gpr[INSN_EAX] = cpu.gpr[INSN_ECX] = 0xffffffff;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.gpr[INSN_EAX], 0xf0);
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0xfffff0f0);
	ck_assert_uint_eq(cpu.eip, CODE + 6);
	ck_assert_uint_eq(g.log[0].size, 1);
	ck_assert_uint_eq(g.log[1].size, 2);
}
END_TEST

START_TEST(test_mov_immediate_with_sib_and_segment_base)
{
	reset(true);
	/* movw $0x1234, %fs:0x8(%ebp) */
	put_code(CODE_OF("\x64\x66\xc7\x45\x08\x34\x12"));
	cpu.seg_base[INSN_FS] = MMIO_BASE;
	cpu.gpr[INSN_EBP] = 0x100;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.log[0].addr, MMIO_BASE + 0x108);
	ck_assert_uint_eq(g.log[0].val, 0x1234);
	ck_assert_uint_eq(g.log[0].size, 2);

	reset(true);
	/* movb $0x5a, (%esi,%edi,4) */
	put_code(CODE_OF("\xc6\x04\xbe\x5a"));
	cpu.gpr[INSN_ESI] = MMIO_BASE;
	cpu.gpr[INSN_EDI] = 3;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.mmio[12], 0x5a);
}
END_TEST

START_TEST(test_real_mode_addressing_wraps_at_64k)
{
	reset(false);
	/* mov %ax, 0x10(%bx,%si) with DS base 0x10000 */
	put_code(CODE_OF("\x89\x40\x10"));
	cpu.seg_base[INSN_DS] = 0x10000;
	cpu.gpr[INSN_EBX] = 0xfff0;
	cpu.gpr[INSN_ESI] = 0x10;
	cpu.gpr[INSN_EAX] = 0xbeef;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.log[0].addr, 0x10010);
	ck_assert_uint_eq(g.log[0].size, 2);
	ck_assert_uint_eq(cpu.eip, CODE + 3);

	/* eip itself wraps at 64 KiB in 16-bit code */
	reset(false);
	cpu.eip = 0xfffe;
	cpu.seg_base[INSN_CS] = CODE - 0xfffe;
	put_code(CODE_OF("\x89\x00"));			/* mov %ax, (%bx,%si) */
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.eip, 0);
}
END_TEST

START_TEST(test_xchg_swaps_register_and_device)
{
	reset(true);
	put_code(CODE_OF("\x87\x03"));			/* xchg %eax, (%ebx) */
	cpu.gpr[INSN_EBX] = MMIO_BASE + 0x40;
	cpu.gpr[INSN_EAX] = 0x12345678;
	put32(MMIO_BASE + 0x40, 0x9abcdef0);
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.gpr[INSN_EAX], 0x9abcdef0);
	ck_assert_uint_eq(get32(MMIO_BASE + 0x40), 0x12345678);
	ck_assert_uint_eq(g.nlog, 2);
}
END_TEST

START_TEST(test_bt_register_offset_addresses_beyond_the_operand)
{
	reset(true);
	put_code(CODE_OF("\x0f\xab\x0b\x0f\xb3\x0b"));	/* bts %ecx,(%ebx); btr %ecx,(%ebx) */
	cpu.gpr[INSN_EBX] = MMIO_BASE + 0x100;
	cpu.gpr[INSN_ECX] = 35;			/* dword +4, bit 3 */
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(get32(MMIO_BASE + 0x104), 1u << 3);
	ck_assert_uint_eq(cpu.eflags & INSN_FLAG_CF, 0);
	cpu.gpr[INSN_ECX] = (uint32_t)-29;	/* dword -4, bit 3 */
	put32(MMIO_BASE + 0xfc, 0xffffffff);
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(get32(MMIO_BASE + 0xfc), ~(1u << 3));
	ck_assert_uint_eq(cpu.eflags & INSN_FLAG_CF, INSN_FLAG_CF);
}
END_TEST

START_TEST(test_bt_16bit_register_offset_counts_in_words)
{
	reset(true);
	put_code(CODE_OF("\x66\x0f\xab\x0b\x66\x0f\xab\x0b"));	/* btsw %cx,(%ebx) x2 */
	cpu.gpr[INSN_EBX] = MMIO_BASE + 0x100;
	cpu.gpr[INSN_ECX] = 0xffff0011;		/* CX = 17: word +2, bit 1 */
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.log[0].addr, MMIO_BASE + 0x102);
	ck_assert_uint_eq(g.log[0].size, 2);
	ck_assert_uint_eq(get32(MMIO_BASE + 0x100), 1u << 17);
	cpu.gpr[INSN_ECX] = 0x0000ffff;		/* CX = -1: word -2, bit 15 */
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(get32(MMIO_BASE + 0xfc), 1u << 31);
}
END_TEST

START_TEST(test_bt_immediate_is_taken_modulo_operand_width)
{
	reset(true);
	/* lock btsl $35, (%eax): bit 3 of the addressed dword */
	put_code(CODE_OF("\xf0\x0f\xba\x28\x23\x0f\xba\x20\x03"));	/* then btl $3,(%eax) */
	cpu.gpr[INSN_EAX] = MMIO_BASE;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(get32(MMIO_BASE), 1u << 3);
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.eflags & INSN_FLAG_CF, INSN_FLAG_CF);
	ck_assert_uint_eq(g.nlog, 3);		/* BT only reads */
}
END_TEST

START_TEST(test_rep_stos_fills_the_device)
{
	reset(true);
	put_code(CODE_OF("\xf3\xab"));		/* rep stosl */
	cpu.gpr[INSN_EDI] = MMIO_BASE + 0x20;
	cpu.gpr[INSN_ECX] = 4;
	cpu.gpr[INSN_EAX] = 0x01020304;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.nlog, 4);
	ck_assert_uint_eq(g.log[3].addr, MMIO_BASE + 0x2c);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], MMIO_BASE + 0x30);
	ck_assert_uint_eq(cpu.eip, CODE + 2);
}
END_TEST

START_TEST(test_rep_movs_backwards_from_device_to_ram)
{
	unsigned int i;

	reset(true);
	put_code(CODE_OF("\xf3\xa4"));		/* rep movsb, DF=1 */
	cpu.eflags |= INSN_FLAG_DF;
	for (i = 0; i < 8; i++)
		g.mmio[0x50 + i] = 0xa0 + i;
	cpu.gpr[INSN_ESI] = MMIO_BASE + 0x57;
	cpu.gpr[INSN_EDI] = 0x8007;
	cpu.gpr[INSN_ECX] = 8;
	ck_assert_int_eq(run(), INSN_OK);
	for (i = 0; i < 8; i++)
		ck_assert_uint_eq(g.ram[0x8000 + i], 0xa0 + i);
	ck_assert_uint_eq(cpu.gpr[INSN_ESI], MMIO_BASE + 0x4f);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x7fff);
}
END_TEST

START_TEST(test_rep_with_zero_count_touches_nothing)
{
	reset(true);
	put_code(CODE_OF("\xf3\xa5"));		/* rep movsl */
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.naccess, 0);
	ck_assert_uint_eq(cpu.eip, CODE + 2);
}
END_TEST

START_TEST(test_long_rep_resumes_by_reexecution)
{
	reset(true);
	put_code(CODE_OF("\x66\xf3\xab"));	/* rep stosw */
	cpu.gpr[INSN_EDI] = 0x4000;
	cpu.gpr[INSN_ECX] = INSN_REP_BUDGET + 10;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.eip, CODE);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 10);
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.eip, CODE + 3);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x4000 + 2 * (INSN_REP_BUDGET + 10));
}
END_TEST

START_TEST(test_16bit_rep_uses_cx_and_di)
{
	reset(false);
	put_code(CODE_OF("\xf3\xaa"));		/* rep stosb in 16-bit code */
	cpu.seg_base[INSN_ES] = 0x10000;
	cpu.gpr[INSN_ECX] = 0xabcd0002;		/* only CX counts */
	cpu.gpr[INSN_EDI] = 0x1234ffff;		/* DI wraps */
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(g.log[0].addr, 0x1ffff);
	ck_assert_uint_eq(g.log[1].addr, 0x10000);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 0xabcd0000);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x12340001);
}
END_TEST

START_TEST(test_lods_loads_the_accumulator)
{
	reset(true);
	put_code(CODE_OF("\x66\xad"));		/* lodsw */
	cpu.gpr[INSN_ESI] = MMIO_BASE + 2;
	cpu.gpr[INSN_EAX] = 0xffffffff;
	put32(MMIO_BASE, 0x44332211);
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.gpr[INSN_EAX], 0xffff4433);
	ck_assert_uint_eq(cpu.gpr[INSN_ESI], MMIO_BASE + 4);
}
END_TEST

START_TEST(test_failed_device_write_changes_no_register)
{
	reset(true);
	put_code(CODE_OF("\x81\x48\x04\x80\x00\x00\x00"));	/* orl $0x80, 4(%eax) */
	cpu.gpr[INSN_EAX] = MMIO_BASE;
	g.fail_writes = true;
	ck_assert_int_eq(run(), INSN_ACCESS_FAILED);
	ck_assert_uint_eq(cpu.eip, CODE);
	ck_assert_uint_eq(cpu.eflags, 0x2);

	reset(true);
	put_code(CODE_OF("\x8b\x03"));		/* mov (%ebx), %eax: unmapped */
	cpu.gpr[INSN_EBX] = 0x80000000;
	cpu.gpr[INSN_EAX] = 7;
	ck_assert_int_eq(run(), INSN_ACCESS_FAILED);
	ck_assert_uint_eq(cpu.gpr[INSN_EAX], 7);
	ck_assert_uint_eq(cpu.eip, CODE);
}
END_TEST

START_TEST(test_read_modify_write_reads_are_checked_as_writes)
{
	static const struct { const char *code; size_t len; bool for_write; } forms[] = {
		{ CODE_OF("\x01\x03"), true },		/* add %eax, (%ebx) */
		{ CODE_OF("\x39\x03"), false },		/* cmp %eax, (%ebx) */
		{ CODE_OF("\x85\x03"), false },		/* test %eax, (%ebx) */
		{ CODE_OF("\x8b\x03"), false },		/* mov (%ebx), %eax */
		{ CODE_OF("\x87\x03"), true },		/* xchg %eax, (%ebx) */
		{ CODE_OF("\xff\x03"), true },		/* incl (%ebx) */
		{ CODE_OF("\xf7\x13"), true },		/* notl (%ebx) */
		{ CODE_OF("\x0f\xa3\x03"), false },	/* bt %eax, (%ebx) */
		{ CODE_OF("\x0f\xab\x03"), true },	/* bts %eax, (%ebx) */
		{ CODE_OF("\xa5"), false },		/* movsl: the source only */
	};
	unsigned int i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		reset(true);
		put_code(forms[i].code, forms[i].len);
		cpu.gpr[INSN_EBX] = MMIO_BASE;
		cpu.gpr[INSN_ESI] = MMIO_BASE;
		cpu.gpr[INSN_EDI] = 0x8000;
		ck_assert_int_eq(run(), INSN_OK);
		ck_assert(!g.log[0].write);
		ck_assert_msg(g.log[0].for_write == forms[i].for_write, "form %u", i);
	}
}
END_TEST

START_TEST(test_write_protected_rmw_reads_nothing_from_the_device)
{
	reset(true);
	put_code(CODE_OF("\x81\x48\x04\x80\x00\x00\x00"));	/* orl $0x80, 4(%eax) */
	cpu.gpr[INSN_EAX] = MMIO_BASE;
	g.protect_lo = MMIO_BASE;
	g.protect_hi = MMIO_BASE + MMIO_SIZE;
	ck_assert_int_eq(run(), INSN_ACCESS_FAILED);
	ck_assert_uint_eq(g.naccess, 0);
	ck_assert_uint_eq(cpu.eip, CODE);
}
END_TEST

START_TEST(test_rep_movs_failing_midway_keeps_the_iterations_done)
{
	unsigned int i;

	reset(true);
	put_code(CODE_OF("\xf3\xa4"));		/* rep movsb */
	for (i = 0; i < 8; i++)
		g.mmio[i] = 0x10 + i;
	cpu.gpr[INSN_ESI] = MMIO_BASE;
	cpu.gpr[INSN_EDI] = 0x8ffd;		/* the page at 0x9000 is read-only */
	cpu.gpr[INSN_ECX] = 8;
	g.protect_lo = 0x9000;
	g.protect_hi = 0xa000;
	ck_assert_int_eq(run(), INSN_ACCESS_FAILED);
	ck_assert_uint_eq(cpu.gpr[INSN_ECX], 5);
	ck_assert_uint_eq(cpu.gpr[INSN_ESI], MMIO_BASE + 3);
	ck_assert_uint_eq(cpu.gpr[INSN_EDI], 0x9000);
	ck_assert_uint_eq(cpu.eip, CODE);
	ck_assert_uint_eq(g.ram[0x8fff], 0x12);
	ck_assert_uint_eq(g.ram[0x9000], 0);
}
END_TEST

START_TEST(test_unreadable_code_is_a_fetch_failure)
{
	reset(true);
	put_code(CODE_OF("\xc7\x05\x00\x00\xe0\xfe\x01\x00\x00\x00"));
	g.readable_code_end = CODE + 4;		/* instruction runs off the page */
	ck_assert_int_eq(run(), INSN_FETCH_FAILED);
	g.readable_code_end = CODE;
	ck_assert_int_eq(run(), INSN_FETCH_FAILED);
	ck_assert_uint_eq(cpu.eip, CODE);
	ck_assert_uint_eq(g.naccess, 0);
}
END_TEST

START_TEST(test_unknown_instruction_stops_with_a_status)
{
	struct insn insn;

	reset(true);
	put_code(CODE_OF("\x0f\xb1\x08"));	/* cmpxchg %ecx,(%eax) */
	ck_assert_int_eq(insn_emulate(&cpu, &ops, &g, &insn), INSN_UNSUPPORTED);
	ck_assert_uint_eq(insn.bytes[0], 0x0f);	/* bytes kept for the report */
	ck_assert_uint_eq(insn.bytes[1], 0xb1);
	ck_assert_uint_eq(cpu.eip, CODE);
	ck_assert_uint_eq(g.naccess, 0);
}
END_TEST

/* ---- ALU results and flags against the host CPU ---- */

#define ARITH INSN_FLAGS_ARITH

/* Run "op b, a" on the host with the arithmetic flags given; 128 bytes keep clear of the red zone. */
#define HOST_BINARY(name, type)						\
static uint32_t host_##name##_##type(uint32_t a, uint32_t b, uint32_t *flags) \
{									\
	type x = a, y = b;						\
	unsigned long f = 0x2 | (*flags & ARITH);			\
	asm volatile("sub $128, %%rsp\n\tpush %[f]\n\tpopf\n\t"		\
		     #name " %[y], %[x]\n\tpushf\n\tpop %[f]\n\tadd $128, %%rsp" \
		     : [x] "+r"(x), [f] "+r"(f) : [y] "r"(y) : "cc");	\
	*flags = f & ARITH;						\
	return x;							\
}
#define HOST_UNARY(name, type)						\
static uint32_t host_##name##_##type(uint32_t a, uint32_t b, uint32_t *flags) \
{									\
	type x = a;							\
	unsigned long f = 0x2 | (*flags & ARITH);			\
	(void)b;							\
	asm volatile("sub $128, %%rsp\n\tpush %[f]\n\tpopf\n\t"		\
		     #name " %[x]\n\tpushf\n\tpop %[f]\n\tadd $128, %%rsp" \
		     : [x] "+r"(x), [f] "+r"(f) : : "cc");		\
	*flags = f & ARITH;						\
	return x;							\
}
#define HOST_ALL_SIZES(kind, name) \
	kind(name, uint8_t) kind(name, uint16_t) kind(name, uint32_t)

HOST_ALL_SIZES(HOST_BINARY, add)
HOST_ALL_SIZES(HOST_BINARY, or)
HOST_ALL_SIZES(HOST_BINARY, adc)
HOST_ALL_SIZES(HOST_BINARY, sbb)
HOST_ALL_SIZES(HOST_BINARY, and)
HOST_ALL_SIZES(HOST_BINARY, sub)
HOST_ALL_SIZES(HOST_BINARY, xor)
HOST_ALL_SIZES(HOST_BINARY, cmp)
HOST_ALL_SIZES(HOST_BINARY, test)
HOST_ALL_SIZES(HOST_UNARY, inc)
HOST_ALL_SIZES(HOST_UNARY, dec)
HOST_ALL_SIZES(HOST_UNARY, neg)
HOST_ALL_SIZES(HOST_UNARY, not)

typedef uint32_t host_op(uint32_t a, uint32_t b, uint32_t *flags);

struct alu_case {
	const char *name;
	host_op *host[3];	/* by size 1, 2, 4 */
	uint8_t opcode;		/* byte form; +1 for 16/32 */
	int8_t group_reg;	/* ModRM.reg for group opcodes, -1: reg operand */
	bool writes;		/* result stored to memory */
	uint32_t defined;	/* flags the SDM defines for it */
	uint32_t changes;	/* flags it may change */
};

#define HOSTS(n) { host_##n##_uint8_t, host_##n##_uint16_t, host_##n##_uint32_t }
#define LOGIC (ARITH & ~INSN_FLAG_AF)
static const struct alu_case alu_cases[] = {
	{ "add", HOSTS(add), 0x00, -1, true, ARITH, ARITH },
	{ "or", HOSTS(or), 0x08, -1, true, LOGIC, ARITH },
	{ "adc", HOSTS(adc), 0x10, -1, true, ARITH, ARITH },
	{ "sbb", HOSTS(sbb), 0x18, -1, true, ARITH, ARITH },
	{ "and", HOSTS(and), 0x20, -1, true, LOGIC, ARITH },
	{ "sub", HOSTS(sub), 0x28, -1, true, ARITH, ARITH },
	{ "xor", HOSTS(xor), 0x30, -1, true, LOGIC, ARITH },
	{ "cmp", HOSTS(cmp), 0x38, -1, false, ARITH, ARITH },
	{ "test", HOSTS(test), 0x84, -1, false, LOGIC, ARITH },
	{ "not", HOSTS(not), 0xf6, 2, true, 0, 0 },
	{ "neg", HOSTS(neg), 0xf6, 3, true, ARITH, ARITH },
	{ "inc", HOSTS(inc), 0xfe, 0, true, ARITH, ARITH },
	{ "dec", HOSTS(dec), 0xfe, 1, true, ARITH, ARITH },
};

static uint32_t interesting(unsigned int size)
{
	static const uint32_t edge[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
					 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xf };
	uint32_t mask = size == 4 ? ~0u : (1u << (8 * size)) - 1;

	if (rand() & 1)
		return edge[rand() % (sizeof(edge) / sizeof(edge[0]))] & mask;
	return ((uint32_t)rand() ^ ((uint32_t)rand() << 16)) & mask;
}

/* op %ecx-ish, 0xfee00100 — memory is the destination operand */
START_TEST(test_alu_memory_destination_matches_host_cpu)
{
	const struct alu_case *c = &alu_cases[_i];
	static const unsigned int sizes[] = { 1, 2, 4 };
	unsigned int si, n;

	srand(_i + 1);
	for (si = 0; si < 3; si++) {
		unsigned int size = sizes[si];

		for (n = 0; n < 3000; n++) {
			uint32_t a = interesting(size), b = interesting(size);
			uint32_t flags_in = (uint32_t)rand() & ARITH, host_flags = flags_in;
			uint32_t expect = c->host[si](a, b, &host_flags);
			uint8_t code[16];
			unsigned int len = 0;

			reset(true);
			if (size == 2)
				code[len++] = 0x66;
			code[len++] = c->opcode + (size > 1);
			/* ModRM mod=0 rm=5: disp32; reg = ECX or the group's /digit */
			code[len++] = 0x05 | ((c->group_reg < 0 ? INSN_ECX : c->group_reg) << 3);
			memcpy(&code[len], "\x00\x01\xe0\xfe", 4);
			len += 4;
			put_code(code, len);
			put32(MMIO_BASE + 0x100, a);
			/* bits above the operand must not take part */
			cpu.gpr[INSN_ECX] = size == 4 ? b : b | 0xdead0000u;
			cpu.eflags = 0x2 | flags_in;

			ck_assert_int_eq(run(), INSN_OK);
			ck_assert_uint_eq(cpu.eip, CODE + len);
			ck_assert_msg((cpu.eflags & c->defined) == (host_flags & c->defined),
				      "%s size %u a=%#x b=%#x flags in %#x: got %#x want %#x",
				      c->name, size, a, b, flags_in,
				      cpu.eflags & c->defined, host_flags & c->defined);
			ck_assert_msg((cpu.eflags & ~c->changes) == ((0x2 | flags_in) & ~c->changes),
				      "%s changed flags it must not", c->name);
			if (c->writes) {
				uint32_t mask = size == 4 ? ~0u : (1u << (8 * size)) - 1;

				ck_assert_msg((get32(MMIO_BASE + 0x100) & mask) == (expect & mask),
					      "%s size %u a=%#x b=%#x: got %#x want %#x",
					      c->name, size, a, b,
					      get32(MMIO_BASE + 0x100) & mask, expect & mask);
			} else {
				ck_assert_uint_eq(get32(MMIO_BASE + 0x100), a);
			}
		}
	}
}
END_TEST

/* The same ALU operations with memory as the source (opcode +2) and with an immediate. */
START_TEST(test_alu_register_destination_and_immediate_forms)
{
	uint32_t host_flags;

	/* sub 0xfee00100, %edx  (2b 15 disp32) */
	reset(true);
	put_code(CODE_OF("\x2b\x15\x00\x01\xe0\xfe"));
	put32(MMIO_BASE + 0x100, 5);
	cpu.gpr[INSN_EDX] = 3;
	ck_assert_int_eq(run(), INSN_OK);
	host_flags = 0;
	ck_assert_uint_eq(cpu.gpr[INSN_EDX], host_sub_uint32_t(3, 5, &host_flags));
	ck_assert_uint_eq(cpu.eflags & ARITH, host_flags);
	ck_assert_uint_eq(get32(MMIO_BASE + 0x100), 5);

	/* cmpb (%ecx), %bh (3a 39): flags only */
	reset(true);
	put_code(CODE_OF("\x3a\x39"));
	cpu.gpr[INSN_ECX] = MMIO_BASE;
	cpu.gpr[INSN_EBX] = 0x4000;
	g.mmio[0] = 0x41;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.gpr[INSN_EBX], 0x4000);
	ck_assert_uint_eq(cpu.eflags & (INSN_FLAG_CF | INSN_FLAG_ZF | INSN_FLAG_SF),
			  INSN_FLAG_CF | INSN_FLAG_SF);

	/* andl $-2, (%ecx) (83 /4 ib): sign-extended imm8 */
	reset(true);
	put_code(CODE_OF("\x83\x21\xfe"));
	cpu.gpr[INSN_ECX] = MMIO_BASE;
	put32(MMIO_BASE, 0x80000001);
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(get32(MMIO_BASE), 0x80000000);
	ck_assert_uint_eq(cpu.eflags & (INSN_FLAG_SF | INSN_FLAG_ZF), INSN_FLAG_SF);

	/* testb $1, 0x20(%esp) (f6 /0 ib) with SS base */
	reset(true);
	put_code(CODE_OF("\xf6\x44\x24\x20\x01"));
	cpu.seg_base[INSN_SS] = MMIO_BASE;
	g.mmio[0x20] = 0xfe;
	ck_assert_int_eq(run(), INSN_OK);
	ck_assert_uint_eq(cpu.eflags & INSN_FLAG_ZF, INSN_FLAG_ZF);
	ck_assert_uint_eq(g.nlog, 1);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("emulate");

	tcase_add_test(tc, test_store_to_mmio_writes_the_device_and_advances_eip);
	tcase_add_test(tc, test_narrow_loads_keep_the_rest_of_the_register);
	tcase_add_test(tc, test_movzx_and_movsx_extend_the_device_value);
	tcase_add_test(tc, test_mov_immediate_with_sib_and_segment_base);
	tcase_add_test(tc, test_real_mode_addressing_wraps_at_64k);
	tcase_add_test(tc, test_xchg_swaps_register_and_device);
	tcase_add_test(tc, test_bt_register_offset_addresses_beyond_the_operand);
	tcase_add_test(tc, test_bt_16bit_register_offset_counts_in_words);
	tcase_add_test(tc, test_bt_immediate_is_taken_modulo_operand_width);
	tcase_add_test(tc, test_rep_stos_fills_the_device);
	tcase_add_test(tc, test_rep_movs_backwards_from_device_to_ram);
	tcase_add_test(tc, test_rep_with_zero_count_touches_nothing);
	tcase_add_test(tc, test_long_rep_resumes_by_reexecution);
	tcase_add_test(tc, test_16bit_rep_uses_cx_and_di);
	tcase_add_test(tc, test_lods_loads_the_accumulator);
	tcase_add_test(tc, test_failed_device_write_changes_no_register);
	tcase_add_test(tc, test_read_modify_write_reads_are_checked_as_writes);
	tcase_add_test(tc, test_write_protected_rmw_reads_nothing_from_the_device);
	tcase_add_test(tc, test_rep_movs_failing_midway_keeps_the_iterations_done);
	tcase_add_test(tc, test_unreadable_code_is_a_fetch_failure);
	tcase_add_test(tc, test_unknown_instruction_stops_with_a_status);
	tcase_add_loop_test(tc, test_alu_memory_destination_matches_host_cpu, 0,
			    sizeof(alu_cases) / sizeof(alu_cases[0]));
	tcase_add_test(tc, test_alu_register_destination_and_immediate_forms);
	return check_run("insn_emulate", tc);
}
