/* SPDX-License-Identifier: GPL-2.0-only */
/* printf-style formatting for the vmkernel (no libc). */
#ifndef VMKERNEL_LIB_FORMAT_H
#define VMKERNEL_LIB_FORMAT_H

#include "vmkernel/platform.h"

/*
 * Supports %s %c %d %i %u %x %X %p %% with flags '0' '-', a width, and the
 * length modifiers l, ll, z. Always NUL-terminates when size > 0; returns
 * the length the full output would have had.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* VMKERNEL_LIB_FORMAT_H */
