// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/log/log.h"
#include "vmkernel/log/ring.h"
#include "vmkernel/lib/format.h"
#include "vmkernel/arch/x86/uart.h"
#include "vmkernel/core/vmkernel.h"

#define LOG_RECORDS	1024

static struct vmk_log_record records[LOG_RECORDS];
static struct log_ring ring;
static struct spinlock lock;
static struct uart uart;

void log_init(uint16_t uart_port)
{
	log_ring_init(&ring, records, LOG_RECORDS);
	uart_init(&uart, uart_port);
}

static void emit(int level, const char *fmt, va_list ap, bool wait)
{
	static const char *const tag[] = { "ERR", "WRN", "INF", "DBG" };
	char text[VMK_LOG_TEXT_LEN], line[VMK_LOG_TEXT_LEN + 48];
	uint64_t us = vmk_time_us();
	uint32_t cpu = this_cpu();
	int n;

	n = fmt_vsnprintf(text, sizeof(text), fmt, ap);
	if (n > (int)sizeof(text) - 1)
		n = sizeof(text) - 1;
	fmt_snprintf(line, sizeof(line), "[%5u.%06u] vmk cpu%u %s: %s\r\n",
		     (unsigned int)(us / 1000000), (unsigned int)(us % 1000000),
		     cpu, tag[level & 3], text);
	if (!ring.rec)	/* before log_init: the UART is not set up either */
		return;
	if (wait)
		spin_lock(&lock);
	else if (!spin_trylock(&lock))
		goto mirror_only;
	log_ring_append(&ring, us, (uint16_t)cpu, (uint16_t)level, text, n);
	uart_puts(&uart, line);
	spin_unlock(&lock);
	return;
mirror_only:
	uart_puts(&uart, line);
}

void vmk_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(level, fmt, ap, true);
	va_end(ap);
}

void vmk_log_emergency(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(VMK_LOG_ERR, fmt, ap, false);
	va_end(ap);
}

uint32_t log_read(uint64_t from, struct vmk_log_record *out, uint32_t max)
{
	uint32_t n;

	spin_lock(&lock);
	n = log_ring_read(&ring, from, out, max);
	spin_unlock(&lock);
	return n;
}

uint32_t log_records_pa(uint32_t *nrec)
{
	*nrec = LOG_RECORDS;
	return image_va_to_pa(records);
}

uint64_t log_last_seq(void)
{
	return ring.next_seq - 1;
}
