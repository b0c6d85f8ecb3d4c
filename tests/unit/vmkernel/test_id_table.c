// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unique ids for objects allocated on demand: small slot numbers, a
 * generation that makes a stale id miss, references that keep a slot from
 * reuse, and paging through them.
 */
#include "tests/unit/check_run.h"
#include "vmkernel/lib/id_table.h"

#define CAP	1024

static struct id_slot slots[CAP];
static struct id_table t;
static int objs[CAP + 1];

/* Remove the object of id as its owner does: with a reference, then drop it. */
static void gone(uint32_t id)
{
	ck_assert_ptr_nonnull(idt_get(&t, id));
	ck_assert(idt_remove(&t, id));
	ck_assert(idt_put(&t, id));
}

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
	ck_assert_ptr_eq(idt_find(&t, 2), &objs[1]);
}
END_TEST

START_TEST(test_a_freed_slot_is_reused_by_the_next_object)
{
	uint32_t i;

	for (i = 0; i < 5; i++)
		idt_alloc(&t, &objs[i]);
	gone(2);
	ck_assert_ptr_null(idt_find(&t, 2));
	ck_assert_uint_eq(idt_index(idt_alloc(&t, &objs[9])), 2);
	ck_assert_uint_eq(idt_alloc(&t, &objs[10]), 6);
}
END_TEST

START_TEST(test_the_cap_is_only_a_guard_far_above_sixteen)
{
	uint32_t i;

	for (i = 0; i < CAP; i++)
		ck_assert_uint_eq(idt_alloc(&t, &objs[i]), i + 1);
	ck_assert_uint_eq(idt_alloc(&t, &objs[CAP]), 0);
	gone(700);
	ck_assert_uint_eq(idt_index(idt_alloc(&t, &objs[CAP])), 700);
}
END_TEST

