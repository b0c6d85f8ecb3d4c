// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmkernel's PVSCSI driver and LUN scan against vmk's PVSCSI model
 * (hba_test.h): setup, discovery, data round trips, the bounded queue,
 * UNIT ATTENTION, the timeout ladder (abort, bus reset, adapter reset) and
 * a hostile device's completion ring.
 */
#include "tests/unit/check_run.h"
#include "tests/unit/storage/hba_test.h"
#include "vmm/bytes.h"

static struct hba_rig *rig;
static struct storage_adapter *ad;

struct done_log {
	unsigned int calls;
};

static void count_done(struct storage_cmd *cmd)
{
	((struct done_log *)cmd->priv)->calls++;
}

static void setup(void)
{
	rig = rig_new();
	ck_assert_int_eq(rig_start(rig), VMK_OK);
	ad = &rig->hba.adapter;
}

static void teardown(void)
{
	rig_free(rig);
}

/* A READ(10)/WRITE(10) of nr blocks at lba to target over the given ranges. */
static void rw_cmd(struct storage_cmd *cmd, bool write, uint32_t target, uint32_t lba,
		   uint16_t nr, const struct storage_sg *sg, unsigned int nr_sg,
		   struct done_log *log)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->target = target;
	cmd->cdb[0] = write ? 0x2a : 0x28;
	vmm_put_be32(&cmd->cdb[2], lba);
	vmm_put_be16(&cmd->cdb[7], nr);
	cmd->cdb_len = 10;
	cmd->dir = write ? STORAGE_DIR_WRITE : STORAGE_DIR_READ;
	memcpy(cmd->sg, sg, nr_sg * sizeof(*sg));
	cmd->nr_sg = nr_sg;
	cmd->done = count_done;
	cmd->priv = log;
}

static const struct storage_sg one_block = { PHYS_DATA, 512 };

/* A one-block read of target 0 goes through and ends well. */
static void assert_a_read_works(void)
{
	struct storage_cmd cmd;
	struct done_log log = { 0 };

	rw_cmd(&cmd, false, 0, 0, 1, &one_block, 1, &log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_OK);
	ad->ops->poll(ad->hba);
	ck_assert_uint_eq(log.calls, 1);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_OK);
}

/* Target 0's disk finishes what it held; the driver then sees calls, bogus. */
static void assert_late_completions(const struct done_log *log, unsigned int calls,
				    unsigned int bogus)
{
	ramdisk_run(rig->rd[0]);
	ad->ops->poll(ad->hba);
	ck_assert_uint_eq(log->calls, calls);
	ck_assert_uint_eq(rig->hba.stats.bogus_completions, bogus);
}

/* The device posts a forged completion descriptor (its producer index moves). */
static void inject_completion(uint64_t context, uint64_t data_len, uint32_t sense_len,
			      uint16_t host, uint16_t scsi)
{
	struct pvscsi_hba *h = &rig->hba;
	uint32_t prod = vmm_get32(h->state + PVSCSI_RS_CMP_PROD);
	uint8_t *d = h->cmp_ring + (prod & (h->cmp_entries - 1)) * PVSCSI_CMP_DESC_LEN;

	vmm_put64(d + PVSCSI_CQ_CONTEXT, context);
	vmm_put64(d + PVSCSI_CQ_DATA_LEN, data_len);
	vmm_put32(d + PVSCSI_CQ_SENSE_LEN, sense_len);
	vmm_put16(d + PVSCSI_CQ_HOST_STATUS, host);
	vmm_put16(d + PVSCSI_CQ_SCSI_STATUS, scsi);
	vmm_put32(h->state + PVSCSI_RS_CMP_PROD, prod + 1);
	rig->dev.cmp_prod = prod + 1;
}

START_TEST(test_setup_gives_the_device_rings_and_unmasks_completions)
{
	ck_assert_ptr_null(pvscsi_hba_error(&rig->hba));
	ck_assert(rig->dev.rings_ok);
	ck_assert_uint_eq(rig->dev.req_log2, 5);
	ck_assert_uint_eq(rig->dev.cmp_log2, 7);
	ck_assert_uint_eq(rig->dev.intr_mask, PVSCSI_INTR_CMPL_MASK);
	ck_assert_str_eq(ad->name, "pvscsi");
	ck_assert_uint_eq(ad->queue_depth, PVH_QUEUE_DEPTH);
}
END_TEST

