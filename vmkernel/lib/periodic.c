// SPDX-License-Identifier: GPL-2.0-only
/* Periodic tasks and their deadlines (periodic.h). */
#include "vmkernel/lib/periodic.h"

int periodic_add(struct periodic_table *t, const char *name, uint64_t period_ns,
		 periodic_fn fn, void *ctx, uint64_t now_ns)
{
	struct periodic_task *p;
	size_t i, n;

	if (!period_ns || !fn)
		return -1;
	for (i = 0; i < PERIODIC_MAX_TASKS; i++) {
		p = &t->task[i];
		if (p->used)
			continue;
		memset(p, 0, sizeof(*p));
		for (n = 0; name[n] && n < sizeof(p->name) - 1; n++)
			p->name[n] = name[n];
		p->fn = fn;
		p->ctx = ctx;
		p->period_ns = period_ns;
		p->next_ns = now_ns + period_ns;
		p->used = true;
		return (int)i;
	}
	return -1;
}

void periodic_del(struct periodic_table *t, int slot)
{
	if (slot >= 0 && slot < PERIODIC_MAX_TASKS)
		t->task[slot].used = false;
}

/* The task ran at start and returned at end: its next deadline. */
static void periodic_advance(struct periodic_task *p, uint64_t start, uint64_t end)
{
	uint64_t behind;

	if (end - start > p->max_ns)
		p->max_ns = end - start;
	p->runs++;
	p->next_ns += p->period_ns;
	if (p->next_ns > end)
		return;
	/* skip the deadlines that went by, keep the phase */
	behind = (end - p->next_ns) / p->period_ns + 1;
	p->missed += behind;
	p->next_ns += behind * p->period_ns;
}

uint64_t periodic_run_due(struct periodic_table *t, uint64_t (*now)(void *ctx),
			  void *clock_ctx)
{
	uint64_t next = 0, start = now(clock_ctx), end;
	size_t i;

	for (i = 0; i < PERIODIC_MAX_TASKS; i++) {
		struct periodic_task *p = &t->task[i];

		if (!p->used)
			continue;
		if (p->next_ns <= start) {
			p->fn(p->ctx);
			end = now(clock_ctx);
			periodic_advance(p, start, end);
			start = end;
		}
		if (!next || p->next_ns < next)
			next = p->next_ns;
	}
	return next;
}
