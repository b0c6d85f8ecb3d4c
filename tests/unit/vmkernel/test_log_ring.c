// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel log ring: order, wrap-around, readers that fell behind. */
#include <stdio.h>
#include <string.h>
#include "tests/unit/check_run.h"
#include "vmkernel/log/ring.h"

#define NREC	4

static struct vmk_log_record rec[NREC];
static struct log_ring ring;

static void setup(void)
{
	log_ring_init(&ring, rec, NREC);
}

static void append(const char *text)
{
	log_ring_append(&ring, 42, 1, VMK_LOG_INFO, text, strlen(text));
}

START_TEST(test_empty_ring_reads_nothing)
{
	struct vmk_log_record out[NREC];

	ck_assert_uint_eq(log_ring_read(&ring, 0, out, NREC), 0);
	ck_assert_uint_eq(log_ring_oldest(&ring), 1);
}
END_TEST

START_TEST(test_records_come_back_in_order_with_fields)
{
	struct vmk_log_record out[NREC];

	append("one");
	append("two");
	ck_assert_uint_eq(log_ring_read(&ring, 0, out, NREC), 2);
	ck_assert_uint_eq(out[0].seq, 1);
	ck_assert_str_eq(out[0].text, "one");
	ck_assert_uint_eq(out[0].len, 3);
	ck_assert_uint_eq(out[0].cpu, 1);
	ck_assert_uint_eq(out[0].time_us, 42);
	ck_assert_str_eq(out[1].text, "two");
	ck_assert_uint_eq(log_ring_read(&ring, 2, out, NREC), 1);
	ck_assert_str_eq(out[0].text, "two");
	ck_assert_uint_eq(log_ring_read(&ring, 3, out, NREC), 0);
}
END_TEST

START_TEST(test_full_ring_overwrites_the_oldest)
{
	struct vmk_log_record out[NREC];
	char text[16];
	int i;

	for (i = 1; i <= 10; i++) {
		snprintf(text, sizeof(text), "m%d", i);
		append(text);
	}
	ck_assert_uint_eq(log_ring_oldest(&ring), 7);
	ck_assert_uint_eq(log_ring_read(&ring, 1, out, NREC), 4);	/* behind */
	ck_assert_uint_eq(out[0].seq, 7);
	ck_assert_str_eq(out[0].text, "m7");
	ck_assert_str_eq(out[3].text, "m10");
}
END_TEST

START_TEST(test_reads_stop_at_max)
{
	struct vmk_log_record out[2];

	append("a");
	append("b");
	append("c");
	ck_assert_uint_eq(log_ring_read(&ring, 0, out, 2), 2);
	ck_assert_str_eq(out[1].text, "b");
}
END_TEST

START_TEST(test_long_text_is_truncated_and_terminated)
{
	struct vmk_log_record out[1];
	char text[300];

	memset(text, 'x', sizeof(text));
	log_ring_append(&ring, 0, 0, VMK_LOG_ERR, text, sizeof(text));
	ck_assert_uint_eq(log_ring_read(&ring, 0, out, 1), 1);
	ck_assert_uint_eq(out[0].len, VMK_LOG_TEXT_LEN - 1);
	ck_assert_uint_eq(strlen(out[0].text), VMK_LOG_TEXT_LEN - 1);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("log ring");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_empty_ring_reads_nothing);
	tcase_add_test(tc, test_records_come_back_in_order_with_fields);
	tcase_add_test(tc, test_full_ring_overwrites_the_oldest);
	tcase_add_test(tc, test_reads_stop_at_max);
	tcase_add_test(tc, test_long_text_is_truncated_and_terminated);
	return check_run("vmkernel log ring", tc);
}
