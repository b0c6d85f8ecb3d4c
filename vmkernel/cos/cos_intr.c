// SPDX-License-Identifier: GPL-2.0-only
/*
 * The COS's side of the physical interrupt path (docs/architecture.md
 * "Interrupts"; the generic part is arch/x86/intr.c).
 *
 * Every vector that is not the vmkernel's (vectors.h) is the COS's: it
 * stays in service in the LAPIC (no EOI: the COS sends it, as on bare
 * metal) and is queued for the COS vCPU of this CPU, injected at its next
 * VMRUN, highest first (the order the LAPIC accepted them in, so the
 * COS's EOIs clear the bits they should). NMIs are queued the same way,
 * at most one, and injected with the COS's NMI blocking kept as for a VM
 * (exit_policy.h, struct nmi_block): none nests in the COS's handler,
 * one arriving meanwhile waits for its IRET.
 *
 * While the COS vCPU is off its CPU (another world runs there), a COS
 * vector left in service would block every vector of its priority class
 * and below, and Linux's IPIs (0xf3-0xff) share class 0xf with the
 * vmkernel's own: the tick could no longer preempt the world that runs.
 * So when the COS vCPU leaves, its queued edge-triggered vectors are EOIed
 * and kept as "re-raise" (only from the top of the ISR, where they are
 * the vmkernel's to clear), edge vectors arriving meanwhile are EOIed at
 * once, and when the COS vCPU comes back each one is raised again as a
 * self-IPI and taken the normal way. Level-triggered vectors (the IOAPIC's,
 * all below class 0xf) stay in service: an early EOI would make their line
 * fire again at once.
 *
 * While the COS runs with interrupts off and an interrupt waits for it
 * ("masked": deferred or queued, V_IRQ and the VINTR intercept set), the
 * vmkernel holds the LAPIC's TPR at COS_MASKED_TPR and runs it with host
 * IF=1 like every world: its own vectors (class 0xf) still exit, so the
 * scheduler's tick on the borrowed timer (sched_cos_masked()) and its
 * reschedule IPIs preempt a COS that spins with interrupts off; the
 * COS's vectors below class 0xf wait in the IRR, so nothing goes in
 * service above the handler the COS may be running; its class 0xf ones
 * (edge-triggered IPIs) are EOIed and kept as while it is away. When the
 * COS can take interrupts again (its VINTR exit) the TPR and the timer go
 * back to it and the kept vectors are raised again.
 *
 * The TPR rule: the COS owns the LAPIC's TPR only while its vCPU runs on
 * that CPU. The LAPIC holds
 *   - the COS's own TPR while its vCPU is here and not masked;
 *   - COS_MASKED_TPR while it is masked (or a value the COS wrote since:
 *     its own, cos_tpr_of());
 *   - VMK_TPR (0) while the vCPU is away: another world runs, and a COS
 *     that raised its TPR (to class 0xf: every vector) and halted must not
 *     take the vmkernel's tick and reschedule IPIs, nor its own vectors
 *     (which wake it), away with it;
 *   - COS_MASKED_TPR for good once the COS is down.
 * ic->cos_tpr holds the COS's TPR whenever the LAPIC does not. So
 * cos_intr_leave() saves it there and writes VMK_TPR, cos_intr_return()
 * writes it back before raising what was kept (which then waits in the IRR
 * if the COS's TPR holds it back, as on bare metal; so does a
 * level-triggered vector queued meanwhile, unwind_held_back()), and
 * cos_intr_give_back() writes it back whether the vCPU was away, masked
 * or neither. A COS vector that arrives while the vCPU is away is EOIed
 * and kept if edge-triggered, queued if level-triggered
 * (cos_vector_fate()), whatever its TPR.
 *
 * The wake rule: a COS vCPU blocked in its HLT (handle_hlt()) is woken,
 * and a HLT does not block, only for an NMI or for a kept or queued
 * vector whose priority class is above the COS's own TPR (ic->cos_tpr
 * while away, cos_halt_ends()), as a real CPU's HLT ends only for those.
 * The others stay kept (or queued: level-triggered) and are raised again
 * (or EOIed, the line sends them again) at its next return for another
 * reason, where they wait in its IRR behind its TPR; when the COS lowers
 * its TPR it is running, and the LAPIC delivers them. Waking it for them
 * instead made a ping-pong: back, held in the IRR, halt, leave, TPR 0,
 * accepted and kept, woken... thousands of world switches a second. So
 * does the COS's own timer: its deadline passing while away wakes it only
 * if its TPR lets the timer's vector through (cos_intr_timer_held_back(),
 * cos_timer.c); the expiry is not lost, cos_timer_in() finds it due. A
 * COS halted at TPR class 0xf waits for an NMI, as on bare metal.
 *
 * Once the COS is down (cos_down.h), cos_intr_stop() holds the TPR at
 * COS_MASKED_TPR on each CPU for good and EOIs whatever is in service:
 * the COS's vectors below class 0xf wait in the IRR for ever (a level-
 * triggered line whose driver died cannot storm), those of class 0xf are
 * EOIed and dropped as they come, and so are NMIs.
 */
