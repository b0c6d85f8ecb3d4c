/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The marker the ram_residue guest writes at the start of each page of its
 * RAM, shared with the lab's vmk_residue module, which looks for it in the
 * COS's memory after an unload: four words of xorshift32 (Marsaglia 2003)
 * from RESIDUE_SEED, made at run time so no binary holds them in a row.
 */
#ifndef TESTS_GUEST_RESIDUE_MARKER_H
#define TESTS_GUEST_RESIDUE_MARKER_H

#define RESIDUE_WORDS	4
#define RESIDUE_SEED	0x7265735du

static inline void residue_marker(uint32_t m[RESIDUE_WORDS])
{
	uint32_t x = RESIDUE_SEED;

	for (int i = 0; i < RESIDUE_WORDS; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		m[i] = x;
	}
}

static inline int residue_match(const volatile uint32_t *p, const uint32_t m[RESIDUE_WORDS])
{
	for (int i = 0; i < RESIDUE_WORDS; i++)
		if (p[i] != m[i])
			return 0;
	return 1;
}

#endif /* TESTS_GUEST_RESIDUE_MARKER_H */
