// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 instruction decoder for the MMIO emulator: prefixes, opcode, ModRM/SIB,
 * displacement and immediate of 16- and 32-bit code (Intel SDM vol. 2A
 * chapter 2, opcode map in vol. 2D appendix A). Pure: bytes in, struct insn
 * out, no guest state touched. See vmm/insn.h.
 */
#include "vmm/insn.h"

/* Legacy prefixes (SDM vol. 2A §2.1.1). */
#define PREFIX_LOCK	0xf0
#define PREFIX_REPNE	0xf2
#define PREFIX_REP	0xf3
#define PREFIX_OPSIZE	0x66
#define PREFIX_ADDRSIZE	0x67
#define PREFIX_ES	0x26
#define PREFIX_CS	0x2e
#define PREFIX_SS	0x36
#define PREFIX_DS	0x3e
#define PREFIX_FS	0x64
#define PREFIX_GS	0x65

/* Two-byte opcode escape (SDM vol. 2A §2.1.2). */
#define OPCODE_ESCAPE	0x0f

/* ModRM.mod = 3: the r/m field names a register (SDM vol. 2A §2.1.5). */
#define MODRM_MOD_REG	3
/* 32-bit ModRM.rm = 4: a SIB byte follows (SDM vol. 2A table 2-2). */
#define MODRM_RM_SIB	4
/* ModRM.mod = 0 with this rm (32-bit) or SIB.base: disp32, no base (tables 2-2, 2-3). */
#define MODRM_RM_DISP32	5
/* 16-bit ModRM.mod = 0, rm = 6: disp16, no base (SDM vol. 2A table 2-1). */
#define MODRM_RM_DISP16	6
/* SIB.index = 4: no index register (SDM vol. 2A table 2-3). */
#define SIB_NO_INDEX	4

/* How the immediate after the ModRM operand is encoded. */
enum imm_kind {
	IMM_NONE,
	IMM_FULL,	/* imm8 for byte operations, else imm16/imm32 */
	IMM_S8,		/* imm8 sign-extended to the operand size */
	IMM_U8,		/* imm8 as is (bit offsets) */
};

/* The shape of one opcode (with its ModRM.reg for group opcodes). */
struct form {
	enum insn_kind kind;
	uint8_t subop;
	bool byte_op;		/* 8-bit operand, else 16/32 by operand size */
	bool reg_operand;	/* ModRM.reg names a register operand */
	enum imm_kind imm;
	bool mem_is_dst;
	bool lock_ok;		/* LOCK allowed (SDM vol. 2A "LOCK" list) */
	uint8_t src_size;	/* MOVZX/MOVSX source size */
};

struct cursor {
	const uint8_t *bytes;
	unsigned int avail;
	unsigned int pos;
	struct insn *insn;
};

static enum insn_status next_byte(struct cursor *c, uint8_t *byte)
{
	if (c->pos >= INSN_MAX_LEN)
		return INSN_TOO_LONG;
	if (c->pos >= c->avail)
		return INSN_TRUNCATED;
	*byte = c->bytes[c->pos];
	c->insn->bytes[c->pos] = *byte;
	c->pos++;
	c->insn->len = c->pos;
	return INSN_OK;
}

/* Read a little-endian value of size bytes, sign-extended to 32 bits. */
static enum insn_status next_signed(struct cursor *c, unsigned int size,
				    uint32_t *val)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < size; i++) {
		uint8_t b;
		enum insn_status st = next_byte(c, &b);

		if (st != INSN_OK)
			return st;
		v |= (uint32_t)b << (8 * i);
	}
	if (size < 4 && (v & (1u << (8 * size - 1))))
		v |= ~0u << (8 * size);
	*val = v;
	return INSN_OK;
}

static bool is_alu_modrm_opcode(uint8_t op)
{
	/* 00-3F, low three bits 0-3: ALU Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev (table A-2) */
	return op < 0x40 && (op & 7) < 4;
}

static bool has_modrm(bool opcode_0f, uint8_t op)
{
	if (opcode_0f)	/* BT*, group 8, MOVZX, MOVSX; no other is decoded */
		return op == 0xa3 || op == 0xab || op == 0xb3 || op == 0xbb ||
		       op == 0xba || (op >= 0xb6 && op <= 0xb7) ||
		       (op >= 0xbe && op <= 0xbf);
	if (is_alu_modrm_opcode(op))
		return true;
	return (op >= 0x80 && op <= 0x8b) || op == 0xc6 || op == 0xc7 ||
	       op == 0xf6 || op == 0xf7 || op == 0xfe || op == 0xff;
}

