// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hung disk (lun_io.h) against the PVSCSI driver and model
 * (hba_test.h): target 0's RAM disk holds its requests and never
 * completes them, the clock moves a little at each reading so the polled
 * wait reaches its deadlines. The first command times out within the
 * driver's ladder and marks the LUN; the next ones end at once without
 * reaching the device; the first command after the back-off is the
 * probe: it brings the LUN back once the disk answers, and doubles the
 * back-off while it does not.
 */
#include "tests/unit/check_run.h"
#include "tests/unit/storage/hba_test.h"
#include "vmkernel/storage/lun_io.h"
#include "vmm/bytes.h"

#define TIMEOUT_MS	1000	/* the tests' commands' deadline */
#define TICK_MS		10	/* the clock's step at each reading */
/* the driver's ladder at its longest: deadline, abort, bus reset (+ steps) */
#define LADDER_MS	(TIMEOUT_MS + 2 * PVH_ABORT_TIMEOUT_MS + 100 * TICK_MS)

static struct hba_rig *rig;
static struct lun_io io;

static void setup(void)
{
	rig = rig_new();
	ck_assert_int_eq(rig_start(rig), VMK_OK);
	lun_io_init(&io, &rig->hba.adapter, rig_now, rig);
	rig->tick_ms = TICK_MS;
}

static void teardown(void)
{
	rig_free(rig);
}

/* A one-block READ(10) of lba at target into the data area. */
static void read_cmd(struct storage_cmd *cmd, uint32_t target, uint32_t lba)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->target = target;
	cmd->cdb[0] = 0x28;
	vmm_put_be32(&cmd->cdb[2], lba);
	vmm_put_be16(&cmd->cdb[7], 1);
	cmd->cdb_len = 10;
	cmd->dir = STORAGE_DIR_READ;
	cmd->sg[0].addr = PHYS_DATA;
	cmd->sg[0].len = 512;
	cmd->nr_sg = 1;
	cmd->timeout_ms = TIMEOUT_MS;
}

/* Target 0 stops answering; a read of it times out and marks it. */
static void hang_target0(void)
{
	struct storage_cmd cmd;
	uint64_t t0 = rig->now;

	rig->rd[0]->hold = true;
	read_cmd(&cmd, 0, 0);
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_ENDED);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_TIMEOUT);
	ck_assert_uint_le(rig->now - t0, LADDER_MS);
	ck_assert_int_eq(io.event, LUN_EV_UNRESPONSIVE);
	ck_assert_ptr_nonnull(lun_io_find(&io, 0, 0));
}

/* A read of target 0 ends at once, unsent. */
static void assert_fails_at_once(void)
{
	struct storage_cmd cmd;
	uint32_t req_prod = rig->hba.req_prod;

	read_cmd(&cmd, 0, 0);
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_UNRESPONSIVE);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_TIMEOUT);
	ck_assert_uint_eq(cmd.residual, 512);
	ck_assert_uint_eq(rig->hba.req_prod, req_prod);	/* nothing on the ring */
}

/* The disk answers again: what it held ends (the device drops it). */
static void unhang_target0(void)
{
	rig->rd[0]->hold = false;
	ramdisk_run(rig->rd[0]);
}

START_TEST(test_a_hung_command_times_out_within_the_ladder_and_marks_its_lun)
{
	hang_target0();
	ck_assert_uint_eq(rig->hba.stats.timeouts, 1);
	ck_assert_uint_eq(rig->hba.stats.aborts, 1);
	ck_assert_uint_eq(io.timeouts, 1);
	ck_assert_uint_eq(io.event_down.opcode, 0x28);
	ck_assert_ptr_null(lun_io_find(&io, 2, 0));
	ck_assert_ptr_null(lun_io_adapter_down(&io));
}
END_TEST

