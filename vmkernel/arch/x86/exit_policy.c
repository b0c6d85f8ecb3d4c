// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/arch/x86/exit_policy.h"

/* CPUID bits (APM vol. 3 appendix E, SDM vol. 2A CPUID). */
#define CPUID_1_ECX_MONITOR	(1u << 3)
#define CPUID_1_ECX_VMX		(1u << 5)
#define CPUID_1_ECX_PDCM	(1u << 15)
#define CPUID_1_ECX_X2APIC	(1u << 21)
#define CPUID_1_ECX_DEADLINE	(1u << 24)
#define CPUID_1_ECX_OSXSAVE	(1u << 27)
#define CPUID_1_ECX_HYPERVISOR	(1u << 31)
#define CPUID_1_EDX_MCE		(1u << 7)
#define CPUID_1_EDX_MTRR	(1u << 12)
#define CPUID_1_EDX_MCA		(1u << 14)
#define CPUID_81_ECX_SVM	(1u << 2)
#define CPUID_81_ECX_TOPOEXT	(1u << 22)
#define CPUID_81_ECX_PERFCTR	(1u << 23)
#define CPUID_87_EDX_INVTSC	(1u << 8)
#define CPUID_88_EBX_IBPB	(1u << 12)
#define X86_CR4_OSXSAVE		(1u << 18)
#define EFER_SVME_BIT		(1ull << 12)
/* XCR0 components, SDM vol. 1 §13.1. */
#define XCR0_X87		(1ull << 0)
#define XCR0_SSE		(1ull << 1)
#define XCR0_AVX		(1ull << 2)
#define XCR0_MPX		(3ull << 3)	/* BNDREGS, BNDCSR */
#define XCR0_AVX512		(7ull << 5)	/* opmask, ZMM_Hi256, Hi16_ZMM */
#define VM_CR_LOCK_BIT		(1u << 3)
#define VM_CR_SVMDIS_BIT	(1u << 4)
#define X86_DB_VECTOR		1		/* APM vol. 2 §8.2.2 */
#define X86_NMI_VECTOR		2
#define X86_EFLAGS_ONE		(1u << 1)	/* always set */
#define X86_EFLAGS_TF		(1u << 8)
#define X86_EFLAGS_RF		(1u << 16)

bool cpuid_policy_hides_leaf(const struct cpuid_policy *p, uint32_t leaf)
{
	/* SVM's own leaf: nobody but the vmkernel runs a hypervisor. */
	if (leaf == 0x8000000a)
		return true;
	if (!p->vm)
		return false;
	/* monitor/mwait, power, perfmon, topology, cache topology (AMD) */
	return leaf == 5 || leaf == 6 || leaf == 0xa || leaf == 0xb ||
	       leaf == 0x1f || (leaf >= 0x8000001d && leaf <= 0x8000001f);
}

void cpuid_policy_apply(const struct cpuid_policy *p, uint32_t leaf,
			uint64_t guest_cr4, struct cpuid_regs *r)
{
	const uint32_t platform_edx = CPUID_1_EDX_MCE | CPUID_1_EDX_MTRR |
				      CPUID_1_EDX_MCA;

	if (cpuid_policy_hides_leaf(p, leaf)) {
		r->eax = r->ebx = r->ecx = r->edx = 0;
		return;
	}
	switch (leaf) {
	case 1:
		r->ecx |= CPUID_1_ECX_HYPERVISOR;
		r->ecx &= ~CPUID_1_ECX_VMX;
		/* Reflects the guest's CR4, not the vmkernel's (SDM). */
		r->ecx &= ~CPUID_1_ECX_OSXSAVE;
		if (guest_cr4 & X86_CR4_OSXSAVE)
			r->ecx |= CPUID_1_ECX_OSXSAVE;
		if (p->vm) {
			r->ebx = (r->ebx & 0xffff) | (p->vcpus << 16) |
				 (p->apic_id << 24);
			r->ecx &= ~(CPUID_1_ECX_MONITOR | CPUID_1_ECX_PDCM |
				    CPUID_1_ECX_X2APIC | CPUID_1_ECX_DEADLINE);
			r->edx &= ~platform_edx;
		}
		break;
	case 0x80000001:
		r->ecx &= ~CPUID_81_ECX_SVM;
		if (p->vm) {
			r->ecx &= ~(CPUID_81_ECX_TOPOEXT | CPUID_81_ECX_PERFCTR);
			r->edx &= ~platform_edx;
		}
		break;
	case 0x80000007:
		/*
		 * Guests read the physical TSC: it is invariant for them
		 * exactly when the CPU says so (docs/architecture.md "Guest
		 * time"); a guest told so on a CPU whose TSC follows P-states
		 * would keep wrong time. The leaf's other bits are the
		 * CPU's power management and RAS, which the vmm does not
		 * model.
		 */
		if (p->vm) {
			r->eax = r->ebx = r->ecx = 0;
			r->edx &= CPUID_87_EDX_INVTSC;
		}
		break;
	case 0x80000008:
		if (p->vm)
			r->ecx = p->vcpus - 1;	/* cores per package - 1 */
		break;
	default:
		break;
	}
}

