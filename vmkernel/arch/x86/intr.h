/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical interrupt path (docs/architecture.md "Interrupts"): every
 * world runs with INTR and NMI intercepted and V_INTR_MASKING set, so a
 * physical interrupt always exits to the vmkernel, whatever the guest's
 * IF. The vmkernel takes it through its own IDT in a short window,
 * handles its own vectors (vectors.h) and hands the others to the COS
 * vCPU of this CPU (cos/cos_intr.h), which gets them injected when it
 * runs next.
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

/* Take only a pending NMI (STGI with IF=0): for an NMI exit of a world
 * that cannot take interrupts now. */
void intr_nmi_window(void);

/* The vmkernel's own interrupts (its vectors) taken on cpu so far. */
uint64_t intr_vmkernel_count(uint32_t cpu);

#endif /* VMKERNEL_ARCH_X86_INTR_H */
