// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/storage/storage_world.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/core/world.h"
#include "vmkernel/sched_math.h"
#include "vmkernel/log/log.h"
#include "vmkernel/storage/lun_io.h"

#define STORAGE_WORLD_NAME	"vmkstorage"
/* A VM disk's I/O: a vCPU's worth of shares, no reservation, no limit. */
#define STORAGE_WORLD_SHARES	1000

static struct {
	struct disk_queue q;
	/* orders the world's block against a submit's wake; guards what follows */
	struct spinlock lock;
	struct sched_group *group;
	struct world *world;
	bool init;
} sw;

/*
 * Run what is queued until the scheduler wants the CPU; block when
 * nothing is. The world blocks with sw.lock held, so a submit that
 * wakes it (after taking the lock) finds it blocked and cannot be lost.
 */
static void storage_world_run(struct world *w)
{
	while (!sched_should_yield()) {
		struct dq_req *d = dq_take(&sw.q);
		struct storage_req *r;

		if (!d) {
			spin_lock(&sw.lock);
			if (dq_idle(&sw.q)) {
				sched_block(w);
				spin_unlock(&sw.lock);
				return;
			}
			spin_unlock(&sw.lock);
			continue;
		}
		r = vmm_container_of(d, struct storage_req, dq);
		r->run(r);
		dq_finish(&sw.q, d);
	}
}

static const struct world_ops storage_world_ops = { .run = storage_world_run };

vmk_status_t storage_world_start(struct vmk_why *why)
{
	struct sched_alloc a = { STORAGE_WORLD_SHARES, 0, SCHED_UNLIMITED };
	struct sched_group *g = NULL;
	struct world *w = NULL;
	vmk_status_t st;

	spin_lock(&sw.lock);
	if (!sw.init) {
		dq_init(&sw.q);
		sw.init = true;
	}
	w = sw.world;
	spin_unlock(&sw.lock);
	if (w)
		return VMK_OK;
	st = sched_group_create(STORAGE_WORLD_NAME, &a, 1, &g, why);
	if (st != VMK_OK)
		return st;
	st = world_create(WORLD_SERVICE, STORAGE_WORLD_NAME, &storage_world_ops, NULL,
			  g, WORLD_ANY_CPU, &w);
	if (st != VMK_OK) {
		sched_group_destroy(g);
		return why_fail(why, st, "no world for the storage world (the world table is full)");
	}
	spin_lock(&sw.lock);
	if (sw.world) {			/* another start won */
		spin_unlock(&sw.lock);
		world_destroy(w);
		sched_group_destroy(g);
		return VMK_OK;
	}
	sw.world = w;
	sw.group = g;
	spin_unlock(&sw.lock);
	sched_start(w);
	log_info("storage: world %u runs the VM disks' requests", sched_group_id(g));
	return VMK_OK;
}

void storage_world_stop(void)
{
	struct world *w;
	struct sched_group *g;

	spin_lock(&sw.lock);
	w = sw.world;
	g = sw.group;
	sw.world = NULL;
	sw.group = NULL;
	spin_unlock(&sw.lock);
	if (!w)
		return;
	world_destroy(w);	/* waits until it left its CPU */
	sched_group_destroy(g);
	log_info("storage: world stopped");
}

void storage_io_owner_init(struct dq_owner *o, void (*wake)(void *ctx), void *ctx)
{
	dq_owner_init(o);
	o->wake = wake;
	o->wake_ctx = ctx;
}

bool storage_io_submit(struct storage_req *r, struct dq_flow *f, uint32_t blocks)
{
	struct world *w;
	bool blocked;

	if (!dq_submit(&sw.q, &r->dq, f, blocks))
		return false;
	spin_lock(&sw.lock);
	w = sw.world;
	blocked = w && w->state == WORLD_BLOCKED;
	spin_unlock(&sw.lock);
	if (blocked)
		sched_wake(w);
	return true;
}

struct storage_req *storage_io_reap(struct dq_owner *o)
{
	struct dq_req *d = dq_reap(&sw.q, o);

	return d ? vmm_container_of(d, struct storage_req, dq) : NULL;
}

bool storage_io_has_done(const struct dq_owner *o)
{
	return dq_has_done(&sw.q, o);
}

/* A wait for the request the storage world runs (on another CPU): one ladder at most. */
static void wait_turn(uint64_t t0, bool *told)
{
	if (!*told && vmk_time_us() - t0 > LUN_IO_HOLD_MAX_MS * 1000ull) {
		log_warn("storage: a disk request (a VM's or a COS ring's) has run %u ms: waiting for its end",
			 LUN_IO_HOLD_MAX_MS);
		*told = true;
	}
	__builtin_ia32_pause();
}

void storage_io_cancel(struct dq_owner *o)
{
	uint64_t t0 = vmk_time_us();
	bool told = false;
	void (*wake)(void *ctx) = o->wake;
	void *ctx = o->wake_ctx;

	while (dq_cancel(&sw.q, o))
		wait_turn(t0, &told);
	storage_io_owner_init(o, wake, ctx);
}

bool storage_io_withdraw(struct storage_req *r)
{
	uint64_t t0 = vmk_time_us();
	bool told = false;

	if (dq_withdraw(&sw.q, &r->dq) == DQ_QUEUED)
		return true;
	while (dq_running(&sw.q, &r->dq))
		wait_turn(t0, &told);
	return false;
}
