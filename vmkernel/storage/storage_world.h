/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The storage world (docs/storage.md "VM disks"): one vmkernel world
 * that runs the VM disks' queued requests (disk_queue.h) one at a time,
 * in disk-shares order, each as a vCPU ran it before: its LUN commands
 * or vmkfs calls under the storage lock, into or out of the request's
 * own bounce buffer, or a direct piece's host ranges of the guest's RAM
 * that the HBA reads or writes (vmkernel/vm/disk_pieces.h). It blocks
 * when nothing is queued and a submit wakes it. It never takes a VM's
 * lock, and the CPU never touches guest memory: the VM's vCPU moves a
 * bounced piece's data between the bounce and its guest.
 *
 * A request is in the worker's hands only while the world runs it on its
 * CPU (take, run and finish happen with interrupts off, no yield
 * between), so an owner waiting for its last request (storage_io_cancel())
 * waits for one command's ladder at most (LUN_IO_HOLD_MAX_MS), with the
 * world on another CPU.
 */
#ifndef VMKERNEL_STORAGE_STORAGE_WORLD_H
#define VMKERNEL_STORAGE_STORAGE_WORLD_H

#include "vmkernel/lib/why.h"
#include "vmkernel/storage/disk_queue.h"

struct storage_req {
	struct dq_req dq;		/* first: the queue's part */
	void (*run)(struct storage_req *r);	/* in the storage world */
};

/* The world exists and runs (created at the first call). VMK_OK or why not. */
vmk_status_t storage_world_start(struct vmk_why *why);
/* The give-back: the world goes (its owners cancelled before). */
void storage_world_stop(void);

void storage_io_owner_init(struct dq_owner *o, void (*wake)(void *ctx), void *ctx);
/* Queue r of flow f (blocks: its size) and wake the world; false: not queued. */
bool storage_io_submit(struct storage_req *r, struct dq_flow *f, uint32_t blocks);
/* The owner's oldest finished request, free again; NULL: none. */
struct storage_req *storage_io_reap(struct dq_owner *o);
bool storage_io_has_done(const struct dq_owner *o);
/*
 * The owner lets go of every request: queued and done ones at once, a
 * running one when it ends (waited for here). Then the owner is new
 * again (storage_io_owner_init() with the same wake).
 */
void storage_io_cancel(struct dq_owner *o);
/*
 * The owner takes r back (a guest's abort): a queued r goes to the done
 * list without running (true: its result is the caller's to set), a
 * running one is waited for (false, as for one already done).
 */
bool storage_io_withdraw(struct storage_req *r);

#endif /* VMKERNEL_STORAGE_STORAGE_WORLD_H */
