// SPDX-License-Identifier: GPL-2.0-only
/*
 * Polled commands with unresponsive-LUN and failed-adapter marks
 * (lun_io.h). The marks live in a small table of the LUNs that stopped
 * answering; a LUN that answers again leaves it.
 */
#include "vmkernel/storage/lun_io.h"
#include "vmkernel/storage/scan.h"

#define STATUS_CHECK_CONDITION	0x02	/* SAM-5 §5.3 */
#define SENSE_UNIT_ATTENTION	0x6	/* SPC-4 §4.5.6 */

void lun_io_init(struct lun_io *io, struct storage_adapter *a,
		 uint64_t (*now_ms)(void *ctx), void *clock_ctx)
{
	memset(io, 0, sizeof(*io));
	io->adapter = a;
	io->now_ms = now_ms;
	io->clock_ctx = clock_ctx;
}

static uint64_t now(struct lun_io *io)
{
	return io->now_ms(io->clock_ctx);
}

bool lun_io_worth_logging(uint64_t n)
{
	return n && !(n & (n - 1));
}

static void note(struct lun_io *io, enum lun_io_event ev, const struct lun_io_down *d)
{
	io->event = ev;
	io->event_down = *d;
}

static struct lun_io_down *find(struct lun_io *io, uint32_t target, uint32_t lun)
{
	for (unsigned int i = 0; i < LUN_IO_MAX; i++)
		if (io->lun[i].used && io->lun[i].target == target &&
		    io->lun[i].lun == lun)
			return &io->lun[i];
	return NULL;
}

const struct lun_io_down *lun_io_find(const struct lun_io *io, uint32_t target,
				      uint32_t lun)
{
	return find((struct lun_io *)io, target, lun);
}

const struct lun_io_down *lun_io_adapter_down(const struct lun_io *io)
{
	return io->adapter_down.used ? &io->adapter_down : NULL;
}

static void down_start(struct lun_io *io, struct lun_io_down *d,
		       const struct storage_cmd *cmd)
{
	memset(d, 0, sizeof(*d));
	d->used = true;
	d->target = cmd->target;
	d->lun = cmd->lun;
	d->opcode = cmd->cdb[0];
	d->since = now(io);
	d->backoff_ms = LUN_BACKOFF_MIN_MS;
	d->retry_at = d->since + d->backoff_ms;
}

/* A failed probe: wait twice as long for the next one. */
static void back_off(struct lun_io *io, struct lun_io_down *d)
{
	d->probes_failed++;
	d->backoff_ms = MIN(d->backoff_ms * 2, (uint32_t)LUN_BACKOFF_MAX_MS);
	d->retry_at = now(io) + d->backoff_ms;
}

static void run_done(struct storage_cmd *cmd)
{
	((struct lun_io *)cmd->priv)->done = true;
}

/* Queue cmd and poll the adapter until it ends; else queue()'s refusal. */
static int run_polled(struct lun_io *io, struct storage_cmd *cmd)
{
	struct storage_adapter *a = io->adapter;
	int ret;

	cmd->done = run_done;
	cmd->priv = io;
	io->done = false;
	ret = a->ops->queue(a->hba, cmd);
	if (ret != VMK_OK)
		return ret;
	/* the driver's timeout ladder bounds this: every command ends */
	while (!io->done) {
		a->ops->poll(a->hba);
		if (!io->done)
			a->ops->tick(a->hba);
	}
	return VMK_OK;
}

/*
 * run_polled(), with a UNIT ATTENTION retried up to SCAN_UA_RETRIES times:
 * the resets that end a hung LUN's command leave one at every other LUN
 * (SAM-5 §6.3), which is no fault of the command that meets it. All the
 * sends share the command's one deadline (each retry gets what is left),
 * so a target that answers UNIT ATTENTION just before each deadline holds
 * the caller no longer than one hung command; with less than
 * LUN_UA_RETRY_MIN_MS left the UNIT ATTENTION goes to the caller (a guest
 * retries it itself).
 */
