// SPDX-License-Identifier: GPL-2.0-only
/* vmkctl vm console text handling (cos-tools/vmkctl/console_text.c). */
#include <string.h>
#include "cos-tools/vmkctl/console_text.h"
#include "tests/unit/check_run.h"

START_TEST(test_keys_pass_through_without_the_detach_key)
{
	char out[16];
	bool detach = true;

	ck_assert_uint_eq(console_keys("ls -l\r", 6, out, &detach), 6);
	ck_assert(!detach);
	ck_assert_mem_eq(out, "ls -l\r", 6);
}
END_TEST

START_TEST(test_detach_key_detaches_and_drops_what_follows)
{
	char out[16];
	bool detach = false;

	ck_assert_uint_eq(console_keys("ab\x1d" "cd", 5, out, &detach), 2);
	ck_assert(detach);
	ck_assert_mem_eq(out, "ab", 2);
	ck_assert_uint_eq(console_keys("\x1d", 1, out, &detach), 0);
	ck_assert(detach);
}
END_TEST

START_TEST(test_other_control_keys_reach_the_guest)
{
	/* Ctrl-C, Ctrl-D, Ctrl-Z, ESC belong to the guest's shell */
	const char keys[] = { 0x03, 0x04, 0x1a, 0x1b, 0x1c, 0x1e };
	char out[8];
	bool detach = true;

	ck_assert_uint_eq(console_keys(keys, sizeof(keys), out, &detach), sizeof(keys));
	ck_assert(!detach);
}
END_TEST

START_TEST(test_send_escapes_decode)
{
	char out[64];

	ck_assert_int_eq(console_unescape("echo hi\\n", out), 8);
	ck_assert_mem_eq(out, "echo hi\n", 8);
	ck_assert_int_eq(console_unescape("a\\tb\\r\\\\\\e\\x41\\x7e", out), 8);
	ck_assert_mem_eq(out, "a\tb\r\\\x1b" "A~", 8);
	ck_assert_int_eq(console_unescape("", out), 0);
}
END_TEST

START_TEST(test_bad_send_escapes_are_refused)
{
	char out[64];

	ck_assert_int_eq(console_unescape("trailing\\", out), -1);
	ck_assert_int_eq(console_unescape("\\q", out), -1);
	ck_assert_int_eq(console_unescape("\\x4", out), -1);
	ck_assert_int_eq(console_unescape("\\xg0", out), -1);
}
END_TEST

START_TEST(test_expect_finds_text_within_one_piece)
{
	struct console_expect e;

	ck_assert_int_eq(console_expect_init(&e, "shell ready"), 0);
	ck_assert(!console_expect_feed(&e, "booting\r\n", 9));
	ck_assert(console_expect_feed(&e, "vmk-guest: shell ready\r\n", 24));
}
END_TEST

START_TEST(test_expect_finds_text_split_across_pieces)
{
	const char *out = "...vmk-guest: shell ready\r\nguest# ";
	size_t n = strlen(out);

	/* every way of cutting the output into byte-sized and larger pieces */
	for (size_t step = 1; step <= 7; step++) {
		struct console_expect e;
		bool seen = false;

		console_expect_init(&e, "shell ready");
		for (size_t off = 0; off < n; off += step)
			seen |= console_expect_feed(&e, out + off, off + step > n ? n - off : step);
		ck_assert_msg(seen, "missed with pieces of %zu bytes", step);
	}
}
END_TEST

START_TEST(test_expect_does_not_match_a_partial_text)
{
	struct console_expect e;

	console_expect_init(&e, "typed-42");
	ck_assert(!console_expect_feed(&e, "typed-4", 7));
	ck_assert(!console_expect_feed(&e, "3 typed-", 8));
	ck_assert(console_expect_feed(&e, "42", 2));
}
END_TEST

START_TEST(test_expect_in_output_longer_than_its_window)
{
	static char big[3 * CONSOLE_EXPECT_MAX];
	struct console_expect e;

	memset(big, 'x', sizeof(big));
	memcpy(big + sizeof(big) - 5, "MARK!", 5);
	console_expect_init(&e, "MARK!");
	ck_assert(console_expect_feed(&e, big, sizeof(big)));
}
END_TEST

START_TEST(test_expect_refuses_empty_and_overlong_text)
{
	struct console_expect e;
	char longer[CONSOLE_EXPECT_MAX + 1];

	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	ck_assert_int_eq(console_expect_init(&e, ""), -1);
	ck_assert_int_eq(console_expect_init(&e, longer), -1);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("console");

	tcase_add_test(tc, test_keys_pass_through_without_the_detach_key);
	tcase_add_test(tc, test_detach_key_detaches_and_drops_what_follows);
	tcase_add_test(tc, test_other_control_keys_reach_the_guest);
	tcase_add_test(tc, test_send_escapes_decode);
	tcase_add_test(tc, test_bad_send_escapes_are_refused);
	tcase_add_test(tc, test_expect_finds_text_within_one_piece);
	tcase_add_test(tc, test_expect_finds_text_split_across_pieces);
	tcase_add_test(tc, test_expect_does_not_match_a_partial_text);
	tcase_add_test(tc, test_expect_in_output_longer_than_its_window);
	tcase_add_test(tc, test_expect_refuses_empty_and_overlong_text);
	return check_run("vmkctl_console", tc);
}
