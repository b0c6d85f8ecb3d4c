/* SPDX-License-Identifier: GPL-2.0-only */
/* AMD SVM: the COS world on one CPU (APM vol. 2 chapter 15). */
#ifndef VMKERNEL_ARCH_X86_SVM_H
#define VMKERNEL_ARCH_X86_SVM_H

#include "vmkernel/core/vmkernel.h"

/* Global SVM resources (permission maps); CPU 0 during init. */
vmk_status_t svm_global_init(void);
/* Enables SVM on this CPU and builds the COS VMCB from the launch record. */
vmk_status_t svm_cpu_init(struct vcpu *v);
/* Runs the COS until this CPU is handed back. */
void svm_cpu_loop(struct vcpu *v) __attribute__((noreturn));

/*
 * After a panic: hands this CPU back with EAX = VMK_PANICKED. A pending
 * hypercall returns that status; any other exiting instruction is not
 * completed and the COS executes it again natively.
 */
void svm_give_back_panicked(struct vcpu *v) __attribute__((noreturn));

void svm_vcpu_run(struct vcpu *v);	/* entry.S */

#endif /* VMKERNEL_ARCH_X86_SVM_H */
