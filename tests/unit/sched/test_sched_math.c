// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shares, reservations and limits: the entitlements they give, admission
 * control, and a one-CPU simulation of virtual-time selection.
 */
#include <stdlib.h>

#include "tests/unit/check_run.h"
#include "vmkernel/sched_math.h"

#define UNL SCHED_UNLIMITED
#define MS 1000000ull
#define PERIOD (100 * MS)

static const struct sched_machine one_cpu = { .ncpus = 1, .cpu_capacity = 1000 };

/*
 * Run worlds on one CPU in 1 ms slices for total_ms, with 100 ms periods;
 * ran[i] gets each world's ms, the return value the idle ms.
 */
static unsigned int simulate(struct sched_vworld *w, size_t n, unsigned int total_ms,
			     unsigned int *ran)
{
	unsigned int t, idle = 0;
	size_t i;

	for (i = 0; i < n; i++)
		ran[i] = 0;
	for (t = 0; t < total_ms; t++) {
		int next;

		if (t % (PERIOD / MS) == 0)
			sched_new_period(w, n);
		next = sched_pick_next(w, n);
		if (next < 0) {
			idle++;
			continue;
		}
		sched_charge(&w[next], MS);
		ran[next]++;
	}
	return idle;
}

static struct sched_vworld vworld(uint32_t shares, uint32_t min, uint32_t max)
{
	return (struct sched_vworld){
		.shares = shares, .runnable = true,
		.period_min = sched_period_budget(&one_cpu, min, PERIOD),
		.period_max = sched_period_budget(&one_cpu, max, PERIOD),
	};
}

START_TEST(test_2000_to_1000_shares_entitle_2_to_1)
{
	const struct sched_machine m = { .ncpus = 1, .cpu_capacity = 3000 };
	const struct sched_client c[] = {
		{ .shares = 2000, .max = UNL, .vcpus = 1 },
		{ .shares = 1000, .max = UNL, .vcpus = 1 },
	};
	uint32_t out[2];

	ck_assert_int_eq(sched_entitle(&m, c, 2, out), SCHED_OK);
	ck_assert_uint_eq(out[0], 2000);
	ck_assert_uint_eq(out[1], 1000);
}
END_TEST

START_TEST(test_2000_to_1000_shares_run_2_to_1)
{
	struct sched_vworld w[] = { vworld(2000, 0, UNL), vworld(1000, 0, UNL) };
	unsigned int ran[2];

	ck_assert_uint_eq(simulate(w, 2, 3000, ran), 0);
	ck_assert_uint_eq(ran[0] + ran[1], 3000);
	ck_assert_msg(ran[0] >= 1998 && ran[0] <= 2002, "ran %u:%u", ran[0], ran[1]);
}
END_TEST

START_TEST(test_25_percent_limit_holds)
{
	const struct sched_client c[] = {
		{ .shares = 1000, .max = 250, .vcpus = 1 },
		{ .shares = 1000, .max = UNL, .vcpus = 1 },
	};
	/* high shares do not buy past the limit */
	struct sched_vworld w[] = { vworld(SCHED_SHARES_MAX, 0, 250), vworld(1, 0, UNL) };
	unsigned int ran[2];
	uint32_t out[2];

	ck_assert_int_eq(sched_entitle(&one_cpu, c, 2, out), SCHED_OK);
	ck_assert_uint_eq(out[0], 250);
	ck_assert_uint_eq(out[1], 750);

	ck_assert_uint_eq(simulate(w, 2, 1000, ran), 0);
	ck_assert_uint_eq(ran[0], 250);
	ck_assert_uint_eq(ran[1], 750);

	/* alone, the limited world still gets 25% and the CPU idles */
	w[1].runnable = false;
	ck_assert_uint_eq(simulate(w, 2, 1000, ran), 750);
	ck_assert_uint_eq(ran[0], 250);
}
END_TEST

START_TEST(test_reservation_wins_over_shares)
{
	const struct sched_client c[] = {
		{ .shares = 100, .min = 500, .max = UNL, .vcpus = 1 },
		{ .shares = 10000, .max = UNL, .vcpus = 1 },
	};
	struct sched_vworld w[] = { vworld(100, 500, UNL), vworld(10000, 0, UNL) };
	unsigned int ran[2];
	uint32_t out[2];

	ck_assert_int_eq(sched_entitle(&one_cpu, c, 2, out), SCHED_OK);
	ck_assert_uint_eq(out[0], 500);
	ck_assert_uint_eq(out[1], 500);
	simulate(w, 2, 1000, ran);
	ck_assert_uint_ge(ran[0], 500);
	ck_assert_uint_le(ran[0], 510);
}
END_TEST

