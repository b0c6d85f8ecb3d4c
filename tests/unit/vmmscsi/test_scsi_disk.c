// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SCSI disk target: each emulated command, the block commands against
 * a RAM backend (synchronous and held), the range and length checks at
 * their boundaries, malformed CDBs and parameter lists, and random CDBs
 * that must end exactly once without escaping the initiator's buffer.
 */
#include "tests/unit/check_run.h"
#include "tests/unit/vmmscsi/scsi_test.h"

#define BLOCKS 64
#define ILLEGAL SCSI_SENSE_ILLEGAL_REQUEST

static struct ramdisk *rd;
static struct scsi_disk disk;
static uint8_t buf[1 << 18];

static void setup_disk(uint64_t blocks, bool thin)
{
	rd = ramdisk_new(blocks, thin);
	scsi_disk_init(&disk, &rd->be, "vmk-test-disk-0001", 0x1122334455667788ull);
	memset(buf, 0xee, sizeof(buf));
}

static void teardown_disk(void)
{
	ramdisk_free(rd);
}

START_TEST(test_inquiry_standard_data_names_a_vmware_virtual_disk)
{
	struct scsi_cmd *c;

	setup_disk(BLOCKS, false);
	c = submit_cdb(&disk, buf, 96, SCSI_DIR_TO_INITIATOR, 6, 0x12, 0, 0, 0, 96, 0);
	expect_good(c);
	ck_assert_uint_eq(c->xfer_len, 36);
	ck_assert_uint_eq(buf[0], 0x00);		/* direct access, connected */
	ck_assert_uint_eq(buf[2], 0x06);		/* SPC-4 */
	ck_assert_uint_eq(buf[3], 0x02);
	ck_assert_uint_eq(buf[4], 31);
	ck_assert_uint_eq(buf[7] & 0x02, 0x02);		/* CMDQUE */
	ck_assert(!memcmp(&buf[8], "VMware  Virtual disk    1.0 ", 28));
	ck_assert_uint_eq(buf[36], 0xee);		/* nothing past the data */

	/* the allocation length cuts the reply, and so does the buffer */
	c = submit_cdb(&disk, buf, 96, SCSI_DIR_TO_INITIATOR, 6, 0x12, 0, 0, 0, 5, 0);
	expect_good(c);
	ck_assert_uint_eq(c->xfer_len, 5);
	c = submit_cdb(&disk, buf, 3, SCSI_DIR_TO_INITIATOR, 6, 0x12, 0, 0, 0, 96, 0);
	expect_good(c);
	ck_assert_uint_eq(c->xfer_len, 3);
	c = submit_cdb(&disk, buf, 96, SCSI_DIR_TO_INITIATOR, 6, 0x12, 0, 0, 0, 0, 0);
	expect_good(c);
	ck_assert_uint_eq(c->xfer_len, 0);
	teardown_disk();
}
END_TEST

START_TEST(test_inquiry_vpd_pages_are_listed_and_each_is_served)
{
	static const uint8_t thick[] = { 0x00, 0x80, 0x83, 0xb0, 0xb1 };
	static const uint8_t thin[] = { 0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2 };
	struct scsi_cmd *c;

	for (int t = 0; t < 2; t++) {
		const uint8_t *pages = t ? thin : thick;
		unsigned int n = t ? sizeof(thin) : sizeof(thick);

		setup_disk(BLOCKS, t);
		c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x12, 1, 0, 0, 255, 0);
		expect_good(c);
		ck_assert_uint_eq(buf[1], 0);
		ck_assert_uint_eq(buf[3], n);
		ck_assert(!memcmp(&buf[4], pages, n));
		for (unsigned int i = 0; i < n; i++) {
			c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6,
				       0x12, 1, pages[i], 0, 255, 0);
			expect_good(c);
			ck_assert_uint_eq(buf[1], pages[i]);
			ck_assert_uint_eq(c->xfer_len, 4u + (buf[2] << 8 | buf[3]));
		}
		c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x12, 1, 0x80, 0, 255, 0);
		ck_assert(!memcmp(&buf[4], "vmk-test-disk-0001  ", 20));
		c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x12, 1, 0x83, 0, 255, 0);
		ck_assert_uint_eq(buf[5] & 0x0f, 3);		/* NAA */
		ck_assert_uint_eq(buf[7], 16);
		ck_assert_uint_eq(buf[8] >> 4, 6);
		ck_assert_uint_eq(be64(&buf[16]), 0x1122334455667788ull);
		c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x12, 1, 0xb0, 0, 255, 0);
		ck_assert_uint_eq(be32(&buf[8]), SCSI_MAX_XFER_BLOCKS);
		ck_assert_uint_eq(be32(&buf[20]), t ? SCSI_MAX_UNMAP_BLOCKS : 0);
		ck_assert_uint_eq(be32(&buf[24]), t ? SCSI_MAX_UNMAP_DESCS : 0);
		if (t) {
			c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x12, 1, 0xb2, 0, 255, 0);
			ck_assert_uint_eq(buf[5], 0x84);	/* LBPU, LBPRZ */
			ck_assert_uint_eq(buf[6] & 7, 2);	/* thin */
		} else {
			c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x12, 1, 0xb2, 0, 255, 0);
			expect_sense(c, ILLEGAL, 0x2400);
		}
		teardown_disk();
	}
}
END_TEST