START_TEST(test_setup_fails_cleanly_without_memory)
{
	struct hba_rig *r = rig_new();

	r->next_page = PHYS_DATA - 4096;	/* room for one page only */
	ck_assert_int_eq(rig_start(r), VMK_NO_MEMORY);
	ck_assert_ptr_nonnull(pvscsi_hba_error(&r->hba));
	rig_free(r);
}
END_TEST

START_TEST(test_scan_finds_two_luns_with_their_capacities)
{
	struct scan_buf buf = { rig->ram + PHYS_DATA, PHYS_DATA, 4096 };
	static struct scan_result res;

	ck_assert_int_eq(scan_adapter(ad, &buf, ad->ops->now_ms(ad->hba), NULL, NULL, &res), VMK_OK);
	ck_assert_uint_eq(res.nr_luns, 2);
	ck_assert_uint_eq(res.lun[0].target, 0);
	ck_assert_uint_eq(res.lun[1].target, 2);
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(res.lun[i].lun, 0);
		ck_assert_uint_eq(res.lun[i].type, SCAN_TYPE_DISK);
		ck_assert_str_eq(res.lun[i].vendor, "VMware");
		ck_assert_ptr_null(res.lun[i].error);
		ck_assert_uint_eq(res.lun[i].block_size, 512);
	}
	ck_assert_uint_eq(res.lun[0].nr_blocks, DISK0_BLOCKS);
	ck_assert_uint_eq(res.lun[1].nr_blocks, DISK2_BLOCKS);
	ck_assert_uint_eq(res.ua_retries, 0);
	ck_assert_uint_eq(res.report_luns_refused, 0);
	ck_assert_uint_eq(res.bad_replies, 0);
}
END_TEST

START_TEST(test_scan_retries_a_unit_attention_after_a_reset)
{
	struct scan_buf buf = { rig->ram + PHYS_DATA, PHYS_DATA, 4096 };
	static struct scan_result res;

	scsi_disk_reset(&rig->disk[1]);
	ck_assert_int_eq(scan_adapter(ad, &buf, ad->ops->now_ms(ad->hba), NULL, NULL, &res), VMK_OK);
	ck_assert_uint_eq(res.nr_luns, 2);
	ck_assert_uint_eq(res.ua_retries, 1);
	ck_assert_ptr_null(res.lun[1].error);
	ck_assert_uint_eq(res.lun[1].nr_blocks, DISK2_BLOCKS);
}
END_TEST

START_TEST(test_write_then_read_round_trips_over_sg_lists)
{
	struct storage_sg wsg[2] = { { PHYS_DATA, 1536 }, { PHYS_DATA + 0x3000, 2560 } };
	struct storage_sg rsg[3] = { { PHYS_DATA + 0x10000, 512 },
				     { PHYS_DATA + 0x12000, 3072 },
				     { PHYS_DATA + 0x14000, 512 } };
	struct storage_cmd cmd;
	struct done_log log = { 0 };
	uint8_t want[4096], got[4096];

	for (unsigned int i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(i * 7 + 3);
	memcpy(rig->ram + wsg[0].addr, want, 1536);
	memcpy(rig->ram + wsg[1].addr, want + 1536, 2560);
	rw_cmd(&cmd, true, 2, 100, 8, wsg, 2, &log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_OK);
	ck_assert(ad->ops->interrupt(ad->hba));
	ck_assert_uint_eq(log.calls, 1);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_OK);
	ck_assert_uint_eq(cmd.status, 0);
	ck_assert_uint_eq(cmd.residual, 0);
	ck_assert_mem_eq(rig->rd[1]->data + 100 * 512, want, sizeof(want));

	rw_cmd(&cmd, false, 2, 100, 8, rsg, 3, &log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_OK);
	ck_assert(ad->ops->interrupt(ad->hba));
	ck_assert_uint_eq(log.calls, 2);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_OK);
	memcpy(got, rig->ram + rsg[0].addr, 512);
	memcpy(got + 512, rig->ram + rsg[1].addr, 3072);
	memcpy(got + 3584, rig->ram + rsg[2].addr, 512);
	ck_assert_mem_eq(got, want, sizeof(want));
	ck_assert(!ad->ops->interrupt(ad->hba));	/* acknowledged: not ours now */
}
END_TEST

