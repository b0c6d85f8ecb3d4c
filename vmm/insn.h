// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 instruction decoder and emulator for MMIO exits.
 *
 * QEMU's TCG implements SVM without decode assists and without NRIP save
 * (AMD APM vol. 2 §15.33 "Decode Assists", §15.7.1 "State Saved on Exit"),
 * so on a nested page fault against an MMIO page the vmm gets neither the
 * instruction bytes nor the next RIP. It fetches the bytes itself, decodes
 * them here and emulates the one memory access against a device callback.
 *
 * Scope: 16- and 32-bit code (real mode, 16- and 32-bit protected mode, as
 * the CS.D bit says); no long mode. Only instructions with a memory operand
 * are emulated, since a register-only instruction never faults on MMIO.
 * The string port instructions INS and OUTS (and their REP forms) are
 * emulated too, for the IOIO exits with the string bit set: the port side
 * goes to the port_in/port_out callbacks, the memory side to read/write.
 * docs/vmm.md lists the instructions covered and the limits.
 *
 * Usage from an NPF exit handler:
 *
 *	struct insn insn;
 *	enum insn_status st = insn_emulate(&cpu, &ops, vcpu, &insn);
 *	if (st != INSN_OK)
 *		stop the VM with insn_status_str(st) and the bytes in insn;
 *
 * insn_emulate() advances cpu->eip past the instruction (or leaves it on a
 * REP string instruction that has iterations left, so the guest re-executes
 * it; SDM vol. 2B "REP/REPE/REPZ/REPNE/REPNZ": a REP string instruction is
 * interruptible between iterations).
 *
 * On INSN_FETCH_FAILED and INSN_ACCESS_FAILED cpu holds what a fault at
 * that access leaves on hardware: EIP on the instruction and no register
 * or flag changed, except that a REP string instruction keeps the
 * iterations done before the failing one (eCX, eSI, eDI stepped; SDM vol.
 * 2B REP). The vmm can copy it back and inject the fault.
 */
#ifndef VMM_INSN_H
#define VMM_INSN_H

#include "vmm/platform.h"

/* Longest legal instruction: Intel SDM vol. 2A §2.3.11, AMD APM vol. 3 §1.1. */
#define INSN_MAX_LEN 15

/* REP string iterations emulated per exit before the guest re-executes. */
#define INSN_REP_BUDGET 4096

enum insn_status {
	INSN_OK = 0,
	INSN_TRUNCATED,		/* bytes end before the instruction does */
	INSN_TOO_LONG,		/* more than INSN_MAX_LEN bytes (#GP on hardware) */
	INSN_INVALID,		/* encoding that raises #UD (e.g. misplaced LOCK) */
	INSN_UNSUPPORTED,	/* valid instruction this emulator does not do */
	INSN_NO_MEMORY_OPERAND,	/* register-only form: cannot have faulted */
	INSN_FETCH_FAILED,	/* guest memory at CS:EIP could not be read */
	INSN_ACCESS_FAILED,	/* the data read/write callback failed */
};

/* General purpose registers in ModRM encoding order (SDM vol. 2A table 2-2). */
enum insn_gpr {
	INSN_EAX, INSN_ECX, INSN_EDX, INSN_EBX,
	INSN_ESP, INSN_EBP, INSN_ESI, INSN_EDI,
	INSN_NR_GPRS
};

/* Segment registers in Sreg encoding order (SDM vol. 2A §3.1.1.3). */
enum insn_seg {
	INSN_ES, INSN_CS, INSN_SS, INSN_DS, INSN_FS, INSN_GS,
	INSN_NR_SEGS
};

/* EFLAGS bits the emulated instructions read or write (SDM vol. 1 §3.4.3). */
#define INSN_FLAG_CF (1u << 0)
#define INSN_FLAG_PF (1u << 2)
#define INSN_FLAG_AF (1u << 4)
#define INSN_FLAG_ZF (1u << 6)
#define INSN_FLAG_SF (1u << 7)
#define INSN_FLAG_DF (1u << 10)
#define INSN_FLAG_OF (1u << 11)
#define INSN_FLAGS_ARITH (INSN_FLAG_CF | INSN_FLAG_PF | INSN_FLAG_AF | \
			  INSN_FLAG_ZF | INSN_FLAG_SF | INSN_FLAG_OF)

/* The guest state the emulator reads and changes: filled from the VMCB. */
struct insn_cpu {
	uint32_t gpr[INSN_NR_GPRS];
	uint32_t eip;
	uint32_t eflags;
	uint32_t seg_base[INSN_NR_SEGS];
	/* CS.D: default operand and address size is 32 bits (SDM vol. 3A §3.4.5). */
	bool cs_db;
};

/*
 * Guest memory access, supplied by the vmm. Addresses are linear (segment
 * base + offset); the vmm translates them through the guest's page tables
 * and routes each data access to a device model (MMIO) or to guest RAM.
 */
