/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every world kind's exit handler decides the same way (the COS's in
 * cos/cos_vcpu.c, a VM vCPU's in vm/vcpu.c): what CPUID shows, what EFER
 * and VM_CR read and accept, where RIP goes after an intercepted
 * instruction, how an exception is injected and an interrupted delivery
 * re-injected. Portable (no instructions, no globals): host-tested in
 * tests/unit/vmkernel/test_exit_policy.c.
 */
#ifndef VMKERNEL_ARCH_X86_EXIT_POLICY_H
#define VMKERNEL_ARCH_X86_EXIT_POLICY_H

#include "vmkernel/platform.h"
#include "vmkernel/arch/x86/vmcb.h"

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* CPUID as one world kind sees it. */
struct cpuid_policy {
	/*
	 * false: the COS, which sees the physical CPU except SVM (it may not
	 * run a hypervisor of its own). true: a VM, which sees only what the
	 * vmm models (no monitor/mwait, perfmon, MCE, MTRR, x2APIC, topology
	 * leaves, SVM) with its own vCPU count and APIC ID, and an
	 * invariant TSC only when the CPU has one (docs/architecture.md
	 * "Guest time").
	 */
	bool vm;
	uint32_t vcpus;		/* a VM's vCPUs */
	uint32_t apic_id;	/* this vCPU's APIC ID */
	/* For leaf 0Dh (cpuid_xstate_apply): the world's XCR0 now, and for
	 * a VM the bits its XSETBV may set (xsetbv_check's allowed). */
	uint64_t xcr0, xcr0_allowed;
};

/*
 * The CPU's XSAVE layout (CPUID 0Dh, SDM vol. 1 §13.2): the XCR0 bits
 * it supports (subleaf 0 EDX:EAX) and, for each user component i >= 2
 * among them, subleaf i's size (EAX), offset in the standard format
 * (EBX) and whether it is 64-byte aligned in the compacted one (ECX[1]).
 */
#define XSAVE_COMPONENTS	64
struct xsave_layout {
	uint64_t supported;
	uint64_t aligned;
	uint32_t size[XSAVE_COMPONENTS], offset[XSAVE_COMPONENTS];
};
/* Bytes of an XSAVE area for the components of xcr0, in the standard
 * or the compacted format (legacy region and header: 576 at least). */
uint32_t xsave_size(const struct xsave_layout *l, uint64_t xcr0, bool compacted);
/*
 * Leaf 0Dh subleaf sub as the world sees it, r being the CPU's answer
 * (which sizes by the XCR0 the vmkernel runs with, not the world's).
 * Subleaf 0: EBX is the size for the world's own XCR0. For a VM also:
 * EDX:EAX only the bits xcr0_allowed has (what its XSETBV may set), ECX
 * their size; subleaf 1 without XSAVES/XRSTORS and XFD (IA32_XSS and
 * XFD are not switched per world; their MSRs #GP) and EBX the compacted
 * size of its XCR0; subleaves 2 and up only for allowed components.
 */
void cpuid_xstate_apply(const struct cpuid_policy *p,
			const struct xsave_layout *l, uint32_t sub,
			struct cpuid_regs *r);

/*
 * Leaf answered without asking the CPU (all zero): a VM's hidden leaves.
 * The vmkernel's own leaves (cpuid_vmk_leaf) come before this question.
 */
bool cpuid_policy_hides_leaf(const struct cpuid_policy *p, uint32_t leaf);
/* Turn the CPU's answer r to leaf into what the world sees (guest CR4
 * decides OSXSAVE, as on hardware). */
void cpuid_policy_apply(const struct cpuid_policy *p, uint32_t leaf,
			uint64_t guest_cr4, struct cpuid_regs *r);

/*
 * EFER and VM_CR as a world sees them: the VMCB's EFER keeps SVME (VMRUN
 * requires it, APM vol. 2 §15.5.1) but the guest reads it clear and
 * cannot set it, as on a CPU with SVM disabled; VM_CR reads SVMDIS|LOCK
 * and is read-only. false: the access raises #GP.
 */
bool efer_msr(struct vmcb *c, bool write, uint64_t *val);	/* c->efer */
bool vm_cr_msr(bool write, uint64_t *val);

