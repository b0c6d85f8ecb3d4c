// SPDX-License-Identifier: GPL-2.0-only
/* A token bucket (rate.h). */
#include "vmkernel/lib/rate.h"

void rate_init(struct rate *r, uint32_t burst, uint64_t period_ns)
{
	r->period_ns = period_ns ? period_ns : 1;
	r->burst = burst ? burst : 1;
	r->tokens = r->burst;
	r->at = 0;
	r->started = false;
}

bool rate_take(struct rate *r, uint64_t now)
{
	uint64_t add;

	if (!r->started) {
		r->at = now;
		r->started = true;
	}
	if (now > r->at) {
		add = (now - r->at) / r->period_ns;
		if (add >= r->burst - r->tokens) {
			r->tokens = r->burst;
			r->at = now;	/* a full bucket saves nothing up */
		} else {
			r->tokens += (uint32_t)add;
			r->at += add * r->period_ns;
		}
	}
	if (!r->tokens)
		return false;
	r->tokens--;
	return true;
}
