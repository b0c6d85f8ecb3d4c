// SPDX-License-Identifier: GPL-2.0-only
/*
 * Proportional-share arithmetic (see vmkernel/sched_math.h). Entitlements
 * solve for the share price p at which sum(clamp(p * shares_i, min_i,
 * cap_i)) equals the machine's capacity; the clamp is where the
 * reservation and the limit act. Selection is stride-style virtual time.
 */
#include "vmkernel/sched_math.h"

static uint64_t capacity(const struct sched_machine *m)
{
	return (uint64_t)m->ncpus * m->cpu_capacity;
}

/* The most a client can use: its limit or its vCPUs' worth, whichever is less. */
static uint64_t client_cap(const struct sched_machine *m,
			   const struct sched_client *c)
{
	uint64_t vcpus = c->vcpus < m->ncpus ? c->vcpus : m->ncpus;
	uint64_t cap = vcpus * m->cpu_capacity;

	return c->max < cap ? c->max : cap;
}

enum sched_status sched_check_client(const struct sched_machine *m,
				     const struct sched_client *c)
{
	if (!c->shares || c->shares > SCHED_SHARES_MAX)
		return SCHED_BAD_SHARES;
	if (c->min > c->max)
		return SCHED_MIN_ABOVE_MAX;
	if (c->min > client_cap(m, c))
		return SCHED_MIN_ABOVE_VCPUS;
	return SCHED_OK;
}

enum sched_status sched_admit(const struct sched_machine *m,
			      const struct sched_client *admitted, size_t n,
			      const struct sched_client *c)
{
	enum sched_status st = sched_check_client(m, c);
	uint64_t reserved = c->min;
	size_t i;

	if (st != SCHED_OK)
		return st;
	if (n + 1 > SCHED_MAX_CLIENTS)
		return SCHED_TOO_MANY_CLIENTS;
	for (i = 0; i < n; i++)
		reserved += admitted[i].min;
	return reserved > capacity(m) ? SCHED_NO_CAPACITY : SCHED_OK;
}

/* A share price num/den: client i would get num * shares_i / den units. */
struct price {
	uint64_t num;
	uint64_t den;
};

/*
 * Where client i sits for prices just above p: -1 held up at its
 * reservation, 1 held down at its cap, 0 free (proportional to shares).
 * Operands stay below 2^32 and shares below 2^20, so products fit 64 bits.
 */
static int clamp_side(const struct sched_machine *m, const struct sched_client *c,
		      struct price p)
{
	if (c->min * p.den > p.num * c->shares)
		return -1;
	if (client_cap(m, c) * p.den <= p.num * c->shares)
		return 1;
	return 0;
}

/* Does the total allocation at price p (clamped) stay within the machine? */
static bool fits_at(const struct sched_machine *m, const struct sched_client *c,
		    size_t n, struct price p)
{
	uint64_t scaled = 0;	/* total * p.den */
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t want = p.num * c[i].shares;
		uint64_t lo = c[i].min * p.den, hi = client_cap(m, &c[i]) * p.den;

		scaled += want < lo ? lo : want > hi ? hi : want;
	}
	return scaled <= capacity(m) * p.den;
}

