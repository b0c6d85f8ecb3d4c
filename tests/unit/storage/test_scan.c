// SPDX-License-Identifier: GPL-2.0-only
/*
 * LUN discovery against a scripted adapter (a second implementation of
 * adapter.h): what a real target may answer that vmk's disk model never
 * does. REPORT LUNS refused or lying about its length, READ CAPACITY(16)
 * refused, impossible capacities, short INQUIRY data, NOT READY and a
 * UNIT ATTENTION that does not go away; VPD identity pages that lie
 * about their lengths.
 */
#include "tests/unit/check_run.h"
#include "vmkernel/storage/scan.h"
#include "vmm/bytes.h"

#define BUF_PHYS	0x100000u

/* The targets in present answer from this script; the others are absent. */
struct script {
	uint32_t present;		/* a bit per target: target 0 alone by default */
	uint8_t report_luns[8 + 8 * SCAN_LUNS_PER_TARGET];
	uint32_t report_luns_len;	/* bytes transferred; 0: ILLEGAL REQUEST */
	uint32_t inquiry_len;
	uint8_t vpd83[300], vpd80[300];	/* VPD pages 83h, 80h as sent */
	uint32_t vpd83_len, vpd80_len;	/* bytes of each; 0: ILLEGAL REQUEST */
	uint8_t inquiry_type;
	uint8_t tur_key;		/* sense key for TEST UNIT READY; 0: GOOD */
	bool rc16_refused;
	bool hang;			/* hang_op to hang_lun times out */
	uint8_t hang_op;
	uint32_t hang_lun;
	unsigned int to_hung_lun;	/* commands sent to hang_lun */
	uint64_t last_lba;
	uint32_t block_size;
	unsigned int commands;
	uint64_t now;			/* ms: the adapter's clock */
	uint32_t luns_present;		/* INQUIRY finds a logical unit below this */
	uint32_t slow_ms;		/* each command takes this long; 0: none */
	uint64_t last_end;		/* ms: the latest deadline a command had */
	uint32_t least_timeout;		/* ms: the shortest a command was given */
};

static struct script sc;
static uint8_t buf_mem[SCAN_BUF_MIN];
static struct storage_cmd *pending;
static struct scan_result res;

static void check_condition(struct storage_cmd *cmd, uint8_t key)
{
	cmd->status = 0x02;
	memset(cmd->sense, 0, 18);
	cmd->sense[0] = 0x70;
	cmd->sense[2] = key;
	cmd->sense[7] = 10;
	cmd->sense_len = 18;
}

/* The reply bytes of the CDB into the buffer; the residual from n. */
static void reply(struct storage_cmd *cmd, const uint8_t *data, uint32_t n)
{
	uint32_t len = cmd->nr_sg ? cmd->sg[0].len : 0;

	if (n > len)
		n = len;
	memcpy(buf_mem, data, n);
	cmd->residual = len - n;
}

static void answer(struct storage_cmd *cmd)
{
	uint8_t r[64];

	memset(r, 0, sizeof(r));
	cmd->host = STORAGE_HOST_OK;
	cmd->status = 0;
	cmd->sense_len = 0;
	cmd->residual = cmd->nr_sg ? cmd->sg[0].len : 0;
	switch (cmd->cdb[0]) {
	case 0xa0:		/* REPORT LUNS */
		if (!sc.report_luns_len)
			return check_condition(cmd, 0x5);
		return reply(cmd, sc.report_luns, sc.report_luns_len);
	case 0x12:		/* INQUIRY */
		if (cmd->cdb[1] & 1 && cmd->cdb[2] == 0x83 && sc.vpd83_len)
			return reply(cmd, sc.vpd83, sc.vpd83_len);
		if (cmd->cdb[1] & 1 && cmd->cdb[2] == 0x80 && sc.vpd80_len)
			return reply(cmd, sc.vpd80, sc.vpd80_len);
		if (cmd->cdb[1] & 1)
			return check_condition(cmd, 0x5);
		r[0] = cmd->lun >= sc.luns_present ? 0x7f : sc.inquiry_type;
		memcpy(&r[8], "ACME    " "Disk\x01" "Drive      ", 24);
		return reply(cmd, r, sc.inquiry_len);
	case 0x00:		/* TEST UNIT READY */
		if (sc.tur_key)
			check_condition(cmd, sc.tur_key);
		return;
	case 0x9e:		/* READ CAPACITY(16) */
		if (sc.rc16_refused)
			return check_condition(cmd, 0x5);
		vmm_put_be64(&r[0], sc.last_lba);
		vmm_put_be32(&r[8], sc.block_size);
		return reply(cmd, r, 32);
	case 0x25:		/* READ CAPACITY(10) */
		vmm_put_be32(&r[0], sc.last_lba > 0xffffffffu ? 0xffffffffu : (uint32_t)sc.last_lba);
		vmm_put_be32(&r[4], sc.block_size);
		return reply(cmd, r, 8);
	default:
		return check_condition(cmd, 0x5);
	}
}

static int fake_queue(void *hba, struct storage_cmd *cmd)
{
	(void)hba;
	ck_assert_ptr_null(pending);
	ck_assert(cmd->nr_sg == 0 || cmd->sg[0].addr == BUF_PHYS);
	sc.commands++;
	if (sc.hang && cmd->lun == sc.hang_lun && !cmd->target)
		sc.to_hung_lun++;
	pending = cmd;
	return VMK_OK;
}

