// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/arch/x86/uart.h"
#include "vmkernel/arch/x86/cpu.h"

/* 16550 registers (offsets from the base port) and bits. */
#define UART_THR	0	/* transmit holding */
#define UART_DLL	0	/* divisor latch low, DLAB=1 */
#define UART_IER	1
#define UART_DLM	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LCR_DLAB	0x80
#define LCR_8N1		0x03
#define FCR_ENABLE	0x07	/* enable and clear both FIFOs */
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20
#define UART_SPIN_MAX	100000

void uart_init(struct uart *u, uint16_t port)
{
	u->port = port;
	if (!port)
		return;
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DLL, 1);	/* 115200 baud */
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, FCR_ENABLE);
	outb(port + UART_MCR, MCR_DTR_RTS);
}

void uart_puts(struct uart *u, const char *s)
{
	if (!u->port)
		return;
	for (; *s; s++) {
		int spin = UART_SPIN_MAX;

		while (!(inb(u->port + UART_LSR) & LSR_THRE) && --spin)
			;
		outb(u->port + UART_THR, (uint8_t)*s);
	}
}