/*
 * An MSR a VM's vcpu.c does not model: true when the platform has it all
 * the same (it reads 0 and takes any write, nothing of the host shows),
 * false when it does not, and the access raises #GP as on a CPU without
 * it: the machine-check MSRs (CPUID hides MCE and MCA), MTRRs (hidden),
 * the core performance counters (PerfCtrExtCore hidden), and any MSR
 * nobody listed. docs/vmm.md, "MSRs".
 */
bool vm_msr_reads_zero(uint32_t msr);

/*
 * The COS's MSR permission map (docs/architecture.md "What the COS
 * touches directly"). The COS reads and writes every MSR natively but:
 * - EXITS: EFER, VM_CR, VM_HSAVE_PA, reads and writes (efer_msr(),
 *   vm_cr_msr(); VM_HSAVE_PA #GPs): the COS may not see or enable SVM,
 *   and HSAVE names the page #VMEXIT loads the vmkernel's state from.
 * - WRITE_CHECKED: APIC_BASE (the vmkernel's interrupt path uses the
 *   LAPIC where it was at load, in xAPIC mode) and SYSCFG (it routes
 *   memory: MtrrFixDramModEn, TOM2, memory encryption) and MMIO_CFG_BASE
 *   (C001_0058: where the ECAM window is, whose pages of the functions
 *   the vmkernel took are cut from the COS's nested table): writes exit
 *   and pass cos_msr_write_ok(); reads are native.
 * - WRITE_REFUSED: the TSC (the vmkernel's clock), TOP_MEM, TOP_MEM2
 *   and the IORRs (they turn DRAM, the vmkernel's included, into MMIO
 *   a device could answer), SMM_BASE/ADDR/MASK (SMM code sees all
 *   memory): writes #GP (Linux never writes them while it runs);
 *   reads are native.
 */
enum cos_msr { COS_MSR_DIRECT, COS_MSR_EXITS, COS_MSR_WRITE_CHECKED,
	       COS_MSR_WRITE_REFUSED };
enum cos_msr cos_msr_kind(uint32_t msr);
/* A COS write of val to a WRITE_CHECKED MSR that holds cur: APIC_BASE
 * and MMIO_CFG_BASE unchanged; SYSCFG unchanged or MtrrFixDramModEn
 * cleared. */
bool cos_msr_write_ok(uint32_t msr, uint64_t cur, uint64_t val);
/* Set map's bits (MSRPM_PAGES, zeroed before) as cos_msr_kind() says. */
void cos_msrpm_build(uint8_t *map);
/* Does an access to msr exit under map (APM vol. 2 §15.11)? */
bool msrpm_exits(const uint8_t *map, uint32_t msr, bool write);

/*
 * CR4 bits a MOV to CR4 may not set (SDM vol. 3A §2.5, APM vol. 2 §3.1.3):
 * #GP(0) when the new value has one. leaf1 and leaf7 are CPUID leaves 1
 * and 7 (subleaf 0) as the world sees them, lma is EFER.LMA: a bit
 * whose feature CPUID does not show is reserved, as on a CPU without it
 * (LA57 on an EPYC model: VMRUN would refuse the state otherwise), VMXE
 * always for VMs (CPUID hides VMX), PCIDE outside long mode, and the bits
 * no architecture defines.
 */
uint32_t cr4_reserved_bits(const struct cpuid_regs *leaf1,
			   const struct cpuid_regs *leaf7, bool lma);

/*
 * MOV to CRn from a register (0F 22 /r, legacy prefixes before it) in
 * the first n bytes of b: the CR number, the GPR (0 EAX .. 7 EDI) and
 * the instruction's length. false: not that instruction.
 */
bool mov_to_cr_decode(const uint8_t *b, unsigned int n, unsigned int *cr,
		      unsigned int *gpr, unsigned int *len);
/*
 * MOV to or from DRn (0F 23 /r, 0F 21 /r) in the first n bytes of b:
 * write (to DRn), the DR number, the GPR and the length.
 */
bool mov_dr_decode(const uint8_t *b, unsigned int n, bool *write,
		   unsigned int *dr, unsigned int *gpr, unsigned int *len);