static enum insn_status form_two_byte(uint8_t op, uint8_t reg, struct form *f)
{
	switch (op) {
	case 0xa3: case 0xab: case 0xb3: case 0xbb:	/* BT/BTS/BTR/BTC Ev,Gv */
		f->kind = INSN_KIND_BT;
		f->subop = (op >> 3) & 3;
		f->reg_operand = true;
		f->lock_ok = op != 0xa3;
		return INSN_OK;
	case 0xba:					/* group 8: BT* Ev,Ib */
		if (reg < 4)
			return INSN_INVALID;
		f->kind = INSN_KIND_BT;
		f->subop = reg - 4;
		f->imm = IMM_U8;
		f->lock_ok = reg != 4;
		return INSN_OK;
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:	/* MOVZX/MOVSX Gv,Eb/Ew */
		f->kind = op < 0xb8 ? INSN_KIND_MOVZX : INSN_KIND_MOVSX;
		f->src_size = (op & 1) ? 2 : 1;
		f->reg_operand = true;
		return INSN_OK;
	}
	return INSN_UNSUPPORTED;
}

static enum insn_status form_group(uint8_t op, uint8_t reg, struct form *f)
{
	switch (op) {
	case 0x80: case 0x81: case 0x82: case 0x83:	/* group 1: ALU E,I; 82 = 80 outside long mode */
		f->kind = INSN_KIND_ALU;
		f->subop = reg;
		f->imm = op == 0x83 ? IMM_S8 : IMM_FULL;
		f->mem_is_dst = true;
		f->lock_ok = reg != INSN_ALU_CMP;
		return INSN_OK;
	case 0xc6: case 0xc7:				/* group 11: MOV E,I */
		if (reg != 0)
			return INSN_INVALID;
		f->kind = INSN_KIND_MOV_STORE;
		f->imm = IMM_FULL;
		return INSN_OK;
	case 0xf6: case 0xf7:				/* group 3 */
		if (reg == 0) {
			f->kind = INSN_KIND_TEST;
			f->imm = IMM_FULL;
			return INSN_OK;
		}
		if (reg != 2 && reg != 3)
			return INSN_UNSUPPORTED;	/* MUL, IMUL, DIV, IDIV */
		f->kind = INSN_KIND_UNARY;
		f->subop = reg == 2 ? INSN_UNARY_NOT : INSN_UNARY_NEG;
		f->lock_ok = true;
		return INSN_OK;
	case 0xfe: case 0xff:				/* groups 4 and 5 */
		if (reg > 1) {
			/* FF /2../6: CALL, JMP, PUSH through memory; the rest #UD */
			return op == 0xff && reg < 7 ? INSN_UNSUPPORTED : INSN_INVALID;
		}
		f->kind = INSN_KIND_UNARY;
		f->subop = reg == 0 ? INSN_UNARY_INC : INSN_UNARY_DEC;
		f->lock_ok = true;
		return INSN_OK;
	}
	return INSN_UNSUPPORTED;
}

static enum insn_status form_one_byte(uint8_t op, uint8_t reg, struct form *f)
{
	f->byte_op = !(op & 1);
	if (is_alu_modrm_opcode(op)) {
		f->kind = INSN_KIND_ALU;
		f->subop = op >> 3;
		f->reg_operand = true;
		f->mem_is_dst = !(op & 2);
		f->lock_ok = f->mem_is_dst && f->subop != INSN_ALU_CMP;
		return INSN_OK;
	}
	switch (op) {
	case 0x6c: case 0x6d:		/* INS: ES:[eDI] <- port DX */
		f->kind = INSN_KIND_INS;
		return INSN_OK;
	case 0x6e: case 0x6f:		/* OUTS: port DX <- seg:[eSI] */
		f->kind = INSN_KIND_OUTS;
		return INSN_OK;
	case 0x84: case 0x85:		/* TEST E,G */
		f->kind = INSN_KIND_TEST;
		f->reg_operand = true;
		return INSN_OK;
	case 0x86: case 0x87:		/* XCHG E,G */
		f->kind = INSN_KIND_XCHG;
		f->reg_operand = true;
		f->lock_ok = true;
		return INSN_OK;
	case 0x88: case 0x89: case 0x8a: case 0x8b:	/* MOV E,G / G,E */
		f->kind = (op & 2) ? INSN_KIND_MOV_LOAD : INSN_KIND_MOV_STORE;
		f->reg_operand = true;
		return INSN_OK;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:	/* MOV AL/eAX <-> moffs */
		f->kind = (op & 2) ? INSN_KIND_MOV_STORE : INSN_KIND_MOV_LOAD;
		return INSN_OK;
	case 0xa4: case 0xa5:
		f->kind = INSN_KIND_MOVS;
		return INSN_OK;
	case 0xaa: case 0xab:
		f->kind = INSN_KIND_STOS;
		return INSN_OK;
	case 0xac: case 0xad:
		f->kind = INSN_KIND_LODS;
		return INSN_OK;
	}
	return form_group(op, reg, f);
}

