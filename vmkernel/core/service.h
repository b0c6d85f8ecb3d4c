/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vmkernel's service world ("vmkservice"): a world of the scheduler,
 * neither a VM vCPU nor the COS, that runs periodic tasks of the vmkernel
 * itself (e.g. the heartbeat a read-write VMFS mount owes its volume). See
 * docs/architecture.md "Worlds and the scheduler".
 *
 * Guarantees (the world's group: SERVICE_SHARES shares, a reservation of
 * SERVICE_MIN_PCT % and a limit of SERVICE_MAX_PCT % of one CPU):
 *  - it sleeps until its next deadline and, being within its reservation,
 *    takes its CPU from a VM or the COS at once when it wakes; it is late
 *    by the CPU's tick (1 ms while other worlds wait) plus the time the
 *    running world needs to reach its next scheduler check;
 *  - it never takes more than its limit per 100 ms scheduler period, so
 *    VMs and the COS keep at least 100 - SERVICE_MAX_PCT % of its CPU;
 *  - a task runs with interrupts off and is not preempted: it must be
 *    bounded (SERVICE_TASK_BUDGET_NS; longer calls are logged), must not
 *    block or wait on the COS, and must not register or unregister tasks.
 */
#ifndef VMKERNEL_CORE_SERVICE_H
#define VMKERNEL_CORE_SERVICE_H

#include "vmkernel/lib/periodic.h"

#define SERVICE_SHARES		100
#define SERVICE_MIN_PCT		2
#define SERVICE_MAX_PCT		10
/* A task that runs longer than this is logged. */
#define SERVICE_TASK_BUDGET_NS	(20 * 1000000ull)
/* It sleeps at most this long, tasks or not (its switches in vmkctl status). */
#define SERVICE_MAX_SLEEP_NS	(1000 * 1000000ull)

/*
 * CPU 0 during init, after the scheduler (sched_global_init()): create the
 * world, pinned to CPU 0, not yet runnable.
 */
vmk_status_t service_init(void);
/* CPU 0, before its scheduler loop starts: make the world runnable. */
void service_start(void);
/*
 * At the give-back, from a COS vCPU (any CPU; only the first call does
 * anything): destroy the world; no task runs afterwards.
 */
void service_stop(void);

/*
 * Run fn(ctx) every period_ns, the first time a period from now. Returns a
 * handle (>= 0) for service_unregister(), or -1 when the table is full.
 */
int service_register(const char *name, uint64_t period_ns, periodic_fn fn,
		     void *ctx);
/* No more calls of that task; when it returns, none is running. */
void service_unregister(int handle);

#endif /* VMKERNEL_CORE_SERVICE_H */
