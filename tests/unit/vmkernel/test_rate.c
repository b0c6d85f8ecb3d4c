// SPDX-License-Identifier: GPL-2.0-only
/* Host tests of the token bucket (vmkernel/lib/rate.c). */
#include "tests/unit/check_run.h"
#include "vmkernel/lib/rate.h"

#define MS	1000000ull

/* A burst at once, then one a period; what was held back is not queued. */
START_TEST(test_rate_gives_a_burst_then_one_a_period)
{
	struct rate r;
	uint32_t k, n = 0;

	rate_init(&r, 4, 100 * MS);
	for (k = 0; k < 10; k++)
		n += rate_take(&r, 1000 * MS);
	ck_assert_uint_eq(n, 4);
	ck_assert(!rate_take(&r, 1099 * MS));
	ck_assert(rate_take(&r, 1100 * MS));
	ck_assert(!rate_take(&r, 1100 * MS));
	ck_assert(!rate_take(&r, 1150 * MS));
	ck_assert(rate_take(&r, 1200 * MS));	/* the 1100 refill kept its phase */
}
END_TEST

/* An event at every ns for 10 s: the burst plus one a period, no more. */
START_TEST(test_rate_is_bounded_however_often_it_is_asked)
{
	struct rate r;
	uint64_t t, n = 0;

	rate_init(&r, 8, 100 * MS);
	for (t = 0; t < 10000 * MS; t += 7919)	/* a prime step: no phase luck */
		n += rate_take(&r, t);
	ck_assert_uint_ge(n, 8 + 99);
	ck_assert_uint_le(n, 8 + 100);
}
END_TEST

/* A long quiet time fills the bucket to its burst, not beyond. */
START_TEST(test_rate_saves_up_no_more_than_its_burst)
{
	struct rate r;
	uint32_t k, n = 0;

	rate_init(&r, 3, 100 * MS);
	ck_assert(rate_take(&r, 5 * MS));
	for (k = 0; k < 10; k++)
		n += rate_take(&r, 3600000 * MS);
	ck_assert_uint_eq(n, 3);
	/* a clock that stands still or is read late gives nothing more */
	ck_assert(!rate_take(&r, 3600000 * MS));
	ck_assert(!rate_take(&r, 5 * MS));
	/* odd parameters: at least one event a period */
	rate_init(&r, 0, 0);
	ck_assert(rate_take(&r, 0));
	ck_assert(!rate_take(&r, 0));
	ck_assert(rate_take(&r, 1));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("rate");

	tcase_add_test(tc, test_rate_gives_a_burst_then_one_a_period);
	tcase_add_test(tc, test_rate_is_bounded_however_often_it_is_asked);
	tcase_add_test(tc, test_rate_saves_up_no_more_than_its_burst);
	return check_run("vmkernel token bucket", tc);
}
