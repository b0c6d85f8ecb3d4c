// SPDX-License-Identifier: GPL-2.0-only
/* The COS tools' explanations of a failure (cos-tools/lib/diag.c). */
#include <errno.h>
#include "cos-tools/lib/diag.h"
#include "tests/unit/check_run.h"

static struct diag diag, other;
static char said[128];

static void teardown(void)
{
	diag_free(&diag);
	diag_free(&other);
}

START_TEST(test_join_puts_each_message_on_its_line_and_cuts_to_fit)
{
	diag_add(&diag, "first %d", 1);
	diag_add_at(&diag, "x.vmx", 3, "second");
	diag_add_at(&diag, "x.vmx", 0, "third");
	diag_join(&diag, said, sizeof(said));
	ck_assert_str_eq(said, "first 1\nx.vmx:3: second\nx.vmx: third");
	diag_join(&diag, said, 10);
	ck_assert_str_eq(said, "first 1\nx");
	diag_free(&diag);
	diag_join(&diag, said, sizeof(said));
	ck_assert_str_eq(said, "");
}
END_TEST

START_TEST(test_move_appends_in_order_and_empties_the_source)
{
	diag_add(&diag, "a");
	diag_add(&other, "b");
	diag_add(&other, "c");
	errno = ENOENT;
	diag_move(&diag, &other);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(other.count, 0);
	ck_assert_ptr_null(other.msgs);
	diag_join(&diag, said, sizeof(said));
	ck_assert_str_eq(said, "a\nb\nc");
	/* an empty source changes nothing; an empty target takes all */
	diag_move(&diag, &other);
	ck_assert_uint_eq(diag.count, 3);
	diag_move(&other, &diag);
	ck_assert_uint_eq(diag.count, 0);
	diag_join(&other, said, sizeof(said));
	ck_assert_str_eq(said, "a\nb\nc");
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("diag");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_join_puts_each_message_on_its_line_and_cuts_to_fit);
	tcase_add_test(tc, test_move_appends_in_order_and_empties_the_source);
	return check_run("diag", tc);
}
