// SPDX-License-Identifier: GPL-2.0-only
/*
 * Debug registers per world (debugreg.h). live[] is what this CPU's
 * DR0-3 hold: only the vmkernel writes them while a world is out, and
 * it reads them back after a world that could write them ran, so the
 * copy is exact and a world migrating between CPUs needs nothing more.
 */
#include "vmkernel/arch/x86/debugreg.h"
#include "vmkernel/arch/x86/exit_policy.h"

static uint32_t live[VMK_MAX_CPUS][4];

static uint32_t dr_read(uint32_t n)
{
	uint32_t v = 0;

	switch (n) {
	case 0: asm volatile("mov %%db0, %0" : "=r"(v)); break;
	case 1: asm volatile("mov %%db1, %0" : "=r"(v)); break;
	case 2: asm volatile("mov %%db2, %0" : "=r"(v)); break;
	case 3: asm volatile("mov %%db3, %0" : "=r"(v)); break;
	case 7: asm volatile("mov %%db7, %0" : "=r"(v)); break;
	}
	return v;
}

static void dr_write(uint32_t n, uint32_t v)
{
	switch (n) {
	case 0: asm volatile("mov %0, %%db0" :: "r"(v)); break;
	case 1: asm volatile("mov %0, %%db1" :: "r"(v)); break;
	case 2: asm volatile("mov %0, %%db2" :: "r"(v)); break;
	case 3: asm volatile("mov %0, %%db3" :: "r"(v)); break;
	case 7: asm volatile("mov %0, %%db7" :: "r"(v)); break;
	}
}

void debugreg_reset(struct debugreg *d)
{
	memset(d, 0, sizeof(*d));
}

uint32_t debugreg_capture(struct debugreg *d, uint32_t cpu)
{
	uint32_t n, dr7 = dr_read(7);

	/* Breakpoints off first: none of the COS's fires in the vmkernel. */
	dr_write(7, DR7_FIXED_1);
	debugreg_reset(d);
	for (n = 0; n < 4; n++)
		d->dr[n] = live[cpu][n] = dr_read(n);
	return dr7 | DR7_FIXED_1;
}

void debugreg_enter(struct debugreg *d, struct vmcb *c, uint32_t cpu)
{
	uint32_t n, mask = dr_writes_needed(live[cpu], d->dr);

	/* The host's DR7 has no breakpoint enabled here (§15.6). */
	for (n = 0; n < 4; n++) {
		if (mask & (1u << n)) {
			dr_write(n, d->dr[n]);
			live[cpu][n] = d->dr[n];
		}
	}
	if (d->exposed)
		c->intercept_dr &= ~DR_INTERCEPTS;
	else
		c->intercept_dr |= DR_INTERCEPTS;
}

void debugreg_exit(struct debugreg *d, uint32_t cpu)
{
	uint32_t n;

	if (!d->exposed)
		return;
	for (n = 0; n < 4; n++)
		d->dr[n] = live[cpu][n] = dr_read(n);
	d->exposed = false;
}

void debugreg_expose(struct debugreg *d)
{
	d->exposed = true;
}

void debugreg_hand_back(const struct debugreg *d, uint32_t cpu)
{
	uint32_t n;

	for (n = 0; n < 4; n++) {
		dr_write(n, d->dr[n]);
		live[cpu][n] = d->dr[n];
	}
}
