// SPDX-License-Identifier: GPL-2.0-only
/* Problems for the operator, in order: see diag.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cos-tools/lib/diag.h"

#define DIAG_MSG_MAX	512

static void diag_vadd(struct diag *diag, const char *name, unsigned int line,
		      const char *fmt, va_list ap)
{
	char msg[DIAG_MSG_MAX], **msgs;
	int saved = errno;
	size_t n = 0;

	if (name)
		n = line ? (size_t)snprintf(msg, sizeof(msg), "%s:%u: ", name, line) :
			   (size_t)snprintf(msg, sizeof(msg), "%s: ", name);
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	msgs = realloc(diag->msgs, (diag->count + 1) * sizeof(*msgs));
	if (!msgs || !(msgs[diag->count] = strdup(msg))) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	diag->msgs = msgs;
	diag->count++;
	errno = saved;
}

void diag_add(struct diag *diag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(diag, NULL, 0, fmt, ap);
	va_end(ap);
}

void diag_add_at(struct diag *diag, const char *name, unsigned int line,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(diag, name, line, fmt, ap);
	va_end(ap);
}

void diag_move(struct diag *to, struct diag *from)
{
	int saved = errno;
	char **msgs;

	if (!from->count)
		return;
	msgs = realloc(to->msgs, (to->count + from->count) * sizeof(*msgs));
	if (!msgs) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	memcpy(msgs + to->count, from->msgs, from->count * sizeof(*msgs));
	to->msgs = msgs;
	to->count += from->count;
	free(from->msgs);
	from->msgs = NULL;
	from->count = 0;
	errno = saved;
}

void diag_join(const struct diag *diag, char *buf, size_t len)
{
	int saved = errno;
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < diag->count && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "\n" : "", diag->msgs[i]);
	errno = saved;
}

void diag_report(const struct diag *diag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < diag->count; i++)
		fprintf(stderr, "%s%s", i ? "\n" : "", diag->msgs[i]);
	fputc('\n', stderr);
}

void diag_free(struct diag *diag)
{
	int saved = errno;

	for (size_t i = 0; i < diag->count; i++)
		free(diag->msgs[i]);
	free(diag->msgs);
	diag->msgs = NULL;
	diag->count = 0;
	errno = saved;
}
