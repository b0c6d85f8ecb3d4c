/* SPDX-License-Identifier: GPL-2.0-only */
/* Between world.c and sched.c only; everyone else uses world.h / sched.h. */
#ifndef VMKERNEL_CORE_SCHED_INTERNAL_H
#define VMKERNEL_CORE_SCHED_INTERNAL_H

#include "vmkernel/core/world.h"

/* A world joins / leaves its group (budgets are split over its worlds). */
void sched_group_attach(struct sched_group *g, struct world *w);
void sched_group_detach(struct sched_group *g, struct world *w);
/* Take w off its run queue and wait until no CPU runs it. */
void sched_remove(struct world *w);
struct world *sched_current(uint32_t cpu);
/* Destroy the spinner test worlds queued on cpu (sched_test.c). */
void sched_test_stop_cpu(uint32_t cpu);
/* Every world in use, for reporting. */
void world_for_each(void (*fn)(struct world *w, void *ctx), void *ctx);

#endif /* VMKERNEL_CORE_SCHED_INTERNAL_H */