/* Memory operand of a 16-bit ModRM (SDM vol. 2A table 2-1). */
static enum insn_status modrm16(struct cursor *c, uint8_t mod, uint8_t rm)
{
	static const uint8_t base[8] = {
		INSN_EBX, INSN_EBX, INSN_EBP, INSN_EBP,
		INSN_ESI, INSN_EDI, INSN_EBP, INSN_EBX,
	};
	static const uint8_t index[8] = {
		INSN_ESI, INSN_EDI, INSN_ESI, INSN_EDI,
		INSN_NO_REG, INSN_NO_REG, INSN_NO_REG, INSN_NO_REG,
	};
	struct insn *insn = c->insn;

	if (mod == 0 && rm == MODRM_RM_DISP16)
		return next_signed(c, 2, &insn->disp);
	insn->base = base[rm];
	insn->index = index[rm];
	if (insn->base == INSN_EBP)
		insn->seg = INSN_SS;
	if (mod == 0)
		return INSN_OK;
	return next_signed(c, mod == 1 ? 1 : 2, &insn->disp);
}

/* Memory operand of a 32-bit ModRM, with SIB (SDM vol. 2A tables 2-2, 2-3). */
static enum insn_status modrm32(struct cursor *c, uint8_t mod, uint8_t rm)
{
	struct insn *insn = c->insn;
	uint8_t base = rm;
	enum insn_status st;

	if (rm == MODRM_RM_SIB) {
		uint8_t sib;

		st = next_byte(c, &sib);
		if (st != INSN_OK)
			return st;
		insn->scale = 1u << (sib >> 6);
		if (((sib >> 3) & 7) != SIB_NO_INDEX)
			insn->index = (sib >> 3) & 7;
		base = sib & 7;
	}
	if (mod == 0 && base == MODRM_RM_DISP32)
		return next_signed(c, 4, &insn->disp);
	insn->base = base;
	if (base == INSN_ESP || base == INSN_EBP)
		insn->seg = INSN_SS;
	if (mod == 0)
		return INSN_OK;
	return next_signed(c, mod == 1 ? 1 : 4, &insn->disp);
}

static void insn_reset(struct insn *insn, bool cs_db)
{
	insn->len = 0;
	insn->opcode = 0;
	insn->opcode_0f = false;
	insn->op_size = cs_db ? 4 : 2;
	insn->addr_size = cs_db ? 4 : 2;
	insn->src_size = 0;
	insn->lock = false;
	insn->rep = false;
	insn->kind = INSN_KIND_MOV_LOAD;
	insn->subop = 0;
	insn->mem_is_dst = false;
	insn->reg = INSN_NO_REG;
	insn->has_imm = false;
	insn->imm = 0;
	insn->seg = INSN_DS;
	insn->base = INSN_NO_REG;
	insn->index = INSN_NO_REG;
	insn->scale = 1;
	insn->disp = 0;
}