static void fake_poll(void *hba)
{
	struct storage_cmd *cmd = pending;

	(void)hba;
	if (!cmd)
		return;
	pending = NULL;
	if (sc.now + cmd->timeout_ms > sc.last_end)
		sc.last_end = sc.now + cmd->timeout_ms;
	if (!sc.least_timeout || cmd->timeout_ms < sc.least_timeout)
		sc.least_timeout = cmd->timeout_ms;
	if (sc.slow_ms && !cmd->target && sc.slow_ms >= cmd->timeout_ms) {
		/* no answer by its deadline: the driver's ladder ends it */
		sc.now += cmd->timeout_ms;
		cmd->host = STORAGE_HOST_TIMEOUT;
		cmd->residual = cmd->nr_sg ? cmd->sg[0].len : 0;
		cmd->done(cmd);
		return;
	}
	if (!cmd->target)
		sc.now += sc.slow_ms;
	if (!(sc.present >> cmd->target & 1)) {
		cmd->host = STORAGE_HOST_NO_TARGET;
		cmd->residual = cmd->nr_sg ? cmd->sg[0].len : 0;
	} else if (sc.hang && cmd->lun == sc.hang_lun && cmd->cdb[0] == sc.hang_op) {
		/* what a driver's ladder ends a command with that got no answer */
		ck_assert_uint_eq(cmd->timeout_ms, SCAN_CMD_TIMEOUT_MS);
		cmd->host = STORAGE_HOST_TIMEOUT;
		cmd->residual = cmd->nr_sg ? cmd->sg[0].len : 0;
	} else {
		answer(cmd);
	}
	cmd->done(cmd);
}

static void fake_tick(void *hba)
{
	(void)hba;
}

static uint64_t fake_now_ms(void *hba)
{
	(void)hba;
	return sc.now;
}

static const struct storage_adapter_ops fake_ops = {
	.queue = fake_queue, .poll = fake_poll, .tick = fake_tick,
	.now_ms = fake_now_ms,
};

static struct storage_adapter fake = {
	.name = "scripted", .ops = &fake_ops, .max_targets = 4, .queue_depth = 1,
};

/* A REPORT LUNS reply listing luns[] (peripheral addressing). */
static void set_luns(const uint32_t *luns, unsigned int nr)
{
	memset(sc.report_luns, 0, sizeof(sc.report_luns));
	vmm_put_be32(&sc.report_luns[0], nr * 8);
	for (unsigned int i = 0; i < nr; i++)
		sc.report_luns[8 + 8 * i + 1] = (uint8_t)luns[i];
	sc.report_luns_len = 8 + nr * 8;
}

static void setup(void)
{
	const uint32_t lun0 = 0;

	memset(&sc, 0, sizeof(sc));
	pending = NULL;
	sc.present = 1;
	fake.max_targets = 4;
	set_luns(&lun0, 1);
	sc.luns_present = 2;
	sc.inquiry_len = 36;
	sc.last_lba = 999;
	sc.block_size = 512;
}

static void scan(void)
{
	const struct scan_buf buf = { buf_mem, BUF_PHYS, sizeof(buf_mem) };

	ck_assert_int_eq(scan_adapter(&fake, &buf, sc.now, NULL, NULL, &res), VMK_OK);
}

START_TEST(test_a_refused_report_luns_scans_lun_0)
{
	sc.report_luns_len = 0;
	scan();
	ck_assert_uint_eq(res.report_luns_refused, 1);
	ck_assert_uint_eq(res.nr_luns, 1);
	ck_assert_uint_eq(res.lun[0].lun, 0);
	ck_assert_uint_eq(res.lun[0].nr_blocks, 1000);
}
END_TEST

/* The scan found nr LUNs, the last of them last_lun, and refused bad replies. */
static void assert_found(unsigned int nr, uint32_t last_lun, unsigned int bad)
{
	ck_assert_uint_eq(res.nr_luns, nr);
	ck_assert_uint_eq(res.lun[nr - 1].lun, last_lun);
	ck_assert_uint_eq(res.bad_replies, bad);
}

/* The one LUN was found but is not usable, for this reason. */
static void assert_unusable(const char *why)
{
	ck_assert_uint_eq(res.nr_luns, 1);
	ck_assert_uint_eq(res.lun[0].nr_blocks, 0);
	ck_assert_str_eq(res.lun[0].error, why);
}

START_TEST(test_report_luns_reads_only_what_arrived)
{
	const uint32_t luns[2] = { 0, 1 };

	set_luns(luns, 2);
	vmm_put_be32(&sc.report_luns[0], 0xfffffff8u);	/* claims 512M entries */
	scan();
	assert_found(2, 1, 0);
}
END_TEST

START_TEST(test_report_luns_drops_duplicates_and_unaddressable_luns)
{
	const uint32_t luns[3] = { 1, 1, 0 };

	set_luns(luns, 3);
	sc.report_luns[8 + 2 * 8 + 0] = 0xc0;	/* extended addressing: not ours */
	scan();
	assert_found(1, 1, 1);
}
END_TEST

START_TEST(test_no_logical_unit_behind_a_listed_lun_is_skipped)
{
	const uint32_t luns[2] = { 0, 5 };

	set_luns(luns, 2);
	scan();
	ck_assert_uint_eq(res.nr_luns, 1);
	ck_assert_str_eq(res.lun[0].vendor, "ACME");
	ck_assert_str_eq(res.lun[0].product, "Disk_Drive");
}
END_TEST