#include "vmkernel/cos/cos_intr.h"
#include "vmkernel/arch/x86/intr.h"
#include "vmkernel/arch/x86/apic.h"
#include "vmkernel/arch/x86/vectors.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/arch/x86/exit_policy.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/cos/cos_timer.h"
#include "vmkernel/log/log.h"

#define V_INTR_PRIO_MASK	(0xfull << V_INTR_PRIO_SHIFT)	/* int_ctl, §15.21 */
#define X86_EFLAGS_IF		(1u << 9)

#define PENDING_WORDS		(VEC_COUNT / 32)

struct cos_intr_cpu {
	uint32_t pending[PENDING_WORDS];	/* COS vectors taken, not injected */
	uint32_t reraise[PENDING_WORDS];	/* EOIed while the COS was away */
	bool cos_away;				/* another world has the CPU */
	bool deferred;				/* left in the IRR for the COS */
	bool masked;				/* TPR at COS_MASKED_TPR */
	bool down;				/* cos_intr_stop(): for good */
	uint32_t cos_tpr;			/* the COS's TPR while the
						 * LAPIC holds another */
	uint8_t nmi_pending;			/* nmi_block_arrive() */
	struct nmi_block nmi;			/* the COS's NMI mask */
	uint64_t nmi_coalesced;
	uint64_t forwarded;
	uint64_t dropped;			/* arrived after cos_intr_stop() */
};

static struct cos_intr_cpu cos_intr_cpus[VMK_MAX_CPUS];

static int highest(const uint32_t *map)
{
	int w;

	for (w = PENDING_WORDS - 1; w >= 0; w--)
		if (map[w])
			return w * 32 + 31 - __builtin_clz(map[w]);
	return -1;
}

static int highest_pending(const struct cos_intr_cpu *ic)
{
	return highest(ic->pending);
}

static void set_bit(uint32_t *map, uint32_t v)
{
	map[v >> 5] |= 1u << (v & 31);
}

static void clear_bit(uint32_t *map, uint32_t v)
{
	map[v >> 5] &= ~(1u << (v & 31));
}

/* The COS's own TPR (this CPU): kept while away, else cos_tpr_of(). */
static uint32_t cos_tpr_now(const struct cos_intr_cpu *ic)
{
	if (ic->cos_away || ic->down)
		return ic->cos_tpr;
	return cos_tpr_of(ic->masked, apic_read(LAPIC_TPR), ic->cos_tpr);
}

/* The wake rule (above): would a halted COS come back from its HLT? */
static bool cos_intr_wakes(const struct cos_intr_cpu *ic)
{
	int p = highest_pending(ic), r = highest(ic->reraise);

	return cos_halt_ends(ic->nmi_pending, p > r ? p : r, cos_tpr_now(ic));
}

