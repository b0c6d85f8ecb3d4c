// SPDX-License-Identifier: GPL-2.0-only
/*
 * Execution of decoded instructions against guest registers and the vmm's
 * memory callbacks, with the EFLAGS results of the Intel SDM vol. 2
 * instruction pages. Registers and flags change only after every memory
 * access of the instruction (or of one REP iteration) succeeded. See
 * vmm/insn.h.
 */
#include "vmm/insn.h"

static uint32_t size_mask(unsigned int size)
{
	return size == 4 ? ~0u : (1u << (8 * size)) - 1;
}

static uint32_t sign_bit(unsigned int size)
{
	return 1u << (8 * size - 1);
}

/*
 * 8-bit register encodings 4..7 are AH, CH, DH, BH: bits 15..8 of registers
 * 0..3 (SDM vol. 2A §3.1.1.1, table 3-1).
 */
static uint32_t gpr_read(const struct insn_cpu *cpu, uint8_t reg,
			 unsigned int size)
{
	if (size == 1)
		return (cpu->gpr[reg & 3] >> ((reg & 4) ? 8 : 0)) & 0xff;
	return cpu->gpr[reg] & size_mask(size);
}

static void gpr_write(struct insn_cpu *cpu, uint8_t reg, unsigned int size,
		      uint32_t val)
{
	unsigned int shift = 0;
	uint32_t mask;

	if (size == 1) {
		shift = (reg & 4) ? 8 : 0;
		reg &= 3;
	}
	mask = size_mask(size) << shift;
	cpu->gpr[reg] = (cpu->gpr[reg] & ~mask) | ((val << shift) & mask);
}

/* PF: set when the low byte of the result has an even number of 1 bits. */
static uint32_t flags_szp(uint32_t res, unsigned int size)
{
	uint32_t flags = 0, nibble = (res ^ (res >> 4)) & 0xf;

	if (!(res & size_mask(size)))
		flags |= INSN_FLAG_ZF;
	if (res & sign_bit(size))
		flags |= INSN_FLAG_SF;
	/* 0x6996: bit n is the parity of n, for n a 4-bit value */
	if (!((0x6996 >> nibble) & 1))
		flags |= INSN_FLAG_PF;
	return flags;
}

/*
 * One ALU operation on size-byte operands a (destination) and b; returns
 * the result and sets CF, PF, AF, ZF, SF, OF in *eflags (SDM vol. 2 ADD,
 * ADC, SUB, SBB, CMP, AND, OR, XOR; AF, undefined for the logic ones, is
 * cleared as hardware does).
 */
static uint32_t alu(enum insn_alu op, uint32_t a, uint32_t b,
		    unsigned int size, uint32_t *eflags)
{
	uint32_t mask = size_mask(size), sign = sign_bit(size);
	uint32_t carry = (*eflags & INSN_FLAG_CF) ? 1 : 0;
	uint32_t res, flags = 0;

	a &= mask;
	b &= mask;
	switch (op) {
	case INSN_ALU_ADD:
	case INSN_ALU_ADC:
		if (op == INSN_ALU_ADD)
			carry = 0;
		res = (a + b + carry) & mask;
		if ((uint64_t)a + b + carry > mask)
			flags |= INSN_FLAG_CF;
		if ((a ^ res) & (b ^ res) & sign)
			flags |= INSN_FLAG_OF;
		flags |= (a ^ b ^ res) & INSN_FLAG_AF;
		break;
	case INSN_ALU_SUB:
	case INSN_ALU_SBB:
	case INSN_ALU_CMP:
		if (op != INSN_ALU_SBB)
			carry = 0;
		res = (a - b - carry) & mask;
		if ((uint64_t)a < (uint64_t)b + carry)
			flags |= INSN_FLAG_CF;
		if ((a ^ b) & (a ^ res) & sign)
			flags |= INSN_FLAG_OF;
		flags |= (a ^ b ^ res) & INSN_FLAG_AF;
		break;
	case INSN_ALU_AND:
		res = a & b;
		break;
	case INSN_ALU_OR:
		res = a | b;
		break;
	default: /* INSN_ALU_XOR */
		res = a ^ b;
		break;
	}
	*eflags = (*eflags & ~INSN_FLAGS_ARITH) | flags | flags_szp(res, size);
	return res;
}

/* INC and DEC leave CF alone; NEG is 0 - x; NOT changes no flag (SDM vol. 2). */
static uint32_t unary(enum insn_unary op, uint32_t val, unsigned int size,
		      uint32_t *eflags)
{
	uint32_t cf = *eflags & INSN_FLAG_CF, res;

	switch (op) {
	case INSN_UNARY_INC:
		res = alu(INSN_ALU_ADD, val, 1, size, eflags);
		break;
	case INSN_UNARY_DEC:
		res = alu(INSN_ALU_SUB, val, 1, size, eflags);
		break;
	case INSN_UNARY_NEG:
		return alu(INSN_ALU_SUB, 0, val, size, eflags);
	default: /* INSN_UNARY_NOT */
		return ~val & size_mask(size);
	}
	*eflags = (*eflags & ~INSN_FLAG_CF) | cf;
	return res;
}