START_TEST(test_inquiry_refuses_cmddt_and_a_page_without_evpd_and_unknown_pages)
{
	struct scsi_cmd *c;

	setup_disk(BLOCKS, false);
	c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x12, 2, 0, 0, 255, 0);
	expect_sense(c, ILLEGAL, 0x2400);
	ck_assert_uint_eq(c->sense[15], 0xc0);		/* SKSV, in the CDB */
	ck_assert_uint_eq(c->sense[17], 1);		/* byte 1 */
	c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x12, 0, 0x80, 0, 255, 0);
	expect_sense(c, ILLEGAL, 0x2400);
	ck_assert_uint_eq(c->sense[17], 2);
	c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x12, 1, 0x81, 0, 255, 0);
	expect_sense(c, ILLEGAL, 0x2400);
	ck_assert_uint_eq(c->xfer_len, 0);
	teardown_disk();
}
END_TEST

START_TEST(test_a_missing_lun_answers_inquiry_as_no_unit_and_refuses_the_rest)
{
	setup_disk(BLOCKS, false);
	test_cmd_blank(buf, 36, UINT64_MAX);
	test_cmd.cdb[0] = 0x12;
	test_cmd.cdb[4] = 36;
	test_cmd.cdb_len = 6;
	test_cmd.lun = 1;
	expect_good(test_submit(&disk));
	ck_assert_uint_eq(buf[0], 0x7f);		/* qualifier 3, type 1Fh */
	test_cmd.cdb[0] = 0x00;				/* TEST UNIT READY */
	test_cmd.cdb[4] = 0;
	expect_sense(test_submit(&disk), ILLEGAL, 0x2500);
	test_cmd.cdb[0] = 0x28;				/* READ(10) */
	test_cmd.cdb_len = 10;
	expect_sense(test_submit(&disk), ILLEGAL, 0x2500);
	ck_assert_uint_eq(rd->reads, 0);
	teardown_disk();
}
END_TEST

