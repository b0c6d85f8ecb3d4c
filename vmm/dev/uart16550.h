// SPDX-License-Identifier: GPL-2.0-only
/*
 * 16550A UART (National Semiconductor PC16550D datasheet). COM1 at 0x3F8
 * IRQ 4 and COM2 at 0x2F8 IRQ 3, the PC/AT assignment. Transmitted bytes go
 * to a ring the COS console drains; bytes the console types are fed into
 * the receiver.
 */
#ifndef VMM_DEV_UART16550_H
#define VMM_DEV_UART16550_H

#include "vmm/platform.h"

#define UART_TX_RING	4096	/* power of two */
#define UART_FIFO_LEN	16	/* PC16550D: 16-byte receive and transmit FIFOs */

struct vm_devices;

struct uart16550 {
	struct vm_devices *vm;
	uint16_t base;
	uint8_t irq;
	uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
	uint16_t divisor;
	bool thre_pending;		/* THR-empty interrupt not yet cleared */
	uint8_t rx[UART_FIFO_LEN];
	uint8_t rx_head, rx_count;
	uint8_t tx[UART_TX_RING];
	uint32_t tx_head, tx_tail;	/* free-running; tail = next to drain */
	uint32_t tx_dropped;		/* oldest bytes lost to a full ring */
};

/* Console side: take up to max transmitted bytes; returns how many. */
size_t uart_tx_drain(struct uart16550 *u, uint8_t *buf, size_t max);
/* Console side: give typed bytes; returns how many the receiver took. */
size_t uart_rx_feed(struct uart16550 *u, const uint8_t *buf, size_t len);

/* Attach hook for vmm/devices.c. */
struct vdev_type;
extern const struct vdev_type uart16550_vdev;

#endif /* VMM_DEV_UART16550_H */