static uint32_t wrap_address(uint32_t offset, unsigned int addr_size)
{
	return offset & size_mask(addr_size);
}

uint32_t insn_effective_address(const struct insn *insn,
				const struct insn_cpu *cpu)
{
	uint32_t ea = insn->disp;

	if (insn->base != INSN_NO_REG)
		ea += cpu->gpr[insn->base];
	if (insn->index != INSN_NO_REG)
		ea += cpu->gpr[insn->index] * insn->scale;
	return wrap_address(ea, insn->addr_size);
}

static uint32_t linear_address(const struct insn_cpu *cpu, uint8_t seg,
			       uint32_t offset)
{
	return cpu->seg_base[seg] + offset;
}

static uint32_t extend(uint32_t val, unsigned int from, bool sign)
{
	if (sign && (val & sign_bit(from)))
		return val | ~size_mask(from);
	return val;
}

/*
 * BT*: a register bit offset is signed and may address outside the operand,
 * an immediate one is taken modulo the operand width (SDM vol. 2A BT,
 * "bit base and bit offset"). Moves *offset to the addressed operand and
 * returns the bit within it.
 */
static uint32_t bit_position(const struct insn *insn,
			     const struct insn_cpu *cpu, uint32_t *offset)
{
	unsigned int bits = 8 * insn->op_size;
	int32_t pos;

	if (insn->has_imm)
		return insn->imm & (bits - 1);
	pos = (int32_t)extend(gpr_read(cpu, insn->reg, insn->op_size),
			      insn->op_size, true);
	/* floor division: >> of a negative int is arithmetic in GCC */
	*offset = wrap_address(*offset + (uint32_t)((pos >> (bits == 32 ? 5 : 4)) *
						    (int32_t)insn->op_size),
			       insn->addr_size);
	return (uint32_t)pos & (bits - 1);
}

static uint32_t bit_operation(enum insn_bitop op, uint32_t val, uint32_t bit,
			      uint32_t *eflags)
{
	uint32_t mask = 1u << bit;

	*eflags &= ~INSN_FLAG_CF;
	if (val & mask)
		*eflags |= INSN_FLAG_CF;
	switch (op) {
	case INSN_BIT_BTS:
		return val | mask;
	case INSN_BIT_BTR:
		return val & ~mask;
	case INSN_BIT_BTC:
		return val ^ mask;
	default: /* INSN_BIT_BT */
		return val;
	}
}

static enum insn_status mem_read(const struct insn_ops *ops, void *ctx,
				 uint32_t linear, unsigned int size,
				 uint32_t *val, bool for_write)
{
	*val = 0;
	if (!ops->read(ctx, linear, size, val, for_write))
		return INSN_ACCESS_FAILED;
	*val &= size_mask(size);
	return INSN_OK;
}

static enum insn_status mem_write(const struct insn_ops *ops, void *ctx,
				  uint32_t linear, unsigned int size,
				  uint32_t val)
{
	if (!ops->write(ctx, linear, size, val & size_mask(size)))
		return INSN_ACCESS_FAILED;
	return INSN_OK;
}

/* The value a register-or-immediate source operand holds. */
static uint32_t source_operand(const struct insn *insn,
			       const struct insn_cpu *cpu)
{
	return insn->has_imm ? insn->imm : gpr_read(cpu, insn->reg, insn->op_size);
}

/* A read-modify-write of memory: ALU with memory destination, unary, BT*. */
static enum insn_status execute_rmw(const struct insn *insn,
				    struct insn_cpu *cpu,
				    const struct insn_ops *ops, void *ctx,
				    uint32_t offset)
{
	unsigned int size = insn->op_size;
	uint32_t flags = cpu->eflags, val, res, bit = 0;
	bool store = !(insn->kind == INSN_KIND_ALU && insn->subop == INSN_ALU_CMP) &&
		     !(insn->kind == INSN_KIND_BT && insn->subop == INSN_BIT_BT);
	enum insn_status st;

	if (insn->kind == INSN_KIND_BT)
		bit = bit_position(insn, cpu, &offset);
	st = mem_read(ops, ctx, linear_address(cpu, insn->seg, offset), size,
		      &val, store);
	if (st != INSN_OK)
		return st;
	switch (insn->kind) {
	case INSN_KIND_ALU:
		res = alu(insn->subop, val, source_operand(insn, cpu), size, &flags);
		break;
	case INSN_KIND_UNARY:
		res = unary(insn->subop, val, size, &flags);
		break;
	default: /* INSN_KIND_BT */
		res = bit_operation(insn->subop, val, bit, &flags);
		break;
	}
	if (store) {
		st = mem_write(ops, ctx, linear_address(cpu, insn->seg, offset),
			       size, res);
		if (st != INSN_OK)
			return st;
	}
	cpu->eflags = flags;
	return INSN_OK;
}

