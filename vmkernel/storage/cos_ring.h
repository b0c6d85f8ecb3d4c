/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COS's disks' rings (ABI 48; docs/storage.md "The COS's disks"):
 * SETUP registers a disk's ring, KICK queues a turn of it at the storage
 * world and returns at once, the turn runs the ring's next request as a
 * VMK_HC_COS_DISK READ, WRITE or FLUSH (storage_cos_disk()), answers it
 * in the ring and rings the COS's doorbell when asked. Each ring is a
 * flow of the storage world's queue (COS_RING_SHARES); a turn runs one
 * request, so VM disks get their turns between the COS's.
 */
#ifndef VMKERNEL_STORAGE_COS_RING_H
#define VMKERNEL_STORAGE_COS_RING_H

#include "vmkernel/platform.h"
#include "vmkernel/storage/cos_disk.h"
#include "vmkernel/storage/storage_world.h"
#include <vmk/hypercall.h>

/*
 * What the rings need of the vmkernel, through one table so that
 * cos_ring.c builds on the host against fakes (tests/unit/storage/
 * test_cos_ring.c): the vmkernel's is cos_ring_vmk.c's.
 */
struct cos_ring_env {
	const struct cos_disk_mem *mem;			/* COS memory (cos_read/cos_write) */
	bool (*ring_ok)(uint64_t gpa, uint64_t len);	/* COS memory, not the pool's */
	vmk_status_t (*world_start)(struct vmk_why *why);	/* storage_world_start() */
	/* storage_io_submit(), storage_io_reap(), storage_io_cancel() */
	bool (*submit)(struct storage_req *r, struct dq_flow *f, uint32_t blocks);
	struct storage_req *(*reap)(struct dq_owner *o);
	void (*cancel)(struct dq_owner *o);
	vmk_status_t (*run)(struct vmk_cos_disk *r);	/* storage_cos_disk() */
	bool (*bell)(uint8_t vector, uint8_t apic_id);	/* the doorbell IPI; false: no such CPU */
};
extern const struct cos_ring_env cos_ring_env;

/* SETUP of r (its LUN attached and checked): VMK_OK or why not in r->msg. */
vmk_status_t cos_ring_setup(struct vmk_cos_disk *r);
/* KICK of r: a turn queued (or one is already); never waits for the disk. */
vmk_status_t cos_ring_kick(struct vmk_cos_disk *r);
/* target:lun's ring goes (DETACH): a running turn is waited for. No lock held. */
void cos_ring_stop(uint32_t target, uint32_t lun);
/* At the give-back, before the storage world stops: every ring goes. */
void cos_ring_stop_all(void);

#endif /* VMKERNEL_STORAGE_COS_RING_H */
