/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COS's side of the physical interrupt path (docs/architecture.md
 * "Interrupts"): the vectors the vmkernel takes for the COS vCPU of each
 * CPU (arch/x86/intr.c hands them over), their injection, and what the
 * LAPIC holds for the COS while its vCPU is off its CPU or given back.
 */
#ifndef VMKERNEL_COS_COS_INTR_H
#define VMKERNEL_COS_COS_INTR_H

#include "vmkernel/platform.h"
#include "vmkernel/arch/x86/vmcb.h"

/*
 * From the vmkernel IDT (intr_dispatch(), IF=0): vector, not one of the
 * vmkernel's, arrived for the COS vCPU of cpu; queue it (or, while that
 * vCPU is away, EOI an edge-triggered one and keep it to raise again).
 */
void cos_intr_take(uint32_t cpu, uint32_t vector);
/*
 * Before a VMRUN of the COS vCPU of this CPU: inject the highest queued
 * COS interrupt if the COS can take it now (IF=1, no interrupt shadow,
 * no event being re-injected), else ask for a VINTR exit when it can and
 * hold its vectors back with the TPR meanwhile (only class 0xf exits; the
 * vmkernel's tick takes the LAPIC timer, sched_cos_masked()).
 */
void cos_intr_inject(struct vmcb *c, uint32_t cpu);
/*
 * After every COS INTR/NMI/VINTR exit (instead of intr_handle_exit): an
 * INTR/NMI exit takes the pending interrupts only if the COS can take one
 * now, else only those of class 0xf (TPR), leaving the COS's others in
 * the IRR until its VINTR exit.
 */
void cos_intr_exit(const struct vmcb *c, uint32_t cpu);
/* SVM_EXIT_IRET / SVM_EXIT_EXCP_DB of the COS: the end of an NMI handler
 * (intercepted only while an injected NMI blocks others, exit_policy.h). */
void cos_intr_iret_exit(struct vmcb *c, uint32_t cpu);
void cos_intr_db_exit(struct vmcb *c, uint32_t cpu);
/* Anything queued for the COS vCPU of cpu (this CPU) that ends its HLT
 * (an NMI, or a vector its TPR lets through: cos_intr.c, the wake rule)? */
bool cos_intr_pending(uint32_t cpu);
/* Its vCPU is away with a TPR that holds vector (its timer's) back: the
 * timer's deadline does not wake it (cos_timer.c). */
bool cos_intr_timer_held_back(uint32_t cpu, uint32_t vector);
/*
 * The COS vCPU of this CPU is about to leave it for another world: unwind
 * its queued vectors from the LAPIC's ISR and take its TPR along (the
 * LAPIC gets VMK_TPR; see cos_intr.c, "The TPR rule"). False if it
 * cannot leave yet (it is inside a handler of the vmkernel's priority
 * class).
 */
bool cos_intr_leave(uint32_t cpu);
/* The COS vCPU is back: its TPR, then raise what was unwound or arrived
 * meanwhile. */
void cos_intr_return(uint32_t cpu);
/* Before cpu returns to native Linux: the COS's TPR back, and re-raise
 * what was queued for it. */
void cos_intr_give_back(uint32_t cpu);
/*
 * The COS is down (cos_down.h), on this CPU (cpu), for good: its vectors
 * below class 0xf are held back (TPR), those in service EOIed, what was
 * queued forgotten; those that still arrive are dropped. Returns how many
 * were in service.
 */
uint32_t cos_intr_stop(uint32_t cpu);
/* Physical interrupts passed to the COS vCPU of cpu so far. */
uint64_t cos_intr_forwarded(uint32_t cpu);

#endif /* VMKERNEL_COS_COS_INTR_H */
