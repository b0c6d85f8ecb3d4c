// SPDX-License-Identifier: GPL-2.0-only
/* The string functions the compiler and the vmkernel need (no libc). */
#include "vmkernel/platform.h"

/*
 * memcpy() and memset() store four bytes at a time once the destination
 * is aligned: every bounce copy (64 KiB a disk piece, a frame a packet)
 * and every page cleared goes through them, and under TCG (the lab) each
 * guest instruction costs several host ones, so a byte a turn made them
 * about four times the work. memcpy() copies forward, as before: with
 * the destination below an overlapping source it still copies right
 * (each word is read before anything at or above it is written). The
 * loops must not become calls of these functions themselves.
 */
typedef uint32_t __attribute__((may_alias, aligned(1))) any_u32;
#define STRING_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

STRING_NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (; n && ((uintptr_t)d & 3); n--)
		*d++ = *s++;
	for (; n >= 16; n -= 16, d += 16, s += 16) {
		uint32_t w0 = ((const any_u32 *)s)[0], w1 = ((const any_u32 *)s)[1];
		uint32_t w2 = ((const any_u32 *)s)[2], w3 = ((const any_u32 *)s)[3];

		((any_u32 *)d)[0] = w0;
		((any_u32 *)d)[1] = w1;
		((any_u32 *)d)[2] = w2;
		((any_u32 *)d)[3] = w3;
	}
	for (; n >= 4; n -= 4, d += 4, s += 4)
		*(any_u32 *)d = *(const any_u32 *)s;
	while (n--)
		*d++ = *s++;
	return dst;
}

STRING_NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint32_t w = (unsigned char)c * 0x01010101u;

	for (; n && ((uintptr_t)d & 3); n--)
		*d++ = (unsigned char)c;
	for (; n >= 16; n -= 16, d += 16) {
		((any_u32 *)d)[0] = w;
		((any_u32 *)d)[1] = w;
		((any_u32 *)d)[2] = w;
		((any_u32 *)d)[3] = w;
	}
	for (; n >= 4; n -= 4, d += 4)
		*(any_u32 *)d = w;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (!memcmp(haystack, needle, n))
			return (char *)haystack;
	return n ? NULL : (char *)haystack;
}
