// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/arch/x86/svm_vcpu.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/core/panic.h"
#include "vmkernel/core/world.h"
#include "vmkernel/log/log.h"

#define CPUID_8000000A_EDX_NRIPS	(1u << 3)	/* NRIP save, APM vol. 2 §15.7.1 */
#define MSR_PRED_CMD		0x00000049	/* AMD speculation whitepaper */
#define PRED_CMD_IBPB		(1u << 0)

struct svm_cpu svm_cpus[VMK_MAX_CPUS];
bool svm_nrips;
bool svm_ibpb;

uint32_t svm_domain_new(void)
{
	static uint32_t last;
	uint32_t d;

	do	/* 2^32 VMs later it wraps: skip the COS's */
		d = __atomic_add_fetch(&last, 1, __ATOMIC_SEQ_CST);
	while (d == SVM_DOMAIN_COS);
	return d;
}

vmk_status_t svm_cpu_enable(uint32_t cpu)
{
	struct svm_cpu *sc = &svm_cpus[cpu];
	struct cpuid_regs r;
	vmk_status_t st;

	cpuid_count(0x80000001, 0, &r);
	if (!(r.ecx & CPUID_80000001_ECX_SVM))
		return VMK_NO_HARDWARE;
	cpuid_count(0x8000000a, 0, &r);
	if (!(r.edx & CPUID_8000000A_EDX_NP) ||
	    (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS))
		return VMK_NO_HARDWARE;
	svm_nrips = r.edx & CPUID_8000000A_EDX_NRIPS;
	cpuid_count(0x80000000, 0, &r);
	if (r.eax >= 0x80000008)
		cpuid_count(0x80000008, 0, &r);
	else
		memset(&r, 0, sizeof(r));
	svm_ibpb = cpu_has_ibpb(&r);
	if (cpu == 0)
		log_info("IBPB between worlds: %s", svm_ibpb ? "yes" : "no, the CPU has none");
	sc->last_domain = SVM_DOMAIN_COS;	/* Linux ran here natively */
	st = vmk_alloc_role(1, POOL_HSAVE, &sc->hsave_pa);
	if (st == VMK_OK)
		st = vmk_alloc_role(1, POOL_HOST_AREA, &sc->host_area_pa);
	if (st != VMK_OK)
		return st;
	wrmsr(MSR_VM_HSAVE_PA, sc->hsave_pa);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	return VMK_OK;
}

/* ---- the world switch ---- */

#define SWITCH_TRACE		16
#define SWITCH_NOT_ENTERED	0xfffu	/* exit code field: no VMRUN done */

struct switch_rec {
	uint32_t vmcb_pa;
	uint32_t exit_code;
	uint32_t rip_in, rip_out;
	uint32_t world;
	uint32_t hsave;
	uint64_t ns;
};

static struct switch_rec switch_trace[VMK_MAX_CPUS][SWITCH_TRACE];
static uint32_t switch_next[VMK_MAX_CPUS];
/* svm_intr_injected_while_masked() hits, logged at the 1st, 2nd, 4th... */
static uint64_t masked_injections[VMK_MAX_CPUS];
/* !svm_rflags_possible() hits, the same way */
static uint64_t impossible_rflags[VMK_MAX_CPUS];

extern char svm_vmrun_return[];		/* entry.S: right after the vmrun */

bool svm_holds_host_state(const struct vmcb *c)
{
	return (uint32_t)c->rip == (uint32_t)(uintptr_t)svm_vmrun_return ||
	       (uint32_t)c->cr3 == vmk_boot_info.boot_cr3;
}

void svm_trace_dump(uint32_t cpu)
{
	uint32_t i, n;

	if (cpu >= VMK_MAX_CPUS)
		return;
	n = switch_next[cpu];
	vmk_log_emergency("cpu%u last world switches (oldest first): vmcb exit rip-in rip-out world hsave-msr ns",
			  cpu);
	for (i = 0; i < SWITCH_TRACE; i++) {
		const struct switch_rec *r = &switch_trace[cpu][(n + i) % SWITCH_TRACE];

		if (!r->vmcb_pa)
			continue;
		vmk_log_emergency("  %08x %3x %08x %08x %u %08x %llu", r->vmcb_pa,
				  r->exit_code, r->rip_in, r->rip_out, r->world,
				  r->hsave, (unsigned long long)r->ns);
	}
}

