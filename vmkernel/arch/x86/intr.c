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
 *  - every other vector is the COS's: it stays in service in the LAPIC
 *    (no EOI: the COS sends it, as on bare metal) and is queued for the
 *    COS vCPU of this CPU, injected at its next VMRUN, highest first
 *    (the order the LAPIC accepted them in, so the COS's EOIs clear the
 *    bits they should). NMIs are queued the same way.
 */
#include "vmkernel/arch/x86/intr.h"
#include "vmkernel/arch/x86/apic.h"
#include "vmkernel/arch/x86/vectors.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/log/log.h"

#define V_INTR_PRIO_MASK	(0xfull << V_INTR_PRIO_SHIFT)	/* int_ctl, §15.21 */
#define X86_EFLAGS_IF		(1u << 9)

#define PENDING_WORDS		(VEC_COUNT / 32)

struct intr_cpu {
	uint32_t pending[PENDING_WORDS];	/* COS vectors taken, not injected */
	bool nmi_pending;
	uint64_t forwarded;
	uint64_t vmkernel;
};

static struct intr_cpu intr_cpus[VMK_MAX_CPUS];

/* The scheduler's hooks: nothing to schedule yet but the COS. */
static void intr_vmkernel_vector(uint32_t cpu, uint32_t vector)
{
	(void)cpu;
	(void)vector;
}

static void intr_cos_wake(uint32_t cpu)
{
	(void)cpu;
}

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

bool intr_handle_exit(const struct vmcb *c)
{
	if (c->exit_code != SVM_EXIT_INTR && c->exit_code != SVM_EXIT_NMI)
		return false;
	intr_window();
	return true;
}

static int highest_pending(const struct intr_cpu *ic)
{
	int w;

	for (w = PENDING_WORDS - 1; w >= 0; w--)
		if (ic->pending[w])
			return w * 32 + 31 - __builtin_clz(ic->pending[w]);
	return -1;
}

bool intr_cos_pending(uint32_t cpu)
{
	const struct intr_cpu *ic = &intr_cpus[cpu];

	return ic->nmi_pending || highest_pending(ic) >= 0;
}

/* Called by the stubs in entry.S with IF=0, on the interrupted stack. */
void intr_dispatch(uint32_t vector);

void intr_dispatch(uint32_t vector)
{
	uint32_t cpu = this_cpu();
	struct intr_cpu *ic = &intr_cpus[cpu];

	if (vector >= VEC_VMK_FIRST && vector <= VEC_VMK_LAST) {
		apic_eoi();
		ic->vmkernel++;
		intr_vmkernel_vector(cpu, vector);
		return;
	}
	if (vector == VEC_NMI)
		ic->nmi_pending = true;
	else
		ic->pending[vector >> 5] |= 1u << (vector & 31);
	ic->forwarded++;
	intr_cos_wake(cpu);
}

void intr_inject_cos(struct vmcb *c, uint32_t cpu)
{
	struct intr_cpu *ic = &intr_cpus[cpu];
	bool can_intr = (c->rflags & X86_EFLAGS_IF) &&
			!(c->int_state & INT_STATE_SHADOW);
	int v;

	c->int_ctl &= ~(V_IRQ | V_IGN_TPR | V_INTR_PRIO_MASK);
	c->intercept3 &= ~INTERCEPT_VINTR;
	if (!(c->event_inj & EVENT_VALID)) {
		if (ic->nmi_pending) {
			/* EVENTINJ delivers an NMI without checking NMI blocking
			 * (§15.20); the lab has no NMI sources (see docs). */
			c->event_inj = VEC_NMI | EVENT_TYPE_NMI | EVENT_VALID;
			ic->nmi_pending = false;
		} else if (can_intr && (v = highest_pending(ic)) >= 0) {
			/* EVENTINJ ignores IF and the shadow: checked above. */
			c->event_inj = (uint32_t)v | EVENT_TYPE_INTR | EVENT_VALID;
			ic->pending[v >> 5] &= ~(1u << (v & 31));
		}
	}
	if (intr_cos_pending(cpu)) {
		/* Exit when the COS can take the next one (VINTR, §15.21.4). */
		c->int_ctl |= V_IRQ | V_IGN_TPR | V_INTR_PRIO_MASK;
		c->intercept3 |= INTERCEPT_VINTR;
	}
}

/*
 * Before this CPU goes back to native Linux: what the vmkernel took for
 * the COS and has not injected is still in service in the LAPIC. Undo
 * that: EOI each one (highest first, so the EOI clears exactly it) and
 * raise it again as a self-IPI, so Linux takes it when it enables
 * interrupts. A level-triggered one needs no self-IPI: the EOI reaches
 * the IOAPIC, which sends it again while the line is still asserted.
 */
void intr_give_back(uint32_t cpu)
{
	struct intr_cpu *ic = &intr_cpus[cpu];
	int v;

	while ((v = highest_pending(ic)) >= 0) {
		ic->pending[v >> 5] &= ~(1u << (v & 31));
		if (apic_highest_in_service() != v) {
			log_warn("cpu%u: vector %x queued for the COS is not the highest in service",
				 cpu, v);
			continue;
		}
		if (apic_level_triggered((uint32_t)v)) {
			apic_eoi();
		} else {
			apic_eoi();
			apic_self_ipi((uint32_t)v);
		}
	}
	if (ic->nmi_pending) {
		ic->nmi_pending = false;
		apic_self_nmi();
	}
}

void intr_cpu_stats(uint32_t cpu, uint64_t *forwarded, uint64_t *vmkernel)
{
	*forwarded = intr_cpus[cpu].forwarded;
	*vmkernel = intr_cpus[cpu].vmkernel;
}