START_TEST(test_a_refused_read_capacity_16_falls_back_to_10)
{
	sc.rc16_refused = true;
	sc.block_size = 4096;
	scan();
	ck_assert_ptr_null(res.lun[0].error);
	ck_assert_uint_eq(res.lun[0].nr_blocks, 1000);
	ck_assert_uint_eq(res.lun[0].block_size, 4096);
}
END_TEST

START_TEST(test_a_capacity_that_needs_16_when_16_is_refused_is_an_error)
{
	sc.rc16_refused = true;
	sc.last_lba = 1ull << 33;
	scan();
	assert_unusable("the LUN's READ CAPACITY reply is malformed");
}
END_TEST

START_TEST(test_impossible_capacities_and_block_sizes_are_refused)
{
	const uint32_t sizes[3] = { 0, 520, 1u << 20 };

	for (unsigned int i = 0; i < 3; i++) {
		sc.block_size = sizes[i];
		scan();
		ck_assert_uint_eq(res.lun[0].nr_blocks, 0);
		ck_assert_ptr_nonnull(res.lun[0].error);
	}
	sc.block_size = 512;
	sc.last_lba = UINT64_MAX;
	scan();
	ck_assert_uint_eq(res.lun[0].nr_blocks, 0);
	ck_assert_uint_eq(res.bad_replies, 1);
}
END_TEST

START_TEST(test_a_short_inquiry_is_an_error_not_a_read_past_it)
{
	sc.inquiry_len = 20;
	scan();
	assert_unusable("the LUN's INQUIRY reply is too short");
	ck_assert_str_eq(res.lun[0].vendor, "");
}
END_TEST

START_TEST(test_not_ready_and_medium_error_are_named)
{
	sc.tur_key = 0x2;
	scan();
	assert_unusable("the LUN is not ready (NOT READY)");
	ck_assert_uint_eq(res.lun[0].sense.key, 0x2);
	sc.tur_key = 0x3;
	scan();
	assert_unusable("the LUN's medium failed (MEDIUM ERROR)");
}
END_TEST

START_TEST(test_a_unit_attention_that_never_clears_gives_up_after_the_retries)
{
	sc.tur_key = 0x6;
	scan();
	ck_assert_uint_eq(res.ua_retries, SCAN_UA_RETRIES);
	ck_assert_str_eq(res.lun[0].error, "the LUN kept reporting UNIT ATTENTION");
}
END_TEST

START_TEST(test_a_non_disk_lun_gets_no_capacity)
{
	sc.inquiry_type = 0x05;		/* CD/DVD */
	scan();
	ck_assert_uint_eq(res.lun[0].type, 0x05);
	ck_assert_uint_eq(res.lun[0].nr_blocks, 0);
	ck_assert_ptr_null(res.lun[0].error);
}
END_TEST

START_TEST(test_a_lun_that_times_out_is_listed_unresponsive_and_left_alone)
{
	const uint32_t luns[] = { 0, 1 };

	set_luns(luns, 2);
	sc.hang = true;
	sc.hang_lun = 1;
	sc.hang_op = 0x00;		/* TEST UNIT READY */
	scan();
	ck_assert_uint_eq(res.nr_luns, 2);
	ck_assert_ptr_null(res.lun[0].error);
	ck_assert(res.lun[1].unresponsive);
	ck_assert_ptr_nonnull(res.lun[1].error);
	ck_assert_uint_eq(res.lun[1].nr_blocks, 0);
	ck_assert_uint_eq(res.hung, 1);
	/*
	 * INQUIRY, VPD 83h and 80h (both refused: no identity) and the TEST
	 * UNIT READY that hung; no READ CAPACITY
	 */
	ck_assert_uint_eq(sc.to_hung_lun, 4);
}
END_TEST

START_TEST(test_a_hung_report_luns_lists_lun_0_unresponsive_without_probing_it)
{
	sc.hang = true;
	sc.hang_lun = 0;
	sc.hang_op = 0xa0;
	scan();
	ck_assert_uint_eq(res.nr_luns, 1);
	ck_assert(res.lun[0].unresponsive);
	ck_assert_uint_eq(sc.to_hung_lun, 1);
	ck_assert_uint_eq(res.report_luns_refused, 1);
}
END_TEST

static unsigned int yields_left;

static bool yield_some(void *ctx, uint64_t by)
{
	(void)ctx;
	(void)by;
	if (!yields_left)
		return false;
	yields_left--;
	return true;
}

START_TEST(test_a_scan_its_caller_stops_says_busy_and_sends_nothing_more)
{
	const struct scan_buf buf = { buf_mem, BUF_PHYS, sizeof(buf_mem) };

	yields_left = 2;		/* REPORT LUNS, INQUIRY */
	ck_assert_int_eq(scan_adapter(&fake, &buf, sc.now, yield_some, NULL, &res), VMK_BUSY);
	ck_assert_uint_eq(sc.commands, 2);
	ck_assert_uint_eq(res.nr_luns, 0);
}
END_TEST

/* Target 0 with 8 disks that each answer just before every deadline. */
static void slow_target(void)
{
	const uint32_t luns[] = { 0, 1, 2, 3, 4, 5, 6, 7 };

	set_luns(luns, 8);
	sc.luns_present = 8;
	sc.slow_ms = SCAN_CMD_TIMEOUT_MS - 1;
}