/*
 * An RFLAGS no processor holds, in a VMCB before VMRUN or after #VMEXIT
 * (when: "before VMRUN" or "after #VMEXIT"): the VMCB was written by
 * something that should not have (docs/architecture.md "VMCB
 * integrity"). Logged with the page's pool role and, the first time on
 * this CPU, the CPU's last world switches; the world runs on, as the
 * hardware would run it.
 */
static void check_rflags(uint32_t cpu, const struct svm_vcpu *v,
			 const struct switch_rec *r, const char *when)
{
	const struct vmcb *c = v->vmcb;
	uint64_t n;

	if (svm_rflags_possible(c->rflags))
		return;
	n = ++impossible_rflags[cpu];
	if (!log_nth(n))
		return;
	log_err("cpu%u: world %u: RFLAGS %llx %s (exit %x, rip %x, VMCB %x of pool role %u): the VMCB was written by a vmkernel bug or through an alias, %llu so far",
		cpu, r->world, (unsigned long long)c->rflags, when, c->exit_code,
		(uint32_t)c->rip, v->vmcb_pa, pool_role_of(&vmk_pool, v->vmcb_pa),
		(unsigned long long)n);
	if (n == 1)
		svm_trace_dump(cpu);
}

bool svm_world_switch(struct svm_vcpu *v)
{
	uint32_t cpu = this_cpu();
	const struct svm_cpu *sc = &svm_cpus[cpu];
	struct vmcb *c = v->vmcb;
	struct switch_rec *r = &switch_trace[cpu][switch_next[cpu]++ % SWITCH_TRACE];
	struct world *w = world_current();
	uint32_t hsave = (uint32_t)rdmsr(MSR_VM_HSAVE_PA);

	v->host_area_pa = sc->host_area_pa;
	if (svm_intr_injected_while_masked(c)) {
		uint64_t n = ++masked_injections[cpu];

		if (log_nth(n))
			log_err("cpu%u: world %u: interrupt %x injected with rflags %llx int_state %llx at rip %llx (last exit %x, exitintinfo %x): a vmkernel bug, %llu so far",
				cpu, w ? w->id : 0, c->event_inj, (unsigned long long)c->rflags,
				(unsigned long long)c->int_state, (unsigned long long)c->rip,
				c->exit_code, c->exit_int_info, (unsigned long long)n);
	}
	v->inj_event = c->event_inj & EVENT_VALID ? c->event_inj : 0;
	v->inj_rip = c->rip;
	r->vmcb_pa = v->vmcb_pa;
	r->rip_in = (uint32_t)c->rip;
	r->rip_out = 0;
	r->world = w ? w->id : 0;
	r->hsave = hsave;
	r->ns = vmk_time_ns();
	r->exit_code = SWITCH_NOT_ENTERED;
	/* Values only the vmkernel sets: a mismatch is its own bug. */
	if (hsave != sc->hsave_pa || v->vmcb_pa == sc->hsave_pa ||
	    v->vmcb_pa == sc->host_area_pa)
		vmk_panic("cpu%u: world %u: VM_HSAVE_PA %x (set %x), VMCB %x, host area %x: aliased",
			  cpu, r->world, hsave, sc->hsave_pa, v->vmcb_pa,
			  sc->host_area_pa);
	check_rflags(cpu, v, r, "before VMRUN");
	if (svm_holds_host_state(c)) {
		log_err("cpu%u: VMCB %x of world %u holds the vmkernel's state before VMRUN (rip %x cr3 %x rsp %x, last exit %x)",
			cpu, v->vmcb_pa, r->world, (uint32_t)c->rip,
			(uint32_t)c->cr3, (uint32_t)c->rsp, c->exit_code);
		return false;
	}
	/* Another trust domain's indirect branch targets must not steer
	 * this one's (docs/architecture.md "IBPB between worlds"). */
	if (ibpb_before_entry(svm_ibpb, svm_cpus[cpu].last_domain, v->domain))
		wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
	svm_cpus[cpu].last_domain = v->domain;
	xstate_enter(&v->xstate, cpu);
	debugreg_enter(&v->dregs, c, cpu);
	svm_vcpu_run(v);
	xstate_exit(&v->xstate);
	debugreg_exit(&v->dregs, cpu);
	r->exit_code = c->exit_code;
	r->rip_out = (uint32_t)c->rip;
	/* A refused VMRUN (exit -1) writes the host's state by definition
	 * (measured: RIP = the vmrun itself); its caller handles that. */
	if (c->exit_code != SVM_EXIT_INVALID && svm_holds_host_state(c)) {
		log_err("cpu%u: VMCB %x of world %u holds the vmkernel's state after #VMEXIT %x (rip %x cr3 %x rsp %x, entered at rip %x)",
			cpu, v->vmcb_pa, r->world, c->exit_code, (uint32_t)c->rip,
			(uint32_t)c->cr3, (uint32_t)c->rsp, r->rip_in);
		return false;
	}
	if (c->exit_code != SVM_EXIT_INVALID)
		check_rflags(cpu, v, r, "after #VMEXIT");
	return true;
}