START_TEST(test_a_medium_error_comes_back_with_its_sense)
{
	struct storage_cmd cmd;
	struct done_log log = { 0 };
	struct scan_sense s;

	rig->rd[0]->fail = SCSI_BACKEND_IO_ERROR;
	rw_cmd(&cmd, false, 0, 0, 1, &one_block, 1, &log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_OK);
	ad->ops->poll(ad->hba);
	ck_assert_uint_eq(log.calls, 1);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_OK);
	ck_assert_uint_eq(cmd.status, 0x02);
	ck_assert(scan_decode_sense(cmd.sense, cmd.sense_len, &s));
	ck_assert_uint_eq(s.key, 0x3);
}
END_TEST

START_TEST(test_the_queue_is_bounded_by_its_depth)
{
	static struct storage_cmd cmd[PVH_QUEUE_DEPTH + 1];
	struct done_log log = { 0 };

	rig->rd[0]->hold = true;
	for (int i = 0; i < PVH_QUEUE_DEPTH; i++) {
		rw_cmd(&cmd[i], false, 0, (uint32_t)i, 1, &one_block, 1, &log);
		ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd[i]), VMK_OK);
	}
	rw_cmd(&cmd[PVH_QUEUE_DEPTH], false, 0, 0, 1, &one_block, 1, &log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd[PVH_QUEUE_DEPTH]), VMK_BUSY);
	ck_assert_uint_eq(rig->hba.nr_active, PVH_QUEUE_DEPTH);
	ck_assert_uint_eq(ramdisk_run(rig->rd[0]), PVH_QUEUE_DEPTH);
	ad->ops->poll(ad->hba);
	ck_assert_uint_eq(log.calls, PVH_QUEUE_DEPTH);
	for (int i = 0; i < PVH_QUEUE_DEPTH; i++)
		ck_assert_int_eq(cmd[i].host, STORAGE_HOST_OK);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd[PVH_QUEUE_DEPTH]), VMK_OK);
}
END_TEST

START_TEST(test_a_malformed_command_is_refused_before_the_ring)
{
	struct storage_cmd cmd;
	struct done_log log = { 0 };

	rw_cmd(&cmd, false, 0, 0, 1, &one_block, 1, &log);
	cmd.cdb_len = 17;
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_BAD_PARAM);
	rw_cmd(&cmd, false, PVH_MAX_TARGETS, 0, 1, &one_block, 1, &log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_BAD_PARAM);
	rw_cmd(&cmd, false, 0, 0, 1, &one_block, 1, &log);
	cmd.sg[0].addr = UINT64_MAX - 10;
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_BAD_PARAM);
	ck_assert_uint_eq(rig->hba.req_prod, 0);
}
END_TEST

START_TEST(test_an_abort_on_request_ends_the_command_as_aborted)
{
	struct storage_cmd cmd;
	struct done_log log = { 0 };

	rig->rd[0]->hold = true;
	rw_cmd(&cmd, false, 0, 0, 1, &one_block, 1, &log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_OK);
	ck_assert_int_eq(ad->ops->abort(ad->hba, &cmd), VMK_OK);
	ck_assert_uint_eq(log.calls, 1);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_ABORTED);
	ck_assert_int_eq(ad->ops->abort(ad->hba, &cmd), VMK_BAD_PARAM);	/* ended */
	assert_late_completions(&log, 1, 0);
}
END_TEST

