// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/storage/disk_sched.h"

void dsched_init(struct dsched *q, uint64_t (*now_us)(void *ctx), void *clock_ctx)
{
	memset(q, 0, sizeof(*q));
	q->now_us = now_us;
	q->clock_ctx = clock_ctx;
}

uint32_t dsched_shares(uint32_t configured)
{
	if (!configured)
		return VMK_VM_DISK_SHARES_NORMAL;
	if (configured < VMK_VM_DISK_SHARES_MIN)
		return VMK_VM_DISK_SHARES_MIN;
	return configured > VMK_VM_DISK_SHARES_MAX ? VMK_VM_DISK_SHARES_MAX : configured;
}

void dsched_flow_init(struct dsched_flow *f, uint32_t shares)
{
	memset(f, 0, sizeof(*f));
	f->shares = dsched_shares(shares);
	f->quick = true;	/* until it is seen to come back late */
}

void dsched_flow_owner(struct dsched_flow *f, const void *owner)
{
	f->owner = owner;
}

/* With q->lock held. */
static void grant(struct dsched *q, struct dsched_flow *f)
{
	struct dsched_flow **p;

	for (p = &q->waiters; *p != f; p = &(*p)->next)
		;
	*p = f->next;
	f->next = NULL;
	f->waiting = false;
	q->holder = f;
	q->kept_for = NULL;
	q->vtime = f->start;
	f->turns++;
	__atomic_store_n(&f->granted, 1, __ATOMIC_RELEASE);
}

/* The waiter with the lowest start tag, the earlier one on a tie; q->lock held. */
static struct dsched_flow *first_waiter(const struct dsched *q)
{
	struct dsched_flow *best = NULL;

	for (struct dsched_flow *w = q->waiters; w; w = w->next)
		if (!best || w->start < best->start ||
		    (w->start == best->start && w->arrival < best->arrival))
			best = w;
	return best;
}

static uint64_t next_start(const struct dsched *q, const struct dsched_flow *f)
{
	return f->finish > q->vtime ? f->finish : q->vtime;
}

bool dsched_arrive(struct dsched *q, struct dsched_flow *f, uint32_t blocks)
{
	const struct dsched_flow *kept;
	bool now;

	if (blocks > DSCHED_MAX_BLOCKS)
		blocks = DSCHED_MAX_BLOCKS;
	f->cost = (DSCHED_CMD_BLOCKS + blocks) * DSCHED_SCALE / f->shares;
	__atomic_store_n(&f->granted, 0, __ATOMIC_RELAXED);
	spin_lock(&q->lock);
	/* Back within a keep since its last turn? Its next keeps depend on it. */
	if (f->done_at)
		f->quick = q->now_us(q->clock_ctx) - f->done_at < DSCHED_KEEP_US;
	f->start = next_start(q, f);
	f->finish = f->start + f->cost;
	f->arrival = q->arrivals++;
	f->waiting = true;
	f->next = q->waiters;
	q->waiters = f;
	/*
	 * A turn kept for another disk of f's VM: that VM runs one request
	 * at a time, and its next one is f's, so the kept disk cannot come
	 * back before f's turn ends: give the keep up.
	 */
	kept = q->kept_for;
	if (kept && kept != f && f->owner && kept->owner == f->owner)
		q->kept_for = NULL;
	if (!q->holder && q->kept_for == f) {
		f->kept++;
		grant(q, f);
	} else if (!q->holder && !q->kept_for) {
		grant(q, first_waiter(q));	/* f, unless a keep just ended for it */
	}
	now = q->holder == f;
	if (!now)
		f->waited++;
	spin_unlock(&q->lock);
	return now;
}

bool dsched_try(struct dsched *q, struct dsched_flow *f)
{
	if (__atomic_load_n(&f->granted, __ATOMIC_ACQUIRE))
		return true;
	/* Read without the lock: only a kept turn, which may run out, needs it. */
	if (!__atomic_load_n(&q->kept_for, __ATOMIC_RELAXED))
		return false;
	spin_lock(&q->lock);
	if (!q->holder && q->kept_for && q->now_us(q->clock_ctx) >= q->kept_until)
		grant(q, first_waiter(q));
	spin_unlock(&q->lock);
	return __atomic_load_n(&f->granted, __ATOMIC_ACQUIRE);
}

void dsched_done(struct dsched *q, struct dsched_flow *f)
{
	struct dsched_flow *next;

	spin_lock(&q->lock);
	q->holder = NULL;
	__atomic_store_n(&f->granted, 0, __ATOMIC_RELAXED);
	f->done_at = q->now_us(q->clock_ctx);
	next = first_waiter(q);
	/*
	 * Kept only for a flow that came back within a keep last time: one
	 * that did not (a guest with nothing more to send, or a light
	 * stream) would leave the queue idle DSCHED_KEEP_US after each of
	 * its requests while others wait.
	 */
	if (next && f->quick && next_start(q, f) < next->start) {
		q->kept_for = f;
		q->kept_until = q->now_us(q->clock_ctx) + DSCHED_KEEP_US;
	} else if (next) {
		grant(q, next);
	}
	spin_unlock(&q->lock);
}

void dsched_forget(struct dsched *q, const struct dsched_flow *f)
{
	struct dsched_flow *next;

	spin_lock(&q->lock);
	if (q->kept_for == f) {
		q->kept_for = NULL;
		next = first_waiter(q);
		if (next && !q->holder)
			grant(q, next);
	}
	spin_unlock(&q->lock);
}