static unsigned int not_probed(const struct scan_result *r)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->nr_luns; i++) {
		if (!r->lun[i].not_probed)
			continue;
		ck_assert_ptr_nonnull(strstr(r->lun[i].error, "ran out of time"));
		n++;
	}
	return n;
}

START_TEST(test_a_target_that_answers_just_in_time_ends_the_scan_by_its_deadline)
{
	slow_target();
	scan();
	ck_assert_uint_le(sc.now, SCAN_TOTAL_MS);
	ck_assert_uint_le(sc.last_end, SCAN_TOTAL_MS);
	ck_assert_uint_ge(sc.least_timeout, SCAN_MIN_CMD_MS);	/* none sent to be cut */
	ck_assert(res.out_of_time);
	ck_assert_uint_eq(res.hung, 0);
	/* every LUN REPORT LUNS named is listed, the ones not reached as such */
	ck_assert_uint_eq(res.nr_luns, 8);
	ck_assert_uint_ge(not_probed(&res), 5);
	ck_assert_uint_eq(res.skipped_from, 1);
	ck_assert_uint_eq(res.targets_skipped, fake.max_targets - 1);
}
END_TEST

START_TEST(test_a_unit_attention_every_time_ends_the_scan_by_its_deadline)
{
	slow_target();
	sc.tur_key = 0x6;
	scan();
	ck_assert_uint_le(sc.now, SCAN_TOTAL_MS);
	ck_assert_uint_le(sc.last_end, SCAN_TOTAL_MS);
	ck_assert_uint_ge(sc.least_timeout, SCAN_MIN_CMD_MS);	/* none sent to be cut */
	ck_assert(res.out_of_time);
	ck_assert_uint_ge(not_probed(&res), 5);
}
END_TEST

START_TEST(test_a_callers_wait_for_its_lock_counts_against_the_deadline)
{
	const struct scan_buf buf = { buf_mem, BUF_PHYS, sizeof(buf_mem) };

	slow_target();
	sc.now = SCAN_TOTAL_MS - 1000;	/* the caller began at 0, waited 11 s */
	ck_assert_int_eq(scan_adapter(&fake, &buf, 0, NULL, NULL, &res), VMK_OK);
	ck_assert_uint_le(sc.now, SCAN_TOTAL_MS);
	ck_assert_uint_le(sc.last_end, SCAN_TOTAL_MS);
	ck_assert(res.out_of_time);
}
END_TEST

/*
 * The storage lock as a rescan holds it (storage.c), and VM I/O that
 * asks for it before the scan's second command and keeps it for
 * vm_holds_ms (LUN_IO_HOLD_MAX_MS, 15 s: a hung VM disk). In a stream,
 * each VM command queues the next before it lets go, as a busy VM
 * does; one that has the lock while the scan counts itself urgent lets
 * go at once (gated_lock(), test_spinlock), and the stream ends there.
 */
static struct gated_lock storage_lock;
static uint32_t vm_holds_ms;
static uint64_t vm_lets_go_at;
static unsigned int yields, vm_commands;
static bool vm_stream;

static void vm_io_queues(void)
{
	/* VM I/O's gated_lock() took its ticket: it goes next */
	__atomic_fetch_add(&storage_lock.lock.t.next, 1, __ATOMIC_RELAXED);
	vm_lets_go_at = sc.now + vm_holds_ms;
}

/* The clock while the scan waits for the lock: 1 ms at each reading. */
static uint64_t waiting_now_ms(void *ctx)
{
	(void)ctx;
	++sc.now;
	if (vm_stream && storage_lock.urgent && vm_lets_go_at > sc.now) {
		vm_lets_go_at = 0;		/* read the count: lets go unused */
		gated_unlock(&storage_lock);
	} else if (sc.now == vm_lets_go_at) {
		vm_commands++;
		if (vm_stream)
			vm_io_queues();
		gated_unlock(&storage_lock);
	}
	return sc.now;
}

static bool yield_to_vm_io(void *ctx, uint64_t by)
{
	if (++yields == 2)
		vm_io_queues();
	return scan_yield_lock(ctx, by);
}

/* A scan under storage_lock next to VM I/O that holds it vm_holds_ms. */
static int scan_next_to_vm_io(struct scan_lock *sl, uint32_t ms, bool stream)
{
	const struct scan_buf buf = { buf_mem, BUF_PHYS, sizeof(buf_mem) };
	static const bool stop;

	memset(&storage_lock, 0, sizeof(storage_lock));
	memset(sl, 0, sizeof(*sl));
	sl->lock = &storage_lock;
	sl->now_ms = waiting_now_ms;
	sl->stop = &stop;
	vm_holds_ms = ms;
	vm_stream = stream;
	yields = 0;
	vm_commands = 0;
	gated_lock(&storage_lock);
	return scan_adapter(&fake, &buf, sc.now, yield_to_vm_io, sl, &res);
}

START_TEST(test_a_scan_stops_when_vm_io_holds_its_lock_past_the_deadline)
{
	struct scan_lock sl;
	int ret = scan_next_to_vm_io(&sl, 15000, false);

	ck_assert_uint_le(sc.now, SCAN_SEND_BY_MS);
	ck_assert_int_eq(ret, VMK_BUSY);
	ck_assert(sl.lost);
	ck_assert_uint_eq(sc.commands, 1);	/* REPORT LUNS; nothing after */
}
END_TEST

