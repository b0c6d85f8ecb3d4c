// SPDX-License-Identifier: GPL-2.0-only
/*
 * The local APIC (xAPIC MMIO, AMD APM vol. 2 ch. 16), shared with the COS,
 * which programs it natively. Two rules keep the sharing invisible to it:
 *  - ICR: the COS writes the destination (ICR_HI) and then the command
 *    (ICR_LO); an exit can fall between the two. The vmkernel restores
 *    ICR_HI after each IPI it sends.
 *  - EOI: the vmkernel EOIs only its own vectors (0xf0-0xf2, the highest
 *    priority class besides the COS's 0xf3-0xff, and in the same class so
 *    the LAPIC never has both in service at once); COS vectors stay in
 *    service until the COS EOIs them, so its priorities and level-triggered
 *    EOI broadcasts work as on bare metal.
 */
#include "vmkernel/arch/x86/apic.h"
#include "vmkernel/arch/x86/cpu.h"
#include "vmkernel/arch/x86/exit_policy.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/log/log.h"

#define MSR_APIC_BASE		0x0000001b	/* APM vol. 2 §16.3.1 */
#define APIC_BASE_ADDR_MASK	0x0000000ffffff000ull
#define APIC_BASE_EXTD		(1ull << 10)	/* x2APIC mode, SDM vol. 3A §10.12.1 */
/* The LAPIC page: the last page of the image window, never the image's. */
#define LAPIC_VA		(VMK_VBASE + VMK_VSIZE - VMK_PAGE_SIZE)

#define ICR_BUSY		(1u << 12)	/* delivery status, §16.5 */
#define ICR_NMI			(4u << 8)	/* delivery mode NMI */
#define ICR_ASSERT		(1u << 14)
#define ICR_SELF		(1u << 18)	/* destination shorthand "self" */
#define TDCR_DIV_1		0xb		/* divide by 1, §16.4.1 */
#define CALIBRATE_US		2000

static uint32_t apic_ids[VMK_MAX_CPUS];
static uint64_t timer_khz;	/* ticks per ms at divide-by-1 */

static volatile uint32_t *reg(uint32_t r)
{
	return (volatile uint32_t *)(uintptr_t)(LAPIC_VA + r);
}

uint32_t apic_read(uint32_t r)
{
	return *reg(r);
}

void apic_write(uint32_t r, uint32_t v)
{
	*reg(r) = v;
}

void apic_eoi(void)
{
	apic_write(LAPIC_EOI, 0);
}

uint32_t apic_apic_id(uint32_t cpu)
{
	return apic_ids[cpu];
}

int apic_cpu_of(uint32_t apic_id)
{
	for (uint32_t cpu = 0; cpu < vmk_boot_info.ncpus && cpu < VMK_MAX_CPUS; cpu++)
		if (apic_ids[cpu] == apic_id)
			return (int)cpu;
	return -1;
}

static void icr_wait_idle(void)
{
	while (apic_read(LAPIC_ICR_LO) & ICR_BUSY)
		__builtin_ia32_pause();
}

static void icr_send(uint32_t hi, uint32_t lo)
{
	uint32_t cos_hi;

	icr_wait_idle();
	cos_hi = apic_read(LAPIC_ICR_HI);
	apic_write(LAPIC_ICR_HI, hi);
	apic_write(LAPIC_ICR_LO, lo);
	icr_wait_idle();
	apic_write(LAPIC_ICR_HI, cos_hi);
}

void apic_send_ipi(uint32_t cpu, uint32_t vector)
{
	icr_send(apic_ids[cpu] << 24, ICR_ASSERT | vector);
}

void apic_self_ipi(uint32_t vector)
{
	icr_send(0, ICR_ASSERT | ICR_SELF | vector);
}

void apic_self_nmi(void)
{
	icr_send(0, ICR_ASSERT | ICR_SELF | ICR_NMI);
}

static bool vector_bit(uint32_t base, uint32_t vector)
{
	return (apic_read(base + (vector >> 5) * 16) >> (vector & 31)) & 1;
}

bool apic_in_service(uint32_t vector)
{
	return vector_bit(LAPIC_ISR, vector);
}

bool apic_level_triggered(uint32_t vector)
{
	return vector_bit(LAPIC_TMR, vector);
}

int apic_highest_in_service(void)
{
	int w;

	for (w = 7; w >= 0; w--) {
		uint32_t isr = apic_read(LAPIC_ISR + w * 16);

		if (isr)
			return w * 32 + 31 - __builtin_clz(isr);
	}
	return -1;
}

uint64_t apic_timer_khz(void)
{
	return timer_khz;
}

static uint32_t tdcr_divider(uint32_t tdcr)
{
	return apic_tdcr_divider(tdcr);
}

void apic_timer_save(struct apic_timer_state *s)
{
	s->lvtt = apic_read(LAPIC_LVTT);
	s->tdcr = apic_read(LAPIC_TDCR);
	s->tmict = apic_read(LAPIC_TMICT);
	s->tmcct = apic_read(LAPIC_TMCCT);
	s->in_irr = vector_bit(LAPIC_IRR, s->lvtt & 0xff);
	s->tsc = rdtsc();
	apic_write(LAPIC_LVTT, s->lvtt | LAPIC_LVT_MASKED);
	apic_write(LAPIC_TMICT, 0);
}