START_TEST(test_read_capacity_reports_the_last_lba_and_provisioning)
{
	struct scsi_cmd *c;
	struct scsi_backend big;

	setup_disk(BLOCKS, true);
	c = submit_cdb(&disk, buf, 8, SCSI_DIR_TO_INITIATOR, 10, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	expect_good(c);
	ck_assert_uint_eq(be32(&buf[0]), BLOCKS - 1);
	ck_assert_uint_eq(be32(&buf[4]), 512);
	c = submit_cdb(&disk, buf, 32, SCSI_DIR_TO_INITIATOR, 16, 0x9e, 0x10,
		       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0);
	expect_good(c);
	ck_assert_uint_eq(c->xfer_len, 32);
	ck_assert_uint_eq(be64(&buf[0]), BLOCKS - 1);
	ck_assert_uint_eq(be32(&buf[8]), 512);
	ck_assert_uint_eq(buf[14], 0xc0);		/* LBPME, LBPRZ */
	/* an LBA without PMI, another service action */
	c = submit_cdb(&disk, buf, 8, SCSI_DIR_TO_INITIATOR, 10, 0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0);
	expect_sense(c, ILLEGAL, 0x2400);
	c = submit_cdb(&disk, buf, 32, SCSI_DIR_TO_INITIATOR, 16, 0x9e, 0x11,
		       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0);
	expect_sense(c, ILLEGAL, 0x2400);
	teardown_disk();

	/* beyond 32 bits: READ CAPACITY(10) says "use the 16-byte form" */
	setup_disk(BLOCKS, false);
	big = rd->be;
	big.nr_blocks = 0x123456789ull;
	scsi_disk_init(&disk, &big, "big", 1);
	c = submit_cdb(&disk, buf, 8, SCSI_DIR_TO_INITIATOR, 10, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	expect_good(c);
	ck_assert_uint_eq(be32(&buf[0]), 0xffffffffu);
	c = submit_cdb(&disk, buf, 32, SCSI_DIR_TO_INITIATOR, 16, 0x9e, 0x10,
		       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0);
	ck_assert_uint_eq(be64(&buf[0]), 0x123456788ull);
	ck_assert_uint_eq(buf[14], 0);
	teardown_disk();
}
END_TEST

/* READ or WRITE of nr blocks at lba with each CDB size. */
static struct scsi_cmd *rw(int size, bool write, uint64_t lba, uint32_t nr,
			   uint64_t len)
{
	enum scsi_dir dir = write ? SCSI_DIR_TO_TARGET : SCSI_DIR_TO_INITIATOR;
	uint8_t l[8];

	for (int i = 0; i < 8; i++)
		l[i] = (uint8_t)(lba >> (56 - 8 * i));
	switch (size) {
	case 6:
		return submit_cdb(&disk, buf, len, dir, 6, write ? 0x0a : 0x08,
				  l[5] & 0x1f, l[6], l[7], nr & 0xff, 0);
	case 10:
		return submit_cdb(&disk, buf, len, dir, 10, write ? 0x2a : 0x28, 0,
				  l[4], l[5], l[6], l[7], 0, nr >> 8 & 0xff, nr & 0xff, 0);
	case 12:
		return submit_cdb(&disk, buf, len, dir, 12, write ? 0xaa : 0xa8, 0,
				  l[4], l[5], l[6], l[7], nr >> 24, nr >> 16 & 0xff,
				  nr >> 8 & 0xff, nr & 0xff, 0, 0);
	default:
		return submit_cdb(&disk, buf, len, dir, 16, write ? 0x8a : 0x88, 0,
				  l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7],
				  nr >> 24, nr >> 16 & 0xff, nr >> 8 & 0xff, nr & 0xff, 0, 0);
	}
}

START_TEST(test_read_and_write_round_trip_with_every_cdb_size)
{
	static const int sizes[] = { 6, 10, 12, 16 };
	struct scsi_cmd *c;

	setup_disk(BLOCKS, false);
	for (unsigned int i = 0; i < 4; i++) {
		uint64_t lba = 3 + i * 10;

		c = rw(sizes[i], false, lba, 2, sizeof(buf));
		expect_good(c);
		ck_assert_uint_eq(c->xfer_len, 1024);
		ck_assert(!memcmp(buf, rd->data + lba * 512, 1024));
		memset(buf, 0xa0 + i, 1024);
		c = rw(sizes[i], true, lba, 2, 1024);
		expect_good(c);
		ck_assert_uint_eq(c->xfer_len, 1024);
		ck_assert_uint_eq(rd->data[lba * 512], 0xa0 + i);
		ck_assert_uint_eq(rd->data[lba * 512 + 1023], 0xa0 + i);
		ck_assert_uint_eq(rd->data[lba * 512 + 1024], (uint8_t)(lba * 512 + 1024));
	}
	ck_assert_uint_eq(rd->reads, 4);
	ck_assert_uint_eq(rd->writes, 4);
	/* a zero-length READ(10) reaches nothing and is good */
	c = rw(10, false, 5, 0, 0);
	expect_good(c);
	ck_assert_uint_eq(rd->reads, 4);
	teardown_disk();
}
END_TEST

START_TEST(test_read_6_of_length_zero_means_256_blocks)
{
	struct scsi_cmd *c;

	setup_disk(300, false);
	c = rw(6, false, 10, 0, sizeof(buf));
	expect_good(c);
	ck_assert_uint_eq(c->xfer_len, 256 * 512);
	c = rw(6, false, 45, 0, sizeof(buf));		/* 45 + 256 > 300 */
	expect_sense(c, ILLEGAL, 0x2100);
	teardown_disk();
}
END_TEST

START_TEST(test_lba_range_is_checked_at_the_last_block_and_against_wraparound)
{
	struct scsi_cmd *c;

	setup_disk(BLOCKS, false);
	expect_good(rw(16, false, BLOCKS - 1, 1, 512));
	expect_sense(rw(16, false, BLOCKS - 1, 2, 1024), ILLEGAL, 0x2100);
	expect_sense(rw(16, false, BLOCKS, 1, 512), ILLEGAL, 0x2100);
	expect_good(rw(16, false, BLOCKS, 0, 0));	/* empty, at the end */
	expect_sense(rw(16, false, BLOCKS + 1, 0, 0), ILLEGAL, 0x2100);
	/* lba + nr wraps 64 bits */
	expect_sense(rw(16, false, UINT64_MAX - 1, 4, 2048), ILLEGAL, 0x2100);
	expect_sense(rw(16, true, UINT64_MAX, 1, 512), ILLEGAL, 0x2100);
	expect_sense(rw(12, true, 0xffffffffu, 0xffffffffu, sizeof(buf)), ILLEGAL, 0x2100);
	c = rw(10, true, BLOCKS - 1, 2, 1024);
	expect_sense(c, ILLEGAL, 0x2100);
	ck_assert_uint_eq(rd->reads + rd->writes, 1);
	teardown_disk();
}
END_TEST

START_TEST(test_a_transfer_beyond_the_buffer_is_an_overrun_and_touches_nothing)
{
	struct scsi_cmd *c;

	setup_disk(BLOCKS, false);
	c = rw(10, false, 0, 4, 4 * 512 - 1);
	expect_result(c, SCSI_RESULT_OVERRUN);
	ck_assert_uint_eq(c->xfer_len, 0);
	c = rw(10, true, 0, 4, 512);
	expect_result(c, SCSI_RESULT_OVERRUN);
	ck_assert_uint_eq(rd->reads + rd->writes, 0);
	ck_assert_uint_eq(rd->data[0], 0);
	ck_assert_uint_eq(buf[0], 0xee);
	teardown_disk();
}
END_TEST

START_TEST(test_a_transfer_over_the_block_limits_is_an_invalid_field)
{
	struct scsi_cmd *c;

	setup_disk(2 * SCSI_MAX_XFER_BLOCKS, false);
	c = rw(16, false, 0, SCSI_MAX_XFER_BLOCKS + 1, UINT64_MAX);
	expect_sense(c, ILLEGAL, 0x2400);
	ck_assert_uint_eq(c->sense[17], 10);
	c = rw(10, true, 0, SCSI_MAX_XFER_BLOCKS + 1, UINT64_MAX);
	expect_sense(c, ILLEGAL, 0x2400);
	ck_assert_uint_eq(c->sense[17], 7);
	ck_assert_uint_eq(rd->reads + rd->writes, 0);
	teardown_disk();
}
END_TEST

START_TEST(test_a_direction_contradicting_the_cdb_is_refused)
{
	struct scsi_cmd *c;

	setup_disk(BLOCKS, false);
	c = submit_cdb(&disk, buf, 512, SCSI_DIR_TO_TARGET, 10, 0x28, 0, 0, 0, 0, 1, 0, 0, 1, 0);
	expect_result(c, SCSI_RESULT_DIRECTION);
	c = submit_cdb(&disk, buf, 512, SCSI_DIR_TO_INITIATOR, 10, 0x2a, 0, 0, 0, 0, 1, 0, 0, 1, 0);
	expect_result(c, SCSI_RESULT_DIRECTION);
	c = submit_cdb(&disk, buf, 512, SCSI_DIR_NONE, 10, 0x28, 0, 0, 0, 0, 1, 0, 0, 1, 0);
	expect_result(c, SCSI_RESULT_DIRECTION);
	c = submit_cdb(&disk, buf, 96, SCSI_DIR_TO_TARGET, 6, 0x12, 0, 0, 0, 96, 0);
	expect_result(c, SCSI_RESULT_DIRECTION);
	ck_assert_uint_eq(rd->reads + rd->writes, 0);
	/* unknown direction: the CDB decides */
	c = submit_cdb(&disk, buf, 512, SCSI_DIR_UNKNOWN, 10, 0x28, 0, 0, 0, 0, 1, 0, 0, 1, 0);
	expect_good(c);
	teardown_disk();
}
END_TEST

START_TEST(test_backend_errors_become_medium_error_or_data_protect)
{
	setup_disk(BLOCKS, true);
	rd->fail = SCSI_BACKEND_IO_ERROR;
	expect_sense(rw(10, false, 0, 1, 512), SCSI_SENSE_MEDIUM_ERROR, 0x1100);
	expect_sense(rw(10, true, 0, 1, 512), SCSI_SENSE_MEDIUM_ERROR, 0x0c00);
	rd->fail = SCSI_BACKEND_NO_SPACE;
	expect_sense(rw(16, true, 0, 1, 512), SCSI_SENSE_DATA_PROTECT, 0x2707);
	teardown_disk();
}
END_TEST

START_TEST(test_an_unreachable_buffer_is_reported_to_the_transport)
{
	setup_disk(BLOCKS, false);
	/* the ramdisk reads in two pieces: the second one faults */
	test_cmd_blank(buf, 1024, 700);
	test_cmd.cdb[0] = 0x28;
	test_cmd.cdb[8] = 2;
	test_cmd.cdb_len = 10;
	expect_result(test_submit(&disk), SCSI_RESULT_BAD_BUFFER);
	ck_assert_uint_eq(test_cmd.xfer_len, 512);
	/* an emulated reply into an unreachable buffer */
	test_cmd.cdb[0] = 0x12;
	test_cmd.cdb[4] = 36;
	test_cmd.cdb_len = 6;
	test_hb.fault_at = 10;
	expect_result(test_submit(&disk), SCSI_RESULT_BAD_BUFFER);
	teardown_disk();
}
END_TEST

START_TEST(test_a_held_backend_completes_after_submit_returned)
{
	struct scsi_cmd *c;

	setup_disk(BLOCKS, true);
	rd->hold = true;
	c = rw(10, false, 1, 1, 512);
	ck_assert_uint_eq(test_done_calls, 0);
	ck_assert_uint_eq(ramdisk_run(rd), 1);
	expect_good(c);
	ck_assert(!memcmp(buf, rd->data + 512, 512));

	/* FUA: the write, then a flush, each held */
	memset(buf, 0x42, 512);
	c = submit_cdb(&disk, buf, 512, SCSI_DIR_TO_TARGET, 10, 0x2a, 0x08, 0, 0, 0, 2, 0, 0, 1, 0);
	ck_assert_uint_eq(test_done_calls, 0);
	ck_assert_uint_eq(ramdisk_run(rd), 2);
	expect_good(c);
	ck_assert_uint_eq(rd->flushes, 1);
	ck_assert_uint_eq(rd->data[1024], 0x42);

	/* a backend that completes twice is ignored the second time */
	scsi_backend_done(c, SCSI_BACKEND_IO_ERROR);
	expect_good(c);
	teardown_disk();
}
END_TEST

START_TEST(test_synchronize_cache_flushes_and_checks_its_range)
{
	struct scsi_cmd *c;

	setup_disk(BLOCKS, false);
	c = submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 10, 0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	expect_good(c);
	ck_assert_uint_eq(rd->flushes, 1);
	c = submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 16, 0x91, 0x02, 0, 0, 0, 0, 0, 0, 0, 0,
		       0, 0, 0, BLOCKS, 0, 0);
	expect_good(c);
	ck_assert_uint_eq(rd->flushes, 2);
	c = submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 16, 0x91, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		       0, 0, 0, BLOCKS, 0, 0);
	expect_sense(c, ILLEGAL, 0x2100);
	c = submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 10, 0x35, 0x80, 0, 0, 0, 0, 0, 0, 0, 0);
	expect_sense(c, ILLEGAL, 0x2400);
	rd->fail = SCSI_BACKEND_IO_ERROR;
	c = submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 10, 0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	expect_sense(c, SCSI_SENSE_MEDIUM_ERROR, 0x0c00);
	ck_assert_uint_eq(rd->flushes, 3);
	/* VERIFY without BYTCHK: only the range; with it: refused */
	rd->fail = SCSI_BACKEND_OK;
	expect_good(submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 10, 0x2f, 0, 0, 0, 0, 0, 0, 0, BLOCKS, 0));
	expect_sense(submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 10, 0x2f, 0, 0, 0, 0, 1, 0, 0, BLOCKS, 0),
		     ILLEGAL, 0x2100);
	expect_sense(submit_cdb(&disk, buf, 512, SCSI_DIR_NONE, 10, 0x2f, 0x02, 0, 0, 0, 0, 0, 0, 1, 0),
		     ILLEGAL, 0x2400);
	teardown_disk();
}
END_TEST

