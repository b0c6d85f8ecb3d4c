// SPDX-License-Identifier: GPL-2.0-only
/* Shared fixture of the SCSI disk tests: commands against a host buffer. */
#ifndef TESTS_UNIT_VMMSCSI_SCSI_TEST_H
#define TESTS_UNIT_VMMSCSI_SCSI_TEST_H

#include <check.h>
#include <stdarg.h>
#include "tests/unit/vmmscsi/ramdisk.h"

/* The initiator's buffer: host memory, unreachable from fault_at on. */
struct hostbuf {
	uint8_t *p;
	uint64_t fault_at;
};

static bool hb_put(void *ctx, uint64_t off, const void *src, uint32_t len)
{
	struct hostbuf *hb = ctx;

	if (off + len > hb->fault_at)
		return false;
	memcpy(hb->p + off, src, len);
	return true;
}

static bool hb_get(void *ctx, uint64_t off, void *dst, uint32_t len)
{
	struct hostbuf *hb = ctx;

	if (off + len > hb->fault_at)
		return false;
	memcpy(dst, hb->p + off, len);
	return true;
}

static struct scsi_cmd test_cmd;
static struct hostbuf test_hb;
static unsigned int test_done_calls;
/* The sense data as done() saw it: the initiator copies it out there. */
static uint8_t test_done_sense[SCSI_SENSE_LEN];

static void test_done(struct scsi_cmd *cmd)
{
	ck_assert_ptr_eq(cmd, &test_cmd);
	test_done_calls++;
	memcpy(test_done_sense, cmd->sense, sizeof(test_done_sense));
}

/* A blank test_cmd on the host buffer buf: len bytes, reachable below fault_at. */
static inline struct scsi_cmd *test_cmd_blank(void *buf, uint64_t len,
					      uint64_t fault_at)
{
	memset(&test_cmd, 0, sizeof(test_cmd));
	test_hb.p = buf;
	test_hb.fault_at = fault_at;
	test_cmd.buf.len = len;
	test_cmd.buf.put = hb_put;
	test_cmd.buf.get = hb_get;
	test_cmd.buf.ctx = &test_hb;
	test_cmd.done = test_done;
	return &test_cmd;
}

static inline struct scsi_cmd *test_submit(struct scsi_disk *disk)
{
	test_done_calls = 0;
	scsi_disk_submit(disk, &test_cmd);
	return &test_cmd;
}

/*
 * Submit a CDB (its bytes as arguments) with buf of len bytes and the
 * initiator's direction dir; returns the command, done or held.
 */
static inline struct scsi_cmd *submit_cdb(struct scsi_disk *disk, void *buf,
					  uint64_t len, enum scsi_dir dir,
					  unsigned int cdb_len, ...)
{
	va_list ap;

	test_cmd_blank(buf, len, UINT64_MAX);
	memset(test_cmd.unmap, 0x5a, sizeof(test_cmd.unmap));	/* stale garbage */
	va_start(ap, cdb_len);
	for (unsigned int i = 0; i < cdb_len && i < SCSI_CDB_MAX; i++)
		test_cmd.cdb[i] = (uint8_t)va_arg(ap, int);
	va_end(ap);
	test_cmd.cdb_len = (uint8_t)cdb_len;
	test_cmd.dir = dir;
	return test_submit(disk);
}

static inline void expect_good(const struct scsi_cmd *cmd)
{
	ck_assert_uint_eq(test_done_calls, 1);
	ck_assert_int_eq(cmd->result, SCSI_RESULT_OK);
	ck_assert_uint_eq(cmd->status, SCSI_STATUS_GOOD);
	ck_assert_uint_eq(cmd->sense_len, 0);
}

/* CHECK CONDITION with fixed sense key/ASC/ASCQ (asc = ASC << 8 | ASCQ). */
static inline void expect_sense(const struct scsi_cmd *cmd, uint8_t key,
				uint16_t asc)
{
	ck_assert_uint_eq(test_done_calls, 1);
	ck_assert_int_eq(cmd->result, SCSI_RESULT_OK);
	ck_assert_uint_eq(cmd->status, SCSI_STATUS_CHECK_CONDITION);
	ck_assert_uint_eq(cmd->sense_len, SCSI_SENSE_LEN);
	ck_assert_uint_eq(cmd->sense[0], 0x70);
	ck_assert_uint_eq(cmd->sense[2], key);
	ck_assert_uint_eq(cmd->sense[7], 10);
	ck_assert_uint_eq(cmd->sense[12], asc >> 8);
	ck_assert_uint_eq(cmd->sense[13], asc & 0xff);
	ck_assert_mem_eq(test_done_sense, cmd->sense, SCSI_SENSE_LEN);
}

static inline void expect_result(const struct scsi_cmd *cmd, enum scsi_result r)
{
	ck_assert_uint_eq(test_done_calls, 1);
	ck_assert_int_eq(cmd->result, r);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static inline uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

#endif /* TESTS_UNIT_VMMSCSI_SCSI_TEST_H */