START_TEST(test_hostile_ids_name_nothing)
{
	idt_alloc(&t, &objs[0]);
	ck_assert_ptr_null(idt_get(&t, 0));
	ck_assert_ptr_null(idt_get(&t, CAP + 1));
	ck_assert_ptr_null(idt_get(&t, UINT32_MAX));
	ck_assert_ptr_null(idt_get(&t, 1u << IDT_INDEX_BITS | 1));	/* generation 1 of 1 */
	ck_assert_ptr_null(idt_get(&t, IDT_INDEX_MASK));
	ck_assert_uint_eq(t.slot[0].refs, 0);
	ck_assert(!idt_remove(&t, 0));
	ck_assert(!idt_remove(&t, UINT32_MAX));
	ck_assert(!idt_remove(&t, 5));	/* free already */
	ck_assert(!idt_remove(&t, 1));	/* without a reference */
	ck_assert_ptr_eq(idt_find(&t, 1), &objs[0]);
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
		gone(i);	/* holes */
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
	t.slot[CAP - 1].obj = &objs[0];
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

START_TEST(test_a_stale_id_misses_after_its_slot_is_reused)
{
	uint32_t old, new;

	old = idt_alloc(&t, &objs[0]);
	gone(old);
	new = idt_alloc(&t, &objs[1]);
	ck_assert_uint_eq(idt_index(new), idt_index(old));	/* the slot again */
	ck_assert_uint_ne(new, old);
	ck_assert_ptr_null(idt_get(&t, old));
	ck_assert_ptr_null(idt_find(&t, old));
	ck_assert(!idt_remove(&t, old));	/* cannot reach the new object */
	ck_assert_ptr_eq(idt_get(&t, new), &objs[1]);
	ck_assert(!idt_put(&t, new));
	ck_assert_uint_eq(t.slot[idt_index(new) - 1].refs, 0);
}
END_TEST

START_TEST(test_a_removed_id_misses_at_once_while_still_referenced)
{
	uint32_t id = idt_alloc(&t, &objs[0]);

	ck_assert_ptr_eq(idt_get(&t, id), &objs[0]);	/* CPU A works on it */
	ck_assert_ptr_eq(idt_get(&t, id), &objs[0]);	/* CPU B removes it */
	ck_assert(idt_remove(&t, id));
	ck_assert_ptr_null(idt_get(&t, id));
	ck_assert(!idt_remove(&t, id));			/* a second destroy */
	ck_assert_uint_eq(idt_next(&t, 1), 0);		/* not listed */
	ck_assert(!idt_put(&t, id));			/* B done: A still holds it */
	ck_assert(idt_put(&t, id));			/* A done: free it now */
	ck_assert_uint_eq(t.used, 0);
}
END_TEST

START_TEST(test_a_slot_is_not_reused_while_referenced)
{
	uint32_t id = idt_alloc(&t, &objs[0]), other;

	idt_get(&t, id);
	idt_remove(&t, id);
	other = idt_alloc(&t, &objs[1]);
	ck_assert_uint_ne(idt_index(other), idt_index(id));	/* slot 1 is busy */
	ck_assert_ptr_eq(t.slot[idt_index(id) - 1].obj, NULL);
	ck_assert(idt_put(&t, id));
	ck_assert_uint_eq(idt_index(idt_alloc(&t, &objs[2])), idt_index(id));
}
END_TEST

START_TEST(test_a_full_table_with_a_referenced_slot_stays_full)
{
	uint32_t i, id;

	for (i = 0; i < CAP; i++)
		idt_alloc(&t, &objs[i]);
	id = idt_next(&t, 7);
	idt_get(&t, id);
	idt_remove(&t, id);
	ck_assert_uint_eq(idt_alloc(&t, &objs[CAP]), 0);
	idt_put(&t, id);
	ck_assert_uint_eq(idt_index(idt_alloc(&t, &objs[CAP])), 7);
}
END_TEST

START_TEST(test_generations_wrap_and_ids_stay_positive)
{
	uint32_t i, id = 0, first = idt_alloc(&t, &objs[0]);

	gone(first);
	for (i = 1; i <= IDT_GEN_MASK; i++) {
		id = idt_alloc(&t, &objs[0]);
		ck_assert_uint_eq(idt_index(id), 1);
		ck_assert_uint_eq(id >> IDT_INDEX_BITS, i);
		ck_assert_int_gt((int32_t)id, 0);
		gone(id);
	}
	ck_assert_uint_eq(idt_alloc(&t, &objs[0]), first);	/* wrapped */
}
END_TEST

START_TEST(test_paging_hands_out_slots_and_ids_of_later_generations)
{
	uint32_t ids[2], next, a, b;

	a = idt_alloc(&t, &objs[0]);
	b = idt_alloc(&t, &objs[1]);
	idt_alloc(&t, &objs[2]);
	gone(b);
	b = idt_alloc(&t, &objs[3]);
	ck_assert_uint_eq(idt_page(&t, 0, ids, 2, &next), 2);
	ck_assert_uint_eq(ids[0], a);
	ck_assert_uint_eq(ids[1], b);
	ck_assert_uint_eq(next, 3);		/* a slot, not an id */
	ck_assert_uint_eq(idt_page(&t, next, ids, 2, &next), 1);
	ck_assert_uint_eq(next, 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("id_table");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ids_start_at_one_and_stay_small);
	tcase_add_test(tc, test_a_freed_slot_is_reused_by_the_next_object);
	tcase_add_test(tc, test_the_cap_is_only_a_guard_far_above_sixteen);
	tcase_add_test(tc, test_hostile_ids_name_nothing);
	tcase_add_test(tc, test_paging_visits_every_id_once_in_order);
	tcase_add_test(tc, test_paging_ends_cleanly_at_and_past_the_cap);
	tcase_add_test(tc, test_a_full_page_points_at_the_next_id);
	tcase_add_test(tc, test_a_stale_id_misses_after_its_slot_is_reused);
	tcase_add_test(tc, test_a_removed_id_misses_at_once_while_still_referenced);
	tcase_add_test(tc, test_a_slot_is_not_reused_while_referenced);
	tcase_add_test(tc, test_a_full_table_with_a_referenced_slot_stays_full);
	tcase_add_test(tc, test_generations_wrap_and_ids_stay_positive);
	tcase_add_test(tc, test_paging_hands_out_slots_and_ids_of_later_generations);
	return check_run("vmkernel id table", tc);
}
