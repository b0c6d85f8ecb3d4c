// SPDX-License-Identifier: GPL-2.0-only
/*
 * Spinner test worlds (VMK_HC_SCHED_TEST, only with `vmkload debug=1`):
 * CPU-bound worlds inside the vmkernel with interrupts on, so the
 * scheduler's shares, reservations, limits and migration can be measured
 * before VM worlds exist. Each spinner is a group of one vCPU.
 */
#include "vmkernel/core/sched.h"
#include "vmkernel/core/sched_internal.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/log/log.h"

#define SPINNERS		8
#define SPIN_CHECK_EVERY	1000	/* pauses between looks at the flag */

struct spinner {
	struct world *world;
	struct sched_group *group;
};

static struct spinner spinners[SPINNERS];
static struct spinlock spinners_lock;

/* Spin with interrupts on: the vmkernel tick is what preempts it. */
static void spin_run(struct world *w)
{
	uint32_t i;

	(void)w;
	do {
		asm volatile("stgi; sti" ::: "memory");
		for (i = 0; i < SPIN_CHECK_EVERY && !sched_resched_pending(); i++)
			__builtin_ia32_pause();
		asm volatile("cli; clgi" ::: "memory");
	} while (!sched_should_yield());
}

static const struct world_ops spin_ops = { .run = spin_run };

static vmk_status_t spin_start(const struct vmk_sched_test *t, uint32_t *id)
{
	struct sched_alloc a = { t->shares, t->min_pct, t->max_pct };
	struct spinner *s = NULL;
	char name[VMK_WORLD_NAME_LEN];
	struct vmk_why why = { "" };
	vmk_status_t st;
	size_t i;

	if (t->cpu != VMK_SCHED_ANY_CPU && t->cpu >= vmk_boot_info.ncpus)
		return VMK_BAD_PARAM;
	memcpy(name, t->name, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	spin_lock(&spinners_lock);
	for (i = 0; i < SPINNERS && !s; i++)
		if (!spinners[i].world && !spinners[i].group)
			s = &spinners[i];
	if (s)
		s->group = (struct sched_group *)1;	/* claimed */
	spin_unlock(&spinners_lock);
	if (!s)
		return VMK_NO_MEMORY;
	st = sched_group_create(name, &a, 1, &s->group, &why);
	if (st != VMK_OK) {
		log_warn("spinner '%s' refused: %s", name, why.text);
		s->group = NULL;
		return st;
	}
	st = world_create(WORLD_TEST, name, &spin_ops, s, s->group,
			  t->cpu == VMK_SCHED_ANY_CPU ? WORLD_ANY_CPU : (int32_t)t->cpu,
			  &s->world);
	if (st != VMK_OK) {
		sched_group_destroy(s->group);
		s->group = NULL;
		return st;
	}
	log_info("spinner '%s' (world %u): cpu %d shares %u min %u%% max %u%%",
		 name, sched_group_id(s->group), (int)s->world->pinned_cpu, t->shares,
		 t->min_pct, t->max_pct);
	*id = sched_group_id(s->group);
	sched_start(s->world);
	return VMK_OK;
}

static void spin_destroy(struct spinner *s)
{
	world_destroy(s->world);
	sched_group_destroy(s->group);
	s->world = NULL;
	s->group = NULL;
}

/* Destroy spinners: all of them (cpu < 0) or those on one CPU's queue. */
static void spin_stop(int32_t cpu)
{
	size_t i;

	spin_lock(&spinners_lock);
	for (i = 0; i < SPINNERS; i++) {
		struct spinner *s = &spinners[i];

		if (s->world && (cpu < 0 || s->world->cpu == (uint32_t)cpu))
			spin_destroy(s);
	}
	spin_unlock(&spinners_lock);
}

void sched_test_stop_cpu(uint32_t cpu)
{
	spin_stop((int32_t)cpu);
}

vmk_status_t sched_test_hypercall(const struct vmk_sched_test *t, uint32_t *id)
{
	switch (t->op) {
	case VMK_SCHED_TEST_SPIN:
		return spin_start(t, id);
	case VMK_SCHED_TEST_STOP_ALL:
		spin_stop(-1);
		return VMK_OK;
	default:
		return VMK_BAD_PARAM;
	}
}