bool cos_intr_pending(uint32_t cpu)
{
	return cos_intr_wakes(&cos_intr_cpus[cpu]);
}

bool cos_intr_timer_held_back(uint32_t cpu, uint32_t vector)
{
	const struct cos_intr_cpu *ic = &cos_intr_cpus[cpu];

	return ic->cos_away && !ic->down && cos_tpr_holds_back(vector, ic->cos_tpr);
}

static void reraise_all(struct cos_intr_cpu *ic)
{
	int v;

	while ((v = highest(ic->reraise)) >= 0) {
		clear_bit(ic->reraise, (uint32_t)v);
		apic_self_ipi((uint32_t)v);
	}
}

/*
 * EOI the queued edge-triggered vectors at the top of the ISR, down to
 * lowest, and keep them to raise again. Returns the highest vector left
 * in service (-1: none).
 */
static int unwind(struct cos_intr_cpu *ic, int lowest)
{
	int v;

	while ((v = apic_highest_in_service()) >= lowest &&
	       (ic->pending[v >> 5] >> (v & 31)) & 1 &&
	       !apic_level_triggered((uint32_t)v)) {
		apic_eoi();
		clear_bit(ic->pending, (uint32_t)v);
		set_bit(ic->reraise, (uint32_t)v);
	}
	return v;
}

/*
 * Before a VMRUN that must keep the COS's interrupts waiting (and at the
 * exits in between): TPR at COS_MASKED_TPR. The COS may write its TPR
 * meanwhile (it owns the LAPIC): a value other than ours is its own.
 */
static void mask(struct cos_intr_cpu *ic, uint32_t cpu)
{
	uint32_t tpr = apic_read(LAPIC_TPR);

	if (!ic->masked) {
		ic->cos_tpr = tpr;
		ic->masked = true;
		/* A class 0xf vector of the COS left in service would hold
		 * the vmkernel's own back. */
		unwind(ic, VEC_VMK_FIRST);
		sched_cos_masked(cpu);
	} else if (tpr != COS_MASKED_TPR) {
		ic->cos_tpr = tpr;
	}
	if (tpr != COS_MASKED_TPR)
		apic_write(LAPIC_TPR, COS_MASKED_TPR);
}

/* The COS's TPR back (it can take interrupts again, or is given back). */
static void unmask_tpr(struct cos_intr_cpu *ic)
{
	if (!ic->masked)
		return;
	apic_write(LAPIC_TPR, cos_tpr_of(true, apic_read(LAPIC_TPR), ic->cos_tpr));
	ic->masked = false;
}

/* The COS can take interrupts again: its TPR, its timer, and what was
 * kept for it meanwhile, raised again (taken at the next window). */
static void unmask(struct cos_intr_cpu *ic, uint32_t cpu)
{
	if (!ic->masked)
		return;
	unmask_tpr(ic);
	cos_timer_in(cpu);
	reraise_all(ic);
}

bool cos_intr_leave(uint32_t cpu)
{
	struct cos_intr_cpu *ic = &cos_intr_cpus[cpu];
	int v;

	v = unwind(ic, 0);
	if (v >= VEC_VMK_FIRST) {
		/* The COS is inside a class 0xf handler: it stays, and gets
		 * back at once what was just unwound. */
		reraise_all(ic);
		return false;
	}
	/* Its TPR stays with it (the TPR rule above); the timer stays the
	 * scheduler's. */
	ic->cos_tpr = cos_tpr_of(ic->masked, apic_read(LAPIC_TPR), ic->cos_tpr);
	ic->masked = false;
	if (!ic->down)
		apic_write(LAPIC_TPR, VMK_TPR);
	ic->cos_away = true;
	ic->deferred = false;	/* taken by whatever runs next, with IF=1 */
	return true;
}

/*
 * The COS is back with its TPR in the LAPIC: a level-triggered vector
 * queued while it was away (accepted at VMK_TPR) that its TPR holds back
 * would otherwise be injected whatever its TPR says. Undo it from the top
 * of the ISR (EOI; the IOAPIC sends it again while its line is asserted,
 * and the TPR now keeps it in the IRR); an edge one is kept and raised
 * again. Stops at the first in-service vector the COS may take.
 */