/*
 * The RIP after the intercepted instruction at c->rip: the CPU's
 * NEXT_RIP when it has NRIP save (CPUID 8000_000Ah EDX bit 3) and stored
 * one, else c->rip + len, the length of the instruction the handler
 * decoded. TCG has no NRIP save; real AMD CPUs have had it since 2010.
 */
uint64_t svm_next_rip(const struct vmcb *c, bool nrips, uint32_t len);

/*
 * The length, for CPUs without NRIP save, of the instruction an
 * intercept with this exit code completes by moving RIP past it: CPUID
 * 0F A2, RDMSR/WRMSR 0F 32/0F 30, INVD 0F 08, WBINVD 0F 09, HLT F4,
 * VMMCALL 0F 01 D9, XSETBV 0F 01 D1, without prefixes (with NRIP save a prefixed one is right
 * too). 0 for every other exit: port I/O takes its next RIP from
 * EXITINFO2 (§15.10.2), MOV to CR4 and MMIO are decoded, and the rest
 * inject or re-execute.
 */
uint32_t svm_insn_len(uint32_t exit_code);

/*
 * An intercepted INVD or WBINVD (docs/architecture.md "INVD and WBINVD"). INVD
 * drops dirty cache lines without writing them back, the vmkernel's and
 * other worlds' included (APM vol. 3 INVD), so no world runs it: the
 * COS's becomes a WBINVD (its devices may rely on the cache being
 * empty after it; its own WBINVD runs natively), a VM's does nothing,
 * and so does a VM's WBINVD (a VM has no device that reads memory past
 * the cache, and a guest looping on WBINVD would stall every CPU's
 * memory traffic). Then the instruction completes (svm_insn_len).
 */
enum cache_flush { CACHE_FLUSH_NONE, CACHE_FLUSH_WBINVD };
enum cache_flush cache_flush_policy(bool vm, uint32_t exit_code);

/*
 * An intercepted RDPMC of a VM. The physical counters count for whoever
 * programmed them (the COS's perf, on real hardware) and for every world
 * that runs: a guest that read them would see other worlds' activity.
 * A VM has the four legacy counters only (PerfCtrExtCore is hidden in
 * CPUID, and their MSRs read 0, vm_msr_reads_zero), so RDPMC of counter
 * 0-3 reads 0 and any other index raises #GP(0), as does RDPMC at CPL > 0
 * with CR4.PCE clear (APM vol. 3 RDPMC). Then the instruction completes.
 */
enum rdpmc_result { RDPMC_ZERO, RDPMC_GP };
enum rdpmc_result vm_rdpmc_policy(uint32_t ecx, uint8_t cpl, uint64_t cr4);

/*
 * VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA: no guest runs a
 * hypervisor, so these raise #UD, as on a CPU whose EFER.SVME is clear
 * (§15.4). (VMMCALL is the COS kernel's hypercall; see below.)
 */
bool svm_insn_exit(uint32_t exit_code);

/*
 * A COS VMMCALL is a hypercall only from the COS kernel (CPL 0 in the
 * VMCB save area, APM vol. 2 §15.5.1): from COS user mode, or from
 * virtual-8086 mode (CPL 3), it raises #UD as on a CPU without a
 * hypervisor, so that no unprivileged process reaches the hypercalls.
 * /dev/vmkernel, root-only, is the way in for COS programs. A VM's
 * VMMCALL never is one (vm/vcpu.c: #UD).
 */
bool cos_vmmcall_is_hypercall(const struct vmcb *c);

/*
 * A VM's XSETBV (SDM vol. 2B XSETBV, SDM vol. 1 §13.3): #UD without
 * CR4.OSXSAVE; #GP at CPL > 0, for an XCR other than 0, or for a value
 * outside allowed (the host's XCR0) or one the CPU would refuse: x87
 * clear, AVX without SSE, MPX's two bits apart, AVX-512's three bits
 * apart or without AVX.
 */
enum xsetbv_result { XSETBV_OK, XSETBV_UD, XSETBV_GP };
enum xsetbv_result xsetbv_check(const struct vmcb *c, uint32_t xcr,
				uint64_t val, uint64_t allowed);

