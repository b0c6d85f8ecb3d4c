// SPDX-License-Identifier: GPL-2.0-only
/* The vmkernel's printf and the panic path's symbol lookup. */
#include "tests/unit/check_run.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/core/symbols.h"

static const char *volatile no_string;	/* NULL, hidden from -Wformat */

START_TEST(test_format_numbers_strings_and_padding)
{
	char b[64];

	fmt_snprintf(b, sizeof(b), "%d %u %x %X %5d|%-4s|%08x", -12, 34u,
		     0xbeefu, 0xabu, 7, "ab", 0x1234u);
	ck_assert_str_eq(b, "-12 34 beef AB     7|ab  |00001234");
	fmt_snprintf(b, sizeof(b), "%llx %lld %llu", 0x123456789abcull,
		     -5ll, 18446744073709551615ull);
	ck_assert_str_eq(b, "123456789abc -5 18446744073709551615");
	fmt_snprintf(b, sizeof(b), "%c%%%s", 'x', no_string);
	ck_assert_str_eq(b, "x%(null)");
}
END_TEST

/* vmkfs's messages use %#x and %#llx: each must take its argument. */
START_TEST(test_format_alternate_hex_takes_its_argument)
{
	char b[64];

	fmt_snprintf(b, sizeof(b), "%#x %#llx %#x %s", 0xc001d00du,
		     0x100000ull, 0u, "end");
	ck_assert_str_eq(b, "0xc001d00d 0x100000 0 end");
}
END_TEST

START_TEST(test_format_truncates_and_reports_full_length)
{
	char b[8];

	ck_assert_int_eq(fmt_snprintf(b, sizeof(b), "%s", "0123456789"), 10);
	ck_assert_str_eq(b, "0123456");
}
END_TEST

static const char strtab[] = "\0vmk_entry\0svm_handle_exit\0data";
static const struct elf32_sym syms[] = {
	{ 0, 0, 0, 0, 0, 0 },
	{ 1, 0xbf000100, 0x40, ELF_STT_FUNC, 0, 1 },
	{ 11, 0xbf000200, 0x100, ELF_STT_FUNC, 0, 1 },
	{ 27, 0xbf000180, 0x10, 1 /* STT_OBJECT */, 0, 2 },
};
static const struct symtab table = { syms, 4, strtab, sizeof(strtab) };

START_TEST(test_symbols_name_the_containing_function)
{
	const char *name;
	uint32_t off;

	ck_assert(symbols_lookup(&table, 0xbf000245, &name, &off));
	ck_assert_str_eq(name, "svm_handle_exit");
	ck_assert_uint_eq(off, 0x45);
	ck_assert(symbols_lookup(&table, 0xbf000100, &name, &off));
	ck_assert_str_eq(name, "vmk_entry");
	ck_assert_uint_eq(off, 0);
}
END_TEST

START_TEST(test_symbols_miss_outside_functions)
{
	const char *name;
	uint32_t off;

	ck_assert(!symbols_lookup(&table, 0xbf000180, &name, &off));	/* object */
	ck_assert(!symbols_lookup(&table, 0xbf000300, &name, &off));	/* past end */
	ck_assert(!symbols_lookup(&table, 0x1000, &name, &off));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("format and symbols");

	tcase_add_test(tc, test_format_numbers_strings_and_padding);
	tcase_add_test(tc, test_format_alternate_hex_takes_its_argument);
	tcase_add_test(tc, test_format_truncates_and_reports_full_length);
	tcase_add_test(tc, test_symbols_name_the_containing_function);
	tcase_add_test(tc, test_symbols_miss_outside_functions);
	return check_run("vmkernel format and symbols", tc);
}
