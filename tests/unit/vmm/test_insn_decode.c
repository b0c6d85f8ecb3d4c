// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoder checks against byte sequences produced by the host assembler
 * (`as --32`, `.code16` for the 16-bit ones; see the comment of each case),
 * plus truncated, over-long, invalid and random input.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check_run.h"
#include "vmm/insn.h"

#define NONE INSN_NO_REG

struct decode_case {
	const char *text;	/* what `as` was given */
	bool cs_db;
	uint8_t bytes[INSN_MAX_LEN];
	uint8_t len;
	enum insn_kind kind;
	uint8_t subop;
	uint8_t op_size, addr_size, src_size;
	uint8_t reg, seg, base, index, scale;
	uint32_t disp;
	bool has_imm;
	uint32_t imm;
	bool rep, lock;
};

/* C32/C16 give defaults that a case's own fields override. */
#pragma GCC diagnostic ignored "-Woverride-init"
#define C32(t, ...) { .text = t, .cs_db = true, .addr_size = 4, .scale = 1, \
		      .reg = NONE, .base = NONE, .index = NONE, .seg = INSN_DS, \
		      __VA_ARGS__ }
#define C16(t, ...) { .text = t, .cs_db = false, .addr_size = 2, .scale = 1, \
		      .reg = NONE, .base = NONE, .index = NONE, .seg = INSN_DS, \
		      __VA_ARGS__ }

