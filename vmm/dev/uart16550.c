// SPDX-License-Identifier: GPL-2.0-only
/* 16550A UART model; register map and bits from the PC16550D datasheet. */
#include "vmm/dev/uart16550.h"
#include "vmm/devices.h"

#define UART_COM1_BASE	0x3f8
#define UART_COM1_IRQ	4
#define UART_COM2_BASE	0x2f8
#define UART_COM2_IRQ	3
#define UART_NR_REGS	8

/* Register offsets (PC16550D table II). */
#define UART_RBR_THR	0	/* DLAB=1: divisor latch LSB */
#define UART_IER	1	/* DLAB=1: divisor latch MSB */
#define UART_IIR_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define IER_RDA		0x01	/* received data available */
#define IER_THRE	0x02	/* transmitter holding register empty */
#define IER_RLS		0x04	/* receiver line status */
#define IER_MS		0x08	/* modem status */
#define IER_MASK	0x0f

#define IIR_NONE	0x01	/* no interrupt pending */
#define IIR_MS		0x00
#define IIR_THRE	0x02
#define IIR_RDA		0x04
#define IIR_RLS		0x06
#define IIR_TIMEOUT	0x0c	/* character timeout (FIFO mode) */
#define IIR_FIFO_ON	0xc0

#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define FCR_CLEAR_TX	0x04
#define FCR_TRIGGER(f)	((f) >> 6)

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08	/* gates the IRQ line on PC serial cards */
#define MCR_LOOP	0x10
#define MCR_MASK	0x1f

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define LSR_ERRORS	0x1e	/* OE PE FE BI: cleared by reading LSR */

#define MSR_DELTAS	0x0f
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80
/* A console is attached: modem lines say "ready" outside loopback. */
#define MSR_CONNECTED	(MSR_CTS | MSR_DSR | MSR_DCD)

/* RX FIFO interrupt trigger levels 1, 4, 8, 14 (FCR bits 7:6). */
static const uint8_t rx_trigger[4] = { 1, 4, 8, 14 };

static bool fifo_on(const struct uart16550 *u)
{
	return u->fcr & FCR_ENABLE;
}

static unsigned int rx_capacity(const struct uart16550 *u)
{
	return fifo_on(u) ? UART_FIFO_LEN : 1;
}

static uint8_t iir_of(const struct uart16550 *u)
{
	uint8_t fifo = fifo_on(u) ? IIR_FIFO_ON : 0;

	if ((u->ier & IER_RLS) && (u->lsr & LSR_OE))
		return IIR_RLS | fifo;
	if ((u->ier & IER_RDA) && u->rx_count) {
		if (fifo_on(u) && u->rx_count < rx_trigger[FCR_TRIGGER(u->fcr)])
			return IIR_TIMEOUT | fifo;
		return IIR_RDA | fifo;
	}
	if ((u->ier & IER_THRE) && u->thre_pending)
		return IIR_THRE | fifo;
	if ((u->ier & IER_MS) && (u->msr & MSR_DELTAS))
		return IIR_MS | fifo;
	return IIR_NONE | fifo;
}

static void update_irq(struct uart16550 *u)
{
	bool level = !(iir_of(u) & IIR_NONE) && (u->mcr & MCR_OUT2);

	vdev_irq_set(u->vm, u->irq, level);
}

static void rx_push(struct uart16550 *u, uint8_t c)
{
	if (u->rx_count >= rx_capacity(u)) {
		u->lsr |= LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_LEN] = c;
	u->rx_count++;
	u->lsr |= LSR_DR;
}

static uint8_t rx_pop(struct uart16550 *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_LEN;
	if (--u->rx_count == 0)
		u->lsr &= ~LSR_DR;
	return c;
}

static void tx_push(struct uart16550 *u, uint8_t c)
{
	if (u->tx_head - u->tx_tail == UART_TX_RING) {
		u->tx_tail++;
		u->tx_dropped++;
	}
	u->tx[u->tx_head++ % UART_TX_RING] = c;
}

static uint8_t msr_lines(const struct uart16550 *u)
{
	uint8_t m = 0;

	if (!(u->mcr & MCR_LOOP))
		return MSR_CONNECTED;
	/* Loopback (PC16550D "MCR bit 4"): modem outputs feed the inputs. */
	if (u->mcr & MCR_RTS)
		m |= MSR_CTS;
	if (u->mcr & MCR_DTR)
		m |= MSR_DSR;
	if (u->mcr & MCR_OUT1)
		m |= MSR_RI;
	if (u->mcr & MCR_OUT2)
		m |= MSR_DCD;
	return m;
}

static void set_msr_lines(struct uart16550 *u)
{
	uint8_t lines = msr_lines(u), changed = (u->msr ^ lines) & 0xf0;

	/* delta bits 0..3 follow CTS DSR RI(trailing edge) DCD */
	if (changed & MSR_CTS)
		u->msr |= 0x01;
	if (changed & MSR_DSR)
		u->msr |= 0x02;
	if ((changed & MSR_RI) && !(lines & MSR_RI))
		u->msr |= 0x04;
	if (changed & MSR_DCD)
		u->msr |= 0x08;
	u->msr = (u->msr & MSR_DELTAS) | lines;
}

