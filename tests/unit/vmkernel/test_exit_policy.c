// SPDX-License-Identifier: GPL-2.0-only
/* The exit policy every world kind shares (vmkernel/arch/x86/exit_policy.h). */
#include "tests/unit/check_run.h"
#include "vmkernel/arch/x86/exit_policy.h"

static const struct cpuid_policy cos_policy = { .vm = false };
static const struct cpuid_policy vm_policy = { .vm = true, .vcpus = 2, .apic_id = 1 };

#define ALL	0xffffffffu
#define OSXSAVE	(1u << 27)
#define HV	(1u << 31)
#define SVM	(1u << 2)
#define CR4_OSXSAVE (1u << 18)

static struct cpuid_regs host(void)
{
	struct cpuid_regs r = { ALL, ALL, ALL, ALL };

	return r;
}

START_TEST(test_cpuid_leaf1_per_world_kind)
{
	struct cpuid_regs r = host();

	cpuid_policy_apply(&cos_policy, 1, 0, &r);
	ck_assert(r.ecx & HV);
	ck_assert(!(r.ecx & (1u << 5)));		/* VMX */
	ck_assert(!(r.ecx & OSXSAVE));		/* the COS's CR4 says no */
	ck_assert(r.ecx & (1u << 3));		/* MONITOR: the COS sees the CPU */
	ck_assert_uint_eq(r.ebx, ALL);
	ck_assert_uint_eq(r.edx, ALL);

	r = host();
	cpuid_policy_apply(&vm_policy, 1, CR4_OSXSAVE, &r);
	ck_assert(r.ecx & HV);
	ck_assert(r.ecx & OSXSAVE);		/* the guest's CR4 says yes */
	ck_assert(!(r.ecx & (1u << 3)));	/* no MONITOR */
	ck_assert(!(r.ecx & (1u << 21)));	/* no x2APIC */
	ck_assert_uint_eq(r.ebx >> 24, 1);	/* its APIC ID */
	ck_assert_uint_eq((r.ebx >> 16) & 0xff, 2);	/* its vCPUs */
	ck_assert_uint_eq(r.ebx & 0xffff, 0xffff);
	ck_assert(!(r.edx & ((1u << 7) | (1u << 12) | (1u << 14))));	/* MCE MTRR MCA */
}
END_TEST

START_TEST(test_cpuid_nobody_sees_svm)
{
	struct cpuid_regs r = host();

	cpuid_policy_apply(&cos_policy, 0x80000001, 0, &r);
	ck_assert(!(r.ecx & SVM));
	r = host();
	cpuid_policy_apply(&vm_policy, 0x80000001, 0, &r);
	ck_assert(!(r.ecx & SVM));
	ck_assert(!(r.ecx & (1u << 22)));	/* TOPOEXT */
	ck_assert(cpuid_policy_hides_leaf(&cos_policy, 0x8000000a));
	ck_assert(cpuid_policy_hides_leaf(&vm_policy, 0x8000000a));
	r = host();
	cpuid_policy_apply(&cos_policy, 0x8000000a, 0, &r);
	ck_assert_uint_eq(r.eax | r.ebx | r.ecx | r.edx, 0);
}
END_TEST

START_TEST(test_cpuid_vm_platform_leaves)
{
	static const uint32_t hidden[] = { 5, 6, 0xa, 0xb, 0x1f, 0x8000001d, 0x8000001f };
	struct cpuid_regs r;
	unsigned int i;

	for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		ck_assert(cpuid_policy_hides_leaf(&vm_policy, hidden[i]));
		ck_assert(!cpuid_policy_hides_leaf(&cos_policy, hidden[i]));
	}
	ck_assert(!cpuid_policy_hides_leaf(&vm_policy, 0));
	ck_assert(!cpuid_policy_hides_leaf(&vm_policy, 0x80000020));
	r = host();
	cpuid_policy_apply(&vm_policy, 0x80000008, 0, &r);
	ck_assert_uint_eq(r.ecx, 1);		/* cores - 1 */
}
END_TEST

START_TEST(test_invariant_tsc_only_when_the_host_has_one)
{
	const uint32_t invtsc = 1u << 8;	/* CPUID 8000_0007h EDX */
	struct cpuid_regs r;

	/* a host with it (and power management bits the vmm lacks) */
	r = host();
	cpuid_policy_apply(&vm_policy, 0x80000007, 0, &r);
	ck_assert_uint_eq(r.edx, invtsc);
	ck_assert_uint_eq(r.eax | r.ebx | r.ecx, 0);
	r = host();
	cpuid_policy_apply(&cos_policy, 0x80000007, 0, &r);
	ck_assert_uint_eq(r.edx, ALL);		/* the COS: as the CPU says */
	/* a host without it (the lab's TCG) */
	r = host();
	r.edx &= ~invtsc;
	cpuid_policy_apply(&vm_policy, 0x80000007, 0, &r);
	ck_assert_uint_eq(r.edx, 0);
	r = (struct cpuid_regs){ 0, 0, 0, 0 };
	cpuid_policy_apply(&cos_policy, 0x80000007, 0, &r);
	ck_assert_uint_eq(r.edx, 0);
}
END_TEST

START_TEST(test_ibpb_only_where_the_cpu_offers_it)
{
	struct cpuid_regs leaf88 = { 0, 1u << 12, 0, 0 };	/* EBX[12] */

	ck_assert(cpu_has_ibpb(&leaf88));
	leaf88 = host();
	leaf88.ebx &= ~(1u << 12);
	ck_assert(!cpu_has_ibpb(&leaf88));
	leaf88 = (struct cpuid_regs){ 0, 0, 0, 0 };	/* leaf absent */
	ck_assert(!cpu_has_ibpb(&leaf88));
}
END_TEST

START_TEST(test_ibpb_between_trust_domains_not_within_one)
{
	const uint32_t cos = 0, vm_a = 7, vm_b = 8;

	/* a CPU with IBPB */
	ck_assert(ibpb_before_entry(true, cos, vm_a));		/* COS -> VM */
	ck_assert(ibpb_before_entry(true, vm_a, cos));		/* VM -> COS */
	ck_assert(ibpb_before_entry(true, vm_a, vm_b));		/* VM -> VM */
	ck_assert(!ibpb_before_entry(true, vm_a, vm_a));	/* its vCPUs */
	ck_assert(!ibpb_before_entry(true, cos, cos));		/* the COS again */
	/* a CPU without it (the lab's): never */
	ck_assert(!ibpb_before_entry(false, cos, vm_a));
	ck_assert(!ibpb_before_entry(false, vm_a, vm_b));
}
END_TEST

#define MSRPM_BYTES	(2 * 4096)		/* MSRPM_PAGES */

