// SPDX-License-Identifier: GPL-2.0-only
/* A VM's disk commands cut into pieces (disk_pieces.h). */
#include "vmkernel/vm/disk_pieces.h"
#include <vmk/abi.h>

void pieces_init(struct pieces *p, const struct pieces_ops *ops, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->ops = ops;
	p->ctx = ctx;
}

void pieces_disk_clear(struct pieces_disk *d)
{
	d->reads = d->writes = d->flushes = 0;
	d->blocks_read = d->blocks_written = d->errors = 0;
	d->pieces_direct = d->pieces_bounced = 0;
}

uint32_t pieces_resolve(const struct pieces_ram *ram, struct scsi_cmd *cmd,
			uint64_t off, uint32_t n, struct storage_sg *sg, uint32_t *nr_sg)
{
	uint64_t end = off + (uint64_t)n * SCSI_BLOCK_SIZE, pos = off, excess;
	uint32_t k = 0;

	while (pos < end) {
		uint64_t gpa;
		uint32_t len, room, pa;

		if (!scsi_cmd_where(cmd, pos, (uint32_t)(end - pos), &gpa, &len) ||
		    gpa >= (uint64_t)ram->nchunks * VMK_CHUNK_SIZE)
			return 0;
		room = VMK_CHUNK_SIZE - (uint32_t)(gpa & (VMK_CHUNK_SIZE - 1));
		len = len < room ? len : room;	/* chunks lie apart in host memory */
		pa = ram->chunk_pa[gpa >> VMK_CHUNK_SHIFT] + (uint32_t)(gpa & (VMK_CHUNK_SIZE - 1));
		if (k && sg[k - 1].addr + sg[k - 1].len == pa)
			sg[k - 1].len += len;
		else if (k == PIECE_SG_MAX)
			break;
		else
			sg[k++] = (struct storage_sg){ .addr = pa, .len = len };
		pos += len;
	}
	/* Cut short: the ranges end on the last whole block they hold. */
	excess = (pos - off) % SCSI_BLOCK_SIZE;
	while (excess) {
		uint32_t drop = sg[k - 1].len < excess ? sg[k - 1].len : (uint32_t)excess;

		sg[k - 1].len -= drop;
		excess -= drop;
		k -= !sg[k - 1].len;
	}
	*nr_sg = k;
	return (uint32_t)((pos - off) / SCSI_BLOCK_SIZE);
}

/* c has a piece not queued yet: blocks, or its flush. */
static bool cmd_has_more(const struct piece_cmd *c)
{
	return c->op == PIECE_FLUSH ? !c->flush_queued : c->left > 0;
}

/* c ends once its last queued piece is back and nothing more will be queued. */
static void cmd_maybe_end(struct piece_cmd *c)
{
	struct scsi_cmd *cmd = c->cmd;

	if (c->out || (cmd_has_more(c) && !c->stopped))
		return;
	c->cmd = NULL;
	/*
	 * Nothing from the lowest piece that failed or was not done on
	 * counts as moved (the guest's residual), though a write's later
	 * pieces were fetched and may be on the medium; every byte below it
	 * moved. A FUA write's failed flush keeps its transfer.
	 */
	if (c->status != SCSI_BACKEND_OK)
		c->d->errors++;
	if (c->stopped && c->op != PIECE_FLUSH)
		return scsi_backend_stop(cmd, c->status, c->stop_off);
	scsi_backend_done(cmd, c->status);
}

/*
 * c stops at its byte off with st (SCSI_BACKEND_OK: a fault in the
 * guest's buffer, which the disk reports). Its pieces may come back in
 * any order: it stops at the lowest byte not moved, with the first
 * failure's status.
 */
static void cmd_stop(struct piece_cmd *c, enum scsi_backend_status st, uint64_t off)
{
	if (!c->stopped || off < c->stop_off)
		c->stop_off = off;
	if (!c->stopped)
		c->status = st;
	c->stopped = true;
}

/*
 * q's data between the guest's buffer and its bounce (a write's before
 * the piece, a read's after), or, direct, counted as moved by the device.
 */
static bool guest_move(struct piece_cmd *c, struct piece_req *q)
{
	uint32_t len = q->n * SCSI_BLOCK_SIZE;

	if (q->direct)
		return scsi_cmd_moved(c->cmd, q->off, len);
	if (q->op == PIECE_WRITE)
		return scsi_cmd_get(c->cmd, q->off, q->bounce, len);
	return scsi_cmd_put(c->cmd, q->off, q->bounce, len);
}

/* The next piece of c in free request q, to the storage world (a write's data first). */
static void io_queue(struct pieces *p, struct piece_req *q, struct piece_cmd *c)
{
	uint32_t direct = 0;

	q->d = c->d;
	q->op = c->op;
	q->lba = c->lba;
	q->off = c->off;
	if (c->op != PIECE_FLUSH && c->d->direct)
		direct = pieces_resolve(&p->ram, c->cmd, q->off,
					c->left < PIECE_DIRECT_BLOCKS ? c->left : PIECE_DIRECT_BLOCKS,
					q->sg, &q->nr_sg);
	q->direct = direct != 0;
	q->n = direct ? direct : c->left < PIECE_BLOCKS ? c->left : PIECE_BLOCKS;
	/* Nothing from past a fault in the guest's buffer reaches the medium. */
	if (c->op == PIECE_WRITE && !guest_move(c, q))
		return cmd_stop(c, SCSI_BACKEND_OK, q->off);
	c->lba += q->n;
	c->left -= q->n;
	c->off += (uint64_t)q->n * SCSI_BLOCK_SIZE;
	c->flush_queued = c->op == PIECE_FLUSH;
	if (!p->ops->submit(p->ctx, q))
		return cmd_stop(c, SCSI_BACKEND_UNRESPONSIVE, q->off);
	q->c = c;
	c->out++;
	if (q->direct)
		c->d->pieces_direct++;
	else if (c->op != PIECE_FLUSH)
		c->d->pieces_bounced++;
}