#define XSAVE_LEGACY_AND_HEADER	576	/* SDM vol. 1 §13.4 */
#define CPUID_D1_EAX_SHOWN	0x7u	/* XSAVEOPT, XSAVEC, XGETBV with ECX=1 */

uint32_t xsave_size(const struct xsave_layout *l, uint64_t xcr0, bool compacted)
{
	uint32_t i, size = XSAVE_LEGACY_AND_HEADER;

	for (i = 2; i < XSAVE_COMPONENTS; i++) {
		if (!(xcr0 & l->supported & (1ull << i)))
			continue;
		if (!compacted) {
			if (l->offset[i] + l->size[i] > size)
				size = l->offset[i] + l->size[i];
			continue;
		}
		if (l->aligned & (1ull << i))
			size = (size + 63) & ~63u;
		size += l->size[i];
	}
	return size;
}

void cpuid_xstate_apply(const struct cpuid_policy *p,
			const struct xsave_layout *l, uint32_t sub,
			struct cpuid_regs *r)
{
	uint64_t shown = l->supported & p->xcr0_allowed;

	if (!p->vm) {
		/* The COS sets XCR0 itself and sees the CPU, sized by its own. */
		if (sub == 0)
			r->ebx = xsave_size(l, p->xcr0, false);
		return;
	}
	switch (sub) {
	case 0:
		r->eax = (uint32_t)shown;
		r->edx = (uint32_t)(shown >> 32);
		r->ebx = xsave_size(l, p->xcr0 & shown, false);
		r->ecx = xsave_size(l, shown, false);
		break;
	case 1:
		r->eax &= CPUID_D1_EAX_SHOWN;
		r->ebx = r->eax & (1u << 1) ? xsave_size(l, p->xcr0 & shown, true) : 0;
		r->ecx = r->edx = 0;	/* no IA32_XSS bits */
		break;
	default:
		if (sub >= XSAVE_COMPONENTS || !(shown & (1ull << sub)))
			r->eax = r->ebx = r->ecx = r->edx = 0;
		break;
	}
}

bool efer_msr(struct vmcb *c, bool write, uint64_t *val)
{
	if (!write) {
		*val = c->efer & ~EFER_SVME_BIT;
		return true;
	}
	if (*val & EFER_SVME_BIT)
		return false;
	c->efer = *val | EFER_SVME_BIT;
	return true;
}

bool vm_cr_msr(bool write, uint64_t *val)
{
	if (write)
		return false;
	*val = VM_CR_SVMDIS_BIT | VM_CR_LOCK_BIT;
	return true;
}

/* MSRs every AMD64 CPU has (APM vol. 2 appendix A, BKDG/PPR family 17h). */
#define MSR_PATCH_LEVEL		0x0000008b	/* microcode revision */
#define MSR_DEBUGCTL		0x000001d9
#define MSR_LAST_EXCP_TO_IP	0x000001de	/* 0x1db-0x1de: last branch/exception */
#define MSR_K7_EVNTSEL0		0xc0010000	/* legacy counters, APM vol. 2 §13.2.1 */
#define MSR_K7_PERFCTR3		0xc0010007
#define MSR_SYSCFG		0xc0010010
#define MSR_NB_CFG		0xc001001f
#define MSR_OSVW_ID_LENGTH	0xc0010140	/* APM vol. 2 §3.2.4 (OSVW) */
#define MSR_OSVW_STATUS		0xc0010141
#define MSR_LS_CFG		0xc0011020
#define MSR_FP_CFG		0xc0011028
#define MSR_DE_CFG		0xc0011029