START_TEST(test_cos_msr_map_guards_what_the_vmkernel_relies_on)
{
	/* reads and writes exit: SVM's own MSRs */
	static const uint32_t svm_msrs[] = { 0xc0000080, 0xc0010114, 0xc0010117 };
	/* writes exit: the clock, the LAPIC, memory routing, SMM */
	static const uint32_t guarded[] = {
		0x10, 0x1b, 0xc0010010, 0xc0010016, 0xc0010017, 0xc0010018,
		0xc0010019, 0xc001001a, 0xc001001d, 0xc0010111, 0xc0010112,
		0xc0010113,
	};
	/* native: what VMLOAD/VMSAVE or the VMCB switch, and the rest */
	static const uint32_t direct[] = {
		0x174, 0x175, 0x176,			/* SYSENTER_CS/ESP/EIP */
		0xc0000081, 0xc0000100, 0xc0000101, 0xc0000102,	/* STAR, FS/GS */
		0x277,					/* PAT: G_PAT under NPT */
		0x1d9, 0x48, 0x49,			/* DEBUGCTL, SPEC_CTRL, PRED_CMD */
		0x200, 0x2ff,				/* MTRRs */
		0xc0000103, 0xc0010015, 0xc0010118,	/* TSC_AUX, HWCR, SVM_KEY */
	};
	static uint8_t map[MSRPM_BYTES];
	unsigned int i;

	memset(map, 0, sizeof(map));
	cos_msrpm_build(map);
	for (i = 0; i < sizeof(svm_msrs) / sizeof(svm_msrs[0]); i++) {
		ck_assert_int_eq(cos_msr_kind(svm_msrs[i]), COS_MSR_EXITS);
		ck_assert(msrpm_exits(map, svm_msrs[i], false));
		ck_assert(msrpm_exits(map, svm_msrs[i], true));
	}
	for (i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++) {
		ck_assert(!msrpm_exits(map, guarded[i], false));
		ck_assert(msrpm_exits(map, guarded[i], true));
	}
	for (i = 0; i < sizeof(direct) / sizeof(direct[0]); i++) {
		ck_assert_int_eq(cos_msr_kind(direct[i]), COS_MSR_DIRECT);
		ck_assert(!msrpm_exits(map, direct[i], false));
		ck_assert(!msrpm_exits(map, direct[i], true));
	}
	/* the layout the CPU reads (§15.11): two bits per MSR, read low */
	ck_assert_uint_eq(map[0x0820], 0x03);	/* EFER C000_0080h: both */
	ck_assert_uint_eq(map[6], 0x80);	/* APIC_BASE 1Bh: write only */
	ck_assert_uint_eq(map[4], 0x02);	/* TSC 10h: write only */
	/* outside the map's three ranges every access exits (§15.11) */
	ck_assert(msrpm_exits(map, 0x40000000, false));
}
END_TEST

START_TEST(test_cos_msr_writes_that_change_nothing_pass)
{
	const uint64_t apic = 0xfee00900;	/* BSP, enabled, xAPIC */
	const uint64_t syscfg = 0x000e0600 | (1ull << 19);

	ck_assert_int_eq(cos_msr_kind(0x1b), COS_MSR_WRITE_CHECKED);
	ck_assert(cos_msr_write_ok(0x1b, apic, apic));
	ck_assert(!cos_msr_write_ok(0x1b, apic, 0xfed00900));	/* moved */
	ck_assert(!cos_msr_write_ok(0x1b, apic, apic | (1u << 10)));	/* x2APIC */
	ck_assert(!cos_msr_write_ok(0x1b, apic, apic & ~(1u << 11)));	/* off */
	ck_assert_int_eq(cos_msr_kind(0xc0010010), COS_MSR_WRITE_CHECKED);
	ck_assert(cos_msr_write_ok(0xc0010010, syscfg, syscfg));
	/* clearing MtrrFixDramModEn, as Linux's MTRR code does */
	ck_assert(cos_msr_write_ok(0xc0010010, syscfg, syscfg & ~(1ull << 19)));
	ck_assert(!cos_msr_write_ok(0xc0010010, syscfg & ~(1ull << 19), syscfg));
	ck_assert(!cos_msr_write_ok(0xc0010010, syscfg, syscfg | (1ull << 23)));	/* SME */
	/* the ECAM window stays where the vmkernel cut its taken functions' pages */
	ck_assert_int_eq(cos_msr_kind(0xc0010058), COS_MSR_WRITE_CHECKED);
	ck_assert(cos_msr_write_ok(0xc0010058, 0xe0000021, 0xe0000021));
	ck_assert(!cos_msr_write_ok(0xc0010058, 0xe0000021, 0xd0000021));	/* moved */
	ck_assert(!cos_msr_write_ok(0xc0010058, 0xe0000021, 0xe0000020));	/* off */
	/* the TSC, TOP_MEM, the IORRs, SMM: every write refused */
	ck_assert_int_eq(cos_msr_kind(0x10), COS_MSR_WRITE_REFUSED);
	ck_assert_int_eq(cos_msr_kind(0xc001001a), COS_MSR_WRITE_REFUSED);
	ck_assert_int_eq(cos_msr_kind(0xc0010017), COS_MSR_WRITE_REFUSED);
	ck_assert_int_eq(cos_msr_kind(0xc0010112), COS_MSR_WRITE_REFUSED);
}
END_TEST

START_TEST(test_efer_hides_and_keeps_svme)
{
	struct vmcb c;
	uint64_t v;

	memset(&c, 0, sizeof(c));
	c.efer = 0xd01 | (1ull << 12);		/* SVME as VMRUN needs it */
	ck_assert(efer_msr(&c, false, &v));
	ck_assert_uint_eq(v, 0xd01);		/* reads clear */
	v = 0x801;
	ck_assert(efer_msr(&c, true, &v));
	ck_assert_uint_eq(c.efer, 0x801 | (1ull << 12));	/* stays set */
	v = 0x801 | (1ull << 12);
	ck_assert(!efer_msr(&c, true, &v));	/* setting it: #GP */
	ck_assert_uint_eq(c.efer, 0x801 | (1ull << 12));
}
END_TEST

START_TEST(test_vm_cr_is_read_only_and_disabled)
{
	uint64_t v = 0;

	ck_assert(vm_cr_msr(false, &v));
	ck_assert_uint_eq(v, (1u << 4) | (1u << 3));	/* SVMDIS | LOCK */
	v = 0;
	ck_assert(!vm_cr_msr(true, &v));
}
END_TEST

START_TEST(test_msrs_the_platform_lacks_raise_gp)
{
	uint32_t msr;

	/* Machine check: CPUID hides MCE and MCA, so none of it exists. */
	ck_assert(!vm_msr_reads_zero(0x179));		/* MCG_CAP */
	ck_assert(!vm_msr_reads_zero(0x17a));		/* MCG_STATUS */
	ck_assert(!vm_msr_reads_zero(0x17b));		/* MCG_CTL */
	for (msr = 0x400; msr < 0x480; msr++)		/* MCi_CTL/STATUS/ADDR/MISC */
		ck_assert(!vm_msr_reads_zero(msr));
	ck_assert(!vm_msr_reads_zero(0xc0002000));	/* SMCA banks */
	/* MTRRs (hidden), core counters (hidden), Intel's, made up. */
	ck_assert(!vm_msr_reads_zero(0xfe));
	ck_assert(!vm_msr_reads_zero(0x2ff));
	ck_assert(!vm_msr_reads_zero(0xc0010200));
	ck_assert(!vm_msr_reads_zero(0x1a0));		/* IA32_MISC_ENABLE */
	ck_assert(!vm_msr_reads_zero(0x3a));		/* IA32_FEATURE_CONTROL */
	ck_assert(!vm_msr_reads_zero(0x1da));
	ck_assert(!vm_msr_reads_zero(0xc0010008));
	ck_assert(!vm_msr_reads_zero(0xdeadbeef));
}
END_TEST

START_TEST(test_msrs_guests_touch_unasked_read_zero)
{
	uint32_t msr;

	for (msr = 0xc0010000; msr <= 0xc0010007; msr++)	/* K7 counters */
		ck_assert(vm_msr_reads_zero(msr));
	ck_assert(vm_msr_reads_zero(0x8b));		/* microcode level */
	ck_assert(vm_msr_reads_zero(0x1d9));		/* DEBUGCTL */
	for (msr = 0x1db; msr <= 0x1de; msr++)
		ck_assert(vm_msr_reads_zero(msr));
	ck_assert(vm_msr_reads_zero(0xc0010010));	/* SYSCFG */
	ck_assert(vm_msr_reads_zero(0xc001001f));	/* NB_CFG */
	ck_assert(vm_msr_reads_zero(0xc0010140));	/* OSVW */
	ck_assert(vm_msr_reads_zero(0xc0010141));
	ck_assert(vm_msr_reads_zero(0xc0011020));	/* LS_CFG */
	ck_assert(vm_msr_reads_zero(0xc0011028));	/* FP_CFG */
	ck_assert(vm_msr_reads_zero(0xc0011029));	/* DE_CFG */
}
END_TEST

