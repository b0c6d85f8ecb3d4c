// SPDX-License-Identifier: GPL-2.0-only
/*
 * Explaining a failure in the COS tools (docs/architecture.md "Explaining
 * an error"): a call that can fail for a reason the operator should read
 * returns -1 and adds the reason, a sentence without the tool's prefix,
 * to a struct diag; one that checks a file adds every problem it finds,
 * each "NAME:LINE: what is wrong", and does not stop at the first. The
 * tool prints them (diag_report()) or hands them on (diag_join()).
 */
#ifndef COS_TOOLS_LIB_DIAG_H
#define COS_TOOLS_LIB_DIAG_H

#include <stddef.h>

/* The problems found, in order; { 0 } is empty. */
struct diag {
	char **msgs;
	size_t count;
};

/* Add a sentence (cut at 511 bytes). Only diag_report() changes errno. */
void diag_add(struct diag *diag, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Add "NAME:LINE: sentence" ("NAME: sentence" for line 0). */
void diag_add_at(struct diag *diag, const char *name, unsigned int line,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Every message of from after those of to; from is left empty. */
void diag_move(struct diag *to, struct diag *from);
/* Every message, one a line, into buf (len bytes, cut to fit). */
void diag_join(const struct diag *diag, char *buf, size_t len);
/* On stderr: the formatted prefix, every message one a line, a newline. */
void diag_report(const struct diag *diag, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_free(struct diag *diag);

#endif /* COS_TOOLS_LIB_DIAG_H */