bool vm_msr_reads_zero(uint32_t msr)
{
	/*
	 * Each is here because a guest touches it without asking CPUID
	 * first: Linux and kvm-unit-tests' pmu setup clear the four legacy
	 * counters (they count nothing); Linux reads the microcode level,
	 * OSVW (length 0: no errata to work around) and sets errata bits in
	 * the family 17h configuration MSRs (they read back 0); DEBUGCTL and
	 * the last-branch MSRs back ptrace's block step (no branch records).
	 */
	if (msr >= MSR_K7_EVNTSEL0 && msr <= MSR_K7_PERFCTR3)
		return true;
	if (msr >= MSR_DEBUGCTL && msr <= MSR_LAST_EXCP_TO_IP)
		return msr != MSR_DEBUGCTL + 1;		/* 0x1da does not exist */
	switch (msr) {
	case MSR_PATCH_LEVEL:
	case MSR_SYSCFG:
	case MSR_NB_CFG:
	case MSR_OSVW_ID_LENGTH:
	case MSR_OSVW_STATUS:
	case MSR_LS_CFG:
	case MSR_FP_CFG:
	case MSR_DE_CFG:
		return true;
	default:
		return false;
	}
}

/* MSRs the COS's map lists (APM vol. 2 appendix A, §10.2 SMM, §15.30). */
#define MSR_TSC			0x00000010
#define MSR_APIC_BASE		0x0000001b
#define MSR_EFER		0xc0000080
#define MSR_IORR_BASE0		0xc0010016	/* base/mask 0, base/mask 1 */
#define MSR_IORR_MASK1		0xc0010019
#define MSR_TOP_MEM		0xc001001a
#define MSR_TOP_MEM2		0xc001001d
#define MSR_MMIO_CFG_BASE	0xc0010058	/* family 10h+: the ECAM window */
#define MSR_SMM_BASE		0xc0010111
#define MSR_SMM_ADDR		0xc0010112
#define MSR_SMM_MASK		0xc0010113
#define MSR_VM_CR		0xc0010114
#define MSR_VM_HSAVE_PA		0xc0010117
#define SYSCFG_MTRR_FIX_DRAM_MOD_EN	(1ull << 19)	/* RdMem/WrMem visible */

enum cos_msr cos_msr_kind(uint32_t msr)
{
	if (msr >= MSR_IORR_BASE0 && msr <= MSR_IORR_MASK1)
		return COS_MSR_WRITE_REFUSED;
	switch (msr) {
	case MSR_EFER:
	case MSR_VM_CR:
	case MSR_VM_HSAVE_PA:
		return COS_MSR_EXITS;
	case MSR_APIC_BASE:
	case MSR_SYSCFG:
	case MSR_MMIO_CFG_BASE:
		return COS_MSR_WRITE_CHECKED;
	case MSR_TSC:
	case MSR_TOP_MEM:
	case MSR_TOP_MEM2:
	case MSR_SMM_BASE:
	case MSR_SMM_ADDR:
	case MSR_SMM_MASK:
		return COS_MSR_WRITE_REFUSED;
	default:
		return COS_MSR_DIRECT;
	}
}

bool cos_msr_write_ok(uint32_t msr, uint64_t cur, uint64_t val)
{
	if (val == cur)
		return true;
	return msr == MSR_SYSCFG &&
	       val == (cur & ~SYSCFG_MTRR_FIX_DRAM_MOD_EN);
}

/* MSR permission map, §15.11: two bits (read, write) per MSR in three
 * ranges of 8192 MSRs, 2 KiB each; MSRs outside them always exit. */
static const uint32_t msrpm_base[] = { 0x00000000u, 0xc0000000u, 0xc0010000u };
#define MSRPM_RANGE_MSRS	0x2000u
#define MSRPM_RANGE_BYTES	0x800u

