// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmkernel's PVSCSI driver against vmk's own PVSCSI model as the
 * hardware: one fake physical memory that the driver's pages come from
 * and the model's DMA reaches, the driver's MMIO routed to the model's
 * register handlers, a clock the test moves (or that moves tick_ms at
 * each reading, for callers that poll until a deadline). RAM disks at
 * targets 0 and 2. The model can be made deaf to ABORT_CMD or RESET_BUS (a device that
 * hangs), and to the requests of some targets (a hung LUN: the kick of a
 * request to one is dropped, so it stays unanswered until the driver's
 * ladder resets the adapter). No Check here: a fuzzer can include it too.
 */
#ifndef TESTS_UNIT_STORAGE_HBA_TEST_H
#define TESTS_UNIT_STORAGE_HBA_TEST_H

#include <stdlib.h>
#include <string.h>
#include "tests/unit/vmmscsi/ramdisk.h"
#include "vmkernel/storage/pvscsi_hba.h"
#include "vmkernel/storage/scan.h"
#include "vmm/dev/pvscsi.h"
#include "vmm/devices.h"

#define PHYS_RAM	(4u << 20)
#define PHYS_POOL	0x1000u		/* the driver's pages from here */
#define PHYS_DATA	0x200000u	/* the tests' data buffers from here */
#define DISK0_BLOCKS	2048
#define DISK2_BLOCKS	4096

struct hba_rig {
	uint8_t *ram;
	uint64_t next_page;
	uint64_t now;
	uint32_t tick_ms;		/* added to now at each reading */
	bool irq;
	uint32_t deaf_to;		/* a PVSCSI_CMD_* the device ignores; 0: none */
	uint32_t swallow_words;		/* COMMAND_DATA words still to ignore */
	uint32_t mute_targets;		/* bit t: requests to target t get no answer */
	struct ramdisk *rd[2];
	struct scsi_disk disk[2];
	struct pvscsi dev;
	struct pvscsi_hba hba;
};

static bool rig_dma_read(void *ctx, uint64_t pa, void *dst, uint32_t len)
{
	struct hba_rig *r = ctx;

	if (pa > PHYS_RAM || len > PHYS_RAM - pa)
		return false;
	memcpy(dst, r->ram + pa, len);
	return true;
}

static bool rig_dma_write(void *ctx, uint64_t pa, const void *src, uint32_t len)
{
	struct hba_rig *r = ctx;

	if (pa > PHYS_RAM || len > PHYS_RAM - pa)
		return false;
	memcpy(r->ram + pa, src, len);
	return true;
}

static void rig_irq(void *ctx, bool level)
{
	((struct hba_rig *)ctx)->irq = level;
}

static uint32_t rig_mmio_read(void *ctx, uint32_t off)
{
	struct hba_rig *r = ctx;

	return pvscsi_mmio_ops.read(&r->dev, off, 4);
}

/* The target of the request the driver produced last. */
static uint32_t rig_newest_target(const struct hba_rig *r)
{
	uint32_t idx = (r->hba.req_prod - 1) & (r->hba.req_entries - 1);

	return r->hba.req_ring[idx * PVSCSI_REQ_DESC_LEN + PVSCSI_RQ_TARGET];
}

static void rig_mmio_write(void *ctx, uint32_t off, uint32_t val)
{
	struct hba_rig *r = ctx;

	if ((off == PVSCSI_REG_KICK_NON_RW_IO || off == PVSCSI_REG_KICK_RW_IO) &&
	    r->mute_targets && (r->mute_targets >> (rig_newest_target(r) & 31) & 1))
		return;

	if (off == PVSCSI_REG_COMMAND && r->deaf_to && val == r->deaf_to) {
		r->swallow_words = val == PVSCSI_CMD_ABORT_CMD ? PVSCSI_ABORT_CMD_LEN / 4 : 0;
		return;
	}
	if (off == PVSCSI_REG_COMMAND_DATA && r->swallow_words) {
		r->swallow_words--;
		return;
	}
	pvscsi_mmio_ops.write(&r->dev, off, 4, val);
}

static void *rig_alloc_pages(void *ctx, unsigned int nr, uint64_t *phys)
{
	struct hba_rig *r = ctx;
	uint64_t pa = r->next_page;

	if (pa + (uint64_t)nr * 4096 > PHYS_DATA)
		return NULL;
	r->next_page += (uint64_t)nr * 4096;
	*phys = pa;
	return r->ram + pa;
}

static uint64_t rig_now(void *ctx)
{
	struct hba_rig *r = ctx;

	r->now += r->tick_ms;
	return r->now;
}

/*
 * Power on: the driver's memory cleared, disks and adapter in their reset
 * state (the disks' data stays), nothing held, the clock at 1 s.
 */
static inline void rig_reset(struct hba_rig *r)
{
	struct pvscsi_config cfg = { 0 };

	memset(r->ram, 0, PHYS_DATA);
	r->next_page = PHYS_POOL;
	r->now = 1000;
	r->tick_ms = 0;
	r->deaf_to = r->swallow_words = r->mute_targets = 0;
	for (int i = 0; i < 2; i++) {
		r->rd[i]->hold = false;
		r->rd[i]->nr_held = 0;
		r->rd[i]->fail = SCSI_BACKEND_OK;
	}
	scsi_disk_init(&r->disk[0], &r->rd[0]->be, "lun-t0", 0x10);
	scsi_disk_init(&r->disk[1], &r->rd[1]->be, "lun-t2", 0x12);
	cfg.dma = (struct guest_dma){ rig_dma_read, rig_dma_write, r };
	cfg.set_irq = rig_irq;
	cfg.irq_ctx = r;
	cfg.target[0] = &r->disk[0];
	cfg.target[2] = &r->disk[1];
	pvscsi_init(&r->dev, &cfg);
}

static inline struct hba_rig *rig_new(void)
{
	struct hba_rig *r = calloc(1, sizeof(*r));

	if (!r || !(r->ram = calloc(1, PHYS_RAM)))
		abort();
	r->rd[0] = ramdisk_new(DISK0_BLOCKS, false);
	r->rd[1] = ramdisk_new(DISK2_BLOCKS, false);
	rig_reset(r);
	return r;
}

/* The driver's ops over the rig; pvscsi_hba_init() with them. */
static inline int rig_start(struct hba_rig *r)
{
	const struct pvscsi_hba_ops ops = {
		.mmio_read = rig_mmio_read, .mmio_write = rig_mmio_write,
		.alloc_pages = rig_alloc_pages, .now_ms = rig_now, .ctx = r,
	};

	return pvscsi_hba_init(&r->hba, &ops);
}

static inline void rig_free(struct hba_rig *r)
{
	ramdisk_free(r->rd[0]);
	ramdisk_free(r->rd[1]);
	free(r->ram);
	free(r);
}

#endif /* TESTS_UNIT_STORAGE_HBA_TEST_H */
