/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt vector ownership while the vmkernel runs: the one place that
 * says which vectors are the vmkernel's (docs/architecture.md
 * "Interrupts" describes the same table). Every other vector belongs to
 * the COS, which keeps programming its LAPIC and IOAPIC; the vmkernel
 * forwards those unchanged.
 *
 *   0x00-0x1f  exceptions (vector 2: NMI, forwarded to the COS)
 *   0x20-0xef  the COS's device and system vectors (Linux allocates
 *              device vectors below its LOCAL_TIMER_VECTOR, 0xec)
 *   0xf0-0xf2  the vmkernel's: its timer, reschedule IPI, call-function IPI
 *              (Linux 6.1 uses them only for KVM-on-VMX posted interrupts,
 *              which cannot happen in the COS)
 *   0xf3-0xff  the COS's system vectors (IPIs, error, spurious 0xff)
 */
#ifndef VMKERNEL_ARCH_X86_VECTORS_H
#define VMKERNEL_ARCH_X86_VECTORS_H

#define VEC_NMI			2	/* APM vol. 2 §8.2.3 */
#define VEC_FIRST_EXTERNAL	0x20	/* LAPICs deliver vectors >= 16 only */

#define VEC_VMK_TIMER		0xf0	/* the vmkernel's LAPIC timer */
#define VEC_VMK_RESCHED		0xf1	/* IPI: run the scheduler on this CPU */
#define VEC_VMK_CALL		0xf2	/* IPI: run a queued function here */
#define VEC_VMK_FIRST		VEC_VMK_TIMER
#define VEC_VMK_LAST		VEC_VMK_CALL

#define VEC_COUNT		256

#endif /* VMKERNEL_ARCH_X86_VECTORS_H */