static bool msrpm_bit(uint32_t msr, bool write, uint32_t *byte, uint32_t *bit)
{
	uint32_t r, n;

	for (r = 0; r < ARRAY_SIZE(msrpm_base); r++) {
		if (msr < msrpm_base[r] || msr >= msrpm_base[r] + MSRPM_RANGE_MSRS)
			continue;
		n = (msr - msrpm_base[r]) * 2 + (write ? 1 : 0);
		*byte = r * MSRPM_RANGE_BYTES + n / 8;
		*bit = n % 8;
		return true;
	}
	return false;
}

static void msrpm_set(uint8_t *map, uint32_t msr, bool write)
{
	uint32_t byte, bit;

	if (msrpm_bit(msr, write, &byte, &bit))
		map[byte] |= 1u << bit;
}

bool msrpm_exits(const uint8_t *map, uint32_t msr, bool write)
{
	uint32_t byte, bit;

	return !msrpm_bit(msr, write, &byte, &bit) || (map[byte] >> bit) & 1;
}

void cos_msrpm_build(uint8_t *map)
{
	uint32_t r, msr;

	for (r = 0; r < ARRAY_SIZE(msrpm_base); r++) {
		for (msr = msrpm_base[r]; msr < msrpm_base[r] + MSRPM_RANGE_MSRS; msr++) {
			enum cos_msr k = cos_msr_kind(msr);

			if (k == COS_MSR_DIRECT)
				continue;
			msrpm_set(map, msr, true);
			if (k == COS_MSR_EXITS)
				msrpm_set(map, msr, false);
		}
	}
}

/* CR4 bits (SDM vol. 3A §2.5) and the CPUID bits that allow them. */
#define CR4_ALWAYS		0x7ffu	/* VME .. OSXMMEXCPT: every x86-64 CPU */
#define CR4_UMIP		(1u << 11)
#define CR4_LA57		(1u << 12)
#define CR4_VMXE		(1u << 13)
#define CR4_SMXE		(1u << 14)
#define CR4_FSGSBASE		(1u << 16)
#define CR4_PCIDE		(1u << 17)
#define CR4_OSXSAVE		(1u << 18)
#define CR4_KL			(1u << 19)
#define CR4_SMEP		(1u << 20)
#define CR4_SMAP		(1u << 21)
#define CR4_PKE			(1u << 22)
#define CR4_CET			(1u << 23)
#define CR4_PKS			(1u << 24)
#define CPUID_1_ECX_SMX		(1u << 6)
#define CPUID_1_ECX_PCID	(1u << 17)
#define CPUID_1_ECX_XSAVE	(1u << 26)
#define CPUID_7_EBX_FSGSBASE	(1u << 0)
#define CPUID_7_EBX_SMEP	(1u << 7)
#define CPUID_7_EBX_SMAP	(1u << 20)
#define CPUID_7_ECX_UMIP	(1u << 2)
#define CPUID_7_ECX_PKU		(1u << 3)
#define CPUID_7_ECX_CET_SS	(1u << 7)
#define CPUID_7_ECX_LA57	(1u << 16)
#define CPUID_7_ECX_KL		(1u << 23)
#define CPUID_7_ECX_PKS		(1u << 31)