/* An instruction with one ModRM or moffs memory operand. */
static enum insn_status execute_memory(const struct insn *insn,
				       struct insn_cpu *cpu,
				       const struct insn_ops *ops, void *ctx)
{
	uint32_t offset = insn_effective_address(insn, cpu);
	uint32_t linear = linear_address(cpu, insn->seg, offset);
	unsigned int size = insn->op_size;
	uint32_t val, flags = cpu->eflags;
	enum insn_status st;

	switch (insn->kind) {
	case INSN_KIND_MOV_STORE:
		return mem_write(ops, ctx, linear, size, source_operand(insn, cpu));
	case INSN_KIND_ALU:
		if (insn->mem_is_dst)
			return execute_rmw(insn, cpu, ops, ctx, offset);
		break;
	case INSN_KIND_UNARY:
	case INSN_KIND_BT:
		return execute_rmw(insn, cpu, ops, ctx, offset);
	default:
		break;
	}

	/* the rest read memory first */
	st = mem_read(ops, ctx, linear, insn->src_size ? insn->src_size : size,
		      &val, insn->kind == INSN_KIND_XCHG);
	if (st != INSN_OK)
		return st;
	switch (insn->kind) {
	case INSN_KIND_MOVZX:
	case INSN_KIND_MOVSX:
		val = extend(val, insn->src_size, insn->kind == INSN_KIND_MOVSX);
		break;
	case INSN_KIND_ALU: /* register destination */
		val = alu(insn->subop, gpr_read(cpu, insn->reg, size), val, size,
			  &flags);
		if (insn->subop == INSN_ALU_CMP) {
			cpu->eflags = flags;
			return INSN_OK;
		}
		break;
	case INSN_KIND_TEST:
		alu(INSN_ALU_AND, val, source_operand(insn, cpu), size, &flags);
		cpu->eflags = flags;
		return INSN_OK;
	case INSN_KIND_XCHG:
		st = mem_write(ops, ctx, linear, size, gpr_read(cpu, insn->reg, size));
		if (st != INSN_OK)
			return st;
		break;
	default: /* INSN_KIND_MOV_LOAD */
		break;
	}
	gpr_write(cpu, insn->reg, size, val);
	cpu->eflags = flags;
	return INSN_OK;
}

/*
 * The source of one string element: seg:[eSI] (MOVS, LODS, OUTS), the
 * accumulator (STOS) or port DX (INS). INS first checks that its
 * destination is writable, so a #PF there leaves the device's data unread
 * and the guest can re-execute the iteration after handling the fault.
 */
static enum insn_status string_source(const struct insn *insn,
				      struct insn_cpu *cpu,
				      const struct insn_ops *ops, void *ctx,
				      uint32_t src, uint32_t dst, uint32_t *val)
{
	unsigned int size = insn->op_size;

	switch (insn->kind) {
	case INSN_KIND_STOS:
		*val = gpr_read(cpu, INSN_EAX, size);
		return INSN_OK;
	case INSN_KIND_INS:
		if (!ops->probe_write(ctx, dst, size))
			return INSN_ACCESS_FAILED;
		*val = 0;
		if (!ops->port_in(ctx, (uint16_t)cpu->gpr[INSN_EDX], size, val))
			return INSN_ACCESS_FAILED;
		*val &= size_mask(size);
		return INSN_OK;
	default:
		return mem_read(ops, ctx, src, size, val, false);
	}
}

/*
 * One element of MOVS, STOS, LODS, INS or OUTS, then eSI/eDI step by DF
 * for the memory operands the instruction has (SDM vol. 2B).
 */
