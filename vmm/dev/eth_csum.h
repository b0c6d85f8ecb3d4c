// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Internet checksum (RFC 1071) as the virtual NICs insert it for a
 * guest that offloads it (e1000 checksum contexts and TSO, vmxnet3
 * offload modes): the ones' complement sum of big-endian 16-bit words.
 */
#ifndef VMM_DEV_ETH_CSUM_H
#define VMM_DEV_ETH_CSUM_H

#include "vmm/bytes.h"

static inline uint32_t eth_csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += vmm_get_be16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static inline uint16_t eth_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

#endif /* VMM_DEV_ETH_CSUM_H */
