// SPDX-License-Identifier: GPL-2.0-only
/*
 * xmm-check CPU SECONDS: pinned to CPU, keep a pattern in XMM0-6 (and in
 * the upper halves of YMM0-6 when the COS has AVX enabled) and check it
 * without pause (tests/guest/xmm_check/xmm_pattern.h) for SECONDS. Another
 * world's values showing up here is a mismatch; any fails the run.
 */
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include "tests/guest/xmm_check/xmm_pattern.h"
#include "labtool.h"

#define COS_SEED		0xc05c0000u
#define COS_UPPER_SEED		0xa7a70000u
#define XMM_CHECKS_PER_CALL	(1u << 18)
#define CPUID_1_ECX_OSXSAVE	(1u << 27)
#define CPUID_1_ECX_AVX		(1u << 28)
#define XCR0_SSE_AVX		6u	/* SDM vol. 1 §13.3 */

static bool avx_enabled(void)
{
	unsigned int a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & CPUID_1_ECX_OSXSAVE) ||
	    !(c & CPUID_1_ECX_AVX))
		return false;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & XCR0_SSE_AVX) == XCR0_SSE_AVX;
}

#define YMM_SET(n)	"vinsertf128 $1, " #n "*16(%[p]), %%ymm" #n ", %%ymm" #n "\n\t"
#define YMM_CHECK(n)	"vextractf128 $1, %%ymm" #n ", %%xmm7\n\t"		\
			"pcmpeqd " #n "*16(%[p]), %%xmm7\n\t"		\
			"pmovmskb %%xmm7, %%eax\n\t"			\
			"cmpl $0xffff, %%eax\n\t"			\
			"je 1f\n\t"					\
			"incl %[bad]\n"					\
			"1:\n\t"

/* Upper halves of YMM0-6 := p; legacy SSE loads (xmm_pattern_run) keep them. */
static void ymm_upper_set(const struct xmm_pattern *p)
{
	__asm__ volatile(YMM_SET(0) YMM_SET(1) YMM_SET(2) YMM_SET(3)
			 YMM_SET(4) YMM_SET(5) YMM_SET(6)
			 :: [p] "r"(p) : "memory");
}

/* How many of the upper halves of YMM0-6 differ from p. */
static uint32_t ymm_upper_check(const struct xmm_pattern *p)
{
	uint32_t bad = 0;

	__asm__ volatile(YMM_CHECK(0) YMM_CHECK(1) YMM_CHECK(2) YMM_CHECK(3)
			 YMM_CHECK(4) YMM_CHECK(5) YMM_CHECK(6)
			 : [bad] "+r"(bad) : [p] "r"(p) : "eax", "cc", "memory");
	return bad;
}

int cmd_xmm_check(int argc, char **argv)
{
	static struct xmm_pattern lower, upper;
	uint64_t end, checks = 0, bad = 0, bad_upper = 0;
	bool avx = avx_enabled();

	if (argc != 3)
		return labtool_fail("usage: xmm-check CPU SECONDS");
	if (labtool_pin(atoi(argv[1])))
		return 1;
	xmm_pattern_make(&lower, COS_SEED);
	xmm_pattern_make(&upper, COS_UPPER_SEED);
	end = labtool_now_ns() + strtoull(argv[2], NULL, 0) * 1000000000ull;
	while (labtool_now_ns() < end) {
		if (avx)
			ymm_upper_set(&upper);
		bad += xmm_pattern_run(&lower, XMM_CHECKS_PER_CALL);
		if (avx)
			bad_upper += ymm_upper_check(&upper);
		checks += XMM_CHECKS_PER_CALL;
	}
	printf("xmm-check: cpu %s checks %llu xmm mismatches %llu ymm %s upper mismatches %llu\n",
	       argv[1], (unsigned long long)checks, (unsigned long long)bad,
	       avx ? "yes" : "no", (unsigned long long)bad_upper);
	if (bad || bad_upper)
		return labtool_fail("the COS's XMM/YMM registers changed under it");
	return 0;
}
