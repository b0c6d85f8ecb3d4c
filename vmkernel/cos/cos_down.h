/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A COS that dies (docs/architecture.md "When the COS dies"). The COS is
 * Linux: it can triple fault, leave a state VMRUN refuses, or make an
 * exit its intercepts never ask for. That is not the vmkernel's failure,
 * and VMs need no COS to run: as ESX's vmkernel outlives a crashed
 * service console, the vmkernel reports the COS's state on COM2, stops
 * the COS's vCPU on every CPU for good and runs VM worlds only (idle when
 * there are none), with a status report of every VM on COM2 every
 * COS_DOWN_REPORT_S seconds. Nothing waits for the COS from then on: its
 * vectors are dropped behind the TPR (cos_intr_stop()), its LAPIC timer
 * stays the vmkernel's (cos_timer_stop()), no exit of it is handled any
 * more (no hypercall, no give-back), and no CPU goes back to it, not
 * even after a vmkernel panic (the CPUs halt). A reset brings it back.
 */
#ifndef VMKERNEL_COS_COS_DOWN_H
#define VMKERNEL_COS_COS_DOWN_H

#include "vmkernel/cos/cos.h"

#define COS_DOWN_REPORT_S	10

/* Is the COS down (for good)? */
bool cos_is_down(void);
/*
 * From the COS's exit handling on its CPU (no lock held): the COS cannot
 * go on, cause says why (exit_policy.h cos_down_cause()). The first CPU
 * to say so reports it and asks every CPU to stop its COS vCPU; the COS
 * vCPU world returns to the scheduler, which takes it off for good.
 */
void cos_down(struct cos_vcpu *v, const char *cause);
/*
 * The scheduler of cpu, once, on that CPU, when it takes the COS vCPU off
 * (no lock held): its interrupts and its timer are the vmkernel's now.
 */
void cos_down_cpu(uint32_t cpu);
/* Is a status report due (any CPU, IF=0)? */
bool cos_down_report_due(uint64_t now_ns);
/* The status report, when due, by one CPU (the scheduler loop, no lock held). */
void cos_down_report(uint64_t now_ns);

#endif /* VMKERNEL_COS_COS_DOWN_H */
