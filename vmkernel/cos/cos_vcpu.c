// SPDX-License-Identifier: GPL-2.0-only
/*
 * The COS's vCPU on each physical CPU: its VMCB built from the running
 * Linux (launch record), its world's run loop and exit handler, the
 * hypercall entry, and the give-back to native Linux.
 */
#include "vmkernel/cos/cos.h"
#include "vmkernel/cos/cos_down.h"
#include "vmkernel/cos/cos_intr.h"
#include "vmkernel/cos/cos_npt.h"
#include "vmkernel/storage/storage.h"
#include "vmkernel/net/uplink.h"
#include "vmkernel/cos/cos_timer.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/arch/x86/vmcb.h"
#include "vmkernel/arch/x86/desc.h"
#include "vmkernel/arch/x86/intr.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/core/service.h"
#include "vmkernel/core/hypercall.h"
#include "vmkernel/core/panic.h"
#include "vmkernel/log/log.h"
#include "vmkernel/arch/x86/pci.h"
#include "vmkernel/cos/cos_pci.h"
#include "vmkernel/net/uplink.h"

struct cos_vcpu cos_vcpus[VMK_MAX_CPUS];

/* The COS sees the CPU as it is, but no SVM. */
static const struct cpuid_policy cos_cpuid = { .vm = false };

struct cos_npt cos_npt;
static uint32_t msrpm_pa, iopm_pa;
static uint32_t cos_pci_address_at_load;

vmk_status_t cos_global_init(void)
{
	uint32_t sink_pa;
	vmk_status_t st;

	/* The nested table and its sink, filled with 0xFF (what the COS
	 * reads from a page it may not see, until it writes there itself:
	 * the sink holds only what the COS put in it, and nothing of the
	 * vmkernel ever reads it). */
	st = vmk_alloc_pages(1, &sink_pa);
	if (st != VMK_OK)
		return st;
	memset(pa_to_va(sink_pa), 0xff, VMK_PAGE_SIZE);
	st = cos_npt_build(&cos_npt, &vmk_pool_tables, &vmk_pool, sink_pa);
	if (st != VMK_OK)
		return st;
	st = vmk_alloc_pages(MSRPM_PAGES, &msrpm_pa);
	if (st != VMK_OK)
		return st;
	st = vmk_alloc_pages(IOPM_PAGES, &iopm_pa);
	if (st != VMK_OK)
		return st;
	/* What the COS may not touch (exit_policy.h, cos_msr_kind()); the
	 * I/O permission map stays all zero: the COS owns every port. */
	memset(pa_to_va(msrpm_pa), 0, MSRPM_PAGES * VMK_PAGE_SIZE);
	memset(pa_to_va(iopm_pa), 0, IOPM_PAGES * VMK_PAGE_SIZE);
	cos_msrpm_build(pa_to_va(msrpm_pa));
	/* Before the vmkernel's own configuration cycles change it. */
	cos_pci_address_at_load = pci_cos_address_at_load();
	return VMK_OK;
}

static struct cos_pci cos_pci;		/* set at init, before any COS runs */
static uint32_t pci_refused;		/* cycles to hidden functions */
static uint32_t bridge_refused;		/* writes to the bridges above them */

static const struct cos_pci_hw_ops pci_hw = {
	.address = pci_cos_address,
	.data = pci_cos_data,
	.port = pci_port_io,
};

/* One bit per port, APM vol. 2 §15.10.1. */
static void iopm_trap(uint8_t *iopm, uint32_t port)
{
	iopm[port / 8] |= (uint8_t)(1u << (port % 8));
}

/* AMD family 10h and later decode an ECAM window (cos_pci.h). */
static bool cpu_has_ecam_msr(void)
{
	struct cpuid_regs r;
	uint32_t family;

	cpuid_count(1, 0, &r);
	family = (r.eax >> 8) & 0xf;
	if (family == 0xf)
		family += (r.eax >> 20) & 0xff;
	return family >= 0x10;
}

