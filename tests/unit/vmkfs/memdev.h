/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A sparse in-memory block device for vmkfs tests: 64 KiB chunks allocated
 * on first non-zero write, cheap to clone, counts writes and can simulate
 * a power cut (every write from the Nth on is lost).
 */
#ifndef VMKFS_TEST_MEMDEV_H
#define VMKFS_TEST_MEMDEV_H

#include "vmkfs/vmkfs.h"

struct memdev {
	struct vmkfs_dev dev;
	uint8_t **chunks;
	uint64_t nchunks;
	uint64_t writes;	/* device writes so far */
	int64_t cut_at;		/* writes with index >= cut_at are lost; -1: off */
};

struct memdev *memdev_create(uint64_t size);
struct memdev *memdev_clone(const struct memdev *src);
void memdev_destroy(struct memdev *m);

#endif
