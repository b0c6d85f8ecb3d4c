/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 instructions, registers and MSRs the vmkernel uses. */
#ifndef VMKERNEL_ARCH_X86_CPU_H
#define VMKERNEL_ARCH_X86_CPU_H

#include "vmkernel/platform.h"
#include "vmkernel/arch/x86/exit_policy.h"
#include <vmk/hypercall.h>

/* MSRs, APM vol. 2 appendix A. */
#define MSR_PAT			0x00000277
#define MSR_EFER		0xc0000080
#define MSR_VM_CR		0xc0010114	/* §15.30.1 */
#define MSR_VM_HSAVE_PA		0xc0010117	/* §15.30.4 */

#define EFER_LMA		(1ull << 10)	/* §3.1.7: long mode active */
#define EFER_SVME		(1ull << 12)	/* §3.1.7 */
#define VM_CR_LOCK		(1u << 3)	/* §15.30.1 */
#define VM_CR_SVMDIS		(1u << 4)

/* CPUID bits, APM vol. 3 appendix E. */
#define CPUID_80000001_ECX_SVM	(1u << 2)
#define CPUID_8000000A_EDX_NP	(1u << 0)

#define X86_EFLAGS_FIXED	(1u << 1)
#define X86_EFLAGS_VM		(1u << 17)
#define CR4_DE			(1u << 3)	/* debugging extensions: DR4/DR5 #UD */

/* Exception vectors, APM vol. 2 §8.2. */
#define X86_DB			1
#define X86_UD			6
#define X86_GP			13
#define X86_PF			14


/* Write back and invalidate every cache of this CPU (APM vol. 3 WBINVD). */
static inline void wbinvd(void)
{
	asm volatile("wbinvd" ::: "memory");
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	asm volatile("cpuid"
		     : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
		     : "a"(leaf), "c"(sub));
}

/*
 * The vmkernel's own CPUID leaves (4000_0000h: signature and highest leaf,
 * 4000_0001h: ABI version), shown to the COS and to VMs alike. Fills *r and
 * returns true for a leaf in the hypervisor range 4000_0000h-4000_00FFh.
 */
static inline bool cpuid_vmk_leaf(uint32_t leaf, struct cpuid_regs *r)
{
	static const char sig[12] = VMK_CPUID_SIGNATURE;

	if (leaf < VMK_CPUID_LEAF_BASE || leaf > VMK_CPUID_LEAF_BASE + 0xff)
		return false;
	memset(r, 0, sizeof(*r));
	if (leaf == VMK_CPUID_LEAF_BASE) {
		r->eax = VMK_CPUID_LEAF_ABI;
		memcpy(&r->ebx, sig, 4);
		memcpy(&r->ecx, sig + 4, 4);
		memcpy(&r->edx, sig + 8, 4);
	} else if (leaf == VMK_CPUID_LEAF_ABI) {
		r->eax = VMK_ABI_VERSION;
	}
	return true;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v),
		     "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t read_ebp(void)
{
	uint32_t v;

	asm volatile("mov %%ebp, %0" : "=r"(v));
	return v;
}

static inline uint32_t read_esp(void)
{
	uint32_t v;

	asm volatile("mov %%esp, %0" : "=r"(v));
	return v;
}

static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

#endif /* VMKERNEL_ARCH_X86_CPU_H */
