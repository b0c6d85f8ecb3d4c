// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel's tick on the COS's borrowed LAPIC timer (cos_timer.h). */
#include "vmkernel/cos/cos_timer.h"
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

void cos_timer_out(uint32_t cpu)
{
	struct timer_cpu *t = &timers[cpu];

	if (t->borrowed)
		return;
	apic_timer_save(&t->cos);	/* masks it */
	t->cos_deadline = apic_timer_deadline_tsc(&t->cos);
	t->borrowed = true;
}

void cos_timer_rearm(uint32_t cpu, uint32_t tick_us)
{
	if (timers[cpu].borrowed)
		apic_timer_oneshot(VEC_VMK_TIMER, tick_us);
}

uint64_t cos_timer_deadline_ns(uint32_t cpu)
{
	const struct timer_cpu *t = &timers[cpu];
	uint64_t now = rdtsc(), khz = vmk_boot_info.tsc_khz;

	if (!t->borrowed || !t->cos_deadline || !khz)
		return UINT64_MAX;
	if (now >= t->cos_deadline)
		return 0;
	return (t->cos_deadline - now) * 1000000 / khz;
}

void cos_timer_in(uint32_t cpu)
{
	struct timer_cpu *t = &timers[cpu];

	if (!t->borrowed)
		return;
	apic_timer_restore(&t->cos);
	t->borrowed = false;
}

bool cos_timer_borrowed(uint32_t cpu)
{
	return timers[cpu].borrowed;
}

bool cos_timer_deadline_passed(uint32_t cpu)
{
	struct timer_cpu *t = &timers[cpu];

	return t->borrowed && t->cos_deadline && rdtsc() >= t->cos_deadline;
}