START_TEST(test_mode_sense_caching_page_with_and_without_block_descriptors)
{
	struct scsi_cmd *c;

	setup_disk(BLOCKS, false);
	/* MODE SENSE(6), caching page, with the 8-byte block descriptor */
	c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x1a, 0, 0x08, 0, 255, 0);
	expect_good(c);
	ck_assert_uint_eq(c->xfer_len, 4 + 8 + 20);
	ck_assert_uint_eq(buf[0], 4 + 8 + 20 - 1);
	ck_assert_uint_eq(buf[2], 0x10);		/* DPOFUA, not WP */
	ck_assert_uint_eq(buf[3], 8);
	ck_assert_uint_eq(be32(&buf[4]), BLOCKS);
	ck_assert_uint_eq(be32(&buf[8]) & 0xffffff, 512);
	ck_assert_uint_eq(buf[12], 0x08);
	ck_assert_uint_eq(buf[13], 18);
	ck_assert_uint_eq(buf[14] & 0x04, 0x04);	/* WCE: the backend flushes */

	/* MODE SENSE(10), all pages, DBD */
	c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 10, 0x5a, 0x08, 0x3f,
		       0, 0, 0, 0, 0, 255, 0);
	expect_good(c);
	ck_assert_uint_eq(c->xfer_len, 8 + 20 + 12);
	ck_assert_uint_eq(buf[0] << 8 | buf[1], 8 + 20 + 12 - 2);
	ck_assert_uint_eq(buf[6] << 8 | buf[7], 0);
	ck_assert_uint_eq(buf[8], 0x08);
	ck_assert_uint_eq(buf[28], 0x0a);

	/* LLBAA: the 16-byte descriptor */
	c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 10, 0x5a, 0x10, 0x0a,
		       0, 0, 0, 0, 0, 255, 0);
	expect_good(c);
	ck_assert_uint_eq(buf[4] & 1, 1);
	ck_assert_uint_eq(buf[7], 16);
	ck_assert_uint_eq(be64(&buf[8]), BLOCKS);
	ck_assert_uint_eq(buf[24], 0x0a);

	/* changeable values: nothing is */
	c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x1a, 0x08, 0x48, 0, 255, 0);
	expect_good(c);
	ck_assert_uint_eq(buf[4], 0x08);
	ck_assert_uint_eq(buf[6], 0);

	/* allocation length shorter than the header */
	c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x1a, 0, 0x3f, 0, 2, 0);
	expect_good(c);
	ck_assert_uint_eq(c->xfer_len, 2);
	teardown_disk();
}
END_TEST