/* CPUID 1 and 7 of QEMU's EPYC model: SMEP, SMAP, FSGSBASE, XSAVE, no LA57. */
static const struct cpuid_regs epyc1 = { 0, 0, 0x7ed8320b & ~(1u << 5), 0x178bfbff };
static const struct cpuid_regs epyc7 = { 0, 0x209c01a9, 0, 0 };

START_TEST(test_cr4_bits_the_vcpu_lacks_are_reserved)
{
	uint32_t rsv = cr4_reserved_bits(&epyc1, &epyc7, false);
	struct cpuid_regs la57 = epyc7, pcid = epyc1;

	ck_assert(rsv & (1u << 12));		/* LA57: la57.flat expects #GP */
	ck_assert(rsv & (1u << 13));		/* VMXE: VMX hidden */
	ck_assert(rsv & (1u << 15));		/* no architecture has it */
	ck_assert(rsv & (1u << 17));		/* PCIDE outside long mode */
	ck_assert(rsv & (1u << 22));		/* PKE: no PKU */
	ck_assert(rsv & 0xfe000000u);		/* above PKS */
	ck_assert(!(rsv & 0x7ff));		/* VME .. OSXMMEXCPT, PGE among them */
	ck_assert(!(rsv & (1u << 16)));		/* FSGSBASE */
	ck_assert(!(rsv & (1u << 18)));		/* OSXSAVE */
	ck_assert(!(rsv & (1u << 20)));		/* SMEP */
	ck_assert(!(rsv & (1u << 21)));		/* SMAP: smap.flat sets it */
	la57.ecx |= 1u << 16;
	ck_assert(!(cr4_reserved_bits(&epyc1, &la57, false) & (1u << 12)));
	pcid.ecx |= 1u << 17;
	ck_assert(cr4_reserved_bits(&pcid, &epyc7, false) & (1u << 17));
	ck_assert(!(cr4_reserved_bits(&pcid, &epyc7, true) & (1u << 17)));
}
END_TEST

START_TEST(test_mov_to_cr4_decodes_register_and_length)
{
	static const uint8_t eax[] = { 0x0f, 0x22, 0xe0 };
	static const uint8_t ebx_prefixed[] = { 0x66, 0x2e, 0x0f, 0x22, 0xe3 };
	static const uint8_t edi_mod0[] = { 0x0f, 0x22, 0x27 };
	static const uint8_t mov_from_cr[] = { 0x0f, 0x20, 0xe0 };
	static const uint8_t prefixes[16] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
					      0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
					      0x66, 0x0f, 0x22, 0xe0 };
	unsigned int cr, gpr, len;

	ck_assert(mov_to_cr_decode(eax, sizeof(eax), &cr, &gpr, &len));
	ck_assert_uint_eq(cr, 4);
	ck_assert_uint_eq(gpr, 0);
	ck_assert_uint_eq(len, 3);
	ck_assert(mov_to_cr_decode(ebx_prefixed, sizeof(ebx_prefixed), &cr, &gpr, &len));
	ck_assert_uint_eq(gpr, 3);
	ck_assert_uint_eq(len, 5);
	ck_assert(mov_to_cr_decode(edi_mod0, sizeof(edi_mod0), &cr, &gpr, &len));
	ck_assert_uint_eq(cr, 4);
	ck_assert_uint_eq(gpr, 7);
	ck_assert(!mov_to_cr_decode(mov_from_cr, sizeof(mov_from_cr), &cr, &gpr, &len));
	ck_assert(!mov_to_cr_decode(eax, 2, &cr, &gpr, &len));	/* fetch cut short */
	ck_assert(!mov_to_cr_decode(prefixes, sizeof(prefixes), &cr, &gpr, &len));	/* > 15 bytes */
}
END_TEST

START_TEST(test_next_rip_from_nrips_or_the_decoder)
{
	struct vmcb c;

	memset(&c, 0, sizeof(c));
	c.rip = 0x1000;
	c.next_rip = 0x1005;			/* e.g. a prefixed CPUID */
	ck_assert_uint_eq(svm_next_rip(&c, true, 2), 0x1005);
	ck_assert_uint_eq(svm_next_rip(&c, false, 2), 0x1002);	/* TCG */
	c.next_rip = 0;				/* NRIPS but nothing stored */
	ck_assert_uint_eq(svm_next_rip(&c, true, 3), 0x1003);
}
END_TEST

/* An instruction an intercept completes, and its encoding (SDM vol. 2). */
struct completed_insn {
	uint32_t exit_code;
	unsigned int len;	/* of the encoding below */
	uint8_t bytes[3];
};

/* What the COS's handler (cos/cos_vcpu.c) completes by moving RIP. */
static const struct completed_insn cos_completes[] = {
	{ SVM_EXIT_CPUID, 2, { 0x0f, 0xa2 } },
	{ SVM_EXIT_MSR, 2, { 0x0f, 0x30 } },		/* WRMSR; RDMSR 0F 32 */
	{ SVM_EXIT_HLT, 1, { 0xf4 } },
	{ SVM_EXIT_VMMCALL, 3, { 0x0f, 0x01, 0xd9 } },
	{ SVM_EXIT_INVD, 2, { 0x0f, 0x08 } },
};

/* What a VM vCPU's handler (vm/vcpu.c) completes by moving RIP. */
static const struct completed_insn vm_completes[] = {
	{ SVM_EXIT_CPUID, 2, { 0x0f, 0xa2 } },
	{ SVM_EXIT_MSR, 2, { 0x0f, 0x32 } },
	{ SVM_EXIT_HLT, 1, { 0xf4 } },
	{ SVM_EXIT_XSETBV, 3, { 0x0f, 0x01, 0xd1 } },
	{ SVM_EXIT_INVD, 2, { 0x0f, 0x08 } },
	{ SVM_EXIT_WBINVD, 2, { 0x0f, 0x09 } },
	{ SVM_EXIT_RDPMC, 2, { 0x0f, 0x33 } },
};

static void check_completion(const struct completed_insn *t, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct vmcb c;

		memset(&c, 0, sizeof(c));
		c.exit_code = t[i].exit_code;
		c.rip = 0x7000;
		ck_assert_uint_eq(svm_insn_len(c.exit_code), t[i].len);
		/* TCG: no NRIP save, the encoding's length */
		ck_assert_uint_eq(svm_next_rip(&c, false, svm_insn_len(c.exit_code)),
				  0x7000 + t[i].len);
		/* real AMD: NEXT_RIP, also past prefixes the table cannot know */
		c.next_rip = 0x7000 + t[i].len + 2;
		ck_assert_uint_eq(svm_next_rip(&c, true, svm_insn_len(c.exit_code)),
				  0x7000 + t[i].len + 2);
		/* ... but a CPU without it leaves a stale field alone */
		ck_assert_uint_eq(svm_next_rip(&c, false, svm_insn_len(c.exit_code)),
				  0x7000 + t[i].len);
	}
}

START_TEST(test_cos_completes_intercepts_with_next_rip_or_their_length)
{
	check_completion(cos_completes, sizeof(cos_completes) / sizeof(cos_completes[0]));
}
END_TEST

START_TEST(test_vm_completes_intercepts_with_next_rip_or_their_length)
{
	check_completion(vm_completes, sizeof(vm_completes) / sizeof(vm_completes[0]));
}
END_TEST

START_TEST(test_exits_without_a_fixed_length_are_not_skipped)
{
	/* port I/O: EXITINFO2; MOV to CR4, MMIO (#NPF): decoded; the rest
	 * inject an exception or re-execute */
	ck_assert_uint_eq(svm_insn_len(SVM_EXIT_IOIO), 0);
	ck_assert_uint_eq(svm_insn_len(SVM_EXIT_WRITE_CR4), 0);
	ck_assert_uint_eq(svm_insn_len(SVM_EXIT_NPF), 0);
	ck_assert_uint_eq(svm_insn_len(SVM_EXIT_INTR), 0);
	ck_assert_uint_eq(svm_insn_len(SVM_EXIT_VMRUN), 0);
	ck_assert_uint_eq(svm_insn_len(SVM_EXIT_SHUTDOWN), 0);
}
END_TEST