static void unwind_held_back(struct cos_intr_cpu *ic, uint32_t tpr)
{
	int v;

	while ((v = apic_highest_in_service()) >= 0 &&
	       cos_tpr_holds_back((uint32_t)v, tpr) &&
	       (ic->pending[v >> 5] >> (v & 31)) & 1) {
		apic_eoi();
		clear_bit(ic->pending, (uint32_t)v);
		if (!apic_level_triggered((uint32_t)v))
			set_bit(ic->reraise, (uint32_t)v);
	}
}

void cos_intr_return(uint32_t cpu)
{
	struct cos_intr_cpu *ic = &cos_intr_cpus[cpu];

	/* Its TPR first: what it holds back waits in the IRR. */
	if (ic->cos_away && !ic->down) {
		apic_write(LAPIC_TPR, ic->cos_tpr);
		unwind_held_back(ic, ic->cos_tpr);
	}
	ic->cos_away = false;
	reraise_all(ic);
}

void cos_intr_take(uint32_t cpu, uint32_t vector)
{
	struct cos_intr_cpu *ic = &cos_intr_cpus[cpu];

	if (vector == VEC_NMI) {
		if (ic->down) {
			ic->dropped++;
			return;
		}
		if (!nmi_block_arrive(&ic->nmi, &ic->nmi_pending) &&
		    log_nth(++ic->nmi_coalesced))
			log_info("cpu%u: an NMI for the COS coalesced with the pending one (%llu so far)",
				 cpu, (unsigned long long)ic->nmi_coalesced);
	} else if (apic_highest_in_service() != (int)vector) {
		/* Spurious (the LAPIC took it back): nothing in service, no EOI. */
		if (!ic->cos_away && !ic->down)
			set_bit(ic->pending, vector);
	} else {
		switch (cos_vector_fate(ic->down, ic->cos_away, ic->masked,
					apic_level_triggered(vector))) {
		case COS_VECTOR_KEEP:
			apic_eoi();	/* the highest in service: just accepted */
			set_bit(ic->reraise, vector);
			break;
		case COS_VECTOR_DROP:
			apic_eoi();
			ic->dropped++;
			return;
		case COS_VECTOR_QUEUE:
			set_bit(ic->pending, vector);
			break;
		}
	}
	ic->forwarded++;
	/* Its COS vCPU may be blocked (halted) or waiting: the wake rule. */
	if (cos_intr_wakes(ic))
		sched_cos_interrupt(cpu);
}

/* Could the COS take an interrupt right now? */
static bool cos_intr_can_take(const struct vmcb *c)
{
	return (c->rflags & X86_EFLAGS_IF) && !(c->int_state & INT_STATE_SHADOW) &&
	       !(c->event_inj & EVENT_VALID);
}

void cos_intr_exit(const struct vmcb *c, uint32_t cpu)
{
	struct cos_intr_cpu *ic = &cos_intr_cpus[cpu];
	bool intr = c->exit_code == SVM_EXIT_INTR || c->exit_code == SVM_EXIT_NMI;

	if (c->exit_code == SVM_EXIT_NMI && !cos_intr_can_take(c)) {
		/* IF does not hold an NMI back: it would exit again at once
		 * and the COS never reach its STI. Take only the NMI. */
		intr_nmi_window();
		return;
	}
	if (!cos_intr_can_take(c)) {
		if (!intr)
			return;
		/* Its vectors wait in the IRR behind the TPR (see
		 * cos_intr_inject()); the vmkernel's are taken now. */
		ic->deferred = true;
		mask(ic, cpu);
		intr_window();
		return;
	}
	if (ic->masked)
		unmask(ic, cpu);	/* what it raises is taken below */
	else if (!intr && !ic->deferred)
		return;
	ic->deferred = false;
	intr_window();
}

