// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu_spin: a CPU-bound guest for the scheduler tests. It runs LCG steps
 * with no exit at all and after every CPU_SPIN_CHUNK steps prints
 * "cpu_spin: N" (N chunks so far) on COM1, so the share of CPU a VM got
 * can be read from its console as well as from its CPU time.
 */
#include "guest.h"

#define CPU_SPIN_CHUNK	(1u << 22)

static volatile uint32_t sink;

void guest_main(uint32_t magic, const void *mbi)
{
	uint32_t x = 1;

	(void)magic;
	(void)mbi;
	serial_init();
	puts("cpu_spin: start\n");
	for (uint32_t n = 1;; n++) {
		for (uint32_t i = 0; i < CPU_SPIN_CHUNK; i++)
			x = x * 1664525u + 1013904223u;
		sink = x;
		puts("cpu_spin: ");
		putu(n);
		puts("\n");
	}
}