struct insn_ops {
	/* Copy up to len bytes of code at linear; returns how many it copied. */
	unsigned int (*fetch)(void *ctx, uint32_t linear, uint8_t *buf,
			      unsigned int len);
	/*
	 * Data access of size 1, 2 or 4 bytes; false if it cannot be done.
	 * for_write: the read of a read-modify-write (ALU, INC/DEC, NOT/NEG,
	 * BTS/BTR/BTC to memory, XCHG), which the guest's MMU checks as a
	 * write before anything is read (SDM vol. 3A §4.7: W/R is 1).
	 */
	bool (*read)(void *ctx, uint32_t linear, unsigned int size,
		     uint32_t *val, bool for_write);
	bool (*write)(void *ctx, uint32_t linear, unsigned int size,
		      uint32_t val);
	/*
	 * String port I/O (INS, OUTS); NULL when the caller has no ports,
	 * and then INS/OUTS give INSN_UNSUPPORTED. port_in reads size bytes
	 * from port, port_out writes them; false if it cannot be done.
	 */
	bool (*port_in)(void *ctx, uint16_t port, unsigned int size,
			uint32_t *val);
	bool (*port_out)(void *ctx, uint16_t port, unsigned int size,
			 uint32_t val);
	/*
	 * Whether a write of size bytes at linear would be allowed, without
	 * doing it (the page walk alone). INS checks its destination before
	 * reading the port, so a #PF does not lose the byte a device gave
	 * (a device's read has side effects: the fw_cfg data port moves on).
	 * Required with port_in.
	 */
	bool (*probe_write)(void *ctx, uint32_t linear, unsigned int size);
};

/* What an instruction does to its memory operand. */
enum insn_kind {
	INSN_KIND_MOV_STORE,	/* mem <- reg or imm */
	INSN_KIND_MOV_LOAD,	/* reg <- mem */
	INSN_KIND_MOVZX,	/* reg <- zero-extended mem */
	INSN_KIND_MOVSX,	/* reg <- sign-extended mem */
	INSN_KIND_ALU,		/* alu op between mem and reg or imm */
	INSN_KIND_TEST,		/* flags of mem & (reg or imm) */
	INSN_KIND_XCHG,		/* swap mem and reg */
	INSN_KIND_UNARY,	/* INC, DEC, NOT, NEG of mem */
	INSN_KIND_BT,		/* BT, BTS, BTR, BTC on a bit of mem */
	INSN_KIND_MOVS,		/* ES:[eDI] <- seg:[eSI] */
	INSN_KIND_STOS,		/* ES:[eDI] <- AL/AX/EAX */
	INSN_KIND_LODS,		/* AL/AX/EAX <- seg:[eSI] */
	INSN_KIND_INS,		/* ES:[eDI] <- port DX (no segment override) */
	INSN_KIND_OUTS,		/* port DX <- seg:[eSI] */
};

/* ALU operations in the order of the group 1 ModRM.reg field (SDM vol. 2D table A-6). */
enum insn_alu {
	INSN_ALU_ADD, INSN_ALU_OR, INSN_ALU_ADC, INSN_ALU_SBB,
	INSN_ALU_AND, INSN_ALU_SUB, INSN_ALU_XOR, INSN_ALU_CMP,
};

/* Unary operations (group 3 /2 /3 and group 4/5 /0 /1). */
enum insn_unary { INSN_UNARY_INC, INSN_UNARY_DEC, INSN_UNARY_NOT, INSN_UNARY_NEG };

/* Bit operations in the order of group 8 ModRM.reg 4..7 (SDM vol. 2D table A-6). */
enum insn_bitop { INSN_BIT_BT, INSN_BIT_BTS, INSN_BIT_BTR, INSN_BIT_BTC };

#define INSN_NO_REG 0xff

/* A decoded instruction. */
struct insn {
	uint8_t len;		/* bytes, prefixes included */
	uint8_t bytes[INSN_MAX_LEN];	/* the first len bytes (for reports) */
	uint8_t opcode;		/* primary opcode byte */
	bool opcode_0f;		/* opcode follows a 0x0F escape */
	uint8_t op_size;	/* operand size in bytes: 1, 2 or 4 */
	uint8_t addr_size;	/* address size in bytes: 2 or 4 */
	uint8_t src_size;	/* MOVZX/MOVSX: size of the memory operand */
	bool lock;
	bool rep;		/* REP/REPNE on a string instruction */
	enum insn_kind kind;
	uint8_t subop;		/* enum insn_alu, insn_unary or insn_bitop */
	bool mem_is_dst;	/* ALU: memory operand is the destination */
	uint8_t reg;		/* register operand, or INSN_NO_REG */
	bool has_imm;
	uint32_t imm;		/* immediate, extended to op_size */
	/* memory operand: seg:[base + index * scale + disp] */
	uint8_t seg;		/* enum insn_seg, overrides applied */
	uint8_t base;		/* enum insn_gpr or INSN_NO_REG */
	uint8_t index;		/* enum insn_gpr or INSN_NO_REG */
	uint8_t scale;		/* 1, 2, 4 or 8 */
	uint32_t disp;		/* sign-extended displacement */
};

/* Decode the instruction at bytes[0..avail); cs_db as in struct insn_cpu. */
enum insn_status insn_decode(const uint8_t *bytes, unsigned int avail,
			     bool cs_db, struct insn *insn);

/* Offset of the ModRM/moffs memory operand in its segment (address-size wrapped). */
uint32_t insn_effective_address(const struct insn *insn,
				const struct insn_cpu *cpu);

/* Carry out a decoded instruction on cpu and guest memory; advances eip. */
enum insn_status insn_execute(const struct insn *insn, struct insn_cpu *cpu,
			      const struct insn_ops *ops, void *ctx);

/* Fetch at CS:EIP, decode and execute. insn receives what was decoded. */
enum insn_status insn_emulate(struct insn_cpu *cpu, const struct insn_ops *ops,
			      void *ctx, struct insn *insn);

/* A person-readable reason for a status, for the VM's stop message. */
const char *insn_status_str(enum insn_status status);

#endif /* VMM_INSN_H */
