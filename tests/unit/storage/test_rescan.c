// SPDX-License-Identifier: GPL-2.0-only
/*
 * The LUN scan's bounds and a rescan's merge, against the vmkernel's
 * PVSCSI driver over vmk's PVSCSI model (hba_test.h): a LUN that never
 * answers costs the scan one driver ladder and is listed unresponsive;
 * once the scan's deadline passes the rest is skipped and counted; a rescan
 * finds new LUNs, marks vanished ones gone (dropped once nobody holds
 * them), takes a different disk at a known address (another VPD 83h
 * identity) for a new LUN and the old one for gone, and takes new
 * capacities. The clock moves 10 ms at each reading,
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
static bool held[PVH_MAX_TARGETS];

static void setup(void)
{
	rig = rig_new();
	ck_assert_int_eq(rig_start(rig), VMK_OK);
	ad = &rig->hba.adapter;
	buf = (struct scan_buf){ rig->ram + PHYS_DATA, PHYS_DATA, 4096 };
	memset(held, 0, sizeof(held));
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
	int ret = scan_adapter(ad, &buf, ad->ops->now_ms(ad->hba), NULL, NULL, res);

	*ms = rig->now - t0;
	return ret;
}

static bool in_use(void *ctx, uint32_t target, uint32_t lun)
{
	(void)ctx;
	return lun == 0 && target < PVH_MAX_TARGETS && held[target];
}

static bool held_all(void *ctx, uint32_t target, uint32_t lun)
{
	(void)ctx;
	(void)target;
	(void)lun;
	return true;
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

START_TEST(test_a_lun_after_a_hung_one_absorbs_the_resets_unit_attention)
{
	uint64_t ms;

	rig->mute_targets = 1u << 0;
	ck_assert_int_eq(scan(&cur, &ms), VMK_OK);
	ck_assert_uint_le(ms, LADDER_MS + SLACK_MS);
	ck_assert(lun_at(&cur, 0)->unresponsive);
	ck_assert_ptr_null(lun_at(&cur, 2)->error);
	ck_assert_uint_eq(lun_at(&cur, 2)->nr_blocks, DISK2_BLOCKS);
	ck_assert_uint_ge(cur.ua_retries, 1);	/* the bus reset's, at target 2 */
}
END_TEST

/*
 * The second hung LUN's command starts with less than SCAN_CMD_TIMEOUT_MS
 * of the scan left: cut short, it ends the scan, its ladder tail past the
 * deadline, and its target is skipped, not listed unresponsive.
 */
