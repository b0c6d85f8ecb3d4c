/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM disks' request queue for asynchronous I/O (issue 10; docs/
 * storage.md "Disk shares"): a vCPU queues a request of its VM's disk and
 * goes back to its guest; one worker (the storage world) takes the queued
 * requests one at a time in disk-shares order, runs each, and hands it
 * back on its VM's done list; the VM's vCPU reaps the list from its run
 * loop. Unlike disk_sched.h (one request per flow, its vCPU spinning
 * until it ends), a flow may have several requests queued, so plain
 * start-time fair queueing gives the shares' ratio without keeping a
 * turn for a flow that has nothing queued.
 *
 * Start-time fair queueing (Goyal, Vin, Cheng, SIGCOMM 1996), per
 * request: a request of flow f costs DSCHED_CMD_BLOCKS + its 512-byte
 * blocks; its start tag is max(virtual time, f's last finish tag), its
 * finish tag the start plus cost * DSCHED_SCALE / shares. The queued
 * request with the lowest start tag goes next (ties: the earlier
 * arrival), and the virtual time becomes its start tag. A flow idle for a
 * while starts at the virtual time: it does not bank credit.
 *
 * Ownership. A request belongs to its owner (a VM: struct dq_owner)
 * while it is free or done; to the queue while queued or running. An
 * owner that goes away (power off, a kill) cancels: its queued requests
 * come off the queue at once, its done ones are dropped, and one that
 * runs finishes and is thrown away; the owner may free its requests (and
 * their bounce buffers) only when dq_held() is 0.
 *
 * One lock (the queue's) guards every field below; neither side ever
 * holds it while it moves data. Under it only an owner's wake callback
 * runs (dq_finish(): the VM's, which takes run queue locks to wake its
 * vCPUs), so a cancel that sees nothing held knows the last wake ended. Pure: no
 * globals; host-tested (tests/unit/storage/test_disk_queue.c).
 */
#ifndef VMKERNEL_STORAGE_DISK_QUEUE_H
#define VMKERNEL_STORAGE_DISK_QUEUE_H

#include "vmkernel/storage/disk_sched.h"

enum dq_state {
	DQ_FREE = 0,	/* its owner's */
	DQ_QUEUED,	/* waits for the worker */
	DQ_RUNNING,	/* the worker runs it */
	DQ_DONE,	/* on its owner's done list */
};

struct dq_owner {
	struct dq_req *done;		/* finished, oldest first */
	struct dq_req **done_tail;
	uint32_t held;			/* its requests queued or running */
	bool cancelled;			/* going away: nothing more is queued */
	/* the owner's: called by dq_finish() under the queue's lock; may be NULL */
	void (*wake)(void *ctx);
	void *wake_ctx;
};

struct dq_flow {
	uint32_t shares;		/* VMK_VM_DISK_SHARES_MIN..MAX */
	uint64_t finish;		/* its last request's finish tag */
	struct dq_owner *owner;
	uint32_t queued;		/* its requests queued now */
	struct dq_flow *next;		/* on the queue's flows since its first submit */
	bool listed;
	/* for the log (its VM's end): */
	uint64_t turns;			/* requests the worker took */
	uint64_t waited;		/* ... that found another request queued or running */
	uint64_t depth;			/* its requests queued at its takes, summed */
	/* another flow's takes that found none of its requests queued: */
	uint64_t empty_done;		/* ... while its owner had done ones not reaped */
	uint64_t empty_idle;		/* ... while it had none done either */
};

struct dq_req {
	enum dq_state state;
	bool cancelled;			/* running when its owner cancelled */
	struct dq_flow *flow;
	uint32_t blocks;
	uint64_t start, finish;		/* its tags */
	uint64_t arrival;
	struct dq_req *next;		/* on the queue, or on the done list */
};

struct disk_queue {
	struct spinlock lock;		/* guards what follows, and every owner, flow, request */
	uint64_t vtime;			/* the start tag of the last request taken */
	uint64_t arrivals;
	struct dq_req *queued;		/* unordered: few (slots of the VMs) */
	struct dq_req *running;		/* the one the worker runs, NULL: none */
	struct dq_flow *flows;		/* every flow that submitted, till its owner's cancel */
};

void dq_init(struct disk_queue *q);
/* wake and wake_ctx are set after, by the owner. */
void dq_owner_init(struct dq_owner *o);
/* shares as the config names them (0: normal; clamped as dsched_shares()). */
void dq_flow_init(struct dq_flow *f, uint32_t shares, struct dq_owner *o);

/*
 * The owner queues free request r of flow f, of blocks (a flush: 0).
 * false: the owner cancelled, r stays free. The caller wakes the worker.
 */
bool dq_submit(struct disk_queue *q, struct dq_req *r, struct dq_flow *f,
	       uint32_t blocks);
/* The worker: the next request to run, now running; NULL: none queued. */
struct dq_req *dq_take(struct disk_queue *q);
/*
 * The worker ran r: true: it is on its owner's done list, and the owner's
 * wake() was called (under the queue's lock: an owner's cancel that
 * returned 0 has seen its last wake); false: its owner cancelled
 * meanwhile and r is free again, its result thrown away.
 */
bool dq_finish(struct disk_queue *q, struct dq_req *r);
/* The owner: its oldest finished request, now free again; NULL: none. */
struct dq_req *dq_reap(struct disk_queue *q, struct dq_owner *o);
/*
 * The owner goes away: its queued and done requests are free again at
 * once, a running one when the worker finishes it. Returns dq_held().
 */
uint32_t dq_cancel(struct disk_queue *q, struct dq_owner *o);
/*
 * The owner takes r back (a guest's abort): a queued r goes to its
 * owner's done list without running (the owner sets its result); a
 * running one is left to finish there. Returns the state r was found in:
 * DQ_QUEUED (withdrawn, never ran), DQ_RUNNING (the caller waits while
 * dq_running()), DQ_DONE or DQ_FREE (nothing to do).
 */
enum dq_state dq_withdraw(struct disk_queue *q, struct dq_req *r);
/* The worker runs r now. */
bool dq_running(struct disk_queue *q, const struct dq_req *r);
/* Nothing queued (the worker may sleep). */
bool dq_idle(struct disk_queue *q);
/* The owner has finished requests to reap. */
bool dq_has_done(struct disk_queue *q, const struct dq_owner *o);
/* The owner's requests the worker still holds (queued or running). */
uint32_t dq_held(struct disk_queue *q, const struct dq_owner *o);

#endif /* VMKERNEL_STORAGE_DISK_QUEUE_H */
