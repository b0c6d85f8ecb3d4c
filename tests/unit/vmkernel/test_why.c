// SPDX-License-Identifier: GPL-2.0-only
/* Explaining a failure: vmm/why.h and vmkernel/lib/why.c. */
#include <string.h>
#include "tests/unit/check_run.h"
#include "tests/unit/vmkernel/fake_log.h"
#include "vmkernel/lib/why.h"

START_TEST(test_the_first_explanation_is_kept)
{
	struct vmk_why w = { "" };

	ck_assert(!why_said(&w));
	why_set(&w, "vm '%s': %u vCPUs out of range (1..%u)", "a", 9u, 8u);
	ck_assert(why_said(&w));
	why_set(&w, "a later one");
	why_put(&w, "a static one");
	ck_assert_str_eq(w.text, "vm 'a': 9 vCPUs out of range (1..8)");
}
END_TEST

START_TEST(test_a_static_sentence_is_put_as_it_is)
{
	struct vmk_why w = { "" };

	why_put(&w, "guest reset (port 0xCF9)");
	ck_assert_str_eq(w.text, "guest reset (port 0xCF9)");
}
END_TEST

START_TEST(test_a_long_explanation_is_cut_to_the_message_buffer)
{
	struct vmk_why w = { "" }, p = { "" };
	char long_text[300];

	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	why_set(&w, "%s", long_text);
	ck_assert_uint_eq(strlen(w.text), VMK_VM_MSG_LEN - 1);
	why_put(&p, long_text);
	ck_assert_uint_eq(strlen(p.text), VMK_VM_MSG_LEN - 1);
}
END_TEST

START_TEST(test_why_fail_logs_each_explanation_and_returns_the_status)
{
	struct vmk_why w = { "" };

	fake_log_count = 0;
	ck_assert_int_eq(why_fail(&w, VMK_BUSY, "vm '%s' is running already", "a"),
			 VMK_BUSY);
	ck_assert_str_eq(fake_log_last, "vm 'a' is running already");
	ck_assert_int_eq(why_fail(&w, VMK_NO_MEMORY, "second"), VMK_NO_MEMORY);
	ck_assert_str_eq(fake_log_last, "second");
	ck_assert_uint_eq(fake_log_count, 2);
	ck_assert_str_eq(w.text, "vm 'a' is running already");
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("why");

	tcase_add_test(tc, test_the_first_explanation_is_kept);
	tcase_add_test(tc, test_a_static_sentence_is_put_as_it_is);
	tcase_add_test(tc, test_a_long_explanation_is_cut_to_the_message_buffer);
	tcase_add_test(tc, test_why_fail_logs_each_explanation_and_returns_the_status);
	return check_run("why", tc);
}