START_TEST(test_mode_sense_refuses_saved_values_unknown_pages_and_subpages)
{
	setup_disk(BLOCKS, false);
	expect_sense(submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x1a, 0, 0xc8, 0, 255, 0),
		     ILLEGAL, 0x3900);
	expect_sense(submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x1a, 0, 0x01, 0, 255, 0),
		     ILLEGAL, 0x2400);
	expect_sense(submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x1a, 0, 0x08, 1, 255, 0),
		     ILLEGAL, 0x2400);
	expect_sense(submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x1a, 0x10, 0x08, 0, 255, 0),
		     ILLEGAL, 0x2400);
	expect_good(submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x1a, 0, 0x3f, 0xff, 255, 0));
	teardown_disk();
}
END_TEST

START_TEST(test_report_luns_lists_lun_0_and_checks_the_allocation_length)
{
	struct scsi_cmd *c;

	setup_disk(BLOCKS, false);
	c = submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 12, 0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0);
	expect_good(c);
	ck_assert_uint_eq(c->xfer_len, 16);
	ck_assert_uint_eq(be32(&buf[0]), 8);
	ck_assert_uint_eq(be64(&buf[8]), 0);
	expect_sense(submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 12, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 0, 0),
		     ILLEGAL, 0x2400);
	expect_sense(submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 12, 0xa0, 0, 3, 0, 0, 0, 0, 0, 1, 0, 0, 0),
		     ILLEGAL, 0x2400);
	teardown_disk();
}
END_TEST