uint32_t cr4_reserved_bits(const struct cpuid_regs *leaf1,
			   const struct cpuid_regs *leaf7, bool lma)
{
	static const struct {
		uint8_t leaf;		/* 1 or 7 */
		bool ebx;		/* else ECX */
		uint32_t cpuid, cr4;
	} feature[] = {
		{ 1, false, CPUID_1_ECX_VMX, CR4_VMXE },
		{ 1, false, CPUID_1_ECX_SMX, CR4_SMXE },
		{ 1, false, CPUID_1_ECX_XSAVE, CR4_OSXSAVE },
		{ 7, true, CPUID_7_EBX_FSGSBASE, CR4_FSGSBASE },
		{ 7, true, CPUID_7_EBX_SMEP, CR4_SMEP },
		{ 7, true, CPUID_7_EBX_SMAP, CR4_SMAP },
		{ 7, false, CPUID_7_ECX_UMIP, CR4_UMIP },
		{ 7, false, CPUID_7_ECX_PKU, CR4_PKE },
		{ 7, false, CPUID_7_ECX_CET_SS, CR4_CET },
		{ 7, false, CPUID_7_ECX_LA57, CR4_LA57 },
		{ 7, false, CPUID_7_ECX_KL, CR4_KL },
		{ 7, false, CPUID_7_ECX_PKS, CR4_PKS },
	};
	uint32_t valid = CR4_ALWAYS, i;

	for (i = 0; i < ARRAY_SIZE(feature); i++) {
		const struct cpuid_regs *r = feature[i].leaf == 1 ? leaf1 : leaf7;

		if ((feature[i].ebx ? r->ebx : r->ecx) & feature[i].cpuid)
			valid |= feature[i].cr4;
	}
	/* PCIDE=1 outside IA-32e mode is #GP (SDM vol. 2B, MOV CR). */
	if (lma && (leaf1->ecx & CPUID_1_ECX_PCID))
		valid |= CR4_PCIDE;
	return ~valid;
}

/* Legacy prefixes (SDM vol. 2A §2.1.1); REX exists only in 64-bit mode. */
static bool legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

#define X86_INSN_MAX		15	/* SDM vol. 2A §2.3.11 */

/* 0F op /r with ModRM.mod ignored, rm a register (SDM MOV CR, MOV DR). */
static bool mov_ctl_decode(const uint8_t *b, unsigned int n, uint8_t op,
			   unsigned int *reg, unsigned int *gpr, unsigned int *len)
{
	unsigned int i = 0;

	while (i < n && i < X86_INSN_MAX && legacy_prefix(b[i]))
		i++;
	if (i + 3 > n || i + 3 > X86_INSN_MAX || b[i] != 0x0f || b[i + 1] != op)
		return false;
	*reg = (b[i + 2] >> 3) & 7;
	*gpr = b[i + 2] & 7;
	*len = i + 3;
	return true;
}

bool mov_to_cr_decode(const uint8_t *b, unsigned int n, unsigned int *cr,
		      unsigned int *gpr, unsigned int *len)
{
	return mov_ctl_decode(b, n, 0x22, cr, gpr, len);
}

bool mov_dr_decode(const uint8_t *b, unsigned int n, bool *write,
		   unsigned int *dr, unsigned int *gpr, unsigned int *len)
{
	*write = true;
	if (mov_ctl_decode(b, n, 0x23, dr, gpr, len))
		return true;
	*write = false;
	return mov_ctl_decode(b, n, 0x21, dr, gpr, len);
}

uint32_t dr7_written(uint32_t val)
{
	return (val & ~DR7_MBZ) | DR7_FIXED_1;
}

uint64_t svm_next_rip(const struct vmcb *c, bool nrips, uint32_t len)
{
	if (nrips && c->next_rip)
		return c->next_rip;
	return c->rip + len;
}

uint32_t svm_insn_len(uint32_t exit_code)
{
	switch (exit_code) {
	case SVM_EXIT_HLT:
		return 1;
	case SVM_EXIT_CPUID:
	case SVM_EXIT_MSR:
	case SVM_EXIT_INVD:
	case SVM_EXIT_WBINVD:
	case SVM_EXIT_RDPMC:
		return 2;
	case SVM_EXIT_VMMCALL:
	case SVM_EXIT_XSETBV:
		return 3;
	default:
		return 0;
	}
}

enum cache_flush cache_flush_policy(bool vm, uint32_t exit_code)
{
	if (!vm && exit_code == SVM_EXIT_INVD)
		return CACHE_FLUSH_WBINVD;
	return CACHE_FLUSH_NONE;
}

#define X86_CR4_PCE		(1u << 8)
#define VM_PERF_COUNTERS	4	/* the legacy K7 counters */

enum rdpmc_result vm_rdpmc_policy(uint32_t ecx, uint8_t cpl, uint64_t cr4)
{
	if (cpl && !(cr4 & X86_CR4_PCE))
		return RDPMC_GP;
	return ecx < VM_PERF_COUNTERS ? RDPMC_ZERO : RDPMC_GP;
}

