/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The XMM pattern check shared by the xmm_check test guest and the COS's
 * `vmk-labtool xmm-check`: fill XMM0-6 with a pattern and compare them
 * with it again and again, in one asm block (on i386 every XMM register is
 * call-clobbered, so no C may run between fill and check). A world that
 * sees another world's register contents counts a mismatch and reloads.
 * Needs SSE2 enabled (CR4.OSFXSR). Both sides are compiled without SSE
 * code generation, so the compiler keeps nothing in XMM registers (and,
 * under -mgeneral-regs-only, may not even be told of their clobbering).
 */
#ifndef TESTS_GUEST_XMM_PATTERN_H
#define TESTS_GUEST_XMM_PATTERN_H

#include <stdint.h>

#define XMM_PATTERN_REGS	7	/* XMM0-6; XMM7 is the scratch */

struct xmm_pattern {
	uint32_t lane[XMM_PATTERN_REGS][4];
} __attribute__((aligned(16)));

static inline void xmm_pattern_make(struct xmm_pattern *p, uint32_t seed)
{
	for (uint32_t i = 0; i < XMM_PATTERN_REGS; i++)
		for (uint32_t j = 0; j < 4; j++)
			p->lane[i][j] = seed ^ (i * 0x01010101u) ^ (j << 28);
}

#define XMM_LOAD(n)	"movdqa " #n "*16(%[p]), %%xmm" #n "\n\t"
#define XMM_CHECK(n)	"movdqa %%xmm" #n ", %%xmm7\n\t"		\
			"pcmpeqd " #n "*16(%[p]), %%xmm7\n\t"		\
			"pmovmskb %%xmm7, %%eax\n\t"			\
			"cmpl $0xffff, %%eax\n\t"			\
			"jne 3f\n\t"
#define XMM_LOAD_ALL	XMM_LOAD(0) XMM_LOAD(1) XMM_LOAD(2) XMM_LOAD(3) \
			XMM_LOAD(4) XMM_LOAD(5) XMM_LOAD(6)

/* Load p into XMM0-6, then check them iters times; returns how many checks
 * found a register changed (each reloads the pattern). */
static inline uint32_t xmm_pattern_run(const struct xmm_pattern *p, uint32_t iters)
{
	uint32_t bad = 0;

	__asm__ volatile(XMM_LOAD_ALL
			 "1:\n\t"
			 XMM_CHECK(0) XMM_CHECK(1) XMM_CHECK(2) XMM_CHECK(3)
			 XMM_CHECK(4) XMM_CHECK(5) XMM_CHECK(6)
			 "2:\n\t"
			 "decl %[n]\n\t"
			 "jnz 1b\n\t"
			 "jmp 4f\n"
			 "3:\n\t"
			 "incl %[bad]\n\t"
			 XMM_LOAD_ALL
			 "jmp 2b\n"
			 "4:"
			 : [bad] "+r"(bad), [n] "+r"(iters)
			 : [p] "r"(p)
			 : "eax", "cc", "memory");
	return bad;
}

#endif /* TESTS_GUEST_XMM_PATTERN_H */
