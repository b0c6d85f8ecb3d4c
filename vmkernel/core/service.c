// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmkernel's service world (service.h): one world, pinned to CPU 0,
 * that runs the periodic task table (vmkernel/lib/periodic.h) and sleeps
 * until the earliest deadline in it.
 */
#include "vmkernel/core/service.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/log/log.h"

#define SERVICE_NAME	"vmkservice"
#define SERVICE_CPU	0

static struct {
	struct spinlock lock;		/* the table; held while tasks run */
	struct periodic_table table;
	struct sched_group *group;
	struct world *world;
	uint64_t sleep_until;		/* its deadline while it sleeps, 0: awake */
	uint64_t over_budget;		/* task calls longer than the budget */
	bool stopped;
} svc;

static uint64_t service_now(void *ctx)
{
	(void)ctx;
	return vmk_time_ns();
}

/* Log each task whose longest call so far went over the budget (lock held). */
static void service_check_budgets(void)
{
	size_t i;

	for (i = 0; i < PERIODIC_MAX_TASKS; i++) {
		struct periodic_task *p = &svc.table.task[i];

		if (!p->used || p->max_ns <= SERVICE_TASK_BUDGET_NS)
			continue;
		if (log_nth(++svc.over_budget))
			log_warn("service: task '%s' ran %llu us, over its budget of %llu us",
				 p->name, (unsigned long long)p->max_ns / 1000,
				 (unsigned long long)SERVICE_TASK_BUDGET_NS / 1000);
		p->max_ns = 0;	/* report the next overrun afresh */
	}
}

/*
 * Run what is due, then sleep until the next deadline. The world blocks
 * with svc.lock held, so a service_register() that wakes it (after taking
 * the lock) finds it blocked and cannot be lost.
 */
static void service_run(struct world *w)
{
	uint64_t next, cap;

	spin_lock(&svc.lock);
	next = periodic_run_due(&svc.table, service_now, NULL);
	service_check_budgets();
	cap = vmk_time_ns() + SERVICE_MAX_SLEEP_NS;
	if (!next || next > cap)
		next = cap;
	svc.sleep_until = next;
	sched_block_until(w, next);
	spin_unlock(&svc.lock);
}

static const struct world_ops service_ops = { .run = service_run };

vmk_status_t service_init(void)
{
	struct sched_alloc a = { SERVICE_SHARES, SERVICE_MIN_PCT, SERVICE_MAX_PCT };
	struct vmk_why why = { "" };
	vmk_status_t st;

	st = sched_group_create(SERVICE_NAME, &a, 1, &svc.group, &why);
	if (st != VMK_OK) {
		log_err("service world refused: %s", why.text);
		return st;
	}
	st = world_create(WORLD_SERVICE, SERVICE_NAME, &service_ops, NULL,
			  svc.group, SERVICE_CPU, &svc.world);
	if (st != VMK_OK) {
		log_err("no world for the service world: status %d", st);
		sched_group_destroy(svc.group);
		svc.group = NULL;
	}
	return st;
}

void service_start(void)
{
	sched_start(svc.world);
	log_info("service: world %u on cpu%u: shares %u, min %u%%, max %u%%",
		 sched_group_id(svc.group), SERVICE_CPU, SERVICE_SHARES,
		 SERVICE_MIN_PCT, SERVICE_MAX_PCT);
}

void service_stop(void)
{
	size_t i;

	spin_lock(&svc.lock);
	if (svc.stopped || !svc.world) {
		spin_unlock(&svc.lock);
		return;
	}
	svc.stopped = true;
	spin_unlock(&svc.lock);
	world_destroy(svc.world);	/* waits until it left CPU 0 */
	sched_group_destroy(svc.group);
	for (i = 0; i < PERIODIC_MAX_TASKS; i++) {
		const struct periodic_task *p = &svc.table.task[i];

		if (p->used)
			log_info("service: task '%s' stopped after %llu runs, %llu deadlines missed",
				 p->name, (unsigned long long)p->runs,
				 (unsigned long long)p->missed);
	}
	log_info("service: world stopped");
}

int service_register(const char *name, uint64_t period_ns, periodic_fn fn,
		     void *ctx)
{
	bool wake;
	int h;

	spin_lock(&svc.lock);
	h = svc.stopped ? -1 :
	    periodic_add(&svc.table, name, period_ns, fn, ctx, vmk_time_ns());
	wake = h >= 0 && svc.sleep_until > svc.table.task[h].next_ns;
	if (wake)
		svc.sleep_until = 0;
	spin_unlock(&svc.lock);
	if (wake)
		sched_wake(svc.world);
	if (h < 0)
		log_warn("service: task '%s' refused: %s", name,
			 svc.stopped ? "the service world is stopped" : "the task table is full");
	return h;
}

void service_unregister(int handle)
{
	spin_lock(&svc.lock);
	periodic_del(&svc.table, handle);
	spin_unlock(&svc.lock);
}
