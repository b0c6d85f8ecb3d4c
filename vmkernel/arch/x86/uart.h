/* SPDX-License-Identifier: GPL-2.0-only */
/* Polled 16550 UART output for the log mirror (COM2 in the lab). */
#ifndef VMKERNEL_ARCH_X86_UART_H
#define VMKERNEL_ARCH_X86_UART_H

#include "vmkernel/platform.h"

struct uart {
	uint16_t port;		/* 0: no UART */
};

void uart_init(struct uart *u, uint16_t port);
void uart_puts(struct uart *u, const char *s);

#endif /* VMKERNEL_ARCH_X86_UART_H */
