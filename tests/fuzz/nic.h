// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the virtual NIC fuzzers (tests/fuzz/e1000/, tests/fuzz/vmxnet3/)
 * share: a frame from a hostile network, any length below size, mostly
 * to the NIC's own address or broadcast, sometimes with an 802.1Q tag.
 */
#ifndef TESTS_FUZZ_NIC_H
#define TESTS_FUZZ_NIC_H

#include <string.h>
#include "tests/fuzz/input.h"
#include "vmm/bytes.h"

static inline uint32_t fuzz_frame(struct fuzz_input *in, uint8_t *f, uint32_t size,
				  const uint8_t mac[6])
{
	uint32_t len = fuzz_next32(in) % size;
	uint8_t k = fuzz_next8(in);

	for (uint32_t i = 0; i < len; i++)
		f[i] = (uint8_t)(i * 7 + k);
	if (len >= 6) {
		if ((k & 3) == 0)
			memcpy(f, mac, 6);
		else if ((k & 3) == 1)
			memset(f, 0xff, 6);
	}
	if (len >= 16 && (k & 4))
		vmm_put_be16(f + 12, 0x8100);
	return len;
}

#endif /* TESTS_FUZZ_NIC_H */