void cos_intr_inject(struct vmcb *c, uint32_t cpu)
{
	struct cos_intr_cpu *ic = &cos_intr_cpus[cpu];
	bool can_intr = (c->rflags & X86_EFLAGS_IF) &&
			!(c->int_state & INT_STATE_SHADOW);
	int v;

	c->int_ctl &= ~(V_IRQ | V_IGN_TPR | V_INTR_PRIO_MASK);
	c->intercept3 &= ~INTERCEPT_VINTR;
	nmi_block_update(&ic->nmi, c);
	/* EVENTINJ delivers an NMI without checking NMI blocking (§15.20):
	 * nmi_block_offer() does, and keeps a blocked one for the IRET. */
	if (!(c->event_inj & EVENT_VALID) &&
	    nmi_block_offer(&ic->nmi, c, &ic->nmi_pending) && can_intr &&
	    (v = highest_pending(ic)) >= 0) {
		/* EVENTINJ ignores IF and the shadow: checked above. */
		c->event_inj = (uint32_t)v | EVENT_TYPE_INTR | EVENT_VALID;
		clear_bit(ic->pending, (uint32_t)v);
	}
	/* A blocked NMI waits for the IRET intercept, not for a window. */
	if ((ic->nmi_pending && !ic->nmi.masked) || highest_pending(ic) >= 0 ||
	    ic->deferred) {
		/*
		 * Exit when the COS can take the next one (VINTR, §15.21.4),
		 * and keep its physical interrupts pending meanwhile (TPR):
		 * accepting one into the ISR while the COS cannot take it would
		 * put it above the vector whose handler runs, and the COS's EOI
		 * for that one would clear it instead (a level-triggered line
		 * then stays pending in the IOAPIC).
		 */
		c->int_ctl |= V_IRQ | V_IGN_TPR | V_INTR_PRIO_MASK;
		c->intercept3 |= INTERCEPT_VINTR;
		mask(ic, cpu);
	} else {
		unmask(ic, cpu);
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
void cos_intr_give_back(uint32_t cpu)
{
	struct cos_intr_cpu *ic = &cos_intr_cpus[cpu];
	int v;

	while ((v = highest_pending(ic)) >= 0) {
		clear_bit(ic->pending, (uint32_t)v);
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
	/* Its TPR, away or masked, before what was kept is raised. */
	if (ic->cos_away)
		apic_write(LAPIC_TPR, ic->cos_tpr);
	else
		unmask_tpr(ic);
	ic->masked = false;
	reraise_all(ic);	/* taken while another world ran here */
	ic->cos_away = false;
	for (; ic->nmi_pending; ic->nmi_pending--)
		apic_self_nmi();	/* the CPU coalesces as it must */
}

uint32_t cos_intr_stop(uint32_t cpu)
{
	struct cos_intr_cpu *ic = &cos_intr_cpus[cpu];
	uint32_t n = 0;

	ic->down = true;
	apic_write(LAPIC_TPR, COS_MASKED_TPR);
	/* All the COS's: the vmkernel EOIs its own vectors at once, and
	 * this runs in none of its handlers. */
	while (apic_highest_in_service() >= 0 && n < VEC_COUNT) {
		apic_eoi();
		n++;
	}
	memset(ic->pending, 0, sizeof(ic->pending));
	memset(ic->reraise, 0, sizeof(ic->reraise));
	ic->nmi_pending = 0;
	ic->deferred = false;
	ic->masked = false;
	return n;
}

void cos_intr_iret_exit(struct vmcb *c, uint32_t cpu)
{
	nmi_block_iret_exit(&cos_intr_cpus[cpu].nmi, c);
}

void cos_intr_db_exit(struct vmcb *c, uint32_t cpu)
{
	nmi_block_db_exit(&cos_intr_cpus[cpu].nmi, c);
}

uint64_t cos_intr_forwarded(uint32_t cpu)
{
	return cos_intr_cpus[cpu].forwarded;
}