START_TEST(test_a_scan_goes_on_when_vm_io_lets_go_of_its_lock_in_time)
{
	struct scan_lock sl;

	ck_assert_int_eq(scan_next_to_vm_io(&sl, 2000, false), VMK_OK);
	ck_assert(!sl.lost);
	ck_assert_uint_ge(sc.now, 2000);
	ck_assert_uint_eq(res.nr_luns, 1);
	ck_assert_uint_eq(res.lun[0].nr_blocks, 1000);
	ck_assert(!spin_trylock(&storage_lock.lock));	/* the caller's again */
	gated_unlock(&storage_lock);
	ck_assert(spin_trylock(&storage_lock.lock));
}
END_TEST

/*
 * A stream of 1 s VM commands, each queued before the last lets go:
 * the one queued when the scan let go runs, the next finds the scan
 * counted and lets go, and the scan goes on. With a trylock alone the
 * stream keeps the lock past the scan's deadline.
 */
START_TEST(test_a_stream_of_vm_io_lets_a_scan_in_after_one_command)
{
	struct scan_lock sl;

	ck_assert_int_eq(scan_next_to_vm_io(&sl, 1000, true), VMK_OK);
	ck_assert(!sl.lost);
	ck_assert_uint_eq(vm_commands, 1);
	ck_assert_uint_lt(sc.now, 1000 + SCAN_TOTAL_MS / 2);
	ck_assert_uint_eq(res.nr_luns, 1);
	ck_assert_uint_eq(storage_lock.urgent, 0);
	gated_unlock(&storage_lock);
}
END_TEST

static bool held_none(void *ctx, uint32_t target, uint32_t lun)
{
	(void)ctx;
	(void)target;
	(void)lun;
	return false;
}

START_TEST(test_a_rescan_out_of_time_keeps_the_luns_it_did_not_probe)
{
	static struct scan_result known;
	struct scan_changes ch;

	slow_target();
	sc.slow_ms = 0;
	scan();
	ck_assert_uint_eq(res.nr_luns, 8);
	known = res;
	sc.slow_ms = SCAN_CMD_TIMEOUT_MS - 1;
	scan();
	ck_assert_uint_ge(not_probed(&res), 5);
	scan_merge(&known, &res, held_none, NULL, &ch);
	ck_assert_uint_eq(ch.gone, 0);
	ck_assert_uint_eq(ch.removed, 0);
	ck_assert_uint_eq(known.nr_luns, 8);
	for (unsigned int i = 0; i < known.nr_luns; i++) {
		ck_assert(!known.lun[i].gone);
		ck_assert_ptr_null(known.lun[i].error);
		ck_assert_uint_eq(known.lun[i].nr_blocks, 1000);
	}
}
END_TEST

START_TEST(test_luns_listed_past_a_full_list_are_kept_not_marked_gone)
{
	static struct scan_result known;
	struct scan_changes ch;
	const uint32_t luns[] = { 0, 1, 2, 3, 4, 5, 6, 7 };

	set_luns(luns, 8);
	sc.luns_present = 8;
	fake.max_targets = 5;
	sc.present = 0x1e;		/* targets 1-4: 32 LUNs, what the list holds */
	scan();
	ck_assert_uint_eq(res.nr_luns, ARRAY_SIZE(res.lun));
	ck_assert_uint_eq(res.overflow, 0);
	known = res;
	sc.present = 0x1f;		/* target 0 plugged: target 4 no longer fits */
	scan();
	ck_assert_uint_eq(res.nr_luns, ARRAY_SIZE(res.lun));
	ck_assert_uint_eq(res.overflow, 8);
	ck_assert_uint_eq(res.overflow_from, 4);
	scan_merge(&known, &res, held_none, NULL, &ch);
	ck_assert_uint_eq(ch.gone, 0);
	ck_assert_uint_eq(ch.dropped, 8);	/* target 0's: no room either */
	ck_assert_uint_eq(known.nr_luns, ARRAY_SIZE(known.lun));
	for (unsigned int i = 0; i < known.nr_luns; i++) {
		ck_assert_uint_ne(known.lun[i].target, 0);
		ck_assert(!known.lun[i].gone);
		ck_assert_ptr_null(known.lun[i].error);
		ck_assert_uint_eq(known.lun[i].nr_blocks, 1000);
	}
}
END_TEST

/* ---- the LUN's identity: VPD pages 83h and 80h ---- */

/* A page header: page code, page length. */
static uint32_t vpd_hdr(uint8_t *p, uint8_t page, uint16_t len)
{
	p[0] = 0;
	p[1] = page;
	vmm_put_be16(&p[2], len);
	return 4;
}

/* A designator at p: code set, association and type, len bytes of b. */
static uint32_t desig(uint8_t *p, uint8_t code, uint8_t assoc, uint8_t type,
		      const uint8_t *b, uint8_t len)
{
	p[0] = code;
	p[1] = (uint8_t)(assoc << 4 | type);
	p[2] = 0;
	p[3] = len;
	if (len)
		memcpy(&p[4], b, len);
	return 4u + len;
}

