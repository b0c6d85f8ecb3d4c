/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A VM's disk commands cut into pieces (docs/storage.md "VM disks"): the
 * part of vm_disk.c between the disk models (vmm/scsi/disk.h) and the
 * storage world (vmkernel/storage/storage_world.h). A READ, WRITE or
 * SYNCHRONIZE CACHE of a disk waits in the VM's command table (at most
 * PIECES_CMDS, the PVSCSI model's) and is cut into pieces of PIECE_BYTES,
 * each taking one of the VM's PIECES_REQS requests, with its bounce
 * buffer, as one is free: the command of the disk with the fewest pieces
 * out first, the oldest of its commands. A write's piece is copied from
 * the guest's buffer into the bounce before it is submitted, a read's
 * after it is back. On a disk whose device takes the guest's pages (a
 * raw LUN: pieces_disk.direct) a piece whose guest buffer is all in
 * the VM's RAM goes direct instead: its buffer resolved to host
 * physical ranges (pieces_resolve(), up to PIECE_DIRECT_BLOCKS, cut on
 * a whole block at PIECE_SG_MAX ranges), which the device reads or
 * writes itself, nothing copied; any other piece bounces (a buffer
 * outside RAM then faults at its copy, as before). A piece that fails, or a fault in the guest's
 * buffer, stops its command: no more pieces are queued, its queued ones
 * are waited for (a read's data copied only below the stop), then the
 * command ends with its first failure in time, its transfer cut at the
 * lowest byte not moved, whatever order its pieces came back in.
 *
 * Pure: no globals, no locks (the caller holds the VM's lock for every
 * call), no allocation (the caller gives each request its bounce buffer);
 * the storage world is reached through struct pieces_ops. Host-tested
 * (tests/unit/storage/test_disk_pieces.c).
 */
#ifndef VMKERNEL_VM_DISK_PIECES_H
#define VMKERNEL_VM_DISK_PIECES_H

#include "vmkernel/storage/adapter.h"
#include "vmkernel/storage/storage_world.h"
#include "vmm/dev/pvscsi.h"
#include "vmm/scsi/disk.h"

#define PIECES_REQS	8			/* a VM's requests at the storage world */
#define PIECES_CMDS	PVSCSI_MAX_INFLIGHT	/* the model's commands at once */
#define PIECE_BYTES	(64u * 1024)		/* a request's bounce buffer */
#define PIECE_BLOCKS	(PIECE_BYTES / SCSI_BLOCK_SIZE)
#define PIECE_SG_MAX	STORAGE_SG_MAX		/* a direct piece's host ranges */
/* A direct piece: a buffer of whole 4 KiB guest pages that are scattered still fits. */
#define PIECE_DIRECT_BYTES	(PIECE_SG_MAX * 4096u)
#define PIECE_DIRECT_BLOCKS	(PIECE_DIRECT_BYTES / SCSI_BLOCK_SIZE)

enum piece_op { PIECE_READ, PIECE_WRITE, PIECE_FLUSH };

/* One disk of the VM. */
struct pieces_disk {
	struct dq_flow flow;		/* its requests' shares at the storage world */
	uint64_t nr_blocks;
	bool direct;			/* its device takes host ranges of the guest's RAM */
	/* counters: since pieces_disk_clear() */
	uint64_t reads, writes, flushes, blocks_read, blocks_written, errors;
	uint64_t pieces_direct, pieces_bounced;	/* reads' and writes' pieces submitted */
};

/* A guest's command: its pieces queued in order, several at once. */
struct piece_cmd {
	struct pieces_disk *d;
	struct scsi_cmd *cmd;			/* the model's; NULL: free */
	enum piece_op op;
	uint64_t lba;				/* the next piece's */
	uint32_t left;				/* blocks not queued yet */
	uint64_t off;				/* the next piece's first byte */
	bool flush_queued;			/* a flush's one piece is queued */
	uint32_t out;				/* its pieces not reaped yet */
	bool stopped;				/* a failure or a fault: no more pieces */
	uint64_t stop_off;			/* its lowest byte not moved, once stopped */
	enum scsi_backend_status status;	/* its first failure */
	uint64_t seq;				/* its arrival: the oldest goes first */
};

/* One request at the storage world: one piece of a command. */
struct piece_req {
	struct storage_req sr;			/* sr.run: the caller's */
	struct piece_cmd *c;			/* its command; NULL: free */
	struct pieces_disk *d;
	enum piece_op op;
	uint64_t lba;				/* this piece's */
	uint32_t n;				/* its blocks */
	uint64_t off;				/* its first byte in the command */
	enum scsi_backend_status status;	/* the storage world's */
	uint8_t *bounce;			/* PIECE_BYTES, the caller's */
	uint32_t bounce_pa;
	bool direct;				/* sg, not the bounce, holds its data */
	uint32_t nr_sg;
	struct storage_sg sg[PIECE_SG_MAX];	/* host ranges of the guest's buffer */
};

/* The VM's RAM: guest-physical [0, nchunks * VMK_CHUNK_SIZE) in chunks at chunk_pa[]. */
struct pieces_ram {
	const uint32_t *chunk_pa;
	uint32_t nchunks;
};

struct pieces_ops {
	/* Queue q (q->d's flow, q->n blocks) at the storage world; false: refused. */
	bool (*submit)(void *ctx, struct piece_req *q);
	/*
	 * Let go of every request: queued and done ones dropped, a running
	 * one waited for and its result thrown away.
	 */
	void (*cancel)(void *ctx);
	/*
	 * Take q back from the storage world (pieces_fence()): true if it
	 * never ran (it is on the done list unrun; the caller sets its
	 * result); false if it ran (a running one waited for here).
	 */
	bool (*withdraw)(void *ctx, struct piece_req *q);
};

/* The VM's commands and requests. */
struct pieces {
	const struct pieces_ops *ops;
	void *ctx;
	struct pieces_ram ram;			/* the caller's, for direct pieces */
	struct piece_req req[PIECES_REQS];
	struct piece_cmd cmds[PIECES_CMDS];
	uint64_t seq;				/* commands so far */
};

/* Everything free; the caller then gives each req[] its bounce and sr.run. */
void pieces_init(struct pieces *p, const struct pieces_ops *ops, void *ctx);
/* d's counters start again (a power on, a reset). */
void pieces_disk_clear(struct pieces_disk *d);

/*
 * The model's read, write (nr blocks at lba) or flush of disk d: queued
 * as requests are free, ended later with scsi_backend_done(); at once
 * when the range is past the disk (IO_ERROR) or the table is full
 * (UNRESPONSIVE).
 */
void pieces_start(struct pieces *p, struct pieces_disk *d, struct scsi_cmd *cmd,
		  enum piece_op op, uint64_t lba, uint32_t nr);
/* q is back from the storage world: a read's data to the guest; its command may end. */
void pieces_done(struct piece_req *q);
/* Every free request takes the next piece (after pieces_done()s). */
void pieces_fill(struct pieces *p);
/* A reset, the release: every request let go (ops->cancel), every command forgotten. */
void pieces_cancel(struct pieces *p);
/*
 * The guest was told cmd ended before it did (its abort, a reset), and
 * may reuse its buffer at once: once this returns no direct piece of cmd
 * moves data. Its queued direct pieces are withdrawn (they come back
 * failed), a running one is waited for, no more are queued; cmd ends,
 * stopped, once the last is reaped (pieces_done(), pieces_fill()).
 */
void pieces_fence(struct pieces *p, struct scsi_cmd *cmd);

/*
 * Bytes [off, off + n blocks) of cmd's transfer as host ranges of ram
 * into sg (*nr_sg of them, adjacent ones merged): the blocks they cover,
 * fewer than n when a block would need range PIECE_SG_MAX + 1; 0 when
 * a byte of them is not in ram (outside it, past its end) or the HBA
 * cannot say where it lies (scsi_cmd_where()). Every address is checked
 * here, against ram, from the model's copy of the guest's SG list.
 */
uint32_t pieces_resolve(const struct pieces_ram *ram, struct scsi_cmd *cmd,
			uint64_t off, uint32_t n, struct storage_sg *sg, uint32_t *nr_sg);

#endif /* VMKERNEL_VM_DISK_PIECES_H */