bool svm_insn_exit(uint32_t exit_code)
{
	switch (exit_code) {
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		return true;
	default:
		return false;
	}
}

bool cos_vmmcall_is_hypercall(const struct vmcb *c)
{
	return c->cpl == 0;
}

enum xsetbv_result xsetbv_check(const struct vmcb *c, uint32_t xcr,
				uint64_t val, uint64_t allowed)
{
	if (!(c->cr4 & X86_CR4_OSXSAVE))
		return XSETBV_UD;
	if (c->cpl != 0 || xcr != 0 || (val & ~allowed) || !(val & XCR0_X87))
		return XSETBV_GP;
	if ((val & XCR0_AVX) && !(val & XCR0_SSE))
		return XSETBV_GP;
	if ((val & XCR0_MPX) && (val & XCR0_MPX) != XCR0_MPX)
		return XSETBV_GP;
	if ((val & XCR0_AVX512) &&
	    ((val & XCR0_AVX512) != XCR0_AVX512 || !(val & XCR0_AVX)))
		return XSETBV_GP;
	return XSETBV_OK;
}

bool cpu_has_ibpb(const struct cpuid_regs *leaf88)
{
	return leaf88->ebx & CPUID_88_EBX_IBPB;
}

bool ibpb_before_entry(bool has_ibpb, uint32_t last, uint32_t next)
{
	return has_ibpb && last != next;
}

bool dr_access_exit(uint32_t exit_code)
{
	return exit_code >= SVM_EXIT_READ_DR0 && exit_code <= SVM_EXIT_WRITE_DR0 + 15;
}

uint32_t dr_writes_needed(const uint32_t live[4], const uint32_t next[4])
{
	uint32_t n, mask = 0;

	for (n = 0; n < 4; n++)
		if (live[n] != next[n])
			mask |= 1u << n;
	return mask;
}

void svm_inject_exception(struct vmcb *c, uint32_t vector, bool has_err,
			  uint32_t err)
{
	c->event_inj = vector | EVENT_TYPE_EXCEPTION | EVENT_VALID |
		       (has_err ? EVENT_ERROR_VALID : 0);
	c->event_inj_err = has_err ? err : 0;
}

bool svm_intr_injected_while_masked(const struct vmcb *c)
{
	const uint32_t type_mask = 7u << 8;

	if ((c->event_inj & (EVENT_VALID | type_mask)) != (EVENT_VALID | EVENT_TYPE_INTR))
		return false;
	return !(c->rflags & (1u << 9)) || (c->int_state & INT_STATE_SHADOW);
}

bool svm_rflags_possible(uint64_t rflags)
{
	const uint64_t reserved = ~(uint64_t)0x3fffff | (1u << 15) | (1u << 5) |
				  (1u << 3);

	return (rflags & X86_EFLAGS_ONE) && !(rflags & reserved);
}

bool svm_reinject_interrupted(struct vmcb *c, uint32_t injected,
			      uint64_t rip_at_vmrun)
{
	c->event_inj = 0;
	if (!(c->exit_int_info & EVENT_VALID))
		return false;
	/* An intercepted MOV DR was reached: any event went in before it.
	 * RIP proves nothing here: the handler may have returned to the
	 * very instruction that the last exit left unexecuted. */
	if (dr_access_exit(c->exit_code))
		return false;
	/* A delivered event moved RIP to its handler; an interrupted
	 * delivery leaves RIP where it was. */
	if (c->exit_int_info == injected && c->rip != rip_at_vmrun)
		return false;
	c->event_inj = c->exit_int_info;
	c->event_inj_err = c->exit_int_info_err;
	return true;
}

void nmi_block_update(struct nmi_block *n, struct vmcb *c)
{
	if (!n->iret_seen || c->rip == n->iret_rip)
		return;
	if (n->single_step) {
		/* TF and RF stay only if the guest had them (as KVM does) */
		c->rflags &= ~(uint64_t)(X86_EFLAGS_TF | X86_EFLAGS_RF) |
			     n->saved_flags;
		c->intercept_exc &= ~(1u << X86_DB_VECTOR);
		n->single_step = false;
	}
	n->iret_seen = false;
	n->masked = false;
}