START_TEST(test_invd_never_drops_dirty_lines)
{
	/* the COS: written back first; a VM: nothing happens at all */
	ck_assert_int_eq(cache_flush_policy(false, SVM_EXIT_INVD), CACHE_FLUSH_WBINVD);
	ck_assert_int_eq(cache_flush_policy(true, SVM_EXIT_INVD), CACHE_FLUSH_NONE);
	ck_assert_int_eq(cache_flush_policy(true, SVM_EXIT_WBINVD), CACHE_FLUSH_NONE);
}
END_TEST

START_TEST(test_rdpmc_never_reads_the_physical_counters)
{
	uint32_t i;

	for (i = 0; i < 4; i++)		/* the legacy counters a VM has */
		ck_assert_int_eq(vm_rdpmc_policy(i, 0, 0), RDPMC_ZERO);
	ck_assert_int_eq(vm_rdpmc_policy(4, 0, 0), RDPMC_GP);	/* PerfCtrExtCore hidden */
	ck_assert_int_eq(vm_rdpmc_policy(64, 0, 0), RDPMC_GP);
	ck_assert_int_eq(vm_rdpmc_policy(0x40000000, 0, 0), RDPMC_GP);
	ck_assert_int_eq(vm_rdpmc_policy(0, 3, 0), RDPMC_GP);	/* user, CR4.PCE clear */
	ck_assert_int_eq(vm_rdpmc_policy(0, 3, 1u << 8), RDPMC_ZERO);
	ck_assert_int_eq(vm_rdpmc_policy(5, 3, 1u << 8), RDPMC_GP);
}
END_TEST

START_TEST(test_svm_instructions_are_undefined_for_guests)
{
	ck_assert(svm_insn_exit(SVM_EXIT_VMRUN));
	ck_assert(svm_insn_exit(SVM_EXIT_SKINIT));
	ck_assert(svm_insn_exit(SVM_EXIT_INVLPGA));
	ck_assert(!svm_insn_exit(SVM_EXIT_VMMCALL));	/* the COS's hypercall */
	ck_assert(!svm_insn_exit(SVM_EXIT_CPUID));
}
END_TEST

START_TEST(test_exception_injection)
{
	struct vmcb c;

	memset(&c, 0, sizeof(c));
	svm_inject_exception(&c, 13, true, 0x18);
	ck_assert_uint_eq(c.event_inj, 13 | EVENT_TYPE_EXCEPTION | EVENT_VALID | EVENT_ERROR_VALID);
	ck_assert_uint_eq(c.event_inj_err, 0x18);
	svm_inject_exception(&c, 6, false, 0x18);
	ck_assert_uint_eq(c.event_inj, 6 | EVENT_TYPE_EXCEPTION | EVENT_VALID);
	ck_assert_uint_eq(c.event_inj_err, 0);
}
END_TEST

START_TEST(test_vmmcall_is_a_hypercall_only_from_the_cos_kernel)
{
	struct vmcb c = { 0 };
	uint8_t cpl;

	ck_assert(cos_vmmcall_is_hypercall(&c));
	for (cpl = 1; cpl <= 3; cpl++) {
		c.cpl = cpl;
		ck_assert(!cos_vmmcall_is_hypercall(&c));
	}
}
END_TEST

START_TEST(test_xsetbv_only_what_the_host_allows)
{
	struct vmcb c = { .cr4 = CR4_OSXSAVE };
	const uint64_t host = 0x7;		/* x87, SSE, AVX */

	ck_assert_int_eq(xsetbv_check(&c, 0, 0x1, host), XSETBV_OK);
	ck_assert_int_eq(xsetbv_check(&c, 0, 0x3, host), XSETBV_OK);
	ck_assert_int_eq(xsetbv_check(&c, 0, 0x7, host), XSETBV_OK);
	ck_assert_int_eq(xsetbv_check(&c, 0, 0x0, host), XSETBV_GP);	/* no x87 */
	ck_assert_int_eq(xsetbv_check(&c, 0, 0x5, host), XSETBV_GP);	/* AVX without SSE */
	ck_assert_int_eq(xsetbv_check(&c, 0, 0xe7, host), XSETBV_GP);	/* not the host's */
	ck_assert_int_eq(xsetbv_check(&c, 0, 0xe7, 0xff), XSETBV_OK);
	ck_assert_int_eq(xsetbv_check(&c, 0, 0x27, 0xff), XSETBV_GP);	/* AVX-512 in part */
	ck_assert_int_eq(xsetbv_check(&c, 0, 0xe3, 0xff), XSETBV_GP);	/* AVX-512 without AVX */
	ck_assert_int_eq(xsetbv_check(&c, 0, 0x0b, 0xff), XSETBV_GP);	/* MPX in part */
	ck_assert_int_eq(xsetbv_check(&c, 0, 0x1b, 0xff), XSETBV_OK);
	ck_assert_int_eq(xsetbv_check(&c, 1, 0x1, host), XSETBV_GP);	/* XCR1 */
	c.cpl = 3;
	ck_assert_int_eq(xsetbv_check(&c, 0, 0x1, host), XSETBV_GP);
	c.cr4 = 0;
	ck_assert_int_eq(xsetbv_check(&c, 0, 0x1, host), XSETBV_UD);
}
END_TEST

/* CPU shapes for leaf 0Dh: the architectural sizes; offsets packed in
 * bit order (a CPU may leave gaps, e.g. where it has no MPX). */
static const struct xsave_layout x87_sse = { .supported = 0x3 };
static struct xsave_layout with_avx(void)
{
	struct xsave_layout l = { .supported = 0x7 };

	l.size[2] = 256;
	l.offset[2] = 576;
	return l;
}
static struct xsave_layout with_avx512_pkru(void)
{
	struct xsave_layout l = with_avx();

	l.supported = 0x2e7;
	l.size[5] = 64;		l.offset[5] = 832;	/* opmask */
	l.size[6] = 512;	l.offset[6] = 896;	/* ZMM_Hi256 */
	l.size[7] = 1024;	l.offset[7] = 1408;	/* Hi16_ZMM */
	l.size[9] = 8;		l.offset[9] = 2432;	/* PKRU */
	return l;
}

/* The CPU's answer to 0Dh.sub under an XCR0 of "running" (the vmkernel's). */
static struct cpuid_regs xstate_cpu(const struct xsave_layout *l, uint32_t sub,
				    uint64_t running)
{
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (sub == 0) {
		r.eax = (uint32_t)l->supported;
		r.ebx = xsave_size(l, running, false);
		r.ecx = xsave_size(l, l->supported, false);
	} else if (sub == 1) {
		r.eax = 0xf;		/* XSAVEOPT, XSAVEC, XGETBV1, XSAVES */
		r.ebx = xsave_size(l, running, true);
		r.ecx = 0x1800;		/* CET_U, CET_S in IA32_XSS */
	} else if (l->supported & (1ull << sub)) {
		r.eax = l->size[sub];
		r.ebx = l->offset[sub];
	}
	return r;
}

START_TEST(test_xsave_sizes_follow_the_components)
{
	const struct xsave_layout avx = with_avx(), big = with_avx512_pkru();

	ck_assert_uint_eq(xsave_size(&x87_sse, 0x3, false), 576);
	ck_assert_uint_eq(xsave_size(&avx, 0x3, false), 576);
	ck_assert_uint_eq(xsave_size(&avx, 0x7, false), 832);
	ck_assert_uint_eq(xsave_size(&big, 0x2e7, false), 2440);
	ck_assert_uint_eq(xsave_size(&big, 0x207, false), 2440);	/* PKRU sits last */
	ck_assert_uint_eq(xsave_size(&big, 0x207, true), 840);	/* compacted */
	ck_assert_uint_eq(xsave_size(&avx, 0x4, false), 832);
}
END_TEST