/*
 * bdf's page of the ECAM window goes the way of a taken BAR: left out of
 * the COS's nested table, so a COS that configures devices through
 * MMCONFIG (Linux does wherever ACPI's MCFG describes the window) reads
 * all ones there and writes reach nothing (cos_npt_divert()). The window
 * stays where it is: the MSR is WRITE_CHECKED (exit_policy.h). QEMU's
 * TCG implements no such MSR and reads it as 0: no window, nothing cut.
 */
static const char *hide_ecam_page(uint32_t bdf)
{
	uint64_t pa, msr;

	if (!cpu_has_ecam_msr())
		return NULL;
	msr = rdmsr(COS_PCI_MSR_MMIO_CFG);
	if (!cos_pci_ecam_page(msr, bdf, &pa)) {
		log_info("pci %02x:%02x.%u: no ECAM window (MSR C001_0058 %llx)",
			 bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, (unsigned long long)msr);
		return NULL;
	}
	if (pa + COS_PCI_ECAM_PAGE > 0x100000000ull) {
		/* above the nested table's span: the COS's accesses #GP */
		log_info("pci %02x:%02x.%u: ECAM page %llx is out of the COS's reach",
			 bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, (unsigned long long)pa);
		return NULL;
	}
	if (cos_npt_hide_device(&cos_npt, pa, COS_PCI_ECAM_PAGE) != VMK_OK)
		return "no room to cut its ECAM page out of the COS's nested table";
	log_info("pci %02x:%02x.%u: ECAM page %llx cut from the COS",
		 bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, (unsigned long long)pa);
	return NULL;
}

/*
 * The bridges above bdf keep their registers as they are while the
 * vmkernel owns it (cos_pci.h struct cos_pci): their configuration
 * writes are dropped, their ECAM pages cut as bdf's is (Linux on x86
 * reaches the first 256 bytes through mechanism 1 when it works, so
 * what the COS loses with the page is a bridge's extended capabilities:
 * AER, ACS, DPC read all ones).
 */
