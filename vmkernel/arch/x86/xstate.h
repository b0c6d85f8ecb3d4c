/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Each world's extended CPU state (x87, SSE, AVX, ... and XCR0). SVM's
 * VMRUN and #VMEXIT switch none of it (APM vol. 2 §15.5), and the
 * vmkernel itself never touches it (-mgeneral-regs-only), so between
 * worlds it is saved with XSAVE (FXSAVE without XSAVE) after each #VMEXIT
 * and restored with XRSTOR before a VMRUN when another world's state is
 * in this CPU's registers. XCR0 is the world's while it runs and the
 * host's (the COS's at load, all it enabled) in the vmkernel.
 */
#ifndef VMKERNEL_ARCH_X86_XSTATE_H
#define VMKERNEL_ARCH_X86_XSTATE_H

#include "vmkernel/core/vmkernel.h"
#include "vmkernel/arch/x86/exit_policy.h"

/* One world's state; embedded in struct svm_vcpu. */
struct xstate {
	uint8_t *area;		/* XSAVE/FXSAVE image, page-aligned */
	uint32_t area_pa, pages;
	uint64_t xcr0;		/* the world's XCR0 */
	uint32_t live_cpu;	/* CPU + 1 whose registers hold it, 0: none */
	bool vm;		/* a VM's: runs with IA32_XSS 0 */
	uint64_t cos_xss;	/* IA32_XSS to put back at exit, 0: none */
};

/* CPU 0 at init: XSAVE or FXSAVE, the host's XCR0 and the area's size
 * (CPUID 0Dh ECX: every component the CPU has). */
void xstate_global_init(void);
/* Each CPU: CR0.TS clear, so that the vmkernel's XSAVE/XRSTOR run. */
void xstate_cpu_init(void);

/* An area in the state after RESET (x87 and SSE initial, XCR0 = x87). */
vmk_status_t xstate_alloc(struct xstate *x);
void xstate_free(struct xstate *x);
void xstate_reset(struct xstate *x);
/* The COS at init: x := this CPU's live state and XCR0. */
void xstate_capture(struct xstate *x, uint32_t cpu);

/* Around each VMRUN of the world that owns x, on cpu. */
void xstate_enter(struct xstate *x, uint32_t cpu);
void xstate_exit(struct xstate *x);
/* Before cpu goes back to native: its registers and XCR0 := x. */
void xstate_hand_back(struct xstate *x, uint32_t cpu);

/* The XCR0 bits a VM may set: the host's. */
uint64_t xstate_guest_mask(void);
/* The CPU's XSAVE components (CPUID 0Dh), for cpuid_xstate_apply(). */
const struct xsave_layout *xstate_layout(void);

#endif /* VMKERNEL_ARCH_X86_XSTATE_H */