static const uint8_t naa5[8] = { 0x50, 0x01, 0x40, 0x5a, 0xbc, 0xde, 0xf0, 0x01 };
static const uint8_t naa6[16] = { 0x60, 0x0c, 0x29, 0x01, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
static const uint8_t eui[8] = { 0x00, 0x25, 0x38, 0x01, 0x02, 0x03, 0x04, 0x05 };

/*
 * The parser over exactly n bytes of a heap copy of p, so that ASan
 * catches any read past what the device transferred.
 */
static bool parse(bool page83, const uint8_t *p, uint32_t n, struct scan_id *id)
{
	uint8_t *copy = malloc(n ? n : 1);
	bool ok;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, p, n);
	ok = page83 ? scan_parse_vpd83(copy, n, id) : scan_parse_vpd80(copy, n, id);
	free(copy);
	return ok;
}

/* Page 83h of page_len at p, n bytes sent: parsed, it names kind. */
static void expect_83(uint8_t *p, uint16_t page_len, uint32_t n,
		      enum scan_id_kind kind, struct scan_id *id)
{
	vpd_hdr(p, 0x83, page_len);
	ck_assert(parse(true, p, n, id));
	ck_assert_uint_eq(id->kind, kind);
}

START_TEST(test_the_naa_designator_of_the_logical_unit_names_it)
{
	uint8_t p[128] = { 0 };
	struct scan_id id;
	uint32_t n = 4;

	/* a port's NAA, an ASCII T10 vendor id and an EUI-64 first */
	n += desig(&p[n], 1, 1, 3, naa5, 8);
	n += desig(&p[n], 2, 0, 1, (const uint8_t *)"ACME    DISK0001", 16);
	n += desig(&p[n], 1, 0, 2, eui, 8);
	n += desig(&p[n], 1, 0, 3, naa6, 16);
	expect_83(p, (uint16_t)(n - 4), n, SCAN_ID_NAA, &id);
	ck_assert_uint_eq(id.len, 16);
	ck_assert_mem_eq(id.b, naa6, 16);
	/* without it, the EUI-64 */
	n -= 20;
	expect_83(p, (uint16_t)(n - 4), n, SCAN_ID_EUI64, &id);
	ck_assert_mem_eq(id.b, eui, 8);
	/* without that, nothing: the port's NAA names no disk */
	n -= 12;
	expect_83(p, (uint16_t)(n - 4), n, SCAN_ID_NONE, &id);
}
END_TEST

START_TEST(test_a_short_or_foreign_vpd_reply_is_malformed)
{
	uint8_t p[16] = { 0 };
	struct scan_id id;

	vpd_hdr(p, 0x83, 8);
	for (uint32_t n = 0; n < 4; n++) {
		ck_assert(!parse(true, p, n, &id));
		ck_assert_uint_eq(id.kind, SCAN_ID_NONE);
		ck_assert(!parse(false, p, n, &id));
	}
	/* the standard INQUIRY data, or another page, where 83h was asked */
	ck_assert(!parse(false, p, sizeof(p), &id));
	p[1] = 0x00;
	ck_assert(!parse(true, p, sizeof(p), &id));
}
END_TEST

START_TEST(test_lengths_past_the_transfer_or_the_page_are_not_read)
{
	uint8_t p[64] = { 0 };
	struct scan_id id;
	uint32_t n = 4;

	n += desig(&p[n], 1, 0, 3, naa6, 16);
	/* a page length of 65535 with 24 bytes sent: only those are read */
	expect_83(p, 0xffff, n, SCAN_ID_NAA, &id);
	/* the designator cut by the transfer: not taken, nothing past read */
	for (uint32_t cut = 4; cut < n; cut++) {
		ck_assert(parse(true, p, cut, &id));
		ck_assert_uint_eq(id.kind, SCAN_ID_NONE);
	}
	/* cut by the page length, the bytes after it sent anyway */
	expect_83(p, 12, n, SCAN_ID_NONE, &id);
	/* a designator length of 255 in a 24 byte page */
	p[7] = 255;
	expect_83(p, (uint16_t)(n - 4), n, SCAN_ID_NONE, &id);
}
END_TEST

START_TEST(test_zero_length_and_misshapen_designators_are_walked_past)
{
	uint8_t p[256] = { 0 };
	struct scan_id id;
	uint32_t n = 4;

	for (int i = 0; i < 40; i++)
		n += desig(&p[n], 1, 0, 3, NULL, 0);	/* empty NAAs */
	n += desig(&p[n], 1, 0, 3, naa6, 8);	/* NAA 6 is 16 bytes */
	n += desig(&p[n], 2, 0, 3, naa5, 8);	/* ASCII code set */
	n += desig(&p[n], 1, 0, 2, eui, 4);	/* EUI-64 of 4 */
	expect_83(p, (uint16_t)(n - 4), n, SCAN_ID_NONE, &id);
	n += desig(&p[n], 1, 0, 3, naa5, 8);
	expect_83(p, (uint16_t)(n - 4), n, SCAN_ID_NAA, &id);
	ck_assert_mem_eq(id.b, naa5, 8);
}
END_TEST

