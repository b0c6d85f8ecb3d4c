// SPDX-License-Identifier: GPL-2.0-only
/*
 * The LUN scan's bounds, against the vmkernel's
 * PVSCSI driver over vmk's PVSCSI model (hba_test.h): a LUN that never
 * answers costs the scan one driver ladder and is listed unresponsive;
 * after SCAN_HUNG_MAX of them the rest is skipped and counted. The clock moves 10 ms at each reading,
 * so the time a scan took is what the driver's deadlines made it.
 */
#include "tests/unit/check_run.h"
#include "tests/unit/storage/hba_test.h"

/* What one hung command costs: its deadline, then ABORT_CMD and RESET_BUS. */
#define LADDER_MS	(SCAN_CMD_TIMEOUT_MS + 2 * PVH_ABORT_TIMEOUT_MS)
#define SLACK_MS	1000	/* the polling of the healthy commands */

static struct hba_rig *rig;
static struct storage_adapter *ad;
static struct scan_buf buf;
static struct scan_result cur, fresh;

static void setup(void)
{
	rig = rig_new();
	ck_assert_int_eq(rig_start(rig), VMK_OK);
	ad = &rig->hba.adapter;
	buf = (struct scan_buf){ rig->ram + PHYS_DATA, PHYS_DATA, 4096 };
	rig->tick_ms = 10;
}

static void teardown(void)
{
	rig_free(rig);
}

/* The scan's result, and in *ms how long it took on the rig's clock. */
static int scan(struct scan_result *res, uint64_t *ms)
{
	uint64_t t0 = rig->now;
	int ret = scan_adapter(ad, &buf, NULL, NULL, res);

	*ms = rig->now - t0;
	return ret;
}

static const struct scan_lun *lun_at(const struct scan_result *r, uint32_t target)
{
	for (unsigned int i = 0; i < r->nr_luns; i++)
		if (r->lun[i].target == target && r->lun[i].lun == 0)
			return &r->lun[i];
	return NULL;
}

START_TEST(test_a_hung_lun_costs_the_scan_one_ladder_and_is_listed_unresponsive)
{
	const struct scan_lun *l;
	uint64_t ms;

	rig->mute_targets = 1u << 2;
	ck_assert_int_eq(scan(&cur, &ms), VMK_OK);
	/* with the driver's default 30 s it took 34 s, and 68 s with INQUIRY's */
	ck_assert_uint_le(ms, LADDER_MS + SLACK_MS);
	ck_assert_uint_eq(cur.hung, 1);
	ck_assert_uint_eq(cur.targets_skipped, 0);
	ck_assert_uint_eq(cur.nr_luns, 2);
	l = lun_at(&cur, 0);
	ck_assert_ptr_nonnull(l);
	ck_assert_ptr_null(l->error);
	ck_assert_uint_eq(l->nr_blocks, DISK0_BLOCKS);
	l = lun_at(&cur, 2);
	ck_assert_ptr_nonnull(l);
	ck_assert(l->unresponsive);
	ck_assert_ptr_nonnull(l->error);
	ck_assert_uint_eq(l->nr_blocks, 0);
}
END_TEST

START_TEST(test_after_the_hung_bound_the_rest_is_skipped_and_counted)
{
	uint64_t ms;

	rig->dev.target[5] = &rig->disk[1];
	rig->mute_targets = 1u << 0 | 1u << 2;
	ck_assert_int_eq(scan(&cur, &ms), VMK_OK);
	ck_assert_uint_le(ms, SCAN_HUNG_MAX * LADDER_MS + SLACK_MS);
	ck_assert_uint_eq(cur.hung, SCAN_HUNG_MAX);
	ck_assert_uint_eq(cur.skipped_from, 3);
	ck_assert_uint_eq(cur.targets_skipped, PVH_MAX_TARGETS - 3);
	ck_assert_uint_eq(cur.nr_luns, 2);
	ck_assert(lun_at(&cur, 0)->unresponsive);
	ck_assert(lun_at(&cur, 2)->unresponsive);
	ck_assert_ptr_null(lun_at(&cur, 5));
}
END_TEST

START_TEST(test_the_adapter_works_after_a_hung_scan)
{
	uint64_t ms;

	rig->mute_targets = 1u << 2;
	ck_assert_int_eq(scan(&cur, &ms), VMK_OK);
	rig->mute_targets = 0;
	ck_assert_int_eq(scan(&fresh, &ms), VMK_OK);
	ck_assert_uint_eq(fresh.hung, 0);
	ck_assert_uint_eq(fresh.nr_luns, 2);
	ck_assert_ptr_null(lun_at(&fresh, 2)->error);
	ck_assert_uint_eq(lun_at(&fresh, 2)->nr_blocks, DISK2_BLOCKS);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("rescan");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_a_hung_lun_costs_the_scan_one_ladder_and_is_listed_unresponsive);
	tcase_add_test(tc, test_after_the_hung_bound_the_rest_is_skipped_and_counted);
	tcase_add_test(tc, test_the_adapter_works_after_a_hung_scan);
	return check_run("LUN scan bounds and rescan", tc);
}
