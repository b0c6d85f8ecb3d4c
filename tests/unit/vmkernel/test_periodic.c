// SPDX-License-Identifier: GPL-2.0-only
/*
 * Periodic tasks of the vmkernel's service world: deadlines that do not
 * drift, a runner kept from the CPU that does not make a task run several
 * times in a row, and tasks that come and go.
 */
#include "tests/unit/check_run.h"
#include "vmkernel/lib/periodic.h"

#define MS	1000000ull
#define SEC	(1000 * MS)

static struct periodic_table t;
static uint64_t clock_ns;	/* the fake clock */
static uint64_t task_cost_ns;	/* each call advances the clock this much */
static unsigned int calls[PERIODIC_MAX_TASKS];

static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	return clock_ns;
}

static void count_call(void *ctx)
{
	calls[(uintptr_t)ctx]++;
	clock_ns += task_cost_ns;
}

static uint64_t run_at(uint64_t at)
{
	clock_ns = at;
	return periodic_run_due(&t, fake_now, NULL);
}

static void setup(void)
{
	memset(&t, 0, sizeof(t));
	memset(calls, 0, sizeof(calls));
	clock_ns = 0;
	task_cost_ns = 0;
}

START_TEST(test_no_task_no_deadline)
{
	ck_assert_uint_eq(run_at(5 * SEC), 0);
}
END_TEST

START_TEST(test_a_task_is_first_due_a_period_after_it_was_added)
{
	ck_assert_int_eq(periodic_add(&t, "hb", SEC, count_call, (void *)0, 3 * SEC), 0);
	ck_assert_uint_eq(run_at(3 * SEC), 4 * SEC);
	ck_assert_uint_eq(run_at(4 * SEC - 1), 4 * SEC);
	ck_assert_uint_eq(calls[0], 0);
	ck_assert_uint_eq(run_at(4 * SEC), 5 * SEC);
	ck_assert_uint_eq(calls[0], 1);
}
END_TEST

START_TEST(test_deadlines_do_not_drift_when_runs_are_a_little_late)
{
	uint64_t next = 0;
	unsigned int i;

	periodic_add(&t, "hb", SEC, count_call, (void *)0, 0);
	task_cost_ns = 3 * MS;
	for (i = 1; i <= 100; i++)
		next = run_at(i * SEC + 40 * MS);	/* 40 ms late, every time */
	ck_assert_uint_eq(calls[0], 100);
	ck_assert_uint_eq(next, 101 * SEC);
	ck_assert_uint_eq(t.task[0].missed, 0);
	ck_assert_uint_eq(t.task[0].max_ns, 3 * MS);
}
END_TEST

START_TEST(test_a_runner_kept_away_runs_a_task_once_and_counts_what_it_missed)
{
	periodic_add(&t, "hb", SEC, count_call, (void *)0, 0);
	/* due at 1 s, run at 4.5 s: the deadlines 2, 3, 4 s went by */
	ck_assert_uint_eq(run_at(4 * SEC + 500 * MS), 5 * SEC);
	ck_assert_uint_eq(calls[0], 1);
	ck_assert_uint_eq(t.task[0].missed, 3);
	ck_assert_uint_eq(run_at(5 * SEC), 6 * SEC);
	ck_assert_uint_eq(calls[0], 2);
	ck_assert_uint_eq(t.task[0].missed, 3);
}
END_TEST

START_TEST(test_the_earliest_deadline_of_several_tasks_is_returned)
{
	periodic_add(&t, "slow", 10 * SEC, count_call, (void *)0, 0);
	periodic_add(&t, "fast", 100 * MS, count_call, (void *)1, 0);
	ck_assert_uint_eq(run_at(0), 100 * MS);
	ck_assert_uint_eq(run_at(100 * MS), 200 * MS);
	ck_assert_uint_eq(calls[0], 0);
	ck_assert_uint_eq(calls[1], 1);
	clock_ns = 10 * SEC;
	ck_assert_uint_eq(periodic_run_due(&t, fake_now, NULL), 10 * SEC + 100 * MS);
	ck_assert_uint_eq(calls[0], 1);
	ck_assert_uint_eq(calls[1], 2);
}
END_TEST