START_TEST(test_impossible_reservation_is_refused)
{
	const struct sched_machine two = { .ncpus = 2, .cpu_capacity = 1000 };
	struct sched_client admitted[3] = {
		{ .shares = 1000, .min = 300, .max = UNL, .vcpus = 2 },	/* the COS */
	};
	const struct sched_client vm1 = { .shares = 1000, .min = 1000, .max = UNL, .vcpus = 1 };
	const struct sched_client vm2 = { .shares = 1000, .min = 800, .max = UNL, .vcpus = 2 };
	const struct sched_client small = { .shares = 1000, .min = 700, .max = UNL, .vcpus = 2 };
	const struct sched_client greedy = { .shares = 1000, .min = 1500, .max = UNL, .vcpus = 1 };
	const struct sched_client inverted = { .shares = 1000, .min = 600, .max = 500, .vcpus = 1 };
	const struct sched_client no_shares = { .shares = 0, .max = UNL, .vcpus = 1 };

	ck_assert_int_eq(sched_admit(&two, admitted, 1, &vm1), SCHED_OK);
	admitted[1] = vm1;
	/* 300 (COS) + 1000 + 800 > 2000 */
	ck_assert_int_eq(sched_admit(&two, admitted, 2, &vm2), SCHED_NO_CAPACITY);
	ck_assert_int_eq(sched_admit(&two, admitted, 2, &small), SCHED_OK);
	/* one vCPU cannot use 1.5 CPUs */
	ck_assert_int_eq(sched_admit(&two, admitted, 0, &greedy), SCHED_MIN_ABOVE_VCPUS);
	ck_assert_int_eq(sched_admit(&two, admitted, 0, &inverted), SCHED_MIN_ABOVE_MAX);
	ck_assert_int_eq(sched_admit(&two, admitted, 0, &no_shares), SCHED_BAD_SHARES);
	/* entitle refuses an overcommitted set too */
	admitted[2] = vm2;
	ck_assert_int_eq(sched_entitle(&two, admitted, 3, (uint32_t[3]){ 0 }),
			 SCHED_NO_CAPACITY);
}
END_TEST

START_TEST(test_cos_keeps_its_minimum_against_heavy_vms)
{
	const struct sched_machine two = { .ncpus = 2, .cpu_capacity = 1000 };
	const struct sched_client c[] = {
		{ .shares = 10, .min = 100, .max = UNL, .vcpus = 2 },	/* the COS */
		{ .shares = 100000, .max = UNL, .vcpus = 2 },
		{ .shares = 100000, .max = UNL, .vcpus = 2 },
	};
	uint32_t out[3];

	ck_assert_int_eq(sched_entitle(&two, c, 3, out), SCHED_OK);
	ck_assert_uint_eq(out[0], 100);
	ck_assert_uint_eq(out[1], 950);
	ck_assert_uint_eq(out[2], 950);
}
END_TEST

START_TEST(test_a_vm_gets_no_more_than_its_vcpus)
{
	const struct sched_machine two = { .ncpus = 2, .cpu_capacity = 1000 };
	const struct sched_client c[] = {
		{ .shares = 100000, .max = UNL, .vcpus = 1 },
		{ .shares = 1, .max = UNL, .vcpus = 2 },
	};
	uint32_t out[2];

	ck_assert_int_eq(sched_entitle(&two, c, 2, out), SCHED_OK);
	ck_assert_uint_eq(out[0], 1000);
	ck_assert_uint_eq(out[1], 1000);
}
END_TEST

START_TEST(test_limits_below_capacity_leave_the_rest_idle)
{
	const struct sched_client c[] = {
		{ .shares = 1000, .max = 200, .vcpus = 1 },
		{ .shares = 3000, .max = 300, .vcpus = 1 },
	};
	uint32_t out[2];

	ck_assert_int_eq(sched_entitle(&one_cpu, c, 2, out), SCHED_OK);
	ck_assert_uint_eq(out[0], 200);
	ck_assert_uint_eq(out[1], 300);
}
END_TEST

/* Random valid sets: sums, bounds, and proportionality of the free clients. */
START_TEST(test_random_entitlements_are_max_min_fair)
{
	const struct sched_machine m = { .ncpus = 4, .cpu_capacity = 2400 };
	unsigned int round, i, j;

	srand(11);
	for (round = 0; round < 3000; round++) {
		struct sched_client c[8];
		uint32_t out[8], reserved = 0;
		uint64_t sum = 0, caps = 0;
		unsigned int n = 1 + rand() % 8;

		for (i = 0; i < n; i++) {
			uint32_t vcpus = 1 + rand() % 4, cap = vcpus * m.cpu_capacity;

			c[i].vcpus = vcpus;
			c[i].shares = 1 + rand() % 5000;
			c[i].max = rand() % 3 ? UNL : 1 + rand() % cap;
			c[i].min = rand() % 3 ? 0 : rand() % ((c[i].max < cap ? c[i].max : cap) + 1);
			if (reserved + c[i].min > m.ncpus * m.cpu_capacity)
				c[i].min = 0;
			reserved += c[i].min;
			caps += c[i].max < cap ? c[i].max : cap;
		}
		ck_assert_int_eq(sched_entitle(&m, c, n, out), SCHED_OK);
		for (i = 0; i < n; i++) {
			uint32_t cap = c[i].vcpus * m.cpu_capacity;

			cap = c[i].max < cap ? c[i].max : cap;
			ck_assert_uint_ge(out[i], c[i].min);
			ck_assert_uint_le(out[i], cap);
			sum += out[i];
		}
		ck_assert_uint_eq(sum, caps < 4u * 2400 ? caps : 4u * 2400);
		/* a client above its min gets no less per share than any client below its cap */
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++) {
				uint32_t cap_j = c[j].vcpus * m.cpu_capacity;

				cap_j = c[j].max < cap_j ? c[j].max : cap_j;
				if (i == j || out[i] <= c[i].min || out[j] >= cap_j)
					continue;
				/* (out_i - 1)/s_i <= (out_j + 1)/s_j, rounding allowed */
				ck_assert_msg((uint64_t)(out[i] - 1) * c[j].shares <=
					      (uint64_t)(out[j] + 1) * c[i].shares,
					      "round %u: %u/%u vs %u/%u", round, out[i],
					      c[i].shares, out[j], c[j].shares);
			}
	}
}
END_TEST