START_TEST(test_a_reset_raises_one_unit_attention_that_request_sense_also_clears)
{
	struct scsi_cmd *c;

	setup_disk(BLOCKS, false);
	c = submit_cdb(&disk, buf, 18, SCSI_DIR_TO_INITIATOR, 6, 0x03, 0, 0, 0, 18, 0);
	expect_good(c);
	ck_assert_uint_eq(buf[0], 0x70);
	ck_assert_uint_eq(buf[2], 0);			/* NO SENSE */
	expect_sense(submit_cdb(&disk, buf, 18, SCSI_DIR_TO_INITIATOR, 6, 0x03, 1, 0, 0, 18, 0),
		     ILLEGAL, 0x2400);

	scsi_disk_reset(&disk);
	expect_good(submit_cdb(&disk, buf, 36, SCSI_DIR_TO_INITIATOR, 6, 0x12, 0, 0, 0, 36, 0));
	expect_sense(submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 6, 0, 0, 0, 0, 0, 0),
		     SCSI_SENSE_UNIT_ATTENTION, 0x2903);
	expect_good(submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 6, 0, 0, 0, 0, 0, 0));

	scsi_disk_reset(&disk);
	c = submit_cdb(&disk, buf, 18, SCSI_DIR_TO_INITIATOR, 6, 0x03, 0, 0, 0, 18, 0);
	expect_good(c);
	ck_assert_uint_eq(buf[2], SCSI_SENSE_UNIT_ATTENTION);
	ck_assert_uint_eq(buf[12], 0x29);
	expect_good(submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 6, 0, 0, 0, 0, 0, 0));
	teardown_disk();
}
END_TEST

/* An UNMAP parameter list with n descriptors (lba, nr) into buf; its length. */
static uint32_t unmap_list(unsigned int n, const uint64_t *lba, const uint32_t *nr)
{
	uint32_t len = 8 + 16 * n;

	memset(buf, 0, len);
	buf[0] = (uint8_t)((len - 2) >> 8);
	buf[1] = (uint8_t)(len - 2);
	buf[2] = (uint8_t)((16 * n) >> 8);
	buf[3] = (uint8_t)(16 * n);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *d = &buf[8 + 16 * i];

		for (int b = 0; b < 8; b++)
			d[b] = (uint8_t)(lba[i] >> (56 - 8 * b));
		for (int b = 0; b < 4; b++)
			d[8 + b] = (uint8_t)(nr[i] >> (24 - 8 * b));
	}
	return len;
}

static struct scsi_cmd *unmap(uint32_t param_len, uint64_t buf_len)
{
	return submit_cdb(&disk, buf, buf_len, SCSI_DIR_TO_TARGET, 10, 0x42, 0, 0, 0, 0, 0, 0,
			  param_len >> 8, param_len & 0xff, 0);
}

START_TEST(test_unmap_releases_every_range_after_checking_the_whole_list)
{
	const uint64_t lba[] = { 2, 10, 20 };
	const uint32_t nr[] = { 3, 0, 1 };
	const uint64_t bad_lba[] = { 2, BLOCKS - 1 };
	const uint32_t bad_nr[] = { 3, 2 };
	uint32_t len;

	setup_disk(BLOCKS, true);
	len = unmap_list(3, lba, nr);
	expect_good(unmap(len, len));
	ck_assert_uint_eq(rd->unmaps, 2);		/* the empty one skipped */
	for (int i = 0; i < 512 * 3; i++)
		ck_assert_uint_eq(rd->data[2 * 512 + i], 0);
	ck_assert_uint_eq(rd->data[5 * 512 + 1], 1);
	ck_assert_uint_eq(rd->data[20 * 512 + 1], 0);

	/* the second descriptor is out of range: nothing is released */
	len = unmap_list(2, bad_lba, bad_nr);
	rd->data[2 * 512] = 7;
	expect_sense(unmap(len, len), ILLEGAL, 0x2100);
	ck_assert_uint_eq(rd->unmaps, 2);
	ck_assert_uint_eq(rd->data[2 * 512], 7);

	/* held backend: one descriptor after the other */
	rd->hold = true;
	len = unmap_list(3, lba, nr);
	unmap(len, len);
	ck_assert_uint_eq(test_done_calls, 0);
	ck_assert_uint_eq(ramdisk_run(rd), 2);
	expect_good(&test_cmd);
	/* a parameter list length of 0 is no operation */
	rd->hold = false;
	expect_good(unmap(0, 0));
	ck_assert_uint_eq(rd->unmaps, 4);
	teardown_disk();
}
END_TEST

