/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmkernel's tick (docs/architecture.md "Time"). The COS keeps its
 * LAPIC timer while its vCPU runs on a CPU; when another world gets the CPU
 * the vmkernel borrows the timer for its own periodic tick
 * (VEC_VMK_TIMER), keeps the COS's deadline, and wakes the COS world when
 * it passes; when the COS vCPU comes back its timer is restored with the
 * time it was away taken off.
 */
#ifndef VMKERNEL_ARCH_X86_TIMER_H
#define VMKERNEL_ARCH_X86_TIMER_H

#include "vmkernel/platform.h"

/*
 * The vmkernel's tick while it holds the timer: one-shot, every
 * TIMER_TICK_US while worlds wait for this CPU, else at the next event it
 * must see (the COS's deadline, a sleeper's, a limit's budget) but at
 * least every TIMER_LONG_TICK_US (sched.c picks the interval).
 */
#define TIMER_TICK_US		1000
#define TIMER_LONG_TICK_US	10000
#define TIMER_MIN_TICK_US	20

/* The COS vCPU leaves this CPU: take its timer (if not taken already);
 * timer_rearm() then arms the tick. */
void timer_cos_out(uint32_t cpu);
/* While the timer is borrowed: the next tick in tick_us. */
void timer_rearm(uint32_t cpu, uint32_t tick_us);
/* ns from now to the COS's saved deadline (0: passed; UINT64_MAX: none or
 * the timer is the COS's). */
uint64_t timer_cos_deadline_ns(uint32_t cpu);
/* The COS vCPU comes back: stop the tick, give it its timer back. */
void timer_cos_in(uint32_t cpu);
/* Does the vmkernel hold this CPU's timer now? */
bool timer_borrowed(uint32_t cpu);
/* From VEC_VMK_TIMER: true when the COS's own deadline has passed. */
bool timer_cos_deadline_passed(uint32_t cpu);

#endif /* VMKERNEL_ARCH_X86_TIMER_H */