START_TEST(test_waking_world_brings_back_no_credit)
{
	struct sched_vworld w[] = { vworld(1000, 0, UNL), vworld(1000, 0, UNL) };
	unsigned int ran[2];

	w[1].runnable = false;
	simulate(w, 2, 1000, ran);
	ck_assert_uint_eq(ran[0], 1000);
	sched_wakeup(w, 2, 1);
	ck_assert(w[1].runnable);
	ck_assert_uint_eq(w[1].vtime, w[0].vtime);
	simulate(w, 2, 1000, ran);
	ck_assert_msg(ran[1] >= 499 && ran[1] <= 501, "ran %u:%u", ran[0], ran[1]);
}
END_TEST

START_TEST(test_pick_over_pointers_matches_array)
{
	struct sched_vworld w[] = {
		vworld(1000, 0, UNL), vworld(2000, 300, UNL), vworld(500, 0, 250),
	};
	const struct sched_vworld *p[3] = { &w[0], &w[1], &w[2] };
	unsigned int t;

	for (t = 0; t < 1000; t++) {
		int a, b;

		if (t % (PERIOD / MS) == 0)
			sched_new_period(w, 3);
		a = sched_pick_next(w, 3);
		b = sched_pick_next_ptr(p, 3);
		ck_assert_int_eq(a, b);
		ck_assert_int_ge(a, 0);
		sched_charge(&w[a], MS);
	}
	/* the reservation is met first in every period */
	ck_assert(!sched_in_reservation(&w[1]));
	ck_assert(sched_under_limit(&w[0]));
}
END_TEST

/* Three 1000-share spinners and a COS vCPU of 2000 on one CPU, one spinner
 * next to the other COS vCPU: one must move, and then none back. */
START_TEST(test_balance_moves_only_what_evens_the_queues)
{
	ck_assert(sched_move_evens(2000 + 3000, 2000 + 1000, 1000));
	ck_assert(!sched_move_evens(2000 + 2000, 2000 + 2000, 1000));
	ck_assert(!sched_move_evens(3000, 2000, 1000));	/* would only swap sides */
	ck_assert(!sched_move_evens(2000, 3000, 1000));	/* the other way round */
	ck_assert(!sched_move_evens(5000, 0, 0));
	ck_assert(sched_move_evens(4000, 0, 2000 - 1));
	/* Moving as long as it evens reaches a split no move improves. */
	{
		uint64_t a = 2000 + 4 * 1000, b = 2000;
		int moves = 0;

		while (sched_move_evens(a, b, 1000)) {
			a -= 1000;
			b += 1000;
			moves++;
		}
		ck_assert_int_eq(moves, 2);
		ck_assert_uint_eq(a, b);
	}
}
END_TEST

START_TEST(test_limited_world_leaves_its_limit_only)
{
	struct sched_vworld w = vworld(1000, 0, 250);

	ck_assert(sched_under_limit(&w));
	sched_charge(&w, 25 * MS);
	ck_assert(!sched_under_limit(&w));
	ck_assert_int_eq(sched_pick_next_ptr((const struct sched_vworld *[]){ &w }, 1), -1);
	sched_new_period(&w, 1);
	ck_assert(sched_under_limit(&w));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("sched_math");

	tcase_add_test(tc, test_2000_to_1000_shares_entitle_2_to_1);
	tcase_add_test(tc, test_2000_to_1000_shares_run_2_to_1);
	tcase_add_test(tc, test_25_percent_limit_holds);
	tcase_add_test(tc, test_reservation_wins_over_shares);
	tcase_add_test(tc, test_impossible_reservation_is_refused);
	tcase_add_test(tc, test_cos_keeps_its_minimum_against_heavy_vms);
	tcase_add_test(tc, test_a_vm_gets_no_more_than_its_vcpus);
	tcase_add_test(tc, test_limits_below_capacity_leave_the_rest_idle);
	tcase_add_test(tc, test_random_entitlements_are_max_min_fair);
	tcase_add_test(tc, test_waking_world_brings_back_no_credit);
	tcase_add_test(tc, test_pick_over_pointers_matches_array);
	tcase_add_test(tc, test_limited_world_leaves_its_limit_only);
	tcase_add_test(tc, test_balance_moves_only_what_evens_the_queues);
	return check_run("sched_math", tc);
}
