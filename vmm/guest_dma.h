// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest-physical memory as a DMA-capable device model sees it (the
 * PVSCSI rings and data buffers). The vmkernel backs it with the VM's
 * NPT-mapped RAM, host tests with a buffer. Every address comes from the
 * guest: read and write return false unless all of [gpa, gpa + len) is
 * guest RAM, and then copy nothing; a model copies what it needs into its
 * own memory once and checks it there (no second fetch).
 */
#ifndef VMM_GUEST_DMA_H
#define VMM_GUEST_DMA_H

#include "vmm/platform.h"

struct guest_dma {
	bool (*read)(void *ctx, uint64_t gpa, void *dst, uint32_t len);
	bool (*write)(void *ctx, uint64_t gpa, const void *src, uint32_t len);
	void *ctx;
};

#endif /* VMM_GUEST_DMA_H */
