// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/arch/x86/asid.h"
#include "vmkernel/arch/x86/vmcb.h"

void asid_cpu_init(struct asid_cpu *c, uint32_t nasid)
{
	c->first = COS_ASID + 1;
	/*
	 * Every SVM CPU has more than two (K8 had 64, QEMU's TCG 16); with
	 * fewer the VMs would have none and share COS_ASID + 1, flushing at
	 * every entry (each entry a new generation).
	 */
	c->last = nasid > c->first + 1 ? nasid - 1 : c->first;
	c->next = c->last + 1;		/* the first entry flushes */
	c->generation = 0;
}

bool asid_enter(struct asid_cpu *c, uint32_t cpu, struct asid_tag *t)
{
	bool flush = false;

	if (t->cpu == cpu + 1 && t->generation == c->generation &&
	    c->first < c->last)
		return false;
	if (c->next > c->last) {
		c->generation++;
		if (!c->generation)	/* never 0: a tag's "none" */
			c->generation = 1;
		c->next = c->first;
		flush = true;
	}
	t->asid = c->next++;
	t->cpu = cpu + 1;
	t->generation = c->generation;
	return flush;
}
