/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmkernel panic: a report (message, registers, symbolized backtrace) to
 * the log ring and COM2, the COS told through the shared page, and every
 * CPU handed back to the COS where the state allows it.
 */
#ifndef VMKERNEL_CORE_PANIC_H
#define VMKERNEL_CORE_PANIC_H

#include "vmkernel/arch/x86/desc.h"

void vmk_panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void panic_exception(struct exc_frame *f) __attribute__((noreturn));

#endif /* VMKERNEL_CORE_PANIC_H */