static uint32_t uart_read(void *dev, uint32_t offset, unsigned int size)
{
	struct uart16550 *u = dev;
	uint8_t v = 0xff;

	(void)size;	/* a wider access reads the first register */
	switch (offset) {
	case UART_RBR_THR:
		if (u->lcr & LCR_DLAB) {
			v = (uint8_t)u->divisor;
		} else {
			v = rx_pop(u);
		}
		break;
	case UART_IER:
		v = (u->lcr & LCR_DLAB) ? (uint8_t)(u->divisor >> 8) : u->ier;
		break;
	case UART_IIR_FCR:
		v = iir_of(u);
		/* Reading IIR with THRE as the source clears it. */
		if ((v & 0x0f) == IIR_THRE)
			u->thre_pending = false;
		break;
	case UART_LCR:
		v = u->lcr;
		break;
	case UART_MCR:
		v = u->mcr;
		break;
	case UART_LSR:
		v = u->lsr;
		u->lsr &= ~LSR_ERRORS;
		break;
	case UART_MSR:
		v = u->msr;
		u->msr &= ~MSR_DELTAS;
		break;
	case UART_SCR:
		v = u->scr;
		break;
	}
	update_irq(u);
	return v;
}

static void uart_write(void *dev, uint32_t offset, unsigned int size,
		       uint32_t val)
{
	struct uart16550 *u = dev;
	uint8_t v = (uint8_t)val;

	(void)size;
	switch (offset) {
	case UART_RBR_THR:
		if (u->lcr & LCR_DLAB) {
			u->divisor = (u->divisor & 0xff00) | v;
			break;
		}
		if (u->mcr & MCR_LOOP)
			rx_push(u, v);
		else
			tx_push(u, v);
		/* Sent at once: THR empty again, which interrupts if enabled. */
		u->thre_pending = true;
		break;
	case UART_IER:
		if (u->lcr & LCR_DLAB) {
			u->divisor = (uint16_t)((u->divisor & 0xff) | (v << 8));
			break;
		}
		/* Enabling ETBEI with THR empty raises THRE at once. */
		if ((v & IER_THRE) && !(u->ier & IER_THRE))
			u->thre_pending = true;
		u->ier = v & IER_MASK;
		break;
	case UART_IIR_FCR:
		if ((v ^ u->fcr) & FCR_ENABLE)	/* toggling resets both FIFOs */
			v |= FCR_CLEAR_RX | FCR_CLEAR_TX;
		if (v & FCR_CLEAR_RX) {
			u->rx_count = 0;
			u->lsr &= ~LSR_DR;
		}
		u->fcr = v & (FCR_ENABLE | 0xc0);
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & MCR_MASK;
		set_msr_lines(u);
		break;
	case UART_SCR:
		u->scr = v;
		break;
	default:	/* LSR and MSR are read-only (writes: factory test) */
		break;
	}
	update_irq(u);
}

size_t uart_tx_drain(struct uart16550 *u, uint8_t *buf, size_t max)
{
	size_t n = 0;

	while (n < max && u->tx_tail != u->tx_head)
		buf[n++] = u->tx[u->tx_tail++ % UART_TX_RING];
	return n;
}

size_t uart_rx_feed(struct uart16550 *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	/* The console waits rather than overrunning the guest's FIFO. */
	while (n < len && u->rx_count < rx_capacity(u) && !(u->mcr & MCR_LOOP))
		rx_push(u, buf[n++]);
	update_irq(u);
	return n;
}

static const struct vdev_io_ops uart_ops = {
	.read = uart_read,
	.write = uart_write,
};

static enum vdev_result uart_attach_one(struct vm_devices *vm,
					struct uart16550 *u, uint16_t base,
					uint8_t irq)
{
	u->vm = vm;
	u->base = base;
	u->irq = irq;
	u->divisor = 12;	/* 9600 baud from 1.8432 MHz / 16 */
	u->lcr = 0x03;		/* 8N1 */
	u->lsr = LSR_THRE | LSR_TEMT;
	u->msr = MSR_CONNECTED;
	return vdev_register_pio(vm, base, UART_NR_REGS, &uart_ops, u);
}

static enum vdev_result uart_attach(struct vm_devices *vm)
{
	enum vdev_result r;

	r = uart_attach_one(vm, &vm->uart[0], UART_COM1_BASE, UART_COM1_IRQ);
	if (r != VDEV_OK)
		return r;
	return uart_attach_one(vm, &vm->uart[1], UART_COM2_BASE, UART_COM2_IRQ);
}

const struct vdev_type uart16550_vdev = {
	.name = "uart16550",
	.attach = uart_attach,
};
