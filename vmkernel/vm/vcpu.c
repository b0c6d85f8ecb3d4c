// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM's vCPU on AMD SVM (APM vol. 2 ch. 15): its VMCB, the run loop and
 * the exit handler against the virtual platform (vmm/devices.h) and the
 * MMIO emulator (vmm/insn.h). Linked into the vmkernel only.
 *
 * Intercepts: physical INTR and NMI (arch/x86/intr.h: the vmkernel takes
 * them; the run returns when the COS got one), VINTR (interrupt window),
 * CPUID, HLT, all port I/O, all MSRs, MOV to CR4, SHUTDOWN, the SVM instructions and
 * MONITOR/MWAIT (#UD), and nested page faults (everything that is not RAM).
 */
#include "vmkernel/vm/vm.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/arch/x86/intr.h"
#include "vmkernel/arch/x86/vmcb.h"
#include "vmkernel/core/panic.h"
#include "vmkernel/log/log.h"
#include "vmm/boot/boot.h"
#include "vmm/boot/firmware.h"
#include "vmm/guest_walk.h"
#include "vmm/insn.h"



/* x86 architectural facts (SDM vol. 3A, APM vol. 2). */
#define X86_CR0_PE		(1u << 0)
#define X86_CR0_ET		(1u << 4)
#define X86_CR4_OSXSAVE		(1u << 18)
#define X86_EFLAGS_IF		(1u << 9)
#define RESET_PAT		0x0007040600070406ull	/* SDM vol. 3A §11.12.4 */
/* VMCB segment attributes (descriptor bits 47:40, 55:52), §15.5.1. */
#define SEG_CODE32		0xc9b	/* G, D, P, S, execute/read, accessed */
#define SEG_DATA32		0xc93	/* G, B, P, S, read/write, accessed */
#define SEG_CODE16		0x09b
#define SEG_DATA16		0x093
#define SEG_LDT			0x082
#define SEG_TSS32_BUSY		0x08b

/* MSRs with a meaning for guests (APM vol. 2 appendix A, SDM vol. 4). */
#define MSR_TSC			0x00000010
#define MSR_SYSENTER_CS		0x00000174
#define MSR_SYSENTER_ESP	0x00000175
#define MSR_SYSENTER_EIP	0x00000176
#define MSR_STAR		0xc0000081
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103	/* APM vol. 2 §13.2.4, bits 63:32 reserved */
#define MSR_K7_HWCR		0xc0010015
#define HWCR_TSC_FREQ_SEL	(1ull << 24)	/* TSC counts at P0 frequency */
#define MSR_LOG_MAX		8	/* absent MSRs logged per vCPU */

static uint32_t vm_msrpm_pa, vm_iopm_pa;

/* Each CPU hands out the VMs' ASIDs (arch/x86/asid.h). */
static struct asid_cpu vm_asid_cpus[VMK_MAX_CPUS];

/* A VM's MAXPHYADDR: CPUID 8000_0008h EAX[7:0] passes through, else 36 (SDM vol. 3A §4.1.4). */
static uint8_t vm_phys_bits;

/* Every MSR and every port exits: a VM sees only what the vmm models. */
vmk_status_t vcpu_global_init(void)
{
	struct cpuid_regs r;
	vmk_status_t st;

	cpuid_count(0x80000000, 0, &r);
	vm_phys_bits = 36;
	if (r.eax >= 0x80000008) {
		cpuid_count(0x80000008, 0, &r);
		vm_phys_bits = (uint8_t)r.eax;
	}
	cpuid_count(0x8000000a, 0, &r);
	for (uint32_t cpu = 0; cpu < VMK_MAX_CPUS; cpu++)
		asid_cpu_init(&vm_asid_cpus[cpu], r.ebx);

	st = vmk_alloc_pages(MSRPM_PAGES, &vm_msrpm_pa);
	if (st == VMK_OK)
		st = vmk_alloc_pages(IOPM_PAGES, &vm_iopm_pa);
	if (st != VMK_OK)
		return st;
	memset(pa_to_va(vm_msrpm_pa), 0xff, MSRPM_PAGES * VMK_PAGE_SIZE);
	memset(pa_to_va(vm_iopm_pa), 0xff, IOPM_PAGES * VMK_PAGE_SIZE);
	return VMK_OK;
}

vmk_status_t vcpu_create(struct vm_vcpu *v, struct vm *vm, uint32_t index)
{
	vmk_status_t st;

	memset(v, 0, sizeof(*v));
	st = vmk_alloc_role(1, POOL_VMCB, &v->svm.vmcb_pa);
	if (st != VMK_OK)
		return st;
	v->svm.vmcb = pa_to_va(v->svm.vmcb_pa);
	v->vm = vm;
	v->index = index;
	v->svm.domain = vm->domain;
	st = xstate_alloc(&v->svm.xstate);
	if (st != VMK_OK)
		vcpu_destroy(v);
	return st;
}

void vcpu_destroy(struct vm_vcpu *v)
{
	if (v->svm.vmcb_pa && pool_free_role(&vmk_pool, v->svm.vmcb_pa, 1, POOL_VMCB) != VMK_OK)
		vmk_panic("vm %u vcpu %u: VMCB %x is not a VMCB page of the pool",
			  v->vm->id, v->index, v->svm.vmcb_pa);
	v->svm.vmcb_pa = 0;
	v->svm.vmcb = NULL;
	xstate_free(&v->svm.xstate);
}

static void seg_set(struct vmcb_seg *s, uint16_t sel, uint16_t attr,
		    uint32_t limit, uint32_t base)
{
	s->sel = sel;
	s->attr = attr;
	s->limit = limit;
	s->base = base;
}

static void vmcb_init(struct vm_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;

	memset(c, 0, sizeof(*c));
	memset(&v->nmi, 0, sizeof(v->nmi));
	debugreg_reset(&v->svm.dregs);	/* RESET and INIT: 0 */
	c->intercept_cr = INTERCEPT_CR4_WRITE;
	c->intercept_dr = VM_DR_INTERCEPTS;	/* emulated: handle_dr_access() */
	c->intercept3 = INTERCEPT_CPUID | INTERCEPT_INVD | INTERCEPT_RDPMC |
			INTERCEPT_HLT | INTERCEPT_IOIO_PROT | INTERCEPT_MSR_PROT |
			INTERCEPT_SHUTDOWN | INTERCEPT_INVLPGA;
	c->intercept4 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
			INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI |
			INTERCEPT_SKINIT | INTERCEPT_MONITOR | INTERCEPT_MWAIT |
			INTERCEPT_WBINVD |	/* exit_policy.h: cache_flush_policy */
			INTERCEPT_XSETBV;	/* XCR0 is switched per world */
	c->iopm_pa = vm_iopm_pa;
	c->msrpm_pa = vm_msrpm_pa;
	asid_forget(&v->asid);		/* a fresh one at the next entry */
	c->np_ctl = NP_ENABLE;
	c->ncr3 = v->vm->npt.pdpt_pa;
	c->efer = EFER_SVME;			/* VMRUN requires it; guests read it clear */
	c->dr6 = 0xffff0ff0;
	c->dr7 = 0x400;
	c->g_pat = RESET_PAT;
	seg_set(&c->ldtr, 0, SEG_LDT, 0xffff, 0);
	seg_set(&c->tr, 0, SEG_TSS32_BUSY, 0xffff, 0);
	intr_vmcb_setup(c);	/* physical interrupts exit: INTR, NMI, V_INTR_MASKING */
	v->svm.ebx = v->svm.ecx = v->svm.edx = v->svm.esi = v->svm.edi = v->svm.ebp = 0;
}

/*
 * Real mode at cs_sel:ip with CS's base cs_base, data segments 0, 64 KiB
 * limits (SDM vol. 3A §9.1.4 for RESET, §8.4.4 for SIPI). SVM runs it
 * natively: with nested paging the guest's CR0.PE and PG may be clear
 * (APM vol. 2 §15.19).
 */
static void vcpu_real_mode(struct vm_vcpu *v, uint16_t cs_sel, uint32_t cs_base,
			   uint16_t ip, uint32_t cr0)
{
	struct vmcb *c = v->svm.vmcb;

	seg_set(&c->cs, cs_sel, SEG_CODE16, 0xffff, cs_base);
	seg_set(&c->ds, 0, SEG_DATA16, 0xffff, 0);
	seg_set(&c->es, 0, SEG_DATA16, 0xffff, 0);
	seg_set(&c->ss, 0, SEG_DATA16, 0xffff, 0);
	seg_set(&c->fs, 0, SEG_DATA16, 0xffff, 0);
	seg_set(&c->gs, 0, SEG_DATA16, 0xffff, 0);
	c->gdtr.limit = 0xffff;
	c->idtr.limit = 0xffff;
	c->cr0 = cr0;
	c->rflags = X86_EFLAGS_FIXED;
	c->rip = ip;
	v->state = VCPU_RUNNABLE;
}

/* The real-mode state an AP starts in after SIPI (SDM vol. 3A §8.4.4). */
static void vcpu_sipi(struct vm_vcpu *v, uint8_t vector)
{
	vmcb_init(v);
	vcpu_real_mode(v, (uint16_t)(vector << 8), (uint32_t)vector << 12, 0,
		       X86_CR0_ET);
}

void vcpu_reset(struct vm_vcpu *v, const void *boot_entry)
{
	const struct boot_entry *e = boot_entry;
	struct vmcb *c = v->svm.vmcb;

	vmcb_init(v);
	v->tsc_aux = 0;		/* power on; INIT keeps it (SDM vol. 3A §9.1.1) */
	xstate_reset(&v->svm.xstate);
	if (v->index) {
		v->state = VCPU_WAIT_SIPI;
		return;
	}
	if (!e) {	/* firmware: the reset vector, FFFF0000h + FFF0h */
		vcpu_real_mode(v, FIRMWARE_RESET_CS_SEL, FIRMWARE_RESET_CS_BASE,
			       FIRMWARE_RESET_IP, FIRMWARE_RESET_CR0);
		return;
	}
	seg_set(&c->cs, BOOT_CS, SEG_CODE32, 0xffffffff, 0);
	seg_set(&c->ds, BOOT_DS, SEG_DATA32, 0xffffffff, 0);
	seg_set(&c->es, BOOT_DS, SEG_DATA32, 0xffffffff, 0);
	seg_set(&c->ss, BOOT_DS, SEG_DATA32, 0xffffffff, 0);
	seg_set(&c->fs, BOOT_DS, SEG_DATA32, 0xffffffff, 0);
	seg_set(&c->gs, BOOT_DS, SEG_DATA32, 0xffffffff, 0);
	c->gdtr.base = e->gdt_base;
	c->gdtr.limit = e->gdt_limit;
	c->cpl = 0;
	c->cr0 = X86_CR0_PE | X86_CR0_ET;
	c->rflags = X86_EFLAGS_FIXED;
	c->rip = e->eip;
	c->rsp = e->esp;
	c->rax = e->eax;
	v->svm.ebx = e->ebx;
	v->svm.ecx = e->ecx;
	v->svm.edx = e->edx;
	v->svm.esi = e->esi;
	v->svm.edi = e->edi;
	v->svm.ebp = e->ebp;
	v->state = VCPU_RUNNABLE;
}

/* ---- guest memory through the guest's page tables ---- */

/* RAM, or a BIOS VM's ROM (read-only: stores go to gpa_store()). */
static bool gpa_read(struct vm *vm, uint64_t gpa, void *dst, uint32_t len)
{
	const void *p = vm_gpa_ptr(vm, gpa, len);

	if (!p)
		p = vm_rom_ptr(vm, gpa, len);
	if (!p)
		return false;
	memcpy(dst, p, len);
	return true;
}

static bool walk_read(void *ctx, uint64_t gpa, void *dst, uint32_t len)
{
	return gpa_read(ctx, gpa, dst, len);
}

/* The guest's MMU sets A/D bits with a locked update (SDM vol. 3A §4.8). */
static bool walk_cmpxchg(void *ctx, uint64_t gpa, uint32_t old, uint32_t val)
{
	uint32_t *p = vm_gpa_ptr(ctx, gpa, sizeof(*p));

	return p && __atomic_compare_exchange_n(p, &old, val, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/*
 * Linear -> guest-physical through the guest's page tables for one access
 * at the vCPU's CPL, with the rights the guest's MMU would check.
 */
static enum gw_status gva_to_gpa(struct vm_vcpu *v, uint32_t lin,
				 enum gw_access acc, uint64_t *gpa,
				 uint32_t *pf_error)
{
	const struct vmcb *c = v->svm.vmcb;
	struct guest_mmu mmu = {
		.cr0 = (uint32_t)c->cr0, .cr3 = (uint32_t)c->cr3,
		.cr4 = (uint32_t)c->cr4, .efer = c->efer,
		.eflags = (uint32_t)c->rflags, .cpl = c->cpl,
		.phys_bits = vm_phys_bits,
		.read = walk_read, .cmpxchg = walk_cmpxchg, .ctx = v->vm,
	};

	return guest_walk(&mmu, lin, acc, gpa, pf_error);
}

/* ---- MMIO: nested page faults outside RAM ---- */

#define UNASSIGNED_LOG_FIRST	8	/* then at each power of two */

/*
 * A guest-physical access or port write nothing backs: reads give all
 * ones and writes are dropped, as on a PC (docs/vmm.md). Counted per VM
 * for `vmkctl vm info`; logged rate-limited, a guest probing in a loop
 * fills no log.
 */
static void count_unassigned(struct vm_vcpu *v, uint64_t *count,
			     const char *access, const char *space,
			     uint64_t addr, unsigned int size)
{
	uint64_t n = ++*count;

	if (n <= UNASSIGNED_LOG_FIRST || log_nth(n))
		log_info("vm %u vcpu %u: %s %s %llx (%u bytes) unassigned at rip %x (%llu so far)",
			 v->vm->id, v->index, access, space,
			 (unsigned long long)addr, size,
			 (uint32_t)v->svm.vmcb->rip, (unsigned long long)n);
}

/*
 * One emulated instruction's memory accesses. A refusal by the guest's
 * page tables is kept for the #PF the guest then gets (each callback
 * starts afresh: the failing access is the last one made).
 */
struct mmio_ctx {
	struct vm_vcpu *v;
	bool fault;
	uint32_t fault_addr, fault_error;
};

#define GUEST_PAGE	0x1000u

static bool mmio_translate(struct mmio_ctx *m, uint32_t lin,
			   enum gw_access acc, uint64_t *gpa)
{
	uint32_t err;
	enum gw_status st = gva_to_gpa(m->v, lin, acc, gpa, &err);

	if (st == GW_PAGE_FAULT) {
		m->fault = true;
		m->fault_addr = lin;
		m->fault_error = err;
	}
	return st == GW_OK;
}

/*
 * The code bytes at lin, page by page, each page walked as a fetch at
 * the vCPU's CPL. insn_emulate() fetches once, into its own buffer, and
 * decodes and executes that copy: another vCPU rewriting the code cannot
 * change the instruction between decode and execution.
 */
static unsigned int mmio_fetch(void *ctx, uint32_t lin, uint8_t *buf,
			       unsigned int len)
{
	struct mmio_ctx *m = ctx;
	unsigned int i, n;
	uint64_t gpa;

	m->fault = false;
	for (i = 0; i < len; i += n) {
		n = GUEST_PAGE - ((lin + i) & (GUEST_PAGE - 1));
		if (n > len - i)
			n = len - i;
		if (!mmio_translate(m, lin + i, GW_FETCH, &gpa) ||
		    !gpa_read(m->v->vm, gpa, &buf[i], n))
			break;
	}
	return i;
}

/*
 * A data access as the guest-physical pieces it touches: one, or two
 * when it crosses a page, each page translated on its own and both
 * before any byte moves (a fault on the second page leaves the first
 * untouched, as on hardware).
 */
struct mmio_span {
	unsigned int parts;
	unsigned int size[2];
	uint64_t gpa[2];
};

static bool mmio_span(struct mmio_ctx *m, uint32_t lin, unsigned int size,
		      enum gw_access acc, struct mmio_span *s)
{
	unsigned int first = GUEST_PAGE - (lin & (GUEST_PAGE - 1));

	m->fault = false;
	s->parts = size > first ? 2 : 1;
	s->size[0] = s->parts == 2 ? first : size;
	s->size[1] = size - s->size[0];
	return mmio_translate(m, lin, acc, &s->gpa[0]) &&
	       (s->parts == 1 || mmio_translate(m, lin + first, acc, &s->gpa[1]));
}

static uint32_t bytes_mask(unsigned int size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/*
 * Guest RAM or a device at gpa. A piece of a page-crossing access goes
 * to a device with its own size; one of 3 bytes is not decoded (reads
 * all ones, the write is dropped, counted as unassigned).
 */
static uint32_t gpa_load(struct vm_vcpu *v, uint64_t gpa, unsigned int size)
{
	uint32_t val = 0;

	if (!gpa_read(v->vm, gpa, &val, size) &&
	    !vdev_mmio_read(&v->vm->dev, v->index, gpa, size, &val))
		count_unassigned(v, &v->vm->unassigned_mmio,
				 "read (all ones) of", "gpa", gpa, size);
	return val & bytes_mask(size);
}

static void note_msi_dropped(struct vm_vcpu *v);

static void gpa_store(struct vm_vcpu *v, uint64_t gpa, unsigned int size,
		      uint32_t val)
{
	void *p = vm_gpa_ptr(v->vm, gpa, size);

	if (p) {
		memcpy(p, &val, size);
		return;
	}
	if (!vdev_mmio_write(&v->vm->dev, v->index, gpa, size, val))
		count_unassigned(v, &v->vm->unassigned_mmio,
				 "write (dropped) to", "gpa", gpa, size);
	note_msi_dropped(v);
}

static bool mmio_read(void *ctx, uint32_t lin, unsigned int size, uint32_t *val,
		      bool for_write)
{
	struct mmio_ctx *m = ctx;
	struct mmio_span s;

	if (!mmio_span(m, lin, size, for_write ? GW_WRITE : GW_READ, &s))
		return false;
	*val = gpa_load(m->v, s.gpa[0], s.size[0]);
	if (s.parts == 2)
		*val |= gpa_load(m->v, s.gpa[1], s.size[1]) << (8 * s.size[0]);
	return true;
}

static bool mmio_write(void *ctx, uint32_t lin, unsigned int size, uint32_t val)
{
	struct mmio_ctx *m = ctx;
	struct mmio_span s;

	if (!mmio_span(m, lin, size, GW_WRITE, &s))
		return false;
	gpa_store(m->v, s.gpa[0], s.size[0], val & bytes_mask(s.size[0]));
	if (s.parts == 2)
		gpa_store(m->v, s.gpa[1], s.size[1], val >> (8 * s.size[0]));
	return true;
}

/* INS checks its destination before the port read (vmm/insn.h). */
static bool mmio_probe_write(void *ctx, uint32_t lin, unsigned int size)
{
	struct mmio_span s;

	return mmio_span(ctx, lin, size, GW_WRITE, &s);
}

/*
 * Port accesses of IN/OUT and of the emulated INS/OUTS. Ports nobody
 * claims read as all ones; writes nobody takes are dropped and counted.
 */
static uint32_t port_read(struct vm_vcpu *v, uint16_t port, unsigned int size)
{
	return vdev_pio_read(&v->vm->dev, port, size);
}

/*
 * A BAR placement the PCI host refused (vmm/dev/pci_host.h): logged as
 * the unassigned accesses are, the first few and then at each power of
 * two, so a guest rewriting bad BARs in a loop fills no log. Likewise an
 * MSI it dropped (vmm/dev/pci_msi.h), noticed after the next port or
 * MMIO write.
 */
static bool pci_count_to_log(uint64_t n, uint64_t *seen)
{
	if (n == *seen)
		return false;
	*seen = n;
	/* 0: a platform reset cleared the count */
	return n && (n <= UNASSIGNED_LOG_FIRST || log_nth(n));
}

static void note_msi_dropped(struct vm_vcpu *v)
{
	const struct pci_host *pci = &v->vm->dev.pci;
	const struct pci_msi_drop *d = &pci->last_msi_drop;
	uint64_t n = pci->msi_dropped;

	if (pci_count_to_log(n, &v->vm->msi_dropped_seen))
		log_info("vm %u vcpu %u: PCI %02x:%02x.%u MSI (address %llx, data %x) dropped: %s (%llu so far)",
			 v->vm->id, v->index, 0, d->devfn >> 3, d->devfn & 7,
			 (unsigned long long)d->addr, d->data, d->why,
			 (unsigned long long)n);
}

static void note_bar_refused(struct vm_vcpu *v)
{
	const struct pci_host *pci = &v->vm->dev.pci;
	const struct pci_bar_refusal *r = &pci->last_refused;
	uint64_t n = pci->bars_refused;

	if (pci_count_to_log(n, &v->vm->bars_refused_seen))
		log_info("vm %u vcpu %u: PCI %02x:%02x.%u BAR%u (%s, %u bytes) at %x refused: %s; it does not decode (%llu so far)",
			 v->vm->id, v->index, 0, r->devfn >> 3, r->devfn & 7,
			 r->bar, r->io ? "I/O" : "memory", r->size, r->base,
			 r->why, (unsigned long long)n);
}

static void port_write(struct vm_vcpu *v, uint16_t port, unsigned int size,
		       uint32_t val)
{
	if (!vdev_pio_write(&v->vm->dev, port, size, val))
		count_unassigned(v, &v->vm->unassigned_io_writes,
				 "write (dropped) to", "port", port, size);
	note_bar_refused(v);
	note_msi_dropped(v);
}

static bool emul_port_in(void *ctx, uint16_t port, unsigned int size,
			 uint32_t *val)
{
	struct mmio_ctx *m = ctx;

	*val = port_read(m->v, port, size);
	return true;
}

static bool emul_port_out(void *ctx, uint16_t port, unsigned int size,
			  uint32_t val)
{
	struct mmio_ctx *m = ctx;

	port_write(m->v, port, size, val);
	return true;
}

static const struct insn_ops emul_ops = {
	.fetch = mmio_fetch, .read = mmio_read, .write = mmio_write,
	.port_in = emul_port_in, .port_out = emul_port_out,
	.probe_write = mmio_probe_write,
};

/* Registers, EIP and EFLAGS back from the emulator into the VMCB. */
static void vcpu_set_insn_state(struct vm_vcpu *v, const struct insn_cpu *cpu)
{
	struct vmcb *c = v->svm.vmcb;

	c->rax = cpu->gpr[INSN_EAX];
	v->svm.ecx = cpu->gpr[INSN_ECX];
	v->svm.edx = cpu->gpr[INSN_EDX];
	v->svm.ebx = cpu->gpr[INSN_EBX];
	c->rsp = cpu->gpr[INSN_ESP];
	v->svm.ebp = cpu->gpr[INSN_EBP];
	v->svm.esi = cpu->gpr[INSN_ESI];
	v->svm.edi = cpu->gpr[INSN_EDI];
	c->rip = cpu->eip;
	c->rflags = cpu->eflags;
}

/*
 * Emulate the instruction at CS:EIP (vmm/insn.h). When the guest's page
 * tables refuse the fetch or a data access, the guest gets the #PF its
 * MMU would raise, in the state the fault leaves (the iterations a REP
 * string did), and that counts as done: INSN_OK. Any other failure
 * leaves the vCPU as it was, for the caller to stop the VM with.
 */
static enum insn_status vcpu_emulate(struct vm_vcpu *v, struct insn *insn)
{
	struct vmcb *c = v->svm.vmcb;
	struct mmio_ctx m = { .v = v };
	struct insn_cpu cpu = {
		.gpr = { (uint32_t)c->rax, v->svm.ecx, v->svm.edx, v->svm.ebx,
			 (uint32_t)c->rsp, v->svm.ebp, v->svm.esi, v->svm.edi },
		.eip = (uint32_t)c->rip,
		.eflags = (uint32_t)c->rflags,
		.seg_base = { (uint32_t)c->es.base, (uint32_t)c->cs.base,
			      (uint32_t)c->ss.base, (uint32_t)c->ds.base,
			      (uint32_t)c->fs.base, (uint32_t)c->gs.base },
		.cs_db = (c->cs.attr >> 10) & 1,
	};
	enum insn_status st = insn_emulate(&cpu, &emul_ops, &m, insn);

	if ((st == INSN_FETCH_FAILED || st == INSN_ACCESS_FAILED) && m.fault) {
		/*
		 * EVENTINJ carries only vector and error code (APM vol. 2
		 * §15.20); the faulting address goes into the VMCB's CR2.
		 */
		vcpu_set_insn_state(v, &cpu);
		c->cr2 = m.fault_addr;
		svm_inject_exception(c, X86_PF, true, m.fault_error);
		return INSN_OK;
	}
	if (st == INSN_OK)
		vcpu_set_insn_state(v, &cpu);
	return st;
}

static void handle_npf(struct vm_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;
	struct insn insn;
	enum insn_status st = vcpu_emulate(v, &insn);

	if (st != INSN_OK)
		vm_stop_locked(v->vm, VMK_VM_STATE_ERROR,
			       "vcpu %u: MMIO access to gpa %llx at rip %x not emulated (%s, %u bytes %02x %02x %02x)",
			       v->index, (unsigned long long)c->exit_info2,
			       (uint32_t)c->rip, insn_status_str(st), insn.len,
			       insn.bytes[0], insn.bytes[1], insn.bytes[2]);
}

/* ---- port I/O ---- */

/*
 * INS/OUTS (the IOIO exit's string bit) go through the emulator, which
 * decodes the instruction at RIP afresh: operand and address size, DF,
 * ES:eDI or the overridable DS:eSI, eCX with REP, each element's memory
 * access walked with the guest's rights. A REP runs at most
 * INSN_REP_BUDGET elements per exit and leaves RIP on the instruction for
 * the rest, so a huge eCX does not hold the CPU or the VM lock. The
 * processor made its I/O permission checks (IOPL, TSS bitmap) before the
 * intercept, as for IN/OUT.
 */
static void handle_string_io(struct vm_vcpu *v, uint16_t port)
{
	struct insn insn;
	enum insn_status st = vcpu_emulate(v, &insn);

	if (st != INSN_OK)
		vm_stop_locked(v->vm, VMK_VM_STATE_ERROR,
			       "vcpu %u: string port I/O (port %x) at rip %x not emulated (%s, %u bytes %02x %02x %02x)",
			       v->index, port, (uint32_t)v->svm.vmcb->rip,
			       insn_status_str(st), insn.len, insn.bytes[0],
			       insn.bytes[1], insn.bytes[2]);
}

static void handle_ioio(struct vm_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;
	uint32_t info = (uint32_t)c->exit_info1;
	uint16_t port = (uint16_t)(info >> IOIO_PORT_SHIFT);
	unsigned int size = (info >> IOIO_SZ_SHIFT) & 7;
	uint32_t mask = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;

	if (info & IOIO_STR) {
		handle_string_io(v, port);
		return;
	}
	if (info & IOIO_TYPE_IN) {
		uint32_t val = port_read(v, port, size);

		c->rax = ((uint32_t)c->rax & ~mask) | (val & mask);
	} else {
		port_write(v, port, size, (uint32_t)c->rax & mask);
	}
	c->rip = c->exit_info2;		/* the next RIP, §15.10.2 */
}

/* ---- MOV to CR4 ---- */

/* GPR n of the ModRM encoding (0 EAX .. 7 EDI). */
static uint32_t vcpu_gpr(const struct vm_vcpu *v, unsigned int n)
{
	const struct vmcb *c = v->svm.vmcb;
	const uint32_t gpr[8] = {
		(uint32_t)c->rax, v->svm.ecx, v->svm.edx, v->svm.ebx,
		(uint32_t)c->rsp, v->svm.ebp, v->svm.esi, v->svm.edi,
	};

	return gpr[n & 7];
}

/*
 * CR4 as the guest's CPUID allows (cr4_reserved_bits): a bit the vCPU
 * does not have raises #GP as on hardware, where letting it through
 * would make the next VMRUN refuse the state (kvm-unit-tests' la57).
 */
static void handle_cr4_write(struct vm_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;
	const struct cpuid_policy p = {
		.vm = true, .vcpus = v->vm->cfg.vcpus, .apic_id = v->index,
	};
	struct mmio_ctx m = { .v = v };
	struct cpuid_regs l1, l7 = { 0, 0, 0, 0 };
	unsigned int cr, gpr, len, n;
	uint8_t b[15] = { 0 };
	uint32_t val;

	n = mmio_fetch(&m, (uint32_t)(c->cs.base + c->rip), b, sizeof(b));
	if (!mov_to_cr_decode(b, n, &cr, &gpr, &len) || cr != 4) {
		vm_stop_locked(v->vm, VMK_VM_STATE_ERROR,
			       "vcpu %u: MOV to CR4 at rip %x not decoded (%u bytes %02x %02x %02x; fetch #PF error %x, cr0 %x cr3 %x cr4 %x efer %x cpl %u)",
			       v->index, (uint32_t)c->rip, n, b[0], b[1], b[2],
			       m.fault ? m.fault_error : 0,
			       (uint32_t)c->cr0, (uint32_t)c->cr3, (uint32_t)c->cr4,
			       (uint32_t)c->efer, c->cpl);
		return;
	}
	cpuid_count(0, 0, &l1);
	if (l1.eax >= 7)
		cpuid_count(7, 0, &l7);
	cpuid_count(1, 0, &l1);
	cpuid_policy_apply(&p, 1, c->cr4, &l1);
	cpuid_policy_apply(&p, 7, c->cr4, &l7);
	val = vcpu_gpr(v, gpr);
	if (val & cr4_reserved_bits(&l1, &l7, c->efer & EFER_LMA)) {
		svm_inject_exception(c, X86_GP, true, 0);
		return;
	}
	/* MOV to CR4 flushes the TLB when paging bits change (SDM vol. 3A
	 * §4.10.4.1); the VMCB write alone does not. */
	if (val != (uint32_t)c->cr4)
		c->tlb_ctl = TLB_CONTROL_FLUSH_ALL;
	c->cr4 = val;
	svm_skip_decoded(&v->svm, len);
}

/* ---- MOV to and from debug registers ---- */

static void vcpu_set_gpr(struct vm_vcpu *v, unsigned int n, uint32_t val)
{
	uint32_t *gpr[8] = {
		NULL, &v->svm.ecx, &v->svm.edx, &v->svm.ebx,
		NULL, &v->svm.ebp, &v->svm.esi, &v->svm.edi,
	};

	if ((n & 7) == 0)
		v->svm.vmcb->rax = val;
	else if ((n & 7) == 4)
		v->svm.vmcb->rsp = val;
	else
		*gpr[n & 7] = val;
}

/*
 * Every MOV to/from DR0-3 and to DR5/DR7 of a VM (VM_DR_INTERCEPTS), on
 * its copy: DR0-3 reach the CPU before each VMRUN (debugreg_enter()),
 * DR7 through the VMCB. The checks the CPU makes before the intercept
 * (CPL 0, SDM vol. 3A §18.2.2 for DR4/DR5 with CR4.DE) are made again;
 * DR7.GD raises #DB with DR6.BD and clears GD, as the CPU does.
 */
static void handle_dr_access(struct vm_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;
	struct debugreg *d = &v->svm.dregs;
	struct mmio_ctx m = { .v = v };
	unsigned int dr, gpr, len, n;
	uint8_t b[15] = { 0 };
	bool write;

	n = mmio_fetch(&m, (uint32_t)(c->cs.base + c->rip), b, sizeof(b));
	if (!mov_dr_decode(b, n, &write, &dr, &gpr, &len)) {
		vm_stop_locked(v->vm, VMK_VM_STATE_ERROR,
			       "vcpu %u: MOV DR at rip %x not decoded (%u bytes %02x %02x %02x, exit %x)",
			       v->index, (uint32_t)c->rip, n, b[0], b[1], b[2],
			       c->exit_code);
		return;
	}
	if (c->cpl) {
		svm_inject_exception(c, X86_GP, true, 0);
		return;
	}
	if (dr == 4 || dr == 5) {
		if (c->cr4 & CR4_DE) {
			svm_inject_exception(c, X86_UD, false, 0);
			return;
		}
		dr += 2;
	}
	if (c->dr7 & DR7_GD) {
		c->dr6 |= DR6_BD;
		c->dr7 &= ~DR7_GD;
		svm_inject_exception(c, X86_DB, false, 0);
		return;
	}
	if (dr < 4 && write)
		d->dr[dr] = vcpu_gpr(v, gpr);
	else if (dr < 4)
		vcpu_set_gpr(v, gpr, d->dr[dr]);
	else if (dr == 7 && write)
		c->dr7 = dr7_written(vcpu_gpr(v, gpr));
	else	/* DR6 is not intercepted: an exit for it is the vmkernel's bug */
		vmk_panic("vcpu %u: MOV %s DR%u exited (exit %x)", v->index,
			  write ? "to" : "from", dr, c->exit_code);
	svm_skip_decoded(&v->svm, len);
}

/* ---- CPUID and MSRs ---- */

static void handle_cpuid(struct vm_vcpu *v)
{
	const struct cpuid_policy p = {
		.vm = true, .vcpus = v->vm->cfg.vcpus, .apic_id = v->index,
	};

	svm_answer_cpuid(&v->svm, &p);
}

/* An MSR kept in the VMCB (VMLOAD/VMSAVE or VMRUN switch it, §15.5). */
#define VMCB_MSR(f)				\
	do {					\
		if (write)			\
			(f) = *val;		\
		else				\
			*val = (f);		\
		return true;			\
	} while (0)

/* false: #GP */
static bool msr_access(struct vm_vcpu *v, uint32_t msr, bool write, uint64_t *val)
{
	struct vmcb *c = v->svm.vmcb;
	struct lapic *apic = &v->vm->dev.lapic[v->index];
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		if (write)
			return lapic_base_msr_write(apic, *val);
		*val = lapic_base_msr_read(apic);
		return true;
	case MSR_EFER:
		return efer_msr(c, write, val);
	case MSR_TSC:
		if (write)
			c->tsc_offset = *val - rdtsc();
		else
			*val = rdtsc() + c->tsc_offset;
		return true;
	case MSR_PAT:
		VMCB_MSR(c->g_pat);
	case MSR_SYSENTER_CS:
		VMCB_MSR(c->sysenter_cs);
	case MSR_SYSENTER_ESP:
		VMCB_MSR(c->sysenter_esp);
	case MSR_SYSENTER_EIP:
		VMCB_MSR(c->sysenter_eip);
	case MSR_STAR:
		VMCB_MSR(c->star);
	case MSR_KERNEL_GS_BASE:
		VMCB_MSR(c->kernel_gs_base);
	case MSR_TSC_AUX:
		if (!write) {
			*val = v->tsc_aux;
			return true;
		}
		if (*val >> 32)
			return false;
		v->tsc_aux = (uint32_t)*val;
		wrmsr(MSR_TSC_AUX, v->tsc_aux);	/* this CPU runs the vCPU */
		return true;
	case MSR_VM_CR:
		return vm_cr_msr(write, val);
	case MSR_VM_HSAVE_PA:
		return false;
	case MSR_K7_HWCR:
		/* TscFreqSel: the TSC counts at the P0 rate, not the current one. */
		if (!write)
			*val = HWCR_TSC_FREQ_SEL;
		return true;
	default:
		if (!vm_msr_reads_zero(msr)) {
			if (v->msr_logged++ < MSR_LOG_MAX)
				log_info("vm %u vcpu %u: %s of MSR %x: #GP (the platform has no such MSR)",
					 v->vm->id, v->index,
					 write ? "write" : "read", msr);
			return false;
		}
		if (!write)
			*val = 0;
		return true;
	}
}

static void handle_msr(struct vm_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;
	bool write = c->exit_info1 & 1;
	uint64_t val = svm_edx_eax(&v->svm);

	if (!msr_access(v, v->svm.ecx, write, &val)) {
		svm_inject_exception(c, X86_GP, true, 0);
		return;
	}
	if (!write)
		svm_set_edx_eax(&v->svm, val);
	svm_skip_insn(&v->svm);
}

/* ---- interrupts ---- */

/* Can the vCPU take an external interrupt now (§15.21)? */
static bool intr_window_open(const struct vmcb *c)
{
	return (c->rflags & X86_EFLAGS_IF) && !(c->int_state & INT_STATE_SHADOW);
}

static void inject_pending(struct vm_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;
	struct vm_devices *dev = &v->vm->dev;
	int vec;

	c->int_ctl &= ~(V_IRQ | V_IGN_TPR | (0xfull << V_INTR_PRIO_SHIFT));
	c->intercept3 &= ~INTERCEPT_VINTR;
	nmi_block_update(&v->nmi, c);
	if (c->event_inj & EVENT_VALID)
		return;		/* re-injecting what an exit interrupted */
	if (!nmi_block_offer(&v->nmi, c, &dev->lapic[v->index].nmi_pending))
		return;
	if (vdev_intr_pending(dev, v->index) == VDEV_NO_VECTOR)
		return;
	if (intr_window_open(c)) {
		vec = vdev_intr_ack(dev, v->index);
		if (vec != VDEV_NO_VECTOR)
			c->event_inj = (uint32_t)vec | EVENT_TYPE_INTR | EVENT_VALID;
		return;
	}
	/* Exit when the guest opens its window (VINTR), then inject. */
	c->int_ctl |= V_IRQ | V_IGN_TPR | (0xfull << V_INTR_PRIO_SHIFT);
	c->intercept3 |= INTERCEPT_VINTR;
}

/* INIT and SIPI from the virtual APIC bus (SDM vol. 3A §8.4.3). */
static void apic_events(struct vm_vcpu *v)
{
	struct lapic *apic = &v->vm->dev.lapic[v->index];

	if (apic->init_pending) {
		apic->init_pending = false;
		vmcb_init(v);
		v->state = VCPU_WAIT_SIPI;
	}
	if (apic->sipi_pending) {
		apic->sipi_pending = false;
		if (v->state == VCPU_WAIT_SIPI)
			vcpu_sipi(v, apic->sipi_vector);
	}
}

/* ---- the run loop ---- */

static void count_exit(struct vm *vm, uint32_t kind)
{
	vm->exits[kind]++;
	vm->exits_total++;
}

/* One exit, vm->lock held. A VM that stops is seen by the run loop. */
static void handle_exit(struct vm_vcpu *v)
{
	struct vmcb *c = v->svm.vmcb;
	struct vm *vm = v->vm;

	svm_exit_begin(&v->svm);
	if (intr_handle_exit(c)) {
		/* Taken by the vmkernel; the scheduler decides who runs next. */
		count_exit(vm, VMK_VM_EXIT_INTR);
		return;
	}
	if (svm_insn_exit(c->exit_code)) {
		count_exit(vm, VMK_VM_EXIT_OTHER);
		svm_inject_exception(c, X86_UD, false, 0);
		return;
	}
	if (dr_access_exit(c->exit_code)) {
		count_exit(vm, VMK_VM_EXIT_OTHER);
		handle_dr_access(v);
		return;
	}
	switch (c->exit_code) {
	case SVM_EXIT_VINTR:
		count_exit(vm, VMK_VM_EXIT_VINTR);
		return;
	case SVM_EXIT_IOIO:
		count_exit(vm, VMK_VM_EXIT_IO);
		handle_ioio(v);
		return;
	case SVM_EXIT_NPF:
		count_exit(vm, VMK_VM_EXIT_MMIO);
		handle_npf(v);
		return;
	case SVM_EXIT_MSR:
		count_exit(vm, VMK_VM_EXIT_MSR);
		handle_msr(v);
		return;
	case SVM_EXIT_WRITE_CR4:
		count_exit(vm, VMK_VM_EXIT_OTHER);
		handle_cr4_write(v);
		return;
	case SVM_EXIT_CPUID:
		count_exit(vm, VMK_VM_EXIT_CPUID);
		handle_cpuid(v);
		return;
	case SVM_EXIT_IRET:
		count_exit(vm, VMK_VM_EXIT_OTHER);
		nmi_block_iret_exit(&v->nmi, c);
		return;
	case SVM_EXIT_EXCP_DB:
		count_exit(vm, VMK_VM_EXIT_OTHER);
		nmi_block_db_exit(&v->nmi, c);
		return;
	case SVM_EXIT_HLT:
		count_exit(vm, VMK_VM_EXIT_HLT);
		svm_skip_insn(&v->svm);
		/* The STI before HLT shadowed only the HLT: without this the
		 * wake-up interrupt waited for a VINTR exit. */
		c->int_state &= ~INT_STATE_SHADOW;
		v->state = VCPU_HALTED;
		return;
	case SVM_EXIT_SHUTDOWN:
		count_exit(vm, VMK_VM_EXIT_OTHER);
		/* For the developer: what the guest had when it gave up. */
		log_info("vm %u vcpu %u shutdown: cr0 %x idtr %x/%x injected %x exitintinfo %llx cpu %u",
			 vm->id, v->index, (uint32_t)c->cr0, (uint32_t)c->idtr.base,
			 c->idtr.limit, v->svm.inj_event,
			 (unsigned long long)c->exit_int_info, v->last_cpu - 1);
		vm_stop_locked(vm, VMK_VM_STATE_ERROR,
			       "vcpu %u: triple fault (shutdown) at rip %x",
			       v->index, (uint32_t)c->rip);
		return;
	case SVM_EXIT_XSETBV:
		count_exit(vm, VMK_VM_EXIT_OTHER);
		svm_handle_xsetbv(&v->svm);
		return;
	case SVM_EXIT_INVD:
	case SVM_EXIT_WBINVD:
		count_exit(vm, VMK_VM_EXIT_OTHER);
		if (cache_flush_policy(true, c->exit_code) == CACHE_FLUSH_WBINVD)
			wbinvd();
		svm_skip_insn(&v->svm);
		return;
	case SVM_EXIT_RDPMC:
		count_exit(vm, VMK_VM_EXIT_OTHER);
		if (vm_rdpmc_policy(v->svm.ecx, c->cpl, c->cr4) == RDPMC_GP) {
			svm_inject_exception(c, X86_GP, true, 0);
			return;
		}
		c->rax = 0;
		v->svm.edx = 0;
		svm_skip_insn(&v->svm);
		return;
	case SVM_EXIT_VMMCALL:	/* the COS kernel's hypercall, never a VM's */
	case SVM_EXIT_MONITOR:	/* hidden in CPUID */
	case SVM_EXIT_MWAIT:
		count_exit(vm, VMK_VM_EXIT_OTHER);
		svm_inject_exception(c, X86_UD, false, 0);
		return;
	case SVM_EXIT_INVALID:
		vm_stop_locked(vm, VMK_VM_STATE_ERROR,
			       "vcpu %u: VMRUN refused the vCPU state (rip %x)",
			       v->index, (uint32_t)c->rip);
		return;
	default:
		count_exit(vm, VMK_VM_EXIT_OTHER);
		vm_stop_locked(vm, VMK_VM_STATE_ERROR,
			       "vcpu %u: unexpected exit %x (info %llx %llx) at rip %x",
			       v->index, c->exit_code,
			       (unsigned long long)c->exit_info1,
			       (unsigned long long)c->exit_info2, (uint32_t)c->rip);
		return;
	}
}

/* What the device models asked for during the exit. */
static void platform_requests(struct vm *vm)
{
	switch (vm->dev.status) {
	case VDEV_POWEROFF_REQUESTED:
		vm_stop_locked(vm, VMK_VM_STATE_OFF, "guest powered off");
		break;
	case VDEV_RESET_REQUESTED:
		vm_request_reset_locked(vm);
		break;
	case VDEV_FAILED:
		vm_stop_locked(vm, VMK_VM_STATE_ERROR, "device model: %s",
			       why_said(&vm->dev.status_why) ? vm->dev.status_why.text : "failed");
		break;
	case VDEV_EXIT_REQUESTED:
		vm_stop_locked(vm, VMK_VM_STATE_OFF,
			       "guest exit code %u through isa-debug-exit (QEMU's exit status %u)",
			       vm->dev.debug_exit.code,
			       debug_exit_qemu_status(vm->dev.debug_exit.code));
		break;
	default:
		break;
	}
}

bool vcpu_has_work(struct vm_vcpu *v)
{
	struct vm *vm = v->vm;
	struct lapic *apic = &vm->dev.lapic[v->index];

	if (apic->init_pending || apic->sipi_pending)
		return true;
	if (v->state == VCPU_WAIT_SIPI)
		return false;
	return (apic->nmi_pending && !v->nmi.masked) ||
	       ((v->svm.vmcb->rflags & X86_EFLAGS_IF) &&
		vdev_intr_pending(&vm->dev, v->index) != VDEV_NO_VECTOR);
}

void vm_wake_vcpus_locked(struct vm *vm, bool all)
{
	uint32_t i;

	for (i = 0; i < vm->cfg.vcpus; i++) {
		struct vm_vcpu *u = &vm->vcpu[i];

		if (u->world && u->world->state == WORLD_BLOCKED &&
		    (all || (u->svm.vmcb && vcpu_has_work(u))))
			sched_wake(u->world);
	}
}

static const char *const vcpu_state_names[] = {
	[VCPU_RUNNABLE] = "runnable", [VCPU_HALTED] = "halted",
	[VCPU_WAIT_SIPI] = "wait-sipi",
};

/*
 * One vCPU's state in the vmkernel log (vmkctl vm dump): what a guest
 * hang seen once in CI needs to be read from its log. A vCPU in the guest
 * is read without stopping it, so its fields may be of different moments.
 */
/*
 * Where a vCPU's VMCB is: its pool role (POOL_VMCB unless freed under
 * it) and whether it lies in its own VM's RAM (it must not: a guest
 * would write the VMCB, a #VMEXIT the guest's memory). For a guest that
 * dies of corrupt page tables (tests/lab/quarantine).
 */
static void vcpu_dump_vmcb_home(const struct vm_vcpu *v)
{
	const struct vm *vm = v->vm;
	uint32_t pa = v->svm.vmcb_pa, i;

	for (i = 0; i < vm->nchunks; i++)
		if (pa - vm->chunk_pa[i] < VMK_CHUNK_SIZE)
			break;
	if (i < vm->nchunks)
		log_err("vm %u vcpu %u: vmcb %x (pool role %u) is the VM's own RAM at gpa %x: a vmkernel bug",
			vm->id, v->index, pa, pool_role_of(&vmk_pool, pa),
			i * VMK_CHUNK_SIZE + (pa - vm->chunk_pa[i]));
	else
		log_info("vm %u vcpu %u: vmcb %x (pool role %u)", vm->id, v->index, pa,
			 pool_role_of(&vmk_pool, pa));
}

static void vcpu_dump(const struct vm_vcpu *v, uint64_t now)
{
	struct vm *vm = v->vm;
	const struct vmcb *c = v->svm.vmcb;
	const struct lapic *a = &vm->dev.lapic[v->index];
	int64_t next_us = a->timer_next_ns == UINT64_MAX ? -1 :
			  (int64_t)(a->timer_next_ns - now) / 1000;

	if (!c)
		return;
	log_info("vm %u vcpu %u: %s%s cpu %u rip %04x:%08x fl %08x cpl %u rsp %08x",
		 vm->id, v->index, vcpu_state_names[v->state],
		 v->in_guest ? " in-guest" : "", v->last_cpu ? v->last_cpu - 1 : 0,
		 c->cs.sel, (uint32_t)c->rip, (uint32_t)c->rflags, c->cpl,
		 (uint32_t)c->rsp);
	log_info("vm %u vcpu %u: cr0 %08x cr3 %08x cr4 %08x efer %x nmi-masked %u",
		 vm->id, v->index, (uint32_t)c->cr0, (uint32_t)c->cr3,
		 (uint32_t)c->cr4, (uint32_t)c->efer, v->nmi.masked);
	log_info("vm %u vcpu %u: int_ctl %08x shadow %u inj %08x exit %x info1 %x intinfo %08x",
		 vm->id, v->index, (uint32_t)c->int_ctl,
		 (uint32_t)(c->int_state & INT_STATE_SHADOW), c->event_inj,
		 c->exit_code, (uint32_t)c->exit_info1, c->exit_int_info);
	/* lvt[]: CMCI, timer, thermal, perf, LINT0, LINT1, error */
	log_info("vm %u vcpu %u: apic svr %x tpr %x isr %d irr %d pend %d lint0 %x lvtt %x init %u next %lld us",
		 vm->id, v->index, a->svr, a->tpr, lapic_highest_vector(a->isr),
		 lapic_highest_vector(a->irr), vdev_intr_pending(&vm->dev, v->index), a->lvt[4], a->lvt[1],
		 a->timer_initial, (long long)next_us);
	vcpu_dump_vmcb_home(v);
}

void vm_dump_locked(struct vm *vm)
{
	const struct pic8259 *p = &vm->dev.pic;
	uint64_t now = vm_now_ns();
	uint32_t i;

	log_info("vm %u '%s': dump: active %u reset %u stop %u pic irr %02x/%02x isr %02x/%02x imr %02x/%02x",
		 vm->id, vm->cfg.name, vm->active, vm->reset_pending,
		 vm->stop_pending,
		 p->chip[0].irr, p->chip[1].irr, p->chip[0].isr, p->chip[1].isr,
		 p->chip[0].imr, p->chip[1].imr);
	for (i = 0; i < vm->cfg.vcpus; i++)
		vcpu_dump(&vm->vcpu[i], now);
}

/* The VM's next virtual timer event on the scheduler's clock (0: none). */
static uint64_t next_event_at(struct vm *vm)
{
	uint64_t next = vdev_next_event_ns(&vm->dev), now = vm_now_ns();

	if (next == UINT64_MAX)
		return 0;
	return vmk_time_ns() + (next > now ? next - now : 0) + 1;
}

/*
 * When a halted vCPU wakes by itself: its next timer event, and for a VM
 * with NICs at most VM_NIC_IDLE_POLL_NS from now (a backstop: a frame's
 * wake-up and the block are ordered, vm_nic.c nic_deliver()).
 */
static uint64_t halt_deadline(struct vm *vm)
{
	uint64_t next = next_event_at(vm), poll;

	if (!vm_nics_present(vm))
		return next;
	poll = vmk_time_ns() + VM_NIC_IDLE_POLL_NS;
	return next && next < poll ? next : poll;
}

/*
 * The loop of one run, vm->lock held: until the scheduler wants the CPU,
 * the vCPU blocks, or the VM stops or resets (the world blocks; a reset
 * wakes it again, a stopped VM's worlds are reaped by the COS's next
 * look at the VM).
 */
static void run_locked(struct world *w, struct vm_vcpu *v, uint32_t cpu)
{
	struct vm *vm = v->vm;
	struct vmcb *c = v->svm.vmcb;
	bool entered;
	uint64_t t0;

	for (;;) {
		if (vm->state != VMK_VM_STATE_RUNNING || vm->reset_pending) {
			sched_block(w);
			return;
		}
		vdev_poll(&vm->dev);
		vm_nics_poll(vm);
		vm_disks_poll(vm);
		if (vm_disks_pending(vm)) {
			/*
			 * The guest waits for its disk, as it would inside
			 * the kick's exit; the next batch at the top, after
			 * whoever waits for vm->lock (a fair lock) and the
			 * scheduler had their turn.
			 */
			spin_unlock(&vm->lock);
			spin_lock(&vm->lock);
			if (sched_should_yield())
				return;
			continue;
		}
		apic_events(v);
		if (v->state == VCPU_WAIT_SIPI) {
			sched_block(w);
			return;
		}
		if (v->state == VCPU_HALTED) {
			if (!vcpu_has_work(v)) {
				/* Until its next timer event, or a sched_wake()
				 * from a device, a sibling or the console. */
				sched_block_until(w, halt_deadline(vm));
				/* A frame queued since vm_nics_poll(), or a
				 * disk request done since vm_disks_poll(),
				 * whose wake found this world still running
				 * (the fence pairs with theirs). */
				__atomic_thread_fence(__ATOMIC_SEQ_CST);
				if (vm_nics_queued(vm) || vm_disks_done(vm))
					sched_wake(w);
				return;
			}
			v->state = VCPU_RUNNABLE;
		}
		inject_pending(v);
		sched_timer_hint(w, next_event_at(vm));
		if (asid_enter(&vm_asid_cpus[cpu], cpu, &v->asid))
			c->tlb_ctl = TLB_CONTROL_FLUSH_ALL;
		c->asid = v->asid.asid;
		v->last_cpu = cpu + 1;
		spin_unlock(&vm->lock);

		t0 = rdtsc();
		entered = svm_world_switch(&v->svm);

		spin_lock(&vm->lock);
		if (!entered) {
			vm_stop_locked(vm, VMK_VM_STATE_ERROR,
				       "vcpu %u: its VMCB held the vmkernel's own state (a vmkernel bug; see the vmkernel log)",
				       v->index);
			continue;	/* blocks at the top */
		}
		vm->cpu_time_tsc += rdtsc() - t0;
		c->tlb_ctl = 0;
		handle_exit(v);
		platform_requests(vm);
		/* An IPI, a device interrupt for a halted sibling. */
		vm_wake_vcpus_locked(vm, false);
		if (sched_should_yield())
			return;
	}
}

void vcpu_world_run(struct world *w)
{
	struct vm_vcpu *v = w->priv;
	struct vm *vm = v->vm;
	uint32_t cpu = this_cpu();
	uint64_t host_tsc_aux;

	spin_lock(&vm->lock);
	/* A world of an earlier power on, or of a stopped VM: nothing to do. */
	if (v->world != w || vm->state != VMK_VM_STATE_RUNNING || !v->svm.vmcb) {
		sched_block(w);
		spin_unlock(&vm->lock);
		return;
	}
	vm->active++;
	v->in_guest = true;
	/*
	 * VMRUN does not switch TSC_AUX (APM vol. 2 §15.5.1) and RDTSCP runs
	 * natively: the vCPU's value is in the MSR while it runs here, the
	 * COS's (its CPU number) again before another world gets the CPU.
	 * RDTSCP came with SVM (K8 revision F), so the MSR is always there.
	 */
	host_tsc_aux = rdmsr(MSR_TSC_AUX);
	wrmsr(MSR_TSC_AUX, v->tsc_aux);
	run_locked(w, v, cpu);
	wrmsr(MSR_TSC_AUX, host_tsc_aux);
	v->in_guest = false;
	vm->active--;
	vm_vcpu_left_locked(vm);
	spin_unlock(&vm->lock);
}