/* ---- exit handling every world kind does the same way ---- */

void svm_exit_begin(struct svm_vcpu *v)
{
	svm_reinject_interrupted(v->vmcb, v->inj_event, v->inj_rip);
}

void svm_handle_dr_access(struct svm_vcpu *v)
{
	/* RIP stays: the instruction runs again without the intercept, on
	 * the world's own values, which the registers hold. */
	debugreg_expose(&v->dregs);
}

void svm_handle_xsetbv(struct svm_vcpu *v)
{
	struct vmcb *c = v->vmcb;
	uint64_t val = svm_edx_eax(v);

	switch (xsetbv_check(c, v->ecx, val, xstate_guest_mask())) {
	case XSETBV_UD:
		svm_inject_exception(c, X86_UD, false, 0);
		return;
	case XSETBV_GP:
		svm_inject_exception(c, X86_GP, true, 0);
		return;
	case XSETBV_OK:
		break;
	}
	v->xstate.xcr0 = val;	/* in the CPU from the next VMRUN on */
	svm_skip_insn(v);
}

void svm_skip_insn(struct svm_vcpu *v)
{
	uint32_t len = svm_insn_len(v->vmcb->exit_code);

	if (!len)
		vmk_panic("svm_skip_insn: exit %x completes no instruction of known length",
			  v->vmcb->exit_code);
	svm_skip_decoded(v, len);
}

void svm_skip_decoded(struct svm_vcpu *v, uint32_t len)
{
	v->vmcb->rip = svm_next_rip(v->vmcb, svm_nrips, len);
}

uint64_t svm_edx_eax(const struct svm_vcpu *v)
{
	return ((uint64_t)v->edx << 32) | (uint32_t)v->vmcb->rax;
}

void svm_set_edx_eax(struct svm_vcpu *v, uint64_t val)
{
	v->vmcb->rax = (uint32_t)val;
	v->edx = (uint32_t)(val >> 32);
}

#define CPUID_XSTATE_LEAF	0xd	/* SDM vol. 1 §13.2 */

void svm_answer_cpuid(struct svm_vcpu *v, const struct cpuid_policy *p)
{
	struct vmcb *c = v->vmcb;
	uint32_t leaf = (uint32_t)c->rax;
	struct cpuid_policy q = *p;
	struct cpuid_regs r;

	q.xcr0 = v->xstate.xcr0;
	q.xcr0_allowed = xstate_guest_mask();
	memset(&r, 0, sizeof(r));
	if (!cpuid_vmk_leaf(leaf, &r)) {
		if (!cpuid_policy_hides_leaf(&q, leaf))
			cpuid_count(leaf, v->ecx, &r);
		cpuid_policy_apply(&q, leaf, c->cr4, &r);
		if (leaf == CPUID_XSTATE_LEAF)
			cpuid_xstate_apply(&q, xstate_layout(), v->ecx, &r);
	}
	c->rax = r.eax;
	v->ebx = r.ebx;
	v->ecx = r.ecx;
	v->edx = r.edx;
	svm_skip_insn(v);
}