/*
 * IBPB, the indirect branch prediction barrier (AMD, "Software
 * Techniques for Managing Speculation"; MSR PRED_CMD 49h bit 0): after
 * it, no indirect branch is predicted from targets trained before it.
 * The CPU offers it when CPUID 8000_0008h EBX bit 12 is set (leaf88 is
 * that leaf; callers pass zeros when the CPU's highest extended leaf is
 * below it).
 */
bool cpu_has_ibpb(const struct cpuid_regs *leaf88);

/*
 * Should a CPU issue an IBPB before it enters a world of trust domain
 * next, when the last world it entered was of domain last? Yes when the
 * CPU has IBPB and the domains differ: the COS and each VM are domains
 * of their own (one VM's vCPUs share one), so neither a VM nor the COS
 * can steer the next one's indirect branches through the predictors
 * (Spectre v2 between worlds). docs/architecture.md "IBPB between
 * worlds".
 */
bool ibpb_before_entry(bool has_ibpb, uint32_t last, uint32_t next);

/*
 * Debug registers per world (docs/architecture.md "Debug registers per
 * world"). VMRUN and #VMEXIT switch DR6 and DR7 through the VMCB, not
 * DR0-DR3 (APM vol. 2 §15.5.1, §15.6), so the vmkernel switches those.
 * The COS's lazily, as KVM's svm.c does: it runs with its MOV to/from
 * DR0-3 intercepted (DR_INTERCEPTS) while its values are only in memory.
 * Its first access exits; the intercepts go off and the instruction runs
 * again, natively, on its values, which the registers already hold. From
 * then its DR0-3 are read back after each #VMEXIT and the intercepts go
 * on again: no DR access at all while it leaves them alone, one exit per
 * VMRUN while it uses them.
 * A VM never reaches the registers: every MOV to/from DR0-3 and every MOV
 * to DR7 (or DR5, its alias) exits (VM_DR_INTERCEPTS) and is emulated on
 * its copy in memory and its VMCB's DR7. So its breakpoints enter the CPU
 * only through VMRUN, and leave it with #VMEXIT: an emulated CPU (QEMU
 * 7.2's TCG) that keeps breakpoints armed by a MOV in its own list
 * across #VMEXIT never gets a guest's, which would then fire on the
 * vmkernel's addresses.
 */
#define DR_INTERCEPTS		0x000f000fu	/* read DR0-3 | write DR0-3 */
#define VM_DR_INTERCEPTS	(DR_INTERCEPTS | (1u << (16 + 5)) | (1u << (16 + 7)))
#define DR7_FIXED_1		0x400u	/* bit 10 reads as 1, SDM vol. 3A §18.2.4 */
#define DR7_GD			(1u << 13)	/* general detect */
#define DR7_MBZ			0xd800u	/* bits 11, 12, 14, 15 read as 0 */
#define DR6_BD			(1u << 13)	/* #DB: general detect */
/* Is this exit a MOV to or from a debug register (exit codes 20h-3Fh)? */
bool dr_access_exit(uint32_t exit_code);
/* DR7 after a MOV of val to it (reserved bits as the CPU keeps them). */
uint32_t dr7_written(uint32_t val);
/*
 * Which of DR0-3 (bit n: DRn) to write before entering a world whose
 * values are next, when the registers hold live: only those that differ.
 * A MOV to DR is serializing; when every world leaves them 0, as the
 * lab's do, nothing is written at all.
 */
uint32_t dr_writes_needed(const uint32_t live[4], const uint32_t next[4]);

/* Queue exception vector (with error code err when has_err) for VMRUN. */
void svm_inject_exception(struct vmcb *c, uint32_t vector, bool has_err,
			  uint32_t err);

/*
 * EVENTINJ delivers an external interrupt whatever the guest's IF and
 * interrupt shadow (§15.20): the vmkernel must check them first. True
 * when the VMCB is about to inject one into a guest that cannot take it
 * (a vmkernel bug; svm_world_switch() logs it).
 */
bool svm_intr_injected_while_masked(const struct vmcb *c);

