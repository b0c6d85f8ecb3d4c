// SPDX-License-Identifier: GPL-2.0-only
/* Console text handling: see console_text.h. */
#define _GNU_SOURCE	/* memmem */
#include <string.h>
#include "console_text.h"

size_t console_keys(const char *in, size_t n, char *out, bool *detach)
{
	const char *key = memchr(in, CONSOLE_DETACH_KEY, n);
	size_t keep = key ? (size_t)(key - in) : n;

	memcpy(out, in, keep);
	*detach = key != NULL;
	return keep;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long console_unescape(const char *text, char *out)
{
	long n = 0;

	while (*text) {
		char c = *text++;
		int hi, lo;

		if (c != '\\') {
			out[n++] = c;
			continue;
		}
		switch (*text++) {
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'e': out[n++] = 0x1b; break;
		case '\\': out[n++] = '\\'; break;
		case 'x':
			hi = hexval(text[0]);
			lo = hi < 0 ? -1 : hexval(text[1]);
			if (lo < 0)
				return -1;
			out[n++] = (char)(hi << 4 | lo);
			text += 2;
			break;
		default:	/* unknown, or the text ended after the backslash */
			return -1;
		}
	}
	return n;
}

int console_expect_init(struct console_expect *e, const char *want)
{
	size_t len = strlen(want);

	if (!len || len >= CONSOLE_EXPECT_MAX)
		return -1;
	memcpy(e->want, want, len + 1);
	e->len = len;
	e->tail_len = 0;
	return 0;
}

bool console_expect_feed(struct console_expect *e, const char *buf, size_t n)
{
	char joined[2 * CONSOLE_EXPECT_MAX];
	size_t keep = e->len - 1, off = 0;

	/* Look at the saved tail joined with the piece, a window at a time. */
	while (off < n) {
		size_t take = n - off < CONSOLE_EXPECT_MAX ? n - off : CONSOLE_EXPECT_MAX;
		size_t total = e->tail_len + take;

		memcpy(joined, e->tail, e->tail_len);
		memcpy(joined + e->tail_len, buf + off, take);
		off += take;
		if (memmem(joined, total, e->want, e->len))
			return true;
		e->tail_len = total < keep ? total : keep;
		memcpy(e->tail, joined + total - e->tail_len, e->tail_len);
	}
	return false;
}