static const struct decode_case cases[] = {
	C32("mov %eax, 0xfee000b0", .bytes = { 0xa3, 0xb0, 0x00, 0xe0, 0xfe }, .len = 5,
	    .kind = INSN_KIND_MOV_STORE, .op_size = 4, .reg = INSN_EAX, .disp = 0xfee000b0),
	C32("mov 0xfee00020, %al", .bytes = { 0xa0, 0x20, 0x00, 0xe0, 0xfe }, .len = 5,
	    .kind = INSN_KIND_MOV_LOAD, .op_size = 1, .reg = INSN_EAX, .disp = 0xfee00020),
	C32("mov 0x10(%ebx), %ecx", .bytes = { 0x8b, 0x4b, 0x10 }, .len = 3,
	    .kind = INSN_KIND_MOV_LOAD, .op_size = 4, .reg = INSN_ECX, .base = INSN_EBX,
	    .disp = 0x10),
	C32("movb $0x5a, (%esi,%edi,4)", .bytes = { 0xc6, 0x04, 0xbe, 0x5a }, .len = 4,
	    .kind = INSN_KIND_MOV_STORE, .op_size = 1, .base = INSN_ESI, .index = INSN_EDI,
	    .scale = 4, .has_imm = true, .imm = 0x5a),
	C32("movw $0x1234, %fs:0x8(%ebp)",
	    .bytes = { 0x64, 0x66, 0xc7, 0x45, 0x08, 0x34, 0x12 }, .len = 7,
	    .kind = INSN_KIND_MOV_STORE, .op_size = 2, .seg = INSN_FS, .base = INSN_EBP,
	    .disp = 8, .has_imm = true, .imm = 0x1234),
	C32("movl $0xdeadbeef, 0x12345678(,%eax,8)",
	    .bytes = { 0xc7, 0x04, 0xc5, 0x78, 0x56, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde },
	    .len = 11, .kind = INSN_KIND_MOV_STORE, .op_size = 4, .index = INSN_EAX,
	    .scale = 8, .disp = 0x12345678, .has_imm = true, .imm = 0xdeadbeef),
	C32("movzbl (%edx), %eax", .bytes = { 0x0f, 0xb6, 0x02 }, .len = 3,
	    .kind = INSN_KIND_MOVZX, .op_size = 4, .src_size = 1, .reg = INSN_EAX,
	    .base = INSN_EDX),
	C32("movswl -4(%ebp), %ecx", .bytes = { 0x0f, 0xbf, 0x4d, 0xfc }, .len = 4,
	    .kind = INSN_KIND_MOVSX, .op_size = 4, .src_size = 2, .reg = INSN_ECX,
	    .base = INSN_EBP, .seg = INSN_SS, .disp = 0xfffffffc),
	C32("orl $0x80, 0x4(%eax)",
	    .bytes = { 0x81, 0x48, 0x04, 0x80, 0x00, 0x00, 0x00 }, .len = 7,
	    .kind = INSN_KIND_ALU, .subop = INSN_ALU_OR, .op_size = 4, .base = INSN_EAX,
	    .disp = 4, .has_imm = true, .imm = 0x80),
	C32("andl $-2, (%ecx)", .bytes = { 0x83, 0x21, 0xfe }, .len = 3,
	    .kind = INSN_KIND_ALU, .subop = INSN_ALU_AND, .op_size = 4, .base = INSN_ECX,
	    .has_imm = true, .imm = 0xfffffffe),
	C32("lock btsl $3, (%eax)", .bytes = { 0xf0, 0x0f, 0xba, 0x28, 0x03 }, .len = 5,
	    .kind = INSN_KIND_BT, .subop = INSN_BIT_BTS, .op_size = 4, .base = INSN_EAX,
	    .has_imm = true, .imm = 3, .lock = true),
	C32("btl %ecx, (%ebx)", .bytes = { 0x0f, 0xa3, 0x0b }, .len = 3,
	    .kind = INSN_KIND_BT, .subop = INSN_BIT_BT, .op_size = 4, .reg = INSN_ECX,
	    .base = INSN_EBX),
	C32("rep movsl", .bytes = { 0xf3, 0xa5 }, .len = 2,
	    .kind = INSN_KIND_MOVS, .op_size = 4, .rep = true),
	C32("rep stosb", .bytes = { 0xf3, 0xaa }, .len = 2,
	    .kind = INSN_KIND_STOS, .op_size = 1, .rep = true),
	C32("lodsw %ds:(%esi)", .bytes = { 0x66, 0xad }, .len = 2,
	    .kind = INSN_KIND_LODS, .op_size = 2),
	C32("xchg %eax, (%ebx)", .bytes = { 0x87, 0x03 }, .len = 2,
	    .kind = INSN_KIND_XCHG, .op_size = 4, .reg = INSN_EAX, .base = INSN_EBX),
	C32("testb $1, 0x20(%esp)", .bytes = { 0xf6, 0x44, 0x24, 0x20, 0x01 }, .len = 5,
	    .kind = INSN_KIND_TEST, .op_size = 1, .base = INSN_ESP, .seg = INSN_SS,
	    .disp = 0x20, .has_imm = true, .imm = 1),
	C32("subw %dx, %gs:(%edi)", .bytes = { 0x65, 0x66, 0x29, 0x17 }, .len = 4,
	    .kind = INSN_KIND_ALU, .subop = INSN_ALU_SUB, .op_size = 2, .reg = INSN_EDX,
	    .seg = INSN_GS, .base = INSN_EDI),
	C32("cmpb (%ecx), %bh", .bytes = { 0x3a, 0x39 }, .len = 2,
	    .kind = INSN_KIND_ALU, .subop = INSN_ALU_CMP, .op_size = 1, .reg = 7,
	    .base = INSN_ECX),
	C32("negl 0x300(%ebx)", .bytes = { 0xf7, 0x9b, 0x00, 0x03, 0x00, 0x00 }, .len = 6,
	    .kind = INSN_KIND_UNARY, .subop = INSN_UNARY_NEG, .op_size = 4,
	    .base = INSN_EBX, .disp = 0x300),
	C32("incw (%eax)", .bytes = { 0x66, 0xff, 0x00 }, .len = 3,
	    .kind = INSN_KIND_UNARY, .subop = INSN_UNARY_INC, .op_size = 2,
	    .base = INSN_EAX),
	C16("mov %ax, (%bx,%si)", .bytes = { 0x89, 0x00 }, .len = 2,
	    .kind = INSN_KIND_MOV_STORE, .op_size = 2, .reg = INSN_EAX, .base = INSN_EBX,
	    .index = INSN_ESI),
	C16("mov 0x10(%bp), %al", .bytes = { 0x8a, 0x46, 0x10 }, .len = 3,
	    .kind = INSN_KIND_MOV_LOAD, .op_size = 1, .reg = INSN_EAX, .base = INSN_EBP,
	    .seg = INSN_SS, .disp = 0x10),
	C16("movl %eax, %es:0x1234", .bytes = { 0x26, 0x66, 0xa3, 0x34, 0x12 }, .len = 5,
	    .kind = INSN_KIND_MOV_STORE, .op_size = 4, .reg = INSN_EAX, .seg = INSN_ES,
	    .disp = 0x1234),
	C16("mov %cx, 0x1234", .bytes = { 0x89, 0x0e, 0x34, 0x12 }, .len = 4,
	    .kind = INSN_KIND_MOV_STORE, .op_size = 2, .reg = INSN_ECX, .disp = 0x1234),
	C16("addr32 mov (%eax), %ax", .bytes = { 0x67, 0x8b, 0x00 }, .len = 3,
	    .kind = INSN_KIND_MOV_LOAD, .op_size = 2, .addr_size = 4, .reg = INSN_EAX,
	    .base = INSN_EAX),
	C16("movl $0x11223344, -2(%bp,%di)",
	    .bytes = { 0x66, 0xc7, 0x43, 0xfe, 0x44, 0x33, 0x22, 0x11 }, .len = 8,
	    .kind = INSN_KIND_MOV_STORE, .op_size = 4, .base = INSN_EBP, .index = INSN_EDI,
	    .seg = INSN_SS, .disp = 0xfffffffe, .has_imm = true, .imm = 0x11223344),
	C16("rep stosl %eax, %es:(%di)", .bytes = { 0x66, 0xf3, 0xab }, .len = 3,
	    .kind = INSN_KIND_STOS, .op_size = 4, .rep = true),
};

