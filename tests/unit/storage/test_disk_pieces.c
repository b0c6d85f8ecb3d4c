// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM's disk commands cut into pieces (vmkernel/vm/disk_pieces.h),
 * driven through the SCSI disk model (vmm/scsi/disk.c) as a guest's
 * commands, with the real request queue (vmkernel/storage/
 * disk_queue.c) and a simulated storage world that runs one piece at a
 * time on a RAM medium: a 4 MiB command's 64 pieces, a failing piece
 * with later ones queued, the first failure's status kept, a stopped
 * command's transfer cut at its lowest failed byte (after a refusal,
 * with pieces back out of order) and the sense naming that block,
 * faults in the guest's buffer, FUA (its flush failing too), a reset
 * with pieces queued, running and done, the counters' clear, a flush
 * among reads, two disks of one VM, the oldest command first, a range
 * past the disk behind, the table full, a refused piece. Direct pieces:
 * the resolution of a guest's SG list to host ranges of the VM's RAM
 * (a page-crossing range, chunk boundaries, outside RAM, the SG limit)
 * and the choice between direct and bounce.
 */
#include <stdlib.h>
#include "tests/unit/check_run.h"
#include "tests/unit/storage/guest_cmd.h"
#include "vmkernel/vm/disk_pieces.h"
#include <vmk/abi.h>

#define DISK_BLOCKS	16384u			/* 8 MiB each */
#define BIG_BLOCKS	SCSI_MAX_XFER_BLOCKS	/* a 4 MiB command: 64 pieces */
#define BIG_BYTES	(BIG_BLOCKS * SCSI_BLOCK_SIZE)
#define POISON		0xa5			/* the guest's buffer before a read */
#define NO_LBA		UINT64_MAX
#define NO_FAULT	UINT64_MAX

struct sim_disk {
	struct pieces_disk pd;
	struct scsi_disk disk;
	uint8_t *medium;
};

/* What the simulated storage world was given and ran, in order. */
struct event {
	struct pieces_disk *d;
	enum piece_op op;
	uint64_t lba;
	uint32_t n;
	uint32_t ran_before;	/* pieces run when this one was submitted */
};

/* A guest's buffer: [fault_lo, fault_hi) cannot be reached. */
struct guest_buf {
	uint8_t *mem;
	uint64_t fault_lo, fault_hi;
};

struct guest_cmd {
	struct scsi_cmd cmd;		/* first: done() gets it back */
	struct guest_buf gb;
	unsigned int done;
};

static struct disk_queue sw;		/* the storage world's queue */
static struct dq_owner owner;		/* the VM's */
static struct pieces p;
static struct sim_disk disks[2];
static uint8_t bounce[PIECES_REQS][PIECE_BYTES];
static struct dq_req *running;
static struct event submitted[256], ran[256];
static unsigned int nr_submitted, nr_ran;
#define NR_FAILS	2
static struct {
	uint64_t lba;				/* the piece that starts here fails */
	enum scsi_backend_status st;		/* so */
} fails[NR_FAILS];
static bool fail_flush;			/* every flush fails (IO_ERROR) */

/*
 * The VM's RAM for direct pieces: three chunks of "host memory" (a host
 * physical address is an offset into host[]), the first apart from the
 * others, the second and third adjacent there.
 */
#define RAM_CHUNKS	3
#define RAM_BYTES	((uint64_t)RAM_CHUNKS * VMK_CHUNK_SIZE)
#define HOST_BYTES	(4u * VMK_CHUNK_SIZE)
static const uint32_t ram_chunk_pa[RAM_CHUNKS] = {
	3 * VMK_CHUNK_SIZE, 1 * VMK_CHUNK_SIZE, 2 * VMK_CHUNK_SIZE,
};
static const struct pieces_ram ram = { ram_chunk_pa, RAM_CHUNKS };
static uint8_t *host;
static unsigned int refuse_at;		/* the submit of this number is refused */

static bool sim_submit(void *ctx, struct piece_req *q)
{
	(void)ctx;
	if (nr_submitted == refuse_at)
		return false;
	ck_assert_uint_lt(nr_submitted, 256);
	submitted[nr_submitted++] = (struct event){ q->d, q->op, q->lba, q->n, nr_ran };
	return dq_submit(&sw, &q->sr.dq, &q->d->flow, q->n);
}

/* A direct piece: the HBA moves its blocks to or from its host ranges. */
static void sim_dma(struct piece_req *q, uint8_t *at)
{
	uint64_t total = 0;

	ck_assert_uint_ge(q->nr_sg, 1);
	ck_assert_uint_le(q->nr_sg, PIECE_SG_MAX);
	for (uint32_t i = 0; i < q->nr_sg; i++) {
		const struct storage_sg *g = &q->sg[i];

		ck_assert_uint_le(g->addr + g->len, HOST_BYTES);
		if (q->op == PIECE_READ)
			memcpy(host + g->addr, at + total, g->len);
		else
			memcpy(at + total, host + g->addr, g->len);
		total += g->len;
	}
	ck_assert_uint_eq(total, (uint64_t)q->n * SCSI_BLOCK_SIZE);
}

/* The storage world runs q: the medium, by the bounce buffer or a direct piece's ranges. */
static void sim_run(struct piece_req *q)
{
	struct sim_disk *d = vmm_container_of(q->d, struct sim_disk, pd);
	uint8_t *at = d->medium + q->lba * SCSI_BLOCK_SIZE;

	ck_assert_uint_lt(nr_ran, 256);
	ran[nr_ran++] = (struct event){ q->d, q->op, q->lba, q->n, 0 };
	q->status = SCSI_BACKEND_OK;
	for (unsigned int i = 0; i < NR_FAILS; i++)
		if (q->op != PIECE_FLUSH && q->lba == fails[i].lba)
			q->status = fails[i].st;
	if (q->op == PIECE_FLUSH && fail_flush)
		q->status = SCSI_BACKEND_IO_ERROR;
	if (q->status != SCSI_BACKEND_OK)
		;
	else if (q->direct)
		sim_dma(q, at);
	else if (q->op == PIECE_READ)
		memcpy(q->bounce, at, q->n * SCSI_BLOCK_SIZE);
	else if (q->op == PIECE_WRITE)
		memcpy(at, q->bounce, q->n * SCSI_BLOCK_SIZE);
}

static struct piece_req *req_of(struct dq_req *r)
{
	return vmm_container_of(vmm_container_of(r, struct storage_req, dq), struct piece_req, sr);
}

/* As storage_io_cancel(): a running piece is waited for, its result thrown away. */
static void sim_cancel(void *ctx)
{
	(void)ctx;
	while (dq_cancel(&sw, &owner)) {
		ck_assert_ptr_nonnull(running);
		sim_run(req_of(running));
		ck_assert(!dq_finish(&sw, running));
		running = NULL;
	}
	dq_owner_init(&owner);
}

static void sim_finish(void);

/* As storage_io_withdraw(): a queued piece back unrun; a running one run to its end. */
static bool sim_withdraw(void *ctx, struct piece_req *q)
{
	(void)ctx;
	switch (dq_withdraw(&sw, &q->sr.dq)) {
	case DQ_QUEUED:
		return true;
	case DQ_RUNNING:
		ck_assert_ptr_eq(running, &q->sr.dq);
		sim_finish();
		return false;
	default:
		return false;
	}
}

static const struct pieces_ops sim_ops = {
	.submit = sim_submit, .cancel = sim_cancel, .withdraw = sim_withdraw,
};

static void be_read(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr)
{
	struct sim_disk *d = ctx;

	pieces_start(&p, &d->pd, cmd, PIECE_READ, lba, nr);
}

static void be_write(void *ctx, struct scsi_cmd *cmd, uint64_t lba, uint32_t nr)
{
	struct sim_disk *d = ctx;

	pieces_start(&p, &d->pd, cmd, PIECE_WRITE, lba, nr);
}

static void be_flush(void *ctx, struct scsi_cmd *cmd)
{
	struct sim_disk *d = ctx;

	pieces_start(&p, &d->pd, cmd, PIECE_FLUSH, 0, 0);
}

