// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/lib/why.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/log/log.h"

void why_set(struct vmk_why *w, const char *fmt, ...)
{
	struct vmk_why now;
	va_list ap;

	if (why_said(w))
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(now.text, sizeof(now.text), fmt, ap);
	va_end(ap);
	why_put(w, now.text);
}

vmk_status_t why_fail(struct vmk_why *w, vmk_status_t st, const char *fmt, ...)
{
	struct vmk_why now;
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(now.text, sizeof(now.text), fmt, ap);
	va_end(ap);
	log_warn("%s", now.text);
	why_put(w, now.text);
	return st;
}
