// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fuzz harnesses' input reader: a libFuzzer input consumed as a
 * little-endian stream of operation bytes and values; past its end every
 * value is 0, so any input is a complete program.
 */
#ifndef TESTS_FUZZ_INPUT_H
#define TESTS_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_input {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_next8(struct fuzz_input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint32_t fuzz_next32(struct fuzz_input *in)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)fuzz_next8(in) << (8 * i);
	return v;
}

#endif /* TESTS_FUZZ_INPUT_H */
