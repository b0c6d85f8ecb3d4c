/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vswitch0's uplink: the physical NIC the vmkernel takes from the COS with
 * vmkload net=1 (docs/network.md "The uplink"), driven by e1000_nic.c.
 *
 * Polled: the switch's deliver() for the uplink port queues a frame on
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

/* At give-back: the NIC reset (no DMA into the pool), off the switch. */
void uplink_stop(void);

/* For VMK_HC_NET_INFO (called under no lock of the switch's; takes the rx
 * lock, then the tx lock, as uplink_stop()). */
void uplink_info_fill(struct vmk_net_uplink *u);

#endif /* VMKERNEL_NET_UPLINK_H */
