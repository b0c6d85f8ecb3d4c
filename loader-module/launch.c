// SPDX-License-Identifier: GPL-2.0-only
/*
 * Entering the vmkernel on every online CPU at once, and giving the CPUs
 * back. Both run under stop_machine(): every CPU in process context with
 * interrupts off, none holding an interrupt the COS has not taken.
 */
#include <linux/kernel.h>
#include <linux/stop_machine.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include "vmkload.h"

_Static_assert(offsetof(struct vmk_launch, gdtr_limit) == VMK_LAUNCH_GDTR, "abi");
_Static_assert(offsetof(struct vmk_launch, idtr_limit) == VMK_LAUNCH_IDTR, "abi");
_Static_assert(offsetof(struct vmk_launch, frame) == VMK_LAUNCH_FRAME, "abi");
_Static_assert(offsetof(struct vmk_launch, efer_lo) == VMK_LAUNCH_EFER, "abi");
_Static_assert(offsetof(struct vmk_launch, user_frame) == VMK_LAUNCH_USER_FRAME, "abi");

extern const char vmk_tramp_start[];

unsigned long vmk_tramp_page(void)
{
	return (unsigned long)vmk_tramp_start;
}

/* VMCB segment attributes: descriptor bits 47:40 and 55:52 (APM vol. 2 §15.5.1). */
static void capture_seg(struct vmk_launch *l, int i, u16 sel,
			const struct desc_ptr *gdt)
{
	const struct desc_struct *d = (const void *)(gdt->address + (sel & ~7));
	u32 limit = get_desc_limit(d);

	if (d->g)
		limit = (limit << 12) | 0xfff;
	l->seg_base[i] = get_desc_base(d);
	l->seg_limit[i] = limit;
	l->seg_attr[i] = d->type | d->s << 4 | d->dpl << 5 | d->p << 7 |
			 d->avl << 8 | d->l << 9 | d->d << 10 | d->g << 11;
}

static void capture(struct vmk_launch *l)
{
	struct desc_ptr gdt, idt;
	u16 cs, ss, ds, es;
	u64 efer, pat;

	native_store_gdt(&gdt);
	store_idt(&idt);
	savesegment(cs, cs);
	savesegment(ss, ss);
	savesegment(ds, ds);
	savesegment(es, es);
	l->cs = cs;
	l->ss = ss;
	l->ds = ds;
	l->es = es;
	capture_seg(l, 0, cs, &gdt);
	capture_seg(l, 1, ss, &gdt);
	capture_seg(l, 2, ds, &gdt);
	capture_seg(l, 3, es, &gdt);
	l->gdtr_limit = gdt.size;
	l->gdtr_base = gdt.address;
	l->idtr_limit = idt.size;
	l->idtr_base = idt.address;
	l->cr0 = read_cr0();
	l->cr2 = read_cr2();
	l->cr3 = __read_cr3();
	l->cr4 = __read_cr4();
	rdmsrl(MSR_EFER, efer);
	rdmsrl(MSR_IA32_CR_PAT, pat);
	l->efer_lo = (u32)efer;
	l->efer_hi = efer >> 32;
	l->pat_lo = (u32)pat;
	l->pat_hi = pat >> 32;
	l->dr7 = 0x400;
	l->user_frame = 0;
	l->vmcb_pa = 0;
}

static int launch_cpu(void *data)
{
	struct vmk_machine *m = data;
	int idx = m->cpu_index[smp_processor_id()];

	if (idx < 0)
		return 0;
	capture(m->launch[idx]);
	/*
	 * vmk_launch runs with GIF=0 from before its CR3 switch, and CLGI
	 * needs EFER.SVME: set here, where a CPU that refuses it can still
	 * say so. The launch record keeps the EFER from before; the give-back
	 * restores it.
	 */
	if (wrmsrl_safe(MSR_EFER, ((u64)m->launch[idx]->efer_hi << 32 |
				   m->launch[idx]->efer_lo) | EFER_SVME)) {
		m->status[idx] = VMK_NO_HARDWARE;
		return 0;
	}
	m->status[idx] = vmk_launch(m->launch[idx]);
	return 0;
}

/* VMMCALL, APM vol. 3: the ABI is in include/vmk/hypercall.h. */
static void vmmcall(u32 nr, u32 a0, u32 a1, u32 a2, u32 a3,
		    vmk_status_t *st, u32 *result)
{
	u32 eax = nr, ebx = a0, ecx = a1, edx = a2, esi = a3;

	asm volatile("vmmcall"
		     : "+a"(eax), "+b"(ebx), "+c"(ecx), "+d"(edx), "+S"(esi)
		     :: "memory");
	*st = eax;
	if (result)
		*result = ebx;
}