START_TEST(test_after_a_hung_ladder_the_deadline_skips_the_rest_and_counts_it)
{
	uint64_t ms;

	rig->dev.target[5] = &rig->disk[1];
	rig->mute_targets = 1u << 0 | 1u << 2;
	ck_assert_int_eq(scan(&cur, &ms), VMK_OK);
	ck_assert_uint_le(ms, SCAN_TOTAL_MS + 2 * PVH_ABORT_TIMEOUT_MS + SLACK_MS);
	ck_assert_uint_eq(cur.hung, 1);
	ck_assert(cur.out_of_time);
	ck_assert_uint_eq(cur.skipped_from, 2);
	ck_assert_uint_eq(cur.targets_skipped, PVH_MAX_TARGETS - 2);
	ck_assert_uint_eq(cur.nr_luns, 1);
	ck_assert(lun_at(&cur, 0)->unresponsive);
	ck_assert_ptr_null(lun_at(&cur, 2));
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

START_TEST(test_a_rescan_adds_new_marks_gone_and_takes_new_capacities)
{
	struct scan_changes ch;
	uint64_t ms;

	ck_assert_int_eq(scan(&cur, &ms), VMK_OK);
	ck_assert_uint_eq(cur.nr_luns, 2);
	/* target 2 pulled, a disk plugged at target 1, target 0 grown */
	rig->dev.target[2] = NULL;
	rig->dev.target[1] = &rig->disk[1];
	rig->disk[0].nr_blocks = 3 * DISK0_BLOCKS;
	ck_assert_int_eq(scan(&fresh, &ms), VMK_OK);
	held[2] = true;
	scan_merge(&cur, &fresh, in_use, NULL, &ch);
	ck_assert_uint_eq(ch.added, 1);
	ck_assert_uint_eq(ch.gone, 1);
	ck_assert_uint_eq(ch.changed, 1);
	ck_assert_uint_eq(ch.removed, 0);
	ck_assert_uint_eq(cur.nr_luns, 3);
	ck_assert_uint_eq(lun_at(&cur, 0)->nr_blocks, 3 * DISK0_BLOCKS);
	ck_assert_uint_eq(lun_at(&cur, 1)->nr_blocks, DISK2_BLOCKS);
	ck_assert(lun_at(&cur, 2)->gone);
	ck_assert(lun_at(&cur, 2)->just_gone);
	ck_assert_ptr_nonnull(lun_at(&cur, 2)->error);

	/* still gone and held: kept; let go: dropped */
	scan_merge(&cur, &fresh, in_use, NULL, &ch);
	ck_assert_uint_eq(ch.gone + ch.removed + ch.added + ch.changed, 0);
	ck_assert(lun_at(&cur, 2)->gone);
	ck_assert(!lun_at(&cur, 2)->just_gone);	/* logged once, at the first */
	held[2] = false;
	scan_merge(&cur, &fresh, in_use, NULL, &ch);
	ck_assert_uint_eq(ch.removed, 1);
	ck_assert_uint_eq(cur.nr_luns, 2);
	ck_assert_ptr_null(lun_at(&cur, 2));
}
END_TEST

START_TEST(test_a_gone_lun_that_comes_back_is_usable_again)
{
	struct scan_changes ch;
	uint64_t ms;

	ck_assert_int_eq(scan(&cur, &ms), VMK_OK);
	rig->dev.target[2] = NULL;
	ck_assert_int_eq(scan(&fresh, &ms), VMK_OK);
	held[2] = true;
	scan_merge(&cur, &fresh, in_use, NULL, &ch);
	ck_assert(lun_at(&cur, 2)->gone);
	rig->dev.target[2] = &rig->disk[1];
	ck_assert_int_eq(scan(&fresh, &ms), VMK_OK);
	scan_merge(&cur, &fresh, in_use, NULL, &ch);
	ck_assert_uint_eq(ch.added, 1);
	ck_assert_uint_eq(ch.replaced, 0);
	ck_assert_uint_eq(cur.nr_luns, 2);	/* the same disk: one LUN */
	ck_assert(!lun_at(&cur, 2)->gone);
	ck_assert_ptr_null(lun_at(&cur, 2)->error);
	ck_assert_uint_eq(lun_at(&cur, 2)->nr_blocks, DISK2_BLOCKS);
}
END_TEST

/*
 * Hot-unplug of one image and hot-add of another at target 2 between two
 * rescans: the model's disk at target 2 gets another NAA identity.
 */
static void swap_disk_at_target_2(uint64_t id)
{
	scsi_disk_init(&rig->disk[1], &rig->rd[1]->be, "other", id);
}

/* The LUN at target 2 that is not gone, and the gone one. */
static const struct scan_lun *at_2(bool gone)
{
	for (unsigned int i = 0; i < cur.nr_luns; i++)
		if (cur.lun[i].target == 2 && cur.lun[i].gone == gone)
			return &cur.lun[i];
	return NULL;
}

/* A rescan into fresh, merged into cur. */
static void rescan(struct scan_changes *ch)
{
	uint64_t ms;

	ck_assert_int_eq(scan(&fresh, &ms), VMK_OK);
	scan_merge(&cur, &fresh, in_use, NULL, ch);
}

/* The first scan into cur; the identity of target 2's disk. */
static struct scan_id first_scan(void)
{
	uint64_t ms;

	ck_assert_int_eq(scan(&cur, &ms), VMK_OK);
	ck_assert_uint_eq(lun_at(&cur, 2)->id.kind, SCAN_ID_NAA);
	return lun_at(&cur, 2)->id;
}

START_TEST(test_a_different_disk_at_a_known_address_is_a_new_lun_the_old_one_gone)
{
	struct scan_changes ch;
	struct scan_id old = first_scan();

	swap_disk_at_target_2(0x99);
	held[2] = true;
	rescan(&ch);
	ck_assert_uint_eq(cur.nr_luns, 3);
	ck_assert_uint_eq(ch.gone, 1);
	ck_assert_uint_eq(ch.added, 1);
	ck_assert_uint_eq(ch.replaced, 1);
	ck_assert_ptr_nonnull(at_2(true));
	ck_assert(at_2(true)->just_gone && at_2(true)->replaced);
	ck_assert(scan_same_id(&at_2(true)->id, &old));
	ck_assert_ptr_nonnull(at_2(false));
	ck_assert(!scan_same_id(&at_2(false)->id, &old));
	ck_assert_ptr_null(at_2(false)->error);
	/* held: the old one stays gone beside the new one; let go: dropped */
	scan_merge(&cur, &fresh, in_use, NULL, &ch);
	ck_assert_uint_eq(ch.replaced + ch.gone + ch.added + ch.removed, 0);
	ck_assert_ptr_nonnull(at_2(true));
	held[2] = false;
	scan_merge(&cur, &fresh, in_use, NULL, &ch);
	ck_assert_uint_eq(ch.removed, 1);
	ck_assert_ptr_null(at_2(true));
	ck_assert_ptr_nonnull(at_2(false));
}
END_TEST

START_TEST(test_a_disk_back_after_another_was_there_is_itself_again)
{
	struct scan_changes ch;
	struct scan_id old = first_scan();

	held[2] = true;
	rig->dev.target[2] = NULL;		/* pulled: gone */
	rescan(&ch);
	rig->dev.target[2] = &rig->disk[1];	/* another: a new LUN */
	swap_disk_at_target_2(0x99);
	rescan(&ch);
	ck_assert_uint_eq(ch.replaced, 0);	/* gone already */
	ck_assert_uint_eq(ch.added, 1);
	ck_assert(scan_same_id(&at_2(true)->id, &old));
	swap_disk_at_target_2(0x12);		/* the first again */
	rescan(&ch);
	ck_assert_uint_eq(ch.replaced, 1);
	ck_assert_uint_eq(ch.added, 1);		/* back */
	ck_assert(scan_same_id(&at_2(false)->id, &old));
	ck_assert(!scan_same_id(&at_2(true)->id, &old));
}
END_TEST

START_TEST(test_luns_on_targets_a_rescan_skipped_are_not_marked_gone)
{
	struct scan_changes ch;
	uint64_t ms;

	rig->dev.target[5] = &rig->disk[1];
	ck_assert_int_eq(scan(&cur, &ms), VMK_OK);
	ck_assert_uint_eq(cur.nr_luns, 3);
	rig->mute_targets = 1u << 0 | 1u << 2;
	ck_assert_int_eq(scan(&fresh, &ms), VMK_OK);
	ck_assert_uint_eq(fresh.targets_skipped, PVH_MAX_TARGETS - 2);
	scan_merge(&cur, &fresh, in_use, NULL, &ch);
	ck_assert_uint_eq(ch.gone, 0);
	ck_assert(!lun_at(&cur, 2)->gone);
	ck_assert(!lun_at(&cur, 5)->gone);
	ck_assert_ptr_null(lun_at(&cur, 5)->error);
	ck_assert(lun_at(&cur, 0)->unresponsive);
	/* its identity not read by the rescan: the one known is kept */
	ck_assert(lun_at(&cur, 0)->id_read);
	ck_assert_uint_eq(lun_at(&cur, 0)->id.kind, SCAN_ID_NAA);
}
END_TEST

START_TEST(test_new_luns_beyond_a_full_list_are_counted_not_written)
{
	struct scan_changes ch;
	uint64_t ms;

	ck_assert_int_eq(scan(&fresh, &ms), VMK_OK);
	memset(&cur, 0, sizeof(cur));
	cur.nr_luns = ARRAY_SIZE(cur.lun);
	for (unsigned int i = 0; i < cur.nr_luns; i++) {
		cur.lun[i].target = 100 + i;	/* none of them found again */
		cur.lun[i].gone = true;
	}
	/* all held: nothing can be dropped to make room */
	scan_merge(&cur, &fresh, held_all, NULL, &ch);
	ck_assert_uint_eq(ch.dropped, 2);
	ck_assert_uint_eq(cur.nr_luns, ARRAY_SIZE(cur.lun));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("rescan");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_a_hung_lun_costs_the_scan_one_ladder_and_is_listed_unresponsive);
	tcase_add_test(tc, test_a_lun_after_a_hung_one_absorbs_the_resets_unit_attention);
	tcase_add_test(tc, test_after_a_hung_ladder_the_deadline_skips_the_rest_and_counts_it);
	tcase_add_test(tc, test_the_adapter_works_after_a_hung_scan);
	tcase_add_test(tc, test_a_rescan_adds_new_marks_gone_and_takes_new_capacities);
	tcase_add_test(tc, test_a_gone_lun_that_comes_back_is_usable_again);
	tcase_add_test(tc, test_a_different_disk_at_a_known_address_is_a_new_lun_the_old_one_gone);
	tcase_add_test(tc, test_a_disk_back_after_another_was_there_is_itself_again);
	tcase_add_test(tc, test_luns_on_targets_a_rescan_skipped_are_not_marked_gone);
	tcase_add_test(tc, test_new_luns_beyond_a_full_list_are_counted_not_written);
	return check_run("LUN scan bounds and rescan", tc);
}