START_TEST(test_vm_cpuid_0d_sizes_its_own_xcr0)
{
	const struct xsave_layout avx = with_avx();
	struct cpuid_policy p = vm_policy;
	struct cpuid_regs r;

	/* x87+SSE only: one size, whatever the guest's XCR0. */
	p.xcr0 = 0x1;
	p.xcr0_allowed = 0x3;
	r = xstate_cpu(&x87_sse, 0, 0x3);
	cpuid_xstate_apply(&p, &x87_sse, 0, &r);
	ck_assert_uint_eq(r.eax, 0x3);
	ck_assert_uint_eq(r.ebx, 576);
	ck_assert_uint_eq(r.ecx, 576);
	/* +AVX, the vmkernel running with the COS's x87|SSE|AVX: a guest
	 * with XCR0 x87|SSE needs 576 bytes, not the host's 832. */
	p.xcr0 = 0x3;
	p.xcr0_allowed = 0x7;
	r = xstate_cpu(&avx, 0, 0x7);
	cpuid_xstate_apply(&p, &avx, 0, &r);
	ck_assert_uint_eq(r.eax, 0x7);
	ck_assert_uint_eq(r.edx, 0);
	ck_assert_uint_eq(r.ebx, 576);
	ck_assert_uint_eq(r.ecx, 832);
	p.xcr0 = 0x7;
	r = xstate_cpu(&avx, 0, 0x7);
	cpuid_xstate_apply(&p, &avx, 0, &r);
	ck_assert_uint_eq(r.ebx, 832);
}
END_TEST

