/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical interrupt path (docs/architecture.md "Interrupts"): every
 * world runs with INTR and NMI intercepted and V_INTR_MASKING set, so a
 * physical interrupt always exits to the vmkernel, whatever the guest's
 * IF. The vmkernel takes it through its own IDT in a short window,
 * handles its own vectors (vectors.h) and queues the others for the COS
 * vCPU of this CPU, which gets them injected when it runs next.
 */
#ifndef VMKERNEL_ARCH_X86_INTR_H
#define VMKERNEL_ARCH_X86_INTR_H

#include "vmkernel/platform.h"
#include "vmkernel/arch/x86/vmcb.h"

/* Set the interrupt intercepts (INTR, NMI, V_INTR_MASKING) in a VMCB. */
void intr_vmcb_setup(struct vmcb *c);

/*
 * After any #VMEXIT of any world, before anything else: for
 * SVM_EXIT_INTR / SVM_EXIT_NMI, take the pending physical interrupts
 * through the vmkernel IDT (a short STGI/STI window); other exit codes do
 * nothing. Returns true if the exit was an interrupt (nothing else to do).
 */
bool intr_handle_exit(const struct vmcb *c);

/* Take whatever physical interrupts are pending now (IF=0, GIF=0 on return). */
void intr_window(void);

/*
 * Before a VMRUN of the COS vCPU of this CPU: inject the highest queued
 * COS interrupt if the COS can take it now (IF=1, no interrupt shadow,
 * no event being re-injected), else ask for a VINTR exit when it can.
 * Returns whether this VMRUN may let physical interrupts exit (host IF=1,
 * svm_vcpu_run) or must keep them pending (svm_vcpu_run_masked) until the
 * COS can take one.
 */
bool intr_inject_cos(struct vmcb *c, uint32_t cpu);
/* Could the COS take an interrupt right now? */
bool intr_cos_can_take(const struct vmcb *c);
/*
 * After every COS exit (instead of intr_handle_exit): an INTR/NMI exit
 * takes the pending interrupts only if the COS can take one now, else
 * leaves them in the IRR until its VINTR exit.
 */
void intr_cos_exit(const struct vmcb *c, uint32_t cpu);
/* Anything queued for the COS vCPU of cpu? */
bool intr_cos_pending(uint32_t cpu);
/*
 * The COS vCPU of this CPU is about to leave it for another world: unwind
 * its queued vectors from the LAPIC's ISR (see intr.c). False if it cannot
 * leave yet (it is inside a handler of the vmkernel's priority class).
 */
bool intr_cos_leave(uint32_t cpu);
/* The COS vCPU is back: raise what was unwound or arrived meanwhile. */
void intr_cos_return(uint32_t cpu);
/* Before cpu returns to native Linux: re-raise what was queued for it. */
void intr_give_back(uint32_t cpu);
void intr_cpu_stats(uint32_t cpu, uint64_t *forwarded, uint64_t *vmkernel);

#endif /* VMKERNEL_ARCH_X86_INTR_H */
