/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text handling of `vmkctl vm console`, host-tested in tests/unit/vmkctl:
 * the detach key in typed input, C-style escapes of --send, and finding
 * the --expect text in a stream of guest output read in pieces.
 */
#ifndef VMKCTL_CONSOLE_TEXT_H
#define VMKCTL_CONSOLE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define CONSOLE_DETACH_KEY	0x1d	/* Ctrl-], as telnet */
#define CONSOLE_EXPECT_MAX	256

/*
 * Keys typed in the interactive console: copies in[0..n) to out up to the
 * detach key. Returns the bytes to send; *detach is set when the key came
 * (the bytes after it are dropped).
 */
size_t console_keys(const char *in, size_t n, char *out, bool *detach);

/*
 * Decode --send TEXT: \n \r \t \\ \e (ESC) \xHH. Returns the decoded length
 * (out needs strlen(text) bytes), or -1 for a bad or cut-off escape.
 */
long console_unescape(const char *text, char *out);

/* Streaming search for one string across pieces of output. */
struct console_expect {
	char want[CONSOLE_EXPECT_MAX];
	size_t len;
	char tail[CONSOLE_EXPECT_MAX];	/* last len-1 bytes seen */
	size_t tail_len;
};

/* 0, or -1 if want is empty or too long. */
int console_expect_init(struct console_expect *e, const char *want);
/* Feed a piece of output; true once want has appeared (across pieces too). */
bool console_expect_feed(struct console_expect *e, const char *buf, size_t n);

#endif /* VMKCTL_CONSOLE_TEXT_H */
