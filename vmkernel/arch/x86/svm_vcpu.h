/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every world that VMRUNs shares, whatever its kind (the COS's vCPUs,
 * vmkernel/cos/; VM vCPUs, vmkernel/vm/vcpu.c): the VMCB-owning vCPU that
 * both embed, the one world switch (checks, trace, VMRUN), and the exit
 * handling both do the same way. The decisions themselves are portable
 * and host-tested: arch/x86/exit_policy.h.
 */
#ifndef VMKERNEL_ARCH_X86_SVM_VCPU_H
#define VMKERNEL_ARCH_X86_SVM_VCPU_H

#include "vmkernel/core/vmkernel.h"
#include "vmkernel/arch/x86/vmcb.h"
#include "vmkernel/arch/x86/exit_policy.h"
#include "vmkernel/arch/x86/xstate.h"
#include "vmkernel/arch/x86/debugreg.h"

/*
 * A VMCB-owning vCPU, embedded by struct cos_vcpu and struct vm_vcpu
 * (container_of). entry.S's svm_vcpu_run() switches through its first
 * eight words (SVCPU_* offsets, checked below).
 */
struct svm_vcpu {
	uint32_t vmcb_pa;
	uint32_t host_area_pa;		/* this CPU's, set by svm_world_switch() */
	uint32_t ebx, ecx, edx, esi, edi, ebp;	/* guest registers not in the VMCB */
	struct vmcb *vmcb;
	uint32_t inj_event;		/* EVENTINJ of the last VMRUN, 0: none */
	uint64_t inj_rip;		/* the guest's RIP at that VMRUN */
	struct xstate xstate;		/* x87/SSE/AVX registers and XCR0 */
	struct debugreg dregs;		/* DR0-3 (DR6, DR7: in the VMCB) */
	uint32_t domain;		/* trust domain: SVM_DOMAIN_COS or a VM's */
};

/* The COS's trust domain; each VM gets its own from svm_domain_new(). */
#define SVM_DOMAIN_COS		0

_Static_assert(__builtin_offsetof(struct svm_vcpu, vmcb_pa) == SVCPU_VMCB_PA, "svm_vcpu");
_Static_assert(__builtin_offsetof(struct svm_vcpu, host_area_pa) == SVCPU_HOST_AREA_PA, "svm_vcpu");
_Static_assert(__builtin_offsetof(struct svm_vcpu, ebx) == SVCPU_EBX, "svm_vcpu");
_Static_assert(__builtin_offsetof(struct svm_vcpu, ecx) == SVCPU_ECX, "svm_vcpu");
_Static_assert(__builtin_offsetof(struct svm_vcpu, ebp) == SVCPU_EBP, "svm_vcpu");

/* SVM on one physical CPU: the pages VMRUN and VMSAVE write through. */
struct svm_cpu {
	uint32_t hsave_pa;		/* VM_HSAVE_PA */
	uint32_t host_area_pa;		/* the vmkernel's FS/GS/TR/LDTR */
	uint32_t last_domain;		/* of the world entered last (IBPB) */
};

extern struct svm_cpu svm_cpus[VMK_MAX_CPUS];
/* The CPU stores NEXT_RIP on intercepts (CPUID 8000_000Ah EDX[3]). */
extern bool svm_nrips;
/* The CPU has IBPB (cpu_has_ibpb): issued between trust domains. */
extern bool svm_ibpb;

/* A trust domain for a new VM, never SVM_DOMAIN_COS nor one in use. */
uint32_t svm_domain_new(void);

/*
 * This CPU's SVM pages (pool roles HSAVE, host area) and EFER.SVME, with
 * VM_HSAVE_PA set. The caller saves what the interrupted OS had in
 * FS/GS/TR/LDTR before loading the vmkernel's and VMSAVEs those into
 * svm_cpus[cpu].host_area_pa (cos/cos_vcpu.c). VMK_NO_HARDWARE without
 * SVM or nested paging.
 */
vmk_status_t svm_cpu_enable(uint32_t cpu);

/*
 * One VMRUN of v's VMCB (host IF=1: physical interrupts exit), with
 * the integrity checks and this CPU's switch trace (docs/architecture.md
 * "VMCB integrity"). Panics if the pages SVM writes through physical
 * addresses alias (HSAVE, VMCB, host area); false (with a log line) if
 * the VMCB's save area holds the vmkernel's own state, before the VMRUN
 * (then not done) or after a #VMEXIT other than a refused VMRUN (exit
 * -1, which writes the host's state by definition and which the caller
 * handles): the world's state is lost and its
 * owner ends it (the COS: panic; a VM: error, since a guest sets its own
 * CR3 to any value).
 */
bool svm_world_switch(struct svm_vcpu *v);
/* Does c's save area hold the vmkernel's state (RIP after its VMRUN, or its CR3)? */
bool svm_holds_host_state(const struct vmcb *c);
/* The panic report's list of this CPU's last world switches. */
void svm_trace_dump(uint32_t cpu);

/* First thing after an exit: re-inject what the exit interrupted. */
void svm_exit_begin(struct svm_vcpu *v);
/*
 * Complete the intercepted instruction: RIP to NEXT_RIP when the CPU has
 * NRIP save, else past svm_insn_len() of the exit code (panics for an
 * exit that has none: a vmkernel bug). _decoded: an instruction whose
 * length the handler decoded (MOV to CR4).
 */
void svm_skip_insn(struct svm_vcpu *v);
void svm_skip_decoded(struct svm_vcpu *v, uint32_t len);
/* EDX:EAX of an RDMSR/WRMSR. */
uint64_t svm_edx_eax(const struct svm_vcpu *v);
void svm_set_edx_eax(struct svm_vcpu *v, uint64_t val);
/* A CPUID exit answered as policy p says, the instruction completed. */
void svm_answer_cpuid(struct svm_vcpu *v, const struct cpuid_policy *p);
/* The COS's MOV to or from DR0-3 (dr_access_exit): runs again, natively
 * (a VM's are emulated, vm/vcpu.c handle_dr_access()). */
void svm_handle_dr_access(struct svm_vcpu *v);
/* A VM's XSETBV: XCR0 := EDX:EAX if the host allows it, else #UD/#GP. */
void svm_handle_xsetbv(struct svm_vcpu *v);

/* entry.S: the VMRUN itself, with host IF=1. */
void svm_vcpu_run(struct svm_vcpu *v);

#endif /* VMKERNEL_ARCH_X86_SVM_VCPU_H */
