/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A token bucket: up to `burst` events at once, then one a period. For
 * work a guest or the COS can ask for as often as it exits (a receive
 * filter rewritten at each change of a port's groups, say), so that the
 * work follows at a bounded rate and a later call does what was held
 * back. Not locked: the owner serialises the calls.
 */
#ifndef VMKERNEL_LIB_RATE_H
#define VMKERNEL_LIB_RATE_H

#include "vmkernel/platform.h"

struct rate {
	uint64_t period_ns;
	uint64_t at;		/* time of the last refill */
	uint32_t burst;
	uint32_t tokens;
	bool started;
};

void rate_init(struct rate *r, uint32_t burst, uint64_t period_ns);
/* May an event happen at now (ns, never going back)? Takes a token if so. */
bool rate_take(struct rate *r, uint64_t now);

#endif /* VMKERNEL_LIB_RATE_H */