START_TEST(test_the_unit_serial_is_cut_of_blanks_and_bounded)
{
	uint8_t p[300];
	struct scan_id id;
	char text[SCAN_ID_TEXT_LEN];

	memset(p, ' ', sizeof(p));
	vpd_hdr(p, 0x80, 12);
	memcpy(&p[6], "S1'\x01", 4);
	ck_assert(parse(false, p, 16, &id));
	ck_assert_uint_eq(id.kind, SCAN_ID_SERIAL);
	ck_assert_uint_eq(id.len, 4);
	scan_format_id(&id, text, sizeof(text));
	ck_assert_str_eq(text, "serial 'S1__'");
	/* blanks only: none; a page length past the transfer: what came */
	vpd_hdr(p, 0x80, 0xffff);
	memset(&p[4], ' ', sizeof(p) - 4);
	ck_assert(parse(false, p, sizeof(p), &id));
	ck_assert_uint_eq(id.kind, SCAN_ID_NONE);
	/* 200 characters: the first SCAN_ID_MAX */
	memset(&p[4], 'x', 200);
	p[4] = 'a';
	ck_assert(parse(false, p, sizeof(p), &id));
	ck_assert_uint_eq(id.len, SCAN_ID_MAX);
	ck_assert_uint_eq(id.b[0], 'a');
	scan_format_id(&id, text, sizeof(text));
	ck_assert_uint_eq(strlen(text), sizeof(text) - 1);
	ck_assert_uint_eq(text[sizeof(text) - 2], '\'');
	/* a small buffer is not overrun */
	scan_format_id(&id, text, 5);
	ck_assert_str_eq(text, "seri");
}
END_TEST

START_TEST(test_a_scan_reads_the_identity_and_falls_back_to_the_serial)
{
	char text[SCAN_ID_TEXT_LEN];
	unsigned int sent;

	sc.vpd83_len = 4 + desig(&sc.vpd83[4], 1, 0, 3, naa5, 8);
	vpd_hdr(sc.vpd83, 0x83, (uint16_t)(sc.vpd83_len - 4));
	sc.vpd80_len = vpd_hdr(sc.vpd80, 0x80, 6) + 6;
	memcpy(&sc.vpd80[4], "SN0042", 6);
	scan();
	ck_assert(res.lun[0].id_read);
	scan_format_id(&res.lun[0].id, text, sizeof(text));
	ck_assert_str_eq(text, "naa.5001405abcdef001");
	ck_assert_uint_eq(res.bad_replies, 0);
	sent = sc.commands;
	/* 83h refused, or malformed (counted): the serial, one command more */
	sc.vpd83_len = 0;
	scan();
	ck_assert_uint_eq(sc.commands - sent, sent + 1);
	scan_format_id(&res.lun[0].id, text, sizeof(text));
	ck_assert_str_eq(text, "serial 'SN0042'");
	sc.vpd83_len = 3;
	scan();
	ck_assert_uint_eq(res.lun[0].id.kind, SCAN_ID_SERIAL);
	ck_assert_uint_eq(res.bad_replies, 1);
	ck_assert_ptr_null(res.lun[0].error);
	/* both refused: read, and none */
	sc.vpd80_len = 0;
	scan();
	ck_assert(res.lun[0].id_read);
	ck_assert_uint_eq(res.lun[0].id.kind, SCAN_ID_NONE);
	ck_assert_ptr_null(res.lun[0].error);
	ck_assert_uint_eq(res.lun[0].nr_blocks, 1000);
}
END_TEST

/* Scan again and merge into known, nobody holding a LUN. */
static void rescan(struct scan_result *known, struct scan_changes *ch)
{
	scan();
	scan_merge(known, &res, held_none, NULL, ch);
}

/* A page 80h naming the disk at every address serial. */
static void set_serial(const char *serial)
{
	uint16_t len = (uint16_t)strlen(serial);

	sc.vpd80_len = vpd_hdr(sc.vpd80, 0x80, len) + len;
	memcpy(&sc.vpd80[4], serial, len);
}

START_TEST(test_a_different_serial_at_a_known_address_is_a_new_lun)
{
	static struct scan_result known;
	struct scan_changes ch;

	set_serial("DISK-A");
	scan();
	known = res;
	set_serial("DISK-B");
	sc.last_lba = 1999;
	rescan(&known, &ch);
	ck_assert_uint_eq(known.nr_luns, 2);
	ck_assert_uint_eq(ch.gone, 1);
	ck_assert_uint_eq(ch.added, 1);
	ck_assert_uint_eq(ch.changed, 0);
	ck_assert_uint_eq(ch.replaced, 1);
	ck_assert(known.lun[0].gone && known.lun[0].replaced);
	ck_assert_ptr_nonnull(known.lun[0].error);
	ck_assert_uint_eq(known.lun[0].nr_blocks, 1000);
	ck_assert(!known.lun[1].gone);
	ck_assert_uint_eq(known.lun[1].nr_blocks, 2000);
	/* nobody holds the old one: dropped at the next merge */
	scan_merge(&known, &res, held_none, NULL, &ch);
	ck_assert_uint_eq(ch.removed, 1);
	ck_assert_uint_eq(known.nr_luns, 1);
	ck_assert_uint_eq(known.lun[0].id.b[5], 'B');
}
END_TEST

START_TEST(test_an_identity_that_appears_or_vanishes_is_a_different_disk)
{
	static struct scan_result known;
	struct scan_changes ch;

	scan();				/* no identity pages */
	known = res;
	set_serial("DISK-A");
	rescan(&known, &ch);
	ck_assert_uint_eq(known.nr_luns, 2);
	ck_assert_uint_eq(ch.replaced, 1);
	sc.vpd80_len = 0;
	rescan(&known, &ch);
	ck_assert_uint_eq(ch.replaced, 1);
	/* the first, gone since, is back: two without identity are one */
	ck_assert_uint_eq(ch.added, 1);
	ck_assert_uint_eq(known.nr_luns, 2);
	ck_assert(!known.lun[0].gone);
	ck_assert_uint_eq(known.lun[0].id.kind, SCAN_ID_NONE);
	ck_assert(known.lun[1].gone && known.lun[1].replaced);
}
END_TEST

