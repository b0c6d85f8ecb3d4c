/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Proportional disk shares (docs/storage.md "Disk shares"): who takes a
 * queue's turn next among the flows waiting for it. A flow is one disk
 * of one VM (`sched.scsi0:N.shares`); a queue is what runs one command
 * at a time: today the adapter (storage.c's storage lock, one command
 * in flight), later each LUN's asynchronous queue, ordered the same way.
 *
 * Start-time fair queueing (Goyal, Vin, Cheng, SIGCOMM 1996): a request
 * of flow f costs DSCHED_CMD_BLOCKS + its 512-byte blocks; its start tag
 * is max(virtual time, f's last finish tag), its finish tag the start
 * plus cost * DSCHED_SCALE / shares. The waiter with the lowest start tag
 * goes next (ties: the earlier arrival), and the virtual time becomes its
 * start tag. A flow idle for a while starts at the virtual time: it does
 * not bank credit. A free queue with nobody waiting is taken at once: a
 * lone flow is never slowed (work-conserving).
 *
 * A VM's disk runs one request at a time (its vCPU polls it to its end),
 * so when a request ends its flow has nothing waiting yet, and plain
 * SFQ would hand the turn to the other flow every time: 1:1 whatever the
 * shares. So the queue keeps the turn for a flow whose request just
 * ended while its next start tag is below every waiter's, for
 * DSCHED_KEEP_US at most (anticipation, Iyer and Druschel, SOSP 2001):
 * a flow in the middle of a batch should be back within that. The turn
 * is kept only for a flow that came back within the keep last time (a
 * light stream, or a guest with nothing more, costs the waiters one
 * keep, then none until it is quick again), and a VM's arrival at
 * another of its disks ends a keep for its first (its vCPU runs one
 * request at a time: that disk cannot come back meanwhile). Only when
 * somebody waits: the keep never delays a lone flow. In the lab (TCG)
 * this gave 1.1-1.4:1 for 2000:1000, not 2:1; the storage world's queue
 * with every piece of a command queued at once gives 2:1
 * (docs/storage.md "Disk shares").
 *
 * Since asynchronous I/O (disk_queue.h, storage_world.h) the VM disks'
 * requests are ordered in the storage world's queue, and the storage
 * world is the only VM flow that waits here: it never waits and no turn
 * is kept. To go once the lab measured the queue.
 *
 * Urgent takers (the COS's requests, gated_lock_by()) are not flows:
 * they bypass this queue and take the storage lock before the flow whose
 * turn it is (it then takes the lock with gated_lock()).
 *
 * Pure: no globals, the clock passed in; host-tested with simulated
 * flows (tests/unit/storage/test_disk_sched.c).
 */
#ifndef VMKERNEL_STORAGE_DISK_SCHED_H
#define VMKERNEL_STORAGE_DISK_SCHED_H

#include "vmkernel/platform.h"
#include <vmk/vm.h>

/* A command's own cost next to its data: what 32 KiB cost to move. */
#define DSCHED_CMD_BLOCKS	64
/* Virtual time per block at the largest shares: tags stay integers. */
#define DSCHED_SCALE		VMK_VM_DISK_SHARES_MAX
/* The largest request charged (blocks); a bigger one is charged this. */
#define DSCHED_MAX_BLOCKS	0xffffu
_Static_assert((uint64_t)(DSCHED_CMD_BLOCKS + DSCHED_MAX_BLOCKS) * DSCHED_SCALE <= 0xffffffffu,
	       "a request's virtual cost must fit 32 bits");
/* How long the turn is kept for a flow owed it (the top of this file): a guess. */
#define DSCHED_KEEP_US		3000

struct dsched_flow {
	uint32_t shares;		/* VMK_VM_DISK_SHARES_MIN..MAX */
	uint32_t cost;			/* the waiting or running request's, virtual */
	uint64_t start, finish;		/* its tags */
	uint64_t arrival;		/* the queue's count when it came */
	uint32_t granted;		/* atomic: its turn (dsched_try()) */
	bool waiting;
	const void *owner;		/* its VM: one request at a time among its disks */
	uint64_t done_at;		/* when its last turn ended (us), 0: never */
	bool quick;			/* came back within DSCHED_KEEP_US last time */
	struct dsched_flow *next;	/* among the waiters */
	/* for the tests and the log (its VM's end): */
	uint64_t turns;			/* requests it ran */
	uint64_t waited;		/* ... that found the queue taken */
	uint64_t kept;			/* ... in a turn kept for it */
};

struct dsched {
	struct spinlock lock;		/* guards what follows */
	uint64_t vtime;			/* the start tag of the last turn given */
	uint64_t arrivals;
	struct dsched_flow *holder;	/* whose turn it is; NULL: free */
	struct dsched_flow *waiters;	/* unordered: few (one per VM disk) */
	const struct dsched_flow *kept_for;	/* the turn kept for it ... */
	uint64_t kept_until;			/* ... until this (us) */
	uint64_t (*now_us)(void *ctx);
	void *clock_ctx;
};

void dsched_init(struct dsched *q, uint64_t (*now_us)(void *ctx), void *clock_ctx);
/* shares out of range are clamped; the config was checked before. */
void dsched_flow_init(struct dsched_flow *f, uint32_t shares);
/* Flows of one owner (a VM) never hold a turn kept for each other. */
void dsched_flow_owner(struct dsched_flow *f, const void *owner);
/* The shares a VM's config names (0: normal), as the flow uses them. */
uint32_t dsched_shares(uint32_t configured);
/*
 * Flow f has a request of blocks: true: its turn now; false: it waits,
 * dsched_try() says when its turn comes. One request per flow at a time.
 */
bool dsched_arrive(struct dsched *q, struct dsched_flow *f, uint32_t blocks);
/* A waiting f: true once it is its turn (a kept turn that ran out is given here). */
bool dsched_try(struct dsched *q, struct dsched_flow *f);
/* f's turn ends: the next waiter's, or kept for f, or free. */
void dsched_done(struct dsched *q, struct dsched_flow *f);
/* f goes away (its VM's end): a turn kept for it is given up. f is not waiting. */
void dsched_forget(struct dsched *q, const struct dsched_flow *f);

/* Arrive and spin until f's turn: what a vCPU does for its disk today. */
static inline void dsched_wait(struct dsched *q, struct dsched_flow *f, uint32_t blocks)
{
	if (dsched_arrive(q, f, blocks))
		return;
	while (!dsched_try(q, f))
		__builtin_ia32_pause();
}

#endif /* VMKERNEL_STORAGE_DISK_SCHED_H */
