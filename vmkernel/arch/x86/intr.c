// SPDX-License-Identifier: GPL-2.0-only
/*
 * The physical interrupt path (docs/architecture.md "Interrupts").
 *
 * Every world runs with INTR and NMI intercepted and V_INTR_MASKING=1
 * (APM vol. 2 §15.21.1): physical interrupts are then gated by the host's
 * IF at VMRUN (always 1) instead of the guest's, so they exit even from a
 * guest that spins with IF=0. The vmkernel runs with IF=0 and GIF=0; after
 * an INTR/NMI exit it opens a window (STGI; STI; NOP; CLI; CLGI) in which
 * the CPU takes what is pending through the vmkernel's IDT:
 *  - its own vectors (vectors.h): EOI, then the timer / scheduler hooks;
 *  - every other vector, and NMIs, are the COS's: cos/cos_intr.c queues
 *    them for the COS vCPU of this CPU. The one Linux routed the uplink
 *    NIC's INTx to is looked at first (net/uplink.h uplink_intr()) and
 *    still goes to the COS, which EOIs it: its pin may be shared.
 */
#include "vmkernel/arch/x86/intr.h"
#include "vmkernel/arch/x86/apic.h"
#include "vmkernel/arch/x86/vectors.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/cos/cos_intr.h"
#include "vmkernel/net/uplink.h"

static uint64_t vmkernel_count[VMK_MAX_CPUS];

void intr_vmcb_setup(struct vmcb *c)
{
	c->intercept3 |= INTERCEPT_INTR | INTERCEPT_NMI;
	c->int_ctl |= V_INTR_MASKING;
}

void intr_window(void)
{
	asm volatile("stgi\n\t"
		     "sti\n\t"
		     "nop\n\t"		/* STI holds interrupts for one instruction */
		     "cli\n\t"
		     "clgi" ::: "memory");
}

void intr_nmi_window(void)
{
	/* GIF=1 lets a held NMI in whatever IF says (APM vol. 2 §15.17). */
	asm volatile("stgi\n\t"
		     "nop\n\t"
		     "clgi" ::: "memory");
}

bool intr_handle_exit(const struct vmcb *c)
{
	if (c->exit_code != SVM_EXIT_INTR && c->exit_code != SVM_EXIT_NMI)
		return false;
	intr_window();
	return true;
}

/* Called by the stubs in entry.S with IF=0, on the interrupted stack. */
void intr_dispatch(uint32_t vector);

void intr_dispatch(uint32_t vector)
{
	uint32_t cpu = this_cpu();

	if (vector >= VEC_VMK_FIRST && vector <= VEC_VMK_LAST) {
		apic_eoi();
		vmkernel_count[cpu]++;
		sched_vmkernel_interrupt(cpu, vector);
		return;
	}
	uplink_intr(cpu, vector);
	cos_intr_take(cpu, vector);
}

uint64_t intr_vmkernel_count(uint32_t cpu)
{
	return vmkernel_count[cpu];
}
