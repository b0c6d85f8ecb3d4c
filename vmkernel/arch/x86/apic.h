/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The local APIC as the vmkernel uses it (xAPIC, MMIO; AMD APM vol. 2
 * ch. 16): EOI for its own vectors, IPIs between its CPUs, and its timer.
 * The COS keeps using the same LAPIC natively (no exits): the vmkernel
 * touches the registers it shares with the COS (ICR, the timer) only in
 * ways the COS cannot notice, see apic.c.
 */
#ifndef VMKERNEL_ARCH_X86_APIC_H
#define VMKERNEL_ARCH_X86_APIC_H

#include "vmkernel/platform.h"

/* Register offsets, APM vol. 2 table 16-2. */
#define LAPIC_ID		0x020
#define LAPIC_TPR		0x080
#define LAPIC_EOI		0x0b0
#define LAPIC_ISR		0x100	/* 8 words, 16 bytes apart */
#define LAPIC_TMR		0x180
#define LAPIC_IRR		0x200
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310
#define LAPIC_LVTT		0x320
#define LAPIC_TMICT		0x380
#define LAPIC_TMCCT		0x390
#define LAPIC_TDCR		0x3e0

#define LAPIC_LVT_MASKED	(1u << 16)
#define LAPIC_LVTT_PERIODIC	(1u << 17)

/* The timer state the COS left in the LAPIC (apic_timer_save). */
struct apic_timer_state {
	uint32_t lvtt, tdcr, tmict, tmcct;
	bool in_irr;			/* its vector was waiting in the IRR */
	uint64_t tsc;			/* when tmcct was read */
};

/* CPU 0, during init: map the LAPIC, calibrate its timer against the TSC. */
vmk_status_t apic_global_init(void);
/* Each CPU: record its APIC ID for IPIs. */
void apic_cpu_init(uint32_t cpu);

uint32_t apic_read(uint32_t reg);
void apic_write(uint32_t reg, uint32_t val);
void apic_eoi(void);
uint32_t apic_apic_id(uint32_t cpu);
/* The vmkernel CPU whose LAPIC has apic_id (a COS doorbell's target); -1: none. */
int apic_cpu_of(uint32_t apic_id);

/* Fixed IPI with vector to vmkernel CPU cpu (safe against the COS's ICR use). */
void apic_send_ipi(uint32_t cpu, uint32_t vector);
/* To this CPU: a fixed interrupt (vector) or an NMI (vector ignored). */
void apic_self_ipi(uint32_t vector);
void apic_self_nmi(void);

/* Is vector in service / level-triggered (ISR / TMR bit)? */
bool apic_in_service(uint32_t vector);
bool apic_level_triggered(uint32_t vector);
/* The highest vector in service, -1 if none. */
int apic_highest_in_service(void);

/* LAPIC timer ticks per millisecond at divide-by-1 (calibrated). */
uint64_t apic_timer_khz(void);

/* Take the timer from the COS: remember its state and stop it. */
void apic_timer_save(struct apic_timer_state *s);
/*
 * Give it back: the COS's mode, vector and divider, and what was left of
 * its count minus the time it was away (at least 1: a deadline that
 * passed fires at once, so the COS sees its tick late, never lost).
 */
void apic_timer_restore(const struct apic_timer_state *s);
/* TSC value at which a saved one-shot COS timer expires; 0 if none. */
uint64_t apic_timer_deadline_tsc(const struct apic_timer_state *s);
/* Periodic timer on vector every period_us (the vmkernel's tick). */
/* One interrupt on vector after us microseconds (at least one count). */
void apic_timer_oneshot(uint32_t vector, uint32_t us);
void apic_timer_stop(void);

#endif /* VMKERNEL_ARCH_X86_APIC_H */