/* LAPIC counts (at the saved divider) that correspond to TSC cycles. */
static uint64_t tsc_to_counts(const struct apic_timer_state *s, uint64_t cycles)
{
	if (!vmk_boot_info.tsc_khz)
		return 0;
	return cycles * timer_khz / tdcr_divider(s->tdcr) / vmk_boot_info.tsc_khz;
}

/*
 * An armed one-shot timer that reads 0 may have expired so shortly before
 * the save that its interrupt was never sent: masking the LVT drops an
 * expiry that has not been delivered yet (and QEMU delivers it from a host
 * timer, late). Treat it as due: the COS may get one tick too many, which
 * Linux ignores, never one too few. One whose vector waits in the IRR was
 * delivered (apic_oneshot_undelivered(), exit_policy.h): the COS gets that
 * one, and no second.
 */
static bool expired_at_save(const struct apic_timer_state *s)
{
	return apic_oneshot_undelivered(s->lvtt, s->tmict, s->tmcct, s->in_irr);
}

uint64_t apic_timer_deadline_tsc(const struct apic_timer_state *s)
{
	uint64_t khz = timer_khz / tdcr_divider(s->tdcr);

	if (expired_at_save(s))
		return s->tsc;
	if (!s->tmcct || (s->lvtt & LAPIC_LVT_MASKED) || !khz)
		return 0;
	return s->tsc + (uint64_t)s->tmcct * vmk_boot_info.tsc_khz / khz;
}

void apic_timer_restore(const struct apic_timer_state *s)
{
	uint64_t gone = tsc_to_counts(s, rdtsc() - s->tsc);
	uint32_t count = 0;

	apic_write(LAPIC_TMICT, 0);
	apic_write(LAPIC_TDCR, s->tdcr);
	apic_write(LAPIC_LVTT, s->lvtt);
	if (s->lvtt & LAPIC_LVTT_PERIODIC)
		count = s->tmict;	/* restarts the period: a phase shift only */
	else if (s->tmcct)
		count = gone < s->tmcct ? s->tmcct - (uint32_t)gone : 1;
	else if (expired_at_save(s))
		count = 1;
	apic_write(LAPIC_TMICT, count);
}

void apic_timer_oneshot(uint32_t vector, uint32_t us)
{
	uint64_t counts = timer_khz * us / 1000;

	apic_write(LAPIC_TMICT, 0);
	apic_write(LAPIC_TDCR, TDCR_DIV_1);
	apic_write(LAPIC_LVTT, vector);
	apic_write(LAPIC_TMICT, counts > UINT32_MAX ? UINT32_MAX : counts ? (uint32_t)counts : 1);
}

void apic_timer_stop(void)
{
	apic_write(LAPIC_TMICT, 0);
	apic_write(LAPIC_LVTT, apic_read(LAPIC_LVTT) | LAPIC_LVT_MASKED);
}

/*
 * Count the timer at divide-by-1 over CALIBRATE_US of TSC time, with the
 * COS's timer saved and restored around it (its deadline moves by nothing:
 * the restore subtracts the time spent here).
 */
static vmk_status_t calibrate(void)
{
	struct apic_timer_state cos;
	uint64_t t0, t1, wait = (uint64_t)vmk_boot_info.tsc_khz * CALIBRATE_US / 1000;
	uint32_t left;

	if (!vmk_boot_info.tsc_khz)
		return VMK_NO_HARDWARE;
	apic_timer_save(&cos);
	apic_write(LAPIC_TDCR, TDCR_DIV_1);
	apic_write(LAPIC_LVTT, LAPIC_LVT_MASKED);
	t0 = rdtsc();
	apic_write(LAPIC_TMICT, 0xffffffffu);
	do
		t1 = rdtsc();
	while (t1 - t0 < wait);
	left = apic_read(LAPIC_TMCCT);
	timer_khz = (uint64_t)(0xffffffffu - left) * vmk_boot_info.tsc_khz / (t1 - t0);
	apic_timer_restore(&cos);
	return timer_khz ? VMK_OK : VMK_NO_HARDWARE;
}

vmk_status_t apic_global_init(void)
{
	uint64_t msr = rdmsr(MSR_APIC_BASE), base = msr & APIC_BASE_ADDR_MASK;
	vmk_status_t st;

	/* In x2APIC mode the MMIO page this file drives reads nothing. */
	if (msr & APIC_BASE_EXTD) {
		log_err("the LAPIC is in x2APIC mode, the vmkernel drives it only as an xAPIC: boot the COS with nox2apic");
		return VMK_NOT_SUPPORTED;
	}
	if (vmk_boot_info.loader_end_va > LAPIC_VA)
		return VMK_NO_MEMORY;
	st = vmk_map_mmio(LAPIC_VA, base);
	if (st != VMK_OK)
		return st;
	st = calibrate();
	if (st != VMK_OK)
		return st;
	log_info("lapic at %llx, timer %llu kHz (TSC %u kHz)",
		 (unsigned long long)base, (unsigned long long)timer_khz,
		 vmk_boot_info.tsc_khz);
	return VMK_OK;
}

void apic_cpu_init(uint32_t cpu)
{
	apic_ids[cpu] = apic_read(LAPIC_ID) >> 24;
}
