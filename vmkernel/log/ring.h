/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The log ring: fixed-size records (include/vmk/log.h) numbered from 1.
 * When full, the oldest record is overwritten. Readers ask by sequence
 * number, so a reader that fell behind learns what it missed. Callers
 * serialize writers and readers (vmkernel/log/log.c holds the lock).
 */
#ifndef VMKERNEL_LOG_RING_H
#define VMKERNEL_LOG_RING_H

#include "vmkernel/platform.h"
#include <vmk/log.h>

struct log_ring {
	struct vmk_log_record *rec;
	uint32_t nrec;
	uint64_t next_seq;	/* sequence number of the next record */
};

void log_ring_init(struct log_ring *r, struct vmk_log_record *rec,
		   uint32_t nrec);
/* Appends one record (text truncated to fit); returns its seq. */
uint64_t log_ring_append(struct log_ring *r, uint64_t time_us, uint16_t cpu,
			 uint16_t level, const char *text, size_t len);
/* Oldest sequence number still held (next_seq when empty). */
uint64_t log_ring_oldest(const struct log_ring *r);
/* Copies up to max records with seq >= from (or the oldest held). */
uint32_t log_ring_read(const struct log_ring *r, uint64_t from,
		       struct vmk_log_record *out, uint32_t max);

#endif /* VMKERNEL_LOG_RING_H */