START_TEST(test_unmap_refuses_malformed_parameter_lists)
{
	uint64_t lba[SCSI_MAX_UNMAP_DESCS + 1] = { 0 };
	uint32_t nr[SCSI_MAX_UNMAP_DESCS + 1] = { 0 };
	struct scsi_backend big;
	uint32_t len;

	setup_disk(BLOCKS, true);
	expect_sense(unmap(7, 7), ILLEGAL, 0x1a00);
	len = unmap_list(1, lba, nr);
	expect_result(unmap(len, len - 1), SCSI_RESULT_OVERRUN);
	/* data lengths that claim more than the list holds */
	buf[1] = 0xff;
	expect_sense(unmap(len, len), ILLEGAL, 0x1a00);
	len = unmap_list(1, lba, nr);
	buf[3] = 17;
	expect_sense(unmap(len, len), ILLEGAL, 0x1a00);
	/* a truncated last descriptor is ignored */
	nr[0] = 1;
	len = unmap_list(1, lba, nr);
	buf[3] = 15;
	expect_good(unmap(len, len));
	ck_assert_uint_eq(rd->unmaps, 0);
	/* too many descriptors, too many blocks */
	len = unmap_list(SCSI_MAX_UNMAP_DESCS + 1, lba, nr);
	expect_sense(unmap(len, len), ILLEGAL, 0x2600);
	teardown_disk();

	/* a disk larger than its RAM: the list is refused before any I/O */
	setup_disk(BLOCKS, true);
	big = rd->be;
	big.nr_blocks = SCSI_MAX_UNMAP_BLOCKS + 2;
	scsi_disk_init(&disk, &big, "big", 3);
	lba[1] = 1;
	nr[0] = 1;
	nr[1] = SCSI_MAX_UNMAP_BLOCKS;
	len = unmap_list(2, lba, nr);
	expect_sense(unmap(len, len), ILLEGAL, 0x2600);
	ck_assert_uint_eq(rd->unmaps, 0);
	/* ANCHOR */
	expect_sense(submit_cdb(&disk, buf, 24, SCSI_DIR_TO_TARGET, 10, 0x42, 1, 0, 0, 0, 0, 0, 0, 24, 0),
		     ILLEGAL, 0x2400);
	teardown_disk();
}
END_TEST

START_TEST(test_unmap_on_a_thick_disk_is_an_invalid_opcode)
{
	const uint64_t lba[] = { 0 };
	const uint32_t nr[] = { 1 };
	uint32_t len;

	setup_disk(BLOCKS, false);
	len = unmap_list(1, lba, nr);
	expect_sense(unmap(len, len), ILLEGAL, 0x2000);
	ck_assert_uint_eq(rd->unmaps, 0);
	teardown_disk();
}
END_TEST

START_TEST(test_a_read_only_disk_refuses_writes_and_says_so_in_mode_sense)
{
	struct scsi_backend ro;
	const uint64_t lba[] = { 0 };
	const uint32_t nr[] = { 1 };
	uint32_t len;

	setup_disk(BLOCKS, true);
	ro = rd->be;
	ro.read_only = true;
	scsi_disk_init(&disk, &ro, "ro", 2);
	expect_sense(rw(10, true, 0, 1, 512), SCSI_SENSE_DATA_PROTECT, 0x2700);
	len = unmap_list(1, lba, nr);
	expect_sense(unmap(len, len), SCSI_SENSE_DATA_PROTECT, 0x2700);
	expect_good(rw(10, false, 0, 1, 512));
	expect_good(submit_cdb(&disk, buf, 255, SCSI_DIR_TO_INITIATOR, 6, 0x1a, 0, 0x08, 0, 255, 0));
	ck_assert_uint_eq(buf[2] & 0x80, 0x80);
	ck_assert_uint_eq(rd->writes + rd->unmaps, 0);
	teardown_disk();
}
END_TEST

START_TEST(test_unknown_opcodes_short_cdbs_and_naca_are_refused)
{
	setup_disk(BLOCKS, false);
	/* MODE SELECT, WRITE SAME, a reserved group, a vendor opcode */
	expect_sense(submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 6, 0x15, 0, 0, 0, 0, 0), ILLEGAL, 0x2000);
	expect_sense(submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 10, 0x41, 0, 0, 0, 0, 0, 0, 0, 0, 0),
		     ILLEGAL, 0x2000);
	expect_sense(submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 16, 0x7f), ILLEGAL, 0x2000);
	expect_sense(submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 6, 0xc0), ILLEGAL, 0x2000);
	/* a READ(10) in 6 bytes, a CDB over 16 bytes */
	expect_sense(submit_cdb(&disk, buf, 512, SCSI_DIR_TO_INITIATOR, 6, 0x28, 0, 0, 0, 0, 1),
		     ILLEGAL, 0x2400);
	expect_sense(submit_cdb(&disk, buf, 512, SCSI_DIR_TO_INITIATOR, 17, 0x28), ILLEGAL, 0x2400);
	expect_sense(submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 0), ILLEGAL, 0x2400);
	/* NACA in the CONTROL byte */
	expect_sense(submit_cdb(&disk, buf, 0, SCSI_DIR_NONE, 6, 0, 0, 0, 0, 0, 0x04), ILLEGAL, 0x2400);
	/* protection information asked for */
	expect_sense(submit_cdb(&disk, buf, 512, SCSI_DIR_TO_INITIATOR, 10, 0x28, 0x20, 0, 0, 0, 0, 0, 0, 1, 0),
		     ILLEGAL, 0x2400);
	ck_assert_uint_eq(rd->reads, 0);
	teardown_disk();
}
END_TEST

/*
 * Random CDBs with random lengths, buffers and directions, synchronous or
 * held: each command ends exactly once, within its buffer, with a sense
 * exactly when CHECK CONDITION, and the backend sees only ranges inside
 * the disk (ramdisk_do aborts otherwise).
 */
