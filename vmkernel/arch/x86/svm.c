// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/arch/x86/svm.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/arch/x86/vmcb.h"
#include "vmkernel/arch/x86/desc.h"
#include "vmkernel/arch/x86/intr.h"
#include "vmkernel/arch/x86/timer.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/core/hypercall.h"
#include "vmkernel/core/panic.h"
#include "vmkernel/log/log.h"

/* Instruction lengths: TCG has no NRIP save (§15.7.1), so advance by hand. */
#define INSN_LEN_CPUID		2
#define INSN_LEN_RDWRMSR	2
#define INSN_LEN_VMMCALL	3
#define INSN_LEN_HLT		1

/* MSR permission map offsets, §15.11: two bits (read, write) per MSR. */
#define MSRPM_RANGE0_BASE	0x00000000u
#define MSRPM_RANGE1_BASE	0xc0000000u
#define MSRPM_RANGE2_BASE	0xc0010000u
#define MSRPM_RANGE_MSRS	0x2000u
#define MSRPM_RANGE_BYTES	0x800u

static uint32_t msrpm_pa, iopm_pa;

static void msrpm_intercept(uint8_t *map, uint32_t msr)
{
	static const uint32_t base[] = { MSRPM_RANGE0_BASE, MSRPM_RANGE1_BASE,
					 MSRPM_RANGE2_BASE };
	uint32_t r, bit;

	for (r = 0; r < ARRAY_SIZE(base); r++) {
		if (msr < base[r] || msr >= base[r] + MSRPM_RANGE_MSRS)
			continue;
		bit = (msr - base[r]) * 2;
		map[r * MSRPM_RANGE_BYTES + bit / 8] |= 3u << (bit % 8);
	}
}

vmk_status_t svm_global_init(void)
{
	vmk_status_t st;

	st = vmk_alloc_pages(MSRPM_PAGES, &msrpm_pa);
	if (st != VMK_OK)
		return st;
	st = vmk_alloc_pages(IOPM_PAGES, &iopm_pa);
	if (st != VMK_OK)
		return st;
	/* The COS may not see or enable SVM: EFER.SVME, VM_CR, VM_HSAVE_PA. */
	msrpm_intercept(pa_to_va(msrpm_pa), MSR_EFER);
	msrpm_intercept(pa_to_va(msrpm_pa), MSR_VM_CR);
	msrpm_intercept(pa_to_va(msrpm_pa), MSR_VM_HSAVE_PA);
	return VMK_OK;
}

/*
 * World-switch trace and the host-state check (docs/architecture.md
 * "VMCB integrity"). Each CPU keeps its last SWITCH_TRACE VMRUNs for
 * the panic report.
 */
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

extern char svm_vmrun_return[];

bool svm_holds_host_state(const struct vmcb *c)
{
	return (uint32_t)c->rip == (uint32_t)(uintptr_t)svm_vmrun_return ||
	       (uint32_t)c->cr3 == vmk_boot_info.boot_cr3;
}