START_TEST(test_a_timeout_aborts_the_command)
{
	struct storage_cmd cmd;
	struct done_log log = { 0 };

	rig->rd[0]->hold = true;
	rw_cmd(&cmd, false, 0, 0, 1, &one_block, 1, &log);
	cmd.timeout_ms = 100;
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_OK);
	rig->now += 99;
	ad->ops->tick(ad->hba);
	ck_assert_uint_eq(log.calls, 0);
	rig->now += 1;
	ad->ops->tick(ad->hba);
	ck_assert_uint_eq(log.calls, 1);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_TIMEOUT);
	ck_assert_uint_eq(cmd.residual, 512);
	ck_assert_uint_eq(rig->hba.stats.timeouts, 1);
	ck_assert_uint_eq(rig->hba.stats.aborts, 1);
	ck_assert_uint_eq(rig->hba.stats.bus_resets, 0);
	/* the disk finishes late: the device drops it, the driver sees nothing */
	assert_late_completions(&log, 1, 0);
}
END_TEST

START_TEST(test_an_ignored_abort_leads_to_a_bus_reset)
{
	struct storage_cmd slow, other;
	struct done_log log = { 0 };

	rig->rd[0]->hold = true;
	rig->rd[1]->hold = true;
	rig->deaf_to = PVSCSI_CMD_ABORT_CMD;
	rw_cmd(&slow, false, 0, 0, 1, &one_block, 1, &log);
	slow.timeout_ms = 100;
	ck_assert_int_eq(ad->ops->queue(ad->hba, &slow), VMK_OK);
	rw_cmd(&other, false, 2, 0, 1, &one_block, 1, &log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &other), VMK_OK);
	rig->now += 100;
	ad->ops->tick(ad->hba);
	ck_assert_uint_eq(rig->hba.stats.aborts, 1);
	ck_assert_uint_eq(log.calls, 0);
	rig->now += PVH_ABORT_TIMEOUT_MS;
	ad->ops->tick(ad->hba);
	ck_assert_uint_eq(rig->hba.stats.bus_resets, 1);
	ck_assert_uint_eq(rig->hba.stats.adapter_resets, 0);
	ck_assert_uint_eq(log.calls, 2);
	ck_assert_int_eq(slow.host, STORAGE_HOST_TIMEOUT);
	ck_assert_int_eq(other.host, STORAGE_HOST_RESET);
	ck_assert_ptr_null(pvscsi_hba_error(&rig->hba));
}
END_TEST

START_TEST(test_an_ignored_bus_reset_leads_to_an_adapter_reset)
{
	struct storage_cmd cmd;
	struct done_log log = { 0 };

	rig->rd[0]->hold = true;
	rig->deaf_to = PVSCSI_CMD_ABORT_CMD;
	rw_cmd(&cmd, false, 0, 0, 1, &one_block, 1, &log);
	cmd.timeout_ms = 100;
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_OK);
	rig->now += 100;
	ad->ops->tick(ad->hba);
	rig->deaf_to = PVSCSI_CMD_RESET_BUS;
	rig->now += PVH_ABORT_TIMEOUT_MS;
	ad->ops->tick(ad->hba);
	ck_assert_uint_eq(log.calls, 0);
	rig->now += PVH_ABORT_TIMEOUT_MS;
	ad->ops->tick(ad->hba);
	ck_assert_uint_eq(rig->hba.stats.adapter_resets, 1);
	ck_assert_uint_eq(log.calls, 1);
	ck_assert_int_eq(cmd.host, STORAGE_HOST_TIMEOUT);
	ck_assert_uint_eq(rig->hba.nr_active, 0);
	/* the rings are set up again and take commands */
	rig->rd[0]->hold = false;
	ramdisk_run(rig->rd[0]);
	assert_a_read_works();
}
END_TEST

START_TEST(test_completions_naming_no_command_are_dropped)
{
	inject_completion(0, 0, 0, 0, 0);
	inject_completion(PVH_QUEUE_DEPTH + 1, 0, 0, 0, 0);
	inject_completion(UINT64_MAX, 0, 0, 0, 0);
	inject_completion(3, 0, 0, 0, 0);		/* a free slot */
	ad->ops->poll(ad->hba);
	ck_assert_uint_eq(rig->hba.stats.bogus_completions, 4);
	ck_assert_ptr_null(pvscsi_hba_error(&rig->hba));
	/* the driver's consumer index moved past them; real commands still work */
	ck_assert_uint_eq(vmm_get32(rig->hba.state + PVSCSI_RS_CMP_CONS), 4);
	assert_a_read_works();
}
END_TEST

