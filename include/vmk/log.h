/* SPDX-License-Identifier: GPL-2.0-only */
/* vmkernel log records, as the COS reads them (see docs/abi.md). */
#ifndef VMK_LOG_H
#define VMK_LOG_H

#include <vmk/types.h>

#define VMK_LOG_TEXT_LEN	104

#define VMK_LOG_ERR		0
#define VMK_LOG_WARN		1
#define VMK_LOG_INFO		2
#define VMK_LOG_DEBUG		3

/* One record; seq counts from 1 and never repeats while the vmkernel runs. */
struct vmk_log_record {
	uint64_t seq;
	uint64_t time_us;		/* since the vmkernel started */
	uint16_t cpu;
	uint16_t level;			/* VMK_LOG_* */
	uint16_t len;			/* bytes of text, without NUL */
	uint16_t reserved;
	char text[VMK_LOG_TEXT_LEN];	/* NUL-terminated */
};

#endif /* VMK_LOG_H */
