// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel's tick on a borrowed LAPIC timer (timer.h). */
#include "vmkernel/arch/x86/timer.h"
#include "vmkernel/arch/x86/apic.h"
#include "vmkernel/arch/x86/vectors.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/core/vmkernel.h"

struct timer_cpu {
	bool borrowed;
	struct apic_timer_state cos;	/* the COS's timer while borrowed */
	uint64_t cos_deadline;		/* TSC, 0: none */
};

static struct timer_cpu timers[VMK_MAX_CPUS];

void timer_cos_out(uint32_t cpu)
{
	struct timer_cpu *t = &timers[cpu];

	if (t->borrowed)
		return;
	apic_timer_save(&t->cos);
	t->cos_deadline = apic_timer_deadline_tsc(&t->cos);
	apic_timer_periodic(VEC_VMK_TIMER, TIMER_TICK_US);
	t->borrowed = true;
}

void timer_cos_in(uint32_t cpu)
{
	struct timer_cpu *t = &timers[cpu];

	if (!t->borrowed)
		return;
	apic_timer_restore(&t->cos);
	t->borrowed = false;
}

bool timer_borrowed(uint32_t cpu)
{
	return timers[cpu].borrowed;
}

bool timer_cos_deadline_passed(uint32_t cpu)
{
	struct timer_cpu *t = &timers[cpu];

	return t->borrowed && t->cos_deadline && rdtsc() >= t->cos_deadline;
}

