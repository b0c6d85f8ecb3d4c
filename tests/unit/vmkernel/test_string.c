// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vmkernel's memcpy() and memset() (vmkernel/lib/string.c), built
 * under other names next to libc's: every length up to a few words at
 * every alignment of source and destination gives what a byte a turn
 * gives, nothing outside the range is touched, and a copy to a lower
 * overlapping address works as the forward byte copy it replaced.
 */
#include "tests/unit/check_run.h"
#include <stdint.h>
#include <string.h>

#define memcpy vmk_memcpy
#define memset vmk_memset
#define memcmp vmk_memcmp
#define strlen vmk_strlen
#define strcmp vmk_strcmp
#define strstr vmk_strstr
#include "vmkernel/lib/string.c"
#undef memcpy
#undef memset
#undef memcmp
#undef strlen
#undef strcmp
#undef strstr

#define BUF	128
#define GUARD	0xa5

static unsigned char got[BUF], want[BUF], src[BUF];

static void fill(unsigned char *b, unsigned char seed)
{
	for (int i = 0; i < BUF; i++)
		b[i] = (unsigned char)(seed + i * 7);
}

static void byte_copy(unsigned char *d, const unsigned char *s, size_t n)
{
	while (n--)
		*d++ = *s++;
}

START_TEST(test_memcpy_copies_every_length_at_every_alignment)
{
	fill(src, 1);
	for (size_t n = 0; n <= 70; n++)
		for (size_t da = 0; da < 8; da++)
			for (size_t sa = 0; sa < 8; sa++) {
				memset(got, GUARD, BUF);
				memset(want, GUARD, BUF);
				byte_copy(want + 16 + da, src + sa, n);
				ck_assert_ptr_eq(vmk_memcpy(got + 16 + da, src + sa, n), got + 16 + da);
				ck_assert_msg(!memcmp(got, want, BUF),
					      "memcpy of %zu bytes, dst +%zu, src +%zu", n, da, sa);
			}
}
END_TEST

START_TEST(test_memset_sets_every_length_at_every_alignment)
{
	const int values[] = { 0, 0x5a, 0xff, -1, 0x1234 };

	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
		for (size_t n = 0; n <= 70; n++)
			for (size_t da = 0; da < 8; da++) {
				memset(got, GUARD, BUF);
				memset(want, GUARD, BUF);
				for (size_t i = 0; i < n; i++)
					want[16 + da + i] = (unsigned char)values[v];
				ck_assert_ptr_eq(vmk_memset(got + 16 + da, values[v], n), got + 16 + da);
				ck_assert_msg(!memcmp(got, want, BUF),
					      "memset(%d) of %zu bytes at +%zu", values[v], n, da);
			}
}
END_TEST

START_TEST(test_memcpy_to_a_lower_overlapping_address_is_a_forward_copy)
{
	for (size_t k = 1; k <= 20; k++)
		for (size_t n = 0; n <= 64; n++)
			for (size_t a = 0; a < 4; a++) {
				fill(got, 3);
				fill(want, 3);
				byte_copy(want + 8 + a, want + 8 + a + k, n);
				vmk_memcpy(got + 8 + a, got + 8 + a + k, n);
				ck_assert_msg(!memcmp(got, want, BUF),
					      "overlap: %zu bytes down by %zu at +%zu", n, k, a);
			}
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("string");

	tcase_add_test(tc, test_memcpy_copies_every_length_at_every_alignment);
	tcase_add_test(tc, test_memset_sets_every_length_at_every_alignment);
	tcase_add_test(tc, test_memcpy_to_a_lower_overlapping_address_is_a_forward_copy);
	return check_run("vmkernel string functions", tc);
}