START_TEST(test_decode_matches_assembler_output)
{
	const struct decode_case *c = &cases[_i];
	struct insn insn;

	ck_assert_int_eq(insn_decode(c->bytes, c->len, c->cs_db, &insn), INSN_OK);
	ck_assert_msg(insn.len == c->len, "%s: len %u", c->text, insn.len);
	ck_assert_msg(insn.kind == c->kind, "%s: kind %d", c->text, insn.kind);
	ck_assert_msg(insn.subop == c->subop, "%s: subop %u", c->text, insn.subop);
	ck_assert_msg(insn.op_size == c->op_size, "%s: op_size %u", c->text, insn.op_size);
	ck_assert_msg(insn.addr_size == c->addr_size, "%s: addr_size %u", c->text,
		      insn.addr_size);
	ck_assert_msg(insn.src_size == c->src_size, "%s: src_size", c->text);
	ck_assert_msg(insn.reg == c->reg, "%s: reg %u", c->text, insn.reg);
	ck_assert_msg(insn.seg == c->seg, "%s: seg %u", c->text, insn.seg);
	ck_assert_msg(insn.base == c->base, "%s: base %u", c->text, insn.base);
	ck_assert_msg(insn.index == c->index, "%s: index %u", c->text, insn.index);
	if (c->index != NONE)
		ck_assert_msg(insn.scale == c->scale, "%s: scale %u", c->text, insn.scale);
	ck_assert_msg(insn.disp == c->disp, "%s: disp %#x", c->text, insn.disp);
	ck_assert_msg(insn.has_imm == c->has_imm && insn.imm == c->imm,
		      "%s: imm %#x", c->text, insn.imm);
	ck_assert_msg(insn.rep == c->rep, "%s: rep", c->text);
	ck_assert_msg(insn.lock == c->lock, "%s: lock", c->text);
	ck_assert_msg(memcmp(insn.bytes, c->bytes, c->len) == 0, "%s: bytes", c->text);
}
END_TEST

START_TEST(test_decode_reports_every_truncation)
{
	const struct decode_case *c = &cases[_i];
	struct insn insn;
	unsigned int n;

	for (n = 0; n < c->len; n++)
		ck_assert_msg(insn_decode(c->bytes, n, c->cs_db, &insn) == INSN_TRUNCATED,
			      "%s cut to %u bytes", c->text, n);
}
END_TEST

START_TEST(test_decode_ignores_bytes_after_the_instruction)
{
	uint8_t bytes[INSN_MAX_LEN] = { 0x8b, 0x4b, 0x10, 0xff, 0xff, 0xff };
	struct insn insn;

	ck_assert_int_eq(insn_decode(bytes, sizeof(bytes), true, &insn), INSN_OK);
	ck_assert_uint_eq(insn.len, 3);
}
END_TEST

START_TEST(test_decode_rejects_more_than_15_bytes)
{
	uint8_t bytes[32];
	struct insn insn;

	/* 14 operand-size prefixes + mov 0x10(%ebx),%ecx = 17 bytes */
	memset(bytes, 0x66, 14);
	memcpy(bytes + 14, "\x8b\x4b\x10", 3);
	ck_assert_int_eq(insn_decode(bytes, 17, true, &insn), INSN_TOO_LONG);
	memset(bytes, 0x3e, sizeof(bytes));
	ck_assert_int_eq(insn_decode(bytes, sizeof(bytes), true, &insn), INSN_TOO_LONG);
	/* 12 prefixes + 3 bytes = 15: still legal */
	memset(bytes, 0x3e, 12);
	memcpy(bytes + 12, "\x8b\x4b\x10", 3);
	ck_assert_int_eq(insn_decode(bytes, 15, true, &insn), INSN_OK);
	ck_assert_uint_eq(insn.len, 15);
}
END_TEST