/* How many of the VM's requests hold a piece of disk d. */
static uint32_t pieces_out(const struct pieces *p, const struct pieces_disk *d)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < PIECES_REQS; i++)
		n += p->req[i].c && p->req[i].c->d == d;
	return n;
}

/*
 * The command with a piece to queue whose disk has the fewest pieces out,
 * the oldest of those; NULL: none. By age alone one long command took
 * every request and the VM's other disks had nothing queued, so their
 * shares counted for nothing meanwhile (a review's point).
 */
static struct piece_cmd *next_cmd(struct pieces *p)
{
	struct piece_cmd *best = NULL;
	uint32_t best_out = 0;

	for (uint32_t i = 0; i < PIECES_CMDS; i++) {
		struct piece_cmd *c = &p->cmds[i];
		uint32_t out;

		if (!c->cmd || c->stopped || !cmd_has_more(c))
			continue;
		out = best && c->d == best->d ? best_out : pieces_out(p, c->d);
		if (!best || out < best_out || (out == best_out && c->seq < best->seq)) {
			best = c;
			best_out = out;
		}
	}
	return best;
}

void pieces_fill(struct pieces *p)
{
	/* A fenced command with nothing out ends here (pieces_fence()). */
	for (uint32_t i = 0; i < PIECES_CMDS; i++)
		if (p->cmds[i].cmd && p->cmds[i].stopped)
			cmd_maybe_end(&p->cmds[i]);
	for (uint32_t i = 0; i < PIECES_REQS; i++) {
		struct piece_req *q = &p->req[i];
		struct piece_cmd *c;

		while (!q->c && q->sr.dq.state == DQ_FREE && (c = next_cmd(p)) != NULL) {
			io_queue(p, q, c);
			cmd_maybe_end(c);	/* a fault or a refusal at the queue */
		}
	}
}

void pieces_done(struct piece_req *q)
{
	struct piece_cmd *c = q->c;

	if (!c)
		return;		/* a reset let go of its command */
	q->c = NULL;
	c->out--;
	if (q->op == PIECE_WRITE && q->status == SCSI_BACKEND_OK)
		q->d->blocks_written += q->n;	/* on the medium, stopped or not */
	if (q->status != SCSI_BACKEND_OK)
		cmd_stop(c, q->status, q->off);
	else if (c->stopped && q->off >= c->stop_off)
		;		/* nothing past a failure or a fault moves; below, all */
	else if (q->op == PIECE_READ && !guest_move(c, q))
		cmd_stop(c, SCSI_BACKEND_OK, q->off);
	else if (q->op == PIECE_READ)
		q->d->blocks_read += q->n;
	cmd_maybe_end(c);
}

void pieces_start(struct pieces *p, struct pieces_disk *d, struct scsi_cmd *cmd,
		  enum piece_op op, uint64_t lba, uint32_t nr)
{
	struct piece_cmd *c = NULL;

	if (op == PIECE_READ)
		d->reads++;
	else if (op == PIECE_WRITE)
		d->writes++;
	else
		d->flushes++;
	/* The disk model checked the range already. */
	if (op != PIECE_FLUSH && (lba > d->nr_blocks || nr > d->nr_blocks - lba)) {
		d->errors++;
		return scsi_backend_done(cmd, SCSI_BACKEND_IO_ERROR);
	}
	for (uint32_t i = 0; i < PIECES_CMDS && !c; i++)
		if (!p->cmds[i].cmd)
			c = &p->cmds[i];
	if (!c) {		/* the model holds no more */
		d->errors++;
		return scsi_backend_done(cmd, SCSI_BACKEND_UNRESPONSIVE);
	}
	*c = (struct piece_cmd){
		.d = d, .cmd = cmd, .op = op, .lba = lba,
		.left = op == PIECE_FLUSH ? 0 : nr, .seq = p->seq++,
	};
	pieces_fill(p);
}

void pieces_cancel(struct pieces *p)
{
	p->ops->cancel(p->ctx);
	for (uint32_t i = 0; i < PIECES_REQS; i++)
		p->req[i].c = NULL;
	for (uint32_t i = 0; i < PIECES_CMDS; i++)
		p->cmds[i].cmd = NULL;
}

void pieces_fence(struct pieces *p, struct scsi_cmd *cmd)
{
	/* Stopped as by a fault in the guest's buffer: no disk error counted. */
	for (uint32_t i = 0; i < PIECES_CMDS; i++)
		if (p->cmds[i].cmd == cmd)
			cmd_stop(&p->cmds[i], SCSI_BACKEND_OK, p->cmds[i].off);
	for (uint32_t i = 0; i < PIECES_REQS; i++) {
		struct piece_req *q = &p->req[i];

		if (q->c && q->c->cmd == cmd && q->direct && p->ops->withdraw(p->ctx, q))
			q->status = SCSI_BACKEND_IO_ERROR;	/* it moved nothing */
	}
}
