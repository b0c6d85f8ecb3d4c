/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A table of periodic tasks and their deadlines, kept apart from the world
 * that runs them (vmkernel/core/service.c) so it can be tested on the host.
 *
 * Each task has a period; periodic_run_due() calls every task whose
 * deadline has come and returns the earliest deadline left. A task's next
 * deadline is its last one plus its period, so a task that runs a little
 * late does not drift; one that fell a whole period or more behind (its
 * runner was kept from the CPU) is not run several times to catch up: it
 * runs once, its next deadline is the first one of its schedule still
 * ahead, and the deadlines it skipped are counted in `missed`.
 *
 * Not locked: the owner serialises every call with one lock.
 */
#ifndef VMKERNEL_LIB_PERIODIC_H
#define VMKERNEL_LIB_PERIODIC_H

#include "vmkernel/platform.h"

#define PERIODIC_MAX_TASKS	8
#define PERIODIC_NAME_LEN	24

/* A task: bounded work (it runs on the runner's CPU, see service.h). */
typedef void (*periodic_fn)(void *ctx);

struct periodic_task {
	char name[PERIODIC_NAME_LEN];
	periodic_fn fn;
	void *ctx;
	uint64_t period_ns;
	uint64_t next_ns;	/* its next deadline */
	uint64_t runs;		/* times called */
	uint64_t missed;	/* whole periods it fell behind */
	uint64_t max_ns;	/* longest call */
	bool used;
};

struct periodic_table {
	struct periodic_task task[PERIODIC_MAX_TASKS];
};

/*
 * Add a task, first due a period after now. Returns its slot (>= 0), or -1
 * when the table is full or the period is 0.
 */
int periodic_add(struct periodic_table *t, const char *name, uint64_t period_ns,
		 periodic_fn fn, void *ctx, uint64_t now_ns);
/* Remove the task in slot (from periodic_add()); it is not called again. */
void periodic_del(struct periodic_table *t, int slot);

/*
 * Call every task due at now(ctx) (read again after each call, for the
 * tasks' durations) and return the earliest deadline left, 0 when there
 * is no task.
 */
uint64_t periodic_run_due(struct periodic_table *t, uint64_t (*now)(void *ctx),
			  void *clock_ctx);

#endif /* VMKERNEL_LIB_PERIODIC_H */
