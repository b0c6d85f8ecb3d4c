// SPDX-License-Identifier: GPL-2.0-only
/* Runtime of the test guests: see guest.h. */
#include "guest.h"

#define UART_LSR	5
#define UART_LSR_THRE	0x20	/* transmit holding register empty (PC16550D) */

void serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	outb(COM1 + 2, 0x07);	/* FIFO on, cleared */
	outb(COM1 + 4, 0x03);	/* DTR RTS */
}

void putc(char c)
{
	/* bounded: a broken UART must not hang the guest */
	for (unsigned int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); i++)
		;
	outb(COM1, (uint8_t)c);
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

void putu(uint32_t v)
{
	char buf[11];
	int i = 10;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts(buf + i);
}

void putx(uint32_t v)
{
	puts("0x");
	for (int shift = 28; shift >= 0; shift -= 4)
		putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

uint32_t rand32(uint32_t *state)
{
	uint32_t x = *state ? *state : 0x2545f491u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

void power_off(void)
{
	outw(PM1A_CNT, PM1_SLP_EN_S5);
	for (;;)
		__asm__ volatile("cli; hlt");
}

uint32_t cmdline_number(const struct mb_info *mbi, const char *key, uint32_t dflt)
{
	const char *p;
	uint32_t v = 0;

	if (!mbi || !(mbi->flags & MB_INFO_CMDLINE) || !mbi->cmdline)
		return dflt;
	for (p = (const char *)mbi->cmdline; *p; p++) {
		const char *k = key, *q = p;

		while (*k && *q == *k) {
			k++;
			q++;
		}
		if (*k || *q != '=' || q[1] < '0' || q[1] > '9')
			continue;
		for (q++; *q >= '0' && *q <= '9'; q++)
			v = v * 10 + (uint32_t)(*q - '0');
		return v;
	}
	return dflt;
}
