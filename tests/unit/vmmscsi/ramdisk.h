// SPDX-License-Identifier: GPL-2.0-only
/*
 * A RAM block backend for the SCSI tests and the PVSCSI fuzzer: completes
 * at once, or (held) keeps its requests until ramdisk_run(), as the
 * vmkernel's asynchronous storage stack will. Failures can be injected
 * (a read of several blocks fails after its first: scsi_backend_stop()).
 */
#ifndef TESTS_UNIT_VMMSCSI_RAMDISK_H
#define TESTS_UNIT_VMMSCSI_RAMDISK_H

#include <stdlib.h>
#include <string.h>
#include "vmm/scsi/disk.h"

#define RAMDISK_MAX_HELD 256

enum ramdisk_op { RD_READ, RD_WRITE, RD_FLUSH, RD_UNMAP };

struct ramdisk {
	struct scsi_backend be;
	uint8_t *data;
	bool hold;				/* complete in ramdisk_run() */
	enum scsi_backend_status fail;		/* what the next request ends with */
	unsigned int nr_held;
	struct {
		struct scsi_cmd *cmd;
		enum ramdisk_op op;
		uint64_t lba;
		uint32_t nr;
	} held[RAMDISK_MAX_HELD];
	unsigned int reads, writes, flushes, unmaps;
};

static inline void ramdisk_do(struct ramdisk *rd, struct scsi_cmd *cmd,
			      enum ramdisk_op op, uint64_t lba, uint32_t nr)
{
	uint8_t *p = rd->data + lba * SCSI_BLOCK_SIZE;
	uint64_t bytes = (uint64_t)nr * SCSI_BLOCK_SIZE;
	enum scsi_backend_status st = rd->fail;

	/* the disk promised a range inside the backend */
	if (lba > rd->be.nr_blocks || nr > rd->be.nr_blocks - lba)
		abort();
	switch (op) {
	case RD_READ:
		rd->reads++;
		/*
		 * In two pieces, as a backend reading block by block would;
		 * a failing read of more than one block fails after its first.
		 */
		if (st != SCSI_BACKEND_OK && nr > 1 && scsi_cmd_put(cmd, 0, p, SCSI_BLOCK_SIZE))
			return scsi_backend_stop(cmd, st, SCSI_BLOCK_SIZE);
		if (st == SCSI_BACKEND_OK && scsi_cmd_put(cmd, 0, p, SCSI_BLOCK_SIZE))
			scsi_cmd_put(cmd, SCSI_BLOCK_SIZE, p + SCSI_BLOCK_SIZE,
				     (uint32_t)(bytes - SCSI_BLOCK_SIZE));
		break;
	case RD_WRITE:
		rd->writes++;
		if (st == SCSI_BACKEND_OK)
			scsi_cmd_get(cmd, 0, p, (uint32_t)bytes);
		break;
	case RD_FLUSH:
		rd->flushes++;
		break;
	case RD_UNMAP:
		rd->unmaps++;
		if (st == SCSI_BACKEND_OK)
			memset(p, 0, bytes);
		break;
	}
	scsi_backend_done(cmd, st);
}

static inline void ramdisk_start(struct ramdisk *rd, struct scsi_cmd *cmd,
				 enum ramdisk_op op, uint64_t lba, uint32_t nr)
{
	if (!rd->hold)
		return ramdisk_do(rd, cmd, op, lba, nr);
	if (rd->nr_held == RAMDISK_MAX_HELD)
		abort();
	rd->held[rd->nr_held].cmd = cmd;
	rd->held[rd->nr_held].op = op;
	rd->held[rd->nr_held].lba = lba;
	rd->held[rd->nr_held].nr = nr;
	rd->nr_held++;
}

/* Complete the held requests in order (those they start are held too). */
static inline unsigned int ramdisk_run(struct ramdisk *rd)
{
	unsigned int n = rd->nr_held, done = 0;

	while (n) {
		unsigned int i;

		for (i = 0; i < n; i++)
			ramdisk_do(rd, rd->held[i].cmd, rd->held[i].op,
				   rd->held[i].lba, rd->held[i].nr);
		done += n;
		memmove(rd->held, rd->held + n, (rd->nr_held - n) * sizeof(rd->held[0]));
		rd->nr_held -= n;
		n = rd->nr_held;
	}
	return done;
}

static void rd_read(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr)
{
	ramdisk_start(ctx, cmd, RD_READ, lba, nr);
}

static void rd_write(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr)
{
	ramdisk_start(ctx, cmd, RD_WRITE, lba, nr);
}

static void rd_flush(void *ctx, struct scsi_cmd *cmd)
{
	ramdisk_start(ctx, cmd, RD_FLUSH, 0, 0);
}

static void rd_unmap(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr)
{
	ramdisk_start(ctx, cmd, RD_UNMAP, lba, nr);
}

static const struct scsi_backend_ops ramdisk_ops = {
	.read = rd_read, .write = rd_write, .flush = rd_flush, .unmap = rd_unmap,
};

/* A disk of nr_blocks blocks, its bytes i & 0xff at offset i. */
static inline struct ramdisk *ramdisk_new(uint64_t nr_blocks, bool thin)
{
	struct ramdisk *rd = calloc(1, sizeof(*rd));

	if (!rd || !(rd->data = malloc(nr_blocks * SCSI_BLOCK_SIZE)))
		abort();
	for (uint64_t i = 0; i < nr_blocks * SCSI_BLOCK_SIZE; i++)
		rd->data[i] = (uint8_t)i;
	rd->be.ops = &ramdisk_ops;
	rd->be.ctx = rd;
	rd->be.nr_blocks = nr_blocks;
	rd->be.thin = thin;
	return rd;
}

static inline void ramdisk_free(struct ramdisk *rd)
{
	free(rd->data);
	free(rd);
}

#endif /* TESTS_UNIT_VMMSCSI_RAMDISK_H */