START_TEST(test_a_long_task_is_measured_and_pushes_the_next_one_late)
{
	periodic_add(&t, "long", SEC, count_call, (void *)0, 0);
	periodic_add(&t, "after", SEC, count_call, (void *)1, 0);
	task_cost_ns = 1500 * MS;	/* longer than its period */
	ck_assert_uint_eq(run_at(SEC), 3 * SEC);
	ck_assert_uint_eq(calls[0] + calls[1], 2);
	/* "long" ran 1-2.5 s: its 2 s deadline went by */
	ck_assert_uint_eq(t.task[0].missed, 1);
	ck_assert_uint_eq(t.task[0].next_ns, 3 * SEC);
	ck_assert_uint_eq(t.task[0].max_ns, 1500 * MS);
	/* "after" ran 2.5-4 s: 2, 3 and 4 s went by */
	ck_assert_uint_eq(t.task[1].missed, 3);
	ck_assert_uint_eq(t.task[1].next_ns, 5 * SEC);
}
END_TEST

START_TEST(test_a_removed_task_is_not_called_and_its_slot_is_reused)
{
	int a = periodic_add(&t, "a", SEC, count_call, (void *)0, 0);

	ck_assert_int_eq(periodic_add(&t, "b", 2 * SEC, count_call, (void *)1, 0), 1);
	periodic_del(&t, a);
	ck_assert_uint_eq(run_at(5 * SEC), 6 * SEC);	/* b: 2, (4), 6 s */
	ck_assert_uint_eq(calls[0], 0);
	ck_assert_uint_eq(calls[1], 1);
	ck_assert_int_eq(periodic_add(&t, "c", SEC, count_call, (void *)2, 5 * SEC), a);
	ck_assert_str_eq(t.task[a].name, "c");
}
END_TEST

START_TEST(test_a_full_table_and_a_zero_period_are_refused)
{
	unsigned int i;

	ck_assert_int_eq(periodic_add(&t, "zero", 0, count_call, NULL, 0), -1);
	for (i = 0; i < PERIODIC_MAX_TASKS; i++)
		ck_assert_int_eq(periodic_add(&t, "x", SEC, count_call, (void *)0, 0), (int)i);
	ck_assert_int_eq(periodic_add(&t, "one too many", SEC, count_call, NULL, 0), -1);
	periodic_del(&t, -1);			/* a failed add's slot: nothing */
	periodic_del(&t, PERIODIC_MAX_TASKS);
	ck_assert(t.task[0].used);
}
END_TEST

START_TEST(test_a_long_name_is_cut_and_terminated)
{
	periodic_add(&t, "a name far longer than the table keeps", SEC, count_call, NULL, 0);
	ck_assert_uint_eq(strlen(t.task[0].name), PERIODIC_NAME_LEN - 1);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("periodic");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_no_task_no_deadline);
	tcase_add_test(tc, test_a_task_is_first_due_a_period_after_it_was_added);
	tcase_add_test(tc, test_deadlines_do_not_drift_when_runs_are_a_little_late);
	tcase_add_test(tc, test_a_runner_kept_away_runs_a_task_once_and_counts_what_it_missed);
	tcase_add_test(tc, test_the_earliest_deadline_of_several_tasks_is_returned);
	tcase_add_test(tc, test_a_long_task_is_measured_and_pushes_the_next_one_late);
	tcase_add_test(tc, test_a_removed_task_is_not_called_and_its_slot_is_reused);
	tcase_add_test(tc, test_a_full_table_and_a_zero_period_are_refused);
	tcase_add_test(tc, test_a_long_name_is_cut_and_terminated);
	return check_run("vmkernel periodic tasks", tc);
}