static const struct scsi_backend_ops be_ops = {
	.read = be_read, .write = be_write, .flush = be_flush,
};

static void setup(void)
{
	dq_init(&sw);
	dq_owner_init(&owner);
	pieces_init(&p, &sim_ops, NULL);
	for (unsigned int i = 0; i < PIECES_REQS; i++)
		p.req[i].bounce = bounce[i];
	for (unsigned int i = 0; i < 2; i++) {
		struct sim_disk *d = &disks[i];
		struct scsi_backend be = { .ops = &be_ops, .ctx = d, .nr_blocks = DISK_BLOCKS };

		memset(&d->pd, 0, sizeof(d->pd));
		dq_flow_init(&d->pd.flow, 1000, &owner);
		d->pd.nr_blocks = DISK_BLOCKS;
		d->medium = malloc(DISK_BLOCKS * SCSI_BLOCK_SIZE);
		ck_assert_ptr_nonnull(d->medium);
		for (uint32_t b = 0; b < DISK_BLOCKS * SCSI_BLOCK_SIZE; b++)
			d->medium[b] = (uint8_t)(b * 7 + (b >> 9) + i);
		scsi_disk_init(&d->disk, &be, i ? "pieces1" : "pieces0", i);
	}
	p.ram = ram;
	host = malloc(HOST_BYTES);
	ck_assert_ptr_nonnull(host);
	memset(host, POISON, HOST_BYTES);
	running = NULL;
	nr_submitted = nr_ran = 0;
	fail_flush = false;
	for (unsigned int i = 0; i < NR_FAILS; i++)
		fails[i].lba = NO_LBA;
	refuse_at = UINT32_MAX;
}

/* The i-th failure: the piece at lba ends with st. */
static void fail_at(unsigned int i, uint64_t lba, enum scsi_backend_status st)
{
	fails[i].lba = lba;
	fails[i].st = st;
}

static void teardown(void)
{
	free(disks[0].medium);
	free(disks[1].medium);
	free(host);
}

/* The worker takes the next piece (now running); NULL: none queued. */
static struct dq_req *sim_take(void)
{
	running = dq_take(&sw);
	return running;
}

/* The worker ends the running piece. */
static void sim_finish(void)
{
	sim_run(req_of(running));
	ck_assert(dq_finish(&sw, running));
	running = NULL;
}

/* As vm_disks_poll(): the pieces back, then the free requests filled. */
static void vcpu_poll(void)
{
	struct dq_req *r;

	while ((r = dq_reap(&sw, &owner)) != NULL)
		pieces_done(req_of(r));
	/* pieces_fill's DQ_FREE guard: a request without a command is free */
	for (unsigned int i = 0; i < PIECES_REQS; i++)
		if (!p.req[i].c)
			ck_assert_uint_eq(p.req[i].sr.dq.state, DQ_FREE);
	pieces_fill(&p);
}

/* One piece through the storage world and back; false: nothing queued. */
static bool step(void)
{
	if (!sim_take())
		return false;
	sim_finish();
	vcpu_poll();
	return true;
}

static void run_all(void)
{
	while (step())
		;
}

static bool gb_put(void *ctx, uint64_t off, const void *src, uint32_t len)
{
	struct guest_buf *gb = ctx;

	if (off < gb->fault_hi && off + len > gb->fault_lo)
		return false;
	memcpy(gb->mem + off, src, len);
	return true;
}

static bool gb_get(void *ctx, uint64_t off, void *dst, uint32_t len)
{
	struct guest_buf *gb = ctx;

	if (off < gb->fault_hi && off + len > gb->fault_lo)
		return false;
	memcpy(dst, gb->mem + off, len);
	return true;
}

static void cmd_done(struct scsi_cmd *cmd)
{
	((struct guest_cmd *)cmd)->done++;
}

/*
 * A guest's READ(10)/WRITE(10) of nr blocks at lba, not sent yet: a
 * read's buffer poisoned, a write's patterned; 512 bytes of it at
 * fault_lo cannot be reached (NO_FAULT: none).
 */
static void guest_prep(struct guest_cmd *g, bool write, uint32_t lba, uint16_t nr,
		       uint64_t fault_lo)
{
	struct scsi_buf buf;
	uint32_t len = nr * SCSI_BLOCK_SIZE;

	g->gb.mem = malloc(len);
	ck_assert_ptr_nonnull(g->gb.mem);
	for (uint32_t b = 0; b < len; b++)
		g->gb.mem[b] = write ? (uint8_t)(b * 13 + 1) : POISON;
	g->gb.fault_lo = fault_lo;
	g->gb.fault_hi = fault_lo == NO_FAULT ? NO_FAULT : fault_lo + 512;
	buf = (struct scsi_buf){ .len = len, .put = gb_put, .get = gb_get, .ctx = &g->gb };
	guest_rw10(&g->cmd, write, lba, nr, buf, cmd_done);
	g->done = 0;
}

static void guest_send(struct guest_cmd *g, unsigned int i)
{
	scsi_disk_submit(&disks[i].disk, &g->cmd);
}

/* The same, sent to disk i at once, its buffer reachable. */
static void guest_rw(struct guest_cmd *g, unsigned int i, bool write, uint32_t lba, uint16_t nr)
{
	guest_prep(g, write, lba, nr, NO_FAULT);
	guest_send(g, i);
}

static void guest_sync(struct guest_cmd *g, unsigned int i)
{
	guest_sync10(&g->cmd, cmd_done);
	g->gb.mem = NULL;
	g->done = 0;
	guest_send(g, i);
}

static bool all_poison(const uint8_t *b, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (b[i] != POISON)
			return false;
	return true;
}

static void ck_good(const struct guest_cmd *g)
{
	ck_assert_uint_eq(g->done, 1);
	ck_assert_uint_eq(g->cmd.result, SCSI_RESULT_OK);
	ck_assert_uint_eq(g->cmd.status, SCSI_STATUS_GOOD);
}

static void ck_sense(const struct guest_cmd *g, uint8_t key)
{
	ck_assert_uint_eq(g->done, 1);
	ck_assert_uint_eq(g->cmd.result, SCSI_RESULT_OK);
	ck_assert_uint_eq(g->cmd.status, SCSI_STATUS_CHECK_CONDITION);
	ck_assert_uint_eq(g->cmd.sense[2] & 0xf, key);
}

/* A 4 MiB read or write at lba: 64 pieces, 8 at once; its data and counters. */
static void ck_4mib(bool write, uint32_t lba)
{
	struct pieces_disk *d = &disks[0].pd;
	struct guest_cmd g;

	guest_rw(&g, 0, write, lba, BIG_BLOCKS);
	ck_assert_uint_eq(nr_submitted, PIECES_REQS);
	ck_assert_uint_eq(g.done, 0);
	run_all();
	ck_good(&g);
	ck_assert_uint_eq(nr_submitted, BIG_BLOCKS / PIECE_BLOCKS);
	ck_assert(memcmp(g.gb.mem, disks[0].medium + lba * SCSI_BLOCK_SIZE, BIG_BYTES) == 0);
	ck_assert_uint_eq((write ? d->writes : d->reads), 1);
	ck_assert_uint_eq((write ? d->blocks_written : d->blocks_read), BIG_BLOCKS);
	ck_assert_uint_eq(d->reads + d->writes, 1);
	ck_assert_uint_eq(d->blocks_read + d->blocks_written, BIG_BLOCKS);
	ck_assert_uint_eq(d->errors, 0);
	free(g.gb.mem);
}

START_TEST(test_a_4mib_read_is_64_pieces_8_at_once_and_counts_its_blocks)
{
	ck_4mib(false, 0);
}
END_TEST

START_TEST(test_a_4mib_write_reaches_the_medium_and_counts_its_blocks)
{
	ck_4mib(true, 100);
}
END_TEST

