// SPDX-License-Identifier: GPL-2.0-only
#include "vmkernel/log/ring.h"

void log_ring_init(struct log_ring *r, struct vmk_log_record *rec,
		   uint32_t nrec)
{
	r->rec = rec;
	r->nrec = nrec;
	r->next_seq = 1;
	memset(rec, 0, nrec * sizeof(*rec));
}

uint64_t log_ring_append(struct log_ring *r, uint64_t time_us, uint16_t cpu,
			 uint16_t level, const char *text, size_t len)
{
	struct vmk_log_record *e = &r->rec[(r->next_seq - 1) % r->nrec];

	if (len > VMK_LOG_TEXT_LEN - 1)
		len = VMK_LOG_TEXT_LEN - 1;
	memset(e, 0, sizeof(*e));
	e->seq = r->next_seq;
	e->time_us = time_us;
	e->cpu = cpu;
	e->level = level;
	e->len = (uint16_t)len;
	memcpy(e->text, text, len);
	return r->next_seq++;
}

uint64_t log_ring_oldest(const struct log_ring *r)
{
	return r->next_seq > r->nrec ? r->next_seq - r->nrec : 1;
}

uint32_t log_ring_read(const struct log_ring *r, uint64_t from,
		       struct vmk_log_record *out, uint32_t max)
{
	uint64_t seq = from < log_ring_oldest(r) ? log_ring_oldest(r) : from;
	uint32_t n = 0;

	for (; seq < r->next_seq && n < max; seq++, n++)
		out[n] = r->rec[(seq - 1) % r->nrec];
	return n;
}