enum nmi_action nmi_block_inject(struct nmi_block *n, struct vmcb *c)
{
	if (!n->masked) {
		c->event_inj = X86_NMI_VECTOR | EVENT_TYPE_NMI | EVENT_VALID;
		c->intercept3 |= INTERCEPT_IRET;
		n->masked = true;
		return NMI_INJECTED;
	}
	if (!n->iret_seen)
		return NMI_BLOCKED;
	if (!n->single_step) {
		n->saved_flags = (uint32_t)c->rflags & (X86_EFLAGS_TF | X86_EFLAGS_RF);
		c->rflags |= X86_EFLAGS_TF | X86_EFLAGS_RF;
		c->intercept_exc |= 1u << X86_DB_VECTOR;
		n->single_step = true;
	}
	return NMI_STEPPING;
}

bool nmi_block_arrive(const struct nmi_block *n, uint8_t *pending)
{
	uint8_t limit = n->masked ? 1 : 2;

	if (*pending >= limit)
		return false;
	(*pending)++;
	return true;
}

bool nmi_block_offer(struct nmi_block *n, struct vmcb *c, uint8_t *pending)
{
	enum nmi_action a;

	if (!*pending)
		return true;
	a = nmi_block_inject(n, c);
	if (a == NMI_INJECTED)
		(*pending)--;
	return a == NMI_BLOCKED;
}

void nmi_block_iret_exit(struct nmi_block *n, struct vmcb *c)
{
	c->intercept3 &= ~INTERCEPT_IRET;
	n->iret_seen = true;
	n->iret_rip = c->rip;
}

void nmi_block_db_exit(struct nmi_block *n, struct vmcb *c)
{
	bool ours = n->single_step && !(n->saved_flags & X86_EFLAGS_TF);

	nmi_block_update(n, c);
	if (!ours)
		svm_inject_exception(c, X86_DB_VECTOR, false, 0);
}

enum cos_vector_fate cos_vector_fate(bool down, bool away, bool masked,
				     bool level)
{
	if (down)
		return COS_VECTOR_DROP;
	return (away || masked) && !level ? COS_VECTOR_KEEP : COS_VECTOR_QUEUE;
}

uint32_t cos_tpr_of(bool masked, uint32_t lapic_tpr, uint32_t kept)
{
	return masked && lapic_tpr == COS_MASKED_TPR ? kept : lapic_tpr;
}

bool cos_tpr_holds_back(uint32_t vector, uint32_t tpr)
{
	return (vector & 0xf0) <= (tpr & 0xf0);
}

bool cos_halt_ends(bool nmi, int highest, uint32_t tpr)
{
	return nmi || (highest >= 0 && !cos_tpr_holds_back((uint32_t)highest, tpr));
}

const char *cos_down_cause(uint32_t exit_code)
{
	switch (exit_code) {
	case SVM_EXIT_SHUTDOWN:
		return "triple faulted (shutdown)";
	case SVM_EXIT_INVALID:
		return "left a state that VMRUN refuses";
	default:
		return "made an exit the vmkernel does not expect";
	}
}

#define LVT_MASKED		(1u << 16)	/* APM vol. 2 §16.4 */
#define LVTT_MODE		(3u << 17)	/* 0: one-shot (periodic, TSC deadline) */

bool apic_oneshot_undelivered(uint32_t lvtt, uint32_t tmict, uint32_t tmcct,
			      bool vector_in_irr)
{
	return tmict && !tmcct && !(lvtt & (LVT_MASKED | LVTT_MODE)) &&
	       !vector_in_irr;
}

uint32_t apic_tdcr_divider(uint32_t tdcr)
{
	uint32_t v = (tdcr & 3) | ((tdcr >> 1) & 4);

	return v == 7 ? 1 : 2u << v;
}

uint32_t apic_count_left(uint32_t tmict, uint32_t tmcct, uint32_t counted_div,
			 uint32_t meant_div)
{
	uint64_t done;

	if (tmcct > tmict || !meant_div)
		return 0;
	done = (uint64_t)(tmict - tmcct) * counted_div / meant_div;
	return done >= tmict ? 0 : tmict - (uint32_t)done;
}
