/* SPDX-License-Identifier: GPL-2.0-only */
/* AMD SVM: the COS world on one CPU (APM vol. 2 chapter 15). */
#ifndef VMKERNEL_ARCH_X86_SVM_H
#define VMKERNEL_ARCH_X86_SVM_H

#include "vmkernel/core/vmkernel.h"
#include "vmkernel/core/world.h"

/* Global SVM resources (permission maps); CPU 0 during init. */
vmk_status_t svm_global_init(void);
/* Enables SVM on this CPU and builds the COS VMCB from the launch record. */
vmk_status_t svm_cpu_init(struct vcpu *v);
/* The COS vCPU world's run function (priv: its struct vcpu). */
extern const struct world_ops svm_cos_world_ops;

/*
 * After a panic: hands this CPU back. Inside the COS's exit handling, a
 * pending hypercall returns VMK_PANICKED and any other exiting instruction
 * is not completed (the COS executes it again natively); a COS vCPU that
 * was off the CPU resumes where it was.
 */
void svm_give_back_panicked(struct vcpu *v) __attribute__((noreturn));

/*
 * One VMRUN of v's VMCB (open: host IF=1, physical interrupts exit), with
 * the integrity checks and this CPU's switch trace. Panics if the pages
 * SVM writes through physical addresses alias (HSAVE, VMCB, host area);
 * false (with a log line) if the VMCB's save area holds the vmkernel's
 * own state, before the VMRUN (then not done) or after the #VMEXIT: the
 * world's state is lost, its owner ends it (the COS: panic; a VM: error).
 */
bool svm_world_switch(struct vcpu *v, bool open);
/* Does c's save area hold the vmkernel's state (RIP after its VMRUN, or its CR3)? */
bool svm_holds_host_state(const struct vmcb *c);
/* The panic report's list of this CPU's last world switches. */
void svm_trace_dump(uint32_t cpu);
void svm_vcpu_run(struct vcpu *v);	/* entry.S: host IF=1 at VMRUN */
void svm_vcpu_run_masked(struct vcpu *v);	/* host IF=0: interrupts wait */

/*
 * After a #VMEXIT: must EXITINTINFO be re-injected? injected is the
 * EVENTINJ this VMRUN carried (0: none), rip_at_vmrun the guest RIP then.
 * Real hardware reports only deliveries the exit interrupted; QEMU (TCG)
 * reports the VMRUN's EVENTINJ every time, delivered or not, and
 * re-injecting that delivers it twice (an extra EOI, a lost level
 * interrupt). Every world's exit handler needs this, not only the COS's.
 */
bool svm_exit_event_pending(const struct vmcb *c, uint32_t injected,
			    uint64_t rip_at_vmrun);

#endif /* VMKERNEL_ARCH_X86_SVM_H */