/* Two one-block READs (contexts 1 and 2) the held disk does not answer yet. */
static void queue_two_held_reads(struct storage_cmd *a, struct storage_cmd *b,
				 struct done_log *log)
{
	rig->rd[0]->hold = true;
	rw_cmd(a, false, 0, 0, 1, &one_block, 1, log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, a), VMK_OK);
	rw_cmd(b, false, 0, 1, 1, &one_block, 1, log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, b), VMK_OK);
}

START_TEST(test_hostile_lengths_in_a_completion_are_bounded)
{
	struct storage_cmd a, b;
	struct done_log log = { 0 };

	queue_two_held_reads(&a, &b, &log);
	inject_completion(1, 1ull << 40, 0, 0, 0);		/* more than asked */
	inject_completion(2, 0, 0xffffffffu, 0, 0x02);		/* sense beyond the buffer */
	ad->ops->poll(ad->hba);
	ck_assert_uint_eq(log.calls, 2);
	ck_assert_int_eq(a.host, STORAGE_HOST_ERROR);
	ck_assert_uint_eq(a.residual, 512);
	ck_assert_int_eq(b.host, STORAGE_HOST_OK);
	ck_assert_uint_eq(b.sense_len, STORAGE_SENSE_MAX);
	ck_assert_uint_eq(b.residual, 512);
	/* the model's own completions for them come later: dropped */
	assert_late_completions(&log, 2, 2);
}
END_TEST

/* QEMU's pvscsi leaves dataLen 0 and says BTSTAT_DATARUN for a short reply. */
START_TEST(test_qemu_style_completions_without_a_data_length_count_as_done)
{
	struct storage_cmd a, b;
	struct done_log log = { 0 };

	queue_two_held_reads(&a, &b, &log);
	inject_completion(1, 0, 0, BTSTAT_SUCCESS, 0);
	inject_completion(2, 0, 0, BTSTAT_DATARUN, 0);
	ad->ops->poll(ad->hba);
	ck_assert_uint_eq(log.calls, 2);
	ck_assert_int_eq(a.host, STORAGE_HOST_OK);
	ck_assert_uint_eq(a.residual, 0);
	ck_assert_int_eq(b.host, STORAGE_HOST_OK);
	ck_assert_uint_eq(b.residual, 0);
	assert_late_completions(&log, 2, 2);
}
END_TEST

START_TEST(test_a_producer_index_beyond_the_ring_stops_the_adapter_until_reset)
{
	struct storage_cmd cmd;
	struct done_log log = { 0 };

	vmm_put32(rig->hba.state + PVSCSI_RS_CMP_PROD, 100000);
	ad->ops->poll(ad->hba);
	ck_assert_ptr_nonnull(pvscsi_hba_error(&rig->hba));
	ck_assert_uint_eq(rig->hba.stats.completions + rig->hba.stats.bogus_completions, 0);
	rw_cmd(&cmd, false, 0, 0, 1, &one_block, 1, &log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_HW_FAILURE);
	ck_assert_int_eq(ad->ops->reset_bus(ad->hba), VMK_OK);
	ck_assert_ptr_null(pvscsi_hba_error(&rig->hba));
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_OK);
	ad->ops->poll(ad->hba);
	ck_assert_uint_eq(log.calls, 1);
}
END_TEST

START_TEST(test_a_request_consumer_index_ahead_of_ours_stops_the_adapter_until_reset)
{
	struct storage_cmd cmd;
	struct done_log log = { 0 };

	/* a device claiming to have consumed more than was produced */
	vmm_put32(rig->hba.state + PVSCSI_RS_REQ_CONS, 5);
	rw_cmd(&cmd, false, 0, 0, 1, &one_block, 1, &log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_HW_FAILURE);
	ck_assert_uint_eq(rig->hba.nr_active, 0);
	ck_assert_ptr_nonnull(pvscsi_hba_error(&rig->hba));
	ck_assert_int_eq(ad->ops->reset_bus(ad->hba), VMK_OK);
	assert_a_read_works();
}
END_TEST

