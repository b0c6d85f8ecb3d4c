/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vswitch0's uplink: the physical NIC the vmkernel takes from the COS with
 * vmkload net=1 (docs/network.md "The uplink"), driven by e1000_nic.c.
 *
 * The switch's deliver() for the uplink port queues a frame on
 * the NIC's transmit ring at once (under the switch's lock, then the
 * uplink's tx lock, a leaf); received frames are taken from the NIC by
 * uplink_poll(), which every VM with a NIC calls from its vCPU's run loop
 * (vm_nics_poll(): on every pass, and at least every VM_NIC_IDLE_POLL_NS
 * while halted), and the COS's VMK_HC_COS_NET RX (net_cos_request()).
 * Lock order there: vm->lock, the uplink's rx lock (tried: one CPU polls
 * at a time), the switch's lock, a NIC queue's lock (or the COS port's).
 */
#ifndef VMKERNEL_NET_UPLINK_H
#define VMKERNEL_NET_UPLINK_H

#include "vmkernel/platform.h"

struct vmk_net_uplink;

/* CPU 0 at load, after net_global_init() and the COS's nested table. */
void uplink_global_init(void);

/* Frames the NIC received, into the switch; nothing when another CPU polls. */
void uplink_poll(void);

/*
 * The NIC's interrupt (docs/network.md "Interrupts for vmk0 and the
 * uplink"): its INTx reaches the IOAPIC pin Linux programs, which sends
 * vector to the vmkernel CPU cpu. The first route turns on the NIC's
 * receive interrupts and the PCI command's INTx; a later one (Linux moved
 * the irq) only changes what uplink_intr() looks for. Takes the rx lock.
 */
void uplink_irq_route(uint32_t vector, uint32_t cpu);

/* vmk0 went down: the NIC's interrupt off (nobody in the COS would
 * claim it, and Linux disables a line it sees 100,000 times unclaimed)
 * until the next route. Takes the rx lock. */
void uplink_irq_off(void);

/*
 * The vmkernel panicked (panic.c, on the panicking CPU, before any CPU
 * goes back to Linux): the NIC's interrupt masked (IMC), so its level
 * line does not stay asserted, unclaimed in the COS, until the loader
 * turns INTx off. No lock: the CPU that panicked, or one that stopped
 * for it, may hold one for good; uplink_irq_route() looks at the flag
 * this sets first after its IMS. Runs once: a fault in it panics again
 * and comes back here. Receive and transmit stay enabled: the pool is the
 * vmkernel's until the loader turns bus mastering off.
 */
void uplink_panic(void);

/*
 * From intr_dispatch(), on every vector of the COS's, before it is
 * queued for the COS (which EOIs it: the pin may be shared with a device
 * of the COS's, whose driver must see it too): the routed vector, level-
 * triggered (the LAPIC's TMR bit: the IOAPIC's message, not the doorbell
 * IPI of the same vector), on any CPU, is the NIC's. Its causes are read (ICR: the
 * line drops before the COS's EOI reaches the pin) and this CPU polls the
 * NIC at uplink_intr_work(): not here, where the interrupted path may hold
 * the switch's lock. No lock taken.
 */
void uplink_intr(uint32_t cpu, uint32_t vector);

/* After the window, before the COS vCPU of cpu runs again: the poll an
 * interrupt asked for. */
void uplink_intr_work(uint32_t cpu);

/* At give-back: the NIC reset (no DMA into the pool), off the switch. */
void uplink_stop(void);

/* For VMK_HC_NET_INFO (called under no lock of the switch's; takes the rx
 * lock, then the tx lock, as uplink_stop()). */
void uplink_info_fill(struct vmk_net_uplink *u);

#endif /* VMKERNEL_NET_UPLINK_H */