/*
 * Can the VMCB's RFLAGS be a processor's? Bit 1 reads 1; bits 3, 5, 15
 * and 63:22 are reserved and read 0 (SDM vol. 1 §3.4.3). VMRUN does not
 * check them (APM vol. 2 §15.5.1) and QEMU loads them as they are, so a
 * value that fails here was written into the VMCB by someone other than
 * a #VMEXIT: a vmkernel bug or a VMCB page written through an alias.
 */
bool svm_rflags_possible(uint64_t rflags);

/*
 * After a #VMEXIT: clear EVENTINJ and re-inject the event whose delivery
 * the exit interrupted (§15.7.2). injected is the EVENTINJ the VMRUN
 * carried (0: none), rip_at_vmrun the guest RIP then: QEMU (TCG) copies
 * EVENTINJ into EXITINTINFO at every #VMEXIT, delivered or not, and a
 * delivered event moved RIP to its handler, so it must not go in twice
 * (an extra EOI, a lost level interrupt). Nor after a MOV DR intercept
 * (DR_INTERCEPTS): the instruction was reached, so the event was
 * delivered, though RIP may be back where the VMRUN started (the lazy
 * switch runs it again). Returns whether it re-injects.
 */
bool svm_reinject_interrupted(struct vmcb *c, uint32_t injected,
			      uint64_t rip_at_vmrun);

/*
 * NMI blocking (SDM vol. 3A §6.7.1, APM vol. 2 §8.2.3) for a world whose
 * NMIs the vmkernel injects: after an NMI the vCPU takes no other until
 * it executes an IRET. The VMCB does not show the processor's NMI mask
 * (before vNMI), so it is kept here as KVM keeps it: an injected NMI
 * masks and intercepts IRET; the IRET intercept comes before the IRET
 * runs, so the mask ends once RIP is past it. An NMI waiting for that
 * goes in right after the IRET, not at the next exit of any kind
 * (kvm-unit-tests' eventinj checks the nested NMI's return address): the
 * vCPU single-steps the IRET with TF and the #DB intercept gives the exit.
 */
struct nmi_block {
	bool masked;		/* an NMI was injected, no IRET done since */
	bool iret_seen;		/* its IRET reached, at iret_rip */
	bool single_step;	/* TF set by us to see that IRET done */
	uint32_t saved_flags;	/* the guest's own TF and RF then */
	uint64_t iret_rip;
};

enum nmi_action {
	NMI_INJECTED,		/* in EVENTINJ: the NMI is taken */
	NMI_STEPPING,		/* stepping past the IRET: inject nothing else */
	NMI_BLOCKED,		/* waits for the IRET; interrupts may go in */
};

/* Before each VMRUN: the mask ends when RIP is past the IRET. */
void nmi_block_update(struct nmi_block *n, struct vmcb *c);
/* An NMI is pending (after nmi_block_update, EVENTINJ free). */
enum nmi_action nmi_block_inject(struct nmi_block *n, struct vmcb *c);
/*
 * An NMI arrives for the world; *pending counts those not injected yet.
 * As KVM does: at most two wait while the vCPU is not blocked (one it
 * would take at once, one the processor latches meanwhile), one while it
 * is; a further one is coalesced, as the processor would. Returns false
 * for a coalesced one.
 */
bool nmi_block_arrive(const struct nmi_block *n, uint8_t *pending);
/*
 * Before each VMRUN, after nmi_block_update, EVENTINJ free: offer a
 * pending NMI. It goes in unless blocked; a blocked one stays pending
 * until the IRET, never lost. Returns whether an interrupt may still go in
 * this VMRUN (nothing injected, no step past an IRET under way).
 */
bool nmi_block_offer(struct nmi_block *n, struct vmcb *c, uint8_t *pending);
/* SVM_EXIT_IRET. */
void nmi_block_iret_exit(struct nmi_block *n, struct vmcb *c);
/* SVM_EXIT_EXCP_DB: the step past the IRET is swallowed; any other #DB
 * (the guest's own TF or breakpoints) is injected into the guest. */
void nmi_block_db_exit(struct nmi_block *n, struct vmcb *c);

