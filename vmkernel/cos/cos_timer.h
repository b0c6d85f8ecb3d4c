/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COS's LAPIC timer hand-off (docs/architecture.md "Time"). The COS
 * keeps its LAPIC timer while its vCPU runs on a CPU; when another world
 * gets the CPU the vmkernel borrows the timer for its own tick
 * (VEC_VMK_TIMER, interval chosen by core/sched.c), keeps the COS's
 * deadline, and wakes the COS world when it passes; when the COS vCPU
 * comes back its timer is restored with the time it was away taken off.
 */
#ifndef VMKERNEL_COS_COS_TIMER_H
#define VMKERNEL_COS_COS_TIMER_H

#include "vmkernel/platform.h"

/* The COS vCPU leaves this CPU: take its timer (if not taken already);
 * cos_timer_rearm() then arms the tick. */
void cos_timer_out(uint32_t cpu);
/* While the timer is borrowed: the vmkernel's next tick in tick_us. */
void cos_timer_rearm(uint32_t cpu, uint32_t tick_us);
/* ns from now to the COS's saved deadline (0: passed; UINT64_MAX: none or
 * the timer is the COS's). */
uint64_t cos_timer_deadline_ns(uint32_t cpu);
/* The COS vCPU comes back: stop the tick, give it its timer back. */
void cos_timer_in(uint32_t cpu);
/* Does the vmkernel hold this CPU's timer now? */
bool cos_timer_borrowed(uint32_t cpu);
/* From VEC_VMK_TIMER: true when the COS's own deadline has passed. */
bool cos_timer_deadline_passed(uint32_t cpu);
/*
 * The COS is down (cos_down.h), on this CPU, for good: the timer stays the
 * vmkernel's and the COS's deadline no longer counts.
 */
void cos_timer_stop(uint32_t cpu);

#endif /* VMKERNEL_COS_COS_TIMER_H */