enum sched_status sched_entitle(const struct sched_machine *m,
				const struct sched_client *c, size_t n,
				uint32_t *out)
{
	struct price best = { 0, 1 };
	uint64_t fixed = 0, free_shares = 0, left, given = 0;
	size_t i, j;

	if (n > SCHED_MAX_CLIENTS)
		return SCHED_TOO_MANY_CLIENTS;
	for (i = 0; i < n; i++) {
		enum sched_status st = sched_check_client(m, &c[i]);

		if (st != SCHED_OK)
			return st;
		fixed += c[i].min;
	}
	if (fixed > capacity(m))
		return SCHED_NO_CAPACITY;

	/*
	 * The breakpoints of the piecewise-linear total are min_i/shares_i and
	 * cap_i/shares_i; take the highest one whose total does not pass the
	 * capacity. Between it and the next, the total is linear in the price.
	 */
	for (i = 0; i < n; i++) {
		for (j = 0; j < 2; j++) {
			struct price p = {
				j ? client_cap(m, &c[i]) : c[i].min, c[i].shares,
			};

			/* p above best, and the total at p still fits */
			if (best.num * p.den < p.num * best.den && fits_at(m, c, n, p))
				best = p;
		}
	}
	fixed = 0;
	for (i = 0; i < n; i++) {
		int side = clamp_side(m, &c[i], best);

		if (side < 0)
			fixed += c[i].min;
		else if (side > 0)
			fixed += client_cap(m, &c[i]);
		else
			free_shares += c[i].shares;
	}
	left = capacity(m) - (fixed < capacity(m) ? fixed : capacity(m));
	for (i = 0; i < n; i++) {
		int side = clamp_side(m, &c[i], best);
		uint64_t e = side < 0 ? c[i].min :
			     side > 0 ? client_cap(m, &c[i]) :
			     left * c[i].shares / free_shares;

		out[i] = (uint32_t)e;
		if (!side)
			given += e;
	}
	/* hand out what integer division dropped, one unit at a time */
	for (i = 0; i < n && free_shares && given < left; i++) {
		if (clamp_side(m, &c[i], best) == 0 && out[i] < client_cap(m, &c[i])) {
			out[i]++;
			given++;
		}
	}
	return SCHED_OK;
}

uint64_t sched_period_budget(const struct sched_machine *m, uint32_t units,
			     uint64_t period_ns)
{
	if (units == SCHED_UNLIMITED)
		return UINT64_MAX;
	if (units >= m->cpu_capacity)
		return period_ns;
	return period_ns * units / m->cpu_capacity;
}

/* World i: from the array, or through the pointer array when one is given. */
static const struct sched_vworld *nth(const struct sched_vworld *w,
				      const struct sched_vworld *const *wp, size_t i)
{
	return wp ? wp[i] : &w[i];
}

/* Least virtual time among runnable worlds whose usage is below budget. */
static int least_vtime(const struct sched_vworld *w,
		       const struct sched_vworld *const *wp, size_t n,
		       bool reserved)
{
	int best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct sched_vworld *c = nth(w, wp, i);
		uint64_t budget = reserved ? c->period_min : c->period_max;

		if (!c->runnable || c->period_used >= budget)
			continue;
		if (best < 0 || c->vtime < nth(w, wp, (size_t)best)->vtime)
			best = (int)i;
	}
	return best;
}

int sched_pick_next(const struct sched_vworld *w, size_t n)
{
	int next = least_vtime(w, NULL, n, true);

	return next >= 0 ? next : least_vtime(w, NULL, n, false);
}

int sched_pick_next_ptr(const struct sched_vworld *const *w, size_t n)
{
	int next = least_vtime(NULL, w, n, true);

	return next >= 0 ? next : least_vtime(NULL, w, n, false);
}

bool sched_in_reservation(const struct sched_vworld *w)
{
	return w->period_used < w->period_min;
}

bool sched_under_limit(const struct sched_vworld *w)
{
	return w->period_used < w->period_max;
}

bool sched_move_evens(uint64_t load_from, uint64_t load_to, uint32_t shares)
{
	/* |from - to - 2s| < from - to  <=>  0 < s < from - to */
	return shares && load_from > load_to && load_from - load_to > shares;
}

void sched_charge(struct sched_vworld *w, uint64_t ran_ns)
{
	w->vtime += ran_ns * SCHED_VTIME_SCALE / w->shares;
	w->period_used += ran_ns;
}

void sched_wakeup(struct sched_vworld *w, size_t n, size_t waking)
{
	uint64_t least = UINT64_MAX;
	size_t i;

	for (i = 0; i < n; i++)
		if (i != waking && w[i].runnable && w[i].vtime < least)
			least = w[i].vtime;
	if (least != UINT64_MAX && w[waking].vtime < least)
		w[waking].vtime = least;
	w[waking].runnable = true;
}

void sched_new_period(struct sched_vworld *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		w[i].period_used = 0;
}