void svm_trace_dump(uint32_t cpu)
{
	uint32_t i, n = switch_next[cpu];

	if (cpu >= VMK_MAX_CPUS)
		return;
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

/* cpu's COS VMCB gets the vmkernel's CR3 just before its next VMRUN. */
static bool corrupt_next[VMK_MAX_CPUS];

void svm_debug_corrupt_cos_vmcb(uint32_t cpu)
{
	if (cpu < VMK_MAX_CPUS)
		corrupt_next[cpu] = true;
}

bool svm_world_switch(struct vcpu *v, bool open)
{
	uint32_t cpu = this_cpu();
	const struct vcpu *pc = &vcpus[cpu];
	struct vmcb *c = v->vmcb;
	struct switch_rec *r = &switch_trace[cpu][switch_next[cpu]++ % SWITCH_TRACE];
	struct world *w = world_current();
	uint32_t hsave = (uint32_t)rdmsr(MSR_VM_HSAVE_PA);

	r->vmcb_pa = v->vmcb_pa;
	r->rip_in = (uint32_t)c->rip;
	r->rip_out = 0;
	r->world = w ? w->id : 0;
	r->hsave = hsave;
	r->ns = vmk_time_ns();
	r->exit_code = SWITCH_NOT_ENTERED;
	/* Values only the vmkernel sets: a mismatch is its own bug. */
	if (hsave != pc->hsave_pa || v->vmcb_pa == pc->hsave_pa ||
	    v->vmcb_pa == pc->host_area_pa || v->host_area_pa != pc->host_area_pa)
		vmk_panic("cpu%u: world %u: VM_HSAVE_PA %x (set %x), VMCB %x, host area %x (this CPU's %x): aliased or foreign",
			  cpu, r->world, hsave, pc->hsave_pa, v->vmcb_pa,
			  v->host_area_pa, pc->host_area_pa);
	if (svm_holds_host_state(c)) {
		log_err("cpu%u: VMCB %x of world %u holds the vmkernel's state before VMRUN (rip %x cr3 %x rsp %x, last exit %x)",
			cpu, v->vmcb_pa, r->world, (uint32_t)c->rip,
			(uint32_t)c->cr3, (uint32_t)c->rsp, c->exit_code);
		return false;
	}
	if (open)
		svm_vcpu_run(v);
	else
		svm_vcpu_run_masked(v);
	r->exit_code = c->exit_code;
	r->rip_out = (uint32_t)c->rip;
	if (svm_holds_host_state(c)) {
		log_err("cpu%u: VMCB %x of world %u holds the vmkernel's state after #VMEXIT %x (rip %x cr3 %x rsp %x, entered at rip %x)",
			cpu, v->vmcb_pa, r->world, c->exit_code, (uint32_t)c->rip,
			(uint32_t)c->cr3, (uint32_t)c->rsp, r->rip_in);
		return false;
	}
	return true;
}

static void seg_from_launch(struct vmcb_seg *s, const struct vmk_launch *l,
			    int i, uint32_t sel)
{
	s->sel = (uint16_t)sel;
	s->attr = (uint16_t)l->seg_attr[i];
	s->limit = l->seg_limit[i];
	s->base = l->seg_base[i];
}

static void vmcb_setup(struct vcpu *v)
{
	const struct vmk_launch *l = v->launch;
	struct vmcb *c = v->vmcb;

	c->intercept3 = INTERCEPT_CPUID | INTERCEPT_MSR_PROT |
			INTERCEPT_SHUTDOWN | INTERCEPT_INVLPGA;
	c->intercept4 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
			INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI |
			INTERCEPT_SKINIT;
	c->iopm_pa = iopm_pa;
	c->msrpm_pa = msrpm_pa;
	c->asid = COS_ASID;
	c->np_ctl = NP_ENABLE;
	c->ncr3 = cos_npt.space.pdpt_pa;
	intr_vmcb_setup(c);

	seg_from_launch(&c->cs, l, 0, l->cs);
	seg_from_launch(&c->ss, l, 1, l->ss);
	seg_from_launch(&c->ds, l, 2, l->ds);
	seg_from_launch(&c->es, l, 3, l->es);
	c->gdtr.limit = l->gdtr_limit;
	c->gdtr.base = l->gdtr_base;
	c->idtr.limit = l->idtr_limit;
	c->idtr.base = l->idtr_base;
	c->cpl = (l->seg_attr[1] >> 5) & 3;	/* SS.DPL, §15.5.1 */
	c->efer = (((uint64_t)l->efer_hi << 32) | l->efer_lo) | EFER_SVME;
	c->cr0 = l->cr0;
	c->cr2 = l->cr2;
	c->cr3 = l->cr3;
	c->cr4 = l->cr4;
	c->dr6 = 0xffff0ff0;	/* architectural reset values, §13.1 */
	c->dr7 = 0x400;
	c->rflags = l->eflags | X86_EFLAGS_FIXED;
	c->rip = l->eip;
	c->rsp = l->esp;
	c->rax = VMK_OK;	/* what vmk_launch() returns in the COS */
	c->g_pat = ((uint64_t)l->pat_hi << 32) | l->pat_lo;
}

vmk_status_t svm_cpu_init(struct vcpu *v)
{
	struct cpuid_regs r;
	vmk_status_t st;

	cpuid_count(0x80000001, 0, &r);
	if (!(r.ecx & CPUID_80000001_ECX_SVM))
		return VMK_NO_HARDWARE;
	cpuid_count(0x8000000a, 0, &r);
	if (!(r.edx & CPUID_8000000A_EDX_NP) ||
	    (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS))
		return VMK_NO_HARDWARE;

	st = vmk_alloc_role(1, POOL_VMCB, &v->vmcb_pa);
	if (st == VMK_OK)
		st = vmk_alloc_role(1, POOL_HSAVE, &v->hsave_pa);
	if (st == VMK_OK)
		st = vmk_alloc_role(1, POOL_HOST_AREA, &v->host_area_pa);
	if (st != VMK_OK)
		return st;
	v->vmcb = pa_to_va(v->vmcb_pa);

	wrmsr(MSR_VM_HSAVE_PA, v->hsave_pa);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	v->svm_on = true;
	/* From here the vmkernel runs with GIF=0 except in its interrupt
	 * windows (intr.c); #VMEXIT clears GIF again each time. */
	asm volatile("clgi" ::: "memory");
	/* The COS's FS, GS, TR, LDTR and syscall MSRs, still live here. */
	asm volatile("vmsave %0" :: "a"(v->vmcb_pa) : "memory");
	v->cos_saved = true;
	desc_load_host_segments(v->cpu);
	asm volatile("vmsave %0" :: "a"(v->host_area_pa) : "memory");
	vmcb_setup(v);
	__atomic_or_fetch(&vmk_shared->cpus_virtualized, 1u << v->cpu,
			  __ATOMIC_SEQ_CST);
	return VMK_OK;
}

static void inject_exception(struct vmcb *c, uint32_t vector, bool has_error)
{
	c->event_inj = vector | EVENT_TYPE_EXCEPTION | EVENT_VALID |
		       (has_error ? EVENT_ERROR_VALID : 0);
	c->event_inj_err = 0;
}

static void set_edx_eax(struct vcpu *v, uint64_t val)
{
	v->vmcb->rax = (uint32_t)val;
	v->edx = (uint32_t)(val >> 32);
}

static void handle_cpuid(struct vcpu *v)
{
	uint32_t leaf = (uint32_t)v->vmcb->rax;
	struct cpuid_regs r;

	if (!cpuid_vmk_leaf(leaf, &r)) {
		cpuid_count(leaf, v->ecx, &r);
		if (leaf == 1)
			r.ecx |= CPUID_1_ECX_HYPERVISOR;
		else if (leaf == 0x80000001)
			r.ecx &= ~CPUID_80000001_ECX_SVM;
		else if (leaf == 0x8000000a)
			memset(&r, 0, sizeof(r));
	}
	v->vmcb->rax = r.eax;
	v->ebx = r.ebx;
	v->ecx = r.ecx;
	v->edx = r.edx;
	v->vmcb->rip += INSN_LEN_CPUID;
}

/* EFER.SVME stays set in the VMCB (VMRUN requires it, §15.5.1) but the
 * COS sees it clear and cannot set it, as on a CPU with SVM disabled. */
static void handle_msr(struct vcpu *v)
{
	struct vmcb *c = v->vmcb;
	bool write = c->exit_info1 & 1;
	uint64_t val = ((uint64_t)v->edx << 32) | (uint32_t)c->rax;

	switch (v->ecx) {
	case MSR_EFER:
		if (!write) {
			set_edx_eax(v, c->efer & ~EFER_SVME);
			break;
		}
		if (val & EFER_SVME) {
			log_warn("COS tried to set EFER.SVME: #GP");
			inject_exception(c, X86_GP, true);
			return;
		}
		c->efer = val | EFER_SVME;
		break;
	case MSR_VM_CR:
		if (write) {
			inject_exception(c, X86_GP, true);
			return;
		}
		set_edx_eax(v, VM_CR_SVMDIS | VM_CR_LOCK);
		break;
	default:	/* VM_HSAVE_PA: SVM is "disabled" */
		inject_exception(c, X86_GP, true);
		return;
	}
	c->rip += INSN_LEN_RDWRMSR;
}

static void handle_vmmcall(struct vcpu *v)
{
	struct hc_call call = {
		.nr = (uint32_t)v->vmcb->rax,
		.arg = { v->ebx, v->ecx, v->edx, v->esi },
		.cpu = v->cpu,
	};
	vmk_status_t st = hypercall_dispatch(&call);

	v->vmcb->rip += INSN_LEN_VMMCALL;
	v->vmcb->rax = (uint32_t)st;
	v->ebx = call.result;
	if (call.action == HC_GIVE_BACK) {
		vm_reap_all();			/* no VM worlds left behind */
		sched_cpu_leave(v->cpu);	/* nor test worlds here */
		intr_window();	/* nothing of the vmkernel's left pending */
		log_info("cpu%u given back to the COS", v->cpu);
		cpu_give_back(v, VMK_OK);
	}
}

static void handle_npf(struct vcpu *v)
{
	uint64_t gpa = v->vmcb->exit_info2;

	if (npt_divert(&cos_npt, &vmk_pool, gpa) != VMK_OK)
		vmk_panic("nested page fault outside vmkernel memory: gpa %llx rip %llx",
			  (unsigned long long)gpa,
			  (unsigned long long)v->vmcb->rip);
	log_warn("COS access to vmkernel memory blocked: gpa %llx rip %llx err %llx",
		 (unsigned long long)gpa, (unsigned long long)v->vmcb->rip,
		 (unsigned long long)v->vmcb->exit_info1);
}

/*
 * The COS halted. With other worlds around (HLT is intercepted only then)
 * its vCPU waits off the CPU until an interrupt for it arrives; one that
 * is already queued, or an event still to re-inject, goes in at once.
 */
static void handle_hlt(struct vcpu *v)
{
	v->vmcb->rip += INSN_LEN_HLT;
	v->vmcb->int_state &= ~INT_STATE_SHADOW;	/* the STI before HLT */
	if (!intr_cos_pending(v->cpu) && !(v->vmcb->event_inj & EVENT_VALID))
		sched_block(world_current());
}

void svm_give_back_panicked(struct vcpu *v)
{
	if (!v->in_exit)	/* preempted after a handled exit: resume as is */
		cpu_give_back(v, (vmk_status_t)v->vmcb->rax);
	if (v->vmcb->exit_code == SVM_EXIT_VMMCALL) {
		v->vmcb->rip += INSN_LEN_VMMCALL;
		cpu_give_back(v, VMK_PANICKED);
	}
	/* Not advanced: the COS re-executes the instruction natively. */
	cpu_give_back(v, VMK_PANICKED);
}

bool svm_exit_event_pending(const struct vmcb *c, uint32_t injected,
			    uint64_t rip_at_vmrun)
{
	if (!(c->exit_int_info & EVENT_VALID))
		return false;
	/*
	 * QEMU (TCG) copies EVENTINJ into EXITINTINFO at every #VMEXIT, even
	 * when the event was delivered at VMRUN. A delivered event moved RIP to
	 * its handler; an interrupted delivery leaves RIP where it was.
	 */
	return !(c->exit_int_info == injected && c->rip != rip_at_vmrun);
}

static void svm_handle_exit(struct vcpu *v)
{
	struct vmcb *c = v->vmcb;
	uint32_t kind;

	/* Re-inject an event whose delivery the exit interrupted (§15.7.2). */
	c->event_inj = 0;
	if (svm_exit_event_pending(c, v->inj_event, v->inj_rip)) {
		c->event_inj = c->exit_int_info;
		c->event_inj_err = c->exit_int_info_err;
	}
	if (vmk_shared->state == VMK_STATE_PANICKED)
		svm_give_back_panicked(v);

	switch (c->exit_code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
		kind = VMK_EXIT_INTR;
		intr_cos_exit(c, v->cpu);
		break;
	case SVM_EXIT_VINTR:
		kind = VMK_EXIT_VINTR;	/* the COS can take an interrupt now */
		intr_cos_exit(c, v->cpu);
		break;
	case SVM_EXIT_HLT:
		kind = VMK_EXIT_HLT;
		handle_hlt(v);
		break;
	case SVM_EXIT_CPUID:
		kind = VMK_EXIT_CPUID;
		handle_cpuid(v);
		break;
	case SVM_EXIT_MSR:
		kind = VMK_EXIT_MSR;
		handle_msr(v);
		break;
	case SVM_EXIT_VMMCALL:
		kind = VMK_EXIT_VMMCALL;
		v->exits[kind]++;
		v->exits_total++;
		handle_vmmcall(v);
		return;
	case SVM_EXIT_NPF:
		kind = VMK_EXIT_NPF;
		handle_npf(v);
		break;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		/* As on a CPU whose EFER.SVME is clear (§15.4). */
		kind = VMK_EXIT_SVM_INSN;
		inject_exception(c, X86_UD, false);
		break;
	case SVM_EXIT_SHUTDOWN:
		vmk_panic("the COS shut down (triple fault) at rip %llx",
			  (unsigned long long)c->rip);
	default:
		vmk_panic("unexpected exit %x info1 %llx info2 %llx rip %llx",
			  c->exit_code, (unsigned long long)c->exit_info1,
			  (unsigned long long)c->exit_info2,
			  (unsigned long long)c->rip);
	}
	v->exits[kind]++;
	v->exits_total++;
}

/*
 * The COS vCPU world of this CPU: run the COS until the scheduler wants
 * the CPU or the COS halts with other worlds waiting.
 */
static void cos_run(struct world *w)
{
	struct vcpu *v = w->priv;
	struct vmcb *c = v->vmcb;
	bool open;

	for (;;) {
		if (sched_guests_exist())
			c->intercept3 |= INTERCEPT_HLT;
		else
			c->intercept3 &= ~INTERCEPT_HLT;
		open = intr_inject_cos(c, v->cpu);
		v->inj_event = c->event_inj & EVENT_VALID ? c->event_inj : 0;
		v->inj_rip = c->rip;
		/* What the COS resumes from if this VMCB is lost (cpu_give_back). */
		if (!svm_holds_host_state(c))
			memcpy(v->entry_save, (uint8_t *)c + VCPU_SAVE_OFF, VCPU_SAVE_LEN);
		if (corrupt_next[v->cpu]) {
			corrupt_next[v->cpu] = false;
			c->cr3 = vmk_boot_info.boot_cr3;
		}
		if (!svm_world_switch(v, open))
			vmk_panic("cpu%u: the COS VMCB %x holds the vmkernel's own state (VMCB corruption)",
				  v->cpu, v->vmcb_pa);
		if (c->exit_code == SVM_EXIT_INVALID) {
			if (!v->launched) {
				log_err("cpu%u: VMRUN refused the COS state", v->cpu);
				cpu_give_back(v, VMK_HW_FAILURE);
			}
			vmk_panic("VMRUN refused the COS state");
		}
		v->launched = true;
		v->in_exit = true;
		svm_handle_exit(v);
		v->in_exit = false;
		if (w->state != WORLD_RUNNING || sched_should_yield()) {
			if (intr_cos_leave(v->cpu))
				return;
			/* Inside a handler of class 0xf: run a little longer. */
			if (w->state == WORLD_BLOCKED)
				sched_wake(w);
		}
	}
}

const struct world_ops svm_cos_world_ops = { .run = cos_run };

void cpu_give_back(struct vcpu *v, vmk_status_t st)
{
	struct vmk_launch *l = v->launch;
	struct vmcb *c = v->vmcb;

	if (v->svm_on) {
		timer_cos_in(v->cpu);	/* its own LAPIC timer, if borrowed */
		intr_give_back(v->cpu);
	}
	if (v->launched && svm_holds_host_state(c)) {
		/* Never resume the COS on the vmkernel's own state: take the
		 * COS's as it was at its last VMRUN. */
		memcpy((uint8_t *)c + VCPU_SAVE_OFF, v->entry_save, VCPU_SAVE_LEN);
		log_err("cpu%u: the COS VMCB held the vmkernel's state; the COS resumes from its last VMRUN (rip %x)",
			v->cpu, (uint32_t)c->rip);
	}
	if (v->launched) {
		/* The COS's current state; the launch record's is stale. */
		l->eip = (uint32_t)c->rip;
		l->esp = (uint32_t)c->rsp;
		l->eflags = (uint32_t)c->rflags;
		l->ebx = v->ebx;
		l->ecx = v->ecx;
		l->edx = v->edx;
		l->esi = v->esi;
		l->edi = v->edi;
		l->ebp = v->ebp;
		l->cr0 = (uint32_t)c->cr0;
		l->cr2 = (uint32_t)c->cr2;
		l->cr3 = (uint32_t)c->cr3;
		l->cr4 = (uint32_t)c->cr4;
		l->efer_lo = (uint32_t)c->efer;
		l->efer_hi = (uint32_t)(c->efer >> 32);
		l->cs = c->cs.sel;
		l->ss = c->ss.sel;
		l->ds = c->ds.sel;
		l->es = c->es.sel;
		l->gdtr_limit = (uint16_t)c->gdtr.limit;
		l->gdtr_base = (uint32_t)c->gdtr.base;
		l->idtr_limit = (uint16_t)c->idtr.limit;
		l->idtr_base = (uint32_t)c->idtr.base;
		l->user_frame = ((c->ss.attr >> 5) & 3) != 0;
		if (l->user_frame) {
			l->frame[0] = l->eip;
			l->frame[1] = l->cs;
			l->frame[2] = l->eflags;
			l->frame[3] = l->esp;
			l->frame[4] = l->ss;
		}
	}
	l->eax = (uint32_t)st;
	l->efer_lo &= ~(uint32_t)EFER_SVME;
	/* The trampoline reloads FS/GS/TR/LDTR from the VMCB only if saved. */
	l->vmcb_pa = v->cos_saved ? v->vmcb_pa : 0;
	if (vmk_shared)
		__atomic_and_fetch(&vmk_shared->cpus_virtualized,
				   ~(1u << v->cpu), __ATOMIC_SEQ_CST);
	asm volatile("jmp *%3"
		     :: "a"(l->vmcb_pa), "c"(l->cr3), "d"(l->self_va),
			"S"(vmk_boot_info.tramp_exit_va)
		     : "memory");
	__builtin_unreachable();
}
