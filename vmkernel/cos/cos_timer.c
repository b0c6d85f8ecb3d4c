// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel's tick on the COS's borrowed LAPIC timer (cos_timer.h). */
#include "vmkernel/cos/cos_timer.h"
#include "vmkernel/cos/cos_intr.h"
#include "vmkernel/arch/x86/apic.h"
#include "vmkernel/arch/x86/vectors.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/arch/x86/exit_policy.h"
#include "vmkernel/core/vmkernel.h"

#define LVT_DELIVERY_PENDING	(1u << 12)	/* read-only, APM vol. 2 §16.4 */

struct timer_cpu {
	bool borrowed;
	struct apic_timer_state cos;	/* the COS's timer while borrowed */
	uint64_t cos_deadline;		/* TSC, 0: none */
	uint32_t lvtt, tdcr, tmict;	/* what the vmkernel wrote last */
	bool down;			/* cos_timer_stop(): for good */
};

static struct timer_cpu timers[VMK_MAX_CPUS];

static uint32_t lvtt_now(void)
{
	return apic_read(LAPIC_LVTT) & ~LVT_DELIVERY_PENDING;
}

static void note_ours(struct timer_cpu *t)
{
	t->lvtt = lvtt_now();
	t->tdcr = apic_read(LAPIC_TDCR);
	t->tmict = apic_read(LAPIC_TMICT);
}

/*
 * A COS that runs with interrupts off while the vmkernel holds its timer
 * (cos_intr.c, "masked") may program it meanwhile: Linux arms its next
 * event with interrupts off. A register that no longer holds what the
 * vmkernel wrote is the COS's now: take it into the saved state (a new
 * count with what is left of it now), so the COS gets that timer back.
 */
static void take_cos_writes(struct timer_cpu *t)
{
	uint32_t lvtt = lvtt_now(), tdcr = apic_read(LAPIC_TDCR);

	if (t->down)
		return;		/* nobody else writes it now */
	if (lvtt != t->lvtt)
		t->cos.lvtt = lvtt;
	if (tdcr != t->tdcr)
		t->cos.tdcr = tdcr;
	if (apic_read(LAPIC_TMICT) == t->tmict && lvtt == t->lvtt &&
	    tdcr == t->tdcr)
		return;
	if (apic_read(LAPIC_TMICT) != t->tmict) {
		/* Counted at the divider the LAPIC held, meant at its own. */
		t->cos.tmict = apic_read(LAPIC_TMICT);
		t->cos.tmcct = apic_count_left(t->cos.tmict,
					       apic_read(LAPIC_TMCCT),
					       apic_tdcr_divider(tdcr),
					       apic_tdcr_divider(t->cos.tdcr));
		t->cos.tsc = rdtsc();
		/* Fired already on the vmkernel's vector: not in the IRR. */
		t->cos.in_irr = false;
	}
	t->cos_deadline = apic_timer_deadline_tsc(&t->cos);
}

void cos_timer_out(uint32_t cpu)
{
	struct timer_cpu *t = &timers[cpu];

	if (t->borrowed)
		return;
	apic_timer_save(&t->cos);	/* masks it */
	t->cos_deadline = apic_timer_deadline_tsc(&t->cos);
	t->borrowed = true;
	note_ours(t);
}

void cos_timer_rearm(uint32_t cpu, uint32_t tick_us)
{
	struct timer_cpu *t = &timers[cpu];

	if (!t->borrowed)
		return;
	take_cos_writes(t);
	apic_timer_oneshot(VEC_VMK_TIMER, tick_us);
	note_ours(t);
}

/*
 * The COS's deadline, if it counts: none while its vCPU is away with a TPR
 * that holds the timer's vector back (cos_intr.c, the wake rule; it would
 * not end its HLT). cos_timer_in() still finds it due when it is back.
 */
static uint64_t deadline(const struct timer_cpu *t, uint32_t cpu)
{
	if (!t->borrowed || cos_intr_timer_held_back(cpu, t->cos.lvtt & 0xff))
		return 0;
	return t->cos_deadline;
}

uint64_t cos_timer_deadline_ns(uint32_t cpu)
{
	const struct timer_cpu *t = &timers[cpu];
	uint64_t now = rdtsc(), khz = vmk_boot_info.tsc_khz;
	uint64_t at = deadline(t, cpu);

	if (!at || !khz)
		return UINT64_MAX;
	if (now >= at)
		return 0;
	return (at - now) * 1000000 / khz;
}

void cos_timer_in(uint32_t cpu)
{
	struct timer_cpu *t = &timers[cpu];

	if (!t->borrowed || t->down)
		return;
	take_cos_writes(t);
	apic_timer_restore(&t->cos);
	t->borrowed = false;
}

bool cos_timer_borrowed(uint32_t cpu)
{
	return timers[cpu].borrowed;
}

bool cos_timer_deadline_passed(uint32_t cpu)
{
	uint64_t at = deadline(&timers[cpu], cpu);

	return at && rdtsc() >= at;
}


void cos_timer_stop(uint32_t cpu)
{
	struct timer_cpu *t = &timers[cpu];

	cos_timer_out(cpu);	/* its timer saved and masked, if it had it */
	t->cos_deadline = 0;
	t->down = true;
}