/*
 * Fuzzer find: a consumer index a whole ring behind ours with nothing in
 * flight made the ring look full for ever (VMK_BUSY at every queue, no
 * command for the timeout ladder to reset). A device completes only
 * what it consumed: behind by more than the commands in flight is garbage.
 */
START_TEST(test_a_request_consumer_index_behind_the_commands_in_flight_stops_the_adapter)
{
	struct storage_cmd cmd;
	struct done_log log = { 0 };

	assert_a_read_works();
	vmm_put32(rig->hba.state + PVSCSI_RS_REQ_CONS, rig->hba.req_prod - rig->hba.req_entries);
	rw_cmd(&cmd, false, 0, 0, 1, &one_block, 1, &log);
	ck_assert_int_eq(ad->ops->queue(ad->hba, &cmd), VMK_HW_FAILURE);
	ck_assert_ptr_nonnull(pvscsi_hba_error(&rig->hba));
	ck_assert_int_eq(ad->ops->reset_bus(ad->hba), VMK_OK);
	assert_a_read_works();
}
END_TEST

START_TEST(test_sense_decoding_checks_the_length_first)
{
	const uint8_t fixed[18] = { 0x70, 0, 0x06, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x29, 0x03 };
	const uint8_t desc[8] = { 0x72, 0x02, 0x04, 0x01 };
	struct scan_sense s;

	ck_assert(!scan_decode_sense(fixed, 0, &s));
	ck_assert(!scan_decode_sense(fixed, 2, &s));
	ck_assert(scan_decode_sense(fixed, 3, &s));
	ck_assert_uint_eq(s.key, 0x6);
	ck_assert_uint_eq(s.asc, 0);
	ck_assert(scan_decode_sense(fixed, sizeof(fixed), &s));
	ck_assert_uint_eq(s.asc, 0x29);
	ck_assert_uint_eq(s.ascq, 0x03);
	ck_assert(!scan_decode_sense(desc, 3, &s));
	ck_assert(scan_decode_sense(desc, 4, &s));
	ck_assert_uint_eq(s.key, 0x2);
	ck_assert_uint_eq(s.asc, 0x04);
	ck_assert(!scan_decode_sense((const uint8_t[]){ 0x00, 0, 0 }, 3, &s));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("pvscsi_hba");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_setup_gives_the_device_rings_and_unmasks_completions);
	tcase_add_test(tc, test_setup_fails_cleanly_without_memory);
	tcase_add_test(tc, test_scan_finds_two_luns_with_their_capacities);
	tcase_add_test(tc, test_scan_retries_a_unit_attention_after_a_reset);
	tcase_add_test(tc, test_write_then_read_round_trips_over_sg_lists);
	tcase_add_test(tc, test_a_medium_error_comes_back_with_its_sense);
	tcase_add_test(tc, test_the_queue_is_bounded_by_its_depth);
	tcase_add_test(tc, test_a_malformed_command_is_refused_before_the_ring);
	tcase_add_test(tc, test_an_abort_on_request_ends_the_command_as_aborted);
	tcase_add_test(tc, test_a_timeout_aborts_the_command);
	tcase_add_test(tc, test_an_ignored_abort_leads_to_a_bus_reset);
	tcase_add_test(tc, test_an_ignored_bus_reset_leads_to_an_adapter_reset);
	tcase_add_test(tc, test_completions_naming_no_command_are_dropped);
	tcase_add_test(tc, test_hostile_lengths_in_a_completion_are_bounded);
	tcase_add_test(tc, test_qemu_style_completions_without_a_data_length_count_as_done);
	tcase_add_test(tc, test_a_producer_index_beyond_the_ring_stops_the_adapter_until_reset);
	tcase_add_test(tc, test_a_request_consumer_index_ahead_of_ours_stops_the_adapter_until_reset);
	tcase_add_test(tc, test_a_request_consumer_index_behind_the_commands_in_flight_stops_the_adapter);
	tcase_add_test(tc, test_sense_decoding_checks_the_length_first);
	return check_run("vmkernel PVSCSI HBA driver", tc);
}
