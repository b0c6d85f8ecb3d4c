// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/storage/disk_queue.h"

void dq_init(struct disk_queue *q)
{
	memset(q, 0, sizeof(*q));
}

void dq_owner_init(struct dq_owner *o)
{
	memset(o, 0, sizeof(*o));
	o->done_tail = &o->done;
}

void dq_flow_init(struct dq_flow *f, uint32_t shares, struct dq_owner *o)
{
	memset(f, 0, sizeof(*f));
	f->shares = dsched_shares(shares);
	f->owner = o;
}

bool dq_submit(struct disk_queue *q, struct dq_req *r, struct dq_flow *f,
	       uint32_t blocks)
{
	uint64_t cost;

	if (blocks > DSCHED_MAX_BLOCKS)
		blocks = DSCHED_MAX_BLOCKS;
	cost = (DSCHED_CMD_BLOCKS + blocks) * DSCHED_SCALE / f->shares;
	spin_lock(&q->lock);
	if (f->owner->cancelled || r->state != DQ_FREE) {
		spin_unlock(&q->lock);
		return false;
	}
	if (q->queued || q->running)
		f->waited++;
	r->flow = f;
	r->blocks = blocks;
	r->cancelled = false;
	r->start = f->finish > q->vtime ? f->finish : q->vtime;
	r->finish = r->start + cost;
	f->finish = r->finish;
	r->arrival = q->arrivals++;
	r->state = DQ_QUEUED;
	r->next = q->queued;
	q->queued = r;
	f->owner->held++;
	f->queued++;
	if (!f->listed) {
		f->listed = true;
		f->next = q->flows;
		q->flows = f;
	}
	spin_unlock(&q->lock);
	return true;
}

/* Take r off the queue; q->lock held. */
static void unqueue(struct disk_queue *q, struct dq_req *r)
{
	struct dq_req **p;

	for (p = &q->queued; *p != r; p = &(*p)->next)
		;
	*p = r->next;
	r->next = NULL;
	r->flow->queued--;
}

/*
 * At a take of taken's request, q->lock held: how deep its flow was, and
 * which other flows had nothing queued (the reason a share is not met:
 * such a flow cannot be given its turn), their owner's done requests not
 * yet reaped or none.
 */
static void count_take(struct disk_queue *q, struct dq_flow *taken)
{
	taken->depth += taken->queued;
	for (struct dq_flow *f = q->flows; f; f = f->next) {
		if (f == taken || f->queued)
			continue;
		if (f->owner->done)
			f->empty_done++;
		else
			f->empty_idle++;
	}
}

struct dq_req *dq_take(struct disk_queue *q)
{
	struct dq_req *best = NULL;

	spin_lock(&q->lock);
	for (struct dq_req *r = q->queued; r; r = r->next)
		if (!best || r->start < best->start ||
		    (r->start == best->start && r->arrival < best->arrival))
			best = r;
	if (best) {
		count_take(q, best->flow);
		unqueue(q, best);
		best->state = DQ_RUNNING;
		best->flow->turns++;
		q->vtime = best->start;
		q->running = best;
	}
	spin_unlock(&q->lock);
	return best;
}

bool dq_finish(struct disk_queue *q, struct dq_req *r)
{
	struct dq_owner *o = r->flow->owner;
	bool kept;

	spin_lock(&q->lock);
	q->running = NULL;
	o->held--;
	kept = !r->cancelled;
	if (kept) {
		r->state = DQ_DONE;
		r->next = NULL;
		*o->done_tail = r;
		o->done_tail = &r->next;
		if (o->wake)
			o->wake(o->wake_ctx);
	} else {
		r->state = DQ_FREE;
	}
	spin_unlock(&q->lock);
	return kept;
}

struct dq_req *dq_reap(struct disk_queue *q, struct dq_owner *o)
{
	struct dq_req *r;

	spin_lock(&q->lock);
	r = o->done;
	if (r) {
		o->done = r->next;
		if (!o->done)
			o->done_tail = &o->done;
		r->next = NULL;
		r->state = DQ_FREE;
	}
	spin_unlock(&q->lock);
	return r;
}

uint32_t dq_cancel(struct disk_queue *q, struct dq_owner *o)
{
	struct dq_req *r, *next;
	uint32_t held;

	spin_lock(&q->lock);
	o->cancelled = true;
	for (struct dq_flow **p = &q->flows; *p;) {
		struct dq_flow *f = *p;

		if (f->owner != o) {
			p = &f->next;
			continue;
		}
		*p = f->next;
		f->next = NULL;
		f->listed = false;
	}
	for (r = q->queued; r; r = next) {
		next = r->next;
		if (r->flow->owner != o)
			continue;
		unqueue(q, r);
		r->state = DQ_FREE;
		o->held--;
	}
	if (q->running && q->running->flow->owner == o)
		q->running->cancelled = true;
	for (r = o->done; r; r = next) {
		next = r->next;
		r->next = NULL;
		r->state = DQ_FREE;
	}
	o->done = NULL;
	o->done_tail = &o->done;
	held = o->held;
	spin_unlock(&q->lock);
	return held;
}

enum dq_state dq_withdraw(struct disk_queue *q, struct dq_req *r)
{
	enum dq_state found;

	spin_lock(&q->lock);
	found = r->state;
	if (found == DQ_QUEUED) {
		struct dq_owner *o = r->flow->owner;

		unqueue(q, r);
		o->held--;
		r->state = DQ_DONE;
		*o->done_tail = r;
		o->done_tail = &r->next;
	}
	spin_unlock(&q->lock);
	return found;
}

bool dq_running(struct disk_queue *q, const struct dq_req *r)
{
	bool running;

	spin_lock(&q->lock);
	running = r->state == DQ_RUNNING;
	spin_unlock(&q->lock);
	return running;
}

uint32_t dq_held(struct disk_queue *q, const struct dq_owner *o)
{
	uint32_t held;

	spin_lock(&q->lock);
	held = o->held;
	spin_unlock(&q->lock);
	return held;
}

bool dq_idle(struct disk_queue *q)
{
	return !__atomic_load_n(&q->queued, __ATOMIC_ACQUIRE);
}

bool dq_has_done(struct disk_queue *q, const struct dq_owner *o)
{
	(void)q;
	return __atomic_load_n(&o->done, __ATOMIC_ACQUIRE) != NULL;
}