struct status_case {
	const char *text;
	uint8_t bytes[8];
	uint8_t len;
	enum insn_status status;
};

static const struct status_case status_cases[] = {
	{ "lock mov (%ebx),%eax", { 0xf0, 0x8b, 0x03 }, 3, INSN_INVALID },
	{ "lock cmp %eax,(%ebx)", { 0xf0, 0x39, 0x03 }, 3, INSN_INVALID },
	{ "lock rep movsb", { 0xf0, 0xf3, 0xa4 }, 3, INSN_INVALID },
	{ "c6 /1 (undefined)", { 0xc6, 0x08, 0x00 }, 3, INSN_INVALID },
	{ "0f ba /0 (undefined)", { 0x0f, 0xba, 0x00, 0x01 }, 4, INSN_INVALID },
	{ "fe /7 (undefined)", { 0xfe, 0x38 }, 2, INSN_INVALID },
	{ "ud2", { 0x0f, 0x0b }, 2, INSN_UNSUPPORTED },
	{ "hlt", { 0xf4 }, 1, INSN_UNSUPPORTED },
	{ "divl (%eax)", { 0xf7, 0x30 }, 2, INSN_UNSUPPORTED },
	{ "call *(%eax)", { 0xff, 0x10 }, 2, INSN_UNSUPPORTED },
	{ "cmpxchg %ecx,(%eax)", { 0x0f, 0xb1, 0x08 }, 3, INSN_UNSUPPORTED },
	{ "mov %ebx,%eax", { 0x89, 0xd8 }, 2, INSN_NO_MEMORY_OPERAND },
	{ "incl %eax via ff /0", { 0xff, 0xc0 }, 2, INSN_NO_MEMORY_OPERAND },
};

START_TEST(test_decode_reports_unusable_instructions)
{
	const struct status_case *c = &status_cases[_i];
	struct insn insn;

	ck_assert_msg(insn_decode(c->bytes, c->len, true, &insn) == c->status,
		      "%s", c->text);
	ck_assert_str_ne(insn_status_str(c->status), "ok");
}
END_TEST

START_TEST(test_decode_survives_random_bytes)
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn insn;
	unsigned int i, j, ok = 0;

	srand(4);
	for (i = 0; i < 200000; i++) {
		unsigned int avail = rand() % (INSN_MAX_LEN + 1);
		enum insn_status st;

		for (j = 0; j < avail; j++) {
			/* bias towards prefixes and the opcodes we decode */
			static const uint8_t hot[] = { 0x66, 0x67, 0xf0, 0xf3, 0x26, 0x0f,
						       0x89, 0x8b, 0xc7, 0xa3, 0x81, 0xba };
			bytes[j] = (rand() & 1) ? hot[rand() % sizeof(hot)] : rand();
		}
		st = insn_decode(bytes, avail, rand() & 1, &insn);
		ck_assert_uint_le(insn.len, avail);
		if (st == INSN_OK) {
			ok++;
			ck_assert_uint_ge(insn.len, 1);
			ck_assert(insn.op_size == 1 || insn.op_size == 2 || insn.op_size == 4);
			ck_assert(insn.seg < INSN_NR_SEGS);
			ck_assert(insn.base < INSN_NR_GPRS || insn.base == NONE);
			ck_assert(insn.index < INSN_NR_GPRS || insn.index == NONE);
		}
	}
	ck_assert_uint_gt(ok, 1000);
}
END_TEST

START_TEST(test_status_strings_are_distinct)
{
	enum insn_status a, b;

	for (a = INSN_OK; a <= INSN_ACCESS_FAILED; a++)
		for (b = a + 1; b <= INSN_ACCESS_FAILED; b++)
			ck_assert_str_ne(insn_status_str(a), insn_status_str(b));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("decode");

	tcase_add_loop_test(tc, test_decode_matches_assembler_output, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, test_decode_reports_every_truncation, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_decode_ignores_bytes_after_the_instruction);
	tcase_add_test(tc, test_decode_rejects_more_than_15_bytes);
	tcase_add_loop_test(tc, test_decode_reports_unusable_instructions, 0,
			    sizeof(status_cases) / sizeof(status_cases[0]));
	tcase_add_test(tc, test_decode_survives_random_bytes);
	tcase_add_test(tc, test_status_strings_are_distinct);
	return check_run("insn_decode", tc);
}
