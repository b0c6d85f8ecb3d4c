// SPDX-License-Identifier: GPL-2.0-only
/*
 * dr_check: a guest that keeps its own breakpoint addresses in DR0-3 and
 * reads them back without pause, next to the COS module
 * tests/lab/modules/vmk_drcheck.c, which counts this guest's values if
 * the vmkernel does not switch the registers between worlds. The
 * vmkernel emulates every MOV DR of a VM on its copy (exit_policy.h
 * VM_DR_INTERCEPTS), so this side counts a mixup of the copies, and each
 * read is an exit (a round takes about 30 s under TCG). The values
 * change every round; DR7 arms all four
 * as data breakpoints, at addresses in the vmkernel's range that this
 * guest never touches: if #VMEXIT left them armed in the vmkernel (APM
 * vol. 2 §15.6 says it disables them), the vmkernel would take the #DB.
 * Prints "dr_check: round N bad M" (M: mismatches so far) and
 * "dr_check: MISMATCH" the first time.
 */
#include "guest.h"

#define DR_CHECK_ROUND		(1u << 16)	/* checks between two lines */
#define DR_BASE			0xbf000000u	/* VMK_VBASE: the vmkernel's */
/* DR7 (SDM vol. 3A §18.2.4): L0-3 and G0-3, R/W 11 (read or write) and
 * LEN 11 (4 bytes) for each of the four, bit 10 fixed to 1. */
#define DR7_ARM_ALL		(0xffff0000u | 0x400u | 0xffu)

#define DR_SET(n, v)	__asm__ volatile("mov %0, %%db" #n :: "r"(v))
#define DR_GET(n, v)	__asm__ volatile("mov %%db" #n ", %0" : "=r"(v))

static uint32_t pattern(uint32_t round, uint32_t n)
{
	return DR_BASE + ((round & 0xfff) << 8) + n * 0x10;
}

/* How many of DR0-3 differ from round's pattern, over DR_CHECK_ROUND reads. */
static uint32_t dr_round(uint32_t round)
{
	uint32_t i, v, bad = 0;

	DR_SET(0, pattern(round, 0));
	DR_SET(1, pattern(round, 1));
	DR_SET(2, pattern(round, 2));
	DR_SET(3, pattern(round, 3));
	DR_SET(7, DR7_ARM_ALL);
	for (i = 0; i < DR_CHECK_ROUND; i++) {
		DR_GET(0, v);
		bad += v != pattern(round, 0);
		DR_GET(1, v);
		bad += v != pattern(round, 1);
		DR_GET(2, v);
		bad += v != pattern(round, 2);
		DR_GET(3, v);
		bad += v != pattern(round, 3);
	}
	return bad;
}

void guest_main(uint32_t magic, const void *mbi)
{
	uint32_t bad = 0, n;

	(void)magic;
	(void)mbi;
	serial_init();
	puts("dr_check: start\n");
	for (n = 1;; n++) {
		uint32_t b = dr_round(n);

		if (b && !bad)
			puts("dr_check: MISMATCH\n");
		bad += b;
		puts("dr_check: round ");
		putu(n);
		puts(" bad ");
		putu(bad);
		puts("\n");
	}
}
