/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COS's port on vswitch0 (docs/network.md "The COS on the switch"):
 * vmk0's shared rings (ABI 49, "vmk0's rings": deliver() fills the RX
 * ring, KICK drains the TX ring), the receive queue a driver without
 * rings drains with VMK_HC_COS_NET RX, and the checks and copies of
 * every request and ring entry. Pure: COS memory through ops, the switch through ops->send;
 * built freestanding into the vmkernel and, with -DVMK_HOST_TEST, for
 * host tests.
 */
#ifndef VMKERNEL_NET_COS_PORT_H
#define VMKERNEL_NET_COS_PORT_H

#include "vmkernel/net/vswitch.h"
#include <vmk/net.h>

/*
 * Frames the port holds for the COS between two RX calls: a NAPI budget
 * of 64 twice over, so a poll every few milliseconds keeps up with the
 * lab's NIC (about 1500 frames a second under TCG).
 */
#define COS_PORT_QUEUE_LEN	128

struct cos_port_ops {
	/* Is [gpa, gpa + len) COS memory the vmkernel may copy to or from? */
	bool (*range_ok)(uint64_t gpa, uint64_t len);
	vmk_status_t (*read)(uint64_t gpa, void *dst, uint32_t len);
	vmk_status_t (*write)(uint64_t gpa, const void *src, uint32_t len);
	/* One frame into the switch from the COS's port; ports delivered to. */
	uint32_t (*send)(const uint8_t *frame, uint32_t len);
	/* The uplink NIC's received frames into the switch (while no VM
	 * runs, nothing else takes them). */
	void (*poll_uplink)(void);
	/* ARM: can the vmkernel raise vector at the CPU of apic_id (one it
	 * runs on)? Then it becomes the doorbell's and the uplink NIC's
	 * interrupt's target; else msg says why and VMK_BAD_PARAM. */
	vmk_status_t (*doorbell_at)(uint8_t vector, uint8_t apic_id, char *msg,
				    uint32_t size);
	/* QUIET: no doorbell target, and the uplink NIC's interrupt off. */
	void (*doorbell_off)(void);
	/* MCAST: the port's multicast groups (checked), or all of them. */
	vmk_status_t (*set_mcast)(const uint8_t (*groups)[VSW_ETH_ALEN], uint32_t n, bool all);
};

/*
 * One of vmk0's rings in COS memory (struct vmk_cos_net_ring at gpa,
 * checked at SETUP; 0: none) and the vmkernel's own index into it: the
 * COS's avail is checked against next, never the other way round.
 */
struct cos_ring {
	uint64_t gpa;
	uint32_t next;
};

struct cos_port {
	struct spinlock lock;		/* the queue, rxr; a leaf */
	struct spinlock tx_lock;	/* txr: a KICK's drain (then the switch's) */
	const struct cos_port_ops *ops;	/* deliver()'s, for the RX ring */
	struct cos_ring rxr, txr;
	uint32_t hold;			/* KICKs polling: no doorbell (lock) */
	uint64_t ring_errors;		/* bad indices or descriptors seen */
	uint32_t head, count;
	uint64_t drops;			/* frames a full queue refused */
	bool armed;			/* ARM: ring at the next frame queued */
	uint64_t doorbells;		/* rung */
	/* Raise the doorbell (the owner's; called after the queue's lock is
	 * dropped, under the switch's lock: it must not call the switch). */
	void (*ring)(void);
	uint16_t len[COS_PORT_QUEUE_LEN];
	uint8_t frame[COS_PORT_QUEUE_LEN][VSW_VLAN_FRAME_LEN];
};

/*
 * The port's vsw_deliver_fn (ctx: the struct cos_port): the frame queued,
 * or 1 when the queue is full (the switch counts VSW_DROP_QUEUE_FULL).
 * The first frame after an ARM rings the doorbell (p->ring), once. With
 * an RX ring (SETUP) the frame goes straight into the COS's next posted
 * buffer instead, through p->ops (avail and the descriptor read once,
 * checked: avail at most VMK_COS_NET_RING past next, the buffer COS
 * memory), its used entry and used written, the doorbell rung when used
 * passes the ring's event (not while a KICK polls); no buffer, a bad
 * avail or descriptor: 1 (dropped; a bad descriptor is used up with
 * VMK_COS_NET_USED_BAD so the driver posts it again).
 */
int cos_port_deliver(void *ctx, const uint8_t *frame, uint32_t len);

/*
 * A TX or RX request r, already copied into vmkernel memory (its out
 * fields cleared): checked whole first, then served. TX copies each
 * frame once into scratch (VMK_COS_NET_FRAME_MAX bytes, the caller's
 * per-CPU buffer) and sends it from there; RX takes queued frames one at
 * a time into scratch and copies each into the COS's buffer outside the
 * queue's lock (a copy that fails drops its frame and ends the call with
 * VMK_OK, the frames before it and msg). Both poll the uplink (RX
 * before it takes frames, TX after it sent: an answer may be there) and
 * say what the queue holds then; RX disarms the doorbell, TX rings none
 * for what its poll brings (pending tells it) and keeps an ARM when
 * nothing came. ARM checks the vector (VMK_COS_NET_VEC_MIN.._MAX) and
 * ops->doorbell_at(), polls the uplink, and arms when the queue is empty
 * (else pending says what waits). QUIET disarms and calls ops->doorbell_off().
 * MCAST checks the count (at most VMK_COS_NET_GROUPS) and each group
 * (multicast, not broadcast) and hands the list to ops->set_mcast().
 * SETUP checks and registers the rings (or drops them: both gpas 0) and
 * sets p->ops; KICK drains the TX ring (each descriptor copied once,
 * checked, its frame copied once into scratch, sent, completed), then
 * polls the uplink ringing no doorbell; POLL polls the uplink. VMK_OK,
 * else the status with msg in r->msg.
 */
vmk_status_t cos_port_request(struct cos_port *p, struct vmk_cos_net *r,
			      const struct cos_port_ops *ops, uint8_t *scratch);

#endif /* VMKERNEL_NET_COS_PORT_H */
