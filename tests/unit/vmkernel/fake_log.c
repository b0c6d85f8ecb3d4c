// SPDX-License-Identifier: GPL-2.0-only
/* A fake of the vmkernel's log: keeps the last line and counts them. */
#include <stdarg.h>
#include <stdio.h>
#include "tests/unit/vmkernel/fake_log.h"
#include "vmkernel/log/log.h"

char fake_log_last[256];
unsigned int fake_log_count;

void vmk_log(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(fake_log_last, sizeof(fake_log_last), fmt, ap);
	va_end(ap);
	fake_log_count++;
}
