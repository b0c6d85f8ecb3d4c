// SPDX-License-Identifier: GPL-2.0-only
/* Small unique ids for objects allocated on demand, and paging through them. */
#include "tests/unit/check_run.h"
#include "vmkernel/lib/id_table.h"

#define CAP	1024

static void *slots[CAP];
static struct id_table t;
static int objs[CAP + 1];

static void setup(void)
{
	memset(slots, 0, sizeof(slots));
	t = (struct id_table){ .slot = slots, .cap = CAP };
}

START_TEST(test_ids_start_at_one_and_stay_small)
{
	ck_assert_uint_eq(idt_alloc(&t, &objs[0]), 1);
	ck_assert_uint_eq(idt_alloc(&t, &objs[1]), 2);
	ck_assert_uint_eq(idt_alloc(&t, &objs[2]), 3);
	ck_assert_ptr_eq(idt_get(&t, 2), &objs[1]);
}
END_TEST

START_TEST(test_a_freed_id_is_reused_by_the_next_object)
{
	uint32_t i;

	for (i = 0; i < 5; i++)
		idt_alloc(&t, &objs[i]);
	idt_free(&t, 2);
	ck_assert_ptr_null(idt_get(&t, 2));
	ck_assert_uint_eq(idt_alloc(&t, &objs[9]), 2);
	ck_assert_uint_eq(idt_alloc(&t, &objs[10]), 6);
}
END_TEST

START_TEST(test_the_cap_is_only_a_guard_far_above_sixteen)
{
	uint32_t i;

	for (i = 0; i < CAP; i++)
		ck_assert_uint_eq(idt_alloc(&t, &objs[i]), i + 1);
	ck_assert_uint_eq(idt_alloc(&t, &objs[CAP]), 0);
	idt_free(&t, 700);
	ck_assert_uint_eq(idt_alloc(&t, &objs[CAP]), 700);
}
END_TEST

START_TEST(test_hostile_ids_name_nothing)
{
	idt_alloc(&t, &objs[0]);
	ck_assert_ptr_null(idt_get(&t, 0));
	ck_assert_ptr_null(idt_get(&t, CAP + 1));
	ck_assert_ptr_null(idt_get(&t, UINT32_MAX));
	idt_free(&t, 0);
	idt_free(&t, UINT32_MAX);
	idt_free(&t, 5);	/* free already */
	ck_assert_uint_eq(t.used, 1);
	ck_assert_uint_eq(idt_alloc(&t, NULL), 0);
}
END_TEST

START_TEST(test_paging_visits_every_id_once_in_order)
{
	uint32_t ids[7], seen[CAP] = { 0 }, from = 0, next, n, i, total = 0, last = 0;

	for (i = 0; i < 300; i++)
		idt_alloc(&t, &objs[i]);
	for (i = 1; i <= 300; i += 3)
		idt_free(&t, i);	/* holes */
	do {
		n = idt_page(&t, from, ids, 7, &next);
		ck_assert_uint_le(n, 7);
		for (i = 0; i < n; i++) {
			ck_assert_uint_gt(ids[i], last);
			last = ids[i];
			seen[ids[i] - 1]++;
			total++;
		}
		ck_assert(next == 0 || n == 7);
		from = next;
	} while (next);
	ck_assert_uint_eq(total, 200);
	for (i = 1; i <= 300; i++)
		ck_assert_uint_eq(seen[i - 1], i % 3 == 1 ? 0 : 1);
}
END_TEST

START_TEST(test_paging_ends_cleanly_at_and_past_the_cap)
{
	uint32_t ids[4], next = 99;

	ck_assert_uint_eq(idt_page(&t, 0, ids, 4, &next), 0);
	ck_assert_uint_eq(next, 0);
	t.slot[CAP - 1] = &objs[0];
	t.used = 1;
	ck_assert_uint_eq(idt_page(&t, CAP, ids, 4, &next), 1);
	ck_assert_uint_eq(ids[0], CAP);
	ck_assert_uint_eq(next, 0);
	ck_assert_uint_eq(idt_page(&t, CAP + 1, ids, 4, &next), 0);
	ck_assert_uint_eq(idt_page(&t, UINT32_MAX, ids, 4, &next), 0);
	ck_assert_uint_eq(next, 0);
}
END_TEST

START_TEST(test_a_full_page_points_at_the_next_id)
{
	uint32_t ids[2], next;
	uint32_t i;

	for (i = 0; i < 5; i++)
		idt_alloc(&t, &objs[i]);
	ck_assert_uint_eq(idt_page(&t, 1, ids, 2, &next), 2);
	ck_assert_uint_eq(next, 3);
	ck_assert_uint_eq(idt_page(&t, 5, ids, 2, &next), 1);
	ck_assert_uint_eq(next, 0);
	ck_assert_uint_eq(idt_page(&t, 4, ids, 2, &next), 2);
	ck_assert_uint_eq(next, 0);	/* nothing after 5 */
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("id_table");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ids_start_at_one_and_stay_small);
	tcase_add_test(tc, test_a_freed_id_is_reused_by_the_next_object);
	tcase_add_test(tc, test_the_cap_is_only_a_guard_far_above_sixteen);
	tcase_add_test(tc, test_hostile_ids_name_nothing);
	tcase_add_test(tc, test_paging_visits_every_id_once_in_order);
	tcase_add_test(tc, test_paging_ends_cleanly_at_and_past_the_cap);
	tcase_add_test(tc, test_a_full_page_points_at_the_next_id);
	return check_run("vmkernel id table", tc);
}