/* Its second piece fails with seven queued: none queued after, none of their data moved. */
START_TEST(test_a_failed_piece_ends_its_command_once_its_queued_pieces_are_back)
{
	struct guest_cmd g;

	fail_at(0, PIECE_BLOCKS, SCSI_BACKEND_IO_ERROR);
	guest_rw(&g, 0, false, 0, BIG_BLOCKS);
	ck_assert(step());			/* the first: moved, the ninth queued */
	ck_assert_uint_eq(nr_submitted, PIECES_REQS + 1);
	ck_assert(step());			/* the second fails */
	ck_assert_uint_eq(g.done, 0);		/* seven still out */
	run_all();
	ck_sense(&g, SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(nr_submitted, PIECES_REQS + 1);
	ck_assert_uint_eq(nr_ran, PIECES_REQS + 1);
	ck_assert(memcmp(g.gb.mem, disks[0].medium, PIECE_BYTES) == 0);
	ck_assert(all_poison(g.gb.mem + PIECE_BYTES, BIG_BYTES - PIECE_BYTES));
	ck_assert_uint_eq(disks[0].pd.blocks_read, PIECE_BLOCKS);
	ck_assert_uint_eq(disks[0].pd.errors, 1);
	free(g.gb.mem);
}
END_TEST

/* Two failing pieces: the guest gets the first one's status, whichever it is. */
static void ck_first_failure(enum scsi_backend_status first, enum scsi_backend_status second,
			     uint8_t key)
{
	struct guest_cmd g;

	fail_at(0, 2 * PIECE_BLOCKS, first);
	fail_at(1, 4 * PIECE_BLOCKS, second);
	guest_rw(&g, 0, false, 0, BIG_BLOCKS);
	run_all();
	ck_sense(&g, key);
	ck_assert_uint_eq(nr_ran, PIECES_REQS + 2);	/* both ran: queued before the first came back */
	ck_assert(all_poison(g.gb.mem + 2 * PIECE_BYTES, BIG_BYTES - 2 * PIECE_BYTES));
	ck_assert_uint_eq(disks[0].pd.errors, 1);
	free(g.gb.mem);
}

START_TEST(test_a_command_keeps_its_first_failure_a_medium_error)
{
	ck_first_failure(SCSI_BACKEND_IO_ERROR, SCSI_BACKEND_UNRESPONSIVE, SCSI_SENSE_MEDIUM_ERROR);
}
END_TEST

START_TEST(test_a_command_keeps_its_first_failure_not_ready)
{
	ck_first_failure(SCSI_BACKEND_UNRESPONSIVE, SCSI_BACKEND_IO_ERROR, SCSI_SENSE_NOT_READY);
}
END_TEST

/* A fault in the guest's buffer, then a failed piece: the guest's fault is reported, not the disk's. */
START_TEST(test_a_fault_before_a_failed_piece_is_the_guests_and_not_counted)
{
	struct guest_cmd g;

	fail_at(0, 4 * PIECE_BLOCKS, SCSI_BACKEND_IO_ERROR);
	guest_prep(&g, false, 0, BIG_BLOCKS, 2 * PIECE_BYTES + 4096);
	guest_send(&g, 0);
	run_all();
	ck_assert_uint_eq(nr_ran, PIECES_REQS + 2);	/* the failing one ran after the fault */
	ck_assert_uint_eq(g.done, 1);
	ck_assert_uint_eq(g.cmd.result, SCSI_RESULT_BAD_BUFFER);
	ck_assert_uint_eq(disks[0].pd.errors, 0);
	free(g.gb.mem);
}
END_TEST

/*
 * A failed piece cuts the transfer the guest is told of (its residual)
 * where the piece starts: a write's pieces fetched after it, or one
 * fetched and then refused, do not count as moved; a read's pieces
 * before it are in the guest's buffer, none after it.
 */
static void ck_cut(bool write, bool refuse)
{
	struct guest_cmd g;

	if (refuse)
		refuse_at = 2;
	else
		fail_at(0, 2 * PIECE_BLOCKS, SCSI_BACKEND_IO_ERROR);
	guest_rw(&g, 0, write, 0, BIG_BLOCKS);
	run_all();
	ck_sense(&g, refuse ? SCSI_SENSE_NOT_READY : SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(g.cmd.xfer_len, 2 * PIECE_BYTES);
	ck_assert_uint_eq(guest_sense_info(&g.cmd), 2 * PIECE_BLOCKS);
	/* a write's pieces that ran well are on the medium, also past the stop */
	if (write)
		ck_assert_uint_eq(disks[0].pd.blocks_written, (nr_ran - !refuse) * PIECE_BLOCKS);
	if (!write) {
		ck_assert(memcmp(g.gb.mem, disks[0].medium, 2 * PIECE_BYTES) == 0);
		ck_assert(all_poison(g.gb.mem + 2 * PIECE_BYTES, BIG_BYTES - 2 * PIECE_BYTES));
		ck_assert_uint_eq(disks[0].pd.blocks_read, 2 * PIECE_BLOCKS);
	}
	free(g.gb.mem);
}

START_TEST(test_a_failed_write_reports_the_bytes_before_its_failed_piece)
{
	ck_cut(true, false);
}
END_TEST

START_TEST(test_a_failed_read_reports_the_bytes_before_its_failed_piece)
{
	ck_cut(false, false);
}
END_TEST

START_TEST(test_a_refused_write_reports_the_bytes_before_the_refused_piece)
{
	ck_cut(true, true);
}
END_TEST

START_TEST(test_a_refused_read_reports_the_bytes_before_the_refused_piece)
{
	ck_cut(false, true);
}
END_TEST

/*
 * The lowest failure cuts, not the first in time: the third piece of a
 * write is refused at the queue, then the first, still out, fails on
 * the medium. Nothing of the write counts as moved.
 */
START_TEST(test_a_lower_piece_failing_after_a_refusal_cuts_at_the_lower)
{
	struct guest_cmd g;

	refuse_at = 2;
	fail_at(0, 0, SCSI_BACKEND_IO_ERROR);
	guest_rw(&g, 0, true, 0, BIG_BLOCKS);
	run_all();
	ck_sense(&g, SCSI_SENSE_NOT_READY);	/* the first failure in time */
	ck_assert_uint_eq(g.cmd.xfer_len, 0);
	ck_assert_uint_eq(guest_sense_info(&g.cmd), 0);	/* the lowest block */
	ck_assert_uint_eq(disks[0].pd.blocks_written, PIECE_BLOCKS);	/* the second */
	free(g.gb.mem);
}
END_TEST

/*
 * Every piece queued is back, then they are reaped last first: the
 * second fails after the ones past it were copied. The first, back
 * after the failure, is still copied, so the bytes reported are all in
 * the guest's buffer.
 */
START_TEST(test_pieces_back_out_of_order_report_only_bytes_copied)
{
	struct piece_req *back[PIECES_REQS];
	struct dq_req *r;
	unsigned int n = 0;
	struct guest_cmd g;

	fail_at(0, PIECE_BLOCKS, SCSI_BACKEND_IO_ERROR);
	guest_rw(&g, 0, false, 0, BIG_BLOCKS);
	while (sim_take())
		sim_finish();
	while ((r = dq_reap(&sw, &owner)) != NULL)
		back[n++] = req_of(r);
	ck_assert_uint_eq(n, PIECES_REQS);
	while (n)
		pieces_done(back[--n]);
	ck_sense(&g, SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(g.cmd.xfer_len, PIECE_BYTES);
	ck_assert_uint_eq(guest_sense_info(&g.cmd), PIECE_BLOCKS);
	ck_assert(memcmp(g.gb.mem, disks[0].medium, PIECE_BYTES) == 0);
	free(g.gb.mem);
}
END_TEST

/* A READ(16) of nr blocks at lba, its buffer poisoned; its pieces fail. */
static void guest_read16_failing(struct guest_cmd *g, uint64_t lba, uint32_t nr)
{
	guest_prep(g, false, 0, (uint16_t)nr, NO_FAULT);
	g->cmd.cdb[0] = 0x88;
	for (unsigned int i = 0; i < 8; i++)
		g->cmd.cdb[2 + i] = (uint8_t)(lba >> (56 - 8 * i));
	for (unsigned int i = 0; i < 4; i++)
		g->cmd.cdb[10 + i] = (uint8_t)(nr >> (24 - 8 * i));
	g->cmd.cdb[14] = g->cmd.cdb[15] = 0;
	g->cmd.cdb_len = 16;
	fail_at(0, lba, SCSI_BACKEND_IO_ERROR);
	fail_at(1, lba + PIECE_BLOCKS, SCSI_BACKEND_IO_ERROR);
	guest_send(g, 0);
	run_all();
	ck_sense(g, SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(g->cmd.xfer_len, 0);
	free(g->gb.mem);
}

/*
 * INFORMATION is 4 bytes in fixed-format sense: the last block below
 * 2^32 is named; one past it is not (VALID clear, so Linux fails the
 * whole request: safe). The disk is 3 TiB; no piece reaches the medium.
 */
START_TEST(test_a_failed_block_past_32_bits_is_not_named)
{
	struct guest_cmd lo, hi;
	struct scsi_backend be = { .ops = &be_ops, .ctx = &disks[0], .nr_blocks = 6ull << 30 };

	scsi_disk_init(&disks[0].disk, &be, "big", 0);
	disks[0].disk.ua_asc = 0;
	disks[0].pd.nr_blocks = be.nr_blocks;
	guest_read16_failing(&lo, 0x100000000ull - PIECE_BLOCKS, 2 * PIECE_BLOCKS);
	ck_assert_uint_eq(guest_sense_info(&lo.cmd), 0x100000000ull - PIECE_BLOCKS);
	guest_read16_failing(&hi, 0x100000000ull, PIECE_BLOCKS);
	ck_assert_uint_eq(guest_sense_info(&hi.cmd), UINT64_MAX);
	ck_assert_uint_eq(hi.cmd.sense[3] | hi.cmd.sense[4] | hi.cmd.sense[5] | hi.cmd.sense[6], 0);
}
END_TEST

/*
 * A backend that stops above what it moved (a read none of whose data
 * reached the guest, stopped at its third piece): the disk never raises
 * the length, and the sense names the block the length ends at, so the
 * two agree whatever the backend says.
 */
START_TEST(test_a_stop_above_the_bytes_moved_names_where_they_end)
{
	struct guest_cmd g;

	guest_rw(&g, 0, false, 64, BIG_BLOCKS);
	ck_assert_uint_eq(g.cmd.xfer_len, 0);
	scsi_backend_stop(&g.cmd, SCSI_BACKEND_IO_ERROR, 2 * PIECE_BYTES);
	ck_sense(&g, SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(g.cmd.xfer_len, 0);
	ck_assert_uint_eq(guest_sense_info(&g.cmd), 64);
	pieces_cancel(&p);			/* its pieces: the model let go of it */
	free(g.gb.mem);
}
END_TEST

/* A FUA write whose flush fails: a MEDIUM ERROR, its data still reported moved. */
START_TEST(test_a_fua_writes_failed_flush_keeps_its_transfer)
{
	struct guest_cmd g;

	fail_flush = true;
	guest_prep(&g, true, 0, 2 * PIECE_BLOCKS, NO_FAULT);
	g.cmd.cdb[1] |= 0x08;			/* FUA */
	guest_send(&g, 0);
	run_all();
	ck_sense(&g, SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(g.cmd.xfer_len, 2 * PIECE_BYTES);
	ck_assert_uint_eq(guest_sense_info(&g.cmd), UINT64_MAX);	/* no block failed */
	ck_assert_uint_eq(disks[0].pd.blocks_written, 2 * PIECE_BLOCKS);
	ck_assert_uint_eq(disks[0].pd.errors, 1);
	free(g.gb.mem);
}
END_TEST

/*
 * A FUA write whose second piece fails: no block named (the first
 * piece was written, never flushed: the initiator must not take it as
 * durable), no flush sent, the transfer cut at the failed piece.
 */
START_TEST(test_a_fua_write_stopped_part_way_names_no_block)
{
	struct guest_cmd g;

	fail_at(0, PIECE_BLOCKS, SCSI_BACKEND_IO_ERROR);
	guest_prep(&g, true, 0, 2 * PIECE_BLOCKS, NO_FAULT);
	g.cmd.cdb[1] |= 0x08;			/* FUA */
	guest_send(&g, 0);
	run_all();
	ck_sense(&g, SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(guest_sense_info(&g.cmd), UINT64_MAX);
	ck_assert_uint_eq(g.cmd.xfer_len, PIECE_BYTES);
	ck_assert_uint_eq(disks[0].pd.flushes, 0);
	free(g.gb.mem);
}
END_TEST

/* A stop after the command ended (a backend that ends it twice) changes nothing. */
START_TEST(test_a_stop_after_the_end_changes_nothing)
{
	struct guest_cmd g;
	uint8_t sense[SCSI_SENSE_LEN];

	fail_at(0, PIECE_BLOCKS, SCSI_BACKEND_IO_ERROR);
	guest_rw(&g, 0, false, 0, 2 * PIECE_BLOCKS);
	run_all();
	ck_assert_uint_eq(g.done, 1);
	memcpy(sense, g.cmd.sense, sizeof(sense));
	scsi_backend_stop(&g.cmd, SCSI_BACKEND_UNRESPONSIVE, 0);
	ck_assert_uint_eq(g.done, 1);
	ck_assert_uint_eq(g.cmd.xfer_len, PIECE_BYTES);
	ck_assert(memcmp(sense, g.cmd.sense, sizeof(sense)) == 0);
	free(g.gb.mem);
}
END_TEST

/* A fault in the guest's buffer on a write's third piece: nothing from there on reaches the medium. */
START_TEST(test_a_fault_in_a_writes_third_piece_writes_the_first_two_only)
{
	struct guest_cmd g;
	uint8_t *before = malloc(BIG_BYTES);

	ck_assert_ptr_nonnull(before);
	memcpy(before, disks[0].medium, BIG_BYTES);
	guest_prep(&g, true, 0, BIG_BLOCKS, 2 * PIECE_BYTES + 4096);
	guest_send(&g, 0);
	ck_assert_uint_eq(nr_submitted, 2);	/* the third not queued */
	ck_assert_uint_eq(g.done, 0);		/* two still out */
	run_all();
	ck_assert_uint_eq(g.done, 1);
	ck_assert_uint_eq(g.cmd.result, SCSI_RESULT_BAD_BUFFER);
	ck_assert_uint_eq(nr_submitted, 2);
	ck_assert(memcmp(disks[0].medium, g.gb.mem, 2 * PIECE_BYTES) == 0);
	ck_assert(memcmp(disks[0].medium + 2 * PIECE_BYTES, before + 2 * PIECE_BYTES,
			 BIG_BYTES - 2 * PIECE_BYTES) == 0);
	/* stopped before they were back, but on the medium: counted */
	ck_assert_uint_eq(disks[0].pd.blocks_written, 2 * PIECE_BLOCKS);
	ck_assert_uint_eq(disks[0].pd.errors, 0);	/* the guest's fault, not the disk's */
	free(before);
	free(g.gb.mem);
}
END_TEST

/* A fault in the guest's buffer on a read's third piece: later pieces' data stays out. */
START_TEST(test_a_fault_in_a_reads_third_piece_moves_the_first_two_only)
{
	struct guest_cmd g;

	guest_prep(&g, false, 0, BIG_BLOCKS, 2 * PIECE_BYTES + 4096);
	guest_send(&g, 0);
	run_all();
	ck_assert_uint_eq(g.done, 1);
	ck_assert_uint_eq(g.cmd.result, SCSI_RESULT_BAD_BUFFER);
	/* the first two back queued the ninth and tenth; none after the fault */
	ck_assert_uint_eq(nr_submitted, PIECES_REQS + 2);
	ck_assert(memcmp(g.gb.mem, disks[0].medium, 2 * PIECE_BYTES) == 0);
	ck_assert(all_poison(g.gb.mem + 2 * PIECE_BYTES, BIG_BYTES - 2 * PIECE_BYTES));
	ck_assert_uint_eq(disks[0].pd.blocks_read, 2 * PIECE_BLOCKS);
	ck_assert_uint_eq(disks[0].pd.errors, 0);
	free(g.gb.mem);
}
END_TEST

/* WRITE with FUA: the flush goes to the storage world once both pieces are back. */
START_TEST(test_a_fua_write_is_flushed_after_its_last_piece)
{
	struct guest_cmd g;

	guest_prep(&g, true, 0, 2 * PIECE_BLOCKS, NO_FAULT);
	g.cmd.cdb[1] |= 0x08;			/* FUA (SBC-3 §5.32) */
	guest_send(&g, 0);
	ck_assert_uint_eq(nr_submitted, 2);
	run_all();
	ck_good(&g);
	ck_assert_uint_eq(nr_submitted, 3);
	ck_assert_uint_eq(submitted[2].op, PIECE_FLUSH);
	ck_assert_uint_eq(submitted[2].ran_before, 2);
	ck_assert_uint_eq(ran[2].op, PIECE_FLUSH);
	ck_assert_uint_eq(disks[0].pd.writes, 1);
	ck_assert_uint_eq(disks[0].pd.flushes, 1);
	ck_assert_uint_eq(disks[0].pd.blocks_written, 2 * PIECE_BLOCKS);
	ck_assert(memcmp(disks[0].medium, g.gb.mem, 2 * PIECE_BYTES) == 0);
	free(g.gb.mem);
}
END_TEST

/*
 * A reset with one piece done but not reaped, one running and six
 * queued: nothing moves, the requests serve again.
 */
START_TEST(test_a_reset_with_pieces_queued_running_and_done_lets_go_of_all)
{
	struct guest_cmd g, after;

	guest_rw(&g, 0, false, 0, BIG_BLOCKS);
	ck_assert_ptr_nonnull(sim_take());
	sim_finish();				/* done, not reaped */
	ck_assert_ptr_nonnull(sim_take());
	pieces_cancel(&p);
	ck_assert_ptr_null(running);		/* waited for */
	ck_assert_uint_eq(dq_held(&sw, &owner), 0);
	ck_assert_ptr_null(dq_reap(&sw, &owner));	/* the done one dropped */
	pieces_done(&p.req[0]);			/* a completion after the reset: nothing */
	for (unsigned int i = 0; i < PIECES_REQS; i++) {
		ck_assert_ptr_null(p.req[i].c);
		ck_assert_uint_eq(p.req[i].sr.dq.state, DQ_FREE);
	}
	vcpu_poll();
	ck_assert(!step());
	ck_assert_uint_eq(g.done, 0);		/* the model that sent it is gone */
	ck_assert(all_poison(g.gb.mem, BIG_BYTES));
	ck_assert_uint_eq(disks[0].pd.blocks_read, 0);
	guest_rw(&after, 0, false, 8, 8);
	ck_assert_uint_eq(nr_submitted, PIECES_REQS + 1);
	run_all();
	ck_good(&after);
	ck_assert(memcmp(after.gb.mem, disks[0].medium + 8 * SCSI_BLOCK_SIZE, 8 * SCSI_BLOCK_SIZE) == 0);
	ck_assert_uint_eq(disks[0].pd.blocks_read, 8);
	free(g.gb.mem);
	free(after.gb.mem);
}
END_TEST

/* A power on or a reset starts the counters again; shares and size stay. */
START_TEST(test_a_disks_counters_start_again_after_a_clear)
{
	struct pieces_disk *d = &disks[0].pd;
	struct guest_cmd w, r, bad, again;

	guest_prep(&w, true, 0, 2 * PIECE_BLOCKS, NO_FAULT);
	w.cmd.cdb[1] |= 0x08;			/* FUA: a flush too */
	guest_send(&w, 0);
	guest_rw(&r, 0, false, 512, 8);
	fail_at(0, 600, SCSI_BACKEND_IO_ERROR);
	guest_rw(&bad, 0, false, 600, 8);
	run_all();
	ck_assert(d->reads && d->writes && d->flushes);
	ck_assert(d->blocks_read && d->blocks_written && d->errors && d->pieces_bounced);
	pieces_disk_clear(d);
	ck_assert_uint_eq(d->pieces_bounced, 0);
	ck_assert_uint_eq(d->reads, 0);
	ck_assert_uint_eq(d->writes, 0);
	ck_assert_uint_eq(d->flushes, 0);
	ck_assert_uint_eq(d->blocks_read, 0);
	ck_assert_uint_eq(d->blocks_written, 0);
	ck_assert_uint_eq(d->errors, 0);
	ck_assert_uint_eq(d->flow.shares, 1000);
	ck_assert_uint_eq(d->nr_blocks, DISK_BLOCKS);
	guest_rw(&again, 0, false, 512, 8);
	run_all();
	ck_good(&again);
	ck_assert_uint_eq(d->reads, 1);
	ck_assert_uint_eq(d->blocks_read, 8);
	free(w.gb.mem);
	free(r.gb.mem);
	free(bad.gb.mem);
	free(again.gb.mem);
}
END_TEST

/* A flush between two reads of one disk: one request, in arrival order. */
START_TEST(test_a_flush_among_reads_takes_one_request_in_its_turn)
{
	struct guest_cmd a, f, b;
	const unsigned int big = BIG_BLOCKS / PIECE_BLOCKS;

	guest_rw(&a, 0, false, 0, BIG_BLOCKS);
	guest_sync(&f, 0);
	guest_rw(&b, 0, false, 9000, 8);
	run_all();
	ck_good(&a);
	ck_good(&f);
	ck_good(&b);
	ck_assert_uint_eq(nr_submitted, big + 2);
	ck_assert_uint_eq(submitted[big - 1].lba, BIG_BLOCKS - PIECE_BLOCKS);
	ck_assert_uint_eq(submitted[big].op, PIECE_FLUSH);
	ck_assert_uint_eq(submitted[big].n, 0);
	ck_assert_uint_eq(submitted[big + 1].lba, 9000);
	ck_assert_uint_eq(disks[0].pd.reads, 2);
	ck_assert_uint_eq(disks[0].pd.flushes, 1);
	ck_assert_uint_eq(disks[0].pd.blocks_read, BIG_BLOCKS + 8);
	ck_assert(memcmp(b.gb.mem, disks[0].medium + 9000 * SCSI_BLOCK_SIZE, 8 * SCSI_BLOCK_SIZE) == 0);
	free(a.gb.mem);
	free(b.gb.mem);
}
END_TEST

/* A 4 MiB read on one disk, then 4 KiB on the other: the small one gets the first free request. */
START_TEST(test_a_small_command_on_a_second_disk_gets_the_next_request)
{
	struct guest_cmd big, small;
	unsigned int steps = 0;

	guest_rw(&big, 0, false, 0, BIG_BLOCKS);
	guest_rw(&small, 1, false, 64, 8);
	ck_assert_uint_eq(nr_submitted, PIECES_REQS);	/* every request the big one's */
	ck_assert(step());
	ck_assert_uint_eq(nr_submitted, PIECES_REQS + 1);
	ck_assert_ptr_eq(submitted[PIECES_REQS].d, &disks[1].pd);
	while (!small.done && step())
		steps++;
	ck_assert_uint_eq(steps, 1);		/* its flow's turn comes next */
	ck_good(&small);
	ck_assert_uint_eq(big.done, 0);
	ck_assert(memcmp(small.gb.mem, disks[1].medium + 64 * SCSI_BLOCK_SIZE, 8 * SCSI_BLOCK_SIZE) == 0);
	run_all();
	ck_good(&big);
	ck_assert_uint_eq(disks[0].pd.blocks_read, BIG_BLOCKS);
	ck_assert_uint_eq(disks[1].pd.blocks_read, 8);
	free(big.gb.mem);
	free(small.gb.mem);
}
END_TEST

/*
 * The backend's own range check: the disk behind is smaller than the
 * model says. Past it ends at once, MEDIUM ERROR, counted, nothing
 * submitted; up to its end and a flush still go through.
 */
START_TEST(test_a_range_past_the_disk_behind_is_a_medium_error_at_once)
{
	struct pieces_disk *d = &disks[0].pd;
	struct guest_cmd past, across, wpast, last, f;

	d->nr_blocks = 1000;
	guest_rw(&past, 0, false, 2000, 8);
	ck_sense(&past, SCSI_SENSE_MEDIUM_ERROR);
	guest_rw(&across, 0, false, 996, 8);
	ck_sense(&across, SCSI_SENSE_MEDIUM_ERROR);
	guest_rw(&wpast, 0, true, 1000, 1);
	ck_sense(&wpast, SCSI_SENSE_MEDIUM_ERROR);
	ck_assert_uint_eq(nr_submitted, 0);
	ck_assert_uint_eq(d->reads, 2);
	ck_assert_uint_eq(d->writes, 1);
	ck_assert_uint_eq(d->errors, 3);
	guest_rw(&last, 0, false, 992, 8);
	guest_sync(&f, 0);
	run_all();
	ck_good(&last);
	ck_good(&f);
	ck_assert_uint_eq(nr_submitted, 2);
	ck_assert_uint_eq(d->blocks_read, 8);
	ck_assert_uint_eq(d->errors, 3);
	free(past.gb.mem);
	free(across.gb.mem);
	free(wpast.gb.mem);
	free(last.gb.mem);
}
END_TEST

/*
 * One disk: A (slot 0, one piece), B (slot 1, eight) and C (slot 2, one)
 * with every request busy; A ends and D takes its slot 0. The next free
 * request goes to the older C, in the higher slot, not to D.
 */
START_TEST(test_the_oldest_command_goes_first_not_the_lowest_slot)
{
	struct guest_cmd a, b, c, d;

	guest_rw(&a, 0, false, 0, 8);
	guest_rw(&b, 0, false, 1000, PIECES_REQS * PIECE_BLOCKS);
	guest_rw(&c, 0, false, 3000, 8);
	ck_assert_uint_eq(nr_submitted, PIECES_REQS);		/* A's one, B's seven */
	ck_assert(step());					/* A back: B's last queued */
	ck_good(&a);
	ck_assert_uint_eq(nr_submitted, PIECES_REQS + 1);
	ck_assert_uint_eq(submitted[PIECES_REQS].lba, 1000 + 7 * PIECE_BLOCKS);
	guest_rw(&d, 0, false, 4000, 8);			/* in A's slot */
	ck_assert_ptr_eq(p.cmds[0].cmd, &d.cmd);
	ck_assert_uint_eq(nr_submitted, PIECES_REQS + 1);	/* nothing free */
	ck_assert(step());					/* B's first back */
	ck_assert_uint_eq(nr_submitted, PIECES_REQS + 2);
	ck_assert_uint_eq(submitted[PIECES_REQS + 1].lba, 3000);	/* C, not D */
	run_all();
	ck_good(&b);
	ck_good(&c);
	ck_good(&d);
	ck_assert_uint_eq(submitted[PIECES_REQS + 2].lba, 4000);
	free(a.gb.mem);
	free(b.gb.mem);
	free(c.gb.mem);
	free(d.gb.mem);
}
END_TEST

/* The table holds the model's PIECES_CMDS commands; one more is NOT READY at once. */
START_TEST(test_a_command_past_the_table_is_not_ready_and_counted)
{
	static struct guest_cmd g[PIECES_CMDS + 1];

	for (unsigned int i = 0; i <= PIECES_CMDS; i++)
		guest_rw(&g[i], 0, false, i, 1);
	ck_sense(&g[PIECES_CMDS], SCSI_SENSE_NOT_READY);
	ck_assert_uint_eq(disks[0].pd.errors, 1);
	run_all();
	for (unsigned int i = 0; i < PIECES_CMDS; i++) {
		ck_good(&g[i]);
		free(g[i].gb.mem);
	}
	free(g[PIECES_CMDS].gb.mem);
	ck_assert_uint_eq(disks[0].pd.reads, PIECES_CMDS + 1);
	ck_assert_uint_eq(disks[0].pd.blocks_read, PIECES_CMDS);
	ck_assert_uint_eq(disks[0].pd.errors, 1);
}
END_TEST

/* The storage world refuses a piece: the command stops, NOT READY once its queued ones are back. */
START_TEST(test_a_refused_piece_stops_its_command_not_ready)
{
	struct guest_cmd g, lone;

	refuse_at = 2;
	guest_rw(&g, 0, false, 0, BIG_BLOCKS);
	ck_assert_uint_eq(nr_submitted, 2);
	ck_assert_uint_eq(g.done, 0);
	run_all();
	ck_sense(&g, SCSI_SENSE_NOT_READY);
	/* the two before the refused one moved, nothing after */
	ck_assert(memcmp(g.gb.mem, disks[0].medium, 2 * PIECE_BYTES) == 0);
	ck_assert(all_poison(g.gb.mem + 2 * PIECE_BYTES, BIG_BYTES - 2 * PIECE_BYTES));
	ck_assert_uint_eq(disks[0].pd.blocks_read, 2 * PIECE_BLOCKS);
	ck_assert_uint_eq(disks[0].pd.errors, 1);
	/* one whose only piece is refused ends at once */
	guest_rw(&lone, 1, false, 0, 8);
	ck_sense(&lone, SCSI_SENSE_NOT_READY);
	ck_assert_uint_eq(disks[1].pd.errors, 1);
	free(g.gb.mem);
	free(lone.gb.mem);
}
END_TEST

/* ---- direct pieces ---- */

/* A guest's buffer as its HBA gives it: ranges of guest-physical memory. */
struct sg_buf {
	unsigned int n;
	struct {
		uint64_t addr, len;
	} r[300];
};

static bool sg_where(void *ctx, uint64_t off, uint64_t *addr, uint64_t *len)
{
	const struct sg_buf *b = ctx;

	for (unsigned int i = 0; i < b->n; off -= b->r[i].len, i++) {
		if (off >= b->r[i].len)
			continue;
		*addr = b->r[i].addr + off;
		*len = b->r[i].len - off;
		return true;
	}
	return false;
}

/* As vm_dma_read()/write(): through the chunks, false outside RAM. */
static bool sg_copy(struct sg_buf *b, uint64_t off, uint8_t *data, uint32_t len, bool to_guest)
{
	while (len) {
		uint64_t gpa, n, room;
		uint8_t *at;

		if (!sg_where(b, off, &gpa, &n) || gpa >= RAM_BYTES)
			return false;
		room = VMK_CHUNK_SIZE - (gpa & (VMK_CHUNK_SIZE - 1));
		n = n < room ? n : room;
		n = n < len ? n : len;
		at = host + ram_chunk_pa[gpa >> VMK_CHUNK_SHIFT] + (gpa & (VMK_CHUNK_SIZE - 1));
		if (to_guest)
			memcpy(at, data, n);
		else
			memcpy(data, at, n);
		off += n;
		data += n;
		len -= (uint32_t)n;
	}
	return true;
}

static bool sg_put(void *ctx, uint64_t off, const void *src, uint32_t len)
{
	return sg_copy(ctx, off, (uint8_t *)src, len, true);
}

static bool sg_get(void *ctx, uint64_t off, void *dst, uint32_t len)
{
	return sg_copy(ctx, off, dst, len, false);
}

/* n ranges of len bytes at first, first + stride, ... */
static void sg_fill(struct sg_buf *b, unsigned int n, uint64_t first, uint64_t stride,
		    uint64_t len)
{
	ck_assert_uint_le(n, 300);
	b->n = n;
	for (unsigned int i = 0; i < n; i++) {
		b->r[i].addr = first + i * stride;
		b->r[i].len = len;
	}
}

/* g: a READ(10) or WRITE(10) of nr blocks at lba into or out of b, not sent. */
static void sg_cmd(struct guest_cmd *g, struct sg_buf *b, bool write, uint32_t lba, uint16_t nr)
{
	struct scsi_buf buf = {
		.len = (uint64_t)nr * SCSI_BLOCK_SIZE, .put = sg_put, .get = sg_get,
		.where = sg_where, .ctx = b,
	};

	guest_rw10(&g->cmd, write, lba, nr, buf, cmd_done);
	g->gb.mem = NULL;
	g->done = 0;
	/* as the disk model sets them for the backend */
	g->cmd.xfer_max = buf.len;
}

static uint32_t resolve(struct sg_buf *b, uint32_t n, struct storage_sg *sg, uint32_t *nr_sg)
{
	struct guest_cmd g;

	sg_cmd(&g, b, false, 0, (uint16_t)n);
	return pieces_resolve(&ram, &g.cmd, 0, n, sg, nr_sg);
}

START_TEST(test_resolve_a_page_crossing_range_is_one_host_range)
{
	struct storage_sg sg[PIECE_SG_MAX];
	struct sg_buf b;
	uint32_t nr_sg;

	sg_fill(&b, 1, 0x1800, 0, 8192);
	ck_assert_uint_eq(resolve(&b, 16, sg, &nr_sg), 16);
	ck_assert_uint_eq(nr_sg, 1);
	ck_assert_uint_eq(sg[0].addr, ram_chunk_pa[0] + 0x1800);
	ck_assert_uint_eq(sg[0].len, 8192);
}
END_TEST

/* Chunk 0 lies apart from chunk 1 in host memory; chunk 1 and 2 are adjacent. */
START_TEST(test_resolve_cuts_at_a_chunk_boundary_and_merges_adjacent_chunks)
{
	struct storage_sg sg[PIECE_SG_MAX];
	struct sg_buf b;
	uint32_t nr_sg;

	sg_fill(&b, 1, VMK_CHUNK_SIZE - 4096, 0, VMK_CHUNK_SIZE + 8192);
	ck_assert_uint_eq(resolve(&b, (VMK_CHUNK_SIZE + 8192) / SCSI_BLOCK_SIZE, sg, &nr_sg),
			  (VMK_CHUNK_SIZE + 8192) / SCSI_BLOCK_SIZE);
	ck_assert_uint_eq(nr_sg, 2);
	ck_assert_uint_eq(sg[0].addr, ram_chunk_pa[0] + VMK_CHUNK_SIZE - 4096);
	ck_assert_uint_eq(sg[0].len, 4096);
	ck_assert_uint_eq(sg[1].addr, ram_chunk_pa[1]);
	ck_assert_uint_eq(sg[1].len, VMK_CHUNK_SIZE + 4096);
}
END_TEST

START_TEST(test_resolve_refuses_a_buffer_not_all_in_ram)
{
	struct storage_sg sg[PIECE_SG_MAX];
	struct guest_cmd g;
	struct sg_buf b;
	uint32_t nr_sg;

	sg_fill(&b, 1, RAM_BYTES - 4096, 0, 8192);		/* its end past RAM */
	ck_assert_uint_eq(resolve(&b, 16, sg, &nr_sg), 0);
	sg_fill(&b, 1, 0x100000000ull, 0, 4096);		/* past 4 GiB */
	ck_assert_uint_eq(resolve(&b, 8, sg, &nr_sg), 0);
	sg_fill(&b, 2, 0, 0x10000, 2048);			/* shorter than the piece */
	ck_assert_uint_eq(resolve(&b, 16, sg, &nr_sg), 0);
	sg_fill(&b, 1, 0, 0, 4096);				/* the HBA does not say */
	sg_cmd(&g, &b, false, 0, 8);
	g.cmd.buf.where = NULL;
	ck_assert_uint_eq(pieces_resolve(&ram, &g.cmd, 0, 8, sg, &nr_sg), 0);
}
END_TEST

START_TEST(test_resolve_cuts_at_the_sg_limit_on_a_whole_block)
{
	struct storage_sg sg[PIECE_SG_MAX];
	struct sg_buf b;
	uint32_t nr_sg;
	uint64_t sum = 0;

	/* scattered pages: the limit holds PIECE_DIRECT_BYTES */
	sg_fill(&b, 200, 0, 8192, 4096);
	ck_assert_uint_eq(resolve(&b, 200 * 8, sg, &nr_sg), PIECE_DIRECT_BLOCKS);
	ck_assert_uint_eq(nr_sg, PIECE_SG_MAX);
	/* ranges of 1001 bytes: the last one kept is cut to a block's end */
	sg_fill(&b, 200, 0, 8192, 1001);
	ck_assert_uint_eq(resolve(&b, 200 * 1001 / SCSI_BLOCK_SIZE, sg, &nr_sg),
			  PIECE_SG_MAX * 1001 / SCSI_BLOCK_SIZE);
	ck_assert_uint_eq(nr_sg, PIECE_SG_MAX);
	for (uint32_t i = 0; i < nr_sg; i++)
		sum += sg[i].len;
	ck_assert_uint_eq(sum, PIECE_SG_MAX * 1001 / SCSI_BLOCK_SIZE * SCSI_BLOCK_SIZE);
	ck_assert_uint_eq(sg[nr_sg - 1].len, 1001 - PIECE_SG_MAX * 1001 % SCSI_BLOCK_SIZE);
	/* a first block that needs more ranges than the limit: none */
	sg_fill(&b, 200, 0, 8192, 3);
	ck_assert_uint_eq(resolve(&b, 1, sg, &nr_sg), 0);
}
END_TEST

/* A raw disk's 1 MiB read or write into scattered guest pages: two direct pieces, no copy. */
static void ck_direct_1mib(bool write)
{
	const uint32_t nr = 2048;
	struct pieces_disk *d = &disks[0].pd;
	struct guest_cmd g;
	static struct sg_buf b;
	static uint8_t want[2048 * SCSI_BLOCK_SIZE];

	d->direct = true;
	sg_fill(&b, 256, VMK_CHUNK_SIZE - 64 * 8192, 8192, 4096);	/* across chunk 0's end */
	sg_cmd(&g, &b, write, 100, nr);
	for (uint32_t i = 0; i < sizeof(want); i++)
		want[i] = write ? (uint8_t)(i * 11 + 3) : disks[0].medium[100 * SCSI_BLOCK_SIZE + i];
	if (write)
		ck_assert(sg_put(&b, 0, want, sizeof(want)));
	guest_send(&g, 0);
	run_all();
	ck_good(&g);
	ck_assert_uint_eq(nr_submitted, nr / PIECE_DIRECT_BLOCKS);
	ck_assert_uint_eq(d->pieces_direct, nr / PIECE_DIRECT_BLOCKS);
	ck_assert_uint_eq(d->pieces_bounced, 0);
	ck_assert_uint_eq(g.cmd.xfer_len, sizeof(want));
	ck_assert_uint_eq(write ? d->blocks_written : d->blocks_read, nr);
	if (write) {
		ck_assert(memcmp(disks[0].medium + 100 * SCSI_BLOCK_SIZE, want, sizeof(want)) == 0);
	} else {
		static uint8_t got[sizeof(want)];

		ck_assert(sg_get(&b, 0, got, sizeof(got)));
		ck_assert(memcmp(got, want, sizeof(want)) == 0);
	}
}

START_TEST(test_a_raw_disks_1mib_read_goes_direct_in_two_pieces)
{
	memset(bounce, POISON, sizeof(bounce));
	ck_direct_1mib(false);
	for (unsigned int i = 0; i < PIECES_REQS; i++)
		ck_assert(all_poison(bounce[i], PIECE_BYTES));
}
END_TEST

START_TEST(test_a_raw_disks_1mib_write_goes_direct_in_two_pieces)
{
	ck_direct_1mib(true);
}
END_TEST

/* A buffer that leaves the VM's RAM bounces, and its copy faults as before. */
START_TEST(test_a_buffer_outside_ram_bounces_and_is_the_guests_fault)
{
	struct pieces_disk *d = &disks[0].pd;
	struct guest_cmd g;
	static struct sg_buf b;

	d->direct = true;
	sg_fill(&b, 1, RAM_BYTES - 32768, 0, 65536);
	sg_cmd(&g, &b, false, 0, 128);
	guest_send(&g, 0);
	run_all();
	ck_assert_uint_eq(g.done, 1);
	ck_assert_uint_eq(g.cmd.result, SCSI_RESULT_BAD_BUFFER);
	ck_assert_uint_eq(d->pieces_direct, 0);
	ck_assert_uint_eq(d->pieces_bounced, 1);
}
END_TEST

/*
 * The guest's abort of a 4 MiB direct read (pieces_fence()): of its
 * eight pieces one runs (its data moved before the guest hears of the
 * abort) and seven are queued: those never run, nothing more is queued,
 * the guest's buffer holds only the first piece's data, the command ends
 * once when the last piece is reaped, and no disk error is counted.
 */
START_TEST(test_a_fence_withdraws_queued_direct_pieces_and_waits_for_the_running_one)
{
	struct pieces_disk *d = &disks[0].pd;
	struct guest_cmd g;
	static struct sg_buf b;
	static uint8_t got[BIG_BLOCKS * SCSI_BLOCK_SIZE];
	unsigned int moved = 0;

	d->direct = true;
	sg_fill(&b, 256, 0, 16384, 16384);	/* 4 MiB from guest address 0 */
	ck_assert(sg_put(&b, 0, memset(got, POISON, sizeof(got)), sizeof(got)));
	sg_cmd(&g, &b, false, 0, BIG_BLOCKS);
	guest_send(&g, 0);
	ck_assert_uint_eq(nr_submitted, BIG_BLOCKS / PIECE_DIRECT_BLOCKS);
	ck_assert_uint_eq(nr_submitted, PIECES_REQS);
	ck_assert_ptr_nonnull(sim_take());
	pieces_fence(&p, &g.cmd);
	ck_assert_ptr_null(running);
	ck_assert_uint_eq(nr_ran, 1);
	ck_assert_uint_eq(g.done, 0);		/* its pieces not reaped yet */
	vcpu_poll();
	ck_assert_uint_eq(g.done, 1);
	run_all();
	ck_assert_uint_eq(nr_ran, 1);
	ck_assert_uint_eq(nr_submitted, PIECES_REQS);
	ck_assert_uint_eq(d->errors, 0);
	ck_assert(sg_get(&b, 0, got, sizeof(got)));
	for (uint32_t i = 0; i < BIG_BLOCKS / PIECE_DIRECT_BLOCKS; i++) {
		const uint8_t *at = got + i * PIECE_DIRECT_BYTES;

		if (all_poison(at, PIECE_DIRECT_BYTES))
			continue;
		moved++;
		ck_assert(memcmp(at, disks[0].medium + i * PIECE_DIRECT_BYTES, PIECE_DIRECT_BYTES) == 0);
	}
	ck_assert_uint_eq(moved, 1);
	/* the requests are free for the next command */
	for (unsigned int i = 0; i < PIECES_REQS; i++)
		ck_assert_ptr_null(p.req[i].c);
}
END_TEST

/* A fence of a command with nothing out (every request busy) ends it at the next fill. */
START_TEST(test_a_fence_of_a_command_with_no_piece_out_ends_it)
{
	struct guest_cmd big, small;

	guest_prep(&big, false, 0, BIG_BLOCKS, NO_FAULT);
	guest_prep(&small, false, 9000, 8, NO_FAULT);
	guest_send(&big, 0);
	guest_send(&small, 0);
	ck_assert_uint_eq(nr_submitted, PIECES_REQS);	/* all big's */
	pieces_fence(&p, &small.cmd);
	vcpu_poll();
	ck_assert_uint_eq(small.done, 1);
	run_all();
	ck_good(&big);
	ck_assert_uint_eq(small.done, 1);
	ck_assert(all_poison(small.gb.mem, 8 * SCSI_BLOCK_SIZE));
	free(big.gb.mem);
	free(small.gb.mem);
}
END_TEST

/* A disk whose device cannot take the guest's pages (a virtual disk) always bounces. */
START_TEST(test_a_disk_without_direct_bounces_a_buffer_in_ram)
{
	struct pieces_disk *d = &disks[1].pd;
	struct guest_cmd g;
	static struct sg_buf b;
	static uint8_t got[2048 * SCSI_BLOCK_SIZE];

	sg_fill(&b, 256, 0, 8192, 4096);
	sg_cmd(&g, &b, false, 0, 2048);
	guest_send(&g, 1);
	run_all();
	ck_good(&g);
	ck_assert_uint_eq(nr_submitted, 2048 / PIECE_BLOCKS);
	ck_assert_uint_eq(d->pieces_direct, 0);
	ck_assert_uint_eq(d->pieces_bounced, 2048 / PIECE_BLOCKS);
	ck_assert(sg_get(&b, 0, got, sizeof(got)));
	ck_assert(memcmp(got, disks[1].medium, sizeof(got)) == 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("disk_pieces");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_a_4mib_read_is_64_pieces_8_at_once_and_counts_its_blocks);
	tcase_add_test(tc, test_a_4mib_write_reaches_the_medium_and_counts_its_blocks);
	tcase_add_test(tc, test_a_failed_piece_ends_its_command_once_its_queued_pieces_are_back);
	tcase_add_test(tc, test_a_command_keeps_its_first_failure_a_medium_error);
	tcase_add_test(tc, test_a_command_keeps_its_first_failure_not_ready);
	tcase_add_test(tc, test_a_fault_before_a_failed_piece_is_the_guests_and_not_counted);
	tcase_add_test(tc, test_a_failed_write_reports_the_bytes_before_its_failed_piece);
	tcase_add_test(tc, test_a_failed_read_reports_the_bytes_before_its_failed_piece);
	tcase_add_test(tc, test_a_refused_write_reports_the_bytes_before_the_refused_piece);
	tcase_add_test(tc, test_a_refused_read_reports_the_bytes_before_the_refused_piece);
	tcase_add_test(tc, test_a_lower_piece_failing_after_a_refusal_cuts_at_the_lower);
	tcase_add_test(tc, test_pieces_back_out_of_order_report_only_bytes_copied);
	tcase_add_test(tc, test_a_failed_block_past_32_bits_is_not_named);
	tcase_add_test(tc, test_a_stop_above_the_bytes_moved_names_where_they_end);
	tcase_add_test(tc, test_a_fua_writes_failed_flush_keeps_its_transfer);
	tcase_add_test(tc, test_a_fua_write_stopped_part_way_names_no_block);
	tcase_add_test(tc, test_a_stop_after_the_end_changes_nothing);
	tcase_add_test(tc, test_a_fault_in_a_writes_third_piece_writes_the_first_two_only);
	tcase_add_test(tc, test_a_fault_in_a_reads_third_piece_moves_the_first_two_only);
	tcase_add_test(tc, test_a_fua_write_is_flushed_after_its_last_piece);
	tcase_add_test(tc, test_a_reset_with_pieces_queued_running_and_done_lets_go_of_all);
	tcase_add_test(tc, test_a_disks_counters_start_again_after_a_clear);
	tcase_add_test(tc, test_a_flush_among_reads_takes_one_request_in_its_turn);
	tcase_add_test(tc, test_a_small_command_on_a_second_disk_gets_the_next_request);
	tcase_add_test(tc, test_a_range_past_the_disk_behind_is_a_medium_error_at_once);
	tcase_add_test(tc, test_the_oldest_command_goes_first_not_the_lowest_slot);
	tcase_add_test(tc, test_a_command_past_the_table_is_not_ready_and_counted);
	tcase_add_test(tc, test_a_refused_piece_stops_its_command_not_ready);
	tcase_add_test(tc, test_resolve_a_page_crossing_range_is_one_host_range);
	tcase_add_test(tc, test_resolve_cuts_at_a_chunk_boundary_and_merges_adjacent_chunks);
	tcase_add_test(tc, test_resolve_refuses_a_buffer_not_all_in_ram);
	tcase_add_test(tc, test_resolve_cuts_at_the_sg_limit_on_a_whole_block);
	tcase_add_test(tc, test_a_raw_disks_1mib_read_goes_direct_in_two_pieces);
	tcase_add_test(tc, test_a_raw_disks_1mib_write_goes_direct_in_two_pieces);
	tcase_add_test(tc, test_a_buffer_outside_ram_bounces_and_is_the_guests_fault);
	tcase_add_test(tc, test_a_disk_without_direct_bounces_a_buffer_in_ram);
	tcase_add_test(tc, test_a_fence_withdraws_queued_direct_pieces_and_waits_for_the_running_one);
	tcase_add_test(tc, test_a_fence_of_a_command_with_no_piece_out_ends_it);
	return check_run("vmkernel disk pieces", tc);
}
