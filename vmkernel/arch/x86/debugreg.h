/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Each world's debug registers DR0-DR3 (breakpoint addresses). VMRUN and
 * #VMEXIT switch DR6 and DR7 through the VMCB save area, not DR0-3 (APM
 * vol. 2 §15.5.1), so the vmkernel does, in svm_world_switch()
 * (exit_policy.h DR_INTERCEPTS): a world's values go into the registers
 * before its VMRUN where they differ from what they hold, and come back
 * after its #VMEXIT only if it could have changed them (the COS, once it
 * used them since its last VMRUN; never a VM, whose every access is
 * emulated on d, VM_DR_INTERCEPTS). #VMEXIT disables
 * every breakpoint in the host's DR7 (§15.6), so no world's DR7 arms
 * anything while the vmkernel runs; the COS's DR7 at load goes into its
 * VMCB and the vmkernel clears it in the CPU.
 */
#ifndef VMKERNEL_ARCH_X86_DEBUGREG_H
#define VMKERNEL_ARCH_X86_DEBUGREG_H

#include "vmkernel/core/vmkernel.h"
#include "vmkernel/arch/x86/vmcb.h"

/* One world's DR0-3; embedded in struct svm_vcpu. */
struct debugreg {
	uint32_t dr[4];
	bool exposed;		/* DR intercepts off for the next VMRUN */
};

/* DR0-3 after RESET or INIT: 0 (SDM vol. 3A table 9-1). */
void debugreg_reset(struct debugreg *d);
/*
 * The COS at init: d := this CPU's live DR0-3. Returns the COS's DR7
 * (for its VMCB) and leaves the CPU's DR7 with no breakpoint enabled.
 */
uint32_t debugreg_capture(struct debugreg *d, uint32_t cpu);

/* Around each VMRUN of the world that owns d and c, on cpu. */
void debugreg_enter(struct debugreg *d, struct vmcb *c, uint32_t cpu);
void debugreg_exit(struct debugreg *d, uint32_t cpu);
/* A DR0-3 access exit: let the instruction run again, natively. */
void debugreg_expose(struct debugreg *d);
/*
 * Before cpu goes back to native: DR0-3 := d. DR7 stays as #VMEXIT left
 * it, every breakpoint disabled: the vmkernel runs on to the give-back
 * trampoline, where one of the COS's could fire on the vmkernel's IDT.
 */
void debugreg_hand_back(const struct debugreg *d, uint32_t cpu);

#endif /* VMKERNEL_ARCH_X86_DEBUGREG_H */