/*
 * A COS vector the vmkernel has just accepted (the highest in service)
 * while the COS cannot have it in service: its vCPU is off its CPU, or it
 * runs with interrupts off behind the raised TPR (cos_intr.c). An edge-
 * triggered one is EOIed and kept, to be raised again when the COS can
 * take it; a level-triggered one stays in service (an early EOI makes its
 * line fire again at once). Otherwise it is queued, in service. Once the
 * COS is down (cos/cos_down.h) every one is EOIed and dropped: nobody
 * would ever EOI it, and one of class 0xf left in service would hold the
 * vmkernel's own vectors back; a level-triggered line that fires again
 * waits in the IRR behind the TPR the vmkernel then holds
 * (COS_MASKED_TPR), so it cannot storm.
 */
enum cos_vector_fate {
	COS_VECTOR_QUEUE,	/* in service until the COS's own EOI */
	COS_VECTOR_KEEP,	/* EOI now, raise again later */
	COS_VECTOR_DROP,	/* EOI now, never raised again */
};
enum cos_vector_fate cos_vector_fate(bool down, bool away, bool masked,
				     bool level);
/*
 * The COS's own TPR now (cos/cos_intr.c): while it runs masked the LAPIC
 * holds COS_MASKED_TPR and the COS's is kept; a value other than that in
 * the LAPIC is one the COS wrote meanwhile (it owns the LAPIC), so its
 * own. Otherwise the LAPIC holds the COS's.
 */
uint32_t cos_tpr_of(bool masked, uint32_t lapic_tpr, uint32_t kept);
/*
 * Does the COS's TPR tpr hold vector back (its priority class, vector
 * bits 7:4, not above the TPR's)? As on bare metal such a vector waits in
 * the IRR and does not end a HLT.
 */
bool cos_tpr_holds_back(uint32_t vector, uint32_t tpr);
/*
 * The wake rule: does a COS halted with its TPR at tpr come back from its
 * HLT, with an NMI pending (nmi) and highest the highest vector kept or
 * queued for it (-1: none)? Only for an NMI, or a vector its TPR lets
 * through (a real CPU's HLT ends only for those, INIT and SMI); the others
 * stay kept and wait in its IRR from its next return.
 */
bool cos_halt_ends(bool nmi, int highest, uint32_t tpr);
/*
 * A COS exit after which the COS cannot go on (cos/cos_down.h), in words
 * for the operator: its SHUTDOWN (a triple fault, APM vol. 2 §15.12), a
 * VMRUN that refused its state (exit code -1, §15.5.1), or any exit its
 * intercepts should not give.
 */
const char *cos_down_cause(uint32_t exit_code);
/*
 * The TPR the vmkernel holds while the COS runs with an interrupt waiting
 * and interrupts off: only class 0xf (its own 0xf0-0xf2 and the COS's
 * edge-triggered IPIs) exits; the COS's other vectors wait in the IRR.
 */
#define COS_MASKED_TPR		0xe0
#define VMK_TPR			0	/* any world's but the running COS's */
/*
 * Is a one-shot LAPIC timer, saved with these register values, due but
 * not delivered? It reads 0 and is armed, unmasked, one-shot, and its
 * vector is not in the IRR: QEMU sends the expiry from a host timer,
 * late, and masking the LVT then drops it. With the vector in the IRR it
 * was delivered (a second expiry would merge with it): not due again.
 */
bool apic_oneshot_undelivered(uint32_t lvtt, uint32_t tmict, uint32_t tmcct,
			      bool vector_in_irr);
/* The divider a TDCR value selects (APM vol. 2 §16.4.1: 0b1011 is 1). */
uint32_t apic_tdcr_divider(uint32_t tdcr);
/*
 * A count of tmict meant at divider meant_div, counted down to tmcct at
 * divider counted_div instead (the COS armed its timer while it held the
 * vmkernel's divider): what is left of it in meant_div units, 0 if it is
 * over.
 */
uint32_t apic_count_left(uint32_t tmict, uint32_t tmcct, uint32_t counted_div,
			 uint32_t meant_div);

#endif /* VMKERNEL_ARCH_X86_EXIT_POLICY_H */