static const char *guard_bridges_above(uint32_t bdf)
{
	uint32_t br[COS_PCI_GUARDED_MAX], n, i;
	const char *problem;

	n = cos_pci_bridges_above(pci_read32, bdf >> 8, br, COS_PCI_GUARDED_MAX);
	if (n > COS_PCI_GUARDED_MAX)
		return "more PCI-to-PCI bridges lead to it than the vmkernel can guard";
	for (i = 0; i < n; i++) {
		if (!cos_pci_add_guarded(&cos_pci, br[i]))
			return "more PCI-to-PCI bridges lead to the taken functions than the vmkernel can guard";
		problem = hide_ecam_page(br[i]);
		if (problem)
			return problem;
		log_info("pci %02x:%02x.%u: bridge above %02x:%02x.%u: the COS's writes to it are refused",
			 br[i] >> 8, (br[i] >> 3) & 0x1f, br[i] & 7,
			 bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
	}
	return NULL;
}

const char *cos_pci_hide(uint32_t bdf)
{
	uint8_t *iopm = pa_to_va(iopm_pa);
	const char *problem;
	uint32_t port;

	if (!cos_pci_add_hidden(&cos_pci, bdf))
		return "the vmkernel already hides as many PCI functions from the COS as it can";
	/* Any access that touches 0xCF8 or the data ports exits: 0xCF9
	 * (reset control) and 0xCFA-0xCFB alone stay native. */
	iopm_trap(iopm, COS_PCI_ADDRESS_PORT);
	for (port = COS_PCI_DATA_PORT; port < COS_PCI_DATA_PORT + 4; port++)
		iopm_trap(iopm, port);
	problem = hide_ecam_page(bdf);
	return problem ? problem : guard_bridges_above(bdf);
}

/*
 * A COS IN/OUT on 0xCF8 or the configuration data ports (the only ports
 * whose IOPM bits are set): done for it through its vCPU's copy of the
 * address register (cos_pci.h), unless it aims at a hidden device.
 * String forms are not used for configuration space: #GP.
 */
static void handle_ioio(struct cos_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;
	uint32_t info = (uint32_t)c->exit_info1;
	uint32_t size = (info >> IOIO_SZ_SHIFT) & 7, val = (uint32_t)c->rax;
	bool in = info & IOIO_TYPE_IN;
	uint32_t n, bdf = 0;

	if (info & (IOIO_STR | IOIO_REP) || !(size == 1 || size == 2 || size == 4)) {
		svm_inject_exception(c, X86_GP, true, 0);
		log_warn("COS string I/O on PCI configuration port %x refused (#GP)",
			 info >> IOIO_PORT_SHIFT);
		return;
	}
	if (cos_pci_io(&cos_pci, &pci_hw, &v->pci_address,
		       (uint16_t)(info >> IOIO_PORT_SHIFT), size, in, &val, &bdf)) {
		bool hidden = cos_pci_is_hidden(&cos_pci, bdf);

		n = __atomic_add_fetch(hidden ? &pci_refused : &bridge_refused, 1,
				       __ATOMIC_RELAXED);
		if (log_nth(n) && hidden)
			log_warn("COS PCI configuration access to the device the vmkernel owns (%02x:%02x.%x) refused, %u so far",
				 bdf >> 8, (bdf >> 3) & 31, bdf & 7, n);
		else if (log_nth(n))
			log_warn("COS PCI configuration write to register %x of bridge %02x:%02x.%x above a device the vmkernel owns refused, %u so far",
				 (v->pci_address & 0xfc) + ((info >> IOIO_PORT_SHIFT) & 3),
				 bdf >> 8, (bdf >> 3) & 31, bdf & 7, n);
	}
	if (in) {
		uint32_t mask = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;

		c->rax = (c->rax & ~(uint64_t)mask) | (val & mask);
	}
	c->rip = c->exit_info2;		/* next RIP, §15.10.2 */
}

/* cpu's COS VMCB gets the vmkernel's CR3 just before its next VMRUN. */
static bool corrupt_next[VMK_MAX_CPUS];

void svm_debug_corrupt_cos_vmcb(uint32_t cpu)
{
	if (cpu < VMK_MAX_CPUS)
		corrupt_next[cpu] = true;
}

static void seg_from_launch(struct vmcb_seg *s, const struct vmk_launch *l,
			    int i, uint32_t sel)
{
	s->sel = (uint16_t)sel;
	s->attr = (uint16_t)l->seg_attr[i];
	s->limit = l->seg_limit[i];
	s->base = l->seg_base[i];
}

static void vmcb_setup(struct cos_vcpu *v)
{
	const struct vmk_launch *l = v->launch;
	struct vmcb *c = v->svm.vmcb;

	c->intercept3 = INTERCEPT_CPUID | INTERCEPT_MSR_PROT | INTERCEPT_INVD |
			INTERCEPT_SHUTDOWN | INTERCEPT_INVLPGA;
	if (cos_pci.nhidden)
		c->intercept3 |= INTERCEPT_IOIO_PROT;
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
	c->dr6 = 0xffff0ff0;	/* architectural reset value, §13.1 */
	c->rflags = l->eflags | X86_EFLAGS_FIXED;
	c->rip = l->eip;
	c->rsp = l->esp;
	c->rax = VMK_OK;	/* what vmk_launch() returns in the COS */
	c->g_pat = ((uint64_t)l->pat_hi << 32) | l->pat_lo;
}

vmk_status_t cos_vcpu_init(struct cos_vcpu *v)
{
	struct svm_vcpu *sv = &v->svm;
	vmk_status_t st;
	uint32_t dr7;

	st = svm_cpu_enable(v->cpu);
	if (st == VMK_OK)
		st = vmk_alloc_role(1, POOL_VMCB, &sv->vmcb_pa);
	if (st == VMK_OK)
		st = xstate_alloc(&sv->xstate);
	if (st != VMK_OK)
		return st;
	sv->vmcb = pa_to_va(sv->vmcb_pa);
	/* The COS's x87/SSE/AVX registers and XCR0, live until now. */
	xstate_cpu_init();
	xstate_capture(&sv->xstate, v->cpu);
	/* Its DR0-3, and its DR7 for its VMCB (off in the vmkernel). */
	dr7 = debugreg_capture(&sv->dregs, v->cpu);
	v->svm_on = true;
	/* From here the vmkernel runs with GIF=0 except in its interrupt
	 * windows (intr.c); #VMEXIT clears GIF again each time. */
	asm volatile("clgi" ::: "memory");
	/* The COS's FS, GS, TR, LDTR and syscall MSRs, still live here. */
	asm volatile("vmsave %0" :: "a"(sv->vmcb_pa) : "memory");
	v->cos_saved = true;
	desc_load_host_segments(v->cpu);
	asm volatile("vmsave %0" :: "a"(svm_cpus[v->cpu].host_area_pa) : "memory");
	vmcb_setup(v);
	sv->vmcb->dr7 = dr7;
	v->pci_address = cos_pci_address_at_load;
	vmk_cpu_virtualized(v->cpu, true);
	return VMK_OK;
}

/*
 * A COS write to an MSR whose writes exit (cos_msr_kind()): done when
 * it changes nothing the vmkernel relies on, else #GP (false), logged
 * the first time and at each power of two.
 */
static bool cos_msr_write(struct cos_vcpu *v, uint32_t msr, uint64_t val)
{
	uint64_t cur, n;

	if (cos_msr_kind(msr) == COS_MSR_WRITE_CHECKED) {
		cur = rdmsr(msr);
		if (cos_msr_write_ok(msr, cur, val)) {
			if (val != cur)
				wrmsr(msr, val);
			return true;
		}
	}
	n = ++v->msr_writes_refused;
	if (log_nth(n))
		log_warn("COS write of MSR %x (%llx) refused (#GP): the vmkernel relies on it; %llu so far on cpu%u",
			 msr, (unsigned long long)val, (unsigned long long)n, v->cpu);
	return false;
}

/* EFER.SVME stays set in the VMCB (VMRUN requires it, §15.5.1) but the
 * COS sees it clear and cannot set it, as on a CPU with SVM disabled. */
static void handle_msr(struct cos_vcpu *v)
{
	struct svm_vcpu *sv = &v->svm;
	struct vmcb *c = sv->vmcb;
	bool write = c->exit_info1 & 1, ok;
	uint64_t val = svm_edx_eax(sv);

	switch (sv->ecx) {
	case MSR_EFER:
		ok = efer_msr(c, write, &val);
		if (!ok)
			log_warn("COS tried to set EFER.SVME: #GP");
		break;
	case MSR_VM_CR:
		ok = vm_cr_msr(write, &val);
		break;
	case MSR_VM_HSAVE_PA:	/* SVM is "disabled" */
		ok = false;
		break;
	default:		/* only writes exit for the others */
		ok = write && cos_msr_write(v, sv->ecx, val);
		break;
	}
	if (!ok) {
		svm_inject_exception(c, X86_GP, true, 0);
		return;
	}
	if (!write)
		svm_set_edx_eax(sv, val);
	svm_skip_insn(sv);
}

/*
 * A VMMCALL from COS user mode: #UD, nothing else. Logged the first time
 * and then at each power of two, so that a process looping on it cannot
 * flood the log.
 */
static void refuse_user_vmmcall(struct cos_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;
	uint64_t n = ++v->user_vmmcalls;

	svm_inject_exception(c, X86_UD, false, 0);
	if (!log_nth(n))
		return;
	log_warn("VMMCALL from COS user mode refused (#UD): cpl %u rip %x eax %x, %llu so far on this CPU",
		 c->cpl, (uint32_t)c->rip, (uint32_t)c->rax,
		 (unsigned long long)n);
}

static void handle_vmmcall(struct cos_vcpu *v)
{
	struct svm_vcpu *sv = &v->svm;
	struct hc_call call = {
		.nr = (uint32_t)sv->vmcb->rax,
		.arg = { sv->ebx, sv->ecx, sv->edx, sv->esi },
		.cpu = v->cpu,
	};
	vmk_status_t st;

	if (!cos_vmmcall_is_hypercall(sv->vmcb)) {
		refuse_user_vmmcall(v);
		return;
	}
	st = hypercall_dispatch(&call);

	svm_skip_insn(sv);
	sv->vmcb->rax = (uint32_t)st;
	sv->ebx = call.result;
	if (call.action == HC_GIVE_BACK) {
		vm_reap_all();			/* no VM worlds left behind */
		service_stop();			/* no periodic disk I/O */
		storage_stop();			/* no DMA into the pool */
		uplink_stop();
		sched_cpu_leave(v->cpu);	/* nor test worlds here */
		intr_window();	/* nothing of the vmkernel's left pending */
		log_info("cpu%u given back to the COS", v->cpu);
		cpu_give_back(v, VMK_OK);
	}
}

/*
 * Every COS #NPF is the COS's doing (its table maps all else): a touch of
 * vmkernel memory or of the device the vmkernel drives is diverted to the
 * sink, an address beyond what the table can map (above 4 GiB, where the
 * loader made sure no COS RAM lies) gets #GP(0). None needs memory; all
 * are logged at the 1st, 2nd, 4th, ... one, so a COS that loops on them
 * cannot flood the log.
 */
static void handle_npf(struct cos_vcpu *v)
{
	static const char *const what[] = {
		[COS_NPT_VMKERNEL] = "vmkernel memory blocked",
		[COS_NPT_DEVICE] = "a device the vmkernel owns blocked",
		[COS_NPT_UNMAPPABLE] = "an address the nested table cannot map refused (#GP)",
	};
	struct vmcb *c = v->svm.vmcb;
	uint64_t gpa = c->exit_info2, n;
	enum cos_npt_hit hit = cos_npt_divert(&cos_npt, &vmk_pool, gpa, &n);

	if (hit == COS_NPT_UNMAPPABLE)
		svm_inject_exception(c, X86_GP, true, 0);
	if (!log_nth(n))
		return;
	log_warn("COS access to %s: gpa %llx rip %llx err %llx, %llu so far",
		 what[hit], (unsigned long long)gpa, (unsigned long long)c->rip,
		 (unsigned long long)c->exit_info1, (unsigned long long)n);
}

/*
 * The COS halted. With other worlds around (HLT is intercepted only then)
 * its vCPU waits off the CPU until an interrupt for it arrives; one that
 * is already queued, or an event still to re-inject, goes in at once.
 */
static void handle_hlt(struct cos_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;

	svm_skip_insn(&v->svm);
	c->int_state &= ~INT_STATE_SHADOW;	/* the STI before HLT */
	if (!cos_intr_pending(v->cpu) && !(c->event_inj & EVENT_VALID))
		sched_block(world_current());
}

void cos_give_back_panicked(struct cos_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;

	if (cos_is_down()) {
		/* Nothing to go back to: the COS would fault again at once. */
		vmk_log_emergency("cpu%u halts: the COS is down (reset the machine)",
				  v->cpu);
		cpu_halt_forever();
	}
	if (v->in_exit && c->exit_code == SVM_EXIT_VMMCALL &&
	    cos_vmmcall_is_hypercall(c)) {
		svm_skip_insn(&v->svm);
		cpu_give_back(v, VMK_PANICKED);
	}
	/* Preempted after a handled exit, or inside one that was not a
	 * hypercall: the COS resumes with all its registers, EAX too. An
	 * exiting instruction is not advanced: the COS executes it again
	 * natively (a user-mode VMMCALL then takes #UD, SVME being clear). */
	cpu_resume_cos(v);
}

static void handle_exit(struct cos_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;
	uint32_t kind;

	svm_exit_begin(&v->svm);
	if (__atomic_load_n(&vmk_state, __ATOMIC_SEQ_CST) == VMK_STATE_PANICKED)
		cos_give_back_panicked(v);
	/* Down on another CPU: this exit is not handled either (no
	 * hypercall, no give-back); cos_run() returns for good. */
	if (cos_is_down())
		return;
	if (svm_insn_exit(c->exit_code)) {
		svm_inject_exception(c, X86_UD, false, 0);
		v->exits[VMK_EXIT_SVM_INSN]++;
		v->exits_total++;
		return;
	}
	if (dr_access_exit(c->exit_code)) {
		svm_handle_dr_access(&v->svm);
		v->exits[VMK_EXIT_OTHER]++;
		v->exits_total++;
		return;
	}

	switch (c->exit_code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
		kind = VMK_EXIT_INTR;
		cos_intr_exit(c, v->cpu);
		break;
	case SVM_EXIT_VINTR:
		kind = VMK_EXIT_VINTR;	/* the COS can take an interrupt now */
		cos_intr_exit(c, v->cpu);
		break;
	case SVM_EXIT_IRET:	/* the end of an NMI handler */
		kind = VMK_EXIT_OTHER;
		cos_intr_iret_exit(c, v->cpu);
		break;
	case SVM_EXIT_EXCP_DB:	/* the step past that IRET */
		kind = VMK_EXIT_OTHER;
		cos_intr_db_exit(c, v->cpu);
		break;
	case SVM_EXIT_HLT:
		kind = VMK_EXIT_HLT;
		handle_hlt(v);
		break;
	case SVM_EXIT_CPUID:
		kind = VMK_EXIT_CPUID;
		svm_answer_cpuid(&v->svm, &cos_cpuid);
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
	case SVM_EXIT_IOIO:
		kind = VMK_EXIT_OTHER;
		handle_ioio(v);
		break;
	case SVM_EXIT_INVD:	/* never drop the vmkernel's dirty lines */
		kind = VMK_EXIT_OTHER;
		if (cache_flush_policy(false, c->exit_code) == CACHE_FLUSH_WBINVD)
			wbinvd();
		svm_skip_insn(&v->svm);
		break;
	default:	/* SVM_EXIT_SHUTDOWN (a triple fault) among them */
		kind = VMK_EXIT_OTHER;
		cos_down(v, cos_down_cause(c->exit_code));
		break;
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
	struct cos_vcpu *v = w->priv;
	struct vmcb *c = v->svm.vmcb;

	for (;;) {
		if (cos_is_down())
			return;		/* for good: the scheduler takes it off */
		if (sched_cpu_shared(v->cpu))
			c->intercept3 |= INTERCEPT_HLT;
		else
			c->intercept3 &= ~INTERCEPT_HLT;
		uplink_intr_work(v->cpu);	/* the NIC interrupted: its frames */
		cos_intr_inject(c, v->cpu);
		/* What the COS resumes from if this VMCB is lost (cpu_give_back). */
		if (!svm_holds_host_state(c))
			memcpy(v->entry_save, (uint8_t *)c + COS_SAVE_OFF, COS_SAVE_LEN);
		if (corrupt_next[v->cpu]) {
			corrupt_next[v->cpu] = false;
			c->cr3 = vmk_boot_info.boot_cr3;
		}
		if (!svm_world_switch(&v->svm))
			vmk_panic("cpu%u: the COS VMCB %x holds the vmkernel's own state (VMCB corruption)",
				  v->cpu, v->svm.vmcb_pa);
		if (c->exit_code == SVM_EXIT_INVALID) {
			if (!v->launched) {
				log_err("cpu%u: VMRUN refused the COS state", v->cpu);
				cpu_give_back(v, VMK_HW_FAILURE);
			}
			cos_down(v, cos_down_cause(c->exit_code));
			return;
		}
		v->launched = true;
		v->in_exit = true;
		handle_exit(v);
		v->in_exit = false;
		if (cos_is_down())
			return;
		if (w->state != WORLD_RUNNING || sched_should_yield()) {
			if (cos_intr_leave(v->cpu))
				return;
			/* Inside a handler of class 0xf: run a little longer. */
			if (w->state == WORLD_BLOCKED)
				sched_wake(w);
		}
	}
}

/* Back on its CPU: the COS's LAPIC timer and its deferred interrupts. */
static void cos_enter(struct world *w)
{
	const struct cos_vcpu *v = w->priv;

	cos_intr_return(v->cpu);
	cos_timer_in(v->cpu);
}

const struct world_ops cos_world_ops = { .run = cos_run, .enter = cos_enter };

static void __attribute__((noreturn)) give_back(struct cos_vcpu *v,
						bool status,
						vmk_status_t st)
{
	struct vmk_launch *l = v->launch;
	struct vmcb *c = v->svm.vmcb;
	uint32_t vmcb_pa = v->cos_saved ? v->svm.vmcb_pa : 0, cr3;

	if (v->svm_on) {
		cos_timer_in(v->cpu);	/* its own LAPIC timer, if borrowed */
		cos_intr_give_back(v->cpu);
		/* Its registers, if a VM's were loaded last. */
		xstate_hand_back(&v->svm.xstate, v->cpu);
		debugreg_hand_back(&v->svm.dregs, v->cpu);
	}
	/* The COS's ports were the vmkernel's only with a hidden device. */
	if (cos_pci.nhidden)
		pci_cos_give_back();
	if (v->launched && svm_holds_host_state(c)) {
		/* Never resume the COS on the vmkernel's own state: take the
		 * COS's as it was at its last VMRUN. */
		memcpy((uint8_t *)c + COS_SAVE_OFF, v->entry_save, COS_SAVE_LEN);
		log_err("cpu%u: the COS VMCB held the vmkernel's state; the COS resumes from its last VMRUN (rip %x)",
			v->cpu, (uint32_t)c->rip);
	}
	if (v->launched) {
		/* The COS's current state; the launch record's is stale. */
		l->eip = (uint32_t)c->rip;
		l->esp = (uint32_t)c->rsp;
		l->eflags = (uint32_t)c->rflags;
		l->ebx = v->svm.ebx;
		l->ecx = v->svm.ecx;
		l->edx = v->svm.edx;
		l->esi = v->svm.esi;
		l->edi = v->svm.edi;
		l->ebp = v->svm.ebp;
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
	/* After the repair above: a lost VMCB's RAX is the vmkernel's. */
	l->eax = status ? (uint32_t)st : (uint32_t)c->rax;
	l->efer_lo &= ~(uint32_t)EFER_SVME;
	/* The trampoline reloads FS/GS/TR/LDTR from the VMCB only if saved. */
	l->vmcb_pa = vmcb_pa;
	/* Read after the repair above: a lost VMCB's CR3 is the vmkernel's. */
	cr3 = v->launched ? (uint32_t)c->cr3 : v->launch_cr3;
	vmk_cpu_virtualized(v->cpu, false);
	asm volatile("jmp *%3"
		     :: "a"(vmcb_pa), "c"(cr3), "d"(v->launch_va),
			"S"(vmk_boot_info.tramp_exit_va)
		     : "memory");
	__builtin_unreachable();
}

void cpu_give_back(struct cos_vcpu *v, vmk_status_t st)
{
	give_back(v, true, st);
}

void cpu_resume_cos(struct cos_vcpu *v)
{
	give_back(v, !v->launched, VMK_PANICKED);
}
