// SPDX-License-Identifier: GPL-2.0-only
/*
 * World objects (world.h): a fixed table, created and destroyed from any
 * CPU with IF=0. Scheduling state is sched.c's.
 */
#include "vmkernel/core/world.h"
#include "vmkernel/core/sched.h"
#include "vmkernel/core/sched_internal.h"
#include "vmkernel/core/vmkernel.h"
#include "vmkernel/log/log.h"

/*
 * COS vCPUs, idle worlds, the service and storage worlds
 * (core/service.c, storage/storage_world.c), VM vCPUs and test worlds.
 */
#define WORLD_SLOTS	(2 * VMK_MAX_CPUS + 2 + WORLD_MAX_VCPU_WORLDS)

static struct world worlds[WORLD_SLOTS];
static struct spinlock worlds_lock;
static uint32_t next_id = 1;

vmk_status_t world_create(enum world_type type, const char *name,
			  const struct world_ops *ops, void *priv,
			  struct sched_group *g, int32_t pinned_cpu,
			  struct world **out)
{
	struct world *w = NULL;
	size_t i;

	if (!ops || !ops->run || (!g && type != WORLD_IDLE) ||
	    (pinned_cpu != WORLD_ANY_CPU &&
	     (pinned_cpu < 0 || (uint32_t)pinned_cpu >= vmk_boot_info.ncpus)))
		return VMK_BAD_PARAM;
	spin_lock(&worlds_lock);
	for (i = 0; i < WORLD_SLOTS; i++) {
		if (!worlds[i].in_use) {
			w = &worlds[i];
			memset(w, 0, sizeof(*w));
			w->in_use = true;
			w->id = next_id++;
			break;
		}
	}
	spin_unlock(&worlds_lock);
	if (!w)
		return VMK_NO_MEMORY;
	w->type = type;
	for (i = 0; name[i] && i < sizeof(w->name) - 1; i++)
		w->name[i] = name[i];
	w->ops = ops;
	w->priv = priv;
	w->group = g;
	w->pinned_cpu = pinned_cpu;
	w->state = WORLD_NEW;
	w->cpu = pinned_cpu == WORLD_ANY_CPU ? 0 : (uint32_t)pinned_cpu;
	if (g)
		sched_group_attach(g, w);
	*out = w;
	return VMK_OK;
}

void world_destroy(struct world *w)
{
	sched_remove(w);	/* off its run queue and its CPU */
	if (w->ops->stop)
		w->ops->stop(w);
	if (w->group)
		sched_group_detach(w->group, w);
	spin_lock(&worlds_lock);
	w->in_use = false;
	spin_unlock(&worlds_lock);
}

struct world *world_current(void)
{
	return sched_current(this_cpu());
}

/* Calls fn for every world in use (reporting; the table may change). */
void world_for_each(void (*fn)(struct world *w, void *ctx), void *ctx)
{
	size_t i;

	for (i = 0; i < WORLD_SLOTS; i++)
		if (worlds[i].in_use)
			fn(&worlds[i], ctx);
}
