// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/storage/cos_ring.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/log/log.h"

/*
 * A COS disk's I/O against the VM disks': "high" disk shares. It still
 * takes the storage lock as an urgent taker (storage_cos_disk()), ahead
 * of a rescan or a format waiting for it.
 */
#define COS_RING_SHARES		2000
/* What a turn costs in the queue: it runs one request of up to 64 KiB. */
#define COS_RING_TURN_BLOCKS	(VMK_COS_DISK_MAX_BYTES / VMK_COS_DISK_BLOCK)

enum { RING_IDLE, RING_SCHEDULED };
/*
 * A slot's life, under cr.lock: FREE -> LIVE (SETUP) -> STOPPING (one
 * stopper: DETACH or the give-back) -> FREE once the storage world has
 * let go of its turns. Kicks find LIVE slots only; SETUP takes FREE ones
 * only: a slot whose turns may still be queued or running is never
 * cleared under the storage world.
 */
enum { SLOT_FREE, SLOT_LIVE, SLOT_STOPPING };

struct cos_ring;

/* Two turns: the next is queued while the last still runs (it queues it). */
struct ring_turn {
	struct storage_req sr;		/* first */
	struct cos_ring *c;
};

struct cos_ring {
	uint32_t slot;			/* SLOT_*, under cr.lock */
	uint32_t target, lun;
	struct cos_disk_ring ring;	/* the storage world's while RING_SCHEDULED */
	uint32_t state;			/* RING_*: who may queue the next turn */
	struct ring_turn turn[2];
	struct dq_flow flow;
	struct dq_owner owner;
	uint64_t kicks, requests, bells;
};

static struct {
	struct spinlock lock;		/* slot, target, lun; closed, starting */
	bool closed;			/* the give-back began: no SETUP, no kick */
	uint32_t starting;		/* SETUPs in storage_world_start(): the give-back waits */
	uint32_t broken;		/* rings broken since the load (atomic): the log's rate */
	struct cos_ring r[VMK_COS_DISK_MAX];
} cr;

static const struct cos_ring_env *const env = &cos_ring_env;

/* The slot of target:lun in one of states (a mask of 1 << SLOT_*), cr.lock held; NULL: none. */
static struct cos_ring *find(uint32_t target, uint32_t lun, uint32_t states)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(cr.r); i++)
		if ((states & (1u << cr.r[i].slot)) && cr.r[i].slot != SLOT_FREE &&
		    cr.r[i].target == target && cr.r[i].lun == lun)
			return &cr.r[i];
	return NULL;
}

/* The doorbell: the vector the COS asked for, a fixed IPI at its CPU. */
static void ring_bell(struct cos_ring *c)
{
	uint8_t vector, apic_id;

	if (!cos_disk_ring_bell(&c->ring, env->mem, &vector, &apic_id))
		return;		/* none: the COS polls */
	if (env->bell(vector, apic_id))
		c->bells++;
}

/*
 * Queue c's next turn; the caller holds RING_SCHEDULED. The turn that
 * runs (if any) is not free yet; the other ended and is reaped here.
 */
static void ring_schedule(struct cos_ring *c)
{
	while (env->reap(&c->owner))
		;
	for (unsigned int i = 0; i < ARRAY_SIZE(c->turn); i++) {
		struct ring_turn *t = &c->turn[i];

		if (__atomic_load_n(&t->sr.dq.state, __ATOMIC_ACQUIRE) != DQ_FREE)
			continue;
		if (env->submit(&t->sr, &c->flow, COS_RING_TURN_BLOCKS))
			return;
		break;		/* cancelled: the ring goes */
	}
	__atomic_store_n(&c->state, RING_IDLE, __ATOMIC_SEQ_CST);
}

/* One request of the ring, answered; false: there was none. */
static bool ring_run_one(struct cos_ring *c)
{
	struct vmk_cos_disk_ring_req q;
	struct vmk_cos_disk r;
	char msg[VMK_STORAGE_MSG_LEN] = "";
	vmk_status_t s;
	uint32_t n;

	switch (cos_disk_ring_take(&c->ring, env->mem, &q, msg, sizeof(msg))) {
	case COS_DISK_EMPTY:
		return false;
	case COS_DISK_BROKEN:
		/* Rate-limited: a COS may break, DETACH and SETUP a ring in a loop. */
		n = __atomic_add_fetch(&cr.broken, 1, __ATOMIC_RELAXED);
		if (log_nth(n))
			log_warn("storage: T%u:L%u ring broken, no more taken (%u so far): %s",
				 c->target, c->lun, n, msg);
		return false;
	case COS_DISK_TAKEN:
		break;
	}
	c->requests++;
	if (cos_disk_ring_req(&q, c->target, c->lun, &r, msg, sizeof(msg))) {
		s = env->run(&r);
		r.msg[sizeof(r.msg) - 1] = '\0';
		fmt_snprintf(msg, sizeof(msg), "%s", r.msg);
	} else {
		s = VMK_BAD_PARAM;
	}
	if (cos_disk_ring_answer(&c->ring, env->mem, q.id, s, msg))
		ring_bell(c);
	return true;
}

