// SPDX-License-Identifier: GPL-2.0-only
/*
 * Local APIC in xAPIC mode (Intel SDM vol. 3A ch. 10 "Advanced
 * Programmable Interrupt Controller"), one per vCPU, memory-mapped at the
 * base in IA32_APIC_BASE (default 0xFEE00000). Timer one-shot and periodic,
 * IPIs (fixed, lowest priority, NMI, INIT, SIPI) with physical and logical
 * destinations and shorthands.
 */
#ifndef VMM_DEV_LAPIC_H
#define VMM_DEV_LAPIC_H

#include "vmm/platform.h"

#define LAPIC_DEFAULT_BASE	0xfee00000u
#define LAPIC_PAGE		0x1000u
#define MSR_IA32_APIC_BASE	0x1bu	/* SDM vol. 3A §10.4.4 */

struct vm_devices;

struct lapic {
	struct vm_devices *vm;
	unsigned int vcpu;
	uint64_t apic_base;	/* IA32_APIC_BASE MSR */
	uint32_t id, tpr, ldr, dfr, svr, esr, esr_pending;
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[7];	/* CMCI, timer, thermal, perf, LINT0, LINT1, error */
	uint32_t irr[8], isr[8], tmr[8];
	uint32_t timer_initial, timer_dcr;
	uint64_t timer_start_ns;
	uint64_t timer_next_ns;	/* next expiry, or UINT64_MAX */
	/* events for the exit handler */
	uint8_t nmi_pending;	/* 0 or 1 (exit_policy.h nmi_block_offer) */
	bool init_pending;
	bool sipi_pending;
	uint8_t sipi_vector;
};

/* APIC message on the system bus (IOAPIC redirection or ICR). */
struct apic_msg {
	uint8_t vector;
	uint8_t delivery;	/* APIC_DM_* */
	bool logical;		/* destination mode */
	bool level_trig;	/* trigger mode */
	uint8_t dest;
	uint8_t shorthand;	/* APIC_SH_*; NONE from the IOAPIC */
	unsigned int src_vcpu;
};

#define APIC_DM_FIXED	0
#define APIC_DM_LOWEST	1
#define APIC_DM_SMI	2
#define APIC_DM_NMI	4
#define APIC_DM_INIT	5
#define APIC_DM_SIPI	6
#define APIC_DM_EXTINT	7
#define APIC_SH_NONE	0
#define APIC_SH_SELF	1
#define APIC_SH_ALL	2
#define APIC_SH_OTHERS	3

/* Deliver a message to the LAPICs it addresses. */
void lapic_bus_deliver(struct vm_devices *vm, const struct apic_msg *msg);
/* The highest vector set in a 256-bit register (IRR, ISR, TMR), or -1. */
int lapic_highest_vector(const uint32_t bm[8]);
/* Highest deliverable vector in IRR above PPR, or -1. */
int lapic_pending_vector(const struct lapic *apic);
/* The vCPU takes vector: IRR -> ISR. */
void lapic_ack(struct lapic *apic, uint8_t vector);
/* LINT0 programmed as unmasked ExtINT: the PIC's INTR reaches this vCPU. */
bool lapic_accepts_extint(const struct lapic *apic);
void lapic_poll(struct lapic *apic, uint64_t now);
/* IA32_APIC_BASE for the RDMSR/WRMSR intercepts; false: #GP. */
uint64_t lapic_base_msr_read(const struct lapic *apic);
bool lapic_base_msr_write(struct lapic *apic, uint64_t val);
/* Is gpa inside this LAPIC's (enabled) page? */
bool lapic_decodes(const struct lapic *apic, uint64_t gpa);
uint32_t lapic_read(struct lapic *apic, uint32_t offset, unsigned int size);
void lapic_write(struct lapic *apic, uint32_t offset, unsigned int size,
		 uint32_t val);

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type lapic_vdev;

#endif /* VMM_DEV_LAPIC_H */