/* Legacy prefixes, in any order and number (SDM vol. 2A §2.1.1). */
static enum insn_status decode_prefixes(struct cursor *c, uint8_t *opcode,
					int *seg_override, bool *rep)
{
	struct insn *insn = c->insn;

	for (;;) {
		enum insn_status st = next_byte(c, opcode);

		if (st != INSN_OK)
			return st;
		switch (*opcode) {
		case PREFIX_LOCK:	insn->lock = true; break;
		case PREFIX_REP:
		case PREFIX_REPNE:	*rep = true; break;
		case PREFIX_ES:		*seg_override = INSN_ES; break;
		case PREFIX_CS:		*seg_override = INSN_CS; break;
		case PREFIX_SS:		*seg_override = INSN_SS; break;
		case PREFIX_DS:		*seg_override = INSN_DS; break;
		case PREFIX_FS:		*seg_override = INSN_FS; break;
		case PREFIX_GS:		*seg_override = INSN_GS; break;
		case PREFIX_OPSIZE:
			insn->op_size = insn->op_size == 4 ? 2 : 4;
			break;
		case PREFIX_ADDRSIZE:
			insn->addr_size = insn->addr_size == 4 ? 2 : 4;
			break;
		default:
			return INSN_OK;
		}
	}
}

static enum insn_status decode_operands(struct cursor *c, const struct form *f,
					uint8_t modrm)
{
	struct insn *insn = c->insn;
	uint8_t mod = modrm >> 6, rm = modrm & 7;

	if (mod == MODRM_MOD_REG)
		return INSN_NO_MEMORY_OPERAND;
	if (f->reg_operand)
		insn->reg = (modrm >> 3) & 7;
	if (insn->addr_size == 2)
		return modrm16(c, mod, rm);
	return modrm32(c, mod, rm);
}

static enum insn_status decode_immediate(struct cursor *c, enum imm_kind kind)
{
	struct insn *insn = c->insn;
	enum insn_status st;
	uint32_t mask;

	if (kind == IMM_NONE)
		return INSN_OK;
	insn->has_imm = true;
	st = next_signed(c, kind == IMM_FULL ? insn->op_size : 1, &insn->imm);
	if (st != INSN_OK)
		return st;
	mask = insn->op_size == 4 ? ~0u : (1u << (8 * insn->op_size)) - 1;
	if (kind == IMM_U8)
		mask = 0xff;
	insn->imm &= mask;
	return INSN_OK;
}

enum insn_status insn_decode(const uint8_t *bytes, unsigned int avail,
			     bool cs_db, struct insn *insn)
{
	struct cursor c = { .bytes = bytes, .avail = avail, .insn = insn };
	struct form f = { .imm = IMM_NONE };
	int seg_override = -1;
	bool rep = false;
	uint8_t op, modrm = 0;
	enum insn_status st;

	insn_reset(insn, cs_db);
	st = decode_prefixes(&c, &op, &seg_override, &rep);
	if (st != INSN_OK)
		return st;
	if (op == OPCODE_ESCAPE) {
		insn->opcode_0f = true;
		st = next_byte(&c, &op);
		if (st != INSN_OK)
			return st;
	}
	insn->opcode = op;
	if (has_modrm(insn->opcode_0f, op)) {
		st = next_byte(&c, &modrm);
		if (st != INSN_OK)
			return st;
	}
	st = insn->opcode_0f ? form_two_byte(op, (modrm >> 3) & 7, &f) :
			       form_one_byte(op, (modrm >> 3) & 7, &f);
	if (st != INSN_OK)
		return st;

	insn->kind = f.kind;
	insn->subop = f.subop;
	insn->mem_is_dst = f.mem_is_dst;
	insn->src_size = f.src_size;
	if (f.byte_op && !insn->opcode_0f)
		insn->op_size = 1;

	switch (f.kind) {
	case INSN_KIND_MOVS: case INSN_KIND_STOS: case INSN_KIND_LODS:
	case INSN_KIND_INS: case INSN_KIND_OUTS:
		insn->rep = rep;
		break;
	default:
		if (!has_modrm(insn->opcode_0f, op)) {
			/* moffs: address-size displacement, no base (SDM vol. 2B MOV) */
			insn->reg = INSN_EAX;
			st = next_signed(&c, insn->addr_size, &insn->disp);
		} else {
			st = decode_operands(&c, &f, modrm);
		}
		if (st != INSN_OK)
			return st;
		st = decode_immediate(&c, f.imm);
		if (st != INSN_OK)
			return st;
	}
	if (seg_override >= 0)
		insn->seg = seg_override;
	/* LOCK elsewhere than on a read-modify-write of memory is #UD. */
	if (insn->lock && !f.lock_ok)
		return INSN_INVALID;
	return INSN_OK;
}