/* In the storage world: a turn runs one request, then queues the next. */
static void ring_turn_run(struct storage_req *sr)
{
	struct cos_ring *c = ((struct ring_turn *)sr)->c;
	uint32_t idle = RING_IDLE;

	if (ring_run_one(c)) {
		ring_schedule(c);
		return;
	}
	/*
	 * Nothing left: RING_IDLE first, then req_event, then req_prod again.
	 * A request the second look misses saw req_event and kicks, and the
	 * kick finds RING_IDLE; one it finds is ours unless a kick came first.
	 */
	__atomic_store_n(&c->state, RING_IDLE, __ATOMIC_SEQ_CST);
	if (cos_disk_ring_sleep(&c->ring, env->mem) &&
	    __atomic_compare_exchange_n(&c->state, &idle, RING_SCHEDULED, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		ring_schedule(c);
}

vmk_status_t cos_ring_setup(struct vmk_cos_disk *r)
{
	struct vmk_why why = { "" };
	struct cos_ring *c = NULL;
	vmk_status_t s;

	if (r->ring_gpa & (VMK_PAGE_SIZE - 1) ||
	    !env->ring_ok(r->ring_gpa, VMK_COS_DISK_RING_BYTES)) {
		fmt_snprintf(r->msg, sizeof(r->msg), "the ring at %llx is not %u bytes of COS memory from a page",
			     (unsigned long long)r->ring_gpa, VMK_COS_DISK_RING_BYTES);
		return VMK_BAD_ADDRESS;
	}
	/*
	 * Not once the give-back began: the storage world it stops would be
	 * started again and run on through it (cos_ring_stop_all() waits for
	 * a start already under way).
	 */
	spin_lock(&cr.lock);
	if (!cr.closed) {
		cr.starting++;
		spin_unlock(&cr.lock);
		s = env->world_start(&why);
		spin_lock(&cr.lock);
		cr.starting--;
		if (s != VMK_OK) {
			spin_unlock(&cr.lock);
			fmt_snprintf(r->msg, sizeof(r->msg), "%s", why.text);
			return s;
		}
	}
	if (cr.closed) {
		spin_unlock(&cr.lock);
		fmt_snprintf(r->msg, sizeof(r->msg), "the vmkernel is giving the machine back");
		return VMK_BUSY;
	}
	if (find(r->target, r->lun, 1u << SLOT_STOPPING)) {
		spin_unlock(&cr.lock);
		fmt_snprintf(r->msg, sizeof(r->msg), "its last ring is still being let go of: try again");
		return VMK_BUSY;
	}
	if (find(r->target, r->lun, 1u << SLOT_LIVE)) {
		spin_unlock(&cr.lock);
		fmt_snprintf(r->msg, sizeof(r->msg), "it has a ring already (DETACH first)");
		return VMK_BAD_PARAM;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(cr.r) && !c; i++)
		if (cr.r[i].slot == SLOT_FREE)
			c = &cr.r[i];
	if (c) {
		memset(c, 0, sizeof(*c));
		c->target = r->target;
		c->lun = r->lun;
		cos_disk_ring_init(&c->ring, r->ring_gpa);
		dq_owner_init(&c->owner);	/* no wake: a turn queues the next */
		dq_flow_init(&c->flow, COS_RING_SHARES, &c->owner);
		for (unsigned int i = 0; i < ARRAY_SIZE(c->turn); i++) {
			c->turn[i].sr.run = ring_turn_run;
			c->turn[i].c = c;
		}
		c->slot = SLOT_LIVE;
	}
	spin_unlock(&cr.lock);
	if (!c) {
		fmt_snprintf(r->msg, sizeof(r->msg), "the COS has %u rings already", VMK_COS_DISK_MAX);
		return VMK_NO_CAPACITY;
	}
	return VMK_OK;
}

vmk_status_t cos_ring_kick(struct vmk_cos_disk *r)
{
	uint32_t idle = RING_IDLE;
	struct cos_ring *c;

	spin_lock(&cr.lock);
	c = cr.closed ? NULL : find(r->target, r->lun, 1u << SLOT_LIVE);
	if (!c) {
		spin_unlock(&cr.lock);
		fmt_snprintf(r->msg, sizeof(r->msg), "vmhba0:C0:T%u:L%u has no ring (SETUP)%s",
			     r->target, r->lun, cr.closed ? ": the vmkernel is giving the machine back" : "");
		return VMK_BAD_PARAM;
	}
	c->kicks++;
	if (__atomic_compare_exchange_n(&c->state, &idle, RING_SCHEDULED, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		ring_schedule(c);
	spin_unlock(&cr.lock);
	return VMK_OK;
}

/*
 * Stop c if it is LIVE, cr.lock held (dropped and taken again): LIVE ->
 * STOPPING, the storage world's turns of it cancelled (a running one
 * waited for), then FREE. A second stopper finds it not LIVE and leaves
 * it to the first.
 */
static void stop_locked(struct cos_ring *c)
{
	if (c->slot != SLOT_LIVE)
		return;
	c->slot = SLOT_STOPPING;	/* no kick finds it, no SETUP takes it */
	spin_unlock(&cr.lock);
	env->cancel(&c->owner);	/* waits for a running turn */
	/* Short: a log line holds 128 characters. */
	log_info("storage: T%u:L%u ring: %llu requests, %u most waiting, %llu kicks, %llu doorbells",
		 c->target, c->lun, (unsigned long long)c->requests, c->ring.most_waiting,
		 (unsigned long long)c->kicks, (unsigned long long)c->bells);
	spin_lock(&cr.lock);
	c->slot = SLOT_FREE;
}

void cos_ring_stop(uint32_t target, uint32_t lun)
{
	struct cos_ring *c;

	spin_lock(&cr.lock);
	c = find(target, lun, 1u << SLOT_LIVE);
	if (c)
		stop_locked(c);
	spin_unlock(&cr.lock);
}

void cos_ring_stop_all(void)
{
	spin_lock(&cr.lock);
	cr.closed = true;	/* before the storage world stops: nothing starts it again */
	while (cr.starting) {	/* a SETUP's start ends before storage_world_stop() */
		spin_unlock(&cr.lock);
		__builtin_ia32_pause();
		spin_lock(&cr.lock);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(cr.r); i++)
		stop_locked(&cr.r[i]);
	spin_unlock(&cr.lock);
}