START_TEST(test_a_hung_lun_holds_its_caller_less_than_the_hold_limit)
{
	struct storage_cmd cmd;
	uint64_t t0 = rig->now;

	/* the worst the rig makes: ABORT_CMD ignored, the bus reset ends it */
	rig->rd[0]->hold = true;
	rig->deaf_to = PVSCSI_CMD_ABORT_CMD;
	read_cmd(&cmd, 0, 0);
	cmd.timeout_ms = LUN_IO_TIMEOUT_MS;	/* what storage.c gives */
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_ENDED);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_TIMEOUT);
	ck_assert_uint_eq(rig->hba.stats.bus_resets, 1);
	ck_assert_uint_le(rig->now - t0, LUN_IO_HOLD_MAX_MS);
	ck_assert_ptr_nonnull(lun_io_find(&io, 0, 0));
}
END_TEST

START_TEST(test_other_luns_absorb_the_unit_attention_of_the_reset)
{
	struct storage_cmd cmd;

	rig->deaf_to = PVSCSI_CMD_ABORT_CMD;	/* the ladder resets the bus */
	hang_target0();
	ck_assert_uint_eq(rig->hba.stats.bus_resets, 1);
	read_cmd(&cmd, 2, 0);
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_ENDED);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_OK);
	ck_assert_uint_eq(cmd.status, 0);
	ck_assert_uint_eq(io.ua_retries, 1);
}
END_TEST

/*
 * Review finding: each UNIT ATTENTION retry got a fresh deadline, so a
 * target answering UA just before each one held the caller 4 times the
 * bound. The retries share the command's deadline: with less than
 * LUN_UA_RETRY_MIN_MS of it left, the UA goes to the caller.
 */
START_TEST(test_a_unit_attention_is_retried_only_within_the_commands_deadline)
{
	struct storage_cmd cmd;

	rig->deaf_to = PVSCSI_CMD_ABORT_CMD;	/* the ladder resets the bus */
	hang_target0();
	read_cmd(&cmd, 2, 0);
	cmd.timeout_ms = LUN_UA_RETRY_MIN_MS / 2;
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_ENDED);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_OK);
	ck_assert_uint_eq(cmd.status, 0x02);		/* CHECK CONDITION */
	ck_assert_uint_eq(cmd.sense[2] & 0xf, 0x6);	/* UNIT ATTENTION */
	ck_assert_uint_eq(io.ua_retries, 0);
	ck_assert_ptr_null(lun_io_find(&io, 2, 0));	/* not taken for a hang */
	/* the next one, with time enough, goes through */
	read_cmd(&cmd, 2, 0);
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_ENDED);
	ck_assert_uint_eq(cmd.status, 0);
}
END_TEST

START_TEST(test_the_next_command_to_a_marked_lun_fails_at_once)
{
	uint64_t t;

	hang_target0();
	t = rig->now;
	assert_fails_at_once();
	assert_fails_at_once();
	ck_assert_uint_le(rig->now - t, 10 * TICK_MS);	/* no deadline waited for */
	ck_assert_uint_eq(rig->hba.stats.timeouts, 1);
	ck_assert_uint_eq(lun_io_find(&io, 0, 0)->fast_failed, 2);
	ck_assert_int_eq(io.event, LUN_EV_NONE);	/* no log line per command */
}
END_TEST

START_TEST(test_another_lun_keeps_working_beside_a_marked_one)
{
	struct storage_cmd cmd;

	hang_target0();
	read_cmd(&cmd, 2, 0);
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_ENDED);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_OK);
}
END_TEST

START_TEST(test_a_probe_after_the_back_off_brings_the_lun_back)
{
	struct storage_cmd cmd;

	hang_target0();
	unhang_target0();
	rig->rd[0]->data[0] = 0xa5;
	assert_fails_at_once();		/* answers again, but the back-off runs */
	rig->now = lun_io_find(&io, 0, 0)->retry_at;
	read_cmd(&cmd, 0, 0);
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_ENDED);
	ck_assert_int_eq(io.event, LUN_EV_RESPONSIVE);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_OK);
	ck_assert_uint_eq(cmd.status, 0);
	ck_assert_uint_eq(rig->ram[PHYS_DATA], 0xa5);
	ck_assert_ptr_null(lun_io_find(&io, 0, 0));
}
END_TEST