START_TEST(test_random_cdbs_end_once_inside_their_buffer)
{
	static const uint8_t ops[] = {
		0x00, 0x03, 0x08, 0x0a, 0x12, 0x1a, 0x1b, 0x25, 0x28, 0x2a, 0x2f,
		0x35, 0x42, 0x5a, 0x88, 0x8a, 0x8f, 0x91, 0x9e, 0xa0, 0xa8, 0xaa,
	};
	unsigned int seed = 12345 + _i;

	setup_disk(BLOCKS, _i & 1);
	rd->hold = _i & 2;
	for (int n = 0; n < 30000; n++) {
		uint64_t len = rand_r(&seed) % 4 ? (uint64_t)(rand_r(&seed) % 4096) :
			       rand_r(&seed) % sizeof(buf);

		test_cmd_blank(buf, len, rand_r(&seed) % 16 ? UINT64_MAX :
					 (uint64_t)(rand_r(&seed) % 4096));
		for (int i = 0; i < SCSI_CDB_MAX; i++)
			test_cmd.cdb[i] = (uint8_t)(rand_r(&seed) % 3 ? 0 : rand_r(&seed));
		test_cmd.cdb[0] = rand_r(&seed) % 8 ? ops[rand_r(&seed) % sizeof(ops)] :
						     (uint8_t)rand_r(&seed);
		if (rand_r(&seed) % 2) {	/* small lengths and LBAs */
			test_cmd.cdb[2] = test_cmd.cdb[3] = test_cmd.cdb[4] = test_cmd.cdb[5] = 0;
			test_cmd.cdb[6] = 0;
			test_cmd.cdb[7] = 0;
		}
		test_cmd.cdb_len = (uint8_t)(rand_r(&seed) % 8 ? 16 : rand_r(&seed) % 20);
		test_cmd.lun = rand_r(&seed) % 16 ? 0 : rand_r(&seed);
		test_cmd.dir = (enum scsi_dir)(rand_r(&seed) % 4);
		if (rand_r(&seed) % 64 == 0)
			scsi_disk_reset(&disk);
		rd->fail = rand_r(&seed) % 16 ? SCSI_BACKEND_OK : (enum scsi_backend_status)(rand_r(&seed) % 3);
		test_submit(&disk);
		ramdisk_run(rd);
		ck_assert_uint_eq(test_done_calls, 1);
		ck_assert_uint_le(test_cmd.xfer_len, len);
		if (test_cmd.result == SCSI_RESULT_OK && test_cmd.status == SCSI_STATUS_CHECK_CONDITION)
			ck_assert_uint_eq(test_cmd.sense_len, SCSI_SENSE_LEN);
		else
			ck_assert_uint_eq(test_cmd.sense_len, 0);
	}
	teardown_disk();
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("scsi_disk");

	tcase_add_test(tc, test_inquiry_standard_data_names_a_vmware_virtual_disk);
	tcase_add_test(tc, test_inquiry_vpd_pages_are_listed_and_each_is_served);
	tcase_add_test(tc, test_inquiry_refuses_cmddt_and_a_page_without_evpd_and_unknown_pages);
	tcase_add_test(tc, test_a_missing_lun_answers_inquiry_as_no_unit_and_refuses_the_rest);
	tcase_add_test(tc, test_read_capacity_reports_the_last_lba_and_provisioning);
	tcase_add_test(tc, test_read_and_write_round_trip_with_every_cdb_size);
	tcase_add_test(tc, test_read_6_of_length_zero_means_256_blocks);
	tcase_add_test(tc, test_lba_range_is_checked_at_the_last_block_and_against_wraparound);
	tcase_add_test(tc, test_a_transfer_beyond_the_buffer_is_an_overrun_and_touches_nothing);
	tcase_add_test(tc, test_a_transfer_over_the_block_limits_is_an_invalid_field);
	tcase_add_test(tc, test_a_direction_contradicting_the_cdb_is_refused);
	tcase_add_test(tc, test_backend_errors_become_medium_error_or_data_protect);
	tcase_add_test(tc, test_an_unreachable_buffer_is_reported_to_the_transport);
	tcase_add_test(tc, test_a_held_backend_completes_after_submit_returned);
	tcase_add_test(tc, test_synchronize_cache_flushes_and_checks_its_range);
	tcase_add_test(tc, test_mode_sense_caching_page_with_and_without_block_descriptors);
	tcase_add_test(tc, test_mode_sense_refuses_saved_values_unknown_pages_and_subpages);
	tcase_add_test(tc, test_report_luns_lists_lun_0_and_checks_the_allocation_length);
	tcase_add_test(tc, test_a_reset_raises_one_unit_attention_that_request_sense_also_clears);
	tcase_add_test(tc, test_unmap_releases_every_range_after_checking_the_whole_list);
	tcase_add_test(tc, test_unmap_refuses_malformed_parameter_lists);
	tcase_add_test(tc, test_unmap_on_a_thick_disk_is_an_invalid_opcode);
	tcase_add_test(tc, test_a_read_only_disk_refuses_writes_and_says_so_in_mode_sense);
	tcase_add_test(tc, test_unknown_opcodes_short_cdbs_and_naca_are_refused);
	tcase_add_loop_test(tc, test_random_cdbs_end_once_inside_their_buffer, 0, 4);
	return check_run("scsi_disk", tc);
}