/*
 * Is this CPU under the vmkernel? Asked of the CPU itself: its CPUID exits
 * to the vmkernel, which answers with its signature, and nothing the COS
 * writes can change that answer. The shared page's mask is COS memory,
 * and was once wrong after a race: trusting it, the loader skipped a
 * give-back and freed the pool under a CPU that still ran the vmkernel.
 */
static bool this_cpu_under_vmkernel(void)
{
	u32 eax, sig[3];

	cpuid(VMK_CPUID_LEAF_BASE, &eax, &sig[0], &sig[1], &sig[2]);
	return !memcmp(sig, VMK_CPUID_SIGNATURE, sizeof(sig));
}

static int give_back_cpu(void *data)
{
	struct vmk_machine *m = data;
	int idx = m->cpu_index[smp_processor_id()];
	vmk_status_t st;

	if (idx < 0 || !this_cpu_under_vmkernel())
		return 0;
	atomic_or(BIT(idx), &m->held_before);
	/* Not vmk_hypercall(): it trusts the mask this must not. */
	vmmcall(VMK_HC_GIVE_BACK, 0, 0, 0, 0, &st, NULL);
	if (this_cpu_under_vmkernel())
		atomic_or(BIT(idx), &m->held_after);
	return 0;
}

int vmk_launch_all(struct vmk_machine *m, u32 entry)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < m->ncpus; i++) {
		struct vmk_launch *l = m->launch[i];

		l->self_pa = virt_to_phys(l);
		l->self_va = (u32)l;
		l->cpu = i;
		l->vmk_cr3 = m->mem.boot_cr3;
		l->vmk_entry = entry;
		l->tramp_exit = (u32)vmk_tramp_exit;
		m->status[i] = VMK_HW_FAILURE;
	}
	m->active = true;
	stop_machine(launch_cpu, m, cpu_online_mask);
	for (i = 0; i < m->ncpus; i++) {
		if (m->status[i] == VMK_OK)
			continue;
		pr_err("vmkload: vmkernel refused cpu %u: %s\n", i,
		       vmk_status_name(m->status[i]));
		ret = -EIO;
	}
	if (ret)
		vmk_give_back_all(m);
	return ret;
}

bool vmk_give_back_all(struct vmk_machine *m)
{
	u32 said = READ_ONCE(m->shared->cpus_virtualized), held, left;

	/* Every CPU, whatever the page says: each one asks itself. */
	atomic_set(&m->held_before, 0);
	atomic_set(&m->held_after, 0);
	stop_machine(give_back_cpu, m, cpu_online_mask);
	held = (u32)atomic_read(&m->held_before);
	left = (u32)atomic_read(&m->held_after);
	if (held & ~said)	/* the other way is a panic's give-back racing this */
		pr_warn("vmkload: the shared page said cpus %#x were under the vmkernel, the CPUs said %#x: believed the CPUs\n",
			said, held);
	m->active = false;
	if (!left)
		return true;
	/* Freeing its memory would wipe the code such a CPU runs. */
	pr_err("vmkload: cpus %#x still under the vmkernel: its %u MiB stay reserved (leaked) until reboot\n",
	       left, m->mem.nchunks * (VMK_CHUNK_SIZE >> 20));
	m->stranded = true;
	return false;
}

int vmk_hypercall(struct vmk_machine *m, u32 nr, u32 a0, u32 a1, u32 a2,
		  u32 a3, vmk_status_t *st, u32 *result)
{
	int cpu = get_cpu(), idx = m->cpu_index[cpu];

	if (!m->active || idx < 0 ||
	    !(READ_ONCE(m->shared->cpus_virtualized) & BIT(idx))) {
		put_cpu();
		return -ENODEV;
	}
	vmmcall(nr, a0, a1, a2, a3, st, result);
	put_cpu();
	return 0;
}

const char *vmk_status_name(vmk_status_t st)
{
	static const char *const names[VMK_STATUS_MAX] = {
		[VMK_OK] = "ok",
		[VMK_NO_MEMORY] = "out of memory",
		[VMK_BAD_PARAM] = "bad parameter",
		[VMK_BAD_ADDRESS] = "bad address",
		[VMK_NOT_SUPPORTED] = "not supported",
		[VMK_BUSY] = "busy",
		[VMK_NO_HARDWARE] = "no SVM/NPT on this CPU",
		[VMK_HW_FAILURE] = "VMRUN failed",
		[VMK_PANICKED] = "vmkernel panicked",
		[VMK_NO_CAPACITY] = "CPU reservations exceed the machine",
	};

	return st >= 0 && st < VMK_STATUS_MAX ? names[st] : "unknown status";
}