static enum insn_status string_element(const struct insn *insn,
				       struct insn_cpu *cpu,
				       const struct insn_ops *ops, void *ctx)
{
	unsigned int size = insn->op_size, asz = insn->addr_size;
	uint32_t step = (cpu->eflags & INSN_FLAG_DF) ? -size : size;
	uint32_t src = linear_address(cpu, insn->seg,
				      wrap_address(cpu->gpr[INSN_ESI], asz));
	uint32_t dst = linear_address(cpu, INSN_ES,
				      wrap_address(cpu->gpr[INSN_EDI], asz));
	bool reads_si = insn->kind == INSN_KIND_MOVS ||
			insn->kind == INSN_KIND_LODS ||
			insn->kind == INSN_KIND_OUTS;
	uint32_t val;
	enum insn_status st;

	st = string_source(insn, cpu, ops, ctx, src, dst, &val);
	if (st != INSN_OK)
		return st;
	switch (insn->kind) {
	case INSN_KIND_LODS:
		gpr_write(cpu, INSN_EAX, size, val);
		break;
	case INSN_KIND_OUTS:
		if (!ops->port_out(ctx, (uint16_t)cpu->gpr[INSN_EDX], size, val))
			return INSN_ACCESS_FAILED;
		break;
	default: /* MOVS, STOS, INS */
		st = mem_write(ops, ctx, dst, size, val);
		if (st != INSN_OK)
			return st;
		gpr_write(cpu, INSN_EDI, asz, cpu->gpr[INSN_EDI] + step);
		break;
	}
	if (reads_si)
		gpr_write(cpu, INSN_ESI, asz, cpu->gpr[INSN_ESI] + step);
	return INSN_OK;
}

/*
 * A string instruction, with REP: eCX counts (address size), zero means
 * no iteration. After INSN_REP_BUDGET iterations EIP stays on the
 * instruction so the guest re-executes it (SDM vol. 2B REP).
 */
static bool execute_string(const struct insn *insn, struct insn_cpu *cpu,
			   const struct insn_ops *ops, void *ctx,
			   enum insn_status *st)
{
	unsigned int asz = insn->addr_size, n;

	*st = INSN_OK;
	if (!insn->rep)
		return (*st = string_element(insn, cpu, ops, ctx)) == INSN_OK;
	for (n = 0; n < INSN_REP_BUDGET; n++) {
		if (!gpr_read(cpu, INSN_ECX, asz))
			return true;
		*st = string_element(insn, cpu, ops, ctx);
		if (*st != INSN_OK)
			return false;
		gpr_write(cpu, INSN_ECX, asz, cpu->gpr[INSN_ECX] - 1);
	}
	return !gpr_read(cpu, INSN_ECX, asz);
}

enum insn_status insn_execute(const struct insn *insn, struct insn_cpu *cpu,
			      const struct insn_ops *ops, void *ctx)
{
	enum insn_status st;
	bool done = true;

	switch (insn->kind) {
	case INSN_KIND_MOVS:
	case INSN_KIND_STOS:
	case INSN_KIND_LODS:
		done = execute_string(insn, cpu, ops, ctx, &st);
		break;
	case INSN_KIND_INS:
	case INSN_KIND_OUTS:
		if (insn->kind == INSN_KIND_INS ? !ops->port_in || !ops->probe_write :
						  !ops->port_out)
			return INSN_UNSUPPORTED;
		done = execute_string(insn, cpu, ops, ctx, &st);
		break;
	default:
		st = execute_memory(insn, cpu, ops, ctx);
		break;
	}
	if (st != INSN_OK)
		return st;
	if (done)
		cpu->eip = wrap_address(cpu->eip + insn->len, cpu->cs_db ? 4 : 2);
	return INSN_OK;
}

enum insn_status insn_emulate(struct insn_cpu *cpu, const struct insn_ops *ops,
			      void *ctx, struct insn *insn)
{
	uint8_t bytes[INSN_MAX_LEN];
	unsigned int got;
	enum insn_status st;

	got = ops->fetch(ctx, linear_address(cpu, INSN_CS, cpu->eip), bytes,
			 INSN_MAX_LEN);
	if (got > INSN_MAX_LEN)
		got = INSN_MAX_LEN;
	st = insn_decode(bytes, got, cpu->cs_db, insn);
	/* bytes ran out before 15: the rest of the code was unreadable */
	if (st == INSN_TRUNCATED && got < INSN_MAX_LEN)
		return INSN_FETCH_FAILED;
	if (st != INSN_OK)
		return st;
	return insn_execute(insn, cpu, ops, ctx);
}

const char *insn_status_str(enum insn_status status)
{
	switch (status) {
	case INSN_OK:
		return "ok";
	case INSN_TRUNCATED:
		return "instruction bytes end before the instruction does";
	case INSN_TOO_LONG:
		return "instruction longer than 15 bytes";
	case INSN_INVALID:
		return "invalid instruction encoding (#UD)";
	case INSN_UNSUPPORTED:
		return "instruction not supported by the MMIO emulator";
	case INSN_NO_MEMORY_OPERAND:
		return "instruction has no memory operand";
	case INSN_FETCH_FAILED:
		return "instruction bytes could not be read from guest memory";
	case INSN_ACCESS_FAILED:
		return "guest memory or device access failed";
	}
	return "unknown emulator status";
}
