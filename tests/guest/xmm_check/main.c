// SPDX-License-Identifier: GPL-2.0-only
/*
 * xmm_check: a guest that keeps its own pattern in XMM0-6 and checks it
 * without pause (xmm_pattern.h), so that a vmkernel which does not switch
 * the extended CPU state between worlds shows up on both sides: this
 * guest counts the COS's values, the COS counts this guest's. With XSAVE
 * it enables only x87|SSE in XCR0 (a mask other than the COS's when the
 * CPU has AVX). Prints "xmm_check: round N bad M" (M: mismatches so far)
 * and "xmm_check: MISMATCH" the first time.
 */
#include "guest.h"
#include "xmm_pattern.h"

#define XMM_CHECK_ROUND		(1u << 20)	/* checks between two lines */
#define GUEST_SEED		0x6b6b0000u
#define CR0_MP			(1u << 1)
#define CR0_EM			(1u << 2)
#define CR0_TS			(1u << 3)
#define CR4_OSFXSR		(1u << 9)	/* SDM vol. 3A §2.5 */
#define CR4_OSXMMEXCPT		(1u << 10)
#define CR4_OSXSAVE		(1u << 18)
#define CPUID_1_ECX_XSAVE	(1u << 26)
#define XCR0_X87_SSE		3u

static struct xmm_pattern pattern;

static void sse_enable(void)
{
	uint32_t cr0, cr4, a = 1, b, c, d;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(CR0_EM | CR0_TS)) | CR0_MP;
	__asm__ volatile("mov %0, %%cr0" :: "r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
	if (c & CPUID_1_ECX_XSAVE)
		cr4 |= CR4_OSXSAVE;
	__asm__ volatile("mov %0, %%cr4" :: "r"(cr4));
	puts("xmm_check: start xcr0 ");
	if (c & CPUID_1_ECX_XSAVE) {
		__asm__ volatile("xsetbv" :: "a"(XCR0_X87_SSE), "d"(0), "c"(0));
		putx(XCR0_X87_SSE);
	} else {
		puts("none");
	}
	puts("\n");
}

void guest_main(uint32_t magic, const void *mbi)
{
	uint32_t bad = 0, n;

	(void)magic;
	(void)mbi;
	serial_init();
	sse_enable();
	xmm_pattern_make(&pattern, GUEST_SEED);
	for (n = 1;; n++) {
		uint32_t b = xmm_pattern_run(&pattern, XMM_CHECK_ROUND);

		if (b && !bad)
			puts("xmm_check: MISMATCH\n");
		bad += b;
		puts("xmm_check: round ");
		putu(n);
		puts(" bad ");
		putu(bad);
		puts("\n");
	}
}