START_TEST(test_a_silent_probe_keeps_the_mark_and_doubles_the_back_off)
{
	const struct lun_io_down *d;
	struct storage_cmd cmd;
	uint64_t t0;

	hang_target0();
	d = lun_io_find(&io, 0, 0);
	rig->now = d->retry_at;
	t0 = rig->now;
	read_cmd(&cmd, 0, 0);
	cmd.timeout_ms = 0;			/* the adapter's default, 30 s */
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_ENDED);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_TIMEOUT);
	ck_assert_int_eq(io.event, LUN_EV_PROBE_FAILED);
	/* the probe's deadline was cut short */
	ck_assert_uint_le(rig->now - t0, LUN_PROBE_TIMEOUT_MS + 2 * PVH_ABORT_TIMEOUT_MS +
			  100 * TICK_MS);
	ck_assert_uint_eq(d->probes_failed, 1);
	ck_assert_uint_eq(d->backoff_ms, 2 * LUN_BACKOFF_MIN_MS);
	ck_assert_uint_ge(d->retry_at, rig->now + 2 * LUN_BACKOFF_MIN_MS - 10 * TICK_MS);
	assert_fails_at_once();
	/* the back-off stops doubling at its ceiling */
	for (int i = 0; i < 10; i++) {
		rig->now = d->retry_at;
		read_cmd(&cmd, 0, 0);
		ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_ENDED);
		ck_assert_int_eq(cmd.host, STORAGE_HOST_TIMEOUT);
	}
	ck_assert_uint_eq(rig->hba.stats.timeouts, 12);
	ck_assert_uint_eq(d->backoff_ms, LUN_BACKOFF_MAX_MS);
	ck_assert(lun_io_worth_logging(1) && lun_io_worth_logging(8));
	ck_assert(!lun_io_worth_logging(0) && !lun_io_worth_logging(6));
}
END_TEST

START_TEST(test_a_failed_adapter_refuses_at_once_until_a_reset_revives_it)
{
	struct storage_cmd cmd;
	uint32_t resets;

	/* the device posts garbage: the driver stops the adapter */
	vmm_put32(rig->hba.state + PVSCSI_RS_CMP_PROD, 100000);
	rig->hba.adapter.ops->poll(rig->hba.adapter.hba);
	ck_assert_ptr_nonnull(pvscsi_hba_error(&rig->hba));
	read_cmd(&cmd, 2, 0);
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_REFUSED);
	ck_assert_int_eq(io.event, LUN_EV_ADAPTER_DOWN);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_ERROR);
	resets = (uint32_t)rig->hba.stats.adapter_resets;
	read_cmd(&cmd, 2, 0);
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_REFUSED);
	ck_assert_int_eq(io.event, LUN_EV_NONE);
	ck_assert_uint_eq(rig->hba.stats.adapter_resets, resets);
	rig->now = lun_io_adapter_down(&io)->retry_at;
	read_cmd(&cmd, 2, 0);
	ck_assert_int_eq(lun_io_run(&io, &cmd), LUN_IO_ENDED);
	ck_assert_int_eq(io.event, LUN_EV_ADAPTER_UP);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_OK);
	ck_assert_uint_eq(rig->hba.stats.adapter_resets, resets + 1);
	ck_assert_ptr_null(lun_io_adapter_down(&io));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("lun_io");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_a_hung_command_times_out_within_the_ladder_and_marks_its_lun);
	tcase_add_test(tc, test_a_hung_lun_holds_its_caller_less_than_the_hold_limit);
	tcase_add_test(tc, test_other_luns_absorb_the_unit_attention_of_the_reset);
	tcase_add_test(tc, test_a_unit_attention_is_retried_only_within_the_commands_deadline);
	tcase_add_test(tc, test_the_next_command_to_a_marked_lun_fails_at_once);
	tcase_add_test(tc, test_another_lun_keeps_working_beside_a_marked_one);
	tcase_add_test(tc, test_a_probe_after_the_back_off_brings_the_lun_back);
	tcase_add_test(tc, test_a_silent_probe_keeps_the_mark_and_doubles_the_back_off);
	tcase_add_test(tc, test_a_failed_adapter_refuses_at_once_until_a_reset_revives_it);
	return check_run("vmkernel hung-LUN handling", tc);
}