START_TEST(test_vm_cpuid_0d_shows_only_what_its_xsetbv_allows)
{
	const struct xsave_layout big = with_avx512_pkru();
	struct cpuid_policy p = vm_policy;
	struct cpuid_regs r;
	uint32_t sub;

	/* The COS left AVX-512 and PKRU off: a VM may set x87|SSE|AVX. */
	p.xcr0 = 0x7;
	p.xcr0_allowed = 0x7;
	r = xstate_cpu(&big, 0, 0x7);
	cpuid_xstate_apply(&p, &big, 0, &r);
	ck_assert_uint_eq(r.eax, 0x7);
	ck_assert_uint_eq(r.ecx, 832);
	ck_assert_uint_eq(r.ebx, 832);
	r = xstate_cpu(&big, 2, 0x7);
	cpuid_xstate_apply(&p, &big, 2, &r);
	ck_assert_uint_eq(r.eax, 256);
	ck_assert_uint_eq(r.ebx, 576);
	for (sub = 3; sub < 64; sub++) {
		r = xstate_cpu(&big, sub, 0x7);
		cpuid_xstate_apply(&p, &big, sub, &r);
		ck_assert_uint_eq(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	/* No XSAVES (IA32_XSS is not switched per world). */
	r = xstate_cpu(&big, 1, 0x7);
	cpuid_xstate_apply(&p, &big, 1, &r);
	ck_assert_uint_eq(r.eax, 0x7);
	ck_assert_uint_eq(r.ebx, 832);
	ck_assert_uint_eq(r.ecx | r.edx, 0);
	/* Everything allowed: the CPU's ECX, subleaf 9 as the CPU says. */
	p.xcr0_allowed = 0x2e7;
	r = xstate_cpu(&big, 0, 0x7);
	cpuid_xstate_apply(&p, &big, 0, &r);
	ck_assert_uint_eq(r.eax, 0x2e7);
	ck_assert_uint_eq(r.ecx, 2440);
	r = xstate_cpu(&big, 9, 0x7);
	cpuid_xstate_apply(&p, &big, 9, &r);
	ck_assert_uint_eq(r.eax, 8);
	ck_assert_uint_eq(r.ebx, 2432);
}
END_TEST

START_TEST(test_cos_cpuid_0d_is_the_cpus_sized_by_its_xcr0)
{
	const struct xsave_layout big = with_avx512_pkru();
	struct cpuid_policy p = cos_policy;
	struct cpuid_regs r, cpu;

	/* The COS enabled PKRU since the load; the vmkernel runs with 0x7. */
	p.xcr0 = 0x207;
	cpu = r = xstate_cpu(&big, 0, 0x7);
	cpuid_xstate_apply(&p, &big, 0, &r);
	ck_assert_uint_eq(r.ebx, 2440);
	ck_assert_uint_eq(r.eax, cpu.eax);
	ck_assert_uint_eq(r.ecx, cpu.ecx);
	cpu = r = xstate_cpu(&big, 1, 0x7);
	cpuid_xstate_apply(&p, &big, 1, &r);
	ck_assert_uint_eq(r.eax, cpu.eax);	/* XSAVES: Linux's own business */
	ck_assert_uint_eq(r.ecx, cpu.ecx);
}
END_TEST

START_TEST(test_debug_register_intercepts_catch_dr0_to_dr3_only)
{
	uint32_t n;

	for (n = 0; n < 16; n++) {
		/* intercept_dr bit n: MOV from DRn, bit 16 + n: MOV to DRn,
		 * exit codes 20h + n and 30h + n (APM vol. 2 §15.8, §15.9) */
		bool caught = n < 4;

		ck_assert_int_eq(!!(DR_INTERCEPTS & (1u << n)), caught);
		ck_assert_int_eq(!!(DR_INTERCEPTS & (1u << (16 + n))), caught);
		ck_assert(dr_access_exit(SVM_EXIT_READ_DR0 + n));
		ck_assert(dr_access_exit(SVM_EXIT_WRITE_DR0 + n));
	}
	ck_assert(!dr_access_exit(SVM_EXIT_WRITE_CR4));
	ck_assert(!dr_access_exit(SVM_EXIT_EXCP_DB));
}
END_TEST

START_TEST(test_a_vm_reaches_no_breakpoint_register)
{
	uint32_t n;

	/* DR0-3 both ways, and every way of writing DR7 (DR5 aliases it
	 * without CR4.DE); DR6 and DR7 reads touch no breakpoint. */
	for (n = 0; n < 16; n++) {
		ck_assert_int_eq(!!(VM_DR_INTERCEPTS & (1u << n)), n < 4);
		ck_assert_int_eq(!!(VM_DR_INTERCEPTS & (1u << (16 + n))),
				 n < 4 || n == 5 || n == 7);
	}
}
END_TEST

START_TEST(test_dr7_keeps_its_fixed_bits_when_written)
{
	ck_assert_uint_eq(dr7_written(0), 0x400);
	ck_assert_uint_eq(dr7_written(0xffffffff), 0xffff27ff);	/* GD stays */
	ck_assert_uint_eq(dr7_written(0xffff00ff), 0xffff04ff);
}
END_TEST

START_TEST(test_mov_dr_is_decoded_both_ways)
{
	const uint8_t to_dr7_ecx[] = { 0x0f, 0x23, 0xf9 };	/* mov %ecx,%db7 */
	const uint8_t from_dr2_esi[] = { 0x3e, 0x0f, 0x21, 0xd6 };	/* ds: mov %db2,%esi */
	const uint8_t to_cr4[] = { 0x0f, 0x22, 0xe0 };
	unsigned int dr, gpr, len;
	bool write;

	ck_assert(mov_dr_decode(to_dr7_ecx, sizeof(to_dr7_ecx), &write, &dr, &gpr, &len));
	ck_assert(write);
	ck_assert_uint_eq(dr, 7);
	ck_assert_uint_eq(gpr, 1);
	ck_assert_uint_eq(len, 3);
	ck_assert(mov_dr_decode(from_dr2_esi, sizeof(from_dr2_esi), &write, &dr, &gpr, &len));
	ck_assert(!write);
	ck_assert_uint_eq(dr, 2);
	ck_assert_uint_eq(gpr, 6);
	ck_assert_uint_eq(len, 4);
	ck_assert(!mov_dr_decode(to_cr4, sizeof(to_cr4), &write, &dr, &gpr, &len));
	ck_assert(!mov_dr_decode(to_dr7_ecx, 2, &write, &dr, &gpr, &len));
}
END_TEST

START_TEST(test_debug_registers_are_written_only_where_worlds_differ)
{
	const uint32_t zero[4] = { 0 };
	const uint32_t cos[4] = { 0xc0100000, 0, 0, 0xc0200000 };
	uint32_t guest[4] = { 0xc0100000, 0, 0, 0xc0200000 };

	ck_assert_uint_eq(dr_writes_needed(zero, zero), 0);	/* the usual case */
	ck_assert_uint_eq(dr_writes_needed(cos, guest), 0);
	guest[1] = 0x1000;
	ck_assert_uint_eq(dr_writes_needed(cos, guest), 1u << 1);
	ck_assert_uint_eq(dr_writes_needed(zero, cos), (1u << 0) | (1u << 3));
	ck_assert_uint_eq(dr_writes_needed(cos, zero), (1u << 0) | (1u << 3));
}
END_TEST

START_TEST(test_reinjection_only_of_interrupted_deliveries)
{
	const uint32_t irq = 0x31 | EVENT_TYPE_INTR | EVENT_VALID;
	struct vmcb c;

	memset(&c, 0, sizeof(c));
	c.event_inj = irq;			/* stale from the last VMRUN */
	ck_assert(!svm_reinject_interrupted(&c, 0, 0x100));
	ck_assert_uint_eq(c.event_inj, 0);	/* always cleared */

	/* Delivered at VMRUN (RIP moved to the handler), yet reported by TCG. */
	c.exit_int_info = irq;
	c.rip = 0xc0001000;
	ck_assert(!svm_reinject_interrupted(&c, irq, 0x100));
	ck_assert_uint_eq(c.event_inj, 0);

	/* Interrupted delivery (RIP unchanged): goes in again. */
	c.rip = 0x100;
	ck_assert(svm_reinject_interrupted(&c, irq, 0x100));
	ck_assert_uint_eq(c.event_inj, irq);

	/* Delivered, the handler returned to the MOV DR this VMRUN was to
	 * run again, and the MOV exited: RIP is back, but no re-injection. */
	c.exit_code = SVM_EXIT_READ_DR0 + 2;
	ck_assert(!svm_reinject_interrupted(&c, irq, 0x100));
	ck_assert_uint_eq(c.event_inj, 0);
	c.exit_code = 0;

	/* An event the guest raised itself whose delivery exited. */
	c.exit_int_info = 14 | EVENT_TYPE_EXCEPTION | EVENT_VALID | EVENT_ERROR_VALID;
	c.exit_int_info_err = 2;
	c.rip = 0x200;
	ck_assert(svm_reinject_interrupted(&c, 0, 0x100));
	ck_assert_uint_eq(c.event_inj_err, 2);
}
END_TEST

START_TEST(test_rflags_no_processor_holds_are_caught)
{
	ck_assert(svm_rflags_possible(0x2));
	ck_assert(svm_rflags_possible(0x246));
	ck_assert(svm_rflags_possible(0x3f7fd7));	/* every defined bit */
	ck_assert(!svm_rflags_possible(0x0));		/* bit 1 reads 1 */
	ck_assert(!svm_rflags_possible(0x202 | (1u << 3)));
	ck_assert(!svm_rflags_possible(0x202 | (1u << 5)));
	ck_assert(!svm_rflags_possible(0x202 | (1u << 15)));
	ck_assert(!svm_rflags_possible(0x202 | (1u << 22)));
	ck_assert(!svm_rflags_possible(0x202 | (1ull << 32)));
	/* seen in a VM's VMCB after a guest page fault (issue 9) */
	ck_assert(!svm_rflags_possible(0xc1408066));
}
END_TEST

START_TEST(test_an_interrupt_injected_into_a_masked_guest_is_caught)
{
	struct vmcb c = { .rflags = 0x202 };

	c.event_inj = 0xec | EVENT_TYPE_INTR | EVENT_VALID;
	ck_assert(!svm_intr_injected_while_masked(&c));		/* IF=1 */
	c.rflags = 0x86;					/* IF=0 */
	ck_assert(svm_intr_injected_while_masked(&c));
	c.rflags = 0x202;
	c.int_state = INT_STATE_SHADOW;				/* after STI */
	ck_assert(svm_intr_injected_while_masked(&c));
	c.rflags = 0x86;
	c.int_state = 0;
	/* NMIs and exceptions ignore IF; nothing valid is nothing. */
	c.event_inj = 2 | EVENT_TYPE_NMI | EVENT_VALID;
	ck_assert(!svm_intr_injected_while_masked(&c));
	c.event_inj = 13 | EVENT_TYPE_EXCEPTION | EVENT_VALID;
	ck_assert(!svm_intr_injected_while_masked(&c));
	c.event_inj = 0xec | EVENT_TYPE_INTR;			/* delivered: VALID cleared */
	ck_assert(!svm_intr_injected_while_masked(&c));
}
END_TEST

#define TF		(1u << 8)
#define RF		(1u << 16)
#define DB_BIT		(1u << 1)	/* intercept_exc bit of #DB */
#define IRET_BIT	(1u << 20)	/* intercept3 bit of IRET */
#define NMI_EVENT	(2u | (2u << 8) | (1u << 31))
#define DB_EVENT	(1u | (3u << 8) | (1u << 31))

START_TEST(test_nmi_waits_for_iret_then_arrives_right_after_it)
{
	struct vmcb c = { .rip = 0x1000, .rflags = 0x2 };
	struct nmi_block n = { 0 };

	ck_assert_int_eq(nmi_block_inject(&n, &c), NMI_INJECTED);
	ck_assert_uint_eq(c.event_inj, NMI_EVENT);
	ck_assert(c.intercept3 & IRET_BIT);
	/* a second NMI while the handler runs: it waits, interrupts do not */
	c.event_inj = 0;
	c.rip = 0x2000;
	nmi_block_update(&n, &c);
	ck_assert_int_eq(nmi_block_inject(&n, &c), NMI_BLOCKED);
	ck_assert_uint_eq(c.event_inj, 0);
	/* the handler's IRET: intercepted before it runs */
	c.rip = 0x2100;
	nmi_block_iret_exit(&n, &c);
	ck_assert(!(c.intercept3 & IRET_BIT));
	nmi_block_update(&n, &c);
	ck_assert(n.masked);			/* not past it yet */
	ck_assert_int_eq(nmi_block_inject(&n, &c), NMI_STEPPING);
	ck_assert_uint_eq(c.rflags, 0x2 | TF | RF);
	ck_assert(c.intercept_exc & DB_BIT);
	ck_assert_int_eq(nmi_block_inject(&n, &c), NMI_STEPPING);	/* armed once */
	/* the IRET ran: the #DB trap at its return address is ours */
	c.rip = 0x1000;
	c.rflags = 0x202 | TF | RF;
	nmi_block_db_exit(&n, &c);
	ck_assert_uint_eq(c.event_inj, 0);	/* swallowed */
	ck_assert_uint_eq(c.rflags, 0x202);
	ck_assert(!(c.intercept_exc & DB_BIT));
	ck_assert(!n.masked);
	ck_assert_int_eq(nmi_block_inject(&n, &c), NMI_INJECTED);
	ck_assert_uint_eq(c.rip, 0x1000);	/* taken right after the IRET */
}
END_TEST

START_TEST(test_nmi_unmasks_when_rip_leaves_the_iret_without_a_step)
{
	struct vmcb c = { .rip = 0x1000 };
	struct nmi_block n = { 0 };

	nmi_block_inject(&n, &c);
	c.event_inj = 0;
	c.rip = 0x3000;
	nmi_block_iret_exit(&n, &c);
	c.rip = 0x1000;				/* an exit after the IRET ran */
	nmi_block_update(&n, &c);
	ck_assert(!n.masked);
	ck_assert(!n.iret_seen);
}
END_TEST

START_TEST(test_nmis_arriving_while_blocked_wait_for_the_iret_and_none_is_lost)
{
	struct vmcb c = { .rip = 0x1000, .rflags = 0x202 };
	struct nmi_block n = { 0 };
	uint8_t pending = 1;

	ck_assert(nmi_block_offer(&n, &c, &pending) == false);
	ck_assert(!pending);
	ck_assert_uint_eq(c.event_inj, NMI_EVENT);
	/* two arrive in the handler: one waits (the latch), one coalesces */
	c.event_inj = 0;
	c.rip = 0x2000;
	ck_assert(nmi_block_arrive(&n, &pending));
	ck_assert(!nmi_block_arrive(&n, &pending));	/* coalesced */
	nmi_block_update(&n, &c);
	ck_assert(nmi_block_offer(&n, &c, &pending));	/* interrupts may go */
	ck_assert(pending);
	ck_assert_uint_eq(c.event_inj, 0);
	/* its IRET, stepped: nothing else goes in meanwhile */
	c.rip = 0x2100;
	nmi_block_iret_exit(&n, &c);
	nmi_block_update(&n, &c);
	ck_assert(nmi_block_offer(&n, &c, &pending) == false);
	ck_assert(pending);
	ck_assert_uint_eq(c.event_inj, 0);
	c.rip = 0x1000;
	nmi_block_db_exit(&n, &c);
	/* past it: the latched one goes in, and nothing is left */
	ck_assert(nmi_block_offer(&n, &c, &pending) == false);
	ck_assert(!pending);
	ck_assert_uint_eq(c.event_inj, NMI_EVENT);
	c.event_inj = 0;
	ck_assert(nmi_block_offer(&n, &c, &pending));	/* none pending */
	ck_assert_uint_eq(c.event_inj, 0);
}
END_TEST

START_TEST(test_nmis_for_a_vcpu_off_its_cpu_two_wait_a_third_coalesces)
{
	struct vmcb c = { .rip = 0x1000 };
	struct nmi_block n = { 0 };
	uint8_t pending = 0;

	/* the first it would take at once, the second the CPU latches */
	ck_assert(nmi_block_arrive(&n, &pending));
	ck_assert(nmi_block_arrive(&n, &pending));
	ck_assert(!nmi_block_arrive(&n, &pending));
	ck_assert_uint_eq(pending, 2);
	ck_assert(!nmi_block_offer(&n, &c, &pending));
	ck_assert_uint_eq(pending, 1);		/* the latched one, for the IRET */
	ck_assert(!nmi_block_arrive(&n, &pending));
	ck_assert_uint_eq(pending, 1);
}
END_TEST

START_TEST(test_db_of_the_guest_itself_reaches_the_guest)
{
	struct vmcb c = { .rip = 0x1000, .rflags = 0x2 | TF };
	struct nmi_block n = { 0 };

	/* no step of ours armed: a #DB intercept is the guest's */
	nmi_block_db_exit(&n, &c);
	ck_assert_uint_eq(c.event_inj, DB_EVENT);
	/* stepping past an IRET while the guest single-steps itself */
	c.event_inj = 0;
	nmi_block_inject(&n, &c);
	c.event_inj = 0;
	nmi_block_iret_exit(&n, &c);
	ck_assert_int_eq(nmi_block_inject(&n, &c), NMI_STEPPING);
	c.rip = 0x1004;
	nmi_block_db_exit(&n, &c);
	ck_assert_uint_eq(c.event_inj, DB_EVENT);
	ck_assert(c.rflags & TF);		/* its TF stays */
}
END_TEST


START_TEST(test_cos_vectors_are_kept_only_edge_and_while_it_cannot_have_them)
{
	/* Its vCPU runs and can take them: in service until its EOI. */
	ck_assert_int_eq(cos_vector_fate(false, false, false, false), COS_VECTOR_QUEUE);
	ck_assert_int_eq(cos_vector_fate(false, false, false, true), COS_VECTOR_QUEUE);
	/* Away, or running with interrupts off behind the TPR: edge ones
	 * are EOIed and kept, level ones stay in service. */
	ck_assert_int_eq(cos_vector_fate(false, true, false, false), COS_VECTOR_KEEP);
	ck_assert_int_eq(cos_vector_fate(false, false, true, false), COS_VECTOR_KEEP);
	ck_assert_int_eq(cos_vector_fate(false, true, false, true), COS_VECTOR_QUEUE);
	ck_assert_int_eq(cos_vector_fate(false, false, true, true), COS_VECTOR_QUEUE);
	/* The TPR lets exactly class 0xf through. */
	ck_assert_int_eq(COS_MASKED_TPR & 0xf0, 0xe0);
	ck_assert_int_eq(0xec >> 4, COS_MASKED_TPR >> 4);	/* Linux's timer waits */
}
END_TEST

START_TEST(test_the_cos_takes_its_own_tpr_off_the_cpu)
{
	/* Running unmasked: the LAPIC holds the COS's own TPR, whatever it
	 * is (0xff too) and whatever was kept before. */
	ck_assert_uint_eq(cos_tpr_of(false, 0x10, 0x55), 0x10);
	ck_assert_uint_eq(cos_tpr_of(false, 0xff, 0x10), 0xff);
	ck_assert_uint_eq(cos_tpr_of(false, COS_MASKED_TPR, 0x10), COS_MASKED_TPR);
	/* Masked: the LAPIC holds the vmkernel's value, the COS's is kept... */
	ck_assert_uint_eq(cos_tpr_of(true, COS_MASKED_TPR, 0xff), 0xff);
	ck_assert_uint_eq(cos_tpr_of(true, COS_MASKED_TPR, 0x10), 0x10);
	/* ...unless the COS wrote its own since. */
	ck_assert_uint_eq(cos_tpr_of(true, 0xf0, 0x10), 0xf0);
	/* What any other world runs with holds back none of the vmkernel's
	 * vectors (class 0xf) nor the COS's (which wake it). */
	ck_assert_uint_lt(VMK_TPR >> 4, 0xe);
}
END_TEST

START_TEST(test_a_halted_cos_wakes_only_for_what_its_tpr_lets_through)
{
	/* Its TPR at 0xef (the lab's tprhalt): the timer 0xec and device
	 * vectors stay kept, Linux's IPIs (class 0xf) end the HLT. */
	ck_assert(!cos_halt_ends(false, 0xec, 0xef));
	ck_assert(!cos_halt_ends(false, 0x31, 0xef));
	ck_assert(!cos_halt_ends(false, 0xe0, 0xef));
	ck_assert(cos_halt_ends(false, 0xf0, 0xef));
	ck_assert(cos_halt_ends(false, 0xfb, 0xef));
	/* Only the class counts, not the TPR's low bits. */
	ck_assert(!cos_halt_ends(false, 0xef, 0xe0));
	ck_assert(cos_halt_ends(false, 0xf0, 0xe0));
	/* At 0xff nothing but an NMI; at 0 every vector. */
	ck_assert(!cos_halt_ends(false, 0xff, 0xff));
	ck_assert(cos_halt_ends(true, 0xff, 0xff));
	ck_assert(cos_halt_ends(true, -1, 0xff));
	ck_assert(cos_halt_ends(false, 0x20, 0));
	ck_assert(cos_halt_ends(false, 0x31, 0x10));
	ck_assert(!cos_halt_ends(false, 0x1f, 0x10));
	/* Nothing kept, no NMI: it stays halted whatever its TPR. */
	ck_assert(!cos_halt_ends(false, -1, 0));
	/* What it returns to: held back exactly when it does not wake. */
	ck_assert(cos_tpr_holds_back(0xec, 0xef));
	ck_assert(!cos_tpr_holds_back(0xfb, 0xef));
	ck_assert(!cos_tpr_holds_back(0x31, VMK_TPR));
}
END_TEST

START_TEST(test_a_down_cos_gets_no_vector_in_service)
{
	unsigned int i;

	/* Nobody would EOI it: every one is EOIed and dropped, level ones
	 * too (they wait in the IRR behind the TPR after that), whether it
	 * was away or masked when it went down. */
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(cos_vector_fate(true, i & 1, i & 2, i & 4),
				 COS_VECTOR_DROP);
}
END_TEST

START_TEST(test_a_down_cos_is_told_in_words)
{
	ck_assert_str_eq(cos_down_cause(SVM_EXIT_SHUTDOWN), "triple faulted (shutdown)");
	ck_assert_str_eq(cos_down_cause(SVM_EXIT_INVALID), "left a state that VMRUN refuses");
	ck_assert_str_eq(cos_down_cause(SVM_EXIT_VMMCALL + 0x100),
			 "made an exit the vmkernel does not expect");
}
END_TEST

START_TEST(test_an_expired_oneshot_is_due_unless_its_vector_waits_in_the_irr)
{
	const uint32_t vec = 0xec, masked = 1u << 16, periodic = 1u << 17,
		       deadline = 2u << 17;

	/* Read 0, armed, one-shot, not delivered yet: due. */
	ck_assert(apic_oneshot_undelivered(vec, 1000, 0, false));
	/* Its interrupt waits in the IRR: delivered, not due again. */
	ck_assert(!apic_oneshot_undelivered(vec, 1000, 0, true));
	/* Still counting, never armed, masked, other modes: not due. */
	ck_assert(!apic_oneshot_undelivered(vec, 1000, 5, false));
	ck_assert(!apic_oneshot_undelivered(vec, 0, 0, false));
	ck_assert(!apic_oneshot_undelivered(vec | masked, 1000, 0, false));
	ck_assert(!apic_oneshot_undelivered(vec | periodic, 1000, 0, false));
	ck_assert(!apic_oneshot_undelivered(vec | deadline, 1000, 0, false));
}
END_TEST


START_TEST(test_a_count_the_cos_armed_at_the_vmkernels_divider_is_rescaled)
{
	ck_assert_uint_eq(apic_tdcr_divider(0xb), 1);
	ck_assert_uint_eq(apic_tdcr_divider(0x3), 16);
	ck_assert_uint_eq(apic_tdcr_divider(0x0), 2);
	ck_assert_uint_eq(apic_tdcr_divider(0xa), 128);
	/* Meant at 16, counted at 1: 1600 counted are 100 of its own. */
	ck_assert_uint_eq(apic_count_left(10000, 8400, 1, 16), 9900);
	/* Same divider: what the LAPIC reads. */
	ck_assert_uint_eq(apic_count_left(10000, 8400, 16, 16), 8400);
	/* Counted slower than meant: over once the meant count is done. */
	ck_assert_uint_eq(apic_count_left(100, 50, 16, 1), 0);
	/* Nonsense readings give "over", never a longer count. */
	ck_assert_uint_eq(apic_count_left(100, 200, 1, 1), 0);
	ck_assert_uint_eq(apic_count_left(100, 50, 1, 0), 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("exit_policy");

	tcase_add_test(tc, test_cpuid_leaf1_per_world_kind);
	tcase_add_test(tc, test_cpuid_nobody_sees_svm);
	tcase_add_test(tc, test_cpuid_vm_platform_leaves);
	tcase_add_test(tc, test_invariant_tsc_only_when_the_host_has_one);
	tcase_add_test(tc, test_ibpb_only_where_the_cpu_offers_it);
	tcase_add_test(tc, test_ibpb_between_trust_domains_not_within_one);
	tcase_add_test(tc, test_cos_msr_map_guards_what_the_vmkernel_relies_on);
	tcase_add_test(tc, test_cos_msr_writes_that_change_nothing_pass);
	tcase_add_test(tc, test_efer_hides_and_keeps_svme);
	tcase_add_test(tc, test_vm_cr_is_read_only_and_disabled);
	tcase_add_test(tc, test_msrs_the_platform_lacks_raise_gp);
	tcase_add_test(tc, test_msrs_guests_touch_unasked_read_zero);
	tcase_add_test(tc, test_cr4_bits_the_vcpu_lacks_are_reserved);
	tcase_add_test(tc, test_mov_to_cr4_decodes_register_and_length);
	tcase_add_test(tc, test_next_rip_from_nrips_or_the_decoder);
	tcase_add_test(tc, test_cos_completes_intercepts_with_next_rip_or_their_length);
	tcase_add_test(tc, test_vm_completes_intercepts_with_next_rip_or_their_length);
	tcase_add_test(tc, test_exits_without_a_fixed_length_are_not_skipped);
	tcase_add_test(tc, test_invd_never_drops_dirty_lines);
	tcase_add_test(tc, test_rdpmc_never_reads_the_physical_counters);
	tcase_add_test(tc, test_svm_instructions_are_undefined_for_guests);
	tcase_add_test(tc, test_exception_injection);
	tcase_add_test(tc, test_vmmcall_is_a_hypercall_only_from_the_cos_kernel);
	tcase_add_test(tc, test_xsetbv_only_what_the_host_allows);
	tcase_add_test(tc, test_xsave_sizes_follow_the_components);
	tcase_add_test(tc, test_vm_cpuid_0d_sizes_its_own_xcr0);
	tcase_add_test(tc, test_vm_cpuid_0d_shows_only_what_its_xsetbv_allows);
	tcase_add_test(tc, test_cos_cpuid_0d_is_the_cpus_sized_by_its_xcr0);
	tcase_add_test(tc, test_debug_register_intercepts_catch_dr0_to_dr3_only);
	tcase_add_test(tc, test_a_vm_reaches_no_breakpoint_register);
	tcase_add_test(tc, test_dr7_keeps_its_fixed_bits_when_written);
	tcase_add_test(tc, test_mov_dr_is_decoded_both_ways);
	tcase_add_test(tc, test_debug_registers_are_written_only_where_worlds_differ);
	tcase_add_test(tc, test_reinjection_only_of_interrupted_deliveries);
	tcase_add_test(tc, test_rflags_no_processor_holds_are_caught);
	tcase_add_test(tc, test_an_interrupt_injected_into_a_masked_guest_is_caught);
	tcase_add_test(tc, test_nmi_waits_for_iret_then_arrives_right_after_it);
	tcase_add_test(tc, test_nmi_unmasks_when_rip_leaves_the_iret_without_a_step);
	tcase_add_test(tc, test_nmis_arriving_while_blocked_wait_for_the_iret_and_none_is_lost);
	tcase_add_test(tc, test_nmis_for_a_vcpu_off_its_cpu_two_wait_a_third_coalesces);
	tcase_add_test(tc, test_db_of_the_guest_itself_reaches_the_guest);
	tcase_add_test(tc, test_cos_vectors_are_kept_only_edge_and_while_it_cannot_have_them);
	tcase_add_test(tc, test_the_cos_takes_its_own_tpr_off_the_cpu);
	tcase_add_test(tc, test_a_halted_cos_wakes_only_for_what_its_tpr_lets_through);
	tcase_add_test(tc, test_a_down_cos_gets_no_vector_in_service);
	tcase_add_test(tc, test_a_down_cos_is_told_in_words);
	tcase_add_test(tc, test_an_expired_oneshot_is_due_unless_its_vector_waits_in_the_irr);
	tcase_add_test(tc, test_a_count_the_cos_armed_at_the_vmkernels_divider_is_rescaled);
	return check_run("vmkernel exit policy", tc);
}
