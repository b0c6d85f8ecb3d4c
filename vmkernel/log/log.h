/* SPDX-License-Identifier: GPL-2.0-only */
/* The vmkernel log: a ring readable from the COS, mirrored to a UART. */
#ifndef VMKERNEL_LOG_LOG_H
#define VMKERNEL_LOG_LOG_H

#include "vmkernel/platform.h"
#include <vmk/log.h>

void log_init(uint16_t uart_port);
void vmk_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* For the panic path: never waits for the log lock. */
void vmk_log_emergency(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
uint32_t log_read(uint64_t from, struct vmk_log_record *out, uint32_t max);
uint64_t log_last_seq(void);
/* Where the records are, for the loader to read after a panic. */
uint32_t log_records_pa(uint32_t *nrec);

#define log_err(...)	vmk_log(VMK_LOG_ERR, __VA_ARGS__)
#define log_warn(...)	vmk_log(VMK_LOG_WARN, __VA_ARGS__)
#define log_info(...)	vmk_log(VMK_LOG_INFO, __VA_ARGS__)

/*
 * The rate limit of a message about the nth (from 1) occurrence of the
 * same event: true for the 1st, 2nd, 4th, 8th... so that a storm logs a
 * few lines, each with its count so far, and never floods the ring.
 */
static inline bool log_nth(uint64_t n)
{
	return n && !(n & (n - 1));
}

#endif /* VMKERNEL_LOG_LOG_H */