static int run_polled_ua(struct lun_io *io, struct storage_cmd *cmd)
{
	uint64_t end, t;
	struct scan_sense sense;
	int ret;

	if (!cmd->timeout_ms)
		cmd->timeout_ms = LUN_IO_TIMEOUT_MS;
	end = now(io) + cmd->timeout_ms;
	for (unsigned int tries = 0;; tries++) {
		ret = run_polled(io, cmd);
		if (ret != VMK_OK || cmd->host != STORAGE_HOST_OK ||
		    cmd->status != STATUS_CHECK_CONDITION ||
		    !scan_decode_sense(cmd->sense, cmd->sense_len, &sense) ||
		    sense.key != SENSE_UNIT_ATTENTION || tries == SCAN_UA_RETRIES)
			return ret;
		t = now(io);
		if (t >= end || end - t < LUN_UA_RETRY_MIN_MS)
			return ret;
		cmd->timeout_ms = (uint32_t)(end - t);
		io->ua_retries++;
	}
}

/* cmd ends without reaching the device. */
static void fail_fast(struct lun_io *io, struct storage_cmd *cmd,
		      struct lun_io_down *d, enum storage_host host)
{
	cmd->host = host;
	cmd->status = 0;
	cmd->sense_len = 0;
	cmd->residual = 0;
	for (unsigned int i = 0; i < cmd->nr_sg && i < STORAGE_SG_MAX; i++)
		cmd->residual += cmd->sg[i].len;
	if (d)
		d->fast_failed++;
	io->fast_failed++;
}

/* A failed adapter past its back-off: reset it; true if it takes commands. */
static bool adapter_revive(struct lun_io *io)
{
	struct lun_io_down *d = &io->adapter_down;
	struct storage_adapter *a = io->adapter;

	if (now(io) < d->retry_at)
		return false;
	if (a->ops->reset_bus(a->hba) != VMK_OK) {
		back_off(io, d);
		note(io, LUN_EV_ADAPTER_RESET_FAILED, d);
		return false;
	}
	note(io, LUN_EV_ADAPTER_UP, d);
	d->used = false;
	return true;
}

/* An unmarked LUN whose command timed out; a full table leaves it so. */
static void mark(struct lun_io *io, const struct storage_cmd *cmd)
{
	io->timeouts++;
	for (unsigned int i = 0; i < LUN_IO_MAX; i++) {
		if (io->lun[i].used)
			continue;
		down_start(io, &io->lun[i], cmd);
		note(io, LUN_EV_UNRESPONSIVE, &io->lun[i]);
		return;
	}
}

enum lun_io_result lun_io_run(struct lun_io *io, struct storage_cmd *cmd)
{
	struct lun_io_down *d;
	int ret;

	io->event = LUN_EV_NONE;
	if (io->adapter_down.used && !adapter_revive(io)) {
		fail_fast(io, cmd, &io->adapter_down, STORAGE_HOST_ERROR);
		return LUN_IO_REFUSED;
	}
	d = find(io, cmd->target, cmd->lun);
	if (d) {
		if (now(io) < d->retry_at) {
			fail_fast(io, cmd, d, STORAGE_HOST_TIMEOUT);
			return LUN_IO_UNRESPONSIVE;
		}
		/* the probe: this command, with a short deadline */
		if (!cmd->timeout_ms || cmd->timeout_ms > LUN_PROBE_TIMEOUT_MS)
			cmd->timeout_ms = LUN_PROBE_TIMEOUT_MS;
	}
	ret = run_polled_ua(io, cmd);
	if (ret == VMK_HW_FAILURE) {
		down_start(io, &io->adapter_down, cmd);
		note(io, LUN_EV_ADAPTER_DOWN, &io->adapter_down);
		fail_fast(io, cmd, &io->adapter_down, STORAGE_HOST_ERROR);
		return LUN_IO_REFUSED;
	}
	if (ret != VMK_OK) {
		fail_fast(io, cmd, NULL, STORAGE_HOST_ERROR);
		return LUN_IO_REFUSED;
	}
	if (d && cmd->host == STORAGE_HOST_TIMEOUT) {
		back_off(io, d);
		note(io, LUN_EV_PROBE_FAILED, d);
	} else if (d) {
		/* any other end is an answer: the LUN is there again */
		note(io, LUN_EV_RESPONSIVE, d);
		d->used = false;
	} else if (cmd->host == STORAGE_HOST_TIMEOUT) {
		mark(io, cmd);
	}
	return LUN_IO_ENDED;
}