START_TEST(test_luns_without_identity_merge_by_address_as_before)
{
	static struct scan_result known;
	struct scan_changes ch;

	scan();
	known = res;
	sc.last_lba = 1999;		/* maybe another disk: nothing tells */
	rescan(&known, &ch);
	ck_assert_uint_eq(ch.replaced + ch.gone + ch.added, 0);
	ck_assert_uint_eq(ch.changed, 1);
	ck_assert_uint_eq(known.nr_luns, 1);
	ck_assert_uint_eq(known.lun[0].nr_blocks, 2000);
}
END_TEST

START_TEST(test_an_identity_a_rescan_could_not_read_is_kept)
{
	static struct scan_result known;
	struct scan_changes ch;

	set_serial("DISK-A");
	scan();
	known = res;
	sc.inquiry_len = 10;		/* short: the probe ends before the pages */
	scan();
	ck_assert(!res.lun[0].id_read);
	scan_merge(&known, &res, held_none, NULL, &ch);
	ck_assert_uint_eq(ch.replaced + ch.gone + ch.added, 0);
	ck_assert_ptr_nonnull(known.lun[0].error);
	ck_assert(known.lun[0].id_read);
	ck_assert_uint_eq(known.lun[0].id.kind, SCAN_ID_SERIAL);
	sc.inquiry_len = 36;
	rescan(&known, &ch);
	ck_assert_uint_eq(ch.replaced + ch.gone + ch.added, 0);
	ck_assert_ptr_null(known.lun[0].error);
}
END_TEST

START_TEST(test_a_buffer_below_a_page_is_refused)
{
	const struct scan_buf small = { buf_mem, BUF_PHYS, SCAN_BUF_MIN - 1 };

	ck_assert_int_eq(scan_adapter(&fake, &small, sc.now, NULL, NULL, &res), VMK_BAD_PARAM);
	ck_assert_uint_eq(sc.commands, 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("scan");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_a_refused_report_luns_scans_lun_0);
	tcase_add_test(tc, test_report_luns_reads_only_what_arrived);
	tcase_add_test(tc, test_report_luns_drops_duplicates_and_unaddressable_luns);
	tcase_add_test(tc, test_no_logical_unit_behind_a_listed_lun_is_skipped);
	tcase_add_test(tc, test_a_refused_read_capacity_16_falls_back_to_10);
	tcase_add_test(tc, test_a_capacity_that_needs_16_when_16_is_refused_is_an_error);
	tcase_add_test(tc, test_impossible_capacities_and_block_sizes_are_refused);
	tcase_add_test(tc, test_a_short_inquiry_is_an_error_not_a_read_past_it);
	tcase_add_test(tc, test_not_ready_and_medium_error_are_named);
	tcase_add_test(tc, test_a_unit_attention_that_never_clears_gives_up_after_the_retries);
	tcase_add_test(tc, test_a_non_disk_lun_gets_no_capacity);
	tcase_add_test(tc, test_a_lun_that_times_out_is_listed_unresponsive_and_left_alone);
	tcase_add_test(tc, test_a_hung_report_luns_lists_lun_0_unresponsive_without_probing_it);
	tcase_add_test(tc, test_a_scan_its_caller_stops_says_busy_and_sends_nothing_more);
	tcase_add_test(tc, test_a_target_that_answers_just_in_time_ends_the_scan_by_its_deadline);
	tcase_add_test(tc, test_a_unit_attention_every_time_ends_the_scan_by_its_deadline);
	tcase_add_test(tc, test_a_rescan_out_of_time_keeps_the_luns_it_did_not_probe);
	tcase_add_test(tc, test_a_callers_wait_for_its_lock_counts_against_the_deadline);
	tcase_add_test(tc, test_a_scan_stops_when_vm_io_holds_its_lock_past_the_deadline);
	tcase_add_test(tc, test_a_scan_goes_on_when_vm_io_lets_go_of_its_lock_in_time);
	tcase_add_test(tc, test_a_stream_of_vm_io_lets_a_scan_in_after_one_command);
	tcase_add_test(tc, test_luns_listed_past_a_full_list_are_kept_not_marked_gone);
	tcase_add_test(tc, test_a_buffer_below_a_page_is_refused);
	tcase_add_test(tc, test_the_naa_designator_of_the_logical_unit_names_it);
	tcase_add_test(tc, test_a_short_or_foreign_vpd_reply_is_malformed);
	tcase_add_test(tc, test_lengths_past_the_transfer_or_the_page_are_not_read);
	tcase_add_test(tc, test_zero_length_and_misshapen_designators_are_walked_past);
	tcase_add_test(tc, test_the_unit_serial_is_cut_of_blanks_and_bounded);
	tcase_add_test(tc, test_a_scan_reads_the_identity_and_falls_back_to_the_serial);
	tcase_add_test(tc, test_a_different_serial_at_a_known_address_is_a_new_lun);
	tcase_add_test(tc, test_an_identity_that_appears_or_vanishes_is_a_different_disk);
	tcase_add_test(tc, test_luns_without_identity_merge_by_address_as_before);
	tcase_add_test(tc, test_an_identity_a_rescan_could_not_read_is_kept);
	return check_run("vmkernel LUN scan", tc);
}
